"""The web server under concurrent requests: short reads answered while a cold computation runs,
cold work bounded (503 with Retry-After past the bound), against the real server (`cineatlas
serve` in a subprocess on 127.0.0.1); and the gate and memo the server uses, in process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cineatlas import Store
from cineatlas.web.concurrency import Busy, Gate, Limits, Memo

#: A short request must be answered within this many seconds while cold work runs.
SHORT = 0.5
SHORT_URLS = ("/api/v1/awards?q=film", "/territory/FR-R53", "/api/v1/territories/FR-R53")


@dataclass
class Answer:
    url: str
    status: int
    seconds: float
    ended: float
    headers: httpx.Headers
    text: str


def fetch(base: str, url: str) -> Answer:
    started = time.perf_counter()
    response = httpx.get(base + url, timeout=120)
    ended = time.perf_counter()
    return Answer(url, response.status_code, ended - started, ended, response.headers,
                  response.text)


@contextmanager
def serve(db: Path, *options: str) -> Iterator[str]:
    """Base URL of `cineatlas serve --db db OPTIONS`, run in a subprocess on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from cineatlas.cli import main; main()", "serve",
               "--db", str(db), "--host", "127.0.0.1", "--port", str(port), *options]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the server did not start in 120 s"
            try:
                if httpx.get(base + "/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def years(demo_atlas) -> list[int]:
    """The years of the demo store's awards, latest first (each one a cold map per level)."""
    with Store(demo_atlas, read_only=True) as store:
        return store.frame("SELECT DISTINCT coalesce(fiscal_year, year(decision_date)) AS y "
                           "FROM awards WHERE y IS NOT NULL ORDER BY y DESC")["y"].to_list()


def cold_map(year: int, level: str = "department") -> str:
    """A page that computes every indicator of `level` for `year`, not cached yet: the
    comparison of every theme (a map computes its one indicator only, test_web_speed.py)."""
    return f"/compare?level={level}&year={year}"


def in_threads(base: str, urls: list[str]) -> list[Answer]:
    """Fetch `urls` at once (one thread each); answers in the order of `urls`."""
    answers: list[Answer | None] = [None] * len(urls)
    start = threading.Barrier(len(urls))

    def one(i: int) -> None:
        start.wait()
        answers[i] = fetch(base, urls[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert all(a is not None for a in answers)
    return answers


def test_short_requests_are_answered_while_a_cold_map_computes(demo_atlas, years) -> None:
    with serve(demo_atlas) as base:
        for url in SHORT_URLS:  # each short request once, so that its own first time is done
            assert fetch(base, url).status == 200, url
            got, head = httpx.get(base + url), httpx.head(base + url)  # HEAD as GET, no body
            assert (head.status_code, head.content) == (200, b"")
            assert head.headers["content-length"] == got.headers["content-length"]
        cold: list[Answer] = []
        thread = threading.Thread(target=lambda: cold.append(fetch(base, cold_map(years[0]))))
        thread.start()
        time.sleep(0.1)  # the cold request is in the server
        shorts = []
        while thread.is_alive() and len(shorts) < 60:
            shorts += [fetch(base, url) for url in SHORT_URLS]
        thread.join(180)
    assert cold[0].status == 200
    # the cold map took long enough for the test to mean something (5 to 50 s here)
    assert cold[0].seconds > 3 * SHORT, cold[0].seconds
    during = [a for a in shorts if a.ended < cold[0].ended]
    assert {a.url for a in during} == set(SHORT_URLS)  # each answered while the map computed
    assert all(a.status == 200 for a in during)
    seconds = sorted(a.seconds for a in during)
    # none waited for the map (before: each waited for it whole), and the median was short (on
    # a machine this test shares, one may be slowed down by others)
    assert seconds[len(seconds) // 2] < SHORT, seconds
    assert seconds[-1] < cold[0].seconds / 4, (seconds, cold[0].seconds)


def test_cold_work_beyond_the_bound_is_answered_503_at_once(demo_atlas, years) -> None:
    # one worker and one waiting place: of six cold computations asked at once (four maps, two
    # API values), one computes, one waits for it, the four others are told at once to come
    # back later: a page with an HTML page, the API with its envelope
    assert len(years) >= 4
    urls = [*(cold_map(year) for year in years[:4]),
            *(f"/api/v1/indicators/total_support/values?level=region&year_from={year}"
              f"&year_to={year}" for year in years[:2])]
    # no background computation of the first pages' figures: these six are all the cold work
    options = ("--cold-workers", "1", "--cold-queue", "1", "--cold-wait", "600", "--no-prefetch")
    with serve(demo_atlas, *options) as base:
        assert fetch(base, SHORT_URLS[0]).status == 200
        readers: list[Answer] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set() and len(readers) < 200:
                readers.append(fetch(base, SHORT_URLS[0]))

        reader = threading.Thread(target=read)
        reader.start()
        answers = in_threads(base, urls)
        stop.set()
        reader.join(60)
    statuses = sorted(a.status for a in answers)
    assert statuses == [200, 200, 503, 503, 503, 503], statuses
    first_computed = min(a.ended for a in answers if a.status == 200)
    for refused in (a for a in answers if a.status == 503):
        assert refused.ended < first_computed  # told at once, not after waiting for a worker
        assert refused.headers["retry-after"] == "600"
        # a page says it in French, the API in English
        said = ("try again in 600 s" if refused.url.startswith("/api/")
                else "réessayez dans 600 secondes")
        assert said in refused.text and "Traceback" not in refused.text
        if refused.url.startswith("/api/"):
            error = httpx.Response(503, text=refused.text).json()["error"]
            assert (error["status"], error["code"]) == (503, "busy")
        else:
            assert refused.headers["content-type"].startswith("text/html")
    assert readers and all(a.status == 200 for a in readers)
    # readers were served while the bound was reached (before the first computation ended),
    # and none of them waited for it
    assert any(r.ended < first_computed for r in readers)
    seconds = sorted(a.seconds for a in readers)
    assert seconds[len(seconds) // 2] < SHORT, seconds
    assert seconds[-1] < max(max(a.seconds for a in answers) / 4, SHORT), seconds


# --- the gate and the memo, in process --------------------------------------------------------


def test_the_gate_refuses_past_its_workers_and_queue() -> None:
    gate = Gate(Limits(cold_workers=1, cold_queue=0))
    with gate.enter():
        started = time.perf_counter()
        with pytest.raises(Busy) as refused, gate.enter():
            pass
        assert time.perf_counter() - started < 0.1 and refused.value.retry_after == 10
    with gate.enter():  # free again
        pass


def test_a_waiting_request_gets_in_or_busy_after_the_wait() -> None:
    gate = Gate(Limits(cold_workers=1, cold_queue=1, cold_wait=0.3))
    release = threading.Event()
    outcomes = []

    def hold() -> None:
        with gate.enter():
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.05)
    started = time.perf_counter()
    with pytest.raises(Busy):  # waits its 0.3 s, then gives up
        with gate.enter():
            pass
    assert 0.25 < time.perf_counter() - started < 2
    waiter = threading.Thread(target=lambda: outcomes.append(_enter(gate)))
    waiter.start()
    time.sleep(0.05)
    with pytest.raises(Busy):  # the one waiting place is taken: refused at once
        with gate.enter():
            pass
    release.set()  # the worker is freed while the second one waits: it gets in
    holder.join(5)
    waiter.join(5)
    assert outcomes == ["entered"]


def _enter(gate: Gate) -> str:
    try:
        with gate.enter():
            return "entered"
    except Busy:
        return "busy"


def test_the_memo_computes_a_key_once_and_never_blocks_other_keys() -> None:
    gate = Gate(Limits(cold_workers=1, cold_queue=4, cold_wait=5))
    memo = Memo(10, gate)
    calls: list[str] = []
    slow_started, finish = threading.Event(), threading.Event()

    def slow() -> str:
        calls.append("slow")
        slow_started.set()
        finish.wait(5)
        return "slow value"

    results = []
    first = threading.Thread(target=lambda: results.append(memo.get(("a",), slow)))
    second = threading.Thread(target=lambda: results.append(memo.get(("a",), slow)))
    first.start()
    slow_started.wait(5)
    second.start()
    started = time.perf_counter()
    assert memo.get(("b",), lambda: "quick") == "quick"  # another key: no wait
    assert time.perf_counter() - started < 0.1
    finish.set()
    first.join(5)
    second.join(5)
    assert results == ["slow value", "slow value"] and calls == ["slow"]
    memo.get(("c",), lambda: 3)
    assert memo.get(("a",), lambda: "again") == "slow value"  # kept


def test_the_memo_forgets_the_least_recently_used() -> None:
    memo = Memo(2, Gate(Limits()))
    memo.get(("a",), lambda: 1)
    memo.get(("b",), lambda: 2)
    memo.get(("a",), lambda: -1)  # used again: b is now the oldest
    memo.get(("c",), lambda: 3)
    assert memo.get(("a",), lambda: -1) == 1 and memo.get(("b",), lambda: -2) == -2


def test_limits_come_from_options_then_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CINEATLAS_COLD_WORKERS", "3")
    monkeypatch.setenv("CINEATLAS_COLD_WAIT", "2.5")
    assert Limits.from_env(cold_queue=4) == Limits(cold_workers=3, cold_queue=4, cold_wait=2.5)
    assert Limits.from_env(cold_workers=1).cold_workers == 1
    monkeypatch.setenv("CINEATLAS_COLD_QUEUE", "many")
    from cineatlas.errors import AtlasError

    with pytest.raises(AtlasError, match="CINEATLAS_COLD_QUEUE='many' is not a number"):
        Limits.from_env()
