"""The awards of one beneficiary or one work: a page of rows, and their totals by funder and by
year (each contract once, per currency, with provenance).

`column` is the award column naming the entity: `beneficiary_id`, `work_id` or `funder_id`.
Sector rules as `queries.common`: the sector asked (default cinema-audiovisual), one currency per
figure, `fictitious` and `sources` on every aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from cineatlas.queries.awards import awards_from
from cineatlas.queries.common import PROVENANCE_SQL, Reader, Sector, sector_condition

#: The award columns naming an entity.
ENTITY_COLUMNS = ("beneficiary_id", "work_id", "funder_id")
#: Awards' year: the fiscal year where published, else the decision's calendar year.
YEAR_SQL = "coalesce(a.fiscal_year, year(a.decision_date))"
ROWS_SELECT = (
    "SELECT a.award_id, a.project_title, a.work_id, a.funder_id, f.name AS funder, "
    "a.scheme_id, s.name AS scheme, a.beneficiary_id, b.name AS beneficiary, "
    f"a.beneficiary_territory_id, {YEAR_SQL} AS year, a.decision_date, a.amount_minor, "
    "a.currency, a.stage, a.format, a.genre, a.sector, a.amends_award_id, a.superseded_by, "
    "a.fictitious, a.source_id ")


def condition(column: str, value: str | Sequence[str],
              sector: Sector | str | None) -> tuple[str, list[Any]]:
    """SQL condition on awards `a`: those of the entity in `sector`. `value` is one id or
    several (every record of a resolved entity: `queries.resolved.members`)."""
    if column not in ENTITY_COLUMNS:
        raise ValueError(f"not an entity column: {column!r}")
    sector_sql, values = sector_condition(sector)
    ids = [value] if isinstance(value, str) else list(value)
    if not ids:
        return "FALSE", []
    return f"a.{column} IN ({', '.join('?' for _ in ids)}) AND {sector_sql}", [*ids, *values]


def award_page(a: Reader, column: str, value: str | Sequence[str], sector: Sector | str | None,
               limit: int, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(one page of the entity's awards, latest first; how many it has in `sector`)."""
    where, params = condition(column, value, sector)
    total = a.frame(f"SELECT count(*) AS n FROM awards a WHERE {where}", params)["n"][0]
    rows = a.frame(f"{ROWS_SELECT}{awards_from(a)} WHERE {where} ORDER BY year DESC NULLS LAST, "
                   f"a.award_id LIMIT {int(limit)} OFFSET {int(offset)}", params)
    return rows, int(total)


def by_funder(a: Reader, column: str, value: str | Sequence[str],
              sector: Sector | str | None) -> pl.DataFrame:
    """The entity's awards by funder and currency (each contract once): funder_id, funder,
    n, amount_minor, first and last year, provenance; largest first."""
    where, params = condition(column, value, sector)
    return a.frame(
        "SELECT a.funder_id, f.name AS funder, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, min({YEAR_SQL}) AS first_year, "
        f"max({YEAR_SQL}) AS last_year, {PROVENANCE_SQL} FROM awards a "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        f"WHERE {where} AND a.superseded_by IS NULL GROUP BY ALL "
        "ORDER BY a.currency, amount_minor DESC NULLS LAST, funder, a.funder_id", params)


def by_year(a: Reader, column: str, value: str | Sequence[str],
            sector: Sector | str | None) -> pl.DataFrame:
    """The entity's awards by year and currency (each contract once): year, n, amount_minor,
    `fiscal_period` (the funder's fiscal year as published, e.g. 2017-2018, when every award
    of the row has the same one; else NULL: calendar years), provenance."""
    where, params = condition(column, value, sector)
    return a.frame(
        f"SELECT {YEAR_SQL} AS year, a.currency, count(*) AS n, "
        "sum(a.amount_minor)::BIGINT AS amount_minor, CASE WHEN count(a.fiscal_period) = count(*) "
        "AND min(a.fiscal_period) = max(a.fiscal_period) THEN min(a.fiscal_period) END "
        "AS fiscal_period, "
        f"{PROVENANCE_SQL} FROM awards a WHERE {where} AND a.superseded_by IS NULL "
        "GROUP BY ALL ORDER BY year NULLS LAST, a.currency", params)
