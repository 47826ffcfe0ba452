"""Concurrent reads of the read-only store, and a bound on the work no cache holds yet.

Each server thread reads through a DuckDB cursor of its own (a connection to the same
database), so a short query never waits for another request's query. Computing indicators is
*cold* work, done by `Workers` (processes of their own, so that it holds neither the server's
interpreter nor its threads) behind a `Gate`: at most `Limits.cold_workers` at once, at most
`Limits.cold_queue` requests waiting, none longer than `Limits.cold_wait` seconds; past that the
request is answered 503 with Retry-After (`Busy`).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.forkserver
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from cineatlas.errors import AtlasError

T = TypeVar("T")


class Busy(Exception):
    """The server cannot take this computation now; the client should retry later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    """How much cold work the server takes (see docs/web.md, "Concurrency and limits")."""

    #: Indicator computations running at once (each on its own DuckDB connection).
    cold_workers: int = 2
    #: Requests waiting for cold work (a free worker, or figures another request is computing)
    #: at most; more are answered 503 at once.
    cold_queue: int = 16
    #: Seconds a request waits for cold work before it is answered 503.
    cold_wait: float = 10.0
    #: DuckDB threads of each worker (the server's own queries keep the other cores).
    cold_threads: int = 1

    def __post_init__(self) -> None:
        if (self.cold_workers < 1 or self.cold_queue < 0 or not self.cold_wait > 0
                or self.cold_threads < 1):
            raise AtlasError(f"Invalid web limits {self}: cold_workers and cold_threads must be "
                             "1 or more, cold_queue 0 or more, cold_wait more than 0 seconds.")

    @classmethod
    def from_env(cls, **given: Any) -> Limits:
        """Limits from `given` (None: not given), else CINEATLAS_COLD_WORKERS, _COLD_QUEUE,
        _COLD_WAIT and _COLD_THREADS, else the defaults."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = given.get(f.name)
            if value is None and (text := os.environ.get(f"CINEATLAS_{f.name.upper()}")):
                kind = float if f.type in ("float", float) else int
                try:
                    value = kind(text)
                except ValueError:
                    raise AtlasError(f"CINEATLAS_{f.name.upper()}={text!r} is not a number; "
                                     f"give e.g. {f.default}.") from None
            if value is not None:
                values[f.name] = value
        return cls(**values)


class Cursors:
    """One cursor per thread on `con`, each with the same in-memory `tables` registered
    (Arrow tables registered on a DuckDB connection are visible to that connection only)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._tables: dict[str, pa.Table] = {}
        self._version = 0  # bumped by each `register`: a cursor registers the tables again
        self._local = threading.local()
        self._opened: list[duckdb.DuckDBPyConnection] = []
        self.lock = threading.Lock()  # held to use `con` itself

    def register(self, name: str, table: pa.Table) -> None:
        """Make `table` readable as `name` by every cursor (a table registered again replaces
        the former one for each cursor at its next query, on its own thread)."""
        with self.lock:
            self._tables[name] = table
            self._version += 1

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor, self._local.version = self._open()
            self._local.cursor = cursor
        elif self._local.version != self._version:
            self._local.version = self._version
            for name, table in list(self._tables.items()):
                cursor.register(name, table)
        return cursor

    def new(self) -> duckdb.DuckDBPyConnection:
        """A new cursor with the tables registered (closed by `close`)."""
        return self._open()[0]

    def _open(self) -> tuple[duckdb.DuckDBPyConnection, int]:
        """A new cursor with the tables registered, and the version of the tables it has."""
        with self.lock:
            cursor = self._con.cursor()
            self._opened.append(cursor)
            tables, version = list(self._tables.items()), self._version
        for name, table in tables:
            cursor.register(name, table)
        return cursor, version

    def close(self) -> None:
        with self.lock:
            for cursor in self._opened:
                cursor.close()
            self._opened.clear()


class Gate:
    """At most `limits.cold_workers` callers inside at once, at most `limits.cold_queue` waiting
    (for a place inside, or for a `Memo` value another request is computing), each at most
    `limits.cold_wait` seconds; the others are refused at once (Busy)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._running = threading.BoundedSemaphore(limits.cold_workers)
        self._waiting = threading.BoundedSemaphore(limits.cold_queue) if limits.cold_queue else None
        self._waiters = 0  # requests waiting now
        self._count = threading.Lock()

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.limits.cold_wait))

    @contextlib.contextmanager
    def enter(self) -> Iterator[None]:
        """A place inside for the `with` block; Busy when there is none in time."""
        if not self._running.acquire(blocking=False):
            with self.waiting():
                if not self._running.acquire(timeout=self.limits.cold_wait):
                    raise self.timed_out()
        try:
            yield
        finally:
            self._running.release()

    @contextlib.contextmanager
    def enter_if_idle(self) -> Iterator[None]:
        """A place inside for background work (Views.prefetch): only when one is free and no
        request waits for one, so that it never delays a request; Busy otherwise."""
        if self._waiters or not self._running.acquire(blocking=False):
            raise Busy("The workers are busy with requests.", 1)
        try:
            yield
        finally:
            self._running.release()

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """A place among the callers waiting for cold work; Busy when there is none."""
        if self._waiting is None or not self._waiting.acquire(blocking=False):
            raise Busy(f"The atlas is computing figures for {self.limits.cold_workers} "
                       f"request(s), with {self.limits.cold_queue} more waiting; try again in "
                       f"{self.retry_after} s.", self.retry_after)
        with self._count:
            self._waiters += 1
        try:
            yield
        finally:
            with self._count:
                self._waiters -= 1
            self._waiting.release()

    def timed_out(self) -> Busy:
        return Busy(f"These figures waited {self.limits.cold_wait:g} s for other computations "
                    f"to end; try again in {self.retry_after} s.", self.retry_after)


class Workers:
    """The cold workers: a pool of `limits.cold_workers` processes (web/workers.py), started
    on first use, each with the store `db` open read-only, behind a `Gate`."""

    def __init__(self, db: str | Path, limits: Limits) -> None:
        self.db = str(db)
        self.limits = limits
        self.gate = Gate(limits)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # the fork server imports the workers' code (seconds) in the background, once per
        # process, so that the first computation does not wait for it
        threading.Thread(target=_fork_server, daemon=True).start()

    def run(self, function: Callable[..., T], *args: Any, background: bool = False) -> T:
        """`function(*args)` in a worker (a function of web/workers.py), as the gate lets it
        (`background`: only when no request waits, see `Gate.enter_if_idle`)."""
        with self.gate.enter_if_idle() if background else self.gate.enter():
            pool = self._started()
            try:
                return pool.submit(function, *args).result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): start new ones
                with self._lock:
                    if self._pool is pool:
                        self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                raise Busy("A computation worker stopped and is being restarted; try again in "
                           "1 s.", 1) from None

    def warm(self, timeout: float = 60) -> None:
        """Start every worker now (each opens the store), so that the first page does not pay
        for their start; return once they are started, or after `timeout` seconds (a worker
        still starting then is waited for by the first computation, as without warming)."""
        from cineatlas.web import workers

        pool = self._started()
        started = [pool.submit(workers.ready) for _ in range(self.limits.cold_workers)]
        wait(started, timeout=timeout)

    def _started(self) -> ProcessPoolExecutor:
        from cineatlas.web import workers

        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.limits.cold_workers, mp_context=_fork_server(),
                    initializer=workers.start, initargs=(self.db, self.limits.cold_threads))
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _fork_server() -> multiprocessing.context.BaseContext:
    """The context of the workers: forked from a server process of their own that imported
    their code once (started once per process, shared by every pool), so that a worker starts
    at once and never inherits this process' threads or connections."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cineatlas.web.workers"])
    multiprocessing.forkserver.ensure_running()
    return context


class Memo:
    """Values computed once per key and kept (the store does not change while served), the
    least recently used beyond `size` forgotten. Two requests for the same missing key compute
    it once: the second waits (as the `gate` lets it); requests for other keys never wait."""

    def __init__(self, size: int, gate: Gate) -> None:
        self.size = size
        self.gate = gate
        self._values: dict[tuple, Any] = {}
        self._pending: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Any]) -> Any:
        found, value = self._lookup(key)
        if found:
            return value
        with self._lock:
            pending = self._pending.setdefault(key, threading.Lock())
        if not pending.acquire(blocking=False):
            with self.gate.waiting():
                if not pending.acquire(timeout=self.gate.limits.cold_wait):
                    raise self.gate.timed_out()
        try:
            found, value = self._lookup(key)  # computed while this one waited
            if not found:
                value = make()
                with self._lock:
                    self._values[key] = value
                    self._forget()
            return value
        finally:
            with self._lock:
                if self._pending.get(key) is pending:
                    del self._pending[key]
            pending.release()

    def holds(self, key: tuple) -> bool:
        """Whether the value of `key` is kept."""
        with self._lock:
            return key in self._values

    def put(self, key: tuple, value: Any) -> None:
        """Keep `value` as the value of `key` (computed elsewhere, e.g. with others at once)."""
        with self._lock:
            self._values.pop(key, None)
            self._values[key] = value
            self._forget()

    def _forget(self) -> None:
        """Forget the least recently used values beyond `size` (called holding the lock)."""
        while len(self._values) > self.size:
            del self._values[next(iter(self._values))]

    def _lookup(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            if key in self._values:
                value = self._values.pop(key)  # re-inserted last: most recently used
                self._values[key] = value
                return True, value
        return False, None
