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

from cineatlas.indicators import Cut, Engine, compute
from cineatlas.indicators.cache import ranked
from cineatlas.store import Store

# The fork server imports Polars but never runs it: no thread of Polars is ever forked.
warnings.filterwarnings("ignore", message=r"Using fork\(\) can cause Polars")

#: How much lower a worker's priority is than the server's (nice(2) increment): enough for the
#: server's short requests to come first, not so much that a busy machine starves the workers.
NICENESS = 5
_engine: Engine | None = None
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
    """One indicator for every territory at `level`, ranked (`cache.ranked`)."""
    return ranked(_engine, indicator_id, level, year)


def indicators(ids: list[str], level: str, year: int | None) -> dict[str, pl.DataFrame]:
    """`indicator` for each of `ids` (one round trip to the worker for several)."""
    return {i: indicator(i, level, year) for i in ids}


def values(indicator: str, cut: Cut) -> pl.DataFrame:
    """One indicator for a cut."""
    return compute(_engine, indicator, cut)


def development_cohorts(level: str, territory_id: str, horizon: int) -> pl.DataFrame:
    """The development → production cohort table of one territory (queries/efficacy.py)."""
    from cineatlas.queries.efficacy import development_cohorts as cohorts

    return cohorts(_engine, level, territory_id, horizon)
