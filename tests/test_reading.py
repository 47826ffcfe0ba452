"""Readers: encodings, delimiters, headers, row numbers, malformed records, spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(("delimiter", "name"),
                         [(",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
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
    assert frames[0].rows() == [(3, 3, "Films A", "1500.5", "2021-03-04"),
                                (5, 5, "Films B", "200", "04/03/2021")]
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
    assert path.read_text(encoding=MIXED).splitlines() == ["titre;montant", "Société;1",
                                                           "Été « 2 »;2"]
    # a file with no UTF-8 sequence at all is plain Windows-1252, as before
    path.write_bytes("titre\nÉté\n".encode("cp1252"))
    assert inspect_file(path).encoding == "cp1252"


# -- invisible characters ---------------------------------------------------------------------


def test_invisible_characters_are_removed_with_a_warning_naming_row_and_column(
        tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("id,title\u200b\n"
                    "1,Café \u202eevil\n"            # right-to-left override
                    "2,ok 🎬\u00a0x\u200dy\n"         # emoji, nbsp and zero-width joiner kept
                    "3,\ufeffTitre\n"                 # a byte-order mark inside a cell
                    "4,a\x07b\x85c\n"                 # a C0 bell, a C1 next-line
                    "5,x\u2066y\u2069,extra\n", encoding="utf-8")
    table, frames, malformed, notes = read_all(path)
    assert table.labels == ["id", "title"]
    assert [n.message for n in table.notes] == [
        "The header label 'title': 1 invisible character removed (U+200B zero width space)."]
    assert frames[0]["title"].to_list() == ["Café evil", "ok 🎬\u00a0x\u200dy", "Titre", "ab c"]
    assert sorted((n.row, n.field, n.code, n.severity, n.value) for n in notes) == [
        (2, "title", "invisible-character", "warning", "Café <U+202E>evil"),
        (4, "title", "invisible-character", "warning", "<U+FEFF>Titre"),
        (5, "title", "invisible-character", "warning", "a<U+0007>b<U+0085>c"),
        (6, "title", "invisible-character", "warning", "x<U+2066>y<U+2069>"),
    ]
    assert next(n.message for n in notes if n.row == 2) == (
        "Row 2, column 'title': 1 invisible character removed (U+202E right-to-left override).")
    assert [(m[0].row, m[0].code, m[2]) for m in malformed] == [
        (6, "wrong-field-count", '{"cells": ["5", "xy", "extra"]}')]


def test_invisible_characters_in_a_spreadsheet_are_removed_too(tmp_path: Path) -> None:
    path = tmp_path / "i.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.active.append(["x\u200by", "\u202eok"])
    book.save(path)
    _, frames, _, notes = read_all(path)
    assert frames[0].select("a", "b").row(0) == ("xy", "ok")
    assert sorted((n.row, n.field) for n in notes) == [(2, "a"), (2, "b")]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
       st.lists(st.sampled_from("\x00\x01\x1b\x7f\x9b\u061c\u200b\u200e\u200f\u202a\u202e"
                                "\u2060\u2066\u2069\ufeff"), max_size=5),
       st.integers(min_value=0))
def test_cleaning_removes_exactly_the_invisible_characters(text, invisible, seed) -> None:
    from cineatlas.reading.cleaning import INVISIBLE, clean_text

    visible = re.sub(INVISIBLE, "", text)
    cell = list(visible)
    for i, char in enumerate(invisible):
        cell.insert((seed + i * 7) % (len(cell) + 1), char)
    assert clean_text("".join(cell)) == visible
    assert clean_text(visible) == visible  # letters, accents, spaces and emoji are kept


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                        max_size=12), min_size=1, max_size=8))
def test_the_vectorised_cleaning_equals_the_per_cell_one(cells) -> None:
    import polars as pl

    from cineatlas.reading.cleaning import INVISIBLE, clean_frame, clean_text

    frame = pl.DataFrame({"_row": list(range(2, len(cells) + 2)), "c": cells})
    cleaned, notes = clean_frame(frame, "_row", ["c"])
    assert cleaned["c"].to_list() == [clean_text(c) for c in cells]
    assert [n.row for n in notes] == [r for r, c in enumerate(cells, 2) if re.search(INVISIBLE, c)]


# -- NUL bytes ----------------------------------------------------------------------------------


def test_a_few_stray_nuls_in_utf8_text_are_removed_with_warnings(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    data = b"a,b\n1,x\x00y\n2,ok\n3,\x00z\n"
    path.write_bytes(data)
    table, frames, _, notes = read_all(path)
    assert frames[0]["b"].to_list() == ["xy", "ok", "z"]
    assert [(n.code, n.row) for n in table.notes] == [("stray-nul", None)]
    assert f"2 NUL bytes (the first on line 2, byte {data.index(0)})" in table.notes[0].message
    assert sorted((n.row, n.code) for n in notes) == [(2, "invisible-character"),
                                                      (4, "invisible-character")]


def test_many_nuls_refuse_the_file_saying_where(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    data = b"a,b\n1,2\n" + b"\x00" * 20 + b"\n"
    path.write_bytes(data)
    with pytest.raises(FileError) as error:
        open_table(path)
    assert error.value.code == "binary-file"
    assert "it holds 20 NUL bytes, the first on line 3 at byte 8" in str(error.value)


# -- options, through the Python API ------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"delimiter": "abc"}, "--option delimiter='abc': it has 3 characters"),
    ({"delimiter": ""}, "--option delimiter='': it is empty"),
    ({"encoding": "klingon"}, "--option encoding='klingon': no such encoding"),
    ({"encoding": "utf-16"}, "cannot be decoded as utf-16 (UTF-16 stream does not start with BOM)"),
    ({"sheet": ""}, "is a CSV file: --option sheet applies to spreadsheets only"),
])
def test_bad_options_raise_a_file_error(tmp_path: Path, kwargs, expected) -> None:
    path = tmp_path / "o.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FileError) as error:
        open_table(path, **kwargs)
    assert expected in str(error.value)


@pytest.mark.parametrize("name", ["tab", "\\t", "TAB"])
def test_a_delimiter_may_be_named(tmp_path: Path, name: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a\tb\n1\t2\n")
    assert open_table(path, delimiter=name).delimiter == "\t"


def test_import_file_refuses_an_option_that_does_not_apply(tmp_path: Path) -> None:
    from cineatlas.ingest import import_file

    path = tmp_path / "o.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.save(path)
    with pytest.raises(FileError, match="is a spreadsheet: --option encoding applies to CSV"):
        import_file("telefilm", path, db=tmp_path / "s.duckdb", options={"encoding": "utf-8"})


def test_a_mapping_file_s_reading_options_are_checked_by_the_same_rules(tmp_path: Path) -> None:
    from cineatlas.errors import MappingError
    from cineatlas.importers.generic import load_mapping

    path = tmp_path / "m.toml"
    path.write_text('[columns]\nbeneficiary = "Société"\namount = "Montant"\n[constants]\n'
                    'currency = "EUR"\n[options]\ndelimiter = "abc"\nencoding = "klingon"\n',
                    encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert "options.delimiter: 'abc': it has 3 characters. Accepted: one character" in str(
        caught.value)
    assert "options.encoding: 'klingon': no such encoding. Accepted: a text encoding" in str(
        caught.value)
    path.write_text(path.read_text().replace('"abc"', '"tab"').replace('"klingon"', '"cp1252"'))
    assert load_mapping(path).options == {"delimiter": "\t", "encoding": "cp1252"}
