"""SVG maps drawn by the server from the territory outlines: one `<path>` per territory,
overseas territories in insets, a tile grid when a level has no outlines, and a
colour-blind-safe scale (viridis classes, with a hatched 'no data' swatch).
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


@dataclass(frozen=True)
class Scale:
    """Classes by quantiles of the known values: `breaks` are the upper bounds."""

    breaks: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Scale:
        known = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
        if not len(known):
            return cls(())
        classes = min(len(PALETTE), len(np.unique(known)))
        quantiles = np.quantile(known, np.linspace(0, 1, classes + 1)[1:])
        return cls(tuple(dict.fromkeys(float(q) for q in quantiles)))

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
class StatusScale:
    """Two classes for an indicator of unit 'status': published (dark) and not published
    (light); not covered (NULL) is hatched like 'no data'."""

    def colour(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return MISSING
        return PALETTE[-1] if value >= 1 else PALETTE[0]

    def legend(self, fmt: Callable[[float], str]) -> list[tuple[str, str]]:
        return [(PALETTE[-1], fmt(1.0)), (PALETTE[0], fmt(0.0))]


def scale_for(unit: str, values: Sequence[float | None]) -> Scale | StatusScale:
    """The classes of a map of `values` in `unit`."""
    return StatusScale() if unit == "status" else Scale.of(values)


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

