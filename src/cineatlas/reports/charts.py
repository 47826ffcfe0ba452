"""The web's Vega-Lite charts (web/charts.py), rendered to SVG for print by vl-convert: the
same specifications, at a fixed width (a page has no container to fit) and without tooltips."""

from __future__ import annotations

import copy
import re
from typing import Any

import vl_convert

#: Width of a chart on an A4 page, in CSS pixels (the page's text block is about 680).
WIDTH = 620
#: The Vega-Lite version of the web's specs ($schema v6).
VL_VERSION = "6.4"
#: The report's typeface (report.css).
FONT = "DejaVu Sans"


def svg(spec: dict[str, Any], width: int = WIDTH, height: int | None = None) -> str:
    """`spec` as an SVG document (no XML declaration: to be placed inline in HTML)."""
    spec = copy.deepcopy(spec)
    spec["width"] = width
    if height is not None:
        spec["height"] = height
    spec.pop("autosize", None)
    if isinstance(spec.get("mark"), dict):
        spec["mark"].pop("tooltip", None)
    config = spec.setdefault("config", {})
    config["font"] = FONT  # measured with the font the page is typeset in: no label clipped
    locale = config.pop("locale", None)
    out = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION,
                                     format_locale=(locale or {}).get("number"))
    return re.sub(r"^<\?xml[^>]*>\s*", "", out)
