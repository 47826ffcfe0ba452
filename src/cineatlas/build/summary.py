"""What a build leaves in the store, JSON-able: sources (real or fictitious, where from, rows
read, loaded and quarantined), tables, awards and money."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cineatlas.build.files import REFERENCE
from cineatlas.demo.world import SOURCE_ID
from cineatlas.problems import ImportReport
from cineatlas.store import Store


def summarise(store: Store, reports: Mapping[str, ImportReport], origins: Mapping[str, str],
              notes: list[str], seconds: float) -> dict[str, Any]:
    """The summary of the store after a build. `status` is what this build did to a source
    (loaded, replaced, unchanged; `present` when it did not touch it); money counts each
    contract once, at its final value (`signed_amount_minor`: every signed value)."""
    sources = store.frame(
        "SELECT source_id, importer, title, publisher, licence, fictitious, rows_read, "
        "rows_loaded, rows_quarantined FROM sources ORDER BY fictitious DESC, source_id"
    ).to_dicts()
    for source in sources:
        report = reports.get(source["source_id"])
        source["status"] = report.status if report else "present"
        source["origin"] = origins.get(source["source_id"]) or (
            REFERENCE if source["source_id"].startswith("reference:") else None)
    tables = {t: store.count(t) for t in store.tables() if t not in ("schema_migrations",)}
    money = store.frame(
        "SELECT a.currency, a.fictitious, "
        "coalesce(o.funder_level, s.level, 'unknown') AS funder_level, "
        "coalesce(a.sector, 'unclassified') AS sector, "
        "count(*) AS awards, sum(a.amount_minor) FILTER (WHERE a.superseded_by IS NULL)::BIGINT "
        "AS amount_minor, "
        "count(*) - count(a.amount_minor) AS awards_without_amount "
        "FROM awards a LEFT JOIN schemes s USING (scheme_id) "
        "LEFT JOIN organisations o ON o.organisation_id = a.funder_id "
        "GROUP BY ALL ORDER BY a.fictitious DESC, a.currency, funder_level, sector").to_dicts()
    by_currency = store.frame(
        "SELECT currency, fictitious, count(*) AS awards, "
        "sum(amount_minor) FILTER (WHERE superseded_by IS NULL)::BIGINT AS amount_minor, "
        "sum(amount_minor)::BIGINT AS signed_amount_minor "
        "FROM awards GROUP BY ALL ORDER BY fictitious DESC, currency").to_dicts()
    unflagged = sum(store.count(t, "source_id = ? AND NOT fictitious", [SOURCE_ID])
                    for t in _flagged_tables(store))
    if unflagged:
        notes.append(f"WARNING: {unflagged} rows of {SOURCE_ID} are not flagged fictitious")
    return {
        "store": str(store.path),
        "sources": sources,
        "tables": tables,
        "awards": {"total": tables.get("awards", 0),
                   "fictitious": store.count("awards", "fictitious"),
                   "real": store.count("awards", "NOT fictitious")},
        "money_by_currency": by_currency,
        "money_by_funder_level": money,
        "notes": notes,
        "seconds": round(seconds, 2),
    }


def _flagged_tables(store: Store) -> list[str]:
    """Tables with both source_id and fictitious columns."""
    rows = store.frame(
        "SELECT table_name FROM information_schema.columns WHERE column_name IN "
        "('source_id', 'fictitious') GROUP BY table_name HAVING count(*) = 2 ORDER BY 1")
    return rows["table_name"].to_list()
