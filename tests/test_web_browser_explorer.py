"""The awards explorer in a real browser (Debian's chromium driven by Playwright) on the default
atlas (real public data only): two values of one facet give either's awards, counted as the
store counts them with plain SQL; an amount range and a sort from the form; an empty result's
hint gives the awards back."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from browsing import shot

from cineatlas import Store

pytestmark = pytest.mark.slow
CINEMA = "cinema-audiovisual"


@pytest.fixture(scope="module")
def sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _total(view) -> int:
    return int(view.locator("#result-count").get_attribute("data-total"))


def test_two_values_of_a_facet_give_either(real_server, page, sql) -> None:
    page.goto(real_server + "/awards")
    funders = page.locator('section[data-facet-section="funder"] a[data-facet="funder"]')
    first, second = funders.nth(0).get_attribute("data-value"), \
        funders.nth(1).get_attribute("data-value")
    funders.nth(0).click()
    page.wait_for_url(re.compile(r"funder="))
    # the facet stays listed: its second value adds the other funder's awards
    page.locator(f'a[data-facet="funder"][data-value="{second}"]').click()
    page.wait_for_url(lambda url: len(parse_qs(urlparse(url).query).get("funder", [])) == 2)
    (expected,) = sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id IN (?, ?)",
                      [CINEMA, first, second])[0]
    assert _total(page) == expected > 0
    assert page.locator('.active-filters a[data-filter="funder"]').count() == 2
    assert page.locator('a[data-facet="funder"][aria-current="true"]').count() == 2
    shot(page, "awards-two-funders")
    # removing one chip keeps the other value
    page.locator('.active-filters a[data-filter="funder"]').first.click()
    page.wait_for_url(lambda url: len(parse_qs(urlparse(url).query).get("funder", [])) == 1)
    (alone,) = sql("SELECT count(*) FROM awards WHERE sector = ? AND funder_id = ?",
                   [CINEMA, second])[0]
    assert _total(page) == alone
    assert page.problems == []


def test_an_amount_range_and_a_sort_from_the_form(real_server, page, sql) -> None:
    page.goto(real_server + "/awards")
    page.fill("#amount-min", "50000")
    page.fill("#amount-max", "100000")
    page.select_option("#sort", "-amount")
    page.click("#awards-form button[type=submit]")
    page.wait_for_url(re.compile(r"sort=-amount"))
    (expected,) = sql("SELECT count(*) FROM awards WHERE sector = ? AND amount_minor "
                      "BETWEEN 5000000 AND 10000000", [CINEMA])[0]
    assert _total(page) == expected > 0
    top = [r[0] for r in sql("SELECT project_title FROM awards WHERE sector = ? AND "
                             "amount_minor BETWEEN 5000000 AND 10000000 ORDER BY amount_minor "
                             "DESC, award_id LIMIT 5", [CINEMA])]
    shown = page.locator("table.awards tbody tr td:first-child").all_inner_texts()[:5]
    assert [s.strip() for s in shown] == [t or "—" for t in top]
    assert page.problems == []


def test_an_empty_result_offers_the_filter_to_remove(real_server, page, sql) -> None:
    page.goto(real_server + "/awards?q=coeur&amount_min=999999999")
    assert _total(page) == 0
    hint = page.locator('#empty-hints a[data-hint="amount_min"]')
    (expected,) = sql(
        "SELECT count(*) FROM (SELECT lower(concat_ws(' ', a.project_title, b.name, f.name, "
        "s.name)) AS t FROM awards a LEFT JOIN organisations b ON b.organisation_id = "
        "a.beneficiary_id LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id WHERE a.sector = ?) "
        "WHERE t LIKE '%coeur%' OR t LIKE '%cœur%'", [CINEMA])[0]
    assert int(hint.get_attribute("data-n")) == expected > 0
    shot(page, "awards-empty-hint")
    hint.click()
    page.wait_for_url(lambda url: "amount_min" not in url)
    assert _total(page) == expected
    assert page.problems == []
