"""The directory in a real browser (Debian's chromium, Playwright) on the default atlas (real
public data only): /directory in French and English, its form without JavaScript, axe-clean,
laid out at 390 px without sideways scroll, a person's page reached from it. Expected counts
come from plain SQL on the store."""

from __future__ import annotations

import pytest
from browsing import shot
from test_web_browser_access import PHONE, axe_violations, describe, failing

from cineatlas import Store

pytestmark = pytest.mark.slow
DESKTOP = 1366  # the page fixture's width (conftest.py)
REGION = "CA-QC-R01"  # Bas-Saint-Laurent


@pytest.fixture(scope="module")
def sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _companies(sql, region: str) -> int:
    """Beneficiaries (not public funders) placed below `region`, with a cinema-audiovisual
    award, by the territories' parents (no resolution on the default atlas yet: each record is
    its own entity unless entity_members says otherwise)."""
    ((n,),) = sql(
        "WITH RECURSIVE below(territory_id) AS (SELECT ? UNION ALL SELECT t.territory_id FROM "
        "territories t JOIN below b ON t.parent_id = b.territory_id) "
        "SELECT count(DISTINCT coalesce(em.entity_id, o.organisation_id)) FROM awards a "
        "JOIN organisations o ON o.organisation_id = a.beneficiary_id "
        "LEFT JOIN entity_members em ON em.kind = 'organisation' AND "
        "em.member_id = o.organisation_id WHERE o.territory_id IN (SELECT * FROM below) "
        "AND NOT o.is_funder AND o.funder_level IS NULL AND a.superseded_by IS NULL "
        "AND a.sector = 'cinema-audiovisual'", [region])
    return n


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_directory_of_a_quebec_region(page, real_server, sql, lang) -> None:
    expected = _companies(sql, REGION)
    assert expected > 0
    page.goto(f"{real_server}/directory?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    # the form works by itself: pick the region and submit
    page.select_option("select[name=territory]", REGION)
    page.click("#directory-form button[type=submit]")
    page.wait_for_load_state("load")
    assert f"territory={REGION}" in page.url
    assert page.get_attribute("#companies-total", "data-total") == str(expected)
    assert page.locator("#directory-companies tbody tr").count() == min(expected, 50)
    heading = page.locator("#companies-h").inner_text()
    assert heading.startswith("Entreprises" if lang == "fr" else "Companies")
    violations = failing(axe_violations(page))
    assert not violations, describe(page.url, violations)
    assert not page.problems
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot(page, f"directory-{REGION}-{lang}", PHONE)


def test_a_person_of_the_directory_has_their_page(page, real_server, sql) -> None:
    page.goto(f"{real_server}/directory?territory=FR&lang=en")
    link = page.locator("#directory-people tbody tr th a").first
    name = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == name
    person_id = page.url.split("/person/", 1)[1].split("?")[0]
    ((n,),) = sql("SELECT count(DISTINCT ap.award_id) FROM award_people ap JOIN awards a "
                  "USING (award_id) WHERE ap.person_id = ? AND a.superseded_by IS NULL AND "
                  "a.sector = 'cinema-audiovisual'",
                  [person_id.replace("%2F", "/").replace("%3A", ":")])
    assert page.get_attribute("#person-total", "data-awards") == str(n) and n > 0
    violations = failing(axe_violations(page))
    assert not violations, describe(page.url, violations)
