"""The atlas' reads of awards, in one place for the pages and the JSON API.

Three rules hold for every figure read here, so that no page or endpoint repeats them:

- **Cinema and audiovisual by default.** The files of local authorities hold every sector;
  the atlas shows the cinema and audiovisual lines (`awards.sector`) unless asked for
  `sector=other` or `sector=all` (`Sector`, `AwardFilters.sector`).
- **One currency per figure.** Amounts are summed per currency, never across currencies. A
  territory's figures are in its own currency (`own_currency`: EUR for France, CAD for Canada);
  those in another currency are kept apart (`split_currencies`), labelled, never added to the
  main figure nor put in its place.
- **Provenance.** Every aggregate carries `fictitious` (TRUE when any award it counts is
  fictitious) and `sources` (the ids of their sources, sorted): `PROVENANCE_SQL`.

Functions take the reader (`Atlas`: `frame(sql, params)`) as their first argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Protocol

import polars as pl
from fastapi import Query

from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL, FUNDER_LEVELS, SECTORS, SOURCE_RULE

#: Each country's own currency: its territories' figures are given in it.
CURRENCIES = {"FR": "EUR", "CA": "CAD"}
#: Every sector (no filter), as a parameter value.
ALL_SECTORS = "all"
#: The sectors a page or the API may ask for: a sector of the store's vocabulary, or all.
Sector = Enum("Sector", {s: s for s in (*SECTORS, ALL_SECTORS)}, type=str)
DEFAULT_SECTOR = Sector(CINEMA_AUDIOVISUAL)
#: SQL aggregates of the provenance of the awards `a` of a group.
PROVENANCE_SQL = ("bool_or(a.fictitious) AS fictitious, "
                  "list(DISTINCT a.source_id ORDER BY a.source_id) AS sources")

Text = Annotated[str | None, Query(max_length=200)]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
SectorParam = Annotated[Sector, Query(
    description="Sector of the awards: cinema-audiovisual (the default), other, or all.")]
#: A public funder's level of government, as a parameter (vocabularies.FUNDER_LEVELS).
FunderLevel = Enum("FunderLevel", {level: level for level in FUNDER_LEVELS}, type=str)
#: The public bodies (funders of known level) governing a territory (?) or one within it.
GOVERNING_SQL = ("SELECT organisation_id FROM organisations WHERE funder_level IS NOT NULL AND "
                 "governed_territory_id IN (SELECT territory_id FROM territory_closure "
                 "WHERE ancestor_id = ?)")


class Reader(Protocol):
    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame: ...


# -- sectors and currencies ---------------------------------------------------------------


def sector_value(sector: Sector | str | None) -> str:
    """A sector parameter as its code ('all' for every sector); the default when None."""
    if sector is None:
        return DEFAULT_SECTOR.value
    return sector.value if isinstance(sector, Enum) else str(sector)


def sector_condition(sector: Sector | str | None, alias: str = "a") -> tuple[str, list[Any]]:
    """SQL condition (and its parameters) keeping the awards of `sector` (none for 'all')."""
    code = sector_value(sector)
    if code == ALL_SECTORS:
        return "TRUE", []
    return f"{alias}.sector = ?", [code]


def own_currency(country_code: str | None) -> str | None:
    """The currency a territory's figures are given in (None: no declared currency)."""
    return CURRENCIES.get(country_code or "")


def split_currencies(rows: list[dict[str, Any]],
                     currency: str | None) -> tuple[list[dict], list[dict]]:
    """(rows in `currency` or of no currency, rows in another currency). When `currency` is
    None, the currency of most rows is the main one (the first by name on a tie)."""
    if currency is None:
        counts: dict[str, int] = {}
        for row in rows:
            if row.get("currency"):
                counts[row["currency"]] = counts.get(row["currency"], 0) + 1
        currency = min(counts, key=lambda c: (-counts[c], c)) if counts else None
    main = [r for r in rows if r.get("currency") in (None, currency)]
    other = [r for r in rows if r.get("currency") not in (None, currency)]
    return main, other


def split_frame(frame: pl.DataFrame,
                currency: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`split_currencies` for a frame of results: (own currency or none, other currencies)."""
    if currency is None:
        counts = frame.drop_nulls("currency").group_by("currency").len()
        if counts.height:
            currency = counts.sort(["len", "currency"], descending=[True, False])["currency"][0]
    main = pl.col("currency").is_null() | (pl.col("currency") == currency)
    return frame.filter(main), frame.filter(~main)


def provenance(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The provenance of a figure computed from `rows` (each with fictitious and source_id or
    sources): fictitious when any is, the sources of all."""
    sources: set[str] = set()
    for row in rows:
        sources.update(row.get("sources") or ())
        if row.get("source_id"):
            sources.add(row["source_id"])
    return {"fictitious": any(bool(r.get("fictitious")) for r in rows),
            "sources": sorted(sources)}


# -- the awards' filters ------------------------------------------------------------------

#: Award facets: parameter → column.
FACETS = {"funder": "a.funder_id", "scheme": "a.scheme_id", "stage": "a.stage",
          "format": "a.format",
          "genre": "a.genre", "beneficiary": "a.beneficiary_id", "currency": "a.currency"}


def fold(text: pl.Expr) -> pl.Expr:
    """Text folded for search: decomposed, accents dropped, lower case ('Été' → 'ete')."""
    return text.str.normalize("NFKD").str.replace_all(r"\p{M}+", "").str.to_lowercase()


@dataclass(frozen=True)
class AwardFilters:
    """The awards explorer's search and facets (every one validated)."""

    q: Text = None
    funder: Text = None
    scheme: Text = None
    stage: Text = None
    format: Text = None
    genre: Text = None
    beneficiary: Text = None
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None
    year: Year = None
    territory: Annotated[str | None, Query(max_length=40)] = None
    funder_level: Annotated[FunderLevel | None, Query(
        description="Level of government of the funder (organisations.funder_level).")] = None
    funder_territory: Annotated[str | None, Query(
        max_length=40, description="A territory: the funder governs it or a territory within "
                                   "it (organisations.governed_territory_id).")] = None
    sector: SectorParam = DEFAULT_SECTOR

    def where(self, *, sector: bool = True) -> tuple[str, list[Any]]:
        """SQL condition on awards `a` (and its parameters); without the sector filter when
        `sector` is False (to count the other sectors)."""
        where, params = ["TRUE"], []
        for name, column in FACETS.items():
            value = getattr(self, name)
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if self.year is not None:
            where.append("coalesce(a.fiscal_year, year(a.decision_date)) = ?")
            params.append(self.year)
        if self.territory:  # the beneficiary's territory or any territory above it
            where.append("a.beneficiary_territory_id IN "
                         "(SELECT territory_id FROM territory_closure "
                         "WHERE ancestor_id = ?)")
            params.append(self.territory)
        if self.funder_level is not None:
            where.append("a.funder_id IN (SELECT organisation_id FROM organisations "
                         "WHERE funder_level = ?)")
            params.append(sector_value(self.funder_level))
        if self.funder_territory:  # a body governing the territory or one within it
            where.append(f"a.funder_id IN ({GOVERNING_SQL})")
            params.append(self.funder_territory)
        if self.q:  # accent- and case-insensitive, in title, beneficiary, funder or scheme
            where.append("a.award_id IN "
                         "(SELECT award_id FROM award_search WHERE contains(text, ?))")
            params.append(pl.select(fold(pl.lit(self.q))).item())
        if sector:
            condition, values = sector_condition(self.sector)
            where.append(condition)
            params += values
        return " AND ".join(where), params

    def active(self) -> dict[str, Any]:
        """The filters set, as a page repeats them in its links (the sector only when it is
        not the default)."""
        out = {k: sector_value(v) if isinstance(v, Enum) else v for k, v in vars(self).items()
               if v not in (None, "") and k != "sector"}
        if sector_value(self.sector) != DEFAULT_SECTOR.value:
            out["sector"] = sector_value(self.sector)
        return out


# -- award lists --------------------------------------------------------------------------

AWARDS_FROM = ("FROM awards a LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id "
               "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
               "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id")
AWARDS_SELECT = (
    "SELECT a.award_id, a.project_title, a.work_id, a.funder_id, f.name AS funder, "
    "s.name AS scheme, "
    "a.beneficiary_id, b.name AS beneficiary, a.beneficiary_territory_id, "
    "coalesce(a.fiscal_year, year(a.decision_date)) AS year, a.decision_date, a.amount_minor, "
    "a.currency, a.stage, a.format, a.genre, a.sector, a.amends_award_id, a.superseded_by, "
    "a.fictitious, a.source_id ")
#: The award search index: each award's texts, folded once (see api.Atlas).
SEARCH_TEXT_SQL = ("SELECT a.award_id, concat_ws(' ', a.project_title, b.name, f.name, s.name) "
                   f"AS text {AWARDS_FROM}")


def awards(a: Reader, filters: AwardFilters, limit: int | None,
           offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(one page of the awards matching `filters`, ordered by id; how many match). The filter
    reads the awards table alone; names are joined for the page's rows only."""
    where, params = filters.where()
    total = a.frame(f"SELECT count(*) AS n FROM awards a WHERE {where}", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    frame = a.frame(
        f"WITH page AS (SELECT a.award_id FROM awards a WHERE {where} ORDER BY a.award_id{page}) "
        f"{AWARDS_SELECT}{AWARDS_FROM} WHERE a.award_id IN (SELECT award_id FROM page) "
        "ORDER BY a.award_id", params)
    return frame, int(total)


def totals(a: Reader, where: str, params: list[Any]) -> pl.DataFrame:
    """Count and sum of awards per currency, with their provenance: `amount_minor` counts
    each contract once (at its final value), `signed_minor` every signed value."""
    return a.frame(
        "SELECT a.currency, count(*) AS n, sum(a.amount_minor) FILTER "
        "(WHERE a.superseded_by IS NULL)::BIGINT AS amount_minor, "
        f"sum(a.amount_minor)::BIGINT AS signed_minor, {PROVENANCE_SQL} "
        f"{AWARDS_FROM} WHERE {where} GROUP BY ALL ORDER BY amount_minor DESC NULLS LAST, "
        "a.currency", params)


def sector_counts(a: Reader, filters: AwardFilters) -> dict[str, int]:
    """How many awards the search finds in each sector (whatever the sector asked), 'all'
    included; unclassified awards count in 'all' only."""
    where, params = filters.where(sector=False)
    frame = a.frame(f"SELECT a.sector, count(*) AS n FROM awards a WHERE {where} GROUP BY ALL",
                    params)
    counts = {sector: 0 for sector in SECTORS}
    for sector, n in frame.iter_rows():
        if sector in counts:
            counts[sector] = n
    return counts | {ALL_SECTORS: int(frame["n"].sum())}


def award_territories(a: Reader, where: str, params: list[Any]) -> pl.DataFrame:
    return a.frame(
        f"SELECT t.territory_id, t.name, count(*) AS n {AWARDS_FROM} "
        "JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE {where} GROUP BY ALL ORDER BY n DESC, t.name LIMIT 20", params)


def entity_awards(a: Reader, column: str, value: str, sector: Sector | str | None,
                  limit: int = 1000) -> dict[str, Any]:
    """The awards of one beneficiary or work (`column` beneficiary_id or work_id) in `sector`,
    latest first, with totals per currency and the territories they went to."""
    condition, values = sector_condition(sector)
    where, params = f"a.{column} = ? AND {condition}", [value, *values]
    rows = a.frame(
        f"{AWARDS_SELECT}{AWARDS_FROM} WHERE {where} ORDER BY year DESC NULLS LAST, "
        f"a.award_id LIMIT {int(limit)}", params)
    return {"rows": rows.to_dicts(), "totals": totals(a, where, params).to_dicts(),
            "places": award_territories(a, where, params).to_dicts()}


#: Award facets of the explorer: name → (value, label, join) over the search's hits.
FACET_SQL = {
    "funder": ("funder_id", "funder_name", ""), "scheme": ("scheme_id", "scheme_name", ""),
    "funder_level": ("funder_level", "funder_level", ""),
    "year": ("year", "year", ""), "stage": ("stage", "stage", ""),
    "format": ("format", "format", ""), "genre": ("genre", "genre", ""),
    "beneficiary": ("beneficiary_id", "beneficiary_name", ""),
    # the first-level territory (region, province) of the beneficiary
    "territory": ("t.territory_id", "t.name",
                  "JOIN territory_closure c ON c.territory_id = hits.beneficiary_territory_id "
                  "JOIN territories t ON t.territory_id = c.ancestor_id AND t.level IN "
                  "('region', 'province') "),
}


def facets(a: Reader, where: str, params: list[Any], limit: int = 12) -> dict[str, list[dict]]:
    """The most frequent values of each award facet under the current search, with their
    counts, in one query: facet → [{value, label, n}]."""
    branches = [
        f"SELECT '{name}' AS facet, {value}::VARCHAR AS value, {label}::VARCHAR AS label, "
        f"count(*) AS n FROM hits {join}WHERE {value} IS NOT NULL GROUP BY ALL"
        for name, (value, label, join) in FACET_SQL.items()]
    frame = a.frame(
        "WITH hits AS MATERIALIZED (SELECT a.funder_id, f.name AS funder_name, "
        "f.funder_level, a.scheme_id, "
        "s.name AS scheme_name, coalesce(a.fiscal_year, year(a.decision_date)) AS year, "
        "a.stage, a.format, a.genre, a.beneficiary_id, b.name AS beneficiary_name, "
        f"a.beneficiary_territory_id {AWARDS_FROM} WHERE {where}) "
        f"SELECT * FROM ({' UNION ALL '.join(branches)}) QUALIFY row_number() OVER "
        f"(PARTITION BY facet ORDER BY n DESC, label) <= {int(limit)} "
        "ORDER BY facet, n DESC, label", params)
    out: dict[str, list[dict]] = {name: [] for name in FACET_SQL}
    for row in frame.to_dicts():
        out[row.pop("facet")].append(row)
    return out


# -- a territory's awards -----------------------------------------------------------------

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
    `limit` first of each), with their provenance."""
    where, params = _in(territory_id, sector)
    return a.frame(
        "SELECT * FROM (SELECT a.beneficiary_id, b.name, a.currency, count(*) AS n, "
        f"sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} FROM awards a "
        "JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        f"WHERE {where} GROUP BY ALL) QUALIFY row_number() OVER (PARTITION BY currency "
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
    territory they are placed in and provenance."""
    condition, values = sector_condition(sector)
    return a.frame(
        f"{_GIVEN}SELECT * FROM (SELECT b.scope, b.funder_level, a.beneficiary_id, "
        "r.name, a.beneficiary_territory_id, t.name AS territory_name, a.currency, "
        f"count(*) AS n, sum(a.amount_minor)::BIGINT AS amount_minor, {PROVENANCE_SQL} "
        "FROM awards a JOIN body b ON a.funder_id = b.b_id "
        "JOIN organisations r ON r.organisation_id = a.beneficiary_id "
        "LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE a.superseded_by IS NULL AND {condition} GROUP BY ALL) "
        "QUALIFY row_number() OVER (PARTITION BY scope, funder_level, currency "
        "ORDER BY amount_minor DESC NULLS LAST, name, beneficiary_id) <= ? "
        "ORDER BY scope, funder_level, currency, amount_minor DESC NULLS LAST, name, "
        "beneficiary_id", [territory_id, territory_id, *values, limit])


# -- sources ------------------------------------------------------------------------------


def source_notes(a: Reader) -> dict[str, dict[str, Any]]:
    """Every source's title and flag, for the notes that name a figure's sources."""
    frame = a.frame("SELECT source_id, title, publisher, fictitious FROM sources")
    return {row["source_id"]: row for row in frame.to_dicts()}
