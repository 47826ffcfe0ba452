"""Geometry helpers for territories: equal-area surfaces, representative points, adjacency,
dissolving, coverage simplification and compact GeoJSON. Longitude/latitude in WGS 84.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import shapely

# GRS 80 / WGS 84 ellipsoid.
_A = 6378137.0
_F = 1 / 298.257222101
_E2 = _F * (2 - _F)
_E = np.sqrt(_E2)


def _q(phi: np.ndarray) -> np.ndarray:
    s = np.sin(phi)
    return (1 - _E2) * (s / (1 - _E2 * s * s) - np.log((1 - _E * s) / (1 + _E * s)) / (2 * _E))


_QP = float(_q(np.array(np.pi / 2)))
_RQ = _A * np.sqrt(_QP / 2)  # radius of the sphere with the ellipsoid's area (authalic)


def area_km2(geoms: np.ndarray) -> np.ndarray:
    """Surface of each geometry in km², on the ellipsoid.

    Each geometry goes to the authalic sphere (authalic latitude) and is projected in a
    sinusoidal projection centred on its own longitude: both steps keep areas exactly, so
    only the straight edges between vertices approximate the true boundary (negligible for
    the dense outlines of communes). Missing geometries give NaN.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), np.nan)
    present = ~shapely.is_missing(geoms)
    if not present.any():
        return out
    parts = geoms[present]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    bounds = shapely.bounds(parts)
    lon0 = (bounds[:, 0] + bounds[:, 2]) / 2
    lam = np.radians(coords[:, 0] - lon0[index])
    beta = np.arcsin(np.clip(_q(np.radians(coords[:, 1])) / _QP, -1.0, 1.0))
    projected = shapely.set_coordinates(
        shapely.from_wkb(shapely.to_wkb(parts)),  # a copy: set_coordinates works in place
        np.column_stack([_RQ * lam * np.cos(beta), _RQ * beta]))
    out[present] = shapely.area(projected) / 1e6
    return out


def representative_points(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(latitude, longitude) of a point inside each geometry: the centroid when it lies
    inside, else GEOS's point on surface. NaN for missing geometries."""
    geoms = np.asarray(geoms, dtype=object)
    centroid = shapely.centroid(geoms)
    inside = shapely.contains(geoms, centroid)
    points = np.where(inside, centroid, shapely.point_on_surface(geoms))
    lon, lat = shapely.get_x(points), shapely.get_y(points)
    return lat, lon


def adjacent_pairs(geoms: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of geometries that touch or overlap, shape (n, 2)."""
    geoms = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    return np.column_stack([left[keep], right[keep]])


def drop_small_holes(geom: Any, min_area: float) -> Any:
    """The geometry without interior rings smaller than `min_area` (square degrees):
    the slivers left by dissolving polygons whose shared borders do not quite match."""
    polygons = shapely.get_parts(geom)
    kept = []
    for polygon in polygons:
        holes = [ring for ring in polygon.interiors if shapely.Polygon(ring).area >= min_area]
        kept.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.multipolygons(kept) if len(kept) > 1 else kept[0]


def dissolve(geoms: np.ndarray, groups: Sequence[Hashable],
             min_hole: float = 1e-4) -> dict[Hashable, Any]:
    """Union of the geometries of each group (polygons only), sliver holes removed."""
    geoms = np.asarray(geoms, dtype=object)
    keys = np.asarray(groups, dtype=object)
    present = ~shapely.is_missing(geoms)
    out: dict[Hashable, Any] = {}
    for key in dict.fromkeys(keys.tolist()):
        members = geoms[(keys == key) & present]
        if not len(members):
            out[key] = None
            continue
        parts = shapely.get_parts(shapely.make_valid(shapely.union_all(members)))
        polygons = parts[shapely.get_type_id(parts) == 3]  # drop stray lines and points
        out[key] = drop_small_holes(shapely.multipolygons(polygons), min_hole)
    return out


def fill_gaps(geoms: dict[Hashable, Any],
              keep: Sequence[tuple[float, float]] = ()) -> dict[Hashable, Any]:
    """Give each gap between the geometries to the one sharing most of its border.

    Gaps are the holes of the geometries' union: ground that none covers, left by communes
    missing from the source. An enclave (the Enclave des Papes, Vaucluse, inside Drôme) is
    covered by its own department, so it is no gap and stays a hole of the one around it.
    Holes holding one of the `keep` points (lon, lat), foreign enclaves, stay holes.
    """
    keys = [k for k, g in geoms.items() if g is not None]
    array = np.array([geoms[k] for k in keys], dtype=object)
    union = shapely.union_all(array)
    kept = [shapely.Point(lon, lat) for lon, lat in keep]
    gaps = [shapely.Polygon(ring) for polygon in shapely.get_parts(union)
            for ring in polygon.interiors]
    gaps = [gap for gap in gaps if not any(gap.contains(point) for point in kept)]
    tree = shapely.STRtree(array)
    added: dict[int, list[Any]] = {}
    for gap in gaps:
        near = tree.query(gap, predicate="intersects")
        if not len(near):
            continue
        shared = shapely.length(shapely.intersection(array[near], gap.exterior))
        added.setdefault(int(near[np.argmax(shared)]), []).append(gap)
    out = dict(geoms)
    for i, extra in added.items():
        out[keys[i]] = shapely.union_all([array[i], *extra])
    return out


def simplify_coverage(geoms: Sequence[Any], tolerance: float) -> np.ndarray:
    """Simplify polygons that tile the ground together (departments, regions), keeping
    shared borders shared: no gaps or overlaps appear between neighbours (GEOS ≥ 3.12).
    Falls back to per-geometry topology-preserving simplification on older GEOS."""
    array = np.asarray(geoms, dtype=object)
    try:
        return shapely.coverage_simplify(array, tolerance)
    except (AttributeError, shapely.errors.UnsupportedGEOSVersionError):  # pragma: no cover
        return shapely.simplify(array, tolerance, preserve_topology=True)


def to_geojson(geom: Any, decimals: int = 5) -> str:
    """Compact GeoJSON of a geometry, coordinates snapped to 10^-decimals degrees
    (1e-5° is about one metre) with validity kept."""
    snapped = shapely.set_precision(geom, 10.0 ** -decimals)
    data = json.loads(shapely.to_geojson(snapped))
    return json.dumps(_round(data, decimals), separators=(",", ":"))


def _round(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, list):
        return [_round(v, decimals) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, decimals) for k, v in value.items()}
    return value
