"""The directory of regional talent: `/directory` (a territory picker, filters, a map of the
companies and people established in each territory within the one picked, the companies and
the people established there), `/person/{id}` (a person's awards across funders) and the API
`/api/v1/directory`. The reads are `queries.directory`, which honours the opt-out list
(`cineatlas.optout`); no gender and no contact data is shown. The map is drawn by the server
(`web.maps`, the `svg_map` macro), no script needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from cineatlas.queries import directory
from cineatlas.queries.common import DEFAULT_SECTOR, Reader
from cineatlas.queries.directory import DirectoryFilters, Kind, Spread
from cineatlas.store import vocabularies as vocab
from cineatlas.web import maps
from cineatlas.web.api import Page, PerPage, atlas, page_of
from cineatlas.web.errors import INVALID, NOT_FOUND, Message, excerpt
from cineatlas.web.filters import SectorParam
from cineatlas.web.i18n import name_key
from cineatlas.web.labels import N_
from cineatlas.web.pages import Context, Id, render, views

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


class Counts(BaseModel):
    companies: int = Field(description="Companies of the directory (resolved entities).")
    people: int = Field(description="People of the directory (resolved entities).")


class TerritoryCounts(BaseModel):
    """The companies and people of the directory placed in one sub-territory."""

    territory_id: str
    name: str
    companies: int
    people: int


class Unplaced(BaseModel):
    here: Counts = Field(description="Placed in the territory itself, or in no territory "
                         "just below it: listed, on no sub-territory.")
    above: Counts = Field(description="Placed only in a territory containing it (not listed: "
                          "some may be established in it). When `here` or `above` counts "
                          "anyone, a sub-territory's zero is not known.")


class DirectoryAnswer(BaseModel):
    """A page of the directory's rows (`data`, paged like every list) and how the directory
    of the territory spreads over the territories just below it."""

    data: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    pages: int
    by_territory: list[TerritoryCounts] = Field(description=(
        "With a territory: each territory just below it (a country's regions or provinces, a "
        "region's départements, Québec's regions, a département's communes…; not the "
        "metropolitan areas), by name, with the companies and people of the directory (the "
        "same filters) placed there, zero included. Empty without a territory."))
    unplaced: Unplaced | None = Field(description=(
        "With a territory: who the sub-territories cannot hold (see `by_territory`)."))


@router.get("/directory", responses=NOT_FOUND, response_model=DirectoryAnswer,
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
    territory. No gender, no contact data; people on the opt-out list are never listed.
    With a territory, `by_territory` counts the companies and people in each territory just
    below it (what the page's map shows) and `unplaced` those it cannot place there."""
    if territory and not _place(request, territory):
        raise HTTPException(404, f"No territory {excerpt(territory)}.")
    filters = _filters(territory, stage, format, genre, funder, year_from, year_to, sector)
    a = atlas(request)
    frame, total = directory.rows(a, kind, filters, per_page, (page - 1) * per_page)
    answer: dict[str, Any] = page_of(frame, total, page, per_page) | {
        "by_territory": [], "unplaced": None}
    if territory:
        spread = directory.by_territory(a, filters)
        answer |= {"by_territory": spread.territories.to_dicts(),
                   "unplaced": {"here": spread.here, "above": spread.above}}
    return answer


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
            "year_to": last, "sector": None if sector == DEFAULT_SECTOR else sector.value}
    spread = _spread(Context(request), a, filters, form) if place else None
    return render(request, "directory.html", place=place, form=form, tables=tables,
                  page=page, pages=pages_n, spread=spread,
                  territories=directory.territory_choices(a).to_dicts(),
                  funders=directory.funder_choices(a).to_dicts())


#: The colour of a sub-territory where nobody is placed (and everyone is placed somewhere):
#: apart from the classes of the others, and from the hatching of what is not known.
ZERO = "#ededed"


def _spread(ctx: Context, a: Reader, filters: DirectoryFilters,
            form: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of the directory within the territory picked: the map of its
    sub-territories (None when the atlas holds no outline of some of them) with its legend,
    the table (every sub-territory when the map is drawn, else those with someone and the
    number of others) and who the sub-territories cannot hold."""
    assert filters.territory
    spread = directory.by_territory(a, filters)
    lang = None if ctx.lang == "fr" else ctx.lang

    def link(territory_id: str) -> str:
        return ctx.url("/directory", **(form | {"territory": territory_id, "lang": lang}))

    rows = sorted(({**r, "href": link(r["territory_id"]),
                    "companies_known": bool(r["companies"]) or not any(
                        (spread.here["companies"], spread.above["companies"])),
                    "people_known": bool(r["people"]) or not any(
                        (spread.here["people"], spread.above["people"]))}
                   for r in spread.territories.to_dicts()), key=lambda r: name_key(r["name"]))
    outlines = directory.sub_territory_outlines(a, filters.territory)
    drawn = bool(outlines) and all(r["geojson"] for r in outlines)
    the_map, legend = _paint(ctx, maps.choropleth(outlines), spread, link) if drawn \
        else (None, [])
    listed = rows if drawn else [r for r in rows if r["companies"] or r["people"]]
    return {"map": the_map, "legend": legend, "rows": listed, "others": len(rows) - len(listed),
            "subs": len(rows), "here": spread.here, "above": spread.above,
            "complete": spread.complete}


def _paint(ctx: Context, base: maps.Map, spread: Spread,
           link: Callable[[str], str]) -> tuple[maps.Map, list[tuple[str, str]]]:
    """`base` coloured by the companies and people placed in each sub-territory (the quantile
    classes of `maps.scale_for` over the counts above zero, in whole numbers; zero apart,
    `ZERO`; a zero that is not known — some of the directory have no finer place — hatched
    like missing data), each shape linked to that territory's directory; and the legend."""
    counts = {r["territory_id"]: r for r in spread.territories.to_dicts()}
    scale = maps.scale_for("count", [r["companies"] + r["people"] for r in counts.values()
                                     if r["companies"] + r["people"]])
    assert isinstance(scale, maps.Scale)  # (no target: quantile classes)
    shapes, zero = [], False
    for shape in base.shapes:
        found = counts.get(shape.territory_id)
        n = None if found is None else found["companies"] + found["people"]
        if n is None or (n == 0 and not spread.complete):
            fill, label = maps.MISSING, ctx._(
                "not known: nobody is placed here, but some have no finer place")
        else:
            zero = zero or n == 0
            fill = ZERO if n == 0 else scale.colour(n)
            label = ", ".join((
                ctx.translations.ngettext("%(n)s company", "%(n)s companies", found["companies"])
                % {"n": ctx.fmt.number(found["companies"])},
                ctx.translations.ngettext("%(n)s person", "%(n)s people", found["people"])
                % {"n": ctx.fmt.number(found["people"])}))
        shapes.append(replace(shape, href=link(shape.territory_id), fill=fill, label=label))
    legend = [(ZERO, ctx.fmt.number(0))] if zero else []
    low = 1  # the classes hold whole numbers: (previous bound, bound] is low…bound
    for bound in scale.breaks:
        high = int(bound)
        text = ctx.fmt.number(low) if high == low else \
            f"{ctx.fmt.number(low)} – {ctx.fmt.number(high)}"
        legend.append((scale.colour(bound), text))
        low = high + 1
    return replace(base, shapes=shapes), legend


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
