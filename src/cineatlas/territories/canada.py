"""Canada's reference territories, read from the CSV files shipped in territories/data/,
plus the world's countries and the US states (places that Canadian funders' files name).

Rows: the country `CA`; provinces and territories `CA-{code}`; Québec's administrative
regions `CA-QC-R{code}`; Québec's municipalities `CA-QC-M{code}`; the metropolis
`CA-QC-CMA462` (Montréal census metropolitan area); countries (`US`, `DE`…) and US
states `US-{code}`. Outlines of the provinces come from a GeoJSON file when one is given.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import AtlasError
from cineatlas.territories import CANADA_SOURCE as SOURCE_ID
from cineatlas.territories import geometry
from cineatlas.territories.tables import (
    OUTLINE_SCHEMA,
    TERRITORY_SCHEMA,
    Tables,
    alias_frame,
    conform,
    place_key,
)

DATA = files("cineatlas.territories") / "data"
FILES = ("canada_provinces.csv", "quebec_regions.csv", "quebec_municipalities.csv",
         "us_states.csv", "countries.csv")

PROVINCE_TOLERANCE = 0.02  # degrees
METROPOLIS_ID = "CA-QC-CMA462"
METROPOLIS_NAME = "Montréal (RMR/CMA)"
METROPOLIS_POPULATION = 4_291_732
METROPOLIS_YEAR = 2021
METROPOLIS_SOURCE = "Statistics Canada, 2021 Census of Population: Montréal CMA (462)"
#: Countries built by their own builder: their rows are not repeated, their aliases are added.
BUILT_ELSEWHERE = frozenset({"FR", "CA"})
_TRUE = {"1", "true", "t", "yes", "y", "oui", "o", "x"}

Progress = Callable[[str], None]


def build_canada(*, data_dir: Path | str | None = None, outlines: Path | str | None = None,
                 progress: Progress | None = None) -> Tables:
    """Build Canada's (and the world's) territories from the reference CSV files in
    `data_dir` (default: the package's territories/data/), with province outlines from the
    GeoJSON file `outlines` when given."""
    say = progress or (lambda _text: None)
    say("Canada: reference files")
    read = _reader(data_dir)
    provinces = _provinces(read("canada_provinces.csv"))
    regions = _qc_regions(read("quebec_regions.csv"))
    municipalities = _municipalities(read("quebec_municipalities.csv"))
    countries = read("countries.csv")
    states = read("us_states.csv")

    country = _country_row(provinces)
    metropolis = pl.DataFrame({
        "territory_id": [METROPOLIS_ID], "level": ["metropolis"], "code": ["462"],
        "name": [METROPOLIS_NAME], "parent_id": ["CA-QC"], "region_id": ["CA-QC"],
        "metropolis_id": [METROPOLIS_ID], "population": [METROPOLIS_POPULATION],
        "population_year": [METROPOLIS_YEAR], "population_source": [METROPOLIS_SOURCE],
    })
    world = _countries(countries)
    us_states = _states(states)
    frames = [country, provinces, regions, municipalities, metropolis, world, us_states]
    rows = pl.concat([f.drop("aliases", strict=False) for f in frames], how="diagonal_relaxed")
    rows = rows.with_columns(
        pl.col("name").map_elements(place_key, return_dtype=pl.Utf8).alias("name_key"),
        pl.coalesce("country_code", pl.lit("CA")).alias("country_code"),
    )
    territories = conform(rows, TERRITORY_SCHEMA, SOURCE_ID)
    aliases = alias_frame([
        _aliases(pl.concat([f.select("territory_id", "name", "aliases", "code", "level")
                            for f in (provinces, regions, municipalities, us_states)],
                           how="diagonal_relaxed")),
        _aliases(world.select("territory_id", "name", "aliases", "code", "level")),
        _country_aliases(countries),
        provinces.select(pl.col("sgc_code").alias("alias_key"), pl.lit("code").alias("kind"),
                         "territory_id"),
        _pairs("name", [("canada", "CA"), ("montreal cma", METROPOLIS_ID),
                        ("montreal rmr", METROPOLIS_ID), ("grand montreal", METROPOLIS_ID)]),
    ], SOURCE_ID)
    say("Canada: outlines")
    outline_rows = (_outlines(Path(outlines), provinces["territory_id"].to_list()) if outlines
                    else pl.DataFrame(schema=OUTLINE_SCHEMA))
    return Tables(territories, aliases, conform(outline_rows, OUTLINE_SCHEMA, SOURCE_ID),
                  {"outlines": str(outlines) if outlines else None})


# -- reading ---------------------------------------------------------------------------


def _reader(data_dir: Path | str | None) -> Callable[[str], pl.DataFrame]:
    def read(name: str) -> pl.DataFrame:
        folder = Path(data_dir) if data_dir is not None else DATA
        entry = folder / name
        if not entry.is_file():
            raise AtlasError(
                f"The reference file {name} is missing from {folder}. Reinstall cineatlas, "
                "or give the folder that holds the Canadian reference CSV files.")
        frame = pl.read_csv(entry.read_bytes(), infer_schema_length=0)
        return frame.with_columns(pl.col(pl.Utf8).str.strip_chars())
    return read


def _int(column: str) -> pl.Expr:
    return (pl.col(column).str.replace_all(r"[\s,_]", "").cast(pl.Int64, strict=False)
            .alias(column))


def _source(column_year: str, what: str) -> pl.Expr:
    return (pl.when(pl.col("population").is_not_null())
            .then(pl.format(f"{what} ({{}})", pl.col(column_year))).alias("population_source"))


# -- rows ------------------------------------------------------------------------------


def _provinces(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(_int("population"), _int("population_year"),
                               pl.col("code").str.to_uppercase())
    return frame.select(
        pl.concat_str(pl.lit("CA-"), "code").alias("territory_id"),
        pl.lit("province").alias("level"), "code",
        pl.when(pl.col("code") == "QC").then(pl.lit("Québec")).otherwise("name_en").alias("name"),
        pl.lit("CA").alias("parent_id"),
        pl.concat_str(pl.lit("CA-"), "code").alias("region_id"),
        "population", "population_year",
        _source("population_year", "Statistics Canada, Census of Population"),
        pl.concat_str([pl.col("aliases").fill_null(""), pl.col("name_en"), pl.col("name_fr")],
                      separator="|", ignore_nulls=True).alias("aliases"),
        "sgc_code",
    )


def _two_digits(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.contains(r"^\d+$")).then(text.str.zfill(2)).otherwise(text)


def _qc_regions(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(_int("population"), _int("population_year"),
                               _two_digits("code").alias("code"))
    return frame.select(
        pl.concat_str(pl.lit("CA-QC-R"), "code").alias("territory_id"),
        pl.lit("qc_region").alias("level"), "code", "name",
        pl.lit("CA-QC").alias("parent_id"), pl.lit("CA-QC").alias("region_id"),
        "population", "population_year",
        _source("population_year", "Québec reference population, quebec_regions.csv"),
        "aliases",
    )


def _municipalities(frame: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("code")
    frame = frame.with_columns(
        _int("population"), _int("population_year"), _two_digits("region_code"),
        pl.when(code.str.contains(r"^\d+$")).then(code.str.zfill(5)).otherwise(code)
        .alias("code"),
        pl.col("in_montreal_cma").str.to_lowercase().is_in(list(_TRUE)).alias("in_cma"),
    )
    return frame.select(
        pl.concat_str(pl.lit("CA-QC-M"), "code").alias("territory_id"),
        pl.lit("municipality").alias("level"), "code", "name",
        pl.concat_str(pl.lit("CA-QC-R"), "region_code").alias("parent_id"),
        pl.lit("CA-QC").alias("region_id"),
        pl.when("in_cma").then(pl.lit(METROPOLIS_ID)).alias("metropolis_id"),
        "population", "population_year",
        _source("population_year", "Québec reference population, quebec_municipalities.csv"),
        "aliases",
    )


def _country_row(provinces: pl.DataFrame) -> pl.DataFrame:
    """`CA`: population = sum of the provinces when all are known for one census year."""
    complete = (provinces["population"].null_count() == 0
                and provinces["population_year"].n_unique() == 1 and provinces.height > 0)
    year = provinces["population_year"][0] if complete else None
    return pl.DataFrame({
        "territory_id": ["CA"], "level": ["country"], "code": ["CA"], "name": ["Canada"],
        "population": [int(provinces["population"].sum()) if complete else None],
        "population_year": [year],
        "population_source": [f"Statistics Canada, Census of Population ({year}); sum of the "
                              "provinces and territories" if complete else None],
    }, schema_overrides={"population": pl.Int64, "population_year": pl.Int64})


def _countries(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(pl.col("iso2").str.to_uppercase())
    rows = frame.filter(~pl.col("iso2").is_in(list(BUILT_ELSEWHERE))).select(
        pl.col("iso2").alias("territory_id"), pl.lit("country").alias("level"),
        pl.col("iso2").alias("code"), pl.col("name_en").alias("name"),
        pl.col("iso2").alias("country_code"),
        pl.concat_str([pl.col("aliases").fill_null(""), pl.col("name_fr")], separator="|",
                      ignore_nulls=True).alias("aliases"),
    )
    if "US" not in rows["territory_id"].to_list():  # the US states need their parent
        rows = pl.concat([rows, pl.DataFrame({
            "territory_id": ["US"], "level": ["country"], "code": ["US"],
            "name": ["United States"], "country_code": ["US"], "aliases": ["USA"]})])
    return rows


def _states(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(pl.col("code").str.to_uppercase())
    return frame.select(
        pl.concat_str(pl.lit("US-"), "code").alias("territory_id"),
        pl.lit("state").alias("level"), "code", "name",
        pl.lit("US").alias("country_code"), pl.lit("US").alias("parent_id"),
        pl.concat_str(pl.lit("US-"), "code").alias("region_id"), "aliases",
    )


# -- aliases ---------------------------------------------------------------------------


def _pairs(kind: str, mapping: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame({"alias_key": [k for k, _ in mapping], "kind": kind,
                         "territory_id": [t for _, t in mapping]},
                        schema={"alias_key": pl.Utf8, "kind": pl.Utf8, "territory_id": pl.Utf8})


def _alias_kind(text: str) -> str:
    return "abbreviation" if text.endswith(".") or len(place_key(text)) <= 4 else "name"


def _aliases(frame: pl.DataFrame) -> pl.DataFrame:
    """Name, code and listed aliases of each row. Codes of provinces, states and countries
    are abbreviations ('QC', 'NY', 'US'); a municipality's code is its official code."""
    out: list[tuple[str, str, str]] = []
    for tid, name, aliases, code, level in frame.iter_rows():
        out.append((place_key(name), "name", tid))
        if code:
            kind = "code" if level in ("municipality", "qc_region") else "abbreviation"
            out.append((code.lower(), kind, tid))
        for alias in (aliases or "").split("|"):
            if alias.strip():
                out.append((place_key(alias), _alias_kind(alias.strip()), tid))
    return pl.DataFrame({"alias_key": [a for a, _, _ in out], "kind": [k for _, k, _ in out],
                         "territory_id": [t for _, _, t in out]},
                        schema={"alias_key": pl.Utf8, "kind": pl.Utf8, "territory_id": pl.Utf8})


def _country_aliases(frame: pl.DataFrame) -> pl.DataFrame:
    """Aliases of the countries whose rows other builders make (France, Canada)."""
    own = frame.with_columns(pl.col("iso2").str.to_uppercase()).filter(
        pl.col("iso2").is_in(list(BUILT_ELSEWHERE)))
    return _aliases(own.select(
        pl.col("iso2").alias("territory_id"), pl.col("name_en").alias("name"),
        pl.concat_str([pl.col("aliases").fill_null(""), pl.col("name_fr")], separator="|",
                      ignore_nulls=True).alias("aliases"),
        pl.col("iso2").alias("code"), pl.lit("country").alias("level")))


# -- outlines --------------------------------------------------------------------------


def _outlines(path: Path, known: list[str]) -> pl.DataFrame:
    """Simplified outlines of the provinces from a GeoJSON FeatureCollection whose features
    carry `shortname` (AB, QC…); features of unknown provinces are left out."""
    import shapely

    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AtlasError(f"Cannot read the outlines file {path}: {exc}. Give a GeoJSON "
                         "FeatureCollection of Canada's provinces.") from exc
    ids, geoms = [], []
    for feature in data.get("features", []):
        code = str((feature.get("properties") or {}).get("shortname") or "").upper()
        if f"CA-{code}" in known and feature.get("geometry"):
            ids.append(f"CA-{code}")
            geoms.append(shapely.from_geojson(json.dumps(feature["geometry"])))
    if not ids:
        raise AtlasError(f"{path} has no feature with a 'shortname' property (AB, QC…). "
                         "Give a GeoJSON of Canada's provinces with that property.")
    simple = shapely.simplify(geoms, PROVINCE_TOLERANCE, preserve_topology=True)
    return pl.DataFrame({"territory_id": ids,
                         "geojson": [geometry.to_geojson(g) for g in simple],
                         "tolerance": [PROVINCE_TOLERANCE] * len(ids)})
