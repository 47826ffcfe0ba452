"""The read side: every read of the store that pages, the JSON API and the CLI show.

One module per subject (awards and their facets, territories, places, entities, funders,
findings…); each function takes the reader (`frame(sql, params)`) first and returns Polars
frames or plain rows, so that a new page's query has one obvious home.
"""
