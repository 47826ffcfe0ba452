"""SVG maps drawn by the server from the territory outlines: one `<path>` per territory,
overseas territories in insets, a tile grid when a level has no outlines, and a
colour-blind-safe scale (viridis classes, with a hatched 'no data' swatch; an indicator with a
target diverges around it, orange below and purple above). Class bounds are rounded to two
significant digits, never finer than the unit's display precision, and classes that collapse
once rounded are merged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from cineatlas.territories.tilegrid import GRIDS

WIDTH = 640.0
#: Viridis in five classes, light (low) to dark (high): readable with every common colour
#: vision deficiency and in greyscale.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
MISSING = "url(#no-data)"


@dataclass
class Shape:
    territory_id: str
    name: str
    d: str
    fill: str = MISSING
    label: str = ""
    low_coverage: bool = False
    href: str = ""


@dataclass
class Point:
    x: float
    y: float
    kind: str
    label: str


@dataclass
class Map:
    width: float
    height: float
    shapes: list[Shape]
    points: list[Point] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)  # insets
    tiles: bool = False


#: Decimal places a value of each unit is shown with at most (i18n.Formats): a class is never
#: narrower than that.
UNIT_DIGITS = {"share": 3, "money": 0, "money_per_inhabitant": 2, "count": 0}
#: Significant digits of a class bound: 1,9 € rather than 1,92 €, so that neighbouring bounds
#: read apart.
BOUND_DIGITS = 2
#: A diverging palette for indicators with a target (orange below, purple above, a pale
#: neutral at the target; PuOr, readable with the common colour vision deficiencies: never
#: red against green), from far below to far above.
BELOW = ("#b35806", "#f1a340", "#fee0b6")
ABOVE = ("#d8daeb", "#998ec3", "#542788")


def rounded(value: float, unit: str, *, up: bool = False) -> float:
    """`value` rounded to BOUND_DIGITS significant digits, never finer than the unit's display
    precision (UNIT_DIGITS, 3 places otherwise); `up` rounds towards +∞ (a top bound must hold
    the largest value)."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = BOUND_DIGITS - 1 - math.floor(math.log10(abs(value)))
    digits = min(digits, UNIT_DIGITS.get(unit, 3))
    step = 10.0 ** -digits
    scaled = value / step
    whole = math.ceil(scaled) if up else round(scaled)
    return round(whole * step, max(digits, 0))


def _known(values: Sequence[float | None]) -> np.ndarray:
    return np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)


def _breaks(known: np.ndarray, classes: int, unit: str) -> tuple[float, ...]:
    """Upper bounds of up to `classes` quantile classes of `known`, rounded (`rounded`), the
    last one up; classes that collapse once rounded are merged."""
    if not len(known) or classes < 1:
        return ()
    classes = min(classes, len(np.unique(known)))
    quantiles = np.quantile(known, np.linspace(0, 1, classes + 1)[1:])
    top = rounded(float(known.max()), unit, up=True)
    bounds = [min(rounded(float(q), unit), top) for q in quantiles[:-1]] + [top]
    return tuple(dict.fromkeys(bounds))


@dataclass(frozen=True)
class Scale:
    """Classes by quantiles of the known values: `breaks` are the upper bounds, rounded to
    the display precision and merged when two collapse (never a class '1,92 € – 1,93 €')."""

    breaks: tuple[float, ...]
    target: float | None = None

    @classmethod
    def of(cls, values: Sequence[float | None], unit: str = "") -> Scale:
        return cls(_breaks(_known(values), len(PALETTE), unit))

    def colour(self, value: float | None) -> str:
        if value is None or not math.isfinite(value) or not self.breaks:
            return MISSING
        for index, bound in enumerate(self.breaks):
            if value <= bound:
                return PALETTE[self._offset() + index]
        return PALETTE[-1]

    def _offset(self) -> int:
        return len(PALETTE) - len(self.breaks)

    def legend(self, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
        """(colour, 'low – high') per class, lowest first."""
        out, low = [], None
        for index, bound in enumerate(self.breaks):
            text = fmt(bound) if low is None else f"{fmt(low)} – {fmt(bound)}"
            out.append((PALETTE[self._offset() + index], ("≤ " if low is None else "") + text))
            low = bound
        return out


@dataclass(frozen=True)
class DivergingScale:
    """Classes on both sides of a `target`: below it in orange (darker further below), above
    it in purple (darker further above), each side in up to three quantile classes of its own
    values, bounds rounded like `Scale`'s. A value equal to the target is on neither side: it
    gets the pale neutral of `AT`."""

    target: float
    below: tuple[float, ...]  # lower bounds of the classes under the target, lowest first
    above: tuple[float, ...]  # upper bounds of the classes over the target, lowest first

    AT = "#f7f7f7"

    @classmethod
    def of(cls, values: Sequence[float | None], target: float, unit: str = "") -> DivergingScale:
        known = _known(values)
        under = known[known < target]
        over = known[known > target]
        below: tuple[float, ...] = ()
        if len(under):  # lower bounds: quantiles of the values under the target, rounded down
            classes = min(len(BELOW), len(np.unique(under)))
            lows = np.quantile(under, np.linspace(0, 1, classes + 1)[:-1])
            below = tuple(b for b in dict.fromkeys(rounded(float(q), unit) for q in lows)
                          if b < target) or (float(under.min()),)
        return cls(target, below, _breaks(over, len(ABOVE), unit))

    def colour(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return MISSING
        if value < self.target:
            palette = BELOW[len(BELOW) - len(self.below):]
            for index in range(len(self.below) - 1, -1, -1):
                if value >= self.below[index]:
                    return palette[index]
            return palette[0]
        if value > self.target:
            for index, bound in enumerate(self.above):
                if value <= bound:
                    return ABOVE[index]
            return ABOVE[len(self.above) - 1] if self.above else ABOVE[0]
        return self.AT

    def legend(self, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
        """(colour, text) from far below the target to far above, the target itself between:
        a class under the target holds [low, next), the lowest one everything under its next
        bound; a class over it holds (previous, bound]."""
        out = []
        palette = BELOW[len(BELOW) - len(self.below):]
        for index, low in enumerate(self.below):
            high = self.below[index + 1] if index + 1 < len(self.below) else self.target
            text = f"< {fmt(high)}" if index == 0 else f"{fmt(low)} – < {fmt(high)}"
            out.append((palette[index], text))
        out.append((self.AT, f"= {fmt(self.target)}"))
        low = self.target
        for index, bound in enumerate(self.above):
            out.append((ABOVE[index], f"> {fmt(low)} – {fmt(bound)}"))
            low = bound
        return out


@dataclass(frozen=True)
class StatusScale:
    """Two classes for an indicator of unit 'status': published (dark) and not published
    (light); not covered (NULL) is hatched like 'no data'."""

    def colour(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return MISSING
        return PALETTE[-1] if value >= 1 else PALETTE[0]

    def legend(self, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
        return [(PALETTE[-1], fmt(1.0)), (PALETTE[0], fmt(0.0))]


def scale_for(unit: str, values: Sequence[float | None],
              target: float | None = None) -> Scale | DivergingScale | StatusScale:
    """The classes of a map of `values` in `unit`: diverging around `target` when the
    indicator has one."""
    if unit == "status":
        return StatusScale()
    if target is not None:
        return DivergingScale.of(values, target, unit)
    return Scale.of(values, unit)


class Projection:
    """Longitude/latitude to SVG pixels: equirectangular at the area's mean latitude,
    fitted into a box (x, y, width, height)."""

    def __init__(self, bounds: Sequence[float], box: tuple[float, float, float, float]) -> None:
        west, south, east, north = bounds
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-9)
        span_y = max(north - south, 1e-9)
        bx, by, bw, bh = box
        self.scale = min(bw / span_x, bh / span_y)
        self.x0 = bx + (bw - span_x * self.scale) / 2 - west * self.k * self.scale
        self.y0 = by + (bh - span_y * self.scale) / 2 + north * self.scale
        self.height = span_y * self.scale

    def xy(self, coords: np.ndarray) -> np.ndarray:
        return np.column_stack([self.x0 + coords[:, 0] * self.k * self.scale,
                                self.y0 - coords[:, 1] * self.scale])

    def geometry(self, geom):
        return shapely.transform(geom, self.xy)


def geometry(geojson: str | None):
    return None if not geojson else shapely.from_geojson(geojson)


def path(geom) -> str:
    """SVG path data of a projected (multi)polygon, simplified to half a pixel."""
    geom = shapely.simplify(geom, 0.4, preserve_topology=True)
    parts = []
    for polygon in shapely.get_parts(geom):
        if shapely.get_type_id(polygon) != 3:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.round(np.asarray(ring.coords)[:-1], 1)
            if len(xy) < 3:
                continue
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in xy) + "Z")
    return "".join(parts)


def choropleth(rows: Sequence[dict], *, grid: str | None = None) -> Map:
    """A map of `rows` (territory_id, name, geojson, overseas): outlines when every row has
    one, else a tile grid (`grid` names a country's layout; otherwise squares by name).
    Overseas territories are drawn in insets under the mainland."""
    if rows and all(r.get("geojson") for r in rows):
        return _outline_map(rows)
    return _tile_map(rows, grid)


def _outline_map(rows: Sequence[dict]) -> Map:
    geoms = {r["territory_id"]: geometry(r["geojson"]) for r in rows}
    main = [r for r in rows if not r.get("overseas")]
    insets = [r for r in rows if r.get("overseas")]
    bounds = shapely.total_bounds([geoms[r["territory_id"]] for r in (main or insets)])
    inset_height = WIDTH * 0.16 if main and insets else 0.0
    probe = Projection(bounds, (0, 0, WIDTH, 10_000))
    main_height = min(probe.height, WIDTH * 1.2)
    projection = Projection(bounds, (0, 0, WIDTH, main_height))
    shapes = [Shape(r["territory_id"], r["name"],
                    path(projection.geometry(geoms[r["territory_id"]]))) for r in main]
    frames = []
    if main and insets:
        slot = WIDTH / max(len(insets), 5)
        top = main_height + 8
        for index, r in enumerate(sorted(insets, key=lambda r: r["territory_id"])):
            box = (index * slot + 4, top + 4, slot - 8, inset_height - 8)
            local = Projection(shapely.bounds(geoms[r["territory_id"]]), box)
            shapes.append(Shape(r["territory_id"], r["name"],
                                path(local.geometry(geoms[r["territory_id"]]))))
            frames.append((index * slot + 2, top + 2, slot - 4, inset_height - 4))
    height = main_height + (inset_height + 8 if frames else 0)
    return Map(WIDTH, round(height, 1), shapes, frames=frames)


def _tile_map(rows: Sequence[dict], grid: str | None) -> Map:
    names = {r["territory_id"]: r["name"] for r in rows}
    layout = [t for t in GRIDS.get(grid or "", []) if t[0] in names]
    if len(layout) != len(names):
        ordered = sorted(names, key=lambda t: names[t])
        columns = max(1, math.ceil(math.sqrt(len(ordered))))
        layout = [(t, i % columns, i // columns) for i, t in enumerate(ordered)]
    columns = max((c for _, c, _ in layout), default=0) + 1
    rows_n = max((r for _, _, r in layout), default=0) + 1
    size = min(WIDTH / columns, 90.0)
    shapes = []
    for territory, column, row in layout:
        x, y, s = column * size + 2, row * size + 2, size - 4
        shapes.append(Shape(territory, names[territory], f"M{x:g},{y:g}h{s:g}v{s:g}h{-s:g}Z"))
    return Map(round(columns * size, 1), round(rows_n * size, 1), shapes, tiles=True)


def places(outline: str | None, points: Sequence[dict]) -> Map:
    """A territory's outline with points (latitude, longitude, kind, label) on it."""
    geom = geometry(outline)
    located = [p for p in points
               if p.get("latitude") is not None and p.get("longitude") is not None]
    if geom is not None:
        bounds = shapely.bounds(geom)
    elif located:
        lons = [p["longitude"] for p in located]
        lats = [p["latitude"] for p in located]
        bounds = (min(lons), min(lats), max(lons), max(lats))
    else:
        return Map(WIDTH, 0, [])
    probe = Projection(bounds, (10, 10, WIDTH - 20, 10_000))
    projection = Projection(bounds, (10, 10, WIDTH - 20, min(probe.height, WIDTH)))
    height = min(probe.height, WIDTH) + 20
    shapes = [] if geom is None else [
        Shape("", "", path(projection.geometry(geom)), fill="#f2f2f2")]
    xy = projection.xy(np.array([[p["longitude"], p["latitude"]] for p in located])) \
        if located else np.empty((0, 2))
    out = [Point(round(float(x), 1), round(float(y), 1), p["kind"], p["label"])
           for (x, y), p in zip(xy, located, strict=True)]
    return Map(WIDTH, round(height, 1), shapes, points=out)

