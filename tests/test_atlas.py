"""The default atlas (`cineatlas atlas`): built offline from the shipped open datasets, every
row accounted for, real by default, fictitious only on request, quick to rebuild, refreshed
from the publishers with --download, then served."""

from __future__ import annotations

import csv
import dataclasses
import http.server
import io
import json
import lzma
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from cli_process import cineatlas, environment, output
from conftest import BuiltAtlas, decoded
from network import NetworkGuard

from cineatlas import datasets
from cineatlas.build import build_atlas, render_summary
from cineatlas.build import files as build_files
from cineatlas.demo import SOURCE_ID
from cineatlas.store import Store

SHIPPED = [d for d in datasets.catalogue() if d.used_by != "territories"]


def imported(atlas: BuiltAtlas) -> list[datasets.Dataset]:
    """The shipped datasets the build imported (all of them, as the first test checks: the
    other tests look at these only, so that one failure is reported once)."""
    failed = {f["dataset"] for f in atlas.summary["failures"]}
    return [d for d in SHIPPED if d.id not in failed]


# -- independent counts of the shipped files --------------------------------------------------


def shipped_text(item: datasets.Dataset) -> str:
    """A shipped text file, each line decoded as UTF-8, else as Windows-1252 (the Vendée's file
    mixes them)."""
    return decoded(lzma.decompress(item.compressed.read_bytes()))


def records(item: datasets.Dataset) -> int:
    """Rows of a shipped file, counted with the standard library and openpyxl: CSV records
    after the header, JSON records (objects in the lists of the top object), spreadsheet rows
    after each yearly sheet's header (the row holding 'VISA')."""
    if item.original_name.endswith(".json"):
        data = json.loads(shipped_text(item))
        return sum(len(v) for v in data.values() if isinstance(v, list))
    if item.original_name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(lzma.decompress(item.compressed.read_bytes())),
                                      read_only=True)
        total = 0
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            header = next((i for i, r in enumerate(rows)
                           if any(str(c).strip() == "VISA" for c in r if c is not None)), None)
            if header is not None:
                total += sum(1 for r in rows[header + 1:]
                             if any(c is not None and str(c).strip() for c in r))
        return total
    text = shipped_text(item)
    delimiter = dict(item.options).get("delimiter") or max(";,", key=text.split("\n")[0].count)
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)) - 1


def test_every_shipped_dataset_is_in_the_default_atlas_every_row_accounted_for(
        real_atlas: BuiltAtlas) -> None:
    summary = real_atlas.summary
    assert summary["failures"] == [], summary["failures"]
    assert real_atlas.network_attempts == []
    by_id = {d["id"]: d for d in summary["datasets"]}
    assert set(by_id) == {d.id for d in SHIPPED}
    # the reference figures of ../shared/data/README.md, and an independent count of each file
    expected = {"cnc-cinemas-2022": 2061, "festivals-panorama": 7282,
                "telefilm-contributions-2009-2018": 6658, "cnc-films-agrees-2003-2019": 4380,
                "scdl-loire-atlantique-2008-2018": 18148, "scdl-maine-et-loire-2017-2019": 75,
                "scdl-vendee-2018": 114, "cnc-aids-list-2025": 95}
    for item in SHIPPED:
        row = by_id[item.id]
        assert row["origin"] == "shipped copy" and row["status"] == "loaded", row
        assert row["rows_read"] == records(item) == expected.get(item.id, row["rows_read"]), row
        assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"], row
        assert row["rows_loaded"] > 0, f"{item.id}: no row loaded, the atlas shows nothing of it"
        assert row["source_id"] == build_files.dataset_source_id(item)
        assert (row["publisher"], row["licence"], row["published"]) == (
            item.publisher, item.licence, item.published)
    with Store(real_atlas.db, read_only=True) as store:
        for item in SHIPPED:  # the sources page names each dataset's publisher and licence
            source = store.source(build_files.dataset_source_id(item))
            assert (source["title"], source["publisher"], source["licence"], source["url"]) == (
                item.title, item.publisher, item.licence, item.url)
            assert source["fictitious"] is False


def test_the_default_atlas_holds_no_fictitious_row(real_atlas: BuiltAtlas) -> None:
    summary = real_atlas.summary
    assert summary["fictitious"] is False and summary["fictitious_source"] is None
    assert all(not s["fictitious"] for s in summary["sources"])
    assert summary["awards"]["fictitious"] == 0 < summary["awards"]["real"]
    with Store(real_atlas.db, read_only=True) as store:
        flagged = store.frame(
            "SELECT table_name FROM information_schema.columns WHERE column_name = "
            "'fictitious'")["table_name"].to_list()
        assert "awards" in flagged and "sources" in flagged
        for table in flagged:
            assert store.count(table, "fictitious") == 0, table
        assert store.source(SOURCE_ID) is None


def test_the_summary_lists_each_source_real_with_its_rows(real_atlas: BuiltAtlas) -> None:
    from rich.console import Console

    console = Console(record=True, width=250)
    render_summary(real_atlas.summary, console)
    text = console.export_text()
    assert "FICTITIOUS" not in text and "Real public data only" in text
    for item in imported(real_atlas):
        row = next(d for d in real_atlas.summary["datasets"] if d["id"] == item.id)
        line = next(t for t in text.splitlines() if row["source_id"] in t)
        assert re.search(rf"│ real\s+│ shipped copy\s+│\s+{row['rows_read']:,} │\s+"
                         rf"{row['rows_loaded']:,} │\s+{row['rows_quarantined']:,} │", line), line
    json.dumps(real_atlas.summary)  # JSON-able as it is (cineatlas atlas --json)
    # money: the CNC Talent projects, summed from the shipped JSON with Decimal
    projects = json.loads(shipped_text(datasets.get("cnc-talent-commissions-2017-2024")))[
        "projects"]
    cents = sum(Decimal(str(p["amount"])) for p in projects) * 100
    (row,) = [r for r in real_atlas.summary["money_by_funder_level"] if r["currency"] == "EUR"
              and r["funder_level"] == "national" and r["sector"] == "cinema-audiovisual"]
    assert (row["awards"], row["amount_minor"], row["fictitious"]) == (len(projects), cents,
                                                                      False)
    assert re.search(rf"│ national\s+│ cinema-audiovisual │ real\s+│\s+{len(projects):,} │\s+0 │"
                     rf"\s+{cents // 100:,} EUR │", text)


def test_building_again_changes_nothing(real_atlas: BuiltAtlas, tmp_path: Path,
                                        record_property) -> None:
    """A second build re-imports nothing (every source unchanged) and leaves the store as it
    was; its speed is measured by benchmarks/atlas.py, not asserted here."""
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    with Store(db) as store:
        before = store.checksum()
    # the cache of decompressed copies is the one the first build filled
    again = _build(db, cache=real_atlas.db.parent / "cache")
    assert {s["status"] for s in again.summary["sources"]} <= {"unchanged", "present"}
    with Store(db) as store:
        assert store.checksum() == before
    record_property("cold_build_seconds_territories_given", round(real_atlas.seconds, 2))
    record_property("warm_build_seconds", round(again.seconds, 2))


def test_fictitious_data_only_on_request_and_flagged(real_fictitious_atlas: BuiltAtlas,
                                                     tmp_path: Path) -> None:
    summary = real_fictitious_atlas.summary
    assert summary["fictitious"] is True and summary["fictitious_source"] == SOURCE_ID
    assert summary["notes"][0].startswith("fictitious data: every row")
    assert real_fictitious_atlas.network_attempts == []
    by_source = {s["source_id"]: s for s in summary["sources"]}
    assert by_source[SOURCE_ID]["fictitious"] is True
    assert by_source[SOURCE_ID]["origin"] == "generated"
    for item in imported(real_fictitious_atlas):  # the real data is untouched, still real
        source = by_source[build_files.dataset_source_id(item)]
        assert (source["fictitious"], source["status"]) == (False, "unchanged"), source
    with Store(real_fictitious_atlas.db, read_only=True) as store:
        for table in ("awards", "organisations", "commissions", "conventions", "works"):
            assert store.count(table, "source_id = ?", [SOURCE_ID]) > 0, table
            assert store.count(table, "source_id = ? AND NOT fictitious", [SOURCE_ID]) == 0
            assert store.count(table, "fictitious AND source_id <> ?", [SOURCE_ID]) == 0
        fictitious = store.count("awards", "fictitious")
    # building without --fictitious takes it out again
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_fictitious_atlas.db, db)
    plain = _build(db)
    assert any(n.startswith(f"removed the fictitious data ({SOURCE_ID}, {fictitious:,} awards)")
               for n in plain.summary["notes"])
    with Store(db, read_only=True) as store:
        assert store.count("awards", "fictitious") == 0 and store.source(SOURCE_ID) is None
        assert store.count("sources", "fictitious") == 0


# -- your own files, failures --------------------------------------------------------------


def test_a_user_file_is_its_own_source_and_a_shipped_original_replaces_the_copy(
        real_atlas: BuiltAtlas, tmp_path: Path, shared_data) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    original = shared_data("scdl/collectivites/maine-et-loire-conventions.csv")
    other = tmp_path / "cinemas-bretagne.csv"
    cinemas = datasets.get("cnc-cinemas-2022")
    lines = shipped_text(cinemas).splitlines(keepends=True)
    other.write_text("".join(lines[:1] + [line for line in lines[1:] if ";BRETAGNE;" in line]),
                     encoding="utf-8")
    bretagne = sum(1 for line in lines[1:] if ";BRETAGNE;" in line)
    built = _build(db, real_files=[("scdl", original), ("cnc-cinemas", other)])
    notes = built.summary["notes"]
    assert any(n.startswith("scdl-maine-et-loire-2017-2019: your file") for n in notes)
    by_source = {s["source_id"]: s for s in built.summary["sources"]}
    mine = by_source["scdl:maine-et-loire-conventions"]
    assert mine["origin"] == "your file" and mine["rows_read"] == 75
    added = by_source["cnc-cinemas:cinemas-bretagne"]
    assert (added["origin"], added["status"], added["rows_read"]) == ("your file", "loaded",
                                                                      bretagne)
    assert bretagne > 50
    assert by_source["cnc-cinemas:etablissements-cinematographiques-2022"]["rows_read"] == 2061


def test_a_shipped_dataset_that_cannot_be_imported_is_listed_and_the_rest_is_built(
        real_atlas: BuiltAtlas, tmp_path: Path, monkeypatch) -> None:
    item = datasets.get("scdl-maine-et-loire-2017-2019")
    broken = dataclasses.replace(item, options=(("delimiter", "|"),))
    monkeypatch.setattr(build_files, "importable",
                        lambda: [broken if d.id == item.id else d for d in SHIPPED])
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    built = _build(db)
    (failure,) = [f for f in built.summary["failures"] if f["dataset"] == item.id]
    assert failure["previous_import_kept"] is True
    assert item.original_name in failure["message"] and "delimiter" in failure["message"]
    row = next(d for d in built.summary["datasets"] if d["id"] == item.id)
    assert row["status"] == "failed" and row["error"] == failure["message"]
    others = {d.id for d in imported(real_atlas)} - {item.id}
    assert {d["status"] for d in built.summary["datasets"] if d["id"] in others} == {"unchanged"}


# -- --download ------------------------------------------------------------------------------


class Publisher:
    """A local web server standing for the publishers: serves `files` {path: (status, body)}
    and counts requests."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                status, body = outer.files.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def publisher(monkeypatch) -> Iterator[Publisher]:
    """The CNC cinemas' download address pointed at a local server; no other dataset has
    one."""
    served = Publisher()
    local = {d.id: dataclasses.replace(d, download_url="") for d in SHIPPED}
    local["cnc-cinemas-2022"] = dataclasses.replace(datasets.get("cnc-cinemas-2022"),
                                                    download_url=f"{served.url}/exports/csv")
    monkeypatch.setattr(build_files, "importable", lambda: list(local.values()))
    yield served
    served.close()


def test_download_refreshes_a_dataset_keeps_it_and_falls_back_on_failure(
        real_atlas: BuiltAtlas, tmp_path: Path, publisher: Publisher, monkeypatch) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    cache = tmp_path / "cache"
    source_id = "cnc-cinemas:etablissements-cinematographiques-2022"
    lines = shipped_text(datasets.get("cnc-cinemas-2022")).splitlines(keepends=True)
    newer = "".join(lines[:11]).encode("utf-8")  # the publisher's "new edition": 10 cinemas
    publisher.files["/exports/csv"] = (200, newer)

    def cinemas(built: BuiltAtlas) -> dict:
        return next(s for s in built.summary["sources"] if s["source_id"] == source_id)

    built = _build(db, cache=cache, download=True, online=True)
    assert publisher.requests == ["/exports/csv"]
    assert (cinemas(built)["origin"], cinemas(built)["status"], cinemas(built)["rows_read"]) \
        == ("downloaded", "replaced", 10)
    kept = cache / "downloads" / "datasets" / "cnc-cinemas-2022" / \
        "etablissements-cinematographiques-2022.csv"
    assert kept.read_bytes() == newer
    assert any(n.startswith("cnc-cinemas-2022: downloaded") for n in built.summary["notes"])
    assert any(n.startswith("no file to download from the publisher for ")
               and "telefilm-contributions-2009-2018" in n for n in built.summary["notes"])
    with Store(db, read_only=True) as store:  # one source, replaced: not a second one
        assert store.count("venues") == 10

    # without --download, the earlier download is kept (offline, no request)
    built = _build(db, cache=cache)
    assert (cinemas(built)["origin"], cinemas(built)["status"]) == ("earlier download",
                                                                    "unchanged")
    assert publisher.requests == ["/exports/csv"]

    # the publisher fails: a note, and the earlier download is used
    publisher.files["/exports/csv"] = (503, b"busy")
    built = _build(db, cache=cache, download=True, online=True)
    assert any("HTTP 503" in n and "The earlier download is used." in n
               for n in built.summary["notes"])
    assert (cinemas(built)["origin"], cinemas(built)["rows_read"]) == ("earlier download", 10)

    # a file the importer refuses: set aside, and the shipped copy imported
    publisher.files["/exports/csv"] = (200, b"nom;autre\nx;y\n")
    built = _build(db, cache=cache, download=True, online=True)
    assert any("set aside as etablissements-cinematographiques-2022.csv.rejected" in n
               for n in built.summary["notes"])
    assert (cinemas(built)["origin"], cinemas(built)["rows_read"]) == ("shipped copy", 2061)
    assert not kept.exists() and kept.with_name(kept.name + ".rejected").exists()
    assert not [f for f in built.summary["failures"] if f["dataset"] == "cnc-cinemas-2022"]

    # offline: a note, nothing requested, the shipped copy
    requests = len(publisher.requests)
    built = _build(db, cache=cache, download=True)
    assert any(n.startswith("offline (CINEATLAS_OFFLINE is set): not downloaded: "
                            "cnc-cinemas-2022") for n in built.summary["notes"])
    assert len(publisher.requests) == requests and built.network_attempts == []


# -- the command --------------------------------------------------------------------------------


def test_the_atlas_command_builds_prints_json_and_refuses_a_lone_seed(
        real_atlas: BuiltAtlas, tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    done = cineatlas(tmp_path, "atlas", "--db", str(db), "--no-serve", "--json")
    # a shipped dataset that cannot be imported makes `--no-serve` exit with 1
    assert done.returncode == (1 if real_atlas.summary["failures"] else 0), output(done)
    summary = json.loads(done.stdout)
    assert summary["store"] == str(db) and summary["fictitious"] is False
    assert [d["id"] for d in summary["datasets"]] == [d.id for d in SHIPPED]
    lone = cineatlas(tmp_path, "atlas", "--db", str(db), "--no-serve", "--seed", "3")
    assert lone.returncode == 1
    assert "--seed sets the fictitious data's seed: add --fictitious" in " ".join(
        output(lone).split())


def test_the_atlas_command_says_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cineatlas(tmp_path, "atlas", "--db", str(tmp_path / "x.duckdb"),
                         "--port", str(port))
    assert done.returncode == 1
    said = " ".join(output(done).split())
    assert f"Cannot serve the atlas on 127.0.0.1:{port}" in said and "--port" in said
    assert not (tmp_path / "x.duckdb").exists()  # said before building anything


def test_the_atlas_command_serves_and_prints_the_address(real_atlas: BuiltAtlas,
                                                         tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "cineatlas", "atlas", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=environment(tmp_path))
    try:
        address = f"http://127.0.0.1:{port}"
        seen = ""
        deadline = time.monotonic() + 120
        while address not in seen:
            assert time.monotonic() < deadline and process.poll() is None, seen
            seen += process.stdout.readline()
        assert "The atlas is served at" in seen
        while True:  # the server starts listening just after the address is printed
            try:
                with urllib.request.urlopen(f"{address}/sources", timeout=60) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)
        assert "etablissements-cinematographiques-2022" in page
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- helpers -------------------------------------------------------------------------------


def _build(db: Path, *, cache: Path | None = None, online: bool = False,
           **options: object) -> BuiltAtlas:
    """build_atlas on `db` with the network refused beyond this machine (and
    CINEATLAS_OFFLINE set unless `online`)."""
    guard = NetworkGuard()
    with pytest.MonkeyPatch.context() as patch:
        if online:
            patch.delenv("CINEATLAS_OFFLINE", raising=False)
        else:
            patch.setenv("CINEATLAS_OFFLINE", "1")
        patch.setenv("CINEATLAS_CACHE", str(cache or db.parent / "cache"))
        guard.install(patch)
        started = time.perf_counter()
        summary = build_atlas(db, **options)  # type: ignore[arg-type]
    assert guard.attempts == []
    return BuiltAtlas(db, summary, time.perf_counter() - started, guard.attempts)

