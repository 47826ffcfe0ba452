"""The directory's map in a real browser (Debian's chromium, Playwright) on the default atlas
(real public data only): Québec's regions drawn in French and English, each shape naming its
region and its number of companies (plain SQL, test_web_browser_directory._companies) and
leading, by keyboard, to that region's directory; France's regions, whose beneficiaries the
data place in France only, hatched as not known rather than zero; a level without outlines
said and listed; axe finds no violation in the map's section and no serious one on the page;
no sideways scroll on a phone. Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browsing import shot
from test_web_browser_access import AXE_TAGS, PHONE, axe_violations, describe, failing
from test_web_browser_directory import _companies

from cineatlas import Store

pytestmark = pytest.mark.slow
DESKTOP = 1366  # the page fixture's width (conftest.py)
SECTION = "#directory-within"
#: The region a test follows from Québec's map (Capitale-Nationale).
REGION = "CA-QC-R03"


@pytest.fixture(scope="module")
def sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _section_violations(page) -> list[dict]:
    """Every axe violation (any impact) inside the map's section."""
    axe_violations(page)  # loads axe into the page
    return page.evaluate(
        "async ([where, tags]) => (await axe.run(where, {runOnly: tags})).violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.helpUrl, "
        "targets: v.nodes.map(n => n.target.join(' '))}))", [SECTION, AXE_TAGS])


def _shape(page, territory: str):
    return page.locator(f'{SECTION} svg.choropleth a:has(path[data-territory="{territory}"])')


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_map_of_quebec_leads_to_each_region(page, real_server, sql, lang) -> None:
    regions = sql("SELECT territory_id, name FROM territories WHERE parent_id = 'CA-QC' "
                  "AND level = 'qc_region' ORDER BY territory_id")
    assert len(regions) == 17
    page.goto(f"{real_server}/directory?territory=CA-QC&lang={lang}")
    svg = page.locator(f"{SECTION} svg.choropleth")
    assert svg.get_attribute("data-shapes") == str(len(regions))
    assert svg.get_attribute("aria-label") == (
        "Carte des entreprises et des personnes de l'annuaire, par territoire\u202f: Québec"
        if lang == "fr" else
        "Map of the companies and people of the directory, by territory: Québec")
    assert page.locator("#legend-unit").inner_text() == (
        "Légende, en entreprises et personnes\u202f:" if lang == "fr"
        else "Legend, in companies and people:")
    assert page.locator(f"{SECTION} ul.legend li").count() >= 3  # 0, classes, not known
    # each region: its name and its companies (plain SQL) to a screen reader and in its title;
    # everyone is placed in a region, so a zero is a zero, never hatched
    for territory, name in regions:
        n = _companies(sql, territory)
        word = (("entreprise" if n <= 1 else "entreprises") if lang == "fr"
                else ("company" if n == 1 else "companies"))
        label = _shape(page, territory).get_attribute("aria-label")
        colon = "\u202f:" if lang == "fr" else ":"
        assert label.startswith(f"{name}{colon} {n} {word}, 0 "), label
        path = page.locator(f'{SECTION} path[data-territory="{territory}"]')
        assert path.get_attribute("fill") != "url(#no-data)"
        assert path.locator("title").text_content().startswith(f"{name} — {n} {word}")
    assert "directory-unknown" not in page.content()
    violations = _section_violations(page)
    assert not violations, describe(page.url, violations)
    violations = failing(axe_violations(page))
    assert not violations, describe(page.url, violations)
    assert not page.problems
    shot(page, f"directory-map-CA-QC-{lang}")
    # a shape is a link: by keyboard, to that region's directory with the same language
    _shape(page, REGION).focus()
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(
        f"/directory?territory={REGION}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"territory={REGION}" in page.url and (lang == "fr") == ("lang=en" not in page.url)
    assert page.get_attribute("#companies-total", "data-total") == str(_companies(sql, REGION))
    assert "Capitale-Nationale" in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == lang


def test_the_map_keeps_the_filters_in_its_links(page, real_server, sql) -> None:
    page.goto(f"{real_server}/directory?territory=CA-QC&stage=development&year_from=2012"
              "&lang=en")
    href = _shape(page, REGION).get_attribute("href")
    assert href == f"/directory?territory={REGION}&stage=development&year_from=2012&lang=en"
    page.goto(real_server + href)
    assert page.locator("select[name=stage]").input_value() == "development"


def test_french_regions_placed_only_in_france_are_not_known(page, real_server, sql) -> None:
    # the SCDL files and the CNC's commissions place their beneficiaries in France, not in a
    # region: France's regions may hold them, so none is drawn as a zero
    ((in_france,),) = sql(
        "SELECT count(*) FROM awards a JOIN organisations o ON o.organisation_id = "
        "a.beneficiary_id WHERE o.territory_id = 'FR' AND a.superseded_by IS NULL AND "
        "a.sector = 'cinema-audiovisual' AND NOT o.is_funder AND o.funder_level IS NULL")
    assert in_france > 0
    page.goto(f"{real_server}/directory?territory=FR-R52")
    departments = sql("SELECT territory_id FROM territories WHERE parent_id = 'FR-R52'")
    for (territory,) in departments:
        path = page.locator(f'{SECTION} path[data-territory="{territory}"]')
        n = _companies(sql, territory)
        if n == 0:
            assert path.get_attribute("fill") == "url(#no-data)"
            assert "inconnu" in _shape(page, territory).get_attribute("aria-label")
        else:
            assert path.get_attribute("fill") != "url(#no-data)"
    assert page.locator("#directory-above").is_visible()
    assert page.locator("#directory-unknown").inner_text().startswith("Un territoire où personne")
    violations = _section_violations(page)
    assert not violations, describe(page.url, violations)
    shot(page, "directory-map-FR-R52-fr")


def test_a_level_without_outlines_is_said_and_listed(page, real_server, sql) -> None:
    page.goto(f"{real_server}/directory?territory=CA-QC-R01&lang=en")
    assert page.locator(f"{SECTION} svg.choropleth").count() == 0
    assert page.locator("#directory-no-map").inner_text().startswith("No map:")
    rows = page.locator("#directory-within-table tbody tr")
    assert rows.count() > 0
    total = sum(int(rows.nth(i).get_attribute("data-companies")) for i in range(rows.count()))
    assert total >= _companies(sql, "CA-QC-R01") > 0  # (a company in two places counts twice)
    violations = _section_violations(page)
    assert not violations, describe(page.url, violations)


def test_the_map_fits_a_phone(page, real_server) -> None:
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"{real_server}/directory?territory=CA")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    box = page.locator(f"{SECTION} svg.choropleth").bounding_box()
    assert box and box["width"] <= PHONE
    shot(page, "directory-map-CA-fr", PHONE)
