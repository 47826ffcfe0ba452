"""The reference tables as typed Polars frames, and the key under which place names match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cineatlas.text import name_key

TERRITORY_SCHEMA: dict[str, Any] = {
    "territory_id": pl.Utf8, "level": pl.Utf8, "code": pl.Utf8, "name": pl.Utf8,
    "name_key": pl.Utf8, "country_code": pl.Utf8, "parent_id": pl.Utf8, "region_id": pl.Utf8,
    "metropolis_id": pl.Utf8, "population": pl.Int64, "population_year": pl.Int32,
    "population_source": pl.Utf8, "area_km2": pl.Float64, "density": pl.Float64,
    "density_class": pl.Utf8, "overseas": pl.Boolean, "latitude": pl.Float64,
    "longitude": pl.Float64, "source_id": pl.Utf8,
}
ALIAS_SCHEMA: dict[str, Any] = {
    "alias_key": pl.Utf8, "kind": pl.Utf8, "territory_id": pl.Utf8, "source_id": pl.Utf8,
}
OUTLINE_SCHEMA: dict[str, Any] = {
    "territory_id": pl.Utf8, "geojson": pl.Utf8, "tolerance": pl.Float64, "source_id": pl.Utf8,
}

#: Alias kinds (documented in docs/territories.md).
ALIAS_KINDS = ("name", "former_name", "other_name", "abbreviation", "code", "former_code",
               "postal_code", "postal_area", "city_of")

_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_WORD = re.compile(r"\S+")


def place_key(text: str | None) -> str:
    """The matching key of a place name: `name_key`, then St/Ste/Sts/Stes spelt out.

    'ST-JEAN-sur-Richelieu ' -> 'saint jean sur richelieu'; 'Montréal' -> 'montreal'.
    """
    key = name_key(text)
    if not key:
        return ""
    return _WORD.sub(lambda m: _SAINTS.get(m.group(0), m.group(0)), key)


def conform(frame: pl.DataFrame, schema: dict[str, Any], source_id: str) -> pl.DataFrame:
    """The frame with exactly the schema's columns, typed, missing ones null."""
    frame = frame.with_columns(pl.lit(source_id).alias("source_id"))
    return frame.select(
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


def alias_frame(parts: Iterable[pl.DataFrame], source_id: str) -> pl.DataFrame:
    """Stack (alias_key, kind, territory_id) frames; drop empty keys and duplicates."""
    frames = [p.select("alias_key", "kind", "territory_id") for p in parts if p.height]
    stacked = pl.concat(frames) if frames else pl.DataFrame(schema=ALIAS_SCHEMA).drop("source_id")
    stacked = stacked.filter(pl.col("alias_key").is_not_null() & (pl.col("alias_key") != ""))
    return conform(stacked.unique(maintain_order=True), ALIAS_SCHEMA, source_id)


def name_aliases(frame: pl.DataFrame, column: str, kind: str = "name",
                 id_column: str = "territory_id") -> pl.DataFrame:
    """Aliases keyed by `place_key` of a text column (null or empty names are dropped)."""
    return frame.select(
        pl.col(column).map_elements(place_key, return_dtype=pl.Utf8).alias("alias_key"),
        pl.lit(kind).alias("kind"),
        pl.col(id_column).alias("territory_id"),
    )


@dataclass
class Tables:
    """What a territory builder returns: rows for the three tables, and build facts."""

    territories: pl.DataFrame
    aliases: pl.DataFrame
    outlines: pl.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.territories.height + self.aliases.height + self.outlines.height
