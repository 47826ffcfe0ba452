"""The cnc-cinemas importer: the real 2022 file (figures recomputed here with the csv module)
and small hand-made files with known problems."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from cineatlas import FileError, Store, import_file
from cineatlas.ingest import ImportReport

CNC = "cnc/etablissements-cinematographiques-2022.csv"


# -- the real file -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cnc_rows(shared_data) -> list[dict[str, str]]:
    with open(shared_data(CNC), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def cnc(shared_data, territories_store, tmp_path_factory) -> tuple[Store, ImportReport]:
    """The real file imported once into a copy of the reference store."""
    path = tmp_path_factory.mktemp("cnc") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("cnc-cinemas", shared_data(CNC), store=store)
    yield store, report
    store.close()


def number(cell: str) -> int | None:
    return int(float(cell)) if cell.strip() else None


def test_every_cinema_is_loaded_with_the_published_totals(cnc, cnc_rows) -> None:
    store, report = cnc
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2061, 2061, 0)
    assert len(cnc_rows) == 2061
    assert store.count("venues") == 2061
    assert store.count("quarantine") == 0
    screens = sum(number(r["écrans"]) for r in cnc_rows)
    admissions = sum(number(r["entrées 2022"]) for r in cnc_rows)
    previous = [number(r["entrées 2021"]) for r in cnc_rows]
    art_et_essai = sum(r["AE"] == "OUI" for r in cnc_rows)
    assert (screens, art_et_essai) == (6298, 1264)          # the CNC's published figures
    assert abs(admissions - 152_500_000) < 100_000           # "about 152.5 million"
    got = store.frame(
        "SELECT sum(screens) AS screens, sum(admissions) AS admissions, "
        "sum(admissions_previous) AS previous, count(admissions_previous) AS known_previous, "
        "count(*) FILTER (art_et_essai) AS ae, min(year) AS y0, max(year) AS y1 FROM venues",
    ).row(0, named=True)
    assert got["screens"] == screens
    assert got["admissions"] == admissions == 152_499_845
    assert got["previous"] == sum(p for p in previous if p is not None)
    assert got["known_previous"] == sum(p is not None for p in previous) == 2061 - 38
    assert got["ae"] == art_et_essai
    assert (got["y0"], got["y1"]) == (2022, 2022)        # from the label 'entrées 2022'


def test_each_row_keeps_its_figures_and_identity(cnc, cnc_rows) -> None:
    store, _ = cnc
    stored = {r["reference"]: r for r in store.frame(
        "SELECT reference, name, address, screens, seats, weeks_active, shows, admissions, "
        "ae_category, multiplex, itinerant, programmer, urban_unit, latitude, longitude, "
        "row_number FROM venues").iter_rows(named=True)}
    assert len(stored) == 2061
    for line, row in enumerate(cnc_rows, start=2):
        venue = stored[row["N° auto"]]
        assert venue["row_number"] == line
        assert venue["name"] == " ".join(row["nom"].split())
        assert venue["address"] == (" ".join(row["adresse"].split()) or None)
        assert (venue["screens"], venue["seats"], venue["weeks_active"], venue["shows"],
                venue["admissions"]) == tuple(number(row[c]) for c in (
                    "écrans", "fauteuils", "semaines d'activité", "séances", "entrées 2022"))
        assert venue["ae_category"] == (None if row["catégorie Art et Essai"] == "NON"
                                        else row["catégorie Art et Essai"])
        assert venue["multiplex"] is (row["multiplexe"] == "OUI")
        assert venue["itinerant"] is (row["genre"] == "ITINERANT")
        assert venue["programmer"] == (row["programmateur"] or None)
        assert venue["urban_unit"] == row["unité urbaine"]
        assert venue["latitude"] == float(row["latitude"])
        assert venue["longitude"] == float(row["longitude"])


def test_art_et_essai_labels_match_an_independent_parse(cnc, cnc_rows) -> None:
    store, report = cnc
    expected: dict[str, list[str]] = {}
    for row in cnc_rows:
        cell = row["label Art et Essai"]
        pairs = [cell[i:i + 2] for i in range(0, len(cell), 2)]
        assert set(pairs) <= {"RD", "JP", "PR"}  # the file writes labels as 2-letter codes
        expected[row["N° auto"]] = [code for code in ("RD", "JP", "PR") if code in pairs]
    stored = dict(store.frame("SELECT reference, ae_labels FROM venues").rows())
    assert stored == expected
    counts = Counter(code for labels in expected.values() for code in labels)
    got = store.frame(
        "SELECT count(*) FILTER (list_contains(ae_labels, 'RD')) AS rd, "
        "count(*) FILTER (list_contains(ae_labels, 'JP')) AS jp, "
        "count(*) FILTER (list_contains(ae_labels, 'PR')) AS pr, "
        "count(*) FILTER (len(ae_labels) = 0) AS none FROM venues").row(0)
    assert got == (counts["RD"], counts["JP"], counts["PR"],
                   sum(not v for v in expected.values()))
    assert counts["JP"] > counts["PR"] > counts["RD"] > 0
    assert not [p for p in report.problems if p.field == "label Art et Essai"]


def test_every_venue_is_linked_to_a_commune_with_a_population(cnc, cnc_rows) -> None:
    store, report = cnc
    linked = store.frame(
        "SELECT v.reference, v.territory_id, t.level, t.population FROM venues v "
        "LEFT JOIN territories t USING (territory_id)")
    unlinked = linked.filter(linked["level"].is_null())["reference"].to_list()
    assert unlinked == [], f"venues without a commune: {unlinked}"
    assert set(linked["level"]) == {"commune"}
    unknown_population = linked.filter(linked["population"].is_null()).rows()
    assert unknown_population == [], f"communes without a population: {unknown_population}"
    # a venue is linked to the commune of its code; or, for the code of a commune merged
    # since, to the commune it joined (or found by its name), with a warning saying so
    warned = {p.row for p in report.problems
              if p.code in ("former-commune-code", "territory-by-name")}
    code_of = {r["N° auto"]: (line, r["code INSEE"]) for line, r in enumerate(cnc_rows, start=2)}
    for reference, territory in linked.select("reference", "territory_id").rows():
        line, code = code_of[reference]
        assert territory == f"FR-C{code}" or line in warned, (reference, code, territory)
    assert len(warned) < 10
    # Paris is linked by arrondissement, Lyon and Marseille as published (whole commune here)
    paris = {t for r, t in linked.select("reference", "territory_id").rows()
             if code_of[r][1].startswith("751")}
    assert paris == {f"FR-C{code}" for _, code in code_of.values() if code.startswith("751")}
    assert len(paris) > 15


def test_reimporting_the_same_file_changes_nothing(cnc, shared_data) -> None:
    store, _ = cnc
    before = store.checksum()
    again = import_file("cnc-cinemas", shared_data(CNC), store=store)
    assert again.status == "unchanged"
    assert store.checksum() == before


# -- hand-made files ---------------------------------------------------------------------------

COLUMNS = ("N° auto", "nom", "adresse", "code INSEE", "commune", "DEP", "écrans", "fauteuils",
           "semaines d'activité", "séances", "entrées 2023", "entrées 2022", "programmateur", "AE",
           "catégorie Art et Essai", "label Art et Essai", "genre", "multiplexe", "unité urbaine",
           "latitude", "longitude")
#: A clean row of a 2023 file: the values of COLUMNS.
GOOD = {"N° auto": "1", "nom": "LE REX", "adresse": "1 RUE DU CINEMA", "code INSEE": "75108",
        "commune": "Paris 8e Arrondissement", "DEP": "75", "écrans": "3.0", "fauteuils": "450.0",
        "semaines d'activité": "52.0", "séances": "3000.0", "entrées 2023": "60000.0",
        "entrées 2022": "40000.0", "programmateur": "", "AE": "OUI",
        "catégorie Art et Essai": "C", "label Art et Essai": "RDJPPR", "genre": "FIXE",
        "multiplexe": "NON", "unité urbaine": "Paris", "latitude": "48.87", "longitude": "2.30"}


def venue(**changes: str) -> dict[str, str]:
    """GOOD with some cells changed (keyword = column with spaces and accents as '_')."""
    by_key = {c.replace(" ", "_").replace("'", "_").replace("°", ""): c for c in COLUMNS}
    return {**GOOD, **{by_key.get(k, k): v for k, v in changes.items()}}


def cnc_file(tmp_path: Path, *rows: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> Path:
    path = tmp_path / "etablissements-test.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(columns)
        writer.writerows([r[c] for c in columns] for r in rows)
    return path


def test_the_year_comes_from_the_admissions_label(store: Store, tmp_path: Path) -> None:
    report = import_file("cnc-cinemas", cnc_file(tmp_path, GOOD), store=store)
    assert report.rows_loaded == 1
    row = store.frame("SELECT * FROM venues").row(0, named=True)
    assert (row["year"], row["admissions"], row["admissions_previous"]) == (2023, 60000, 40000)
    assert (row["screens"], row["seats"], row["weeks_active"], row["shows"]) == (3, 450, 52, 3000)
    assert row["territory_id"] == "FR-C75108"
    assert (row["art_et_essai"], row["ae_category"]) == (True, "C")
    assert row["ae_labels"] == ["RD", "JP", "PR"]
    assert (row["multiplex"], row["itinerant"]) == (False, False)
    assert row["venue_id"] == "cnc-cinemas:etablissements-test/2"
    assert report.problems == []


def test_bad_rows_are_quarantined_or_loaded_with_warnings(store: Store, tmp_path: Path) -> None:
    rows = [
        GOOD,                                                                    # 2: clean
        venue(N_auto="2", nom="LE REX 2", écrans="trois"),                       # 3: error
        venue(N_auto="3", nom=""),                                               # 4: error
        venue(N_auto="4", code_INSEE="99999", commune="Nullepart", genre="ITINERANT",
              entrées_2022=""),                                                  # 5: no place
        venue(N_auto="5", code_INSEE="99998", commune="Lyon", DEP="69"),         # 6: by name
        venue(N_auto="6", latitude="148.87"),                                    # 7: out of range
        venue(N_auto="7", latitude="2.30", longitude="48.87"),                   # 8: swapped
        venue(N_auto="8", code_INSEE="1053", commune="Bourg-en-Bresse", DEP="1",
              séances="-5.0", label_Art_et_Essai="JPXX", latitude="abc"),        # 9
        venue(N_auto="9", AE="NON", catégorie_Art_et_Essai="A", label_Art_et_Essai="JP"),  # 10
        venue(N_auto="9", nom="LE REX BIS"),                                     # 11: same N° auto
    ]
    report = import_file("cnc-cinemas", cnc_file(tmp_path, *rows), store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 8, 2)
    problems = {(p.row, p.field, p.code, p.severity) for p in report.problems}
    position = "latitude, longitude"
    assert problems == {
        (3, "écrans", "invalid-integer", "error"),
        (4, "nom", "required", "error"),
        (5, "code INSEE", "unknown-territory", "warning"),
        (6, "code INSEE", "territory-by-name", "warning"),
        (7, position, "coordinates-outside-france", "warning"),
        (8, position, "swapped-coordinates", "warning"),
        (9, "code INSEE", "padded-code", "warning"),
        (9, "séances", "out-of-range", "warning"),
        (9, "label Art et Essai", "unknown-value", "warning"),
        (9, position, "invalid-number", "warning"),
        (10, "AE", "inconsistent-art-et-essai", "warning"),
        (10, "N° auto", "duplicate-reference", "warning"),
        (11, "N° auto", "duplicate-reference", "warning"),
    }
    message = next(p.message for p in report.problems if p.row == 3)
    assert "écrans" in message and "trois" in message
    venues = {r["row_number"]: r for r in store.frame("SELECT * FROM venues").iter_rows(named=True)}
    assert sorted(venues) == [2, 5, 6, 7, 8, 9, 10, 11]
    assert venues[5]["territory_id"] is None and venues[5]["itinerant"] is True
    assert venues[5]["admissions_previous"] is None
    assert venues[6]["territory_id"] == "FR-C69123"
    assert (venues[7]["latitude"], venues[7]["longitude"]) == (None, None)
    assert (venues[8]["latitude"], venues[8]["longitude"]) == (48.87, 2.30)
    assert venues[9]["territory_id"] == "FR-C01053"
    assert (venues[9]["shows"], venues[9]["ae_labels"]) == (None, ["JP"])
    assert venues[9]["latitude"] is None
    assert venues[10]["ae_category"] == "A" and venues[10]["art_et_essai"] is False
    quarantined = {r: (json.loads(c), json.loads(x)) for r, c, x in store.frame(
        "SELECT row_number, content, reasons FROM quarantine").rows()}
    assert sorted(quarantined) == [3, 4]
    content, reasons = quarantined[3]
    assert content["écrans"] == "trois" and content["nom"] == "LE REX 2"
    assert [r["code"] for r in reasons] == ["invalid-integer"]


def test_a_count_too_large_to_store_quarantines_its_row(store: Store, tmp_path: Path) -> None:
    """Screens, seats, weeks and shows are INTEGER columns (up to 2**31 - 1): a 10-digit value
    used to stop the whole import on DuckDB's conversion error."""
    rows = [
        GOOD,                                                                   # 2: clean
        venue(N_auto="2", écrans="9999999999"),                                 # 3
        venue(N_auto="3", fauteuils="2147483648.0"),                            # 4: 2**31
        venue(N_auto="4", fauteuils="2147483647"),                              # 5: 2**31 - 1
        venue(N_auto="5", séances="12 345 678 901"),                            # 6
        venue(N_auto="6", semaines_d_activité="4294967296"),                    # 7
        venue(N_auto="7", entrées_2023="4294967296", entrées_2022="99999999999"),  # 8: BIGINT
    ]
    report = import_file("cnc-cinemas", cnc_file(tmp_path, *rows), store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 3, 4)
    assert {(p.row, p.field, p.code, p.severity) for p in report.problems} == {
        (3, "écrans", "number-too-large", "error"),
        (4, "fauteuils", "number-too-large", "error"),
        (6, "séances", "number-too-large", "error"),
        (7, "semaines d'activité", "number-too-large", "error"),
    }
    seats = next(p.message for p in report.problems if p.row == 4)
    assert seats.startswith("Number too large to store in column 'fauteuils': '2147483648.0' "
                            "(accepted: a whole number from 0 to 2 147 483 647).")
    weeks = next(p.message for p in report.problems if p.row == 7)
    assert "(accepted: a whole number from 0 to 53)" in weeks
    assert store.frame("SELECT row_number, seats, admissions, admissions_previous FROM venues "
                       "ORDER BY row_number").rows() == [
        (2, 450, 60000, 40000), (5, 2**31 - 1, 60000, 40000), (8, 450, 2**32, 99_999_999_999)]
    reasons = {r: [x["code"] for x in json.loads(x)] for r, x in store.frame(
        "SELECT row_number, reasons FROM quarantine").rows()}
    assert reasons == {3: ["number-too-large"], 4: ["number-too-large"],
                       6: ["number-too-large"], 7: ["number-too-large"]}


def test_a_file_without_an_admissions_column_is_refused(store: Store, tmp_path: Path) -> None:
    columns = tuple(c for c in COLUMNS if not c.startswith("entrées"))
    with pytest.raises(FileError, match="entrées YYYY"):
        import_file("cnc-cinemas", cnc_file(tmp_path, GOOD, columns=columns), store=store)
    assert store.count("venues") == 0
    assert store.count("sources", "importer = 'cnc-cinemas'") == 0


def test_labels_may_be_separated_and_ae_may_be_implied(store: Store, tmp_path: Path) -> None:
    columns = tuple(c for c in COLUMNS if c not in ("AE", "entrées 2022"))
    row = venue(catégorie_Art_et_Essai="D", label_Art_et_Essai="PR, JP")
    report = import_file("cnc-cinemas", cnc_file(tmp_path, row, columns=columns), store=store)
    assert report.rows_loaded == 1 and report.problems == []
    got = store.frame("SELECT art_et_essai, ae_labels, admissions_previous FROM venues").row(0)
    assert got == (True, ["JP", "PR"], None)
