"""Resolved entities: the same company, work or person met in several records is one entity.

Resolution writes `entity_members(kind, member_id, entity_id, probability, evidence)`
(docs/data-model.md); a record absent from it is its own entity (its entity id is its own
id). Every read that counts or gathers an entity goes through here:

- `entity_of(reader, kind, member_id)`: a record's entity id;
- `members(reader, kind, entity_or_member_id)`: every record id of the entity an id (a record's
  or an entity's) belongs to;
- `members_condition(...)`: SQL keeping the rows of a column naming one of those records;
- `ENTITY_SQL(kind, column)`: the join and the expression giving each row's entity in SQL,
  `coalesce(em.entity_id, <column>)`, for counting or grouping entities once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from cineatlas.queries.common import Reader

#: Each kind of entity: its table of records and their id column.
KINDS = {"organisation": ("organisations", "organisation_id"),
         "work": ("works", "work_id"),
         "person": ("people", "person_id")}


def _check(kind: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise ValueError(f"Unknown entity kind {kind!r}: one of {', '.join(KINDS)}.")
    return KINDS[kind]


class EntitySQL(NamedTuple):
    """SQL giving the entity of the record a column names: `join` to add to a FROM clause,
    `entity` the expression of its entity id (the record's own id when it is in no entity)."""

    join: str
    entity: str


def ENTITY_SQL(kind: str, column: str, alias: str = "em") -> EntitySQL:  # noqa: N802
    """The LEFT JOIN of `entity_members` (as `alias`) on `column` and the entity expression:

        e = ENTITY_SQL("work", "a.work_id")
        f"SELECT {e.entity}, count(*) FROM awards a {e.join} GROUP BY 1"

    `column` and `alias` are SQL written by the caller (never user input)."""
    _check(kind)
    return EntitySQL(
        join=(f"LEFT JOIN entity_members {alias} "
              f"ON {alias}.kind = '{kind}' AND {alias}.member_id = {column}"),
        entity=f"coalesce({alias}.entity_id, {column})")


def entity_expr(kind: str, column: str, alias: str = "em") -> str:
    """`coalesce(em.entity_id, <column>)` (with `entity_join` of the same alias)."""
    return ENTITY_SQL(kind, column, alias).entity


def entity_join(kind: str, column: str, alias: str = "em") -> str:
    """The LEFT JOIN of `entity_members` giving `entity_expr` its entity."""
    return ENTITY_SQL(kind, column, alias).join


def entity_of(a: Reader, kind: str, member_id: str) -> str:
    """The entity id of a record (its own id when resolution has not put it in an entity)."""
    _check(kind)
    frame = a.frame("SELECT entity_id FROM entity_members WHERE kind = ? AND member_id = ?",
                    [kind, member_id])
    return frame["entity_id"][0] if frame.height else member_id


def members(a: Reader, kind: str, entity_or_member_id: str) -> list[str]:
    """Every record id (sorted) of the entity `entity_or_member_id` is, or belongs to: a
    record's id is read first, then an entity's. A record in no entity is alone: [its id]. An
    id that is neither a record nor an entity gives []."""
    table, column = _check(kind)
    frame = a.frame(
        "WITH target AS (SELECT coalesce("
        " (SELECT entity_id FROM entity_members WHERE kind = ? AND member_id = ?),"
        " (SELECT any_value(entity_id) FROM entity_members WHERE kind = ? AND entity_id = ?))"
        " AS entity_id) "
        "SELECT m.member_id FROM entity_members m, target t "
        "WHERE m.kind = ? AND m.entity_id = t.entity_id "
        "UNION SELECT ? FROM target WHERE target.entity_id IS NULL AND EXISTS "
        f"(SELECT 1 FROM {table} WHERE {column} = ?) ORDER BY 1",
        [kind, entity_or_member_id, kind, entity_or_member_id, kind, entity_or_member_id,
         entity_or_member_id])
    return frame["member_id"].to_list()


def members_condition(a: Reader, kind: str, column: str,
                      entity_or_member_id: str) -> tuple[str, list[Any]]:
    """SQL condition (and its parameters) keeping the rows whose `column` names a record of
    the entity of `entity_or_member_id` (no row when it is unknown)."""
    ids = members(a, kind, entity_or_member_id)
    if not ids:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' for _ in ids)})", ids
