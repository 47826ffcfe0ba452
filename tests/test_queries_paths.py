"""A work, a company and a person across funders and records (`queries.paths`, the work page
and /api/v1/works/{id}), on a store made by hand so that every expected figure is written here:

- the work *La Chute de Sparte* is two records: `w/tf` (source `tf`, Telefilm, CAD) and
  `w/reg` (source `reg`, a French Région, EUR), joined by `entity_members` as `work/E1`;
- Telefilm: development 2011-2012 (20 000,00 $), production 2016-2017 (1 000 000,00 $ first,
  amended to 1 100 000,00 $: one contract), distribution 2017-2018 (313 050,50 $);
- the Région: writing 2009 (amount unknown), production decided 2015-06-10 (150 000,00 €,
  published as a first work);
- another work `w/other` (alone) and an award of the "other" sector to `w/tf`;
- the CNC agreed `w/reg` in 2016 (VISA 140123, budget 2 500 000 €, rank 2: a second work);
- the producer is two records `o/prod1` and `o/prod2` (one entity), the director two people
  `p/1` and `p/2` (one entity; `p/1` is named twice on one award, as director and author).
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest
from fastapi.testclient import TestClient
from indicator_data import award, tiny_store

from cineatlas.queries import paths
from cineatlas.web import create_app

SOURCES = [{"source_id": s, "importer": "generic", "title": t,
            "imported_at": dt.datetime(2026, 1, 1), "rows_read": 1, "rows_loaded": 1,
            "rows_quarantined": 0, "publisher": p}
           for s, t, p in (("tf", "Telefilm contributions (hand-made)", "Telefilm Canada"),
                           ("reg", "Aides de la Région (hand-made)", "Région"))]
ORGS = [{"organisation_id": o, "name": n, "name_key": n.lower(), "source_id": s,
         "is_funder": f} for o, n, s, f in (
    ("o/tf", "Telefilm Canada", "tf", True), ("o/reg", "Région Nouvelle-Aquitaine", "reg", True),
    ("o/prod1", "Productions Microclimat", "tf", False),
    ("o/prod2", "Microclimat Films", "reg", False), ("o/dist", "Filmoption", "tf", False))]
SCHEMES = [{"scheme_id": "s/dev", "funder_id": "o/tf", "name": "Development Program",
            "name_key": "development program", "stage": "development", "source_id": "tf"},
           {"scheme_id": "s/prod", "funder_id": "o/tf", "name": "Production Program",
            "name_key": "production program", "stage": "production", "source_id": "tf"}]
WORKS = [{"work_id": w, "title": t, "title_key": "chute de sparte", "format": "feature",
          "genre": "fiction", "source_id": s} for w, t, s in (
    ("w/tf", "La Chute de Sparte", "tf"), ("w/reg", "Chute de Sparte (La)", "reg"),
    ("w/other", "Autre film", "tf"))]


def _tf(award_id: str, work: str, period: str, stage: str, cents: int | None, **fields):
    year = int(period[:4])
    return award(award_id, cents, None, source_id="tf", funder_id="o/tf", work_id=work,
                 currency="CAD", fiscal_year=year, fiscal_period=period, stage=stage,
                 beneficiary_id="o/prod1", project_title="La Chute de Sparte", **fields)


AWARDS = [
    _tf("tf/1", "w/tf", "2011-2012", "development", 20_000_00, scheme_id="s/dev",
        decision_date=dt.date(2012, 2, 29)),
    _tf("tf/2", "w/tf", "2016-2017", "production", 1_000_000_00, scheme_id="s/prod",
        superseded_by="tf/2b", decision_date=dt.date(2016, 9, 15)),
    _tf("tf/2b", "w/tf", "2016-2017", "production", 1_100_000_00, scheme_id="s/prod",
        amends_award_id="tf/2", decision_date=dt.date(2016, 11, 2)),
    _tf("tf/3", "w/tf", "2017-2018", "distribution", 313_050_50,
        decision_date=dt.date(2017, 12, 18)) | {"beneficiary_id": "o/dist"},
    _tf("tf/4", "w/other", "2020-2021", "production", 50_000_00),
    _tf("tf/5", "w/tf", "2013-2014", "operation", 7_00) | {"sector": "other"},
    award("reg/1", None, None, source_id="reg", funder_id="o/reg", work_id="w/reg",
          fiscal_year=2009, stage="writing", beneficiary_id="o/prod2"),
    award("reg/2", 150_000_00, None, source_id="reg", funder_id="o/reg", work_id="w/reg",
          fiscal_year=None, decision_date=dt.date(2015, 6, 10), stage="production",
          first_work=True, beneficiary_id="o/prod2", project_title="Chute de Sparte"),
]
PEOPLE = [{"person_id": p, "full_name": n, "name_key": n.lower(), "source_id": s}
          for p, n, s in (("p/1", "Tonie Marshall", "tf"), ("p/2", "MARSHALL Tonie", "reg"))]
AWARD_PEOPLE = [{"award_id": a, "person_id": p, "role": r, "source_id": s} for a, p, r, s in (
    ("tf/1", "p/1", "director", "tf"), ("tf/1", "p/1", "author", "tf"),
    ("reg/2", "p/2", "director", "reg"))]
APPROVAL = {"approval_id": "reg/agr/1", "work_id": "w/reg", "visa": "140123", "year": 2016,
            "title": "LA CHUTE DE SPARTE", "budget_minor": 2_500_000_00, "currency": "EUR",
            "rank": 2, "source_id": "reg"}
MEMBERS = [("work", "w/tf", "work/E1", 1.0, "model"), ("work", "w/reg", "work/E1", 0.985, "model"),
           ("work", "w/other", "w/other", 1.0, "alone"),
           ("organisation", "o/prod1", "org/P", 1.0, "key"),
           ("organisation", "o/prod2", "org/P", 1.0, "key"),
           ("person", "p/1", "person/Q", 0.99, "model"),
           ("person", "p/2", "person/Q", 0.99, "model")]

#: The entity's contracts in time order: 2009, 2011, 2015 (a decision date), 2016, 2017.
ORDER = ["reg/1", "tf/1", "reg/2", "tf/2b", "tf/3"]


def _store(path, *, resolved: bool = True):
    store = tiny_store(path, sources=SOURCES, organisations=ORGS, schemes=SCHEMES, works=WORKS,
                       awards=AWARDS, people=PEOPLE, award_people=AWARD_PEOPLE,
                       film_approvals=[APPROVAL])
    if resolved:
        store.con.executemany(
            "INSERT INTO entity_members VALUES (?, ?, ?, ?, json_object('rule', ?))",
            [list(m) for m in MEMBERS])
    return store


@pytest.fixture
def store(tmp_path):
    (tmp_path / "resolved").mkdir()
    s = _store(tmp_path / "resolved")
    yield s
    s.close()


@pytest.fixture
def unresolved(tmp_path):
    (tmp_path / "unresolved").mkdir()
    s = _store(tmp_path / "unresolved", resolved=False)
    yield s
    s.close()


def _ids(across) -> list[str]:
    return [r["award_id"] for r in across.awards]


def test_a_work_gathers_both_records_awards_in_time_order_each_contract_once(store):
    for asked in ("w/tf", "w/reg", "work/E1"):
        across = paths.work_path(store, asked)
        assert _ids(across) == ORDER, asked
        assert across.entity_id == "work/E1"
    across = paths.work_path(store, "w/reg")
    assert [m["member_id"] for m in across.members] == ["w/reg", "w/tf"]  # by source
    assert {m["member_id"]: m["rule"] for m in across.members} == {"w/reg": "model",
                                                                   "w/tf": "model"}
    final = next(r for r in across.awards if r["award_id"] == "tf/2b")
    assert (final["amount_minor"], final["amends_award_id"]) == (1_100_000_00, "tf/2")
    # per currency, never across: CAD 20 000 + 1 100 000 + 313 050,50; EUR one known amount
    assert [(t["currency"], t["n"], t["amount_minor"], t["unknown"]) for t in across.totals] == [
        ("CAD", 3, 1_433_050_50, 0), ("EUR", 2, 150_000_00, 1)]
    assert across.totals[0]["sources"] == ["tf"] and across.totals[1]["sources"] == ["reg"]
    assert [s["source_id"] for s in across.sources] == ["reg", "tf"]
    # an award publishes a first work, the CNC's agreement a second: both said, as published
    assert across.first_work is True and across.second_work is True
    assert [(p["visa"], p["budget_minor"], p["rank"]) for p in across.approvals] == [
        ("140123", 2_500_000_00, 2)]


def test_the_path_of_stages(store):
    steps = {s["step"]: s for s in paths.work_path(store, "w/tf").path}
    assert list(steps) == ["writing", "development", "production", "distribution"]
    assert all(s["reached"] for s in steps.values())
    assert (steps["production"]["n"], steps["production"]["first_period"],
            steps["production"]["last_period"]) == (2, "2015", "2016-2017")
    assert steps["production"]["funders"] == ["Région Nouvelle-Aquitaine", "Telefilm Canada"]
    assert steps["writing"]["first_year"] == 2009 and steps["development"]["n"] == 1
    # the other sector's award is read only when asked for
    every = paths.work_path(store, "w/tf", "all")
    assert "tf/5" in _ids(every) and len(every.awards) == 6
    assert sum(s["n"] for s in every.path) == 5  # 'operation' is on no step of the path


def test_many_works_paths_at_once(store, unresolved):
    found = paths.works_paths(store, ["w/tf", "w/other", "w/reg", "nowhere"])
    for work_id in ("w/tf", "w/reg", "w/other"):
        assert found[work_id] == paths.work_path(store, work_id).path, work_id
    reached = {w: [s["step"] for s in steps if s["reached"]] for w, steps in found.items()}
    assert reached == {"w/tf": ["writing", "development", "production", "distribution"],
                       "w/reg": ["writing", "development", "production", "distribution"],
                       "w/other": ["production"], "nowhere": []}
    alone = paths.works_paths(unresolved, ["w/reg"])["w/reg"]
    assert [(s["step"], s["n"]) for s in alone if s["reached"]] == [("writing", 1),
                                                                    ("production", 1)]
    assert paths.works_paths(store, []) == {}


def test_without_entity_members_each_record_has_its_own_awards(unresolved):
    assert _ids(paths.work_path(unresolved, "w/tf")) == ["tf/1", "tf/2b", "tf/3"]
    assert _ids(paths.work_path(unresolved, "w/reg")) == ["reg/1", "reg/2"]
    assert paths.work_path(unresolved, "work/E1") is None
    assert paths.work_path(unresolved, "w/reg").first_work is True
    assert paths.work_path(unresolved, "w/tf").first_work is None  # not published
    assert paths.work_path(unresolved, "w/tf").approvals == []


def test_a_company_and_a_person_across_their_records(store, unresolved):
    company = paths.organisation_awards(store, "o/prod2")
    assert _ids(company) == ["reg/1", "tf/1", "reg/2", "tf/2b", "tf/4"]
    assert [m["member_id"] for m in company.members] == ["o/prod2", "o/prod1"]
    assert [(t["currency"], t["amount_minor"]) for t in company.totals] == [
        ("CAD", 1_170_000_00), ("EUR", 150_000_00)]
    assert _ids(paths.organisation_awards(unresolved, "o/prod2")) == ["reg/1", "reg/2"]
    person = paths.person_awards(store, "p/2")
    assert [(r["award_id"], r["roles"]) for r in person.awards] == [
        ("tf/1", ["author", "director"]), ("reg/2", ["director"])]  # tf/1 once, both roles
    assert [(r["award_id"], r["roles"]) for r in
            paths.person_awards(unresolved, "p/1").awards] == [("tf/1", ["author", "director"])]
    assert paths.person_awards(store, "nobody") is None
    assert paths.organisation_awards(store, "nobody") is None


# -- the page and the API --------------------------------------------------------------------


@pytest.fixture
def client(store):
    store.close()
    with TestClient(create_app(store.path), raise_server_exceptions=False) as test_client:
        yield test_client


def _page_order(text: str) -> list[str]:
    table = re.search(r'<table[^>]*id="path-awards".*?</table>', text, re.S)
    assert table, "no path table"
    return re.findall(r'<tr data-award="([^"]+)"', table.group(0))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_work_page_lists_both_records_awards(client, lang):
    page = client.get("/work/w/reg", params={"lang": lang})
    assert page.status_code == 200
    text = html_module.unescape(page.text)
    assert _page_order(page.text) == ORDER
    amounts = dict(re.findall(r'<tr data-award="([^"]+)".*?class="num" data-value="(\d*)"',
                              page.text, re.S))
    assert amounts == {"reg/1": "", "tf/1": "2000000", "reg/2": "15000000",
                       "tf/2b": "110000000", "tf/3": "31305050"}
    totals = dict(re.findall(r'<span class="total" data-currency="(\w+)" data-value="(\d*)" '
                             r'data-awards="\d+"', page.text))
    assert totals == {"CAD": "143305050", "EUR": "15000000"}
    # the scheme is linked to its catalogue page, which answers
    link = re.search(r'href="(/schemes/[^"]+)">Development Program</a>', page.text)
    assert link and client.get(link.group(1)).status_code == 200
    # the records and their sources
    members = re.search(r'<table id="work-members">.*?</table>', text, re.S).group(0)
    assert "Telefilm contributions (hand-made)" in members and "Chute de Sparte (La)" in members
    words = re.search(r'<p id="path-words">(.*?)</p>', text, re.S).group(1)
    if lang == "fr":
        assert "Parcours d'un financeur à l'autre" in text
        assert re.sub(r"<[^>]+>", "", words).startswith(
            "Étapes aidées\u202f: Écriture (2009) → Développement (2011-2012) → Production "
            "(2015 – 2016-2017) → Distribution (2017-2018)")
        assert "1\u202f433\u202f050,50\u00a0$CA (3 aides)" in text
        assert re.search(r'id="first-work">oui<', text)
        assert re.search(r'<tr data-approval="reg/agr/1" data-visa="140123">.*?'
                         r'data-value="250000000">2\u202f500\u202f000\s€</td>'
                         r'<td>deuxième œuvre</td>', text, re.S)
    else:
        assert "Path across funders" in text
        assert re.sub(r"<[^>]+>", "", words).startswith(
            "Stages funded: Writing (2009) → Development (2011-2012) → Production "
            "(2015 – 2016-2017) → Distribution (2017-2018)")
        assert "CA$1,433,050.50 (3 awards)" in text
        assert re.search(r'id="first-work">yes<', text)
        assert re.search(r'data-visa="140123">.*?<td>second work</td>', text, re.S)


def test_the_api_gives_the_same(client):
    data = client.get("/api/v1/works/w/tf").json()["data"]
    assert [r["award_id"] for r in data["awards"]] == ORDER
    assert data["work_id"] == "w/tf" and data["entity_id"] == "work/E1"
    assert data["awards"][2]["decision_date"] == "2015-06-10"
    assert [p["visa"] for p in data["approvals"]] == ["140123"]
    assert (data["first_work"], data["second_work"]) == (True, True)
    assert [(t["currency"], t["amount_minor"]) for t in data["totals"]] == [
        ("CAD", 1_433_050_50), ("EUR", 150_000_00)]
    assert [s["step"] for s in data["path"] if s["reached"]] == [
        "writing", "development", "production", "distribution"]
    assert data["awards"][1]["scheme_entry_id"] and data["awards"][0]["scheme_entry_id"] is None
    assert client.get("/api/v1/works/work/E1").json()["data"]["work_id"] == "w/reg"
    missing = client.get("/api/v1/works/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    assert client.get("/work/nope").status_code == 404


def test_without_entity_members_the_page_shows_its_own_record(unresolved):
    unresolved.close()
    with TestClient(create_app(unresolved.path), raise_server_exceptions=False) as client:
        assert _page_order(client.get("/work/w/tf").text) == ["tf/1", "tf/2b", "tf/3"]
        assert _page_order(client.get("/work/w/reg").text) == ["reg/1", "reg/2"]
        data = client.get("/api/v1/works/w/reg").json()["data"]
        assert [r["award_id"] for r in data["awards"]] == ["reg/1", "reg/2"]
        assert data["members"][0]["rule"] is None  # not resolved yet
