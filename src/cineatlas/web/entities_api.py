"""The JSON API of the entity pages: a funder as its page shows it (`queries.funders`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request

from cineatlas.queries import awards as award_queries
from cineatlas.queries import common as queries
from cineatlas.queries import entities, funders
from cineatlas.queries.common import DEFAULT_SECTOR
from cineatlas.web.api import atlas, page_of
from cineatlas.web.errors import INVALID, NOT_FOUND, excerpt
from cineatlas.web.filters import SectorParam

router = APIRouter(prefix="/api/v1", responses=INVALID)


def _rows(frame) -> list[dict[str, Any]]:
    return page_of(frame, 1, 1, 1)["data"]


@router.get("/funders/{organisation_id:path}", responses=NOT_FOUND,
            summary="A funder: its schemes, money by year, where it went, top beneficiaries")
def funder(request: Request, organisation_id: Annotated[str, Path(
        max_length=200, description="The funder's organisation id (as awards' funder_id).")],
           sector: SectorParam = DEFAULT_SECTOR) -> dict[str, Any]:
    """Every figure counts each contract once, per currency, in `sector`, with `fictitious`
    and `sources`; `regions` and `departments` hold a row with a NULL territory for the awards
    placed at no territory of that level."""
    a = atlas(request)
    body = funders.funder(a, organisation_id)
    if body is None:
        raise HTTPException(404, f"No funder {excerpt(organisation_id)}.")
    where, params = entities.condition("funder_id", organisation_id, sector)
    return {"data": body | {
        "sector": queries.sector_value(sector),
        "currency": queries.own_currency(body["country_code"]),
        "totals": _rows(award_queries.totals(a, where, params)),
        "schemes": _rows(funders.schemes(a, organisation_id, sector)),
        "by_year": _rows(entities.by_year(a, "funder_id", organisation_id, sector)),
        "regions": _rows(funders.places(a, organisation_id, sector, "region")),
        "departments": _rows(funders.places(a, organisation_id, sector, "department")),
        "top_beneficiaries": _rows(funders.top_beneficiaries(a, organisation_id, sector)),
        "same_body": _rows(funders.same_body(a, organisation_id))}}
