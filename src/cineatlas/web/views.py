"""What the pages show, read from the store: the same figures the JSON API serves.

Indicator results are computed once per (level, years) and kept: the store is read-only
while the atlas serves it, so a result never goes stale. Computing them is cold work, done by
the atlas' workers behind their gate (concurrency.py); figures already kept never wait for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

import polars as pl

from cineatlas.indicators import Cut
from cineatlas.indicators.cut import LEVELS
from cineatlas.web import maps, places, workers
from cineatlas.web.api import AWARDS_FROM, AWARDS_SELECT, Atlas
from cineatlas.web.concurrency import Memo
from cineatlas.web.i18n import name_key

#: Results kept in memory at most (indicator frames, series, profiles).
MEMO_SIZE = 2048
#: Levels a map can show, by country, in the order the home page offers them.
MAP_LEVELS = {"FR": ("region", "department"), "CA": ("province", "qc_region")}
#: Each country's own currency (a map shows one).
CURRENCIES = {"FR": "EUR", "CA": "CAD"}
#: Indicators of a profile's key figures (when the data hold them).
KEY_FIGURES = ("total_support", "support_per_inhabitant", "upstream_share",
               "beneficiary_top5_share", "women_directors_share", "cofinancing_ratio",
               "cinemas_per_100k", "art_et_essai_per_100k", "screens_per_100k",
               "cinema_festivals_per_100k")
#: Award facets of the explorer: name → (value, label, join) over the search's hits.
FACET_SQL = {
    "funder": ("funder_id", "funder_name", ""), "scheme": ("scheme_id", "scheme_name", ""),
    "year": ("year", "year", ""), "stage": ("stage", "stage", ""),
    "format": ("format", "format", ""), "genre": ("genre", "genre", ""),
    "beneficiary": ("beneficiary_id", "beneficiary_name", ""),
    # the first-level territory (region, province) of the beneficiary
    "territory": ("t.territory_id", "t.name",
                  "JOIN territory_closure c ON c.territory_id = hits.beneficiary_territory_id "
                  "JOIN territories t ON t.territory_id = c.ancestor_id AND t.level IN "
                  "('region', 'province') "),
}
#: Award breakdowns of a profile: name → column.
BREAKDOWNS = {"stage": "a.stage", "format": "a.format", "genre": "a.genre", "funder": "f.name"}


class Views:
    """Cached reads for the pages, over the API's `Atlas`."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._memo = Memo(MEMO_SIZE, atlas.gate)

    def _remember(self, key: tuple, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per key (the store does not change while served)."""
        return self._memo.get(key, make)

    # -- reference ---------------------------------------------------------------------

    @cached_property
    def levels(self) -> list[tuple[str, str]]:
        """(level, country) of the map levels that have territories in the store."""
        present = self.atlas.frame(
            "SELECT DISTINCT level, country_code FROM territories WHERE level IN "
            "('region', 'department', 'province', 'qc_region')")
        have = set(zip(present["level"], present["country_code"], strict=True))
        return [(level, country) for country, levels in MAP_LEVELS.items() for level in levels
                if (level, country) in have]

    @cached_property
    def years(self) -> list[int]:
        frame = self.atlas.frame(
            "SELECT DISTINCT coalesce(fiscal_year, year(decision_date)) AS y FROM awards "
            "WHERE y IS NOT NULL ORDER BY y DESC")
        return frame["y"].to_list()

    @cached_property
    def fictitious(self) -> bool:
        return bool(self.atlas.frame("SELECT bool_or(fictitious) AS f FROM sources")["f"][0])

    def territory(self, territory_id: str) -> dict[str, Any] | None:
        frame = self.atlas.frame(
            "SELECT t.*, o.geojson FROM territories t LEFT JOIN territory_outlines o "
            "USING (territory_id) WHERE t.territory_id = ?", [territory_id])
        return frame.row(0, named=True) if frame.height else None

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
        rows = self.atlas.frame(
            "SELECT territory_id, name, level, population FROM territories WHERE parent_id = ? "
            "AND level <> 'commune'", [territory_id]).to_dicts()
        return sorted(rows, key=lambda r: name_key(r["name"]))

    def level_shapes(self, level: str, country: str) -> list[dict[str, Any]]:
        return self.atlas.frame(
            "SELECT t.territory_id, t.name, t.overseas, o.geojson FROM territories t "
            "LEFT JOIN territory_outlines o USING (territory_id) "
            "WHERE t.level = ? AND t.country_code = ? ORDER BY t.territory_id",
            [level, country]).to_dicts()

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
                       category: str | None) -> tuple[pl.DataFrame, list[str]]:
        """One indicator's results for the territories of a country at `level`, in one
        category (the one asked, else the whole, else the first) and in the country's own
        currency; and the categories there are."""
        rows = self.results(level, year).filter(
            (pl.col("indicator") == indicator) & pl.col("territory_id").str.starts_with(country))
        if not rows.height:
            return rows, []
        if rows["currency"].n_unique() > 1:
            rows = rows.filter(pl.col("currency").is_null()
                               | (pl.col("currency") == CURRENCIES.get(country)))
        categories = sorted(c for c in rows["category"].unique().to_list() if c is not None)
        if category not in categories:
            category = None if rows["category"].null_count() else (
                "all" if "all" in categories else categories[0])
        kept = rows.filter(pl.col("category").is_null() if category is None
                           else pl.col("category") == category)
        return kept, categories

    def compare_frame(self, level: str, country: str, ids: list[str],
                      year: int | None) -> pl.DataFrame:
        """Every indicator (whole category) for the territories of a level (`ids`, or all)."""
        results = self.results(level, year).filter(pl.col("territory_id").str.starts_with(country))
        if ids:
            results = results.filter(pl.col("territory_id").is_in(ids))
        return results.filter(pl.col("category").is_null() | (pl.col("category") == "all"))


    def results(self, level: str, year: int | None = None) -> pl.DataFrame:
        """Every indicator at `level` (one year or all years), ranked against the national
        median."""
        def make() -> pl.DataFrame:
            return self.atlas.workers.run(workers.results, level, year)

        return self._remember(("results", level, year), make)

    def series(self, indicator: str, territory_id: str, level: str) -> pl.DataFrame:
        """An indicator by year for one territory."""
        return self.values(indicator, Cut(level=level, territories=(territory_id,),
                                          by_year=True))

    def values(self, indicator: str, cut: Cut) -> pl.DataFrame:
        """One indicator for a cut (what /api/v1/indicators/{id}/values pages through)."""
        def make() -> pl.DataFrame:
            return self.atlas.workers.run(workers.values, indicator, cut)

        return self._remember(("values", indicator, cut), make)

    def profile(self, territory_id: str) -> dict[str, Any] | None:
        """Everything a territory's profile shows (None for an unknown territory): key figures
        against the national median, support by year, breakdowns, top beneficiaries, cinemas,
        cinema festivals, the territories above and within it."""
        return self._remember(("profile", territory_id), lambda: self._profile(territory_id))

    def _profile(self, territory_id: str) -> dict[str, Any] | None:
        place = self.territory(territory_id)
        if place is None:
            return None
        level = place["level"]
        key, series = [], []
        if level in LEVELS:
            mine = self.results(level).filter(pl.col("territory_id") == territory_id)
            for indicator_id in KEY_FIGURES:
                rows = mine.filter(pl.col("indicator") == indicator_id)
                whole = rows.filter(pl.col("category").is_null() | (pl.col("category") == "all"))
                rows = whole if whole.height else rows.head(1)
                key += [r for r in rows.head(1).to_dicts() if r["value"] is not None]
            by_year = self.series("total_support", territory_id, level)
            if by_year.height:
                series = (by_year.filter(pl.col("year").is_not_null()).sort("year")
                          .select("year", "value", "currency", "n", "low_coverage").to_dicts())
        return {"territory": place, "ancestors": self.ancestors(territory_id),
                "children": self.children(territory_id), "key_figures": key,
                "series": series, "breakdowns": {
                    by: self.breakdown(territory_id, by).to_dicts() for by in BREAKDOWNS},
                "top_beneficiaries": self.top_beneficiaries(territory_id).to_dicts(),
                "venues": self.venues(territory_id).to_dicts(),
                "festivals": self.festivals(territory_id).to_dicts()}

    # -- awards ------------------------------------------------------------------------

    @staticmethod
    def _in(territory_id: str) -> tuple[str, list[Any]]:
        """SQL condition: the award's beneficiary is in `territory_id` (or is it)."""
        return ("a.beneficiary_territory_id IN (SELECT territory_id FROM territory_closure "
                "WHERE ancestor_id = ?)", [territory_id])

    def breakdown(self, territory_id: str, by: str) -> pl.DataFrame:
        """Awards of the territory's beneficiaries by one dimension: n, amount per currency."""
        where, params = self._in(territory_id)
        return self.atlas.frame(
            f"SELECT {BREAKDOWNS[by]} AS key, a.currency, count(*) AS n, "
            "sum(a.amount_minor)::BIGINT AS amount_minor FROM awards a "
            "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
            f"WHERE {where} AND a.superseded_by IS NULL "
            "GROUP BY ALL ORDER BY amount_minor DESC NULLS LAST, n DESC LIMIT 15",
            params)

    def top_beneficiaries(self, territory_id: str, limit: int = 10) -> pl.DataFrame:
        where, params = self._in(territory_id)
        return self.atlas.frame(
            "SELECT a.beneficiary_id, b.name, a.currency, count(*) AS n, "
            "sum(a.amount_minor)::BIGINT AS amount_minor FROM awards a "
            "JOIN organisations b ON b.organisation_id = a.beneficiary_id "
            f"WHERE {where} AND a.superseded_by IS NULL "
            "GROUP BY ALL ORDER BY amount_minor DESC NULLS LAST, b.name LIMIT ?",
            [*params, limit])

    def facets(self, where: str, params: list[Any], limit: int = 12) -> dict[str, list[dict]]:
        """The most frequent values of each award facet under the current search, with their
        counts, in one query: facet → [{value, label, n}]."""
        branches = [
            f"SELECT '{name}' AS facet, {value}::VARCHAR AS value, {label}::VARCHAR AS label, "
            f"count(*) AS n FROM hits {join}WHERE {value} IS NOT NULL GROUP BY ALL"
            for name, (value, label, join) in FACET_SQL.items()]
        frame = self.atlas.frame(
            "WITH hits AS MATERIALIZED (SELECT a.funder_id, f.name AS funder_name, a.scheme_id, "
            "s.name AS scheme_name, coalesce(a.fiscal_year, year(a.decision_date)) AS year, "
            "a.stage, a.format, a.genre, a.beneficiary_id, b.name AS beneficiary_name, "
            f"a.beneficiary_territory_id {AWARDS_FROM} WHERE {where}) "
            f"SELECT * FROM ({' UNION ALL '.join(branches)}) QUALIFY row_number() OVER "
            f"(PARTITION BY facet ORDER BY n DESC, label) <= {int(limit)} "
            "ORDER BY facet, n DESC, label", params)
        out: dict[str, list[dict]] = {name: [] for name in FACET_SQL}
        for row in frame.to_dicts():
            out[row.pop("facet")].append(row)
        return out

    # -- places ------------------------------------------------------------------------

    def venues(self, territory_id: str) -> pl.DataFrame:
        return places.venues_frame(self.atlas, places.VenueFilters(territory=territory_id))[0]

    def festivals(self, territory_id: str) -> pl.DataFrame:
        """The cinema festivals of the territory."""
        filters = places.FestivalFilters(territory=territory_id, cinema=True)
        return places.festivals_frame(self.atlas, filters)[0]

    # -- entities ----------------------------------------------------------------------

    def organisation(self, organisation_id: str) -> dict[str, Any] | None:
        frame = self.atlas.frame(
            "SELECT o.organisation_id, o.name, o.kind, o.siren, o.city, o.territory_id, "
            "t.name AS territory, o.country_code, o.fictitious, o.source_id FROM organisations o "
            "LEFT JOIN territories t USING (territory_id) WHERE o.organisation_id = ?",
            [organisation_id])
        return frame.row(0, named=True) if frame.height else None

    def work(self, work_id: str) -> dict[str, Any] | None:
        frame = self.atlas.frame("SELECT * FROM works WHERE work_id = ?", [work_id])
        return frame.row(0, named=True) if frame.height else None

    def entity_awards(self, column: str, value: str, limit: int = 1000) -> dict[str, Any]:
        """The awards of one beneficiary or work (`column` beneficiary_id or work_id), latest
        first, with totals per currency and the territories they went to."""
        where, params = f"a.{column} = ?", [value]
        rows = self.atlas.frame(
            f"{AWARDS_SELECT}{AWARDS_FROM} WHERE {where} ORDER BY year DESC NULLS LAST, "
            f"a.award_id LIMIT {int(limit)}", params)
        return {"rows": rows.to_dicts(), "totals": self.totals(where, params).to_dicts(),
                "places": self.award_territories(where, params).to_dicts()}

    def totals(self, where: str, params: list[Any]) -> pl.DataFrame:
        """Count and sum of awards per currency: `amount_minor` counts each contract once (at
        its final value), `signed_minor` every signed value (superseded rows too)."""
        return self.atlas.frame(
            "SELECT a.currency, count(*) AS n, sum(a.amount_minor) FILTER "
            "(WHERE a.superseded_by IS NULL)::BIGINT AS amount_minor, "
            "sum(a.amount_minor)::BIGINT AS signed_minor "
            f"{AWARDS_FROM} WHERE {where} GROUP BY ALL ORDER BY amount_minor DESC NULLS LAST",
            params)

    def award_territories(self, where: str, params: list[Any]) -> pl.DataFrame:
        return self.atlas.frame(
            f"SELECT t.territory_id, t.name, count(*) AS n {AWARDS_FROM} "
            "JOIN territories t ON t.territory_id = a.beneficiary_territory_id "
            f"WHERE {where} GROUP BY ALL ORDER BY n DESC, t.name LIMIT 20", params)

    # -- sources -----------------------------------------------------------------------

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its counts and the problem summary of its import report."""
        frame = self.atlas.frame(
            "SELECT s.source_id, s.importer, s.title, s.file_name, s.publisher, s.licence, s.url, "
            "s.imported_at, s.rows_read, s.rows_loaded, s.rows_quarantined, s.fictitious, "
            "s.sha256, s.report, (SELECT count(*) FROM quarantine q WHERE q.source_id = "
            "s.source_id) AS quarantine_rows FROM sources s ORDER BY s.fictitious, s.source_id")
        out = []
        for row in frame.to_dicts():
            report = json.loads(row.pop("report") or "{}")
            out.append(row | {"problems": report.get("problem_summary") or [],
                              "figures": report.get("figures") or {}})
        return out
