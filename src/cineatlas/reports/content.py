"""What a territory report says, read through the web's read layer (`web.views.Views`): the
profile's key figures, support by year, breakdowns and plain-words findings, the ranked
results of the same level for the peers, the catalogue's method of each figure, the sources
and their licences. Nothing here computes a figure of its own: the figures are the profile's
(the page and `/api/v1/territories/{id}/profile` show the same), the peers' are the same
ranked results; only the peers' median is a median of those results."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cineatlas.errors import AtlasError
from cineatlas.indicators import Cut, registry
from cineatlas.indicators.compare import rank
from cineatlas.indicators.cut import LEVELS
from cineatlas.queries import sources as source_queries
from cineatlas.queries.common import split_currencies
from cineatlas.web import findings
from cineatlas.web.views import KEY_FIGURES, Views, key_figures

#: Indicators of the peers' table, in this order (those the territory has a value for).
PEER_FIGURES = ("total_support", "support_per_inhabitant", "cinemas_per_100k",
                "screens_per_100k", "cinema_festivals_per_100k")
#: Columns of the peers' table at most (the page's width).
PEER_COLUMNS = 4
#: Breakdowns a report draws (the profile shows four; a report keeps to two pages of figures).
REPORT_BREAKDOWNS = ("funder", "stage")
#: Peers a report compares at most (its table fits one page).
MAX_PEERS = 30


class ReportError(AtlasError):
    """A report that cannot be made (an unknown territory, a peer of another level...)."""


@dataclass
class ReportData:
    """Everything a report shows, in the shape its template reads."""

    lang: str
    place: dict[str, Any]
    ancestors: list[dict[str, Any]]
    profile: dict[str, Any]
    key: list[dict[str, Any]]
    series: list[dict[str, Any]]
    medians: dict[int, float]
    findings: dict[str, Any]
    peers: list[dict[str, Any]]
    peer_figures: list[registry.Indicator]
    peers_chosen: bool
    years: tuple[int, int] | None
    map_indicator: registry.Indicator | None
    map_values: dict[str, dict[str, Any]]
    sources: list[dict[str, Any]]
    fictitious: bool
    made: dt.date = field(default_factory=dt.date.today)
    simulation: dict[str, Any] | None = None

    @property
    def level(self) -> str:
        return self.place["level"]

    @property
    def currency(self) -> str | None:
        return self.profile["currency"]


def gather(views: Views, territory_id: str, *, peers: list[str] | None = None,
           years: tuple[int, int] | None = None, lang: str = "fr") -> ReportData:
    """The report's content for `territory_id` (peers: territory ids of the same level; None:
    every territory of its level in its country), for `years` (inclusive; None: every year)."""
    profile = views.profile(territory_id)
    if profile is None:
        raise ReportError(f"No territory {territory_id!r} in the store: give a territory id as "
                          "`cineatlas territories` lists them (e.g. FR-R52, CA-QC).")
    place = profile["territory"]
    level = place["level"]
    if level not in LEVELS:
        raise ReportError(f"{place['name']} ({territory_id}) is a {level}: no indicator is "
                          f"computed at that level. Reports are made for: {', '.join(LEVELS)}.")
    if years is not None:
        _check_years(years)
    currency = profile["currency"]
    country = place["country_code"] or territory_id[:2]
    ranked = _ranked(views, level, years)
    key = (profile["key_figures"] if years is None else key_figures(
        ranked.filter(pl.col("territory_id") == territory_id), currency))
    key = [k | {"item": registry.get(k["indicator"])} for k in key]
    peer_ids = _peers(views, territory_id, place, peers, country)
    peer_rows, shown = _peer_table(ranked, territory_id, peer_ids, key, currency)
    if peers:  # the chosen peers' median beside the national one (the same results)
        theirs = ranked.filter(pl.col("territory_id").is_in(peer_ids[1:])
                               & (pl.col("category").is_null() | (pl.col("category") == "all")))
        for k in key:
            known = [r["value"] for r in theirs.filter(
                pl.col("indicator") == k["indicator"]).to_dicts()
                if r["value"] is not None and r["currency"] in (k.get("currency"), None)]
            k["peers_median"] = statistics.median(known) if known else None
            k["peers_with_value"] = len(known)
    series = [r for r in profile["series"]
              if years is None or years[0] <= r["year"] <= years[1]]
    map_item = next((k["item"] for k in key if k["indicator"] in (
        "support_per_inhabitant", "cinemas_per_100k") and k.get("value") is not None), None)
    map_values = {}
    if map_item is not None:
        rows = ranked.filter((pl.col("indicator") == map_item.id)
                             & pl.col("territory_id").str.starts_with(country)
                             & (pl.col("category").is_null() | (pl.col("category") == "all")))
        main, _ = split_currencies([r for r in rows.to_dicts() if r["value"] is not None],
                                   currency)
        map_values = {r["territory_id"]: r for r in main}
    data = ReportData(
        lang=lang, place=place, ancestors=profile["ancestors"], profile=profile, key=key,
        series=series, medians=_medians(views, level, country, currency, years),
        findings=findings.for_profile(views, profile), peers=peer_rows, peer_figures=shown,
        peers_chosen=bool(peers), years=years, map_indicator=map_item, map_values=map_values,
        sources=[], fictitious=False)
    data.sources, data.fictitious = _sources(views, data)
    return data


def _check_years(years: tuple[int, int]) -> None:
    if years[0] > years[1]:
        raise ReportError(f"The year range {years[0]}–{years[1]} is empty: give the first year "
                          "first (e.g. --years 2015-2018).")
    if not (1900 <= years[0] and years[1] <= 2100):
        raise ReportError(f"--years {years[0]}-{years[1]} is outside 1900–2100.")


def _ranked(views: Views, level: str, years: tuple[int, int] | None) -> pl.DataFrame:
    """The key figures of every territory at `level`, ranked against the national median: the
    profile's own results for all years, else those of the `years` cut (the indicator engine,
    `Cut.years`, ranked as the profile ranks them)."""
    ids = [i.id for i in registry.catalogue() if i.id in KEY_FIGURES]
    if years is None:
        return views.results(level, None, ids)
    if years[0] == years[1]:
        return views.results(level, years[0], ids)
    frames = [rank(views.values(i, Cut(level=level, years=years))) for i in ids
              if level in (registry.get(i).levels or (level,))]
    return pl.concat(frames, how="diagonal_relaxed") if frames else views.results(level, None,
                                                                                   ids[:0])


def _peers(views: Views, territory_id: str, place: dict[str, Any], peers: list[str] | None,
           country: str) -> list[str]:
    """The peers' ids: those given (checked: known, same level), else every territory of the
    level in the country (the territory itself first in either case)."""
    if not peers:
        shapes = views.level_shapes(place["level"], country)
        return [territory_id] + [s["territory_id"] for s in shapes
                                 if s["territory_id"] != territory_id]
    out = [territory_id]
    for peer in peers:
        found = views.territory(peer)
        if found is None:
            raise ReportError(f"No territory {peer!r} (given as a peer) in the store: give "
                              "territory ids as `cineatlas territories` lists them.")
        if found["level"] != place["level"]:
            raise ReportError(
                f"The peer {found['name']} ({peer}) is a {found['level']}, and "
                f"{place['name']} a {place['level']}: a report compares territories of the "
                f"same level (`cineatlas territories --level {place['level']}`).")
        if peer not in out:
            out.append(peer)
    if len(out) > MAX_PEERS + 1:
        raise ReportError(f"{len(out) - 1} peers given: a report compares {MAX_PEERS} at most.")
    return out


def _peer_table(ranked: pl.DataFrame, territory_id: str, ids: list[str],
                key: list[dict[str, Any]], currency: str | None
                ) -> tuple[list[dict[str, Any]], list[registry.Indicator]]:
    """One row per peer (the territory's own marked `self`): name and the values of the peer
    figures the territory has, by the first figure's value (highest first, unknown last)."""
    have = {k["indicator"] for k in key if k.get("value") is not None}
    shown = [registry.get(i) for i in PEER_FIGURES if i in have][:PEER_COLUMNS]
    rows = ranked.filter(pl.col("territory_id").is_in(ids)
                         & pl.col("indicator").is_in([i.id for i in shown])
                         & (pl.col("category").is_null() | (pl.col("category") == "all")))
    main, _ = split_currencies([r for r in rows.to_dicts() if r["value"] is not None], currency)
    table: dict[str, dict[str, Any]] = {}
    for r in main:
        row = table.setdefault(r["territory_id"], {
            "territory_id": r["territory_id"], "name": r["territory_name"], "values": {},
            "fictitious": False, "sources": set(), "self": r["territory_id"] == territory_id})
        row["values"][r["indicator"]] = r["value"]
        row["fictitious"] = row["fictitious"] or bool(r.get("fictitious"))
        row["sources"].update(r.get("sources") or [])
    out = [table.get(i) or {"territory_id": i, "name": None, "values": {}, "fictitious": False,
                            "sources": set(), "self": i == territory_id} for i in ids]
    first = shown[0].id if shown else None
    out.sort(key=lambda r: (r["values"].get(first) is None, -(r["values"].get(first) or 0)))
    for r in out:
        r["sources"] = sorted(r["sources"])
    return out, shown


def _medians(views: Views, level: str, country: str, currency: str | None,
             years: tuple[int, int] | None) -> dict[int, float]:
    """The national median of total support by year at `level` (the ranked series by year the
    profiles' charts rest on: `Views.by_year`)."""
    frame = rank(views.by_year("total_support", level)).filter(
        pl.col("territory_id").str.starts_with(country) & pl.col("year").is_not_null())
    out: dict[int, float] = {}
    for r in frame.to_dicts():
        if r["currency"] in (currency, None) and r["median"] is not None and (
                years is None or years[0] <= r["year"] <= years[1]):
            out[r["year"]] = r["median"]
    return out


def _sources(views: Views, data: ReportData) -> tuple[list[dict[str, Any]], bool]:
    """Every source a figure of the report rests on (and the reference territories), with its
    publisher, licence and address; whether any of them is fictitious."""
    cited: set[str] = set()
    for k in data.key:
        cited.update(k.get("sources") or [])
    for r in [*data.series, *data.peers]:
        cited.update(r.get("sources") or [])
    for rows in data.profile["breakdowns"].values():
        for r in rows:
            cited.update(r.get("sources") or [])
    cited.update(data.profile["places_provenance"].get("sources") or [])
    every = source_queries.sources_frame(views.atlas).to_dicts()
    # the reference territories (names, populations, outlines) of the territory's country
    country = (data.place["country_code"] or "").lower()
    reference = [s["source_id"] for s in every
                 if s["source_id"] == f"reference:territories-{country}"] or [
        s["source_id"] for s in every if s["source_id"].startswith("reference:territories")]
    chosen = [s for s in every if s["source_id"] in cited or s["source_id"] in reference]
    flagged = any(s["fictitious"] for s in chosen) or any(
        k.get("fictitious") or k.get("median_fictitious") for k in data.key)
    return chosen, flagged
