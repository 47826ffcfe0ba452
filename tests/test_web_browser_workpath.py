"""A work's page across funders in a real browser (Debian's chromium, Playwright): *La Chute de
Sparte* on the default atlas (real data) and the hand-made work of two records joined by
`entity_members` (tests/test_queries_paths.py), in French and English: the path in words, the
awards in time order, axe-clean (the rules of test_web_browser_access), laid out at 390 px
without sideways scroll, photographed (test-artifacts/screenshots/)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browsing import serving, shot
from conftest import BuiltAtlas
from test_queries_paths import ORDER, _store
from test_web_browser_access import axe_violations, describe, failing

from cineatlas import Store

pytestmark = pytest.mark.slow
PHONE, DESKTOP = 390, 1366


@pytest.fixture(scope="module")
def sparte(real_atlas: BuiltAtlas) -> str:
    """The path of La Chute de Sparte's page on the default atlas."""
    with Store(real_atlas.db, read_only=True) as store:
        work_id = store.scalar("SELECT min(work_id) FROM awards WHERE "
                               "lower(project_title) LIKE '%chute de sparte%'")
    assert work_id
    return f"/work/{quote(work_id, safe=':/')}"


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workpath-browser")
    _store(folder).close()
    with serving(folder / "tiny.duckdb") as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_path_of_sparte_in_words_and_axe_clean(page, real_server, sparte, lang) -> None:
    page.goto(real_server + sparte + ("?lang=en" if lang == "en" else ""))
    assert page.locator("html").get_attribute("lang") == lang
    words = page.locator("#path-words").inner_text()
    expected = {"fr": "Développement (2011-2012) → Production (2016-2017) → Distribution "
                      "(2017-2018)",
                "en": "Development (2011-2012) → Production (2016-2017) → Distribution "
                      "(2017-2018)"}[lang]
    assert words.endswith(expected), words
    assert page.locator("#path-awards tbody tr").count() == 3
    reached = page.eval_on_selector_all("ol.path-steps li",
                                        "els => els.map(e => e.dataset.reached)")
    assert reached == ["false", "true", "true", "true"]
    report = describe(f"work ({lang})", failing(axe_violations(page)))
    assert not report, "axe-core found serious or critical violations:\n" + report
    assert page.problems == []
    shot(page, f"work-path-sparte-{lang}", DESKTOP)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_work_of_two_records_in_the_browser(browser, handmade, lang) -> None:
    context = browser.new_context(viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    page.goto(f"{handmade}/work/w/tf" + ("?lang=en" if lang == "en" else ""))
    rows = page.eval_on_selector_all("#path-awards tbody tr",
                                     "els => els.map(e => e.dataset.award)")
    assert rows == ORDER
    assert page.locator("#work-members tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot(page, f"work-path-two-records-{lang}", PHONE)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    report = describe(f"work of two records ({lang})", failing(axe_violations(page)))
    assert not report, "axe-core found serious or critical violations:\n" + report
    context.close()
