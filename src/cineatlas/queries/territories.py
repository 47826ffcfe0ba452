"""Territories: the API's list, one territory, a profile's breadcrumb and parts, a map level's
shapes, and the levels and years the store holds."""

from __future__ import annotations

from typing import Any

import polars as pl

from cineatlas.queries.common import YEAR_SQL, Reader
from cineatlas.text import fold, fold_expr

#: The territories' columns a list gives.
LIST_COLUMNS = ("territory_id, level, code, name, country_code, parent_id, population, "
                "population_year, density_class, overseas")
#: Levels a map may show.
MAP_LEVELS = ("region", "department", "province", "qc_region")


def search_index(a: Reader) -> pl.DataFrame:
    """`territory_search` (territory_id, text): each territory's name folded once
    (text.fold_expr), for the `q` filter."""
    return a.frame("SELECT territory_id, name AS text FROM territories").with_columns(
        fold_expr(pl.col("text")))


def territories(a: Reader, *, level: str | None = None, country: str | None = None,
                q: str | None = None, limit: int | None = None,
                offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(a page of the territories of `level` and `country` whose name holds `q` — accents,
    ligatures and case aside, `%` and `_` as plain characters —, by id; how many there are).
    `q` reads the `territory_search` index (`search_index`)."""
    where, params = ["TRUE"], []
    if level:
        where.append("level = ?")
        params.append(level)
    if country:
        where.append("country_code = ?")
        params.append(country)
    if q:
        where.append("territory_id IN (SELECT territory_id FROM territory_search "
                     "WHERE contains(text, ?))")
        params.append(fold(q))
    sql_where = " AND ".join(where)
    total = a.frame(f"SELECT count(*) AS n FROM territories WHERE {sql_where}", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    frame = a.frame(f"SELECT {LIST_COLUMNS} FROM territories WHERE {sql_where} "
                    f"ORDER BY territory_id{page}", params)
    return frame, int(total)


def territory_record(a: Reader, territory_id: str) -> dict[str, Any] | None:
    """One territory's row as the API gives it (None when unknown)."""
    frame = a.frame("SELECT * EXCLUDE (source_id) FROM territories WHERE territory_id = ?",
                    [territory_id])
    return frame.row(0, named=True) if frame.height else None


def territory(a: Reader, territory_id: str) -> dict[str, Any] | None:
    """One territory with its outline (`geojson`), None when unknown."""
    frame = a.frame(
        "SELECT t.*, o.geojson FROM territories t LEFT JOIN territory_outlines o "
        "USING (territory_id) WHERE t.territory_id = ?", [territory_id])
    return frame.row(0, named=True) if frame.height else None


def children(a: Reader, territory_id: str) -> list[dict[str, Any]]:
    """The territories right under `territory_id` (communes aside)."""
    return a.frame(
        "SELECT territory_id, name, level, population FROM territories WHERE parent_id = ? "
        "AND level <> 'commune'", [territory_id]).to_dicts()


def within(a: Reader, territory_id: str, levels: tuple[str, ...]) -> list[dict[str, Any]]:
    """The territories of `levels` inside `territory_id` (territory_id, name, level)."""
    if not levels:
        return []
    return a.frame(
        "SELECT t.territory_id, t.name, t.level FROM territories t JOIN territory_closure c "
        "ON c.territory_id = t.territory_id WHERE c.ancestor_id = ? AND t.territory_id <> ? "
        f"AND t.level IN ({', '.join('?' * len(levels))})",
        [territory_id, territory_id, *levels]).to_dicts()


def level_shapes(a: Reader, level: str, country: str) -> list[dict[str, Any]]:
    """The territories of a level of a country with their outlines, by id."""
    return a.frame(
        "SELECT t.territory_id, t.name, t.overseas, o.geojson FROM territories t "
        "LEFT JOIN territory_outlines o USING (territory_id) "
        "WHERE t.level = ? AND t.country_code = ? ORDER BY t.territory_id",
        [level, country]).to_dicts()


def map_levels(a: Reader) -> set[tuple[str, str]]:
    """(level, country) of the map levels that have territories in the store."""
    present = a.frame("SELECT DISTINCT level, country_code FROM territories WHERE level IN "
                      f"({', '.join('?' * len(MAP_LEVELS))})", list(MAP_LEVELS))
    return set(zip(present["level"], present["country_code"], strict=True))


def award_years(a: Reader) -> list[int]:
    """The years of the awards, latest first."""
    frame = a.frame(f"SELECT DISTINCT {YEAR_SQL} AS y FROM awards a WHERE y IS NOT NULL "
                    "ORDER BY y DESC")
    return frame["y"].to_list()
