"""Outlines of Canada's provinces and of Québec's administrative regions: reading a GeoJSON
FeatureCollection of them, and deriving the simplified provinces file the package ships.

The package ships (see cineatlas.datasets, manifest.toml):

- `canada-provinces-outlines`: the 13 provinces and territories, simplified from the 1.8 MB
  source by `derive_provinces` (refresh: run it on a new source, then `datasets.pack`);
- `quebec-regions-outlines`: the 17 administrative regions, as published (about 900 points).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from cineatlas.errors import AtlasError
from cineatlas.territories import geometry

#: Tolerance of the shipped provinces' simplification (degrees; about 2 km north-south).
PROVINCE_TOLERANCE = 0.02
#: Decimals kept in the shipped provinces' coordinates (0.001° is about 100 m).
PROVINCE_DECIMALS = 3


def read_features(path: Path, key: str) -> list[tuple[str, Any]]:
    """(value of property `key`, geometry) of each feature of a GeoJSON FeatureCollection,
    geometries made valid. Features without that property or a geometry are left out."""
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AtlasError(f"Cannot read the outlines file {path}: {exc}. Give a GeoJSON "
                         "FeatureCollection.") from exc
    out = []
    for feature in data.get("features") or []:
        value = str((feature.get("properties") or {}).get(key) or "").strip()
        if value and feature.get("geometry"):
            geom = shapely.from_geojson(json.dumps(feature["geometry"]))
            out.append((value, geom if shapely.is_valid(geom) else _polygons(geom)))
    return out


def _polygons(geom: Any) -> Any:
    """A valid (multi)polygon of an invalid one (self-intersections of the source)."""
    parts = shapely.get_parts(shapely.make_valid(geom))
    polygons = [p for part in parts for p in shapely.get_parts(part)
                if shapely.get_type_id(p) == 3]
    return shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]


def derive_provinces(source: Path, destination: Path, *, tolerance: float = PROVINCE_TOLERANCE,
                     decimals: int = PROVINCE_DECIMALS) -> dict[str, int]:
    """Write the simplified provinces file shipped with the package from `source` (a GeoJSON
    FeatureCollection of Canada's provinces): each geometry simplified with
    `shapely.simplify(tolerance, preserve_topology=True)` (no ring collapses or crosses
    itself), coordinates rounded to `decimals`, properties kept as published. Returns the
    number of points before and after."""
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    features = [f for f in data.get("features") or [] if f.get("geometry")]
    geoms = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in features])
    simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    written = [geometry.to_geojson(g, decimals) for g in simple]
    out = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": f.get("properties") or {}, "geometry": json.loads(g)}
        for f, g in zip(features, written, strict=True)]}
    Path(destination).write_text(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    after = shapely.get_num_coordinates(np.array([shapely.from_geojson(g) for g in written]))
    return {"points_before": int(shapely.get_num_coordinates(geoms).sum()),
            "points_after": int(after.sum())}
