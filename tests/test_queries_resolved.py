"""Reads of resolved entities (`queries.resolved`) on hand-made `entity_members` rows: a
record's entity, an entity's members (asked by a member's or the entity's id), a record absent
from the table alone, and the SQL joins counting each entity once."""

from __future__ import annotations

import pytest
from indicator_data import tiny_store

from cineatlas.queries import resolved

WORKS = [{"work_id": w, "title": t, "title_key": t.lower()} for w, t in
         (("tf1/w/sparte", "La Chute de Sparte"), ("tf2/w/sparte", "La chute de Sparte"),
          ("cnc/w/sparte", "La Chute de Sparte"), ("tf1/w/alone", "Seul"),
          ("tf1/w/new", "Pas encore résolu"))]
#: Three records of one work (one of them its entity's representative), one alone; the
#: organisation rows share member ids with works to show that kinds never mix.
MEMBERS = [
    {"kind": "work", "member_id": "tf1/w/sparte", "entity_id": "work/E1", "probability": 1.0,
     "evidence": '{"rule": "key"}'},
    {"kind": "work", "member_id": "tf2/w/sparte", "entity_id": "work/E1", "probability": 0.99,
     "evidence": '{"rule": "model"}'},
    {"kind": "work", "member_id": "cnc/w/sparte", "entity_id": "work/E1", "probability": 0.97,
     "evidence": '{"rule": "model"}'},
    {"kind": "work", "member_id": "tf1/w/alone", "entity_id": "tf1/w/alone", "probability": 1.0,
     "evidence": '{"rule": "alone"}'},
    {"kind": "organisation", "member_id": "tf1/w/sparte", "entity_id": "org/X",
     "probability": 1.0, "evidence": '{"rule": "alone"}'},
]
AWARDS = [{"award_id": a, "work_id": w, "amount_minor": 100, "currency": "CAD"} for a, w in
          (("a1", "tf1/w/sparte"), ("a2", "tf2/w/sparte"), ("a3", "cnc/w/sparte"),
           ("a4", "tf1/w/alone"), ("a5", "tf1/w/new"), ("a6", "tf1/w/new"))]


@pytest.fixture
def store(tmp_path):
    s = tiny_store(tmp_path, works=WORKS, awards=AWARDS)
    s.con.executemany(
        "INSERT INTO entity_members VALUES (?, ?, ?, ?, ?)",
        [[m["kind"], m["member_id"], m["entity_id"], m["probability"], m["evidence"]]
         for m in MEMBERS])
    yield s
    s.close()


SPARTE = ["cnc/w/sparte", "tf1/w/sparte", "tf2/w/sparte"]


def test_entity_of_a_member_absent_and_kinds_apart(store):
    assert resolved.entity_of(store, "work", "tf2/w/sparte") == "work/E1"
    assert resolved.entity_of(store, "work", "tf1/w/alone") == "tf1/w/alone"
    assert resolved.entity_of(store, "work", "tf1/w/new") == "tf1/w/new"  # not in the table
    assert resolved.entity_of(store, "organisation", "tf1/w/sparte") == "org/X"
    assert resolved.entity_of(store, "person", "tf1/w/sparte") == "tf1/w/sparte"


def test_members_by_member_or_entity_id(store):
    for asked in (*SPARTE, "work/E1"):
        assert resolved.members(store, "work", asked) == SPARTE
    assert resolved.members(store, "work", "tf1/w/alone") == ["tf1/w/alone"]
    assert resolved.members(store, "work", "tf1/w/new") == ["tf1/w/new"]
    assert resolved.members(store, "work", "nowhere") == []
    # an organisation entity of the same member id is another kind: its members only
    assert resolved.members(store, "organisation", "org/X") == ["tf1/w/sparte"]


def test_members_condition_keeps_the_entity_awards(store):
    where, params = resolved.members_condition(store, "work", "a.work_id", "tf2/w/sparte")
    ids = store.frame(f"SELECT award_id FROM awards a WHERE {where} ORDER BY 1", params)
    assert ids["award_id"].to_list() == ["a1", "a2", "a3"]
    where, params = resolved.members_condition(store, "work", "a.work_id", "nowhere")
    assert store.frame(f"SELECT * FROM awards a WHERE {where}", params).height == 0


def test_entity_sql_counts_each_entity_once(store):
    e = resolved.ENTITY_SQL("work", "a.work_id")
    frame = store.frame(f"SELECT {e.entity} AS entity, count(*) AS n FROM awards a {e.join} "
                        "GROUP BY 1 ORDER BY 1")
    assert dict(frame.iter_rows()) == {"work/E1": 3, "tf1/w/alone": 1, "tf1/w/new": 2}
    # without entity_members rows every record is its own entity
    store.con.execute("DELETE FROM entity_members")
    frame = store.frame(f"SELECT count(DISTINCT {e.entity}) FROM awards a {e.join}")
    assert frame.item() == 5
    assert resolved.members(store, "work", "tf2/w/sparte") == ["tf2/w/sparte"]


def test_entity_sql_alias_and_unknown_kind():
    e = resolved.ENTITY_SQL("person", "ap.person_id", alias="pm")
    assert e.entity == "coalesce(pm.entity_id, ap.person_id)"
    assert "pm.kind = 'person' AND pm.member_id = ap.person_id" in e.join
    assert resolved.entity_expr("person", "x", "pm") == e.entity.replace("ap.person_id", "x")
    with pytest.raises(ValueError, match="Unknown entity kind 'film'"):
        resolved.ENTITY_SQL("film", "a.work_id")
