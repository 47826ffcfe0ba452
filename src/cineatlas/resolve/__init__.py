"""Entity resolution: the same company, film or person met in several sources (or twice in
one) is one entity. Every record of `organisations`, `works` and `people` gets its row in
`entity_members` (a record alone is its own entity). See docs/resolution.md.

    from cineatlas.resolve import resolve
    summary = resolve(store, overrides="overrides.toml")

Organisations first (strong keys, then splink's model on names with their context), then
works (which compare the resolved organisations named on them), then people (which compare
the resolved works). The table is rewritten whole, in one transaction.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.resolve import features, keys, model
from cineatlas.resolve.cluster import clusters
from cineatlas.resolve.overrides import Overrides, load
from cineatlas.store import Store

#: The overrides file used when none is given (imports, `cineatlas atlas`).
OVERRIDES_ENV = "CINEATLAS_OVERRIDES"


def _accepted(overrides: Overrides, kind: str) -> tuple[str, pl.DataFrame]:
    pairs = overrides.accept.get(kind, [])
    return "override", pl.DataFrame(
        {"left": [a for a, _ in pairs], "right": [b for _, b in pairs],
         "probability": [1.0] * len(pairs),
         "compared": ['{"source": "overrides file"}'] * len(pairs)}, schema=model.EDGE_SCHEMA)


def _resolve_kind(kind: str, records: pl.DataFrame, key_edges: list[pl.DataFrame],
                  overrides: Overrides, *, use_model: bool, exclusive: str | None,
                  apart: list[tuple[str, str]] | None = None) -> pl.DataFrame:
    edges = [_accepted(overrides, kind), *(("key", e) for e in key_edges)]
    if use_model:
        edges.append(("model", model.predict(kind, records)))
    excl = None
    if exclusive is not None:
        excl = dict(records.filter(pl.col(exclusive).is_not_null())
                    .select("member_id", exclusive).iter_rows())
    return clusters(kind, records["member_id"].to_list(), edges,
                    rejects=[*overrides.reject.get(kind, []), *(apart or [])], exclusive=excl)


def compute(store: Store, overrides: Overrides | None = None) -> pl.DataFrame:
    """The whole `entity_members` table, not written."""
    overrides = overrides or Overrides()
    orgs = features.organisations(store)
    org_members = _resolve_kind("organisation", orgs, keys.organisation_keys(orgs), overrides,
                                use_model=True, exclusive="siren9",
                                apart=features.co_credited(store))
    works = features.works(store, org_members.select("member_id", "entity_id"))
    work_members = _resolve_kind("work", works, keys.work_keys(works), overrides,
                                 use_model=True, exclusive="visa")
    people = features.people(store, work_members.select("member_id", "entity_id"))
    person_members = _resolve_kind("person", people, keys.person_keys(people), overrides,
                                   use_model=False, exclusive="reference")
    return pl.concat([org_members, work_members, person_members])


def resolve(store: Store, overrides: str | Path | None = None) -> dict[str, Any]:
    """Resolve every record and rewrite `entity_members`; return counts per kind and the time.
    `overrides`: a TOML file (default: $CINEATLAS_OVERRIDES when set)."""
    started = time.perf_counter()
    path = overrides if overrides is not None else os.environ.get(OVERRIDES_ENV) or None
    checked = load(path, store)
    table = compute(store, checked)
    with store.transaction():
        store.con.execute("DELETE FROM entity_members")
        store.insert("entity_members", table)
    counts = (table.group_by("kind").agg(
        pl.len().alias("records"), pl.col("entity_id").n_unique().alias("entities"),
        pl.col("entity_id").filter(pl.col("entity_id").is_duplicated()).n_unique()
        .alias("merged_clusters")).sort("kind"))
    return {"kinds": {r["kind"]: {k: r[k] for k in ("records", "entities", "merged_clusters")}
                      for r in counts.iter_rows(named=True)},
            "overrides": checked.path, "overrides_pairs": checked.count(),
            "seconds": round(time.perf_counter() - started, 3)}


def is_current(store: Store) -> bool:
    """True when every organisation, work and person has its row (and no other row is there):
    a build where nothing changed need not resolve again."""
    return bool(store.scalar("""
        SELECT (SELECT count(*) FROM entity_members) =
               (SELECT count(*) FROM organisations) + (SELECT count(*) FROM works)
               + (SELECT count(*) FROM people)
           AND NOT EXISTS (SELECT 1 FROM organisations o WHERE NOT EXISTS (
               SELECT 1 FROM entity_members e WHERE e.kind = 'organisation'
               AND e.member_id = o.organisation_id))
    """))


__all__ = ["OVERRIDES_ENV", "compute", "is_current", "resolve"]
