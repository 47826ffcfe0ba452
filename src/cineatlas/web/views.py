"""What the pages show, read from the store: the same figures the JSON API serves.

Indicator results are computed once per (indicator, level, years) and kept — a map computes
its one indicator, a profile its key figures, the compare page the indicators it shows —: the
store is read-only while the atlas serves it, so a result never goes stale. Computing them is
cold work, done by the atlas' workers behind their gate (concurrency.py); figures already kept
never wait for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

import polars as pl

from cineatlas import optout
from cineatlas.indicators import Cut, cache, registry
from cineatlas.indicators.cut import LEVELS
from cineatlas.queries import common as queries
from cineatlas.queries import organisations, profiles, sources, territories, works
from cineatlas.queries.common import split_currencies
from cineatlas.queries.profiles import BREAKDOWNS
from cineatlas.web import given, maps, places, workers
from cineatlas.web.api import Atlas
from cineatlas.web.concurrency import Busy, Memo
from cineatlas.web.i18n import name_key

#: Results kept in memory at most (indicator frames, series, profiles).
MEMO_SIZE = 2048
#: Levels a map can show, by country, in the order the home page offers them.
MAP_LEVELS = {"FR": ("region", "department"), "CA": ("province", "qc_region")}
#: Indicators of a profile's key figures (when the data hold them).
KEY_FIGURES = ("total_support", "support_per_inhabitant", "upstream_share",
               "beneficiary_top5_share", "women_directors_share", "cofinancing_ratio",
               "cinemas_per_100k", "art_et_essai_per_100k", "screens_per_100k",
               "cinema_festivals_per_100k")
#: The home map's indicator when none is asked: the first with a value at the level shown
#: (support where awards are published, else access to cinema, which every atlas has).
HOME_INDICATORS = ("support_per_inhabitant", "cinemas_per_100k")
log = logging.getLogger(__name__)


class Views:
    """Cached reads for the pages, over the API's `Atlas`."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._memo = Memo(MEMO_SIZE, atlas.gate)
        # the first pages' figures the build kept in the store (indicators/cache.py)
        with atlas.lock:
            kept = cache.load(atlas.store)
        for (indicator, level, yearly), frame in kept.items():
            self._memo.put(("by_year", indicator, level) if yearly
                           else ("indicator", indicator, level, None), frame)

    def _remember(self, key: tuple, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per key (the store does not change while served)."""
        return self._memo.get(key, make)

    # -- reference ---------------------------------------------------------------------

    @cached_property
    def levels(self) -> list[tuple[str, str]]:
        """(level, country) of the map levels that have territories in the store."""
        have = territories.map_levels(self.atlas)
        return [(level, country) for country, levels in MAP_LEVELS.items() for level in levels
                if (level, country) in have]

    @cached_property
    def years(self) -> list[int]:
        return territories.award_years(self.atlas)

    @cached_property
    def fictitious(self) -> bool:
        return sources.any_fictitious(self.atlas)

    def territory(self, territory_id: str) -> dict[str, Any] | None:
        return territories.territory(self.atlas, territory_id)

    def ancestors(self, territory_id: str) -> list[dict[str, Any]]:
        """The territories above `territory_id`, nearest last (for a breadcrumb)."""
        chain, seen = [], {territory_id}
        current = self.territory(territory_id)
        while current and current.get("parent_id") and current["parent_id"] not in seen:
            seen.add(current["parent_id"])
            current = self.territory(current["parent_id"])
            if current:
                chain.append({"territory_id": current["territory_id"], "name": current["name"]})
        return chain[::-1]

    def children(self, territory_id: str) -> list[dict[str, Any]]:
        """The territories right under `territory_id` (communes aside), by name."""
        rows = territories.children(self.atlas, territory_id)
        return sorted(rows, key=lambda r: name_key(r["name"]))

    def within(self, territory_id: str, levels: tuple[str, ...]) -> dict[str, list[dict]]:
        """The territories of `levels` inside `territory_id`, by level, each by name."""
        rows = territories.within(self.atlas, territory_id, levels)
        out: dict[str, list[dict]] = {}
        for row in sorted(rows, key=lambda r: name_key(r["name"])):
            out.setdefault(row.pop("level"), []).append(row)
        return out

    def level_shapes(self, level: str, country: str) -> list[dict[str, Any]]:
        return territories.level_shapes(self.atlas, level, country)

    def base_map(self, level: str, country: str) -> maps.Map:
        """The map of a level's territories (outlines or tile grid), drawn once."""
        grid = country if level in ("region", "province") else None
        return self._remember(("map", level, country),
                              lambda: maps.choropleth(self.level_shapes(level, country), grid=grid))

    def map_level(self, level: str) -> tuple[str, str]:
        """(level, country) of a map level present in the store; the first one otherwise."""
        return next(((lv, c) for lv, c in self.levels if lv == level), self.levels[0])

    # -- indicators --------------------------------------------------------------------

    def indicator_rows(self, indicator: str, level: str, country: str, year: int | None,
                       category: str | None) -> tuple[pl.DataFrame, list[str], pl.DataFrame]:
        """One indicator's results for the territories of a country at `level`, in one
        category (the one asked, else the whole, else the first): those in the country's own
        currency (or of no currency), the categories there are, and those in another currency
        (shown apart, never on the same scale)."""
        rows = self.indicator(indicator, level, year).filter(
            pl.col("territory_id").str.starts_with(country))
        rows, other = queries.split_frame(rows, queries.own_currency(country))
        if not rows.height:
            return rows, [], other
        categories = sorted(c for c in rows["category"].unique().to_list() if c is not None)
        if category not in categories:
            category = None if rows["category"].null_count() else (
                "all" if "all" in categories else categories[0])
        chosen = (pl.col("category").is_null() if category is None
                  else pl.col("category") == category)
        return rows.filter(chosen), categories, other.filter(chosen)

    def compare_frame(self, level: str, country: str, ids: list[str], year: int | None,
                      indicators: list[str] | None = None) -> pl.DataFrame:
        """The indicators `indicators` (default: all), whole category, for the territories of
        a level (`ids`, or all), in every currency (a row per currency: see
        `queries.split_frame`)."""
        results = self.results(level, year, indicators).filter(
            pl.col("territory_id").str.starts_with(country))
        if ids:
            results = results.filter(pl.col("territory_id").is_in(ids))
        return results.filter(pl.col("category").is_null() | (pl.col("category") == "all"))

    def results(self, level: str, year: int | None = None,
                indicators: list[str] | None = None) -> pl.DataFrame:
        """The indicators `indicators` (default: the whole catalogue) at `level` (one year or
        all years), ranked against the national median, stacked in one frame ordered as
        `compare.rank` orders it."""
        ids = indicators or [item.id for item in registry.catalogue()]
        frames = self.indicator_frames(ids, level, year)
        frame = pl.concat([frames[i] for i in ids], how="diagonal_relaxed")
        return frame.sort("indicator", "year", "category", "currency", "rank", nulls_last=True)

    def indicator(self, indicator: str, level: str, year: int | None = None) -> pl.DataFrame:
        """One indicator at `level` (one year or all years), ranked against the national
        median: computed once (by a worker) and kept, apart from any other indicator."""
        return self.indicator_frames([indicator], level, year)[indicator]

    def indicator_frames(self, ids: list[str], level: str,
                         year: int | None = None) -> dict[str, pl.DataFrame]:
        """`indicator` for each of `ids`: those not kept yet are computed by the workers at
        once, split between them (one batch per worker, so that a page needing ten figures
        takes as long as its slowest share, and one place in the gate's queue per worker)."""
        def key(indicator_id: str) -> tuple:
            return ("indicator", indicator_id, level, year)

        missing = [i for i in dict.fromkeys(ids) if not self._memo.holds(key(i))]
        if len(missing) > 1:
            batches = [missing[n::self.atlas.workers.limits.cold_workers]
                       for n in range(self.atlas.workers.limits.cold_workers)]
            with ThreadPoolExecutor(len(batches)) as pool:
                computed = pool.map(lambda batch: self.atlas.workers.run(
                    workers.indicators, batch, level, year), [b for b in batches if b])
                for frames in list(computed):
                    for indicator_id, frame in frames.items():
                        self._memo.put(key(indicator_id), frame)
        return {i: self._remember(key(i), lambda i=i: self.atlas.workers.run(
            workers.indicator, i, level, year)) for i in ids}

    def first_views(self) -> list[tuple[str, str]]:
        """(indicator, level) of the figures the first pages need (`first_views`)."""
        return first_views([level for level, _ in self.levels])

    def prefetch(self, stop: threading.Event) -> None:
        """Start the workers (`Workers.warm`), then compute `first_views` one at a time, each
        kept as a page would keep it, until done or `stop` is set: started in the background
        with the server (app.py), so that a person's first pages find their figures computed.
        It never delays a page: it computes only while no request waits for a worker (one
        worker at most), and a page needing a figure not computed yet computes it itself."""
        self.atlas.workers.warm()
        for indicator, level in self.first_views():
            key = ("indicator", indicator, level, None)
            while not stop.is_set() and not self._memo.holds(key):
                try:
                    frame = self.atlas.workers.run(workers.indicator, indicator, level, None,
                                                   background=True)
                except Busy:  # requests first
                    stop.wait(0.2)
                    continue
                except Exception:  # never stop the server; the page needing it will say why
                    if not stop.is_set():
                        log.exception("Prefetching %s at level %s failed", indicator, level)
                    break
                self._memo.put(key, frame)
            if stop.is_set():
                return

    def series(self, indicator: str, territory_id: str, level: str) -> pl.DataFrame:
        """An indicator by year for one territory (from `by_year`, kept for the level)."""
        return self.by_year(indicator, level).filter(pl.col("territory_id") == territory_id)

    def by_year(self, indicator: str, level: str) -> pl.DataFrame:
        """An indicator by year for every territory at `level`, computed once and kept."""
        def make() -> pl.DataFrame:
            return self.atlas.workers.run(workers.values, indicator,
                                          Cut(level=level, by_year=True))

        return self._remember(("by_year", indicator, level), make)

    def values(self, indicator: str, cut: Cut) -> pl.DataFrame:
        """One indicator for a cut (what /api/v1/indicators/{id}/values pages through)."""
        def make() -> pl.DataFrame:
            return self.atlas.workers.run(workers.values, indicator, cut)

        return self._remember(("values", indicator, cut), make)

    def profile(self, territory_id: str) -> dict[str, Any] | None:
        """Everything a territory's profile shows (None for an unknown territory): key figures
        against the national median, support by year, breakdowns, top beneficiaries, cinemas,
        cinema festivals, the territories above and within it — the support *received* by the
        beneficiaries based in it —; `placement`, the awards its figures cannot break down
        (placed above it, or at it and no lower); `given_support`, the support *given* by the
        public bodies governing it or a territory within it (web/given.py). Money is in the
        territory's currency (`currency`); what is in another one is under `other_currencies`.
        Awards are the cinema and audiovisual lines (`sector`)."""
        # (its top beneficiaries name people as the opt-out list in force allows)
        return self._remember(("profile", territory_id, optout.active()),
                              lambda: self._profile(territory_id))

    def _profile(self, territory_id: str) -> dict[str, Any] | None:
        place = self.territory(territory_id)
        if place is None:
            return None
        currency = profiles.main_currency(self.atlas, territory_id, place["country_code"])
        key, series, series_other = [], [], []
        if place["level"] in LEVELS:
            key = self._key_figures(territory_id, place["level"], currency)
            by_year = self.series("total_support", territory_id, place["level"])
            rows = (by_year.filter(pl.col("year").is_not_null()).sort("year", "currency")
                    .select("year", "value", "currency", "n", "low_coverage", "fictitious",
                            "sources").to_dicts())
            series, series_other = split_currencies(rows, currency)
        sector = queries.DEFAULT_SECTOR
        breakdowns = {by: split_currencies(
            profiles.breakdown(self.atlas, territory_id, by, sector).to_dicts(), currency)
            for by in BREAKDOWNS}
        top, top_other = split_currencies(
            profiles.top_beneficiaries(self.atlas, territory_id, sector).to_dicts(), currency)
        venues, festivals = self.venues(territory_id).to_dicts(), \
            self.festivals(territory_id).to_dicts()
        within = self.within(territory_id, tuple(given.GOVERNS.values()))
        return {"territory": place, "currency": currency, "sector": sector.value,
                "placement": given.placement(self.atlas, territory_id, currency, sector),
                "given_support": given.given_support(self.atlas, place, currency, within,
                                                     sector),
                "ancestors": self.ancestors(territory_id),
                "children": self.children(territory_id), "key_figures": key,
                "series": series,
                "breakdowns": {by: main for by, (main, _) in breakdowns.items()},
                "top_beneficiaries": top,
                "other_currencies": {
                    "series": series_other,
                    "breakdowns": {by: other for by, (_, other) in breakdowns.items() if other},
                    "top_beneficiaries": top_other},
                "venues": venues, "festivals": festivals,
                "places_provenance": queries.provenance(venues + festivals)}

    def _key_figures(self, territory_id: str, level: str,
                     currency: str | None) -> list[dict[str, Any]]:
        """The territory's `key_figures` among the ranked results of its level, all years."""
        known = [i.id for i in registry.catalogue() if i.id in KEY_FIGURES]
        mine = self.results(level, None, known).filter(pl.col("territory_id") == territory_id)
        return key_figures(mine, currency)

    # -- places ------------------------------------------------------------------------

    def venues(self, territory_id: str) -> pl.DataFrame:
        return places.venues_frame(self.atlas, places.VenueFilters(territory=territory_id))[0]

    def festivals(self, territory_id: str) -> pl.DataFrame:
        """The cinema festivals of the territory."""
        filters = places.FestivalFilters(territory=territory_id, cinema=True)
        return places.festivals_frame(self.atlas, filters)[0]

    # -- entities ----------------------------------------------------------------------

    def organisation(self, organisation_id: str) -> dict[str, Any] | None:
        return organisations.organisation(self.atlas, organisation_id)

    def work(self, work_id: str) -> dict[str, Any] | None:
        return works.work(self.atlas, work_id)

    # -- sources -----------------------------------------------------------------------

    @cached_property
    def source_notes(self) -> dict[str, dict[str, Any]]:
        """Each source's title and flag, for the notes naming the sources of a figure."""
        return sources.source_notes(self.atlas)

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its counts and the problem summary of its import report."""
        return sources.sources(self.atlas)


def key_figures(mine: pl.DataFrame, currency: str | None) -> list[dict[str, Any]]:
    """Each key figure's whole-category row of one territory's ranked results `mine`, in
    `currency` (or of no currency), with the rows of other currencies under
    `other_currencies`; figures known in neither left out (the profile's and the report's)."""
    key = []
    for indicator_id in KEY_FIGURES:
        rows = mine.filter(pl.col("indicator") == indicator_id)
        whole = rows.filter(pl.col("category").is_null() | (pl.col("category") == "all"))
        if not whole.height and rows.height:  # no whole: the first category
            whole = rows.filter(pl.col("category") == rows["category"].drop_nulls().min())
        main, other = split_currencies(
            [r for r in whole.to_dicts() if r["value"] is not None], currency)
        if not main and not other:
            continue
        figure = main[0] if main else {
            "indicator": indicator_id, "value": None, "currency": currency,
            "median": None, "rank": None, "of": None, "coverage": None,
            "low_coverage": False, "fictitious": False, "sources": [],
            "median_fictitious": False}
        key.append(figure | {"other_currencies": other})
    return key


def first_views(levels: list[str]) -> list[tuple[str, str]]:
    """(indicator, level) of the figures the first pages need, for the map `levels` of a
    store: the home map's default indicators at each map level, then the profiles' key figures
    at each map level and at the country level (computed by the build, `cache.refresh`, and by
    a starting server, `Views.prefetch`)."""
    key = [item.id for item in registry.catalogue() if item.id in KEY_FIGURES]
    tasks = [(i, level) for level in levels for i in HOME_INDICATORS]
    tasks += [(i, level) for level in [*levels, "country"] for i in key]
    return list(dict.fromkeys(tasks))


#: Indicators whose series by year every profile shows (kept per level by the build).
SERIES = ("total_support",)


def map_levels(store) -> list[str]:
    """The map levels (`MAP_LEVELS`) a store (any reader) has territories at."""
    have = territories.map_levels(store)
    return [level for country, levels in MAP_LEVELS.items() for level in levels
            if (level, country) in have]
