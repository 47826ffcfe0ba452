"""The indicator results the build keeps in the store for the first pages (indicators/cache.py):
equal to a fresh computation, ignored once stale, and enough for a starting server to show
its first pages without computing anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import BuiltAtlas
from fastapi.testclient import TestClient
from polars.testing import assert_frame_equal

from cineatlas import Store
from cineatlas.indicators import Cut, Engine, cache, compare, compute, registry
from cineatlas.web import create_app
from cineatlas.web.views import SERIES, first_views, map_levels

pytestmark = pytest.mark.slow


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keys = [c for c in ("territory_id", "year", "category", "currency") if c in frame.columns]
    return frame.sort(keys, nulls_last=True)


def test_the_build_keeps_the_first_pages_figures_equal_to_a_fresh_computation(
        real_atlas: BuiltAtlas) -> None:
    with Store(real_atlas.db, read_only=True) as store:
        kept = cache.load(store)
        levels = map_levels(store)
        engine = Engine.duckdb(store)
        wanted = {(i, lv, False) for i, lv in first_views(levels)}
        wanted |= {(item.id, levels[0], False) for item in registry.catalogue()}
        wanted |= {(i, lv, True) for lv in [*levels, "country"] for i in SERIES}
        assert set(kept) == wanted
        for indicator, level, yearly in sorted(wanted):
            if yearly:
                fresh = compute(engine, indicator, Cut(level=level, by_year=True))
            elif level in (registry.get(indicator).levels or (level,)):
                fresh = compare.rank(compute(engine, indicator, Cut(level=level)))
            else:
                assert kept[indicator, level, yearly].height == 0
                continue
            assert_frame_equal(_sorted(kept[indicator, level, yearly]), _sorted(fresh),
                               check_row_order=True)


def test_a_changed_store_ignores_what_was_kept_until_refreshed(real_atlas: BuiltAtlas,
                                                               tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copyfile(real_atlas.db, db)
    with Store(db) as store:
        before = len(cache.load(store))
        assert before > 0
        # a source imported again (its import time changes): every kept figure is stale
        store.con.execute("UPDATE sources SET imported_at = imported_at + INTERVAL 1 SECOND "
                          "WHERE source_id = (SELECT min(source_id) FROM sources)")
        assert cache.load(store) == {}
        wanted = first_views(map_levels(store))[:3]
        assert cache.refresh(store, wanted) == 3
        assert set(cache.load(store)) == {(i, lv, False) for i, lv in wanted}
        assert cache.refresh(store, wanted) == 0  # kept: nothing computed again
        left = store.con.execute("SELECT count(*) FROM indicator_cache").fetchone()[0]
        assert left == 3  # the stale ones were dropped


def test_a_server_on_a_built_atlas_computes_nothing_for_its_first_pages(
        real_atlas: BuiltAtlas) -> None:
    application = create_app(real_atlas.db)
    with TestClient(application) as client:
        calls: list[str] = []
        real = application.state.atlas.workers.run
        application.state.atlas.workers.run = lambda f, *a, **k: calls.append(f.__name__) or \
            real(f, *a, **k)
        for url in ("/", "/?level=department", "/?level=province", "/territory/FR",
                    "/territory/FR-R52", "/territory/FR-D44", "/territory/CA-QC",
                    "/territory/CA-QC-R06", "/compare"):
            assert client.get(url).status_code == 200, url
        assert calls == []
