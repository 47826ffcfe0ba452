"""Entity resolution: clusters under constraints, stable ids, the overrides file, the command,
and resolution after every import (small files; the real files in test_resolve_real.py)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cineatlas.ingest import import_file
from cineatlas.resolve import resolve
from cineatlas.resolve.cluster import clusters, entity_id
from cineatlas.resolve.features import (
    acronym,
    clean_name,
    core_name,
    initials,
    joint_key,
    numbered,
    siren_of,
)
from cineatlas.resolve.model import EDGE_SCHEMA
from cineatlas.resolve.overrides import OverridesError
from tests.cli_runner import run_cli

HEADER = ("Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
          "Final Value,Original Value,Type,Purpose,Comments\n")


def _edges(*pairs: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame({"left": [a for a, _, _ in pairs], "right": [b for _, b, _ in pairs],
                         "probability": [p for _, _, p in pairs],
                         "compared": ["{}"] * len(pairs)}, schema=EDGE_SCHEMA)


def test_clusters_take_the_strongest_pairs_and_honour_rejects_and_exclusive_keys():
    members = ["a", "b", "c", "d", "e"]
    edges = [("key", _edges(("a", "b", 1.0))),
             ("model", _edges(("b", "c", 0.995), ("c", "d", 0.999), ("d", "e", 0.999)))]
    # without constraints: a-b-c-d-e is one chain
    plain = clusters("organisation", members, edges)
    assert plain["entity_id"].n_unique() == 1
    assert set(plain["entity_id"]) == {entity_id("organisation", "a")}
    # a reject between a and d: c-d and d-e (0.999) are taken before b-c (0.995), which
    # would join a and d, so it is skipped
    rejected = clusters("organisation", members, edges, rejects=[("a", "d")])
    by = dict(zip(rejected["member_id"], rejected["entity_id"], strict=True))
    assert by["a"] == by["b"] != by["c"] == by["d"] == by["e"]
    assert by["c"] == entity_id("organisation", "c")
    # two SIRENs never in one entity
    sirens = clusters("organisation", members, edges, exclusive={"b": "111111111",
                                                                 "d": "222222222"})
    by = dict(zip(sirens["member_id"], sirens["entity_id"], strict=True))
    assert by["b"] != by["d"]
    evidence = {m: json.loads(e) for m, e in zip(sirens["member_id"], sirens["evidence"],
                                                 strict=True)}
    assert evidence["a"]["rule"] == "key" and evidence["c"]["rule"] in {"model"}


def test_a_record_alone_is_its_own_entity_with_probability_one():
    table = clusters("work", ["w1", "w2"], [])
    assert table.to_dicts() == [
        {"kind": "work", "member_id": "w1", "entity_id": entity_id("work", "w1"),
         "probability": 1.0, "evidence": '{"rule": "alone"}'},
        {"kind": "work", "member_id": "w2", "entity_id": entity_id("work", "w2"),
         "probability": 1.0, "evidence": '{"rule": "alone"}'}]
    assert entity_id("work", "w1").startswith("work:")


def test_name_features():
    assert core_name("Productions Microclimat") == core_name("Microclimat Films Inc.") \
        == "microclimat"
    assert core_name("Diaphana Distribution") != core_name("Diaphana Films")
    assert numbered("9012-6640 Québec inc. (K-Films Amérique)") == "90126640 quebec"
    assert numbered("6710875 Canada Inc. (faisant affaires sous Nish Media)") \
        == numbered("6710875 Canada inc.") == "6710875 canada"
    assert numbered("1976 Productions inc.") is None
    assert siren_of(None, "123 456 789 00012") == "123456789"
    assert siren_of("12345678", None) is None


def test_names_compared_without_acronyms_partners_and_word_order():
    # the name's own acronym is left out and compared with the other's initials
    assert acronym("Saskatchewan Media Production Industry Association (SMPIA) Inc.") \
        == initials("Saskatchewan Motion Picture Industry Association") == "smpia"
    assert core_name(clean_name("Film And Video Arts Society Alberta (fava)")) \
        == core_name(clean_name("The Film And Video Arts Society of Alberta"))
    # a mark that is not the name's acronym stays: the single-purpose company is another
    assert acronym("Eye Steel (LTH) Productions Inc.") is None
    assert core_name(clean_name("Eye Steel (LTH) Productions Inc.")) \
        != core_name(clean_name("Eye Steel Film Inc."))
    # the body acting for a partnership is not part of its name
    assert clean_name("Films Christal, s.e.c.(Les), agissant par l'intermédiaire de son "
                      "commandité, Les Films Christal Inc") == "Films Christal, s.e.c.(Les)"
    # two companies joined in either order; one name with 'et' inside is not two companies
    assert joint_key("LABYRINTHE FILMS ET ATCHAFALAYA FILMS") \
        == joint_key("ATCHAFALAYA FILMS ET LABYRINTHE FILMS") is not None
    assert joint_key("Mille et Une Films") is None
    assert clean_name("The Acting Company") == "The Acting Company"


def _telefilm(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


ROWS_2010 = (
    "2010-2011,P1,Productions Couzin Inc,Montreal,Quebec,Canada,Le Pont,French,Drama,"
    "2010-05-03,15000.00,15000.00,Advance,Development Program,",
    "2010-2011,P2,Couzin Films Inc.,Montreal,Quebec,Canada,La Rive,French,Drama,"
    "2010-09-03,20000.00,20000.00,Advance,Development Program,",
    "2010-2011,P3,Couzin Films Inc.,Toronto,Ontario,Canada,Other,English,Drama,"
    "2010-09-03,20000.00,20000.00,Advance,Development Program,",
)


def test_every_import_resolves_and_the_model_merges_variants_with_context(store, tmp_path):
    report = import_file("telefilm", _telefilm(tmp_path / "a.csv", *ROWS_2010[:2]), store=store)
    assert report.status == "loaded"
    rows = store.con.execute(
        "SELECT o.name, e.entity_id, e.probability, e.evidence FROM organisations o "
        "JOIN entity_members e ON e.member_id = o.organisation_id ORDER BY o.name").fetchall()
    assert len(rows) == 3  # Telefilm itself and the two spellings
    couzin = {name: (eid, p, json.loads(ev)) for name, eid, p, ev in rows if "Couzin" in name}
    (e1, p1, ev1), (e2, _, _) = couzin.values()
    # 'Productions Couzin' / 'Couzin Films', same city, same years: the model merges them
    assert e1 == e2 and p1 >= 0.99 and ev1["rule"] == "model"
    assert ev1["core"] == "same distinctive words" and ev1["place"] == "same city"
    # works and people have their rows too
    assert store.scalar("SELECT count(*) FROM entity_members WHERE kind = 'work'") == 2


def test_an_override_rejects_and_accepts(store, tmp_path):
    import_file("telefilm", _telefilm(tmp_path / "a.csv", *ROWS_2010[:2]), store=store,
                source_id="telefilm:a")
    source = "telefilm:a"
    overrides = tmp_path / "overrides.toml"
    overrides.write_text(f"""
[[reject]]
kind = "organisation"
names = [{{ source = "{source}", name = "Productions Couzin Inc" }},
         {{ source = "{source}", name = "Couzin Films Inc." }}]
reason = "two companies"

[[accept]]
kind = "work"
names = [{{ source = "{source}", name = "Le Pont" }}, {{ source = "{source}", name = "La Rive" }}]
""", encoding="utf-8")
    summary = resolve(store, overrides=overrides)
    assert summary["overrides_pairs"] == 2
    assert summary["kinds"]["organisation"]["merged_clusters"] == 0
    assert summary["kinds"]["work"] == {"records": 2, "entities": 1, "merged_clusters": 1}
    evidence = store.con.execute("SELECT DISTINCT evidence->>'rule' FROM entity_members "
                                 "WHERE kind = 'work'").fetchall()
    assert evidence == [("override",)]


@pytest.mark.parametrize(("text", "expected"), [
    ("[[accept]\n", "not valid TOML"),
    ('[[accept]]\nkind = "company"\nmembers = ["a", "b"]\n', "line 1 ([[accept]] #1): `kind`"),
    ('[[reject]]\nkind = "work"\n\n[[reject]]\nkind = "work"\nmembers = ["x", "y"]\n',
     "line 4 ([[reject]] #2): no work ['x', 'y'] in the store"),
    ('[[reject]]\nkind = "work"\n', "give `members`"),
    ('[other]\n', "unknown section"),
])
def test_a_bad_overrides_file_is_refused_with_its_line_and_the_fix(store, tmp_path, text,
                                                                   expected):
    path = tmp_path / "o.toml"
    path.write_text(text, encoding="utf-8")
    store.con.execute("INSERT INTO entity_members VALUES ('work', 'kept', 'work:kept', 1, NULL)")
    with pytest.raises(OverridesError, match=None) as caught:
        resolve(store, overrides=path)
    assert expected in str(caught.value) and str(path) in str(caught.value)
    # nothing was resolved with half a file
    assert store.scalar("SELECT count(*) FROM entity_members") == 1


def test_the_command_prints_counts_and_a_bad_file_without_traceback(store, tmp_path,
                                                                    monkeypatch, capsys):
    import_file("telefilm", _telefilm(tmp_path / "a.csv", *ROWS_2010), store=store)
    db = str(store.path)
    store.close()
    code, out, _ = run_cli(monkeypatch, capsys, "resolve", "--db", db, "--json")
    assert code == 0
    summary = json.loads(out)
    # one source keys a recipient by its name: the Toronto row is the same record
    assert summary["kinds"]["organisation"] == {"records": 3, "entities": 2,
                                                "merged_clusters": 1}
    code, out, _ = run_cli(monkeypatch, capsys, "resolve", "--db", db)
    assert code == 0 and "merged clusters" in out and "Resolved in" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[[accept]\n", encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, "resolve", "--db", db, "--overrides", str(bad))
    assert code == 1 and "not valid TOML" in err + out and "Traceback" not in err + out


def test_resolution_is_deterministic(store, tmp_path):
    import_file("telefilm", _telefilm(tmp_path / "a.csv", *ROWS_2010), store=store)
    first = store.con.execute("SELECT * FROM entity_members ORDER BY ALL").fetchall()
    resolve(store)
    assert store.con.execute("SELECT * FROM entity_members ORDER BY ALL").fetchall() == first
