"""The atlas' HTML pages: Jinja2 templates (auto-escaped), French first, English on request.

Each page reads through `views.Views` and `queries` (as the API does) so the pages and the JSON
API show the same figures; every page links its data as CSV or JSON. Every figure shows whether
it rests on fictitious rows and cites its sources (`notes.SourceNotes`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from cineatlas.indicators import Cut, registry
from cineatlas.indicators.cut import LEVELS
from cineatlas.indicators.registry import THEMES, UNITS
from cineatlas.problems import described
from cineatlas.queries import awards as award_queries
from cineatlas.queries import common as queries
from cineatlas.queries import profiles, scheme_levels
from cineatlas.queries.awards import AwardFilters
from cineatlas.queries.common import DEFAULT_SECTOR
from cineatlas.queries.place_counts import place_counts as count_places
from cineatlas.store.vocabularies import SECTORS
from cineatlas.store.vocabularies import label as vocab_label
from cineatlas.territories.names import french_names
from cineatlas.version import __version__
from cineatlas.web import charts, downloads, findings, i18n, labels, maps, simulation
from cineatlas.web.api import Page, atlas
from cineatlas.web.downloads import Dialect, DialectParam, Units, UnitsParam, csv_response
from cineatlas.web.errors import Message, excerpt
from cineatlas.web.filters import DEFAULT_SORT, FacetName, SortParam, award_filters
from cineatlas.web.notes import SourceNotes
from cineatlas.web.simulation import SimulatorForm
from cineatlas.web.views import HOME_INDICATORS, Views

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
Id = Annotated[str, FastPath(max_length=120)]
#: A year from a form: empty means all years.
FormYear = Annotated[str | None, Query(pattern=r"^(19|20)\d\d$|^$")]
LevelName = Annotated[str, Query(max_length=20)]
Territories = Annotated[list[str] | None, Query(max_length=60)]
#: Characters of a query string, and of a path, a page may repeat in its links (the compare
#: form's longest query, 60 territories, is about 1,500; the longest id of a path is 120).
MAX_ECHOED_QUERY, MAX_ECHOED_PATH = 2000, 300


def _year(value: str | None) -> int | None:
    return int(value) if value else None


@cache
def environment(lang: str) -> Environment:
    """The template environment of one language (its gettext installed)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True, finalize=_french_names if lang == "fr" else None)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    if lang == "fr":  # a territory named inside a sentence ("« %(where)s »") too
        for name in ("gettext", "ngettext"):
            env.globals[name] = _naming_french(env.globals[name])
    return env


def _naming_french(translate: Any) -> Any:
    """`translate` (Jinja's newstyle gettext or ngettext) with its placeholders' values given
    their French names (see `_french_names`)."""

    @pass_context
    def translated(context: Any, *args: Any, **values: Any) -> Any:
        return translate(context, *args, **{k: _french_names(v) for k, v in values.items()})

    return translated


def _french_names(value: Any) -> Any:
    """What a French page prints of a value: a territory the store names in English (Nova
    Scotia, Germany) by its French name (territories.names), a beneficiary withheld at a
    person's request (`labels.WITHHELD`, as the queries name it) in French; anything else as
    it is."""
    if type(value) is str:
        if value == labels.WITHHELD:
            return i18n.translations("fr").gettext(value)
        return french_names().get(value, value)
    return value


def views(request: Request) -> Views:
    return request.app.state.views


class Context:
    """What every page knows: its language, formats, URL helpers, the demo flag."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = i18n.choose(request.query_params.get("lang"), request.cookies.get("lang"))
        self.fmt = i18n.Formats(self.lang)
        self.translations = i18n.translations(self.lang)
        self.notes = SourceNotes(views(request).source_notes)

    def _(self, message: str, **values: Any) -> str:
        """`message` in the page's language, with `%(name)s` placeholders filled."""
        text = self.translations.gettext(message)
        return text % values if values else text

    @property
    def colon(self) -> str:
        """A colon after a label, as the page's language writes it (French: U+202F before)."""
        return "\u202f:" if self.lang == "fr" else ":"

    def url(self, path: str, **params: Any) -> str:
        """`path` with the query `params` (None and empty values dropped)."""
        query = {k: v for k, v in params.items() if v not in (None, "", [])}
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    def switch(self, lang: str) -> str:
        """This page's URL in `lang` (the home page's when the URL is longer than any link of
        the atlas makes it: a page never echoes a long input)."""
        path = self.request.url.path
        if len(path) > MAX_ECHOED_PATH or not echoed_query(self.request):
            return self.url("/" if len(path) > MAX_ECHOED_PATH else path, lang=lang)
        return self.url(path, **(dict(self.request.query_params) | {"lang": lang}))


    def alternate(self, lang: str | None) -> str:
        """This page's URL in `lang` (None: without ?lang=, the cookie's or French: the
        x-default of <link rel="alternate" hreflang>), from the site's root: the atlas names no
        host, so that it serves the same behind any proxy."""
        base = ""
        if lang is not None:
            return base + self.switch(lang)
        path = self.request.url.path
        if len(path) > MAX_ECHOED_PATH or not echoed_query(self.request):
            return base + ("/" if len(path) > MAX_ECHOED_PATH else path)
        return base + self.url(path, **{k: v for k, v in self.request.query_params.items()
                                        if k != "lang"})


def echoed_query(request: Request) -> str:
    """The request's query string as a page may repeat it in its links: empty when it is longer
    than any form of the atlas makes it."""
    query = request.url.query
    return query if len(query) <= MAX_ECHOED_QUERY else ""


@cache
def asset_url(name: str) -> str:
    """The URL of the static file `name`, with a version of its content (`?v=`): browsers keep
    it a year (app.VersionedStatic), and a release that changes the file changes its URL."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    ctx = Context(request)
    page = environment(ctx.lang).get_template(template).render(
        ctx=ctx, lang=ctx.lang, fmt=ctx.fmt, url=ctx.url, version=__version__,
        fictitious=views(request).fictitious, labels=page_labels(ctx.lang),
        indicator_title=indicator_title,
        unit_label=unit_label, path=request.url.path, spec_json=charts.as_json, asset=asset_url,
        sector_label=sector_label, toggled=toggled, problem_text=described, **values)
    # the language follows ?lang= then the cookie: a cache keeps one copy per cookie
    response = HTMLResponse(page, status_code=status, headers={"Vary": "Cookie"})
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", ctx.lang, max_age=365 * 86400, samesite="lax")
    return response


@cache
def page_labels(lang: str) -> labels.Labels:
    return labels.Labels(lang)


def indicator_title(item: registry.Indicator, lang: str) -> str:
    return item.title_fr if lang == "fr" else item.title_en


def sector_label(sector: str, lang: str) -> str:
    """A sector of the store's vocabulary ('Cinéma et audiovisuel'…) in the page's language
    (templates name 'all' themselves)."""
    return vocab_label(SECTORS, sector, lang)


def unit_label(unit: str, lang: str) -> str:
    fr, en = UNITS[unit]
    return fr if lang == "fr" else en


def _indicator(indicator_id: str) -> registry.Indicator:
    try:
        return registry.get(indicator_id)
    except registry.UnknownIndicator:
        raise HTTPException(404, Message("No indicator %(id)s.",
                                         id=excerpt(indicator_id))) from None


def _paint(ctx: Context, base: maps.Map, values: dict[str, dict], unit: str,
           target: float | None = None) -> tuple[maps.Map, list]:
    """A copy of `base` coloured by `values` (territory id → {value, currency, low_coverage}),
    each shape linked to its profile; and the legend (diverging around `target`, if any)."""
    scale = maps.scale_for(unit, [v["value"] for v in values.values()], target)
    currency = next((v["currency"] for v in values.values() if v.get("currency")), None)
    shapes = []
    for shape in base.shapes:
        found = values.get(shape.territory_id)
        label = ctx.fmt.value(found["value"], unit, found.get("currency")) if found else ""
        if found and found.get("fictitious"):
            label += f" ({ctx._('fictitious')})"
        shapes.append(replace(
            shape, href=ctx.url(f"/territory/{shape.territory_id}"),
            fill=scale.colour(found["value"]) if found else maps.MISSING, label=label,
            low_coverage=bool(found and found.get("low_coverage"))))
    return replace(base, shapes=shapes), scale.legend(lambda x: ctx.fmt.value(x, unit, currency))


# -- home: the map ---------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request,
         indicator: Annotated[str | None, Query(max_length=60)] = None,
         level: LevelName = "region", year: FormYear = None,
         category: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    v = views(request)
    item = _indicator(indicator or HOME_INDICATORS[0])
    if not v.levels:
        return render(request, "home.html", empty=True, levels=[], item=item)
    level, country = v.map_level(level)
    year = _year(year) if _year(year) in v.years else None
    if indicator is None:  # the first of HOME_INDICATORS the map has a value for
        indicator = next((i for i in HOME_INDICATORS if v.indicator_rows(
            i, level, country, year, category)[0]["value"].drop_nulls().len()), HOME_INDICATORS[0])
        item = _indicator(indicator)
    rows, categories, other = v.indicator_rows(indicator, level, country, year, category)
    by_id = {r["territory_id"]: r for r in rows.to_dicts()}
    the_map, legend = _paint(Context(request), v.base_map(level, country), by_id, item.unit,
                             item.target)
    blank = dict.fromkeys(("value", "rank", "of", "vs_median", "coverage", "low_coverage",
                           "currency", *rows.columns))
    table = sorted((blank | by_id.get(s.territory_id, {})
                    | {"territory_id": s.territory_id, "name": s.name} for s in the_map.shapes),
                   key=lambda r: (r["rank"] is None, r["rank"] or 0, i18n.name_key(r["name"])))
    unplaced = []  # awards placed in the country itself: on no shape of the map
    if item.subject == "awards" and level != "country":
        placed = profiles.placement(atlas(request), country, DEFAULT_SECTOR, year).to_dicts()
        unplaced = queries.split_currencies(
            [r for r in placed if r["where"] == "here"], queries.own_currency(country))[0]
    return render(request, "home.html", item=item, catalogue=registry.catalogue(), themes=THEMES,
                  unplaced=unplaced,
                  findings=findings.for_map(v, item, level, country, year, rows, category),
                  levels=v.levels, level=level, country=country, year=year, years=v.years,
                  map=the_map, legend=legend, table=table, categories=categories,
                  category=rows["category"][0] if rows.height else None, empty=False,
                  currency=queries.own_currency(country), other=sorted(
                      other.to_dicts(), key=lambda r: (r["currency"],
                                                       i18n.name_key(r["territory_name"]))))


# -- territory profile -----------------------------------------------------------------


#: Cinemas, and festivals, a profile lists whole (a département's); past that, it lists the
#: first PLACE_ROWS by name, and the list pages (/cinemas, /festivals) hold them all.
PLACE_LIST, PLACE_ROWS = 100, 20
#: Points a profile's map draws at most: past that (France: 2,700) the profile counts the places
#: of each territory within instead, each of which draws its own map.
MAP_POINTS = 500


@router.get("/territory/{territory_id}", response_class=HTMLResponse)
def territory(request: Request, territory_id: Annotated[str, Id]) -> HTMLResponse:
    profile = views(request).profile(territory_id)
    if profile is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory_id)))
    ctx = Context(request)
    venues, festivals = profile["venues"], profile["festivals"]
    points, place_counts = [], []
    if len(venues) + len(festivals) <= MAP_POINTS:
        points = [{"latitude": r["latitude"], "longitude": r["longitude"],
                   "kind": ("ae" if r["art_et_essai"] else "cinema"), "label": r["name"]}
                  for r in venues]
        points += [{"latitude": r["latitude"], "longitude": r["longitude"], "kind": "festival",
                    "label": r["name"]} for r in festivals]
    else:
        place_counts = sorted(count_places(atlas(request), territory_id).to_dicts(),
                              key=lambda r: i18n.name_key(r["name"]))
    place = profile["territory"]
    key = [k | {"item": registry.get(k["indicator"])} for k in profile["key_figures"]]
    amount = ctx._("Amount")
    found = findings.for_profile(views(request), profile)

    def money(spec: dict) -> dict:  # amounts in a readable unit: "Montant (M€)"
        return charts.money(spec, amount, profile["currency"], ctx.lang)

    series_chart = money(charts.bars_by_year(
        ctx._("Total support by year"),
        [{"year": found["years"][r["year"]], "value": r["value"]} for r in profile["series"]],
        amount))
    breakdown_charts = {by: money(charts.horizontal_bars(
        ctx._(labels.BREAKDOWNS[by]),
        [{"label": page_labels(ctx.lang).value_label(by, r["key"], ctx._),
          "value": (r["amount_minor"] or 0) / 100}
         for r in rows], amount)) for by, rows in profile["breakdowns"].items() if rows}
    given_charts = {f"{g['scope']}-{g['funder_level']}": money(charts.bars_by_year(
        ctx._("Support given by year"),
        [{"year": str(r["year"]), "value": (r["amount_minor"] or 0) / 100} for r in g["series"]
         if r["year"] is not None], amount)) for g in profile["given_support"] if g["series"]}
    return render(request, "territory.html", place=place, ancestors=profile["ancestors"],
                  findings=found,
                  given=profile["given_support"], placement=profile["placement"],
                  given_charts=given_charts,
                  children=profile["children"], key=key, series=profile["series"],
                  breakdowns=profile["breakdowns"], top=profile["top_beneficiaries"],
                  other=profile["other_currencies"], currency=profile["currency"],
                  sector=profile["sector"], places_provenance=profile["places_provenance"],
                  venues=venues if len(venues) <= PLACE_LIST else venues[:PLACE_ROWS],
                  festivals=(festivals if len(festivals) <= PLACE_LIST
                             else festivals[:PLACE_ROWS]),
                  venue_count=len(venues), festival_count=len(festivals),
                  place_counts=place_counts, map_points=MAP_POINTS,
                  place_map=maps.places(place.get("geojson"), points) if points else None,
                  ae_count=sum(1 for r in venues if r["art_et_essai"]),
                  series_chart=series_chart, breakdown_charts=breakdown_charts,
                  levels=scheme_levels.levels_table(atlas(request), territory_id),
                  report_levels=LEVELS)


# -- compare ---------------------------------------------------------------------------


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, level: LevelName = "region", territory: Territories = None,
            year: FormYear = None,
            theme: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    v = views(request)
    if not v.levels:
        raise HTTPException(404, Message("This store holds no territories to compare."))
    level, country = v.map_level(level)
    year = _year(year)
    theme = theme if theme in THEMES else None
    frame = v.compare_frame(level, country, territory or [], year, None if theme is None else [
        i.id for i in registry.catalogue() if i.theme == theme])
    present = set(frame["indicator"].to_list())
    items = [i for i in registry.catalogue()
             if i.id in present and (theme is None or i.theme == theme)]
    names = dict(zip(frame["territory_id"], frame["territory_name"], strict=True))
    main, other = queries.split_frame(frame, queries.own_currency(country))
    cells = {(r["territory_id"], r["indicator"]): r for r in main.to_dicts()}
    medians = {r["indicator"]: r for r in main.filter(pl.col("median").is_not_null()).unique(
        "indicator", keep="first", maintain_order=True).to_dicts()}  # one per indicator
    others: dict[tuple[str, str], list[dict]] = {}
    for r in other.to_dicts():
        others.setdefault((r["territory_id"], r["indicator"]), []).append(r)
    return render(request, "compare.html", levels=v.levels, level=level, year=year,
                  years=v.years, items=items, cells=cells, others=others, themes=THEMES,
                  medians=medians,
                  theme=theme, currency=queries.own_currency(country),
                  names=dict(sorted(names.items(), key=lambda kv: i18n.name_key(kv[1]))),
                  chosen=territory or [], all_territories=v.base_map(level, country).shapes)


#: Columns of the comparison download.
COMPARE_COLUMNS = ("indicator", "level", "territory_id", "territory_name", "period", "year",
                   "category", "value", "unit", "currency", "rank", "of", "median", "vs_median",
                   "n", "covered", "coverage", "low_coverage", "fictitious", "sources",
                   "median_fictitious")


@router.get("/compare.csv")
def compare_csv(request: Request, level: LevelName = "region", territory: Territories = None,
                year: FormYear = None, dialect: DialectParam = Dialect.csv) -> Response:
    v = views(request)
    if not v.levels:
        raise HTTPException(404, Message("This store holds no territories to compare."))
    level, country = v.map_level(level)
    frame = v.compare_frame(level, country, territory or [], _year(year))
    return csv_response(frame.select([c for c in COMPARE_COLUMNS if c in frame.columns]),
                        "compare", dialect)


# -- awards explorer -------------------------------------------------------------------


#: Awards on a page of the explorer, and facet values on a page of one facet's values.
PER_PAGE, FACET_PER_PAGE = 50, 100


@router.get("/awards", response_class=HTMLResponse)
def awards(request: Request, filters: Annotated[AwardFilters, Depends(award_filters)],
           page: Page = 1, sort: SortParam = DEFAULT_SORT) -> HTMLResponse:
    a = atlas(request)
    frame, total = award_queries.awards(a, filters, PER_PAGE, (page - 1) * PER_PAGE, sort.value)
    where, params = filters.where()
    facets = award_queries.facets(a, filters)
    # with no award, what removing each filter would give (the one giving most first)
    active = filters.active()
    hints = [{"name": name, "n": n, "without": {k: v for k, v in active.items() if k != name}
              | ({"sector": queries.ALL_SECTORS} if name == "sector" else {})}
             for name, n in sorted(award_queries.without_each(a, filters).items(),
                                   key=lambda kv: -kv[1])] if total == 0 else []
    return render(request, "awards.html", rows=frame.to_dicts(), total=total, page=page,
                  pages=math.ceil(total / PER_PAGE) if total else 0, per_page=PER_PAGE,
                  facets=facets, sort=sort.value, sorts=award_queries.SORTS, hints=hints,
                  totals=award_queries.totals(a, where, params).to_dicts(),
                  sectors=award_queries.sector_counts(a, filters),
                  **_explorer(request, filters, facets))


@router.get("/awards/facet/{facet}", response_class=HTMLResponse)
def award_facet(request: Request, facet: FacetName,
                filters: Annotated[AwardFilters, Depends(award_filters)],
                facet_q: Annotated[str | None, Query(max_length=200)] = None,
                page: Page = 1) -> HTMLResponse:
    """Every value of one facet (searchable, paged): what its short list leaves out."""
    a = atlas(request)
    frame, total = award_queries.facet_values(a, filters, facet.value, facet_q, FACET_PER_PAGE,
                                              (page - 1) * FACET_PER_PAGE)
    facets = award_queries.facets(a, filters, limit=0)
    return render(request, "awards_facet.html", facet=facet.value, values=frame.to_dicts(),
                  total=total, page=page, facet_q=facet_q or "",
                  pages=math.ceil(total / FACET_PER_PAGE) if total else 0,
                  **_explorer(request, filters, facets))


def _explorer(request: Request, filters: AwardFilters,
              facets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What every explorer page shows of its filters: `active` (name → value or list of
    values), `chips` (name, value, readable name, the filters without it), `names`,
    the sector and the currency the totals are given in."""
    v = views(request)
    ctx = Context(request)
    active = filters.active()
    named = {(name, str(f["value"])): f["label"] for name, facet in facets.items()
             for f in facet["values"] if award_queries.FACETS[name].named == "name"}
    currency = None  # a territory's own currency first, the others labelled apart
    for territory_id in filters.territory[:1]:
        place = v.territory(territory_id)
        if place:
            named[("territory", territory_id)] = place["name"]
            currency = queries.own_currency(place["country_code"])
    if filters.funder_territory:  # the funder's governed territory, named
        governed = v.territory(filters.funder_territory)
        if governed:
            named[("funder_territory", filters.funder_territory)] = governed["name"]
            currency = currency or queries.own_currency(governed["country_code"])
    sector = queries.sector_value(filters.sector)
    if "sector" in active:
        named[("sector", sector)] = (ctx._("All sectors") if sector == queries.ALL_SECTORS
                                     else sector_label(sector, ctx.lang))
    chips = []
    for name, value in active.items():
        for one in (value if isinstance(value, list) else [value]):
            others = dict(active)
            if isinstance(value, list):
                others[name] = [x for x in value if x != one]
            else:
                others.pop(name)
            label = named.get((name, str(one))) or (
                ctx.fmt.decimal(float(one)) if name.startswith("amount_")
                else page_labels(ctx.lang).value_label(name, one, ctx._))
            chips.append({"name": name, "value": one, "label": label, "without": others})
    return {"active": active, "chips": chips, "names": named, "sector": sector,
            "currency": currency}


def toggled(active: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """The filters `active` with `value` of facet `name` added, or removed when chosen."""
    chosen = [str(v) for v in active.get(name, [])]
    values = ([v for v in chosen if v != str(value)] if str(value) in chosen
              else [*chosen, str(value)])
    return {k: v for k, v in active.items() if k != name} | ({name: values} if values else {})


# -- beneficiary, work, funder, cinemas, festivals: entity_pages.py ----------------------


# -- indicators and sources ------------------------------------------------------------


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request) -> HTMLResponse:
    return render(request, "indicators.html", catalogue=registry.catalogue(), themes=THEMES)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: Annotated[str, Id],
              territory: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    item = _indicator(indicator_id)
    # an indicator with results at one level only (no map): its values by year, in a table
    values = (views(request).values(item.id, Cut(level=item.levels[0], by_year=True)).to_dicts()
              if item.levels else [])
    cohorts = None
    if item.theme == "efficacy":  # its cohort table: the countries, or the territory asked for
        place = views(request).territory(territory) if territory else None
        if territory and (place is None or place["level"] not in LEVELS):
            raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory)))
        cut = (Cut(level=place["level"], territories=(territory,), by_year=True) if place
               else Cut(level="country", by_year=True))
        values = views(request).values(item.id, cut).to_dicts()
        cohorts = {"territory": territory}
    return render(request, "indicator.html", item=item, themes=THEMES, values=values,
                  cohorts=cohorts)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> HTMLResponse:
    return render(request, "sources.html", sources=views(request).sources())


# -- convention simulator --------------------------------------------------------------


@router.get("/simulator", response_class=HTMLResponse)
def simulator(request: Request, form: Annotated[SimulatorForm, Depends()]) -> HTMLResponse:
    comparison = simulation.run(request, form)
    base, edited = comparison.results
    ctx = Context(request)
    regions = sorted(comparison.regions.filter(pl.col("scenario") == "edited").to_dicts(),
                     key=lambda r: i18n.name_key(r["region_name"]))
    values = {r["region_id"]: {"value": r["cnc_per_inhabitant"], "currency": r["currency"]}
              for r in regions}
    the_map, legend = _paint(ctx, views(request).base_map("region", "FR"), values,
                             "money_per_inhabitant")
    bars = [{"label": r["region_name"], "value": r["cnc_cents"] / 100, "series": series}
            for series, rows in ((ctx._("Starting scenario"), base.regions.to_dicts()),
                                 (ctx._("Your parameters"), regions))
            for r in rows if r["cnc_cents"] is not None]
    chart = charts.money(charts.grouped_bars(ctx._("CNC contribution by Region"), bars,
                                             ctx._("Amount")), ctx._("Amount"), "EUR", ctx.lang)
    return render(request, "simulator.html", form=form, base=base, edited=edited,
                  regions=regions, map=the_map, legend=legend, chart_spec=chart,
                  equity=_equity_rows(base, edited), scenario=base.scenario,
                  query=echoed_query(request))


def _equity_rows(base, edited) -> list[dict[str, Any]]:
    """The equity measures of both scenarios, side by side."""
    key = ("measure", "of", "category")
    edited_values = {tuple(r[k] for k in key): r["value"] for r in edited.equity.to_dicts()}
    return [r | {"edited": edited_values.get(tuple(r[k] for k in key))}
            for r in base.equity.to_dicts()]


@router.get("/simulator.csv")
def simulator_csv(request: Request, form: Annotated[SimulatorForm, Depends()],
                  dialect: DialectParam = Dialect.csv,
                  units: UnitsParam = Units.major) -> Response:
    return csv_response(simulation.run(request, form).regions, "simulation", dialect, units)


# -- data dictionary -------------------------------------------------------------------


@router.get("/data-dictionary", response_class=HTMLResponse)
def data_dictionary(request: Request) -> HTMLResponse:
    return render(request, "data_dictionary.html", dictionary=downloads.DICTIONARY,
                  types=downloads.TYPES, units=downloads.UNITS)


@router.get("/data-dictionary.csv")
def data_dictionary_csv(dialect: DialectParam = Dialect.csv) -> Response:
    return csv_response(downloads.dictionary_frame(), "data-dictionary", dialect)


@router.get("/data-dictionary.json")
def data_dictionary_json() -> dict[str, Any]:
    return {"data": downloads.dictionary_frame().to_dicts()}


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=86400"})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page (for the pages; the API answers with its JSON envelope), its message
    in the page's language when it is a `Message`."""
    if isinstance(message, Message):
        message = Context(request)._(message.msgid, **message.values)
    return render(request, "error.html", status=status, status_code=status, message=message)
