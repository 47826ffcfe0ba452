"""The web atlas in a real browser: Debian's chromium driven by Playwright, against servers
started here on the demo store plus the real files (and two hostile awards), and on the
default atlas (`cineatlas atlas`: real public data only, then with --fictitious).

Screenshots of each page type are saved under test-artifacts/screenshots/ (or
$CINEATLAS_ARTIFACTS). `python3 run.py test` installs chromium when it is missing; without it
the tests fail in CI and are skipped elsewhere.
"""

from __future__ import annotations

import csv
import io
import lzma
import re
from pathlib import Path

import pytest
from browsing import serving, shot
from conftest import HOSTILE_TITLE

from cineatlas import Store, datasets

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(web_atlas):
    """The demo atlas plus the real files and two hostile awards."""
    with serving(web_atlas) as url:
        yield url


@pytest.fixture(scope="module")
def sql(web_atlas):
    store = Store(web_atlas, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def table_values(page, territory_id: str) -> str:
    """The figure of a territory's row of the map table (without its flag and notes)."""
    return page.locator(f'#map-table tr[data-territory="{territory_id}"] td .figure'
                        ).first.inner_text()


def test_each_page_type_loads(server, page, sql) -> None:
    beneficiary, work = sql("SELECT beneficiary_id, work_id FROM awards WHERE work_id IS NOT "
                            "NULL AND beneficiary_id IS NOT NULL AND fictitious "
                            "ORDER BY award_id LIMIT 1")[0]
    pages = {"home": "/", "territory": "/territory/FR-R84", "territory-quebec": "/territory/CA-QC",
             "compare": "/compare", "awards": "/awards?stage=writing",
             "beneficiary": f"/beneficiary/{beneficiary}", "work": f"/work/{work}",
             "indicators": "/indicators", "indicator": "/indicators/cofinancing_ratio",
             "sources": "/sources"}
    for name, path in pages.items():
        response = page.goto(server + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1, path
        if name.startswith("territory"):
            charts = page.locator("div.vega")
            if charts.count():  # Vega-Lite rendered every chart to SVG (no CSP violation)
                page.wait_for_selector("div.vega[data-rendered=true]")
                assert page.locator("div.vega[data-rendered=true] svg").count() == charts.count()
        shot(page, name)
        assert page.problems == [], (path, page.problems)


def test_home_map_follows_indicator_and_year(server, page, sql) -> None:
    page.goto(server + "/")
    (regions,) = sql("SELECT count(*) FROM territories WHERE level = 'region' "
                     "AND country_code = 'FR'")[0]
    assert page.locator("svg.choropleth path[data-territory]").count() == regions
    assert page.locator("#map-table tbody tr").count() == regions
    page.select_option("#indicator", "total_support")  # applied by the form's button
    page.click("#map-form button[type=submit]")
    page.wait_for_url(re.compile(r"indicator=total_support"))
    all_years = table_values(page, "FR-R84")
    fill_all = page.locator('path[data-territory="FR-R84"]').get_attribute("fill")
    page.select_option("#year", "2020")
    page.click("#map-form button[type=submit]")
    page.wait_for_url(re.compile(r"year=2020"))
    (cents,) = sql("WITH RECURSIVE inside(id) AS (SELECT 'FR-R84' UNION SELECT t.territory_id "
                   "FROM territories t JOIN inside ON t.parent_id = inside.id) "
                   "SELECT sum(amount_minor) FROM awards WHERE currency = 'EUR' AND "
                   "coalesce(fiscal_year, year(decision_date)) "
                   "= 2020 AND beneficiary_territory_id IN (SELECT id FROM inside)")[0]
    in_2020 = table_values(page, "FR-R84")
    assert in_2020 != all_years
    assert int(re.sub(r"\D", "", in_2020)) == round(cents / 100)
    # the map shows the same figure as the table (its title), in a class of the scale
    title = page.locator('path[data-territory="FR-R84"] title').text_content()
    assert in_2020 in title
    assert page.locator('path[data-territory="FR-R84"]').get_attribute("fill").startswith("#")
    assert fill_all.startswith("#")
    shot(page, "home-total-2020")
    # keyboard: the first Tab reaches the skip link, which leads to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.problems == []


def test_search_with_two_facets(server, page, sql) -> None:
    page.goto(server + "/awards")
    page.locator('a[data-facet="stage"]', has_text="Production").first.click()
    page.wait_for_url(re.compile(r"stage=production"))
    first_funder = page.locator('a[data-facet="funder"]').first
    first_funder.click()
    page.wait_for_url(re.compile(r"funder="))
    funder = re.search(r"funder=([^&]+)", page.url).group(1)
    from urllib.parse import unquote

    (expected,) = sql("SELECT count(*) FROM awards WHERE stage = 'production' AND funder_id = ?",
                      [unquote(funder)])[0]
    assert int(page.locator("#result-count").get_attribute("data-total")) == expected
    assert page.locator(".active-filters li").count() == 2
    shot(page, "awards-two-facets")


def test_csv_download_matches_the_view(server, page) -> None:
    page.goto(server + "/awards?q=HYPERLINK")
    titles = page.locator("table.awards tbody tr td:first-child").all_inner_texts()
    # the hostile titles are shown as text, and nothing ran
    assert any(HOSTILE_TITLE in t for t in titles)
    assert page.problems == []
    with page.expect_download() as download:
        page.click("#download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    shown = [t.replace("fictif", "").strip() for t in titles]
    assert [r["project_title"].removeprefix("'") for r in rows] == shown
    assert all(not r["project_title"].startswith(("=", "+", "-", "@")) for r in rows)


def test_english_switch(server, page) -> None:
    page.goto(server + "/territory/FR-R84")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#key-h").inner_text() == "Chiffres clés"
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#key-h").inner_text() == "Key figures"
    page.click("text=Compare")  # the choice holds on the next page
    assert page.locator("h1").inner_text() == "Compare territories"
    shot(page, "compare-english")


def test_simulator_form_updates_tables_map_and_chart(server, page) -> None:
    page.goto(server + "/simulator")
    cell = '#simulator-table tr[data-territory="FR-R84"] td:nth-of-type(2)'
    before = page.locator(cell).inner_text()
    fill_before = page.locator('svg.choropleth path[data-territory="FR-R84"]').get_attribute("fill")
    page.fill("#envelope", "240")
    page.check('input[name="partnership"][value="FR-R84"]')
    page.click("#simulator-form button[type=submit]")
    page.wait_for_url(re.compile(r"envelope=240"))
    assert page.locator("#edited-national_envelope_cents").inner_text().replace("\u202f", " ") \
        == "240 000 000 €"
    assert page.locator(cell).inner_text() != before
    assert page.locator('svg.choropleth path[data-territory]').count() == 18
    assert fill_before.startswith("#")
    page.wait_for_selector("#simulator-chart[data-rendered=true] svg")
    shot(page, "simulator")
    assert page.problems == []


# -- the default atlas: real by default, fictitious on request --------------------------------

FICTION_WORDS = re.compile(r"fictif|fictiv|fictitious", re.IGNORECASE)


def fictitious_marks(page) -> list[str]:
    """The fictitious flags a page shows: banners (.fictitious), flagged figures
    ([data-fictitious=true]), tags saying "fictif"; and any visible word of fiction."""
    marks = page.locator(".fictitious").all_inner_texts()
    marks += ["data-fictitious"] * page.locator("[data-fictitious=true]").count()
    marks += [t for t in page.locator(".tag").all_inner_texts() if FICTION_WORDS.search(t)]
    marks += FICTION_WORDS.findall(page.locator("body").inner_text())
    return marks


def shipped_rows(dataset_id: str, delimiter: str = ";") -> list[dict[str, str]]:
    """The rows of a shipped dataset, read from the package's compressed copy."""
    item = datasets.get(dataset_id)
    text = lzma.decompress(item.compressed.read_bytes()).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_the_default_atlas_is_real_and_flags_nothing(real_server, page) -> None:
    pages = {"real-home": "/", "real-region": "/territory/FR-R52",
             "real-department": "/territory/FR-D44", "real-awards": "/awards",
             "real-indicators": "/indicators", "real-sources": "/sources"}
    for name, path in pages.items():
        response = page.goto(real_server + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1, path
        shot(page, name)
        assert fictitious_marks(page) == [], (path, fictitious_marks(page))
        assert page.problems == [], (path, page.problems)


def test_a_pays_de_la_loire_profile_shows_the_shipped_files_figures(real_server, page) -> None:
    """Loire-Atlantique's cinemas and festivals, against the shipped CNC and Ministry files
    read here with the csv module."""
    cinemas = [r for r in shipped_rows("cnc-cinemas-2022") if r["DEP"] == "44"]
    art_et_essai = sum(1 for r in cinemas if r["AE"] == "OUI")
    screens = sum(int(float(r["écrans"])) for r in cinemas)
    festivals = [r for r in shipped_rows("festivals-panorama")
                 if r["discipline_dominante"] == "Cinéma, audiovisuel"
                 and r["code_insee_commune"].startswith("44")]
    assert (len(cinemas), art_et_essai, screens, len(festivals)) == (50, 37, 144, 11)

    page.goto(real_server + "/territory/FR-D44")
    assert page.locator("h1").inner_text() == "Loire-Atlantique"
    said = page.locator("#places-count .figure").inner_text().replace("\u202f", " ")
    assert said == (f"{len(cinemas)} établissements cinématographiques, dont {art_et_essai} "
                    f"classés Art et Essai ; {len(festivals)} festivals de cinéma.")
    rows = page.locator("#venues tbody tr")
    assert rows.count() == len(cinemas)
    # the table is in a closed <details>: its text, not what is shown
    shown = page.locator("#venues tbody tr td:nth-of-type(2)").all_text_contents()
    assert sum(int(re.sub(r"\D", "", s)) for s in shown) == screens
    names = set(page.locator("#venues tbody tr th").all_text_contents())
    assert {r["nom"] for r in cinemas} <= {n.removesuffix(" itinérant") for n in names}
    shot(page, "real-loire-atlantique")
    assert fictitious_marks(page) == [] and page.problems == []


def test_the_loire_atlantique_profile_shows_its_departements_cinema_support(
        real_server, page, real_atlas) -> None:
    """The Département de Loire-Atlantique's cinema and audiovisual support on its profile:
    amounts and years from the shipped file (csv + Decimal), the lines the store's classifier
    marked cinema; then the explorer filtered on the Département lists the same awards."""
    from decimal import Decimal

    from cineatlas.web.i18n import Formats

    rows = shipped_rows("scdl-loire-atlantique-2008-2018")
    with Store(real_atlas.db, read_only=True) as store:
        cinema = set(store.frame(
            "SELECT row_number FROM awards WHERE source_id = "
            "'scdl:loire-atlantique-subventions-associations' AND sector = 'cinema-audiovisual'"
        )["row_number"].to_list())
    lines = [r for i, r in enumerate(rows, start=2) if i in cinema]
    cents = sum(int(Decimal(r["Montant total de la subvention"]) * 100) for r in lines)
    years = {r["Date de la convention de subvention"][:4] for r in lines}
    assert len(lines) == len(cinema) == 245

    page.goto(real_server + "/territory/FR-D44")
    own = page.locator("#given-here-departmental")
    assert own.locator("h3").inner_text() == "Département de Loire-Atlantique"
    said = own.locator(".given-total .figure").inner_text().replace("\u202f", " ").replace(
        "\xa0", " ")
    amount = Formats("fr").money(cents, "EUR").replace("\u202f", " ").replace("\xa0", " ")
    assert said == f"{amount} en {len(lines)} aides (Cinéma et audiovisuel)"
    assert own.locator(".given-series tbody tr").count() == len(years)
    assert "France" in page.locator("#placement p[data-where=above] .figure").inner_text()
    shot(page, "real-loire-atlantique-given")
    assert fictitious_marks(page) == [] and page.problems == []
    own.get_by_role("link", name="Ces aides dans l'explorateur").click()
    page.wait_for_load_state("load")
    assert page.locator("#result-count").get_attribute("data-total") == str(len(lines))
    assert page.problems == []


def test_with_fictitious_data_the_atlas_says_so(fictitious_server, page, real_fictitious_atlas
                                                ) -> None:
    for path in ("/", "/territory/FR-D44", "/sources"):
        page.goto(fictitious_server + path)
        banner = page.locator("p.fictitious[role=note]")
        assert banner.count() == 1, path
        assert banner.inner_text().startswith("Données de démonstration."), path
    # the fictitious source is tagged on the sources page, its awards in the explorer
    page.goto(fictitious_server + "/sources")
    assert "fictif" in page.locator(".tag.warn").all_inner_texts()
    with Store(real_fictitious_atlas.db, read_only=True) as store:
        (title,) = store.con.execute(
            "SELECT project_title FROM awards WHERE fictitious AND project_title IS NOT NULL "
            "ORDER BY award_id LIMIT 1").fetchone()
    page.goto(fictitious_server + "/awards?q=" + title)
    tagged = page.locator("table.awards tbody tr", has_text=title).first
    assert tagged.locator(".tag", has_text="fictif").count() == 1
    shot(page, "fictitious-awards")
    assert page.problems == []


def test_with_fictitious_data_each_figure_says_what_it_rests_on(fictitious_server, page,
                                                                real_fictitious_atlas) -> None:
    """A key figure resting on fictitious awards carries the flag; one resting on the real CNC
    cinemas alone does not, on the same page."""
    with Store(real_fictitious_atlas.db, read_only=True) as store:
        fictitious_awards = store.count(
            "awards a JOIN territories t ON t.territory_id = a.beneficiary_territory_id",
            "a.fictitious AND t.region_id = 'FR-R52'")
        fictitious_venues = store.count("venues", "fictitious")
    assert fictitious_awards > 0 and fictitious_venues == 0
    page.goto(fictitious_server + "/territory/FR-R52")

    def cell(indicator: str):
        return page.locator(f'td[data-indicator="{indicator}"]')

    assert cell("support_per_inhabitant").locator("[data-fictitious=true]").count() == 1
    assert cell("cinemas_per_100k").locator("[data-fictitious=true]").count() == 0
    assert cell("cinemas_per_100k").inner_text().strip()[0].isdigit()
    shot(page, "fictitious-figures")
    assert page.problems == []
