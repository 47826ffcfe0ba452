"""Support schemes in Etalab's *schéma des dispositifs d'aides* (v0.2.0), CSV or JSON.

    cineatlas import dispositifs dispositifs-region.csv

The file is in the base schema (`dispositif-aide`, 15 fields) or its « professionnels »
extension (26 fields), recognised by its columns. Each row is validated by Frictionless against
the schema shipped in `cineatlas.schemes.standard` (`validate`: which errors quarantine the row,
which the standard tolerates), then read (`cells`: lists split on pipes, dates, `porteurs` and
`base_juridique` read in strict JSON or the standard's JavaScript-like spelling, COG codes checked
against the reference territories). A good row becomes a `schemes` row with its bodies, official
texts and the source of every field it fills (`importers.scheme_records`). The rules are in
docs/importers/dispositifs.md.
"""

from cineatlas.importers.dispositifs.importer import DispositifsImporter

__all__ = ["DispositifsImporter"]
