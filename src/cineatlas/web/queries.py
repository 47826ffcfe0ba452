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

from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL, SECTORS

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
        out = {k: v for k, v in vars(self).items() if v not in (None, "") and k != "sector"}
        if sector_value(self.sector) != DEFAULT_SECTOR.value:
            out["sector"] = sector_value(self.sector)
        return out


# -- award lists --------------------------------------------------------------------------

AWARDS_FROM = ("FROM awards a LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id "
               "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
               "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id")
AWARDS_SELECT = (
    "SELECT a.award_id, a.project_title, a.work_id, f.name AS funder, s.name AS scheme, "
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
        "WITH hits AS MATERIALIZED (SELECT a.funder_id, f.name AS funder_name, a.scheme_id, "
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


# -- sources ------------------------------------------------------------------------------


def source_notes(a: Reader) -> dict[str, dict[str, Any]]:
    """Every source's title and flag, for the notes that name a figure's sources."""
    frame = a.frame("SELECT source_id, title, publisher, fictitious FROM sources")
    return {row["source_id"]: row for row in frame.to_dicts()}
