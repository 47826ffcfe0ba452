"""The telefilm importer: the real 2009-2018 file (figures recomputed here with the csv module)
and small hand-made files, one per normalisation rule and per kind of bad row."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from cineatlas import Store, import_file
from cineatlas.ingest import ImportReport

TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"

#: The test's own province mapping (independent of the importer's).
PROVINCE_OF = {
    "Quebec": "CA-QC", "Ontario": "CA-ON", "British Columbia": "CA-BC", "Nova Scotia": "CA-NS",
    "Manitoba": "CA-MB", "Alberta": "CA-AB", "Newfoundland/Labrador": "CA-NL",
    "Newfoundland/Labrad.": "CA-NL", "New Brunswick": "CA-NB", "Saskatchewan": "CA-SK",
    "Prince Edward Island": "CA-PE", "Yukon": "CA-YT", "North West Territories": "CA-NT",
    "North W. Territories": "CA-NT", "Nunavut": "CA-NU", "California": "US-CA",
    "New York": "US-NY",
}

#: The province (or state, or country) of each award, from its territory.
AWARD_PROVINCE = """
    SELECT a.*, CASE WHEN t.level IN ('municipality', 'qc_region', 'metropolis')
                     THEN substr(t.territory_id, 1, 5) ELSE t.territory_id END AS province
    FROM awards a LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id
"""


def cents(cell: str) -> int:
    return int(Decimal(cell) * 100)


# -- the real file -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rows(shared_data) -> list[dict[str, str]]:
    with open(shared_data(TELEFILM), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory) -> tuple[Store, ImportReport]:
    """The real file imported once into a copy of the reference store."""
    path = tmp_path_factory.mktemp("telefilm") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("telefilm", shared_data(TELEFILM), store=store)
    yield store, report
    store.close()


def test_every_row_is_loaded(real, rows) -> None:
    store, report = real
    assert len(rows) == 6658
    assert report.rows_read == len(rows)
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    assert (report.rows_loaded, report.rows_quarantined) == (6658, 0)
    assert store.count("awards") == 6658
    assert store.count("awards", "currency = 'CAD' AND funder_id IS NOT NULL "
                                 "AND scheme_id IS NOT NULL AND beneficiary_id IS NOT NULL") == 6658


def test_amounts_per_province_equal_the_file(real, rows) -> None:
    store, _ = real
    expected: dict[str, int] = defaultdict(int)
    counted: Counter[str] = Counter()
    for r in rows:
        province = PROVINCE_OF.get(r["Province"])
        if province is None:
            assert r["Province"] in ("0", "")  # the only other values in this file
        value = cents(r["Final Value"]) if r["Final Value"] else 0
        if value and province:
            expected[province] += value
            counted[province] += 1
    got = store.frame(f"SELECT province, sum(amount_minor)::BIGINT AS total, "
                      f"count(amount_minor) AS n "
                      f"FROM ({AWARD_PROVINCE}) WHERE province IS NOT NULL AND province <> 'FR' "
                      f"GROUP BY province")
    assert dict(got.select("province", "total").rows()) == dict(expected)
    assert dict(got.select("province", "n").rows()) == dict(counted)
    # every Final Value of the file, zero (unknown) excluded, is in the store
    assert store.scalar("SELECT sum(amount_minor)::BIGINT FROM awards") == sum(
        cents(r["Final Value"]) for r in rows if r["Final Value"])
    zeros = sum(1 for r in rows if not r["Final Value"] or cents(r["Final Value"]) == 0)
    assert store.count("awards", "amount_minor IS NULL") == zeros == 53
    assert store.scalar("SELECT sum(original_amount_minor)::BIGINT FROM awards") == sum(
        cents(r["Original Value"]) for r in rows if r["Original Value"])


def test_newfoundland_spellings_are_one_province(real, rows) -> None:
    store, _ = real
    spellings = Counter(r["Province"] for r in rows if r["Province"].startswith("Newfoundland"))
    assert set(spellings) == {"Newfoundland/Labrador", "Newfoundland/Labrad."}
    got = store.frame(f"SELECT province, count(*) AS n FROM ({AWARD_PROVINCE}) "
                      f"WHERE province LIKE 'CA-NL%' GROUP BY province").rows()
    assert got == [("CA-NL", sum(spellings.values()))]
    territories = store.frame(f"SELECT province, count(*) AS n FROM ({AWARD_PROVINCE}) "
                              f"WHERE province = 'CA-NT' GROUP BY province").rows()
    assert territories == [("CA-NT", sum(1 for r in rows if r["Province"].startswith("North W")))]


def test_awards_outside_canada_are_recognised(real, rows) -> None:
    store, _ = real
    outside = {int(i) + 2: r for i, r in enumerate(rows) if r["Country"] not in ("Canada", "0")}
    assert len(outside) == 7
    got = dict(store.frame("SELECT row_number, beneficiary_country_code || ' ' || "
                           "beneficiary_territory_id FROM awards WHERE beneficiary_country_code "
                           "<> 'CA'").rows())
    expected = {row: {"United States": "US", "France": "FR"}[r["Country"]] + " " + (
        PROVINCE_OF[r["Province"]] if r["Province"] else "FR") for row, r in outside.items()}
    assert got == expected
    # '0' as province and country: unknown place, loaded with a warning
    unknown = [i + 2 for i, r in enumerate(rows) if r["Province"] == "0"]
    assert store.frame("SELECT row_number FROM awards WHERE beneficiary_country_code IS NULL "
                       "ORDER BY 1")["row_number"].to_list() == unknown
    assert store.count("awards", "beneficiary_territory_id IS NULL") == len(unknown)


def test_quebec_awards_resolve_to_an_administrative_region(real, rows) -> None:
    store, _ = real
    quebec = sum(1 for r in rows if r["Province"] == "Quebec")
    assert store.count("awards", "beneficiary_territory_id LIKE 'CA-QC%'") == quebec
    resolved = store.scalar(
        "SELECT count(*) FROM awards a "
        "JOIN territories m ON m.territory_id = a.beneficiary_territory_id "
        "JOIN territories r ON r.territory_id = m.parent_id "
        "WHERE m.level = 'municipality' AND r.level = 'qc_region'")
    assert resolved / quebec >= 0.99
    montreal = store.scalar("SELECT territory_id FROM territories WHERE level = 'municipality' "
                            "AND name_key = 'montreal' AND territory_id LIKE 'CA-QC-M%'")
    # Outremont, Verdun and Saint-Laurent were merged into the city of Montréal in 2002 and
    # are its boroughs today: awards published under those names are Montréal's.
    # In this file: 2,441 'Montreal' + 53 'Outremont' + 6 'Verdun' + 2 'Saint-Laurent' = 2,502.
    montreal_names = {"Montreal", "Montréal", "Outremont", "Verdun", "Saint-Laurent"}
    expected = sum(1 for r in rows
                   if r["Province"] == "Quebec" and r["City"].strip() in montreal_names)
    assert expected == 2502
    assert store.count("awards", "beneficiary_territory_id = ?", [montreal]) == expected


def test_vocabularies_are_normalised_across_years(real, rows) -> None:
    store, _ = real
    details = dict(store.frame("SELECT genre_detail, count(*) FROM awards GROUP BY 1").rows())
    published = Counter(r["Genre"] for r in rows)
    assert "Drama (Film)" not in details and "Sci.fi./Fantasy/Tale" not in details
    assert details["Drama"] == published["Drama (Film)"] + published["Drama"]
    assert details["Science fiction/Fantasy/Tale"] == (
        published["Sci.fi./Fantasy/Tale"] + published["Science fiction/Fantasy/Tale"])
    assert details[None] == published["N/A"] + published[""]
    aid = dict(store.frame("SELECT aid_type, count(*) FROM awards GROUP BY 1").rows())
    types = Counter(r["Type"].strip() for r in rows)
    assert aid["mixed"] == sum(n for t, n in types.items() if "," in t)
    assert aid["repayable_advance"] == (types["Recoupable Advance"] + types["Advance"]
                                        + types["Avance"])
    assert aid["investment"] == types["Investment"] + types["Investissement"]
    assert None not in aid
    languages = dict(store.frame("SELECT language, count(*) FROM awards GROUP BY 1").rows())
    published_languages = Counter(r["Language"] for r in rows)
    assert languages == {"en": published_languages["English"], "fr": published_languages["French"],
                         "und": published_languages["Autochtone"], None: published_languages[""]}
    # every programme is known: one scheme each, a stage each
    purposes = {r["Purpose"] for r in rows}
    assert store.count("schemes") == len(purposes)
    assert store.count("awards", "stage IS NULL") == 0
    stages = dict(store.frame("SELECT name, stage FROM schemes").rows())
    assert stages["Mini-treaties"] == "production"
    assert stages["Marketing Program"] == "distribution"
    assert stages["Export Assistance Program"] == "promotion"
    # fiscal years: the first year of the published period
    assert store.count("awards", "fiscal_year::VARCHAR <> substr(fiscal_period, 1, 4)") == 0


def test_entities(real, rows) -> None:
    store, _ = real
    funder = store.frame("SELECT * FROM organisations WHERE is_funder").rows(named=True)
    assert [(f["name"], f["kind"], f["territory_id"], f["funder_level"],
             f["governed_territory_id"]) for f in funder] == [
        ("Telefilm Canada", "public_body", "CA", "national", "CA")]
    assert store.count("organisations", "NOT is_funder AND funder_level IS NOT NULL") == 0
    assert store.count("awards", "funder_id <> ?", [funder[0]["organisation_id"]]) == 0
    # festivals and events of the Promotion Program are not works; other titled awards are
    promotion = sum(1 for r in rows if r["Purpose"].startswith("Promotion Program"))
    assert store.count("awards", "work_id IS NULL") == promotion
    assert store.count("works") < len({r["Title"] for r in rows})
    assert store.count("organisations", "NOT is_funder") <= len({r["Recipient Name"] for r in rows})


def test_importing_twice_leaves_the_store_identical(real, shared_data) -> None:
    store, _ = real
    before = store.checksum()
    again = import_file("telefilm", shared_data(TELEFILM), store=store)
    assert again.status == "unchanged"
    assert store.checksum() == before


def test_forced_reimport_gives_the_same_rows(shared_data, store) -> None:
    path = shared_data(TELEFILM)
    import_file("telefilm", path, store=store)
    tables = ("awards", "organisations", "schemes", "works", "quarantine")
    first = {t: store.frame(f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    assert import_file("telefilm", path, store=store, force=True).status == "replaced"
    for t in tables:
        assert store.frame(f"SELECT * FROM {t} ORDER BY ALL").equals(first[t]), t


# -- hand-made files ---------------------------------------------------------------------------

HEADER = ("Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
          "Final Value,Original Value,Type,Purpose,Comments")
DEFAULT = {"Period": "2012-2013", "Quarter": "P1", "Recipient Name": "Films A Inc.",
           "City": "Toronto", "Province": "Ontario", "Country": "Canada", "Title": "Un film",
           "Language": "English", "Genre": "Drama", "Date": "2012-06-01",
           "Final Value": "1000.00", "Original Value": "1000.00", "Type": "Investment",
           "Purpose": "Production Program", "Comments": ""}


def write_csv(path: Path, *rows: dict[str, str], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    columns = HEADER.split(",")
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([{**DEFAULT, **row}[c] for c in columns])
    return path


def award(store: Store, row: int = 2) -> dict:
    return store.frame("SELECT * FROM awards WHERE row_number = ?", [row]).row(0, named=True)


def problems(report: ImportReport) -> set[tuple[int | None, str | None, str, str]]:
    return {(p.row, p.field, p.code, p.severity) for p in report.problems}


@pytest.mark.parametrize(("cells", "expected"), [
    # aid types: spelling variants, stray spaces, French, combinations
    ({"Type": "  Recoupable   Advance "},
     {"aid_type": "repayable_advance", "aid_type_raw": "Recoupable Advance"}),
    ({"Type": "Avance"}, {"aid_type": "repayable_advance"}),
    ({"Type": "Investissement"}, {"aid_type": "investment"}),
    ({"Type": "Recoupable advence"}, {"aid_type": "repayable_advance"}),
    ({"Type": "Investment, Recoupable Advance"},
     {"aid_type": "mixed", "aid_type_raw": "Investment, Recoupable Advance"}),
    ({"Type": "Grant , Contribution"}, {"aid_type": "mixed"}),
    ({"Type": "Grant"}, {"aid_type": "grant"}),
    # genres across years
    ({"Genre": "Drama (Film)"}, {"genre_detail": "Drama", "genre": "fiction"}),
    ({"Genre": "Sci.fi./Fantasy/Tale"},
     {"genre_detail": "Science fiction/Fantasy/Tale", "genre": "fiction"}),
    ({"Genre": "science fiction / fantasy / tale"},
     {"genre_detail": "Science fiction/Fantasy/Tale"}),
    ({"Genre": "N/A"}, {"genre_detail": None, "genre": None}),
    ({"Genre": ""}, {"genre_detail": None, "genre": None}),
    ({"Genre": "Documentaire"}, {"genre_detail": "Documentary", "genre": "documentary"}),
    ({"Genre": "", "Purpose": "Theatrical Documentary Program"},
     {"genre": "documentary", "format": "feature", "stage": "production"}),
    ({"Genre": "Children"}, {"genre_detail": "Children", "genre": None}),
    # languages
    ({"Language": "French"}, {"language": "fr"}),
    ({"Language": "Autochtone"}, {"language": "und"}),
    ({"Language": ""}, {"language": None}),
    # programmes: stage and format
    ({"Purpose": "Development Program"}, {"stage": "development", "format": "feature"}),
    ({"Purpose": "Micro-Budget Production Program"}, {"stage": "production", "format": "feature"}),
    ({"Purpose": "Mini-treaties"}, {"stage": "production", "format": None}),
    ({"Purpose": "Marketing Program"}, {"stage": "distribution", "format": "feature"}),
    ({"Purpose": "International Marketing Program"}, {"stage": "promotion", "format": "feature"}),
    ({"Purpose": "Export Assistance Program"}, {"stage": "promotion", "format": "feature"}),
    ({"Purpose": "Promotion Program", "Genre": "N/A"},
     {"stage": "promotion", "format": None, "work_id": None}),
    ({"Purpose": "Production Program (Canada New Media Fund)", "Genre": "Games"},
     {"stage": "production", "format": "game", "genre": "other"}),
    ({"Purpose": "Development Program (Canada New Media Fund)", "Genre": "Edutainment"},
     {"stage": "development", "format": "web", "genre": "other"}),
    # places
    ({"Province": "Newfoundland/Labrad.", "City": "St. John's"},
     {"beneficiary_country_code": "CA"}),
    ({"Province": "North W. Territories", "City": "Yellowknife"},
     {"beneficiary_country_code": "CA"}),
    ({"Province": "California", "Country": "United States", "City": "Encino"},
     {"beneficiary_territory_id": "US-CA", "beneficiary_country_code": "US"}),
    ({"Province": "", "Country": "France", "City": "Paris"},
     {"beneficiary_territory_id": "FR", "beneficiary_country_code": "FR"}),
    # amounts and periods
    ({"Final Value": "2,820,000.00", "Original Value": "0.00"},
     {"amount_minor": 282000000, "original_amount_minor": None}),
    ({"Period": "2009-2010", "Date": "2009-04-02"},
     {"fiscal_year": 2009, "fiscal_period": "2009-2010"}),
    ({"Period": "", "Date": "2010-02-15"}, {"fiscal_year": 2009, "fiscal_period": None}),
])
def test_normalisation_rules(store, tmp_path, cells, expected) -> None:
    report = import_file("telefilm", write_csv(tmp_path / "t.csv", cells), store=store)
    assert report.rows_loaded == 1
    got = award(store)
    assert {k: got[k] for k in expected} == expected


def test_provinces_in_any_spelling_are_one(store, tmp_path) -> None:
    spellings = ["Newfoundland/Labrador", "Newfoundland/Labrad.", "Newfoundland and Labrador",
                 "NL", "Terre-Neuve-et-Labrador"]
    path = write_csv(tmp_path / "nl.csv",
                     *({"Province": p, "City": "Nowhere Special"} for p in spellings))
    report = import_file("telefilm", path, store=store)
    assert report.rows_loaded == len(spellings)
    assert store.frame("SELECT DISTINCT beneficiary_territory_id FROM awards")[
        "beneficiary_territory_id"].to_list() == ["CA-NL"]


def test_places_are_read_by_the_geocoder(store, tmp_path) -> None:
    """Province and Country go through the geocoder (one province table for the whole
    project): the Province cell as a province or state field, the Country cell as a country
    field, where two or three letters are an ISO country code."""
    cells = [
        {"Province": "", "Country": "DE", "City": "Berlin"},                     # 2: Germany
        {"Province": "", "Country": "CAN", "City": "Ottawa"},                    # 3: Canada
        {"Province": "NE", "Country": "United States", "City": "Omaha"},         # 4: Nebraska
        {"Province": "N.-É.", "Country": "Canada", "City": "Halifax"},           # 5: not guessed
        {"Province": "Nfld. & Labrador", "Country": "CA", "City": "Gander"},     # 6
        {"Province": "Georgia", "Country": "États-Unis", "City": "Atlanta"},     # 7: the state
        {"Province": "AND", "Country": "", "City": "x"},                         # 8: not Andorra
    ]
    report = import_file("telefilm", write_csv(tmp_path / "places.csv", *cells), store=store)
    assert report.rows_loaded == len(cells)
    got = {r: (a["beneficiary_territory_id"], a["beneficiary_country_code"])
           for r in range(2, 2 + len(cells)) for a in [award(store, r)]}
    assert got == {2: ("DE", "DE"), 3: ("CA", "CA"), 4: ("US-NE", "US"), 5: ("CA", "CA"),
                   6: ("CA-NL", "CA"), 7: ("US-GA", "US"), 8: (None, None)}
    found = problems(report)
    assert (3, "Province", "province-not-given", "warning") in found
    assert (5, "Province", "unknown-territory", "warning") in found
    assert (8, "Province", "unknown-territory", "warning") in found


def test_quebec_cities_resolve_to_municipalities(store, tmp_path) -> None:
    path = write_csv(tmp_path / "qc.csv",
                     {"City": "Montreal", "Province": "Quebec"},
                     {"City": "Montréal", "Province": "Québec"},
                     {"City": "St-Lambert", "Province": "Quebec"},
                     {"City": "Nulle-Part-Sur-Mer", "Province": "Quebec"})
    report = import_file("telefilm", path, store=store)
    assert report.rows_loaded == 4
    ids = dict(store.frame("SELECT row_number, beneficiary_territory_id FROM awards").rows())
    assert ids[2] == ids[3] and ids[2].startswith("CA-QC-M")
    assert ids[4].startswith("CA-QC-M") and ids[4] != ids[2]
    assert ids[5] == "CA-QC"
    assert (5, "City", "unknown-territory", "warning") in problems(report)
    region = store.scalar("SELECT parent_id FROM territories WHERE territory_id = ?", [ids[2]])
    assert region == "CA-QC-R06"  # Montréal is its own administrative region (06)


def test_bad_rows_are_quarantined_or_flagged(store, tmp_path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        {"Final Value": "12 mille"},                      # row 2: not a number -> quarantined
        {"Date": "2012-02-30"},                           # row 3: impossible date -> warning
        {"Purpose": "Programme Mystère"},                 # row 4: unknown programme -> warning
        {"Type": " Recoupable  Advance "},                # row 5: stray spaces -> normalised
        {"Final Value": "0.00"},                          # row 6: zero = unknown
        {"Final Value": ""},                              # row 7: empty = unknown
        {"Recipient Name": "  "},                         # row 8: no beneficiary -> quarantined
        {"Province": "0", "Country": "0", "City": "0"},   # row 9: unknown place -> warning
        {"Type": "Barter"},                               # row 10: unknown aid type -> warning
        {"Period": "2012", "Date": "2012-05-01"},         # row 11: bad period -> warning
    )
    report = import_file("telefilm", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 8, 2)
    found = problems(report)
    assert (2, "Final Value", "invalid-amount", "error") in found
    assert (3, "Date", "invalid-date", "warning") in found
    assert (4, "Purpose", "unknown-purpose", "warning") in found
    assert (6, "Final Value", "zero-as-unknown", "warning") in found
    assert (7, "Final Value", "amount-not-published", "warning") in found
    assert (8, "Recipient Name", "required", "error") in found
    assert (9, "Province", "province-not-given", "warning") in found
    assert (10, "Type", "unknown-value", "warning") in found
    assert (11, "Period", "invalid-fiscal-period", "warning") in found
    assert not any(p.row == 5 for p in report.problems)
    reasons = json.loads(store.scalar("SELECT reasons FROM quarantine WHERE row_number = 2"))
    assert [(r["field"], r["code"]) for r in reasons] == [("Final Value", "invalid-amount")]
    assert "12 mille" in reasons[0]["message"]
    purpose = next(p for p in report.problems if p.row == 4)
    assert purpose.message == (
        "Programme not recognised in column 'Purpose': 'Programme Mystère'. The award is loaded "
        "without a stage. Add the programme to the telefilm importer's stage table "
        "(docs/importers/telefilm.md) if it is legitimate.")
    assert store.frame(
        "SELECT row_number FROM quarantine ORDER BY 1")["row_number"].to_list() == [2, 8]
    assert award(store, 3)["decision_date"] is None
    assert award(store, 4)["stage"] is None
    assert award(store, 5)["aid_type"] == "repayable_advance"
    assert award(store, 6)["amount_minor"] is None and award(store, 7)["amount_minor"] is None
    assert award(store, 9)["beneficiary_territory_id"] is None
    assert (award(store, 10)["aid_type"], award(store, 10)["aid_type_raw"]) == (None, "Barter")
    assert award(store, 11)["fiscal_year"] == 2012


def test_latin1_file_with_semicolons(store, tmp_path) -> None:
    path = write_csv(tmp_path / "latin1.csv",
                     {"Recipient Name": "Productions Été Ltée", "City": "Montréal",
                      "Province": "Québec", "Title": "Soeur Marie-Thérèse", "Language": "French",
                      "Type": "Avance", "Final Value": "35386.00"},
                     delimiter=";", encoding="latin-1")
    report = import_file("telefilm", path, store=store)
    assert (report.rows_loaded, report.delimiter) == (1, "semicolon")
    assert report.encoding != "utf-8"
    got = award(store)
    assert (got["project_title"], got["amount_minor"], got["aid_type"]) == (
        "Soeur Marie-Thérèse", 3538600, "repayable_advance")
    assert got["beneficiary_territory_id"].startswith("CA-QC-M")
    org = store.frame("SELECT name, kind FROM organisations WHERE NOT is_funder").row(0)
    assert org == ("Productions Été Ltée", "company")


def test_entities_are_deduplicated(store, tmp_path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        {"Title": "Con Artist, The", "Purpose": "Development Program"},
        {"Title": "The Con Artist", "Purpose": "development  program",
         "Recipient Name": "FILMS A INC."},
        {"Title": "Festival X 2012", "Purpose": "Promotion Program",
         "Recipient Name": "Festival X Society"},
        {"Title": "Wild Medicine", "Recipient Name": "Jones, Adam Garnet"},
    )
    import_file("telefilm", path, store=store)
    assert store.count("schemes") == 3
    assert store.frame("SELECT title_key FROM works ORDER BY 1")["title_key"].to_list() == [
        "the con artist", "wild medicine"]
    kinds = dict(store.frame("SELECT name, kind FROM organisations").rows())
    assert kinds == {"Telefilm Canada": "public_body", "Films A Inc.": "company",
                     "Festival X Society": "association", "Jones, Adam Garnet": "individual"}
    assert store.count("awards", "work_id IS NULL") == 1


def test_comments_are_never_stored(store, tmp_path) -> None:
    path = write_csv(tmp_path / "c.csv",
                     {"Comments": "Call Jane at 514-555-1234", "Final Value": "x"})
    import_file("telefilm", path, store=store)
    content = json.loads(store.scalar("SELECT content FROM quarantine"))
    assert "Comments" not in content and content["Final Value"] == "x"
