"""Every figure says what it rests on: `fictitious` (TRUE when any row it is computed from is
fictitious) and `sources` (the ids of their sources, sorted), on both engines, for every
subject of the catalogue, and through change, rank and the CLI.

The stores are hand-made (tests/indicator_data.py): a "real" source and a fictitious "demo"
one, placed so that each expected flag is read off the table of rows below.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
from indicator_data import award, both, tiny_store

from cineatlas.cli import app
from cineatlas.indicators import Cut, Engine, catalogue, compare, compute
from cineatlas.indicators.query import PROVENANCE, ProvenanceError, Query
from cineatlas.indicators.registry import SUBJECT_FILTERS, Indicator
from cineatlas.store import Store

REAL, DEMO = "real:telefilm", "demo:fictitious-france"


def real(award_id: str, amount: int, territory: str, **fields) -> dict:
    return award(award_id, amount, territory, source_id=REAL, fictitious=False, **fields)


def fake(award_id: str, amount: int, territory: str, **fields) -> dict:
    return award(award_id, amount, territory, source_id=DEMO, fictitious=True, **fields)


# Region X-RA: real awards only (communes X-CA1a, X-CA2a). Region X-RB: one real, one fictitious
# (communes X-CB1a, X-CB1b). The country X holds both.
AWARDS = [real("r1", 300_00, "X-CA1a"), real("r2", 100_00, "X-CA2a"),
          real("r3", 50_00, "X-CB1a"), fake("f1", 200_00, "X-CB1b", fiscal_year=2021)]


@pytest.fixture()
def mixed(tmp_path) -> Store:
    with tiny_store(tmp_path, awards=AWARDS) as store:
        yield store


def _provenance(frame: pl.DataFrame, by: str = "territory_id") -> dict:
    return {row[by]: (row["fictitious"], row["sources"]) for row in frame.to_dicts()}


def test_a_real_figure_is_not_flagged_and_a_mixed_one_is(mixed) -> None:
    frame = both(mixed, "total_support", Cut(level="region"))
    assert dict(zip(frame["territory_id"], frame["value"], strict=True)) == {
        "X-RA": 400.0, "X-RB": 250.0}
    assert _provenance(frame) == {"X-RA": (False, [REAL]), "X-RB": (True, [DEMO, REAL])}
    country = both(mixed, "total_support", Cut(level="country"))
    assert _provenance(country) == {"X": (True, [DEMO, REAL])}
    # by year: 2020 rests on the real rows alone, 2021 on the fictitious one alone
    by_year = both(mixed, "total_support", Cut(level="country", by_year=True))
    assert _provenance(by_year, "year") == {2020: (False, [REAL]), 2021: (True, [DEMO])}


def test_a_unit_without_rows_rests_on_nothing(tmp_path) -> None:
    # cinemas in X-DA1 only: X-DA2 is covered (same file) and gets 0 cinemas, resting on no row
    venues = [{"venue_id": "v1", "name": "A", "territory_id": "X-CA1a", "year": 2022,
               "source_id": REAL, "fictitious": False},
              {"venue_id": "v2", "name": "B", "territory_id": "X-CA2a", "year": 2022,
               "source_id": DEMO, "fictitious": True}]
    with tiny_store(tmp_path, venues=venues) as store:
        frame = both(store, "cinemas_per_100k", Cut(level="department"))
    assert _provenance(frame) == {"X-DA1": (False, [REAL]), "X-DA2": (True, [DEMO])}
    with tiny_store(tmp_path / "b", venues=venues[:1]) as store:
        frame = both(store, "cinemas_per_100k", Cut(level="commune", territories=("X-CA1b",)))
    assert frame["n"].to_list() == [0] and frame["value"].to_list() == [0.0]
    assert _provenance(frame) == {"X-CA1b": (False, [])}


def test_an_index_over_subterritories_covers_every_row_it_uses(mixed) -> None:
    # the Gini of X is computed over its regions: the fictitious award in X-RB flags it; X-RA's
    # Gini (over its departments) rests on real rows only
    country = both(mixed, "gini_support_per_inhabitant", Cut(level="country"))
    assert _provenance(country) == {"X": (True, [DEMO, REAL])}
    regions = both(mixed, "gini_support_per_inhabitant", Cut(level="region"))
    assert _provenance(regions)["X-RA"] == (False, [REAL])
    assert _provenance(regions)["X-RB"] == (True, [DEMO, REAL])


def test_a_seat_is_fictitious_when_its_commission_is(tmp_path) -> None:
    """Subjects built from several tables: a member row from the real source sitting on a
    commission of the fictitious one rests on both."""
    organisations = [{"organisation_id": "F-RA", "name": "F", "name_key": "f",
                      "is_funder": True, "territory_id": "X-RA"},
                     {"organisation_id": "F-RB", "name": "G", "name_key": "g",
                      "is_funder": True, "territory_id": "X-RB"}]
    commissions = [{"commission_id": "k1", "funder_id": "F-RA", "name": "K1", "year": 2020,
                    "source_id": REAL, "fictitious": False},
                   {"commission_id": "k2", "funder_id": "F-RB", "name": "K2", "year": 2020,
                    "source_id": DEMO, "fictitious": True}]
    members = [{"commission_id": "k1", "person_id": "p1", "gender": "female", "source_id": REAL},
               {"commission_id": "k2", "person_id": "p2", "gender": "male", "source_id": REAL}]
    with tiny_store(tmp_path, organisations=organisations, commissions=commissions,
                    commission_members=members) as store:
        frame = both(store, "commission_women_share", Cut(level="region"))
    assert _provenance(frame) == {"X-RA": (False, [REAL]), "X-RB": (True, [DEMO, REAL])}


def test_a_session_is_fictitious_when_one_of_its_seats_is(tmp_path) -> None:
    organisations = [{"organisation_id": "F-RA", "name": "F", "name_key": "f",
                      "is_funder": True, "territory_id": "X-RA"},
                     {"organisation_id": "F-RB", "name": "G", "name_key": "g",
                      "is_funder": True, "territory_id": "X-RB"}]
    commissions = [{"commission_id": "k1", "funder_id": "F-RA", "name": "K1", "year": 2020,
                    "source_id": REAL, "fictitious": False},
                   {"commission_id": "k2", "funder_id": "F-RB", "name": "K2", "year": 2020,
                    "source_id": REAL, "fictitious": False}]
    members = [{"commission_id": "k1", "person_id": "p1", "source_id": REAL,
                "fictitious": False},
               {"commission_id": "k2", "person_id": "p2", "source_id": REAL,
                "fictitious": False},
               {"commission_id": "k2", "person_id": "p3", "source_id": REAL,
                "fictitious": True}]
    with tiny_store(tmp_path, organisations=organisations, commissions=commissions,
                    commission_members=members) as store:
        frame = both(store, "commission_members_per_session", Cut(level="region"))
    assert dict(zip(frame["territory_id"], frame["value"], strict=True)) == {
        "X-RA": 1.0, "X-RB": 2.0}
    assert _provenance(frame) == {"X-RA": (False, [REAL]), "X-RB": (True, [REAL])}


def test_every_subject_of_the_catalogue_carries_its_provenance(tmp_path) -> None:
    """The whole catalogue, and every subject (those other modules add too): base rows, before
    and after an indicator rebases them, carry source_id and fictitious; results carry
    fictitious and sources."""
    with Store(tmp_path / "empty.duckdb") as store:
        engine = Engine.duckdb(store)
        for subject in SUBJECT_FILTERS:
            probe = Indicator(id=f"probe-{subject}", title_fr="", title_en="", definition_fr="",
                              definition_en="", formula="", unit="count", subject=subject,
                              compute=lambda q: q.base)
            base = Query(engine, probe, Cut()).base
            assert set(PROVENANCE) <= set(base.columns), subject
        for item in catalogue():
            query = Query(engine, item, Cut())
            item.compute(query)
            assert set(PROVENANCE) <= set(query.base.columns), item.id
            frame = compute(engine, item.id, Cut())
            assert frame.schema["fictitious"] == pl.Boolean, item.id
            assert frame.schema["sources"] == pl.List(pl.String), item.id


def test_a_base_without_provenance_is_refused(tmp_path) -> None:
    def bare(q: Query):
        rows = q.rebase(q.base.drop("fictitious"))
        return rows.group_by(q.keys).aggregate(value=rows.count().cast("float64"))

    item = Indicator(id="bare", title_fr="", title_en="", definition_fr="", definition_en="",
                     formula="", unit="count", subject="venues", compute=bare)
    with Store(tmp_path / "empty.duckdb") as store, pytest.raises(ProvenanceError) as refused:
        bare(Query(Engine.duckdb(store), item, Cut()))
    assert str(refused.value).startswith("The base rows of indicator 'bare' (subject 'venues') "
                                         "lack fictitious: every subject's rows must carry "
                                         "source_id and fictitious")


def test_change_and_rank_say_what_they_rest_on(mixed) -> None:
    by_year = compute(Engine.duckdb(mixed), "total_support", Cut(level="country", by_year=True))
    change = compare.change_over_time(by_year)
    # 2021's change compares it with 2020: both years' rows
    assert _provenance(change, "year") == {2020: (False, [REAL]), 2021: (True, [DEMO, REAL])}
    period = compare.period_change(by_year)
    assert _provenance(period) == {"X": (True, [DEMO, REAL])}
    ranked = compare.rank(compute(Engine.duckdb(mixed), "total_support", Cut(level="region")))
    # X-RA's own figure is real; the median it is compared with includes X-RB's
    rows = {r["territory_id"]: r for r in ranked.to_dicts()}
    assert (rows["X-RA"]["fictitious"], rows["X-RA"]["median_fictitious"]) == (False, True)


def test_a_real_only_group_has_a_real_median(tmp_path) -> None:
    with tiny_store(tmp_path, awards=AWARDS[:3]) as store:
        ranked = compare.rank(compute(Engine.duckdb(store), "total_support", Cut(level="region")))
    assert ranked["median_fictitious"].to_list() == [False, False]


def cli(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        app(list(args), prog_name="cineatlas")
    out = capsys.readouterr()
    assert ended.value.code == 0, out.err
    return out.out


def test_the_cli_shows_and_writes_the_provenance(mixed, tmp_path, capsys) -> None:
    db = str(mixed.path)
    mixed.close()
    table = cli(capsys, "indicators", "compute", "total_support", "--db", db, "--level", "region")
    lines = {line.split("│")[2].strip(): line for line in table.splitlines()
             if line.count("│") > 3 and "X-R" in line}
    assert "yes" in lines["X-RB"] and "yes" not in lines["X-RA"]
    assert "fictitious = yes: the result rests on fictitious (demo) rows" in table
    assert f"Sources: {DEMO}, {REAL}" in table
    rows = json.loads(cli(capsys, "indicators", "compute", "total_support", "--db", db,
                          "--level", "region", "--format", "json"))
    assert [(r["territory_id"], r["fictitious"], r["sources"]) for r in rows] == [
        ("X-RA", False, [REAL]), ("X-RB", True, [DEMO, REAL])]
    text = cli(capsys, "indicators", "compute", "total_support", "--db", db, "--level", "region",
               "--format", "csv")
    csv_rows = pl.read_csv(text.encode()).to_dicts()
    assert [(r["fictitious"], json.loads(r["sources"])) for r in csv_rows] == [
        (False, [REAL]), (True, [DEMO, REAL])]
    target = tmp_path / "out.csv"
    cli(capsys, "indicators", "compute", "total_support", "--db", db, "--level", "region",
        "--format", "csv", "-o", str(target))
    assert pl.read_csv(target)["sources"].to_list() == [f'["{REAL}"]', f'["{DEMO}", "{REAL}"]']
    parquet = tmp_path / "out.parquet"
    cli(capsys, "indicators", "compute", "total_support", "--db", db, "--level", "region",
        "--format", "parquet", "-o", str(parquet))
    assert pl.read_parquet(parquet)["sources"].to_list() == [[REAL], [DEMO, REAL]]
    real_only = cli(capsys, "indicators", "compute", "total_support", "--db", db, "--level",
                    "region", "--territory", "X-RA")
    assert "fictitious" not in real_only


def test_datafusion_and_duckdb_agree_on_provenance_of_the_whole_catalogue(mixed) -> None:
    """Every indicator with awards on the mixed store (the slow catalogue-wide test on the
    demo does the other subjects)."""
    for item in catalogue():
        if item.subject == "awards":
            frame = both(mixed, item.id, Cut(level="region"))
            assert not frame.filter(pl.col("n") > 0)["sources"].list.len().eq(0).any(), item.id


def test_a_film_is_fictitious_when_one_of_its_facts_or_credits_is(tmp_path) -> None:
    """The agreed films' subject joins approvals, financing facts and producer credits: a real
    film with a fictitious fact (or credit) makes its year's figures fictitious."""
    from test_indicators_films import NATIONAL, fact, film, films_store, producer

    films = [{**film(1, 2018), "source_id": REAL}, {**film(2, 2018), "source_id": REAL},
             {**film(3, 2019), "source_id": REAL}, {**film(4, 2019), "source_id": REAL},
             {**film(5, 2017), "source_id": REAL}]
    facts = [{**fact(1, "regional_aid", 2018), "source_id": REAL, "fictitious": False},
             {**fact(3, "regional_aid", 2019), "source_id": REAL, "fictitious": True}]
    credits = [{**producer(1, "o1"), "source_id": REAL, "fictitious": False},
               {**producer(5, "o2"), "source_id": REAL, "fictitious": True}]
    with films_store(tmp_path, films, facts, credits) as store:
        frame = both(store, "films_regional_aid_share", NATIONAL)
        assert _provenance(frame, "year") == {2017: (True, [REAL]), 2018: (False, [REAL]),
                                              2019: (True, [REAL])}
