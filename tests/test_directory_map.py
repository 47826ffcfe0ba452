"""The directory's spread over sub-territories (`queries.directory.by_territory`, the map of
/directory and `by_territory` of /api/v1/directory) on the default atlas (real public data
only), against an independent computation: plain SQL reads the kept awards' rows (entity,
place, stage, year) and plain Python walks the territories' parents, keeps the awards and
counts the entities of each sub-territory, of the territory itself only, and those placed only
above it — for Québec (its administrative regions) and for French regions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cli_runner import run_cli
from conftest import BuiltAtlas
from fastapi.testclient import TestClient

from cineatlas import Store, optout
from cineatlas.indicators import Engine
from cineatlas.queries import directory
from cineatlas.queries.directory import DirectoryFilters
from cineatlas.web import create_app

#: Awards kept by default: cinema and audiovisual, each contract once (its final value).
KEPT = "a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual'"
COMPANIES = (
    "SELECT coalesce(em.entity_id, o.organisation_id), o.territory_id, a.stage, a.fiscal_year, "
    "a.decision_date FROM awards a JOIN organisations o ON o.organisation_id = a.beneficiary_id "
    "LEFT JOIN entity_members em ON em.kind = 'organisation' AND "
    f"em.member_id = o.organisation_id WHERE {KEPT} AND NOT o.is_funder "
    "AND o.funder_level IS NULL")
PEOPLE = (
    "SELECT coalesce(em.entity_id, ap.person_id), a.beneficiary_territory_id, a.stage, "
    "a.fiscal_year, a.decision_date FROM award_people ap JOIN awards a ON a.award_id = "
    "ap.award_id LEFT JOIN entity_members em ON em.kind = 'person' AND "
    f"em.member_id = ap.person_id WHERE {KEPT}")


@pytest.fixture(autouse=True)
def no_opt_out(tmp_path, monkeypatch):
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(tmp_path / "none.toml"))  # no list
    optout.use(None)


@pytest.fixture(scope="module")
def store(real_atlas: BuiltAtlas):
    with Store(real_atlas.db, read_only=True) as opened:
        opened.con.register("territory_closure", Engine.duckdb(opened).closure.to_arrow())
        yield opened


class _Reader:
    def __init__(self, store: Store) -> None:
        self.con = store.con

    def frame(self, sql, params=None):
        return self.con.sql(sql, params=params or None).pl()


@pytest.fixture(scope="module")
def facts(store) -> dict:
    """Plain reads: each territory's parent and level, and the rows of the kept awards."""
    return {"parents": dict(store.con.execute(
                "SELECT territory_id, parent_id FROM territories").fetchall()),
            "levels": dict(store.con.execute(
                "SELECT territory_id, level FROM territories").fetchall()),
            "companies": store.con.execute(COMPANIES).fetchall(),
            "people": store.con.execute(PEOPLE).fetchall()}


def _year(fiscal_year: int | None, decided: dt.date | None) -> int | None:
    return fiscal_year if fiscal_year is not None else (decided.year if decided else None)


def _independent(facts: dict, territory: str, stage: str | None = None,
                 year_from: int | None = None, year_to: int | None = None) -> tuple:
    """({sub-territory: (companies, people)}, here, above) computed in plain Python."""
    parents = facts["parents"]

    def up(place: str) -> list[str]:  # the place and every territory containing it
        chain = []
        while place is not None and place not in chain:
            chain.append(place)
            place = parents.get(place)
        return chain

    subs = [t for t, parent in parents.items()
            if parent == territory and facts["levels"][t] != "metropolis"]
    above_it = set(up(territory)) - {territory}
    counts, here, above = {t: [] for t in subs}, {}, {}
    for kind in ("companies", "people"):
        kept = set()
        for entity, place, award_stage, fiscal_year, decided in facts[kind]:
            year = _year(fiscal_year, decided)
            if stage is not None and award_stage != stage:
                continue
            if year_from is not None and (year is None or year < year_from):
                continue
            if year_to is not None and (year is None or year > year_to):
                continue
            kept.add((entity, place))
        inside = {(e, p) for e, p in kept if p is not None and territory in up(p)}
        in_territory = {e for e, _ in inside}
        in_a_sub = set()
        for sub in subs:
            found = {e for e, p in inside if sub in up(p)}
            counts[sub].append(len(found))
            in_a_sub |= found
        here[kind] = len(in_territory - in_a_sub)
        above[kind] = len({e for e, p in kept if p in above_it} - in_territory)
    return {t: tuple(n) for t, n in counts.items()}, here, above


def _spread(store, territory: str, **filters) -> tuple:
    found = directory.by_territory(_Reader(store), DirectoryFilters(territory=territory,
                                                                    **filters))
    return ({r["territory_id"]: (r["companies"], r["people"])
             for r in found.territories.to_dicts()}, found.here, found.above)


CASES = [("CA-QC", {}), ("CA-QC", {"stage": "production", "year_from": 2012, "year_to": 2015}),
         ("CA-QC", {"stage": "development"}), ("CA", {}), ("FR", {}), ("FR-R52", {}),
         ("FR-R53", {"year_from": 2019})]


@pytest.mark.parametrize(("territory", "filters"), CASES)
def test_the_spread_matches_an_independent_count(store, facts, territory, filters) -> None:
    got = _spread(store, territory, **filters)
    assert got == _independent(facts, territory, **filters)
    subs, here, above = got
    assert subs  # every territory of these has territories below it
    assert any(sum(n) for n in subs.values()) or any(here.values()) or any(above.values())


def test_quebec_regions_are_placed_and_their_zeros_are_known(store, facts) -> None:
    subs, here, above = _spread(store, "CA-QC")
    # Telefilm places Québec's companies in their municipality: each in one region
    assert here == above == {"companies": 0, "people": 0}
    assert len(subs) == 17 and sum(1 for n in subs.values() if n[0]) >= 10
    assert any(n == (0, 0) for n in subs.values())  # a real zero, shown as such
    # each region's number is the total its link opens on
    a = _Reader(store)
    for region, (companies, people) in subs.items():
        assert directory.rows(a, "company", DirectoryFilters(territory=region))[1] == companies
        assert directory.rows(a, "person", DirectoryFilters(territory=region))[1] == people


def test_the_api_answers_the_spread(real_atlas, store, facts) -> None:
    expected, here, above = _independent(facts, "FR-R52")
    with TestClient(create_app(real_atlas.db)) as client:
        for kind in ("company", "person"):
            answer = client.get("/api/v1/directory", params={
                "territory": "FR-R52", "kind": kind, "per_page": 1}).json()
            assert {r["territory_id"]: (r["companies"], r["people"])
                    for r in answer["by_territory"]} == expected
            assert [r["name"] for r in answer["by_territory"]] == [
                "Loire-Atlantique", "Maine-et-Loire", "Mayenne", "Sarthe", "Vendée"]
            assert answer["unplaced"] == {"here": here, "above": above}
        quebec = client.get("/api/v1/directory", params={"territory": "CA-QC"}).json()
        assert {r["territory_id"]: (r["companies"], r["people"])
                for r in quebec["by_territory"]} == _independent(facts, "CA-QC")[0]


def test_the_command_prints_the_spread(real_atlas, facts, monkeypatch, capsys) -> None:
    expected, here, above = _independent(facts, "FR-R52")
    code, out, err = run_cli(monkeypatch, capsys, "directory", "--db", str(real_atlas.db),
                             "--territory", "FR-R52", "--by-territory", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert {r["territory_id"]: (r["companies"], r["people"])
            for r in answer["by_territory"]} == expected
    assert answer["unplaced"] == {"here": here, "above": above}
    code, out, err = run_cli(monkeypatch, capsys, "directory", "--db", str(real_atlas.db),
                             "--territory", "CA-QC", "--by-territory")
    assert code == 0 and "Capitale-Nationale" in out and "Traceback" not in out + err
    code, out, err = run_cli(monkeypatch, capsys, "directory", "--db", str(real_atlas.db),
                             "--by-territory")
    assert code == 1 and "--by-territory needs --territory" in out + err
