"""Commission indicators on the real CNC Talent file (34 sessions, 635 projects, €14,113,061),
each checked against an independent count of the JSON written here with the json module and
Decimal — never through the importer, the store or the indicator code.

The test reads people from the file's own slugs: `tal_nora-hamzawi-presidente` is the person
`norahamzawi` (the role marks the file appends to a president's or substitute's slug are cut,
then the hyphens), so `tal_sophiemarie-larrouy` and `tal_sophie-marie-larrouy` are one person.
The CNC is national: every figure falls in France (FR).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal

import polars as pl
import pytest
from indicator_data import both

from cineatlas import Store, import_file
from cineatlas.indicators import Cut, registry

TALENT = "cnc/cnc-talent-commissions-2017-2024.json"
#: Role marks the file appends to a seat's slug ('-presidente-suppleante', '-e' for 'E)').
ROLE_MARK = re.compile(r"-(?:e|e-suppleante|presidente?|presidente?-suppleante?|suppleante?)$")


def slug_person(ref: str) -> str:
    """The person a `tal_…` id names: its slug without role marks and hyphens."""
    return ROLE_MARK.sub("", ref.removeprefix("tal_")).replace("-", "")


def letters(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", bare)


@pytest.fixture(scope="module")
def doc(shared_data) -> dict:
    return json.loads(shared_data(TALENT).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sessions(doc) -> list[dict]:
    """Each session with its date, year and the set of people seated (president included)."""
    out = []
    for c in sorted(doc["commissions"], key=lambda c: c["date"]):
        seated = {slug_person(m) for m in c["memberIds"]}
        if c["presidentId"]:
            seated.add(slug_person(c["presidentId"]))
        out.append({"id": c["id"], "date": c["date"], "year": int(c["date"][:4]),
                    "seated": seated, "president": bool(c["presidentId"])})
    return out


@pytest.fixture(scope="module")
def store(shared_data, territories_store, tmp_path_factory) -> Store:
    path = tmp_path_factory.mktemp("commission-indicators") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    opened = Store(path)
    import_file("cnc-commissions", shared_data(TALENT), store=opened)
    yield opened
    opened.close()


def row(frame: pl.DataFrame, **where) -> dict:
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    assert frame.height == 1, frame
    return frame.row(0, named=True)


COUNTRY = Cut(level="country")
BY_YEAR = Cut(level="country", by_year=True)


def test_members_per_session(store, sessions) -> None:
    assert len(sessions) == 34
    seats = [len(s["seated"]) for s in sessions if s["seated"]]
    assert len(seats) == 33 and sum(seats) == 274  # 2018-10-19 publishes nobody
    fr = row(both(store, "commission_members_per_session", COUNTRY), territory_id="FR")
    assert (fr["numerator"], fr["denominator"]) == (274, 33)
    assert fr["value"] == pytest.approx(274 / 33)
    assert fr["median"] == statistics.median(seats)
    assert (fr["min_seats"], fr["max_seats"]) == (min(seats), max(seats))
    assert (fr["n"], fr["covered"]) == (34, 33)  # the empty session lowers the coverage
    by_year = both(store, "commission_members_per_session", BY_YEAR)
    for year in range(2017, 2025):
        mine = [len(s["seated"]) for s in sessions if s["year"] == year and s["seated"]]
        found = row(by_year, year=year)
        assert found["value"] == pytest.approx(sum(mine) / len(mine)), year
        assert found["median"] == statistics.median(mine), year
        assert found["n"] == sum(1 for s in sessions if s["year"] == year)


def test_sessions_with_a_president(store, sessions) -> None:
    composed = [s for s in sessions if s["seated"]]
    with_president = sum(1 for s in composed if s["president"])
    assert (with_president, len(composed)) == (27, 33)
    fr = row(both(store, "commission_chair_share", COUNTRY), territory_id="FR")
    assert (fr["numerator"], fr["denominator"], fr["n"], fr["covered"]) == (27, 33, 34, 33)
    by_year = both(store, "commission_chair_share", BY_YEAR)
    for year in range(2017, 2025):
        mine = [s for s in composed if s["year"] == year]
        found = row(by_year, year=year)
        assert (found["numerator"], found["denominator"]) == (
            sum(1 for s in mine if s["president"]), len(mine)), year


def test_each_members_number_of_sessions(store, sessions) -> None:
    sits = Counter(p for s in sessions for p in s["seated"])
    assert len(sits) == 74 and sum(sits.values()) == 274
    frame = both(store, "commission_member_sessions", COUNTRY)
    distribution = Counter(sits.values())
    assert {int(c): n for c, n in zip(frame["category"], frame["numerator"], strict=True)} \
        == dict(distribution)
    assert set(frame["denominator"]) == {74.0}
    for k, members in distribution.items():
        found = row(frame, sessions=k)
        assert found["seats"] == k * members
        assert found["seat_share"] == pytest.approx(k * members / 274)
        assert found["value"] == pytest.approx(members / 74)
    # the share of seats held by members who sat 6 times or more, read from the rows
    regulars = sum(n for p, n in sits.items() if n >= 6)
    assert frame.filter(pl.col("sessions") >= 6)["seat_share"].sum() == pytest.approx(
        regulars / 274)
    # each member's own number, as the method page's check query lists it
    check = store.frame(registry.get("commission_member_sessions").check)
    assert {letters(name): n for name, n in check.select("full_name", "sessions").iter_rows()} \
        == dict(sits)
    # by year, only that year's sessions count
    by_year = both(store, "commission_member_sessions", BY_YEAR)
    for year in (2018, 2023):
        yearly = Counter(p for s in sessions if s["year"] == year for p in s["seated"])
        mine = by_year.filter(pl.col("year") == year)
        assert dict(zip(mine["sessions"], mine["numerator"], strict=True)) == dict(
            Counter(yearly.values())), year


def test_renewal_rate(store, sessions) -> None:
    seen: set[str] = set()
    new_by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for i, s in enumerate(sessions):
        if i:  # the first published session has no known past
            new_by_year[s["year"]][0] += len(s["seated"] - seen)
            new_by_year[s["year"]][1] += len(s["seated"])
        seen |= s["seated"]
    new = sum(v[0] for v in new_by_year.values())
    seats = sum(v[1] for v in new_by_year.values())
    assert (new, seats) == (64, 264)
    fr = row(both(store, "commission_newcomer_share", COUNTRY), territory_id="FR")
    assert (fr["numerator"], fr["denominator"], fr["n"], fr["covered"]) == (new, seats, 274, 264)
    by_year = both(store, "commission_newcomer_share", BY_YEAR)
    for year, (n_new, n_seats) in new_by_year.items():
        found = row(by_year, year=year)
        assert (found["numerator"], found["denominator"]) == (n_new, n_seats), year
    # 2017 holds only the first session: a row of unknown value, not a zero
    first = row(by_year, year=2017)
    assert first["value"] is None and (first["n"], first["covered"]) == (10, 0)
    # a later period still knows who sat before it
    late = row(both(store, "commission_newcomer_share", Cut(level="country", years=(2023, 2024))),
               territory_id="FR")
    assert late["numerator"] == sum(new_by_year[y][0] for y in (2023, 2024))


def test_name_matches_are_listed_to_check(store, doc, sessions) -> None:
    members = {p for s in sessions for p in s["seated"]}
    projects = {p["id"]: p for p in doc["projects"]}
    credited: dict[str, set[str]] = defaultdict(set)
    for p in doc["projects"]:
        for t in p["talentIds"]:
            credited[slug_person(t)].add(p["id"])
    matches = members & set(credited)
    assert len(matches) == 17
    sat_on: dict[str, set[str]] = defaultdict(set)
    for s in sessions:
        for person in s["seated"]:
            sat_on[person].add(s["id"])

    share = row(both(store, "commission_talent_match_share", COUNTRY), territory_id="FR")
    assert (share["numerator"], share["denominator"]) == (17, 74)
    listing = both(store, "commission_talent_matches", COUNTRY)
    assert {letters(name) for name in listing["category"]} == matches
    for found in listing.iter_rows(named=True):
        person = letters(found["category"])
        assert found["value"] == len(credited[person]), person
        assert found["sessions_sat"] == len(sat_on[person]), person
        same = {p for p in credited[person] if projects[p]["commissionId"] in sat_on[person]}
        assert found["awards_same_session"] == len(same), person
        years = [int(projects[p]["commissionId"][-10:-6]) for p in credited[person]]
        assert (found["first_award_year"], found["last_award_year"]) == (min(years), max(years))
    # nobody in this file was funded by a session they sat on
    assert share["same_session"] == 0 == sum(listing["awards_same_session"])
    victor = row(listing, category="Victor Habchy")
    assert (victor["value"], victor["sessions_sat"], victor["first_award_year"]) == (1, 4, 2019)
    # the page's check query lists the same people
    check = store.frame(registry.get("commission_talent_matches").check)
    assert {letters(name) for name in check["member"]} == matches
    assert check.height == sum(len(credited[p]) for p in matches)


def test_amount_per_project_exact(store, doc) -> None:
    amounts = [Decimal(str(p["amount"])) for p in doc["projects"]]
    total = sum(amounts)
    assert (len(amounts), total) == (635, Decimal(14_113_061))
    fr = row(both(store, "commission_amount_per_project", COUNTRY), territory_id="FR")
    assert fr["currency"] == "EUR"
    assert (Decimal(str(fr["numerator"])), fr["denominator"], fr["projects"]) == (total, 635, 635)
    assert fr["value"] == pytest.approx(float(total / 635), abs=1e-9)
    assert Decimal(str(fr["median"])) == statistics.median(amounts)
    by_year = both(store, "commission_amount_per_project", BY_YEAR)
    year_of = {c["id"]: int(c["date"][:4]) for c in doc["commissions"]}
    for year in range(2017, 2025):
        mine = [Decimal(str(p["amount"])) for p in doc["projects"]
                if year_of[p["commissionId"]] == year]
        found = row(by_year, year=year)
        assert Decimal(str(found["numerator"])) == sum(mine), year
        assert Decimal(str(found["median"])) == statistics.median(mine), year


def test_beneficiaries_concentration(store, doc) -> None:
    # a beneficiary is its resolved company: the one thing read from the store is the entity
    # of each published name ('Studio 71' and 'Studio71' are one company)
    entity: dict[str, str] = {}
    for name, entity_id in store.con.execute(
            "SELECT o.name, e.entity_id FROM organisations o JOIN entity_members e "
            "ON e.kind = 'organisation' AND e.member_id = o.organisation_id").fetchall():
        assert entity.setdefault(name, entity_id) == entity_id, name
    names = {b["id"]: b["name"] for b in doc["beneficiaries"]}
    money: Counter[str] = Counter()
    for p in doc["projects"]:
        money[entity[names[p["beneficiaryId"]]]] += Decimal(str(p["amount"]))
    total = sum(money.values())
    top5 = sum(sorted(money.values(), reverse=True)[:5])
    hhi = sum((100 * m / total) ** 2 for m in money.values())
    share = row(both(store, "commission_beneficiary_top5_share", COUNTRY), territory_id="FR")
    # 403 beneficiary ids are published; 7 pairs are one company under two spellings
    assert len({p["beneficiaryId"] for p in doc["projects"]}) == 403
    assert share["beneficiaries"] == len(money) == 396
    assert Decimal(str(share["numerator"])) == top5
    assert share["value"] == pytest.approx(float(top5 / total))
    index = row(both(store, "commission_beneficiary_hhi", COUNTRY), territory_id="FR")
    assert index["value"] == pytest.approx(float(hhi))
    # the beneficiary-placed indicators see only the awards placed in France: those of the
    # legal persons (no address is published; a company must be established in France), none
    # below the country
    legal = set(store.frame("SELECT name FROM organisations WHERE kind IN "
                            "('company', 'association')")["name"])
    placed: Counter[str] = Counter()
    for p in doc["projects"]:
        if names[p["beneficiaryId"]] in legal:
            placed[entity[names[p["beneficiaryId"]]]] += Decimal(str(p["amount"]))
    in_france = sum(placed.values())
    placed_hhi = sum((100 * m / in_france) ** 2 for m in placed.values())
    seen = row(both(store, "beneficiary_hhi", COUNTRY), territory_id="FR")
    assert (seen["beneficiaries"], Decimal(str(seen["denominator"]))) == (len(placed), in_france)
    # 65 beneficiary ids, 63 companies (two published under two spellings)
    assert len({p["beneficiaryId"] for p in doc["projects"]
                if names[p["beneficiaryId"]] in legal}) == 65
    assert (seen["beneficiaries"], in_france) == (63, Decimal(2_463_720))
    assert seen["value"] == pytest.approx(float(placed_hhi))
    assert both(store, "beneficiary_hhi", Cut(level="region")).is_empty()


def test_support_by_funder_level_and_publication(store, doc, sessions) -> None:
    total = sum(Decimal(str(p["amount"])) for p in doc["projects"])
    levels = both(store, "support_by_funder_level", COUNTRY)
    national = row(levels, territory_id="FR")
    assert (national["category"], national["currency"]) == ("national", "EUR")
    assert (Decimal(str(national["value"])), national["awards"], national["share"]) == (
        total, 635, 1.0)
    # a region has no national row: the CNC's territory is France
    assert both(store, "support_by_funder_level", Cut(level="region")).is_empty()
    # what the CNC publishes, seen from Pays de la Loire and from one of its départements
    for level, unit in (("region", "FR-R52"), ("department", "FR-D44")):
        frame = both(store, "published_data", Cut(level=level, territories=(unit,)))
        status = dict(zip(frame["category"], frame["status"], strict=True))
        assert status["national:awards"] == status["national:commissions"] == "published"
        assert status["national:applications"] == "not_published"
        assert status["regional:awards"] == "not_covered"  # no Region in the store
        awards = row(frame, category="national:awards")
        assert (awards["value"], awards["records"]) == (1.0, 635)
        assert (awards["first_year"], awards["last_year"]) == (2017, 2024)
        assert row(frame, category="national:commissions")["records"] == 274
        assert row(frame, category="regional:awards")["value"] is None  # never a zero
    assert sum(len(s["seated"]) for s in sessions) == 274
