"""What an importer's schemes' published names say (`cineatlas.schemes.names`), as their
`schemes` columns and the `scheme_field_sources` rows that say where each value comes from.

Every importer that writes schemes calls `name_fields` on its schemes frame, so the word rules
are the same for every source (docs/schemes-catalogue-sources.md).
"""

from __future__ import annotations

import polars as pl

from cineatlas.schemes import names

#: scheme_field_sources.rule of a value read from the scheme's published name.
RULE = "name"
#: The frame of field sources an importer writes (source_id and fictitious are added on write).
SOURCE_SCHEMA: dict[str, pl.DataType] = {
    "scheme_id": pl.Utf8(), "field": pl.Utf8(), "locator": pl.Utf8(), "rule": pl.Utf8()}


def name_fields(schemes: pl.DataFrame, locator: str = "locator") -> tuple[pl.DataFrame,
                                                                           pl.DataFrame]:
    """`schemes` (scheme_id, name and a `locator` column: where the name is in the source,
    e.g. '$.aids[12]' or 'row 5, Purpose') with the list columns of `names.FIELDS` added (NULL
    where the name says nothing) and the `locator` column dropped; and one field-source row
    (scheme_id, field, locator, rule 'name') per field filled."""
    said = [names.read(name) for name in schemes["name"].to_list()]  # cached per name
    read = {field: pl.Series(field, [list(s[field]) if field in s else None for s in said],
                             dtype=pl.List(pl.Utf8))
            for field in names.FIELDS}
    filled = schemes.select("scheme_id", pl.col(locator).alias("locator")).with_columns(
        read.values())
    sources = [filled.filter(pl.col(field).is_not_null()).select(
        "scheme_id", pl.lit(field).alias("field"), "locator", pl.lit(RULE).alias("rule"))
        for field in names.FIELDS]
    out = schemes.drop(locator).with_columns(read.values())
    return out, pl.concat(sources, how="vertical_relaxed") if sources else empty_sources()


def empty_sources() -> pl.DataFrame:
    return pl.DataFrame(schema=SOURCE_SCHEMA)
