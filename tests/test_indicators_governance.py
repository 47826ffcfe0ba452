"""Commission composition and application pressure, on a hand-made store.

Funders: F-RA (based in region X-RA itself), F-RB (based in commune X-CB1a, so region X-RB),
F-DA2 (commune X-CA2a, region X-RA) and F-X (the country: no region)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from indicator_data import both, tiny_store, values

from cineatlas.indicators import Cut
from cineatlas.store import Store

FUNDERS = {"F-RA": "X-RA", "F-RB": "X-CB1a", "F-DA2": "X-CA2a", "F-X": "X"}


def organisations() -> list[dict]:
    return [{"organisation_id": oid, "name": oid, "name_key": oid.lower(), "is_funder": True,
             "kind": "public_body", "territory_id": territory}
            for oid, territory in FUNDERS.items()]


def member(commission: str, person: str, gender: str | None, profession: str | None,
           elected: bool | None) -> dict:
    return {"commission_id": commission, "person_id": person, "role": "member",
            "profession": profession, "is_elected_official": elected, "gender": gender}


@pytest.fixture()
def store(tmp_path) -> Iterator[Store]:
    commissions = [
        {"commission_id": "k1", "funder_id": "F-RA", "scheme_id": "s1", "name": "K1", "year": 2020},
        {"commission_id": "k2", "funder_id": "F-RA", "scheme_id": "s1", "name": "K2", "year": 2021},
        {"commission_id": "k3", "funder_id": "F-RB", "scheme_id": "s3", "name": "K3", "year": 2020},
        {"commission_id": "k4", "funder_id": "F-X", "scheme_id": "s5", "name": "K4", "year": 2020},
    ]
    members = [
        member("k1", "p1", "female", "author", False),
        member("k1", "p2", "male", "producer", False),
        member("k1", "p3", "female", "elected_official", True),
        member("k1", "p4", None, "director", False),
        member("k2", "p1", "female", "author", False),      # p1 again, another year: 2 seats
        member("k2", "p5", "male", "elected_official", True),
        member("k2", "p6", None, None, None),                # nothing published
        member("k3", "p7", "female", "director", False),
        member("k3", "p8", None, "technician", None),
        member("k4", "p9", "male", "civil_servant", False),
    ]
    stats = [
        # funder, scheme, year, applications received, awarded
        ("F-RA", "s1", 2020, 100, 20),
        ("F-RA", "s1", 2021, 50, 10),
        ("F-RA", "s2", 2020, 30, None),     # awards unknown: left out
        ("F-RA", "s2", 2021, 50, 20),
        ("F-DA2", "s6", 2020, 5, 0),        # region X-RA too, department X-DA2
        ("F-RB", "s3", 2020, None, 5),      # applications unknown: left out
        ("F-RB", "s3", 2021, 40, 8),
        ("F-RB", "s4", 2021, 20, 2),
        ("F-X", "s5", 2020, 10, 0),
    ]
    stat_rows = [{"funder_id": f, "scheme_id": s, "year": y, "applications_received": r,
                  "applications_awarded": a} for f, s, y, r, a in stats]
    with tiny_store(tmp_path, organisations=organisations(), commissions=commissions,
                    commission_members=members, application_stats=stat_rows) as s:
        yield s


def one(frame: pl.DataFrame, territory: str) -> dict:
    rows = frame.filter(pl.col("territory_id") == territory)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# -- commissions --------------------------------------------------------------------------


def test_commission_women_share(store) -> None:
    frame = both(store, "commission_women_share", Cut(level="region"))
    # X-RA (k1, k2): gender known on 5 seats: p1 f, p2 m, p3 f (k1), p1 f, p5 m (k2)
    # → women 3 / 5 (p1 counts once per commission)
    # X-RB (k3): p7 f known, p8 unknown → 1 / 1; k4 belongs to the country, no region
    assert values(frame) == {"X-RA": 0.6, "X-RB": 1.0}
    ra, rb = one(frame, "X-RA"), one(frame, "X-RB")
    assert (ra["n"], ra["covered"], ra["commissions"]) == (7, 5, 2)
    assert not ra["low_coverage"]            # 5 / 7 = 0.714
    assert (rb["n"], rb["covered"], rb["coverage"], rb["low_coverage"]) == (2, 1, 0.5, True)
    assert ra["money_coverage"] is None and ra["currency"] is None  # no money here
    # by year: 2020 k1 → 2 / 3; 2021 k2 → 1 / 2
    by_year = both(store, "commission_women_share",
                   Cut(level="region", territories=("X-RA",), by_year=True))
    assert values(by_year, by="year") == {2020: pytest.approx(2 / 3), 2021: 0.5}
    # the country counts every commission: known 5 + 1 (p7 f) + 1 (p9 m) = 7, women 3 + 1 = 4
    country = one(both(store, "commission_women_share", Cut(level="country")), "X")
    assert country["value"] == pytest.approx(4 / 7)
    assert (country["n"], country["covered"], country["commissions"]) == (10, 7, 4)


def test_commission_professions(store) -> None:
    frame = both(store, "commission_professions", Cut(level="region"))
    ra = frame.filter(pl.col("territory_id") == "X-RA")
    # X-RA: profession known on 6 seats (p6 has none): author p1 × 2, producer p2,
    # elected_official p3 and p5, director p4
    assert values(ra, by="category") == {"author": pytest.approx(2 / 6),
                                         "director": pytest.approx(1 / 6),
                                         "elected_official": pytest.approx(2 / 6),
                                         "producer": pytest.approx(1 / 6)}
    assert set(ra["denominator"]) == {6.0} and set(ra["covered"]) == {6}
    assert sum(ra["value"]) == pytest.approx(1.0)
    rb = frame.filter(pl.col("territory_id") == "X-RB")
    assert values(rb, by="category") == {"director": 0.5, "technician": 0.5}


def test_commission_elected_share(store) -> None:
    frame = both(store, "commission_elected_share", Cut(level="region"))
    # X-RA: known on 6 seats (p6 unknown): elected p3 and p5 → 2 / 6
    # X-RB: p7 not elected, p8 unknown → 0 / 1, a real zero, on half the seats: flagged
    assert values(frame) == {"X-RA": pytest.approx(1 / 3), "X-RB": 0.0}
    assert one(frame, "X-RB")["low_coverage"]
    # the funder filter applies to commissions
    only_rb = both(store, "commission_elected_share", Cut(level="country", funders=("F-RB",)))
    assert values(only_rb) == {"X": 0.0}


# -- applications -------------------------------------------------------------------------


def test_applications_per_award_and_success_rate(store) -> None:
    per_award = both(store, "applications_per_award", Cut(level="region"))
    success = both(store, "success_rate", Cut(level="region"))
    # X-RA, scheme-years with both counts: s1 2020 100/20, s1 2021 50/10, s2 2021 50/20,
    # s6 2020 5/0 → received 100 + 50 + 50 + 5 = 205, awarded 20 + 10 + 20 + 0 = 50
    # X-RB: s3 2021 40/8, s4 2021 20/2 → 60 received, 10 awarded
    assert values(per_award) == {"X-RA": 205 / 50, "X-RB": 6.0}
    assert values(success) == {"X-RA": 50 / 205, "X-RB": pytest.approx(1 / 6)}
    ra, rb = one(per_award, "X-RA"), one(success, "X-RB")
    assert (ra["numerator"], ra["denominator"]) == (205.0, 50.0)
    # coverage: X-RA 4 of 5 scheme-years (s2 2020 lacks awards) = 0.8;
    # X-RB 2 of 3 (s3 2020 lacks applications) → flagged
    assert (ra["n"], ra["covered"], ra["low_coverage"]) == (5, 4, False)
    assert (rb["n"], rb["covered"], rb["low_coverage"]) == (3, 2, True)


def test_applications_without_awards_and_years(store) -> None:
    # department X-DA2 (F-DA2): 5 applications, 0 awards → no ratio (nothing to divide by),
    # a success rate of 0
    dept = {"level": "department", "territories": ("X-DA2",)}
    assert values(both(store, "applications_per_award", Cut(**dept))) == {"X-DA2": None}
    assert values(both(store, "success_rate", Cut(**dept))) == {"X-DA2": 0.0}
    # country, 2021 only: s1 50/10, s2 50/20, s3 40/8, s4 20/2 → 160 / 40 = 4
    only_2021 = both(store, "applications_per_award", Cut(level="country", years=(2021, 2021)))
    assert values(only_2021) == {"X": 4.0}
    # whole country: 205 + 60 + 10 (F-X s5) = 275 received, 50 + 10 + 0 = 60 awarded
    country = both(store, "success_rate", Cut(level="country"))
    assert values(country) == {"X": pytest.approx(60 / 275)}


# -- nothing known: a row of unknown value, with its coverage --------------------------------


@pytest.fixture()
def unknown_store(tmp_path) -> Iterator[Store]:
    """F-RB's commission publishes no gender, profession or elected status; its one scheme
    publishes applications without awards. F-RA governs region X-RA from a seat in X-CA1a."""
    orgs = organisations()
    for org in orgs:
        if org["organisation_id"] == "F-RA":
            org.update(territory_id="X-CA1a", governed_territory_id="X-RA")
    commissions = [
        {"commission_id": "k1", "funder_id": "F-RA", "scheme_id": "s1", "name": "K1", "year": 2020},
        {"commission_id": "k3", "funder_id": "F-RB", "scheme_id": "s3", "name": "K3", "year": 2020},
    ]
    members = [member("k1", "p1", "female", "author", False),
               member("k1", "p2", None, None, None),
               *(member("k3", f"q{i}", None, None, None) for i in range(3))]
    stats = [{"funder_id": "F-RB", "scheme_id": "s3", "year": 2020,
              "applications_received": 40, "applications_awarded": None}]
    with tiny_store(tmp_path, organisations=orgs, commissions=commissions,
                    commission_members=members, application_stats=stats) as s:
        yield s


def test_nothing_known_gives_a_row_of_unknown_value(unknown_store) -> None:
    for indicator in ("commission_women_share", "commission_elected_share",
                      "commission_professions"):
        frame = both(unknown_store, indicator, Cut(level="region"))
        rb = one(frame, "X-RB")
        # "3 seats, 0 known": no value, never a zero, and flagged
        assert (rb["value"], rb["n"], rb["covered"], rb["coverage"]) == (None, 3, 0, 0.0)
        assert rb["low_coverage"] and rb["category"] is None
        assert rb["denominator"] == 0.0
    women = one(both(unknown_store, "commission_women_share", Cut(level="region")), "X-RA")
    assert (women["value"], women["n"], women["covered"]) == (1.0, 2, 1)
    for indicator in ("applications_per_award", "success_rate"):
        rb = one(both(unknown_store, indicator, Cut(level="region")), "X-RB")
        assert (rb["value"], rb["numerator"], rb["denominator"]) == (None, None, None)
        assert (rb["n"], rb["covered"], rb["low_coverage"]) == (1, 0, True)


def test_a_funder_counts_for_the_territory_it_governs(unknown_store) -> None:
    # F-RA sits in commune X-CA1a (department X-DA1) but governs region X-RA: its commission
    # counts for the region, not for the department of its seat
    regions = both(unknown_store, "commission_women_share", Cut(level="region"))
    assert set(regions["territory_id"]) == {"X-RA", "X-RB"}
    departments = both(unknown_store, "commission_women_share", Cut(level="department"))
    assert set(departments["territory_id"]) == {"X-DB1"}  # F-RB: no governed territory, its seat


def test_name_matches_need_a_published_list(store) -> None:
    # no award of these funders names anyone: no list to compare the members with, so the
    # share is unknown (not 0) and no name is listed
    frame = both(store, "commission_talent_match_share", Cut(level="region"))
    ra = one(frame, "X-RA")
    assert (ra["value"], ra["n"], ra["covered"], ra["low_coverage"]) == (None, 7, 0, True)
    assert both(store, "commission_talent_matches", Cut(level="region")).is_empty()
