"""The cnc-films-agrees importer on the CNC's real workbook of agreed films (2003–2019).

Every figure is checked against an independent count: openpyxl reads the sheets directly
(the header found by its 'VISA' cell), never the importer's code; the README's reference
figures (2006: 203 films, 59 with regional aid; 2007: 228 and 65…) are written out by hand.
"""

from __future__ import annotations

import shutil
import tomllib
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cineatlas import FileError, Store, import_file
from cineatlas.importers import register
from cineatlas.importers.cnc_films_agrees import CncFilmsAgreesImporter, fields
from cineatlas.ingest import ImportReport
from cineatlas.text import company_key

WORKBOOK = "cnc/films-agrees-2003-2019.xlsx"
register(CncFilmsAgreesImporter)  # the installed metadata may predate the entry point

#: Films and films with regional aid per year (README of the shared data; CNC for 2006, 2007).
REFERENCE = {2003: (212, 40), 2004: (203, 49), 2005: (240, 55), 2006: (203, 59),
             2007: (228, 65), 2008: (240, 95), 2009: (230, 90), 2010: (261, 99),
             2011: (272, 94), 2012: (279, 84), 2013: (270, 96), 2014: (258, 74),
             2015: (300, 112), 2016: (283, 101), 2017: (300, 96), 2018: (300, 117),
             2019: (301, 109)}


# -- an independent reading of the workbook -----------------------------------------------------

def read_films(path: Path) -> dict[int, list[dict[str, object]]]:
    """Rows of each yearly sheet as {label: value}, read with openpyxl: the header is the row
    whose first cell is 'VISA'; a data row is one with a VISA."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    films: dict[int, list[dict[str, object]]] = {}
    for sheet in book.worksheets:
        if not sheet.title.isdigit():
            continue
        header = None
        for row in sheet.iter_rows(values_only=True):
            if header is None:
                if row and row[0] == "VISA":
                    header = [str(c).strip() if c is not None else "" for c in row]
                continue
            if row and row[0] not in (None, ""):
                films.setdefault(int(sheet.title), []).append(dict(zip(header, row, strict=False)))
    book.close()
    return films


def cents(value: object) -> int:
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def marked(value: object) -> bool:
    return str(value or "").strip().upper() in ("X", "OUI")


@pytest.fixture(scope="module")
def films(shared_data) -> dict[int, list[dict[str, object]]]:
    return read_films(shared_data(WORKBOOK))


def imported(territories_store: Path, folder: Path, path: Path) -> tuple[Store, ImportReport]:
    db = folder / "atlas.duckdb"
    shutil.copy(territories_store, db)
    store = Store(db)
    return store, import_file("cnc-films-agrees", path, store=store)


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory):
    store, report = imported(territories_store, tmp_path_factory.mktemp("films"),
                             shared_data(WORKBOOK))
    yield store, report
    store.close()


def per_year(store: Store) -> dict[int, tuple[int, int, int]]:
    """(films, films with regional aid, total budget in cents) per year, from the store."""
    rows = store.frame(
        "SELECT a.year, count(*) AS films, count(f.approval_id) AS regional, "
        "sum(a.budget_minor) AS budget FROM film_approvals a LEFT JOIN work_financing f "
        "ON f.approval_id = a.approval_id AND f.kind = 'regional_aid' GROUP BY a.year").rows()
    return {year: (n, regional, int(budget)) for year, n, regional, budget in rows}


# -- the real workbook -------------------------------------------------------------------------

def test_films_and_regional_aid_per_year_equal_an_independent_count(real, films) -> None:
    store, report = real
    independent = {year: (len(rows), sum(marked(r["AIDE REGIONALE"]) for r in rows))
                   for year, rows in films.items()}
    assert independent == REFERENCE
    got = per_year(store)
    assert {year: (n, regional) for year, (n, regional, _) in got.items()} == REFERENCE
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4380, 4380, 0)
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    assert store.count("quarantine") == 0


def test_budgets_are_exact_cents(real, films) -> None:
    store, _ = real
    expected = {year: sum(cents(r["DEVIS"]) for r in rows) for year, rows in films.items()}
    assert {year: budget for year, (_, _, budget) in per_year(store).items()} == expected
    assert store.scalar("SELECT budget_minor FROM film_approvals WHERE visa = '147956'") \
        == 1_139_241_600  # '#Jesuislà' (2019): DEVIS 11392416 €
    assert store.scalar("SELECT count(*) FROM film_approvals WHERE currency <> 'EUR'") == 0


def test_several_directors_give_several_people(real, films) -> None:
    store, _ = real
    credits = sum(len([d for d in str(r["REALISATEUR"] or "").split("/") if d.strip()])
                  for rows in films.values() for r in rows)
    assert store.count("work_credits", "role = 'director'") == credits
    pattie = store.frame(
        "SELECT p.full_name, c.credit_as, c.rank FROM work_credits c "
        "JOIN people p USING (person_id) JOIN film_approvals a USING (approval_id) "
        "WHERE a.visa = '137501' ORDER BY c.position")
    assert pattie.rows() == [("Arnaud Larrieu", "LARRIEU Arnaud", 3),
                             ("Jean-Marie Larrieu", "LARRIEU Jean-Marie", 3)]
    # the same director across years is one person
    assert store.scalar("SELECT count(DISTINCT person_id) FROM work_credits "
                        "WHERE credit_as = 'OZON François'") == 1
    assert store.scalar("SELECT count(*) FROM people WHERE gender IS NOT NULL") == 0


def test_producers_are_organisations_with_their_marks(real) -> None:
    store, _ = real
    podium = store.frame(
        "SELECT o.name, c.mark FROM work_credits c JOIN organisations o USING (organisation_id) "
        "JOIN film_approvals a USING (approval_id) WHERE a.visa = '109247' ORDER BY c.position")
    assert podium.rows() == [("M6 FILMS", None), ("PATHE PRODUCTION", None),
                             ("SAJ", "tiers_ferme")]
    assert store.scalar("SELECT count(*) FROM organisations WHERE name LIKE '%TIERS FERME%'") == 0


def producer_of(store: Store, spelling: str) -> set[str]:
    """The organisations credited under a published spelling (marks aside)."""
    rows = store.frame("SELECT DISTINCT organisation_id FROM work_credits WHERE role = 'producer' "
                       "AND (credit_as = ? OR credit_as LIKE ? || ' (%')", [spelling, spelling])
    return set(rows["organisation_id"])


#: Spellings of one company, checked by hand (same company, years apart).
SAME_COMPANY = [("AGAT FILMS & CIE", "AGAT FILMS ET CIE"),
                ("L'ATELIER DE PRODUCTION", "ATELIER DE PRODUCTION"),
                ("4 A 4 PRODUCTIONS", "4A4 PRODUCTIONS"), ("TS PRODUCTIONS", "TS PRODUCTION"),
                ("SUPERSONIC GLIDE", "SUPERSONICGLIDE"), ("REBOOT FILMS SARL", "REBOOT FILMS"),
                ("L.F.P. - LES FILMS PELLÉAS", "LFP - LES FILMS PELLÉAS"),
                ("ENVIE DE TEMPÊTE PRODUCTIONS", "ENVIE DE TEMPETE PRODUCTION")]
#: Close spellings of different companies, which must stay apart.
DIFFERENT_COMPANIES = [("THE FILM", "FILMS INC", "L FILMS", "FILMS"), ("MARS FILMS", "MARSA FILMS"),
                       ("GAUMONT IMAGES 2", "GAUMONT IMAGES 3"), ("ALIA FILMS", "ALIAS FILMS"),
                       ("FRANCE 2 CINEMA", "FRANCE 3 CINEMA"), ("HERODIADE V", "HERODIADE VI"),
                       ("STUDIOCANAL CATALOGUE 1", "STUDIOCANAL CATALOGUE 3"),
                       ("ALTER FILMS", "WALTER FILMS"), ("ADELANTE FILMS", "DELANTE FILMS")]


def test_producers_are_recognised_across_spellings(real) -> None:
    store, _ = real
    for spellings in SAME_COMPANY:
        found = [producer_of(store, s) for s in spellings]
        assert all(len(f) == 1 for f in found), spellings  # each spelling is in the list
        assert len(set.union(*found)) == 1, f"{spellings} should be one producer"
    for spellings in DIFFERENT_COMPANIES:
        found = [producer_of(store, s) for s in spellings]
        assert all(len(f) == 1 for f in found), spellings
        assert len(set.union(*found)) == len(spellings), f"{spellings} should stay apart"
    # the organisation is named by its most frequent spelling (56 times against 4)
    agat = producer_of(store, "AGAT FILMS & CIE").pop()
    assert store.scalar("SELECT name FROM organisations WHERE organisation_id = ?",
                        [agat]) == "AGAT FILMS ET CIE"


def test_producers_joined_by_et_are_read_on_evidence(real, films) -> None:
    store, report = real

    def producers(visa: str, year: int) -> list[str]:
        return store.frame(
            "SELECT c.credit_as FROM work_credits c JOIN film_approvals a USING (approval_id) "
            "WHERE a.visa = ? AND a.year = ? AND c.role = 'producer' ORDER BY c.position",
            [visa, year])["credit_as"].to_list()

    def visa(year: int, title: str) -> str:
        return next(str(r["VISA"]) for r in films[year] if str(r["TITRE"]).strip() == title)

    # 2017 joins a film's producers with ET: each is credited on its own in other years
    spirou = visa(2017, "Les aventures de Spirou et Fantasio")
    assert producers(spirou, 2017) == ["MOANA FILMS", "CURIOSA FILMS"]
    # a company whose name holds ET stays whole; 2019's 'HAUT / COURT' is that company
    assert producers(visa(2017, "Duelles"), 2017) == ["HAUT ET COURT"]
    assert producers(visa(2019, "Seules les bêtes"), 2019) == ["HAUT ET COURT"]
    assert producers(visa(2016, "12 jours"), 2016) == ["PALMERAIE ET DESERT"]
    codes = {p.code for p in report.problems}
    assert {"producers-split", "producers-joined", "cut-mark"} <= codes
    joined = [p for p in report.problems if p.code == "producers-joined"]
    assert len(joined) == 1 and joined[0].message.startswith("Sheet '2019', row")
    # a '(TIERS FERME)' cut at the CNC's 64 characters is still the mark
    cut = store.frame("SELECT DISTINCT o.name, c.mark FROM work_credits c JOIN organisations o "
                      "USING (organisation_id) WHERE c.credit_as LIKE '%LICENCES (TI'").rows()
    assert cut == [("CIE D'APPROVISIONNEMENT DE BIENS AUDIOVISUELS ET DE LICENCES",
                    "tiers_ferme")]


def test_financing_facts_have_no_invented_amount(real, films) -> None:
    store, _ = real
    kinds = dict(store.frame("SELECT kind, count(*) FROM work_financing GROUP BY kind").rows())
    rows = [r for year in films.values() for r in year]
    assert kinds["regional_aid"] == sum(marked(r["AIDE REGIONALE"]) for r in rows)
    assert kinds["sofica"] == sum(marked(r["SOFICA"]) for r in rows)
    assert kinds["tax_credit"] == sum(marked(r["CREDIT D'IMPOT"]) for r in rows)
    assert kinds["parity_bonus"] == sum(marked(r.get("BONUS PARITE")) for r in films[2019]) == 31
    timing = Counter(str(r["ASR"]).strip().replace("apres", "après") for r in rows if r["ASR"])
    assert dict(store.frame("SELECT timing, count(*) FROM work_financing "
                            "WHERE kind = 'advance_on_receipts' GROUP BY timing").rows()) \
        == {"before": timing["avant"], "after": timing["après"]}
    assert store.count("work_financing", "amount_minor IS NOT NULL") == 0
    assert store.scalar(
        "SELECT DISTINCT o.name FROM work_financing f JOIN organisations o "
        "ON o.organisation_id = f.funder_id WHERE f.kind = 'regional_aid'",
    ) == "A Region (not named)"
    # the parity bonus is published from 2019 only: before, it is unknown, not absent
    assert store.scalar("SELECT bool_and(list_contains(published_facts, 'parity_bonus')) "
                        "FROM film_approvals WHERE year = 2019")
    assert not store.scalar("SELECT bool_or(list_contains(published_facts, 'parity_bonus')) "
                            "FROM film_approvals WHERE year < 2019")


def test_funder_levels(real) -> None:
    store, _ = real
    levels = store.frame("SELECT name, kind, funder_level, governed_territory_id "
                         "FROM organisations WHERE is_funder ORDER BY name")
    public = {name: (level, governed) for name, kind, level, governed in levels.iter_rows()
              if level is not None}
    # the CNC and the State are national and govern France; the unnamed Region is regional
    # but governs no known territory; SOFICAs and TV channels are not public funders
    assert public == {"CNC (Centre national du cinéma et de l'image animée)": ("national", "FR"),
                      "État — crédit d'impôt cinéma": ("national", "FR"),
                      "A Region (not named)": ("regional", None)}
    others = levels.filter(pl.col("funder_level").is_null())
    assert others.height > 10 and set(others["kind"]) == {"company"}
    assert "A SOFICA (not named)" in set(others["name"])
    assert store.count("organisations", "NOT is_funder AND funder_level IS NOT NULL") == 0


def test_channels_countries_rank_and_genre(real) -> None:
    store, _ = real
    cachemire = store.frame(
        "SELECT f.kind, f.funder_label FROM work_financing f JOIN film_approvals a "
        "USING (approval_id) WHERE a.visa = '134151' AND f.kind IN ('pay_tv', 'free_tv') "
        "ORDER BY f.kind, f.position").rows()
    assert cachemire == [("free_tv", "France 2"), ("free_tv", "M6"), ("free_tv", "France 4"),
                         ("free_tv", "W9"), ("pay_tv", "Canal+"), ("pay_tv", "Ciné+")]
    grammes = store.frame(
        "SELECT country_code, country_label, share_percent FROM work_countries c "
        "JOIN film_approvals a USING (approval_id) WHERE a.visa = '136546' ORDER BY position")
    assert grammes.rows() == [("NO", "Norvège", 65.0), ("DE", "All", 24.0), ("FR", "Fr", 11.0)]
    film = store.frame("SELECT coproduction, french_share, french_initiative, rank, genre "
                       "FROM film_approvals WHERE visa = '136546'").row(0)
    assert film == (True, 11.0, False, 3, "fiction")
    # '30° COULEUR' (2011), ranks '2 / 1': a first film for one of its two directors
    assert store.scalar("SELECT rank FROM film_approvals WHERE visa = '129542'") == 1
    genres = dict(store.frame("SELECT genre, count(*) FROM film_approvals GROUP BY 1").rows())
    assert genres == {"fiction": 3639, "documentary": 330 + 287, "animation": 84 + 40}


def test_reimport_is_unchanged(real, shared_data) -> None:
    store, report = real
    before = {t: store.count(t) for t in report.tables}
    again = import_file("cnc-films-agrees", shared_data(WORKBOOK), store=store)
    assert again.status == "unchanged"
    assert {t: store.count(t) for t in report.tables} == before


# -- later editions ----------------------------------------------------------------------------

def edited_copy(source: Path, target: Path, edit) -> Path:
    book = openpyxl.load_workbook(source)
    edit(book)
    book.save(target)
    return target


def header_cell(sheet, label: str):
    for row in sheet.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == label:
                return cell
    raise AssertionError(f"{label} not found in {sheet.title}")


def test_a_renamed_and_an_added_column_still_import(shared_data, territories_store, tmp_path,
                                                    films) -> None:
    def edit(book) -> None:
        for sheet in book.worksheets[1:]:
            header_cell(sheet, "DEVIS").value = "Devis du film"
        extra = book["2015"]
        extra.insert_cols(3)  # a new third column, before REALISATEUR
        header = header_cell(extra, "TITRE").row
        extra.cell(header, 3).value = "Observations"
        extra.cell(header + 1, 3).value = "nouvelle colonne"

    path = edited_copy(shared_data(WORKBOOK), tmp_path / "films-agrees-2003-2020.xlsx", edit)
    store, report = imported(territories_store, tmp_path, path)
    try:
        assert (report.rows_read, report.rows_loaded) == (4380, 4380)
        expected = {year: (len(rows), sum(marked(r["AIDE REGIONALE"]) for r in rows),
                           sum(cents(r["DEVIS"]) for r in rows)) for year, rows in films.items()}
        assert per_year(store) == expected
        notes = {(p.code, p.field) for p in report.problems}
        assert ("unknown-column", "Observations") in notes
        assert ("incorrect-label", "Devis du film") in notes
        assert any("Sheet '2015'" in p.message for p in report.problems
                   if p.code == "unknown-column")
        # the 2015 directors were read from their own column, not shifted
        assert store.scalar(
            "SELECT count(*) FROM work_credits c JOIN film_approvals a USING (approval_id) "
            "WHERE a.year = 2015 AND c.role = 'director'") > 300
    finally:
        store.close()


def test_a_missing_required_column_is_a_clear_error(shared_data, territories_store,
                                                     tmp_path) -> None:
    def edit(book) -> None:
        header_cell(book["2010"], "DEVIS").value = None

    path = edited_copy(shared_data(WORKBOOK), tmp_path / "films.xlsx", edit)
    db = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as store:
        with pytest.raises(FileError) as error:
            import_file("cnc-films-agrees", path, store=store)
        assert "sheet '2010'" in str(error.value) and "'DEVIS'" in str(error.value)
        assert store.count("sources", "importer = 'cnc-films-agrees'") == 0
        assert store.count("works") == 0


# -- small hand-made workbooks -----------------------------------------------------------------

HEADER = ["VISA", "TITRE", "REALISATEUR", "PRODUCTEURS", "DEVIS", "GENRE", "EOF", "RANG",
          "ASR", "PAYANTE", "CLAIR", "SOFICA", "CREDIT D'IMPOT", "AIDE REGIONALE", "NATIONALITE"]


def small_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Sommaire"
    sheet = book.create_sheet("2021")
    sheet.append(["Retour au menu"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_row_without_visa_is_quarantined_with_its_sheet_and_row(store, tmp_path) -> None:
    path = small_workbook(tmp_path / "films.xlsx", [
        ["150001", "Un film", "DUPONT Marie", "FILMS A / FILMS C 01 23 45 67 89", 1000000.5,
         "fiction", "OUI", "1",
         "", "", "", "", "", "X", "Fr-100"],
        ["150002", "Budget inconnu", "MARTIN Lea / ?", "FILMS D / -", "n.c.", "fiction", "OUI", "1",
         "", "", "", "", "", "", "Fr-100"],
        ["", "Sans visa", "DURAND Paul", "FILMS B contact@films-b.fr", 2000000, "docu", "OUI",
         "2", "", "", "", "", "", "", "Fr-100"],
    ])
    report = import_file("cnc-films-agrees", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    row = store.frame("SELECT line_number, content, reasons FROM quarantine").row(0, named=True)
    assert row["line_number"] == 6  # the header is on row 3 of the sheet
    assert '"FEUILLE":"2021"' in row["content"] and "contact@" not in row["content"]
    assert "Sheet '2021', row 6" in row["reasons"]
    assert store.frame("SELECT visa, budget_minor, year FROM film_approvals ORDER BY visa").rows() \
        == [("150001", 100_000_050, 2021), ("150002", None, 2021)]
    assert any(p.code == "invalid-amount" and p.severity == "warning" for p in report.problems)
    assert store.count("work_credits", "approval_id LIKE '%/3'") == 2  # '?' and '-' name no one
    names = store.frame("SELECT name FROM organisations WHERE NOT is_funder ORDER BY name")
    # the phone number is removed
    assert names["name"].to_list() == ["FILMS A", "FILMS C", "FILMS D"]
    assert any(p.code == "private-data" for p in report.problems)
    assert store.count("work_credits", "credit_as LIKE '%45 67%'") == 0


def test_notes_and_warnings_name_the_sheet_and_row(store, tmp_path) -> None:
    path = small_workbook(tmp_path / "films.xlsx", [
        ["150001", "Un film", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
         "", "C+ Zorg", "", "", "", "", "Fr-100", "", "stray note"],
        ["150001", "Un film", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
         "", "", "", "", "", "", "Corée-60 / Fr-40"],
    ])
    report = import_file("cnc-films-agrees", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 2, 0)
    found = {(p.code, p.field): p.message for p in report.problems}
    assert found[("unknown-channel", "PAYANTE")].startswith("Sheet '2021', row 4:")
    assert sorted(p.message[:20] for p in report.problems if p.code == "duplicate-visa") \
        == ["Sheet '2021', row 4:", "Sheet '2021', row 5:"]
    assert found[("unknown-country", "NATIONALITE")].startswith("Sheet '2021', row 5:")
    assert ("sheet-skipped", None) in found
    assert found[("cell-without-label", None)] == (
        "Sheet '2021', row 4: column 17 has a value but no label in the header; it was ignored.")
    assert store.count("works") == 1 and store.count("film_approvals") == 2
    assert store.frame("SELECT funder_label FROM work_financing ORDER BY position").rows() \
        == [("Canal+",), ("Zorg",)]
    assert store.frame("SELECT country_code, share_percent FROM work_countries "
                       "WHERE country_label = 'Corée'").rows() == [(None, 60.0)]


def test_an_unreadable_fact_is_unknown_not_absent(store, tmp_path) -> None:
    path = small_workbook(tmp_path / "films.xlsx", [
        ["150001", "Lisible", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
         "avant", "", "", "", "", "X", "Fr-100"],
        ["150002", "Illisible", "MARTIN Lea", "FILMS B", 2000000, "fiction", "OUI", "1",
         "peut-être", "", "", "?", "", "NC", "Fr-100"],
    ])
    report = import_file("cnc-films-agrees", path, store=store)
    assert report.rows_loaded == 2
    facts = dict(store.frame("SELECT visa, list_sort(published_facts) FROM film_approvals").rows())
    # the sheet publishes ASR, SOFICA and regional aid; the second film's cells say neither
    # yes nor no: for it those facts are unknown (not published), never "no"
    assert facts["150001"] == sorted(["advance_on_receipts", "pay_tv", "free_tv", "sofica",
                                      "tax_credit", "regional_aid"])
    assert facts["150002"] == sorted(["pay_tv", "free_tv", "tax_credit"])
    warned = {(p.code, p.field) for p in report.problems}
    assert {("invalid-boolean", "SOFICA"), ("invalid-boolean", "AIDE REGIONALE")} <= warned
    assert any(code == "enum" and field == "ASR" for code, field in warned), warned


def test_a_channel_cell_naming_no_channel_records_no_pre_sale(store, tmp_path) -> None:
    """Found by the damaged-sheets property: '-' in PAYANTE made a channel funder whose id was
    NULL, and the import stopped on the store's NOT NULL constraint."""
    path = small_workbook(tmp_path / "films.xlsx", [
        ["150001", "Un film", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
         "", "-", "C+ / ?", "", "", "", "Fr-100"],
        ["150002", "Un autre", "MARTIN Lea", "FILMS B", 2000000, "fiction", "OUI", "1",
         "", "tv@chaine.fr", "", "", "", "", "Fr-100"],
    ])
    report = import_file("cnc-films-agrees", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 2, 0)
    assert {(p.row, p.field, p.code) for p in report.problems if p.row != 1} == {
        (2, "PAYANTE", "no-channel-named"), (2, "CLAIR", "no-channel-named"),
        (3, "PAYANTE", "private-data")}
    # the free-TV pre-sale to Canal+ is kept; '-' and '?' record nothing, nor does an address
    assert store.frame("SELECT kind, funder_label FROM work_financing "
                       "WHERE kind IN ('pay_tv', 'free_tv')").rows() == [("free_tv", "Canal+")]
    assert store.count("organisations", "organisation_id IS NULL OR name_key = ''") == 0
    assert store.count("organisations", "name LIKE '%removed%' OR name LIKE '%@%'") == 0


def test_an_import_is_all_or_nothing(store, tmp_path, monkeypatch) -> None:
    path = small_workbook(tmp_path / "films.xlsx", [
        ["150001", "Un film", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
         "", "", "", "", "", "X", "Fr-100"]])

    def broken(self, ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CncFilmsAgreesImporter, "finish", broken)
    with pytest.raises(RuntimeError):
        import_file("cnc-films-agrees", path, store=store)
    for table in CncFilmsAgreesImporter.tables:
        assert store.count(table, "source_id LIKE 'cnc-films-agrees:%'") == 0


@pytest.mark.parametrize(("content", "code"), [
    (b"VISA,TITRE\n1,A\n", "not-a-workbook"),
    (b"PK\x03\x04 not really a workbook", "bad-spreadsheet"),
])
def test_a_file_that_is_not_a_workbook_is_refused(store, tmp_path, content, code) -> None:
    path = tmp_path / ("films.csv" if code == "not-a-workbook" else "films.xlsx")
    path.write_bytes(content)
    with pytest.raises(FileError) as error:
        import_file("cnc-films-agrees", path, store=store)
    assert error.value.code == code and path.name in str(error.value)
    assert store.count("sources", "importer = 'cnc-films-agrees'") == 0


@pytest.fixture(scope="module")
def damage_store(territories_store, tmp_path_factory) -> Store:
    db = tmp_path_factory.mktemp("damage") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as opened:
        yield opened


#: Cells a spreadsheet can hold (control characters are not allowed in .xlsx).
cells = st.one_of(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
                  st.integers(-10**12, 10**12),
                  st.floats(allow_nan=False, allow_infinity=False), st.none(),
                  st.sampled_from(["X", "OUI", "avant", "Fr-80 / All-20", "C+ Ciné+", "3 / 1",
                                   "DUPONT Marie / MARTIN Paul", "A (TIERS FERME)", "jean@x.fr"]))


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# found by this property: a channel cell with no letter or digit ('-', '?') gave a funder with a
# null id (NOT NULL constraint failed: organisations.organisation_id) and stopped the import
@example(rows=[["150001", "Un film", "DUPONT Marie", "FILMS A", 1000000, "fiction", "OUI", "1",
                "", "-", "C+ ?", "", "", "X", "FRANCE-100"]], dropped=None)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=len(HEADER) + 2), max_size=8),
       dropped=st.none() | st.integers(0, len(HEADER) - 1))
def test_damaged_sheets_are_loaded_quarantined_or_refused(damage_store, tmp_path_factory, rows,
                                                          dropped) -> None:
    header = [label for i, label in enumerate(HEADER) if i != dropped]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2021"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path_factory.mktemp("damaged") / "films.xlsx"
    book.save(path)
    written = [r for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True)
               if any(str(c).strip() for c in r if c is not None)]
    try:
        report = import_file("cnc-films-agrees", path, store=damage_store)
    except FileError as error:
        assert error.code in ("missing-column", "empty-file", "no-data-row")
        assert dropped is not None or not written
        return
    assert report.rows_read == len(written) == report.rows_loaded + report.rows_quarantined
    assert damage_store.count("film_approvals", "source_id = ?", [report.source_id]) \
        == report.rows_loaded
    assert "jean@x.fr" not in str(damage_store.frame("SELECT * FROM quarantine").rows())
    assert damage_store.count("organisations", "name LIKE '%jean@%'") == 0


def test_the_entry_point_is_declared() -> None:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    entry = project["project"]["entry-points"]["cineatlas.importers"]["cnc-films-agrees"]
    assert entry == "cineatlas.importers.cnc_films_agrees:CncFilmsAgreesImporter"


# -- the cells' rules --------------------------------------------------------------------------

@pytest.mark.parametrize(("published", "display"), [
    ("LARTIGAU Eric", "Eric Lartigau"),
    ("JEAN BAPTISTE Lucien", "Lucien Jean Baptiste"),
    ("MASRI  Mai", "Mai Masri"),
    ("MacDONALD Kevin", "Kevin MacDonald"),
    ("VAN TASSEL Sabrina", "Sabrina van Tassel"),
    ("TVERDOVSKIY Ivan I.", "Ivan I. Tverdovskiy"),
    ("RINTARO", "Rintaro"),
    ("LEIGH C.S.", "Leigh C.S."),
    ("LE GUAY Philippe", "Philippe Le Guay"),
    ("Kafka", "Kafka"),
])
def test_name_order_is_understood(published, display) -> None:
    assert fields.person_name(published).display == display


def test_cells_are_split_as_published() -> None:
    assert fields.producer("BLUE EYE FILMS (FRANCE) (TIERS FERME)") == fields.Producer(
        "BLUE EYE FILMS (FRANCE) (TIERS FERME)", "BLUE EYE FILMS (FRANCE)", "tiers_ferme")
    assert fields.producer("FILM(S)").name == "FILM(S)"
    assert fields.ranks("3 / 3 /3") == ([3, 3, 3], True)
    assert fields.ranks("1 ?") == ([1], False)
    # found by the damaged-sheets property: a rank past an INT32 crashed the import
    assert fields.ranks("2147483648") == ([None], False)
    assert fields.ranks("0 / 2") == ([None, 2], False)
    assert fields.channels("TPS C+ C+") == (["TPS", "Canal+"], [], [])
    assert fields.channels("CANAL+ / CINE+") == (["Canal+", "Ciné+"], [], [])
    assert fields.channels("F3 FRANCE 4 Zorg") == (["France 3", "France 4", "Zorg"], ["Zorg"], [])
    # found by the damaged-sheets property: a mark naming no channel gave a funder a null id
    assert fields.channels("-") == ([], [], ["-"])
    assert fields.channels("C+ / ? Zorg") == (["Canal+", "Zorg"], ["Zorg"], ["?"])
    assert fields.nationality("ITALIE -90 / FRANCE-10") == [
        fields.Share("ITALIE", 90.0), fields.Share("FRANCE", 10.0)]
    assert fields.nationality(" AFRIQUE DU SUD") == [fields.Share("AFRIQUE DU SUD", None)]
    cut = fields.producer("CIE D'APPROVISIONNEMENT DE LICENCES (TI")
    assert (cut.name, cut.mark, cut.cut_mark) == ("CIE D'APPROVISIONNEMENT DE LICENCES",
                                                  "tiers_ferme", True)
    assert fields.producer("TELEMA (EX").mark is None  # not the start of a known mark


def test_producer_items_split_and_join_on_evidence() -> None:
    credited = {company_key(name): n for name, n in [
        ("MOANA FILMS", 5), ("CURIOSA FILMS", 7), ("HAUT ET COURT", 23), ("HAUT", 1),
        ("COURT", 1), ("AGAT FILMS ET CIE", 60), ("APSARA FILMS", 2), ("A", 1), ("B", 1),
        ("A ET B", 2)]}
    read = fields.producer_items("MOANA FILMS ET CURIOSA FILMS / GAUMONT", credited)
    assert read.names == ["MOANA FILMS", "CURIOSA FILMS", "GAUMONT"]
    assert read.split == ["MOANA FILMS ET CURIOSA FILMS"] and read.joined == []
    # an established company (credited 23 times, its parts once) is neither split nor cut
    assert fields.producer_items("HAUT ET COURT", credited).names == ["HAUT ET COURT"]
    joined = fields.producer_items("HAUT / COURT", credited)
    assert (joined.names, joined.joined) == (["HAUT ET COURT"], ["HAUT ET COURT"])
    # '&' inside a name, then ET between two companies
    assert fields.producer_items("AGAT FILMS & CIE ET APSARA FILMS", credited).names == [
        "AGAT FILMS & CIE", "APSARA FILMS"]
    # parts never credited alone: one company
    assert fields.producer_items("MILLE ET UNE PRODUCTIONS", credited).names == [
        "MILLE ET UNE PRODUCTIONS"]
    # 'A ET B' credited twice, less than 3 times: not established, A and B are two producers
    assert fields.producer_items("A ET B", credited).names == ["A", "B"]
    assert fields.producer_items("A / B", credited).names == ["A", "B"]


@pytest.mark.parametrize(("one", "other"), [
    ("LES FILMS DU LOSANGE", "Films du Losange (Les) SARL"),
    ("AGAT FILMS & CIE", "AGAT FILMS ET CIE"),
    ("L'ATELIER DE PRODUCTION", "ATELIER DE PRODUCTION"),
    ("M.E.S PRODUCTIONS SARL", "MES PRODUCTIONS"),
    ("S.A.S. KARÉ PRODUCTIONS", "Kare Production"),
    ("SUPERSONIC GLIDE", "SUPERSONICGLIDE"),
    ("PIO & CO", "PIO"),
])
def test_company_key_reads_spellings_of_one_company(one, other) -> None:
    assert company_key(one) == company_key(other) != ""


@pytest.mark.parametrize("names", [
    ("THE FILM", "FILMS INC", "L FILMS", "FILMS", "LES FILMS"),  # never generic words alone
    ("GAUMONT IMAGES 2", "GAUMONT IMAGES 3", "GAUMONT"),        # numbered companies
    ("MARS FILMS", "MARSA FILMS"), ("LA FABRIQUE", "LA FABRIQUE 2"),
    ("SA PRODUCTIONS", "PRODUCTIONS"),
])
def test_company_key_keeps_different_companies_apart(names) -> None:
    assert len({company_key(n) for n in names}) == len(names)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçô0123456789 &'.-/", max_size=40))
def test_company_key_ignores_case_spacing_and_punctuation(name) -> None:
    key = company_key(name)
    assert company_key(name.upper()) == key
    assert company_key(f"  {name.replace(' ', '   ')} ") == key
    assert company_key(name.replace("-", " - ").replace(".", ". ")) == key
    assert key == "" or key.isalnum()
