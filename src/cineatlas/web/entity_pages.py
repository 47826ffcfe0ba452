"""The entity pages: cinemas and festivals (lists, one page each, CSV downloads), funders,
beneficiaries and works (their awards paged, with totals by funder and by year; a work's page
gathers every record of its resolved entity and shows its path across funders,
`queries.paths.work_path`).

The reads are `queries.places`, `queries.entities` and `queries.funders`; the pages follow the
atlas' rules (`queries.common`): cinema and audiovisual by default, one currency per figure,
provenance beside each figure. Page strings live in the templates (extracted for the French
catalogue from there).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from cineatlas import optout
from cineatlas.queries import awards as award_queries
from cineatlas.queries import common as queries
from cineatlas.queries import directory, entities, funders, paths, transparency
from cineatlas.queries import places as place_reads
from cineatlas.queries.common import DEFAULT_SECTOR
from cineatlas.queries.places import FestivalFilters, VenueFilters
from cineatlas.web import charts
from cineatlas.web.api import Page, atlas
from cineatlas.web.downloads import Dialect, DialectParam, csv_response
from cineatlas.web.errors import Message, excerpt
from cineatlas.web.filters import SectorParam
from cineatlas.web.pages import Context, Id, render, views

router = APIRouter(include_in_schema=False)

#: Rows on one page of a list.
PER_PAGE = 50
#: Form values (an empty choice is no filter).
TerritoryParam = Annotated[str | None, Query(max_length=40)]
SearchParam = Annotated[str | None, Query(max_length=200)]
YesNo = Annotated[str | None, Query(pattern=r"^(true|false)?$")]
AeLabel = Annotated[str | None, Query(pattern=r"^(RD|JP|PR)?$")]
VenueSort = Annotated[str, Query(pattern=r"^(name|admissions|screens|seats)$")]
FestivalSort = Annotated[str, Query(pattern=r"^(name|creation_year)$")]
#: Festivals shown: cinema and audiovisual (the default), the other disciplines, or all.
Discipline = Annotated[str, Query(pattern=r"^(cinema|other|all)$")]
PeriodParam = Annotated[str | None, Query(
    pattern=r"^(pre_season|season|post_season|variable|other)?$")]


def _bool(value: str | None) -> bool | None:
    return None if not value else value == "true"


def _pages(total: int, per_page: int = PER_PAGE) -> int:
    return math.ceil(total / per_page) if total else 0


def _place(request: Request, territory: str | None) -> dict[str, Any] | None:
    """The territory a list is filtered on (404 when unknown)."""
    if not territory:
        return None
    place = views(request).territory(territory)
    if place is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory)))
    return place


# -- cinemas ------------------------------------------------------------------------------


def _venue_filters(territory: str | None, q: str | None, art_et_essai: str | None,
                   label: str | None) -> VenueFilters:
    return VenueFilters(territory=territory or None, q=q or None,
                        art_et_essai=_bool(art_et_essai), label=[label] if label else None)


@router.get("/cinemas", response_class=HTMLResponse)
def cinemas(request: Request, territory: TerritoryParam = None, q: SearchParam = None,
            art_et_essai: YesNo = None, label: AeLabel = None, sort: VenueSort = "name",
            page: Page = 1) -> HTMLResponse:
    place = _place(request, territory)
    filters = _venue_filters(territory, q, art_et_essai, label)
    a = atlas(request)
    frame, total = place_reads.venues_frame(a, filters, sort=sort, limit=PER_PAGE,
                                            offset=(page - 1) * PER_PAGE)
    form = {"territory": territory, "q": q, "art_et_essai": art_et_essai, "label": label,
            "sort": None if sort == "name" else sort}
    return render(request, "cinemas.html", rows=frame.to_dicts(), total=total, page=page,
                  pages=_pages(total), place=place, form=form,
                  summary=place_reads.venue_summary(a, filters))


@router.get("/cinemas.csv")
def cinemas_csv(request: Request, territory: TerritoryParam = None, q: SearchParam = None,
                art_et_essai: YesNo = None, label: AeLabel = None,
                sort: VenueSort = "name", dialect: DialectParam = Dialect.csv) -> Response:
    """Columns: /data-dictionary (`dialect=excel-fr` for a French spreadsheet)."""
    _place(request, territory)
    filters = _venue_filters(territory, q, art_et_essai, label)
    return csv_response(place_reads.venues_download(atlas(request), filters, sort), "cinemas",
                        dialect)


@router.get("/cinema/{venue_id:path}", response_class=HTMLResponse)
def cinema(request: Request, venue_id: Id) -> HTMLResponse:
    row = place_reads.venue(atlas(request), venue_id)
    if row is None:
        raise HTTPException(404, Message("No cinema %(id)s.", id=excerpt(venue_id)))
    v = views(request)
    return render(request, "cinema.html", venue=row,
                  ancestors=v.ancestors(row["territory_id"]) if row["territory_id"] else [],
                  source=v.source_notes.get(row["source_id"]))


# -- festivals ----------------------------------------------------------------------------


def _festival_filters(territory: str | None, q: str | None, discipline: str,
                      period: str | None) -> FestivalFilters:
    cinema = {"cinema": True, "other": False, "all": None}[discipline]
    return FestivalFilters(territory=territory or None, q=q or None, cinema=cinema,
                           period=period or None)


@router.get("/festivals", response_class=HTMLResponse)
def festivals(request: Request, territory: TerritoryParam = None, q: SearchParam = None,
              discipline: Discipline = "cinema", period: PeriodParam = None,
              sort: FestivalSort = "name", page: Page = 1) -> HTMLResponse:
    place = _place(request, territory)
    filters = _festival_filters(territory, q, discipline, period)
    a = atlas(request)
    frame, total = place_reads.festivals_frame(a, filters, sort=sort, limit=PER_PAGE,
                                               offset=(page - 1) * PER_PAGE)
    form = {"territory": territory, "q": q, "period": period,
            "discipline": None if discipline == "cinema" else discipline,
            "sort": None if sort == "name" else sort}
    return render(request, "festivals.html", rows=frame.to_dicts(), total=total, page=page,
                  pages=_pages(total), place=place, form=form,
                  summary=place_reads.festival_summary(a, filters))


@router.get("/festivals.csv")
def festivals_csv(request: Request, territory: TerritoryParam = None, q: SearchParam = None,
                  discipline: Discipline = "cinema", period: PeriodParam = None,
                  sort: FestivalSort = "name", dialect: DialectParam = Dialect.csv) -> Response:
    """Columns: /data-dictionary (`dialect=excel-fr` for a French spreadsheet)."""
    _place(request, territory)
    filters = _festival_filters(territory, q, discipline, period)
    return csv_response(place_reads.festivals_download(atlas(request), filters, sort),
                        "festivals", dialect)


@router.get("/festival/{festival_id:path}", response_class=HTMLResponse)
def festival(request: Request, festival_id: Id) -> HTMLResponse:
    row = place_reads.festival(atlas(request), festival_id)
    if row is None:
        raise HTTPException(404, Message("No festival %(id)s.", id=excerpt(festival_id)))
    v = views(request)
    website = row["website"] or ""
    if website and not website.lower().startswith(("http://", "https://")):
        website = "http://" + website  # published without its scheme ("www.…")
    return render(request, "festival.html", festival=row, website=website,
                  ancestors=v.ancestors(row["territory_id"]) if row["territory_id"] else [],
                  source=v.source_notes.get(row["source_id"]))


# -- awards of one entity -----------------------------------------------------------------


def _by_year_chart(ctx: Context, rows: list[dict], currency: str | None) -> dict | None:
    """Bars of the amounts by year in `currency` (None when fewer than two years)."""
    bars = [{"year": r.get("fiscal_period") or str(r["year"]),
             "value": (r["amount_minor"] or 0) / 100} for r in rows
            if r["year"] is not None and r["currency"] == currency]
    if len(bars) < 2:
        return None
    title = ctx._("Amount") + (f" ({currency})" if currency else "")
    return charts.bars_by_year(ctx._("Amount by year"), bars, title)


def _entity(request: Request, column: str, value: str | list[str], sector: Any, page: int,
            currency: str | None) -> dict[str, Any]:
    """What a beneficiary's, a work's or a funder's page shows of its awards."""
    a = atlas(request)
    rows, total = entities.award_page(a, column, value, sector, PER_PAGE, (page - 1) * PER_PAGE)
    where, params = entities.condition(column, value, sector)
    totals = award_queries.totals(a, where, params).to_dicts()
    if currency is None and totals:
        currency = totals[0]["currency"]  # the currency of the largest sum
    years = entities.by_year(a, column, value, sector).to_dicts()
    return {"rows": rows.to_dicts(), "total": total, "page": page, "pages": _pages(total),
            "totals": totals, "currency": currency, "by_year": years,
            "by_funder": entities.by_funder(a, column, value, sector).to_dicts(),
            "places": award_queries.award_territories(a, where, params).to_dicts(),
            "year_chart": _by_year_chart(Context(request), years, currency),
            "sector": queries.sector_value(sector)}


@router.get("/beneficiary/{organisation_id:path}", response_class=HTMLResponse)
def beneficiary(request: Request, organisation_id: Id, sector: SectorParam = DEFAULT_SECTOR,
                page: Page = 1) -> HTMLResponse:
    org = views(request).organisation(organisation_id)
    if org is None or not directory.organisation_listed(organisation_id):
        raise HTTPException(404, Message("No beneficiary %(id)s.", id=excerpt(organisation_id)))
    if optout.organisation_withheld(atlas(request), organisation_id):
        # a person who asked not to be listed: no page, like an unknown beneficiary (their
        # awards stay in the explorer and every total, under `optout.WITHHELD`)
        raise HTTPException(404, Message(
            "No page: this beneficiary is a person whose name is withheld at their request; "
            "their awards are counted in every total."))
    return render(request, "beneficiary.html", org=org, **_entity(
        request, "beneficiary_id", organisation_id, sector, page,
        queries.own_currency(org["country_code"])))


@router.get("/work/{work_id:path}", response_class=HTMLResponse)
def work(request: Request, work_id: Id, sector: SectorParam = DEFAULT_SECTOR,
         page: Page = 1) -> HTMLResponse:
    found = paths.work_path(atlas(request), work_id, sector)
    if found is None or not found.members:
        raise HTTPException(404, Message("No work %(id)s.", id=excerpt(work_id)))
    # the record asked for, else (an entity's id) its first record
    item = views(request).work(work_id) or views(request).work(found.members[0]["member_id"])
    ids = [m["member_id"] for m in found.members]
    return render(request, "work.html", work=item, across=found,
                  **_entity(request, "work_id", ids, sector, page, None))


# -- funders ------------------------------------------------------------------------------


@router.get("/funder/{organisation_id:path}", response_class=HTMLResponse)
def funder(request: Request, organisation_id: Id, sector: SectorParam = DEFAULT_SECTOR,
           page: Page = 1) -> HTMLResponse:
    a = atlas(request)
    body = funders.funder(a, organisation_id)
    if body is None:
        raise HTTPException(404, Message("No funder %(id)s.", id=excerpt(organisation_id)))
    seen = _entity(request, "funder_id", organisation_id, sector, page,
                   queries.own_currency(body["country_code"]))
    return render(request, "funder.html", body=body, **seen,
                  same_body=funders.same_body(a, organisation_id).to_dicts(),
                  schemes=funders.schemes(a, organisation_id, sector).to_dicts(),
                  regions=funders.places(a, organisation_id, sector, "region").to_dicts(),
                  departments=funders.places(a, organisation_id, sector,
                                             "department").to_dicts(),
                  top=funders.top_beneficiaries(a, organisation_id, sector).to_dicts(),
                  transparency=transparency.card(a, organisation_id))
