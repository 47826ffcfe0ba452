"""Reading through the real command line, in a subprocess. Files and options refused: one
message saying what, where and what to do, a non-zero exit, no traceback, the store
unchanged. Cells cleaned or refused: a problem naming row, field and what was found."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

SRC = Path(__file__).parents[1] / "src"
HEADER = ("Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
          "Final Value,Original Value,Type,Purpose,Comments")
ROWS = [
    "2017-2018,P1,Nordic Films Inc.,Montréal,Quebec,Canada,Mostly Sunny,English,Documentary,"
    "2017-05-03,195000.00,195000.00,Recoupable Advance,Production Program,",
    "2017-2018,P2,Cité-Amérique Inc.,Montreal,Quebec,Canada,Soeur,French,Comedy,2017-08-03,"
    "35386.00,17200.00,Recoupable Advance,Development Program,",
]


def cineatlas(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `cineatlas ARGS` as a user would, with this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "300", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from cineatlas.cli import main; main()", *map(str, args)],
        capture_output=True, text=True, env=env, timeout=120,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one Telefilm import (2 rows)."""
    folder = tmp_path_factory.mktemp("refusals")
    good = folder / "good.csv"
    good.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    db = folder / "atlas.duckdb"
    done = cineatlas("import", "telefilm", good, "--db", db)
    assert done.returncode == 0, done.stderr
    return db


def refused(store: Path, file: Path, *options: str) -> str:
    """Import `file` with `options` into a copy of the store: assert it is refused cleanly
    and return the message (stderr and stdout, joined on one line)."""
    before = digest(store)
    done = cineatlas("import", "telefilm", file, "--db", store, *options)
    text = " ".join((done.stderr + done.stdout).split())
    assert done.returncode == 1, text
    assert "Traceback" not in text and 'File "' not in text, text
    assert digest(store) == before
    return text


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "contributions.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("option", "expected"), [
    ("delimiter=abc", "--option delimiter='abc': it has 3 characters. Accepted: one character"),
    ("delimiter=", "--option delimiter='': it is empty. Accepted: one character"),
    ('delimiter="', "a quote, a space or a line break cannot separate cells"),
    ("encoding=klingon", "--option encoding='klingon': no such encoding. Accepted: a text "
                         "encoding such as utf-8"),
    ("encoding=base64", "--option encoding='base64': it is not a text encoding"),
    ("encoding=", "--option encoding='': it is empty"),
    ("sheet=", "is a CSV file: --option sheet applies to spreadsheets only and would be ignored"),
    ("sheet=Data", "Remove --option sheet (options for a CSV file: delimiter, encoding)"),
    ("colour=red", "The telefilm importer has no option 'colour'. Its options are: delimiter, "
                   "encoding, sheet."),
])
def test_bad_options_are_refused_naming_option_value_and_accepted_values(
        store: Path, csv_file: Path, option: str, expected: str) -> None:
    assert expected in refused(store, csv_file, "-o", option)


def test_utf16_without_bom_is_refused_saying_what_was_detected(store: Path, csv_file: Path) -> None:
    message = refused(store, csv_file, "-o", "encoding=utf-16")
    assert "cannot be decoded as utf-16 (UTF-16 stream does not start with BOM)" in message
    assert "leave --option encoding out (cineatlas reads this file as UTF-8)" in message


def test_a_wrong_encoding_names_the_byte_and_line(store: Path, csv_file: Path) -> None:
    data = csv_file.read_bytes()
    offset = data.index("é".encode())  # the first non-ASCII byte: Montréal, line 2
    assert data[:offset].count(b"\n") + 1 == 2
    message = refused(store, csv_file, "-o", "encoding=ascii")
    assert f"cannot be decoded as ascii (byte {offset} (line 2)" in message


def test_a_delimiter_given_that_does_not_split_the_header(store: Path, csv_file: Path) -> None:
    message = refused(store, csv_file, "-o", "delimiter=;")
    assert "has a single column 'Period,Quarter" in message
    assert "when split by the delimiter given, semicolon" in message
    assert ("Leave --option delimiter out to let cineatlas detect it (its header is split by "
            "comma)") in message


def test_utf16_without_bom_is_read_when_its_encoding_is_given(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(("\n".join([HEADER, *ROWS]) + "\n").encode("utf-16-le"))
    message = refused(store, path)
    assert "looks like UTF-16-LE text without a byte-order mark" in message
    assert "Give its encoding with --option encoding=utf-16-le" in message
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store.read_bytes())
    done = cineatlas("import", "telefilm", path, "--db", copy, "-o", "encoding=utf-16-le", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["encoding"], report["rows_read"], report["rows_loaded"]) == ("utf-16-le", 2, 2)


def test_nul_bytes_in_a_binary_file_are_located(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "binary.csv"
    lines = [HEADER.encode(), ROWS[0].encode(), b"\x00\x01\x02\xff" * 40]
    data = b"\n".join(lines)
    path.write_bytes(data)
    message = refused(store, path)
    offset = data.index(b"\x00")
    assert (f"is not a text file: it holds 40 NUL bytes, the first on line 3 at byte "
            f"{offset:,}") in message
    assert "save it as CSV UTF-8" in message


def test_a_sheet_of_notes_names_the_sheets_and_the_option(tmp_path: Path, store: Path) -> None:
    path = tmp_path / "workbook.xlsx"
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    for line in ("About this file", "Published by Telefilm Canada", None, "See the website"):
        notes.append([line])
    data = book.create_sheet("Contributions 2017")
    for line in (HEADER, *ROWS):
        data.append(line.split(","))
    book.create_sheet("Empty")
    book.save(path)
    message = refused(store, path)
    assert ("has no header row with the columns the telefilm importer needs ('Recipient Name', "
            "'Title', 'Final Value', 'Type', 'Purpose') in its sheet 'Notes', whose first row "
            "holds 'About this file'") in message
    assert ("Its sheets: 'Notes' (no such header in its first 30 rows); 'Contributions 2017' "
            "(header on row 1: looks like the data); 'Empty' (empty)") in message
    assert "Choose the sheet of the data with --option sheet='Contributions 2017'" in message
    assert "delimiter" not in message
    assert "applies to CSV files only" in refused(store, path, "-o", "delimiter=;")


def test_currency_dates_and_invisible_characters_in_a_telefilm_file(tmp_path: Path) -> None:
    year = dt.date.today().year
    path = tmp_path / "tf.csv"
    rows = [
        ROWS[0].replace("195000.00,195000.00", "1 000 €,195000.00"),           # row 2
        ROWS[1].replace("2017-08-03", "2044-08-03"),                           # row 3
        ROWS[1].replace("Soeur", "Soeur\u202eevil").replace("P2", "P3"),      # row 4
        ROWS[1].replace("2017-08-03", "9999-12-31").replace("P2", "P4"),      # row 5
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    done = cineatlas("import", "telefilm", path, "--db", tmp_path / "s.duckdb", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (4, 3, 1)
    found = {(p["row"], p["field"], p["code"], p["severity"]): p["message"]
             for p in report["problems"]}
    assert found[(2, "Final Value", "currency-mismatch", "error")] == (
        "Amount in another currency in column 'Final Value': '1 000 €' (written in EUR, where "
        "this source's amounts are in CAD). Amounts are stored exactly in the source's "
        "currency, never converted: correct the amount, or import the rows in that currency as "
        "a source of their own.")
    assert year + 1 < 2044
    for row, value in ((3, "2044-08-03"), (5, "9999-12-31")):
        assert found[(row, "Date", "implausible-date", "warning")].startswith(
            f"Implausible date in column 'Date': '{value}' (the year of a date must be between "
            f"1960 and {year + 1})")
    assert found[(4, "Title", "invisible-character", "warning")] == (
        "Row 4, column 'Title': 1 invisible character removed (U+202E right-to-left override).")
