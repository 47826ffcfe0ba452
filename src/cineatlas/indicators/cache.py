"""Indicator results kept in the store, so that the atlas' first pages need no computation.

`refresh` computes the figures the first pages show (the home maps' indicators, the profiles'
key figures and support by year: lists the web layer gives) once the atlas is built, and keeps
each result in the table `indicator_cache`; `load` gives them back to a server starting on
the store. A result is valid while the store's `fingerprint` is unchanged: the same sources
(ids, files, import times, rows) and the same indicator code (cineatlas' version and the sha256
of the indicators package). Anything else — a new import, an edited definition — makes every kept
result stale: it is ignored, never shown, and the next `refresh` replaces it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import polars as pl

from cineatlas.indicators import Cut, Engine, compare, compute, registry
from cineatlas.indicators.compute import COLUMNS
from cineatlas.store import Store
from cineatlas.version import __version__

#: The types of a result's columns (compute.COLUMNS), for an indicator that gives no row at a
#: level (an empty frame still has them, so that it filters and stacks like the others).
TYPES = {"year": pl.Int32, "value": pl.Float64, "numerator": pl.Float64,
         "denominator": pl.Float64, "n": pl.Int64, "covered": pl.Int64, "coverage": pl.Float64,
         "money_coverage": pl.Float64, "low_coverage": pl.Boolean, "fictitious": pl.Boolean,
         "sources": pl.List(pl.String)}


def ranked(engine: Engine, indicator_id: str, level: str, year: int | None) -> pl.DataFrame:
    """One indicator for every territory at `level` (one year or all years), ranked against
    the national median (`compare.rank` ranks each indicator on its own: the same rows as when
    the whole catalogue is ranked at once). An indicator not computed at `level`
    (`Indicator.levels`) gives no row, and is not run."""
    item = registry.get(indicator_id)
    if level not in (item.levels or (level,)):
        frame = pl.DataFrame(schema={c: TYPES.get(c, pl.String) for c in COLUMNS})
    else:
        frame = compute(engine, indicator_id, Cut(level=level,
                                                  years=(year, year) if year else None))
    return compare.rank(frame)


@cache
def _code() -> str:
    """sha256 of the indicators package's sources (what computes a result)."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(store: Store) -> str:
    """What the kept results rest on: the store's sources and the indicator code."""
    rows = store.con.execute(
        "SELECT source_id, sha256, imported_at::VARCHAR, rows_loaded, fictitious FROM sources "
        "ORDER BY source_id").fetchall()
    return hashlib.sha256(repr((_code(), rows)).encode()).hexdigest()


def refresh(store: Store, wanted: Iterable[tuple[str, str]],
            by_year: Iterable[tuple[str, str]] = ()) -> int:
    """Compute and keep the `wanted` (indicator, level) results of all years (ranked) and the
    `by_year` ones (every territory, by year), unless kept already for this fingerprint; drop
    every stale one. Returns how many were computed."""
    mark = fingerprint(store)
    kept = {tuple(r) for r in store.con.execute(
        "SELECT indicator, level, by_year FROM indicator_cache WHERE fingerprint = ?",
        [mark]).fetchall()}
    tasks = [(i, lv, False) for i, lv in dict.fromkeys(wanted)]
    tasks += [(i, lv, True) for i, lv in dict.fromkeys(by_year)]
    missing = [t for t in tasks if t not in kept]
    engine = Engine.duckdb(store) if missing else None
    rows = []
    for indicator_id, level, yearly in missing:
        frame = (compute(engine, indicator_id, Cut(level=level, by_year=True)) if yearly
                 else ranked(engine, indicator_id, level, None))
        buffer = io.BytesIO()
        frame.write_ipc(buffer)
        rows.append((indicator_id, level, yearly, mark, datetime.now(UTC).replace(tzinfo=None),
                     buffer.getvalue()))
    with store.transaction():
        store.con.execute("DELETE FROM indicator_cache WHERE fingerprint <> ?", [mark])
        if rows:
            store.con.executemany(
                "INSERT OR REPLACE INTO indicator_cache VALUES (?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def load(store: Store) -> dict[tuple[str, str, bool], pl.DataFrame]:
    """The kept results still valid: (indicator, level, by_year) → its frame."""
    found = store.con.execute(
        "SELECT indicator, level, by_year, data FROM indicator_cache WHERE fingerprint = ?",
        [fingerprint(store)]).fetchall()
    return {(i, lv, y): pl.read_ipc(io.BytesIO(data)) for i, lv, y, data in found}
