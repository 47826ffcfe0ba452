"""A work across funders on the default atlas (real public data only): *La Chute de Sparte*,
funded by Telefilm in development (2011-2012), production (2016-2017) and distribution
(2017-2018) under three spellings of its title, checked on its page (French and English) and
in /api/v1/works/{id} against the Telefilm CSV read here with csv + Decimal; and, for the
works with the most awards, the API's contracts against plain SQL.
"""

from __future__ import annotations

import csv
import html as html_module
import re
from decimal import Decimal

import pytest
from conftest import BuiltAtlas, find_shared_data
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app

TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"
#: Telefilm's programs (the CSV's Purpose) and the step of the path each one is.
PURPOSE_STEP = {"Development Program": "development", "Production Program": "production",
                "Marketing Program": "distribution"}


def _title_key(title: str) -> str:
    """Lower case, with a trailing article put back in front ('Chute de Sparte (La)')."""
    title = " ".join(title.lower().split())
    found = re.fullmatch(r"(.*) \((la|le|les|l')\)", title)
    return f"{found.group(2)} {found.group(1)}" if found else title


@pytest.fixture(scope="module")
def sparte() -> list[dict[str, str]]:
    """The CSV's rows of La Chute de Sparte, in time order (period, then date)."""
    with find_shared_data(TELEFILM).open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if _title_key(r["Title"]) == "la chute de sparte"]
    return sorted(rows, key=lambda r: (r["Period"], r["Date"]))


@pytest.fixture(scope="module")
def client(real_atlas: BuiltAtlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def sql(real_atlas: BuiltAtlas):
    with Store(real_atlas.db, read_only=True) as store:
        yield lambda query, params=None: store.con.execute(query, params or []).fetchall()


@pytest.fixture(scope="module")
def sparte_ids(sql) -> list[str]:
    """The work records whose awards are titled La Chute de Sparte (plain SQL)."""
    ids = [w for (w,) in sql("SELECT DISTINCT work_id FROM awards WHERE "
                             "lower(project_title) LIKE '%chute de sparte%' ORDER BY 1")]
    assert ids, "no award titled La Chute de Sparte in the atlas"
    return ids


def test_the_csv_holds_three_stages_of_sparte(sparte) -> None:
    assert [(r["Period"], r["Purpose"]) for r in sparte] == [
        ("2011-2012", "Development Program"), ("2016-2017", "Production Program"),
        ("2017-2018", "Marketing Program")]


def _cents(value: str) -> int:
    return int(Decimal(value) * 100)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_of_sparte_shows_every_award_in_time_order(client, sparte, sparte_ids,
                                                            lang) -> None:
    for work_id in sparte_ids:  # every record of it shows the whole path
        page = client.get(f"/work/{work_id}", params={"lang": lang})
        assert page.status_code == 200
        table = re.search(r'<table[^>]*id="path-awards".*?</table>', page.text, re.S).group(0)
        rows = re.findall(r'<tr data-award="[^"]+" data-currency="(\w+)" data-year="\d+">\s*'
                          r'<th scope="row">([^<]+)</th>.*?class="num" data-value="(\d+)"',
                          table, re.S)
        assert rows == [("CAD", r["Period"], str(_cents(r["Final Value"]))) for r in sparte]
        total = sum(_cents(r["Final Value"]) for r in sparte)
        assert re.search(rf'<span class="total" data-currency="CAD" data-value="{total}" '
                         rf'data-awards="{len(sparte)}">', page.text)
        text = html_module.unescape(page.text)
        words = re.sub(r"<[^>]+>", "", re.search(r'<p id="path-words">(.*?)</p>', text,
                                                  re.S).group(1))
        if lang == "fr":
            assert words == ("Étapes aidées\u202f: Développement (2011-2012) → Production "
                             "(2016-2017) → Distribution (2017-2018)")
        else:
            assert words == ("Stages funded: Development (2011-2012) → Production (2016-2017) "
                             "→ Distribution (2017-2018)")
        # each award's scheme links to its catalogue page
        for program in PURPOSE_STEP:
            link = re.search(rf'<a href="(/schemes/[^"]+)">{program}</a>', table)
            assert link, program
        members = re.search(r'<table id="work-members">.*?</table>', page.text, re.S).group(0)
        assert f'data-member="{work_id}"' in members
        assert 'href="/sources#source-telefilm%3Atelefilm-contributions-2009-2018"' in members


def test_the_api_of_sparte_matches_the_csv(client, sparte, sparte_ids) -> None:
    for work_id in sparte_ids:
        data = client.get(f"/api/v1/works/{work_id}").json()["data"]
        assert [(a["fiscal_period"], a["stage"], a["amount_minor"], a["decision_date"])
                for a in data["awards"]] == [
            (r["Period"], PURPOSE_STEP[r["Purpose"]], _cents(r["Final Value"]), r["Date"])
            for r in sparte]
        assert [(t["currency"], t["amount_minor"]) for t in data["totals"]] == [
            ("CAD", sum(_cents(r["Final Value"]) for r in sparte))]
        assert [s["step"] for s in data["path"] if s["reached"]] == list(PURPOSE_STEP.values())
        assert all(a["scheme_entry_id"] for a in data["awards"])
        assert data["sources"][0]["source_id"].startswith("telefilm:")


def test_works_with_the_most_awards_count_each_contract_once(client, sql) -> None:
    """The API's contracts of the 20 works with the most award rows: the rows not superseded
    by an amendment, in order of year (plain SQL)."""
    top = sql("SELECT work_id FROM awards WHERE work_id IS NOT NULL AND "
              "sector = 'cinema-audiovisual' GROUP BY ALL ORDER BY count(*) DESC, work_id "
              "LIMIT 20")
    amended = 0
    for (work_id,) in top:
        expected = sql("SELECT award_id, coalesce(fiscal_year, year(decision_date)) FROM awards "
                       "WHERE work_id = ? AND sector = 'cinema-audiovisual' AND superseded_by "
                       "IS NULL", [work_id])
        amended += sql("SELECT count(*) FROM awards WHERE work_id = ? AND superseded_by IS NOT "
                       "NULL", [work_id])[0][0]
        data = client.get(f"/api/v1/works/{work_id}").json()["data"]
        assert sorted(a["award_id"] for a in data["awards"]) == sorted(a for a, _ in expected)
        years = [a["year"] for a in data["awards"]]
        assert years == sorted(years, key=lambda y: (y is None, y or 0)), work_id
    assert amended > 0  # some of them were amended: the amendment counts once


def test_an_agreed_film_shows_its_cnc_agreements(client, sql) -> None:
    """The CNC's agreed films agreed twice (two yearly lists): both agreements on the page and
    in the API, the rank read as first / second work (plain SQL)."""
    twice = sql("SELECT work_id FROM film_approvals GROUP BY ALL HAVING count(*) > 1 "
                "ORDER BY work_id")
    assert twice
    for (work_id,) in twice:
        expected = sql("SELECT visa, year, budget_minor, rank FROM film_approvals "
                       "WHERE work_id = ? ORDER BY year, approval_id", [work_id])
        data = client.get(f"/api/v1/works/{work_id}").json()["data"]
        assert [(p["visa"], p["year"], p["budget_minor"], p["rank"])
                for p in data["approvals"]] == [tuple(r) for r in expected]
        ranks = {r[3] for r in expected if r[3] is not None}
        assert data["first_work"] == ((1 in ranks) if ranks else None)
        assert data["sources"][0]["source_id"].startswith("cnc-films-agrees:")
        page = client.get(f"/work/{work_id}")
        assert page.status_code == 200
        assert re.findall(r'<tr data-approval="[^"]+" data-visa="([^"]+)"', page.text) == [
            r[0] for r in expected]
