"""The atlas' HTML pages: Jinja2 templates (auto-escaped), French first, English on request.

Each page reads through `views.Views` and `queries` (as the API does) so the pages and the JSON
API show the same figures; every page links its data as CSV or JSON. Every figure shows whether
it rests on fictitious rows and cites its sources (`notes.SourceNotes`).
"""

from __future__ import annotations

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
from cineatlas.indicators.registry import THEMES, UNITS
from cineatlas.problems import described
from cineatlas.store.vocabularies import SECTORS
from cineatlas.store.vocabularies import label as vocab_label
from cineatlas.territories.names import french_names
from cineatlas.version import __version__
from cineatlas.web import charts, downloads, i18n, labels, maps, queries, simulation
from cineatlas.web.api import Page, atlas
from cineatlas.web.downloads import Dialect, DialectParam, Units, UnitsParam, csv_response
from cineatlas.web.errors import Message, excerpt
from cineatlas.web.notes import SourceNotes
from cineatlas.web.queries import DEFAULT_SECTOR, AwardFilters, SectorParam
from cineatlas.web.simulation import SimulatorForm
from cineatlas.web.views import Views

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
    Scotia, Germany) by its French name (territories.names); anything else as it is."""
    if type(value) is str:
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


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    ctx = Context(request)
    page = environment(ctx.lang).get_template(template).render(
        ctx=ctx, lang=ctx.lang, fmt=ctx.fmt, url=ctx.url, version=__version__,
        fictitious=views(request).fictitious, labels=page_labels(ctx.lang),
        indicator_title=indicator_title,
        unit_label=unit_label, path=request.url.path, spec_json=charts.as_json,
        sector_label=sector_label, problem_text=described, **values)
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


def _paint(ctx: Context, base: maps.Map, values: dict[str, dict],
           unit: str) -> tuple[maps.Map, list]:
    """A copy of `base` coloured by `values` (territory id → {value, currency, low_coverage}),
    each shape linked to its profile; and the legend."""
    scale = maps.scale_for(unit, [v["value"] for v in values.values()])
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


#: The home map's indicator when none is asked: the first with a value at the level shown
#: (support where awards are published, else access to cinema, which every atlas has).
HOME_INDICATORS = ("support_per_inhabitant", "cinemas_per_100k")


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
    the_map, legend = _paint(Context(request), v.base_map(level, country), by_id, item.unit)
    blank = dict.fromkeys(("value", "rank", "of", "vs_median", "coverage", "low_coverage",
                           "currency", *rows.columns))
    table = sorted((blank | by_id.get(s.territory_id, {})
                    | {"territory_id": s.territory_id, "name": s.name} for s in the_map.shapes),
                   key=lambda r: (r["rank"] is None, r["rank"] or 0, i18n.name_key(r["name"])))
    unplaced = []  # awards placed in the country itself: on no shape of the map
    if item.subject == "awards" and level != "country":
        placed = queries.placement(atlas(request), country, DEFAULT_SECTOR, year).to_dicts()
        unplaced = queries.split_currencies(
            [r for r in placed if r["where"] == "here"], queries.own_currency(country))[0]
    return render(request, "home.html", item=item, catalogue=registry.catalogue(), themes=THEMES,
                  unplaced=unplaced,
                  levels=v.levels, level=level, country=country, year=year, years=v.years,
                  map=the_map, legend=legend, table=table, categories=categories,
                  category=rows["category"][0] if rows.height else None, empty=False,
                  currency=queries.own_currency(country), other=sorted(
                      other.to_dicts(), key=lambda r: (r["currency"],
                                                       i18n.name_key(r["territory_name"]))))


# -- territory profile -----------------------------------------------------------------


@router.get("/territory/{territory_id}", response_class=HTMLResponse)
def territory(request: Request, territory_id: Annotated[str, Id]) -> HTMLResponse:
    profile = views(request).profile(territory_id)
    if profile is None:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory_id)))
    ctx = Context(request)
    points = [{"latitude": r["latitude"], "longitude": r["longitude"],
               "kind": ("ae" if r["art_et_essai"] else "cinema"), "label": r["name"]}
              for r in profile["venues"]]
    points += [{"latitude": r["latitude"], "longitude": r["longitude"], "kind": "festival",
                "label": r["name"]} for r in profile["festivals"]]
    place = profile["territory"]
    key = [k | {"item": registry.get(k["indicator"])} for k in profile["key_figures"]]
    amount = ctx._("Amount")

    def money(spec: dict) -> dict:  # amounts in a readable unit: "Montant (M€)"
        return charts.money(spec, amount, profile["currency"], ctx.lang)

    series_chart = money(charts.bars_by_year(
        ctx._("Total support by year"),
        [{"year": str(r["year"]), "value": r["value"]} for r in profile["series"]], amount))
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
                  given=profile["given_support"], placement=profile["placement"],
                  given_charts=given_charts,
                  children=profile["children"], key=key, series=profile["series"],
                  breakdowns=profile["breakdowns"], top=profile["top_beneficiaries"],
                  other=profile["other_currencies"], currency=profile["currency"],
                  sector=profile["sector"], places_provenance=profile["places_provenance"],
                  venues=profile["venues"], festivals=profile["festivals"],
                  place_map=maps.places(place.get("geojson"), points) if points else None,
                  ae_count=sum(1 for r in profile["venues"] if r["art_et_essai"]),
                  series_chart=series_chart, breakdown_charts=breakdown_charts)


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
    frame = v.compare_frame(level, country, territory or [], year)
    present = set(frame["indicator"].to_list())
    theme = theme if theme in THEMES else None
    items = [i for i in registry.catalogue()
             if i.id in present and (theme is None or i.theme == theme)]
    names = dict(zip(frame["territory_id"], frame["territory_name"], strict=True))
    main, other = queries.split_frame(frame, queries.own_currency(country))
    cells = {(r["territory_id"], r["indicator"]): r for r in main.to_dicts()}
    others: dict[tuple[str, str], list[dict]] = {}
    for r in other.to_dicts():
        others.setdefault((r["territory_id"], r["indicator"]), []).append(r)
    return render(request, "compare.html", levels=v.levels, level=level, year=year,
                  years=v.years, items=items, cells=cells, others=others, themes=THEMES,
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


@router.get("/awards", response_class=HTMLResponse)
def awards(request: Request, filters: Annotated[AwardFilters, Depends()],
           page: Page = 1) -> HTMLResponse:
    v = views(request)
    per_page = 50
    a = atlas(request)
    frame, total = queries.awards(a, filters, per_page, (page - 1) * per_page)
    where, params = filters.where()
    facets = queries.facets(a, where, params)
    active = filters.active()
    names = {}  # the readable name of each active facet whose value is an id
    for name in ("funder", "scheme", "beneficiary"):
        if name in active:
            match = [f["label"] for f in facets[name] if f["value"] == str(active[name])]
            names[name] = match[0] if match else active[name]
    currency = None  # a territory's own currency first, the others labelled apart
    if filters.territory:
        place = v.territory(filters.territory)
        names["territory"] = place["name"] if place else filters.territory
        currency = queries.own_currency(place["country_code"]) if place else None
    if filters.funder_territory:  # the funder's governed territory, named
        governed = v.territory(filters.funder_territory)
        names["funder_territory"] = governed["name"] if governed else filters.funder_territory
        if currency is None and governed:
            currency = queries.own_currency(governed["country_code"])
    sector = queries.sector_value(filters.sector)
    if "sector" in active:
        ctx = Context(request)
        names["sector"] = (ctx._("All sectors") if sector == queries.ALL_SECTORS
                           else sector_label(sector, ctx.lang))
    return render(request, "awards.html", rows=frame.to_dicts(), total=total, page=page,
                  pages=math.ceil(total / per_page) if total else 0, per_page=per_page,
                  facets=facets, active=active, names=names,
                  totals=queries.totals(a, where, params).to_dicts(),
                  sector=sector, sectors=queries.sector_counts(a, filters),
                  currency=currency)


# -- beneficiary and work --------------------------------------------------------------


@router.get("/beneficiary/{organisation_id:path}", response_class=HTMLResponse)
def beneficiary(request: Request, organisation_id: Annotated[str, Id],
                sector: SectorParam = DEFAULT_SECTOR) -> HTMLResponse:
    v = views(request)
    org = v.organisation(organisation_id)
    if org is None:
        raise HTTPException(404, Message("No beneficiary %(id)s.", id=excerpt(organisation_id)))
    return render(request, "beneficiary.html", org=org, sector=queries.sector_value(sector),
                  currency=queries.own_currency(org["country_code"]),
                  **queries.entity_awards(atlas(request), "beneficiary_id", organisation_id,
                                          sector))


@router.get("/work/{work_id:path}", response_class=HTMLResponse)
def work(request: Request, work_id: Annotated[str, Id],
         sector: SectorParam = DEFAULT_SECTOR) -> HTMLResponse:
    v = views(request)
    item = v.work(work_id)
    if item is None:
        raise HTTPException(404, Message("No work %(id)s.", id=excerpt(work_id)))
    return render(request, "work.html", work=item, sector=queries.sector_value(sector),
                  **queries.entity_awards(atlas(request), "work_id", work_id, sector))


# -- indicators and sources ------------------------------------------------------------


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request) -> HTMLResponse:
    return render(request, "indicators.html", catalogue=registry.catalogue(), themes=THEMES)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: Annotated[str, Id]) -> HTMLResponse:
    item = _indicator(indicator_id)
    # an indicator with results at one level only (no map): its values by year, in a table
    values = (views(request).values(item.id, Cut(level=item.levels[0], by_year=True)).to_dicts()
              if item.levels else [])
    return render(request, "indicator.html", item=item, themes=THEMES, values=values)


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
