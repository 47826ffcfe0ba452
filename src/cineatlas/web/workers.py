"""The cold workers: processes of their own that compute indicators for the web server.

Each one lowers its scheduling priority first, then opens the store read-only with an indicator
engine on it and few DuckDB threads, so a long computation holds neither the server's
interpreter nor its cores: short requests keep being answered while it runs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by `start`, after the priority is lowered
    import polars as pl

    from cineatlas.indicators import Cut, Engine

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
    from cineatlas.indicators import Engine
    from cineatlas.store import Store

    store = Store(db, read_only=True)
    store.con.execute(f"SET threads = {int(threads)}")
    store.con.execute("SET enable_progress_bar = false")  # no bar on the server's terminal
    _engine = Engine.duckdb(store)
    _engine.closure_table  # noqa: B018 (registered now, for the territory filters)


def ready() -> None:
    """Nothing: submitted to start the workers ahead of the first computation."""


def results(level: str, year: int | None) -> pl.DataFrame:
    """Every indicator at `level` (one year or all years), ranked against the national median."""
    from cineatlas.indicators import Cut, compare
    from cineatlas.indicators.compute import compute_all

    frame = compute_all(_engine, Cut(level=level, years=(year, year) if year else None))
    return compare.rank(frame) if frame.height else frame


def values(indicator: str, cut: Cut) -> pl.DataFrame:
    """One indicator for a cut."""
    from cineatlas.indicators import compute

    return compute(_engine, indicator, cut)
