"""The CNC / Region co-financing ratio against the "1 € for 2 €" rule, on hand-made
conventions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from indicator_data import both, tiny_store, values

from cineatlas.indicators import Cut
from cineatlas.store import Store


def convention(cid: str, region: str, year: int, axis: str, basis: str,
               region_minor: int | None, cnc_minor: int | None) -> dict[str, Any]:
    return {"convention_id": cid, "region_id": region, "period_start": 2020, "period_end": 2022,
            "year": year, "axis": axis, "basis": basis, "region_amount_minor": region_minor,
            "cnc_amount_minor": cnc_minor, "currency": "EUR"}


@pytest.fixture()
def store(tmp_path) -> Iterator[Store]:
    rows = [
        # X-RA, committed
        convention("c1", "X-RA", 2020, "writing_development", "committed", 100_000_00, 40_000_00),
        convention("c1", "X-RA", 2020, "creation_production", "committed", 200_000_00, 110_000_00),
        convention("c1", "X-RA", 2020, "heritage", "committed", 50_000_00, None),  # CNC unknown
        convention("c1", "X-RA", 2021, "writing_development", "committed", 100_000_01, 50_000_00),
        # X-RA, actual
        convention("c1", "X-RA", 2020, "writing_development", "actual", 90_000_00, 45_000_00),
        # X-RB
        convention("c2", "X-RB", 2020, "diffusion", "committed", 60_000_00, 30_000_00),
        convention("c2", "X-RB", 2020, "diffusion", "actual", 40_000_00, 10_000_00),
    ]
    with tiny_store(tmp_path, conventions=rows) as s:
        yield s


def pick(frame: pl.DataFrame, territory: str, category: str, year: int | None = None) -> dict:
    rows = frame.filter((pl.col("territory_id") == territory) & (pl.col("category") == category))
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_committed_by_default_per_axis_and_all(store) -> None:
    frame = both(store, "cofinancing_ratio", Cut(level="region"))
    assert set(frame["basis"]) == {"committed"}
    assert set(frame["target_ratio"]) == {0.5}

    # writing_development, 2020 + 2021: Region 100,000 + 100,000.01 = 200,000.01 €,
    # CNC 40,000 + 50,000 = 90,000 € → 90,000 / 200,000.01
    wd = pick(frame, "X-RA", "writing_development")
    assert wd["value"] == pytest.approx(90_000 / 200_000.01, rel=1e-12)
    assert (wd["numerator"], wd["denominator"]) == (90_000.0, 200_000.01)
    # missing = 200,000.01 × 0.5 − 90,000 = 10,000.005 € (exact: (20,000,001 − 2 × 9,000,000)
    # cents ÷ 2); nothing in excess
    assert (wd["missing_cnc"], wd["excess_cnc"]) == (10_000.005, 0.0)

    # creation_production: 110,000 / 200,000 = 0.55; excess 110,000 − 100,000 = 10,000 €
    cp = pick(frame, "X-RA", "creation_production")
    assert (cp["value"], cp["missing_cnc"], cp["excess_cnc"]) == (0.55, 0.0, 10_000.0)

    # heritage: the CNC's money is unknown, never taken as 0: no value, flagged
    heritage = pick(frame, "X-RA", "heritage")
    assert heritage["value"] is None and heritage["missing_cnc"] is None
    assert (heritage["n"], heritage["covered"], heritage["low_coverage"]) == (1, 0, True)

    # 'all' (every committed axis, heritage left out): Region 100,000 + 200,000 + 100,000.01
    # = 400,000.01; CNC 40,000 + 110,000 + 50,000 = 200,000 → missing 0.005 € (half a cent):
    # the surplus on creation_production makes up for writing_development's shortfall
    every = pick(frame, "X-RA", "all")
    assert every["value"] == pytest.approx(200_000 / 400_000.01, rel=1e-12)
    assert (every["missing_cnc"], every["excess_cnc"]) == (0.005, 0.0)
    # coverage of the 'all' row: 3 of the 4 committed rows; 400,000.01 of 450,000.01 €
    assert (every["n"], every["covered"]) == (4, 3)
    assert every["money_coverage"] == pytest.approx(400_000.01 / 450_000.01)
    assert not every["low_coverage"]

    # X-RB: 30,000 / 60,000 = exactly the rule
    rb = pick(frame, "X-RB", "all")
    assert (rb["value"], rb["missing_cnc"], rb["excess_cnc"]) == (0.5, 0.0, 0.0)
    assert frame.filter(pl.col("territory_id") == "X-RB").height == 2  # diffusion + all


def test_actual_basis(store) -> None:
    frame = both(store, "cofinancing_ratio", Cut(level="region", basis="actual"))
    assert set(frame["basis"]) == {"actual"}
    # X-RA actual: 45,000 / 90,000 = 0.5, nothing missing
    assert pick(frame, "X-RA", "all")["value"] == 0.5
    # X-RB actual: 10,000 / 40,000 = 0.25; missing 40,000 × 0.5 − 10,000 = 10,000 €
    rb = pick(frame, "X-RB", "diffusion")
    assert (rb["value"], rb["missing_cnc"], rb["excess_cnc"]) == (0.25, 10_000.0, 0.0)
    # coverage is that of the actual rows only (1 of 1), not of both bases
    assert (rb["n"], rb["covered"]) == (1, 1)


def test_by_year_axes_and_country(store) -> None:
    by_year = both(store, "cofinancing_ratio", Cut(level="region", territories=("X-RA",),
                                                    by_year=True))
    # 2020 committed, heritage left out: Region 100,000 + 200,000; CNC 40,000 + 110,000 → 0.5
    assert pick(by_year, "X-RA", "all", 2020)["value"] == 0.5
    # 2021: 50,000 / 100,000.01; missing (10,000,001 − 10,000,000) ÷ 2 cents = 0.005 €
    y2021 = pick(by_year, "X-RA", "all", 2021)
    assert y2021["value"] == pytest.approx(50_000 / 100_000.01, rel=1e-12)
    assert y2021["missing_cnc"] == 0.005

    # the axis filter keeps the chosen axes; 'all' sums those only
    axes = both(store, "cofinancing_ratio", Cut(level="region", axes=("creation_production",)))
    ra = axes.filter(pl.col("territory_id") == "X-RA")
    assert values(ra, by="category") == {"all": 0.55, "creation_production": 0.55}

    # the country adds up its regions (committed): Region 400,000.01 + 60,000 = 460,000.01;
    # CNC 200,000 + 30,000 = 230,000 → missing (46,000,001 − 46,000,000) ÷ 2 cents = 0.005 €
    country = both(store, "cofinancing_ratio", Cut(level="country"))
    x = pick(country, "X", "all")
    assert x["value"] == pytest.approx(230_000 / 460_000.01, rel=1e-12)
    assert (x["numerator"], x["denominator"], x["missing_cnc"]) == (230_000.0, 460_000.01, 0.005)
    # below the region, conventions have no place: no rows, not zeros
    assert both(store, "cofinancing_ratio", Cut(level="department")).is_empty()
