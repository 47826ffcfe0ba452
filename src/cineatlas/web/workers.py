"""The cold workers: processes of their own that compute indicators for the web server.

They are forked from a server process that imported this module once (concurrency.Workers), so
a worker starts at once. Each one lowers its scheduling priority, then opens the store read-only
with an indicator engine on it and few DuckDB threads: a long computation holds neither the web
server's interpreter nor its cores, and short requests keep being answered while it runs.
"""

from __future__ import annotations

import os
import warnings

import polars as pl

from cineatlas.indicators import Cut, Engine, compare, compute, registry
from cineatlas.indicators.compute import COLUMNS
from cineatlas.store import Store

# The fork server imports Polars but never runs it: no thread of Polars is ever forked.
warnings.filterwarnings("ignore", message=r"Using fork\(\) can cause Polars")

#: How much lower a worker's priority is than the server's (nice(2) increment): enough for the
#: server's short requests to come first, not so much that a busy machine starves the workers.
NICENESS = 5
_engine: Engine | None = None
#: The types of a result's columns (compute.COLUMNS), for an indicator that gives no row at a
#: level (an empty frame still has them, so that it filters and stacks like the others).
TYPES = {"year": pl.Int32, "value": pl.Float64, "numerator": pl.Float64,
         "denominator": pl.Float64, "n": pl.Int64, "covered": pl.Int64, "coverage": pl.Float64,
         "money_coverage": pl.Float64, "low_coverage": pl.Boolean, "fictitious": pl.Boolean,
         "sources": pl.List(pl.String)}


def start(db: str, threads: int) -> None:
    """Lower this process' priority, then open the store and its engine (the initializer)."""
    global _engine
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: the worker runs at the server's priority
        pass
    store = Store(db, read_only=True)
    store.con.execute(f"SET threads = {int(threads)}")
    store.con.execute("SET enable_progress_bar = false")  # no bar on the server's terminal
    _engine = Engine.duckdb(store)
    _engine.closure_table  # noqa: B018 (registered now, for the territory filters)


def ready() -> None:
    """Nothing: submitted to start the workers ahead of the first computation (their first
    computation, the server's prefetch of the first pages' figures, then warms Ibis)."""


def indicator(indicator_id: str, level: str, year: int | None) -> pl.DataFrame:
    """One indicator for every territory at `level` (one year or all years), ranked against
    the national median (`compare.rank`, which ranks each indicator on its own: the same rows
    as when the whole catalogue is ranked at once). An indicator not computed at `level`
    (`Indicator.levels`) gives no row, and is not run."""
    item = registry.get(indicator_id)
    cut = Cut(level=level, years=(year, year) if year else None)
    if level not in (item.levels or (level,)):
        frame = pl.DataFrame(schema={c: TYPES.get(c, pl.String) for c in COLUMNS})
    else:
        frame = compute(_engine, indicator_id, cut)
    return compare.rank(frame)


def indicators(ids: list[str], level: str, year: int | None) -> dict[str, pl.DataFrame]:
    """`indicator` for each of `ids` (one round trip to the worker for several)."""
    return {i: indicator(i, level, year) for i in ids}


def values(indicator: str, cut: Cut) -> pl.DataFrame:
    """One indicator for a cut."""
    return compute(_engine, indicator, cut)
