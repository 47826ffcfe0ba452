"""Read-only SQL on the store, for users and scripts, within a time and a memory limit."""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

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
    stopped when it exceeds `limits`."""
    memory = limits.memory_bytes()
    store = Store(db, read_only=True, config={
        "enable_external_access": False, "memory_limit": f"{memory}B", "temp_directory": ""})
    con, path = store.con, store.path
    timed_out = threading.Event()
    timer = _timer(con, limits.timeout, timed_out)
    try:
        relation = con.sql(sql)
        if relation is None:
            raise StoreError("The statement returns no rows: `cineatlas sql` runs queries such "
                             "as SELECT.")
        return _collect(_polars_safe(relation), memory, limits)
    except duckdb.InterruptException:
        if not timed_out.is_set():
            raise KeyboardInterrupt from None
        raise QueryLimitError(
            f"The query ran longer than the time limit ({limits.timeout:g} s) and was stopped. "
            f"Raise it with --timeout SECONDS (0 for none), or narrow the query.") from None
    except duckdb.OutOfMemoryException:
        raise _memory_error(limits) from None
    except duckdb.IOException as exc:
        raise StoreError(f"The store {path} could not be read: {_first_line(exc)}. It may be "
                         "damaged (cut short or overwritten): restore it from a copy, or "
                         "rebuild it.") from None
    except duckdb.Error as exc:
        raise StoreError(f"The query failed: {exc}".strip()) from None
    finally:
        if timer is not None:
            timer.cancel()
        store.close()


def _timer(con: duckdb.DuckDBPyConnection, timeout: float | None,
           fired: threading.Event) -> threading.Timer | None:
    if not timeout:
        return None

    def stop() -> None:
        fired.set()
        with contextlib.suppress(duckdb.Error):
            con.interrupt()

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()
    return timer


def _memory_error(limits: QueryLimits) -> QueryLimitError:
    return QueryLimitError(
        f"The query needed more memory than the memory limit ({limits.memory}) and was "
        f"stopped. Raise it with --memory-limit, e.g. --memory-limit 8GB, or narrow the query "
        f"(fewer rows or columns, a WHERE or a LIMIT).")


def _collect(relation: duckdb.DuckDBPyRelation, memory: int, limits: QueryLimits
             ) -> pl.DataFrame:
    """The relation's rows as a frame, batch by batch, refusing a result above `memory`."""
    reader = relation.to_arrow_reader(BATCH_ROWS)
    batches, size = [], 0
    for batch in reader:
        size += batch.nbytes
        if size > memory:
            raise _memory_error(limits)
        batches.append(batch)
    return pl.from_arrow(pa.Table.from_batches(batches, schema=reader.schema))


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
