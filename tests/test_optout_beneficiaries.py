"""A person the funders publish as an award's beneficiary, withheld by the opt-out list.

The rules on a hand-made store (written-out expected ids): a listed name matches the
beneficiaries of kind individual or unknown named so, in any word order or within a joint name,
and every record of their entity; a listed person id matches the beneficiaries named as that
person; companies and the organisations listed by id keep their names.

On the real atlas: a person published as an award's beneficiary
(an organisation of kind `individual`) — a CNC Talent creator, "Mathieu Duméry", and a
Telefilm recipient published "Surname, First name", "Rainville, Line", listed by their names
as people write them — is named in no page, API answer or CSV download once listed (a crawl
from every kind of output that names beneficiaries, names searched in the folded bodies),
while the money stays counted: the downloads' and the top lists' amounts equal plain SQL sums
on the store, the key figures do not move. Emptied, the list gives the names back (so that the
test can fail). The list is changed under the running atlas: it is read again, no restart.

Limit (docs/directory.md): a title as the funder published it is not altered — Telefilm adds a
surname in parentheses to some titles ('Vengeance (Martin)'); the two people here have none.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from collections import deque
from decimal import Decimal
from urllib.parse import quote, urljoin, urlsplit

import pytest
from conftest import BuiltAtlas
from fastapi.testclient import TestClient
from indicator_data import award, tiny_store

from cineatlas import Store, optout
from cineatlas.text import fold
from cineatlas.web import create_app, labels

#: The names as published (plain SQL finds their records by them) and as listed.
PUBLISHED = {"Mathieu Duméry": "Mathieu Duméry", "Rainville, Line": "Line Rainville"}
#: What no output may hold once they are listed (folded, as `text.fold` folds the bodies).
NEEDLES = ("mathieu dumery", "dumery", "line rainville", "rainville line", "rainville")
#: The links a crawl follows from the pages it reads (the kinds of page naming beneficiaries).
FOLLOWED = ("/beneficiary/", "/work/", "/person/", "/funder/", "/awards", "/directory",
            "/api/v1/")
MAX_PAGES = 160


@pytest.fixture(scope="module")
def sql(real_atlas: BuiltAtlas):
    store = Store(real_atlas.db, read_only=True)
    yield lambda query, params=None: store.con.execute(query, params or []).fetchall()
    store.close()


def _listing(path, names: list[str], moment: int) -> None:
    """Write the opt-out file with `names`, with a modification time of its own (the atlas
    reads the file again when its time changes)."""
    path.write_text("people = [" + ", ".join(f'"{n}"' for n in names) + "]\n", encoding="utf-8")
    os.utime(path, (1_700_000_000 + moment, 1_700_000_000 + moment))


F = "test/org/funder"
_ORG = {"is_funder": False, "territory_id": "X-CA1a", "city": "Alphaville", "siren": "123456789"}
ORGS = [
    {"organisation_id": F, "name": "Fonds X", "name_key": "fonds x", "kind": "public_body",
     "is_funder": True, "funder_level": "regional"},
    # published 'Surname, First name'; within a joint name; of unknown kind: withheld
    {"organisation_id": "o/comma", "name": "Cachée, Jeanne", "name_key": "cachee jeanne",
     "kind": "individual", **_ORG},
    {"organisation_id": "o/joint", "name": "Lina Autre - Jeanne CACHÉE", "kind": None,
     "name_key": "lina autre jeanne cachee", **_ORG},
    # another record of the same person (one entity with o/comma): withheld with it
    {"organisation_id": "o/initial", "name": "J. Cachée", "name_key": "j cachee",
     "kind": "individual", **_ORG},
    # not her: a company of her name, another name holding hers, another person
    {"organisation_id": "o/company", "name": "Jeanne Cachée", "name_key": "jeanne cachee",
     "kind": "company", **_ORG},
    {"organisation_id": "o/other", "name": "Jeanne-Marie Cachée",
     "name_key": "jeanne marie cachee", "kind": "individual", **_ORG},
    {"organisation_id": "o/omar", "name": "VU Omar", "name_key": "vu omar",
     "kind": "individual", **_ORG},
]
PEOPLE = [{"person_id": "t/person/jeanne", "full_name": "Jeanne Cachée",
           "name_key": "jeanne cachee"},
          {"person_id": "t/person/omar", "full_name": "Omar Vu", "name_key": "omar vu"},
          {"person_id": "t/person/duo", "full_name": "Jeanne Cachée & Omar Vu",
           "name_key": "jeanne cachee omar vu"}]


def test_the_rules_on_a_hand_made_store(tmp_path, monkeypatch) -> None:
    store = tiny_store(
        tmp_path, organisations=ORGS, people=PEOPLE,
        awards=[award(f"a/{o['organisation_id']}", 1000_00 + i, "X-CA1a", funder_id=F,
                      beneficiary_id=o["organisation_id"]) for i, o in enumerate(ORGS[1:])])
    store.con.executemany("INSERT INTO entity_members VALUES (?, ?, ?, 1.0, '{}')",
                          [("organisation", "o/comma", "E-jc"),
                           ("organisation", "o/initial", "E-jc")])
    store.close()
    listed = tmp_path / "o.toml"
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(listed))
    optout.use(None)
    with Store(tmp_path / "tiny.duckdb", read_only=True) as reader:
        def shown() -> dict[str, tuple]:
            return {r[0]: r[1:] for r in reader.con.execute(
                "SELECT organisation_id, name, siren, city, kind, territory_id "
                f"FROM {optout.organisations_sql(reader)} o").fetchall()}

        def people() -> list[str]:
            cte, params = optout.people_cte()
            return [r[0] for r in reader.con.execute(
                f"WITH {cte} SELECT person_id FROM listed_people ORDER BY 1", params).fetchall()]

        assert optout.organisations_sql(reader) == "organisations"  # no list: the table
        _listing(listed, ["JEANNE cachee"], 1)
        assert optout.withheld_organisations(reader) == ("o/comma", "o/initial", "o/joint")
        names = shown()
        assert names["o/comma"] == (optout.WITHHELD, None, None, "individual", "X-CA1a")
        assert [k for k, v in names.items() if v[0] == optout.WITHHELD] == [
            "o/comma", "o/joint", "o/initial"]
        assert names["o/company"][:3] == ("Jeanne Cachée", "123456789", "Alphaville")
        assert people() == ["t/person/omar"]  # (the duo names her too)
        assert optout.organisation_withheld(reader, "o/initial")
        # a person listed by id: the beneficiaries named as that person (any word order)
        _listing(listed, ["t/person/omar"], 2)
        assert optout.withheld_organisations(reader) == ("o/omar",)
        assert people() == ["t/person/duo", "t/person/jeanne"]  # (an id: that record)
        # an organisation listed by id keeps its name (left out of the directory only)
        listed.write_text('organisations = ["o/company"]\n', encoding="utf-8")
        os.utime(listed, (1_700_000_003, 1_700_000_003))
        assert optout.withheld_organisations(reader) == ()
        assert optout.organisations_sql(reader) == "organisations"
        hidden, params = optout.organisation_hidden("o.organisation_id")
        assert [r[0] for r in reader.con.execute(
            f"SELECT organisation_id FROM organisations o WHERE {hidden} ORDER BY 1",
            params).fetchall()] == ["o/company"]
    optout.use(None)


def _links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        url = urlsplit(urljoin(base, href.replace("&amp;", "&")))
        if url.netloc in ("", "testserver") and url.path.startswith(FOLLOWED) \
                and "calendar.ics" not in url.path:
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_person_published_as_a_beneficiary_is_withheld_everywhere(real_atlas, sql, tmp_path,
                                                                    monkeypatch) -> None:
    listed = tmp_path / "opt-out.toml"
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(listed))  # no file yet: an empty list
    optout.use(None)
    # plain SQL on the store: the two records, their awards, funders, works, places, people
    records = {name: sql("SELECT organisation_id FROM organisations WHERE name = ? "
                         "AND kind = 'individual'", [name]) for name in PUBLISHED}
    assert all(len(found) == 1 for found in records.values()), records
    org = {name: found[0][0] for name, found in records.items()}
    awards = {name: sql("SELECT award_id, funder_id, work_id, project_title, amount_minor, "
                        "beneficiary_territory_id, superseded_by, sector FROM awards "
                        "WHERE beneficiary_id = ?", [org[name]]) for name in PUBLISHED}
    assert all(awards.values())
    (dumery_award,) = awards["Mathieu Duméry"]
    (rainville_award,) = awards["Rainville, Line"]
    cnc_talent, telefilm = dumery_award[1], rainville_award[1]
    place = rainville_award[5]
    region = sql("SELECT parent_id FROM territories WHERE territory_id = ?", [place])[0][0]
    people = [r[0] for r in sql("SELECT person_id FROM people WHERE name_key LIKE '%dumery%'")]
    assert len(people) == 2  # himself, and a duo ('Lénie Cherino - Mathieu Duméry')
    works = [a[2] for rows in awards.values() for a in rows]

    def url(path: str, **params: str) -> str:
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
        return path + (f"?{query}" if query else "")

    pages = [
        url("/awards", q=dumery_award[3]), url("/awards", q=rainville_award[3], lang="en"),
        url("/awards", q="dumery"), url("/awards", q="rainville"),
        url("/awards", funder=cnc_talent), url("/awards", beneficiary=org["Mathieu Duméry"]),
        url("/api/v1/awards", q=dumery_award[3]), url("/api/v1/awards", q="rainville"),
        url("/api/v1/awards", beneficiary=org["Rainville, Line"]),
        url("/api/v1/awards.csv", q=dumery_award[3]),
        url("/api/v1/awards.csv", q=rainville_award[3], dialect="excel-fr"),
        url("/awards.csv", funder=cnc_talent, sector="all"),
        url("/api/v1/awards/facets/beneficiary", funder=cnc_talent, per_page="500"),
        url("/api/v1/awards/facets/beneficiary", facet_q="rainville"),
        *(f"/beneficiary/{o}" for o in org.values()),
        *(f"/person/{p}" for p in people),
        *(f"/work/{w}" for w in works), *(f"/api/v1/works/{w}" for w in works),
        f"/funder/{cnc_talent}", f"/api/v1/funders/{cnc_talent}",
        f"/territory/{place}", f"/api/v1/territories/{place}/profile",
        url("/directory", territory=region), url("/api/v1/directory", territory=region),
        url("/api/v1/directory", territory=region, kind="person"),
    ]
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=True) as client:
        def folded(path: str) -> str:
            response = client.get(path)
            assert response.status_code < 500, path
            return fold(response.text)

        # -- no list: the names are shown (where the list will withhold them)
        before = {path: folded(path) for path in pages}
        for path in (pages[0], pages[6], pages[9], pages[12], f"/work/{works[0]}",
                     f"/beneficiary/{org['Mathieu Duméry']}", f"/person/{people[0]}"):
            assert "mathieu dumery" in before[path], path
        for path in (pages[1], pages[8], pages[10], pages[13], f"/territory/{place}",
                     f"/api/v1/territories/{place}/profile", pages[26], pages[27]):
            assert "rainville" in before[path], path
        key_figures = client.get(f"/api/v1/territories/{place}/profile").json()["data"][
            "key_figures"]

        # -- listed: in no page, API answer or download; the money still counted
        _listing(listed, list(PUBLISHED.values()), 1)
        seen: set[str] = set()
        queue = deque(pages)
        while queue and len(seen) < MAX_PAGES:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            assert response.status_code < 500, path
            body = fold(response.text)
            for needle in NEEDLES:
                if needle not in fold(path):  # (a search page repeats its own words)
                    assert needle not in body, (path, needle)
            if "html" in response.headers.get("content-type", ""):
                queue.extend(_links(response.text, "http://testserver" + path))
        assert len(seen) > 60
        for path in (*(f"/beneficiary/{o}" for o in org.values()),
                     *(f"/person/{p}" for p in people)):
            assert client.get(path).status_code == 404, path
        page = client.get(f"/beneficiary/{org['Mathieu Duméry']}?lang=en").text
        assert "name is withheld at their request" in page
        # the label stands where the name stood, in the page's language
        assert labels.WITHHELD == optout.WITHHELD  # (the catalogue's entry)
        assert "Masqué à la demande de la personne" in client.get(pages[0] + "&lang=fr").text
        assert optout.WITHHELD in html.unescape(client.get(pages[1]).text)
        # the awards stay, at their amounts: the download against plain SQL
        rows = _csv(client.get(url("/api/v1/awards.csv", funder=cnc_talent, sector="all",
                                   units="minor")).text)
        expected = sql("SELECT count(*), sum(amount_minor) FROM awards WHERE funder_id = ?",
                       [cnc_talent])[0]
        assert (len(rows), sum(int(r["amount_minor"]) for r in rows if r["amount_minor"])) \
            == (expected[0], int(expected[1]))
        withheld = [r for r in rows if r["beneficiary"] == optout.WITHHELD]
        assert [(r["award_id"], int(r["amount_minor"])) for r in withheld] == [
            (dumery_award[0], dumery_award[4])]
        assert sum(Decimal(r["amount"]) for r in _csv(client.get(
            url("/api/v1/awards.csv", funder=cnc_talent, sector="all")).text)) \
            == Decimal(int(expected[1])) / 100
        # a search by the name finds nothing; by the title, the award under the label
        assert client.get(url("/api/v1/awards", q="dumery")).json()["total"] == 0
        found = client.get(url("/api/v1/awards", q=rainville_award[3])).json()["data"]
        assert [(r["award_id"], r["beneficiary"], r["amount_minor"]) for r in found
                if r["award_id"] == rainville_award[0]] == [
            (rainville_award[0], optout.WITHHELD, rainville_award[4])]
        # the facet counts the label's awards; the territory's top list keeps the amount
        facet = client.get(url("/api/v1/awards/facets/beneficiary", funder=telefilm,
                               territory=place)).json()["data"]
        assert [(v["value"], v["n"]) for v in facet if v["label"] == optout.WITHHELD] == [
            (org["Rainville, Line"], 1)]
        profile = client.get(f"/api/v1/territories/{place}/profile").json()["data"]
        top = [(b["name"], b["amount_minor"]) for b in profile["top_beneficiaries"]]
        sums = sql("SELECT o.name, sum(a.amount_minor) FROM awards a JOIN organisations o "
                   "ON o.organisation_id = a.beneficiary_id WHERE a.beneficiary_territory_id "
                   "IN (SELECT territory_id FROM territories WHERE territory_id = ? OR "
                   "parent_id = ?) AND a.superseded_by IS NULL AND a.sector = "
                   "'cinema-audiovisual' GROUP BY ALL", [place, place])
        assert (optout.WITHHELD, int(dict(sums)["Rainville, Line"])) in top
        assert sorted(amount for _, amount in top) == sorted(int(s) for _, s in sums)[-len(top):]
        assert profile["key_figures"] == key_figures
        # the directory leaves them out (as it leaves out a listed person)
        names = [r["name"] for r in client.get(url("/api/v1/directory", territory=region,
                                                   per_page="500")).json()["data"]]
        assert optout.WITHHELD not in names and "Rainville, Line" not in names

        # -- the list emptied: the names are back
        _listing(listed, [], 2)
        assert "mathieu dumery" in folded(pages[0])
        assert "rainville" in folded(f"/api/v1/territories/{place}/profile")
        assert dumery_award[0] in [r["award_id"] for r in client.get(
            url("/api/v1/awards", q="dumery")).json()["data"]]
        assert client.get(f"/beneficiary/{org['Mathieu Duméry']}").status_code == 200
    optout.use(None)
