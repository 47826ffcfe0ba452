"""The command line: import, sources, quarantine, sql, importers, info — and its errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import toy_importer  # noqa: F401  (registers the 'toy' importer)
from cli_runner import run_cli as run

from cineatlas.store import migrations


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "atlas.duckdb"
    path = tmp_path / "list.csv"
    path.write_text("beneficiary,amount,date\nFilms A,1000.50,2021-03-04\nFilms B,abc,2021-03-04\n"
                    "Films C,20,2021-02-30\n")
    return db, path


def test_import_prints_a_json_report(monkeypatch, capsys, loaded) -> None:
    db, path = loaded
    code, out, _ = run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db), "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (3, 2, 1)
    problems = {(p["row"], p["field"], p["code"], p["severity"]) for p in report["problems"]}
    assert problems == {(3, "amount", "invalid-amount", "error"),
                        (4, "date", "invalid-date", "warning")}
    assert all(set(p) >= {"row", "field", "code", "message", "severity"}
               for p in report["problems"])


def test_import_prints_a_table_and_can_fail_on_quarantine(monkeypatch, capsys, loaded) -> None:
    db, path = loaded
    code, out, _ = run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db),
                       "--fail-on-quarantine")
    assert code == 3
    assert "rows quarantined" in out and "invalid-amount" in out
    assert "cineatlas quarantine --source toy:list" in out
    code, out, _ = run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db))
    assert code == 0 and "unchanged" in out


def test_sources_quarantine_and_sql(monkeypatch, capsys, loaded) -> None:
    db, path = loaded
    run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db))
    code, out, _ = run(monkeypatch, capsys, "sources", "--db", str(db), "--format", "json")
    assert code == 0
    [source] = json.loads(out)
    assert (source["source_id"], source["rows_read"], source["rows_quarantined"]) == (
        "toy:list", 3, 1)
    code, out, _ = run(monkeypatch, capsys, "quarantine", "--db", str(db), "--format", "json")
    [row] = json.loads(out)
    assert row["row_number"] == 3 and "Not an amount" in row["reasons"][0]
    code, out, _ = run(monkeypatch, capsys, "sql",
                       "SELECT amount_minor, currency FROM awards ORDER BY 1",
                       "--db", str(db), "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["amount_minor", "currency"], ["2000", "EUR"],
                                                  ["100050", "EUR"]]
    code, out, _ = run(monkeypatch, capsys, "sql", "SELECT count(*) AS n FROM awards",
                       "--db", str(db), "--format", "json")
    assert json.loads(out) == [{"n": 2}]


@pytest.mark.parametrize("statement", [
    "DELETE FROM awards",
    "CREATE TABLE x (a INT)",
    "COPY awards TO '/tmp/cineatlas-leak.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
])
def test_sql_is_read_only(monkeypatch, capsys, loaded, statement) -> None:
    db, path = loaded
    run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db))
    code, _, err = run(monkeypatch, capsys, "sql", statement, "--db", str(db))
    assert code == 1
    assert "Error:" in err
    code, out, _ = run(monkeypatch, capsys, "sql", "SELECT count(*) AS n FROM awards",
                       "--db", str(db), "--format", "json")
    assert json.loads(out) == [{"n": 2}]


def test_errors_are_one_clear_line(monkeypatch, capsys, tmp_path) -> None:
    db = tmp_path / "atlas.duckdb"
    code, _, err = run(monkeypatch, capsys, "import", "toy", str(tmp_path / "missing.csv"),
                       "--db", str(db))
    assert code == 1
    assert "missing.csv: does not exist. Check the path." in err
    assert "Traceback" not in err
    code, _, err = run(monkeypatch, capsys, "sources", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and "No store at" in err and "cineatlas demo" in err
    code, _, err = run(monkeypatch, capsys, "import", "toy", "x.csv", "--option", "nonsense",
                       "--db", str(db))
    assert code == 1 and "--option expects KEY=VALUE" in err


def test_importers_and_info(monkeypatch, capsys, loaded) -> None:
    db, path = loaded
    code, out, _ = run(monkeypatch, capsys, "importers", "--json")
    names = {row["name"] for row in json.loads(out)}
    assert {"toy", "telefilm", "cnc-cinemas", "festivals", "scdl", "generic"} <= names
    run(monkeypatch, capsys, "import", "toy", str(path), "--db", str(db))
    code, out, _ = run(monkeypatch, capsys, "info", "--db", str(db), "--json")
    info = json.loads(out)
    assert info["schema_version"] == max(version for version, _, _ in migrations())  # all applied
    assert info["tables"]["awards"] == 2 and info["tables"]["quarantine"] == 1


def test_a_store_of_an_older_schema_is_named_and_upgraded(monkeypatch, capsys, tmp_path) -> None:
    """A store written by an older cineatlas (here: only the first migration) is not served with
    missing columns: read-only commands say so and name `cineatlas upgrade`, which migrates it."""
    import duckdb

    db = tmp_path / "old.duckdb"
    version, name, sql = migrations()[0]
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)",
                    [version, name])
    latest = migrations()[-1][0]
    for command in (["info"], ["sources"], ["sql", "SELECT 1"]):
        code, out, err = run(monkeypatch, capsys, *command, "--db", str(db))
        message = " ".join((out + err).split())
        assert code == 1, command
        assert (f"has schema version {version}; this cineatlas reads version {latest}"
                in message), message
        assert f"cineatlas upgrade --db {db}" in message and "Traceback" not in message
    code, out, _ = run(monkeypatch, capsys, "upgrade", "--db", str(db))
    assert code == 0 and f"schema version {latest}" in " ".join(out.split())
    code, out, _ = run(monkeypatch, capsys, "info", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["schema_version"] == latest
    with duckdb.connect(str(db), read_only=True) as con:  # the later migrations' columns exist
        columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                             "WHERE table_name = 'awards'").fetchall()}
    assert {"superseded_by", "amends_award_id"} <= columns
