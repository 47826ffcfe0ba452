"""The entity pages in a real browser (Debian's chromium, Playwright) on the default atlas
(`cineatlas atlas`: real public data only): the cinemas list filtered by its form, a funder's
chart drawn, the compare table's territory column fixed while the table scrolls, and a
screenshot of each entity page type at 1366 and 390 px (test-artifacts/screenshots/).
Expected counts come from plain SQL on the store."""

from __future__ import annotations

import csv
import io
import re

import pytest
from browsing import ARTIFACTS

from cineatlas import Store

pytestmark = pytest.mark.slow
DESKTOP = 1366  # the page fixture's width (conftest.py)
TELEFILM = "telefilm:telefilm-contributions-2009-2018/org/753d77c67dfb"


@pytest.fixture(scope="module")
def sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def test_the_cinemas_form_filters_and_downloads(page, real_server, sql) -> None:
    """Bretagne's cinemas, then only those classified Art et Essai through the form; the CSV
    link of the filtered view downloads those rows."""
    ((n, ae),) = sql("WITH RECURSIVE up(territory_id, ancestor_id) AS (SELECT territory_id, "
                     "territory_id FROM territories UNION ALL SELECT up.territory_id, t.parent_id "
                     "FROM up JOIN territories t ON t.territory_id = up.ancestor_id WHERE "
                     "t.parent_id IS NOT NULL) SELECT count(*), count(*) FILTER (WHERE "
                     "v.art_et_essai) FROM venues v JOIN up ON up.territory_id = v.territory_id "
                     "WHERE up.ancestor_id = 'FR-R53'")
    page.goto(f"{real_server}/cinemas?territory=FR-R53")
    assert page.get_attribute("#cinemas-summary", "data-n") == str(n)
    page.select_option("select[name=art_et_essai]", "true")
    assert "art_et_essai" not in page.url  # a select does not submit by itself
    with page.expect_navigation():
        page.click("#cinemas-form button[type=submit]")
    assert "art_et_essai=true" in page.url and "territory=FR-R53" in page.url
    assert page.get_attribute("#cinemas-summary", "data-n") == str(ae)
    with page.expect_download() as download:
        page.click("#cinemas-csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == ae and {r["region_id"] for r in rows} == {"FR-R53"}
    assert page.problems == []


def test_a_funder_page_draws_its_chart(page, real_server) -> None:
    page.goto(f"{real_server}/funder/{TELEFILM}")
    page.wait_for_selector("#by-year-chart svg, #by-year-chart canvas", timeout=30_000)
    assert page.locator("#by-year tbody tr").count() == 9
    assert page.problems == []


def test_the_compare_territory_column_stays_in_view(browser, real_server) -> None:
    """On a phone, the compare table scrolls inside its box; the territory column does not
    move, and the median row is there."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.set_default_navigation_timeout(120_000)
    phone.goto(f"{real_server}/compare?level=region")
    first = phone.locator("#compare-table tbody th[scope=row]").first
    before = first.bounding_box()["x"]
    phone.eval_on_selector(".table-wrap", "box => box.scrollLeft = 600")
    assert phone.eval_on_selector(".table-wrap", "box => box.scrollLeft") > 0
    assert first.bounding_box()["x"] == pytest.approx(before, abs=1)
    assert phone.locator("#compare-median td").count() > 5
    context.close()


ENTITY_PAGES = {
    "cinemas": "/cinemas?territory=FR-D35",
    "festivals": "/festivals?territory=FR-D35",
    "funder": f"/funder/{TELEFILM}",
}


@pytest.mark.parametrize("width", [1366, 390])
def test_entity_pages_screenshots(browser, real_server, sql, width) -> None:
    """Each entity page type, saved as a screenshot; on a phone no page scrolls sideways."""
    ((venue,),) = sql("SELECT venue_id FROM venues ORDER BY admissions DESC LIMIT 1")
    ((festival,),) = sql("SELECT festival_id FROM festivals WHERE is_cinema AND website IS NOT "
                         "NULL ORDER BY festival_id LIMIT 1")
    ((beneficiary,),) = sql("SELECT beneficiary_id FROM awards GROUP BY ALL "
                            "ORDER BY count(*) DESC, beneficiary_id LIMIT 1")
    pages = ENTITY_PAGES | {"cinema": f"/cinema/{venue}", "festival": f"/festival/{festival}",
                            "beneficiary": f"/beneficiary/{beneficiary}"}
    context = browser.new_context(viewport={"width": width, "height": 900})
    opened = context.new_page()
    opened.set_default_navigation_timeout(120_000)
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in pages.items():
        response = opened.goto(real_server + url)
        assert response.status == 200, url
        opened.screenshot(path=str(folder / f"entities-{name}-{width}.png"), full_page=True)
        wide = opened.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, (url, wide)
        assert re.search(r"\S", opened.inner_text("h1"))
    context.close()
