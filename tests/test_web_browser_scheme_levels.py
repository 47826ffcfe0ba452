"""A territory's levels table, a funder's transparency card and a scheme's observed outcomes in
Debian's chromium (Playwright), French and English, axe-clean (the axe fixture of
test_web_browser_access), on the real CNC Talent and Telefilm files (tests/scheme_stores.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browsing import serving
from test_web_browser_access import axe_violations, describe, failing

from cineatlas import Store
from cineatlas.queries import schemes

pytestmark = pytest.mark.slow
#: The page fixture's width, and the console errors it does not record (conftest.py).
DESKTOP = 1366
IGNORED_CONSOLE = ("status of 404",)


@pytest.fixture(scope="module")
def served(real_schemes):
    with Store(real_schemes, read_only=True) as store:
        cnc = store.scalar("SELECT organisation_id FROM organisations WHERE is_funder AND "
                           "source_id LIKE 'cnc-commissions:%'")
        fund = next(e.id for e in schemes.catalogue(store).entries
                    if e.name == "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)")
    with serving(real_schemes) as url:
        yield url, cnc, fund


def open_page(page, url: str, lang: str) -> None:
    response = page.goto(url + ("?lang=en" if lang == "en" else "?lang=fr"))
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == lang


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", {"heading": "Dispositifs d'aide de tous les échelons", "blind": "aucun dispositif connu",
            "national": "National", "writing": "Écriture"}),
    ("en", {"heading": "Support schemes of every level", "blind": "no scheme known",
            "national": "National", "writing": "Writing"}),
])
def test_a_territorys_levels_table(page, served, lang, words) -> None:
    url, _, _ = served
    open_page(page, url + "/territory/CA-QC", lang)
    section = page.locator("#scheme-levels")
    assert section.locator("h2").inner_text() == words["heading"]
    table = section.locator("#levels-table")
    writing = table.locator("tr[data-stage=writing]")
    assert writing.locator("th").inner_text().startswith(words["writing"])
    assert writing.locator(".blind-spot").inner_text() == words["blind"]
    production = table.locator("tr[data-stage=production] td[data-level=national] li > a")
    assert "Production Program" in production.all_inner_texts()
    assert table.locator("th[data-level=national]").inner_text() == words["national"]
    assert page.problems == []
    report = describe(f"levels ({lang})", failing(axe_violations(page)))
    assert not report, report


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", {"heading": "Transparence", "none": "non trouvé dans les sources de l'atlas",
            "sessions": "pour 33 des 34 séances de commission, 2017–2024"}),
    ("en", {"heading": "Transparency", "none": "not found in the sources the atlas holds",
            "sessions": "for 33 of 34 commission sessions, 2017–2024"}),
])
def test_a_funders_transparency_card(page, served, lang, words) -> None:
    url, cnc, _ = served
    open_page(page, url + "/funder/" + quote(cnc, safe=":/"), lang)
    card = page.locator("#transparency")
    assert card.locator("h2").inner_text() == words["heading"]
    composition = card.locator("dd[data-item=composition]")
    assert composition.get_attribute("data-found") == "true"
    assert composition.inner_text().startswith(words["sessions"])
    criteria = card.locator("dd[data-item=criteria]")
    assert criteria.get_attribute("data-found") == "false"
    assert criteria.inner_text().startswith(words["none"])
    assert page.problems == []
    report = describe(f"transparency ({lang})", failing(axe_violations(page)))
    assert not report, report


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_schemes_observed_page(page, served, lang) -> None:
    url, _, fund = served
    open_page(page, url + f"/schemes/{fund}/observed", lang)
    assert page.locator("#observed-facts dd[data-awards]").get_attribute("data-awards") == "635"
    assert page.locator("#observed-sessions tbody tr").count() == 34
    assert page.problems == []
    report = describe(f"observed ({lang})", failing(axe_violations(page)))
    assert not report, report
