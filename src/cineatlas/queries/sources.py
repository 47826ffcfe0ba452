"""The sources of the store: what each holds and how its import went, whether any is
fictitious."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from cineatlas.queries.common import Reader


def source_notes(a: Reader) -> dict[str, dict[str, Any]]:
    """Every source's title, publisher, licence, address and flag, for the notes that name a
    figure's sources."""
    frame = a.frame("SELECT source_id, title, publisher, licence, url, fictitious FROM sources")
    return {row["source_id"]: row for row in frame.to_dicts()}


def sources_frame(a: Reader) -> pl.DataFrame:
    """Every source (real ones first, by id): what it is, its counts, its quarantined rows and
    its import report (JSON text)."""
    return a.frame(
        "SELECT s.source_id, s.importer, s.title, s.file_name, s.publisher, s.licence, s.url, "
        "s.imported_at, s.rows_read, s.rows_loaded, s.rows_quarantined, s.fictitious, "
        "s.sha256, s.report, (SELECT count(*) FROM quarantine q WHERE q.source_id = "
        "s.source_id) AS quarantine_rows FROM sources s ORDER BY s.fictitious, s.source_id")


def sources(a: Reader) -> list[dict[str, Any]]:
    """`sources_frame`'s rows with the problem summary and figures of each import report."""
    out = []
    for row in sources_frame(a).to_dicts():
        report = json.loads(row.pop("report") or "{}")
        out.append(row | {"problems": report.get("problem_summary") or [],
                          "figures": report.get("figures") or {}})
    return out


def any_fictitious(a: Reader) -> bool:
    """Whether any source of the store is fictitious."""
    return bool(a.frame("SELECT bool_or(fictitious) AS f FROM sources")["f"][0])
