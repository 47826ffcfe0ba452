"""Canada's reference territories: the shipped CSV files (through the shared store) and
small hand-made files for the rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely

from cineatlas import Store
from cineatlas.errors import AtlasError
from cineatlas.territories import CANADA_SOURCE, REFERENCE_VERSION, ensure_territories
from cineatlas.territories.canada import PROVINCE_TOLERANCE, build_canada
from cineatlas.territories.tilegrid import CANADA_PROVINCES, FRANCE_REGIONS, tile_grid

PROVINCES = {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A tiny set of reference files in the shipped format, with a small MAMH directory
    (mamh.csv) of four entries."""
    write(tmp_path, "canada_provinces.csv",
          "code,sgc_code,name_en,name_fr,population,population_year,aliases\n"
          "QC,24,Quebec,Québec,8501833,2021,Que.|P.Q.\n"
          "ON,35,Ontario,Ontario,14223942,2021,Ont.\n")
    write(tmp_path, "quebec_regions.csv",
          "code,name,population,population_year,aliases\n"
          "6,Montréal,2004265,2021,\n"
          "16,Montérégie,,,\n")
    # the curated supplement: Longueuil's code changed since (58227 -> 58999 in the small
    # directory); Kahnawake is not in the directory
    write(tmp_path, "quebec_municipalities.csv",
          "name,code,region_code,in_montreal_cma,population,population_year,aliases\n"
          "Montréal,66023,06,true,1762949,2021,Ville de Montréal|Outremont\n"
          "Longueuil,58227,16,1,254483,2021,Saint-Hubert\n"
          "Granby,47017,16,false,69025,2021,\n"
          "Kahnawake,67802,16,true,,2021,Caughnawaga\n")
    write(tmp_path, "mamh.csv",
          "mcode,munnom,mcodedesi,mdes,regadm,divrec,mrc,admregionale,horsmrcautoch,mdatcons,"
          "msuperf,mpopul,mcodpos\n"
          "66023,Montréal,10,Ville,Montréal (06),Montréal (66),,,non,2002-01-01,431.53,"
          "1913561,H2Y1C6\n"
          "58999,Longueuil,10,Ville,Montérégie (16),Longueuil (58),,,non,2002-01-01,122.8,"
          "260000,J4K4Y7\n"
          "47017,Granby,10,Ville,Montérégie (16),La Haute-Yamaska (47),,,,2007-12-19,154.6,"
          "72000,J2G5M3\n"
          "70035,Saint-Louis-de-Gonzague,08,Paroisse,Montérégie (16),Beauharnois-Salaberry "
          "(70),,,,1855-07-01,80.2,,J0S1T0\n")
    write(tmp_path, "us_states.csv", "code,name,aliases\nCA,California,Calif.\n")
    write(tmp_path, "countries.csv",
          "iso2,name_en,name_fr,aliases\nFR,France,France,\nCA,Canada,Canada,\n"
          "US,United States,États-Unis,USA\nBE,Belgium,Belgique,\n")
    return tmp_path


def build_small(folder: Path, **kwargs) -> object:
    return build_canada(data_dir=folder, municipalities=folder / "mamh.csv", **kwargs)


def test_rows_from_small_files(small: Path) -> None:
    built = build_small(small)
    t = {r["territory_id"]: r for r in built.territories.iter_rows(named=True)}
    assert set(t) == {"CA", "CA-QC", "CA-ON", "CA-QC-R06", "CA-QC-R16", "CA-QC-M66023",
                      "CA-QC-M58999", "CA-QC-M47017", "CA-QC-M70035", "CA-QC-M67802",
                      "CA-QC-CMA462", "US", "BE", "US-CA"}
    assert t["CA-QC"]["name"] == "Québec" and t["CA-ON"]["name"] == "Ontario"
    assert (t["CA-QC"]["level"], t["CA-QC"]["parent_id"], t["CA-QC"]["region_id"]) == (
        "province", "CA", "CA-QC")
    assert t["CA"]["population"] == 8501833 + 14223942
    assert (t["CA-QC-R06"]["level"], t["CA-QC-R06"]["parent_id"]) == ("qc_region", "CA-QC")
    montreal = t["CA-QC-M66023"]
    assert (montreal["level"], montreal["parent_id"], montreal["region_id"],
            montreal["metropolis_id"]) == ("municipality", "CA-QC-R06", "CA-QC", "CA-QC-CMA462")
    # the directory's population and surface, with their vintage
    assert (montreal["population"], montreal["population_year"], montreal["area_km2"]) == (
        1913561, 2024, 431.53)
    assert "décret de population 2025" in montreal["population_source"]
    assert montreal["density"] == pytest.approx(1913561 / 431.53)
    assert t["CA-QC-M58999"]["metropolis_id"] == "CA-QC-CMA462"   # matched by name: code moved
    assert t["CA-QC-M47017"]["metropolis_id"] is None
    assert t["CA-QC-M70035"]["population"] is None                  # unknown stays NULL
    kahnawake = t["CA-QC-M67802"]                                   # kept from the curated file
    assert (kahnawake["parent_id"], kahnawake["metropolis_id"], kahnawake["population"]) == (
        "CA-QC-R16", "CA-QC-CMA462", None)
    # a region's surface: the sum of its directory entries (Kahnawake is not one)
    assert t["CA-QC-R16"]["area_km2"] == pytest.approx(122.8 + 154.6 + 80.2)
    assert t["CA-QC-R06"]["population"] == 2004265                  # the 2021 census, kept
    cma = t["CA-QC-CMA462"]
    assert (cma["level"], cma["name"], cma["population"], cma["population_year"]) == (
        "metropolis", "Montréal (RMR/CMA)", 4_291_732, 2021)
    assert (t["US-CA"]["level"], t["US-CA"]["parent_id"], t["US-CA"]["country_code"]) == (
        "state", "US", "US")
    assert t["BE"]["level"] == "country" and "FR" not in t  # France is built by france.py
    assert built.info["curated_code_changed"] == {"58227": "58999"}
    assert built.info["curated_outside_mamh"] == ["67802"]
    # outlines of the provinces and regions the files name, from the shipped datasets
    assert set(built.outlines["territory_id"]) == {"CA-QC", "CA-ON", "CA-QC-R06", "CA-QC-R16"}


def test_aliases_from_small_files(small: Path) -> None:
    aliases = build_small(small).aliases
    pairs = set(aliases.select("alias_key", "territory_id").iter_rows())
    assert {("quebec", "CA-QC"), ("que", "CA-QC"), ("qc", "CA-QC"), ("p q", "CA-QC"),
            ("montreal", "CA-QC-M66023"), ("ville de montreal", "CA-QC-M66023"),
            ("france", "FR"), ("canada", "CA"), ("belgique", "BE"), ("calif", "US-CA"),
            ("24", "CA-QC")} <= pairs
    assert aliases.filter(aliases["alias_key"] == "").height == 0
    kinds = set(aliases.select("alias_key", "kind", "territory_id").iter_rows())
    assert {("outremont", "other_name", "CA-QC-M66023"),
            ("saint hubert", "other_name", "CA-QC-M58999"),
            ("58227", "former_code", "CA-QC-M58999"),
            ("h2y", "postal_area", "CA-QC-M66023"),
            ("j2g", "postal_area", "CA-QC-M47017")} <= kinds


def test_a_missing_file_is_named(small: Path) -> None:
    (small / "quebec_regions.csv").unlink()
    with pytest.raises(AtlasError, match="quebec_regions.csv is missing"):
        build_small(small)


def test_a_directory_entry_without_region_is_explained(small: Path) -> None:
    text = (small / "mamh.csv").read_text(encoding="utf-8")
    write(small, "mamh.csv", text.replace("Montérégie (16),La Haute", "Montérégie,La Haute"))
    with pytest.raises(AtlasError, match="administrative region such as 'Montérégie \\(16\\)'"):
        build_small(small)


def test_outlines_from_geojson(small: Path, shared_data) -> None:
    built = build_small(small, outlines=shared_data("geo/canada-provinces.geojson"))
    outlines = dict(built.outlines.select("territory_id", "geojson").iter_rows())
    assert set(outlines) == {"CA-QC", "CA-ON", "CA-QC-R06", "CA-QC-R16"}  # those the files know
    quebec = shapely.from_geojson(outlines["CA-QC"])
    assert quebec.is_valid and quebec.contains(shapely.Point(-72.0, 47.5))
    # simplified: a point near a shore may fall outside, by less than the tolerance
    assert quebec.distance(shapely.Point(-73.57, 45.50)) <= PROVINCE_TOLERANCE  # Montréal
    assert len(outlines["CA-QC"]) < 100_000


def test_bad_outline_file_is_explained(small: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(AtlasError, match="shortname"):
        build_small(small, outlines=bad)
    partial = tmp_path / "partial.geojson"
    partial.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"shortname": "QC"},
         "geometry": {"type": "Polygon", "coordinates": [[[-75, 45], [-60, 45], [-60, 60],
                                                          [-75, 45]]]}}]}))
    with pytest.raises(AtlasError, match="no outline for CA-ON"):
        build_small(small, outlines=partial)


# -- the shipped files, in the shared store --------------------------------------------


@pytest.fixture(scope="module")
def ref(territories_store: Path) -> Iterator[Store]:
    with Store(territories_store, read_only=True) as store:
        yield store


def test_shipped_canada(ref: Store) -> None:
    provinces = {r[0] for r in ref.con.execute(
        "SELECT code FROM territories WHERE level = 'province'").fetchall()}
    assert provinces == PROVINCES
    assert ref.scalar("SELECT count(*) FROM territories WHERE level = 'qc_region'") == 17
    assert ref.scalar("SELECT count(*) FROM territories WHERE territory_id IN ('FR', 'CA')") == 2
    orphans = ref.scalar("""SELECT count(*) FROM territories m LEFT JOIN territories r
                            ON r.territory_id = m.parent_id AND r.level = 'qc_region'
                            WHERE m.level = 'municipality' AND r.territory_id IS NULL""")
    assert orphans == 0
    montreal = ref.con.execute("SELECT parent_id, metropolis_id FROM territories "
                               "WHERE territory_id = 'CA-QC-M66023'").fetchall()
    assert montreal == [("CA-QC-R06", "CA-QC-CMA462")]
    assert ref.scalar("SELECT population FROM territories "
                      "WHERE territory_id = 'CA-QC-CMA462'") == 4_291_732
    total = ref.scalar("SELECT population FROM territories WHERE territory_id = 'CA'")
    assert total is None or total == ref.scalar(
        "SELECT sum(population) FROM territories WHERE level = 'province'")
    assert ref.scalar("SELECT count(*) FROM territories WHERE level = 'state'") >= 50
    source = ref.source(CANADA_SOURCE)
    assert source is not None and source["rows_quarantined"] == 0
    assert json.loads(source["options"])["outlines"] is None   # the shipped ones


def test_shipped_outlines_cover_every_province_and_region(ref: Store) -> None:
    outlines = {r[0] for r in ref.con.execute(
        "SELECT territory_id FROM territory_outlines WHERE source_id = ?",
        [CANADA_SOURCE]).fetchall()}
    assert outlines == {f"CA-{p}" for p in PROVINCES} | {f"CA-QC-R{r:02d}" for r in range(1, 18)}


def test_new_outlines_rebuild_canada_only(store: Store, shared_data, tmp_path: Path) -> None:
    copy = tmp_path / "provinces.geojson"
    copy.write_bytes(shared_data("geo/canada-provinces.geojson").read_bytes())
    summary = ensure_territories(store, canada_outlines=copy)
    assert summary["built"] == [CANADA_SOURCE]
    assert json.loads(store.source(CANADA_SOURCE)["options"])["outlines"] == str(copy)
    assert ensure_territories(store, canada_outlines=copy)["built"] == []


# -- tile grids ------------------------------------------------------------------------


@pytest.mark.parametrize(("grid", "count"), [(CANADA_PROVINCES, 13), (FRANCE_REGIONS, 18)])
def test_tile_grids_place_each_territory_once(ref: Store, grid, count: int) -> None:
    ids = [t for t, _, _ in grid]
    assert len(set(ids)) == len(ids) == count
    assert len({(c, r) for _, c, r in grid}) == count
    level = "province" if ids[0].startswith("CA") else "region"
    known = {r[0] for r in ref.con.execute(
        "SELECT territory_id FROM territories WHERE level = ?", [level]).fetchall()}
    assert set(ids) == known
    assert tile_grid("fr") is FRANCE_REGIONS
    with pytest.raises(KeyError, match="grids for CA, FR"):
        tile_grid("DE")


def test_a_store_built_from_older_reference_data_is_rebuilt(store: Store,
                                                           territory_cache: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A store whose Canadian source predates the MAMH directory (no reference version) is
    rebuilt on the next run; France, current, is not."""
    monkeypatch.setenv("CINEATLAS_CACHE", str(territory_cache))
    options = json.loads(store.source(CANADA_SOURCE)["options"])
    assert options["reference_version"] == REFERENCE_VERSION[CANADA_SOURCE]
    del options["reference_version"]
    store.con.execute("UPDATE sources SET options = ? WHERE source_id = ?",
                      [json.dumps(options), CANADA_SOURCE])
    store.con.execute("DELETE FROM territories WHERE level = 'municipality' "
                      "AND territory_id <> 'CA-QC-M66023'")   # as a 168-row store was, roughly
    assert ensure_territories(store)["built"] == [CANADA_SOURCE]
    assert store.count("territories", "level = 'municipality'") == 1282
    assert ensure_territories(store)["built"] == []
