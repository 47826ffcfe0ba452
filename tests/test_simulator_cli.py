"""`cineatlas simulate`: one scenario (table, CSV, JSON, explanation), several (comparison),
a sweep, the official populations when no store is given, and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import run_cli as run
from indicator_data import tiny_store

from cineatlas.simulator import RegionFacts, starting_scenario

# Regions of the tiny store: X-RA 600 inh. (mainland), X-RB 400 inh. (overseas)
SCENARIO = """
[scenario]
id = "{id}"
title = "Tiny"

[envelope]
national = {envelope}

[axes.writing_development]
ratio = "1:2"

[axes.image_education]
kind = "fixed"
amount = 100

[solidarity]
share = 0.1

[regions.X-RA]
writing_development = 1000
image_education = 300

[regions.X-RB]
writing_development = 3000
image_education = 500
"""


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str, str]:
    """(store, scenario with a 10,000 € envelope, the same with 1,000 €)."""
    with tiny_store(tmp_path):
        pass
    big = tmp_path / "big.toml"
    big.write_text(SCENARIO.format(id="big", envelope=10_000), encoding="utf-8")
    small = tmp_path / "small.toml"
    small.write_text(SCENARIO.format(id="small", envelope=1_000), encoding="utf-8")
    return str(tmp_path / "tiny.duckdb"), str(big), str(small)


def test_one_scenario_as_a_table(monkeypatch, capsys, files) -> None:
    db, big, _ = files
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--explain")
    assert code == 0
    assert "ILLUSTRATIVE figures" in out
    assert "CNC money per Region" in out and "Equity across Regions" in out
    assert "Explanation" in out and "matching 1:2" in out
    # 10% reserve = 1,000 € set aside; the 9,000 € left cover the 2,200 € of claims
    assert "1,000.00 €" in out


def test_one_scenario_as_csv_and_json(monkeypatch, capsys, files) -> None:
    db, big, _ = files
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["illustrative"] for r in rows} == {"true"}
    lines = {(r["region_id"], r["axis"]): int(r["cnc_cents"]) for r in rows}
    # X-RA: 1,000 / 2 = 500 €, fixed 100 €; X-RB: 3,000 / 2 = 1,500 €, fixed 100 €.
    # Solidarity (1,000 €): only X-RB is eligible (overseas); X-RA's density class is unknown
    # in the tiny store, so it is not. Median CNC per inhabitant of 600 / 600 = 1 € and
    # 1,600 / 400 = 4 € is 2.50 €: X-RB is above it, needs nothing, and gets the 1,000 € by
    # the key (it is the only eligible Region).
    assert lines == {("X-RA", "writing_development"): 500_00, ("X-RA", "image_education"): 100_00,
                     ("X-RB", "writing_development"): 1500_00,
                     ("X-RB", "image_education"): 100_00,
                     ("X-RA", "solidarity"): 0, ("X-RB", "solidarity"): 1000_00}
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "json",
                       "--explain")
    data = json.loads(out)
    assert data["summary"]["illustrative"] is True
    assert data["summary"]["allocated_cents"] + data["summary"]["unallocated_cents"] == 10_000_00
    explained = sum(r["amount_cents"] for r in data["explanation"] if r["region_id"] == "X-RB")
    assert explained == 1500_00 + 100_00 + 1000_00
    assert {"regions", "lines", "equity", "notes"} <= set(data)


def test_several_scenarios_are_compared(monkeypatch, capsys, files, tmp_path) -> None:
    db, big, small = files
    output = tmp_path / "cmp.csv"
    code, out, _ = run(monkeypatch, capsys, "simulate", big, small, "--db", db,
                       "--output", str(output))
    assert code == 0 and "Wrote" in out
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    delta = {(r["scenario"], r["region_id"]): int(r["delta_cnc_cents"]) for r in rows}
    # small: 1,000 € envelope, 100 € reserve to X-RB; 900 € for 2,200 € of claims, pro rata
    # 9/22: X-RA 600 × 9/22 = 245.45… €, X-RB 1,600 × 9/22 = 654.54… € → the cent left goes
    # to the larger remainder (X-RB). X-RA: 24,545 − 60,000 = −35,455 cents;
    # X-RB: 65,455 + 10,000 − 260,000 = −184,545 cents.
    assert delta == {("big", "X-RA"): 0, ("big", "X-RB"): 0,
                     ("small", "X-RA"): -35_455, ("small", "X-RB"): -184_545}
    code, out, _ = run(monkeypatch, capsys, "simulate", big, small, "--db", db)
    assert code == 0 and "Δ against big" in out and "ILLUSTRATIVE" in out


def test_sweep(monkeypatch, capsys, files) -> None:
    db, big, _ = files
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "json",
                       "--sweep", "national_envelope=1000:3000:3")
    assert code == 0
    data = json.loads(out)
    assert [t["national_envelope_cents"] for t in data["totals"]] == [1000_00, 2000_00, 3000_00]
    # 2,000 €: reserve 200 €, 1,800 € for 2,200 € of claims (binding); 3,000 €: 2,700 € (not)
    assert [t["binding"] for t in data["totals"]] == [True, True, False]
    assert all(t["allocated_cents"] + t["unallocated_cents"] == t["national_envelope_cents"]
               for t in data["totals"])
    assert len(data["curves"]) == 3 * 2 and data["illustrative"] is True
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db,
                       "--sweep", "ratio.writing_development=1:3:3")
    assert code == 0 and "Sweep of ratio.writing_development" in out


def test_the_sweep_prints_euros_and_names_the_currency(monkeypatch, capsys, files) -> None:
    """Swept envelopes of 1,000.50 € to 3,000.50 € read as euros in the table (not cents),
    with the currency named; JSON and CSV keep exact cents in `*_cents` fields."""
    db, big, _ = files
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db,
                       "--sweep", "national_envelope=1000.5:3000.5:3")
    assert code == 0 and "(EUR)" in out and "Amounts in euros (EUR)" in out
    # 2,000.50 € is printed as such; its cents (200,050) nowhere
    assert "2,000.50" in out and "200,050" not in out and "200050" not in out
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "json",
                       "--sweep", "national_envelope=1000.5:3000.5:3")
    data = json.loads(out)
    assert data["currency"] == "EUR"
    assert [t["value"] for t in data["totals"]] == [1000.5, 2000.5, 3000.5]
    assert [t["value_cents"] for t in data["totals"]] == [100_050, 200_050, 300_050]
    assert [t["national_envelope_cents"] for t in data["totals"]] == [100_050, 200_050, 300_050]
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "csv",
                       "--sweep", "national_envelope=1000.5:3000.5:3")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["currency"] for r in rows} == {"EUR"}
    assert sorted({r["value_cents"] for r in rows}) == ["100050", "200050", "300050"]
    # a ratio sweep keeps its values as ratios
    code, out, _ = run(monkeypatch, capsys, "simulate", big, "--db", db, "--format", "json",
                       "--sweep", "ratio.writing_development=1:3:3")
    assert [t["value"] for t in json.loads(out)["totals"]] == [1.0, 2.0, 3.0]
    assert "value_cents" not in json.loads(out)["totals"][0]


def test_without_a_store_the_official_populations_are_used(monkeypatch, capsys) -> None:
    calls = []

    def official() -> dict[str, RegionFacts]:
        calls.append(True)
        return {r: RegionFacts(r, None, 1_000_000, r < "FR-R10", (("rural", 600_000),),
                               1_000_000) for r in starting_scenario().region_ids}
    monkeypatch.setattr("cineatlas.cli.simulate.official_facts", official)
    code, out, _ = run(monkeypatch, capsys, "simulate", "conventions-2026-2028",
                       "--format", "csv")
    assert code == 0 and calls
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len({r["region_id"] for r in rows}) == 18
    assert sum(int(r["cnc_cents"]) for r in rows) == 120_000_000_00  # binding: all allocated


def test_errors_name_the_file_and_the_fix(monkeypatch, capsys, files, tmp_path) -> None:
    db, big, small = files
    bad = tmp_path / "bad.toml"
    bad.write_text(SCENARIO.format(id="bad", envelope='"lots"'), encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "simulate", str(bad), "--db", db)
    assert code == 1
    assert "bad.toml: envelope.national:" in err and "write an amount in euros" in err
    code, _, err = run(monkeypatch, capsys, "simulate", big, "--db", db, "--sweep", "envelope")
    assert code == 1 and "PARAM=FROM:TO:STEPS" in err
    code, _, err = run(monkeypatch, capsys, "simulate", big, "--db", db,
                       "--sweep", "freeze=0:1:2")
    assert code == 1 and "freeze: cannot be swept" in err
    code, _, err = run(monkeypatch, capsys, "simulate", big, small, "--db", db, "--sweep",
                       "solidarity_share=0:0.2:3")
    assert code == 1 and "--sweep takes one scenario" in err
    code, _, err = run(monkeypatch, capsys, "simulate", "conventions-2026-2028", "--db", db)
    assert code == 1 and "regions.FR-R11: no such Region in the population data" in err
