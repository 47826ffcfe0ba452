"""Support per inhabitant, total support and upstream share, on a hand-made store."""

from __future__ import annotations

import pytest
from indicator_data import award, both, tiny_store, values

from cineatlas.indicators import Cut


@pytest.fixture()
def store(tmp_path):
    awards = [
        award("a1", 300_00, "X-CA1a", stage="writing"),
        award("a2", 100_00, "X-CA1b", stage="production"),
        award("a3", 200_00, "X-CA2a", stage="development"),
        award("a4", None, "X-CA2a", stage="writing"),           # amount unknown
        award("a5", 400_00, "X-CB1a", stage=None),              # stage unknown
        award("a6", 100_00, "X-CB1b", stage="production", fiscal_year=2021),
        award("a7", 50_00, "X-CB1b", stage="writing", currency="CAD"),
    ]
    with tiny_store(tmp_path, awards=awards) as s:
        yield s


def test_support_per_inhabitant_by_region(store) -> None:
    frame = both(store, "support_per_inhabitant", Cut(level="region"))
    eur = frame.filter(frame["currency"] == "EUR")
    # X-RA: (300 + 100 + 200) € / 600 inhabitants = 1.0; a4 has no amount and is not counted
    # X-RB: (400 + 100) € / 400 inhabitants = 1.25
    assert values(eur) == {"X-RA": 1.0, "X-RB": 1.25}
    ra = eur.filter(eur["territory_id"] == "X-RA").row(0, named=True)
    assert (ra["numerator"], ra["denominator"], ra["n"], ra["covered"]) == (600.0, 600.0, 4, 3)
    assert ra["coverage"] == 0.75 and not ra["low_coverage"]
    # CAD is never added to EUR: its own row, 50 CAD / 400
    cad = frame.filter(frame["currency"] == "CAD")
    assert values(cad) == {"X-RB": 50 / 400}


def test_years_and_by_year(store) -> None:
    frame = both(store, "total_support", Cut(level="department", years=(2020, 2021), by_year=True,
                                             territories=("X-DB1",)))
    eur = frame.filter(frame["currency"] == "EUR")
    assert dict(zip(eur["year"], eur["value"], strict=True)) == {2020: 400.0, 2021: 100.0}
    only_2021 = both(store, "total_support", Cut(level="department", years=(2021, 2021)))
    assert values(only_2021) == {"X-DB1": 100.0}
    assert only_2021["period"].to_list() == ["2021"]


def test_upstream_share_counts_known_stages_only(store) -> None:
    frame = both(store, "upstream_share", Cut(level="country"))
    eur = frame.filter(frame["currency"] == "EUR").row(0, named=True)
    # known stage and amount (EUR): a1 300 writing, a2 100, a3 200 development, a6 100
    # upstream = (300 + 200) / (300 + 100 + 200 + 100) = 500 / 700
    assert eur["value"] == pytest.approx(500 / 700)
    # coverage: 4 of the 6 EUR awards; money 700 of 1,100 € known
    assert (eur["n"], eur["covered"]) == (6, 4)
    assert eur["money_coverage"] == pytest.approx(700 / 1100)
    assert eur["low_coverage"]  # 63.6 % of the money < 70 %
