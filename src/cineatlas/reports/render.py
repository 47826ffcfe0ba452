"""A report's HTML (Jinja2, the web's translations, formats and macros) and its PDF, typeset
by WeasyPrint from the same HTML and the print stylesheet `templates/report.css`."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from cineatlas.indicators import registry
from cineatlas.indicators.registry import UNITS
from cineatlas.problems import described
from cineatlas.reports import charts
from cineatlas.reports.content import REPORT_BREAKDOWNS, ReportData
from cineatlas.version import __version__
from cineatlas.web import charts as web_charts
from cineatlas.web import i18n, labels, maps
from cineatlas.web.notes import SourceNotes
from cineatlas.web.pages import TEMPLATES as WEB_TEMPLATES
from cineatlas.web.pages import _french_names, _naming_french, sector_label

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(lang: str) -> Environment:
    """The report templates, with the web's (its macros) behind them, in `lang`."""
    env = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES),
                                           FileSystemLoader(WEB_TEMPLATES)]),
                      extensions=["jinja2.ext.i18n"], autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True,
                      finalize=_french_names if lang == "fr" else None)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    if lang == "fr":
        for name in ("gettext", "ngettext"):
            env.globals[name] = _naming_french(env.globals[name])
    return env


class Context:
    """What the web's macros ask of a page (`ctx`): its language, translations, notes."""

    def __init__(self, lang: str, notes: SourceNotes) -> None:
        self.lang = lang
        self.fmt = i18n.Formats(lang)
        self.translations = i18n.translations(lang)
        self.notes = notes

    def _(self, message: str, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    @property
    def colon(self) -> str:
        return "\u202f:" if self.lang == "fr" else ":"


def html(data: ReportData, views: Any) -> str:
    """The report as one self-contained HTML document (its stylesheet and SVGs inline)."""
    ctx = Context(data.lang, SourceNotes(views.source_notes))
    document = environment(data.lang).get_template("report.html").render(
        ctx=ctx, lang=data.lang, fmt=ctx.fmt, r=data, place=data.place,
        labels=labels.Labels(data.lang), version=__version__, css=css(),
        indicator_title=_title, unit_label=_unit, sector_label=sector_label,
        problem_text=described, url=lambda path, **_: path,
        made=format_date(data.made, format="long", locale=data.lang),
        charts=_charts(data, ctx), map=_map(data, views, ctx),
        methods=_methods(data), findings=data.findings)
    # a figure's [n] leads to the report's own list of sources; the atlas' other links (a
    # profile, a list) have no address in a document made apart from the served atlas
    document = document.replace('href="/sources#source-', 'href="#source-')
    return re.sub(r' href="/[^"]*"', "", document)


def _methods(data: ReportData) -> dict[str, Any]:
    """Each key figure's caveats (the catalogue's, in the report's language): `own`, those of
    one figure only, by indicator; `common`, those several figures share, each once with the
    titles of the figures it applies to (a page need not repeat them)."""
    caveats = {k["indicator"]: (k["item"].caveats_fr if data.lang == "fr"
                                else k["item"].caveats_en) for k in data.key}
    applies: dict[str, list[str]] = {}
    for k in data.key:
        for c in caveats[k["indicator"]]:
            applies.setdefault(c, []).append(_title(k["item"], data.lang))
    return {"own": {i: [c for c in cs if len(applies[c]) == 1] for i, cs in caveats.items()},
            "common": [(c, titles) for c, titles in applies.items() if len(titles) > 1]}


def pdf(document: str) -> bytes:
    """The HTML report typeset as PDF (A4) by WeasyPrint."""
    from weasyprint import HTML  # imported here: it loads Pango (a second)

    return HTML(string=document, base_url=str(TEMPLATES)).write_pdf()


@cache
def css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def _title(item: registry.Indicator, lang: str) -> str:
    return item.title_fr if lang == "fr" else item.title_en


def _unit(unit: str, lang: str) -> str:
    fr, en = UNITS[unit]
    return fr if lang == "fr" else en


def _charts(data: ReportData, ctx: Context) -> dict[str, str]:
    """The profile's charts (support by year, the breakdowns) as SVG: the web's specs."""
    amount = ctx._("Amount")
    page = labels.Labels(data.lang)

    def money(spec: dict) -> dict:
        return web_charts.money(spec, amount, data.currency, data.lang)

    out = {}
    years = data.findings.get("years", {})
    if data.series:
        out["series"] = charts.svg(money(web_charts.bars_by_year(
            ctx._("Total support by year"),
            [{"year": years.get(r["year"], str(r["year"])), "value": r["value"]}
             for r in data.series], amount)), height=170)
    for by in REPORT_BREAKDOWNS:
        rows = data.profile["breakdowns"].get(by) or []
        if rows:
            out[by] = charts.svg(money(web_charts.horizontal_bars(
                ctx._(labels.BREAKDOWNS[by]),
                [{"label": page.value_label(by, r["key"], ctx._),
                  "value": (r["amount_minor"] or 0) / 100} for r in rows[:8]], amount)),
                width=300)
    return out


def _map(data: ReportData, views: Any, ctx: Context) -> dict[str, Any] | None:
    """The map of the territory's level in its country, coloured by the report's map
    indicator (the web's classes and colours, `maps.scale_for`), the territory outlined."""
    item = data.map_indicator
    if item is None:
        return None
    country = data.place["country_code"]
    base = views.base_map(data.level, country)
    scale = maps.scale_for(item.unit, [v["value"] for v in data.map_values.values()],
                           item.target)
    shapes = []
    for shape in base.shapes:
        found = data.map_values.get(shape.territory_id)
        shapes.append(replace(shape, fill=scale.colour(found["value"]) if found
                              else maps.MISSING, low_coverage=bool(
                                  found and found.get("low_coverage"))))
    legend = scale.legend(lambda x: ctx.fmt.value(x, item.unit, data.currency))
    return {"map": replace(base, shapes=shapes), "legend": legend, "item": item,
            "self": data.place["territory_id"]}
