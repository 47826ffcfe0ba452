"""Vega-Lite specifications of the atlas' charts (rendered by the vendored Vega-Lite, with
Vega's CSP-safe expression interpreter). Every chart also has a table on its page."""

from __future__ import annotations

import json
from typing import Any

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


def as_json(spec: dict[str, Any]) -> str:
    """A spec as JSON safe inside <script type="application/json">: every '<' is escaped, so
    no '</script>' or '<!--' in the data can end the block."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
