"""The read-only JSON API: pagination, facets checked against the store, one error envelope,
no stack trace, safe headers, every documented path answering without a server error."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from indicator_data import award, tiny_store

from cineatlas import Store
from cineatlas.web import create_app

TITLE = "<script>alert(1)</script> =HYPERLINK(\"http://x\")"
FORMULA = '=HYPERLINK("http://x","clic")'


#: Paths the tiny tree cannot answer with data: the simulator's scenario names real Regions.
#: No funder, no scheme, no work in the tiny store: what these answer is documented (404),
#: never a 5xx.
TINY_CANNOT_ANSWER = {"/api/v1/simulate", "/api/v1/funders/{organisation_id}",
                      "/api/v1/funders/{organisation_id}/transparency",
                      "/api/v1/schemes/{scheme_id}", "/api/v1/schemes/{scheme_id}/observed",
                      "/api/v1/works/{work_id}"}


@pytest.fixture()
def client(tmp_path):
    awards = [award(f"a{i}", (i + 1) * 100_00, "X-CA1a" if i % 2 else "X-CB1a",
                    stage="writing" if i % 3 == 0 else "production", project_title=f"Film {i}",
                    fiscal_year=2020 + i % 2)
              for i in range(12)]
    awards.append(award("xss", 5_00, "X-CA2a", stage="writing", project_title=TITLE))
    awards.append(award("zz-formula", 1_00, "X-CB1b", stage="production", project_title=FORMULA))
    venues = [{"venue_id": "v/1", "name": "Ciné Étoile", "territory_id": "X-CA1a",
               "art_et_essai": True, "ae_labels": ["JP", "RD"], "latitude": 45.0, "longitude": 5.0},
              {"venue_id": "v/2", "name": "Le Cinéma", "territory_id": "X-CB1a",
               "art_et_essai": False, "ae_labels": []}]
    festivals = [{"festival_id": "f/1", "name": "Festival du court", "territory_id": "X-CA2a",
                  "is_cinema": True, "cinema_subcategories": ["Court métrage"]}]
    tiny_store(tmp_path, awards=awards, venues=venues, festivals=festivals).close()
    app = create_app(tmp_path / "tiny.duckdb")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_territories_are_paginated(client) -> None:
    first = client.get("/api/v1/territories", params={"per_page": 5}).json()
    # the tiny tree has 12 territories: pages of 5, 5 and 2
    assert (first["total"], first["pages"], len(first["data"])) == (12, 3, 5)
    last = client.get("/api/v1/territories", params={"per_page": 5, "page": 3}).json()
    # by id: X, X-CA1a, X-CA1b, X-CA2a, X-CB1a | X-CB1b, X-DA1, X-DA2, X-DB1, X-MET | X-RA, X-RB
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


def test_places_in_the_tiny_tree(client) -> None:
    # v/1 in X-CA1a (under X-DA1, X-RA), v/2 in X-CB1a (under X-RB); f/1 in X-CA2a (X-RA)
    body = client.get("/api/v1/venues", params={"territory": "X-RA"}).json()
    assert [v["venue_id"] for v in body["data"]] == ["v/1"] and body["total"] == 1
    assert body["data"][0]["commune"] == "Terr X-CA1a"
    assert body["data"][0]["ae_labels"] == ["JP", "RD"]
    assert [v["venue_id"] for v in client.get("/api/v1/venues?q=CINEMA").json()["data"]] == ["v/2"]
    assert client.get("/api/v1/venues?q=ciné").json()["total"] == 2
    assert client.get("/api/v1/venues?q=etoile").json()["data"][0]["venue_id"] == "v/1"
    assert client.get("/api/v1/venues?art_et_essai=false").json()["data"][0]["venue_id"] == "v/2"
    assert client.get("/api/v1/venues?label=RD&label=PR").json()["total"] == 0
    assert client.get("/api/v1/festivals?territory=X-DA2&cinema=true").json()["total"] == 1
    assert client.get("/api/v1/festivals?territory=X-RB").json()["total"] == 0
    assert client.get("/api/v1/festivals?subcategory=Court%20m%C3%A9trage").json()["total"] == 1


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
    message = "Something went wrong on our side; it has been logged."
    assert response.json() == {"error": {"status": 500, "code": "internal-error",
                                         "message": message}}
    assert "secret" not in response.text


def test_safe_headers_and_every_documented_path(client) -> None:
    assert client.get("/docs").status_code == 404  # FastAPI's docs page would load a CDN script
    spec = client.get("/openapi.json").json()
    ids = {"{territory_id}": "X-RA", "{indicator_id}": "total_support", "{venue_id}": "v/1",
           "{festival_id}": "f/1", "{facet}": "funder"}
    for path, item in spec["paths"].items():
        url = path
        for placeholder, value in ids.items():
            url = url.replace(placeholder, value)
        response = client.get(url)
        if path in TINY_CANNOT_ANSWER:  # an answer it documents, never a server error
            assert str(response.status_code) in item["get"]["responses"], (url, response.text)
            assert response.status_code < 500
        else:
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


# --- cinemas and festivals, over the demo store plus the real CNC and festivals files -------
# Expected values are read from the published CSV files with the csv module, not from the store.

CNC = "cnc/etablissements-cinematographiques-2022.csv"
FESTIVALS = "festivals/festivals-global-festivals-_-pl.csv"
CINEMA = "Cinéma, audiovisuel"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def every_page(client: TestClient, url: str, **params) -> list[dict]:
    """All rows of a list, page after page (checking the page arithmetic on the way)."""
    rows, page = [], 1
    while True:
        body = client.get(url, params={**params, "page": page, "per_page": 500}).json()
        rows += body["data"]
        assert body["pages"] == math.ceil(body["total"] / 500)
        if page >= body["pages"]:
            assert len(rows) == body["total"]
            return rows
        page += 1


@pytest.fixture(scope="module")
def demo_client(demo_atlas):
    with TestClient(create_app(demo_atlas), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def cnc_rows(shared_data) -> list[dict[str, str]]:
    return read_csv(shared_data(CNC))


@pytest.fixture(scope="module")
def festival_rows(shared_data) -> list[dict[str, str]]:
    return read_csv(shared_data(FESTIVALS))


def test_art_et_essai_cinemas_of_a_region_match_the_cnc_file(demo_client, cnc_rows) -> None:
    expected = {r["N° auto"] for r in cnc_rows
                if r["région administrative"] == "BRETAGNE" and r["AE"] == "OUI"}
    rows = every_page(demo_client, "/api/v1/venues", territory="FR-R53", art_et_essai="true")
    assert len(expected) == 100 and {v["reference"] for v in rows} == expected
    not_ae = demo_client.get("/api/v1/venues", params={"territory": "FR-R53",
                                                       "art_et_essai": "false"}).json()
    assert not_ae["total"] == sum(r["région administrative"] == "BRETAGNE" for r in cnc_rows) - 100


def test_labels_category_and_itinerant_match_the_cnc_file(demo_client, cnc_rows) -> None:
    # labels are published glued together ("RDJPPR"); a cinema must hold every label asked for
    expected = {r["N° auto"] for r in cnc_rows if r["DEP"] == "35"
                and "RD" in r["label Art et Essai"] and "PR" in r["label Art et Essai"]}
    body = demo_client.get("/api/v1/venues", params=[("territory", "FR-D35"), ("label", "RD"),
                                                     ("label", "PR")]).json()
    assert expected and {v["reference"] for v in body["data"]} == expected
    assert all({"RD", "PR"} <= set(v["ae_labels"]) for v in body["data"])
    category_a = sum(r["catégorie Art et Essai"] == "A"
                     and r["région administrative"] == "ILE-DE-FRANCE" for r in cnc_rows)
    body = demo_client.get("/api/v1/venues", params={"territory": "FR-R11", "category": "A"})
    assert body.json()["total"] == category_a > 0
    itinerant = sum(r["genre"] == "ITINERANT" for r in cnc_rows)
    assert demo_client.get("/api/v1/venues?itinerant=true").json()["total"] == itinerant == 114
    assert demo_client.get("/api/v1/venues?itinerant=false").json()["total"] == 2061 - 114


def test_territory_reaches_the_arrondissements_and_search_ignores_accents(
        demo_client, cnc_rows) -> None:
    lyon = [r for r in cnc_rows if r["code INSEE"] == "69123" or r["code INSEE"].startswith("6938")]
    body = demo_client.get("/api/v1/venues", params={"territory": "FR-C69123"}).json()
    assert body["total"] == len(lyon) > 0  # Lyon's cinemas are in its arrondissements
    searched = [r for r in cnc_rows if "cinema" in fold(" ".join(
        (r["nom"], r["adresse"], r["commune"], r["programmateur"])))]
    for q in ("cinéma", "CINEMA", "Cinéma"):
        assert demo_client.get("/api/v1/venues", params={"q": q}).json()["total"] == len(searched)


def test_one_cinema_with_its_position(demo_client, cnc_rows) -> None:
    published = next(r for r in cnc_rows if r["N° auto"] == "31")  # UGC Normandie, Paris 8e
    found = demo_client.get("/api/v1/venues", params={"q": "ugc normandie"}).json()["data"]
    assert [v["reference"] for v in found] == ["31"]
    one = demo_client.get(f"/api/v1/venues/{found[0]['venue_id']}").json()["data"]
    assert (one["name"], one["commune"], one["screens"], one["seats"]) == (
        "UGC NORMANDIE", "Paris 8e Arrondissement", 4, 1533)
    assert (one["latitude"], one["longitude"]) == (float(published["latitude"]),
                                                   float(published["longitude"]))
    assert one["venue_id"] == found[0]["venue_id"] and one["source_id"].startswith("cnc-cinemas")


def test_cinema_festivals_match_the_festivals_file(demo_client, festival_rows) -> None:
    expected = {f["identifiant"] for f in festival_rows
                if f["region_principale_de_deroulement"] == "Bretagne"
                and f["discipline_dominante"] == CINEMA}
    rows = every_page(demo_client, "/api/v1/festivals", territory="FR-R53", cinema="true")
    assert len(expected) == 48 and {f["reference"] for f in rows} == expected
    assert all(f["latitude"] is not None and f["longitude"] is not None for f in rows)

    def created(f: dict[str, str]) -> int | None:  # '2019', '2019-09-23 00:00:00', '2019 et …'
        match = re.match(r"\s*(\d{4})\b", f["annee_de_creation_du_festival"])
        return int(match[1]) if match else None

    expected = {f["identifiant"] for f in festival_rows if f["discipline_dominante"] == CINEMA
                and 2015 <= (created(f) or 0) <= 2019}
    rows = every_page(demo_client, "/api/v1/festivals", cinema="true", created_from=2015,
                      created_to=2019)
    assert {f["reference"] for f in rows} == expected and all(
        2015 <= f["creation_year"] <= 2019 for f in rows)


def test_festival_sub_categories_and_discipline(demo_client, demo_atlas) -> None:
    with Store(demo_atlas, read_only=True) as store:
        festivals = store.frame("SELECT festival_id, discipline, cinema_subcategories "
                                "FROM festivals").to_dicts()
    documentary = {f["festival_id"] for f in festivals
                   if "Documentaire" in (f["cinema_subcategories"] or [])}
    rows = every_page(demo_client, "/api/v1/festivals", subcategory="Documentaire")
    assert documentary and {f["festival_id"] for f in rows} == documentary
    music = sum(f["discipline"] == "Musique" for f in festivals)
    assert demo_client.get("/api/v1/festivals?discipline=Musique").json()["total"] == music > 0


def test_no_contact_detail_is_served(demo_client, festival_rows) -> None:
    emails = {e for f in festival_rows for e in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+",
                                                           f["adresse_e_mail"])}
    assert len(emails) > 1000  # the published file has them; the API must not
    for url in ("/api/v1/festivals", "/api/v1/venues"):
        for page in range(1, 20):
            body = demo_client.get(url, params={"page": page, "per_page": 500})
            assert "@" not in body.text
            if page >= body.json()["pages"]:
                break


def test_pages_call_the_same_search_functions(demo_client) -> None:
    from cineatlas.web.places import (
        FestivalFilters,
        VenueFilters,
        festival,
        festivals_frame,
        venues_frame,
    )

    atlas = demo_client.app.state.atlas
    frame, total = venues_frame(atlas, VenueFilters(territory="FR-R53", art_et_essai=True))
    assert frame.height == total == 100  # no limit: every row, for a map
    frame, total = festivals_frame(atlas, FestivalFilters(territory="FR-D35", cinema=True),
                                   sort="creation_year", limit=5)
    api = demo_client.get("/api/v1/festivals", params={"territory": "FR-D35", "cinema": "true",
                                                       "sort": "creation_year", "per_page": 5})
    assert frame["festival_id"].to_list() == [f["festival_id"] for f in api.json()["data"]]
    assert total == api.json()["total"]
    assert festival(atlas, "nope") is None


def test_place_errors_use_the_envelope(demo_client) -> None:
    for url in ("/api/v1/venues/nope", "/api/v1/festivals/nope"):
        missing = demo_client.get(url)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    for params in ({"label": "XX"}, {"category": "Z"}, {"per_page": 501}, {"sort": "random"}):
        invalid = demo_client.get("/api/v1/venues", params=params)
        assert invalid.status_code == 422, params
        assert invalid.json()["error"]["code"] == "invalid-parameter"
        assert next(iter(params)) in invalid.json()["error"]["message"]
    invalid = demo_client.get("/api/v1/festivals", params={"created_from": 999})
    assert invalid.status_code == 422 and "created_from" in invalid.json()["error"]["message"]
    unknown = demo_client.get("/api/v1/nope")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not-found"
    # an empty form field is no filter
    everything = demo_client.get("/api/v1/venues").json()["total"]
    assert demo_client.get("/api/v1/venues?territory=&q=").json()["total"] == everything == 2061


def test_an_endpoints_own_422_is_an_invalid_parameter() -> None:
    # an endpoint checking a value against the store raises HTTPException(422) itself
    from fastapi import FastAPI, HTTPException

    from cineatlas.web import errors

    app = FastAPI()
    errors.install(app)

    @app.get("/api/v1/check")
    def check() -> None:
        raise HTTPException(422, "region: 'XX' is not a Region.")

    body = TestClient(app).get("/api/v1/check").json()
    assert body == {"error": {"status": 422, "code": "invalid-parameter",
                              "message": "region: 'XX' is not a Region."}}


def test_405_keeps_its_allow_header(demo_client) -> None:
    response = demo_client.post("/api/v1/venues")
    assert response.status_code == 405 and response.headers["allow"] == "GET"
    assert response.json()["error"]["code"] == "method-not-allowed"


def test_openapi_documents_the_envelope_and_an_empty_year_range(demo_client) -> None:
    # schemathesis found a documented-nowhere 400 (year_from after year_to) and undocumented
    # 404s; FastAPI's default 422 schema ({"detail": …}) was not what the API answers
    spec = demo_client.get("/openapi.json").json()
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path, item in spec["paths"].items():
        if path.startswith("/api/"):
            responses = item["get"]["responses"]
            if "422" in responses:
                assert responses["422"]["content"]["application/json"]["schema"] == envelope
            if "{" in path:
                assert responses["404"]["content"]["application/json"]["schema"] == envelope
    values = spec["paths"]["/api/v1/indicators/{indicator_id}/values"]["get"]["responses"]
    assert "400" in values
    empty = demo_client.get("/api/v1/indicators/total_support/values",
                            params={"year_from": 2020, "year_to": 2010})
    assert empty.status_code == 400 and "2020" in empty.json()["error"]["message"]


def test_concurrent_first_requests_get_no_server_error(demo_atlas) -> None:
    # regression: the territory hierarchy was registered on the shared DuckDB connection by the
    # first awards search, outside the lock, racing the other requests (500s under load)
    urls = ["/api/v1/awards?territory=FR-R53", "/api/v1/territories?q=a", "/api/v1/awards?q=x"] * 8
    for _ in range(2):  # a fresh application each time: the race is on the first requests
        with TestClient(create_app(demo_atlas), raise_server_exceptions=False) as fresh:
            with ThreadPoolExecutor(8) as pool:
                codes = [r.status_code for r in pool.map(fresh.get, urls)]
        assert codes == [200] * len(urls)


def test_indicators_count_each_amended_contract_once(demo_client, shared_data) -> None:
    """Québec's Telefilm support: each contract once by default, every signed value on request
    (both recomputed from the file by tests/telefilm_contracts.py)."""
    from telefilm_contracts import contracts, read

    rows = read(shared_data("telefilm/telefilm-contributions-2009-2018.csv"))
    _, superseded = contracts(rows)
    quebec = [r for r in rows if r["Province"] == "Quebec"]
    expected = {"false": sum(r["amount"] or 0 for r in quebec if r["row"] not in superseded),
                "true": sum(r["amount"] or 0 for r in quebec)}
    for include, cents in expected.items():
        body = demo_client.get("/api/v1/indicators/total_support/values", params={
            "level": "province", "territory": "CA-QC", "include_superseded": include}).json()
        assert [(r["currency"], r["value"]) for r in body["data"]] == [("CAD", cents / 100)]


def test_territory_search_matches_percent_and_underscore_literally(client) -> None:
    # the tiny tree's 12 names are "Terr X…": none holds % or _, all hold "terr"
    assert client.get("/api/v1/territories", params={"q": "terr"}).json()["total"] == 12
    for wildcard in ("%", "_", "T_rr", "%X"):
        body = client.get("/api/v1/territories", params={"q": wildcard}).json()
        assert body["total"] == 0, wildcard


def test_head_answers_like_get_on_every_route(client) -> None:
    from cineatlas.web import api, entities_api, entity_pages, pages, places, simulation

    ids = {"territory_id": "X-RA", "indicator_id": "total_support", "venue_id": "v/1",
           "festival_id": "f/1", "organisation_id": "nope", "work_id": "nope",
           "facet": "funder"}
    urls = ["/static/atlas.css", "/api/v1/nope", "/nope", "/openapi.json"]
    for router in (api.router, places.router, simulation.router, pages.router,
                   entity_pages.router, entities_api.router):
        urls += [re.sub(r"\{(\w+)(:path)?\}", lambda m: ids[m.group(1)], route.path)
                 for route in router.routes if "GET" in route.methods]
    assert len(urls) == 44  # every page and API route (40), a file, two unknowns, OpenAPI
    for url in urls:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        for name in ("content-type", "content-length", "content-security-policy", "allow"):
            assert head.headers.get(name) == got.headers.get(name), (url, name)


def test_errors_never_echo_a_long_input(client) -> None:
    long = "x" * 60_000  # httpx sends URLs up to 64 KiB
    urls = [f"/api/v1/indicators/{long}", f"/api/v1/indicators/{long}/values",
            f"/api/v1/territories/{long}", f"/api/v1/awards?q={long}", f"/territory/{long}",
            f"/awards?q={long}", f"/nope/{long}", f"/?indicator={long}", f"/?other={long}",
            f"/simulator?other={long}", f"/api/v1/venues/{long}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert "x" * 100 not in response.text, url  # a short excerpt at most
        assert len(response.content) < 300_000, url  # the home page is about 150 kB
    body = client.get(f"/api/v1/indicators/{long}").json()
    assert body["error"]["code"] == "not-found" and len(body["error"]["message"]) < 1000
    assert "Known indicators" in body["error"]["message"]
