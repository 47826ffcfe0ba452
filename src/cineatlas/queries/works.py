"""Works (films, series…) by id."""

from __future__ import annotations

from typing import Any

from cineatlas.queries.common import Reader


def work(a: Reader, work_id: str) -> dict[str, Any] | None:
    """One work's row (None when unknown)."""
    frame = a.frame("SELECT * FROM works WHERE work_id = ?", [work_id])
    return frame.row(0, named=True) if frame.height else None
