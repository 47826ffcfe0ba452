"""The scheme catalogue as people read it: one entry per scheme, whatever the sources.

A scheme met in several sources (the CNC's list of names and the CNC's commission results
both name *CNC Talent*) is one entry: rows of `schemes` are grouped by their funder's
normalised name and their own (`name_key`). An entry's id is readable and stable across
imports: the slug of the scheme's name and a short hash of (funder key, name key).

Each catalogue field takes the value of the member with the strongest claim — a `published`
value before one read from the `funder` or the `name`, the latest import first — and keeps the
sources of that value (`scheme_field_sources`). A field no member fills is unknown (absent
from `values`), never empty or zero. Bodies, dates and documents are the union of the
members'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cineatlas.queries.common import Reader
from cineatlas.schemes.model import COLUMNS
from cineatlas.text import short_hash, slug

#: How strongly a rule claims a value: lower first.
RULE_ORDER = {"published": 0, "funder": 1, "name": 2, "decisions": 3}
#: Levels from the widest to the narrowest, for ordering and the levels table.
LEVEL_ORDER = ("european", "national", "provincial", "regional", "departmental",
               "metropolitan", "intercommunal", "communal", "other")


def catalogue_id(funder_key: str | None, name_key: str) -> str:
    """An entry's id: 'aide-au-parcours-d-auteur-3f2a91' (slug of the name, hash of both keys)."""
    base = slug(name_key)[:60].strip("-") or "dispositif"
    return f"{base}-{short_hash((funder_key or '') + '|' + name_key, 6)}"


@dataclass
class Scheme:
    """One catalogue entry.

    `values` holds the known catalogue fields (`schemes.model.COLUMNS`); `field_sources` maps
    each known field (and `name`, `level`, `url`, `stage`, `funder`) to the sources of its
    value: dicts of source_id, source title, publisher, licence, locator and rule.
    """

    id: str
    name: str
    scheme_ids: list[str]
    funder_ids: list[str]
    funder_name: str | None
    funder_level: str | None
    governed_territory_id: str | None
    level: str | None
    url: str | None
    stage: str | None
    parent_id: str | None
    values: dict[str, Any]
    field_sources: dict[str, list[dict[str, Any]]]
    bodies: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    fictitious: bool = False

    def get(self, name: str, default: Any = None) -> Any:
        """A catalogue field's value, `default` when unknown."""
        return self.values.get(name, default)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able: every field, unknown ones as None (the API and `schemes list`)."""
        out = {"id": self.id, "name": self.name, "scheme_ids": self.scheme_ids,
               "funder_ids": self.funder_ids, "funder_name": self.funder_name,
               "funder_level": self.funder_level,
               "governed_territory_id": self.governed_territory_id, "level": self.level,
               "url": self.url, "stage": self.stage, "parent_id": self.parent_id}
        out |= {name: _jsonable(self.values.get(name)) for name in COLUMNS}
        return out | {"bodies": self.bodies, "dates": [_jsonable_row(d) for d in self.dates],
                      "documents": self.documents, "field_sources": self.field_sources,
                      "sources": self.sources, "fictitious": self.fictitious}


@dataclass
class Catalogue:
    """Every entry, by id, and the entry of each `schemes` row."""

    entries: list[Scheme]
    by_id: dict[str, Scheme]
    of_scheme: dict[str, str]  # scheme_id -> entry id

    def get(self, entry_id: str) -> Scheme | None:
        return self.by_id.get(entry_id)

    def entry_of(self, scheme_id: str | None) -> Scheme | None:
        """The entry a `schemes` row (an award's scheme_id) belongs to."""
        found = self.of_scheme.get(scheme_id) if scheme_id else None
        return self.by_id.get(found) if found else None


_SCHEMES_SQL = (
    "SELECT s.*, o.name AS funder_name, o.name_key AS funder_key, o.funder_level, "
    "o.governed_territory_id, src.imported_at, src.title AS source_title, "
    "src.publisher, src.licence FROM schemes s "
    "LEFT JOIN organisations o ON o.organisation_id = s.funder_id "
    "LEFT JOIN sources src ON src.source_id = s.source_id")
_FIELD_SOURCES_SQL = (
    "SELECT f.scheme_id, f.field, f.source_id, f.locator, f.rule, src.title AS source_title, "
    "src.publisher, src.licence, src.url AS source_url, src.imported_at "
    "FROM scheme_field_sources f LEFT JOIN sources src USING (source_id) "
    "ORDER BY f.scheme_id, f.field, f.source_id")


def catalogue(a: Reader, *, fictitious: bool = True) -> Catalogue:
    """The whole catalogue (fictitious schemes left out with `fictitious=False`), sorted by
    level (widest first), funder and name. A reader with a `memo` dict (the served, read-only
    atlas) builds it once and keeps it there; treat the result as read-only."""
    memo = getattr(a, "memo", None)
    if memo is None:
        return _catalogue(a, fictitious)
    key = ("schemes.catalogue", fictitious)
    if key not in memo:
        memo[key] = _catalogue(a, fictitious)
    return memo[key]


def _catalogue(a: Reader, fictitious: bool) -> Catalogue:
    rows = a.frame(_SCHEMES_SQL + ("" if fictitious else " WHERE NOT s.fictitious"))
    if rows.is_empty():
        return Catalogue([], {}, {})
    rows = rows.with_columns(
        pl.struct("funder_key", "name_key").map_elements(
            lambda r: catalogue_id(r["funder_key"], r["name_key"]), return_dtype=pl.Utf8)
        .alias("entry_id"))
    of_scheme = dict(zip(rows["scheme_id"].to_list(), rows["entry_id"].to_list(), strict=True))
    sources = _by_scheme(a.frame(_FIELD_SOURCES_SQL))
    bodies = _by_scheme(a.frame("SELECT * FROM scheme_bodies ORDER BY scheme_id, role, name"))
    dates = _by_scheme(a.frame("SELECT * FROM scheme_dates ORDER BY scheme_id, date, kind"))
    documents = _by_scheme(a.frame(
        "SELECT * FROM scheme_documents ORDER BY scheme_id, kind, published_from, title"))
    entries = []
    for (entry_id,), group in rows.group_by(["entry_id"], maintain_order=True):
        members = sorted(group.to_dicts(), key=lambda r: str(r["imported_at"]), reverse=True)
        entries.append(_entry(entry_id, members, of_scheme, sources, bodies, dates, documents))
    entries.sort(key=_order)
    return Catalogue(entries, {e.id: e for e in entries}, of_scheme)


def _by_scheme(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame.to_dicts():
        out.setdefault(row["scheme_id"], []).append(row)
    return out


def _entry(entry_id: str, members: list[dict[str, Any]], of_scheme: dict[str, str],
           sources: dict[str, list[dict[str, Any]]], bodies: dict[str, list[dict[str, Any]]],
           dates: dict[str, list[dict[str, Any]]],
           documents: dict[str, list[dict[str, Any]]]) -> Scheme:
    first = members[0]
    values: dict[str, Any] = {}
    field_sources: dict[str, list[dict[str, Any]]] = {}
    for name in COLUMNS:
        claims = [(min((RULE_ORDER.get(s["rule"], 9) for s in _of(sources, m, name)),
                       default=9), i, m) for i, m in enumerate(members)
                  if _known(m.get(name))]
        if claims:
            _, _, best = min(claims, key=lambda c: (c[0], c[1]))
            values[name] = best[name]
            field_sources[name] = [_source(s) for s in _of(sources, best, name)]
    for name in ("name", "level", "url", "stage"):
        giver = next((m for m in members if _known(m.get(name))), None)
        if giver is not None:
            field_sources[name] = [_row_source(giver, "funder" if name == "level"
                                               else "published")]
    funder = next((m for m in members if m.get("funder_id")), None)
    if funder is not None:
        field_sources["funder"] = [_row_source(funder, "published")]
    parent = next((m["parent_scheme_id"] for m in members if m.get("parent_scheme_id")), None)

    def union(table: dict[str, list[dict[str, Any]]], key: tuple[str, ...]) -> list[dict]:
        """The members' rows, once per key; of two rows with one key, the one saying more
        (fewer unknown columns: an award list that says since when)."""
        kept: dict[tuple, dict[str, Any]] = {}
        for m in members:
            for row in table.get(m["scheme_id"], []):
                k = tuple(row.get(c) for c in key)
                row = {c: v for c, v in row.items() if c != "scheme_id"}
                if k not in kept or _unknowns(row) < _unknowns(kept[k]):
                    kept[k] = row
        return list(kept.values())

    return Scheme(
        id=entry_id, name=first["name"], scheme_ids=[m["scheme_id"] for m in members],
        funder_ids=sorted({m["funder_id"] for m in members if m.get("funder_id")}),
        funder_name=next((m["funder_name"] for m in members if m.get("funder_name")), None),
        funder_level=next((m["funder_level"] for m in members if m.get("funder_level")), None),
        governed_territory_id=next((m["governed_territory_id"] for m in members
                                    if m.get("governed_territory_id")), None),
        level=next((m["level"] for m in members if m.get("level")), None),
        url=next((m["url"] for m in members if m.get("url")), None),
        stage=next((m["stage"] for m in members if m.get("stage")), None),
        parent_id=of_scheme.get(parent) if parent else None,
        values=values, field_sources=field_sources,
        bodies=union(bodies, ("name", "role")),
        dates=union(dates, ("kind", "date")),
        documents=union(documents, ("kind", "title")),
        sources=sorted({m["source_id"] for m in members}
                       | {s["source_id"] for m in members
                          for s in sources.get(m["scheme_id"], [])}),
        fictitious=any(m["fictitious"] for m in members))


def _of(sources: dict[str, list[dict[str, Any]]], member: dict[str, Any],
        name: str) -> list[dict[str, Any]]:
    return [s for s in sources.get(member["scheme_id"], []) if s["field"] == name]


def _unknowns(row: dict[str, Any]) -> int:
    return sum(v is None for v in row.values())


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, (list, str)) and len(value) == 0)


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("source_id", "source_title", "publisher", "licence",
                                    "locator", "rule")}


def _row_source(member: dict[str, Any], rule: str) -> dict[str, Any]:
    """A base field's source: the row's own (the level is the funder's)."""
    return {"source_id": member["source_id"], "source_title": member.get("source_title"),
            "publisher": member.get("publisher"), "licence": member.get("licence"),
            "locator": None, "rule": rule}


def _order(entry: Scheme) -> tuple:
    level = LEVEL_ORDER.index(entry.level) if entry.level in LEVEL_ORDER else len(LEVEL_ORDER)
    return (level, entry.funder_name or "", entry.name.casefold())


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _jsonable_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in row.items()}
