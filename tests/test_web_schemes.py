"""The scheme pages, API and feeds on the hand-made catalogue of tests/scheme_data.py (dates
relative to today): what each answers, in French and English; the calendar parsed with the
`icalendar` library and the Atom feed with an XML parser, their counts compared with the rows
the test wrote."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from scheme_data import (
    CATALOGUE_SOURCE,
    IMPORTED,
    SCHEMES,
    add_catalogue,
    dated_events,
    dates,
    entry_id,
    scheme_id,
)

from cineatlas import Store
from cineatlas.web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date.today()
WRITER_DIRECTOR = {"role": ["author", "director"], "territory": "Bordeaux", "stage": "writing",
                   "format": "short"}


@pytest.fixture(scope="module")
def db(territories_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("schemes-web") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    with Store(path) as store:
        add_catalogue(store, TODAY)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def french_first(client):
    """Each test starts without the language cookie an English page sets."""
    client.cookies.clear()


def _text(page: str) -> str:
    """The page's text, tags as spaces, runs of ordinary white space as one (U+202F kept)."""
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- API ----------------------------------------------------------------------------------


def test_the_list_api_gives_every_scheme_with_its_sources(client) -> None:
    body = client.get("/api/v1/schemes", params={"per_page": 500}).json()
    assert body["total"] == len(SCHEMES) == 9
    by_id = {s["id"]: s for s in body["data"]}
    assert set(by_id) == {entry_id(k) for k in SCHEMES}
    na = by_id[entry_id("na-ecriture")]
    assert na["sources"] == [CATALOGUE_SOURCE] and na["fictitious"] is False
    assert na["stages"] == ["writing", "development"] and na["genres"] is None
    assert na["field_sources"]["stages"][0]["rule"] == "published"
    assert by_id[entry_id("cnc-ecriture")]["field_sources"]["stages"][0]["rule"] == "name"
    # filters
    regional = client.get("/api/v1/schemes", params={"level": "regional"}).json()
    assert regional["total"] == 5  # the four of Nouvelle-Aquitaine and Île-de-France's
    shorts = client.get("/api/v1/schemes", params={"format": "short", "stage": "writing"}).json()
    assert {s["id"] for s in shorts["data"]} == {entry_id(k) for k in (
        "cnc-ecriture", "na-ecriture", "na-ancien")}
    by_funder = client.get("/api/v1/schemes", params={"funder": "org:gironde"}).json()
    assert [s["id"] for s in by_funder["data"]] == [entry_id("gironde-bourse")]
    assert client.get("/api/v1/schemes", params={"level": "galactic"}).status_code == 422


def test_one_scheme_in_the_api_with_its_commission(client) -> None:
    body = client.get(f"/api/v1/schemes/{entry_id('na-ecriture')}").json()["data"]
    assert body["children"] == [entry_id("na-exclus")]
    assert body["awards"] == 1
    (session,) = body["commissions"]
    assert session["name"] == "Comité écriture"
    assert [(m["full_name"], m["role"]) for m in session["members"]] == [
        ("Camille Martin", "chair"), ("Samir Benali", "member")]
    missing = client.get("/api/v1/schemes/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def test_the_finder_api(client) -> None:
    body = client.get("/api/v1/schemes/find",
                      params=WRITER_DIRECTOR | {"first_work": "true"}).json()
    assert [m["scheme"]["id"] for m in body["data"]] == [
        entry_id("na-ecriture"), entry_id("cnc-ecriture"), entry_id("gironde-bourse"),
        entry_id("fondation")]
    assert body["total"] == 4 and body["profile"]["territory"]["territory_id"] == "FR-C33063"
    first = body["data"][0]
    assert first["next_date"] == {"kind": "deadline",
                                  "date": (TODAY + dt.timedelta(days=20)).isoformat(),
                                  "title": "Session 2 — dépôt",
                                  "url": "https://example.org/calendar/na-ecriture"}
    assert [(r["criterion"], r["status"]) for r in first["reasons"]] == [
        ("territory", "met"), ("role", "met"), ("stage", "met"), ("format", "met"),
        ("work_rank", "met"), ("dates", "unknown")]
    assert first["observed"] is None
    everything = client.get("/api/v1/schemes/find",
                            params=WRITER_DIRECTOR | {"include_excluded": "true"}).json()
    assert len(everything["data"]) == 9 and everything["total"] == 4
    ambiguous = client.get("/api/v1/schemes/find", params={"territory": "Paris"})
    assert ambiguous.status_code == 409
    error = ambiguous.json()["error"]
    assert error["code"] == "ambiguous-territory"
    assert [c["territory_id"] for c in error["candidates"]] == ["FR-D75", "FR-C75056"]
    unknown = client.get("/api/v1/schemes/find", params={"territory": "Atlantide"})
    assert unknown.status_code == 404
    both = client.get("/api/v1/schemes/find", params={"first_work": True, "second_work": True})
    assert both.status_code == 400
    assert client.get("/api/v1/schemes/find", params={"role": "astronaut"}).status_code == 422


def test_the_api_is_documented() -> None:
    from pathlib import Path

    spec = create_app(Path("not-opened.duckdb")).openapi()
    for path in ("/api/v1/schemes", "/api/v1/schemes/find", "/api/v1/schemes/{scheme_id}"):
        operation = spec["paths"][path]["get"]
        assert operation["summary"] and operation["description"], path
    find = spec["paths"]["/api/v1/schemes/find"]["get"]
    assert {p["name"] for p in find["parameters"]} >= {
        "role", "territory", "stage", "format", "genre", "first_work", "second_work"}
    assert "409" in find["responses"] and "404" in find["responses"]
    assert all(p.get("description") for p in find["parameters"])


# -- pages --------------------------------------------------------------------------------


def test_the_catalogue_page_in_french_and_english(client) -> None:
    page = client.get("/schemes")
    assert page.status_code == 200
    assert "<h1>Dispositifs d'aide</h1>" in html.unescape(page.text)
    assert 'id="schemes-summary" data-n="9"' in page.text
    text = _text(page.text)
    assert "Aide à l'écriture et au développement" in text
    assert "Écriture, Développement" in text and "non publié" in text
    assert 'href="/schemes" aria-current="page">Dispositifs</a>' in page.text
    filtered = client.get("/schemes", params={"level": "departmental"})
    assert 'data-n="1"' in filtered.text and "Bourse d'écriture de la Gironde" in html.unescape(
        filtered.text)
    staged = client.get("/schemes", params={"stage": "production"})
    assert 'data-n="1"' in staged.text
    english = client.get("/schemes", params={"lang": "en"})
    assert "<h1>Support schemes</h1>" in english.text
    assert "Writing, Development" in _text(english.text) and "not published" in english.text
    assert client.get("/schemes", params={"stage": "flying", "lang": "en"}).status_code == 400


def test_the_finder_page_lists_reasons_in_words(client) -> None:
    page = client.get("/schemes/find", params=WRITER_DIRECTOR | {"work": "first"})
    assert page.status_code == 200
    order = re.findall(r'<li class="scheme-match[^"]*" data-scheme="([^"]+)"', page.text)
    assert order == [entry_id("na-ecriture"), entry_id("cnc-ecriture"),
                     entry_id("gironde-bourse"), entry_id("fondation")]
    text = _text(page.text)
    assert "4 dispositifs peuvent s'appliquer — Bordeaux" in text
    assert "Territoire\u202f: Rempli — ouvert à Gironde (DEP-33)" not in text  # names, not codes
    assert ("Territoire\u202f: Rempli — ouvert à Nouvelle-Aquitaine (couverture géographique "
            "publiée), où se trouve Bordeaux") in text
    assert "Format\u202f: Non publié — le dispositif ne publie pas ce critère (format)" in text
    english = client.get("/schemes/find", params=WRITER_DIRECTOR | {"lang": "en"})
    assert ("Territory: Met — read from the funder: national scheme of Centre national du "
            "cinéma et de l'image animée") in _text(english.text)
    client.cookies.clear()
    ruled = client.get("/schemes/find", params=WRITER_DIRECTOR | {"all": "true"})
    assert ruled.text.count('data-eligible="false"') == 5
    assert "Non rempli" in _text(ruled.text)
    empty_form = client.get("/schemes/find")
    assert empty_form.status_code == 200 and 'id="finder-form"' in empty_form.text
    assert 'id="finder-results"' not in empty_form.text


def test_the_finder_page_asks_which_territory(client) -> None:
    page = client.get("/schemes/find", params={"territory": "Paris", "role": "author"})
    assert page.status_code == 200
    listed = page.text.split('id="finder-candidates"')[1].split("</ul>")[0]
    candidates = re.findall(r'href="(/schemes/find\?[^"]+)"', listed)
    assert [html.unescape(c) for c in candidates] == [
        "/schemes/find?role=author&territory=FR-D75",
        "/schemes/find?role=author&territory=FR-C75056"]
    assert "« Paris » désigne plusieurs territoires" in html.unescape(page.text).replace(
        "\u202f", " ")
    unknown = client.get("/schemes/find", params={"territory": "Atlantide", "lang": "en"})
    assert "No territory of the atlas is named or coded “Atlantide”" in html.unescape(
        unknown.text)


def test_a_scheme_page_shows_every_field_its_sources_and_commission(client) -> None:
    page = client.get(f"/schemes/{entry_id('na-ecriture')}")
    assert page.status_code == 200
    text = _text(page.text)
    fields = re.findall(r'<tr data-field="(\w+)" data-known="(true|false)"', page.text)
    known = {name for name, flag in fields if flag == "true"}
    assert known == {"promise", "geographic_eligibility", "updated_at", "stages", "formats",
                     "applicants", "work_ranks", "amount_max_minor"}
    assert len(fields) == 23  # every catalogue field but the currency and the three tables
    assert "Nouvelle-Aquitaine (REG-75)" in text
    assert re.search(r"Montant maximum 5[\u202f\u00a0 ]000[\u202f\u00a0 ]€", text)  # 500000 cents
    assert "Test test:catalogue — Publié tel quel" in text
    assert "Camille Martin Présidence Réalisation" in text
    assert "ALCA Nouvelle-Aquitaine — Instructeur" in text
    assert "Règlement\u202f: Règlement d'intervention 2026" in text
    assert "Aides attribuées (depuis 2019)" in text
    assert "Aide aux auteurs hors Gironde" in text  # its child
    link = re.search(r'<a id="scheme-awards" href="([^"]+)">([^<]+)</a>', page.text)
    assert html.unescape(link.group(1)) == "/awards?scheme=scheme%3Ana-ecriture&sector=all"
    assert html.unescape(link.group(2)) == "1 aide de ce dispositif dans l'explorateur"
    assert 'id="scheme-awards"' not in client.get(f"/schemes/{entry_id('fondation')}").text
    cnc = client.get(f"/schemes/{entry_id('cnc-ecriture')}", params={"lang": "en"})
    assert "Read from the scheme's published name" in html.unescape(cnc.text)
    assert "Past" not in cnc.text and "past" in cnc.text  # the previous session, marked past
    assert client.get("/schemes/nope").status_code == 404


# -- feeds --------------------------------------------------------------------------------


def test_the_calendar_holds_every_dated_event(client) -> None:
    response = client.get("/schemes/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == dated_events(TODAY) == 9  # 8 dates rows and a closing date
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    sessions = [e for e in events if str(e["CATEGORIES"].cats[0]) == "Commission"]
    assert len(sessions) == sum(1 for rows in dates(TODAY).values()
                                for kind, *_ in rows if kind == "session") == 3
    deadline = next(e for e in events if str(e["UID"]).startswith(entry_id("na-ecriture"))
                    and "deadline" in str(e["UID"]))
    assert deadline.decoded("DTSTART") == TODAY + dt.timedelta(days=20)  # all day: a date
    assert deadline.decoded("DTEND") == TODAY + dt.timedelta(days=21)
    assert str(deadline["URL"]) == f"http://testserver/schemes/{entry_id('na-ecriture')}"
    assert str(deadline["SUMMARY"]) == ("Date limite de dépôt — Aide à l'écriture et au "
                                        "développement")
    assert deadline.decoded("DTSTAMP") == IMPORTED[CATALOGUE_SOURCE].replace(tzinfo=dt.UTC)
    closing = [e for e in events if "closing" in str(e["UID"])]
    assert [e.decoded("DTSTART") for e in closing] == [TODAY - dt.timedelta(days=30)]
    assert client.get("/schemes/calendar.ics").content == response.content  # stable
    one = Calendar.from_ical(client.get(f"/schemes/{entry_id('cnc-ecriture')}/calendar.ics",
                                        params={"lang": "en"}).content)
    assert sorted(e.decoded("DTSTART") for e in one.walk("VEVENT")) == sorted(
        day for _, day, _ in dates(TODAY)["cnc-ecriture"])
    assert {str(e["SUMMARY"]).split(" — ")[0] for e in one.walk("VEVENT")} == {
        "Application deadline", "Commission session"}


def test_the_finder_calendar_holds_the_answered_schemes_dates(client) -> None:
    response = client.get("/schemes/find/calendar.ics", params=WRITER_DIRECTOR)
    cal = Calendar.from_ical(response.content)
    schemes = {str(e["UID"]).split(".")[0] for e in cal.walk("VEVENT")}
    # the four answered; only the NA writing scheme and the CNC's have dates
    assert schemes == {entry_id("na-ecriture"), entry_id("cnc-ecriture")}
    assert len(cal.walk("VEVENT")) == 2 + 3


def test_the_atom_feed(client) -> None:
    response = client.get("/schemes/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(SCHEMES)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:cineatlas,2026:") for i in ids)
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(
            "http://testserver/schemes/")
    # the NA writing scheme's published update (2026-04-02) is later than every import
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Aide à l'écriture et au développement"
    assert first.findtext(f"{ATOM}updated") == "2026-04-02T10:00:00Z"
    assert feed.findtext(f"{ATOM}updated") == "2026-04-02T10:00:00Z"
    # then the other schemes of the catalogue source (2026-03-01), the CNC's last (02-01)
    updated = [e.findtext(f"{ATOM}updated") for e in entries[1:]]
    assert updated == ["2026-03-01T09:00:00Z"] * 7 + ["2026-02-01T00:00:00Z"]
    assert entries[-1].findtext(f"{ATOM}title") == SCHEMES["cnc-ecriture"][1]
    assert "Financeur\u202f: Région Nouvelle-Aquitaine" in first.findtext(f"{ATOM}summary")
    english = ET.fromstring(client.get("/schemes/feed.atom", params={"lang": "en"}).content)
    assert english.findtext(f"{ATOM}title") == "Support schemes — cineatlas"


def test_scheme_ids_in_the_test_data_are_distinct() -> None:
    assert len({scheme_id(k) for k in SCHEMES}) == len({entry_id(k) for k in SCHEMES})


def test_the_scheme_pages_are_wholly_french(client) -> None:
    """No English string of the catalogue, no raw code or English vocabulary label on the
    French scheme pages (the checks of test_web_french)."""
    from test_web_french import _english_strings, _pattern, _texts, _vocabulary_words, _words

    english = sorted(_english_strings(), key=len, reverse=True)
    words = _vocabulary_words()
    failures = []
    for url in ["/schemes", "/schemes?level=regional&stage=writing",
                "/schemes/find?" + "&".join(f"{k}={v}" for k, v in [
                    ("role", "author"), ("role", "director"), ("territory", "Bordeaux"),
                    ("stage", "writing"), ("format", "short"), ("work", "first"),
                    ("all", "true")]),
                "/schemes/find?territory=Paris", "/schemes/find?territory=Atlantide",
                f"/schemes/{entry_id('na-ecriture')}", f"/schemes/{entry_id('cnc-ecriture')}",
                f"/schemes/{entry_id('fondation')}", "/schemes/nope"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        nodes, text = _texts(response.text)
        for msgid in english:
            if msgid in nodes or (_words(msgid) >= 3 and _pattern(msgid).search(text)):
                failures.append(f"{url}: untranslated {msgid!r}")
        failures += [f"{url}: vocabulary value {w!r}" for w in sorted(words & nodes)]
    assert failures == []
