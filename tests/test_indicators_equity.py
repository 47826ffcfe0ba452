"""Territorial equity: Gini and Theil of support per inhabitant across sub-territories, share of
support to fragile territories, on hand-made stores (territory tree in indicator_data.py).

The tree is the default one plus X-CA1a-1, a municipal arrondissement of the city X-CA1a (150 of
its 400 inhabitants; parent: the department X-DA1; `city_of` alias: X-CA1a), as Paris, Lyon and
Marseille have. It must never be counted beside its city.
"""

from __future__ import annotations

import math

import pytest
from indicator_data import award, both, territory_rows, tiny_store, values

from cineatlas.indicators import Cut


def _territories(**changes: dict) -> list[dict]:
    """The default tree plus the arrondissement X-CA1a-1, with some rows changed."""
    city = next(r for r in territory_rows() if r["territory_id"] == "X-CA1a")
    arrondissement = {**city, "territory_id": "X-CA1a-1", "code": "X-CA1a-1",
                      "name": "Terr X-CA1a-1", "name_key": "x-ca1a-1", "population": 150}
    rows = [*territory_rows(), arrondissement]
    return [{**row, **changes.get(row["territory_id"], {})} for row in rows]


ALIASES = [{"alias_key": "X-CA1a", "kind": "city_of", "territory_id": "X-CA1a-1"}]

AWARDS = [
    award("g1", 300_00, "X-CA1a"),
    award("g2", 100_00, "X-CA1a-1"),  # the arrondissement: counts for its city X-CA1a
    award("g3", 200_00, "X-CA1b"),
    award("g4", 800_00, "X-CB1a"),
    award("g5", 200_00, "X-RA"),      # only the region is known
    award("g6", None, "X-CA2a"),      # unknown amount: X-CA2a (and X-DA2) stay known zeros
]


@pytest.fixture()
def store(tmp_path):
    with tiny_store(tmp_path, territories=_territories(), territory_aliases=ALIASES,
                    awards=AWARDS) as s:
        yield s


def gini(pairs: list[tuple[float, float]]) -> float:
    """Population-weighted Gini by its definition, Σ_i Σ_j p_i p_j |y_i − y_j| / (2 P² ȳ),
    from (population, money) pairs: an independent check of the hand-computed values."""
    total_p = sum(p for p, _ in pairs)
    mean = sum(x for _, x in pairs) / total_p
    pairwise = sum(pi * pj * abs(xi / pi - xj / pj) for pi, xi in pairs for pj, xj in pairs)
    return pairwise / (2 * total_p**2 * mean)


# -- Gini -----------------------------------------------------------------------------------

def test_gini_by_country_region_department(store) -> None:
    country = both(store, "gini_support_per_inhabitant", Cut(level="country"))
    # X: children X-RA (600 inh., 300 + 100 + 200 + 200 = 800 €, 4/3 € per inh.) and X-RB (400,
    # 800 €, 2 €); the metropolis X-MET is not a child. P = 1,000, ȳ = 1,600 / 1,000 = 1.6
    # G = 2 × 600 × 400 × |2 − 4/3| / (2 × 1,000² × 1.6) = 320,000 / 3,200,000 = 0.1
    assert values(country) == {"X": pytest.approx(0.1)}
    assert gini([(600, 800), (400, 800)]) == pytest.approx(0.1)
    x = country.row(0, named=True)
    assert (x["numerator"], x["denominator"], x["subterritories"], x["excluded_subterritories"],
            x["population_coverage"]) == (1600.0, 1000.0, 2, 0, 1.0)

    regions = both(store, "gini_support_per_inhabitant", Cut(level="region"))
    # X-RA: X-DA1 (500 inh., 600 €, 1.2 €) and X-DA2 (100 inh., no award: a known 0); g5, placed
    # at the region only, is left out. ȳ = 600 / 600 = 1
    # G = 2 × 500 × 100 × 1.2 / (2 × 600² × 1) = 120,000 / 720,000 = 1/6
    # X-RB: one child (X-DB1): 0
    assert values(regions) == {"X-RA": pytest.approx(1 / 6), "X-RB": 0.0}
    assert gini([(500, 600), (100, 0)]) == pytest.approx(1 / 6)
    ra = regions.filter(regions["territory_id"] == "X-RA").row(0, named=True)
    # coverage: g1, g2, g3 of g1, g2, g3, g5, g6 (g5: region only, g6: no amount)
    assert (ra["n"], ra["covered"]) == (5, 3)

    departments = both(store, "gini_support_per_inhabitant", Cut(level="department"))
    # X-DA1: X-CA1a (400 inh., 300 + 100 of its arrondissement = 400 €, 1 €) and X-CA1b (100,
    # 200 €, 2 €); the arrondissement is not a third child. ȳ = 600 / 500 = 1.2
    # G = 2 × 400 × 100 × 1 / (2 × 500² × 1.2) = 80,000 / 600,000 = 2/15
    # X-DB1: X-CB1a (300 inh., 800 €) and X-CB1b (100, 0 €): ȳ = 2
    # G = 2 × 300 × 100 × 8/3 / (2 × 400² × 2) = 160,000 / 640,000 = 0.25
    # X-DA2 has no award of known amount: no row
    assert values(departments) == {"X-DA1": pytest.approx(2 / 15), "X-DB1": pytest.approx(0.25)}
    assert gini([(400, 400), (100, 200)]) == pytest.approx(2 / 15)
    da1 = departments.filter(departments["territory_id"] == "X-DA1").row(0, named=True)
    assert (da1["subterritories"], da1["population_coverage"]) == (2, 1.0)


def test_gini_leaves_out_subterritories_of_unknown_population(tmp_path) -> None:
    territories = _territories(**{"X-DA2": {"population": None}})
    awards = [*AWARDS, award("g7", 50_00, "X-CA2a")]
    with tiny_store(tmp_path, territories=territories, territory_aliases=ALIASES,
                    awards=awards) as s:
        regions = both(s, "gini_support_per_inhabitant", Cut(level="region"))
    ra = regions.filter(regions["territory_id"] == "X-RA").row(0, named=True)
    # X-DA2 (population unknown) is left out with its award g7: X-DA1 alone -> 0
    assert ra["value"] == 0.0
    assert (ra["subterritories"], ra["excluded_subterritories"]) == (1, 1)
    assert ra["population_coverage"] == pytest.approx(500 / 600)
    # g5 (region only), g6 (no amount) and g7 (in X-DA2) are not covered: 3 of 6
    assert (ra["n"], ra["covered"]) == (6, 3)


def test_gini_by_year_counts_zeros_per_year(tmp_path) -> None:
    awards = [award("y1", 100_00, "X-DA1", fiscal_year=2020),
              award("y2", 500_00, "X-DA1", fiscal_year=2021),
              award("y3", 100_00, "X-DA2", fiscal_year=2021)]
    with tiny_store(tmp_path, awards=awards) as s:
        frame = both(s, "gini_support_per_inhabitant", Cut(level="region", by_year=True))
    got = dict(zip(frame["year"], frame["value"], strict=True))
    # 2020: X-DA1 (500 inh.) 100 €, X-DA2 (100) 0 € -> ȳ = 1/6
    #   G = 2 × 500 × 100 × 0.2 / (2 × 600² × 1/6) = 20,000 / 120,000 = 1/6
    # 2021: both 1 € per inhabitant -> 0
    assert got == {2020: pytest.approx(1 / 6), 2021: pytest.approx(0.0, abs=1e-12)}
    assert gini([(500, 100), (100, 0)]) == pytest.approx(1 / 6)


# -- Theil ----------------------------------------------------------------------------------

def test_theil_decomposes_exactly(store) -> None:
    country = both(store, "theil_support_per_inhabitant", Cut(level="country")).row(0, named=True)
    # X over its departments (the regions' children), grouped by region; g5 (region only) is
    # left out. Money: X-DA1 600, X-DA2 0, X-DB1 800 -> s = 3/7, 0, 4/7
    # population 500, 100, 400 of 1,000 -> p = 0.5, 0.1, 0.4
    total = 3 / 7 * math.log((3 / 7) / 0.5) + 4 / 7 * math.log((4 / 7) / 0.4)
    # between regions: X-RA s = 3/7, p = 0.6; X-RB s = 4/7, p = 0.4
    between = 3 / 7 * math.log((3 / 7) / 0.6) + 4 / 7 * math.log((4 / 7) / 0.4)
    # within: X-RA's Theil over its departments (X-DA1 has all of its money, 5/6 of its
    # people) = ln(6/5), weighted by s = 3/7; X-RB has one department: 0
    within = 3 / 7 * math.log(6 / 5)
    assert country["value"] == pytest.approx(total, rel=1e-12)
    assert country["theil_between"] == pytest.approx(between, rel=1e-12)
    assert country["theil_within"] == pytest.approx(within, rel=1e-12)
    assert country["theil_between"] + country["theil_within"] == pytest.approx(
        country["value"], rel=1e-12)
    assert (country["numerator"], country["denominator"]) == (1400.0, 1000.0)
    assert country["subterritories"] == 3
    assert (country["n"], country["covered"]) == (6, 4)

    regions = both(store, "theil_support_per_inhabitant", Cut(level="region"))
    ra = regions.filter(regions["territory_id"] == "X-RA").row(0, named=True)
    # X-RA over its communes (the arrondissement counts in its city), grouped by department:
    # X-CA1a 400 € (400 inh.), X-CA1b 200 € (100), X-CA2a 0 € (100): s = 2/3, 1/3, 0;
    # p = 2/3, 1/6, 1/6 -> T = 2/3 ln 1 + 1/3 ln 2 = ln(2) / 3
    assert ra["value"] == pytest.approx(math.log(2) / 3, rel=1e-12)
    # between departments: X-DA1 s = 1, p = 5/6 -> ln(6/5); within: X-DA1's communes
    # (s 2/3, 1/3; p 4/5, 1/5) = 2/3 ln(5/6) + 1/3 ln(5/3)
    assert ra["theil_between"] == pytest.approx(math.log(6 / 5), rel=1e-12)
    within_da1 = 2 / 3 * math.log(5 / 6) + 1 / 3 * math.log(5 / 3)
    assert ra["theil_within"] == pytest.approx(within_da1, rel=1e-12)
    assert ra["theil_between"] + ra["theil_within"] == pytest.approx(ra["value"], rel=1e-12)
    assert (ra["subterritories"], ra["population_coverage"]) == (3, 1.0)

    departments = both(store, "theil_support_per_inhabitant", Cut(level="department"))
    da1 = departments.filter(departments["territory_id"] == "X-DA1").row(0, named=True)
    # a department's communes have no children: each is its own group; all is "between"
    assert da1["value"] == pytest.approx(within_da1, rel=1e-12)
    assert da1["theil_between"] == pytest.approx(within_da1, rel=1e-12)
    assert da1["theil_within"] == pytest.approx(0.0, abs=1e-15)


def test_theil_is_zero_when_support_follows_population(tmp_path) -> None:
    # 1 € per inhabitant in every commune
    awards = [award(f"p{i}", pop * 100, commune) for i, (commune, pop) in enumerate(
        [("X-CA1a", 400), ("X-CA1b", 100), ("X-CA2a", 100), ("X-CB1a", 300), ("X-CB1b", 100)])]
    with tiny_store(tmp_path, awards=awards) as s:
        frame = both(s, "theil_support_per_inhabitant", Cut(level="region"))
        gini_frame = both(s, "gini_support_per_inhabitant", Cut(level="country"))
    for row in frame.iter_rows(named=True):
        assert row["value"] == pytest.approx(0.0, abs=1e-12)
        assert row["theil_between"] == pytest.approx(0.0, abs=1e-12)
    assert gini_frame["value"][0] == pytest.approx(0.0, abs=1e-12)


# -- fragile territories --------------------------------------------------------------------

@pytest.fixture()
def fragile(tmp_path):
    awards = [
        award("f1", 500_00, "X-CA1a"),    # dense, mainland
        award("f2", 100_00, "X-CA1a-1"),  # its arrondissement: dense, mainland
        award("f3", 200_00, "X-CA1b"),    # rural
        award("f4", 100_00, "X-CB1b"),    # remote rural, overseas
        award("f5", 100_00, "X-CB1a"),    # intermediate, overseas
        award("f6", 300_00, "X-DA2"),     # department only: its commune (class) is unknown
    ]
    with tiny_store(tmp_path, territories=_territories(), territory_aliases=ALIASES,
                    awards=awards) as s:
        yield s


def test_fragile_share(fragile) -> None:
    frame = both(fragile, "fragile_share", Cut(level="country"))
    got = {r["category"]: r for r in frame.iter_rows(named=True)}
    # money with a known commune: 500 + 100 + 200 + 100 + 100 = 1,000 € (f6 left out)
    # population of the communes (arrondissement excluded): 400 + 100 + 100 + 300 + 100 = 1,000
    # rural: 200 + 100 = 300 € -> 0.3; population 100 + 100 + 100 = 300 -> 0.3; ratio 1
    rural = got["rural"]
    assert (rural["numerator"], rural["denominator"]) == (300.0, 1000.0)
    assert (rural["value"], rural["population_share"], rural["ratio"]) == pytest.approx(
        (0.3, 0.3, 1.0))
    # overseas: 100 + 100 = 200 € -> 0.2; population 300 + 100 = 400 -> 0.4; ratio 0.5
    overseas = got["overseas"]
    assert (overseas["value"], overseas["population_share"], overseas["ratio"]) == pytest.approx(
        (0.2, 0.4, 0.5))
    assert (rural["n"], rural["covered"]) == (6, 5)

    regions = both(fragile, "fragile_share", Cut(level="region"))
    by = {(r["territory_id"], r["category"]): r for r in regions.iter_rows(named=True)}
    # X-RA: 800 € known (f1, f2, f3), rural 200 -> 0.25; rural population 200 of 600 -> 1/3;
    # ratio 0.75. No overseas commune: share 0, population share 0, no ratio
    assert by[("X-RA", "rural")]["value"] == pytest.approx(0.25)
    assert by[("X-RA", "rural")]["population_share"] == pytest.approx(1 / 3)
    assert by[("X-RA", "rural")]["ratio"] == pytest.approx(0.75)
    assert (by[("X-RA", "overseas")]["value"], by[("X-RA", "overseas")]["population_share"],
            by[("X-RA", "overseas")]["ratio"]) == (0.0, 0.0, None)
    # X-RB: f4, f5 -> rural 100 / 200 = 0.5 against 100 / 400 = 0.25 -> ratio 2; all overseas
    rb_rural, rb_overseas = by[("X-RB", "rural")], by[("X-RB", "overseas")]
    assert (rb_rural["value"], rb_rural["ratio"]) == pytest.approx((0.5, 2.0))
    assert (rb_overseas["value"], rb_overseas["ratio"]) == pytest.approx((1.0, 1.0))
    assert (by[("X-RA", "rural")]["n"], by[("X-RA", "rural")]["covered"]) == (4, 3)


def test_fragile_share_needs_communes_with_a_class(tmp_path) -> None:
    # a territory tree without density classes nor overseas flags (as Canada): no row
    territories = [{**row, "density_class": None, "overseas": None} for row in territory_rows()]
    with tiny_store(tmp_path, territories=territories, awards=[award("a", 100_00, "X-CA1a")]) as s:
        assert both(s, "fragile_share", Cut(level="country")).height == 0
