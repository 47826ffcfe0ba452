"""Vega-Lite specifications of the atlas' charts (rendered by the vendored Vega-Lite, with
Vega's CSP-safe expression interpreter). Every chart also has a table on its page."""

from __future__ import annotations

import copy
import json
from typing import Any

from babel.numbers import get_currency_symbol

#: Colour-blind-safe single hue for bars and lines (viridis' blue-green).
COLOUR = "#21918c"


def _base(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "title": title,
            "data": {"values": rows}, "width": "container", "height": 220,
            "config": {"view": {"stroke": None},
                       "axis": {"labelFontSize": 12, "titleFontSize": 12}}}


def bars_by_year(title: str, rows: list[dict[str, Any]], y_title: str) -> dict[str, Any]:
    """Bars of `value` per `year`."""
    return _base(title, rows) | {
        "mark": {"type": "bar", "color": COLOUR, "tooltip": True},
        "encoding": {"x": {"field": "year", "type": "ordinal", "title": None},
                     "y": {"field": "value", "type": "quantitative", "title": y_title}}}


def horizontal_bars(title: str, rows: list[dict[str, Any]], x_title: str) -> dict[str, Any]:
    """Horizontal bars of `value` per `label`, largest first."""
    return _base(title, rows) | {
        "height": {"step": 22}, "autosize": {"type": "fit-x", "contains": "padding"},
        "mark": {"type": "bar", "color": COLOUR, "tooltip": True},
        "encoding": {"y": {"field": "label", "type": "nominal", "sort": "-x", "title": None},
                     "x": {"field": "value", "type": "quantitative", "title": x_title}}}


def grouped_bars(title: str, rows: list[dict[str, Any]], x_title: str) -> dict[str, Any]:
    """Horizontal bars of `value` per `label`, one bar per `series` (two colour-blind-safe
    colours from viridis' ends)."""
    return _base(title, rows) | {
        "height": {"step": 11}, "autosize": {"type": "fit-x", "contains": "padding"},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {"y": {"field": "label", "type": "nominal", "title": None},
                     "yOffset": {"field": "series"},
                     "x": {"field": "value", "type": "quantitative", "title": x_title},
                     "color": {"field": "series", "type": "nominal", "title": None,
                               "scale": {"range": ["#fde725", "#3b528b"]},
                               "legend": {"orient": "top"}}}}


#: A money axis' units, largest first: (at least, divisor, prefix) by language ("16 M€").
SCALES = {"fr": ((1e9, 1e9, "Md"), (1e6, 1e6, "M"), (1e4, 1e3, "k")),
          "en": ((1e9, 1e9, "bn"), (1e6, 1e6, "M"), (1e4, 1e3, "k"))}
#: Vega's number locale of each language (d3-format: decimal mark, grouping).
LOCALES = {"fr": {"number": {"decimal": ",", "thousands": "\u202f", "grouping": [3],
                             "currency": ["", "\u00a0€"]}},
           "en": {"number": {"decimal": ".", "thousands": ",", "grouping": [3],
                             "currency": ["$", ""]}}}


def money(spec: dict[str, Any], title: str, currency: str | None,
          lang: str) -> dict[str, Any]:
    """A copy of a chart of amounts (`value`, in currency units) in a readable unit: values
    divided by a thousand, a million or a billion as the largest needs, the axis titled with
    the unit ("Montant (M€)", "Amount (€M)"), numbers in the page's locale."""
    spec = copy.deepcopy(spec)
    rows = spec["data"]["values"]
    top = max((abs(r["value"]) for r in rows if r.get("value") is not None), default=0)
    divisor, prefix = next(((d, p) for least, d, p in SCALES[lang] if top >= least), (1, ""))
    for r in rows:
        if r.get("value") is not None:
            r["value"] = r["value"] / divisor
    symbol = get_currency_symbol(currency, locale=lang) if currency else ""
    unit = f"{prefix}{symbol}" if lang == "fr" else f"{symbol}{prefix}"
    axis = "x" if spec["encoding"]["x"].get("field") == "value" else "y"
    spec["encoding"][axis]["title"] = f"{title} ({unit})" if unit else title
    spec["config"]["locale"] = LOCALES[lang]
    return spec


def as_json(spec: dict[str, Any]) -> str:
    """A spec as JSON safe inside <script type="application/json">: every '<' is escaped, so
    no '</script>' or '<!--' in the data can end the block."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
