"""The directory of regional talent: `/directory` (a territory picker, filters, the companies and
the people established there), `/person/{id}` (a person's awards across funders) and the API
`/api/v1/directory`. The reads are `queries.directory`, which honours the opt-out list
(`cineatlas.optout`); no gender and no contact data is shown.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from cineatlas.queries import directory
from cineatlas.queries.common import DEFAULT_SECTOR
from cineatlas.queries.directory import DirectoryFilters, Kind
from cineatlas.store import vocabularies as vocab
from cineatlas.web.api import Page, PerPage, atlas, page_of
from cineatlas.web.errors import INVALID, NOT_FOUND, Message, excerpt
from cineatlas.web.filters import SectorParam
from cineatlas.web.labels import N_
from cineatlas.web.pages import Id, render, views

router = APIRouter(prefix="/api/v1", responses=INVALID)
pages = APIRouter(include_in_schema=False)

#: The roles an award credits a person in (award_people.role), as a page says them.
ROLES = {"talent": N_("talent"), "director": N_("director"), "author": N_("author"),
         "producer": N_("producer"), "other": N_("other role")}
#: Rows of each table on one page.
PER_PAGE = 50
TerritoryParam = Annotated[str | None, Query(
    max_length=40, description="A territory id (FR-R53, FR-D44, CA-QC, CA-QC-R01…): the "
    "entities established in it or in a territory within it; every territory when absent.")]
StageParam = Annotated[str | None, Query(
    pattern="^(" + "|".join(vocab.STAGES) + ")?$",
    description="Keep the awards of this stage (writing, development, production…).")]
FormatParam = Annotated[str | None, Query(
    pattern="^(" + "|".join(vocab.FORMATS) + ")?$", description="Keep the awards of this format.")]
GenreParam = Annotated[str | None, Query(
    pattern="^(" + "|".join(vocab.GENRES) + ")?$", description="Keep the awards of this genre.")]
FunderParam = Annotated[str | None, Query(
    max_length=200, description="Keep the awards of this funder (its organisation id).")]
YearFrom = Annotated[int | None, Query(ge=1900, le=2100, description="Awards from this year.")]
YearTo = Annotated[int | None, Query(ge=1900, le=2100, description="Awards up to this year.")]
#: The form's years: an empty field is no filter.
YearText = Annotated[str | None, Query(pattern=r"^(19\d\d|20\d\d|2100)?$")]
KindParam = Annotated[Kind, Query(description="`company`: the organisations funded; `person`: "
                                  "the people the awards credit.")]


def _filters(territory: str | None, stage: str | None, format: str | None, genre: str | None,
             funder: str | None, year_from: int | None, year_to: int | None,
             sector: Any) -> DirectoryFilters:
    return DirectoryFilters(territory=territory or None, stage=stage or None,
                            format=format or None, genre=genre or None, funder=funder or None,
                            year_from=year_from, year_to=year_to, sector=sector)


def _place(request: Request, territory: str | None) -> dict[str, Any] | None:
    if not territory:
        return None
    place = views(request).territory(territory)
    if place is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory)))
    return place


@router.get("/directory", responses=NOT_FOUND,
            summary="The directory: companies or people established in a territory")
def directory_api(request: Request, territory: TerritoryParam = None,
                  kind: KindParam = Kind.company, stage: StageParam = None,
                  format: FormatParam = None, genre: GenreParam = None,
                  funder: FunderParam = None, year_from: YearFrom = None,
                  year_to: YearTo = None, sector: SectorParam = DEFAULT_SECTOR,
                  page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    """One row per resolved entity (`entity_members`), most awards first: its name, where it
    is established (commune at most), its awards (each contract once) with their works,
    funders, stages, years, first/second works when published, and the amount when its awards
    are in one currency; `fictitious` and `sources`. Companies are the beneficiaries placed in
    the territory; people are those the awards credit, placed by the awards' beneficiary
    territory. No gender, no contact data; people on the opt-out list are never listed."""
    if territory and not _place(request, territory):
        raise HTTPException(404, f"No territory {excerpt(territory)}.")
    filters = _filters(territory, stage, format, genre, funder, year_from, year_to, sector)
    frame, total = directory.rows(atlas(request), kind, filters, per_page,
                                  (page - 1) * per_page)
    return page_of(frame, total, page, per_page)


@pages.get("/directory", response_class=HTMLResponse)
def directory_page(request: Request, territory: TerritoryParam = None,
                   stage: StageParam = None, format: FormatParam = None,
                   genre: GenreParam = None, funder: FunderParam = None,
                   year_from: YearText = None, year_to: YearText = None,
                   sector: SectorParam = DEFAULT_SECTOR, page: Page = 1) -> HTMLResponse:
    place = _place(request, territory)
    first, last = (int(y) if y else None for y in (year_from, year_to))
    filters = _filters(territory, stage, format, genre, funder, first, last, sector)
    a = atlas(request)
    tables = {}
    for kind in Kind:
        rows, total = directory.rows(a, kind, filters, PER_PAGE, (page - 1) * PER_PAGE)
        tables[kind.value] = {"rows": rows.to_dicts(), "total": total}
    pages_n = max(math.ceil(t["total"] / PER_PAGE) for t in tables.values())
    form = {"territory": territory or None, "stage": stage or None, "format": format or None,
            "genre": genre or None, "funder": funder or None, "year_from": first,
            "year_to": last}
    return render(request, "directory.html", place=place, form=form, tables=tables,
                  page=page, pages=pages_n, within=directory.within(a, filters).to_dicts(),
                  territories=directory.territory_choices(a).to_dicts(),
                  funders=directory.funder_choices(a).to_dicts())


@pages.get("/person/{person_id:path}", response_class=HTMLResponse)
def person_page(request: Request, person_id: Id,
                sector: SectorParam = DEFAULT_SECTOR) -> HTMLResponse:
    a = atlas(request)
    person = directory.person(a, person_id)
    if person is None:  # unknown, or on the opt-out list: the same answer
        raise HTTPException(404, Message("No person %(id)s.", id=excerpt(person_id)))
    awards = directory.person_awards(a, person["members"], sector).to_dicts()
    return render(request, "person.html", person=person, awards=awards, roles=ROLES,
                  funders=sorted({r["funder"] for r in awards if r["funder"]}))
