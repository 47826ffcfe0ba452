"""Venues (CNC cinemas) and festivals: search functions the pages call, and their JSON API.

`venues_frame` and `festivals_frame` return (rows, total) for a set of filters; the territory
filter reaches every commune below the territory (`territory_closure`), `q` ignores accents and
case, an empty text filter is no filter (as a form sends it). Rows carry latitude and longitude
for maps; no contact detail is stored, none is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel

from cineatlas.importers.cnc_cinemas import AE_CATEGORIES, AE_LABEL_CODES
from cineatlas.importers.festivals import DECADES, PERIODS, SCOPES
from cineatlas.web.api import Atlas, Page, PerPage, atlas, page_of
from cineatlas.web.errors import INVALID, NOT_FOUND, excerpt

router = APIRouter(prefix="/api/v1", responses=INVALID)

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


def venues_frame(a: Atlas, filters: VenueFilters | None = None, *, sort: str = "name",
                 limit: int | None = None, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(cinemas matching `filters`, ordered by `sort` and sliced, total count)."""
    return _search(a, filters or VenueFilters(), VENUE_COLUMNS, VENUES_FROM,
                   VENUE_ORDER[_value(sort)], limit, offset)


def festivals_frame(a: Atlas, filters: FestivalFilters | None = None, *, sort: str = "name",
                    limit: int | None = None, offset: int = 0) -> tuple[pl.DataFrame, int]:
    """(festivals matching `filters`, ordered by `sort` and sliced, total count)."""
    return _search(a, filters or FestivalFilters(), FESTIVAL_COLUMNS, FESTIVALS_FROM,
                   FESTIVAL_ORDER[_value(sort)], limit, offset)


def venue(a: Atlas, venue_id: str) -> dict[str, Any] | None:
    """One cinema (with its source), or None."""
    return _one(a, f"SELECT {VENUE_COLUMNS}, v.row_number {VENUES_FROM} "
                   "WHERE v.venue_id = ?", venue_id)


def festival(a: Atlas, festival_id: str) -> dict[str, Any] | None:
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


def _search(a: Atlas, filters: VenueFilters | FestivalFilters, columns: str, source: str,
            order: str, limit: int | None, offset: int) -> tuple[pl.DataFrame, int]:
    where, params = filters.where()  # territory_closure: registered by Atlas
    total = a.frame(f"SELECT count(*) AS n {source} WHERE {where}", params)["n"][0]
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    frame = a.frame(f"SELECT {columns} {source} WHERE {where} ORDER BY {order}{page}", params)
    return frame, int(total)


def _one(a: Atlas, sql: str, key: str) -> dict[str, Any] | None:
    frame = a.frame(sql, [key])
    return None if frame.is_empty() else page_of(frame, 1, 1, 1)["data"][0]


def _value(item: Any) -> Any:
    return item.value if isinstance(item, Enum) else item


# --- the JSON API ---------------------------------------------------------------------------

T = TypeVar("T")


class Paginated(BaseModel, Generic[T]):
    """A page of rows, as every list of the API answers."""

    data: list[T]
    page: int
    per_page: int
    total: int
    pages: int


class Venue(BaseModel):
    venue_id: str
    reference: str | None
    name: str
    address: str | None
    territory_id: str | None
    commune: str | None
    year: int | None
    screens: int | None
    seats: int | None
    weeks_active: int | None
    shows: int | None
    admissions: int | None
    admissions_previous: int | None
    art_et_essai: bool | None
    ae_category: str | None
    ae_labels: list[str] | None
    multiplex: bool | None
    itinerant: bool | None
    programmer: str | None
    urban_unit: str | None
    latitude: float | None
    longitude: float | None
    fictitious: bool
    source_id: str


class Festival(BaseModel):
    festival_id: str
    reference: str | None
    name: str
    discipline: str | None
    is_cinema: bool
    cinema_subcategories: list[str] | None
    territory_id: str | None
    commune: str | None
    scope: str | None
    creation_year: int | None
    creation_decade: str | None
    period: str | None
    website: str | None
    latitude: float | None
    longitude: float | None
    fictitious: bool
    source_id: str


class Sourced(BaseModel):
    source_id: str
    row_number: int | None


class VenueDetail(Sourced, Venue):
    pass


class FestivalDetail(Sourced, Festival):
    pass


class One(BaseModel, Generic[T]):
    data: T


@router.get("/venues", summary="Cinemas (CNC): filtered by territory, Art et Essai, labels…",
            response_model=Paginated[Venue])
def venues(request: Request, filters: Annotated[VenueFilters, Depends()],
           sort: Annotated[VenueSort, Query(description="Order: name, or largest first.")] = (
               VenueSort.name),
           page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    frame, total = venues_frame(atlas(request), filters, sort=sort, limit=per_page,
                                offset=(page - 1) * per_page)
    return page_of(frame, total, page, per_page)


@router.get("/venues/{venue_id:path}", summary="One cinema", response_model=One[VenueDetail],
            responses=NOT_FOUND)
def venue_by_id(request: Request, venue_id: Annotated[str, Path(
        max_length=200, description="The cinema's id, as in the list.")]) -> dict[str, Any]:
    return {"data": _found(venue(atlas(request), venue_id), "cinema", venue_id)}


@router.get("/festivals", summary="Festivals: filtered by territory, discipline, creation…",
            response_model=Paginated[Festival])
def festivals(request: Request, filters: Annotated[FestivalFilters, Depends()],
              sort: Annotated[FestivalSort, Query(description="Order: name or creation year.")] = (
                  FestivalSort.name),
              page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    frame, total = festivals_frame(atlas(request), filters, sort=sort, limit=per_page,
                                   offset=(page - 1) * per_page)
    return page_of(frame, total, page, per_page)


@router.get("/festivals/{festival_id:path}", summary="One festival",
            response_model=One[FestivalDetail], responses=NOT_FOUND)
def festival_by_id(request: Request, festival_id: Annotated[str, Path(
        max_length=200, description="The festival's id, as in the list.")]) -> dict[str, Any]:
    return {"data": _found(festival(atlas(request), festival_id), "festival", festival_id)}


def _found(row: dict[str, Any] | None, kind: str, key: str) -> dict[str, Any]:
    if row is None:
        raise HTTPException(404, f"No {kind} {excerpt(key)}.")
    return row


__all__ = ["FestivalFilters", "VenueFilters", "festival", "festivals_frame", "router", "venue",
           "venues_frame"]
