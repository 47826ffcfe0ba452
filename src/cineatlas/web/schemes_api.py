"""The JSON API of the scheme catalogue: the list, one scheme, and the finder.

Reads go through `queries.schemes` (the catalogue), `queries.scheme_pages` (commissions) and
`schemes.finder`; the pages (`scheme_pages`) share the helpers below so that both show the
same schemes and reasons.
"""

from __future__ import annotations

import datetime as dt
import threading
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from cineatlas.queries import scheme_outcomes, scheme_pages
from cineatlas.queries.schemes import Catalogue, catalogue
from cineatlas.schemes.finder import (
    AmbiguousTerritory,
    Match,
    Profile,
    TerritoryNotFound,
    find,
    profile_from,
    select,
)
from cineatlas.store import vocabularies as vocab
from cineatlas.territories.geocode import Geocoder
from cineatlas.web.api import Page, PerPage, atlas
from cineatlas.web.errors import BAD_REQUEST, INVALID, NOT_FOUND, ErrorBody, excerpt

router = APIRouter(prefix="/api/v1", tags=["schemes"], responses=INVALID)


def _enum(name: str, vocabulary: dict[str, Any]) -> type[Enum]:
    return Enum(name, {code: code for code in vocabulary}, type=str)  # type: ignore[return-value]


Role = _enum("Role", vocab.APPLICANTS)
Stage = _enum("Stage", vocab.STAGES)
WorkFormat = _enum("WorkFormat", vocab.FORMATS)
Genre = _enum("Genre", vocab.GENRES)
SchemeLevel = _enum("SchemeLevel", vocab.FUNDER_LEVELS)
SchemeId = Annotated[str, Path(max_length=120, description="The scheme's catalogue id "
                                                           "(`id` in the list).")]
TerritoryText = Annotated[str | None, Query(
    max_length=120, description="Where the person is: a commune, postal code, département, "
                                "région, province or Québec region, by name or code "
                                "(Bordeaux, 33000, 33, Gironde, FR-R75, REG-75, CA-QC).")]
_LOCK = threading.Lock()


class AmbiguousBody(ErrorBody):
    candidates: list[dict[str, Any]]


class AmbiguousEnvelope(BaseModel):
    """A territory several places bear: the candidates, to ask again with one's id."""

    error: AmbiguousBody


AMBIGUOUS = {409: {"model": AmbiguousEnvelope,
                   "description": "The territory names several places: `candidates` lists "
                                  "them (ask again with one's `territory_id`)"}}


def geocoder(request: Request) -> Geocoder:
    """The atlas' geocoder, loaded once per application."""
    state = request.app.state
    with _LOCK:
        if getattr(state, "scheme_geocoder", None) is None:
            state.scheme_geocoder = Geocoder.from_store(atlas(request))
    return state.scheme_geocoder


def schemes_catalogue(request: Request) -> Catalogue:
    return catalogue(atlas(request))


def find_for(request: Request, *, roles: list[str], territory: str | None,
             stage: str | None, work_format: str | None, genre: str | None,
             first_work: bool, second_work: bool, include_excluded: bool = False,
             include_closed: bool = False) -> tuple[Profile, list[Match]]:
    """The finder's answer for a request's parameters (raises the finder's ProfileError)."""
    places = geocoder(request)
    profile = profile_from(places, roles=roles, territory=territory, stage=stage,
                           format=work_format, genre=genre, first_work=first_work,
                           second_work=second_work)
    cat = schemes_catalogue(request)
    matches = find(cat, profile, geocoder=places, today=dt.date.today(),
                   include_excluded=include_excluded, include_closed=include_closed,
                   observed=scheme_outcomes.finder_hook(atlas(request), cat, profile))
    return profile, matches


def _value(item: Enum | None) -> str | None:
    return item.value if item is not None else None


@router.get("/schemes", summary="The scheme catalogue, filtered and paginated")
def schemes(request: Request,
            funder: Annotated[list[str] | None, Query(
                max_length=20, description="A funder's organisation id, or words of its name "
                                           "(repeatable).")] = None,
            level: Annotated[list[SchemeLevel] | None, Query(  # type: ignore[valid-type]
                max_length=10, description="The scheme's level (repeatable).")] = None,
            stage: Annotated[Stage | None, Query(  # type: ignore[valid-type]
                description="Keep the schemes that publish this stage.")] = None,
            format: Annotated[WorkFormat | None, Query(  # type: ignore[valid-type]  # noqa: A002
                description="Keep the schemes that publish this format.")] = None,
            page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    """One entry per scheme, whatever the sources that name it, widest level first: every
    catalogue field (unknown ones `null`: not published, never "no"), `field_sources` (where
    each field's value comes from and by which rule), bodies, dates, documents, `sources` and
    `fictitious`."""
    entries = select(schemes_catalogue(request).entries, funders=[f for f in funder or [] if f],
                     levels=[_value(v) for v in level or []], stage=_value(stage),
                     work_format=_value(format))
    start = (page - 1) * per_page
    total = len(entries)
    return {"data": [e.as_dict() for e in entries[start:start + per_page]], "page": page,
            "per_page": per_page, "total": total,
            "pages": -(-total // per_page) if total else 0}


@router.get("/schemes/find", responses={**NOT_FOUND, **AMBIGUOUS, **BAD_REQUEST},
            summary="The finder: the schemes that may apply to a person, and why")
def schemes_find(
        request: Request,
        role: Annotated[list[Role] | None, Query(  # type: ignore[valid-type]
            max_length=5, description="Who the person is (repeatable: a writer-director is "
                                      "role=author&role=director).")] = None,
        territory: TerritoryText = None,
        stage: Annotated[Stage | None, Query(  # type: ignore[valid-type]
            description="The project's stage.")] = None,
        format: Annotated[WorkFormat | None, Query(  # type: ignore[valid-type]  # noqa: A002
            description="The work's format.")] = None,
        genre: Annotated[Genre | None, Query(  # type: ignore[valid-type]
            description="The work's genre.")] = None,
        first_work: Annotated[bool, Query(description="The person's first work.")] = False,
        second_work: Annotated[bool, Query(description="The person's second work.")] = False,
        include_excluded: Annotated[bool, Query(
            description="Also list the schemes a criterion rules out (`eligible` false), "
                        "with the reason.")] = False,
        include_closed: Annotated[bool, Query(
            description="Keep the schemes whose closing date is past.")] = False,
) -> Any:
    """Every scheme that may apply, each with one reason per criterion asked: `met` (which
    value, and how the catalogue knows it), `unknown` (the scheme does not publish it: kept,
    never "not eligible") or `not_met` (left out unless `include_excluded`). Sorted by next
    deadline or session, then by criteria met. A territory that names several places answers
    409 with the candidates; none, 404. `observed` is what the scheme observably funded for
    people like them, when the atlas computes it (else null)."""
    if first_work and second_work:
        raise HTTPException(400, "Say first_work or second_work, not both.")
    try:
        profile, matches = find_for(
            request, roles=[_value(r) for r in role or []], territory=territory,
            stage=_value(stage), work_format=_value(format), genre=_value(genre),
            first_work=first_work, second_work=second_work,
            include_excluded=include_excluded, include_closed=include_closed)
    except TerritoryNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except AmbiguousTerritory as exc:
        return _error(409, "ambiguous-territory", str(exc),
                      candidates=[c.as_dict() for c in exc.candidates])
    return {"profile": profile.as_dict(), "today": dt.date.today().isoformat(),
            "total": sum(m.eligible for m in matches),
            "data": [m.as_dict() for m in matches]}


def _error(status: int, code: str, message: str, **more: Any) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message,
                                   **more}}, status_code=status)


@router.get("/schemes/{scheme_id}", responses=NOT_FOUND, summary="One scheme of the catalogue")
def scheme(request: Request, scheme_id: SchemeId) -> dict[str, Any]:
    """Every field of the scheme (unknown ones `null`) with its sources, its parent and
    children, and the commission sessions that decide it with their members (as published)."""
    cat = schemes_catalogue(request)
    entry = cat.get(scheme_id)
    if entry is None:
        raise HTTPException(404, f"No scheme {excerpt(scheme_id)}.")
    a = atlas(request)
    sessions = scheme_pages.commissions(a, entry.scheme_ids)
    return {"data": entry.as_dict() | {
        "children": [e.id for e in cat.entries if e.parent_id == entry.id],
        "commissions": [_plain(s) for s in sessions],
        "awards": scheme_pages.award_count(a, entry.scheme_ids)}}


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
