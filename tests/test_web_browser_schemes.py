"""The scheme pages in a real browser (Debian's chromium, Playwright) on the hand-made catalogue
of tests/scheme_data.py: the finder's form filled and sent (it works without JavaScript), its
reasons said in words; a scheme's page; the catalogue. Each in French and English, axe-clean
(the rules of test_web_browser_access), laid out at 390 px without sideways scroll, and
photographed at 1366 and 390 px (test-artifacts/screenshots/)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from browsing import serving, shot
from scheme_data import add_catalogue, entry_id
from test_web_browser_access import axe_violations, describe, failing

from cineatlas import Store

pytestmark = pytest.mark.slow
PHONE, DESKTOP = 390, 1366
PAGES = {
    "schemes": "/schemes",
    "schemes-find": ("/schemes/find?role=author&role=director&territory=Bordeaux"
                     "&stage=writing&format=short&work=first&all=true"),
    "schemes-find-ambiguous": "/schemes/find?territory=Paris",
    "scheme": f"/schemes/{entry_id('na-ecriture')}",
    "scheme-national": f"/schemes/{entry_id('cnc-ecriture')}",
}


@pytest.fixture(scope="module")
def server(territories_store, tmp_path_factory):
    db = tmp_path_factory.mktemp("schemes-browser") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as store:
        add_catalogue(store, dt.date.today())
    with serving(db) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False])
def test_the_finder_form_answers_with_reasons(browser, server, javascript) -> None:
    """Ticked roles, a territory typed, selects chosen, sent: the results list the schemes in
    deadline order with each reason's status in words."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900},
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{server}/schemes/find")
    page.check("input[name=role][value=author]")
    page.check("input[name=role][value=director]")
    page.fill("#finder-territory", "33000")
    page.select_option("select[name=stage]", "writing")
    page.select_option("select[name=format]", "short")
    page.select_option("select[name=work]", "first")
    with page.expect_navigation():
        page.click("#finder-form button[type=submit]")
    assert "territory=33000" in page.url and "role=author" in page.url
    ids = page.eval_on_selector_all("li.scheme-match", "els => els.map(e => e.dataset.scheme)")
    assert ids == [entry_id("na-ecriture"), entry_id("cnc-ecriture"),
                   entry_id("gironde-bourse"), entry_id("fondation")]
    first = page.locator("li.scheme-match").first
    statuses = first.locator(".status-word").all_inner_texts()
    assert statuses == ["Rempli"] * 5 + ["Non publié"]
    assert "Nouvelle-Aquitaine" in first.locator("[data-criterion=territory]").inner_text()
    assert page.locator("#finder-results h2").inner_text().startswith("4 dispositifs")
    context.close()


def test_an_ambiguous_territory_offers_its_candidates(page, server) -> None:
    page.goto(f"{server}/schemes/find?territory=Paris&role=author")
    links = page.locator("#finder-candidates a")
    assert links.count() == 2
    with page.expect_navigation():
        links.nth(1).click()
    assert "territory=FR-C75056" in page.url
    assert page.locator("#finder-results").count() == 1
    assert page.problems == []


def test_a_scheme_page_in_english(page, server) -> None:
    page.goto(f"{server}/schemes/{entry_id('na-ecriture')}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Aide à l'écriture et au développement"
    unknown = page.locator("#scheme-fields tr[data-known=false] td .unknown").all_inner_texts()
    assert unknown and set(unknown) == {"not published"}
    assert page.locator("table.commission tbody tr").count() == 2
    assert page.locator("#scheme-dates tbody tr").count() == 2
    assert page.problems == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_scheme_pages_are_axe_clean(page, server, lang) -> None:
    report = []
    for name, path in PAGES.items():
        url = server + path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("lang") == lang
        report.append(describe(f"{name} ({lang}) {url}", failing(axe_violations(page))))
    report = [r for r in report if r]
    assert not report, "axe-core found serious or critical violations:\n" + "\n".join(report)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_scheme_pages_fit_a_phone(browser, server, javascript) -> None:
    context = browser.new_context(viewport={"width": PHONE, "height": 844},
                                  java_script_enabled=javascript)
    page = context.new_page()
    too_wide = {}
    for name, path in PAGES.items():
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[name] = width
        if javascript:
            shot(page, f"schemes-{name}", PHONE)
            shot(page, f"schemes-{name}", DESKTOP)
            page.set_viewport_size({"width": PHONE, "height": 844})
    context.close()
    assert too_wide == {}
