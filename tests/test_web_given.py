"""Support *given* by a territory's public bodies and awards placed only at the country, on the
default atlas (`cineatlas atlas`: real public data only).

Expected figures are computed here from the real files with the csv and json modules and
Decimal: amounts, years and the all-sector denominator from the files themselves; from the
store only the classifier's verdict (`awards.sector`, by row) and the beneficiaries' kind, which
are what the importers decided, not what the pages compute.
"""

from __future__ import annotations

import csv
import html as html_module
import json
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from conftest import BuiltAtlas, find_shared_data
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app, i18n

LA = "scdl/collectivites/loire-atlantique-subventions-associations.csv"
ML = "scdl/collectivites/maine-et-loire-conventions.csv"
TALENT = "cnc/cnc-talent-commissions-2017-2024.json"
SOURCES = {"LA": "scdl:loire-atlantique-subventions-associations",
           "ML": "scdl:maine-et-loire-conventions", "VE": "scdl:vendee-conventions-2018",
           "CNC": "cnc-commissions:cnc-talent-commissions-2017-2024"}
CINEMA = "cinema-audiovisual"


def cents(text: str) -> int:
    return int(Decimal(text.strip()) * 100)


def luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def french_register(identifier: str, rna: str = "") -> bool:
    """This test's reading of a French register number: a SIRET or a SIREN with a right
    checksum (the SIREN the first 9 digits), or an RNA number W + 9 digits."""
    digits = re.sub(r"[\s'’\"]", "", identifier or "")
    valid = (len(digits) in (9, 14) and digits.isdigit()
             and (luhn(digits[:9]) or (len(digits) == 14 and luhn(digits))))
    return valid or bool(re.fullmatch(r"W\d{9}", (rna or "").strip()))


def sector_rows(db, source: str) -> set[int]:
    """The rows the importer's classifier marked cinema and audiovisual."""
    with Store(db, read_only=True) as store:
        return set(store.frame("SELECT row_number FROM awards WHERE source_id = ? AND sector = ?",
                               [source, CINEMA])["row_number"].to_list())


@pytest.fixture(scope="module")
def expected(real_atlas: BuiltAtlas) -> dict:
    """The Loire-Atlantique file's figures and France's euro total, recomputed here."""
    db = real_atlas.db
    with find_shared_data(LA).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][2].startswith("Date de la convention") and rows[0][7].startswith("Montant")
    # a row loads when it has an amount and a beneficiary's name (this test's rule, checked
    # against the store's count below)
    loaded = {i: r for i, r in enumerate(rows[1:], start=2) if r[7].strip() and r[4].strip()}
    cinema = sector_rows(db, SOURCES["LA"])
    assert cinema <= set(loaded)
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    # a beneficiary is a company: its SIREN (the SIRET's first 9 digits) when published, else
    # its name ('TELE NANTES' and 'TELENANTES' share one SIREN)
    by_company: dict[str, int] = defaultdict(int)
    names: dict[str, set[str]] = defaultdict(set)
    for row in cinema:
        cells = loaded[row]
        year = int(re.search(r"(?:19|20)\d\d", cells[2]).group(0))
        by_year[year][0] += 1
        by_year[year][1] += cents(cells[7])
        digits = re.sub(r"\D", "", cells[5])
        company = digits[:9] if len(digits) in (9, 14) else cells[4].strip()
        by_company[company] += cents(cells[7])
        names[company].add(cells[4].strip())
    top = max(by_company.items(), key=lambda kv: kv[1])
    la = {"n": len(cinema), "amount": sum(cents(loaded[r][7]) for r in cinema),
          "all_n": len(loaded), "all": sum(cents(r[7]) for r in loaded.values()),
          "by_year": dict(by_year), "top": (names[top[0]], top[1]),
          "identified": sum(cents(loaded[r][7]) for r in cinema if french_register(loaded[r][5]))}
    # Maine-et-Loire's cinema lines (the Vendée's file has none)
    with find_shared_data(ML).open(encoding="utf-8", newline="") as handle:
        records, line = {}, 2
        for record in csv.DictReader(handle, delimiter=";"):
            records[line] = record
            line += sum(cell.count("\n") for cell in record.values() if cell) + 1
    ml_rows = sector_rows(db, SOURCES["ML"])
    assert len(ml_rows) == 2 and sector_rows(db, SOURCES["VE"]) == set()
    ml = sum(cents(records[r]["montant"]) for r in ml_rows
             if french_register(records[r]["idBeneficiaire"], records[r].get("rnaBeneficiaire")))
    # CNC Talent: the projects of beneficiaries the importer found to be legal persons
    doc = json.loads(find_shared_data(TALENT).read_text(encoding="utf-8"))
    with Store(db, read_only=True) as store:
        legal = set(store.frame("SELECT name FROM organisations WHERE source_id = ? AND kind IN "
                                "('company', 'association')", [SOURCES["CNC"]])["name"])
    names = {b["id"]: b["name"] for b in doc["beneficiaries"]}
    cnc = [int(p["amount"]) * 100 for p in doc["projects"] if names[p["beneficiaryId"]] in legal]
    france = {"amount": la["identified"] + ml + sum(cnc),
              "n": la["n"] + len(ml_rows) + len(cnc)}
    return {"la": la, "france": france, "cnc_all": sum(int(p["amount"]) * 100
                                                       for p in doc["projects"])}


@pytest.fixture(scope="module")
def client(real_atlas: BuiltAtlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


def profile(client, territory_id: str) -> dict:
    response = client.get(f"/api/v1/territories/{territory_id}/profile")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def group(data: dict, scope: str, level: str) -> dict:
    (found,) = [g for g in data["given_support"]
                if (g["scope"], g["funder_level"]) == (scope, level)]
    return found


def test_the_loire_atlantique_profile_gives_its_departements_cinema_support(
        client, expected) -> None:
    la = expected["la"]
    assert (la["n"], la["all_n"]) == (245, 18099)  # the classifier's lines; the file's rows
    data = profile(client, "FR-D44")
    here = group(data, "here", "departmental")
    assert here["status"] == "published"
    (body,) = here["bodies"]
    assert (body["name"], body["governed_territory_id"]) == ("Département de Loire-Atlantique",
                                                             "FR-D44")
    totals = here["totals"]
    assert (totals["currency"], totals["n"], totals["amount_minor"]) == ("EUR", la["n"],
                                                                         la["amount"])
    # every sector of the file in the denominator, summed here from the file
    assert (totals["all_n"], totals["all_minor"]) == (la["all_n"], la["all"])
    assert totals["share"] == pytest.approx(la["amount"] / la["all"])
    assert (totals["fictitious"], totals["sources"]) == (False, [SOURCES["LA"]])
    # by year: the convention's year, a calendar year (the file publishes no fiscal year)
    series = {s["year"]: (s["n"], s["amount_minor"]) for s in here["series"]}
    assert series == {y: tuple(v) for y, v in la["by_year"].items()}
    assert {s["basis"] for s in here["series"]} == {"calendar"}
    assert all(s["sources"] == [SOURCES["LA"]] and not s["fictitious"] for s in here["series"])
    top = here["top_beneficiaries"][0]
    top_names, top_amount = la["top"]
    assert top["name"] in top_names and top["amount_minor"] == top_amount
    amounts = [b["amount_minor"] for b in here["top_beneficiaries"]]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 10
    assert here["explorer"] == {"funder_territory": "FR-D44", "funder_level": "departmental"}
    assert body["explorer"] == {"funder": body["funder_ids"][0]}
    # received (placed here): nothing, and the profile says why instead of hiding it
    assert not any(k["indicator"] == "total_support" for k in data["key_figures"])
    (above,) = data["placement"]["above"]
    assert (above["placed_id"], above["currency"]) == ("FR", "EUR")
    assert (above["amount_minor"], above["n"]) == (expected["france"]["amount"],
                                                   expected["france"]["n"])
    assert (above["given_minor"], above["given_n"]) == (la["identified"], la["n"])


def test_the_explorer_filters_by_funder_level_and_governed_territory(client, expected) -> None:
    la = expected["la"]
    page = client.get("/api/v1/awards", params={"funder_territory": "FR-D44",
                                                "funder_level": "departmental"}).json()
    assert page["total"] == la["n"]
    every = client.get("/api/v1/awards", params={"funder_territory": "FR-D44",
                                                 "sector": "all"}).json()
    assert every["total"] == la["all_n"]
    # the Départements within Pays de la Loire, and the national level in France
    region = client.get("/api/v1/awards", params={"funder_territory": "FR-R52"}).json()
    assert region["total"] == la["n"] + 2
    national = client.get("/api/v1/awards", params={"funder_level": "national",
                                                    "funder_territory": "FR"}).json()
    assert national["total"] == 635
    assert client.get("/api/v1/awards", params={"funder_level": "nowhere"}).status_code == 422
    html = html_module.unescape(client.get("/awards", params={
        "funder_territory": "FR-D44", "funder_level": "departmental"}).text)
    assert f'data-total="{la["n"]}"' in html
    assert re.search(r"Financeur administrant\s*:\s*Loire-Atlantique", html)
    assert re.search(r"Échelon du financeur\s*:\s*Département\b", html)


def test_a_region_shows_its_departements_and_what_is_not_published(client, expected) -> None:
    data = profile(client, "FR-R52")
    own = group(data, "here", "regional")
    assert (own["status"], own["bodies"], own["totals"]) == ("not_covered", [], None)
    within = group(data, "within", "departmental")
    assert within["status"] == "published"
    got = {b["governed_territory_id"]: (b["n"], b["amount_minor"]) for b in within["bodies"]}
    assert got["FR-D44"] == (expected["la"]["n"], expected["la"]["amount"])
    assert got["FR-D85"] == (0, 0)  # the Vendée published 114 lines, none of cinema: zero
    assert got["FR-D49"][0] == 2
    assert [m["name"] for m in within["missing"]] == ["Mayenne", "Sarthe"]
    assert (within["expected"], within["missing_count"]) == (5, 2)
    html = html_module.unescape(client.get("/territory/FR-R52").text)
    section = re.search(r'id="given-here-regional".*?</article>', html, re.S).group(0)
    assert "non publié dans les sources de cineatlas" in section
    assert re.search(r"\b0\s*€", section) is None  # never a zero for what is not published


def test_france_counts_the_awards_placed_at_the_country_and_says_so(client, expected) -> None:
    data = profile(client, "FR")
    total = next(k for k in data["key_figures"] if k["indicator"] == "total_support")
    assert (total["currency"], total["value"]) == ("EUR", pytest.approx(
        expected["france"]["amount"] / 100))
    assert total["fictitious"] is False
    assert set(total["sources"]) == {SOURCES["LA"], SOURCES["ML"], SOURCES["CNC"]}
    (other,) = total["other_currencies"]
    assert (other["currency"], other["value"]) == ("CAD", 58_000)
    (here,) = data["placement"]["here"]
    assert (here["amount_minor"], here["n"]) == (expected["france"]["amount"],
                                                 expected["france"]["n"])
    # the CNC is France's own body: the whole fund, wherever its beneficiaries are
    cnc = group(data, "here", "national")
    assert cnc["totals"]["amount_minor"] == expected["cnc_all"]
    assert cnc["totals"]["share"] is None and cnc["totals"]["classified"] is False
    assert group(data, "within", "regional")["status"] == "not_covered"
    html = html_module.unescape(client.get("/territory/FR").text).replace("\u202f", " ")
    cell = re.search(r'data-indicator="total_support">(.*?)</td>', html, re.S).group(1)
    fr = i18n.Formats("fr")
    assert re.sub(r"<[^>]+>", "", cell).startswith(
        fr.money(expected["france"]["amount"], "EUR").replace("\u202f", " "))
    # the home map by region says how much is on no shape of it
    home = html_module.unescape(client.get("/", params={
        "indicator": "total_support", "level": "region"}).text)
    assert f'data-amount="{expected["france"]["amount"]}"' in home


def test_a_territory_without_a_publishing_body_says_not_published(client) -> None:
    data = profile(client, "FR-D72")  # Sarthe
    own = group(data, "here", "departmental")
    assert own["status"] == "not_covered" and own["totals"] is None
    html = html_module.unescape(client.get("/territory/FR-D72?lang=en").text)
    section = re.search(r'id="given-here-departmental".*?</article>', html, re.S).group(0)
    assert "not published in the sources cineatlas holds" in section


@pytest.fixture(scope="module")
def demo(web_atlas):
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as test_client:
        yield test_client


def test_support_given_by_fictitious_bodies_is_flagged(demo, web_atlas) -> None:
    """The demo's invented Régions: every figure of their given support says it is fictitious
    and cites the demo's source."""
    with Store(web_atlas, read_only=True) as store:
        region, source, cents_ = store.con.execute(
            "SELECT o.governed_territory_id, min(a.source_id), sum(a.amount_minor) "
            "FROM awards a JOIN organisations o ON o.organisation_id = a.funder_id "
            "WHERE o.funder_level = 'regional' AND a.sector = ? AND a.superseded_by IS NULL "
            "AND a.currency = 'EUR' GROUP BY ALL ORDER BY 1 LIMIT 1", [CINEMA]).fetchone()
        assert store.scalar("SELECT bool_and(a.fictitious) FROM awards a JOIN organisations o ON "
                            "o.organisation_id = a.funder_id WHERE o.governed_territory_id = ?",
                            [region]) is True
    data = profile(demo, region)
    own = group(data, "here", "regional")
    assert own["totals"]["amount_minor"] == cents_
    figures = [own["totals"], *own["series"], *own["top_beneficiaries"], *own["bodies"]]
    assert all(f["fictitious"] is True and source in f["sources"] for f in figures)
    html = demo.get(f"/territory/{region}").text
    section = re.search(r'id="given-here-regional".*?</article>', html, re.S).group(0)
    total = re.search(r'<p class="given-total".*?</p>', section, re.S).group(0)
    assert 'data-fictitious="true"' in total and f'data-source="{source}"' in total
