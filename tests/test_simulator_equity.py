"""The simulator's equity measures against the indicator catalogue's, on the same data.

A tiny store: country X with three regions, each holding one commune (same population) where
all of the region's money goes; then the catalogue's Gini, Theil and fragile share at country
level are the simulator's across the three regions.
"""

from __future__ import annotations

import math

import pytest
from indicator_data import award, tiny_store, values

from cineatlas.indicators import Cut, Engine, compute
from cineatlas.simulator import equity
from cineatlas.simulator.population import facts_from_store

# region, population, overseas, the commune's density class, money (cents)
REGIONS = [("X-RA", 1000, False, "rural", 900_00), ("X-RB", 2000, False, "dense", 1600_00),
           ("X-RC", 1000, True, "intermediate", 1100_00)]


def _territories() -> list[dict]:
    rows = [{"territory_id": "X", "level": "country", "parent_id": None, "region_id": None,
             "population": 4000, "density_class": None, "overseas": False}]
    for region, population, overseas, density, _ in REGIONS:
        rows.append({"territory_id": region, "level": "region", "parent_id": "X",
                     "region_id": region, "population": population, "density_class": None,
                     "overseas": overseas})
        rows.append({"territory_id": f"{region}-c", "level": "commune", "parent_id": region,
                     "region_id": region, "population": population, "density_class": density,
                     "overseas": overseas})
    return [{**row, "code": row["territory_id"], "name": row["territory_id"],
             "name_key": row["territory_id"].lower(), "country_code": "XX",
             "metropolis_id": None, "source_id": "test"} for row in rows]


@pytest.fixture()
def store(tmp_path):
    awards = [award(f"a{i}", amount, f"{region}-c")
              for i, (region, _, _, _, amount) in enumerate(REGIONS)]
    with tiny_store(tmp_path, territories=_territories(), awards=awards) as s:
        yield s


MONEY = [r[4] for r in REGIONS]
POPULATION = [r[1] for r in REGIONS]
IDS = [r[0] for r in REGIONS]


def test_gini_and_theil_equal_the_catalogue(store) -> None:
    engine = Engine.duckdb(store)
    cut = Cut(level="country")
    catalogue_gini = values(compute(engine, "gini_support_per_inhabitant", cut))["X"]
    catalogue_theil = values(compute(engine, "theil_support_per_inhabitant", cut))["X"]
    assert equity.gini(MONEY, POPULATION, IDS) == pytest.approx(catalogue_gini, rel=1e-12)
    assert equity.theil(MONEY, POPULATION, IDS) == pytest.approx(catalogue_theil, rel=1e-12)
    # by hand: y = 0.9 (A), 0.8 (B), 1.1 (C) € per inhabitant, ȳ = 3,600 / 4,000 = 0.9;
    # Σ_i Σ_j p_i p_j |y_i − y_j| = 2 × (1,000 × 2,000 × 0.1 + 1,000 × 1,000 × 0.2
    #   + 2,000 × 1,000 × 0.3) = 2 × 1,000,000 = 2,000,000; G = 2,000,000 / (2 × 4,000² × 0.9)
    assert catalogue_gini == pytest.approx(2_000_000 / (2 * 4000**2 * 0.9))
    # T = Σ s ln(s / p): s = 9/36, 16/36, 11/36; p = 1/4, 2/4, 1/4
    by_hand = sum(s * math.log(s / p) for s, p in
                  [(9 / 36, 1 / 4), (16 / 36, 2 / 4), (11 / 36, 1 / 4)])
    assert catalogue_theil == pytest.approx(by_hand)


def test_overseas_share_equals_the_catalogue(store) -> None:
    frame = compute(Engine.duckdb(store), "fragile_share", Cut(level="country"))
    overseas = frame.filter(frame["category"] == "overseas").row(0, named=True)
    share, population_share, ratio = equity.group_share(MONEY, POPULATION,
                                                        [r[2] for r in REGIONS])
    # 1,100 of 3,600 € to the overseas region, which holds 1,000 of 4,000 inhabitants
    assert share == pytest.approx(overseas["value"]) == pytest.approx(11 / 36)
    assert population_share == pytest.approx(overseas["population_share"]) == 0.25
    assert ratio == pytest.approx(overseas["ratio"])


def test_hand_computed_small_cases() -> None:
    # the catalogue test's case: 600 inh. with 800 €, 400 inh. with 800 € → G = 0.1
    assert equity.gini([800, 800], [600, 400]) == pytest.approx(0.1)
    # T = 0.5 ln(0.5 / 0.6) + 0.5 ln(0.5 / 0.4) = 0.5 ln(25 / 24)
    assert equity.theil([800, 800], [600, 400]) == pytest.approx(0.5 * math.log(25 / 24))
    # money following population exactly: both 0; no money at all: unknown
    assert equity.gini([100, 200], [1, 2]) == pytest.approx(0)
    assert equity.theil([100, 200], [1, 2]) == pytest.approx(0)
    assert equity.gini([0, 0], [1, 2]) is None and equity.theil([0, 0], [1, 2]) is None
    # a Region of unknown population is left out, not counted as 0 inhabitants
    assert equity.gini([800, 800, 5], [600, 400, None]) == pytest.approx(0.1)


def test_facts_from_the_store(store) -> None:
    facts = facts_from_store(store)
    assert set(facts) == set(IDS)
    a, c = facts["X-RA"], facts["X-RC"]
    assert (a.population, a.overseas, a.class_share(("rural", "remote_rural"))) == (1000, False, 1)
    assert (c.overseas, c.class_share(("rural",)), c.class_people(("intermediate",))) == (
        True, 0, 1000)
