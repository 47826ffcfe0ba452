"""Readers: encodings, delimiters, headers, row numbers, malformed records, spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cineatlas.errors import FileError
from cineatlas.reading import open_table
from cineatlas.reading.table import MAX_CELL


def read_all(path: Path, **kwargs):
    table = open_table(path, **kwargs)
    batches = list(table.batches())
    frames = [b.frame for b in batches]
    malformed = [m for b in batches for m in b.malformed]
    notes = [n for b in batches for n in b.notes]
    return table, frames, malformed, notes


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiters_are_detected(tmp_path: Path, delimiter: str, name: str) -> None:
    path = tmp_path / "d.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([["a", "b", "c"], ["1", "2,5", "x"]])
    table, frames, _, _ = read_all(path)
    assert table.delimiter == delimiter
    assert table.columns == ["a", "b", "c"]
    assert frames[0].select("a", "b", "c").row(0) == ("1", "2,5", "x")


def test_rows_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n4,y,extra\n5,"unclosed\n')
    table, frames, malformed, _ = read_all(path)
    frame = frames[0]
    assert frame["_row"].to_list() == [2, 5, 7]
    assert frame["_line"].to_list() == [3, 5, 7]
    assert frame["b"].to_list() == ["two\nlines", "x", "unclosed\n"]
    assert [(m[0].row, m[0].code) for m in malformed] == [(6, "wrong-field-count")]


def test_an_unclosed_quote_does_not_swallow_the_following_rows(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('a,b\n1,ok\n2,"never closed\n3,x\n4,y\n5,z\n')
    _, frames, malformed, _ = read_all(path)
    assert frames[0]["_row"].to_list() == [2, 4, 5, 6]
    assert frames[0]["a"].to_list() == ["1", "3", "4", "5"]
    assert frames[0]["b"].to_list() == ["ok", "x", "y", "z"]
    assert [(m[0].row, m[0].code) for m in malformed] == [(3, "unclosed-quote")]


def test_stray_quotes_that_pair_up_are_flagged(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('a,b\n1,"stray\n2,x\n3,y"\n4,"a real\nmulti-line cell"\n')
    _, frames, malformed, notes = read_all(path)
    assert frames[0]["_row"].to_list() == [2, 5]
    assert [(n.row, n.field, n.code) for n in notes] == [(2, "b", "rows-in-cell")]


def test_header_labels_are_trimmed_and_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes("\ufeff Nom ;Montant;Nom;\n a;1;b;c\n".encode())
    table, frames, _, _ = read_all(path)
    assert table.encoding == "utf-8-sig"
    assert table.labels == ["Nom", "Montant", "Nom", ""]
    assert table.columns == ["Nom", "Montant", "Nom (2)", "column 4"]
    assert [n.code for n in table.notes] == ["duplicate-label"]
    assert frames[0].row(0)[2:] == (" a", "1", "b", "c")


def test_encodings(tmp_path: Path) -> None:
    text = "nom;ville\nÉlodie;Montréal\n"
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "cp1252": "cp1252"}
    for encoding, detected in expected.items():
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        table, frames, _, _ = read_all(path)
        assert table.encoding == detected
        assert frames[0]["ville"].to_list() == ["Montréal"], encoding
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("nom;code\nA\x81;1\n".encode("latin-1"))  # 0x81 is undefined in CP1252
    assert open_table(latin1).encoding == "latin-1"


def test_an_explicit_wrong_encoding_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("a,b\nÉ,1\n".encode("cp1252"))
    with pytest.raises(FileError, match="cannot be decoded as utf-8") as caught:
        open_table(path, encoding="utf-8")
    assert caught.value.code == "wrong-encoding"


def test_long_cells_are_cut_with_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("a,b\n" + "x" * (MAX_CELL + 10) + ",1\n")
    _, frames, _, notes = read_all(path)
    assert len(frames[0]["a"][0]) == MAX_CELL
    assert [(n.row, n.field, n.code) for n in notes] == [(2, "a", "too-long")]


def test_batches_cover_every_row(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(2_500)))
    table = open_table(path, batch_size=1_000)
    sizes = [b.frame.height for b in table.batches()]
    assert sizes == [1_000, 1_000, 500]


def test_spreadsheets_keep_their_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["Bénéficiaire", "Montant", "Date"])
    sheet.append(["Films A", 1500.5, dt.datetime(2021, 3, 4)])
    sheet.append([None, None, None])
    sheet.append(["Films B", 200, "04/03/2021"])
    book.create_sheet("Autre")
    book.save(path)
    table, frames, malformed, _ = read_all(path)
    assert table.columns == ["Bénéficiaire", "Montant", "Date"]
    assert frames[0].rows() == [(3, 3, "Films A", "1500.5", "2021-03-04"), (5, 5, "Films B", "200", "04/03/2021")]
    assert not malformed
    with pytest.raises(FileError, match="has no sheet named 'Nope'"):
        open_table(path, sheet="Nope")
    with pytest.raises(FileError, match="has an empty sheet"):
        open_table(path, sheet="Autre")


def test_a_corrupt_spreadsheet_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileError, match="cannot be read as a spreadsheet") as caught:
        open_table(path)
    assert caught.value.code == "bad-spreadsheet"


def test_a_utf8_file_with_one_windows_1252_line_keeps_both_right(tmp_path) -> None:
    from cineatlas.reading.encoding import MIXED, inspect_file

    path = tmp_path / "mixed.csv"
    path.write_bytes("titre;montant\nSociété;1\n".encode() + "Été « 2 »;2\n".encode("cp1252"))
    assert inspect_file(path).encoding == MIXED
    assert path.read_text(encoding=MIXED).splitlines() == ["titre;montant", "Société;1", "Été « 2 »;2"]
    # a file with no UTF-8 sequence at all is plain Windows-1252, as before
    path.write_bytes("titre\nÉté\n".encode("cp1252"))
    assert inspect_file(path).encoding == "cp1252"
