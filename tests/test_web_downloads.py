"""Downloads for people: amounts in currency units (exact decimal text) with their currency,
names beside codes, a French-spreadsheet dialect, the data dictionary; HEAD, Vary and hreflang.
Figures are checked against the store with plain SQL and Decimal."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from conftest import FORMULA_TITLE
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app, downloads


@pytest.fixture(scope="module")
def client(web_atlas):
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def sql(web_atlas):
    store = Store(web_atlas, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_awards_csv_gives_amounts_in_currency_units_and_names(client, sql) -> None:
    response = client.get("/api/v1/awards.csv", params={"territory": "FR-R84"})
    assert response.status_code == 200 and not response.content.startswith(b"\xef\xbb\xbf")
    rows = _rows(response.text)
    assert rows and "amount_minor" not in rows[0] and "amount" in rows[0]
    expected = {award_id: (cents, currency, funder_id, territory_id, name)
                for award_id, cents, currency, funder_id, territory_id, name in sql(
                    "SELECT a.award_id, a.amount_minor, a.currency, a.funder_id, "
                    "a.beneficiary_territory_id, t.name FROM awards a LEFT JOIN territories t "
                    "ON t.territory_id = a.beneficiary_territory_id")}
    for row in rows:
        cents, currency, funder_id, territory_id, name = expected[row["award_id"]]
        if cents is None:
            assert row["amount"] == ""
        else:
            assert Decimal(row["amount"]) * 100 == cents, row
            assert row["amount"].count(".") == 1 and len(row["amount"].split(".")[1]) == 2
        assert row["currency"] == currency and row["funder_id"] == (funder_id or "")
        assert row["beneficiary_territory_id"] == (territory_id or "")
        assert row["beneficiary_territory"] == (name or "")
    columns = list(rows[0])
    assert columns.index("beneficiary_territory") == columns.index(
        "beneficiary_territory_id") + 1


def test_minor_units_on_request(client, sql) -> None:
    rows = _rows(client.get("/api/v1/awards.csv", params={"territory": "FR-R84",
                                                          "units": "minor"}).text)
    cents = dict(sql("SELECT award_id, amount_minor FROM awards"))
    assert rows and "amount" not in rows[0]
    assert all(int(r["amount_minor"]) == cents[r["award_id"]] for r in rows if r["amount_minor"])


def test_french_spreadsheet_dialect(client, sql) -> None:
    plain = _rows(client.get("/api/v1/awards.csv").text)
    response = client.get("/api/v1/awards.csv", params={"dialect": "excel-fr"})
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    assert "cineatlas-awards-excel-fr.csv" in response.headers["content-disposition"]
    rows = _rows(response.content.decode("utf-8-sig"), delimiter=";")
    assert len(rows) == len(plain) == sql("SELECT count(*) FROM awards "
                                          "WHERE sector = 'cinema-audiovisual'")[0][0]
    by_id = {r["award_id"]: r for r in plain}
    for row in rows:
        assert row["amount"] == by_id[row["award_id"]]["amount"].replace(".", ",")
        # the formula guard holds in both dialects
        if row["project_title"].startswith("'"):
            assert by_id[row["award_id"]]["project_title"] == row["project_title"]
    hostile = [r["project_title"] for r in rows if r["award_id"] == "hostile-formula"]
    assert hostile == ["'" + FORMULA_TITLE]


def test_compare_csv_french_dialect_has_decimal_commas(client) -> None:
    plain = _rows(client.get("/compare.csv").text)
    french = _rows(client.get("/compare.csv", params={"dialect": "excel-fr"}).content
                   .decode("utf-8-sig"), delimiter=";")
    assert len(plain) == len(french) > 0
    for a, b in zip(plain, french, strict=True):
        assert b["value"] == a["value"].replace(".", ","), (a, b)


def test_simulator_csv_amounts_are_the_cents_in_units(client) -> None:
    major = _rows(client.get("/simulator.csv").text)
    minor = _rows(client.get("/simulator.csv", params={"units": "minor"}).text)
    assert len(major) == len(minor) > 0
    for a, b in zip(major, minor, strict=True):
        assert "cnc_cents" not in a and a["currency"] == "EUR"
        for name in ("cnc", "claim", "convention", "total_public"):
            if b[f"{name}_cents"]:
                assert Decimal(a[name]) * 100 == int(b[f"{name}_cents"]), (name, a, b)


def test_decimal_text_is_exact() -> None:
    import polars as pl

    frame = pl.DataFrame({"c": [0, 5, -5, 123450, -100, None, 10**15 + 1]})
    got = frame.select(downloads.decimal_text(pl.col("c")).alias("c"))["c"].to_list()
    assert got == ["0.00", "0.05", "-0.05", "1234.50", "-1.00", None, "10000000000000.01"]


def test_every_downloaded_column_is_in_the_data_dictionary(client) -> None:
    declared = {name: [c.name for c in columns]
                for name, (_path, _fr, _en, columns) in downloads.DICTIONARY.items()}
    for name, url in (("awards", "/api/v1/awards.csv"), ("compare", "/compare.csv"),
                      ("simulation", "/simulator.csv"), ("cinemas", "/cinemas.csv"),
                      ("festivals", "/festivals.csv")):
        columns = list(_rows(client.get(url).text)[0])
        assert columns == [c for c in declared[name] if c in columns], name
        assert set(columns) <= set(declared[name]), set(columns) - set(declared[name])
    every = client.get("/data-dictionary.json").json()["data"]
    assert {(r["download"], r["column"]) for r in every} == {
        (name, c) for name, cols in declared.items() for c in cols}
    assert all(r["meaning_fr"] and r["meaning_en"] for r in every)
    page = client.get("/data-dictionary")
    assert page.status_code == 200 and "Dictionnaire des données" in page.text
    assert "<code>beneficiary_territory</code>" in page.text
    table = _rows(client.get("/data-dictionary.csv", params={"dialect": "excel-fr"}).content
                  .decode("utf-8-sig"), delimiter=";")
    assert len(table) == len(every)


@pytest.mark.parametrize("url", ["/", "/territory/FR-R84", "/compare", "/awards", "/indicators",
                                 "/indicators/cofinancing_ratio", "/sources", "/simulator",
                                 "/data-dictionary", "/compare.csv", "/api/v1/awards.csv",
                                 "/api/v1/territories", "/api/v1/indicators",
                                 "/data-dictionary.json", "/static/atlas.css",
                                 "/territory/NOWHERE"])
def test_head_answers_like_get(client, url) -> None:
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_pages_vary_on_the_language_cookie_and_name_their_alternates(client) -> None:
    response = client.get("/territory/FR-R84", params={"year": "2020"})
    assert "Cookie" in response.headers["vary"]
    text = response.text
    assert ('<link rel="alternate" hreflang="fr" '
            'href="/territory/FR-R84?year=2020&amp;lang=fr">') in text
    assert 'hreflang="en" href="/territory/FR-R84?year=2020&amp;lang=en"' in text
    assert 'hreflang="x-default" href="/territory/FR-R84?year=2020"' in text
    # the JSON API does not depend on the cookie
    assert "Cookie" not in client.get("/api/v1/indicators").headers.get("vary", "")
    json.loads(client.get("/data-dictionary.json").text)


def test_money_axes_read_in_readable_units(client) -> None:
    """The profile's chart of support by year: values in M€ or k€ (the unit in the axis title,
    numbers in the French locale), each the profile's yearly sum divided by that unit."""
    import re

    html_text = client.get("/territory/FR-R84").text
    spec = json.loads(re.search(r'id="series-chart-spec">(.*?)</script>', html_text, re.S).group(1))
    series = client.get("/api/v1/territories/FR-R84/profile").json()["data"]["series"]
    euros = {str(r["year"]): r["value"] for r in series}
    title = spec["encoding"]["y"]["title"]
    divisor = {"Montant (M€)": 1e6, "Montant (k€)": 1e3, "Montant (€)": 1}[title]
    assert divisor == (1e6 if max(euros.values()) >= 1e6 else 1e3)
    for row in spec["data"]["values"]:
        assert row["value"] == pytest.approx(euros[row["year"]] / divisor)
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    english = client.get("/territory/FR-R84", params={"lang": "en"}).text
    spec = json.loads(re.search(r'id="series-chart-spec">(.*?)</script>', english, re.S).group(1))
    assert spec["encoding"]["y"]["title"] in ("Amount (€M)", "Amount (€k)")
