"""Commission indicators, support by funder level and the publication indicator on a small
hand-made store, every expected figure worked out by hand below.

Territories are the tiny ones of indicator_data (country X, regions X-RA and X-RB, départements
X-DA1, X-DA2, X-DB1), here in France (country code FR) so that the publication grid applies.

Funders: F-X (national, governs X), F-RA (regional, governs X-RA from a seat in commune
X-CA1a), F-DB1 (departmental, governs X-DB1, publishes nothing), F-U (no level known, in X-RA).

Sessions of F-RA (scheme S is a fund, S-part a part of it, T another fund):

    c1  S  2019-01-10  p1 (chair), p2
    c2  S  2019-06-01  p1, p3, p5            no chair
    c3  S  2020 (undated)  p4 (chair), p2, p5, p6
    c4  S  2020-10-01  nobody published      composition unknown
    cT  T  2020-02-01  p3, p5                 no chair

Awards (beneficiary territory in brackets):

    a1  F-RA  S-part  c2    2019  100.01  b1 [X-CA1a]  credits q1 'Anne DUPONT' (= p1's name)
    a2  F-RA  S       c4    2020  300.00  b2 [X-CB1a]  credits p2
    a3  F-RA  T       —     2020  200.00  b1 [X-CA1a]  credits q3 'Chloé Petit' (= p3's name)
    a4  F-RA  S       c1    2019  400.00  b2 [X-CB1a]
    a5  F-RA  S       c1    2019  unknown b2 [X-CB1a]
    a6  F-X   U       —     2020   50.00  b2 [X-CB1a]  credits p4 (another funder's scheme)
    a7  F-RA  S       c3    2020  250.00  b3 [X-CA2a]
    a8  F-U   —       —     2020  500.00  b3 [X-CA2a]
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from indicator_data import award, both, territory_rows, tiny_store

from cineatlas.indicators import Cut, Engine, registry
from cineatlas.indicators.query import Query
from cineatlas.store import Store

REGION = Cut(level="region")


def org(oid: str, territory: str | None, level: str | None = None,
        governed: str | None = None, fictitious: bool = False) -> dict:
    return {"organisation_id": oid, "name": oid, "name_key": oid.lower(), "is_funder": True,
            "kind": "public_body", "territory_id": territory, "funder_level": level,
            "governed_territory_id": governed, "fictitious": fictitious}


def session(cid: str, scheme: str, year: int, date: str | None) -> dict:
    return {"commission_id": cid, "funder_id": "F-RA", "scheme_id": scheme, "name": cid,
            "year": year, "session_date": date}


def seat(cid: str, person: str, role: str = "member") -> dict:
    return {"commission_id": cid, "person_id": person, "role": role}


PEOPLE = {"p1": "Anne Dupont", "p2": "Bruno Martin", "p3": "Chloé Petit", "p4": "Driss Haddad",
          "p5": "Eve Roux", "p6": "Farid Nour", "q1": "Anne DUPONT", "q3": "Chloé Petit"}
KEYS = {"Anne Dupont": "anne dupont", "Anne DUPONT": "anne dupont", "Bruno Martin": "bruno martin",
        "Chloé Petit": "chloe petit", "Driss Haddad": "driss haddad", "Eve Roux": "eve roux",
        "Farid Nour": "farid nour"}


@pytest.fixture()
def store(tmp_path) -> Iterator[Store]:
    territories = [{**t, "country_code": "FR"} for t in territory_rows()]
    orgs = [org("F-X", "X", "national", "X", fictitious=True),
            org("F-RA", "X-CA1a", "regional", "X-RA"),
            org("F-DB1", "X-DB1", "departmental", "X-DB1"),
            org("F-U", "X-CA1b")]
    schemes = [{"scheme_id": "S", "funder_id": "F-RA", "name": "S", "name_key": "s"},
               {"scheme_id": "S-part", "funder_id": "F-RA", "name": "S part", "name_key": "s p",
                "parent_scheme_id": "S"},
               {"scheme_id": "T", "funder_id": "F-RA", "name": "T", "name_key": "t"},
               {"scheme_id": "U", "funder_id": "F-X", "name": "U", "name_key": "u"}]
    commissions = [session("c1", "S", 2019, "2019-01-10"), session("c2", "S", 2019, "2019-06-01"),
                   session("c3", "S", 2020, None), session("c4", "S", 2020, "2020-10-01"),
                   session("cT", "T", 2020, "2020-02-01")]
    seats = [seat("c1", "p1", "chair"), seat("c1", "p2"),
             seat("c2", "p1"), seat("c2", "p3"), seat("c2", "p5"),
             seat("c3", "p4", "chair"), seat("c3", "p2"), seat("c3", "p5"), seat("c3", "p6"),
             seat("cT", "p3"), seat("cT", "p5")]
    people = [{"person_id": pid, "full_name": name, "name_key": KEYS[name]}
              for pid, name in PEOPLE.items()]
    awards = [
        award("a1", 100_01, "X-CA1a", funder_id="F-RA", scheme_id="S-part", commission_id="c2",
              fiscal_year=2019, beneficiary_id="b1"),
        award("a2", 300_00, "X-CB1a", funder_id="F-RA", scheme_id="S", commission_id="c4",
              beneficiary_id="b2"),
        award("a3", 200_00, "X-CA1a", funder_id="F-RA", scheme_id="T", beneficiary_id="b1"),
        award("a4", 400_00, "X-CB1a", funder_id="F-RA", scheme_id="S", commission_id="c1",
              fiscal_year=2019, beneficiary_id="b2"),
        award("a5", None, "X-CB1a", funder_id="F-RA", scheme_id="S", commission_id="c1",
              fiscal_year=2019, beneficiary_id="b2"),
        award("a6", 50_00, "X-CB1a", funder_id="F-X", scheme_id="U", beneficiary_id="b2",
              fictitious=True),
        award("a7", 250_00, "X-CA2a", funder_id="F-RA", scheme_id="S", commission_id="c3",
              beneficiary_id="b3"),
        award("a8", 500_00, "X-CA2a", funder_id="F-U", beneficiary_id="b3"),
    ]
    for a in awards:
        a.setdefault("fiscal_year", 2020)
        a.setdefault("fictitious", False)
    credits = [{"award_id": "a1", "person_id": "q1", "role": "talent"},
               {"award_id": "a2", "person_id": "p2", "role": "talent"},
               {"award_id": "a3", "person_id": "q3", "role": "talent"},
               {"award_id": "a6", "person_id": "p4", "role": "director"}]
    stats = [{"funder_id": "F-X", "scheme_id": "U", "year": 2020,
              "applications_received": 10, "applications_awarded": None, "fictitious": True}]
    with tiny_store(tmp_path, territories=territories, organisations=orgs, schemes=schemes,
                    commissions=commissions, commission_members=seats, people=people,
                    awards=awards, award_people=credits, application_stats=stats) as s:
        yield s


def one(frame: pl.DataFrame, **where) -> dict:
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    assert frame.height == 1, frame
    return frame.row(0, named=True)


# -- sessions -------------------------------------------------------------------------------


def test_members_per_session_and_chairs(store) -> None:
    # sizes 2, 3, 4, 2 (c4 publishes nobody: not counted, lowers the coverage)
    ra = one(both(store, "commission_members_per_session", REGION), territory_id="X-RA")
    assert (ra["numerator"], ra["denominator"], ra["value"]) == (11, 4, 2.75)
    assert (ra["median"], ra["min_seats"], ra["max_seats"]) == (2.5, 2, 4)
    assert (ra["n"], ra["covered"]) == (5, 4)
    # chairs: c1 and c3 of the four composed sessions
    chairs = one(both(store, "commission_chair_share", REGION), territory_id="X-RA")
    assert (chairs["numerator"], chairs["denominator"], chairs["value"]) == (2, 4, 0.5)
    # 2020: c3 (chair), cT (none), c4 (unknown)
    by_year = both(store, "commission_chair_share", Cut(level="region", by_year=True))
    y2020 = one(by_year, year=2020)
    assert (y2020["value"], y2020["n"], y2020["covered"]) == (0.5, 3, 2)
    # a session without members only: a row of unknown value, never a zero
    only_c4 = both(store, "commission_members_per_session",
                   Cut(level="region", years=(2020, 2020), schemes=("S",)))
    # c3 (4) and c4 (unknown)
    assert one(only_c4, territory_id="X-RA")["value"] == 4.0
    sizes = both(store, "commission_members_per_session", Cut(level="country", by_year=True))
    assert [r["median"] for r in sizes.sort("year").iter_rows(named=True)] == [2.5, 3.0]


def test_each_members_number_of_sessions_and_renewal(store) -> None:
    frame = both(store, "commission_member_sessions", REGION)
    # p4, p6 once; p1, p2, p3 twice; p5 three times (c2, c3, cT) — 11 seats, 6 members
    got = {r["category"]: (r["numerator"], r["seats"], r["seat_share"])
           for r in frame.iter_rows(named=True)}
    assert got == {"1": (2, 2, 2 / 11), "2": (3, 6, 6 / 11), "3": (1, 3, 3 / 11)}
    assert set(frame["denominator"]) == {6.0}
    # newcomers: c1 and cT open their schemes (not counted); c2: p3, p5 new of 3; c3 (an
    # undated 2020 session, after c2): p4, p6 new of 4 (p2 sat c1, p5 sat c2)
    renewal = one(both(store, "commission_newcomer_share", REGION), territory_id="X-RA")
    assert (renewal["numerator"], renewal["denominator"]) == (4, 7)
    assert (renewal["n"], renewal["covered"]) == (11, 7)
    by_year = both(store, "commission_newcomer_share", Cut(level="region", by_year=True))
    assert [(r["year"], r["numerator"], r["denominator"]) for r in by_year.iter_rows(named=True)] \
        == [(2019, 2, 3), (2020, 2, 4)]


def test_name_matches_to_check(store) -> None:
    share = one(both(store, "commission_talent_match_share", REGION), territory_id="X-RA")
    # p1 (a1: 'Anne DUPONT', another person row with the same name, of S through its part
    # S-part, decided by c2 where p1 sat), p2 (a2 of S, decided by c4 where p2 did not sit),
    # p3 (a3 of T, where p3 sat cT); p4 is credited on another funder's scheme: no match
    assert (share["numerator"], share["denominator"], share["same_session"]) == (3, 6, 1)
    listing = both(store, "commission_talent_matches", REGION)
    got = {r["category"]: (r["value"], r["sessions_sat"], r["awards_same_session"],
                           r["first_seat_year"], r["last_seat_year"], r["first_award_year"])
           for r in listing.iter_rows(named=True)}
    assert got == {"Anne Dupont": (1, 2, 1, 2019, 2019, 2019),
                   "Bruno Martin": (1, 2, 0, 2019, 2020, 2020),
                   "Chloé Petit": (1, 1, 0, 2020, 2020, 2020)}  # her seat in T only
    # the check query of the method page gives the same people, with their projects
    check = store.frame(registry.get("commission_talent_matches").check)
    assert sorted(set(check["member"])) == sorted(got)
    assert check.filter(pl.col("same_session"))["member"].to_list() == ["Anne Dupont"]


def test_amount_per_project_and_concentration(store) -> None:
    # awards decided in session: a1 100.01, a4 400, a7 250, a2 300 (a5: unknown amount;
    # a3, a6, a8: no session)
    frame = both(store, "commission_amount_per_project", REGION)
    ra = one(frame, territory_id="X-RA")
    assert (ra["numerator"], ra["denominator"], ra["projects"]) == (1050.01, 4, 4)
    assert ra["value"] == pytest.approx(262.5025)
    assert ra["median"] == 275.0  # (250 + 300) / 2
    assert (ra["n"], ra["covered"], ra["currency"]) == (5, 4, "EUR")
    by_year = both(store, "commission_amount_per_project", Cut(level="region", by_year=True))
    assert [(r["year"], r["median"]) for r in by_year.iter_rows(named=True)] == [
        (2019, 250.005), (2020, 275.0)]
    # b1 100.01, b2 700, b3 250: three beneficiaries, all in the top 5
    top5 = one(both(store, "commission_beneficiary_top5_share", REGION), territory_id="X-RA")
    assert (top5["value"], top5["beneficiaries"]) == (1.0, 3)
    hhi = one(both(store, "commission_beneficiary_hhi", REGION), territory_id="X-RA")
    total = 100.01 + 700 + 250
    assert hhi["value"] == pytest.approx(
        sum((100 * m / total) ** 2 for m in (100.01, 700, 250)))


# -- support by funder level -------------------------------------------------------------------


def test_support_by_funder_level(store) -> None:
    country = both(store, "support_by_funder_level", Cut(level="country"))
    got = {r["category"]: (r["value"], r["awards"], r["denominator"])
           for r in country.iter_rows(named=True)}
    # F-RA: 100.01 + 300 + 200 + 400 + 250 (a5 unknown); F-X 50; F-U (no level) left out
    assert got == {"national": (50.0, 1, 1300.01), "regional": (1250.01, 5, 1300.01)}
    x = one(country, category="regional")
    assert (x["n"], x["covered"]) == (8, 6)
    assert x["money_coverage"] == pytest.approx(1300.01 / 1800.01)
    assert x["share"] == pytest.approx(1250.01 / 1300.01)
    # by the funder's territory: F-RA counts for X-RA (the region it governs, not its seat's
    # département); F-X, national, for no region
    regions = both(store, "support_by_funder_level", REGION)
    assert regions.select("territory_id", "category", "value").rows() == [
        ("X-RA", "regional", 1250.01)]
    assert both(store, "support_by_funder_level", Cut(level="department")).is_empty()
    # by the beneficiary's territory: where the money received comes from
    received = both(store, "support_received_by_funder_level", REGION)
    rb = received.filter(pl.col("territory_id") == "X-RB")
    assert dict(zip(rb["category"], rb["value"], strict=True)) == {"national": 50.0,
                                                                    "regional": 700.0}
    assert one(rb, category="regional")["share"] == pytest.approx(700 / 750)
    ra = received.filter(pl.col("territory_id") == "X-RA")
    assert dict(zip(ra["category"], ra["value"], strict=True)) == {"regional": 550.01}
    assert one(ra, category="regional")["money_coverage"] == pytest.approx(550.01 / 1050.01)


# -- publication ---------------------------------------------------------------------------


def statuses(frame: pl.DataFrame, territory: str) -> dict[str, tuple]:
    rows = frame.filter(pl.col("territory_id") == territory)
    return {r["category"]: (r["status"], r["value"]) for r in rows.iter_rows(named=True)}


def test_what_each_territory_publishes(store) -> None:
    regions = both(store, "published_data", REGION)
    assert statuses(regions, "X-RA") == {
        "national:awards": ("published", 1.0),          # F-X's a6
        "national:commissions": ("not_published", 0.0),
        "national:applications": ("published", 1.0),    # F-X's 2020 figures
        "regional:awards": ("published", 1.0),          # F-RA
        "regional:commissions": ("published", 1.0),
        "regional:applications": ("not_published", 0.0),
    }
    # no Region of X-RB is known: not covered, an empty value, never a zero
    rb = statuses(regions, "X-RB")
    assert {k: v for k, v in rb.items() if k.startswith("regional")} == {
        "regional:awards": ("not_covered", None), "regional:commissions": ("not_covered", None),
        "regional:applications": ("not_covered", None)}
    departments = both(store, "published_data", Cut(level="department"))
    # X-DA1: the Region governs it too; no Département is known
    da1 = statuses(departments, "X-DA1")
    assert da1["regional:commissions"] == ("published", 1.0)
    assert da1["departmental:awards"] == ("not_covered", None)
    # X-DB1: its Département is known but publishes nothing held here
    db1 = statuses(departments, "X-DB1")
    assert db1["departmental:awards"] == ("not_published", 0.0)
    assert db1["regional:awards"] == ("not_covered", None)
    detail = one(departments, territory_id="X-DA1", category="regional:commissions")
    assert (detail["funder"], detail["bodies"], detail["records"]) == ("F-RA", 1, 11)
    assert (detail["first_year"], detail["last_year"]) == (2019, 2020)
    # F-U has no level: it is in no row (X-RA has 6 rows, national and regional only)
    assert len(statuses(regions, "X-RA")) == 6


def test_publication_by_year(store) -> None:
    frame = both(store, "published_data", Cut(level="region", territories=("X-RA",),
                                              by_year=True))
    national = frame.filter(pl.col("category") == "national:awards")
    # F-X's only award is of 2020: 2019 is "not published", not zero money
    assert national.select("year", "status").rows() == [(2019, "not_published"),
                                                        (2020, "published")]
    assert set(frame["year"]) == {2019, 2020}


def test_base_rows_keep_source_and_fictitious_flag(store) -> None:
    engine = Engine.duckdb(store)
    for indicator in ("commission_women_share", "commission_chair_share", "published_data"):
        query = Query(engine, registry.get(indicator), Cut(level="country"))
        base = engine.execute(query.base)
        assert {"source_id", "fictitious"} <= set(base.columns), indicator
        assert set(base["source_id"]) == {"test"}
    query = Query(engine, registry.get("published_data"), Cut(level="country"))
    base = engine.execute(query.base)
    # F-X and its award and figures are fictitious; F-RA's rows are not
    flagged = base.filter(pl.col("fictitious"))
    assert set(flagged["funder_key"]) == {"f-x"}
    assert sorted(flagged["data"]) == ["applications", "awards", "body"]
