"""Recovering SCDL rows whose cells an unquoted delimiter split, and tables saved inside
another table: hand-made files and generated rows (Hypothesis)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cineatlas import Store, import_file
from cineatlas.importers import scdl
from cineatlas.importers.scdl.cells import rejoin, slot_of
from cineatlas.samples import luhn_complete

FUNDER = luhn_complete("2244000280001")
BENEFICIARY = luhn_complete("5249912050001")
HEADER = list(scdl.ORDER[scdl.V2_1_1])
SPECS = {spec.name: spec for spec in scdl.fields(scdl.V2_1_1)}
SLOTS = [slot_of(name, SPECS[name]) for name in HEADER]


def row(**cells: str) -> dict[str, str]:
    base = {
        "nomAttribuant": "Département de Loire-Atlantique", "idAttribuant": FUNDER,
        "dateConvention": "2018-03-22", "referenceDecision": "I-A 4",
        "nomBeneficiaire": "Cinéma Le Hublot", "idBeneficiaire": BENEFICIARY,
        "rnaBeneficiaire": "", "objet": "Fonctionnement", "montant": "1500.00",
        "nature": "aide en numéraire", "conditionsVersement": "unique",
        "datesPeriodeVersement": "2018-04-01", "idRAE": "", "notificationUE": "non",
        "pourcentageSubvention": "1", "dispositifAide": "",
    }
    return {**base, **cells}


def unquoted(path: Path, rows: list[dict[str, str]], *, delimiter: str = ",",
             end: str = "") -> Path:
    """A file written as careless tools write it: cells never quoted."""
    lines = [delimiter.join(HEADER) + end] + [delimiter.join(r[n] for n in HEADER) + end
                                              for r in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture
def db(store: Store) -> Store:
    return store


def test_split_amounts_and_texts_are_joined_back_with_a_warning(db, tmp_path) -> None:
    rows = [
        row(montant="100 000,00"),
        row(objet="Achat de matériel, bineuse, herse", montant="24 057,69"),
        row(nomBeneficiaire="Autrefois Challans, la Foire", conditionsVersement="Le solde, soit "
            "50 %, à la fin", montant="72000"),
        row(montant="1500.50"),  # nothing to recover
    ]
    report = import_file("scdl", unquoted(tmp_path / "f.csv", rows), store=db)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 4, 0)
    found = {(p.row, p.field, p.code) for p in report.problems
             if p.code in ("split-number", "split-text")}
    assert found == {
        (2, "montant", "split-number"), (3, "montant", "split-number"),
        (3, "objet", "split-text"), (4, "nomBeneficiaire", "split-text"),
        (4, "conditionsVersement", "split-text"),
    }
    message = next(p.message for p in report.problems if p.code == "split-number")
    assert message == (
        "Row 2: the number '100 000,00' in column 'montant' was split by its unquoted decimal "
        "comma into '100 000' + '00'; they were joined back. Quote such cells, or write numbers "
        "with a decimal point."
    )
    got = db.frame("SELECT a.row_number, a.amount_minor, a.project_title, b.name FROM awards a "
                   "JOIN organisations b ON b.organisation_id = a.beneficiary_id "
                   "ORDER BY 1").rows()
    assert got == [
        (2, 10_000_000, "Fonctionnement", "Cinéma Le Hublot"),
        (3, 2_405_769, "Achat de matériel, bineuse, herse", "Cinéma Le Hublot"),
        (4, 7_200_000, "Fonctionnement", "Autrefois Challans, la Foire"),
        (5, 150_050, "Fonctionnement", "Cinéma Le Hublot"),
    ]


def test_a_row_that_lines_up_several_ways_or_none_is_quarantined(db, tmp_path) -> None:
    rows = [
        # ', Studio Ouest' could end the decision's reference or start the beneficiary's name
        row(referenceDecision="Délibération 12", nomBeneficiaire=" Studio Ouest, Tournage"),
        # a SIRET split by a comma cannot be joined: no way fits
        row(idBeneficiaire="524991205,00017"),
        row(),
    ]
    report = import_file("scdl", unquoted(tmp_path / "f.csv", rows), store=db)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 1, 2)
    messages = {p.row: p.message for p in report.problems if p.code == "wrong-field-count"}
    assert "several ways of joining adjacent cells fit" in messages[2]
    assert "no way of joining adjacent cells gives every column a value it accepts" in messages[3]
    assert messages[2].startswith("Row 2 has 17 cells where the header has 16, and they cannot "
                                  "be lined up with the columns with certainty")
    assert db.count("quarantine") == 2


def test_a_table_saved_inside_the_first_column_of_another_is_read_back(db, tmp_path) -> None:
    """A comma-separated file opened by a spreadsheet that splits on semicolons and saved
    again: three semicolon cells, the first holding the comma-separated line (quoted when it
    holds quotes), the others the text after a semicolon, or empty."""
    inner = [",".join(HEADER)]
    inner.append(",".join(row(montant="28 000,00", conditionsVersement="Acompte; solde à la "
                              "fin").values()))
    inner.append(",".join(row(objet='Festival "Les Nuits"', montant="39 000,00").values()))
    outer = []
    for line in inner:
        cells = line.split(";")
        cells = [f'"{c.replace(chr(34), chr(34) * 2)}"' if '"' in c else c for c in cells]
        outer.append(";".join(cells + [""] * (3 - len(cells))))
    path = tmp_path / "wrapped.csv"
    path.write_text("\r\n".join(outer) + "\r\n", encoding="cp1252")
    report = import_file("scdl", path, store=db)
    assert (report.rows_loaded, report.rows_quarantined, report.delimiter) == (2, 0, "comma")
    assert [p.code for p in report.problems if p.row is None].count("wrapped-table") == 1
    assert db.frame("SELECT amount_minor, project_title FROM awards ORDER BY row_number").rows(
    ) == [(2_800_000, "Fonctionnement"), (3_900_000, 'Festival "Les Nuits"')]


def test_the_delimiter_is_the_one_that_gives_the_standard_labels(db, tmp_path) -> None:
    """A header ending with ';;' has more semicolons than some lines: the file is still
    comma-separated, for commas split the header into the standard's labels."""
    path = unquoted(tmp_path / "f.csv", [row(), row(objet="Fonctionnement 2018")], end=";;")
    report = import_file("scdl", path, store=db)
    assert report.delimiter == "comma" and report.rows_loaded == 2


# -- generated rows ------------------------------------------------------------------------------

_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéè'", min_size=1, max_size=8)
#: A text whose commas are followed by a space, as in prose.
prose = st.lists(_words, min_size=1, max_size=4).map(", ".join)
amount = st.tuples(st.integers(0, 9_999_999), st.integers(0, 99))


def french(units: int, decimals: int) -> str:
    return f"{units:,}".replace(",", " ") + f",{decimals:02d}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=prose, objet=prose, conditions=prose, money=amount)
def test_rejoin_finds_the_one_way_back(name, objet, conditions, money) -> None:
    """Whatever the commas of the texts (followed by a space) and of the amount, the cells of
    an unquoted line are lined up in one way only: the row as written."""
    cells = row(nomBeneficiaire=name, objet=objet, conditionsVersement=conditions,
                montant=french(*money))
    written = [cells[n] for n in HEADER]
    split = ",".join(written).split(",")
    found = rejoin(split, SLOTS, ",")
    assert len(found) == 1
    assert found[0][0] == written
    assert Decimal(found[0][0][HEADER.index("montant")].replace(" ", "").replace(",", ".")) == (
        Decimal(money[0]) + Decimal(money[1]) / 100)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(amount, min_size=1, max_size=5))
def test_generated_files_load_their_exact_amounts(tmp_path_factory, territories_store,
                                                  amounts) -> None:
    import shutil

    folder = tmp_path_factory.mktemp("generated")
    shutil.copy(territories_store, folder / "s.duckdb")
    path = unquoted(folder / "f.csv", [row(montant=french(*m)) for m in amounts])
    with Store(folder / "s.duckdb") as store:
        report = import_file("scdl", path, store=store)
        total = store.scalar("SELECT sum(amount_minor) FROM awards")
    assert report.rows_loaded == len(amounts)
    assert total == sum(units * 100 + cents for units, cents in amounts)


def test_rows_with_fewer_cells_are_never_padded(db, tmp_path) -> None:
    path = tmp_path / "short.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(list(row().values()))
        writer.writerow(list(row().values())[:10])
    report = import_file("scdl", path, store=db)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert [p.code for p in report.problems if p.severity == "error"] == ["wrong-field-count"]
