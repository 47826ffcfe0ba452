"""Findings in plain words: the main facts of a map or a profile, with what gives them meaning.

Each function returns plain data (no wording: the templates word it in French and English):

- `periods`: each award source's years, and whether they are fiscal years (a source whose
  awards carry a published `fiscal_period` spanning two years, Telefilm's `2009-2010`) or
  calendar years (the SCDL files' *exercice*, the CNC's commission years);
- `map_finding`: on a map's rows (one indicator, one level), the concentration of the money
  (the first territory's share of it against its share of the people), the known zeros, the
  median and how many territories have a value; for an indicator with a target, how many
  reach it; for the metropolis share, the metropolis against the rest;
- `profile_finding`: a territory's place among its peers (value, median, rank, coverage) and,
  when its sub-territories have figures, the first one's share of its money against its share
  of its people;
- `places_reach`: whether any source covers a territory for cinemas and for festivals (the
  access indicators' rule: a row of the file in its département, or inside it), so that a
  profile says "no source covers" rather than "0 cinemas".
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from cineatlas.indicators import registry
from cineatlas.indicators.registry import Indicator

Reader = Any  # anything with frame(sql, params) -> pl.DataFrame (web.api.Atlas, a Store)
#: Indicators whose findings compare a metropolis with the rest of its territory.
METROPOLIS = ("metropolis_share",)
#: Units whose map finding is the concentration of money (a numerator that adds up).
MONEY_UNITS = ("money", "money_per_inhabitant")
#: Sector of the award sources' periods (the figures' default).
SECTOR = "cinema-audiovisual"


@dataclass(frozen=True)
class Period:
    """Years of data: `first` and `last` calendar years (the first calendar year of a fiscal
    year), `fiscal` when they are fiscal years spanning two calendar years."""

    first: int
    last: int
    fiscal: bool

    def year_label(self, year: int) -> str:
        return f"{year}-{year + 1}" if self.fiscal else str(year)

    @property
    def labels(self) -> tuple[str, str]:
        """(first, last) as printed: '2009-2010', '2017-2018' or '2008', '2018'."""
        return self.year_label(self.first), self.year_label(self.last)

    @property
    def single(self) -> bool:
        return self.first == self.last


def periods(reader: Reader) -> dict[str, dict[str, Any]]:
    """source_id → {source_id, title, funders (names), country, period (Period)} for every
    source of cinema and audiovisual awards (each contract once)."""
    frame = reader.frame(
        "SELECT a.source_id, any_value(s.title) AS title, "
        "min(coalesce(a.fiscal_year, year(a.decision_date))) AS first, "
        "max(coalesce(a.fiscal_year, year(a.decision_date))) AS last, "
        "bool_and(coalesce(regexp_full_match(a.fiscal_period, '\\d{4}-\\d{4}'), FALSE)) "
        "AS fiscal, list(DISTINCT o.name ORDER BY o.name) AS funders, "
        "mode(a.beneficiary_country_code) AS country, bool_or(a.fictitious) AS fictitious "
        "FROM awards a JOIN sources s USING (source_id) "
        "LEFT JOIN organisations o ON o.organisation_id = a.funder_id "
        "WHERE a.superseded_by IS NULL AND a.sector = ? GROUP BY a.source_id "
        "HAVING first IS NOT NULL ORDER BY a.source_id", [SECTOR])
    return {r["source_id"]: r | {"period": Period(r["first"], r["last"], bool(r["fiscal"]))}
            for r in frame.to_dicts()}


def period_of(sources: Iterable[str], known: dict[str, dict[str, Any]],
              year: int | None = None) -> Period | None:
    """The period a figure resting on `sources` covers: their years together (fiscal when all
    are fiscal), or the one `year` of the cut; None when none of them has years."""
    found = [known[s]["period"] for s in sources if s in known]
    if not found:
        return None
    fiscal = all(p.fiscal for p in found)
    if year is not None:
        return Period(year, year, fiscal)
    return Period(min(p.first for p in found), max(p.last for p in found), fiscal)


def funders_of(sources: Iterable[str], known: dict[str, dict[str, Any]]) -> list[str]:
    """The funders' names of `sources`, each once, in order."""
    names: dict[str, None] = {}
    for source in sources:
        for name in (known.get(source) or {}).get("funders") or ():
            names[name] = None
    return list(names)


def sources_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    found: dict[str, None] = {}
    for row in rows:
        for source in row.get("sources") or ():
            found[source] = None
    return sorted(found)


def whole_of(reader: Reader, territory_ids: list[str], country: str) -> dict[str, Any] | None:
    """The territory a map's territories make up: their one parent (Québec for its regions),
    else their country; with its name and population."""
    if not territory_ids:
        return None
    frame = reader.frame(
        "SELECT DISTINCT parent_id FROM territories WHERE territory_id IN "
        f"({', '.join('?' * len(territory_ids))})", territory_ids)
    parents = [p for p in frame["parent_id"].to_list() if p]
    whole = parents[0] if len(parents) == 1 else country
    row = reader.frame("SELECT territory_id, name, population FROM territories "
                       "WHERE territory_id = ?", [whole])
    return row.row(0, named=True) if row.height else None


def populations(reader: Reader, level: str, country: str) -> dict[str, int | None]:
    """territory_id → population of the territories of a map (a level of a country)."""
    frame = reader.frame("SELECT territory_id, population FROM territories "
                         "WHERE level = ? AND country_code = ?", [level, country])
    return dict(zip(frame["territory_id"], frame["population"], strict=True))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def map_finding(rows: list[dict[str, Any]], item: Indicator, whole: dict[str, Any] | None,
                populations: dict[str, int | None], known: dict[str, dict[str, Any]],
                year: int | None = None, of: int | None = None) -> dict[str, Any] | None:
    """The main facts of a map of `item` over `rows` (its result rows, one per territory of
    the map, in one currency), or None when no territory has a value.

    kind 'concentration' (money): `top` (territory_id, name, share of the money, population
    share of the whole), `zeros` (names of covered territories that received nothing), `total`;
    'spread' (other units): `highest`, `lowest`; 'metropolis': the metropolis' share of the
    money and of the people, and the rest's. Every kind has `median`, `with_value` (territories
    with a value), `of` (territories of the map: `of`, else the rows), `coverage` (share of
    the counted rows whose needed fields are known), `sources`, `funders`, `period`,
    `currency` and, for an indicator with a target, `target`, `reaching` (territories at or
    above it). `period` is the award sources' years (None for another subject: their years
    are not the awards')."""
    valued = [r for r in rows if r.get("value") is not None]
    if not valued:
        return None
    sources = sources_of(valued)
    values = [r["value"] for r in valued]
    n = sum(r.get("n") or 0 for r in valued)
    covered = sum(r.get("covered") or 0 for r in valued)
    out: dict[str, Any] = {
        "indicator": item.id, "unit": item.unit, "median": _median(values),
        "with_value": len(valued), "of": of or len(rows), "coverage": covered / n if n else None,
        "sources": sources, "funders": funders_of(sources, known),
        "period": period_of(sources, known, year) if item.subject == "awards" else None,
        "currency": next((r.get("currency") for r in valued if r.get("currency")), None),
        "whole": whole, "fictitious": any(bool(r.get("fictitious")) for r in valued)}
    if item.target is not None:
        out |= {"target": item.target,
                "reaching": sum(1 for v in values if v >= item.target)}
    if item.id in METROPOLIS:
        top = max(valued, key=lambda r: r.get("numerator") or 0)
        return out | {"kind": "metropolis", "territory": top, "share": top["value"],
                      "population_share": top.get("population_share"),
                      "metropolis": top.get("category")}
    if item.unit in MONEY_UNITS and item.additive:
        total = sum(r.get("numerator") or 0 for r in valued)
        if total <= 0:
            return out | {"kind": "nothing"}
        top = max(valued, key=lambda r: (r.get("numerator") or 0, r["territory_id"]))
        whole_pop = (whole or {}).get("population")
        pop = populations.get(top["territory_id"])
        zeros = sorted((r for r in valued if (r.get("numerator") or 0) == 0 and not r.get("n")),
                       key=lambda r: r.get("territory_name") or r.get("name") or "")
        return out | {
            "kind": "concentration", "total": total,
            "top": {"territory_id": top["territory_id"],
                    "name": top.get("territory_name") or top.get("name"),
                    "share": (top.get("numerator") or 0) / total,
                    "population_share": pop / whole_pop if pop and whole_pop else None},
            "zeros": [z.get("territory_name") or z.get("name") for z in zeros]}
    ordered = sorted(valued, key=lambda r: (r["value"], r["territory_id"]))
    return out | {"kind": "spread", "lowest": ordered[0], "highest": ordered[-1]}


def profile_finding(place: dict[str, Any], figure: dict[str, Any] | None,
                    children: list[dict[str, Any]], known: dict[str, dict[str, Any]],
                    money: float | None = None) -> dict[str, Any]:
    """The main facts of a territory's profile: `position`, its key figure (value, median,
    rank, of, coverage, period, whether it is a known zero), and `inside`, the concentration
    of its money over its sub-territories (`children`: total_support rows of its direct
    sub-territories, in its currency) with `placed`, the share of its money (`money`, its own
    total) that is placed in one of them."""
    out: dict[str, Any] = {"position": None, "inside": None}
    if figure is not None and figure.get("value") is not None:
        sources = figure.get("sources") or []
        out["position"] = figure | {
            "period": period_of(sources, known), "funders": funders_of(sources, known),
            "zero": figure["value"] == 0 and not figure.get("n")}
    populations = {c["territory_id"]: c.get("population") for c in children}
    inside = map_finding(children, registry.get("total_support"), place, populations,
                         known)
    if inside and inside["kind"] == "concentration":
        inside["placed"] = inside["total"] / money if money else None
        out["inside"] = inside
    return out


def places_reach(reader: Reader, territory_id: str) -> dict[str, list[str]]:
    """{'venues': sources, 'festivals': sources}: the sources covering `territory_id` for
    cinemas and for festivals, by the access indicators' rule — a row of the file in a
    département inside the territory, or in the département holding it. Empty lists: no
    source covers it (not zero cinemas). `all_venues` and `all_festivals` list every source of
    each in the store (the ones that would, elsewhere)."""
    out = {}
    for table in ("venues", "festivals"):
        every = reader.frame(f"SELECT DISTINCT source_id FROM {table} ORDER BY source_id")
        out[f"all_{table}"] = every["source_id"].to_list()
        frame = reader.frame(
            "WITH dep AS (SELECT DISTINCT c.ancestor_id AS department_id, r.source_id "
            f"FROM {table} r JOIN territory_closure c ON c.territory_id = r.territory_id "
            "WHERE c.ancestor_level = 'department') "
            "SELECT DISTINCT source_id FROM dep WHERE department_id IN "
            "(SELECT territory_id FROM territory_closure WHERE ancestor_id = ?) "
            "OR department_id IN (SELECT ancestor_id FROM territory_closure "
            "WHERE territory_id = ?) ORDER BY source_id", [territory_id, territory_id])
        out[table] = frame["source_id"].to_list()
    return out


def child_level(reader: Reader, territory_id: str, levels: Iterable[str]) -> str | None:
    """The map level of `territory_id`'s direct sub-territories (Québec → qc_region), None
    when they are at no level of `levels`."""
    wanted = list(levels)
    frame = reader.frame(
        "SELECT level, count(*) AS n FROM territories WHERE parent_id = ? AND level IN "
        f"({', '.join('?' * len(wanted))}) GROUP BY level ORDER BY n DESC",
        [territory_id, *wanted])
    return frame["level"][0] if frame.height else None


def children_rows(frame: pl.DataFrame, reader: Reader, territory_id: str,
                  currency: str | None) -> list[dict[str, Any]]:
    """The rows of `frame` (one indicator at the sub-territories' level) of the direct
    sub-territories of `territory_id`, in `currency` (or none), each with its population."""
    kids = reader.frame("SELECT territory_id, population FROM territories WHERE parent_id = ?",
                        [territory_id])
    rows = frame.join(kids, on="territory_id", how="inner")
    if currency is not None:
        rows = rows.filter(pl.col("currency").is_null() | (pl.col("currency") == currency))
    return rows.to_dicts()
