"""What every read of the store shares: the reader, sectors, currencies and provenance.

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

Functions take the reader (`frame(sql, params)`: the web's `Atlas`, the CLI's `Store`) first.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Protocol

import polars as pl

from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL, FUNDER_LEVELS, SECTORS

#: Each country's own currency: its territories' figures are given in it.
CURRENCIES = {"FR": "EUR", "CA": "CAD"}
#: Every sector (no filter), as a parameter value.
ALL_SECTORS = "all"
#: The sectors a page or the API may ask for: a sector of the store's vocabulary, or all.
Sector = Enum("Sector", {s: s for s in (*SECTORS, ALL_SECTORS)}, type=str)
DEFAULT_SECTOR = Sector(CINEMA_AUDIOVISUAL)
#: A public funder's level of government, as a parameter (vocabularies.FUNDER_LEVELS).
FunderLevel = Enum("FunderLevel", {level: level for level in FUNDER_LEVELS}, type=str)
#: SQL aggregates of the provenance of the awards `a` of a group.
PROVENANCE_SQL = ("bool_or(a.fictitious) AS fictitious, "
                  "list(DISTINCT a.source_id ORDER BY a.source_id) AS sources")
#: An award's year: its funder's fiscal year, else the calendar year of its decision.
YEAR_SQL = "coalesce(a.fiscal_year, year(a.decision_date))"
#: The territories within a territory (?), itself included.
WITHIN_SQL = "SELECT territory_id FROM territory_closure WHERE ancestor_id = ?"
#: The public bodies (funders of known level) governing a territory (?) or one within it.
GOVERNING_SQL = ("SELECT organisation_id FROM organisations WHERE funder_level IS NOT NULL AND "
                 f"governed_territory_id IN ({WITHIN_SQL})")


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
