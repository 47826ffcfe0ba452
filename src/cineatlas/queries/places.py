"""Venues (CNC cinemas) and festivals: the reads the pages, the JSON API and the downloads share.

`venues_frame` and `festivals_frame` return (rows, total) for a set of filters; the territory
filter reaches every commune below the territory (`territory_closure`), `q` ignores accents and
case, an empty text filter is no filter (as a form sends it). Rows carry latitude and longitude
for maps; no contact detail is stored, none is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Protocol

import polars as pl
from fastapi import Query

from cineatlas.importers.cnc_cinemas import AE_CATEGORIES, AE_LABEL_CODES
from cineatlas.importers.festivals import DECADES, PERIODS, SCOPES

AeCategory = Enum("AeCategory", {c: c for c in AE_CATEGORIES}, type=str)
AeLabel = Enum("AeLabel", {c: c for c in AE_LABEL_CODES}, type=str)
Scope = Enum("Scope", {s: s for s in (*SCOPES, "other")}, type=str)
Period = Enum("Period", {p: p for p in PERIODS}, type=str)
Decade = Enum("Decade", {d: d for d in DECADES.values()}, type=str)
VenueSort = Enum("VenueSort", {s: s for s in ("name", "admissions", "screens", "seats")}, type=str)
FestivalSort = Enum("FestivalSort", {s: s for s in ("name", "creation_year")}, type=str)

Territory = Annotated[str | None, Query(
    max_length=40, description="A territory id (e.g. FR-R53, FR-D35, FR-C35238): the places of "
    "every commune it holds.")]
Search = Annotated[str | None, Query(
    max_length=200, description="Text searched in names, addresses and communes, ignoring "
    "accents and case.")]
CreationYear = Annotated[int | None, Query(ge=1000, le=2100)]


class Reader(Protocol):
    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame: ...


@dataclass(frozen=True)
class VenueFilters:
    """Filters of the cinemas list (every one validated)."""

    territory: Territory = None
    q: Search = None
    art_et_essai: Annotated[bool | None, Query(description="Classified Art et Essai.")] = None
    category: Annotated[AeCategory | None, Query(description="Art et Essai category.")] = None
    label: Annotated[list[AeLabel] | None, Query(
        max_length=3, description="Art et Essai labels the cinema holds, all of them: RD "
        "(Recherche et Découverte), JP (Jeune Public), PR (Patrimoine et Répertoire).")] = None
    itinerant: Annotated[bool | None, Query(description="Itinerant circuit.")] = None
    multiplex: Annotated[bool | None, Query(description="Multiplex.")] = None

    def where(self) -> tuple[str, list[Any]]:
        where, params = _common(self.territory, self.q, "v",
                                "v.name, v.address, t.name, v.programmer")
        for column in ("art_et_essai", "itinerant", "multiplex"):
            if getattr(self, column) is not None:
                where.append(f"v.{column} = ?")
                params.append(getattr(self, column))
        if self.category is not None:
            where.append("v.ae_category = ?")
            params.append(_value(self.category))
        if self.label:
            where.append("list_has_all(v.ae_labels, ?::VARCHAR[])")
            params.append(sorted({_value(label) for label in self.label}))
        return " AND ".join(where), params


@dataclass(frozen=True)
class FestivalFilters:
    """Filters of the festivals list (every one validated)."""

    territory: Territory = None
    q: Search = None
    cinema: Annotated[bool | None, Query(
        description="Cinema and audiovisual festivals (true) or the other disciplines.")] = None
    discipline: Annotated[str | None, Query(
        max_length=100, description="Main discipline as published, e.g. 'Musique'.")] = None
    subcategory: Annotated[str | None, Query(
        max_length=100, description="A cinema sub-category, e.g. 'Documentaire'.")] = None
    scope: Annotated[Scope | None, Query(description="Territorial scope (envergure).")] = None
    period: Annotated[Period | None, Query(description="Main period of the year.")] = None
    decade: Annotated[Decade | None, Query(description="Decade of creation.")] = None
    created_from: Annotated[CreationYear, Query(description="Created this year or later.")] = None
    created_to: Annotated[CreationYear, Query(description="Created this year or earlier.")] = None

    def where(self) -> tuple[str, list[Any]]:
        where, params = _common(self.territory, self.q, "f", "f.name, t.name")
        equal = {"cinema": "f.is_cinema", "discipline": "f.discipline", "scope": "f.scope",
                 "period": "f.period", "decade": "f.creation_decade"}
        for name, column in equal.items():
            if getattr(self, name) not in (None, ""):
                where.append(f"{column} = ?")
                params.append(_value(getattr(self, name)))
        if self.subcategory:
            where.append("list_contains(f.cinema_subcategories, ?)")
            params.append(self.subcategory)
        if self.created_from is not None:
            where.append("f.creation_year >= ?")
            params.append(self.created_from)
        if self.created_to is not None:
            where.append("f.creation_year <= ?")
            params.append(self.created_to)
        return " AND ".join(where), params


VENUE_COLUMNS = ("v.venue_id, v.reference, v.name, v.address, v.territory_id, t.name AS commune, "
                 "v.year, v.screens, v.seats, v.weeks_active, v.shows, v.admissions, "
                 "v.admissions_previous, v.art_et_essai, v.ae_category, v.ae_labels, v.multiplex, "
                 "v.itinerant, v.programmer, v.urban_unit, v.latitude, v.longitude, v.fictitious, "
                 "v.source_id")
VENUES_FROM = "FROM venues v LEFT JOIN territories t ON t.territory_id = v.territory_id"
FESTIVAL_COLUMNS = ("f.festival_id, f.reference, f.name, f.discipline, f.is_cinema, "
                    "f.cinema_subcategories, f.territory_id, t.name AS commune, f.scope, "
                    "f.creation_year, f.creation_decade, f.period, f.website, f.latitude, "
                    "f.longitude, f.fictitious, f.source_id")
FESTIVALS_FROM = "FROM festivals f LEFT JOIN territories t ON t.territory_id = f.territory_id"
VENUE_ORDER = {"name": "v.name, v.venue_id",
               "admissions": "v.admissions DESC NULLS LAST, v.venue_id",
               "screens": "v.screens DESC NULLS LAST, v.venue_id",
               "seats": "v.seats DESC NULLS LAST, v.venue_id"}
FESTIVAL_ORDER = {"name": "f.name, f.festival_id",
                  "creation_year": "f.creation_year NULLS LAST, f.festival_id"}


def venues_frame(a: Reader, filters: VenueFilters | None = None, *, sort: str = "name",
                 limit: int | None = None, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(cinemas matching `filters`, ordered by `sort` and sliced, total count)."""
    return _search(a, filters or VenueFilters(), VENUE_COLUMNS, VENUES_FROM,
                   VENUE_ORDER[_value(sort)], limit, offset)


def festivals_frame(a: Reader, filters: FestivalFilters | None = None, *, sort: str = "name",
                    limit: int | None = None, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(festivals matching `filters`, ordered by `sort` and sliced, total count)."""
    return _search(a, filters or FestivalFilters(), FESTIVAL_COLUMNS, FESTIVALS_FROM,
                   FESTIVAL_ORDER[_value(sort)], limit, offset)


def venue(a: Reader, venue_id: str) -> dict[str, Any] | None:
    """One cinema (with its source), or None."""
    return _one(a, f"SELECT {VENUE_COLUMNS}, v.row_number {VENUES_FROM} "
                   "WHERE v.venue_id = ?", venue_id)


def festival(a: Reader, festival_id: str) -> dict[str, Any] | None:
    """One festival (with its source), or None."""
    return _one(a, f"SELECT {FESTIVAL_COLUMNS}, f.row_number {FESTIVALS_FROM} "
                   "WHERE f.festival_id = ?", festival_id)


def _common(territory: str | None, q: str | None, alias: str,
            text: str) -> tuple[list[str], list[Any]]:
    where, params = ["TRUE"], []
    if territory:
        where.append(f"{alias}.territory_id IN "
                     "(SELECT territory_id FROM territory_closure WHERE ancestor_id = ?)")
        params.append(territory)
    if q:
        where.append(f"contains(strip_accents(lower(concat_ws(' ', {text}))), "
                     "strip_accents(lower(?)))")
        params.append(q)
    return where, params


def _search(a: Reader, filters: VenueFilters | FestivalFilters, columns: str, source: str,
            order: str, limit: int | None, offset: int) -> tuple[pl.DataFrame, int]:
    where, params = filters.where()  # territory_closure: registered by Atlas
    total = a.frame(f"SELECT count(*) AS n {source} WHERE {where}", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    frame = a.frame(f"SELECT {columns} {source} WHERE {where} ORDER BY {order}{page}", params)
    return frame, int(total)


def _one(a: Reader, sql: str, key: str) -> dict[str, Any] | None:
    rows = a.frame(sql, [key]).to_dicts()
    return rows[0] if rows else None


def _value(item: Any) -> Any:
    return item.value if isinstance(item, Enum) else item


def venue_summary(a: Reader, filters: VenueFilters | None = None) -> dict[str, Any]:
    """What the cinemas matching `filters` add up to: n, screens, seats, admissions (of the
    cinemas that publish each; NULL when none does), ae (classified Art et Essai), and
    provenance (fictitious, sources)."""
    where, params = (filters or VenueFilters()).where()
    return a.frame(
        "SELECT count(*) AS n, sum(v.screens)::BIGINT AS screens, sum(v.seats)::BIGINT AS seats, "
        "sum(v.admissions)::BIGINT AS admissions, count(*) FILTER (WHERE v.art_et_essai) AS ae, "
        "coalesce(bool_or(v.fictitious), FALSE) AS fictitious, "
        "coalesce(list(DISTINCT v.source_id ORDER BY v.source_id), []) AS sources "
        f"{VENUES_FROM} WHERE {where}", params).to_dicts()[0]


def festival_summary(a: Reader, filters: FestivalFilters | None = None) -> dict[str, Any]:
    """How many festivals match `filters`, how many in each period (`periods`: code → n in
    the year's order, NULL period last under None), and provenance."""
    where, params = (filters or FestivalFilters()).where()
    frame = a.frame(f"SELECT f.period, count(*) AS n, bool_or(f.fictitious) AS fictitious, "
                    f"list(DISTINCT f.source_id) AS sources {FESTIVALS_FROM} WHERE {where} "
                    "GROUP BY ALL ORDER BY f.period NULLS LAST", params)
    sources = sorted({s for row in frame["sources"].to_list() for s in row})
    counts = dict(frame.select("period", "n").iter_rows())
    order = [*PERIODS, None]  # the year's order, the unpublished last
    periods = {p: counts[p] for p in sorted(counts, key=lambda p: order.index(p)
                                            if p in order else len(order))}
    return {"n": int(frame["n"].sum()), "periods": periods,
            "fictitious": bool(frame["fictitious"].any()), "sources": sources}


#: The département and region (or province and Québec region) of each place, for downloads.
_AREAS = ("LEFT JOIN (SELECT c.territory_id AS area_of, "
          "max(t.territory_id) FILTER (WHERE t.level IN ('department', 'qc_region')) "
          "AS department_id, max(t.name) FILTER (WHERE t.level IN ('department', 'qc_region')) "
          "AS department, max(t.territory_id) FILTER (WHERE t.level IN ('region', 'province')) "
          "AS region_id, max(t.name) FILTER (WHERE t.level IN ('region', 'province')) AS region "
          "FROM territory_closure c JOIN territories t ON t.territory_id = c.ancestor_id "
          "GROUP BY c.territory_id) areas ON areas.area_of = {alias}.territory_id")


def venues_download(a: Reader, filters: VenueFilters | None = None,
                    sort: str = "name") -> pl.DataFrame:
    """Every cinema matching `filters`, as a download: its columns with the commune's
    département and region named beside their codes."""
    where, params = (filters or VenueFilters()).where()
    return a.frame(
        f"SELECT {VENUE_COLUMNS}, areas.department_id, areas.department, areas.region_id, "
        f"areas.region {VENUES_FROM} {_AREAS.format(alias='v')} WHERE {where} "
        f"ORDER BY {VENUE_ORDER[_value(sort)]}", params)


def festivals_download(a: Reader, filters: FestivalFilters | None = None,
                       sort: str = "name") -> pl.DataFrame:
    """Every festival matching `filters`, as a download (see `venues_download`)."""
    where, params = (filters or FestivalFilters()).where()
    return a.frame(
        f"SELECT {FESTIVAL_COLUMNS}, areas.department_id, areas.department, areas.region_id, "
        f"areas.region {FESTIVALS_FROM} {_AREAS.format(alias='f')} WHERE {where} "
        f"ORDER BY {FESTIVAL_ORDER[_value(sort)]}", params)
