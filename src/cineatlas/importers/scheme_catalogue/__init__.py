"""cineatlas' own catalogue format: an agency describes its support schemes in a TOML file,
every field of `cineatlas.schemes.model` with where its value comes from.

    cineatlas import scheme-catalogue dispositifs-agence.toml

Each `[[schemes]]` table is one row for the pipeline's accounting (`schemes[3]`, with its id and
line in problems). `fields` declares every key (the column it fills, its kind, its vocabulary);
`check` reads a scheme and checks it (codes, exact amounts, dates, and the catalogue's rule
« no value without a source »: a value whose field has no source is an error);
`importer` opens the file (TOML errors name the line and column). The shipped
`example.toml` is a complete, commented example; docs/importers/scheme-catalogue.md documents
the format.
"""

from importlib.resources import files

from cineatlas.importers.scheme_catalogue.importer import SchemeCatalogueImporter

#: The shipped example catalogue (every key used, with its source).
EXAMPLE = files(__name__) / "example.toml"

__all__ = ["EXAMPLE", "SchemeCatalogueImporter"]
