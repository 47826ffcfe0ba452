"""How many cinemas and cinema festivals each territory right under a territory holds: what a
large territory's profile shows instead of drawing thousands of points (web/pages.py). The
territories are those that divide it (a metropolis, which overlaps them, aside)."""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl


class Reader(Protocol):
    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame: ...


# `territory_closure` (territory_id, ancestor_id) is registered on every cursor by web.api.Atlas.
PLACE_COUNTS_SQL = """
WITH within AS (
    SELECT t.territory_id, t.name FROM territories t
    WHERE t.parent_id = ? AND t.level NOT IN ('commune', 'metropolis')),
venue_counts AS (
    SELECT c.ancestor_id AS territory_id, count(*) AS venues,
           count(*) FILTER (WHERE v.art_et_essai) AS art_et_essai
    FROM venues v JOIN territory_closure c ON c.territory_id = v.territory_id
    WHERE c.ancestor_id IN (SELECT territory_id FROM within) GROUP BY ALL),
festival_counts AS (
    SELECT c.ancestor_id AS territory_id, count(*) AS festivals
    FROM festivals f JOIN territory_closure c ON c.territory_id = f.territory_id
    WHERE f.is_cinema AND c.ancestor_id IN (SELECT territory_id FROM within) GROUP BY ALL)
SELECT w.territory_id, w.name, coalesce(v.venues, 0) AS venues,
       coalesce(v.art_et_essai, 0) AS art_et_essai, coalesce(f.festivals, 0) AS festivals
FROM within w LEFT JOIN venue_counts v USING (territory_id)
LEFT JOIN festival_counts f USING (territory_id)
ORDER BY w.name, w.territory_id
"""


def place_counts(reader: Reader, territory_id: str) -> pl.DataFrame:
    """territory_id, name, venues, art_et_essai, festivals (cinema festivals) of each territory
    right under `territory_id` (communes and metropolises aside), by name; 0 where it holds
    none."""
    return reader.frame(PLACE_COUNTS_SQL, [territory_id])
