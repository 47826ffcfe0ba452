"""Every problem stays findable (issue 10, point 5).

The report keeps a sample of 1,000 problems; the counts are complete, each summary line has
example rows of its own (taken per code and field, not from the sample), every problem is kept
row by row in the store's `import_problems` table (scrubbed, deleted with its source), the
report says when it shows a sample, and `cineatlas problems` lists them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import toy_importer  # noqa: F401  (registers the 'toy' importer)
from cli_runner import run_cli

from cineatlas import Store, import_file

#: 1,200 rows without a beneficiary (error), then 300 amounts that are not numbers (error, one
#: of them an e-mail address), then 2 impossible dates (warning): the rarest code comes last, in
#: the file and in the importer's problems (the beneficiary's first, the date's last).
MISSING, AMOUNTS, DATES = 1200, 300, 2


def many_problems(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["beneficiary", "amount", "date"])
    for _ in range(MISSING):
        writer.writerow(["", "10", "2021-01-01"])
    for i in range(AMOUNTS):
        writer.writerow([f"Films {i}", "jean.dupont@orange.fr" if i == 0 else "abc", "2021-01-01"])
    for i in range(DATES):
        writer.writerow([f"Films {i}", "10", "2021-02-30"])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


#: Row numbers by hand: the header is row 1.
MISSING_ROWS = list(range(2, 2 + MISSING))
AMOUNT_ROWS = list(range(2 + MISSING, 2 + MISSING + AMOUNTS))
DATE_ROWS = list(range(2 + MISSING + AMOUNTS, 2 + MISSING + AMOUNTS + DATES))
TOTAL = MISSING + AMOUNTS + DATES


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "atlas.duckdb"
    path = many_problems(tmp_path / "many.csv")
    import_file("toy", path, db=db)
    return db, path


def test_every_summary_line_has_its_own_example_rows(tmp_path: Path) -> None:
    report = import_file("toy", many_problems(tmp_path / "many.csv"), db=tmp_path / "a.duckdb")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (
        TOTAL, DATES, MISSING + AMOUNTS)
    summary = {(s["code"], s["field"], s["severity"]): s for s in report.summary()}
    assert {key: s["count"] for key, s in summary.items()} == {
        ("invalid-date", "date", "warning"): DATES,
        ("invalid-amount", "amount", "error"): AMOUNTS,
        ("required", "beneficiary", "error"): MISSING,
    }
    assert summary[("required", "beneficiary", "error")]["example_rows"] == MISSING_ROWS[:3]
    assert summary[("invalid-amount", "amount", "error")]["example_rows"] == AMOUNT_ROWS[:3]
    assert summary[("invalid-date", "date", "warning")]["example_rows"] == DATE_ROWS
    data = report.as_dict()
    assert len(data["problems"]) == 1000 and data["problems_total"] == TOTAL
    assert data["problems_truncated"] is True
    assert data["problems_note"] == (
        f"showing 1,000 of {TOTAL:,} problems; all are in the store: "
        "`cineatlas problems --source toy:many`")


def test_every_problem_is_kept_in_the_store_scrubbed(imported: tuple[Path, Path]) -> None:
    db, _ = imported
    with Store(db) as store:
        rows = store.frame("SELECT row_number, field, code, severity, value FROM import_problems "
                           "WHERE source_id = 'toy:many' ORDER BY row_number").rows()
        stored_report = json.loads(store.scalar("SELECT report FROM sources"))
    assert len(rows) == TOTAL
    by_code: dict[str, list[int]] = {}
    for row_number, _, code, _, _ in rows:
        by_code.setdefault(code, []).append(row_number)
    assert by_code == {"invalid-date": DATE_ROWS, "invalid-amount": AMOUNT_ROWS,
                       "required": MISSING_ROWS}
    assert Counter((f, c, s) for _, f, c, s, _ in rows) == Counter({
        ("date", "invalid-date", "warning"): DATES, ("amount", "invalid-amount", "error"): AMOUNTS,
        ("beneficiary", "required", "error"): MISSING})
    values = {v for *_, v in rows}
    assert "jean.dupont@orange.fr" not in values and "[e-mail removed]" in values
    assert stored_report["problems_note"].startswith(f"showing 1,000 of {TOTAL:,} problems")
    rarest = [s for s in stored_report["problem_summary"] if s["code"] == "invalid-date"]
    assert rarest[0]["example_rows"] == DATE_ROWS


def test_the_problems_go_with_their_source(imported: tuple[Path, Path], tmp_path: Path) -> None:
    db, path = imported
    path.write_text("beneficiary,amount\nFilms A,abc\n", encoding="utf-8")
    import_file("toy", path, db=db)
    with Store(db) as store:
        assert store.frame("SELECT row_number, code FROM import_problems").rows() == [
            (2, "invalid-amount")]
        with store.transaction():
            store.delete_source("toy:many")
        assert store.count("import_problems") == 0


def test_an_unchanged_import_keeps_the_example_rows(imported: tuple[Path, Path]) -> None:
    db, path = imported
    again = import_file("toy", path, db=db)
    assert again.status == "unchanged"
    rarest = [s for s in again.summary() if s["code"] == "invalid-date"]
    assert rarest[0]["example_rows"] == DATE_ROWS


def test_the_problems_command_lists_them(monkeypatch, capsys, imported) -> None:
    db, _ = imported
    code, out, err = run_cli(monkeypatch, capsys, "problems", "--source", "toy:many",
                             "--db", str(db), "--code", "invalid-date", "--format", "csv")
    assert code == 0, err
    message = ("Not a date in column 'date': '2021-02-30'. Write dates as YYYY-MM-DD (ISO 8601) "
               "or DD/MM/YYYY.")
    assert list(csv.reader(io.StringIO(out))) == [
        ["source_id", "row_number", "severity", "code", "field", "message", "value"],
        *(["toy:many", str(row), "warning", "invalid-date", "date", message, "2021-02-30"]
          for row in DATE_ROWS),
    ]
    code, out, _ = run_cli(monkeypatch, capsys, "problems", "--source", "toy:many",
                           "--db", str(db), "--format", "json")
    assert code == 0 and len(json.loads(out)) == TOTAL  # CSV and JSON: all of them
    code, out, _ = run_cli(monkeypatch, capsys, "problems", "--db", str(db), "--severity", "error")
    assert code == 0
    assert f"Problems ({MISSING + AMOUNTS:,} of {TOTAL:,})" in out
    assert "first 50 shown" in out
    code, _, err = run_cli(monkeypatch, capsys, "problems", "--source", "nope", "--db", str(db))
    assert code == 1 and "No source 'nope'" in err and "cineatlas sources" in err


def test_a_source_imported_before_the_table_existed_is_explained(monkeypatch, capsys,
                                                                 imported) -> None:
    db, _ = imported
    with Store(db) as store:
        store.con.execute("DELETE FROM import_problems")
    code, _, err = run_cli(monkeypatch, capsys, "problems", "--source", "toy:many", "--db", str(db))
    assert code == 1
    assert (f"Source toy:many was imported before cineatlas kept problems row by row: its report "
            f"counts {TOTAL:,} problems, the store holds none. Import it again with --force"
            ) in " ".join(err.split())


def test_the_import_report_says_where_all_problems_are(monkeypatch, capsys, tmp_path) -> None:
    path = many_problems(tmp_path / "many.csv")
    code, out, _ = run_cli(monkeypatch, capsys, "import", "toy", str(path),
                           "--db", str(tmp_path / "a.duckdb"))
    assert code == 0
    assert "invalid-date" in out and ", ".join(map(str, DATE_ROWS)) in out
    assert (f"The report keeps 1,000 of the {TOTAL:,} problems; all are in the store: "
            "cineatlas problems --source toy:many") in " ".join(out.split())


def test_the_real_telefilm_file_has_example_rows_for_every_problem(store, shared_data) -> None:
    path = shared_data("telefilm/telefilm-contributions-2009-2018.csv")
    report = import_file("telefilm", path, store=store)
    stored = store.frame("SELECT code, field, severity, count(*) AS n, min(row_number) AS first "
                         "FROM import_problems GROUP BY ALL")
    counts = {(c, f, s): n for c, f, s, n, _ in stored.rows()}
    assert counts == dict(report.problem_counts)
    firsts = {(c, f, s): first for c, f, s, _, first in stored.rows()}
    for item in report.summary():
        key = (item["code"], item["field"], item["severity"])
        if firsts[key] is not None:  # a problem about the whole file has no row
            assert item["example_rows"] and item["example_rows"][0] == firsts[key], item
