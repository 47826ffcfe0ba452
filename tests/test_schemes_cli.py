"""`cineatlas schemes list` and `cineatlas schemes find` on the hand-made catalogue of
tests/scheme_data.py, run in process as a user types them."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from cli_runner import run_cli
from scheme_data import CATALOGUE_SOURCE, CNC_SOURCE, SCHEMES, add_catalogue, entry_id

from cineatlas import Store

TODAY = dt.date(2026, 5, 4)


def why_column(table: str) -> str:
    """The text of the table's last column (its cells' wrapped lines joined)."""
    cells = [line.split("\u2502")[-2].strip() for line in table.splitlines()
             if line.startswith("\u2502")]
    return " ".join(c for c in cells if c)


@pytest.fixture(scope="module")
def db(territories_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("schemes-cli") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    with Store(path) as store:
        add_catalogue(store, TODAY)
    return str(path)


def test_list_as_json_gives_each_scheme_with_its_sources(db, monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "schemes", "list", "--db", db,
                             "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {entry_id(k) for k in SCHEMES}
    sources = {r["id"]: r["sources"] for r in rows}
    assert sources[entry_id("cnc-ecriture")] == [CNC_SOURCE]
    assert sources[entry_id("gironde-bourse")] == [CATALOGUE_SOURCE]
    # widest level first: the national scheme, then the provincial one, ..., none last
    assert [r["level"] for r in rows][:2] == ["national", "provincial"]
    assert rows[-1]["level"] is None


def test_list_filters(db, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "schemes", "list", "--db", db, "--format",
                           "json", "--level", "regional", "--stage", "production")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == [entry_id("na-production")]
    code, out, _ = run_cli(monkeypatch, capsys, "schemes", "list", "--db", db, "--format",
                           "json", "--funder", "Gironde")
    assert [r["id"] for r in json.loads(out)] == [entry_id("gironde-bourse")]
    code, out, _ = run_cli(monkeypatch, capsys, "schemes", "list", "--db", db)
    assert code == 0 and "9 schemes" in out and "Bourse d'écriture de la Gironde" in out


def test_find_as_json(db, monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "schemes", "find", "--db", db, "--role",
                             "author", "--territory", "FR-R75", "--stage", "writing",
                             "--format", "short", "--first-work", "--today",
                             TODAY.isoformat(), "--json")
    assert code == 0, err
    body = json.loads(out)
    assert body["profile"]["roles"] == ["author"]
    assert body["profile"]["work_rank"] == "first"
    assert [m["scheme"]["id"] for m in body["data"]] == [
        entry_id("na-ecriture"), entry_id("cnc-ecriture"), entry_id("na-exclus"),
        entry_id("gironde-bourse"), entry_id("fondation")]
    cnc = body["data"][1]
    assert cnc["next_date"]["date"] == (TODAY + dt.timedelta(days=40)).isoformat()
    assert [r["status"] for r in cnc["reasons"]] == ["met", "met", "met", "met", "unknown",
                                                     "unknown"]


def test_find_as_a_table_says_why(db, monkeypatch, capsys) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "schemes", "find", "--db", db, "--role",
                             "author", "--territory", "Bordeaux", "--stage", "writing",
                             "--today", TODAY.isoformat(), "--all")
    assert code == 0, err
    assert "schemes may apply in Bordeaux" in out
    # in short: one line per status, the criteria and how a met one is known
    short = why_column(out)
    assert "Met: territory, who may apply" in short
    assert "Not met: who may apply, stage" in short
    code, out, err = run_cli(monkeypatch, capsys, "schemes", "find", "--db", db, "--role",
                             "author", "--territory", "Bordeaux", "--stage", "writing",
                             "--today", TODAY.isoformat(), "--all", "--explain")
    assert code == 0, err
    why = why_column(out)
    assert ("Territory: met — open in Gironde (published geographic eligibility), where "
            "Bordeaux lies") in why
    assert "[ruled out]" in out
    assert "Stage: not met — writing is not among them; the scheme publishes: production" in why
    code, out, _ = run_cli(monkeypatch, capsys, "schemes", "find", "--db", db, "--territory",
                           "Bordeaux", "--lang", "fr", "--today", TODAY.isoformat(), "--explain")
    assert "Territoire\u202f: rempli — ouvert à Gironde" in why_column(out)


@pytest.mark.parametrize(("args", "message"), [
    (["--territory", "Paris"], "'Paris' names 2 territories: Paris (Department, "
                               "Île-de-France, FR-D75); Paris (Commune, Paris, FR-C75056)"),
    (["--territory", "Atlantide"], "No territory of the atlas is named or coded 'Atlantide'"),
    (["--stage", "ecriture"], "Unknown stage 'ecriture': give one of writing, development"),
    (["--first-work", "--second-work"], "Say first work or second work, not both."),
    (["--today", "tomorrow"], "--today 'tomorrow' is not a date: write it YYYY-MM-DD."),
])
def test_find_refuses_clearly(db, monkeypatch, capsys, args, message) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "schemes", "find", "--db", db, *args)
    assert code == 1
    assert message in " ".join(err.split())
    assert "Traceback" not in err and out == ""
