"""The atlas' HTML pages: Jinja2 templates (auto-escaped), French first, English on request.

Each page reads through `views.Views` (or the API's functions) so the pages and the JSON API
show the same figures; every page links its data as CSV or JSON.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import polars as pl
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cineatlas.indicators import registry
from cineatlas.indicators.cut import LEVELS
from cineatlas.indicators.registry import THEMES, UNITS
from cineatlas.version import __version__
from cineatlas.web import charts, i18n, labels, maps, simulation
from cineatlas.web.api import MAX_DOWNLOAD, AwardFilters, Page, _awards, atlas, safe_csv
from cineatlas.web.simulation import SimulatorForm
from cineatlas.web.views import Views

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
Id = Annotated[str, FastPath(max_length=120)]
#: A year from a form: empty means all years.
FormYear = Annotated[str | None, Query(pattern=r"^(19|20)\d\d$|^$", description="Year (empty: all)")]


def _year(value: str | None) -> int | None:
    return int(value) if value else None


@cache
def environment(lang: str) -> Environment:
    """The template environment of one language (its gettext installed)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    return env


def views(request: Request) -> Views:
    return request.app.state.views


class Context:
    """What every page knows: its language, formats, URL helpers, the demo flag."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = i18n.choose(request.query_params.get("lang"), request.cookies.get("lang"))
        self.fmt = i18n.Formats(self.lang)
        self.translations = i18n.translations(self.lang)

    def _(self, message: str, **values: Any) -> str:
        """`message` in the page's language, with `%(name)s` placeholders filled."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def url(self, path: str, **params: Any) -> str:
        """`path` with the query `params` (None and empty values dropped)."""
        query = {k: v for k, v in params.items() if v not in (None, "", [])}
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    def switch(self, lang: str) -> str:
        """This page's URL in `lang`."""
        params = dict(self.request.query_params) | {"lang": lang}
        return self.url(self.request.url.path, **params)


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    ctx = Context(request)
    page = environment(ctx.lang).get_template(template).render(
        ctx=ctx, lang=ctx.lang, fmt=ctx.fmt, url=ctx.url, version=__version__,
        fictitious=views(request).fictitious, labels=labels, indicator_title=indicator_title,
        unit_label=unit_label, path=request.url.path, spec_json=charts.as_json, **values)
    response = HTMLResponse(page, status_code=status)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", ctx.lang, max_age=365 * 86400, samesite="lax")
    return response


def indicator_title(item: registry.Indicator, lang: str) -> str:
    return item.title_fr if lang == "fr" else item.title_en


def unit_label(unit: str, lang: str) -> str:
    fr, en = UNITS[unit]
    return fr if lang == "fr" else en


def _indicator(indicator_id: str) -> registry.Indicator:
    try:
        return registry.get(indicator_id)
    except registry.UnknownIndicator:
        raise HTTPException(404, f"No indicator {indicator_id!r}.") from None


def _pick_category(frame: pl.DataFrame, category: str | None) -> tuple[pl.DataFrame, list[str]]:
    """Rows of one category: the one asked, else the whole ('all' or none), else the first."""
    categories = sorted(c for c in frame["category"].unique().to_list() if c is not None)
    if category not in categories:
        category = None if frame["category"].null_count() else ("all" if "all" in categories
                                                                 else (categories or [None])[0])
    rows = frame.filter(pl.col("category").is_null() if category is None
                        else pl.col("category") == category)
    return rows, categories


# -- home: the map ---------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, indicator: Annotated[str, Query(max_length=60)] = "support_per_inhabitant",
         level: Annotated[str, Query(max_length=20)] = "region", year: FormYear = None,
         category: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    v = views(request)
    item = _indicator(indicator)
    year = _year(year)
    levels = v.levels
    if not levels:
        return render(request, "home.html", empty=True, levels=[], item=item)
    level_country = next(((lv, c) for lv, c in levels if lv == level), levels[0])
    level, country = level_country
    if year is not None and year not in v.years:
        year = None
    results = v.results(level, year)
    rows = results.filter((pl.col("indicator") == indicator)
                          & pl.col("territory_id").str.starts_with(country))
    if rows.height and rows["currency"].n_unique() > 1:  # several currencies: the country's own
        rows = rows.filter(pl.col("currency").is_null()
                           | (pl.col("currency") == {"FR": "EUR", "CA": "CAD"}[country]))
    rows, categories = _pick_category(rows, category) if rows.height else (rows, [])
    chosen = rows["category"][0] if rows.height else None
    by_id = {r["territory_id"]: r for r in rows.to_dicts()}
    shapes = v.level_shapes(level, country)
    the_map = maps.choropleth(shapes, grid=country if level in ("region", "province") else None)
    scale = maps.Scale.of([r["value"] for r in by_id.values()])
    ctx = Context(request)
    for shape in the_map.shapes:
        result = by_id.get(shape.territory_id)
        shape.href = ctx.url(f"/territory/{shape.territory_id}")
        if result:
            shape.fill = scale.colour(result["value"])
            shape.label = ctx.fmt.value(result["value"], item.unit, result["currency"])
            shape.low_coverage = bool(result["low_coverage"])
    blank = dict.fromkeys(("value", "rank", "of", "vs_median", "coverage", "low_coverage",
                           "currency", *rows.columns))
    table = sorted(
        (blank | (by_id.get(s["territory_id"]) or {}) | {"territory_id": s["territory_id"],
                                                         "name": s["name"]} for s in shapes),
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["name"]))
    legend = scale.legend(lambda x: ctx.fmt.value(x, item.unit, rows["currency"][0] if rows.height else None))
    return render(request, "home.html", item=item, catalogue=registry.catalogue(), themes=THEMES,
                  levels=levels, level=level, country=country, year=year, years=v.years,
                  map=the_map, legend=legend, table=table, categories=categories, category=chosen,
                  empty=False)


# -- territory profile -----------------------------------------------------------------


@router.get("/territory/{territory_id}", response_class=HTMLResponse)
def territory(request: Request, territory_id: Annotated[str, Id]) -> HTMLResponse:
    profile = views(request).profile(territory_id)
    if profile is None:
        raise HTTPException(404, f"No territory {territory_id!r}.")
    ctx = Context(request)
    points = [{"latitude": r["latitude"], "longitude": r["longitude"],
               "kind": ("ae" if r["art_et_essai"] else "cinema"), "label": r["name"]}
              for r in profile["venues"]]
    points += [{"latitude": r["latitude"], "longitude": r["longitude"], "kind": "festival",
                "label": r["name"]} for r in profile["festivals"]]
    place = profile["territory"]
    key = [k | {"item": registry.get(k["indicator"])} for k in profile["key_figures"]]
    series_chart = charts.bars_by_year(
        ctx._("Total support by year"),
        [{"year": str(r["year"]), "value": r["value"]} for r in profile["series"]], ctx._("Amount"))
    breakdown_charts = {by: charts.horizontal_bars(
        ctx._(labels.BREAKDOWNS[by]),
        [{"label": labels.value_label(by, r["key"], ctx._), "value": (r["amount_minor"] or 0) / 100}
         for r in rows], ctx._("Amount")) for by, rows in profile["breakdowns"].items() if rows}
    return render(request, "territory.html", place=place, ancestors=profile["ancestors"],
                  children=profile["children"], key=key, series=profile["series"],
                  breakdowns=profile["breakdowns"], top=profile["top_beneficiaries"],
                  venues=profile["venues"], festivals=profile["festivals"],
                  place_map=maps.places(place.get("geojson"), points) if points else None,
                  ae_count=sum(1 for r in profile["venues"] if r["art_et_essai"]),
                  series_chart=series_chart, breakdown_charts=breakdown_charts)


# -- compare ---------------------------------------------------------------------------


def _compare_frame(v: Views, level: str, country: str | None, ids: list[str],
                   year: int | None) -> tuple[pl.DataFrame, list[registry.Indicator]]:
    results = v.results(level, year)
    if country:
        results = results.filter(pl.col("territory_id").str.starts_with(country))
    if ids:
        results = results.filter(pl.col("territory_id").is_in(ids))
    whole = results.filter(pl.col("category").is_null() | (pl.col("category") == "all"))
    items = [i for i in registry.catalogue() if i.id in set(whole["indicator"].to_list())]
    return whole, items


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, level: Annotated[str, Query(max_length=20)] = "region",
            territory: Annotated[list[str] | None, Query(max_length=60)] = None,
            year: FormYear = None, theme: Annotated[str | None, Query(max_length=20)] = None,
            ) -> HTMLResponse:
    v = views(request)
    year = _year(year)
    levels = v.levels
    level, country = next(((lv, c) for lv, c in levels if lv == level), levels[0] if levels else ("region", None))
    frame, items = _compare_frame(v, level, country, territory or [], year)
    if theme in THEMES:
        items = [i for i in items if i.theme == theme]
    names = dict(zip(frame["territory_id"], frame["territory_name"], strict=True)) if frame.height else {}
    cells: dict[tuple[str, str], dict] = {(r["territory_id"], r["indicator"]): r for r in frame.to_dicts()}
    all_territories = v.level_shapes(level, country) if country else []
    return render(request, "compare.html", levels=levels, level=level, year=year, years=v.years,
                  items=items, names=dict(sorted(names.items(), key=lambda kv: kv[1] or "")),
                  cells=cells, themes=THEMES, theme=theme if theme in THEMES else None,
                  chosen=territory or [], all_territories=all_territories)


@router.get("/compare.csv")
def compare_csv(request: Request, level: Annotated[str, Query(max_length=20)] = "region",
                territory: Annotated[list[str] | None, Query(max_length=60)] = None,
                year: FormYear = None) -> Response:
    v = views(request)
    year = _year(year)
    levels = v.levels
    level, country = next(((lv, c) for lv, c in levels if lv == level), levels[0] if levels else ("region", None))
    frame, _ = _compare_frame(v, level, country, territory or [], year)
    columns = [c for c in ("indicator", "level", "territory_id", "territory_name", "period", "year",
                           "category", "value", "unit", "currency", "rank", "of", "median", "vs_median",
                           "n", "covered", "coverage", "low_coverage") if c in frame.columns]
    return Response(safe_csv(frame.select(columns)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cineatlas-compare.csv"'})


# -- awards explorer -------------------------------------------------------------------


@router.get("/awards", response_class=HTMLResponse)
def awards(request: Request, filters: Annotated[AwardFilters, Depends()], page: Page = 1) -> HTMLResponse:
    v = views(request)
    per_page = 50
    frame, total = _awards(atlas(request), filters, per_page, (page - 1) * per_page)
    where, params = filters.where()
    facets = v.facets(where, params)
    active = {k: val for k, val in vars(filters).items() if val not in (None, "")}
    names = {}  # the readable name of each active facet whose value is an id
    for name in ("funder", "scheme", "beneficiary"):
        if name in active:
            match = [f["label"] for f in facets[name] if f["value"] == str(active[name])]
            names[name] = match[0] if match else active[name]
    if filters.territory:
        place = v.territory(filters.territory)
        names["territory"] = place["name"] if place else filters.territory
    return render(request, "awards.html", rows=frame.to_dicts(), total=total, page=page,
                  pages=math.ceil(total / per_page) if total else 0, per_page=per_page,
                  facets=facets, active=active, names=names, totals=v.totals(where, params).to_dicts(),
                  max_download=MAX_DOWNLOAD)


# -- beneficiary and work --------------------------------------------------------------


def _entity_awards(v: Views, request: Request, column: str, value: str):
    where, params = f"a.{column} = ?", [value]
    frame = v.atlas.frame(
        "SELECT a.award_id, a.project_title, a.work_id, f.name AS funder, s.name AS scheme, "
        "b.name AS beneficiary, a.beneficiary_id, t.name AS territory, a.beneficiary_territory_id, "
        "coalesce(a.fiscal_year, year(a.decision_date)) AS year, a.amount_minor, a.currency, a.stage, "
        "a.format, a.genre, a.fictitious FROM awards a "
        "LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id "
        "LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
        f"WHERE {where} ORDER BY year DESC NULLS LAST, a.award_id LIMIT 1000", params)
    return frame.to_dicts(), v.totals(where, params).to_dicts(), v.award_territories(where, params).to_dicts()


@router.get("/beneficiary/{organisation_id:path}", response_class=HTMLResponse)
def beneficiary(request: Request, organisation_id: Annotated[str, Id]) -> HTMLResponse:
    v = views(request)
    org = v.organisation(organisation_id[:80])
    if org is None:
        raise HTTPException(404, f"No beneficiary {organisation_id!r}.")
    rows, totals, places = _entity_awards(v, request, "beneficiary_id", organisation_id)
    return render(request, "beneficiary.html", org=org, rows=rows, totals=totals, places=places)


@router.get("/work/{work_id:path}", response_class=HTMLResponse)
def work(request: Request, work_id: Annotated[str, Id]) -> HTMLResponse:
    v = views(request)
    item = v.work(work_id[:80])
    if item is None:
        raise HTTPException(404, f"No work {work_id!r}.")
    rows, totals, places = _entity_awards(v, request, "work_id", work_id)
    return render(request, "work.html", work=item, rows=rows, totals=totals, places=places)


# -- indicators and sources ------------------------------------------------------------


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request) -> HTMLResponse:
    return render(request, "indicators.html", catalogue=registry.catalogue(), themes=THEMES)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: Annotated[str, Id]) -> HTMLResponse:
    return render(request, "indicator.html", item=_indicator(indicator_id), themes=THEMES)


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> HTMLResponse:
    return render(request, "sources.html", sources=views(request).sources())


# -- convention simulator --------------------------------------------------------------


@router.get("/simulator", response_class=HTMLResponse)
def simulator(request: Request, form: Annotated[SimulatorForm, Depends()]) -> HTMLResponse:
    comparison = simulation.run(request, form)
    base, edited = comparison.results
    ctx = Context(request)
    regions = comparison.regions.filter(pl.col("scenario") == "edited").sort("region_name").to_dicts()
    starting = {r["region_id"]: r for r in base.regions.to_dicts()}
    shapes = views(request).level_shapes("region", "FR")
    the_map = maps.choropleth(shapes, grid="FR")
    values = {r["region_id"]: r["cnc_per_inhabitant"] for r in regions}
    scale = maps.Scale.of(list(values.values()))
    for shape in the_map.shapes:
        shape.href = ctx.url(f"/territory/{shape.territory_id}")
        if shape.territory_id in values:
            shape.fill = scale.colour(values[shape.territory_id])
            shape.label = ctx.fmt.value(values[shape.territory_id], "money_per_inhabitant", "EUR")
    bars = [{"label": r["region_name"], "value": r[column] / 100, "series": name}
            for name, column, rows in ((ctx._("Starting scenario"), "cnc_cents", starting.values()),
                                       (ctx._("Your parameters"), "cnc_cents", regions))
            for r in rows if r[column] is not None]
    chart = charts.grouped_bars(ctx._("CNC contribution by Region"), bars, ctx._("Amount"))
    return render(request, "simulator.html", form=form, base=base, edited=edited, regions=regions,
                  starting=starting, map=the_map, chart_spec=chart,
                  legend=scale.legend(lambda x: ctx.fmt.value(x, "money_per_inhabitant", "EUR")),
                  equity=_equity_rows(base, edited), scenario=base.scenario,
                  query=str(request.url.query))


def _equity_rows(base, edited) -> list[dict[str, Any]]:
    edited_values = {(r["measure"], r["of"], r["category"]): r["value"] for r in edited.equity.to_dicts()}
    return [r | {"edited": edited_values.get((r["measure"], r["of"], r["category"]))}
            for r in base.equity.to_dicts()]


@router.get("/simulator.csv")
def simulator_csv(request: Request, form: Annotated[SimulatorForm, Depends()]) -> Response:
    comparison = simulation.run(request, form)
    return Response(safe_csv(comparison.regions), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cineatlas-simulation.csv"'})


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=86400"})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page (for the pages; the API answers with its JSON envelope)."""
    return render(request, "error.html", status=status, status_code=status, message=message)
