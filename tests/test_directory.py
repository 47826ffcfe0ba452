"""The directory of regional talent: its rows on a hand-made store (expected lists written out),
on the real Telefilm file for a Québec region against plain SQL, the CLI, and the opt-out list
honoured by every page, API answer and export (a crawl of the whole small atlas)."""

from __future__ import annotations

import html
import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polars as pl
import pytest
from cli_runner import run_cli
from fastapi.testclient import TestClient
from indicator_data import award, tiny_store

from cineatlas import Store, import_file, optout
from cineatlas.indicators import Engine
from cineatlas.queries import directory
from cineatlas.queries.directory import DirectoryFilters
from cineatlas.web import create_app
from cineatlas.web.directory import ZERO

HIDDEN = "Jeanne Cachée"
HIDDEN_ID = "test/person/jc-9f3"
F = "test/org/funder"
ORGS = [
    {"organisation_id": F, "name": "Fonds X", "name_key": "fonds x", "kind": "public_body",
     "is_funder": True, "funder_level": "regional", "territory_id": "X-RA"},
    # one company published twice (two records, one entity), in the metropolis' communes
    {"organisation_id": "test/org/a1", "name": "Films Alpha", "name_key": "films alpha",
     "kind": "company", "is_funder": False, "city": "Alphaville", "territory_id": "X-CA1a"},
    {"organisation_id": "test/org/a2", "name": "Alpha Films", "name_key": "alpha films",
     "kind": "company", "is_funder": False, "city": "Alphaville", "territory_id": "X-CA1b"},
    {"organisation_id": "test/org/b", "name": "Bêta Prod", "name_key": "beta prod",
     "kind": "company", "is_funder": False, "city": "Bourg", "territory_id": "X-CA2a"},
    {"organisation_id": "test/org/c", "name": "Gamma Studio", "name_key": "gamma studio",
     "kind": "company", "is_funder": False, "city": "Cap", "territory_id": "X-CB1a"},
]
PEOPLE = [
    {"person_id": "test/person/lea", "full_name": "Léa Visible", "name_key": "lea visible",
     "gender": "female"},
    {"person_id": HIDDEN_ID, "full_name": HIDDEN, "name_key": "jeanne cachee"},
    {"person_id": "test/person/omar", "full_name": "Omar Vu", "name_key": "omar vu"},
]
WORKS = [{"work_id": "test/work/w1", "title": "Le Premier", "title_key": "le premier"},
         {"work_id": "test/work/w1b", "title": "Le premier", "title_key": "le premier"},
         {"work_id": "test/work/w2", "title": "La Suite", "title_key": "la suite"}]


def _award(award_id: str, amount: int, beneficiary: str, place: str, **fields) -> dict:
    return award(award_id, amount, place, beneficiary_id=beneficiary, funder_id=F,
                 scheme_id="test/scheme/s", **fields)


AWARDS = [
    _award("w1-dev", 10_000_00, "test/org/a1", "X-CA1a", work_id="test/work/w1",
           project_title="Le Premier", stage="development", fiscal_year=2019, format="feature",
           genre="fiction", first_work=True),
    _award("w1-prod", 50_000_00, "test/org/a2", "X-CA1b", work_id="test/work/w1b",
           project_title="Le premier", stage="production", fiscal_year=2021, format="feature",
           genre="fiction"),
    _award("w2-wri", 5_000_00, "test/org/b", "X-CA2a", work_id="test/work/w2",
           project_title="La Suite", stage="writing", fiscal_year=2020, format="short",
           genre="documentary", second_work=True),
    _award("c-prod", 7_000_00, "test/org/c", "X-CB1a", project_title="Ailleurs",
           stage="production", fiscal_year=2020),
    # an amended contract: only its final value counts
    _award("c-old", 1_00, "test/org/c", "X-CB1a", project_title="Ailleurs",
           stage="production", fiscal_year=2020, superseded_by="c-prod"),
    # another sector: not counted by default
    _award("b-other", 9_00, "test/org/b", "X-CA2a", project_title="Kermesse",
           fiscal_year=2020, sector="other"),
]
CREDITS = [
    {"award_id": "w1-dev", "person_id": "test/person/lea", "role": "director"},
    {"award_id": "w1-prod", "person_id": "test/person/lea", "role": "director"},
    {"award_id": "w2-wri", "person_id": "test/person/omar", "role": "author"},
    {"award_id": "w2-wri", "person_id": HIDDEN_ID, "role": "author"},
    {"award_id": "c-prod", "person_id": HIDDEN_ID, "role": "producer"},
]
ENTITIES = [
    {"kind": "organisation", "member_id": "test/org/a1", "entity_id": "E-alpha",
     "probability": 0.99, "evidence": '{"rule": "model"}'},
    {"kind": "organisation", "member_id": "test/org/a2", "entity_id": "E-alpha",
     "probability": 0.99, "evidence": '{"rule": "model"}'},
    {"kind": "work", "member_id": "test/work/w1", "entity_id": "E-w1", "probability": 1.0,
     "evidence": '{"rule": "key"}'},
    {"kind": "work", "member_id": "test/work/w1b", "entity_id": "E-w1", "probability": 1.0,
     "evidence": '{"rule": "key"}'},
]


def _store(path: Path) -> Path:
    store = tiny_store(
        path, organisations=ORGS, people=PEOPLE, works=WORKS, awards=AWARDS,
        award_people=CREDITS,
        schemes=[{"scheme_id": "test/scheme/s", "funder_id": F, "name": "Aide à l'écriture",
                  "name_key": "aide a l ecriture"}],
        commissions=[{"commission_id": "test/com/1", "funder_id": F,
                      "scheme_id": "test/scheme/s", "name": "Comité 2020", "year": 2020}],
        commission_members=[{"commission_id": "test/com/1", "person_id": HIDDEN_ID,
                             "role": "chair"},
                            {"commission_id": "test/com/1", "person_id": "test/person/omar",
                             "role": "member"}])
    store.con.executemany("INSERT INTO entity_members VALUES (?, ?, ?, ?, ?)",
                          [list(e.values()) for e in ENTITIES])
    store.close()
    return path / "tiny.duckdb"


class _Reader:
    def __init__(self, store: Store) -> None:
        self.con = store.con
        self.con.register("territory_closure", Engine.duckdb(store).closure.to_arrow())

    def frame(self, sql, params=None):
        return self.con.sql(sql, params=params or None).pl()


@pytest.fixture()
def tiny(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(tmp_path / "none.toml"))  # no list
    optout.use(None)
    return _store(tmp_path)


def _summary(frame) -> list[tuple]:
    return [(r["name"], r["territory_id"], r["n_awards"], r["n_works"], r["amount_minor"],
             r["stages"], r["first_year"], r["last_year"], r["first_work"], r["second_work"])
            for r in frame.to_dicts()]


def test_rows_of_a_hand_made_store(tiny) -> None:
    with Store(tiny, read_only=True) as store:
        a = _Reader(store)
        companies, n = directory.rows(a, "company", DirectoryFilters(territory="X-RA"))
        # the two Alpha records are one entity, named and placed as on its latest award; the
        # funder is not listed; Gamma is in X-RB
        assert n == 2
        assert _summary(companies) == [
            ("Alpha Films", "X-CA1b", 2, 1, 60_000_00, ["development", "production"], 2019,
             2021, True, None),
            ("Bêta Prod", "X-CA2a", 1, 1, 5_000_00, ["writing"], 2020, 2020, None, True)]
        assert companies["n_records"].to_list() == [2, 1]
        assert companies["entity_id"].to_list() == ["E-alpha", "test/org/b"]
        # the amended contract counts once, at its final value
        gamma, _ = directory.rows(a, "company", DirectoryFilters(territory="X-RB"))
        assert _summary(gamma) == [("Gamma Studio", "X-CB1a", 1, 1, 7_000_00, ["production"],
                                    2020, 2020, None, None)]
        people, _ = directory.rows(a, "person", DirectoryFilters(territory="X-RA"))
        assert [(r["name"], r["roles"], r["n_awards"], r["works"]) for r in people.to_dicts()] \
            == [("Léa Visible", ["director"], 2, ["Le Premier", "Le premier"]),
                (HIDDEN, ["author"], 1, ["La Suite"]), ("Omar Vu", ["author"], 1, ["La Suite"])]
        assert "gender" not in people.columns
        # filters keep the awards that list an entity
        dev, _ = directory.rows(a, "company", DirectoryFilters(stage="development"))
        # (named as on its latest award among those kept: the development one)
        assert dev["name"].to_list() == ["Films Alpha"]
        late, _ = directory.rows(a, "company", DirectoryFilters(year_from=2021))
        assert _summary(late)[0][2:5] == (1, 1, 50_000_00)
        docs, _ = directory.rows(a, "person", DirectoryFilters(genre="documentary"))
        assert docs["name"].to_list() == [HIDDEN, "Omar Vu"]
        # spread over the départements of X-RA: Alpha and Léa in X-DA1, Bêta, Omar and Jeanne
        # in X-DA2; X-DB1 is in the other region; everyone is placed in one of them
        spread = directory.by_territory(a, DirectoryFilters(territory="X-RA"))
        assert spread.territories.rows() == [
            ("X-DA1", "Terr X-DA1", 1, 1), ("X-DA2", "Terr X-DA2", 1, 2)]
        assert (spread.here, spread.above, spread.complete) == (NOBODY, NOBODY, True)
        # the country's regions, not its metropolis (which overlaps them); Jeanne, credited in
        # both regions, counts in each, as each region's directory lists her
        assert directory.by_territory(a, DirectoryFilters(territory="X")).territories.rows() \
            == [("X-RA", "Terr X-RA", 2, 3), ("X-RB", "Terr X-RB", 1, 1)]
        nobody, n = directory.rows(a, "company", DirectoryFilters(funder="another"))
        assert (nobody.height, n) == (0, 0)


NOBODY = {"companies": 0, "people": 0}
#: Companies the data place no finer than a region (Delta, in X-RA) or the country (Phi, in X);
#: Epsilon is one entity of two records, in X (2021) and in a commune of X-RA (2019).
UNPLACED_ORGS = [
    {"organisation_id": "test/org/d", "name": "Delta Région", "name_key": "delta region",
     "kind": "company", "is_funder": False, "territory_id": "X-RA"},
    {"organisation_id": "test/org/f", "name": "Phi Pays", "name_key": "phi pays",
     "kind": "company", "is_funder": False, "territory_id": "X"},
    {"organisation_id": "test/org/e", "name": "Epsilon", "name_key": "epsilon",
     "kind": "company", "is_funder": False, "territory_id": "X"},
    {"organisation_id": "test/org/e2", "name": "Epsilon Films", "name_key": "epsilon films",
     "kind": "company", "is_funder": False, "territory_id": "X-CA2a"},
]
UNPLACED_AWARDS = [
    _award("d-dev", 3_000_00, "test/org/d", "X-RA", project_title="Delta", stage="development",
           fiscal_year=2021),
    _award("f-dev", 2_000_00, "test/org/f", "X", project_title="Phi", stage="development",
           fiscal_year=2021),
    _award("e-prod", 8_000_00, "test/org/e", "X", project_title="Eps", stage="production",
           fiscal_year=2021),
    _award("e2-prod", 6_000_00, "test/org/e2", "X-CA2a", project_title="Eps 0",
           stage="production", fiscal_year=2019),
]
#: Square outlines of X-RA's départements (WGS 84), for a map.
OUTLINES = {"X-DA1": [[0, 45], [1, 45], [1, 46], [0, 46], [0, 45]],
            "X-DA2": [[1, 45], [2, 45], [2, 46], [1, 46], [1, 45]]}


@pytest.fixture()
def unplaced(tiny) -> Path:
    """The hand-made store plus UNPLACED_ORGS and their awards, and outlines for X-DA1, X-DA2."""
    with Store(tiny) as store:
        store.insert("organisations", pl.DataFrame([{"source_id": "test", **o}
                                                    for o in UNPLACED_ORGS]))
        store.insert("awards", pl.DataFrame([{"source_id": "test", **r}
                                             for r in UNPLACED_AWARDS],
                                            infer_schema_length=None))
        store.con.executemany("INSERT INTO entity_members VALUES (?, ?, 'E-eps', 1.0, '{}')",
                              [["organisation", "test/org/e"], ["organisation", "test/org/e2"]])
        store.con.executemany(
            "INSERT INTO territory_outlines VALUES (?, ?, 0, 'test')",
            [[t, json.dumps({"type": "Polygon", "coordinates": [ring]})]
             for t, ring in OUTLINES.items()])
    return tiny


def test_the_spread_over_sub_territories_says_who_it_cannot_place(unplaced) -> None:
    with Store(unplaced, read_only=True) as store:
        a = _Reader(store)

        def spread(territory: str, **filters):
            found = directory.by_territory(a, DirectoryFilters(territory=territory, **filters))
            return found.territories.rows(), found.here, found.above, found.complete

        one = {"companies": 1, "people": 0}
        # Epsilon is in X-RA by its commune record (the directory of X-RA lists it there), not
        # above it; Delta is in X-RA itself (here); Phi only in the country (above)
        assert spread("X-RA") == ([("X-DA1", "Terr X-DA1", 1, 1), ("X-DA2", "Terr X-DA2", 2, 2)],
                                  one, one, False)
        # in the country: Delta and Epsilon in X-RA, Phi in no region (here)
        assert spread("X") == ([("X-RA", "Terr X-RA", 4, 3), ("X-RB", "Terr X-RB", 1, 1)],
                               one, NOBODY, False)
        # a sub-territory's numbers are the totals of its own directory (its link)
        for territory in ("X", "X-RA"):
            for sub, _, companies, people in spread(territory)[0]:
                for kind, n in (("company", companies), ("person", people)):
                    assert directory.rows(a, kind, DirectoryFilters(territory=sub))[1] == n
        # filters apply: development awards only (Alpha, Léa; Delta here, Phi above)
        assert spread("X-RA", stage="development") == (
            [("X-DA1", "Terr X-DA1", 1, 1), ("X-DA2", "Terr X-DA2", 0, 0)], one, one, False)
        # documentaries: Bêta, Omar, Jeanne in X-DA2; nobody unplaced, so X-DA1's zero is known
        assert spread("X-RA", genre="documentary") == (
            [("X-DA1", "Terr X-DA1", 0, 0), ("X-DA2", "Terr X-DA2", 1, 2)], NOBODY, NOBODY,
            True)
        with pytest.raises(ValueError, match="needs a territory"):
            directory.by_territory(a, DirectoryFilters())


def _shapes(page: str) -> dict[str, tuple[str, str, str]]:
    """{territory: (link, fill, accessible name)} of a page's map."""
    return {t: (html.unescape(href), fill, html.unescape(name)) for href, name, fill, t in
            re.findall(r'<a href="([^"]*)" aria-label="([^"]*)">\s*<path d="[^"]*" '
                       r'fill="([^"]*)" data-territory="([^"]*)"', page)}


def test_the_map_of_a_territory_colours_what_is_known(unplaced, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(tmp_path / "none.toml"))
    with TestClient(create_app(unplaced)) as client:
        # development: X-DA1 has Alpha and Léa; X-DA2 has nobody placed, but Delta (X-RA) and
        # Phi (X) could be there: not known, hatched, never a zero
        page = client.get("/directory?territory=X-RA&stage=development&lang=en").text
        shapes = _shapes(page)
        assert shapes["X-DA1"][0] == "/directory?territory=X-DA1&stage=development&lang=en"
        assert shapes["X-DA1"][2] == "Terr X-DA1: 1 company, 1 person"
        assert shapes["X-DA1"][1].startswith("#") and shapes["X-DA1"][1] != ZERO
        assert shapes["X-DA2"][1] == "url(#no-data)" and "not known" in shapes["X-DA2"][2]
        assert "1 company and 0 people of this directory are placed in Terr X-RA" in page
        assert "1 company and 0 people are placed only in a territory containing" in page
        assert 'data-territory="X-DA2" data-companies="0" data-people="0"' in page
        # documentaries: everyone is placed, X-DA1's zero is a zero (in the legend too)
        page = client.get("/directory?territory=X-RA&genre=documentary&sector=all&lang=fr").text
        shapes = _shapes(page)
        assert shapes["X-DA1"][1:] == (ZERO, "Terr X-DA1\u202f: 0 entreprise, 0 personne")
        assert shapes["X-DA2"][0] == "/directory?territory=X-DA2&genre=documentary&sector=all"
        assert shapes["X-DA2"][2] == "Terr X-DA2\u202f: 1 entreprise, 2 personnes"
        assert f'<li data-colour="{ZERO}">' in page and "directory-above" not in page
        assert "Légende, en entreprises et personnes\u202f:" in page
        # the country: its regions have no outline here: said, and the table kept
        page = client.get("/directory?territory=X").text
        assert 'id="directory-no-map"' in page and "<svg viewBox" not in page
        assert re.findall(r'<tr data-territory="([^"]+)"', page) == ["X-RA", "X-RB"]
        # the API answers the same counts, whatever the kind and the page
        for kind in ("company", "person"):
            answer = client.get("/api/v1/directory", params={
                "territory": "X-RA", "stage": "development", "kind": kind}).json()
            assert answer["by_territory"] == [
                {"territory_id": "X-DA1", "name": "Terr X-DA1", "companies": 1, "people": 1},
                {"territory_id": "X-DA2", "name": "Terr X-DA2", "companies": 0, "people": 0}]
            assert answer["unplaced"] == {"here": {"companies": 1, "people": 0},
                                          "above": {"companies": 1, "people": 0}}
        everywhere = client.get("/api/v1/directory").json()
        assert (everywhere["by_territory"], everywhere["unplaced"]) == ([], None)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_opt_out_file_is_read_and_checked(tmp_path) -> None:
    listed = optout.read(_write(tmp_path / "o.toml", 'people = ["JEANNE  cachée", '
                                f'"{HIDDEN_ID}"]\norganisations = ["test/org/b"]\n'))
    assert (listed.person_keys, listed.person_ids, listed.organisation_ids) == (
        ("jeanne cachee",), (HIDDEN_ID,), ("test/org/b",))
    with pytest.raises(optout.OptOutError, match="unknown key.*peoples"):
        optout.read(_write(tmp_path / "bad.toml", 'peoples = ["x"]'))
    with pytest.raises(optout.OptOutError, match="`people` must be a list of strings"):
        optout.read(_write(tmp_path / "bad2.toml", 'people = "x"'))
    with pytest.raises(optout.OptOutError, match="not a TOML file"):
        optout.read(_write(tmp_path / "bad3.toml", "people = ["))


def _links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        href = href.replace("&amp;", "&")
        url = urlsplit(urljoin(base, href))
        if url.netloc in ("", "testserver") and not url.path.startswith("/static"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def test_a_listed_person_appears_in_no_page_api_answer_or_export(tiny, tmp_path, monkeypatch,
                                                                 capsys) -> None:
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(_write(tmp_path / "opt-out.toml",
                                                       'people = ["Jeanne Cachee"]\n')))
    needles = [HIDDEN, "Jeanne Cach", "jeanne cachee", HIDDEN_ID, "jc-9f3"]
    start = ["/", "/directory", "/directory?lang=en", "/directory?territory=X-RA",
             f"/person/{HIDDEN_ID}", "/awards", "/schemes", "/sources",
             "/api/v1/awards?per_page=500", "/api/v1/awards.csv",
             "/api/v1/awards.csv?dialect=excel-fr", "/api/v1/directory?kind=person",
             "/api/v1/directory?kind=person&territory=X-RA", "/api/v1/directory?kind=company",
             "/api/v1/schemes"]
    seen: set[str] = set()
    queue = deque(start)
    kinds: set[str] = set()
    with TestClient(create_app(tiny), raise_server_exceptions=True) as client:
        for path in client.get("/openapi.json").json()["paths"]:
            if "{" not in path:
                queue.append(path)
        while queue and len(seen) < 600:
            path = queue.popleft()
            if path in seen or "calendar.ics" in path:
                continue
            seen.add(path)
            response = client.get(path)
            assert response.status_code < 500, path
            text = response.text
            for needle in needles:
                if needle in path:  # the page of the request echoes its own address
                    continue
                assert needle.lower() not in text.lower(), (path, needle)
            kinds.add(urlsplit(path).path.split("/")[1] + "/" + (
                urlsplit(path).path.split("/") + [""])[2])
            if "html" in response.headers.get("content-type", ""):
                queue.extend(_links(text, "http://testserver" + path))
        # the crawl reached every kind of output that could show them
        assert {"directory/", "person/test", "schemes/", "awards/", "beneficiary/test",
                "work/test", "api/v1"} <= {k if not k.startswith(("person", "beneficiary",
                                                                    "work")) else
                                          k[:len(k.split("/")[0]) + 5] for k in kinds}
        assert len(seen) > 100  # (the crawl stops at 600 pages: filters multiply the links)
        assert client.get(f"/person/{HIDDEN_ID}").status_code == 404
        # the commission keeps the seat, without the name
        scheme = next(p for p in seen if p.startswith("/schemes/") and "observed" not in p
                      and "feed" not in p and "find" not in p)
        page = client.get(scheme + ("&" if "?" in scheme else "?") + "lang=en").text
        assert "not listed, at their request" in page and "Omar Vu" in page
        people = client.get("/api/v1/directory", params={"kind": "person"}).json()
        assert [r["name"] for r in people["data"]] == ["Léa Visible", "Omar Vu"]
        # the others stay: the award credits other people, the company is public
        assert "Gamma Studio" in client.get("/directory").text
    # the command line too
    code, out, err = run_cli(monkeypatch, capsys, "directory", "--db", str(tiny), "--kind",
                             "person", "--json")
    assert code == 0, err
    assert [r["name"] for r in json.loads(out)["data"]] == ["Léa Visible", "Omar Vu"]
    assert HIDDEN not in out


def test_a_listed_organisation_leaves_the_directory_and_its_page(tiny, tmp_path,
                                                                 monkeypatch) -> None:
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(_write(
        tmp_path / "o.toml", 'organisations = ["test/org/c"]\n')))
    with TestClient(create_app(tiny)) as client:
        names = [r["name"] for r in client.get("/api/v1/directory").json()["data"]]
        assert names == ["Alpha Films", "Bêta Prod"]
        assert client.get("/beneficiary/test/org/c").status_code == 404
        assert client.get("/beneficiary/test/org/b").status_code == 200
        # the form as a browser sends it: empty fields are no filter
        page = client.get("/directory?territory=X-RA&stage=&format=&genre=&funder="
                          "&year_from=&year_to=2020&lang=en")
        assert page.status_code == 200
        # (Alpha named as on its 2019 award, the only one kept)
        assert "Bêta Prod" in page.text and "Films Alpha" in page.text
        assert client.get("/directory?year_from=19").status_code == 422


def test_the_command_line_names_a_wrong_opt_out_file_and_territory(tiny, tmp_path, monkeypatch,
                                                                   capsys) -> None:
    db = ["directory", "--db", str(tiny)]
    code, out, err = run_cli(monkeypatch, capsys, *db, "--opt-out", str(tmp_path / "no.toml"))
    assert code != 0 and "no such opt-out file" in err
    code, out, err = run_cli(monkeypatch, capsys, *db, "--territory", "ZZ")
    assert code != 0 and "No territory 'ZZ'" in err
    code, out, err = run_cli(monkeypatch, capsys, *db, "--territory", "X-RB")
    assert code == 0 and "Gamma Studio" in out and "Alpha" not in out
    optout.use(None)


TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"


def test_a_quebec_region_on_the_real_telefilm_file_matches_plain_sql(store, shared_data) -> None:
    import_file("telefilm", shared_data(TELEFILM), store=store)
    # plain SQL: the communes below Capitale-Nationale by their parents, the awards of each
    # organisation placed there (each contract once), no resolution (each record its own)
    expected = store.con.sql(
        "WITH RECURSIVE below(territory_id) AS (SELECT 'CA-QC-R03' UNION ALL "
        "SELECT t.territory_id FROM territories t JOIN below b ON t.parent_id = b.territory_id) "
        "SELECT o.name, count(*) AS n, sum(a.amount_minor) AS amount, min(a.fiscal_year) AS y0, "
        "max(a.fiscal_year) AS y1 FROM awards a JOIN organisations o "
        "ON o.organisation_id = a.beneficiary_id WHERE o.territory_id IN (SELECT * FROM below) "
        "AND a.superseded_by IS NULL GROUP BY o.organisation_id, o.name").fetchall()
    assert len(expected) > 20
    a = _Reader(store)
    frame, total = directory.rows(a, "company", DirectoryFilters(territory="CA-QC-R03"),
                                  limit=None)
    got = sorted((r["name"], r["n_awards"], r["amount_minor"], r["first_year"], r["last_year"])
                 for r in frame.to_dicts())
    assert total == len(expected)
    assert got == sorted((n, c, int(m), y0, y1) for n, c, m, y0, y1 in expected)
    assert all(r["currency"] == "CAD" for r in frame.to_dicts())
