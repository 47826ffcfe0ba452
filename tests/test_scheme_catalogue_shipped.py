"""The scheme catalogue shipped in the default atlas (`cineatlas atlas`): all 95 CNC names and
Telefilm's programmes, each with funder, level and source (compared with the real files read
here with json and csv), the CNC Talent fund's published sessions, and the test of "no field
without a source" — with the proof that it fails on a field filled without one."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import BuiltAtlas

from cineatlas import Store
from cineatlas.schemes.model import COLUMNS, FIELDS
from cineatlas.store.vocabularies import SCHEME_FIELD_RULES

CNC_LIST = "cnc-schemes:cnc-aids-list-2025"
TALENT = "cnc-commissions:cnc-talent-commissions-2017-2024"
TELEFILM = "telefilm:telefilm-contributions-2009-2018"
#: The catalogue's own tables, and the field their rows are sourced under.
ROW_TABLES = {"scheme_bodies": "bodies", "scheme_dates": "dates",
              "scheme_documents": "documents"}


def unsourced(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(scheme_id, field) of every non-empty catalogue field of a scheme without a
    `scheme_field_sources` row whose source exists; and of every row of the catalogue's own
    tables (bodies, dates, documents) whose scheme has no such row for that field, or whose
    own source does not exist. Written here in plain SQL from the model's list of fields."""
    sourced = ("EXISTS (SELECT 1 FROM scheme_field_sources f JOIN sources src "
               "ON src.source_id = f.source_id WHERE f.scheme_id = {table}.scheme_id "
               "AND f.field = '{field}')")
    queries = [f"SELECT scheme_id, '{column}' FROM schemes WHERE {column} IS NOT NULL "
               f"AND NOT {sourced.format(table='schemes', field=column)}" for column in COLUMNS]
    queries += [f"SELECT scheme_id, '{field}' FROM {table} WHERE NOT "
                f"{sourced.format(table=table, field=field)} OR source_id NOT IN "
                "(SELECT source_id FROM sources)" for table, field in ROW_TABLES.items()]
    return sorted(set(con.execute(" UNION ALL ".join(queries)).fetchall()))


@pytest.fixture(scope="module")
def atlas(real_atlas: BuiltAtlas) -> Store:
    store = Store(real_atlas.db, read_only=True)
    yield store
    store.close()


def _schemes(store: Store, source_id: str) -> list[dict]:
    return store.frame(
        "SELECT s.*, o.name AS funder, o.name_key AS funder_key, o.funder_level, "
        "o.governed_territory_id, src.source_id AS known_source FROM schemes s "
        "JOIN organisations o ON o.organisation_id = s.funder_id "
        "LEFT JOIN sources src ON src.source_id = s.source_id WHERE s.source_id = ?",
        [source_id]).to_dicts()


def test_the_atlas_holds_the_95_cnc_names_each_with_funder_level_and_source(
        atlas: Store, shared_data) -> None:
    listed = json.loads(shared_data("schemes/cnc-aids-list-2025.json").read_text("utf-8"))
    expected = sorted(" ".join(name.split()) for name in listed["aids"])
    assert len(expected) == len(set(expected)) == 95
    rows = _schemes(atlas, CNC_LIST)
    assert sorted(r["name"] for r in rows) == expected
    for row in rows:
        assert row["known_source"] == CNC_LIST
        assert (row["level"], row["funder_level"], row["governed_territory_id"]) == (
            "national", "national", "FR")
        assert row["funder"] == "CNC (Centre national du cinéma et de l'image animée)"


def test_the_cnc_of_the_list_is_the_cnc_of_the_commissions(atlas: Store) -> None:
    """queries.funders.same_body matches on level and name_key: one public body."""
    bodies = atlas.frame(
        "SELECT DISTINCT o.source_id, o.funder_level, o.name_key FROM schemes s "
        "JOIN organisations o ON o.organisation_id = s.funder_id WHERE s.source_id IN (?, ?)",
        [CNC_LIST, TALENT]).rows()
    assert len(bodies) == 2 and len({(level, key) for _, level, key in bodies}) == 1
    # the fund named in both sources is the same name, for the catalogue to group them
    talent = "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)"
    assert atlas.scalar("SELECT count(DISTINCT name_key) FROM schemes WHERE name = ?",
                        [talent]) == 1
    assert atlas.count("schemes", "name = ?", [talent]) == 2


def test_the_atlas_holds_telefilms_programmes(atlas: Store, shared_data) -> None:
    path = shared_data("telefilm/telefilm-contributions-2009-2018.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        purposes = {" ".join(r["Purpose"].split()) for r in csv.DictReader(f)}
    purposes.discard("")
    assert len(purposes) == 14
    rows = _schemes(atlas, TELEFILM)
    assert sorted(r["name"] for r in rows) == sorted(purposes)
    for row in rows:
        assert row["known_source"] == TELEFILM
        assert (row["funder"], row["level"], row["funder_level"],
                row["governed_territory_id"]) == ("Telefilm Canada", "national", "national", "CA")
    by_name = {r["name"]: r for r in rows}
    assert by_name["Development Program"]["stages"] == ["development"]
    assert by_name["Theatrical Documentary Program"]["genres"] == ["documentary"]
    assert by_name["Theatrical Documentary Program"]["stages"] is None  # the name does not say
    assert by_name["Mini-treaties"]["stages"] is None


def test_the_talent_funds_sessions_and_award_list_are_those_published(
        atlas: Store, shared_data) -> None:
    data = json.loads(shared_data("cnc/cnc-talent-commissions-2017-2024.json").read_text("utf-8"))
    sessions = sorted((c["date"], c["url"]) for c in data["commissions"])
    fund = atlas.scalar("SELECT scheme_id FROM schemes WHERE source_id = ? "
                        "AND parent_scheme_id IS NULL", [TALENT])
    dates = atlas.frame("SELECT strftime(date, '%Y-%m-%d'), url FROM scheme_dates "
                        "WHERE scheme_id = ? AND kind = 'session' ORDER BY date", [fund]).rows()
    assert dates == sessions and len(dates) == 34
    members = atlas.scalar("SELECT count(*) FROM commission_members m JOIN commissions c "
                           "USING (commission_id) WHERE c.scheme_id = ?", [fund])
    assert members == 274  # the sessions' members, linked to the fund through commissions
    documents = atlas.frame("SELECT kind, url, published_from FROM scheme_documents "
                            "WHERE scheme_id = ?", [fund]).rows()
    first_year = int(min(date for date, _ in sessions)[:4])
    parent = {url.rsplit("/", 1)[0] for _, url in sessions}
    assert len(parent) == 1 and documents == [("award_list", parent.pop(), first_year)]
    sources = atlas.frame("SELECT field, rule FROM scheme_field_sources WHERE scheme_id = ? "
                          "AND field IN ('dates', 'documents') ORDER BY field", [fund]).rows()
    assert sources == [("dates", "published"), ("documents", "published")]


def test_no_catalogue_field_is_filled_without_a_source(atlas: Store) -> None:
    assert unsourced(atlas.con) == []
    # not vacuous: the shipped catalogue fills fields of every kind it can know
    filled = {c: atlas.count("schemes", f"{c} IS NOT NULL") for c in COLUMNS}
    assert min(filled[c] for c in ("stages", "formats", "genres", "applicants")) > 0
    assert atlas.count("scheme_dates", "source_id = ?", [TALENT]) == 34
    assert atlas.count("scheme_documents", "source_id = ?", [CNC_LIST]) == 95
    # every field source names a known field and a known rule; ours say where in the source
    bad = atlas.frame("SELECT * FROM scheme_field_sources WHERE field NOT IN "
                      f"({', '.join(repr(f) for f in FIELDS)}) OR rule NOT IN "
                      f"({', '.join(repr(r) for r in SCHEME_FIELD_RULES)}) OR (locator IS NULL "
                      "AND source_id IN (?, ?, ?))", [CNC_LIST, TALENT, TELEFILM])
    assert bad.is_empty(), bad
    # no empty list: unknown is NULL
    empty = [c for c in COLUMNS if atlas.scalar(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'schemes' AND "
        "column_name = ? AND data_type LIKE '%[]'", [c])
        and atlas.count("schemes", f"len({c}) = 0")]
    assert empty == []


def test_the_check_fails_on_a_field_filled_without_a_source(real_atlas: BuiltAtlas,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    con = duckdb.connect(str(db))
    try:
        telefilm = con.execute("SELECT scheme_id FROM schemes WHERE source_id = ? "
                               "AND name = 'Production Program'", [TELEFILM]).fetchone()[0]
        cnc = con.execute("SELECT scheme_id FROM schemes WHERE source_id = ? AND name = ?",
                          [CNC_LIST, "Aide aux revues de cinéma"]).fetchone()[0]
        assert unsourced(con) == []
        # a hand-made bad row: an eligibility nobody published, a deadline without a source
        con.execute("UPDATE schemes SET eligibility = 'Être une société de production', "
                    "amount_max_minor = 5000000 WHERE scheme_id = ?", [telefilm])
        con.execute("INSERT INTO scheme_dates (scheme_id, kind, date, source_id) "
                    "VALUES (?, 'deadline', DATE '2026-03-01', ?)", [cnc, CNC_LIST])
        # and a field whose source row points at a source that is not in the store
        con.execute("UPDATE scheme_field_sources SET source_id = 'gone:nowhere' "
                    "WHERE scheme_id = ? AND field = 'stages'", [telefilm])
        assert unsourced(con) == sorted([(telefilm, "eligibility"), (telefilm, "amount_max_minor"),
                                         (telefilm, "stages"), (cnc, "dates")])
    finally:
        con.close()


def test_the_catalogue_reads_one_entry_per_scheme_across_sources(atlas: Store,
                                                                 shared_data) -> None:
    """queries.schemes.catalogue on the shipped store: the CNC Talent fund, named by the
    CNC's list and by its commission results, is one entry with both sources."""
    from cineatlas.queries.schemes import catalogue

    listed = json.loads(shared_data("schemes/cnc-aids-list-2025.json").read_text("utf-8"))
    talent = json.loads(shared_data("cnc/cnc-talent-commissions-2017-2024.json")
                        .read_text("utf-8"))
    funds = {c["aidName"] for c in talent["commissions"]}
    assert funds <= set(listed["aids"])  # the fund is in both sources
    path = shared_data("telefilm/telefilm-contributions-2009-2018.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        programmes = {r["Purpose"] for r in csv.DictReader(f)}
    parts = 3  # création, chaîne, « Savoirs et Cultures » (docs/importers/cnc-commissions.md)
    found = [e for e in catalogue(atlas).entries
             if set(e.sources) <= {CNC_LIST, TALENT, TELEFILM}]  # other parts may ship more
    assert len(found) == 95 + len(programmes) + len(funds) + parts - len(funds)
    (fund,) = [e for e in found if e.name in funds]
    assert set(fund.sources) == {CNC_LIST, TALENT} and len(fund.scheme_ids) == 2
    assert fund.values == {"formats": ["web"], "applicants": ["video_creator"]}
    assert {s["rule"] for s in fund.field_sources["formats"]} == {"name"}
    assert len([d for d in fund.dates if d["kind"] == "session"]) == 34
