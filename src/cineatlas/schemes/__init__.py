"""The scheme catalogue (dispositifs): its fields and their mapping to Etalab's standard
(`model`), and what reads it — the finder, the standard's reader and writer, the feeds.

The rows live in the store (`schemes` and its `scheme_*` tables, migration 0008); reads go
through `cineatlas.queries.schemes`. docs/schemes.md says it in full.
"""
