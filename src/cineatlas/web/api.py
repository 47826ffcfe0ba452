"""The JSON API: territories, indicators and awards, paginated the same way everywhere.

Lists answer {"data": [...], "page", "per_page", "total"}; every parameter is validated.
"""

from __future__ import annotations

import difflib
import math
import threading
from enum import Enum
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from cineatlas import optout
from cineatlas.indicators import Cut, Engine, registry
from cineatlas.indicators.cut import LEVELS
from cineatlas.queries import awards as award_queries
from cineatlas.queries import common as queries
from cineatlas.queries import territories as territory_queries
from cineatlas.queries.awards import AwardFilters
from cineatlas.queries.names import with_territory_name
from cineatlas.store import Store
from cineatlas.web.concurrency import Cursors, Limits, Workers
from cineatlas.web.downloads import (  # noqa: F401 (safe_csv: imported from here by others)
    MAX_DOWNLOAD,
    Dialect,
    DialectParam,
    Units,
    UnitsParam,
    csv_response,
    safe_csv,
)
from cineatlas.web.errors import BAD_REQUEST, INVALID, NOT_FOUND, excerpt
from cineatlas.web.filters import DEFAULT_SORT, FacetName, SectorParam, SortParam, award_filters

router = APIRouter(prefix="/api/v1", responses=INVALID)

Page = Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Rows per page (at most 500).")]
Text = Annotated[str | None, Query(max_length=200)]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
#: Territory levels, as a validated enumeration.
Level = Enum("Level", {level: level for level in LEVELS}, type=str)


class Atlas:
    """The store the API reads (read-only): a cursor per thread for queries, and the cold
    workers for indicator computations (see concurrency.py)."""

    def __init__(self, store: Store, limits: Limits | None = None) -> None:
        self.store = store
        self.cursors = Cursors(store.con)
        self.lock = self.cursors.lock  # the store's own connection (its cursors are made on it)
        # the territory filters' hierarchy and the search index, readable by every cursor
        self.cursors.register("territory_closure", Engine.duckdb(store).closure.to_arrow())
        self._search_lock = threading.Lock()
        self._search_for = optout.active()
        self.cursors.register("award_search", award_queries.search_index(self).to_arrow())
        self.cursors.register("territory_search",
                              territory_queries.search_index(store).to_arrow())
        self.workers = Workers(store.path, limits or Limits())
        self.gate = self.workers.gate
        #: what the read layer computes once per served store (e.g. the scheme catalogue)
        self.memo: dict[Any, Any] = {}

    @property
    def read_only(self) -> bool:
        """Whether the store cannot change while served (what `optout` may remember)."""
        return self.store.read_only

    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """A query on this thread's cursor (requests never wait for each other's queries)."""
        if "award_search" in sql:
            self._search_current()
        return self.cursors.cursor().sql(sql, params=params or None).pl()

    def _search_current(self) -> None:
        """The award search index names beneficiaries as outputs do (`optout`): made again
        when the opt-out list has changed since it was made."""
        listed = optout.active()
        if listed == self._search_for:
            return
        with self._search_lock:
            if listed != self._search_for:
                self.cursors.register("award_search",
                                      award_queries.search_index(self).to_arrow())
                self._search_for = listed

    def close(self) -> None:
        self.workers.close()
        self.cursors.close()


def atlas(request: Request) -> Atlas:
    return request.app.state.atlas


def page_of(frame: pl.DataFrame, total: int, page: int, per_page: int) -> dict[str, Any]:
    rows = [{k: _json(v) for k, v in row.items()} for row in frame.to_dicts()]
    return {"data": rows, "page": page, "per_page": per_page, "total": total,
            "pages": math.ceil(total / per_page) if total else 0}


def _json(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@router.get("/territories", summary="Territories, filtered and paginated")
def territories(request: Request, level: Level | None = None,
                country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
                q: Text = None, page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    frame, total = territory_queries.territories(
        atlas(request), level=level.value if level else None, country=country, q=q,
        limit=per_page, offset=(page - 1) * per_page)
    return page_of(frame, total, page, per_page)


@router.get("/territories/{territory_id}", summary="One territory", responses=NOT_FOUND)
def territory(request: Request,
              territory_id: Annotated[str, Path(max_length=40)]) -> dict[str, Any]:
    row = territory_queries.territory_record(atlas(request), territory_id)
    if row is None:
        raise HTTPException(404, f"No territory {excerpt(territory_id)}.")
    return {"data": {k: _json(v) for k, v in row.items()}}


@router.get("/territories/{territory_id}/profile", responses=NOT_FOUND,
            summary="What a territory's profile page shows")
def territory_profile(request: Request,
                      territory_id: Annotated[str, Path(max_length=40)]) -> dict[str, Any]:
    """Key figures against the national median, support by year, breakdowns by stage, format,
    genre and funder, top beneficiaries, cinemas, cinema festivals, the territories above
    and within."""
    profile = request.app.state.views.profile(territory_id)
    if profile is None:
        raise HTTPException(404, f"No territory {excerpt(territory_id)}.")
    place = {k: v for k, v in profile["territory"].items() if k not in ("geojson", "source_id")}
    return {"data": _plain(profile | {"territory": place})}  # the profile itself is shared


def _plain(value: Any) -> Any:
    """JSON-ready copy of nested dicts and lists (dates as ISO text, NaN as null)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return _json(value)


@router.get("/indicators", summary="The indicator catalogue")
def indicators() -> dict[str, Any]:
    return {"data": [_declaration(item) for item in registry.catalogue()]}


@router.get("/indicators/{indicator_id}", summary="One indicator's published method",
            responses=NOT_FOUND)
def indicator(indicator_id: str) -> dict[str, Any]:
    return {"data": _declaration(_get(indicator_id))}


@router.get("/indicators/{indicator_id}/values", responses={**NOT_FOUND, **BAD_REQUEST},
            summary="An indicator for every territory of a level")
def indicator_values(request: Request, indicator_id: str,
                     level: Level = Level.region,
                     territory: Annotated[list[str] | None, Query(max_length=50)] = None,
                     year_from: Year = None, year_to: Year = None, by_year: bool = False,
                     include_superseded: Annotated[bool, Query(
                         description="Count every signed value, the rows a later amendment "
                                     "superseded too (default: each contract once)")] = False,
                     sector: SectorParam = queries.DEFAULT_SECTOR,
                     page: Page = 1, per_page: PerPage = 500) -> dict[str, Any]:
    """Each value with its currency (money), coverage, `fictitious` (TRUE when it rests on
    any fictitious row) and `sources`."""
    _get(indicator_id)
    years = None
    if year_from is not None or year_to is not None:
        years = (year_from or year_to, year_to or year_from)
    code = queries.sector_value(sector)
    cut = Cut(level=level.value, territories=tuple(territory or ()), years=years, by_year=by_year,
              include_superseded=include_superseded,
              sectors=() if code == queries.ALL_SECTORS else (code,))
    frame = request.app.state.views.values(indicator_id, cut)
    total = frame.height
    return page_of(frame.slice((page - 1) * per_page, per_page), total, page, per_page)


Filters = Annotated[AwardFilters, Depends(award_filters)]


@router.get("/awards", summary="Awards: full-text search and facets, paginated")
def awards(request: Request, filters: Filters, page: Page = 1, per_page: PerPage = 50,
           sort: SortParam = DEFAULT_SORT) -> dict[str, Any]:
    """Facets take several values (`funder=a&funder=b`: awards of either funder) and combine
    with each other (and); `amount_min` and `amount_max` are in currency units. When no award
    matches, `without` gives, for each filter, how many awards the others find."""
    a = atlas(request)
    frame, total = award_queries.awards(a, filters, per_page, (page - 1) * per_page, sort.value)
    out = page_of(frame, total, page, per_page)
    if total == 0:
        out["without"] = award_queries.without_each(a, filters)
    return out


@router.get("/awards/facets/{facet}", summary="Every value of an award facet, paginated",
            responses=NOT_FOUND)
def award_facet(request: Request, filters: Filters, facet: FacetName,
                facet_q: Annotated[str | None, Query(max_length=200, description=(
                    "Only the values whose name holds these words (accents, ligatures and "
                    "case aside)."))] = None,
                page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    """The values of one facet under the other filters (not the facet's own), with how many
    awards each gives, most frequent first."""
    frame, total = award_queries.facet_values(atlas(request), filters, facet.value, facet_q,
                                              per_page, (page - 1) * per_page)
    return page_of(frame, total, page, per_page)


@router.get("/awards.csv", summary="Awards: the same search, every row, as CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def awards_csv(request: Request, filters: Filters, sort: SortParam = DEFAULT_SORT,
               dialect: DialectParam = Dialect.csv, units: UnitsParam = Units.major) -> Response:
    """Amounts in currency units (`amount`, exact decimal text) unless `units=minor`; the
    beneficiary's territory named beside its id; `dialect=excel-fr` for a French spreadsheet.
    Columns: /data-dictionary."""
    a = atlas(request)
    frame, _ = award_queries.awards(a, filters, MAX_DOWNLOAD, sort=sort.value)
    frame = with_territory_name(a, frame, "beneficiary_territory_id", "beneficiary_territory")
    return csv_response(frame, "awards", dialect, units)


def _get(indicator_id: str) -> registry.Indicator:
    try:
        return registry.get(indicator_id)
    except registry.UnknownIndicator:
        # the catalogue is too long to list in a message: the closest ids, and where they are
        known = [item.id for item in registry.catalogue()]
        close = difflib.get_close_matches(indicator_id[:100], known, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise HTTPException(404, f"No indicator {excerpt(indicator_id)}. Known indicators: the "
                            f"{len(known)} of /api/v1/indicators.{hint}") from None


def _declaration(item: registry.Indicator) -> dict[str, Any]:
    return {"id": item.id, "theme": item.theme, "title_fr": item.title_fr,
            "title_en": item.title_en,
            "definition_fr": item.definition_fr, "definition_en": item.definition_en,
            "formula": item.formula, "unit": item.unit, "subject": item.subject,
            "needs": list(item.needs), "caveats_fr": list(item.caveats_fr),
            "caveats_en": list(item.caveats_en), "filters": list(item.filters),
            "extras": {k: {"fr": fr, "en": en} for k, (fr, en) in item.extras.items()}}
