"""The API of what schemes really fund (issue 13, docs/schemes-observed.md): a scheme's outcomes
observed in the published decisions, a territory's levels table, a funder's transparency card;
and the page of a scheme's observed outcomes. The reads are `queries.scheme_outcomes`,
`queries.scheme_levels` and `queries.transparency` (no SQL here).

Registered before `entities_api`: `/funders/{id}` takes ids with slashes (`:path`) and would
otherwise swallow `/funders/{id}/transparency`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse

from cineatlas.queries import scheme_levels, scheme_outcomes, schemes, transparency
from cineatlas.web.api import _plain, atlas
from cineatlas.web.errors import INVALID, NOT_FOUND, Message, excerpt

router = APIRouter(prefix="/api/v1", responses=INVALID)
pages = APIRouter(include_in_schema=False)

SchemeId = Annotated[str, Path(max_length=120, description="A catalogue entry's id "
                                                           "(`/api/v1/schemes`).")]
TerritoryId = Annotated[str, Path(max_length=40)]
OrganisationId = Annotated[str, Path(max_length=200, description="The funder's organisation id "
                                                                 "(as awards' funder_id).")]


def observed_of(request: Request, scheme_id: str) -> dict[str, Any]:
    """A catalogue entry's observed outcomes (404 when the catalogue has no such entry)."""
    a = atlas(request)
    cat = schemes.catalogue(a)
    entry = cat.get(scheme_id)
    if entry is None:
        raise HTTPException(404, Message("No scheme %(id)s.", id=excerpt(scheme_id)))
    return scheme_outcomes.observed(a, entry, cat)


def levels_of(request: Request, territory_id: str) -> dict[str, Any] | None:
    """A territory's levels table (None when the territory is unknown)."""
    return scheme_levels.levels_table(atlas(request), territory_id)


def transparency_of(request: Request, organisation_id: str) -> dict[str, Any] | None:
    """A funder's transparency card (None when the organisation is no funder)."""
    return transparency.card(atlas(request), organisation_id)


@router.get("/schemes/{scheme_id}/observed", responses=NOT_FOUND,
            summary="What a scheme funded, observed in the published decisions")
def observed(request: Request, scheme_id: SchemeId) -> dict[str, Any]:
    """Observed in the published decisions, never the scheme's rules: awards by year, amounts
    per currency (total, min, quartiles, median, max; never summed across currencies), stages
    and formats (unknown apart), first works, beneficiaries in or outside the metropolis, their
    regions or provinces, the sessions and their composition, the success rate where
    application figures exist. Each contract counts once. `decisions` is false (and the
    figures null) when the store holds no decision of the scheme."""
    return {"data": _plain(observed_of(request, scheme_id))}


@router.get("/territories/{territory_id}/schemes", responses=NOT_FOUND,
            summary="The schemes of every level reaching a territory, by stage")
def territory_schemes(request: Request, territory_id: TerritoryId) -> dict[str, Any]:
    """Rows are stages, cells the schemes of each level (`coverage`: whole territory or part
    of it; `stage_basis`: published, read from the name, or only observed in decisions);
    `blind_spots`: main stages with no scheme known in the catalogue; `overlaps`: stages
    covered by several levels; `unknown_reach`: schemes whose reach is unknown."""
    table = levels_of(request, territory_id)
    if table is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory_id)))
    return {"data": _plain(table)}


@router.get("/funders/{organisation_id:path}/transparency", responses=NOT_FOUND,
            summary="A funder's transparency card")
def funder_transparency(request: Request, organisation_id: OrganisationId) -> dict[str, Any]:
    """Criteria, commission composition, award lists and application figures: what the
    sources the atlas holds publish of them (`found` false: not found in those sources)."""
    body = transparency_of(request, organisation_id)
    if body is None:
        raise HTTPException(404, Message("No funder %(id)s.", id=excerpt(organisation_id)))
    return {"data": _plain(body)}


@pages.get("/schemes/{scheme_id}/observed", response_class=HTMLResponse)
def observed_page(request: Request, scheme_id: Annotated[str, Path(max_length=120)]
                  ) -> HTMLResponse:
    """A scheme's observed outcomes as a page (the scheme page includes the same section)."""
    from cineatlas.web.pages import render

    found = observed_of(request, scheme_id)
    return render(request, "scheme_observed_page.html", observed=found)
