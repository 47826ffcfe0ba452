"""Canada's reference territories, plus the world's countries and the US states (places that
Canadian funders' files name).

Rows: the country `CA`; provinces and territories `CA-{code}`; Québec's administrative
regions `CA-QC-R{code}`; every entry of the MAMH directory of Québec's municipalities
`CA-QC-M{code}` (municipalities, unorganised territories, reserves, Cree, Naskapi and Inuit
lands), with what the curated `quebec_municipalities.csv` adds (other names, membership of the
Montréal census metropolitan area); the metropolis `CA-QC-CMA462`; countries (`US`, `DE`…) and
US states `US-{code}`. Outlines: the provinces' and the regions' shipped files (or the
provinces' file given). Sources, vintages and rules: docs/territories.md.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import shapely

from cineatlas import datasets
from cineatlas.errors import AtlasError
from cineatlas.territories import CANADA_SOURCE as SOURCE_ID
from cineatlas.territories import geometry
from cineatlas.territories.outlines import PROVINCE_TOLERANCE, read_features
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

MUNICIPALITIES_DATASET = "mamh-municipalities"
PROVINCES_DATASET = "canada-provinces-outlines"
REGIONS_DATASET = "quebec-regions-outlines"

METROPOLIS_ID = "CA-QC-CMA462"
METROPOLIS_NAME = "Montréal (RMR/CMA)"
METROPOLIS_POPULATION = 4_291_732
METROPOLIS_YEAR = 2021
METROPOLIS_SOURCE = "Statistics Canada, 2021 Census of Population: Montréal CMA (462)"

#: The MAMH directory's population (`mpopul`) is that of the government's décret de
#: population in force when it was exported: the 2025 decree, the Institut de la statistique
#: du Québec's estimates at 1 July 2024 (the directory's entries add up to 9,058,297).
MUNICIPAL_POPULATION_YEAR = 2024
MUNICIPAL_POPULATION_SOURCE = (
    "Gouvernement du Québec, décret de population 2025 (Institut de la statistique du Québec, "
    "estimates at 1 July 2024), via the MAMH Répertoire des municipalités")
#: The MAMH columns read (the directory's other columns are never parsed).
MAMH_COLUMNS = ("mcode", "munnom", "mdes", "regadm", "msuperf", "mpopul", "mcodpos")

#: Countries built by their own builder: their rows are not repeated, their aliases are added.
BUILT_ELSEWHERE = frozenset({"FR", "CA"})
_TRUE = {"1", "true", "t", "yes", "y", "oui", "o", "x"}

Progress = Callable[[str], None]


def build_canada(*, data_dir: Path | str | None = None, outlines: Path | str | None = None,
                 municipalities: Path | str | None = None,
                 region_outlines: Path | str | None = None,
                 progress: Progress | None = None) -> Tables:
    """Build Canada's (and the world's) territories.

    `data_dir` holds the curated CSV files (default: the package's territories/data/);
    `municipalities` is the MAMH directory (default: the shipped `mamh-municipalities`);
    `outlines` a GeoJSON of the provinces (default: the shipped simplified one) and
    `region_outlines` one of Québec's regions (default: the shipped one)."""
    say = progress or (lambda _text: None)
    say("Canada: reference files")
    read = _reader(data_dir)
    provinces = _provinces(read("canada_provinces.csv"))
    regions = _qc_regions(read("quebec_regions.csv"))
    mamh = _read_mamh(Path(municipalities) if municipalities is not None
                      else datasets.path(MUNICIPALITIES_DATASET))
    municipalities_, extra_aliases, info = _municipalities(mamh,
                                                           read("quebec_municipalities.csv"))
    regions = _with_region_surfaces(regions, municipalities_)
    countries = read("countries.csv")
    states = read("us_states.csv")

    say("Canada: outlines")
    province_file = Path(outlines) if outlines else datasets.path(PROVINCES_DATASET)
    region_file = (Path(region_outlines) if region_outlines
                   else datasets.path(REGIONS_DATASET))
    province_shapes = _province_outlines(province_file, provinces["territory_id"].to_list())
    region_shapes = _region_outlines(region_file, regions["territory_id"].to_list())
    points = _points({**province_shapes, **region_shapes})

    country = _country_row(provinces)
    metropolis = pl.DataFrame({
        "territory_id": [METROPOLIS_ID], "level": ["metropolis"], "code": ["462"],
        "name": [METROPOLIS_NAME], "parent_id": ["CA-QC"], "region_id": ["CA-QC"],
        "metropolis_id": [METROPOLIS_ID], "population": [METROPOLIS_POPULATION],
        "population_year": [METROPOLIS_YEAR], "population_source": [METROPOLIS_SOURCE],
    })
    world = _countries(countries)
    us_states = _states(states)
    frames = [country, provinces, regions, municipalities_, metropolis, world, us_states]
    rows = pl.concat([f.drop("aliases", "sgc_code", "postal_area", "in_mamh", strict=False)
                      for f in frames], how="diagonal_relaxed")
    rows = rows.join(points, on="territory_id", how="left").with_columns(
        pl.col("name").map_elements(place_key, return_dtype=pl.Utf8).alias("name_key"),
        pl.coalesce("country_code", pl.lit("CA")).alias("country_code"),
        (pl.col("population") / pl.col("area_km2")).alias("density"),
    )
    territories = conform(rows, TERRITORY_SCHEMA, SOURCE_ID)
    aliases = alias_frame([
        _aliases(pl.concat([f.select("territory_id", "name", "aliases", "code", "level")
                            for f in (provinces, regions, us_states)], how="diagonal_relaxed")),
        _aliases(municipalities_.select("territory_id", "name", "aliases", "code", "level"),
                 other="other_name"),
        extra_aliases,
        municipalities_.filter(pl.col("postal_area").is_not_null()).select(
            pl.col("postal_area").alias("alias_key"), pl.lit("postal_area").alias("kind"),
            "territory_id"),
        _aliases(world.select("territory_id", "name", "aliases", "code", "level")),
        _country_aliases(countries),
        provinces.select(pl.col("sgc_code").alias("alias_key"), pl.lit("code").alias("kind"),
                         "territory_id"),
        _pairs("name", [("canada", "CA"), ("montreal cma", METROPOLIS_ID),
                        ("montreal rmr", METROPOLIS_ID), ("grand montreal", METROPOLIS_ID)]),
    ], SOURCE_ID)
    tolerance = {**{t: PROVINCE_TOLERANCE for t in province_shapes},
                 **{t: 0.0 for t in region_shapes}}
    shapes = {**province_shapes, **region_shapes}
    outline_rows = pl.DataFrame({
        "territory_id": list(shapes), "geojson": [geometry.to_geojson(g) for g in shapes.values()],
        "tolerance": [tolerance[t] for t in shapes]})
    info.update({"outlines": str(outlines) if outlines else None,
                 "municipal_population_year": MUNICIPAL_POPULATION_YEAR})
    return Tables(territories, aliases, conform(outline_rows, OUTLINE_SCHEMA, SOURCE_ID), info)


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


def _read_mamh(path: Path) -> pl.DataFrame:
    """The MAMH directory's columns that are used, as text."""
    try:
        frame = pl.read_csv(path, columns=list(MAMH_COLUMNS), infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise AtlasError(
            f"Cannot read the MAMH directory of Québec's municipalities ({path}): {exc}. It "
            f"needs the columns {', '.join(MAMH_COLUMNS)} (MUN.csv of the Répertoire des "
            "municipalités).") from exc
    return frame.with_columns(pl.col(pl.Utf8).str.strip_chars())


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
        _source("population_year", "Statistics Canada, 2021 Census of Population, summed by "
                                   "region (quebec_regions.csv)"),
        "aliases",
    )


def _municipalities(mamh: pl.DataFrame,
                    curated: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """One row per MAMH entry, with the curated file's other names and CMA membership; the
    curated rows MAMH does not list (Kanesatake) kept; aliases of former codes. Returns the
    rows, extra aliases and what was matched how."""
    region = pl.col("regadm").str.extract(r"\((\d{1,2})\)\s*$", 1)
    bad = mamh.filter(region.is_null() | pl.col("mcode").is_null()
                      | ~pl.col("mcode").str.contains(r"^\d{5}$"))
    if bad.height:
        raise AtlasError(
            f"The MAMH directory has {bad.height} entries without a 5-digit code or an "
            f"administrative region such as 'Montérégie (16)' (first: "
            f"{bad.row(0, named=True)}). Check the file's columns mcode and regadm.")
    rows = mamh.select(
        pl.col("mcode").alias("code"), pl.col("munnom").alias("name"),
        region.str.zfill(2).alias("region_code"),
        _int("mpopul").alias("population"),
        pl.col("msuperf").str.replace(",", ".").cast(pl.Float64, strict=False).alias("area_km2"),
        pl.col("mcodpos").str.replace_all(r"\s", "").str.to_lowercase().str.slice(0, 3)
        .alias("postal_area"),
    ).with_columns(pl.when(pl.col("postal_area").str.contains(r"^[a-z]\d[a-z]$"))
                   .then("postal_area").alias("postal_area"))
    curated = curated.with_columns(
        pl.when(pl.col("code").str.contains(r"^\d+$")).then(pl.col("code").str.zfill(5))
        .otherwise("code").alias("code"), _two_digits("region_code"),
        pl.col("in_montreal_cma").str.to_lowercase().is_in(list(_TRUE)).alias("in_cma"),
        pl.col("name").map_elements(place_key, return_dtype=pl.Utf8).alias("key"))
    by_code = set(rows["code"])
    by_name = {(place_key(n), r): c for c, n, r in rows.select("code", "name", "region_code")
               .iter_rows()}
    remap, kept, former = {}, [], []
    for code, key, region_code in curated.select("code", "key", "region_code").iter_rows():
        if code in by_code:
            continue
        if (key, region_code) in by_name:  # the code changed since (Amos: 88055 -> 88057)
            remap[code] = by_name[(key, region_code)]
            former.append((code, f"CA-QC-M{remap[code]}"))
        else:
            kept.append(code)
    curated = curated.with_columns(pl.col("code").replace(remap).alias("mamh_code"))
    joined = rows.join(curated.select(pl.col("mamh_code").alias("code"), "in_cma", "aliases"),
                       on="code", how="left")
    outside = curated.filter(pl.col("code").is_in(kept)).select(
        "code", "name", "region_code", "in_cma", "aliases")
    every = pl.concat([joined, outside], how="diagonal_relaxed")
    out = every.select(
        pl.concat_str(pl.lit("CA-QC-M"), "code").alias("territory_id"),
        pl.lit("municipality").alias("level"), "code", "name",
        pl.concat_str(pl.lit("CA-QC-R"), "region_code").alias("parent_id"),
        pl.lit("CA-QC").alias("region_id"),
        pl.when(pl.col("in_cma").fill_null(False)).then(pl.lit(METROPOLIS_ID))
        .alias("metropolis_id"),
        "population",
        pl.when(pl.col("population").is_not_null()).then(pl.lit(MUNICIPAL_POPULATION_YEAR))
        .alias("population_year"),
        pl.when(pl.col("population").is_not_null()).then(pl.lit(MUNICIPAL_POPULATION_SOURCE))
        .alias("population_source"),
        "area_km2", "aliases", "postal_area", pl.col("code").is_in(rows["code"].implode())
        .alias("in_mamh"),
    )
    extra = pl.DataFrame({"alias_key": [c for c, _ in former], "kind": "former_code",
                          "territory_id": [t for _, t in former]},
                         schema={"alias_key": pl.Utf8, "kind": pl.Utf8, "territory_id": pl.Utf8})
    info = {"municipalities": out.height, "mamh_entries": rows.height,
            "curated_rows": curated.height,
            "curated_code_changed": {c: remap[c] for c in sorted(remap)},
            "curated_outside_mamh": sorted(kept)}
    return out, extra, info


def _with_region_surfaces(regions: pl.DataFrame, municipalities: pl.DataFrame) -> pl.DataFrame:
    """A region's surface: the sum of its MAMH entries' surfaces (current boundaries), null
    when one is unknown. (Kanesatake, outside the directory, lies within Oka's surface.)"""
    sums = municipalities.filter(pl.col("in_mamh")).group_by("parent_id").agg(
        pl.when(pl.col("area_km2").null_count() == 0).then(pl.col("area_km2").sum())
        .alias("area_km2"))
    return regions.join(sums, left_on="territory_id", right_on="parent_id", how="left")


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


def _aliases(frame: pl.DataFrame, other: str | None = None) -> pl.DataFrame:
    """Name, code and listed aliases of each row. Codes of provinces, states and countries
    are abbreviations ('QC', 'NY', 'US'); a municipality's code is its official code. With
    `other`, the listed aliases (names in use that are not the official one) get that kind."""
    out: list[tuple[str, str, str]] = []
    for tid, name, aliases, code, level in frame.iter_rows():
        out.append((place_key(name), "name", tid))
        if code:
            kind = "code" if level in ("municipality", "qc_region") else "abbreviation"
            out.append((code.lower(), kind, tid))
        for alias in (aliases or "").split("|"):
            if alias.strip():
                out.append((place_key(alias), other or _alias_kind(alias.strip()), tid))
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


def _province_outlines(path: Path, known: list[str]) -> dict[str, Any]:
    """Simplified outline of every province, from a GeoJSON FeatureCollection whose features
    carry `shortname` (AB, QC…); features of other places are left out; a province without
    one is an error."""
    found = {f"CA-{code.upper()}": geom for code, geom in read_features(path, "shortname")
             if f"CA-{code.upper()}" in known}
    if not found:
        raise AtlasError(f"{path} has no feature with a 'shortname' property (AB, QC…). "
                         "Give a GeoJSON of Canada's provinces with that property.")
    _require_all(path, known, found, "'shortname' (AB, QC…)")
    ids = [t for t in known if t in found]
    simple = shapely.simplify(np.array([found[t] for t in ids]), PROVINCE_TOLERANCE,
                              preserve_topology=True)
    return dict(zip(ids, simple, strict=True))


def _region_outlines(path: Path, known: list[str]) -> dict[str, Any]:
    """Outline of each of Québec's 17 administrative regions (property `res_co_reg`)."""
    found = {f"CA-QC-R{code.zfill(2)}": geom for code, geom in read_features(path, "res_co_reg")}
    _require_all(path, known, found, "'res_co_reg' ('01'–'17')")
    return {t: found[t] for t in known}


def _require_all(path: Path, known: list[str], found: dict[str, Any], key: str) -> None:
    missing = [t for t in known if t not in found]
    if missing:
        raise AtlasError(f"{path} has no outline for {', '.join(missing)}: give a GeoJSON "
                         f"FeatureCollection with one feature per territory, keyed by {key}.")


def _points(shapes: dict[str, Any]) -> pl.DataFrame:
    """A point inside each outline (latitude, longitude)."""
    ids = list(shapes)
    lat, lon = geometry.representative_points(np.array(list(shapes.values()), dtype=object))
    return pl.DataFrame({"territory_id": ids, "latitude": lat, "longitude": lon},
                        schema={"territory_id": pl.Utf8, "latitude": pl.Float64,
                                "longitude": pl.Float64})
