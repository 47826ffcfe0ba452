"""Accessibility, phone and print of the web atlas, in Debian's chromium driven by Playwright,
on the default atlas (real public data; with --fictitious for the demo banner).

axe-core (vendored under tests/vendor/axe-core/, see its README) runs on every page type in
French and English; every page type is laid out at 390 px (no sideways scroll) and
photographed at 1366 and 390 px under test-artifacts/screenshots/ (or $CINEATLAS_ARTIFACTS);
two profiles are printed to A4 PDFs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from browsing import ARTIFACTS, shot
from conftest import BuiltAtlas

from cineatlas import Store

pytestmark = pytest.mark.slow
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2 A and AA rules, and the best practices (landmarks among them).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = 390
DESKTOP = 1366
#: Console errors the page fixture does not record (conftest.py): a 404 page is one.
IGNORED_CONSOLE = ("status of 404",)


@pytest.fixture(scope="module")
def sql(real_atlas: BuiltAtlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


@pytest.fixture(scope="module")
def page_types(sql) -> dict[str, str]:
    """Every page type of the atlas, with real identifiers read from the store."""
    beneficiary, work = sql("SELECT beneficiary_id, work_id FROM awards WHERE work_id IS NOT "
                            "NULL AND beneficiary_id IS NOT NULL ORDER BY award_id LIMIT 1")[0]
    funder, stage = sql("SELECT funder_id, stage FROM awards WHERE stage IS NOT NULL "
                        "AND sector = 'cinema-audiovisual' "
                        "GROUP BY ALL ORDER BY count(*) DESC, funder_id LIMIT 1")[0]
    return {
        "home-region": "/", "home-department": "/?level=department",
        "profile-france": "/territory/FR", "profile-region": "/territory/FR-R52",
        "profile-department": "/territory/FR-D44", "profile-quebec": "/territory/CA-QC",
        "profile-quebec-region": "/territory/CA-QC-R06",
        "compare": "/compare",
        "awards-filtered": f"/awards?funder={quote(funder, safe='')}&stage={stage}",
        "beneficiary": f"/beneficiary/{quote(beneficiary, safe=':/')}",
        "work": f"/work/{quote(work, safe=':/')}",
        "indicators": "/indicators", "indicator": "/indicators/cofinancing_ratio",
        "sources": "/sources", "simulator": "/simulator", "error-404": "/no/such/page",
    }


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status in (200, 404), (url, response.status)
    assert (response.status == 404) == ("/no/such/page" in url), url
    page.wait_for_load_state("load")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page (run in the page's own world: the atlas's
    Content-Security-Policy forbids injected <script> tags, not the browser's own evaluation)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;0")
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.helpUrl,"
        "targets: v.nodes.map(n => n.target.join(' '))}))", AXE_TAGS)


def failing(violations: list[dict]) -> list[dict]:
    """The serious and critical violations, and any content outside a landmark (`region`)."""
    return [v for v in violations if v["impact"] in ("serious", "critical") or v["id"] == "region"]


def describe(where: str, violations: list[dict]) -> str:
    return "\n".join(f"{where}: {v['id']} ({v['impact']}) {v['help']}\n    "
                     + "\n    ".join(v["targets"][:8]) for v in violations)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_axe_finds_no_serious_violation_on_any_page_type(real_server, fictitious_server, page,
                                                         page_types, lang) -> None:
    urls = {name: real_server + path for name, path in page_types.items()}
    # the demo banner, shown only with fictitious data, must sit inside a landmark too
    urls["fictitious-home"] = fictitious_server + "/"
    urls["fictitious-awards"] = fictitious_server + "/awards"
    report = []
    for name, url in urls.items():
        if lang == "en":
            url += ("&" if "?" in url else "?") + "lang=en"
        visit(page, url)
        assert page.locator("html").get_attribute("lang") == lang, url
        report += [describe(f"{name} ({lang}) {url}", failing(axe_violations(page)))]
    report = [r for r in report if r]
    assert not report, "axe-core found serious or critical violations:\n" + "\n".join(report)


def test_no_page_type_scrolls_sideways_on_a_phone(real_server, page, page_types) -> None:
    """At 390 px every page fits the screen; wide tables scroll inside their own box.
    Each page type is photographed at 390 px and at 1366 px (full page)."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    too_wide = {}
    for name, path in page_types.items():
        visit(page, real_server + path)
        page.evaluate("document.fonts.ready")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[name] = width
        shot(page, f"access-{name}", PHONE)
    assert too_wide == {}
    for name, path in page_types.items():
        visit(page, real_server + path)
        shot(page, f"access-{name}", DESKTOP)
    assert page.problems == []


def test_no_page_type_scrolls_sideways_on_a_phone_without_javascript(real_server, browser,
                                                                     page_types) -> None:
    context = browser.new_context(viewport={"width": PHONE, "height": 844},
                                  java_script_enabled=False)
    plain = context.new_page()
    plain.set_default_navigation_timeout(120_000)
    too_wide = {}
    for name, path in page_types.items():
        visit(plain, real_server + path)
        width = plain.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[name] = width
    context.close()
    assert too_wide == {}


def test_a_wide_table_scrolls_in_its_labelled_box_with_its_first_column_fixed(
        real_server, page) -> None:
    page.set_viewport_size({"width": PHONE, "height": 844})
    visit(page, real_server + "/compare")
    box = page.locator("div.table-wrap", has=page.locator("#compare-table"))
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    # focusable (the arrow keys scroll it) and named after the table's caption
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    caption = page.locator("#compare-table caption")
    assert box.get_attribute("aria-labelledby") == caption.get_attribute("id")
    first = page.locator("#compare-table tbody tr").first.locator("th")
    second = page.locator("#compare-table tbody tr").first.locator("td").first
    left = box.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = 300; }")
    page.wait_for_timeout(100)
    assert abs(first.bounding_box()["x"] - left) < 1  # the territory column stays
    assert second.bounding_box()["x"] < left  # the figures moved under it
    box.focus()  # the keyboard scrolls the box
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert box.evaluate("b => b.scrollLeft") > 300


def test_the_explorers_facets_fold_behind_a_button_on_a_phone(real_server, page) -> None:
    visit(page, real_server + "/awards")
    facets = page.locator("aside.facets details.fold")
    assert facets.evaluate("d => d.open")
    assert page.locator("a[data-facet]").first.is_visible()
    page.set_viewport_size({"width": PHONE, "height": 844})
    visit(page, real_server + "/awards")
    assert not facets.evaluate("d => d.open")
    assert not page.locator("a[data-facet]").first.is_visible()
    summary = facets.locator("summary")
    assert summary.inner_text() == "Filtres"
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("a[data-facet]").first.is_visible()


def test_charts_fit_their_box_on_a_phone(real_server, page) -> None:
    """Vega-Lite charts take their container's width; no label is cut off."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    visit(page, real_server + "/territory/FR-R52")
    charts = page.locator("div.vega")
    assert charts.count() > 0
    page.wait_for_selector("div.vega[data-rendered=true] svg")
    page.wait_for_function(f"document.querySelectorAll('div.vega[data-rendered=true]').length"
                           f" === {charts.count()}")
    cut = page.evaluate("""() => {
      const out = [];
      document.querySelectorAll('div.vega svg').forEach((svg) => {
        const box = svg.getBoundingClientRect();
        if (box.right > document.documentElement.clientWidth + 0.5) out.push('chart ' + box.right);
        svg.querySelectorAll('text').forEach((t) => {
          const r = t.getBoundingClientRect();
          if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
            out.push(t.textContent + ' ' + r.left + '-' + r.right + ' in ' + box.left + '-'
                     + box.right);
        });
      });
      return out; }""")
    assert cut == []
    assert page.locator("div.vega svg text").count() > 10  # the labels were there to check


def test_a_select_change_does_not_navigate(real_server, page) -> None:
    """Arrow keys on a <select> (or a mouse choice) leave the page where it is; the form's
    button applies the choice."""
    navigations: list[str] = []
    page.on("framenavigated",
            lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    for path, form in [("/", "#map-form"), ("/compare", "#compare-form"),
                       ("/simulator", "#simulator-form")]:
        visit(page, real_server + path)
        navigations.clear()
        selects = page.locator(f"{form} select")
        assert selects.count() > 0, path
        for i in range(selects.count()):
            select = selects.nth(i)
            before = select.input_value()
            select.focus()
            page.keyboard.press("ArrowDown")
            options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            other = next((v for v in options if v != before), None)
            if other is not None:  # and a mouse's (or a script's) choice
                select.select_option(other)
                assert select.input_value() == other, (path, i)
        page.wait_for_timeout(500)
        assert navigations == [], (path, navigations)
    visit(page, real_server + "/")
    page.select_option("#map-form select[name=level]", "department")
    page.click("#map-form button[type=submit]")
    page.wait_for_url(re.compile(r"level=department"))
    assert page.locator("#level").input_value() == "department"


def test_compare_headers_sort_instead_of_navigating(real_server, page) -> None:
    visit(page, real_server + "/compare")
    url = page.url
    headers = page.locator("#compare-table thead th")
    assert page.locator("#compare-table thead button a, #compare-table thead a button"
                        ).count() == 0  # no link inside a button, nor the reverse
    assert headers.count() == page.locator("#compare-table thead button.sort").count()
    column = 2  # the second indicator's column (the first is the territory)
    header = headers.nth(column)
    header.locator("button.sort").click()
    assert page.url == url
    assert header.get_attribute("aria-sort") == "ascending"

    def values() -> list[float | None]:
        cells = page.locator(f"#compare-table tbody tr > :nth-child({column + 1})")
        return [float(v) if v else None for v in cells.evaluate_all(
            "cs => cs.map(c => c.dataset.value)")]

    shown = values()
    known = [v for v in shown if v is not None]
    assert len(known) > 1 and known == sorted(known)
    assert shown == known + [None] * (len(shown) - len(known))  # unknown last
    header.locator("button.sort").press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert [v for v in values() if v is not None] == sorted(known, reverse=True)
    # the definition of the indicator stays one link away, beside the button
    link = header.locator("a.about")
    assert link.get_attribute("href").startswith("/indicators/")
    assert page.get_by_role("link", name=re.compile(r"^Définition")).count() == \
        headers.count() - 1


def test_filter_chips_name_their_value(real_server, page, page_types, sql) -> None:
    visit(page, real_server + page_types["awards-filtered"])
    funder_id = re.search(r"funder=([^&]+)", page.url).group(1)
    from urllib.parse import unquote

    (funder,) = sql("SELECT name FROM organisations WHERE organisation_id = ?",
                    [unquote(funder_id)])[0]
    chip = page.get_by_role("link", name=re.compile(
        r"^Retirer le filtre Financeur\W*:\W*" + re.escape(funder) + r"$"))
    assert chip.count() == 1
    chip.click()
    page.wait_for_load_state("load")
    assert "funder=" not in page.url and "stage=" in page.url


def test_cinema_and_festival_points_are_reachable_by_keyboard(real_server, page, sql) -> None:
    (located,) = sql(
        "WITH RECURSIVE inside(id) AS (SELECT 'FR-D44' UNION SELECT t.territory_id FROM "
        "territories t JOIN inside ON t.parent_id = inside.id) SELECT "
        "(SELECT count(*) FROM venues WHERE latitude IS NOT NULL AND territory_id IN "
        "(SELECT id FROM inside)) + (SELECT count(*) FROM festivals WHERE is_cinema AND "
        "latitude IS NOT NULL AND territory_id IN (SELECT id FROM inside))")[0]
    visit(page, real_server + "/territory/FR-D44")
    points = page.locator("#places-map [data-point]")
    assert points.count() == located > 50
    names = points.evaluate_all("ps => ps.map(p => p.querySelector('title').textContent)")
    # one tab stop for the map: from the link just before it, Tab lands on the first point
    page.locator("#places-count a").last.focus()
    page.keyboard.press("Tab")

    def focused() -> str:
        return page.evaluate("document.activeElement.matches('[data-point]') ? "
                             "document.activeElement.querySelector('title').textContent : ''")

    assert focused() == names[0]
    page.keyboard.press("ArrowRight")
    assert focused() == names[1]
    page.keyboard.press("End")
    assert focused() == names[-1]
    page.keyboard.press("Tab")  # and on out of the map
    assert focused() == ""
    # each point is an image named after its place, within a named group
    assert page.get_by_role("group", name="Carte des cinémas et festivals de Loire-Atlantique"
                            ).count() == 1
    assert page.get_by_role("img", name=names[0], exact=True).count() >= 1


def test_a_skip_link_leads_to_the_explorers_results(real_server, page) -> None:
    visit(page, real_server + "/awards")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller aux résultats"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")  # the next stop is inside the results
    assert page.evaluate("document.getElementById('results').contains(document.activeElement)")


def test_the_demo_banner_is_inside_a_landmark(fictitious_server, page) -> None:
    visit(page, fictitious_server + "/")
    banner = page.get_by_role("complementary", name="Données de démonstration")
    assert banner.locator("p.fictitious").count() == 1


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its /Type /Page objects (chromium writes them uncompressed)."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages >= 1 and re.search(rb"/Count\s+%d\b" % pages, pdf), "unexpected PDF layout"
    return pages


@pytest.mark.parametrize("path", ["/territory/FR-D44", "/territory/CA-QC"])
def test_a_profile_prints_on_two_a4_pages_at_most(real_server, page, path) -> None:
    visit(page, real_server + path)
    pdf = page.pdf(format="A4")
    assert pdf_pages(pdf) <= 2
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{path.rsplit('/', 1)[-1]}.pdf").write_bytes(pdf)
    # printed without navigation, menu, forms, nor the map's keyboard help
    page.emulate_media(media="print")
    for hidden in ["header.site nav", "#lang-switch", "a.skip", "form", "#places-keys"]:
        assert all(not e.is_visible() for e in page.locator(hidden).all()), hidden
    assert page.locator("h1").is_visible()
    assert page.locator("#key-figures").is_visible()
