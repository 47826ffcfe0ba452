"""Organisations (funders, beneficiaries) by id."""

from __future__ import annotations

from typing import Any

from cineatlas import optout
from cineatlas.queries.common import Reader


def organisation(a: Reader, organisation_id: str) -> dict[str, Any] | None:
    """One organisation with the name of its territory (None when unknown), named as outputs
    name it (`optout.organisations_sql`)."""
    frame = a.frame(
        "SELECT o.organisation_id, o.name, o.kind, o.siren, o.city, o.territory_id, "
        "t.name AS territory, o.country_code, o.fictitious, o.source_id "
        f"FROM {optout.organisations_sql(a)} o "
        "LEFT JOIN territories t USING (territory_id) WHERE o.organisation_id = ?",
        [organisation_id])
    return frame.row(0, named=True) if frame.height else None
