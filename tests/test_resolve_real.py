"""Entity resolution on the real files: the hand-labelled pairs (precision and recall per
kind), every record resolved by the atlas build, and a later Telefilm period joining the
2009–2018 file."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from cineatlas.ingest import import_file
from cineatlas.store import Store
from cineatlas.text import company_key, name_key

DATA = Path(__file__).parent / "data"
PAIRS = DATA / "resolution-pairs.csv"
TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"

#: The issue's targets: precision >= 0.98 and recall >= 0.90 for each kind (measured: 1.00
#: and 0.93 for organisations, 26 of 28 matches; 1.00 and 0.92 for works, 34 of 37). The
#: misses are documented in docs/resolution.md ('Measured').
PRECISION = 0.98
RECALL = {"organisation": 0.90, "work": 0.90}


def _member(store: Store, kind: str, source: str, record: str) -> str:
    """The member id a labelled record names, found with plain SQL and the text keys: an
    organisation by its published name (name key, else company key), a work by its VISA
    (`visa:N`), its id (`work/…`) or its title in the source."""
    if kind == "organisation":
        rows = store.con.execute(
            "SELECT organisation_id, name, name_key FROM organisations "
            "WHERE split_part(organisation_id, '/', 1) = ?", [source]).fetchall()
        hits = {i for i, _, k in rows if k == name_key(record)} or {
            i for i, n, _ in rows if company_key(n) == company_key(record)}
    elif record.startswith("visa:"):
        hits = {r[0] for r in store.con.execute(
            "SELECT DISTINCT work_id FROM film_approvals WHERE source_id = ? AND visa = ?",
            [source, record[5:]]).fetchall()}
    elif record.startswith("work/"):
        hits = {r[0] for r in store.con.execute(
            "SELECT work_id FROM works WHERE work_id = ?", [f"{source}/{record}"]).fetchall()}
    else:
        hits = {r[0] for r in store.con.execute(
            "SELECT work_id FROM works WHERE split_part(work_id, '/', 1) = ? AND title = ?",
            [source, record]).fetchall()}
    assert len(hits) == 1, f"{kind} {record!r} of {source}: {len(hits)} records"
    return hits.pop()


def test_the_labelled_pairs_file_is_well_formed():
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    counts = Counter((r["kind"], r["match"]) for r in rows)
    for kind in ("organisation", "work"):
        assert counts[(kind, "1")] + counts[(kind, "0")] >= 60
        assert counts[(kind, "1")] >= 25 and counts[(kind, "0")] >= 25
    assert all(r["reason"].strip() for r in rows)
    pairs = [(r["kind"], frozenset([(r["source_a"], r["record_a"]),
                                    (r["source_b"], r["record_b"])])) for r in rows]
    assert len(pairs) == len(set(pairs)), "a pair is labelled twice"


def test_precision_and_recall_on_the_labelled_pairs(real_atlas):
    with Store(real_atlas.db, read_only=True) as store:
        entity = dict(((k, m), e) for k, m, e in store.con.execute(
            "SELECT kind, member_id, entity_id FROM entity_members").fetchall())
        counts: dict[str, Counter] = {}
        wrong = []
        for row in csv.DictReader(PAIRS.open(encoding="utf-8")):
            kind = row["kind"]
            a = _member(store, kind, row["source_a"], row["record_a"])
            b = _member(store, kind, row["source_b"], row["record_b"])
            same = entity[(kind, a)] == entity[(kind, b)]
            truth = row["match"] == "1"
            counts.setdefault(kind, Counter())[(truth, same)] += 1
            if truth != same:
                wrong.append((kind, truth, row["record_a"], row["record_b"]))
    for kind, c in counts.items():
        tp, fp, fn = c[(True, True)], c[(False, True)], c[(True, False)]
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        assert precision >= PRECISION, [w for w in wrong if w[0] == kind and not w[1]]
        assert recall >= RECALL[kind], [w for w in wrong if w[0] == kind and w[1]]


def test_the_build_resolves_every_record(real_atlas):
    with Store(real_atlas.db, read_only=True) as store:
        for kind, table, column in (("organisation", "organisations", "organisation_id"),
                                    ("work", "works", "work_id"),
                                    ("person", "people", "person_id")):
            records = store.scalar(f"SELECT count(*) FROM {table}")
            resolved = store.scalar(
                f"SELECT count(*) FROM {table} t JOIN entity_members e "
                f"ON e.kind = '{kind}' AND e.member_id = t.{column}")
            assert records > 0 and resolved == records
            assert store.scalar(f"SELECT count(*) FROM entity_members WHERE kind = '{kind}'") \
                == records
        # a record alone is its own entity, probability 1; a merged one says why
        assert store.scalar("SELECT count(*) FROM entity_members WHERE evidence->>'rule' = "
                            "'alone' AND probability <> 1") == 0
        assert store.scalar("SELECT min(probability) FROM entity_members") >= 0.99


@pytest.fixture
def two_periods(real_atlas, tmp_path, shared_data) -> Path:
    """Telefilm 2009–2018, then a later period shaped like it (tests/data)."""
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    with Store(db) as store:
        import_file("telefilm", shared_data(TELEFILM), store=store)
        import_file("telefilm", DATA / "telefilm-later-period.csv", store=store)
    return db


def _entities(store: Store, kind: str, table: str, column: str, name: str, value: str,
              sources: tuple[str, ...]) -> dict[str, str]:
    rows = store.con.execute(
        f"SELECT split_part(t.{column}, '/', 1), e.entity_id FROM {table} t "
        f"JOIN entity_members e ON e.kind = ? AND e.member_id = t.{column} "
        f"WHERE t.{name} = ?", [kind, value]).fetchall()
    found = {s: e for s, e in rows if s in sources}
    assert set(found) == set(sources), rows
    return found


def test_a_later_period_joins_the_same_work_and_company(two_periods):
    sources = ("telefilm:telefilm-contributions-2009-2018", "telefilm:telefilm-later-period")
    with Store(two_periods, read_only=True) as store:
        # Bootlegger: developed by Microclimat Films in 2017-2018 (the real file, line 6357),
        # produced by it in 2019-2020 (the later file): one work
        assert len(set(_entities(store, "work", "works", "work_id", "title", "Bootlegger",
                                 sources).values())) == 1
        # the company, published under the same name in both: one organisation
        assert len(set(_entities(store, "organisation", "organisations", "organisation_id",
                                 "name_key", name_key("Microclimat Films inc."),
                                 sources).values())) == 1
        assert len(set(_entities(store, "organisation", "organisations", "organisation_id",
                                 "name_key", name_key("Couzin Films Inc."),
                                 sources).values())) == 1
        # 'Anna' of another company in Vancouver is not the 2015 Québec film of that title
        assert len(set(_entities(store, "work", "works", "work_id", "title", "Anna",
                                 sources).values())) == 2
