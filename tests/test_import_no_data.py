"""A file with no data row never replaces a source's rows (issue 10, point 3).

A header alone, or a header followed only by blank lines and rows of empty cells, is refused
with one message naming the file, and the store is left as it was, for every importer, through
the Python API and the real `cineatlas` command. `allow_empty=True` / `--allow-empty` replaces
the source's rows with nothing, and the report says so. A file whose every row is quarantined
still replaces the source, but the report says loudly that the source now holds no row.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import toy_importer  # noqa: F401  (registers the 'toy' importer)
from cli_runner import run_cli
from test_importer_generic import EXAMPLE, HEADER, ROWS

from cineatlas import FileError, Store, import_file

SRC = Path(__file__).parents[1] / "src"
CINEATLAS = Path(sys.executable).parent / "cineatlas"

#: importer -> (real file, delimiter, options)
REAL = {
    "telefilm": ("telefilm/telefilm-contributions-2009-2018.csv", ",", {}),
    "cnc-cinemas": ("cnc/etablissements-cinematographiques-2022.csv", ";", {}),
    "festivals": ("festivals/festivals-global-festivals-_-pl.csv", ";", {}),
    "scdl": ("scdl/exemple_valide.csv", ",", {}),
    "generic": (None, ";", {"mapping": str(EXAMPLE)}),
}


def real_records(importer: str, shared_data, n: int = 6) -> tuple[list[str], list[list[str]], str]:
    """(header, first n data records, delimiter) of the importer's real file (the generic
    importer: the hand-made Region list of its tests)."""
    relpath, delimiter, _ = REAL[importer]
    if relpath is None:
        return HEADER, ROWS[:n], delimiter
    with shared_data(relpath).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader)
        return header, [next(reader) for _ in range(n)], delimiter


def write_records(path: Path, header: list[str], rows: list[list[str]], delimiter: str,
                  tail: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue() + tail, encoding="utf-8")
    return path


def good_and_empty(importer: str, shared_data, tmp_path: Path) -> tuple[Path, Path]:
    """A file of real rows and a file of the same name (so the same source id) holding only
    its header."""
    header, rows, delimiter = real_records(importer, shared_data)
    good = write_records(tmp_path / "first" / "list.csv", header, rows, delimiter)
    empty = write_records(tmp_path / "second" / "list.csv", header, [], delimiter)
    return good, empty


def loaded_rows(store: Store, source_id: str) -> int:
    """Rows the source owns in the tables importers write (quarantine excluded)."""
    tables = ("awards", "venues", "festivals", "organisations", "works", "schemes")
    return sum(store.count(t, "source_id = ?", [source_id]) for t in tables)


@pytest.mark.parametrize("importer", list(REAL))
def test_a_header_only_file_is_refused_and_changes_nothing(importer, store, shared_data,
                                                           tmp_path) -> None:
    options = REAL[importer][2]
    good, empty = good_and_empty(importer, shared_data, tmp_path)
    first = import_file(importer, good, store=store, options=options)
    assert first.rows_loaded > 0
    source_id = first.source_id
    before = store.checksum()
    held = loaded_rows(store, source_id)
    with pytest.raises(FileError) as caught:
        import_file(importer, empty, store=store, options=options)
    message = str(caught.value)
    assert caught.value.code == "no-data-row"
    assert str(empty) in message and "no data row" in message
    assert f"keeps the {first.rows_loaded:,} rows" in message and "allow_empty" in message
    assert store.checksum() == before
    assert loaded_rows(store, source_id) == held

    allowed = import_file(importer, empty, store=store, options=options, allow_empty=True)
    assert allowed.status == "replaced"
    assert (allowed.rows_read, allowed.rows_loaded, allowed.rows_quarantined) == (0, 0, 0)
    assert allowed.notices == [
        f"list.csv has no data row: source {source_id} now holds no row (allowed by "
        f"--allow-empty). The previous import had {first.rows_loaded:,} rows loaded."]
    assert loaded_rows(store, source_id) == 0
    assert store.source(source_id)["rows_read"] == 0


@pytest.mark.parametrize("importer", list(REAL))
def test_the_command_refuses_a_header_only_file(importer, territories_store, shared_data,
                                                tmp_path) -> None:
    options = REAL[importer][2]
    db = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, db)
    good, empty = good_and_empty(importer, shared_data, tmp_path)
    with Store(db) as store:
        first = import_file(importer, good, store=store, options=options)
        before = store.checksum()
    args = [str(CINEATLAS), "import", importer, str(empty), "--db", str(db)]
    args += [a for key, value in options.items() for a in ("-o", f"{key}={value}")]
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    refused = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600,
                             check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"{empty}: has a header but no data row" in refused.stderr
    assert f"keeps the {first.rows_loaded:,} rows" in refused.stderr
    assert "--allow-empty" in refused.stderr
    with Store(db) as store:
        assert store.checksum() == before

    allowed = subprocess.run([*args, "--allow-empty"], capture_output=True, text=True, env=env,
                             timeout=600, check=False)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "replaced the previous import" in allowed.stdout
    assert "no data row" in allowed.stdout and "now holds no row" in allowed.stdout
    with Store(db) as store:
        assert loaded_rows(store, first.source_id) == 0


def test_blank_lines_and_empty_rows_are_no_data(tmp_path) -> None:
    db = tmp_path / "atlas.duckdb"
    import_file("toy", write_records(tmp_path / "a" / "l.csv", ["beneficiary", "amount"],
                                     [["Films A", "10"]], ","), db=db)
    with Store(db) as store:
        before = store.checksum()
    blank = tmp_path / "b" / "l.csv"
    blank.parent.mkdir()
    blank.write_text("beneficiary,amount\n\n,\n  \n\n,\n", encoding="utf-8")
    with pytest.raises(FileError, match=r"has a header but no data row \(3 rows of empty cells\)"):
        import_file("toy", blank, db=db)
    with Store(db) as store:
        assert store.checksum() == before
        assert store.count("awards", "source_id = 'toy:l'") == 1


def test_a_first_import_of_a_header_only_file_is_refused_too(tmp_path) -> None:
    db = tmp_path / "atlas.duckdb"
    Store(db).close()
    with Store(db) as store:
        before = store.checksum()
    empty = write_records(tmp_path / "new.csv", ["beneficiary", "amount"], [], ",")
    with pytest.raises(FileError) as caught:
        import_file("toy", empty, db=db)
    assert "no data row" in str(caught.value) and "Check that this is the right file" in str(
        caught.value)
    with Store(db) as store:
        assert store.checksum() == before and store.source("toy:new") is None
    report = import_file("toy", empty, db=db, allow_empty=True)
    assert report.status == "loaded" and report.rows_read == 0
    assert report.notices == [
        "new.csv has no data row: source toy:new now holds no row (allowed by --allow-empty)."]
    with Store(db) as store:
        assert store.source("toy:new")["rows_loaded"] == 0


def test_a_file_whose_every_row_is_quarantined_says_so_loudly(tmp_path) -> None:
    db = tmp_path / "atlas.duckdb"
    header = ["beneficiary", "amount"]
    import_file("toy", write_records(tmp_path / "a" / "l.csv", header,
                                     [["Films A", "10"], ["Films B", "20"]], ","), db=db)
    bad = write_records(tmp_path / "b" / "l.csv", header, [["Films A", "abc"], ["", "5"],
                                                           ["Films C", "x"]], ",")
    report = import_file("toy", bad, db=db)
    assert report.status == "replaced"
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 0, 3)
    assert report.notices == [
        "No row of l.csv was loaded (3 quarantined): source toy:l now holds no row. "
        "The previous import had 2 rows loaded. See why: cineatlas quarantine --source toy:l"]
    assert report.as_dict()["notices"] == report.notices
    with Store(db) as store:
        assert store.count("awards", "source_id = 'toy:l'") == 0
        assert store.count("quarantine", "source_id = 'toy:l'") == 3


def test_the_command_prints_the_warning_in_red(monkeypatch, capsys, tmp_path) -> None:
    db = tmp_path / "atlas.duckdb"
    header = ["beneficiary", "amount"]
    import_file("toy", write_records(tmp_path / "a" / "l.csv", header, [["Films A", "10"]], ","),
                db=db)
    bad = write_records(tmp_path / "b" / "l.csv", header, [["Films A", "abc"]], ",")
    code, out, _ = run_cli(monkeypatch, capsys, "import", "toy", str(bad), "--db", str(db))
    assert code == 0
    assert ("Warning: No row of l.csv was loaded (1 quarantined): source toy:l now holds no "
            "row. The previous import had 1 row loaded.") in " ".join(out.split())
