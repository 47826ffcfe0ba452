"""Every figure the atlas shows says what it rests on, in one currency, on cinema and
audiovisual lines by default.

Two stores:

- `mixed`: the reference territories, the real Telefilm file (imported as a user would), and
  three added awards: a **fictitious** one in Montréal (large enough to put its beneficiary
  among the top ten), a real one of **another sector** in
  Estrie, and a real one in **euros** in the Capitale-Nationale. Expected figures, flags and
  sources are recomputed here with plain SQL (a recursive walk of the territory tree), never
  read from the atlas' own queries.
- the demo atlas plus the real files (conftest's `web_atlas`): the France profile's totals in
  euros with Telefilm's Canadian dollars apart.
"""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cineatlas import Store, import_file
from cineatlas.web import create_app, i18n

TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"
DEMO = "demo:mixed-test"
FICTITIOUS_ID, OTHER_SECTOR_ID, EURO_ID = "fict-mtl", "other-estrie", "euro-quebec"
FICTITIOUS_CENTS, OTHER_CENTS, EURO_CENTS = 20_000_000_00, 7_777_700, 4_321_00


def _within(territory_id: str) -> str:
    """SQL of the ids of `territory_id` and every territory under it, by walking parent_id."""
    return ("WITH RECURSIVE inside(id) AS (SELECT territory_id FROM territories WHERE territory_id "
            f"= '{territory_id}' UNION SELECT t.territory_id FROM territories t JOIN inside "
            "ON t.parent_id = inside.id) SELECT id FROM inside")


def _copy_award(store: Store, new_id: str, region: str, **changes) -> None:
    """A copy of the first Telefilm award placed under `region`, with `changes`."""
    assignments = ", ".join(f"? AS {column}" for column in changes)
    store.con.execute(
        f"INSERT INTO awards BY NAME SELECT * REPLACE ({assignments}, ? AS award_id, "
        "NULL::VARCHAR AS superseded_by, NULL::VARCHAR AS amends_award_id) FROM awards "
        f"WHERE beneficiary_territory_id IN ({_within(region)}) AND superseded_by IS NULL "
        "ORDER BY award_id LIMIT 1", [*changes.values(), new_id])


@pytest.fixture(scope="module")
def mixed(territories_store: Path, tmp_path_factory, shared_data) -> Path:
    db = tmp_path_factory.mktemp("mixed") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    import_file("telefilm", shared_data(TELEFILM), db=db)
    with Store(db) as store:
        store.con.execute(
            "INSERT INTO sources (source_id, importer, title, publisher, imported_at, rows_read, "
            "rows_loaded, rows_quarantined, fictitious) VALUES (?, 'test', 'Invented awards', "
            "'the tests', now(), 1, 1, 0, TRUE)", [DEMO])
        _copy_award(store, FICTITIOUS_ID, "CA-QC-R06", amount_minor=FICTITIOUS_CENTS,
                    fiscal_year=2015, source_id=DEMO, fictitious=True)
        _copy_award(store, OTHER_SECTOR_ID, "CA-QC-R05", amount_minor=OTHER_CENTS,
                    sector="other")
        _copy_award(store, EURO_ID, "CA-QC-R03", amount_minor=EURO_CENTS, currency="EUR")
        assert store.count("awards", "award_id IN ('fict-mtl', 'other-estrie', "
                                     "'euro-quebec')") == 3
    return db


@pytest.fixture(scope="module")
def client(mixed):
    with TestClient(create_app(mixed), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def sql(mixed):
    store = Store(mixed, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _expected(sql, territory_id: str, currency: str = "CAD", extra: str = "") -> tuple:
    """(cents, fictitious, sources) of the cinema and audiovisual awards (each contract once)
    of `territory_id` in `currency`, by plain SQL."""
    return sql(
        "SELECT sum(amount_minor), bool_or(fictitious), list(DISTINCT source_id ORDER BY "
        "source_id) FROM awards WHERE currency = ? AND sector = 'cinema-audiovisual' AND "
        f"superseded_by IS NULL AND beneficiary_territory_id IN ({_within(territory_id)}) "
        f"{extra}", [currency])[0]


def _main(html: str) -> str:
    """The page's main content without the list of its sources."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return main.split('<aside class="figure-sources"', 1)[0]


def _key_cell(html: str, indicator: str) -> str:
    return re.search(rf'<td class="num"[^>]*data-indicator="{indicator}">(.*?)</td>', html,
                     re.S).group(1)


def _telefilm(sql) -> str:
    return sql("SELECT source_id FROM sources WHERE importer = 'telefilm'")[0][0]


def test_a_real_only_profile_carries_no_flag(client, sql) -> None:
    """Estrie: Telefilm's real awards only (the added award of another sector is left out)."""
    cents, fictitious, sources = _expected(sql, "CA-QC-R05")
    assert fictitious is False and sources == [_telefilm(sql)]
    data = client.get("/api/v1/territories/CA-QC-R05/profile").json()["data"]
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert (total["currency"], total["value"]) == ("CAD", pytest.approx(cents / 100))
    assert (total["fictitious"], total["sources"]) == (False, sources)
    assert total["other_currencies"] == []
    assert not any(row["fictitious"] for row in data["series"] + data["top_beneficiaries"])
    html = client.get("/territory/CA-QC-R05").text
    # no flag, but on the national medians: they rest on Montréal's figures too
    medians = re.findall(r'<span class="tag flag-fictitious" [^>]*title="([^"]+)"', _main(html))
    assert medians and set(medians) == {"La médiane repose sur des chiffres fictifs "
                                        "(démonstration) d'autres territoires."}
    # the figures cite Telefilm's file, listed at the end of the page with a link to /sources
    assert f'data-source="{sources[0]}">[1]</a>' in _key_cell(html, "total_support")
    assert f'<a href="/sources#source-{sources[0].replace(":", "%3A")}">' in html
    assert f'<tr id="source-{sources[0]}">' in client.get("/sources").text


def test_a_figure_resting_on_a_fictitious_row_is_flagged(client, sql) -> None:
    """Montréal: the fictitious award joins the real ones in its totals, its year and its
    beneficiary's row; the other years stay unflagged."""
    cents, fictitious, sources = _expected(sql, "CA-QC-R06")
    assert fictitious is True and sources == sorted([DEMO, _telefilm(sql)])
    data = client.get("/api/v1/territories/CA-QC-R06/profile").json()["data"]
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert total["value"] == pytest.approx(cents / 100)
    assert (total["fictitious"], total["sources"]) == (True, sources)
    by_year = dict(sql(
        "SELECT coalesce(fiscal_year, year(decision_date)), bool_or(fictitious) FROM awards "
        "WHERE currency = 'CAD' AND superseded_by IS NULL AND sector = 'cinema-audiovisual' AND "
        f"beneficiary_territory_id IN ({_within('CA-QC-R06')}) GROUP BY 1"))
    assert {r["year"]: r["fictitious"] for r in data["series"]} == by_year
    assert [y for y, f in by_year.items() if f] == [2015]
    (beneficiary,) = sql("SELECT beneficiary_id FROM awards WHERE award_id = ?",
                         [FICTITIOUS_ID])[0]
    flagged = {r["beneficiary_id"] for r in data["top_beneficiaries"] if r["fictitious"]}
    assert flagged == {beneficiary}
    html = client.get("/territory/CA-QC-R06").text
    assert "flag-fictitious" in _key_cell(html, "total_support")
    series = re.search(r'id="series-table".*?</table>', html, re.S).group(0)
    # Telefilm's years are fiscal years, labelled so: 2015-2016
    rows = dict(re.findall(r'<th scope="row">(\d{4})-\d{4}</th><td[^>]*>(.*?)</td>', series,
                           re.S))
    assert {int(y) for y, cell in rows.items() if "flag-fictitious" in cell} == {2015}
    # the province and its map carry the flag too; Ontario (real only) does not
    provinces = client.get("/", params={"level": "province", "indicator": "total_support"}).text
    assert "flag-fictitious" in re.search(r'<tr data-territory="CA-QC">.*?</tr>', provinces,
                                          re.S).group(0)
    assert "flag-fictitious" not in re.search(r'<tr data-territory="CA-ON">.*?</tr>',
                                              provinces, re.S).group(0)


def test_indicator_values_carry_the_flag_of_each_region(client, sql) -> None:
    body = client.get("/api/v1/indicators/total_support/values",
                      params={"level": "qc_region"}).json()["data"]
    expected = dict(sql(
        "WITH RECURSIVE inside(root, id) AS (SELECT territory_id, territory_id FROM territories "
        "WHERE level = 'qc_region' UNION SELECT inside.root, t.territory_id FROM territories t "
        "JOIN inside ON t.parent_id = inside.id) SELECT root, bool_or(a.fictitious) FROM inside "
        "JOIN awards a ON a.beneficiary_territory_id = inside.id WHERE a.currency = 'CAD' AND "
        "a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual' GROUP BY 1"))
    # a region with no award is a known zero (Telefilm places Québec's beneficiaries by
    # municipality, so it covers every region): real, unflagged
    regions = [r[0] for r in sql("SELECT territory_id FROM territories WHERE level = 'qc_region'")]
    expected = dict.fromkeys(regions, False) | expected
    got = {r["territory_id"]: r["fictitious"] for r in body if r["currency"] == "CAD"}
    assert got == expected and [t for t, f in got.items() if f] == ["CA-QC-R06"]
    assert all(r["sources"] for r in body)


def test_a_territory_in_its_own_currency_with_the_others_apart(client, sql) -> None:
    """Capitale-Nationale: Canadian dollars first; the award in euros shown apart, labelled,
    never added."""
    cents, _, _ = _expected(sql, "CA-QC-R03")
    euros, _, euro_sources = _expected(sql, "CA-QC-R03", "EUR")
    assert euros == EURO_CENTS
    data = client.get("/api/v1/territories/CA-QC-R03/profile").json()["data"]
    assert data["currency"] == "CAD"
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert (total["currency"], total["value"]) == ("CAD", pytest.approx(cents / 100))
    assert [(o["currency"], o["value"], o["sources"]) for o in total["other_currencies"]] == [
        ("EUR", pytest.approx(EURO_CENTS / 100), euro_sources)]
    assert {r["currency"] for r in data["series"]} == {"CAD"}
    assert {r["currency"] for r in data["other_currencies"]["series"]} == {"EUR"}
    for rows in data["breakdowns"].values():
        assert {r["currency"] for r in rows} <= {"CAD"}
    fr = i18n.Formats("fr")
    cell = html_module.unescape(_key_cell(client.get("/territory/CA-QC-R03").text,
                                          "total_support"))
    assert cell.startswith(fr.value(cents / 100, "money", "CAD"))
    assert f"aussi {fr.money(EURO_CENTS, 'EUR')} de financeurs payant en euros" in cell


def test_awards_of_other_sectors_only_on_request(client, sql) -> None:
    def count(sector: str) -> int:
        return sql(f"SELECT count(*) FROM awards WHERE (sector {sector}) AND "
                   f"beneficiary_territory_id IN ({_within('CA-QC-R05')})")[0][0]

    def total(**params) -> int:
        return client.get("/api/v1/awards", params={"territory": "CA-QC-R05", **params}
                          ).json()["total"]

    assert total() == count("= 'cinema-audiovisual'")
    assert total(sector="other") == count("= 'other'") == 1
    assert total(sector="all") == count("IS NOT NULL OR sector IS NULL")
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/awards.csv", params={"territory": "CA-QC-R05", "sector": "other"}).text)))
    assert [(r["award_id"], r["sector"]) for r in rows] == [(OTHER_SECTOR_ID, "other")]
    assert client.get("/api/v1/awards", params={"sector": "nope"}).status_code == 422
    # the explorer says what it shows and counts the other sectors
    page = html_module.unescape(client.get("/awards", params={"territory": "CA-QC-R05"}).text)
    assert "Aides affichées\u202f: Cinéma et audiovisuel." in page
    other = re.search(r'data-sector="other">[^<]+</a> <span class="count">(\d+)</span>', page)
    assert int(other.group(1)) == 1
    # the profile's breakdowns leave it out; the beneficiary page shows it on request only
    data = client.get("/api/v1/territories/CA-QC-R05/profile").json()["data"]
    stages = sum(r["amount_minor"] for r in data["breakdowns"]["stage"])
    assert stages == _expected(sql, "CA-QC-R05")[0]
    (beneficiary,) = sql("SELECT beneficiary_id FROM awards WHERE award_id = ?",
                         [OTHER_SECTOR_ID])[0]
    default = client.get(f"/beneficiary/{beneficiary}").text
    every = client.get(f"/beneficiary/{beneficiary}", params={"sector": "all"}).text
    fr = i18n.Formats("fr")
    amount = html_module.unescape(fr.money(OTHER_CENTS, "CAD"))
    assert amount not in html_module.unescape(default) and amount in html_module.unescape(every)


def test_the_compare_download_carries_flags_and_sources(client, sql) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/compare.csv", params={"level": "qc_region"}).text)))
    totals = {r["territory_id"]: r for r in rows if r["indicator"] == "total_support"
              and r["currency"] == "CAD"}
    assert totals["CA-QC-R06"]["fictitious"] == "true"
    assert totals["CA-QC-R05"]["fictitious"] == "false"
    assert totals["CA-QC-R05"]["sources"] == f'["{_telefilm(sql)}"]'
    # the euro award is a row of its own, never added to the Canadian dollars
    euro = [r for r in rows if r["indicator"] == "total_support" and r["currency"] == "EUR"]
    assert [(r["territory_id"], float(r["value"])) for r in euro] == [
        ("CA-QC-R03", EURO_CENTS / 100)]
    page = client.get("/compare", params={"level": "qc_region"}).text
    cell = re.search(r'data-cell="CA-QC-R03/total_support">(.*?)</td>', page, re.S).group(1)
    assert "de financeurs payant en euros" in html_module.unescape(cell)


# --- the demo atlas plus the real files --------------------------------------------------


@pytest.fixture(scope="module")
def demo(web_atlas):
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def demo_sql(web_atlas):
    store = Store(web_atlas, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def test_the_france_profile_is_in_euros_with_canadian_dollars_apart(demo, demo_sql) -> None:
    """Two Telefilm awards went to French co-producers (58,000 CAD): France's total is its
    euros, the Canadian dollars are shown apart and labelled."""
    (euros,) = demo_sql("SELECT sum(amount_minor) FROM awards WHERE currency = 'EUR' AND "
                        f"superseded_by IS NULL AND beneficiary_territory_id IN ({_within('FR')})"
                        )[0]
    (dollars,) = demo_sql("SELECT sum(amount_minor) FROM awards WHERE currency = 'CAD' AND "
                          "superseded_by IS NULL AND "
                          f"beneficiary_territory_id IN ({_within('FR')})")[0]
    assert dollars == 5_800_000
    data = demo.get("/api/v1/territories/FR/profile").json()["data"]
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert (total["currency"], total["value"]) == ("EUR", pytest.approx(euros / 100))
    assert total["fictitious"] is True  # the demo's French awards
    (other,) = total["other_currencies"]
    assert (other["currency"], other["value"], other["fictitious"]) == ("CAD", 58_000, False)
    html = html_module.unescape(demo.get("/territory/FR").text)
    fr = i18n.Formats("fr")
    cell = re.search(r'data-indicator="total_support">(.*?)</td>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", cell).startswith(fr.money(euros, "EUR"))
    assert "aussi 58 000 $CA de financeurs canadiens" in re.sub(r"\s+", " ",
                                                                cell.replace("\u202f", " "))
    # never in place of the main figure: the 58,000 only ever comes with its label
    assert html.count(fr.money(5_800_000, "CAD")) == html.count(
        f"aussi {fr.money(5_800_000, 'CAD')}")


def test_demo_figures_flag_the_fictitious_and_not_the_real(demo) -> None:
    html = demo.get("/territory/FR-R84").text
    for indicator in ("total_support", "support_per_inhabitant"):
        assert "flag-fictitious" in _key_cell(html, indicator), indicator
    for indicator in ("cinemas_per_100k", "cinema_festivals_per_100k"):  # CNC, Ministry: real
        assert "flag-fictitious" not in _key_cell(html, indicator), indicator
    count = re.search(r'<p id="places-count">(.*?)</p>', html, re.S).group(1)
    assert "flag-fictitious" not in count and 'data-source="cnc-cinemas:' in count
    listed = re.findall(r'<li value="\d+" data-source="([^"]+)">', html)
    assert "demo:fictitious-france" in listed and len(listed) == len(set(listed))
