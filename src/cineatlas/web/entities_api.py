"""The JSON API of the entity pages: a funder as its page shows it (`queries.funders`), a work
across funders and records (`queries.paths`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request

from cineatlas.queries import awards as award_queries
from cineatlas.queries import common as queries
from cineatlas.queries import entities, funders, paths, works
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


@router.get("/works/{work_id:path}", responses=NOT_FOUND,
            summary="A work across funders: every award to every record of it, its path")
def work(request: Request, work_id: Annotated[str, Path(
        max_length=200, description="A work's id (as awards' work_id) or its entity's id.")],
         sector: SectorParam = DEFAULT_SECTOR) -> dict[str, Any]:
    """The work's resolved entity: `members` (its records: title, source, how resolution
    joined them), `awards` (every award of every funder to any of them, each contract once
    at its final value — `superseded_by` IS NULL —, in time order: fiscal year, else the
    decision's year, then the decision date; `scheme_entry_id` names its catalogue entry,
    /api/v1/schemes/{id}), `totals` per currency (never added across), `path` (the steps
    writing, development, production, distribution: reached, n, first and last year and
    period, funders), `first_work` and `second_work` as published (NULL: not published),
    `sources`, `fictitious`."""
    a = atlas(request)
    found = paths.work_path(a, work_id, sector)
    if found is None or not found.members:
        raise HTTPException(404, f"No work {excerpt(work_id)}.")
    record = works.work(a, work_id) or works.work(a, found.members[0]["member_id"])
    return {"data": {"work_id": record["work_id"], "title": record["title"],
                     "format": record["format"], "genre": record["genre"],
                     "sector": queries.sector_value(sector)} | found.as_dict()}
