"""Venues (CNC cinemas) and festivals: their JSON API (the reads are `queries.places`).

The search functions and filters are re-exported here for the pages that imported them.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel

from cineatlas.queries.places import (
    FestivalFilters,
    FestivalSort,
    VenueFilters,
    VenueSort,
    festival,
    festivals_frame,
    venue,
    venues_frame,
)
from cineatlas.web.api import Page, PerPage, atlas, page_of
from cineatlas.web.errors import INVALID, NOT_FOUND, excerpt

router = APIRouter(prefix="/api/v1", responses=INVALID)


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
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in row.items()}


__all__ = ["FestivalFilters", "VenueFilters", "festival", "festivals_frame", "router", "venue",
           "venues_frame"]
