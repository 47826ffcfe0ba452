"""The read-only JSON API: pagination, facets checked against the store, one error envelope,
no stack trace, safe headers, every documented path answering without a server error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from indicator_data import award, tiny_store

from cineatlas.web import create_app

TITLE = "<script>alert(1)</script> =HYPERLINK(\"http://x\")"
FORMULA = '=HYPERLINK("http://x","clic")'


@pytest.fixture()
def client(tmp_path):
    awards = [award(f"a{i}", (i + 1) * 100_00, "X-CA1a" if i % 2 else "X-CB1a",
                    stage="writing" if i % 3 == 0 else "production", project_title=f"Film {i}",
                    fiscal_year=2020 + i % 2)
              for i in range(12)]
    awards.append(award("xss", 5_00, "X-CA2a", stage="writing", project_title=TITLE))
    awards.append(award("zz-formula", 1_00, "X-CB1b", stage="production", project_title=FORMULA))
    tiny_store(tmp_path, awards=awards).close()
    with TestClient(create_app(tmp_path / "tiny.duckdb"), raise_server_exceptions=False) as test_client:
        yield test_client


def test_territories_are_paginated(client) -> None:
    first = client.get("/api/v1/territories", params={"per_page": 5}).json()
    # the tiny tree has 12 territories: pages of 5, 5 and 2
    assert (first["total"], first["pages"], len(first["data"])) == (12, 3, 5)
    last = client.get("/api/v1/territories", params={"per_page": 5, "page": 3}).json()
    # ordered by id: X, X-CA1a, X-CA1b, X-CA2a, X-CB1a | X-CB1b, X-DA1, X-DA2, X-DB1, X-MET | X-RA, X-RB
    assert [t["territory_id"] for t in last["data"]] == ["X-RA", "X-RB"]
    regions = client.get("/api/v1/territories", params={"level": "region"}).json()
    assert [t["territory_id"] for t in regions["data"]] == ["X-RA", "X-RB"]


def test_award_facets_match_the_store(client) -> None:
    # awards 0..11: writing when i % 3 == 0 (0, 3, 6, 9) plus 'xss'; year 2021 for odd i;
    # territory X-RA holds the odd i (X-CA1a) and 'xss' (X-CA2a)
    body = client.get("/api/v1/awards", params={"stage": "writing", "territory": "X-RA"}).json()
    assert {a["award_id"] for a in body["data"]} == {"a3", "a9", "xss"} and body["total"] == 3
    body = client.get("/api/v1/awards", params={"stage": "writing", "year": 2021}).json()
    assert {a["award_id"] for a in body["data"]} == {"a3", "a9"}
    body = client.get("/api/v1/awards", params={"q": "film 1"}).json()  # Film 1, 10, 11
    assert body["total"] == 3


def test_titles_come_back_as_data_not_markup(client) -> None:
    body = client.get("/api/v1/awards", params={"q": "script"}).json()
    assert [a["project_title"] for a in body["data"]] == [TITLE]


def test_indicator_values(client) -> None:
    body = client.get("/api/v1/indicators/upstream_share/values", params={"level": "region"}).json()
    values = {r["territory_id"]: r["value"] for r in body["data"]}
    # X-RA: writing a3 400 + a9 1,000 + xss 5 of all odd i (200+400+…+1,200 = 4,200) + 5
    assert values["X-RA"] == pytest.approx(1405 / 4205)
    catalogue = client.get("/api/v1/indicators").json()["data"]
    assert "upstream_share" in {i["id"] for i in catalogue}


def test_errors_share_one_envelope(client) -> None:
    missing = client.get("/api/v1/territories/NOPE")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    invalid = client.get("/api/v1/awards", params={"per_page": 10_000})
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "invalid-parameter"
    assert "per_page" in invalid.json()["error"]["message"]
    unknown = client.get("/api/v1/indicators/nope/values")
    assert unknown.status_code == 404 and "Known indicators" in unknown.json()["error"]["message"]


def test_no_stack_trace_reaches_a_client(client, monkeypatch) -> None:
    from cineatlas.web import api

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /home/x")

    monkeypatch.setattr(api.Atlas, "frame", broken)
    response = client.get("/api/v1/territories")
    assert response.status_code == 500
    assert response.json() == {"error": {"status": 500, "code": "internal-error",
                                         "message": "Something went wrong on our side; it has been logged."}}
    assert "secret" not in response.text


def test_safe_headers_and_every_documented_path(client) -> None:
    assert client.get("/docs").status_code == 404  # FastAPI's docs page would load a CDN script
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        url = path.replace("{territory_id}", "X-RA").replace("{indicator_id}", "total_support")
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_csv_download_matches_the_view_and_neutralises_formulas(client) -> None:
    import csv
    import io

    params = {"stage": "writing", "territory": "X-RA"}
    view = client.get("/api/v1/awards", params=params).json()["data"]
    response = client.get("/api/v1/awards.csv", params=params)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["award_id"] for r in rows] == [a["award_id"] for a in view]
    assert next(r["project_title"] for r in rows if r["award_id"] == "xss") == TITLE  # no formula
    formula = client.get("/api/v1/awards.csv", params={"q": "hyperlink"}).text
    rows = {r["award_id"]: r["project_title"] for r in csv.DictReader(io.StringIO(formula))}
    # the apostrophe makes a spreadsheet show the cell as text instead of running it
    assert rows == {"xss": TITLE, "zz-formula": "'" + FORMULA}
