"""Funders' transparency cards (queries.transparency): on the real CNC Talent and Telefilm files
(read here with json and csv) and on the hand-made catalogue (tests/scheme_stores.py)."""

from __future__ import annotations

import json

from scheme_stores import TALENT, TELEFILM
from telefilm_contracts import contracts, read

from cineatlas import Store
from cineatlas.queries.transparency import card


def funder_of(store: Store, source_prefix: str) -> str:
    return store.scalar("SELECT organisation_id FROM organisations WHERE is_funder AND "
                        "source_id LIKE ?", [source_prefix + "%"])


def test_cnc_talent_composition_and_award_lists(real_schemes, shared_data) -> None:
    doc = json.loads(shared_data(TALENT).read_text(encoding="utf-8"))
    composed = [c for c in doc["commissions"] if c["memberIds"] or c["presidentId"]]
    years = sorted({int(c["date"][:4]) for c in composed})
    with Store(real_schemes, read_only=True) as store:
        found = card(store, funder_of(store, "cnc-commissions:"))
    c = found["composition"]
    assert c["found"] is True
    assert (c["n_sessions"], c["n_with_members"]) == (len(doc["commissions"]), len(composed))
    assert (c["n_sessions"], c["n_with_members"]) == (34, 33)
    assert (c["first_year"], c["last_year"], c["years"]) == (years[0], years[-1], years)
    assert (years[0], years[-1]) == (2017, 2024)
    assert c["sources"] == ["cnc-commissions:cnc-talent-commissions-2017-2024"]
    lists = found["award_lists"]
    assert lists["n_awards"] == len(doc["projects"])
    assert lists["since"] == min(int(c["date"][:4]) for c in doc["commissions"]
                                 if c["projectIds"])
    # the file names the fund and its volets, no criteria and no application figures
    assert found["criteria"]["found"] is False and found["criteria"]["n_published"] == 0
    assert found["criteria"]["n_schemes"] == 4
    assert found["applications"] == {"found": False, "n_rows": 0, "first_year": None,
                                     "last_year": None, "documents": [], "fictitious": False,
                                     "sources": []}


def test_telefilm_award_lists(real_schemes, shared_data) -> None:
    rows = read(shared_data(TELEFILM))
    _, superseded = contracts(rows)
    counted = [r for r in rows if r["row"] not in superseded]
    with Store(real_schemes, read_only=True) as store:
        found = card(store, funder_of(store, "telefilm:"))
    lists = found["award_lists"]
    assert lists["n_awards"] == len(counted)
    assert lists["since"] == min(int(r["Period"][:4]) for r in counted) == 2009
    assert lists["last_year"] == max(int(r["Period"][:4]) for r in counted)
    assert found["criteria"]["n_schemes"] == len({r["Purpose"] for r in rows})
    assert found["composition"]["found"] is False and found["composition"]["n_sessions"] == 0


def test_handmade_cards(handmade) -> None:
    region = card(handmade, "o/na")
    assert region["criteria"]["found"] is True
    assert (region["criteria"]["n_published"], region["criteria"]["n_schemes"]) == (1, 1)
    assert region["criteria"]["schemes"][0]["eligibility"] is True
    assert region["criteria"]["schemes"][0]["criteria"] is False
    assert region["criteria"]["sources"] == ["hand:schemes"]
    c = region["composition"]
    assert (c["found"], c["n_sessions"], c["n_with_members"], c["years"]) == (True, 2, 1, [2020])
    lists = region["award_lists"]
    # six contracts (the amended one once); the published list goes back to 2015
    assert (lists["n_awards"], lists["since"], lists["last_year"]) == (6, 2015, 2022)
    assert [d["url"] for d in lists["documents"]] == ["https://example.org/aides"]
    apps = region["applications"]
    assert (apps["found"], apps["n_rows"], apps["first_year"], apps["last_year"]) == (
        True, 2, 2020, 2021)

    gironde = card(handmade, "o/gironde")
    assert gironde["criteria"]["found"] is False and gironde["criteria"]["n_schemes"] == 1
    assert gironde["composition"]["found"] is False
    assert gironde["applications"]["found"] is False
    assert (gironde["award_lists"]["n_awards"], gironde["award_lists"]["since"]) == (2, 2019)

    cnc = card(handmade, "o/cnc")  # schemes, but no decision, no session
    assert cnc["award_lists"] == {"found": False, "n_awards": 0, "since": None,
                                  "last_year": None, "by_source": [], "documents": [],
                                  "fictitious": False, "sources": []}
    assert card(handmade, "o/nowhere") is None  # no level of government, no award: no funder
    assert card(handmade, "unknown") is None
