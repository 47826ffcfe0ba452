"""Clusters from pairs, under constraints: a union–find that takes the pairs strongest first
(accepted overrides, then keys, then the model by probability) and skips a pair that would
put in one cluster two records a rejected override separates, or two different values of an
exclusive key (two SIRENs, two VISAs). Deterministic: the same pairs give the same clusters.

splink's own `cluster_pairwise_predictions_at_threshold` (connected components) cannot honour
a reject nor an exclusive key, hence this."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import polars as pl

from cineatlas.text import short_hash

PREFIX = {"organisation": "org", "work": "work", "person": "person"}


def entity_id(kind: str, smallest_member: str) -> str:
    """A stable id: the kind's prefix and the hash of the cluster's smallest member id."""
    return f"{PREFIX[kind]}:{short_hash(smallest_member, 16)}"


def clusters(kind: str, members: list[str], edges: Iterable[tuple[str, pl.DataFrame]],
             rejects: Iterable[tuple[str, str]] = (),
             exclusive: Mapping[str, str] | None = None) -> pl.DataFrame:
    """entity_members rows for `members`. `edges` are (rule, frame of left, right,
    probability, compared) in priority order; `exclusive` maps a member to the value of a
    key a cluster may hold only one of."""
    parent = {m: m for m in members}
    values: dict[str, set[str]] = {m: {v} for m, v in (exclusive or {}).items()
                                   if m in parent and v}
    apart: dict[str, set[str]] = {}
    for a, b in rejects:
        if a in parent and b in parent:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    groups: dict[str, set[str]] = {m: {m} for m in members}
    best: dict[str, tuple[float, dict]] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rule, frame in edges:
        frame = frame.sort(["probability", "left", "right"], descending=[True, False, False])
        for left, right, probability, compared in frame.iter_rows():
            if left not in parent or right not in parent:
                continue
            a, b = find(left), find(right)
            if a != b:
                if len(values.get(a, set()) | values.get(b, set())) > 1:
                    continue
                small, large = (a, b) if len(groups[a]) <= len(groups[b]) else (b, a)
                if any(apart.get(m, set()) & groups[large] for m in groups[small]):
                    continue
                parent[small] = large
                groups[large] |= groups.pop(small)
                if small in values:
                    values.setdefault(large, set()).update(values.pop(small))
            evidence = {"rule": rule, "pair": [left, right], **json.loads(compared or "{}")}
            for member in (left, right):
                if member not in best or best[member][0] < probability:
                    best[member] = (probability, evidence)
    rows = []
    for group in groups.values():
        eid = entity_id(kind, min(group))
        for member in sorted(group):
            if len(group) == 1:
                rows.append((kind, member, eid, 1.0, json.dumps({"rule": "alone"})))
                continue
            probability, evidence = best.get(member, (1.0, {"rule": "alone"}))
            rows.append((kind, member, eid, probability, json.dumps(evidence, sort_keys=True,
                                                                     ensure_ascii=False)))
    return pl.DataFrame(rows, schema={"kind": pl.Utf8, "member_id": pl.Utf8,
                                      "entity_id": pl.Utf8, "probability": pl.Float64,
                                      "evidence": pl.Utf8}, orient="row").sort("member_id")
