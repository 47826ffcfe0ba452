"""Read-only SQL on the store, for users and scripts, within a time and a memory limit."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from cineatlas.errors import QueryLimitError, StoreError
from cineatlas.store import Store

#: Types that Polars cannot hold (or CSV cannot write): read as DuckDB's own text for them.
AS_TEXT = {"interval", "union", "bit", "blob", "bignum", "time_tz", "time with time zone",
           "geometry"}
NESTED = {"list", "array", "struct", "map", "union"}
UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
BATCH_ROWS = 65_536
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class QueryLimits:
    """What one query may cost: seconds (None: no limit) and memory, e.g. '2GB' or '500MB'.

    The memory limit bounds DuckDB's working memory (nothing is spilled to disk) and, apart,
    the result held for printing.
    """

    timeout: float | None = 60.0
    memory: str = "2GB"

    def memory_bytes(self) -> int:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", self.memory.lower())
        if not match or match[2] not in UNITS or float(match[1]) * UNITS[match[2]] < 2**20:
            raise QueryLimitError(f"--memory-limit expects a size of at least 1MB such as 500MB "
                                  f"or 4GB, not {self.memory!r}.")
        return int(float(match[1]) * UNITS[match[2]])


def read_only_query(sql: str, *, db: str | Path | None = None,
                    limits: QueryLimits = QueryLimits()) -> pl.DataFrame:
    """Run one query on a store opened read-only, with no access to files or the network,
    stopped when it exceeds `limits` (or on Ctrl+C, which raises KeyboardInterrupt)."""
    memory = limits.memory_bytes()
    store = Store(db, read_only=True, config={
        "enable_external_access": False, "memory_limit": f"{memory}B", "temp_directory": ""})
    try:
        return _run(store.con, lambda: _fetch(store.con, sql, memory, limits), limits.timeout)
    except duckdb.OutOfMemoryException:
        raise _memory_error(limits) from None
    except duckdb.IOException as exc:
        raise StoreError(f"The store {store.path} could not be read: {_first_line(exc)}. It may "
                         "be damaged (cut short or overwritten): restore it from a copy, or "
                         "rebuild it.") from None
    except duckdb.Error as exc:
        raise StoreError(f"The query failed: {exc}".strip()) from None
    finally:
        store.close()


def _run(con: duckdb.DuckDBPyConnection, work: Callable[[], pl.DataFrame],
         timeout: float | None) -> pl.DataFrame:
    """`work()` in a thread, interrupted after `timeout` seconds or on Ctrl+C.

    The query runs outside the main thread so that the main thread stays free to notice both
    (DuckDB holds it otherwise, and Python's Ctrl+C handler would wait for the query's end).
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()  # not Thread.join: a Ctrl+C inside join can mark a thread ended

    def target() -> None:
        try:
            outcome["frame"] = work()
        except BaseException as exc:  # noqa: BLE001 — handed over to the main thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="cineatlas-sql", daemon=True).start()
    deadline = time.monotonic() + timeout if timeout else math.inf
    try:
        # short waits: a Ctrl+C may reach another thread, and Python handles it only when the
        # main thread wakes up
        while not done.wait(min(POLL_SECONDS, max(deadline - time.monotonic(), 0))):
            if time.monotonic() >= deadline:
                break
    except KeyboardInterrupt:
        con.interrupt()
        done.wait()
        raise
    if not done.is_set():
        con.interrupt()
        done.wait()
        if "frame" not in outcome:
            raise QueryLimitError(
                f"The query ran longer than the time limit ({timeout:g} s) and was stopped. "
                "Raise it with --timeout SECONDS (0 for none), or narrow the query.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["frame"]


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, memory: int, limits: QueryLimits
           ) -> pl.DataFrame:
    relation = con.sql(sql)
    if relation is None:
        raise StoreError("The statement returns no rows: `cineatlas sql` runs queries such as "
                         "SELECT.")
    return _collect(_polars_safe(relation), memory, limits)


def _memory_error(limits: QueryLimits) -> QueryLimitError:
    return QueryLimitError(
        f"The query needed more memory than the memory limit ({limits.memory}) and was "
        f"stopped. Raise it with --memory-limit, e.g. --memory-limit 8GB, or narrow the query "
        f"(fewer rows or columns, a WHERE or a LIMIT).")


def _collect(relation: duckdb.DuckDBPyRelation, memory: int, limits: QueryLimits
             ) -> pl.DataFrame:
    """The relation's rows as a frame, batch by batch, refusing a result above `memory`."""
    batches, size = [], 0
    with relation.to_arrow_reader(BATCH_ROWS) as reader:  # closed even when stopped midway
        for batch in reader:
            size += batch.nbytes
            if size > memory:
                raise _memory_error(limits)
            batches.append(batch)
        schema = reader.schema
    return pl.from_arrow(pa.Table.from_batches(batches, schema=schema))


def _polars_safe(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Columns whose type Polars cannot hold are read as text (nested ones as JSON text)."""
    exprs, changed = [], False
    for name, kind in zip(relation.columns, relation.types, strict=True):
        column = '"' + name.replace('"', '""') + '"'
        if not _has_odd_type(kind):
            exprs.append(column)
            continue
        changed = True
        text = f"to_json({column})" if kind.id in NESTED else column
        exprs.append(f"CAST({text} AS VARCHAR) AS {column}")
    return relation.project(", ".join(exprs)) if changed else relation


def _has_odd_type(kind: duckdb.DuckDBPyType) -> bool:
    if kind.id in AS_TEXT:
        return True
    if kind.id in NESTED:
        return any(_has_odd_type(child) for _, child in kind.children if hasattr(child, "id"))
    return False


def _first_line(exc: Exception) -> str:
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
