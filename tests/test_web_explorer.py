"""The awards explorer and the read side: several values per facet (OR within, AND across),
every value reachable, first and second works, an amount range, a server-side sort, the hint
of an empty result, one text fold ("coeur" finds "Cœur"), and no SQL in the web layer.

Expected figures are recomputed here with plain SQL on the default atlas (real public data
only: `real_atlas`), or on the demo atlas for first and second works (the real files publish
none); never read from the atlas' own queries.
"""

from __future__ import annotations

import ast
import html as html_module
import re
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from cineatlas import Store
from cineatlas.text import fold, fold_expr
from cineatlas.web import create_app
from cineatlas.web.i18n import name_key

CINEMA = "cinema-audiovisual"
WEB = Path(__file__).resolve().parents[1] / "src" / "cineatlas" / "web"


@pytest.fixture(scope="module")
def client(real_atlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _total(client, **params) -> int:
    response = client.get("/api/v1/awards", params=params | {"per_page": 1})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def _two_funders(sql) -> list[str]:
    """The two funders with most cinema and audiovisual awards (by id on a tie)."""
    return [r[0] for r in sql(
        "SELECT funder_id FROM awards WHERE sector = ? GROUP BY funder_id "
        "ORDER BY count(*) DESC, funder_id LIMIT 2", [CINEMA])]


def test_two_values_of_a_facet_give_either_and_facets_combine(client, sql) -> None:
    first, second = _two_funders(sql)
    either = sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id IN (?, ?)",
                 [CINEMA, first, second])[0][0]
    alone = [sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id = ?",
                 [CINEMA, funder])[0][0] for funder in (first, second)]
    assert either == sum(alone) and min(alone) > 0
    assert _total(client, funder=[first, second]) == either
    # and across facets: the two funders' awards at the production stage
    both = sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id IN (?, ?) "
               "AND stage = 'production'", [CINEMA, first, second])[0][0]
    assert _total(client, funder=[first, second], stage="production") == both
    # the CSV holds the same rows
    csv = client.get("/api/v1/awards.csv", params={"funder": [first, second]}).text
    assert len(csv.strip().splitlines()) == either + 1


def test_a_facet_is_counted_under_every_filter_but_its_own(client, sql) -> None:
    first, second = _two_funders(sql)
    page = client.get("/awards", params={"funder": first, "stage": "production"})
    assert page.status_code == 200
    html = page.text
    # the funder facet still offers the second funder, counted at the production stage
    n_second = sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id = ? "
                   "AND stage = 'production'", [CINEMA, second])[0][0]
    link = re.search(rf'data-facet="funder" data-value="{re.escape(second)}">[^<]*</a> '
                     r'<span class="count">([^<]+)</span>', html)
    assert link and int(re.sub(r"\D", "", link.group(1))) == n_second
    # the stage facet counts the first funder's awards by stage
    by_stage = dict(sql("SELECT stage, count(*) FROM awards WHERE sector = ? AND funder_id = ? "
                        "AND stage IS NOT NULL GROUP BY stage", [CINEMA, first]))
    shown = dict(re.findall(r'data-facet="stage" data-value="([a-z_]+)"[^>]*>[^<]*</a> '
                            r'<span class="count">([^<]+)</span>', html))
    assert {k: int(re.sub(r"\D", "", v)) for k, v in shown.items()} == by_stage


def test_every_value_of_a_facet_is_reachable_and_searchable(client, sql) -> None:
    rows = sql("SELECT a.beneficiary_id, b.name FROM awards a JOIN organisations b "
               "ON b.organisation_id = a.beneficiary_id WHERE a.sector = ? GROUP BY ALL",
               [CINEMA])
    assert len(rows) > 12
    listed = client.get("/api/v1/awards/facets/beneficiary", params={"per_page": 500}).json()
    assert listed["total"] == len(rows)
    seen = set()
    for page in range(1, listed["pages"] + 1):
        data = client.get("/api/v1/awards/facets/beneficiary",
                          params={"per_page": 500, "page": page}).json()["data"]
        seen |= {r["value"] for r in data}
    assert seen == {r[0] for r in rows}
    # the explorer's short list links to the page of every value
    assert 'data-more="beneficiary"' in client.get("/awards").text
    # a search within the facet: names holding "films", accents and case aside
    expected = {r[0] for r in rows if "films" in _plain(r[1])}
    found = client.get("/api/v1/awards/facets/beneficiary",
                       params={"facet_q": "FILMS", "per_page": 500}).json()
    assert {r["value"] for r in found["data"]} == expected and expected
    html = client.get("/awards/facet/beneficiary", params={"facet_q": "films"}).text
    assert f'data-total="{len(expected)}"' in html


def test_a_chosen_value_outside_the_short_list_keeps_its_name_and_count(client, sql) -> None:
    """A beneficiary far down the list, chosen: its chip names it, its facet line counts it."""
    (beneficiary, name, n), = sql(
        "SELECT a.beneficiary_id, b.name, count(*) AS n FROM awards a JOIN organisations b "
        "ON b.organisation_id = a.beneficiary_id WHERE a.sector = ? GROUP BY ALL "
        "ORDER BY n, a.beneficiary_id LIMIT 1", [CINEMA])
    html = client.get("/awards", params={"beneficiary": beneficiary}).text
    line = re.search(rf'data-facet="beneficiary" data-value="{re.escape(beneficiary)}"'
                     r'[^>]*>✓ ([^<]*)</a> <span class="count">([^<]+)</span>', html)
    assert line and html_module.unescape(line.group(1)) == name
    assert int(re.sub(r"\D", "", line.group(2))) == n
    assert f'data-total="{n}"' in html


def test_a_chosen_territory_below_the_listed_level_is_named_and_counted(client, sql) -> None:
    """territory=CA-QC-R06 (a profile's link): the territory facet lists provinces and regions,
    and the chosen administrative region of Québec beside them with its own count, recomputed
    by walking the territory tree."""
    (n,) = sql("WITH RECURSIVE inside(id) AS (SELECT 'CA-QC-R06' UNION SELECT t.territory_id "
               "FROM territories t JOIN inside ON t.parent_id = inside.id) SELECT count(*) "
               "FROM awards WHERE sector = ? AND beneficiary_territory_id IN "
               "(SELECT id FROM inside)", [CINEMA])[0]
    assert n > 0
    html = client.get("/awards", params={"territory": "CA-QC-R06"}).text
    line = re.search(r'data-facet="territory" data-value="CA-QC-R06"[^>]*>✓ ([^<]*)</a> '
                     r'<span class="count">([^<]+)</span>', html)
    assert line and line.group(1) == "Montréal"
    assert int(re.sub(r"\D", "", line.group(2))) == n
    assert f'data-total="{n}"' in html


def test_names_sort_with_ligatures_folded() -> None:
    assert sorted(["Zèbre", "Œuilly", "Orléans", "île"], key=name_key) == [
        "île", "Œuilly", "Orléans", "Zèbre"]


def test_an_amount_range_in_currency_units(client, sql) -> None:
    expected = sql("SELECT count(*) FROM awards WHERE sector = ? AND amount_minor >= 100000 "
                   "AND amount_minor <= 2500050", [CINEMA])[0][0]
    assert 0 < expected
    assert _total(client, amount_min="1000", amount_max="25000.50") == expected
    assert _total(client, amount_min="1000,00", amount_max="25000,5") == expected
    assert _total(client, amount_min=10, amount_max=1) == 0  # nothing, not an error
    assert client.get("/api/v1/awards", params={"amount_min": "1e3"}).status_code == 422


@pytest.mark.parametrize(("sort", "order"), [
    ("-amount", "amount_minor DESC NULLS LAST, award_id"),
    ("amount", "amount_minor NULLS LAST, award_id"),
    ("-date", "decision_date DESC NULLS LAST, coalesce(fiscal_year, year(decision_date)) DESC "
              "NULLS LAST, award_id"),
])
def test_a_server_side_sort_with_a_stable_tiebreak(client, sql, sort, order) -> None:
    expected = [r[0] for r in sql(f"SELECT award_id FROM awards WHERE sector = ? ORDER BY {order} "
                                  "LIMIT 100 OFFSET 50", [CINEMA])]
    got = client.get("/api/v1/awards", params={"sort": sort, "per_page": 50, "page": 2}).json()
    more = client.get("/api/v1/awards", params={"sort": sort, "per_page": 50, "page": 3}).json()
    assert [r["award_id"] for r in got["data"] + more["data"]] == expected


def test_titles_sort_case_aside(client) -> None:
    rows = client.get("/api/v1/awards", params={"sort": "title", "per_page": 500}).json()["data"]
    titles = [r["project_title"].lower() for r in rows if r["project_title"] is not None]
    assert titles == sorted(titles) and len(titles) > 100
    last = client.get("/api/v1/awards", params={"sort": "-title", "per_page": 5}).json()["data"]
    assert last[0]["project_title"].lower() >= titles[-1]


def test_an_empty_result_says_which_filter_to_remove(client, sql) -> None:
    telefilm = sql("SELECT funder_id FROM awards WHERE currency = 'CAD' GROUP BY 1 "
                   "ORDER BY count(*) DESC LIMIT 1")[0][0]
    params = {"funder": telefilm, "currency": "EUR", "stage": "production"}
    assert _total(client, **params) == 0
    expected = {
        "funder": sql("SELECT count(*) FROM awards WHERE sector = ? AND currency = 'EUR' "
                      "AND stage = 'production'", [CINEMA])[0][0],
        "currency": sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id = ? "
                        "AND stage = 'production'", [CINEMA, telefilm])[0][0],
        "stage": 0,
        "sector": sql("SELECT count(*) FROM awards WHERE funder_id = ? AND currency = 'EUR' "
                      "AND stage = 'production'", [telefilm])[0][0],
    }
    html = client.get("/awards", params=params).text
    hints = dict(re.findall(r'data-hint="([a-z_]+)" data-n="(\d+)"', html))
    assert {k: int(v) for k, v in hints.items()} == expected
    api = client.get("/api/v1/awards", params=params).json()
    assert api["total"] == 0 and api["without"] == expected
    assert expected["currency"] > 0  # the hint that gives awards back is there


def test_coeur_finds_coeur(client, sql) -> None:
    titles = {r[0] for r in sql("SELECT award_id FROM awards WHERE sector = ? AND "
                                "project_title LIKE '%Cœur%'", [CINEMA])}
    assert titles
    found = client.get("/api/v1/awards", params={"q": "coeur", "per_page": 500}).json()
    assert titles <= {r["award_id"] for r in found["data"]}
    assert _total(client, q="CŒUR") == found["total"] == _total(client, q="cœur")
    places = client.get("/api/v1/territories", params={"q": "coeuvres"}).json()["data"]
    assert [p["name"] for p in places] == [r[0] for r in sql(
        "SELECT name FROM territories WHERE name LIKE 'Cœuvres%'")]


def test_first_and_second_works_as_a_facet(web_atlas) -> None:
    with Store(web_atlas, read_only=True) as store:
        expected = store.scalar("SELECT count(*) FROM awards WHERE sector = ? AND "
                                "(first_work OR second_work)", [CINEMA])
        first = store.scalar("SELECT count(*) FROM awards WHERE sector = ? AND first_work",
                             [CINEMA])
    assert 0 < first < expected
    with TestClient(create_app(web_atlas)) as demo:
        assert _total(demo, work_rank=["first", "second"]) == expected
        assert _total(demo, work_rank="first") == first
        assert 'data-facet="work_rank" data-value="second"' in demo.get("/awards").text


def _plain(text: str) -> str:
    """Lower case without accents, œ written out: an independent fold for these tests."""
    text = text.replace("œ", "oe").replace("Œ", "oe")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn").lower()


#: Latin, Greek and Cyrillic letters with their combining marks, digits, punctuation, spaces.
TEXT = st.text(st.characters(
    codec="utf-8", exclude_categories=("Cs",),
    include_characters="œŒæÆ\u00a0\u202f\ufb01",
    max_codepoint=0x58F), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=20))
def test_one_fold_in_python_and_polars(texts) -> None:
    folded = pl.DataFrame({"t": texts}).select(fold_expr(pl.col("t")))["t"].to_list()
    assert folded == [fold(t) for t in texts]


def test_the_web_layer_holds_no_sql() -> None:
    for name in ("api.py", "views.py", "pages.py"):
        tree = ast.parse((WEB / name).read_text(encoding="utf-8"))
        strings = [node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        sql = [s for s in strings if re.search(r"\bSELECT\b|\bFROM\s+\w+\s+(WHERE|JOIN)\b", s,
                                               re.IGNORECASE)]
        assert sql == [], (name, sql)


def test_the_facts_hold_every_column_a_facet_condition_reads() -> None:
    from cineatlas.queries.awards import FACETS, FACT_COLUMNS

    read = {column for facet in FACETS.values()
            for column in re.findall(r"\ba\.(\w+)", facet.condition)}
    assert "funder_id" in read and read <= set(FACT_COLUMNS)
