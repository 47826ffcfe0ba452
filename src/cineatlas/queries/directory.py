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
- **Within a territory** (`by_territory`, the page's map): each territory just below it
  counts the entities its own directory lists; those placed no finer than the territory, or
  only in a territory containing it, are counted apart (a sub-territory's zero is then not
  known).
- The awards counted: the atlas' rules (`queries.common`: cinema and audiovisual by default,
  each contract once); the filters (stage, format, genre, years, funder) keep the awards, and an
  entity is listed when it has at least one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from cineatlas.queries.resolved import ENTITY_SQL


class Kind(StrEnum):
    company = "company"
    person = "person"


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


_WORK_JOIN, _WORK_ENTITY = ENTITY_SQL("work", "a.work_id", "em_work")
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


def _companies_from(filters: DirectoryFilters,
                    joins: str = _AWARD_JOINS) -> tuple[str, str, list[Any]]:
    """(the entity expression, `FROM … WHERE …` of the awards the filters keep with their
    beneficiary `b`, a company that may be listed placed in the territory; its parameters)."""
    join, entity = ENTITY_SQL("organisation", "b.organisation_id", "em_organisation")
    where, params = filters.awards()
    hidden, hidden_params = optout.organisation_hidden("b.organisation_id")
    place = ""
    if filters.territory:
        place = f" AND b.territory_id IN ({WITHIN_SQL})"
    source = (f"FROM awards a JOIN organisations b ON b.organisation_id = a.beneficiary_id "
              f"{join} {joins}WHERE {where} AND NOT b.is_funder AND b.funder_level IS NULL "
              f"AND NOT {hidden}{place}")
    return entity, source, [*params, *hidden_params,
                            *([filters.territory] if filters.territory else [])]


def _companies_sql(filters: DirectoryFilters) -> tuple[str, list[Any]]:
    entity, source, params = _companies_from(filters)
    sql = (
        f"SELECT {entity} AS entity_id, arg_max(b.name, {_LATEST}) AS name, "
        "min(b.organisation_id) AS member_id, count(DISTINCT b.organisation_id) AS n_records, "
        f"arg_max(b.kind, {_LATEST}) AS kind, "
        f"arg_max(b.territory_id, {_LATEST}) AS territory_id, "
        f"arg_max(b.city, {_LATEST}) AS city, {_SUMMARY} {source} GROUP BY ALL")
    return sql, params


def _people_from(filters: DirectoryFilters,
                 joins: str = _AWARD_JOINS) -> tuple[str, str, list[Any]]:
    """(the `WITH` of the people who may be listed, `FROM … WHERE …` of the awards the filters
    keep crediting one of them `p`, placed in the territory by `a.beneficiary_territory_id`;
    its parameters)."""
    listed, listed_params = optout.people_cte()
    where, params = filters.awards()
    place = ""
    if filters.territory:
        place = f" AND a.beneficiary_territory_id IN ({WITHIN_SQL})"
    source = ("FROM award_people ap JOIN listed_people p ON p.person_id = ap.person_id "
              f"JOIN awards a ON a.award_id = ap.award_id {joins}WHERE {where}{place}")
    return f"WITH {listed}", source, [*listed_params, *params,
                                      *([filters.territory] if filters.territory else [])]


def _people_sql(filters: DirectoryFilters) -> tuple[str, list[Any]]:
    listed, source, params = _people_from(filters)
    sql = (
        f"{listed} SELECT p.entity_id, arg_max(p.full_name, {_LATEST}) AS name, "
        "min(p.person_id) AS member_id, count(DISTINCT p.person_id) AS n_records, "
        "list(DISTINCT ap.role ORDER BY ap.role) AS roles, "
        f"arg_max(a.beneficiary_territory_id, {_LATEST}) AS territory_id, "
        f"{_SUMMARY} {source} GROUP BY ALL")
    return sql, params


def _places_sql(kind: Kind, filters: DirectoryFilters) -> tuple[str, list[Any]]:
    """Each entity of the directory of `kind` with each place of the awards the filters keep
    (entity_id, territory_id), once: where its records are placed (companies) or where its
    awards' beneficiaries are (people)."""
    if kind is Kind.company:
        entity, source, params = _companies_from(filters, "")
        return f"SELECT DISTINCT {entity} AS entity_id, b.territory_id {source}", params
    listed, source, params = _people_from(filters, "")
    return (f"{listed} SELECT DISTINCT p.entity_id, a.beneficiary_territory_id AS territory_id "
            f"{source}", params)


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


#: The sub-territories of a territory (?): those just below it (a country's regions or
#: provinces, a region's départements, a province's or Québec's regions, a département's
#: communes…), not the metropolitan areas, which overlap them.
SUBS_SQL = ("SELECT territory_id, name FROM territories WHERE parent_id = ? "
            "AND level <> 'metropolis'")


@dataclass(frozen=True)
class Spread:
    """How the directory of a territory spreads over its sub-territories (`by_territory`).

    `territories`: territory_id, name, companies, people — every sub-territory (zero when
    nobody is there), by name. `here`: the companies and people of the directory of the
    territory in none of its sub-territories (placed in the territory itself only). `above`:
    those the data place only in a territory containing it (not in its directory: some may be
    established in it). Each is {"companies": n, "people": n}."""

    territories: pl.DataFrame
    here: dict[str, int]
    above: dict[str, int]

    @property
    def complete(self) -> bool:
        """Whether everyone who may be in the territory is in one of its sub-territories: then
        a sub-territory's zero is nobody; otherwise it is not known."""
        return not any(self.here.values()) and not any(self.above.values())


def by_territory(a: Reader, filters: DirectoryFilters) -> Spread:
    """The companies and the people of the directory of `filters.territory` (with its filters)
    in each of its sub-territories (`SUBS_SQL`), in one query. A sub-territory counts those its
    own directory lists (an entity with an award kept placed in it), each resolved entity once
    (`queries.resolved.ENTITY_SQL`; people through the opt-out list): its number is the total
    its link shows. An entity with awards in two sub-territories counts in each."""
    territory = filters.territory
    if not territory:
        raise ValueError("by_territory needs a territory.")
    everywhere = replace(filters, territory=None)
    ctes, params = [], []
    for kind in Kind:
        for scope, suffix in ((filters, ""), (everywhere, "_all")):
            sql, values = _places_sql(kind, scope)
            ctes.append(f"{kind.value}{suffix} AS (SELECT * FROM ({sql}))")
            params += values
    kinds = ((Kind.company.value, "companies"), (Kind.person.value, "people"))
    placed = " UNION ALL ".join(
        f"SELECT DISTINCT '{name}' AS kind, d.entity_id, c.ancestor_id AS sub FROM {table} d "
        "LEFT JOIN territory_closure c ON c.territory_id = d.territory_id "
        "AND c.ancestor_id IN (SELECT territory_id FROM subs)" for table, name in kinds)
    above = " UNION ALL ".join(
        f"SELECT DISTINCT '{name}' AS kind, d.entity_id FROM {table}_all d "
        "WHERE d.territory_id IN (SELECT territory_id FROM above_it) "
        f"AND d.entity_id NOT IN (SELECT entity_id FROM {table})" for table, name in kinds)

    def counts() -> str:
        return ", ".join(f"count(DISTINCT p.entity_id) FILTER (WHERE p.kind = '{name}')::BIGINT "
                         f"AS {name}" for _, name in kinds)

    frame = a.frame(
        f"WITH {', '.join(ctes)}, subs AS ({SUBS_SQL}), "
        "above_it AS (SELECT ancestor_id AS territory_id FROM territory_closure "
        "WHERE territory_id = ? AND ancestor_id <> ?), "
        f"placed AS ({placed}), outside AS ({above}) "
        f"SELECT 'sub' AS place, s.territory_id, s.name, {counts()} FROM subs s "
        "LEFT JOIN placed p ON p.sub = s.territory_id GROUP BY ALL "
        f"UNION ALL SELECT 'here', NULL, NULL, {counts()} FROM placed p WHERE p.sub IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM placed q WHERE q.kind = p.kind "
        "AND q.entity_id = p.entity_id AND q.sub IS NOT NULL) "
        f"UNION ALL SELECT 'above', NULL, NULL, {counts()} FROM outside p",
        [*params, territory, territory, territory])
    subs = frame.filter(pl.col("place") == "sub").drop("place").sort("name", "territory_id")
    total = {r["place"]: {"companies": int(r["companies"]), "people": int(r["people"])}
             for r in frame.filter(pl.col("place") != "sub").to_dicts()}
    return Spread(subs, total["here"], total["above"])


def sub_territory_outlines(a: Reader, territory: str) -> list[dict[str, Any]]:
    """The sub-territories of `territory` (`SUBS_SQL`) with their outlines, for a map:
    territory_id, name, overseas, geojson (NULL when the atlas holds none), by id."""
    return a.frame(
        f"SELECT t.territory_id, t.name, t.overseas, o.geojson FROM ({SUBS_SQL}) s "
        "JOIN territories t USING (territory_id) LEFT JOIN territory_outlines o "
        "USING (territory_id) ORDER BY t.territory_id", [territory]).to_dicts()
