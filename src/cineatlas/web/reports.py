"""A territory's report, from its profile's "report" button: `/territory/{id}/report.pdf`
(WeasyPrint) and `/territory/{id}/report.html` (the same document), French unless ?lang=en
(or the language cookie) asks otherwise. Made by `cineatlas.reports` over the page's own read
layer (`Views`), so the report holds the profile's figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import Response

from cineatlas.text import slug
from cineatlas.web import i18n
from cineatlas.web.errors import Message, excerpt
from cineatlas.web.views import Views

router = APIRouter(include_in_schema=False)
Id = Annotated[str, FastPath(max_length=120)]
Peers = Annotated[list[str] | None, Query(max_length=30)]
Years = Annotated[str | None, Query(pattern=r"^(19|20)\d\d(-(19|20)\d\d)?$")]
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@router.get("/territory/{territory_id}/report.pdf")
def report_pdf(request: Request, territory_id: Id, peer: Peers = None,
               years: Years = None) -> Response:
    return _report(request, territory_id, "pdf", peer, years)


@router.get("/territory/{territory_id}/report.html")
def report_html(request: Request, territory_id: Id, peer: Peers = None,
                years: Years = None) -> Response:
    return _report(request, territory_id, "html", peer, years)


def _report(request: Request, territory_id: str, fmt: str, peers: list[str] | None,
            years: str | None) -> Response:
    # (imported here: cineatlas.reports reads through this package, web.views and findings)
    from cineatlas.reports import ReportError, make_report

    views: Views = request.app.state.views
    place = views.territory(territory_id)
    if place is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory_id)))
    lang = i18n.choose(request.query_params.get("lang"), request.cookies.get("lang"))
    span = None
    if years:
        first, _, last = years.partition("-")
        span = (int(first), int(last or first))
    try:
        body = make_report(views, territory_id, format=fmt, lang=lang, peers=peers,
                           years=span)
    except ReportError as exc:  # a peer of another level, an empty year range...
        raise HTTPException(422, Message("%(reason)s", reason=str(exc))) from None
    name = f"cineatlas-{territory_id}-{slug(place['name'])}-{date.today().isoformat()}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'inline; filename="{name}"', "Vary": "Cookie"})
