"""A funder (a public body paying awards): who it is, its schemes, its money by year, the
territories its money went to and its top beneficiaries.

Every amount counts each contract once (its final value: `superseded_by IS NULL`), per
currency, in the sector asked (default cinema-audiovisual), with its provenance.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from cineatlas import optout
from cineatlas.queries.common import PROVENANCE_SQL, Reader, Sector
from cineatlas.queries.entities import YEAR_SQL, condition
from cineatlas.queries.resolved import ENTITY_SQL

#: The territory levels a funder's money is shown by: first level (regions, provinces) and
#: second level (départements, Québec's administrative regions).
PLACE_LEVELS = {"region": ("region", "province"), "department": ("department", "qc_region")}


def funder(a: Reader, organisation_id: str) -> dict[str, Any] | None:
    """The organisation as a funder — name, kind, level, governed territory (id, name,
    level), country, provenance, `n_awards` (every sector) — or None when it is unknown or
    funds nothing (no level of government and no award as funder)."""
    rows = a.frame(
        "SELECT o.organisation_id, o.name, o.name_key, o.kind, o.funder_level, "
        "o.governed_territory_id, g.name AS governed_name, g.level AS governed_level, "
        "coalesce(o.country_code, g.country_code) AS country_code, o.source_id, o.fictitious, "
        "(SELECT count(*) FROM awards a WHERE a.funder_id = o.organisation_id) AS n_awards "
        "FROM organisations o LEFT JOIN territories g ON g.territory_id = o.governed_territory_id "
        "WHERE o.organisation_id = ?", [organisation_id]).to_dicts()
    if not rows or (rows[0]["funder_level"] is None and not rows[0]["n_awards"]):
        return None
    return rows[0]


def same_body(a: Reader, organisation_id: str) -> pl.DataFrame:
    """The other organisations of the same public body (same level and normalised name,
    as other sources name it), with their award counts."""
    return a.frame(
        "SELECT o.organisation_id, o.name, o.source_id, "
        "(SELECT count(*) FROM awards a WHERE a.funder_id = o.organisation_id) AS n_awards "
        "FROM organisations o JOIN organisations me ON me.organisation_id = ? "
        "WHERE o.organisation_id <> me.organisation_id AND o.funder_level = me.funder_level "
        "AND o.name_key = me.name_key ORDER BY o.organisation_id", [organisation_id])


def schemes(a: Reader, organisation_id: str, sector: Sector | str | None) -> pl.DataFrame:
    """The funder's awards by scheme and currency: scheme_id (NULL: no scheme given), name,
    stage, n, amount_minor, first and last year, provenance; largest first."""
    where, params = condition("funder_id", organisation_id, sector)
    return a.frame(
        "SELECT a.scheme_id, s.name, s.stage, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, min({YEAR_SQL}) AS first_year, "
        f"max({YEAR_SQL}) AS last_year, {PROVENANCE_SQL} FROM awards a "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id "
        f"WHERE {where} AND a.superseded_by IS NULL GROUP BY ALL "
        "ORDER BY a.currency, amount_minor DESC NULLS LAST, s.name NULLS LAST, a.scheme_id",
        params)


def places(a: Reader, organisation_id: str, sector: Sector | str | None,
           level: str = "region") -> pl.DataFrame:
    """Where the funder's money went, by the beneficiary's territory at `level` ('region':
    regions and provinces; 'department': départements and Québec's administrative regions)
    and currency: territory_id and name (both NULL for awards placed at no territory of that
    level — beneficiaries known only by their country, or of unknown place), n, amount_minor,
    provenance; largest first, the unplaced last."""
    where, params = condition("funder_id", organisation_id, sector)
    return a.frame(
        "WITH placed AS (SELECT c.territory_id AS placed_id, t.territory_id, t.name "
        "FROM territory_closure c JOIN territories t ON t.territory_id = c.ancestor_id "
        f"WHERE t.level IN {PLACE_LEVELS[level]}) "
        "SELECT * FROM (SELECT p.territory_id, p.name, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} FROM awards a "
        "LEFT JOIN placed p ON p.placed_id = a.beneficiary_territory_id "
        f"WHERE {where} AND a.superseded_by IS NULL GROUP BY ALL) "
        "ORDER BY currency, territory_id IS NULL, amount_minor DESC NULLS LAST, name",
        params)


def top_beneficiaries(a: Reader, organisation_id: str, sector: Sector | str | None,
                      limit: int = 20) -> pl.DataFrame:
    """The beneficiaries that received the most from the funder, the `limit` first of each
    currency: beneficiary_id, name, territory, n, amount_minor, provenance — each resolved
    company once (its records' awards together; id, name and territory those of its first
    record)."""
    where, params = condition("funder_id", organisation_id, sector)
    e = ENTITY_SQL("organisation", "a.beneficiary_id")
    return a.frame(
        "SELECT * FROM (SELECT min(a.beneficiary_id) AS beneficiary_id, "
        "arg_min(b.name, a.beneficiary_id) AS name, "
        "arg_min(b.territory_id, a.beneficiary_id) AS territory_id, "
        "arg_min(t.name, a.beneficiary_id) AS territory_name, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, "
        f"{PROVENANCE_SQL} FROM awards a JOIN {optout.organisations_sql(a)} b "
        f"ON b.organisation_id = a.beneficiary_id {e.join} "
        "LEFT JOIN territories t ON t.territory_id = b.territory_id "
        f"WHERE {where} AND a.superseded_by IS NULL GROUP BY {e.entity}, a.currency) "
        "QUALIFY row_number() OVER (PARTITION BY currency ORDER BY amount_minor DESC NULLS LAST, "
        "name, beneficiary_id) <= ? "
        "ORDER BY currency, amount_minor DESC NULLS LAST, name, beneficiary_id",
        [*params, limit])
