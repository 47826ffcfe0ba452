"""The awards explorer's reads: one declaration of the facets (`FACETS`) serves filtering,
counting and listing their values; `AwardFilters` is a plain dataclass that the web layer, the
API and the CLI build alike. Rules of every figure: queries/common.py.

A facet holds several values: OR within a facet (`funder=a&funder=b`), AND across facets.
A facet's counts are taken under every other filter but its own, so that each value says how
many awards choosing it too would give.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

import polars as pl

from cineatlas import optout
from cineatlas.queries.common import (
    ALL_SECTORS,
    DEFAULT_SECTOR,
    GOVERNING_SQL,
    PROVENANCE_SQL,
    YEAR_SQL,
    Reader,
    Sector,
    sector_condition,
    sector_value,
)
from cineatlas.store.vocabularies import SECTORS
from cineatlas.text import fold, fold_expr


@dataclass(frozen=True)
class Facet:
    """One award facet: `value` and `label` are SQL over the award `a` and the joins of
    `fact_joins` (funder f, scheme s, beneficiary b, region r); `condition` keeps the awards of
    some values (`{values}`: their placeholders) reading `a` alone; `named` says how a value is
    shown: 'name' (a stored name, the label), 'vocabulary' (a code the web labels) or 'value'."""

    name: str
    value: str
    label: str
    condition: str
    named: str = "vocabulary"
    cast: type = str


def _equals(column: str) -> str:
    return f"{column} IN ({{values}})"


#: Whether the award is its director's first work, second, or a later one (NULL: unknown).
WORK_RANK_SQL = ("CASE WHEN a.first_work THEN 'first' WHEN a.second_work THEN 'second' "
                 "WHEN NOT a.first_work AND NOT a.second_work THEN 'later' END")

#: The award facets, in the order the explorer shows them.
FACETS: dict[str, Facet] = {f.name: f for f in (
    Facet("funder", "a.funder_id", "f.name", _equals("a.funder_id"), "name"),
    Facet("funder_level", "f.funder_level", "f.funder_level",
          "a.funder_id IN (SELECT organisation_id FROM organisations "
          "WHERE funder_level IN ({values}))"),
    Facet("scheme", "a.scheme_id", "s.name", _equals("a.scheme_id"), "name"),
    Facet("year", YEAR_SQL, YEAR_SQL, _equals(YEAR_SQL), "value", int),
    Facet("stage", "a.stage", "a.stage", _equals("a.stage")),
    Facet("format", "a.format", "a.format", _equals("a.format")),
    Facet("genre", "a.genre", "a.genre", _equals("a.genre")),
    Facet("work_rank", WORK_RANK_SQL, WORK_RANK_SQL, _equals(WORK_RANK_SQL)),
    Facet("beneficiary", "a.beneficiary_id", "b.name", _equals("a.beneficiary_id"), "name"),
    # counted by the beneficiary's first-level territory (region, province); a filter value
    # may be any territory: the beneficiary is placed in it or in a territory within it
    Facet("territory", "r.territory_id", "r.name",
          "a.beneficiary_territory_id IN (SELECT territory_id FROM territory_closure "
          "WHERE ancestor_id IN ({values}))", "name"),
    Facet("currency", "a.currency", "a.currency", _equals("a.currency"), "value"),
)}


def fact_joins(a: Reader) -> str:
    """The joins the facets' values and labels read (beneficiaries as outputs name them:
    `optout.organisations_sql`)."""
    return (
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id "
        f"LEFT JOIN {optout.organisations_sql(a)} b ON b.organisation_id = a.beneficiary_id "
        "LEFT JOIN (SELECT c.territory_id AS placed_id, t.territory_id, t.name "
        "FROM territory_closure c JOIN territories t ON t.territory_id = c.ancestor_id "
        "AND t.level IN ('region', 'province')) r ON r.placed_id = a.beneficiary_territory_id ")


#: Sort orders of the explorer (`-` first: descending); the award id breaks every tie.
SORTS = {"id": ("a.award_id",), "amount": ("a.amount_minor",),
         "date": ("a.decision_date", YEAR_SQL), "title": ("a.project_title COLLATE nocase",)}


def parse_sort(sort: str | None) -> tuple[str, bool]:
    """(key of SORTS, descending) of a sort parameter ('-amount'); ValueError when unknown."""
    key = (sort or "id").removeprefix("-")
    if key not in SORTS:
        raise ValueError(f"Unknown sort {sort!r}: one of {', '.join(SORTS)} (a leading - "
                         "sorts in descending order, e.g. -amount).")
    return key, bool(sort and sort.startswith("-"))


def order_by(sort: str | None) -> str:
    """ORDER BY clause of a sort parameter: missing values last either way, the id last."""
    key, descending = parse_sort(sort)
    way = " DESC" if descending else ""
    columns = [f"{c}{way} NULLS LAST" for c in SORTS[key]]
    if key != "id":
        columns.append("a.award_id")
    return ", ".join(columns)


def to_minor(amount: Decimal | float | int | str | None) -> int | None:
    """An amount in currency units (1000.5) as minor units (100050), exactly."""
    if amount is None:
        return None
    return int((Decimal(str(amount)) * 100).to_integral_value())


@dataclass(frozen=True)
class AwardFilters:
    """The awards explorer's search, facets and amount range. Facet fields hold tuples of
    values (OR within a facet; empty: no filter); amounts are in currency units."""

    q: str | None = None
    funder: tuple[str, ...] = ()
    funder_level: tuple[str, ...] = ()
    scheme: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    stage: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    genre: tuple[str, ...] = ()
    work_rank: tuple[str, ...] = ()
    beneficiary: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    currency: tuple[str, ...] = ()
    funder_territory: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    sector: Sector | str = DEFAULT_SECTOR

    def conditions(self) -> dict[str, tuple[str, list[Any]]]:
        """Each active filter's SQL condition on the award `a` and its parameters, by name
        (the sector always: `TRUE` for every sector)."""
        out: dict[str, tuple[str, list[Any]]] = {}
        for name, facet in FACETS.items():
            values = getattr(self, name)
            if values:
                marks = ", ".join("?" * len(values))
                out[name] = (facet.condition.format(values=marks), list(values))
        if self.funder_territory:  # a body governing the territory or one within it
            out["funder_territory"] = (f"a.funder_id IN ({GOVERNING_SQL})",
                                       [self.funder_territory])
        if self.amount_min is not None:
            out["amount_min"] = ("a.amount_minor >= ?", [to_minor(self.amount_min)])
        if self.amount_max is not None:
            out["amount_max"] = ("a.amount_minor <= ?", [to_minor(self.amount_max)])
        if self.q:  # accent-, ligature- and case-insensitive: title, beneficiary, funder, scheme
            out["q"] = ("a.award_id IN (SELECT award_id FROM award_search "
                        "WHERE contains(text, ?))", [fold(self.q)])
        out["sector"] = sector_condition(self.sector)
        return out

    def where(self, *, sector: bool = True, without: str | None = None
              ) -> tuple[str, list[Any]]:
        """SQL condition on awards `a` (and its parameters): every filter but `without`, and
        without the sector's when `sector` is False (to count the other sectors)."""
        return _join({k: v for k, v in self.conditions().items()
                      if k != without and (sector or k != "sector")})

    def active(self) -> dict[str, Any]:
        """The filters set, as a page repeats them in its links (lists for the facets; the
        sector only when it is not the default)."""
        out: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "sector" or value in (None, "", ()):
                continue
            out[field.name] = list(value) if isinstance(value, tuple) else value
        if sector_value(self.sector) != DEFAULT_SECTOR.value:
            out["sector"] = sector_value(self.sector)
        return out

    def without(self, name: str) -> AwardFilters:
        """These filters but `name`'s (the sector back to its default)."""
        default = next(f.default for f in fields(self) if f.name == name)
        return replace(self, **{name: default})


def _join(conditions: dict[str, tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    where, params = ["TRUE"], []
    for condition, values in conditions.values():
        where.append(condition)
        params += values
    return " AND ".join(where), params


# -- award lists --------------------------------------------------------------------------



def awards_from(a: Reader) -> str:
    """FROM the awards `a` with their beneficiary `b` (named as outputs name it:
    `optout.organisations_sql`), funder `f` and scheme `s`."""
    return (f"FROM awards a LEFT JOIN {optout.organisations_sql(a)} b "
            "ON b.organisation_id = a.beneficiary_id "
            "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
            "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id")


AWARDS_SELECT = (
    "SELECT a.award_id, a.project_title, a.work_id, a.funder_id, f.name AS funder, "
    "s.name AS scheme, "
    "a.beneficiary_id, b.name AS beneficiary, a.beneficiary_territory_id, "
    f"{YEAR_SQL} AS year, a.decision_date, a.amount_minor, "
    "a.currency, a.stage, a.format, a.genre, a.sector, a.amends_award_id, a.superseded_by, "
    "a.fictitious, a.source_id ")
def search_index(a: Reader) -> pl.DataFrame:
    """`award_search` (award_id, text): each award's title, beneficiary (as outputs name it),
    funder and scheme, folded once (text.fold_expr), so that a search is a plain substring test
    of the folded query. Made again when the opt-out list changes (`web.api.Atlas`)."""
    return a.frame("SELECT a.award_id, concat_ws(' ', a.project_title, b.name, f.name, s.name) "
                   f"AS text {awards_from(a)}").with_columns(fold_expr(pl.col("text")))


def awards(a: Reader, filters: AwardFilters, limit: int | None, offset: int = 0,
           sort: str | None = None) -> tuple[pl.DataFrame, int]:
    """(one page of the awards matching `filters`, in `sort` order (SORTS; the id by default);
    how many match). The filter reads the awards table alone; names are joined for the page's
    rows only."""
    where, params = filters.where()
    total = a.frame(f"SELECT count(*) AS n FROM awards a WHERE {where}", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    order = order_by(sort)
    frame = a.frame(
        f"WITH page AS (SELECT a.award_id, row_number() OVER (ORDER BY {order}) AS position "
        f"FROM awards a WHERE {where} ORDER BY position{page}) "
        f"{AWARDS_SELECT}{awards_from(a)} JOIN page p ON p.award_id = a.award_id "
        "ORDER BY p.position", params)
    return frame, int(total)


def totals(a: Reader, where: str, params: list[Any]) -> pl.DataFrame:
    """Count and sum of awards per currency, with their provenance: `amount_minor` counts
    each contract once (at its final value), `signed_minor` every signed value."""
    return a.frame(
        "SELECT a.currency, count(*) AS n, sum(a.amount_minor) FILTER "
        "(WHERE a.superseded_by IS NULL)::BIGINT AS amount_minor, "
        f"sum(a.amount_minor)::BIGINT AS signed_minor, {PROVENANCE_SQL} "
        f"{awards_from(a)} WHERE {where} GROUP BY ALL ORDER BY amount_minor DESC NULLS LAST, "
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


def without_each(a: Reader, filters: AwardFilters) -> dict[str, int]:
    """For each active filter (the sector when it is not every sector), how many awards the
    others find: what removing that filter would give. One scan of the awards."""
    conditions = filters.conditions()
    removable = [k for k in conditions if k != "sector" or conditions[k][0] != "TRUE"]
    if not removable:
        return {}
    columns, params = [], []
    for name in removable:
        where, values = _join({k: v for k, v in conditions.items() if k != name})
        columns.append(f"count(*) FILTER (WHERE {where}) AS \"{name}\"")
        params += values
    row = a.frame(f"SELECT {', '.join(columns)} FROM awards a", params).row(0, named=True)
    return {name: int(n) for name, n in row.items()}


def award_territories(a: Reader, where: str, params: list[Any]) -> pl.DataFrame:
    return a.frame(
        f"SELECT t.territory_id, t.name, count(*) AS n {awards_from(a)} "
        "JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE {where} GROUP BY ALL ORDER BY n DESC, t.name LIMIT 20", params)


# -- facet counts and values ----------------------------------------------------------------


#: The award columns the facets' conditions read (kept in the facts beside values and labels).
FACT_COLUMNS = ("funder_id", "scheme_id", "beneficiary_id", "beneficiary_territory_id",
                "fiscal_year", "decision_date", "stage", "format", "genre", "first_work",
                "second_work", "currency")


def _facts(a: Reader, base: str) -> str:
    """The awards matching `base`: the columns the facets' conditions read, and every facet's
    value and label (v_NAME, l_NAME)."""
    columns = ", ".join([*(f"a.{c}" for c in FACT_COLUMNS),
                         *(f"{f.value} AS v_{f.name}, {f.label} AS l_{f.name}"
                           for f in FACETS.values())])
    return f"SELECT {columns} FROM awards a {fact_joins(a)}WHERE {base}"


def _branch(name: str, conditions: dict[str, tuple[str, list[Any]]],
            chosen: tuple = ()) -> tuple[str, list[Any]]:
    """SQL counting facet `name`'s values over the facts `a`, under every facet filter but its
    own; `chosen` tells whether a value is one of those chosen."""
    where, params = _join({k: v for k, v in conditions.items() if k in FACETS and k != name})
    marks = ", ".join("?" * len(chosen)) or "NULL"
    return (f"SELECT '{name}' AS facet, v_{name}::VARCHAR AS value, "
            f"coalesce(l_{name}::VARCHAR, v_{name}::VARCHAR) AS label, count(*) AS n, "
            f"coalesce(v_{name}::VARCHAR IN ({marks}), FALSE) AS chosen "
            f"FROM facts a WHERE v_{name} IS NOT NULL AND {where} GROUP BY ALL",
            [*(str(v) for v in chosen), *params])


def _base(filters: AwardFilters) -> tuple[str, list[Any], dict[str, tuple[str, list[Any]]]]:
    conditions = filters.conditions()
    base, params = _join({k: v for k, v in conditions.items() if k not in FACETS})
    return base, params, conditions


def facets(a: Reader, filters: AwardFilters, limit: int = 12) -> dict[str, dict[str, Any]]:
    """The most frequent values of each facet with their counts (under every filter but the
    facet's own), in one query: facet → {values: [{value, label, n}], more: how many other
    values it has}. A chosen value is always listed, even with no award left."""
    base, params, conditions = _base(filters)
    branches = [_branch(name, conditions, getattr(filters, name)) for name in FACETS]
    frame = a.frame(
        f"WITH facts AS MATERIALIZED ({_facts(a, base)}), counted AS "
        f"({' UNION ALL '.join(sql for sql, _ in branches)}) "
        "SELECT *, count(*) OVER (PARTITION BY facet) AS distinct_values FROM counted "
        "QUALIFY row_number() OVER (PARTITION BY facet ORDER BY n DESC, label, value) <= ? "
        "OR chosen ORDER BY facet, n DESC, label, value",
        [*params, *(p for _, values in branches for p in values), int(limit)])
    out: dict[str, dict[str, Any]] = {name: {"values": [], "more": 0} for name in FACETS}
    for row in frame.to_dicts():
        facet = out[row.pop("facet")]
        facet["more"] = row.pop("distinct_values")
        row.pop("chosen")
        facet["values"].append(row)
    for name, facet in out.items():
        facet["more"] = max(0, facet["more"] - len(facet["values"]))
        listed = {v["value"] for v in facet["values"]}
        # a chosen value the counts do not list: none left under the other filters, or a
        # territory below the facet's level (a department where regions are counted)
        facet["values"] += [{"value": str(v), "label": str(v),
                             "n": _count_one(a, base, params, conditions, name, v)}
                            for v in getattr(filters, name) if str(v) not in listed]
    return out


def _count_one(a: Reader, base: str, params: list[Any],
               conditions: dict[str, tuple[str, list[Any]]], name: str, value: Any) -> int:
    """Awards of one value of facet `name` under `base` and the other facets' filters."""
    others = {k: v for k, v in conditions.items() if k in FACETS and k != name}
    others[name] = (FACETS[name].condition.format(values="?"), [value])
    where, values = _join(others)
    return int(a.frame(f"SELECT count(*) AS n FROM awards a WHERE {base} AND {where}",
                       [*params, *values])["n"][0])


def facet_values(a: Reader, filters: AwardFilters, name: str, q: str | None = None,
                 limit: int = 50, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """Every value of facet `name` under the other filters, most frequent first (a page of
    them), those whose label holds `q` (folded as the search folds) when given:
    (value, label, n), how many values there are."""
    if name not in FACETS:
        raise KeyError(name)
    base, params, conditions = _base(filters)
    sql, values = _branch(name, conditions)
    frame = a.frame(f"WITH facts AS ({_facts(a, base)}) {sql}", [*params, *values]).drop("chosen")
    if q:
        needle = fold(q)
        frame = frame.filter(fold_expr(pl.col("label")).str.contains(needle, literal=True))
    frame = frame.drop("facet").sort(["n", "label", "value"], descending=[True, False, False])
    return frame.slice(offset, limit), frame.height
