"""The atlas' HTML pages over the demo store plus the real files (and one hostile award):
figures checked against the store with plain SQL, escaping, downloads, both languages,
HTML errors without traces. The browser tests (test_web_browser.py) drive the same pages."""

from __future__ import annotations

import csv
import html as html_module
import io
import re

import pytest
from conftest import FORMULA_TITLE, HOSTILE_TITLE
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app, i18n


@pytest.fixture(scope="module")
def client(web_atlas):
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def french_first(client):
    """Each test starts without the language cookie an earlier one may have set."""
    client.cookies.clear()


@pytest.fixture(scope="module")
def sql(web_atlas):
    """Run SQL on the atlas' store, independently of the web code."""
    store = Store(web_atlas, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _within(territory_id: str) -> str:
    """SQL of the ids of `territory_id` and every territory under it, by walking parent_id."""
    return ("WITH RECURSIVE inside(id) AS (SELECT territory_id FROM territories WHERE territory_id "
            f"= '{territory_id}' UNION SELECT t.territory_id FROM territories t JOIN inside "
            "ON t.parent_id = inside.id) SELECT id FROM inside")


def _cells(html: str, territory_id: str) -> list[str]:
    """The text of the cells of the table row of one territory, without the figures' flags and
    source notes (see `_flags`)."""
    row = re.search(rf'<tr data-territory="{territory_id}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"<[^>]+>", "", _unflagged(cell)).strip() for cell in cells]


def _unflagged(fragment: str) -> str:
    """`fragment` without its fictitious flags and source notes."""
    fragment = re.sub(r'<span class="tag flag-fictitious"[^>]*>[^<]*</span>', "", fragment)
    return re.sub(r'<sup class="refs">.*?</sup>', "", fragment, flags=re.S)


def test_every_page_type_answers(client, sql) -> None:
    beneficiary, work = sql("SELECT beneficiary_id, work_id FROM awards WHERE work_id IS NOT NULL "
                            "AND beneficiary_id IS NOT NULL ORDER BY award_id LIMIT 1")[0]
    for url in ["/", "/?level=department", "/?level=province", "/?level=qc_region",
                "/territory/FR-R84", "/territory/FR-D69", "/territory/CA-QC", "/compare",
                "/compare?level=province", "/awards", "/awards?stage=writing&territory=FR-R84",
                f"/beneficiary/{beneficiary}", f"/work/{work}", "/indicators",
                "/indicators/cofinancing_ratio", "/sources", "/static/atlas.js",
                "/static/vendor/vega-lite-6.4.3.min.js"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["x-frame-options"] == "DENY"
        assert "script-src" not in response.headers["content-security-policy"]  # 'self' only
        if response.headers["content-type"].startswith("text/html"):
            # nothing is loaded from elsewhere: no CDN, no tile server, no web font
            assert not re.search(r'(src|href)="(https?:)?//', response.text.split("<main")[0]), url


def test_home_map_has_one_shape_per_territory(client, sql) -> None:
    for level, country in [("region", "FR"), ("department", "FR"), ("province", "CA")]:
        html = client.get("/", params={"level": level}).text
        shapes = re.findall(r'<path d="[^"]+" fill="[^"]+" data-territory="([^"]+)"', html)
        expected = sql("SELECT territory_id FROM territories WHERE level = ? AND country_code = ? "
                       "ORDER BY 1", [level, country])
        assert sorted(shapes) == [t for (t,) in expected], level
        assert len(set(re.findall(r'<tr data-territory="([^"]+)"', html))) == len(expected)


def test_home_figures_match_the_store(client, sql) -> None:
    # total support to beneficiaries based in Auvergne-Rhône-Alpes in 2020, by plain SQL
    (cents,) = sql(f"SELECT sum(amount_minor) FROM awards WHERE currency = 'EUR' AND "
                   f"coalesce(fiscal_year, year(decision_date)) = 2020 AND "
                   f"beneficiary_territory_id IN ({_within('FR-R84')})")[0]
    html = client.get("/", params={"indicator": "total_support", "year": 2020}).text
    value = _cells(html, "FR-R84")[1]
    assert int(re.sub(r"\D", "", value)) == round(cents / 100)  # '12 345 678 €'
    english = client.get("/", params={"indicator": "total_support", "year": 2020,
                                      "lang": "en"}).text
    assert _cells(english, "FR-R84")[1] == f"€{round(cents / 100):,}"


def test_profile_shows_the_territory(client, sql) -> None:
    html = client.get("/territory/FR-R84").text
    (venues, ae) = sql(f"SELECT count(*), count(*) FILTER (art_et_essai) FROM venues "
                       f"WHERE territory_id IN ({_within('FR-R84')})")[0]
    (festivals,) = sql(f"SELECT count(*) FROM festivals WHERE is_cinema AND territory_id IN "
                       f"({_within('FR-R84')})")[0]
    assert venues > 100 and festivals > 10
    fr = i18n.Formats("fr")
    assert (f"{fr.number(venues)} établissements cinématographiques, dont {fr.number(ae)} classés "
            f"Art et Essai\u202f; {fr.number(festivals)} festivals de cinéma.") in html
    # the cinemas map: one mark per located cinema and festival
    located = sql(f"SELECT (SELECT count(*) FROM venues WHERE latitude IS NOT NULL AND "
                  f"territory_id IN ({_within('FR-R84')})) + "
                  f"(SELECT count(*) FROM festivals WHERE is_cinema AND "
                  f"latitude IS NOT NULL AND territory_id IN ({_within('FR-R84')}))")[0][0]
    marks = re.search(r'<svg[^>]*id="places-map".*?</svg>', html, re.S).group(0)
    assert marks.count('class="pt ') == located
    top = sql(f"SELECT b.name FROM awards a JOIN organisations b "
              f"ON b.organisation_id = a.beneficiary_id "
              f"WHERE a.beneficiary_territory_id IN ({_within('FR-R84')}) AND a.currency = 'EUR' "
              f"GROUP BY b.name ORDER BY sum(a.amount_minor) DESC LIMIT 1")[0][0]
    first = re.search(r'id="top-beneficiaries".*?<tbody><tr><th scope="row"><a [^>]+>([^<]+)</a>',
                      html, re.S).group(1)
    assert html_module.unescape(first) == top


def test_hostile_title_is_text_in_pages_and_neutralised_in_csv(client) -> None:
    html = client.get("/awards", params={"q": "HYPERLINK"}).text
    assert "<script>alert(1)" not in html
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; "
            "=HYPERLINK(&#34;http://x&#34;,&#34;clic&#34;)") in html
    profile = client.get("/territory/FR-D69").text
    assert "<script>alert" not in profile
    link = re.search(r'id="download-csv" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    rows = list(csv.DictReader(io.StringIO(client.get(link).text)))
    # the apostrophe makes a spreadsheet show the formula as text; '<' starts no formula
    assert sorted(r["project_title"] for r in rows) == sorted([HOSTILE_TITLE, "'" + FORMULA_TITLE])


def test_search_with_two_facets_counts_like_the_store(client, sql) -> None:
    (funder, name), = sql("SELECT funder_id, o.name FROM awards JOIN organisations o ON "
                          "o.organisation_id = funder_id WHERE stage = 'production' GROUP BY ALL "
                          "ORDER BY count(*) DESC, 1 LIMIT 1")
    (expected,) = sql("SELECT count(*) FROM awards WHERE stage = 'production' AND funder_id = ?",
                      [funder])[0]
    html = client.get("/awards", params={"stage": "production", "funder": funder}).text
    assert f'data-total="{expected}"' in html
    assert name in html.replace("&#39;", "'")
    # facet counts: each listed year's count is the store's for the two facets and that year
    years = re.findall(r'data-facet="year" data-value="\d{4}">(\d{4})</a> '
                       r'<span class="count">([\d\s\u202f\xa0]+)<', html)
    assert years
    for year, count in years:
        (n,) = sql("SELECT count(*) FROM awards WHERE stage = 'production' AND funder_id = ? AND "
                   "coalesce(fiscal_year, year(decision_date)) = ?", [funder, int(year)])[0]
        assert int(re.sub(r"\D", "", count)) == n


def test_compare_table_and_csv_agree(client, sql) -> None:
    response = client.get("/compare.csv", params={"level": "region"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    regions = {t for (t,) in sql("SELECT territory_id FROM territories WHERE level = 'region' "
                                 "AND country_code = 'FR'")}
    assert {r["territory_id"] for r in rows} == regions
    html = client.get("/compare", params={"level": "region"}).text
    indicators = {r["indicator"] for r in rows}
    headers = re.findall(r'<th scope="col" class="num">[^<]+<a href="/indicators/([a-z0-9_]+)"',
                         html)
    assert set(headers) == indicators
    (per_inhabitant,) = [float(r["value"]) for r in rows if r["territory_id"] == "FR-R84"
                         and r["indicator"] == "support_per_inhabitant"]
    (cents,) = sql(f"SELECT sum(amount_minor) FROM awards WHERE currency = 'EUR' AND "
                   f"beneficiary_territory_id IN ({_within('FR-R84')})")[0]
    (population,) = sql("SELECT population FROM territories WHERE territory_id = 'FR-R84'")[0]
    assert per_inhabitant == pytest.approx(cents / 100 / population)


def test_english_and_french(client) -> None:
    french = client.get("/").text
    assert '<html lang="fr">' in french and "Carte des aides au cinéma" in french
    english = client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Map of cinema support" in english.text
    assert "Carte des aides" not in english.text
    # the choice is remembered by a cookie
    assert english.cookies.get("lang") == "en"
    client.cookies.set("lang", "en")
    later = client.get("/sources").text
    assert "Data sources" in later and "Sources des données" not in later


def test_french_catalogue_is_complete() -> None:
    """Every page string has a French translation with the same placeholders."""
    from babel.messages.pofile import read_po

    with i18n.catalogue_path("fr").open("rb") as po:
        catalogue = read_po(po, locale="fr")
    used = set(i18n.extract())
    translated = {m.id: m.string for m in catalogue if m.id}
    assert used - set(translated) == set(), "run `python -m cineatlas.web.i18n` and translate"
    assert set(translated) - used == set(), "strings no page uses any more"
    for msgid, msgstr in translated.items():
        assert msgstr, f"untranslated: {msgid!r}"
        msgid, msgstr = (" ".join(t) if isinstance(t, tuple) else t for t in (msgid, msgstr))
        placeholders = [set(re.findall(r"%\(\w+\)s", text)) for text in (msgid, msgstr)]
        assert placeholders[0] == placeholders[1], msgid


def test_errors_are_pages_for_pages_and_envelopes_for_the_api(client) -> None:
    page = client.get("/territory/NOWHERE")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in page.text and "Traceback" not in page.text
    assert client.get("/?year=abc").status_code == 422
    api = client.get("/api/v1/territories/NOWHERE")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not-found"


def test_simulator_page_follows_the_form(client) -> None:
    start = client.get("/simulator").text
    assert 'id="illustrative"' in start  # the starting scenario's figures are illustrative
    edited = client.get("/simulator", params={"envelope": 150, "solidarity": 10,
                                              "partnership": ["FR-R84", "FR-R53"]}).text
    fr = i18n.Formats("fr")
    assert f'id="edited-national_envelope_cents">{fr.money(150_000_000_00, "EUR")}<' in edited
    assert f'id="edited-solidarity_reserve_cents">{fr.money(15_000_000_00, "EUR")}<' in edited
    # money is conserved on the page: the Regions' CNC contributions add up to what is allocated
    table = re.search(r'id="simulator-table".*?</table>', edited, re.S).group(0)
    rows = re.findall(r'<tr data-territory="([^"]+)">(.*?)</tr>', table, re.S)
    assert len(rows) == 18
    cnc = [int(re.findall(r'data-value="(-?\d*)"', cells)[1]) for _, cells in rows]
    allocated = re.search(r'id="edited-allocated_cents">([^<]+)<', edited).group(1)
    assert round(sum(cnc) / 100) == int(re.sub(r"\D", "", allocated))
    for checked in ("FR-R84", "FR-R53"):
        assert f'value="{checked}" checked' in edited
    assert client.get("/simulator", params={"envelope": -5}).status_code == 422
    api = client.get("/api/v1/simulate", params={"envelope": 150}).json()["data"]
    assert api["edited"]["summary"]["national_envelope_cents"] == 150_000_000_00
    assert api["edited"]["summary"]["illustrative"] is True
    # every CNC contribution is the sum of its explanation steps
    steps: dict[str, int] = {}
    for step in api["edited"]["explanation"]:
        steps[step["region_id"]] = steps.get(step["region_id"], 0) + (step["amount_cents"] or 0)
    assert steps == {r["region_id"]: r["cnc_cents"] for r in api["edited"]["regions"]}


def test_profile_api_serves_what_the_page_shows(client, sql) -> None:
    data = client.get("/api/v1/territories/FR-R84/profile").json()["data"]
    assert data["territory"]["name"] == "Auvergne-Rhône-Alpes"
    assert "geojson" not in data["territory"]
    (venues,) = sql(f"SELECT count(*) FROM venues WHERE territory_id IN ({_within('FR-R84')})")[0]
    assert len(data["venues"]) == venues
    html = client.get("/territory/FR-R84").text
    assert 'id="places-map"' in html  # the page still has its outline after the API's answer
    fr = i18n.Formats("fr")
    for figure in data["key_figures"]:
        unit = {"total_support": "money", "support_per_inhabitant": "money_per_inhabitant"}.get(
            figure["indicator"])
        if unit:  # the page shows the API's figure, formatted
            assert fr.value(figure["value"], unit, figure["currency"]) in html
    # support by year adds up to the total over all years
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert sum(r["value"] for r in data["series"]) == pytest.approx(total["value"])
    assert client.get("/api/v1/territories/NOWHERE/profile").status_code == 404


def test_search_ignores_accents_and_case(client, sql) -> None:
    # 'ETE' finds 'été', 'Été'... in titles, beneficiaries, funders and schemes; counted here
    # with DuckDB's own strip_accents, independently of the search index
    (expected,) = sql(
        "SELECT count(*) FROM awards a LEFT JOIN organisations b ON b.organisation_id = "
        "a.beneficiary_id LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id WHERE strip_accents(lower(concat_ws("
        "' ', a.project_title, b.name, f.name, s.name))) LIKE '%ete%'")[0]
    assert expected > 10
    body = client.get("/api/v1/awards", params={"q": "ETE", "per_page": 1}).json()
    assert body["total"] == expected
    assert client.get("/api/v1/awards", params={"q": "été"}).json()["total"] == expected


def test_an_amended_contract_counts_once_on_a_beneficiary_page(client, sql) -> None:
    """Starling Road Productions: one contract for Sept comme Setteur, signed 2009-06-02 for
    22,900 and amended twice (24,900 on 2010-08-12, 26,900 on 2011-11-08; both name the signing
    date). It received 26,900, not 22,900 + 24,900 + 26,900 = 74,700, which stays shown as
    every signed value."""
    (beneficiary,) = sql("SELECT DISTINCT beneficiary_id FROM awards a JOIN organisations o "
                         "ON o.organisation_id = a.beneficiary_id "
                         "WHERE o.name LIKE 'Starling Road Productions%'")[0]
    html = client.get(f"/beneficiary/{beneficiary}").text
    received = re.search(r"<dd[^>]*>(.*?)</dd>", html.split("Aides reçues", 1)[1],
                         re.S).group(1)
    received = re.sub(r"<[^>]+>", "", _unflagged(received))
    fr = i18n.Formats("fr")
    assert received.startswith(f"3 · {fr.money(2_690_000, 'CAD')} ")
    assert html_module.unescape(fr.money(7_470_000, "CAD")) in html_module.unescape(received)
    # the two earlier rows are listed, marked as amended later
    assert html.count('class="tag superseded"') == 2


def test_the_sources_page_gives_both_telefilm_totals(client, shared_data) -> None:
    """Recomputed from the file by tests/telefilm_contracts.py: every signed value, and each
    contract once (the rows a later amendment superseded left out)."""
    from telefilm_contracts import contracts, read

    rows = read(shared_data("telefilm/telefilm-contributions-2009-2018.csv"))
    _, superseded = contracts(rows)
    every = sum(r["amount"] or 0 for r in rows)
    once = sum(r["amount"] or 0 for r in rows if r["row"] not in superseded)
    fr = i18n.Formats("fr")
    html = html_module.unescape(client.get("/sources").text)
    assert (f"Chaque contrat une fois\u202f: {fr.money(once, 'CAD')}\u202f; toutes les valeurs "
            "signées\u202f: "
            f"{fr.money(every, 'CAD')} ({fr.number(len(superseded))} lignes remplacées par un "
            "avenant)") in html
