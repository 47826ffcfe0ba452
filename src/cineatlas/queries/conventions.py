"""The State–CNC–Region cooperation conventions held in the store (table `conventions`)."""

from __future__ import annotations

from typing import Any

from cineatlas.queries.common import Reader


def region_conventions(a: Reader, region_id: str) -> dict[str, Any]:
    """What the store holds on a Region's conventions: `lines` (0 when none), first and last
    year, `fictitious` (whether any line is), the sources, and by basis (committed, actual)
    and currency the Region's and the CNC's amounts (exact cents; NULL when unknown)."""
    rows = a.frame(
        "SELECT basis, currency, count(*) AS lines, min(year) AS first_year, "
        "max(year) AS last_year, sum(region_amount_minor)::BIGINT AS region_minor, "
        "sum(cnc_amount_minor)::BIGINT AS cnc_minor, bool_or(fictitious) AS fictitious, "
        "list(DISTINCT source_id ORDER BY source_id) AS sources FROM conventions "
        "WHERE region_id = ? GROUP BY ALL ORDER BY basis, currency", [region_id]).to_dicts()
    return {"lines": sum(r["lines"] for r in rows),
            "first_year": min((r["first_year"] for r in rows), default=None),
            "last_year": max((r["last_year"] for r in rows), default=None),
            "fictitious": any(r["fictitious"] for r in rows),
            "sources": sorted({s for r in rows for s in r["sources"]}), "by_basis": rows}
