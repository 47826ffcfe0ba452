"""Concentration of beneficiaries (HHI, top-5 share), metropolis share and local initiative,
on hand-made stores (territory tree in indicator_data.py)."""

from __future__ import annotations

import pytest
from indicator_data import award, both, territory_rows, tiny_store, values

from cineatlas.indicators import Cut


def _territories(**changes: dict) -> list[dict]:
    """The default tiny tree with some rows changed ({territory_id: {column: value}})."""
    return [{**row, **changes.get(row["territory_id"], {})} for row in territory_rows()]


# -- concentration --------------------------------------------------------------------------

@pytest.fixture()
def concentration(tmp_path):
    awards = [
        # region X-RA: b1 400 + 200 = 600, b2 300, b3 100 -> 1,000 €
        award("c1", 400_00, "X-CA1a", beneficiary_id="b1"),
        award("c2", 200_00, "X-CA1a", beneficiary_id="b1"),
        award("c3", 300_00, "X-CA1b", beneficiary_id="b2"),
        award("c4", 100_00, "X-CA2a", beneficiary_id="b3"),
        # region X-RB: b4 200, b5 200, b6 100 -> 500 €; c8 has no known beneficiary
        award("c5", 200_00, "X-CB1a", beneficiary_id="b4"),
        award("c6", 200_00, "X-CB1b", beneficiary_id="b5"),
        award("c7", 100_00, "X-CB1a", beneficiary_id="b6"),
        award("c8", 500_00, "X-CB1a", beneficiary_id=None),
        # unknown amount: not counted
        award("c9", None, "X-CB1a", beneficiary_id="b6"),
    ]
    with tiny_store(tmp_path, awards=awards) as s:
        yield s


def test_hhi_by_region_and_country(concentration) -> None:
    frame = both(concentration, "beneficiary_hhi", Cut(level="region"))
    # X-RA: shares 60 %, 30 %, 10 % -> 60² + 30² + 10² = 3,600 + 900 + 100 = 4,600
    # X-RB: shares 40 %, 40 %, 20 % -> 1,600 + 1,600 + 400 = 3,600 (c8, no beneficiary, left out)
    assert values(frame) == pytest.approx({"X-RA": 4600.0, "X-RB": 3600.0})
    assert values(frame.with_columns(value="beneficiaries")) == {"X-RA": 3, "X-RB": 3}
    assert values(frame.with_columns(value="denominator")) == {"X-RA": 1000.0, "X-RB": 500.0}
    rb = frame.filter(frame["territory_id"] == "X-RB").row(0, named=True)
    # coverage of X-RB: c5, c6, c7 of c5..c9 (c8: no beneficiary, c9: no amount);
    # money: 500 of the 1,000 € known
    assert (rb["n"], rb["covered"]) == (5, 3)
    assert rb["money_coverage"] == pytest.approx(0.5) and rb["low_coverage"]

    country = both(concentration, "beneficiary_hhi", Cut(level="country"))
    # X: b1 600, b2 300, b3 100, b4 200, b5 200, b6 100 of 1,500 €
    # HHI = 10,000 × (600² + 300² + 100² + 200² + 200² + 100²) / 1,500²
    #     = 10,000 × 550,000 / 2,250,000 = 22,000 / 9 = 2,444.4
    assert values(country) == {"X": pytest.approx(22_000 / 9)}


def test_top5_share(concentration) -> None:
    frame = both(concentration, "beneficiary_top5_share", Cut(level="country"))
    # six beneficiaries: 600, 300, 200, 200, 100 (b3), 100 (b6); b3 and b6 tie for 5th place
    # (b3 is kept, by id; either way the top 5 hold 600 + 300 + 200 + 200 + 100 = 1,400 €)
    row = frame.row(0, named=True)
    assert row["value"] == pytest.approx(1400 / 1500)
    assert (row["numerator"], row["denominator"], row["beneficiaries"]) == (1400.0, 1500.0, 6)
    # three beneficiaries only in each region: the top 5 hold everything
    regions = both(concentration, "beneficiary_top5_share", Cut(level="region"))
    assert values(regions) == {"X-RA": 1.0, "X-RB": 1.0}


def test_concentration_by_year_and_currency(tmp_path) -> None:
    awards = [
        award("y1", 100_00, "X-CA1a", beneficiary_id="b1", fiscal_year=2020),
        award("y2", 100_00, "X-CA1a", beneficiary_id="b2", fiscal_year=2020),
        award("y3", 100_00, "X-CA1a", beneficiary_id="b1", fiscal_year=2021),
        award("y4", 900_00, "X-CA1a", beneficiary_id="b2", fiscal_year=2021, currency="CAD"),
    ]
    with tiny_store(tmp_path, awards=awards) as s:
        frame = both(s, "beneficiary_hhi", Cut(level="country", by_year=True))
    got = {(r["year"], r["currency"]): r["value"] for r in frame.iter_rows(named=True)}
    # 2020 EUR: 50 % / 50 % -> 2,500 + 2,500 = 5,000; 2021 EUR: b1 alone -> 10,000;
    # 2021 CAD: b2 alone -> 10,000 (currencies never mixed)
    assert got == {(2020, "EUR"): 5000.0, (2021, "CAD"): 10_000.0, (2021, "EUR"): 10_000.0}


def test_one_beneficiary_across_sources(tmp_path) -> None:
    # the same company imported from two sources: two organisation ids, one name_key
    organisations = [
        {"organisation_id": "s1/org/1", "name": "Films A Inc.", "name_key": "films a inc"},
        {"organisation_id": "s2/org/9", "name": "FILMS A INC", "name_key": "films a inc"},
        {"organisation_id": "s2/org/2", "name": "Films B", "name_key": "films b"},
    ]
    awards = [award("s1", 300_00, "X-CA1a", beneficiary_id="s1/org/1"),
              award("s2", 300_00, "X-CA1a", beneficiary_id="s2/org/9"),
              award("s3", 200_00, "X-CA1a", beneficiary_id="s2/org/2")]
    with tiny_store(tmp_path, organisations=organisations, awards=awards) as s:
        row = both(s, "beneficiary_hhi", Cut(level="country")).row(0, named=True)
    # Films A 600 (75 %), Films B 200 (25 %): 75² + 25² = 5,625 + 625 = 6,250
    assert (row["value"], row["beneficiaries"]) == (6250.0, 2)


# -- metropolis share -----------------------------------------------------------------------

@pytest.fixture()
def metropolis(tmp_path):
    # As Montréal's CMA inside Québec: the metropolis X-MET (X-DA1, 500 inhabitants) lies in
    # region X-RA (600), which is not itself a member of it.
    territories = _territories(**{"X-RA": {"metropolis_id": None}, "X-MET": {"parent_id": "X-RA"}})
    awards = [
        award("m1", 300_00, "X-CA1a"),   # in the metropolis
        award("m2", 100_00, "X-CA1b"),   # in
        award("m3", 200_00, "X-CA2a"),   # region X-RA, outside the metropolis
        award("m4", 400_00, "X-CB1a"),   # region X-RB, outside
        award("m5", 500_00, "X-RA"),     # only the region is known: may or may not be in it
        award("m6", 150_00, "X-DA1"),    # a department of the metropolis: in
        award("m7", 50_00, "X-MET"),     # the metropolis itself: in
        award("m8", None, "X-CA1a"),     # unknown amount
    ]
    with tiny_store(tmp_path, territories=territories, awards=awards) as s:
        yield s


def test_metropolis_share_in_its_region_and_country(metropolis) -> None:
    regions = both(metropolis, "metropolis_share", Cut(level="region"))
    # only X-RA contains the metropolis (X-RB has no row)
    ra = regions.row(0, named=True)
    assert (regions.height, ra["territory_id"], ra["category"]) == (1, "X-RA", "X-MET")
    # in: 300 + 100 + 150 + 50 = 600; outside: 200; m5 (region only) unknown
    # share = 600 / 800 = 0.75; population 500 / 600; ratio = 0.75 / (5/6) = 0.9
    assert (ra["numerator"], ra["denominator"]) == (600.0, 800.0)
    assert ra["value"] == pytest.approx(0.75)
    assert ra["population_share"] == pytest.approx(500 / 600)
    assert ra["ratio"] == pytest.approx(0.9)
    # coverage: m1, m2, m3, m6, m7 of m1, m2, m3, m5, m6, m7, m8; money 800 of 1,300 €
    assert (ra["n"], ra["covered"]) == (7, 5)
    assert ra["money_coverage"] == pytest.approx(800 / 1300)

    country = both(metropolis, "metropolis_share", Cut(level="country"))
    x = country.row(0, named=True)
    # in 600; outside 200 + 400 = 600 -> 0.5, against 500 / 1,000 inhabitants -> ratio 1
    assert (x["territory_id"], x["value"]) == ("X", 0.5)
    assert (x["population_share"], x["ratio"]) == (0.5, 1.0)
    assert (x["n"], x["covered"]) == (8, 6)


def test_metropolis_share_has_no_row_where_there_is_no_metropolis(metropolis) -> None:
    assert both(metropolis, "metropolis_share", Cut(level="department")).height == 0
    # the metropolis is not compared with itself
    assert both(metropolis, "metropolis_share", Cut(level="metropolis")).height == 0


def test_metropolis_share_unknown_populations(tmp_path) -> None:
    territories = _territories(**{"X": {"population": None}})
    with tiny_store(tmp_path, territories=territories, awards=[award("a", 100_00, "X-CA1a")]) as s:
        row = both(s, "metropolis_share", Cut(level="country")).row(0, named=True)
    # the money share is known (1.0), the population share is not: no ratio
    assert (row["value"], row["population_share"], row["ratio"]) == (1.0, None, None)


# -- local initiative -----------------------------------------------------------------------

@pytest.fixture()
def funders(tmp_path):
    # X-CA1a-1: a municipal arrondissement of the city X-CA1a (its parent is the department,
    # its city is given by a `city_of` alias, as for Paris, Lyon and Marseille)
    territories = territory_rows() + [{
        **territory_rows()[6], "territory_id": "X-CA1a-1", "code": "X-CA1a-1",
        "name": "Terr X-CA1a-1", "name_key": "x-ca1a-1", "population": 150}]
    aliases = [{"alias_key": "X-CA1a", "kind": "city_of", "territory_id": "X-CA1a-1"}]
    organisations = [
        {"organisation_id": "f-reg", "name": "Région A", "name_key": "region a", "is_funder": True,
         "territory_id": "X-RA"},
        {"organisation_id": "f-nat", "name": "Fonds national", "name_key": "fonds national",
         "is_funder": True, "territory_id": "X"},
        {"organisation_id": "f-dep", "name": "Département B1", "name_key": "departement b1",
         "is_funder": True, "territory_id": "X-DB1"},
        {"organisation_id": "f-city", "name": "Ville A", "name_key": "ville a", "is_funder": True,
         "territory_id": "X-CA1a"},
        {"organisation_id": "f-none", "name": "Fondation", "name_key": "fondation",
         "is_funder": True, "territory_id": None},
    ]
    awards = [
        # Région A (X-RA)
        award("l1", 300_00, "X-CA1a", funder_id="f-reg"),    # inside
        award("l2", 100_00, "X-DA2", funder_id="f-reg"),     # inside (a department of it)
        award("l3", 200_00, "X-CB1a", funder_id="f-reg"),    # outside
        award("l4", 400_00, "X", funder_id="f-reg"),         # only the country: unknown
        award("l5", 250_00, None, funder_id="f-reg", beneficiary_country_code="YY"),  # abroad
        award("l6", 50_00, None, funder_id="f-reg"),         # nowhere known: unknown
        # Fonds national (X)
        award("l7", 1000_00, "X-CB1b", funder_id="f-nat"),   # inside
        award("l8", 500_00, "X", funder_id="f-nat"),         # its own territory: inside
        award("l9", 300_00, None, funder_id="f-nat", beneficiary_country_code="YY"),  # abroad
        # Département B1 (X-DB1)
        award("l10", 100_00, "X-CB1a", funder_id="f-dep"),   # inside
        award("l11", 300_00, "X-RB", funder_id="f-dep"),     # the region only: unknown
        # Ville A (X-CA1a)
        award("l12", 80_00, "X-CA1a-1", funder_id="f-city"),  # its arrondissement: inside
        award("l13", 20_00, "X-CA1b", funder_id="f-city"),    # outside
        # a funder with no territory: no row anywhere
        award("l14", 70_00, "X-CA1a", funder_id="f-none"),
    ]
    with tiny_store(tmp_path, territories=territories, territory_aliases=aliases,
                    organisations=organisations, awards=awards) as s:
        yield s


def test_local_initiative_by_region(funders) -> None:
    frame = both(funders, "local_initiative", Cut(level="region"))
    got = {(r["territory_id"], r["category"]): r for r in frame.iter_rows(named=True)}
    # the national fund has no region; each other funder sits in its own territory's region
    assert set(got) == {("X-RA", "Région A"), ("X-RA", "Ville A"), ("X-RB", "Département B1")}
    region = got[("X-RA", "Région A")]
    # inside: 300 + 100; outside: 200 (X-CB1a) + 250 (abroad); l4, l6 unknown
    assert (region["numerator"], region["denominator"]) == (400.0, 850.0)
    assert region["value"] == pytest.approx(400 / 850)
    assert region["funder_territory_id"] == "X-RA"
    # Ville A: 80 to its arrondissement inside, 20 outside -> 0.8
    assert got[("X-RA", "Ville A")]["value"] == pytest.approx(0.8)
    assert got[("X-RA", "Ville A")]["funder_territory_id"] == "X-CA1a"
    # Département B1: 100 inside, l11 unknown -> 1.0 (placed in X-RB, its funder territory X-DB1)
    assert got[("X-RB", "Département B1")]["value"] == 1.0
    assert got[("X-RB", "Département B1")]["funder_territory_id"] == "X-DB1"
    # coverage is the unit's, all funders together: X-RA l1..l6, l12, l13 -> 6 of 8 known
    assert (region["n"], region["covered"]) == (8, 6)
    department = got[("X-RB", "Département B1")]
    assert (department["n"], department["covered"]) == (2, 1)


def test_local_initiative_at_country_level(funders) -> None:
    frame = both(funders, "local_initiative", Cut(level="country"))
    # the national fund: inside 1,000 + 500, outside 300 (abroad) -> 1,500 / 1,800
    assert values(frame, by="category") == pytest.approx({
        "Département B1": 1.0, "Fonds national": 1500 / 1800, "Région A": 400 / 850,
        "Ville A": 0.8})
    assert set(frame["territory_id"]) == {"X"}
    # funder filter
    only = both(funders, "local_initiative", Cut(level="country", funders=("f-nat",)))
    assert values(only, by="category") == {"Fonds national": pytest.approx(1500 / 1800)}
