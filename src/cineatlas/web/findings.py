"""The findings blocks of the pages: what `queries.findings` computes, gathered for a map (the
home page) and for a territory's profile. The wording is in templates/findings.html."""

from __future__ import annotations

from typing import Any

import polars as pl

from cineatlas.indicators import registry
from cineatlas.indicators.registry import Indicator
from cineatlas.queries import findings
from cineatlas.web.views import MAP_LEVELS, Views

#: The key figure a profile's finding is about, the first the territory has.
PROFILE_FIGURES = ("support_per_inhabitant", "cinemas_per_100k", "cinema_festivals_per_100k")


def periods(v: Views) -> dict[str, dict[str, Any]]:
    """Each award source's years (kept: the store does not change while served)."""
    return v._remember(("findings", "periods"), lambda: findings.periods(v.atlas))


def _name(v: Views, territory_id: str | None) -> str | None:
    place = v.territory(territory_id) if territory_id else None
    return place["name"] if place else territory_id


def for_map(v: Views, item: Indicator, level: str, country: str, year: int | None,
            rows: pl.DataFrame, category: str | None = None) -> dict[str, Any]:
    """{'finding': the map's main facts or None, 'periods': the years each award source of the
    country covers (said when the map has no value), 'years': the label of each year of the
    year picker (fiscal years as such)}; kept per map (`rows` are the results of
    the indicator at that level, year and category)."""
    return v._remember(("findings", "map", item.id, level, country, year, category),
                       lambda: _for_map(v, item, level, country, year, rows))


def _for_map(v: Views, item: Indicator, level: str, country: str, year: int | None,
             rows: pl.DataFrame) -> dict[str, Any]:
    known = periods(v)
    ids = [s.territory_id for s in v.base_map(level, country).shapes]
    whole = findings.whole_of(v.atlas, ids, country)
    found = findings.map_finding(rows.to_dicts(), item, whole,
                                 findings.populations(v.atlas, level, country), known, year,
                                 of=len(ids))
    if found and found["kind"] == "metropolis":
        found["whole"] = {"name": found["territory"]["territory_name"]}
        found["metropolis_name"] = _name(v, found["metropolis"])
    covering = [p for p in known.values() if p["country"] == country] or list(known.values())
    # the year picker's labels: fiscal years as such where every source of the country is
    fiscal = bool(covering) and all(p["period"].fiscal for p in covering)
    labels = {y: f"{y}-{y + 1}" if fiscal else str(y) for y in v.years}
    return {"finding": found, "periods": covering if item.subject == "awards" else [],
            "years": labels}


def for_profile(v: Views, profile: dict[str, Any]) -> dict[str, Any]:
    """The profile's main facts (`queries.findings.profile_finding`), `years` (the label of
    each year of its support by year: fiscal years as such) and `places`, the sources covering
    the territory for cinemas and festivals; kept per territory."""
    return v._remember(("findings", "profile", profile["territory"]["territory_id"]),
                       lambda: _for_profile(v, profile))


def _for_profile(v: Views, profile: dict[str, Any]) -> dict[str, Any]:
    place = profile["territory"]
    key = {k["indicator"]: k for k in profile["key_figures"]}
    figure = next((key[i] for i in PROFILE_FIGURES if i in key and
                   key[i].get("value") is not None), None)
    levels = [lv for lvs in MAP_LEVELS.values() for lv in lvs]
    below = findings.child_level(v.atlas, place["territory_id"], levels)
    children: list[dict[str, Any]] = []
    if below is not None:
        frame = v.indicator("total_support", below)
        children = findings.children_rows(frame, v.atlas, place["territory_id"],
                                          profile["currency"])
    total = key.get("total_support")
    out = findings.profile_finding(place, figure, children, periods(v),
                                   total["value"] if total else None)
    if out["position"] is not None:
        out["position"]["item"] = registry.get(out["position"]["indicator"])
    if out["inside"] is not None:
        out["inside"]["level"] = below
    # support by year: fiscal years read as such (2017-2018) when every source of the series
    # is in fiscal years
    known = periods(v)
    series = findings.period_of(findings.sources_of(profile["series"]), known)
    out["years"] = {r["year"]: series.year_label(r["year"]) if series else str(r["year"])
                    for r in profile["series"]}
    places = findings.places_reach(v.atlas, place["territory_id"])
    for name in ("all_venues", "all_festivals"):  # named by their titles
        places[name] = [(v.source_notes.get(s) or {}).get("title") or s for s in places[name]]
    return out | {"places": places}
