"""Findings in plain words, zeros that are zeros and maps that read, in a real browser (Debian's
chromium driven by Playwright) on the default atlas (real public data; with --fictitious for
the co-financing conventions, which no real file publishes). Every figure checked here is
recomputed with plain SQL over the store.
"""

from __future__ import annotations

import re

import pytest

# the fixtures of the browser tests (their server, browser and page), shared as they are
from browsing import shot

from cineatlas import Store

pytestmark = pytest.mark.slow

CLOSURE = """
    WITH RECURSIVE up(territory_id, ancestor_id) AS (
        SELECT territory_id, territory_id FROM territories
        UNION SELECT up.territory_id, t.parent_id FROM up
        JOIN territories t ON t.territory_id = up.ancestor_id WHERE t.parent_id IS NOT NULL)
"""


@pytest.fixture(scope="module")
def real_sql(real_atlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(CLOSURE + query, params or []).fetchall()
    store.close()


def _percent(text: str) -> float:
    """The first 'dd,d %' of a French text, as a number."""
    found = re.search(r"(\d+),(\d)\s?%", text)
    assert found, text
    return float(f"{found.group(1)}.{found.group(2)}")


def _qc_money(real_sql) -> dict[str, int]:
    return dict(real_sql("""
        SELECT up.ancestor_id, sum(a.amount_minor) FROM awards a JOIN up
        ON up.territory_id = a.beneficiary_territory_id
        JOIN territories t ON t.territory_id = up.ancestor_id AND t.level = 'qc_region'
        WHERE a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual' GROUP BY ALL"""))


def test_quebec_profile_states_its_finding_as_sql_does(real_server, page,
                                                       real_sql) -> None:
    money = _qc_money(real_sql)
    top = max(money, key=money.get)
    share = money[top] / sum(money.values())
    (top_name, top_pop), = real_sql("SELECT name, population FROM territories "
                                    "WHERE territory_id = ?", [top])
    (qc_pop,), = real_sql("SELECT population FROM territories WHERE territory_id = 'CA-QC'")
    periods = sorted(r[0] for r in real_sql(
        "SELECT DISTINCT fiscal_period FROM awards WHERE source_id LIKE 'telefilm:%'"))
    page.goto(f"{real_server}/territory/CA-QC")
    inside = page.locator("#finding-inside")
    text = inside.inner_text()
    shot(page, "findings-profile-quebec")
    assert inside.get_attribute("data-top") == top == "CA-QC-R06"
    assert _percent(text) == round(share * 100, 1)
    assert top_name in text
    population = round(top_pop / qc_pop * 100, 1)
    assert f"{str(population).replace('.', ',')}\u202f%" in text or \
        f"{str(population).replace('.', ',')}\u00a0%" in text
    assert f"exercices {periods[0]} à {periods[-1]}" in text  # fiscal years, labelled so
    # the comparison beside the figure: population share, median, coverage
    figures = page.locator("#profile-finding .finding-figures").inner_text()
    assert "Part de la population" in figures and "Médiane" in figures
    # and no "0 cinemas, 0 festivals" where no source covers Canada
    places = page.locator("#places-count")
    assert places.get_attribute("data-venues-covered") == "false"
    assert "Aucune source de la base ne couvre les cinémas ici" in places.inner_text()
    assert "0 cinéma" not in places.inner_text()


def test_a_covered_region_with_no_award_shows_zero_and_a_rank(real_server, page,
                                                              real_sql) -> None:
    money = _qc_money(real_sql)
    regions = dict(real_sql("SELECT territory_id, name FROM territories "
                            "WHERE level = 'qc_region'"))
    nothing = sorted(set(regions) - set(money))
    assert "CA-QC-R10" in nothing
    page.goto(f"{real_server}/?level=qc_region&indicator=total_support")
    shot(page, "findings-map-qc-regions")
    for territory in nothing:
        row = page.locator(f'#map-table tr[data-territory="{territory}"]')
        assert row.locator("td").nth(0).get_attribute("data-value") == "0.0"
        rank = row.locator("td").nth(1).inner_text()
        assert re.fullmatch(rf"{len(regions) - len(nothing) + 1}/{len(regions)}", rank), rank
        shape = page.locator(f'path[data-territory="{territory}"]')
        assert "aucune donnée" not in (shape.locator("..").get_attribute("aria-label") or "")
    # the map's finding names them as zeros, and gives the money's concentration as SQL does
    finding = page.locator("#map-finding-text")
    assert finding.get_attribute("data-top") == max(money, key=money.get)
    assert all(regions[t] in finding.inner_text() for t in nothing)
    # the profile of one of them says 0 and its rank
    page.goto(f"{real_server}/territory/{nothing[0]}")
    position = page.locator("#finding-position")
    assert position.get_attribute("data-value") == "0.0"
    assert position.get_attribute("data-rank") == str(len(regions) - len(nothing) + 1)
    assert "n'a rien reçu de Telefilm Canada" in position.inner_text()


def test_map_shapes_and_list_name_every_territory(real_server, page) -> None:
    page.goto(f"{real_server}/?level=qc_region")
    shapes = page.locator("svg.choropleth a")
    assert shapes.count() == 17
    for index in range(shapes.count()):
        label = shapes.nth(index).get_attribute("aria-label")
        assert label and "\u202f: " in label  # French: a narrow no-break space
    assert page.locator("#map-table tbody tr").count() == 17
    assert page.locator("#map-table tbody a").first.is_visible()
    # a legend with its unit, and no class narrower than what it shows
    assert "Légende, en montant par habitant (CAD)" in page.locator("#legend-unit").inner_text()
    texts = [t.strip() for t in page.locator("ul.legend li[data-colour]").all_inner_texts()]
    for text in texts:
        bounds = text.lstrip("≤ ").split(" – ")
        assert len(bounds) == 1 or bounds[0] != bounds[1], text


def test_cofinancing_map_diverges_around_its_target(fictitious_server, page) -> None:
    page.goto(f"{fictitious_server}/?indicator=cofinancing_ratio&level=region")
    shot(page, "findings-map-cofinancing")
    legend = page.locator("ul.legend")
    assert legend.get_attribute("data-target") == "0.5"
    colours = [li.get_attribute("data-colour")
               for li in legend.locator("li[data-colour]").all()]
    target = colours.index("#f7f7f7")
    below, above = colours[:target], colours[target + 1:]
    assert below or above
    assert set(below) <= {"#b35806", "#f1a340", "#fee0b6"}  # orange under the target
    assert set(above) <= {"#d8daeb", "#998ec3", "#542788"}  # purple over it
    assert "= 0,5" in legend.locator("li").nth(target).inner_text()
    note = page.locator("#legend-target").inner_text()
    assert "0,5" in note and "1 € du CNC pour 2 € de la Région" in note
    # each region's colour is on the side of the target its value is
    for row in page.locator("#map-table tbody tr").all():
        value = row.locator("td").first.get_attribute("data-value")
        if not value:
            continue
        territory = row.get_attribute("data-territory")
        fill = page.locator(f'path[data-territory="{territory}"]').get_attribute("fill")
        if float(value) < 0.5:
            assert fill in below, (territory, value, fill)
        elif float(value) > 0.5:
            assert fill in above, (territory, value, fill)
