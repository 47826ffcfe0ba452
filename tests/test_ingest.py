"""The import pipeline: accounting, quarantine, idempotence, replacement, atomicity, privacy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import toy_importer  # noqa: F401  (registers the 'toy' importer)

from cineatlas import FileError, Store, import_file
from cineatlas.errors import AtlasError, UnknownImporter

HERE = Path(__file__).parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "atlas.duckdb"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


GOOD = ("beneficiary,amount,date,title\n"
        "Films A,1000.50,2021-03-04,Un film\n"
        "Films B,200,04/03/2021,Deux\n")


def test_rows_are_loaded_with_exact_money(db: Path, tmp_path: Path) -> None:
    report = import_file("toy", write(tmp_path / "a.csv", GOOD), db=db)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 2, 0)
    assert report.status == "loaded"
    with Store(db) as store:
        rows = store.frame("SELECT row_number, amount_minor, currency, decision_date::VARCHAR AS d "
                           "FROM awards ORDER BY row_number").rows()
        assert rows == [(2, 100050, "EUR", "2021-03-04"), (3, 20000, "EUR", "2021-03-04")]
        source = store.source("toy:a")
        assert source is not None
        assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (2, 2, 0)
        assert source["sha256"] == report.sha256 and len(report.sha256 or "") == 64
        # every row carries its provenance
        assert store.count("awards", "source_id = 'toy:a' AND NOT fictitious") == 2


def test_bad_rows_are_quarantined_with_reasons_and_original_content(db: Path,
                                                                    tmp_path: Path) -> None:
    text = ("beneficiary,amount,date\n"
            "Films A,100,2021-01-01\n"
            ",50,2021-01-01\n"            # row 3: no beneficiary -> error
            "Films C,abc,2021-01-01\n"    # row 4: amount not a number -> error
            "Films D,10,2021-02-30\n"     # row 5: impossible date -> warning, loaded with NULL date
            "Films E,10\n"                # row 6: wrong number of cells -> error
            "\n"                          # a blank line: not a row
            ",,\n")                       # row 8: blank row -> quarantined
    report = import_file("toy", write(tmp_path / "b.csv", text), db=db)
    assert report.rows_read == 6
    assert report.rows_loaded == 2
    assert report.rows_quarantined == 4
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    codes = {(p.row, p.field, p.code, p.severity) for p in report.problems}
    assert (3, "beneficiary", "required", "error") in codes
    assert (4, "amount", "invalid-amount", "error") in codes
    assert (5, "date", "invalid-date", "warning") in codes
    assert (6, None, "wrong-field-count", "error") in codes
    assert (8, None, "blank-row", "error") in codes
    with Store(db) as store:
        assert store.frame(
            "SELECT row_number FROM quarantine ORDER BY 1")["row_number"].to_list() == [3, 4, 6, 8]
        content, reasons = store.frame(
            "SELECT content, reasons FROM quarantine WHERE row_number = 4").row(0)
        assert json.loads(content) == {"beneficiary": "Films C", "amount": "abc",
                                       "date": "2021-01-01"}
        reason = json.loads(reasons)[0]
        assert (reason["code"] == "invalid-amount" and reason["field"] == "amount"
                and "abc" in reason["message"])
        assert json.loads(store.frame(
            "SELECT content FROM quarantine WHERE row_number = 6").item()) == {
            "cells": ["Films E", "10"]}
        assert store.scalar("SELECT decision_date FROM awards WHERE row_number = 5") is None


def test_importing_the_same_file_twice_changes_nothing(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", GOOD)
    import_file("toy", path, db=db)
    with Store(db) as store:
        before = store.checksum()
    again = import_file("toy", path, db=db)
    assert again.status == "unchanged"
    assert (again.rows_read, again.rows_loaded) == (2, 2)
    with Store(db) as store:
        assert store.checksum() == before
    forced = import_file("toy", path, db=db, force=True)
    assert forced.status == "replaced"
    with Store(db) as store:
        assert store.count("awards") == 2 and store.count("sources") == 1


def test_a_corrected_file_replaces_the_rows_of_its_source(db: Path, tmp_path: Path) -> None:
    import_file("toy", write(tmp_path / "list.csv", GOOD), db=db)
    corrected = write(tmp_path / "list.csv", "beneficiary,amount\nFilms Z,7\n")
    report = import_file("toy", corrected, db=db)
    assert report.status == "replaced"
    other = import_file("toy", write(tmp_path / "other.csv", GOOD), db=db)
    assert other.source_id == "toy:other"
    with Store(db) as store:
        assert store.frame(
            "SELECT source_id, count(*) AS n FROM awards GROUP BY 1 ORDER BY 1").rows() == [
            ("toy:list", 1), ("toy:other", 2)]
        assert store.scalar("SELECT amount_minor FROM awards WHERE source_id = 'toy:list'") == 700
        assert store.count("organisations", "source_id = 'toy:list'") == 1


@pytest.mark.parametrize(("content", "code"), [
    (b"", "empty-file"),
    (b"\n\n  \n", "empty-file"),
    (b"beneficiary,amount\n\x00\x01\x02binary\n", "binary-file"),
    (b"nom montant\nFilms A 100\nFilms B 200\n", "unknown-delimiter"),
    (b"beneficiary;amount\nA;1\n", None),  # semicolons: fine
    (b"name,total\nA,1\n", "missing-column"),
])
def test_a_bad_file_stops_with_one_message_and_changes_nothing(
    db: Path, tmp_path: Path, content: bytes, code: str | None
) -> None:
    import_file("toy", write(tmp_path / "first.csv", GOOD), db=db)
    with Store(db) as store:
        before = store.checksum()
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    if code is None:
        assert import_file("toy", path, db=db).rows_loaded == 1
        return
    with pytest.raises(FileError) as caught:
        import_file("toy", path, db=db)
    assert caught.value.code == code
    assert str(path) in str(caught.value)
    with Store(db) as store:
        assert store.checksum() == before


def test_missing_column_message_names_the_column_and_the_fix(db: Path, tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        import_file("toy", write(tmp_path / "c.csv", "name,total\nA,1\n"), db=db)
    message = str(caught.value)
    assert "lacks the columns 'beneficiary', 'amount'" in message
    assert "found: 'name', 'total'" in message
    assert "rename the columns" in message


def test_an_error_in_the_middle_rolls_everything_back(db: Path, tmp_path: Path) -> None:
    import_file("toy", write(tmp_path / "keep.csv", GOOD), db=db)
    with Store(db) as store:
        before = store.checksum()
    rows = "".join(f"Films {i},{i}\n" for i in range(250_000))
    path = write(tmp_path / "big.csv", "beneficiary,amount\n" + rows)
    with pytest.raises(RuntimeError, match="fail at row 200000"):
        import_file("toy", path, db=db, options={"fail_at_row": "200000"})
    with Store(db) as store:
        assert store.checksum() == before
        assert store.source("toy:big") is None


def test_an_import_killed_half_way_leaves_the_store_as_before(db: Path, tmp_path: Path) -> None:
    import_file("toy", write(tmp_path / "keep.csv", GOOD), db=db)
    with Store(db) as store:
        before = store.checksum()
    rows = "".join(f"Films {i},{i}.{i % 100:02d},2020-01-01,Titre {i}\n" for i in range(1_500_000))
    big = write(tmp_path / "big.csv", "beneficiary,amount,date,title\n" + rows)
    marker = tmp_path / "progress"
    script = tmp_path / "run_import.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import toy_importer\n"
        "from cineatlas import import_file\n"
        "from pathlib import Path\n"
        f"marker = Path({str(marker)!r})\n"
        f"import_file('toy', {str(big)!r}, db={str(db)!r}, "
        f"progress=lambda n: marker.write_text(str(n)))\n"
    )
    process = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until several batches were written, not all
        if marker.exists() and marker.read_text() and int(marker.read_text()) >= 300_000:
            break
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.05)
    else:
        pytest.fail("the import never reached 300,000 rows")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert int(marker.read_text()) < 1_500_000, "the import finished before it could be killed"
    with Store(db) as store:
        assert store.checksum() == before
        assert store.source("toy:big") is None
        assert store.count("awards") == 2


def test_unknown_importer_and_options_are_explained(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", GOOD)
    with pytest.raises(UnknownImporter, match="No importer is called 'nope'. Available: .*toy"):
        import_file("nope", path, db=db)
    with pytest.raises(AtlasError, match="has no option 'colour'"):
        import_file("toy", path, db=db, options={"colour": "red"})


def test_personal_contact_data_never_reaches_the_store(db: Path, tmp_path: Path) -> None:
    text = ("beneficiary,amount,email,title\n"
            "Films A,100,jane.doe@example.org,Contact: jean@films-a.fr ou 01 23 45 67 89\n"
            "contact@films-b.fr,abc,x@y.fr,(514) 555-1234\n")  # row 3 quarantined (amount)
    import_file("toy", write(tmp_path / "p.csv", text), db=db)
    with Store(db) as store:
        dump = " ".join(
            str(v) for table in ("awards", "organisations", "quarantine", "sources")
            for row in store.frame(f"SELECT * FROM {table}").rows() for v in row)
        assert "@" not in dump.replace("[e-mail removed]", "")
        assert "45 67 89" not in dump and "555-1234" not in dump
        assert "[e-mail removed]" in dump and "[phone removed]" in dump
        assert store.scalar("SELECT project_title FROM awards") == (
            "Contact: [e-mail removed] ou [phone removed]")


def test_encodings_delimiters_and_number_formats(db: Path, tmp_path: Path) -> None:
    text = ("beneficiary;amount;date\n"
            "Société Éléphant;1 234,56 €;05/12/2016\n"
            "Œuvre;\"12 000\";2016-12-05\n")
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        path = write(tmp_path / f"enc-{encoding}.csv", text, encoding)
        report = import_file("toy", path, db=db)
        assert report.rows_loaded == 2, encoding
        with Store(db) as store:
            rows = store.frame(
                "SELECT o.name, a.amount_minor, a.decision_date::VARCHAR FROM awards a "
                "JOIN organisations o ON o.organisation_id = a.beneficiary_id "
                "WHERE a.source_id = ? ORDER BY a.row_number", [report.source_id]).rows()
        assert rows == [("Société Éléphant", 123456, "2016-12-05"),
                        ("Œuvre", 1200000, "2016-12-05")], encoding
    cp = import_file("toy", tmp_path / "enc-cp1252.csv", db=db, force=True)
    assert any(p.code == "decoded-as" for p in cp.problems)
