"""The real `cineatlas` command never prints a traceback: each failure is one message that says
what happened, where and what to do, with a non-zero exit code and the store unchanged."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_process import cineatlas, environment, output
from conftest import find_shared_data

from cineatlas.store import Store

RECURSIVE = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t"
REGIONS = 3000


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A small store: 3,000 made-up regions."""
    path = tmp_path / "atlas.duckdb"
    with Store(path) as store:
        store.con.execute(
            "INSERT INTO territories (territory_id, level, code, name, name_key, country_code, "
            "source_id) SELECT 'T' || i, 'region', i::VARCHAR, 'Region ' || i, 'region ' || i, "
            f"'FR', 'test' FROM range({REGIONS}) t(i)")
    return path


def checksum(path: Path) -> str:
    with Store(path, read_only=True) as store:
        return store.checksum()


def assert_clean_failure(result: subprocess.CompletedProcess[str], *expected: str,
                         code: int = 1) -> None:
    text = output(result)
    assert "Traceback" not in text, text
    assert result.returncode == code, text
    assert result.stderr.startswith("Error: "), text
    for part in expected:
        assert part in " ".join(text.split()), f"{part!r} not in {text!r}"


# -- the structural guard ------------------------------------------------------------------

BOOM = """
from cineatlas import cli

@cli.app.command("boom")
def boom() -> None:
    raise RuntimeError("kaboom\\nsecond line")

cli.main()
"""


def test_an_unexpected_error_is_one_line_and_a_log_with_exit_code_2(tmp_path: Path) -> None:
    result = cineatlas(tmp_path, "boom", code=BOOM)
    log = tmp_path / "state" / "cineatlas" / "log" / "errors.log"
    assert_clean_failure(result, "cineatlas hit an internal error: RuntimeError: kaboom; "
                                 f"details written to {log}; please report it.", code=2)
    assert "second line" not in result.stderr
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "second line" in details and "boom" in details


def test_an_atlas_error_keeps_its_own_message(tmp_path: Path) -> None:
    result = cineatlas(tmp_path, "import", "no-such-importer", "x.csv", "--db",
                       str(tmp_path / "a.duckdb"))
    assert_clean_failure(result, "No importer is called 'no-such-importer'")


def test_an_output_file_that_cannot_be_written_is_one_message(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "result.json"
    result = cineatlas(tmp_path, "simulate", "conventions-2026-2028", "--output", str(target))
    assert_clean_failure(result, f"No such file or directory ({target}). Check the path")


@pytest.mark.parametrize("option", ["delimiter=abc", "delimiter=", "encoding=utf-16"])
def test_bad_importer_options_never_print_a_traceback(tmp_path: Path, store_path: Path,
                                                      option: str) -> None:
    before = checksum(store_path)
    result = cineatlas(tmp_path, "import", "scdl", str(find_shared_data("scdl/exemple_valide.csv")),
                       "--db", str(store_path), "-o", option)
    text = output(result)
    assert result.returncode != 0 and "Traceback" not in text and "Error: " in result.stderr
    assert checksum(store_path) == before


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, store_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cineatlas", "sql", RECURSIVE, "--timeout", "0", "--db",
         str(store_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment(tmp_path))
    try:
        _wait_until_open(process.pid, store_path)
        time.sleep(1)  # the query is running
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, out + err
    assert err.startswith("Error: interrupted (Ctrl+C).") and "Traceback" not in out + err


def _wait_until_open(pid: int, path: Path, seconds: float = 60) -> None:
    """Until process `pid` has the file `path` open (Linux: /proc/PID/fd)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                if Path(os.readlink(fd)) == path:
                    return
            except OSError:
                continue
        time.sleep(0.1)
    raise AssertionError(f"process {pid} never opened {path}")


# -- damaged store, full disk ----------------------------------------------------------------

COMMANDS = [["info"], ["sources"], ["quarantine"], ["sql", "SELECT max(name) FROM territories"],
            ["territories", "--format", "csv"], ["serve", "--port", "1"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("content", [b"", b"not a database " * 400], ids=["empty", "garbage"])
def test_a_file_that_is_not_a_store_is_one_message(tmp_path: Path, command: list[str],
                                                   content: bytes) -> None:
    path = tmp_path / "atlas.duckdb"
    path.write_bytes(content)
    result = cineatlas(tmp_path, *command, "--db", str(path))
    assert_clean_failure(result, f"The store {path} cannot be read: it is damaged or not a "
                                 "DuckDB file", "Restore it from a copy")
    assert path.read_bytes() == content


def test_a_store_cut_in_half_is_one_message(tmp_path: Path, store_path: Path) -> None:
    whole = store_path.read_bytes()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(whole[: len(whole) // 2])
    results = {c[0]: cineatlas(tmp_path, *c, "--db", str(cut)) for c in COMMANDS[:5]}
    for name, result in results.items():
        text = output(result)
        assert "Traceback" not in text, (name, text)
        assert result.returncode in (0, 1), (name, text)
        if result.returncode:
            assert ("could not read or write the store" in text or "cannot be read" in text
                    or "could not be read" in text), (name, text)
    # `territories` reads past the cut: it must fail, and say so
    assert results["territories"].returncode == 1


def test_a_write_error_at_commit_leaves_the_store_unchanged(tmp_path: Path, store_path: Path,
                                                            territories_store: Path,
                                                            territory_cache: Path) -> None:
    before = checksum(store_path)
    wal = store_path.with_name(store_path.name + ".wal")
    assert not wal.exists()
    # the reference territories' cache is ready (an SCDL import links each funder to the
    # territory it governs, building the territories first): only the store is written
    result = cineatlas(tmp_path, "import", "scdl", str(find_shared_data("scdl/exemple_valide.csv")),
                       "--db", str(store_path), max_file_bytes=2_048,
                       CINEATLAS_CACHE=str(territory_cache))
    assert_clean_failure(result, "Free some disk space", "ulimit -f")
    assert f"{store_path}" in output(result)
    assert checksum(store_path) == before
    with Store(store_path, read_only=True) as store:
        assert store.count("sources") == 0


# -- the store's lock ------------------------------------------------------------------------

HOLD = """
import sys, time
from cineatlas.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


def test_serve_while_another_process_writes_is_one_message(tmp_path: Path,
                                                           store_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(store_path)],
                              stdout=subprocess.PIPE, text=True, env=environment(tmp_path))
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = cineatlas(tmp_path, "serve", "--db", str(store_path), "--port", str(_free_port()),
                           timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert_clean_failure(result, f"The store {store_path} is in use", f"PID {holder.pid}",
                         f"`kill {holder.pid}`")
    assert "Application startup failed" not in output(result)


def test_a_command_blocked_by_a_server_says_so_and_how_to_stop_it(tmp_path: Path,
                                                                  store_path: Path) -> None:
    before = checksum(store_path)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cineatlas", "serve", "--db", str(store_path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment(tmp_path))
    try:
        _wait_for_port(port)
        result = cineatlas(tmp_path, "import", "scdl",
                           str(find_shared_data("scdl/exemple_valide.csv")),
                           "--db", str(store_path))
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert_clean_failure(result, f"a cineatlas server (`cineatlas serve`, PID {server.pid}) has "
                                 "it open", "Ctrl+C in its terminal", f"`kill {server.pid}`")
    assert "wait for it to finish" not in output(result).lower()
    assert checksum(store_path) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


# -- sql: nested values, limits, read-only -----------------------------------------------------


def test_sql_writes_nested_values_as_json_in_csv(tmp_path: Path, store_path: Path) -> None:
    result = cineatlas(tmp_path, "sql", "SELECT [1, 2] AS l, {'a': 'x', 'b': [true]} AS s, "
                       "map(['k'], [3]) AS m, NULL::INTEGER[] AS n, INTERVAL 3 DAY AS i, "
                       "[INTERVAL 1 DAY] AS li", "--db", str(store_path), "--format", "csv")
    assert result.returncode == 0, output(result)
    header, row = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["l", "s", "m", "n", "i", "li"]
    assert [json.loads(v) for v in row[:3]] == [[1, 2], {"a": "x", "b": [True]}, {"k": 3}]
    assert row[3:] == ["", "3 days", '["1 day"]']
    help_text = cineatlas(tmp_path, "sql", "--help").stdout
    assert "as JSON text" in " ".join(help_text.split())


def test_sql_stops_at_its_time_limit(tmp_path: Path, store_path: Path) -> None:
    started = time.monotonic()
    result = cineatlas(tmp_path, "sql", RECURSIVE, "--db", str(store_path), "--timeout", "1")
    assert_clean_failure(result, "The query ran longer than the time limit (1 s) and was "
                                 "stopped", "--timeout SECONDS")
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("query", [
    "SELECT a.name, b.name FROM territories a, territories b",
    "SELECT a.name || b.name AS k, count(*) FROM territories a, territories b GROUP BY k",
], ids=["result", "aggregate"])
def test_sql_stops_at_its_memory_limit(tmp_path: Path, store_path: Path, query: str) -> None:
    result = cineatlas(tmp_path, "sql", query, "--db", str(store_path), "--memory-limit", "20MB",
                       "--format", "csv")
    assert_clean_failure(result, "The query needed more memory than the memory limit (20MB)",
                         "--memory-limit 8GB")


def test_sql_within_its_limits_answers_and_stays_read_only(tmp_path: Path,
                                                           store_path: Path) -> None:
    before = checksum(store_path)
    result = cineatlas(tmp_path, "sql", "SELECT count(*) AS n, count(DISTINCT b.name) AS names "
                       "FROM territories a, territories b", "--db", str(store_path), "--format",
                       "csv", "--timeout", "120", "--memory-limit", "1GB")
    assert result.returncode == 0, output(result)
    assert result.stdout.splitlines() == ["n,names", f"{REGIONS * REGIONS},{REGIONS}"]
    for statement in ("CREATE TABLE x AS SELECT 1", "DELETE FROM territories"):
        result = cineatlas(tmp_path, "sql", statement, "--db", str(store_path))
        assert_clean_failure(result, "The query failed")
    assert_clean_failure(cineatlas(tmp_path, "sql", "SELECT 1", "--db", str(store_path),
                                   "--memory-limit", "lots"),
                         "--memory-limit expects a size of at least 1MB such as 500MB or 4GB, "
                         "not 'lots'.")
    assert checksum(store_path) == before


def test_sql_errors_are_duckdb_s_message(tmp_path: Path, store_path: Path) -> None:
    result = cineatlas(tmp_path, "sql", "SELECT nope FROM territories", "--db", str(store_path))
    assert_clean_failure(result, "The query failed: Binder Error:", "nope")
