"""A territory's awards as its profile shows them: breakdowns, top beneficiaries, the awards
its figures cannot break down (placement), and the support given by the public bodies
governing it (given_*). Rules of every figure: queries/common.py."""

from __future__ import annotations

from typing import Any

import polars as pl

from cineatlas import optout
from cineatlas.queries.common import (
    ALL_SECTORS,
    GOVERNING_SQL,
    PROVENANCE_SQL,
    Reader,
    Sector,
    own_currency,
    sector_condition,
)
from cineatlas.queries.resolved import ENTITY_SQL
from cineatlas.store.vocabularies import SOURCE_RULE

#: Award breakdowns of a profile: name → column.
BREAKDOWNS = {"stage": "a.stage", "format": "a.format", "genre": "a.genre", "funder": "f.name"}


def _in(territory_id: str, sector: Sector | str | None) -> tuple[str, list[Any]]:
    """SQL condition: the award is in `sector`, counts once (its final value) and its
    beneficiary is in `territory_id` (or is it)."""
    condition, values = sector_condition(sector)
    return ("a.beneficiary_territory_id IN (SELECT territory_id FROM territory_closure "
            f"WHERE ancestor_id = ?) AND a.superseded_by IS NULL AND {condition}",
            [territory_id, *values])


def breakdown(a: Reader, territory_id: str, by: str, sector: Sector | str | None = None,
              limit: int = 15) -> pl.DataFrame:
    """Awards of the territory's beneficiaries by one dimension, per currency: n, amount,
    provenance; the `limit` largest of each currency."""
    where, params = _in(territory_id, sector)
    return a.frame(
        f"SELECT * FROM (SELECT {BREAKDOWNS[by]} AS key, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} FROM awards a "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        f"WHERE {where} GROUP BY ALL) QUALIFY row_number() OVER (PARTITION BY currency "
        "ORDER BY amount_minor DESC NULLS LAST, n DESC, key) <= ? "
        "ORDER BY currency, amount_minor DESC NULLS LAST, n DESC, key", [*params, limit])


def top_beneficiaries(a: Reader, territory_id: str, sector: Sector | str | None = None,
                      limit: int = 10) -> pl.DataFrame:
    """The beneficiaries based in the territory that received the most, per currency (the
    `limit` first of each), with their provenance: each resolved company once (its records'
    awards together; `beneficiary_id` and `name` those of its first record)."""
    where, params = _in(territory_id, sector)
    e = ENTITY_SQL("organisation", "a.beneficiary_id")
    return a.frame(
        "SELECT * FROM (SELECT min(a.beneficiary_id) AS beneficiary_id, "
        "arg_min(b.name, a.beneficiary_id) AS name, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} FROM awards a "
        f"JOIN {optout.organisations_sql(a)} b ON b.organisation_id = a.beneficiary_id "
        f"{e.join} WHERE {where} GROUP BY {e.entity}, a.currency) "
        "QUALIFY row_number() OVER (PARTITION BY currency "
        "ORDER BY amount_minor DESC NULLS LAST, name, beneficiary_id) <= ? "
        "ORDER BY currency, amount_minor DESC NULLS LAST, name, beneficiary_id",
        [*params, limit])


def main_currency(a: Reader, territory_id: str, country_code: str | None) -> str | None:
    """The currency of a territory's figures: its country's (`own_currency`), else the one
    most of the awards placed in it are in."""
    currency = own_currency(country_code)
    if currency is not None:
        return currency
    where, params = _in(territory_id, ALL_SECTORS)
    frame = a.frame(f"SELECT a.currency FROM awards a WHERE {where} AND a.currency IS NOT NULL "
                    "GROUP BY ALL ORDER BY count(*) DESC, a.currency LIMIT 1", params)
    return frame["currency"][0] if frame.height else None


# -- where a territory's awards are placed -----------------------------------------------

#: Levels whose territories hold no other (an award placed there is placed as finely as can be).
FINEST_LEVELS = ("commune", "municipality")


def placement(a: Reader, territory_id: str, sector: Sector | str | None = None,
              year: int | None = None) -> pl.DataFrame:
    """The awards a territory's figures cannot break down (each contract once), per currency:
    `where` 'above' for those placed in a territory containing it (the beneficiary is known to
    be in France, not where in France: counted there, in no territory below), 'here' for those
    placed at the territory itself and no lower (not at the finest levels). With the place
    (`placed_id`, `placed_name`), n, amount, provenance, and `given_n`, `given_minor`: the part
    given by public bodies governing this territory or one within it. `year`: that year's only."""
    condition, values = sector_condition(sector)
    if year is not None:
        condition, values = (f"{condition} AND coalesce(a.fiscal_year, year(a.decision_date)) = ?",
                             [*values, year])
    return a.frame(
        "WITH up AS (SELECT ancestor_id FROM territory_closure WHERE territory_id = ?), "
        f"bodies AS ({GOVERNING_SQL}) "
        "SELECT CASE WHEN a.beneficiary_territory_id = ? THEN 'here' ELSE 'above' END AS "
        "\"where\", a.beneficiary_territory_id AS placed_id, t.name AS placed_name, a.currency, "
        "count(*) AS n, sum(a.amount_minor)::BIGINT AS amount_minor, "
        "count(*) FILTER (WHERE a.funder_id IN (SELECT * FROM bodies)) AS given_n, "
        "sum(a.amount_minor) FILTER (WHERE a.funder_id IN (SELECT * FROM bodies))::BIGINT "
        f"AS given_minor, {PROVENANCE_SQL} FROM awards a "
        "JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        "WHERE a.beneficiary_territory_id IN (SELECT ancestor_id FROM up) "
        "AND a.superseded_by IS NULL "
        f"AND (a.beneficiary_territory_id <> ? OR t.level NOT IN {FINEST_LEVELS}) "
        f"AND {condition} GROUP BY ALL ORDER BY \"where\", placed_id, amount_minor DESC "
        "NULLS LAST, a.currency",
        [territory_id, territory_id, territory_id, territory_id, *values])


# -- support given by the public bodies governing a territory ------------------------------

#: Awards of the public bodies governing a territory (?) or one within it, with each body's
#: `scope` ('here': it governs the territory itself; 'within': a territory inside it), its level
#: and `body_key` (its normalised name: one body however many sources name it).
_GIVEN = (
    "WITH body AS (SELECT o.organisation_id AS b_id, o.funder_level, o.governed_territory_id, "
    "coalesce(o.name_key, o.organisation_id) AS body_key, o.name AS body_name, "
    "CASE WHEN o.governed_territory_id = ? THEN 'here' ELSE 'within' END AS scope "
    "FROM organisations o WHERE o.funder_level IS NOT NULL AND o.governed_territory_id IN "
    "(SELECT territory_id FROM territory_closure WHERE ancestor_id = ?)) ")


def given_bodies(a: Reader, territory_id: str, sector: Sector | str | None = None
                 ) -> pl.DataFrame:
    """Each public body governing the territory or one within it, per currency of its awards
    (each contract once; a body without any award in the store has one row, currency NULL):
    scope, funder_level, governed territory and its name, body name, `funder_ids` (its
    organisations, one per source), in `sector`: n and amount_minor; in every sector:
    all_n and all_minor (the denominator of its share); `classified` (whether its awards were
    classified line by line: FALSE when its sources are cinema funders' lists as a whole),
    amount_minor 0 when the body has awards in the store but none in `sector`,
    first and last year, provenance of all its awards."""
    condition, values = sector_condition(sector)
    return a.frame(
        f"{_GIVEN}SELECT b.scope, b.funder_level, b.governed_territory_id, "
        "g.name AS governed_name, b.body_key, min(b.body_name) AS name, "
        "list(DISTINCT b.b_id ORDER BY b.b_id) AS funder_ids, a.currency, "
        f"count(a.award_id) FILTER (WHERE {condition}) AS n, "
        # zero when the body published awards and none is in the sector (unknown: no award)
        f"CASE WHEN count(a.award_id) FILTER (WHERE {condition}) > 0 "
        f"THEN sum(a.amount_minor) FILTER (WHERE {condition}) "
        "WHEN count(a.award_id) > 0 THEN 0 END::BIGINT AS amount_minor, "
        "count(a.award_id) AS all_n, sum(a.amount_minor)::BIGINT AS all_minor, "
        f"coalesce(bool_or(a.sector_rule <> '{SOURCE_RULE}'), FALSE) AS classified, "
        "min(coalesce(a.fiscal_year, year(a.decision_date))) AS first_year, "
        "max(coalesce(a.fiscal_year, year(a.decision_date))) AS last_year, "
        "coalesce(bool_or(a.fictitious), FALSE) AS fictitious, "
        "list(DISTINCT a.source_id ORDER BY a.source_id) FILTER (WHERE a.source_id IS NOT NULL) "
        "AS sources FROM body b "
        "LEFT JOIN awards a ON a.funder_id = b.b_id AND a.superseded_by IS NULL "
        "LEFT JOIN territories g ON g.territory_id = b.governed_territory_id "
        "GROUP BY ALL ORDER BY b.scope, b.funder_level, name, a.currency",
        [territory_id, territory_id, *values, *values, *values])


def given_series(a: Reader, territory_id: str, sector: Sector | str | None = None
                 ) -> pl.DataFrame:
    """The support in `sector` given by the bodies of `given_bodies`, by scope, level, year and
    currency: n, amount_minor, `fiscal_n` (awards whose year is the funder's fiscal year as
    published; the others' is the calendar year of their decision or convention), provenance."""
    condition, values = sector_condition(sector)
    return a.frame(
        f"{_GIVEN}SELECT b.scope, b.funder_level, "
        "coalesce(a.fiscal_year, year(a.decision_date)) AS year, a.currency, count(*) AS n, "
        "sum(a.amount_minor)::BIGINT AS amount_minor, "
        f"count(a.fiscal_period) AS fiscal_n, {PROVENANCE_SQL} FROM awards a "
        "JOIN body b ON a.funder_id = b.b_id "
        f"WHERE a.superseded_by IS NULL AND {condition} GROUP BY ALL "
        "ORDER BY b.scope, b.funder_level, year NULLS LAST, a.currency",
        [territory_id, territory_id, *values])


def given_top(a: Reader, territory_id: str, sector: Sector | str | None = None,
              limit: int = 10) -> pl.DataFrame:
    """The beneficiaries that received the most from the bodies of `given_bodies` in `sector`
    (wherever they are based), the `limit` first per scope, level and currency, with the
    territory they are placed in and provenance: each resolved company once per place (its
    records' awards together; `beneficiary_id` and `name` those of its first record)."""
    condition, values = sector_condition(sector)
    e = ENTITY_SQL("organisation", "a.beneficiary_id")
    return a.frame(
        f"{_GIVEN}SELECT * FROM (SELECT b.scope, b.funder_level, "
        "min(a.beneficiary_id) AS beneficiary_id, arg_min(r.name, a.beneficiary_id) AS name, "
        "a.beneficiary_territory_id, t.name AS territory_name, a.currency, "
        f"count(*) AS n, sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} "
        "FROM awards a JOIN body b ON a.funder_id = b.b_id "
        f"JOIN {optout.organisations_sql(a)} r ON r.organisation_id = a.beneficiary_id "
        f"{e.join} LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE a.superseded_by IS NULL AND {condition} GROUP BY b.scope, b.funder_level, "
        f"{e.entity}, a.beneficiary_territory_id, t.name, a.currency) "
        "QUALIFY row_number() OVER (PARTITION BY scope, funder_level, currency "
        "ORDER BY amount_minor DESC NULLS LAST, name, beneficiary_id) <= ? "
        "ORDER BY scope, funder_level, currency, amount_minor DESC NULLS LAST, name, "
        "beneficiary_id", [territory_id, territory_id, *values, limit])


