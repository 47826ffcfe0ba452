"""Efficacy indicators: development → production on hand-made stores (a work in two records
joined by entity_members counts once, the cohort cut-off, unknown stages, the horizon, the
metropolis and the rest) and on the real Telefilm file (2009-2018), for Québec outside
Montréal and the Montréal metropolis, against an independent computation written here with
the csv module.

The independent computation reads the CSV itself: a programme's stage from its published name
(below), each contract once (tests/telefilm_contracts.py finds the superseded rows on its own),
fiscal year from the Period, places from the Montréal CMA membership of the shipped
quebec_municipalities.csv and the city table of test_indicators_telefilm.py. It matches works
two ways:

- exact title and recipient (a strict reading, as the issue asks): a film developed by one
  company and produced by its single-purpose production company ('Inch'Allah': Microscope inc.,
  then 9183-5942 Québec inc.) is not matched — most productions are, on this file;
- the folded title alone (case, accents, punctuation and a trailing article moved first:
  "Sens de l'humour (Le)" is "Le sens de l'humour"), any recipient: the reading of the
  importer, whose works are keyed by folded title within one source. The indicator (no entity
  rows yet on this branch: every work its own entity) must give exactly these figures.

The difference between the two is documented by the assertions of `test_telefilm_quebec`.
"""

from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from indicator_data import award, both, tiny_store
from telefilm_contracts import contracts, read
from test_indicators_telefilm import QC_MUNICIPALITY, TELEFILM, recipient_key

from cineatlas import Store, import_file
from cineatlas.indicators import Cut, Engine
from cineatlas.queries.efficacy import development_cohorts

DATA = Path(__file__).parents[1] / "src/cineatlas/territories/data"
RATE = "development_to_production_rate"


def pick(frame: pl.DataFrame, territory: str, category: str = "all",
         year: int | None = None) -> dict:
    rows = frame.filter((pl.col("territory_id") == territory) & (pl.col("category") == category))
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# -- hand-made stores ---------------------------------------------------------------------


def dev(award_id: str, work: str | None, year: int, territory: str = "X-CA1a",
        **fields) -> dict:
    return award(award_id, 10_000_00, territory, work_id=work, stage="development",
                 fiscal_year=year, funder_id="f1", **fields)


def prod(award_id: str, work: str | None, year: int, territory: str = "X-CA1a",
         stage: str | None = "production") -> dict:
    return award(award_id, 500_000_00, territory, work_id=work, stage=stage, fiscal_year=year,
                 funder_id="f1")


def member(work: str, entity: str) -> dict:
    return {"kind": "work", "member_id": work, "entity_id": entity, "probability": 0.99,
            "evidence": '{"rule": "model"}'}


@pytest.fixture()
def works(tmp_path) -> Iterator[Store]:
    awards = [
        # a: developed as two records (a1 in the metropolis, a2 its other spelling), produced
        # under a third record a3 two years later; entity_members joins them → one work, produced
        dev("d-a1", "a1", 2020), dev("d-a2", "a2", 2020), prod("p-a3", "a3", 2022),
        # b: developed 2020 outside the metropolis (X-CA2a), produced 2024 = Y + 4 → produced
        dev("d-b", "b", 2020, "X-CA2a"), prod("p-b", "b", 2024, "X-CA2a"),
        # c: developed 2020 in the metropolis, an award of unknown stage in 2021 (not a
        # production), produced only in 2025 = Y + 5, beyond the horizon → not produced
        dev("d-c", "c", 2020, "X-CA1b"), prod("u-c", "c", 2021, stage=None),
        prod("p-c", "c", 2025, "X-CA1b"),
        # d: first developed 2019 in X-RB, again in 2020: its cohort is 2019; produced 2019
        dev("d-d1", "d", 2019, "X-CB1a"), dev("d-d2", "d", 2020, "X-CB1a"),
        prod("p-d", "d", 2019, "X-CB1a"),
        # e: developed 2021: 2021 + 4 = 2025 ≤ 2025, the funder's last year → complete cohort
        dev("d-e", "e", 2021), prod("p-e", "e", 2023),
        # f: developed 2022: 2026 > 2025 → too recent, left out (though already produced)
        dev("d-f", "f", 2022), prod("p-f", "f", 2023),
        # g: an award of unknown stage only: never in a cohort; h: development with no work
        prod("u-g", "g", 2020, stage=None), dev("d-h", None, 2020),
        # i: produced before its development (2018 < 2020): not a production "within N years"
        dev("d-i", "i", 2020, "X-CA2a"), prod("p-i", "i", 2018, "X-CA2a"),
    ]
    entity_members = [member("a1", "film-a"), member("a2", "film-a"), member("a3", "film-a")]
    with tiny_store(tmp_path, awards=awards) as store:
        store.insert("entity_members", pl.DataFrame(entity_members))
        yield store


def test_a_work_in_several_records_counts_once(works) -> None:
    frame = both(works, RATE, Cut(level="region", by_year=True))
    ra = pick(frame, "X-RA", year=2020)
    # X-RA 2020 cohort: film-a (d-a1 and d-a2, one entity, produced through a3), b (produced at
    # Y + 4), c (production at Y + 5 only; its unknown-stage award does not count), i (produced
    # before) → 2 of 4; the award without a work (d-h) cannot be followed
    assert (ra["numerator"], ra["denominator"], ra["n"]) == (2.0, 4.0, 4)
    assert ra["value"] == 0.5 and ra["horizon"] == 4
    # years to production: a 2, b 4 → median 3
    assert ra["median_years"] == 3.0
    # d's cohort is 2019 (its first development), in X-RB, produced the same year
    rb = pick(frame, "X-RB", year=2019)
    assert (rb["numerator"], rb["denominator"], rb["median_years"]) == (1.0, 1.0, 0.0)
    assert frame.filter((pl.col("territory_id") == "X-RB") & (pl.col("year") == 2020)).is_empty()


def test_without_entity_rows_the_records_are_separate(works) -> None:
    works.con.execute("DELETE FROM entity_members")
    ra = pick(both(works, RATE, Cut(level="region", by_year=True)), "X-RA", year=2020)
    # a1 and a2 are now two works in the cohort, neither sees a3's production: b of 5
    assert (ra["numerator"], ra["denominator"]) == (1.0, 5.0)


def test_cohort_cut_off(works) -> None:
    frame = both(works, RATE, Cut(level="region", by_year=True))
    years = sorted(frame.filter(pl.col("territory_id") == "X-RA")["year"].unique().to_list())
    # the funder's last year is 2025: cohorts up to 2021 are complete, 2022 (f) is left out
    assert years == [2020, 2021]
    assert pick(frame, "X-RA", year=2021)["value"] == 1.0
    pooled = pick(both(works, RATE, Cut(level="region")), "X-RA")
    assert (pooled["numerator"], pooled["denominator"]) == (3.0, 5.0)
    assert (pooled["first_cohort"], pooled["last_cohort"]) == (2020, 2021)
    # a year range selects cohorts (by their first development year), not awards: d stays in
    # 2019, not 2020, and its production year is read even outside the range
    ranged = both(works, RATE, Cut(level="region", years=(2020, 2020)))
    assert ranged.filter(pl.col("territory_id") == "X-RB").is_empty()


def test_metropolis_and_the_rest(works) -> None:
    frame = both(works, RATE, Cut(level="country", by_year=True))
    # the country X holds the metropolis X-MET (X-CA1a, X-CA1b): in the 2020 cohort, film-a
    # (produced) and c (not) → 1/2; outside it (X-CA2a): b (produced), i (not) → 1/2
    metro = pick(frame, "X", "metropolis", 2020)
    rest = pick(frame, "X", "outside_metropolis", 2020)
    assert (metro["numerator"], metro["denominator"]) == (1.0, 2.0)
    assert (rest["numerator"], rest["denominator"]) == (1.0, 2.0)
    # 2019: d, in X-CB1a (outside), produced
    assert (pick(frame, "X", "outside_metropolis", 2019)["value"], pick(frame, "X", year=2019)[
        "n"]) == (1.0, 1)
    # the metropolis as a unit of its own: its works only, no sub-categories
    m = both(works, RATE, Cut(level="metropolis", by_year=True))
    assert set(m["category"]) == {"all"}
    assert (pick(m, "X-MET", year=2020)["numerator"], pick(m, "X-MET", year=2020)["denominator"]
            ) == (1.0, 2.0)
    # a region holds no metropolis in this store: one category
    regions = both(works, RATE, Cut(level="region"))
    assert set(regions["category"]) == {"all"}


def test_cohort_table_with_a_settable_horizon(works) -> None:
    engine = Engine.duckdb(works)
    four = development_cohorts(engine, "region", "X-RA")
    row = four.filter((pl.col("year") == 2020) & (pl.col("category") == "all")).row(0, named=True)
    assert (row["funded_in_development"], row["produced"], row["rate"]) == (4, 2, 0.5)
    # N = 5: c's production at Y + 5 counts; the 2021 cohort needs 2026: left out
    five = development_cohorts(engine, "region", "X-RA", horizon=5)
    assert five["year"].unique().to_list() == [2020]
    row = five.filter(pl.col("category") == "all").row(0, named=True)
    assert (row["funded_in_development"], row["produced"]) == (4, 3)
    # N = 0: only a production of the development year itself
    zero = development_cohorts(engine, "region", "X-RB", horizon=0)
    assert zero.filter(pl.col("category") == "all")["produced"].to_list() == [1]
    with pytest.raises(Exception, match="horizon"):
        development_cohorts(engine, "region", "X-RA", horizon=-1)


# -- the real Telefilm file ---------------------------------------------------------------

#: Stage of each programme of the file, read from its published name.
DEVELOPMENT_PROGRAMMES = ("Development Program",)
PRODUCTION_PROGRAMMES = ("Production Program", "Micro-Budget Production Program",
                         "Mini-treaties", "Theatrical Documentary Program")
HORIZON = 4
_ARTICLE = re.compile(r"^(?P<body>.+?)\s*(?:,\s*(?P<a>the|a|an|le|la|les)"
                      r"|\((?P<b>the|a|an|le|la|les|l')\))\s*(?P<rest>\(.*\))?\s*$", re.I)


def folded_title(title: str) -> str:
    """Case, accents and punctuation folded; a trailing article ('(Le)', ', The') first."""
    m = _ARTICLE.match(title.strip())
    if m:
        article = m.group("a") or m.group("b")
        title = f"{article} {m.group('body')} {m.group('rest') or ''}"
    bare = "".join(c for c in unicodedata.normalize("NFKD", title)
                   if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare.lower()).split())


def stage(purpose: str) -> str | None:
    if purpose.startswith(DEVELOPMENT_PROGRAMMES):
        return "development"
    if purpose.startswith(PRODUCTION_PROGRAMMES):
        return "production"
    return None


def independent_rates(path: Path, key) -> dict[str, tuple[int, int]]:
    """{'quebec' | 'montreal' | 'outside': (produced, funded in development)} over the complete
    cohorts, a work being the rows sharing `key(row)`."""
    with open(DATA / "quebec_municipalities.csv", encoding="utf-8", newline="") as handle:
        in_cma = {r["name"]: r["in_montreal_cma"] == "true" for r in csv.DictReader(handle)}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    _, superseded = contracts(read(path))
    developed: dict = defaultdict(list)
    produced: dict = defaultdict(set)
    last_year = 0
    for line, r in enumerate(rows, start=2):
        year = int(r["Period"][:4])
        last_year = max(last_year, year)
        if line in superseded:
            continue
        kind = stage(r["Purpose"])
        if kind == "development":
            developed[key(r)].append((year, r))
        elif kind == "production":
            produced[key(r)].add(year)
    out = {"quebec": [0, 0], "montreal": [0, 0], "outside": [0, 0]}
    for work, awards in developed.items():
        cohort = min(year for year, _ in awards)
        if cohort + HORIZON > last_year:
            continue
        places = {"montreal" if in_cma[QC_MUNICIPALITY[r["City"].strip()]] else "outside"
                  for year, r in awards if year == cohort and r["Province"] == "Quebec"}
        done = any(cohort <= y <= cohort + HORIZON for y in produced[work])
        for place in places | ({"quebec"} if places else set()):
            out[place][0] += done
            out[place][1] += 1
    return {place: (a, b) for place, (a, b) in out.items()}


@pytest.fixture(scope="module")
def telefilm(shared_data, territories_store, tmp_path_factory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("telefilm-efficacy") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    assert import_file("telefilm", shared_data(TELEFILM), store=store).rows_loaded == 6658
    yield store
    store.close()


def test_telefilm_quebec(telefilm, shared_data) -> None:
    path = shared_data(TELEFILM)
    titles = independent_rates(path, lambda r: folded_title(r["Title"]))
    strict = independent_rates(path, lambda r: (r["Title"].strip(), r["Recipient Name"].strip()))

    province = both(telefilm, RATE, Cut(level="province", territories=("CA-QC",)))
    metropolis = both(telefilm, RATE, Cut(level="metropolis", territories=("CA-QC-CMA462",)))
    figures = {
        "quebec": pick(province, "CA-QC"),
        "montreal": pick(province, "CA-QC", "metropolis"),
        "outside": pick(province, "CA-QC", "outside_metropolis"),
    }
    for place, row in figures.items():
        assert (row["numerator"], row["denominator"]) == titles[place], place
        assert (row["first_cohort"], row["last_cohort"]) == (2009, 2013)
    # the Montréal CMA as a unit gives the province's metropolis row
    cma = pick(metropolis, "CA-QC-CMA462")
    assert (cma["numerator"], cma["denominator"]) == titles["montreal"]
    # every Québec city is placed: the metropolis and the rest make up Québec
    assert titles["montreal"][1] + titles["outside"][1] == titles["quebec"][1]

    # The strict reading (exact title and recipient) sees far fewer productions: production
    # is mostly funded to a company formed for the film, under another name. Its cohorts are
    # larger (one work per recipient and spelling).
    for place in titles:
        assert strict[place][0] < titles[place][0]
        assert strict[place][1] >= titles[place][1]
    # the figures (2009-2013 cohorts, N = 4), for the record
    assert titles == {"quebec": (29, 491), "montreal": (28, 435), "outside": (1, 56)}
    assert strict == {"quebec": (7, 496), "montreal": (7, 439), "outside": (0, 57)}


def test_telefilm_cohort_table(telefilm, shared_data) -> None:
    table = development_cohorts(Engine.duckdb(telefilm), "province", "CA-QC")
    # the 2009-2010 to 2017-2018 file: cohorts 2009 to 2013 are complete at N = 4
    assert table["year"].unique().sort().to_list() == [2009, 2010, 2011, 2012, 2013]
    assert set(table["currency"]) == {"CAD"}
    every = table.filter(pl.col("category") == "all")
    pooled = pick(both(telefilm, RATE, Cut(level="province", territories=("CA-QC",))), "CA-QC")
    assert (every["produced"].sum(), every["funded_in_development"].sum()) == (
        pooled["numerator"], pooled["denominator"])


def test_cohort_api(works, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from cineatlas.web import create_app

    works.close()
    with TestClient(create_app(tmp_path / "tiny.duckdb")) as client:
        answer = client.get("/api/v1/efficacy/development-cohorts/X")
        assert answer.status_code == 200
        body = answer.json()["data"]
        assert (body["level"], body["horizon"]) == ("country", 4)
        rows = {(r["year"], r["category"]): r for r in body["cohorts"]}
        assert (rows[2020, "metropolis"]["funded_in_development"],
                rows[2020, "metropolis"]["produced"]) == (2, 1)
        assert rows[2020, "all"]["rate"] == 0.5
        five = client.get("/api/v1/efficacy/development-cohorts/X", params={"horizon": 5})
        assert {r["year"] for r in five.json()["data"]["cohorts"]} == {2019, 2020}
        assert client.get("/api/v1/efficacy/development-cohorts/X",
                          params={"horizon": 99}).status_code == 422
        assert client.get("/api/v1/efficacy/development-cohorts/NOWHERE").status_code == 404
        # the indicator's page: the countries' cohorts, or a territory's, with the JSON link
        page = client.get("/indicators/development_to_production_rate")
        assert page.status_code == 200 and "outside_metropolis" in page.text
        assert 'data-year="2020"' in page.text and 'data-year="2019"' in page.text
        page = client.get("/indicators/development_to_production_rate",
                          params={"territory": "X-RB"})
        assert 'data-year="2019"' in page.text and 'data-year="2020"' not in page.text
        assert "/api/v1/efficacy/development-cohorts/X-RB" in page.text
        assert client.get("/indicators/second_work_rate",
                          params={"territory": "NOWHERE"}).status_code == 404


# -- first → second work ------------------------------------------------------------------


def directed(award_id: str, work: str | None, year: int, territory: str = "X-CA1a",
             first: bool | None = None) -> dict:
    return award(award_id, 50_000_00, territory, work_id=work, stage="production",
                 fiscal_year=year, funder_id="f1", first_work=first)


@pytest.fixture()
def directors(tmp_path) -> Iterator[Store]:
    awards = [
        directed("m1", "m1", 2020, first=True), directed("m2", "m2", 2022),        # P1
        directed("n1", "n1", 2020, "X-CA2a", first=True), directed("n2", "n2", 2023),  # P2
        directed("k1", "k1", 2020, "X-CA1b", first=True), directed("k1b", "k1", 2021),  # P3
        directed("q1", "q1", 2020), directed("q2", "q2", 2021),                    # P4: unknown
        directed("r1", "r1", 2020, first=False), directed("r2", "r2", 2021),       # P5: not first
        directed("s1", "s1", 2021, first=True), directed("s2", "s2", 2026),        # P6
        directed("w7", "w7", 2020, first=True), directed("w8", "w8", 2021),        # P7
    ]
    people = [("m1", "p1"), ("m2", "p1"), ("n1", "p2a"), ("n2", "p2b"), ("k1", "p3"),
              ("k1b", "p3"), ("q1", "p4"), ("q2", "p4"), ("r1", "p5"), ("r2", "p5"),
              ("s1", "p6"), ("s2", "p6"), ("w8", "p7")]
    credits = [{"approval_id": "visa-1", "work_id": "film-cnc", "role": "director", "position": 1,
                "person_id": "p7", "credit_as": "SEVEN P", "source_id": "test"}]
    with tiny_store(tmp_path, awards=awards, work_credits=credits) as store:
        store.insert("award_people", pl.DataFrame(
            [{"award_id": a, "person_id": p, "role": "director", "source_id": "test"}
             for a, p in people]))
        store.insert("entity_members", pl.DataFrame([
            {"kind": "person", "member_id": "p2a", "entity_id": "person-2", "probability": 1.0},
            {"kind": "person", "member_id": "p2b", "entity_id": "person-2", "probability": 1.0},
            # the agreed film's work and the award's work are one film: P7 directed w7
            {"kind": "work", "member_id": "film-cnc", "entity_id": "film-7", "probability": 1.0},
            {"kind": "work", "member_id": "w7", "entity_id": "film-7", "probability": 1.0},
        ]))
        yield store


def test_second_work_rate(directors) -> None:
    frame = both(directors, "second_work_rate", Cut(level="country", by_year=True))
    # 2020 cohort: P1 (second work 2022), P2 (two person records joined: second work 2023),
    # P3 (a second award to the same work is no second work), P7 (director of w7 through the
    # agreed film's credits, resolved with w7; second work 2021) → 3 of 4. P4 (first work not
    # published) and P5 (not a first work) are not in any cohort.
    every = pick(frame, "X", year=2020)
    assert (every["numerator"], every["denominator"], every["n"]) == (3.0, 4.0, 4)
    assert every["median_years"] == 2.0  # P1 2, P2 3, P7 1
    # metropolis (X-CA1a, X-CA1b): P1, P3, P7 → 2/3; outside (X-CA2a): P2 → 1/1
    metro = pick(frame, "X", "metropolis", 2020)
    assert (metro["numerator"], metro["denominator"]) == (2.0, 3.0)
    assert pick(frame, "X", "outside_metropolis", 2020)["value"] == 1.0
    # 2021: P6, second work in 2026 = Y + 5: not within 4 years
    assert (pick(frame, "X", year=2021)["numerator"], pick(frame, "X", year=2021)["denominator"]
            ) == (0.0, 1.0)
    # the funder's last year is 2026: cohorts after 2022 are too recent (none here)
    assert sorted(frame["year"].unique().to_list()) == [2020, 2021]


def test_second_work_rate_without_resolution(directors) -> None:
    directors.con.execute("DELETE FROM entity_members")
    every = pick(both(directors, "second_work_rate", Cut(level="country", by_year=True)), "X",
                 year=2020)
    # p2a alone has no second work; P7 is no longer linked to w7: 1 (P1) of 3 (P1, P2a, P3)
    assert (every["numerator"], every["denominator"]) == (1.0, 3.0)


# -- company survival ---------------------------------------------------------------------


def funded(award_id: str, company: str, year: int, territory: str = "X-CA1a") -> dict:
    return award(award_id, 20_000_00, territory, beneficiary_id=company, fiscal_year=year,
                 funder_id="f1", stage="production")


def test_company_survival_rate(tmp_path) -> None:
    awards = [
        funded("c4", "c4", 2019, "X-CB1a"),                         # the funder's first year
        funded("c1a", "c1", 2020), funded("c1b", "c1", 2024),       # still funded at Y + 4
        funded("c2a", "c2", 2020, "X-CA2a"), funded("c2b", "c2", 2022, "X-CA2a"),  # not
        funded("c3a", "c3a", 2020, "X-CA1b"), funded("c3b", "c3b", 2025, "X-CA1b"),
        funded("c5", "c5", 2022),                                   # 2026 > 2025: too recent
    ]
    with tiny_store(tmp_path, awards=awards) as store:
        store.insert("entity_members", pl.DataFrame([
            {"kind": "organisation", "member_id": m, "entity_id": "company-3",
             "probability": 0.97} for m in ("c3a", "c3b")]))
        frame = both(store, "company_survival_rate", Cut(level="country", by_year=True))
        # 2019 is the funder's first published year (left out); 2021 holds no first award;
        # 2022 is too recent
        assert frame["year"].unique().to_list() == [2020]
        every = pick(frame, "X", year=2020)
        # c1 (2024), c3 (its other record, 2025) of c1, c2, c3
        assert (every["numerator"], every["denominator"]) == (2.0, 3.0)
        assert every["median_years"] == 4.5
        assert pick(frame, "X", "metropolis", 2020)["value"] == 1.0
        assert pick(frame, "X", "outside_metropolis", 2020)["value"] == 0.0
        store.con.execute("DELETE FROM entity_members")
        every = pick(both(store, "company_survival_rate", Cut(level="country", by_year=True)),
                     "X", year=2020)
        # c3a alone is not funded again: 1 of 3
        assert (every["numerator"], every["denominator"]) == (1.0, 3.0)


def test_telefilm_company_survival(telefilm, shared_data) -> None:
    """Québec's companies still funded by Telefilm 4 years after their first award, against
    the file read here: a company is the resolved entity of its recipient name (case, accents
    and spacing folded, test_indicators_telefilm.recipient_key)."""
    path = shared_data(TELEFILM)
    with open(DATA / "quebec_municipalities.csv", encoding="utf-8", newline="") as handle:
        in_cma = {r["name"]: r["in_montreal_cma"] == "true" for r in csv.DictReader(handle)}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    _, superseded = contracts(read(path))
    years = [int(r["Period"][:4]) for r in rows]
    first_year, last_year = min(years), max(years)
    # the resolved company of each published name (the one thing read from the store)
    entity = {}
    for name, entity_id in telefilm.con.execute(
            "SELECT o.name, e.entity_id FROM organisations o JOIN entity_members e "
            "ON e.kind = 'organisation' AND e.member_id = o.organisation_id").fetchall():
        assert entity.setdefault(recipient_key(name), entity_id) == entity_id, name

    def survival(company) -> dict:
        by_company: dict = defaultdict(list)
        for line, r in enumerate(rows, start=2):
            if line not in superseded:
                by_company[company(r["Recipient Name"])].append((int(r["Period"][:4]), r))
        counts = {"all": [0, 0], "metropolis": [0, 0], "outside_metropolis": [0, 0]}
        for awards in by_company.values():
            cohort = min(year for year, _ in awards)
            if cohort == first_year or cohort + HORIZON > last_year:
                continue
            places = {"metropolis" if in_cma[QC_MUNICIPALITY[r["City"].strip()]]
                      else "outside_metropolis"
                      for year, r in awards if year == cohort and r["Province"] == "Quebec"}
            alive = any(year >= cohort + HORIZON for year, _ in awards)
            for place in places | ({"all"} if places else set()):
                counts[place][0] += alive
                counts[place][1] += 1
        return counts

    expected = survival(lambda name: entity[recipient_key(name)])
    frame = both(telefilm, "company_survival_rate", Cut(level="province", territories=("CA-QC",)))
    for category, (alive, cohort) in expected.items():
        row = pick(frame, "CA-QC", category)
        assert (row["numerator"], row["denominator"]) == (alive, cohort), category
        assert (row["first_cohort"], row["last_cohort"]) == (2010, 2013)
    # The documented difference: counted by published name (case, accents and spacing
    # folded), 63 of 269 survive; counted by resolved company, fewer cohort members, as
    # names of one company ('Films Christal, s.e.c.' with and without its general partner,
    # a numbered company with and without its trade name) are one company.
    by_name = survival(recipient_key)
    assert by_name["all"] == [63, 269]
    assert expected["all"][1] < by_name["all"][1]


# -- local companies' share of a territory's money -------------------------------------------


def org(organisation_id: str, territory: str | None = None, governs: str | None = None,
        level: str | None = None) -> dict:
    return {"organisation_id": organisation_id, "name": organisation_id.upper(),
            "name_key": organisation_id, "territory_id": territory,
            "governed_territory_id": governs, "funder_level": level, "is_funder": bool(level)}


def given(award_id: str, funder: str, company: str, amount: int, territory: str | None,
          **fields) -> dict:
    return award(award_id, amount, territory, funder_id=funder, beneficiary_id=company,
                 **fields)


@pytest.fixture()
def local_money(tmp_path) -> Iterator[Store]:
    organisations = [
        org("reg-a", "X-CA1a", "X-RA", "regional"), org("dep-a2", "X-CA2a", "X-DA2",
                                                        "departmental"),
        org("reg-b", "X-CB1a", "X-RB", "regional"),
        org("k1", "X-CA1a"), org("k2", "X-CB1a"), org("k3", "X-CA2a"), org("k4a"),
        org("k4b", "X-CA1b"), org("k5"), org("k6"),
    ]
    awards = [
        given("g1", "reg-a", "k1", 100_00, "X-CA1a"),    # local
        given("g2", "reg-a", "k2", 200_00, "X-CB1a"),    # in the other region: outside
        given("g3", "dep-a2", "k3", 300_00, None),       # no place on the award; its record's
        given("g4", "reg-a", "k4a", 400_00, None),       # no place on k4a; k4b (same entity)'s
        given("g5", "reg-a", "k5", 500_00, None),        # no place anywhere: unknown
        given("g6", "reg-a", "k6", 600_00, None, beneficiary_country_code="FR"),  # abroad
        given("g7", "reg-b", "k2", 50_00, "X-CB1a"),     # X-RB's money, local
    ]
    with tiny_store(tmp_path, organisations=organisations, awards=awards) as store:
        store.insert("entity_members", pl.DataFrame([
            {"kind": "organisation", "member_id": m, "entity_id": "company-4",
             "probability": 0.95} for m in ("k4a", "k4b")]))
        yield store


def test_local_company_money_share(local_money) -> None:
    frame = both(local_money, "local_company_money_share", Cut(level="region"))
    ra = pick(frame.with_columns(category=pl.lit("all")), "X-RA")
    # X-RA's money (the Region's and its département's): known place 100 + 200 + 300 + 400 +
    # 600 = 1,600; local: k1 100, k3 300 (its record's place), k4 400 (its other record's)
    assert (ra["numerator"], ra["denominator"]) == (800.0, 1600.0)
    # g5 (no place anywhere) left out of the value, counted in the coverage
    assert (ra["n"], ra["covered"]) == (6, 5)
    assert pick(frame.with_columns(category=pl.lit("all")), "X-RB")["value"] == 1.0
    local_money.con.execute("DELETE FROM entity_members")
    ra = pick(both(local_money, "local_company_money_share", Cut(level="region"))
              .with_columns(category=pl.lit("all")), "X-RA")
    # without resolution k4a's place is unknown: 400 of 1,200
    assert (ra["numerator"], ra["denominator"], ra["covered"]) == (400.0, 1200.0, 4)
