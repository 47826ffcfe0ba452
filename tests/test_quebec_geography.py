"""Québec's geography on the real files: every entry of the MAMH directory is a municipality,
what the curated file adds is kept, every Québec award of Telefilm's 2009-2018 file lands in an
administrative region, Ville-Marie (a town in Abitibi-Témiscamingue and a borough of Montréal)
is read from the row's evidence, and the maps draw the real outlines. Expected figures are
read here from the CSV and GeoJSON files with the standard library."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
import shapely
from fastapi.testclient import TestClient

from cineatlas import Store, datasets, import_file
from cineatlas.territories import CANADA_SOURCE
from cineatlas.territories.geocode import Geocoder
from cineatlas.territories.outlines import derive_provinces
from cineatlas.territories.tables import ALIAS_KINDS
from cineatlas.web import create_app

MAMH = "geo/quebec/mamh-repertoire-municipalites.csv"
REGIONS = "geo/quebec/quebec-regions.geojson"
PROVINCES = "geo/canada-provinces.geojson"
TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"
CURATED = files("cineatlas.territories") / "data" / "quebec_municipalities.csv"


@pytest.fixture(scope="module")
def ref(territories_store: Path) -> Iterator[Store]:
    with Store(territories_store, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def geocoder(ref: Store) -> Geocoder:
    return Geocoder.from_store(ref)


@pytest.fixture(scope="module")
def mamh(shared_data) -> list[dict[str, str]]:
    with open(shared_data(MAMH), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_of(entry: dict[str, str]) -> str:
    """'Montérégie (16)' -> 'CA-QC-R16'."""
    return "CA-QC-R" + re.search(r"\((\d+)\)\s*$", entry["regadm"]).group(1).zfill(2)


def curated() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(CURATED.read_text(encoding="utf-8"))))


# -- the municipalities ------------------------------------------------------------------------

def test_every_mamh_entry_is_a_municipality(ref: Store, mamh) -> None:
    assert len(mamh) == 1281
    expected = {f"CA-QC-M{r['mcode']}": (r["munnom"], region_of(r),
                                          int(r["mpopul"]) if r["mpopul"] else None)
                for r in mamh}
    stored = {tid: (name, parent, population) for tid, name, parent, population in
              ref.con.execute("SELECT territory_id, name, parent_id, population FROM territories "
                              "WHERE level = 'municipality'").fetchall()}
    kanesatake = stored.pop("CA-QC-M72802")   # a census subdivision the directory omits
    assert stored == expected
    assert kanesatake == ("Kanesatake", "CA-QC-R15", None)
    total = sum(int(r["mpopul"]) for r in mamh)
    assert total == 9_058_297
    assert ref.scalar("SELECT sum(population) FROM territories WHERE level = 'municipality'"
                      ) == total
    vintage = ref.con.execute("SELECT DISTINCT population_year, population_source FROM "
                              "territories WHERE level = 'municipality' AND population IS NOT "
                              "NULL").fetchall()
    assert len(vintage) == 1 and vintage[0][0] == 2024
    assert "décret de population 2025" in vintage[0][1] and "1 July 2024" in vintage[0][1]
    # regions keep the 2021 census, province and CMA too: each row says which
    assert ref.con.execute("SELECT DISTINCT population_year FROM territories WHERE level IN "
                           "('qc_region', 'province', 'metropolis') AND territory_id LIKE "
                           "'CA-QC%'").fetchall() == [(2021,)]


def test_region_surfaces_are_the_sums_of_their_entries(ref: Store, mamh) -> None:
    sums: Counter[str] = Counter()
    for r in mamh:
        sums[region_of(r)] += float(r["msuperf"])
    stored = dict(ref.con.execute("SELECT territory_id, area_km2 FROM territories "
                                  "WHERE level = 'qc_region'").fetchall())
    assert stored == pytest.approx(dict(sums), rel=1e-9)
    assert len(stored) == 17


def test_what_the_curated_file_knows_is_kept(ref: Store) -> None:
    rows = curated()
    members = {r["code"].zfill(5) for r in rows if r["in_montreal_cma"] == "true"}
    assert len(members) == 93
    # the 2021 census counts of the curated members add up to the CMA's published population
    assert sum(int(r["population"] or 0) for r in rows if r["in_montreal_cma"] == "true"
               ) == 4_291_732
    stored = {tid[7:] for (tid,) in ref.con.execute(
        "SELECT territory_id FROM territories WHERE metropolis_id = 'CA-QC-CMA462' "
        "AND level = 'municipality'").fetchall()}
    assert stored == members
    amos = ref.con.execute("SELECT territory_id FROM territory_aliases WHERE alias_key = '88055' "
                           "AND kind = 'former_code'").fetchall()
    assert amos == [("CA-QC-M88057",)]   # Amos: a new code since its 2025 merger
    for alias, name in [("outremont", "Montréal"), ("mansonville", "Potton"),
                        ("chicoutimi", "Saguenay"), ("town of mount royal", "Mont-Royal")]:
        assert ref.con.execute(
            "SELECT t.name FROM territory_aliases a JOIN territories t USING (territory_id) "
            "WHERE a.alias_key = ? AND a.kind = 'other_name'", [alias]).fetchall() == [(name,)]
    kinds = {k for (k,) in ref.con.execute(
        "SELECT DISTINCT kind FROM territory_aliases").fetchall()}
    assert kinds == set(ALIAS_KINDS)   # every kind the store holds is documented
    info = json.loads(ref.source(CANADA_SOURCE)["options"])
    assert info["curated_code_changed"] == {"88055": "88057"}
    assert info["curated_outside_mamh"] == ["72802"]


# -- Telefilm's Québec awards ------------------------------------------------------------------

#: Each Québec city spelling of the 2009-2018 file -> the municipality's official name, read by
#: hand (former municipalities and localities to the municipality they belong to today; a
#: name two municipalities bear, to the one the rules keep, with the region in brackets).
SPELLING = {
    "Alma": "Alma", "Baie-Comeau": "Baie-Comeau", "Baie-Saint-Paul": "Baie-Saint-Paul",
    "Beaconsfield": "Beaconsfield", "Beloeil": "Beloeil", "Blainville": "Blainville",
    "Boisbriand": "Boisbriand", "Boucherville": "Boucherville", "Brossard": "Brossard",
    "Carleton-sur-mer": "Carleton-sur-Mer", "Chicoutimi": "Saguenay",
    "Dewittville": "Godmanchester", "Gatineau": "Gatineau", "Hampstead": "Hampstead",
    "Ile Perrot": "L'Île-Perrot", "Laval": "Laval", "Les Bergeronnes": "Les Bergeronnes",
    "Longueuil": "Longueuil", "Maliotenam": "Maliotenam", "Maniwaki": "Maniwaki",
    "Mansonville": "Potton", "Matane": "Matane", "McMasterville": "McMasterville",
    "Montreal": "Montréal", "Morin-Heights": "Morin-Heights",
    "Notre-Dame-Prairies": "Notre-Dame-des-Prairies", "Orford": "Orford",
    "Outremont": "Montréal", "Perce": "Percé", "Pointe-Claire": "Pointe-Claire",
    "Quebec": "Québec", "Repentigny": "Repentigny", "Rimouski": "Rimouski",
    "Rivière-Rouge": "Rivière-Rouge", "Rosemere": "Rosemère", "Rouyn-Noranda": "Rouyn-Noranda",
    "Saint-Augustin-de-Desmaures": "Saint-Augustin-de-Desmaures",
    "St-Augustin-Desmaure": "Saint-Augustin-de-Desmaures",
    "Saint-Basile-le-Grand": "Saint-Basile-le-Grand", "Saint-Constant": "Saint-Constant",
    "Saint-Félicien": "Saint-Félicien", "Saint-Hilaire": "Mont-Saint-Hilaire",
    "Saint-Hubert": "Longueuil", "Saint-Lambert": "Saint-Lambert (16)",
    "St-Lambert": "Saint-Lambert (16)", "Saint-Laurent": "Montréal", "Saint-Ours": "Saint-Ours",
    "Saint-Paulin": "Saint-Paulin",
    # 'Saint-Pierre' is the official name of a village of Lanaudière: the rules keep it (with a
    # warning naming Saint-Pierre-de-l'Île-d'Orléans, where the file's other spelling points)
    "Saint-Pierre": "Saint-Pierre",
    "St-Pierre île Orléan": "Saint-Pierre-de-l'Île-d'Orléans",
    "Saint-Sauveur": "Saint-Sauveur",
    "Sainte-Marguerite-du-Lac-Masson": "Sainte-Marguerite-du-Lac-Masson",
    "Sherbrooke": "Sherbrooke", "St-Bruno": "Saint-Bruno-de-Montarville",
    "St-Calixte": "Saint-Calixte", "St-Irénée": "Saint-Irénée",
    "Ste-Famille de l'île": "Sainte-Famille-de-l'Île-d'Orléans",
    "Town Of Mount Royal": "Mont-Royal", "Trois-Rivieres": "Trois-Rivières",
    "Val D'Or": "Val-d'Or", "Verdun": "Montréal", "Westmount": "Westmount",
}


def municipality_ids(mamh: list[dict[str, str]]) -> dict[str, str]:
    """Official name ('Saint-Lambert (16)' where two bear it) -> territory id, from the CSV."""
    by_name: dict[str, list[dict[str, str]]] = {}
    for r in mamh:
        by_name.setdefault(r["munnom"], []).append(r)
    out = {}
    for name, entries in by_name.items():
        for r in entries:
            key = name if len(entries) == 1 else f"{name} ({region_of(r)[-2:]})"
            out[key] = f"CA-QC-M{r['mcode']}"
    return out


@pytest.fixture(scope="module")
def telefilm(shared_data, territories_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("telefilm-qc") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("telefilm", shared_data(TELEFILM), store=store)
    with open(shared_data(TELEFILM), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    yield store, report, rows
    store.close()


def test_every_quebec_award_is_in_an_administrative_region(telefilm, mamh) -> None:
    store, _report, rows = telefilm
    quebec = {i: r["City"].strip() for i, r in enumerate(rows, start=2)
              if r["Province"] == "Quebec"}
    assert len(quebec) == 2933
    placed = dict(store.con.execute("""
        SELECT a.row_number, CASE WHEN t.level = 'qc_region' THEN t.territory_id
                                  WHEN t.level = 'municipality' THEN t.parent_id END
        FROM awards a JOIN territories t ON t.territory_id = a.beneficiary_territory_id
        WHERE a.beneficiary_territory_id LIKE 'CA-QC%'""").fetchall())
    assert set(placed) == set(quebec)
    assert [row for row, region in placed.items() if region is None] == []
    assert store.count("awards", "beneficiary_territory_id = 'CA-QC'") == 0
    # each row where the test's own reading puts it, region by region
    ids = municipality_ids(mamh)
    region = {f"CA-QC-M{r['mcode']}": region_of(r) for r in mamh}
    expected = Counter(region[ids[SPELLING[city]]] for city in quebec.values())
    assert Counter(placed.values()) == expected
    territory = dict(store.con.execute(
        "SELECT row_number, beneficiary_territory_id FROM awards").fetchall())
    wrong = {row: city for row, city in quebec.items() if territory[row] != ids[SPELLING[city]]}
    assert wrong == {}


@pytest.mark.parametrize(("city", "name", "region"), [
    # checked by hand against the MAMH directory and the places' history
    ("Mansonville", "Potton", "CA-QC-R05"),           # a village of the township of Potton
    ("Chicoutimi", "Saguenay", "CA-QC-R02"),          # merged into Saguenay in 2002
    ("Dewittville", "Godmanchester", "CA-QC-R16"),    # a village of Godmanchester
    ("Maliotenam", "Maliotenam", "CA-QC-R09"),        # the Innu reserve Maliotenam 27
    ("Perce", "Percé", "CA-QC-R11"),
    ("Val D'Or", "Val-d'Or", "CA-QC-R08"),
    ("Town Of Mount Royal", "Mont-Royal", "CA-QC-R06"),
    ("Saint-Pierre", "Saint-Pierre", "CA-QC-R14"),    # the village (see SPELLING)
])
def test_placements_checked_by_hand(telefilm, city: str, name: str, region: str) -> None:
    store, _report, rows = telefilm
    numbers = [i for i, r in enumerate(rows, start=2)
               if r["Province"] == "Quebec" and r["City"].strip() == city]
    found = store.con.execute(
        "SELECT DISTINCT t.name, t.parent_id FROM awards a JOIN territories t ON "
        "t.territory_id = a.beneficiary_territory_id WHERE a.row_number IN "
        f"({', '.join(map(str, numbers))})").fetchall()
    assert numbers and found == [(name, region)]


def test_shared_names_are_placed_with_a_warning(telefilm) -> None:
    store, report, rows = telefilm
    shared = {i for i, r in enumerate(rows, start=2) if r["Province"] == "Quebec"
              and r["City"].strip() in ("Saint-Pierre", "Saint-Lambert", "St-Lambert")}
    warned = {p.row: p.message for p in report.problems
              if p.code == "ambiguous-territory" and p.field == "City"}
    assert set(warned) == shared and len(shared) == 22
    pierre = next(m for r, m in warned.items() if rows[r - 2]["City"].strip() == "Saint-Pierre")
    assert "Saint-Pierre-de-l'Île-d'Orléans" in pierre and "CA-QC-M61020" in pierre


# -- Ville-Marie, a town and a borough ---------------------------------------------------------

def test_ville_marie_is_read_from_the_evidence(geocoder: Geocoder, mamh) -> None:
    town = next(f"CA-QC-M{r['mcode']}" for r in mamh if r["munnom"] == "Ville-Marie")
    assert town == "CA-QC-M85025"
    montreal = "CA-QC-M66023"
    for kwargs, text, expected in [
        ({"postal_code": "J9V 1A1"}, "Ville-Marie", town),           # the town hall's area
        ({"postal_code": "J9V"}, "Ville-Marie", town),
        ({"within": "CA-QC-R08"}, "Ville-Marie", town),
        ({}, "Ville-Marie (Abitibi-Témiscamingue)", town),
        ({"postal_code": "H3B 2Y5"}, "Ville-Marie", montreal),      # downtown Montréal
        ({"within": "CA-QC-R06"}, "Ville-Marie", montreal),
        ({}, "Ville-Marie, Montréal", montreal),
        ({}, "Le Plateau-Mont-Royal", montreal), ({}, "Outremont", montreal),
    ]:
        found = geocoder.resolve_city(text, country="CA", **kwargs)
        assert (found.territory_id, found.note) == (expected, None), (text, kwargs)
    bare = geocoder.resolve_city("Ville-Marie", country="CA")
    assert bare.territory_id == town and bare.alternatives == (montreal,)
    assert "Abitibi-Témiscamingue" in bare.note and montreal in bare.note
    assert geocoder.city("Ville-Marie", country="CA") is None   # uncertain: `city` says nothing


def test_ville_marie_rows_of_a_file(store: Store, tmp_path: Path) -> None:
    header = ("Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
              "Final Value,Original Value,Type,Purpose,Comments")
    path = tmp_path / "ville-marie.csv"
    lines = [header] + [
        f'2012-2013,P1,Films {i} Inc.,"{city}",Quebec,Canada,Film {i},French,Drama,2012-06-01,'
        f"1000.00,1000.00,Investment,Production Program,"
        for i, city in enumerate(["Ville-Marie", "Ville-Marie, Montréal",
                                  "Ville-Marie (Abitibi-Témiscamingue)"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file("telefilm", path, store=store)
    placed = dict(store.con.execute(
        "SELECT row_number, beneficiary_territory_id FROM awards").fetchall())
    assert placed == {2: "CA-QC-M85025", 3: "CA-QC-M66023", 4: "CA-QC-M85025"}
    warnings = [(p.row, p.field, p.code) for p in report.problems]
    assert warnings == [(2, "City", "ambiguous-territory")]
    assert "Montréal" in report.problems[0].message


def test_names_shared_with_lands_and_twins(geocoder: Geocoder, mamh) -> None:
    people = {f"CA-QC-M{r['mcode']}": int(r["mpopul"]) for r in mamh}
    # an Inuit village and its category I lands (nobody lives there): the village
    kuujjuaq = [t for t in people if t in ("CA-QC-M99095", "CA-QC-M99893")]
    assert sorted(people[t] for t in kuujjuaq) == [0, 2750]
    assert geocoder.resolve_city("Kuujjuaq", country="CA")[:2] == ("CA-QC-M99095", None)
    # Cree: the people live on the category IA lands, not in the 'village cri'
    assert people["CA-QC-M99814"] > 0 == people["CA-QC-M99055"]
    assert geocoder.resolve_city("Chisasibi", country="CA")[:2] == ("CA-QC-M99814", None)
    # a town and the township around it, both in Estrie: the region, with a warning
    stanstead = geocoder.resolve_city("Stanstead", country="CA")
    assert stanstead.territory_id == "CA-QC-R05" and "Estrie" in stanstead.note
    # two in different regions: not placed, with a warning naming both
    lac_simon = geocoder.resolve_city("Lac-Simon", country="CA")
    assert lac_simon.territory_id is None
    assert "CA-QC-M80095" in lac_simon.note and "CA-QC-M89804" in lac_simon.note


# -- outlines and maps -------------------------------------------------------------------------

def test_every_province_and_region_has_its_outline(ref: Store, shared_data) -> None:
    with open(shared_data(REGIONS), encoding="utf-8") as handle:
        codes = {f["properties"]["res_co_reg"] for f in json.load(handle)["features"]}
    assert codes == {f"{i:02d}" for i in range(1, 18)}
    outlines = dict(ref.con.execute(
        "SELECT o.territory_id, o.geojson FROM territory_outlines o JOIN territories t "
        "USING (territory_id) WHERE t.level IN ('province', 'qc_region')").fetchall())
    levels = {t for (t,) in ref.con.execute(
        "SELECT territory_id FROM territories WHERE level IN ('province', 'qc_region')"
    ).fetchall()}
    assert set(outlines) == levels == {f"CA-QC-R{c}" for c in codes} | {
        f"CA-{p}" for p in ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC",
                            "SK", "YT")}
    shapes = {t: shapely.from_geojson(g) for t, g in outlines.items()}
    assert all(s.is_valid and not s.is_empty for s in shapes.values())
    for territory, lon, lat in [("CA-QC-R06", -73.57, 45.50), ("CA-QC-R03", -71.21, 46.81),
                                ("CA-QC-R05", -71.89, 45.40), ("CA-QC-R08", -79.02, 48.24),
                                ("CA-QC-R10", -77.0, 53.0), ("CA-ON", -79.38, 43.65),
                                ("CA-MB", -97.14, 49.90), ("CA-BC", -123.12, 49.28)]:
        assert shapes[territory].contains(shapely.Point(lon, lat)), territory
    # the representative point of each lies in its outline
    for territory, lat, lon in ref.con.execute(
            "SELECT territory_id, latitude, longitude FROM territories "
            "WHERE level IN ('province', 'qc_region')").fetchall():
        assert shapes[territory].contains(shapely.Point(lon, lat)), territory


def test_maps_draw_real_outlines(territories_store: Path, tmp_path: Path) -> None:
    """The home page's SVG map of provinces and of Québec's regions: one path per territory,
    each a drawn outline (many vertices), not a tile-grid square."""
    path = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, path)
    with TestClient(create_app(path)) as client:
        for level, count in [("province", 13), ("qc_region", 17)]:
            html = client.get("/", params={"level": level}).text
            paths = re.findall(r'<path d="([^"]+)" fill="[^"]+" data-territory="([^"]+)"', html)
            assert len(paths) == count, level
            squares = [t for d, t in paths if re.fullmatch(r"M[\d.]+,[\d.]+h[\d.]+v[\d.]+h-[\d.]+Z",
                                                             d)]
            assert squares == [], level
            assert min(d.count("L") for d, _ in paths) >= 3, level   # polygons, drawn
            assert sum(d.count("L") for d, _ in paths) > 40 * count, level


def count_points(value: object) -> int:
    """Coordinate pairs in a GeoJSON value, counted by walking it."""
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
            return 1
        return sum(count_points(v) for v in value)
    if isinstance(value, dict):
        return sum(count_points(v) for k, v in value.items() if k in (
            "features", "geometry", "coordinates"))
    return 0


def test_shipped_outlines_come_from_the_shared_files(shared_data, tmp_path: Path) -> None:
    regions = datasets.get("quebec-regions-outlines")
    assert hashlib.sha256(shared_data(REGIONS).read_bytes()).hexdigest() == regions.sha256
    provinces = datasets.get("canada-provinces-outlines")
    assert hashlib.sha256(shared_data(PROVINCES).read_bytes()).hexdigest() == provinces.sha256
    derived = tmp_path / "provinces.geojson"
    points = derive_provinces(shared_data(PROVINCES), derived)
    source = json.loads(shared_data(PROVINCES).read_text(encoding="utf-8"))
    assert points["points_before"] == count_points(source) == 41_570
    assert points["points_after"] == count_points(json.loads(derived.read_text())) < 15_000
    assert hashlib.sha256(derived.read_bytes()).hexdigest() == provinces.content_sha256
    assert derived.stat().st_size < 300_000 < shared_data(PROVINCES).stat().st_size
    for dataset, path in [("mamh-municipalities", MAMH),
                          ("insee-populations-legales-2021",
                           "geo/france/insee-populations-legales-2021-communes.csv")]:
        shipped = datasets.get(dataset)
        assert hashlib.sha256(shared_data(path).read_bytes()).hexdigest() == shipped.sha256
