"""The entity pages on the default atlas (`cineatlas atlas`: real public data only): cinemas and
festivals (lists, pages, CSV downloads), funders, beneficiaries (paged, with totals by funder
and by year) and the compare table's median row.

Expected figures come from the real files themselves (csv + Decimal) or from plain SQL on the
store written here (not the query layer the pages use).
"""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from conftest import BuiltAtlas, find_shared_data
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app

CINEMAS = "cnc/etablissements-cinematographiques-2022.csv"
FESTIVALS = "festivals/festivals-global-festivals-_-pl.csv"
TELEFILM = "telefilm:telefilm-contributions-2009-2018/org/753d77c67dfb"
LOIRE_ATLANTIQUE = "scdl:loire-atlantique-subventions-associations/org/3768a0605c68"
CINEMA = "cinema-audiovisual"
#: Every territory above a territory (itself included), by the parent links alone.
ABOVE_SQL = ("WITH RECURSIVE up(territory_id, ancestor_id) AS ("
             "SELECT territory_id, territory_id FROM territories UNION ALL "
             "SELECT up.territory_id, t.parent_id FROM up JOIN territories t "
             "ON t.territory_id = up.ancestor_id WHERE t.parent_id IS NOT NULL) ")


@pytest.fixture(scope="module")
def client(real_atlas: BuiltAtlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def french(client):
    """Every test starts in French (a ?lang=en sets a cookie)."""
    client.cookies.clear()


@pytest.fixture(scope="module")
def sql(real_atlas: BuiltAtlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def rows_of(path: str) -> list[dict[str, str]]:
    with find_shared_data(path).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def text(page: str) -> str:
    """A page's visible text, tags dropped and entities decoded, spaces normalised."""
    plain = html_module.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", plain.replace("\u202f", " ").replace("\xa0", " "))


def table_rows(page: str, table_id: str, key: str) -> dict[tuple[str, str], int | None]:
    """(data-`key`, currency) → the amount cell's data-value (cents; None when unknown) of a
    table's rows."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert body, f"no table {table_id}"
    found = {}
    for row in re.finditer(rf'<tr data-{key}="([^"]*)" data-currency="([^"]*)">(.*?)</tr>',
                           body.group(0), re.S):
        values = re.findall(r'data-value="(-?\d*)"', row.group(3))
        found[(html_module.unescape(row.group(1)), row.group(2))] = (
            int(values[-1]) if values[-1] else None)
    return found


def cents_of(row: dict[str, str]) -> int:
    """An award's amount in cents from a CSV row (in cents, or in currency units)."""
    if "amount_minor" in row:
        return int(row["amount_minor"] or 0)
    return int(Decimal(row["amount"] or 0) * 100)


def csv_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


# -- cinemas ------------------------------------------------------------------------------


def test_the_cinemas_of_a_departement_match_the_cnc_file(client) -> None:
    """Ille-et-Vilaine's cinemas, screens, seats and Art et Essai count, from the CNC file's
    DEP column: on the page, in its CSV download and through the JSON API."""
    mine = [r for r in rows_of(CINEMAS) if r["DEP"] == "35"]
    expected = {"n": len(mine), "screens": sum(int(Decimal(r["écrans"])) for r in mine),
                "seats": sum(int(Decimal(r["fauteuils"])) for r in mine),
                "ae": sum(1 for r in mine if r["AE"] == "OUI")}
    page = client.get("/cinemas", params={"territory": "FR-D35"})
    assert page.status_code == 200
    summary = re.search(r'id="cinemas-summary" data-n="(\d+)" data-screens="(\d+)" '
                        r'data-seats="(\d+)" data-ae="(\d+)"', page.text)
    assert tuple(map(int, summary.groups())) == (expected["n"], expected["screens"],
                                                 expected["seats"], expected["ae"])
    assert "Cinémas — Ille-et-Vilaine" in page.text
    assert f"{expected['n']} cinémas" in text(page.text)
    assert len(re.findall(r'<tr data-venue="', page.text)) == expected["n"]  # one page of 50
    download = csv_of(client.get("/cinemas.csv", params={"territory": "FR-D35"}))
    assert len(download) == expected["n"]
    assert sum(int(r["screens"]) for r in download) == expected["screens"]
    assert sum(int(r["seats"]) for r in download) == expected["seats"]
    assert {r["department_id"] for r in download} == {"FR-D35"}
    assert {r["department"] for r in download} == {"Ille-et-Vilaine"}
    assert {r["region"] for r in download} == {"Bretagne"}
    # the Art et Essai filter, on the page and in the download
    ae = csv_of(client.get("/cinemas.csv", params={"territory": "FR-D35",
                                                   "art_et_essai": "true"}))
    assert len(ae) == expected["ae"] and {r["art_et_essai"] for r in ae} == {"true"}
    labelled = {r["N° auto"] for r in mine if "JP" in r["label Art et Essai"]}
    jp = csv_of(client.get("/cinemas.csv", params={"territory": "FR-D35", "label": "JP"}))
    assert {r["reference"] for r in jp} == labelled and labelled
    api = client.get("/api/v1/venues", params={"territory": "FR-D35", "per_page": 1}).json()
    assert api["total"] == expected["n"]


def test_a_region_holds_the_cinemas_of_its_departements(client, sql) -> None:
    """The territory filter reaches every commune within: Bretagne's count is the sum of its
    départements' (plain SQL over the parent links)."""
    (n,) = sql(ABOVE_SQL + "SELECT count(*) FROM venues v JOIN up ON up.territory_id = "
               "v.territory_id WHERE up.ancestor_id = 'FR-R53'")[0]
    by_dep = Counter(r["DEP"] for r in rows_of(CINEMAS))
    assert n == sum(by_dep[d] for d in ("22", "29", "35", "56"))
    page = client.get("/cinemas", params={"territory": "FR-R53"}).text
    assert f'data-n="{n}"' in page


def test_the_cinemas_list_is_paged(client) -> None:
    """Every cinema appears once over the pages of 50, in name order; past the last page,
    no row."""
    total = len(rows_of(CINEMAS))
    first = client.get("/cinemas").text
    assert f'data-n="{total}"' in first
    pages = -(-total // 50)
    assert f"Page 1 sur {pages}" in text(first) or f"Page 1 of {pages}" in text(first)
    seen = []
    for number in range(1, pages + 1):
        page = client.get("/cinemas", params={"page": number}).text
        seen += re.findall(r'<tr data-venue="([^"]+)"', page)
    assert len(seen) == len(set(seen)) == total
    last = client.get("/cinemas", params={"page": pages}).text
    assert len(re.findall(r'<tr data-venue="', last)) == total - 50 * (pages - 1)
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_a_cinema_page_shows_what_the_cnc_file_gives(client, sql) -> None:
    """A cinema of Rennes holding the three Art et Essai labels, read from the file, and its
    page: commune and département, screens, seats, category, labels, source."""
    row = next(r for r in rows_of(CINEMAS) if r["code INSEE"] == "35238" and
               all(code in r["label Art et Essai"] for code in ("RD", "JP", "PR")))
    ((venue_id,),) = sql("SELECT venue_id FROM venues WHERE reference = ?", [row["N° auto"]])
    page = client.get(f"/cinema/{venue_id}")
    assert page.status_code == 200
    shown = text(page.text)
    assert row["nom"] in shown and "Rennes" in shown and "Ille-et-Vilaine" in shown
    facts = re.search(r'id="cinema-facts">(.*?)</dl>', page.text, re.S).group(1)
    screens = re.search(r'data-field="screens">([^<]*)<', facts).group(1)
    assert screens.replace("\u202f", "") == str(int(Decimal(row["écrans"])))
    seats = re.search(r'data-field="seats">([^<]*)<', facts).group(1)
    assert seats.replace("\u202f", "") == str(int(Decimal(row["fauteuils"])))
    assert f"catégorie {row['catégorie Art et Essai']}" in shown
    for label in ("Recherche et découverte", "Jeune public", "Patrimoine et répertoire"):
        assert label.lower() in shown.lower()
    assert "etablissements-cinematographiques-2022" in page.text  # the source, cited


# -- festivals ----------------------------------------------------------------------------


def test_the_festivals_of_a_departement_match_the_panorama(client) -> None:
    """Ille-et-Vilaine's cinema festivals (the default) and every discipline, counted in the
    Panorama file by commune code; the CSV download holds the same rows."""
    rows = [r for r in rows_of(FESTIVALS) if r["code_insee_commune"].startswith("35")]
    cinema = [r for r in rows if r["discipline_dominante"] == "Cinéma, audiovisuel"]
    page = client.get("/festivals", params={"territory": "FR-D35"})
    assert page.status_code == 200 and f'data-n="{len(cinema)}"' in page.text
    everything = client.get("/festivals", params={"territory": "FR-D35", "discipline": "all"})
    assert f'data-n="{len(rows)}"' in everything.text
    download = csv_of(client.get("/festivals.csv", params={"territory": "FR-D35"}))
    assert sorted(r["reference"] for r in download) == sorted(r["identifiant"] for r in cinema)
    assert {r["is_cinema"] for r in download} == {"true"}
    # the period filter: the Panorama's "Saison (21 juin - 5 septembre)"
    season = [r for r in cinema
              if r["periode_principale_de_deroulement_du_festival"].lower().startswith("saison")]
    in_season = csv_of(client.get("/festivals.csv", params={"territory": "FR-D35",
                                                            "period": "season"}))
    assert len(in_season) == len(season)


def test_a_festival_page_gives_its_period_in_words_and_its_website(client, sql) -> None:
    row = next(r for r in rows_of(FESTIVALS) if r["identifiant"] == "FEST_30007_133")
    assert row["periode_principale_de_deroulement_du_festival"].startswith("Avant-saison")
    ((festival_id,),) = sql("SELECT festival_id FROM festivals WHERE reference = ?",
                            [row["identifiant"]])
    page = client.get(f"/festival/{festival_id}")
    assert page.status_code == 200
    when = text(re.search(r'id="festival-when">(.*?)</p>', page.text, re.S).group(1))
    assert "avant la saison estivale, entre le 1er janvier et le 20 juin" in when
    link = re.search(r'<a href="([^"]+)"[^>]*id="festival-website">', page.text).group(1)
    assert link == row["site_internet_du_festival"]
    english = client.get(f"/festival/{festival_id}", params={"lang": "en"}).text
    assert "before the summer season, between 1 January and 20 June" in english


def test_unknown_ids_answer_404_with_a_clear_message(client) -> None:
    for url, words in [("/cinema/nope", "Aucun cinéma"), ("/festival/nope", "Aucun festival"),
                       ("/funder/nope", "Aucun financeur"),
                       ("/beneficiary/nope", "Aucun bénéficiaire"), ("/work/nope", "Aucune œuvre"),
                       ("/cinemas?territory=NOPE", "Aucun territoire"),
                       ("/festivals.csv?territory=NOPE", "Aucun territoire"),
                       ("/funder/nope?lang=en", "No funder")]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert words in response.text and "nope".upper() in response.text.upper(), url
        assert "Traceback" not in response.text
    # a beneficiary is not a funder
    beneficiary = client.app.state.atlas.frame(
        "SELECT beneficiary_id FROM awards WHERE funder_id = ? LIMIT 1", [TELEFILM]).item()
    assert client.get(f"/funder/{beneficiary}").status_code == 404
    assert client.get("/festivals", params={"period": "winter"}).status_code == 422


# -- funders ------------------------------------------------------------------------------


def test_a_funder_page_totals_by_year_scheme_and_place_match_sql(client, sql) -> None:
    """Telefilm Canada: money by fiscal year, by scheme and by province, each contract once,
    against plain SQL; the three add up to the same total."""
    final = "funder_id = ? AND superseded_by IS NULL AND sector = ?"
    by_year = dict(sql(f"SELECT fiscal_period, sum(amount_minor)::BIGINT FROM awards WHERE "
                       f"{final} GROUP BY ALL", [TELEFILM, CINEMA]))
    total = sum(by_year.values())
    page = client.get(f"/funder/{TELEFILM}")
    assert page.status_code == 200
    shown_years = table_rows(page.text, "by-year", "year")
    assert sum(shown_years.values()) == total
    assert len(shown_years) == len(by_year) == 9
    for period in by_year:  # fiscal years said as fiscal years
        assert f"exercice {period}" in text(page.text)
    schemes = dict(sql(f"SELECT scheme_id, sum(amount_minor)::BIGINT FROM awards WHERE {final} "
                       "GROUP BY ALL", [TELEFILM, CINEMA]))
    shown = {k: v for (k, _), v in table_rows(page.text, "funder-schemes", "scheme").items()}
    assert shown == schemes
    provinces = dict(sql(
        ABOVE_SQL + "SELECT t.territory_id, sum(a.amount_minor)::BIGINT FROM awards a "
        "JOIN up ON up.territory_id = a.beneficiary_territory_id JOIN territories t ON "
        f"t.territory_id = up.ancestor_id AND t.level = 'province' WHERE a.{final} GROUP BY ALL",
        [TELEFILM, CINEMA]))
    shown = {k: v for (k, _), v in table_rows(page.text, "funder-regions", "territory").items()}
    assert {k: v for k, v in shown.items() if k} == provinces
    assert sum(shown.values()) == total  # the unplaced row closes the account
    # the explorer filtered on it and the CSV
    assert f'href="/awards?funder={TELEFILM.replace(":", "%3A").replace("/", "%2F")}"' \
        in page.text
    download = csv_of(client.get(re.search(r'id="funder-csv" href="([^"]+)"',
                                           page.text).group(1).replace("&amp;", "&")))
    assert sum(cents_of(r) for r in download if not r["superseded_by"]) == total


def test_a_funder_page_top_beneficiaries_and_sector(client, sql) -> None:
    """Loire-Atlantique: cinema-audiovisual by default, every sector on request; its top
    beneficiary is the one plain SQL finds."""
    final = "funder_id = ? AND superseded_by IS NULL"
    ((cinema_total,),) = sql(f"SELECT sum(amount_minor)::BIGINT FROM awards WHERE {final} "
                             "AND sector = ?", [LOIRE_ATLANTIQUE, CINEMA])
    ((all_total,),) = sql(f"SELECT sum(amount_minor)::BIGINT FROM awards WHERE {final}",
                          [LOIRE_ATLANTIQUE])
    default = client.get(f"/funder/{LOIRE_ATLANTIQUE}").text
    every = client.get(f"/funder/{LOIRE_ATLANTIQUE}", params={"sector": "all"}).text
    assert sum(table_rows(default, "by-year", "year").values()) == cinema_total
    assert sum(table_rows(every, "by-year", "year").values()) == all_total > cinema_total
    assert "Loire-Atlantique" in text(default) and "Département" in text(default)
    top = sql(f"SELECT beneficiary_id, sum(amount_minor) s FROM awards WHERE {final} AND "
              "sector = ? GROUP BY ALL ORDER BY s DESC LIMIT 1", [LOIRE_ATLANTIQUE, CINEMA])
    first = re.search(r'id="funder-top".*?<tr data-beneficiary="([^"]+)"', default, re.S)
    assert html_module.unescape(first.group(1)) == top[0][0]


def test_the_cnc_funders_name_each_other(client, sql) -> None:
    """The CNC is named by three sources (its agreed films, its commission results, its list of
    schemes): each funder page links the others."""
    ids = [r[0] for r in sql("SELECT organisation_id FROM organisations WHERE funder_level = "
                             "'national' AND name LIKE 'CNC%' ORDER BY 1")]
    assert len(ids) == 3
    for one in ids:
        page = client.get(f"/funder/{one}").text
        named = html_module.unescape(re.search(r'id="same-body">(.*?)</p>', page,
                                               re.S).group(1)).replace("%3A", ":")
        assert all(other in named for other in ids if other != one), one


def test_entity_pages_link_funders(client) -> None:
    """The awards tables of a beneficiary name the funder with a link to its page."""
    beneficiary = client.app.state.atlas.frame(
        "SELECT beneficiary_id FROM awards WHERE funder_id = ? LIMIT 1", [TELEFILM]).item()
    page = client.get(f"/beneficiary/{beneficiary}").text
    assert 'href="/funder/telefilm%3Atelefilm-contributions-2009-2018/org/753d77c67dfb"' in page \
        or f'href="/funder/{TELEFILM}"' in page


# -- beneficiaries ------------------------------------------------------------------------


def test_a_beneficiary_page_is_paged_with_totals_by_funder_and_year(client, sql) -> None:
    """The Telefilm beneficiary with the most awards: every award once over the pages; its
    totals by funder and by year as plain SQL sums them."""
    ((beneficiary, n),) = sql("SELECT beneficiary_id, count(*) n FROM awards WHERE sector = ? "
                              "GROUP BY ALL ORDER BY n DESC, beneficiary_id LIMIT 1", [CINEMA])
    assert n > 50
    first = client.get(f"/beneficiary/{beneficiary}")
    assert first.status_code == 200
    assert f'data-awards="{n}"' in first.text
    pages = -(-n // 50)
    seen = []
    for number in range(1, pages + 1):
        page = client.get(f"/beneficiary/{beneficiary}", params={"page": number}).text
        table = re.search(r'<table class="sortable awards">.*?<tbody>(.*?)</tbody>', page,
                          re.S).group(1)
        seen += re.findall(r"<tr>", table)
    assert len(seen) == n
    funders = defaultdict(int)
    for funder_id, amount in sql("SELECT funder_id, amount_minor FROM awards WHERE "
                                 "beneficiary_id = ? AND sector = ? AND superseded_by IS NULL",
                                 [beneficiary, CINEMA]):
        funders[funder_id] += amount or 0
    shown = {k: v for (k, _), v in table_rows(first.text, "by-funder", "funder").items()}
    assert shown == dict(funders)
    years = dict(sql("SELECT coalesce(fiscal_year, year(decision_date)), "
                     "sum(amount_minor)::BIGINT FROM awards WHERE beneficiary_id = ? AND "
                     "sector = ? AND superseded_by IS NULL GROUP BY ALL", [beneficiary, CINEMA]))
    shown = {int(k): v for (k, _), v in table_rows(first.text, "by-year", "year").items()}
    assert shown == years


# -- compare ------------------------------------------------------------------------------


def test_the_compare_table_has_a_median_row(client) -> None:
    """The median row gives, for each indicator, the median of every département's value
    (statistics.median over the comparison's own download), whichever are ticked."""
    rows = csv_of(client.get("/compare.csv", params={"level": "department"}))
    values = defaultdict(list)
    for r in rows:
        if r["value"] and r["currency"] in ("", "EUR") and r["unit"] != "status":
            values[r["indicator"]].append(float(r["value"]))
    page = client.get("/compare", params={"level": "department", "territory": ["FR-D35"]}).text
    footer = re.search(r'<tfoot><tr class="median" id="compare-median">(.*?)</tr></tfoot>',
                       page, re.S)
    assert footer, "no median row"
    cells = dict(re.findall(r'data-median="([^"]+)" data-value="([^"]*)"', footer.group(1)))
    assert "cinemas_per_100k" in cells
    checked = 0
    for indicator, shown in cells.items():
        if shown and values.get(indicator):
            assert float(shown) == pytest.approx(statistics.median(values[indicator])), indicator
            checked += 1
    assert checked >= 5
    assert re.search(r'<tbody>\s*<tr><th scope="row"><a href="/territory/FR-D35">', page)


def test_the_funder_api_answers_what_the_page_shows(client, sql) -> None:
    """GET /api/v1/funders/{id}: the by-year totals against plain SQL, the regions adding up to
    the total, 404 in the error envelope."""
    data = client.get(f"/api/v1/funders/{TELEFILM}").json()["data"]
    assert data["funder_level"] == "national" and data["governed_territory_id"] == "CA"
    assert data["sector"] == CINEMA and data["currency"] == "CAD"
    by_year = dict(sql("SELECT fiscal_period, sum(amount_minor)::BIGINT FROM awards WHERE "
                       "funder_id = ? AND superseded_by IS NULL AND sector = ? GROUP BY ALL",
                       [TELEFILM, CINEMA]))
    assert {r["fiscal_period"]: r["amount_minor"] for r in data["by_year"]} == by_year
    assert sum(r["amount_minor"] for r in data["regions"]) == sum(by_year.values())
    assert all(r["sources"] == ["telefilm:telefilm-contributions-2009-2018"]
               for r in data["schemes"])
    missing = client.get("/api/v1/funders/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def test_a_work_page_counts_its_awards_and_totals_by_year(client, sql) -> None:
    """The work with the most awards: its count and its totals by year against plain SQL."""
    ((work_id, n),) = sql("SELECT work_id, count(*) n FROM awards WHERE work_id IS NOT NULL AND "
                          "sector = ? GROUP BY ALL ORDER BY n DESC, work_id LIMIT 1", [CINEMA])
    page = client.get(f"/work/{work_id}")
    assert page.status_code == 200 and f'data-awards="{n}"' in page.text
    years = dict(sql("SELECT coalesce(fiscal_year, year(decision_date)), sum(amount_minor)::BIGINT "
                     "FROM awards WHERE work_id = ? AND sector = ? AND superseded_by IS NULL "
                     "GROUP BY ALL", [work_id, CINEMA]))
    assert len(years) > 1  # the totals are shown
    shown = {int(k) if k else None: v
             for (k, _), v in table_rows(page.text, "by-year", "year").items()}
    assert shown == years
