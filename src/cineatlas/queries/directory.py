"""The directory of regional talent: the companies and the people established in a territory,
each with their works, awards, funders, stages and years — one row per resolved entity.

- **Companies**: the organisations that are beneficiaries of awards, placed in the territory or
  a territory within it (`organisations.territory_id`, `territory_closure`); public bodies that
  fund are not listed.
- **People**: the people the awards credit (`award_people`: talents, directors, authors,
  producers), placed by those awards' beneficiary territory.
- **One row per entity**: `coalesce(entity_members.entity_id, id)` (a record absent from
  `entity_members` is its own entity), for organisations, people and works alike.
- Only what public decisions publish: names, titles, amounts, the place at the commune level
  at most; no contact data, no gender. People on the opt-out list are never read
  (`optout.people_cte`); organisations it lists by id are left out.
- The awards counted: the atlas' rules (`queries.common`: cinema and audiovisual by default,
  each contract once); the filters (stage, format, genre, years, funder) keep the awards, and an
  entity is listed when it has at least one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl

from cineatlas import optout
from cineatlas.queries.common import (
    DEFAULT_SECTOR,
    WITHIN_SQL,
    YEAR_SQL,
    Reader,
    Sector,
    sector_condition,
)


class Kind(StrEnum):
    company = "company"
    person = "person"


def _entity(kind: str, column: str) -> tuple[str, str]:
    """(join, expression): the resolved entity of the record whose id is `column`."""
    alias = f"em_{kind}"
    return (f"LEFT JOIN entity_members {alias} ON {alias}.kind = '{kind}' AND "
            f"{alias}.member_id = {column}", f"coalesce({alias}.entity_id, {column})")


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory is asked for: a territory (with everything within it) and filters on
    the awards that list an entity."""

    territory: str | None = None
    stage: str | None = None
    format: str | None = None
    genre: str | None = None
    funder: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sector: Sector | str | None = DEFAULT_SECTOR

    def awards(self) -> tuple[str, list[Any]]:
        """SQL condition on awards `a` (each contract once) and its parameters."""
        sql, params = sector_condition(self.sector)
        parts = ["a.superseded_by IS NULL", sql]
        for column, value in (("stage", self.stage), ("format", self.format),
                              ("genre", self.genre), ("funder_id", self.funder)):
            if value:
                parts.append(f"a.{column} = ?")
                params.append(value)
        if self.year_from is not None:
            parts.append(f"{YEAR_SQL} >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            parts.append(f"{YEAR_SQL} <= ?")
            params.append(self.year_to)
        return " AND ".join(parts), params


_WORK_JOIN, _WORK_ENTITY = _entity("work", "a.work_id")
#: An entity's name and place are those of its latest award among those the filters keep
#: (then the greatest award id).
_LATEST = f"({YEAR_SQL}, a.award_id)"
#: What every row says of its awards (`a`, funder `f`, work `w`).
_SUMMARY = (
    "count(DISTINCT a.award_id) AS n_awards, "
    f"count(DISTINCT coalesce({_WORK_ENTITY}, 'title:' || a.project_title)) AS n_works, "
    "list(DISTINCT coalesce(w.title, a.project_title) ORDER BY coalesce(w.title, "
    "a.project_title)) FILTER (WHERE coalesce(w.title, a.project_title) IS NOT NULL) AS works, "
    "list(DISTINCT f.name ORDER BY f.name) FILTER (WHERE f.name IS NOT NULL) AS funders, "
    "list(DISTINCT a.stage ORDER BY a.stage) FILTER (WHERE a.stage IS NOT NULL) AS stages, "
    f"min({YEAR_SQL}) AS first_year, max({YEAR_SQL}) AS last_year, "
    "bool_or(a.first_work) AS first_work, bool_or(a.second_work) AS second_work, "
    "CASE WHEN count(DISTINCT a.currency) = 1 THEN sum(a.amount_minor)::BIGINT END "
    "AS amount_minor, CASE WHEN count(DISTINCT a.currency) = 1 THEN min(a.currency) END "
    "AS currency, bool_or(a.fictitious) AS fictitious, "
    "list(DISTINCT a.source_id ORDER BY a.source_id) AS sources")
_AWARD_JOINS = ("LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
                f"LEFT JOIN works w ON w.work_id = a.work_id {_WORK_JOIN} ")


def _companies_sql(filters: DirectoryFilters) -> tuple[str, list[Any]]:
    join, entity = _entity("organisation", "b.organisation_id")
    where, params = filters.awards()
    hidden, hidden_params = optout.organisation_hidden("b.organisation_id")
    place = ""
    if filters.territory:
        place = f" AND b.territory_id IN ({WITHIN_SQL})"
    sql = (
        f"SELECT {entity} AS entity_id, arg_max(b.name, {_LATEST}) AS name, "
        "min(b.organisation_id) AS member_id, count(DISTINCT b.organisation_id) AS n_records, "
        f"arg_max(b.kind, {_LATEST}) AS kind, "
        f"arg_max(b.territory_id, {_LATEST}) AS territory_id, "
        f"arg_max(b.city, {_LATEST}) AS city, "
        f"{_SUMMARY} FROM awards a JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        f"{join} {_AWARD_JOINS}"
        f"WHERE {where} AND NOT b.is_funder AND b.funder_level IS NULL "
        f"AND NOT {hidden}{place} GROUP BY ALL")
    return sql, [*params, *hidden_params, *([filters.territory] if filters.territory else [])]


def _people_sql(filters: DirectoryFilters) -> tuple[str, list[Any]]:
    listed, listed_params = optout.people_cte()
    where, params = filters.awards()
    place = ""
    if filters.territory:
        place = f" AND a.beneficiary_territory_id IN ({WITHIN_SQL})"
    sql = (
        f"WITH {listed} SELECT p.entity_id, arg_max(p.full_name, {_LATEST}) AS name, "
        "min(p.person_id) AS member_id, count(DISTINCT p.person_id) AS n_records, "
        "list(DISTINCT ap.role ORDER BY ap.role) AS roles, "
        f"arg_max(a.beneficiary_territory_id, {_LATEST}) AS territory_id, "
        f"{_SUMMARY} FROM award_people ap JOIN listed_people p ON p.person_id = ap.person_id "
        f"JOIN awards a ON a.award_id = ap.award_id {_AWARD_JOINS}"
        f"WHERE {where}{place} GROUP BY ALL")
    return sql, [*listed_params, *params, *([filters.territory] if filters.territory else [])]


def rows(a: Reader, kind: Kind | str, filters: DirectoryFilters, limit: int | None = 50,
         offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(one page of the directory's companies or people, most awards first then by name; how
    many there are). Each row: entity_id, name, member_id (a record of it, for its page),
    n_records, territory_id and territory (its commune or place), roles (people) or kind and
    city (companies), n_awards, n_works (resolved works, else distinct titles), works (titles),
    funders, stages, first_year, last_year, first_work, second_work, amount_minor and currency
    (when its awards are in one currency), fictitious, sources."""
    build = _companies_sql if Kind(kind) is Kind.company else _people_sql
    sql, params = build(filters)
    total = a.frame(f"SELECT count(*) AS n FROM ({sql})", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    frame = a.frame(
        f"SELECT d.*, t.name AS territory FROM ({sql}) d LEFT JOIN territories t "
        f"ON t.territory_id = d.territory_id ORDER BY d.n_awards DESC, d.name, d.entity_id{page}",
        params)
    return frame, int(total)


def person(a: Reader, person_id: str) -> dict[str, Any] | None:
    """A person who may be listed: name, entity_id and their records (members); None when
    there is no such person or they are on the opt-out list."""
    listed, params = optout.people_cte()
    found = a.frame(
        f"WITH {listed} SELECT m.person_id, m.full_name, m.entity_id FROM listed_people m "
        "WHERE m.entity_id = (SELECT entity_id FROM listed_people WHERE person_id = ?) "
        "ORDER BY m.person_id", [*params, person_id]).to_dicts()
    if not found:
        return None
    names = sorted({m["full_name"] for m in found})
    me = next(m for m in found if m["person_id"] == person_id)
    return {"person_id": person_id, "name": me["full_name"], "entity_id": me["entity_id"],
            "names": names, "members": [m["person_id"] for m in found]}


def person_awards(a: Reader, members: list[str],
                  sector: Sector | str | None = DEFAULT_SECTOR) -> pl.DataFrame:
    """The awards crediting any of `members` (person ids), oldest first, each contract once:
    award_id, year, funder, scheme, beneficiary, title, work, role, stage, format, genre,
    amount, currency, place, provenance."""
    sql, params = sector_condition(sector)
    return a.frame(
        f"SELECT a.award_id, {YEAR_SQL} AS year, a.decision_date, a.funder_id, f.name AS funder, "
        "a.scheme_id, s.name AS scheme, a.beneficiary_id, b.name AS beneficiary, "
        "a.project_title, a.work_id, w.title AS work, list(DISTINCT ap.role ORDER BY ap.role) "
        "AS roles, a.stage, a.format, a.genre, a.first_work, a.second_work, a.amount_minor, "
        "a.currency, a.beneficiary_territory_id, t.name AS territory, a.fictitious, a.source_id "
        "FROM award_people ap JOIN awards a ON a.award_id = ap.award_id "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id "
        f"LEFT JOIN {optout.organisations_sql(a)} b ON b.organisation_id = a.beneficiary_id "
        "LEFT JOIN works w ON w.work_id = a.work_id "
        "LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE list_contains(?::VARCHAR[], ap.person_id) AND a.superseded_by IS NULL AND {sql} "
        "GROUP BY ALL ORDER BY year NULLS LAST, a.decision_date NULLS LAST, a.award_id",
        [members, *params])


def organisation_listed(organisation_id: str) -> bool:
    """Whether a company page may show the organisation (not on the opt-out list)."""
    return organisation_id not in optout.active().organisation_ids


#: The territory levels the directory's picker offers.
PICKER_LEVELS = ("country", "region", "department", "province", "qc_region")


def territory_choices(a: Reader) -> pl.DataFrame:
    """The territories a reader picks from: territory_id, name, level, country_code (the
    countries with territories within them, their regions, départements, provinces and Québec
    regions), France first, then by country, level and name."""
    order = " ".join(f"WHEN '{level}' THEN {i}" for i, level in enumerate(PICKER_LEVELS))
    return a.frame(
        "SELECT t.territory_id, t.name, t.level, t.country_code FROM territories t "
        "WHERE list_contains(?::VARCHAR[], t.level) AND (t.level <> 'country' OR EXISTS "
        "(SELECT 1 FROM territories c WHERE c.parent_id = t.territory_id)) "
        f"ORDER BY t.country_code = 'FR' DESC, t.country_code, CASE t.level {order} END, t.name",
        [list(PICKER_LEVELS)])


def funder_choices(a: Reader) -> pl.DataFrame:
    """The funders of awards to beneficiaries: funder_id, name, by name."""
    return a.frame(
        "SELECT DISTINCT a.funder_id, f.name FROM awards a JOIN organisations f "
        "ON f.organisation_id = a.funder_id WHERE a.beneficiary_id IS NOT NULL "
        "ORDER BY f.name, a.funder_id")


def within(a: Reader, filters: DirectoryFilters) -> pl.DataFrame:
    """How the directory of `filters.territory` spreads over the territories just below it
    (a region's départements, a province's regions…; not the metropolitan areas, which
    overlap them): territory_id, name, companies, people
    (entities placed there by the rows' place), by name; a territory with neither is left out."""
    if not filters.territory:
        return pl.DataFrame(schema={"territory_id": pl.Utf8, "name": pl.Utf8,
                                    "companies": pl.Int64, "people": pl.Int64})
    counts = []
    params: list[Any] = []
    for kind, build in (("companies", _companies_sql), ("people", _people_sql)):
        sql, values = build(filters)
        counts.append(f"(SELECT count(*) FROM ({sql}) d JOIN territory_closure c "
                      f"ON c.territory_id = d.territory_id WHERE c.ancestor_id = k.territory_id) "
                      f"AS {kind}")
        params += values
    return a.frame(
        f"SELECT * FROM (SELECT k.territory_id, k.name, {', '.join(counts)} FROM territories k "
        "WHERE k.parent_id = ? AND k.level <> 'metropolis') WHERE companies > 0 OR people > 0 "
        "ORDER BY name, territory_id",
        [*params, filters.territory])
