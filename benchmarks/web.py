"""Web benchmark: cineatlas' pages and API under concurrent load, beside Datasette serving the
same awards table from a SQLite export, in the same run.

    python benchmarks/web.py                      # 200,000 awards, 8 clients, a few minutes
    python benchmarks/web.py --targets awards-api,datasette-json-fts,datasette-json-like
    python benchmarks/web.py --awards 1000000 --concurrency 16 --duration 30
    python benchmarks/web.py --db atlas.duckdb    # an existing store, opened read-only
    python benchmarks/web.py --targets territory-page,awards-api --concurrency 10,50,200 \
        --baseline-src /tmp/web-before           # this tree against an older one, same run

The store: N generated awards over the real territories (benchmarks/awards_sample.py), with
generated film titles (so that a search has something to find), cached in the system temp
directory with its SQLite export.

The SQLite export is the awards table as the cineatlas search shows it (award, title, funder,
scheme and beneficiary names, territory, year, date, amount, currency, stage, format, genre),
flat, in award order, with what a Datasette publisher would add: an index on every facet column
and a full-text index (FTS5 over title, funder, scheme and beneficiary, as
`sqlite-utils enable-fts` makes it). Datasette (pinned below) is installed on first use into a
virtual environment of its own in the cache directory, with pip.

Servers, one process each, on this machine: `cineatlas serve` (uvicorn, one worker), with
`--baseline-src PATH` a second `cineatlas serve` running the sources of another tree (PATH/src,
e.g. `git archive COMMIT src | tar -x -C PATH`) over the same store, and, when a Datasette target
is chosen, `datasette serve -i` (immutable, uvicorn, one worker, its default pool of SQLite
threads), with the page size at 50 and Datasette's time limits raised (its defaults would turn a
slow query into an error, or silently drop a facet, instead of answering it) and its facet
suggestions off (cineatlas computes none). Both log every request, as they do by default.

Targets (each a named URL over a rotating set of variants, so that no cache makes it trivial):

- territory-page       cineatlas /territory/{id} (HTML), over the French regions
- awards-page          cineatlas /awards?q=…&stage=… (HTML explorer)
- territory-api        cineatlas /api/v1/territories/{id}
- awards-api           cineatlas /api/v1/awards?q=…&stage=…&per_page=50
- datasette-json-fts   Datasette /atlas/awards.json?_search=…&stage=…  (full-text index)
- datasette-json-like  Datasette /atlas/awards.json?project_title__contains=…&stage=…  (LIKE)
- datasette-html-fts   Datasette table page, same search, with the explorer's seven facets
- datasette-html-like  Datasette table page, LIKE search, same facets

A search is a title word (16 words, each in about 4 % of the titles) with no stage or one of
three stages: 64 variants. Before the load, every target is requested once: a target answering
404 (a page not built yet) stops the run with a message naming it; then every variant of every
target once, one at a time (what a server computes once and keeps, it has computed before the
measure: the load measures serving, not the first computations); and the totals of a few
searches are checked equal on the cineatlas API and on Datasette.

Load: a separate process (asyncio + httpx) with C concurrent clients (`--concurrency`, one
number or a list such as 10,50,200: every target is measured at each), keep-alive connections,
each sending its next request as soon as the previous one is answered (a closed loop: latency is
mostly queueing, mean latency = C / throughput). Each target gets `--duration` seconds, in
`--rounds` slices run in alternate order (A B C, C B A, …), each after a warm-up that is not
measured; only the answers that arrive inside the measured window count.

Prints per target: requests, errors, throughput, p50/p95/p99 latency of the successful requests,
the CPU used by the server (100 % = one core) and per request, and the load generator's CPU;
then the ratios cineatlas / Datasette for the comparable awards searches, and with a baseline
the ratios of this tree to the baseline for each target and client count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
import venv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DATASETTE_REQUIREMENT = "datasette==0.65.*"
SQLITE_DB = "atlas"  # Datasette serves atlas.sqlite as /atlas
PAGE_SIZE = 50
FEW = 50  # answers under which a target's percentiles are called rough
# The facets the cineatlas awards explorer shows, asked of Datasette's table page too.
HTML_FACETS = ("funder", "scheme", "year", "stage", "format", "genre", "beneficiary")

# Generated titles: "Le silence du fleuve". Searches are for nouns that are not part of any
# other word of the titles or of the generated names, accents or not: the LIKE search of
# cineatlas and Datasette's and the full-text index then find the same rows.
NOUNS = (
    "nuit loup rivière montagne silence mémoire frontière jardin hiver printemps orage lumière "
    "chemin village fleuve forêt désert passage retour voyage enfance colère promesse miroir "
    "horizon tempête naufrage murmure brouillard cendre étoile sentier rivage océan vertige usine "
    "marché banlieue quartier visage regard poussière fantôme cheval renard corbeau baleine soleil "
    "neige pluie sable pierre").split()
ARTICLES = ("Le", "La", "Les", "Un", "Une", "Mon", "Notre")
LINKS = ("de", "des", "du", "sans", "et", "contre", "sous", "après")
SEARCH_WORDS = ("nuit", "rivière", "mémoire", "jardin", "hiver", "lumière", "forêt", "retour",
                "colère", "horizon", "tempête", "étoile", "usine", "banlieue", "fantôme", "baleine")
SEARCH_STAGES = (None, "production", "development", "distribution")
GENERATED_NAMES = ("société", "région", "cnc", "telefilm")

# The awards as the cineatlas search shows them (the columns of /api/v1/awards).
EXPORT_COLUMNS = {
    "award_id": "TEXT PRIMARY KEY", "project_title": "TEXT", "funder": "TEXT", "scheme": "TEXT",
    "beneficiary": "TEXT", "beneficiary_territory_id": "TEXT", "year": "INTEGER",
    "decision_date": "TEXT", "amount_minor": "INTEGER", "currency": "TEXT", "stage": "TEXT",
    "format": "TEXT", "genre": "TEXT", "fictitious": "INTEGER",
}
EXPORT_SELECT = """
    SELECT a.award_id, a.project_title, f.name AS funder, s.name AS scheme, b.name AS beneficiary,
           a.beneficiary_territory_id, coalesce(a.fiscal_year, year(a.decision_date)) AS year,
           CAST(a.decision_date AS VARCHAR) AS decision_date, a.amount_minor, a.currency,
           a.stage, a.format, a.genre, CAST(a.fictitious AS INTEGER) AS fictitious
    FROM awards a LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id
    LEFT JOIN organisations f ON f.organisation_id = a.funder_id
    LEFT JOIN schemes s ON s.scheme_id = a.scheme_id
    ORDER BY a.award_id
"""
INDEXED = ("funder", "scheme", "beneficiary", "beneficiary_territory_id", "year", "currency",
           "stage", "format", "genre")
FTS_COLUMNS = ("project_title", "funder", "scheme", "beneficiary")

# cineatlas' own command line, run by this interpreter (no `python -m cineatlas.cli` entry).
SERVE = "import sys; from cineatlas.cli import main; sys.argv[0] = 'cineatlas'; main()"

# The load generator. argv: spec file, result file. A closed loop: each client sends its next
# request as soon as the previous one is answered. Only the answers that arrive inside the
# measured window (after the warm-up) count; requests in flight when it closes are waited for
# (so that the server is idle when the next target starts) but not counted.
LOAD = """
import asyncio, json, sys, time
import httpx

spec = json.load(open(sys.argv[1]))
urls, clients = spec["urls"], spec["clients"]
opens = time.perf_counter() + spec["warmup"]
closes = opens + spec["duration"]
latencies, errors, outside = [], {}, [0]

async def client_loop(client, k):
    i = k * len(urls) // clients
    while time.perf_counter() < closes:
        url = urls[i % len(urls)]
        i += 1
        start = time.perf_counter()
        try:
            response = await client.get(url)
            outcome = response.status_code
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        end = time.perf_counter()
        if not opens <= end <= closes:
            outside[0] += 1
        elif outcome == 200:
            latencies.append((end - start) * 1000)
        else:
            errors[str(outcome)] = errors.get(str(outcome), 0) + 1

async def main():
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=spec["timeout"]) as client:
        await asyncio.gather(*(client_loop(client, k) for k in range(clients)))

asyncio.run(main())
json.dump({"latencies": latencies, "errors": errors, "elapsed": spec["duration"],
           "outside": outside[0]}, open(sys.argv[2], "w"))
"""


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "cineatlas" or "datasette"
    kind: str  # "territory" or "awards": which variants it takes
    path: Callable[..., str]


def _awards_query(word: str, stage: str | None, **extra: object) -> str:
    return urlencode({**extra, **({"stage": stage} if stage else {})}, doseq=True)


def _datasette(fmt: str, search: str) -> Callable[..., str]:
    def path(word: str, stage: str | None) -> str:
        found = {"_search": word} if search == "fts" else {"project_title__contains": word}
        if fmt == "json":
            return f"/{SQLITE_DB}/awards.json?" + _awards_query(
                word, stage, **found, _size=PAGE_SIZE, _shape="objects")
        return f"/{SQLITE_DB}/awards?" + _awards_query(
            word, stage, **found, _size=PAGE_SIZE, _facet=list(HTML_FACETS))
    return path


TARGETS = {t.name: t for t in (
    Target("territory-page", "cineatlas", "territory", lambda tid: f"/territory/{tid}"),
    Target("awards-page", "cineatlas", "awards",
           lambda word, stage: "/awards?" + _awards_query(word, stage, q=word)),
    Target("territory-api", "cineatlas", "territory", lambda tid: f"/api/v1/territories/{tid}"),
    Target("awards-api", "cineatlas", "awards",
           lambda word, stage: "/api/v1/awards?" + _awards_query(word, stage, q=word,
                                                                 per_page=PAGE_SIZE)),
    Target("datasette-json-fts", "datasette", "awards", _datasette("json", "fts")),
    Target("datasette-json-like", "datasette", "awards", _datasette("json", "like")),
    Target("datasette-html-fts", "datasette", "awards", _datasette("html", "fts")),
    Target("datasette-html-like", "datasette", "awards", _datasette("html", "like")),
)}
# cineatlas target → the Datasette targets it is compared with.
COMPARISONS = {"awards-api": ("datasette-json-fts", "datasette-json-like"),
               "awards-page": ("datasette-html-fts", "datasette-html-like")}


# --- the store and its SQLite export ---------------------------------------------------------

def _plain(word: str) -> str:
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def _check_vocabulary() -> None:
    words = [*NOUNS, *(w.lower() for w in ARTICLES), *LINKS, *GENERATED_NAMES]
    for noun in SEARCH_WORDS:
        clashes = [w for w in words if w != noun and _plain(noun) in _plain(w)]
        if clashes or noun not in NOUNS:
            raise SystemExit(f"search word {noun!r} is part of {clashes} or not a title noun")


def add_titles(store, seed: int = 11) -> None:
    """Give every award a generated title (two nouns), e.g. "Le silence du fleuve"."""
    import numpy as np
    import polars as pl

    ids = store.frame("SELECT award_id FROM awards ORDER BY award_id")["award_id"]
    rng = np.random.default_rng(seed)
    n = len(ids)

    def pick(words: tuple[str, ...] | list[str]) -> pl.Series:
        return pl.Series(words).gather(rng.integers(0, len(words), size=n))

    titles = pl.DataFrame({"award_id": ids}).with_columns(title=pl.concat_str(
        [pick(ARTICLES), pick(NOUNS), pick(LINKS), pick(NOUNS)], separator=" "))
    store.con.register("bench_titles", titles)
    store.con.execute("UPDATE awards SET project_title = t.title FROM bench_titles t "
                      "WHERE awards.award_id = t.award_id")
    store.con.unregister("bench_titles")


def generated_store(cache: Path, awards: int) -> Path:
    """The cached store of `awards` generated awards with titles (built the first time)."""
    db = cache / f"web-awards-{awards}.duckdb"
    if db.exists():
        return db
    sys.path.insert(0, str(HERE))
    from awards_sample import build

    from cineatlas.store import Store

    partial = cache / f"web-awards-{awards}.partial.duckdb"
    for stale in (partial, Path(f"{partial}.wal")):
        stale.unlink(missing_ok=True)
    build(partial, awards)
    started = time.perf_counter()
    with Store(partial) as store:
        add_titles(store)
    partial.replace(db)  # an interrupted build never leaves a store without titles
    say(f"  titled {awards:,} awards in {time.perf_counter() - started:.1f} s")
    return db


def export_sqlite(db: Path, target: Path) -> Path:
    """Export the awards as the search shows them to SQLite, with facet indexes and FTS5."""
    if target.exists() and target.stat().st_mtime > db.stat().st_mtime:
        return target
    from cineatlas.store import Store

    started = time.perf_counter()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    con = sqlite3.connect(partial)
    columns = ", ".join(f"{name} {kind}" for name, kind in EXPORT_COLUMNS.items())
    con.execute(f"CREATE TABLE awards ({columns})")
    insert = f"INSERT INTO awards VALUES ({', '.join('?' * len(EXPORT_COLUMNS))})"
    with Store(db, read_only=True) as store:
        frame = store.frame(EXPORT_SELECT)
    for chunk in frame.iter_slices(50_000):
        con.executemany(insert, chunk.iter_rows())
    for column in INDEXED:
        con.execute(f"CREATE INDEX idx_awards_{column} ON awards ({column})")
    fts = ", ".join(FTS_COLUMNS)
    con.execute(f"CREATE VIRTUAL TABLE awards_fts USING FTS5 ({fts}, content=[awards])")
    con.execute(f"INSERT INTO awards_fts (rowid, {fts}) SELECT rowid, {fts} FROM awards")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    partial.replace(target)
    say(f"  exported {frame.height:,} awards to {target} "
        f"({target.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
    return target


def variants(db: Path) -> dict[str, list]:
    """The rotating variants: French regions (else any region/province), and searches."""
    from cineatlas.store import Store

    with Store(db, read_only=True) as store:
        regions = store.frame("SELECT territory_id FROM territories WHERE level = 'region' AND "
                              "country_code = 'FR' ORDER BY population DESC NULLS LAST, "
                              "territory_id")["territory_id"]
        if regions.is_empty():
            regions = store.frame("SELECT territory_id FROM territories WHERE level IN "
                                  "('region', 'province') ORDER BY territory_id")["territory_id"]
        departments = store.frame("SELECT territory_id FROM territories WHERE level = "
                                  "'department' ORDER BY territory_id")["territory_id"].to_list()
        years = store.frame("SELECT DISTINCT coalesce(fiscal_year, year(decision_date)) AS y "
                            "FROM awards WHERE y IS NOT NULL ORDER BY y")["y"].to_list()
    searches = [(w, s) for s, w in itertools.product(SEARCH_STAGES, SEARCH_WORDS)]
    # what a crawler walks: one indicator, one department, one year — never computed before
    crawl = [(i, d, y) for y in years for d in departments for i in CRAWLED_INDICATORS]
    return {"territory": [(t,) for t in regions.to_list()], "awards": searches, "crawl": crawl}


#: Indicators the crawler (--crawler) asks for, by department and year.
CRAWLED_INDICATORS = ("total_support", "support_per_inhabitant", "upstream_share")


def crawl_path(indicator: str, department: str, year: int) -> str:
    return (f"/api/v1/indicators/{indicator}/values?level=department&territory={department}"
            f"&year_from={year}&year_to={year}")


# --- servers --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    ready_path: str
    log: Path
    env: dict[str, str] | None = None  # the environment of the process (None: this one's)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 180, poll: float = 0.2) -> None:
        """Start the server; return once `ready_path` answers (asked every `poll` s)."""
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with code {self.process.returncode} on "
                                 f"start; its output:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=5):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(poll)
        raise SystemExit(f"{self.name} was not ready after {timeout:.0f} s; its output:\n"
                         f"{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (Linux /proc)."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return math.nan
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def datasette_executable(cache: Path) -> Path:
    """Datasette in a virtual environment of its own under `cache`, installed with pip once."""
    home = cache / "datasette-venv"
    exe = home / "bin" / "datasette"
    marker = home / "installed.txt"
    if marker.exists() and marker.read_text() == DATASETTE_REQUIREMENT and exe.exists():
        return exe
    shutil.rmtree(home, ignore_errors=True)
    say(f"  installing {DATASETTE_REQUIREMENT} into {home} with pip (first run only)")
    venv.EnvBuilder(with_pip=True).create(home)
    pip = subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          "--disable-pip-version-check", DATASETTE_REQUIREMENT],
                         capture_output=True, text=True)
    if pip.returncode != 0 or not exe.exists():
        said = "\n".join((pip.stdout + pip.stderr).strip().splitlines()[-8:])
        raise SystemExit(
            f"could not install {DATASETTE_REQUIREMENT} with pip into {home} (can pip reach "
            f"PyPI from here?). pip said:\n{said}\nInstall Datasette yourself and pass "
            "--datasette PATH-TO-ITS-EXECUTABLE, or run only the cineatlas targets "
            "(--targets territory-api,awards-api,territory-page,awards-page).")
    marker.write_text(DATASETTE_REQUIREMENT)
    return exe


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.load(response)


def preflight(runs: list[Run], servers: dict[str, Server], cases: dict[str, list]) -> None:
    """Request each run's first URL once; stop with one message naming every failure."""
    failures = []
    for run_ in runs:
        target = run_.target
        url = servers[run_.server].base + target.path(*cases[target.kind][0])
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                failures.append(f"- {run_.label}: GET {url} answered 404 Not Found: this "
                                f"{run_.server} has no such page (yet).")
            else:
                body = exc.read()[:300].decode(errors="replace")
                failures.append(f"- {run_.label}: GET {url} answered {exc.code}: {body}")
        except OSError as exc:
            failures.append(f"- {run_.label}: GET {url} failed: {exc}")
    if failures:
        working = [r.target.name for r in runs if not any(f"- {r.label}:" in f for f in failures)]
        raise SystemExit("these targets do not answer, so nothing was measured:\n"
                         + "\n".join(failures) + "\nMeasure the others with --targets "
                         + (",".join(dict.fromkeys(working)) or "…") + ".")


def warm(runs: list[Run], servers: dict[str, Server], cases: dict[str, list]) -> None:
    """Request every variant of every run once, one at a time."""
    started = time.perf_counter()
    for run_ in runs:
        for case in cases[run_.target.kind]:
            url = servers[run_.server].base + run_.target.path(*case)
            try:
                with urllib.request.urlopen(url, timeout=600) as response:
                    response.read()
            except (OSError, urllib.error.URLError) as exc:
                raise SystemExit(f"{run_.label}: GET {url} failed before the load: "
                                 f"{exc}") from None
    say(f"  warmed: every variant of every target requested once "
        f"({time.perf_counter() - started:.0f} s)")


def check_totals(servers: dict[str, Server], cases: dict[str, list], count: int = 6) -> None:
    """The same searches find the same number of awards on cineatlas and on the other servers
    (Datasette's two searches, the baseline's API)."""
    api, fts, like = (TARGETS[n] for n in ("awards-api", "datasette-json-fts",
                                            "datasette-json-like"))
    others = []
    if "datasette" in servers:
        others += [("Datasette FTS", servers["datasette"], fts, "filtered_table_rows_count"),
                   ("Datasette LIKE", servers["datasette"], like, "filtered_table_rows_count")]
    if BASELINE in servers:
        others.append(("baseline", servers[BASELINE], api, "total"))
    if not others:
        return
    rows, equal = [], True
    for word, stage in cases["awards"][:: max(1, len(cases["awards"]) // count)][:count]:
        ours = get_json(servers["cineatlas"].base + api.path(word, stage))["total"]
        theirs = [get_json(server.base + t.path(word, stage))[key]
                  for _, server, t, key in others]
        same = all(n == ours for n in theirs)
        equal &= same
        rows.append(f"{word}/{stage or 'any stage'}: {ours:,}" + ("" if same else " (" + ", ".join(
            f"{name} {n:,}" for (name, *_), n in zip(others, theirs, strict=True)) + ")"))
    verdict = "equal" if equal else "NOT EQUAL (see the figures)"
    names = ", ".join(name for name, *_ in others)
    say(f"  same answers: totals of {len(rows)} searches on cineatlas and {names} "
        f"are {verdict}: " + "; ".join(rows))


# --- load -----------------------------------------------------------------------------------

#: The server key of the baseline tree's `cineatlas serve` (--baseline-src).
BASELINE = "baseline"


@dataclass(frozen=True)
class Run:
    """One target on one server (the baseline's cineatlas, or the one it names)."""

    target: Target
    server: str

    @property
    def label(self) -> str:
        return self.target.name + (" (baseline)" if self.server == BASELINE else "")


@dataclass
class Measure:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0  # measured seconds
    answered: int = 0  # every request answered, warm-up included (for the CPU per request)
    wall: float = 0.0  # seconds of the slices, warm-up included (for the CPU shares)
    server_cpu: float = 0.0
    client_cpu: float = 0.0


def load(urls: list[str], clients: int, args: argparse.Namespace, work: Path, server: Server,
         measure: Measure, slice_seconds: float, crawl: list[str] = (),
         crawled: dict[str, int] | None = None) -> None:
    """One slice of `clients` on `urls`; with `crawl`, `args.crawler` more clients walk those
    URLs on the same server for the whole slice (their outcomes counted in `crawled`)."""
    spec, out = work / "load-spec.json", work / "load-result.json"
    spec.write_text(json.dumps({"urls": urls, "clients": clients,
                                "warmup": args.warmup, "duration": slice_seconds,
                                "timeout": args.timeout}))
    crawler = None
    if crawl and args.crawler:
        crawl_spec, crawl_out = work / "crawl-spec.json", work / "crawl-result.json"
        crawl_spec.write_text(json.dumps({"urls": crawl, "clients": args.crawler, "warmup": 0,
                                          "duration": args.warmup + slice_seconds,
                                          "timeout": args.timeout}))
        crawler = subprocess.Popen([sys.executable, "-c", LOAD, str(crawl_spec), str(crawl_out)],
                                   stdin=subprocess.DEVNULL)
    cpu0, started = server.cpu_seconds(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", LOAD, str(spec), str(out)],
                               stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the load generator failed (is httpx installed? `pip install httpx`)")
    if crawler is not None:
        if crawler.wait() != 0:
            raise SystemExit("the crawler's load generator failed")
        found = json.loads(crawl_out.read_text())
        outcomes = {"200": len(found["latencies"]), **found["errors"]}
        for outcome, n in outcomes.items():
            crawled[outcome] = crawled.get(outcome, 0) + n
    measure.wall += time.perf_counter() - started
    measure.server_cpu += server.cpu_seconds() - cpu0
    measure.client_cpu += usage.ru_utime + usage.ru_stime
    result = json.loads(out.read_text())
    measure.latencies += result["latencies"]
    measure.elapsed += result["elapsed"]
    measure.answered += (result["outside"] + len(result["latencies"])
                         + sum(result["errors"].values()))
    for outcome, n in result["errors"].items():
        measure.errors[outcome] = measure.errors.get(outcome, 0) + n


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


def summary(measure: Measure) -> dict[str, float]:
    ordered = sorted(measure.latencies)
    return {"ok": len(ordered), "errors": sum(measure.errors.values()),
            "rps": len(ordered) / measure.elapsed if measure.elapsed else math.nan,
            "p50": percentile(ordered, 50), "p95": percentile(ordered, 95),
            "p99": percentile(ordered, 99),
            "server_cpu": 100 * measure.server_cpu / measure.wall,
            "cpu_ms": 1000 * measure.server_cpu / max(measure.answered, 1),
            "client_cpu": 100 * measure.client_cpu / measure.wall}


# --- report ---------------------------------------------------------------------------------

#: A measure's key: (target name, server key, concurrent clients).
Key = tuple[str, str, int]


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan


def report(results: dict[Key, dict[str, float]], errors: dict[Key, dict[str, int]]) -> None:
    say(f"\n{'target':<21}{'server':<11}{'clients':>8}{'requests':>9}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'server CPU':>12}{'CPU ms/req':>12}"
        f"{'client CPU':>12}")
    for (name, server, clients), r in results.items():
        say(f"{name:<21}{server:<11}{clients:>8}{r['ok']:>9,}{r['errors']:>8,}{r['rps']:>8.1f}"
            f"{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['server_cpu']:>11.0f}%"
            f"{r['cpu_ms']:>12.1f}{r['client_cpu']:>11.0f}%")
    few = [f"{n} ({s}, {c} clients)" for (n, s, c), r in results.items() if r["ok"] < FEW]
    if few:
        say(f"  fewer than {FEW} answers measured for {', '.join(few)}: their percentiles are "
            "rough; give them more time with --duration")
    for (name, server, clients), found in errors.items():
        if found:
            say(f"  {name} ({server}, {clients} clients) errors: "
                + ", ".join(f"{k} x{v}" for k, v in sorted(found.items())))
    pairs = [(("cineatlas / Datasette (latency or server CPU per request > 1: cineatlas slower; "
               "req/s < 1: cineatlas serves fewer)"),
              [((ours, "cineatlas", c), (theirs, "datasette", c))
               for (ours, server, c) in results if server == "cineatlas"
               for theirs in COMPARISONS.get(ours, ()) if (theirs, "datasette", c) in results]),
             (("this tree / baseline (latency or CPU per request < 1: this tree faster; "
               "req/s > 1: this tree serves more)"),
              [((name, "cineatlas", c), (name, BASELINE, c))
               for (name, server, c) in results
               if server == "cineatlas" and (name, BASELINE, c) in results])]
    for title, lines in pairs:
        if not lines:
            continue
        say(f"\n{title}")
        say(f"{'target':<15}{'against':<21}{'clients':>8}{'p50':>8}{'p95':>8}{'req/s':>8}"
            f"{'CPU/req':>9}")
        for ours, theirs in lines:
            a, b = results[ours], results[theirs]
            against = theirs[0] if theirs[1] == "datasette" else BASELINE
            say(f"{ours[0]:<15}{against:<21}{ours[2]:>8}{_ratio(a['p50'], b['p50']):>7.2f}x"
                f"{_ratio(a['p95'], b['p95']):>7.2f}x{_ratio(a['rps'], b['rps']):>7.2f}x"
                f"{_ratio(a['cpu_ms'], b['cpu_ms']):>8.2f}x")


def versions(servers: dict[str, Server]) -> str:
    import duckdb

    from cineatlas.version import __version__

    parts = [f"cineatlas {__version__} (DuckDB {duckdb.__version__})"]
    if "datasette" in servers:
        found = get_json(servers["datasette"].base + "/-/versions.json")
        parts.append(f"Datasette {found['datasette']['version']} "
                     f"(SQLite {found['sqlite']['version']})")
    return f"Python {platform.python_version()}, " + ", ".join(parts)


# --- main -----------------------------------------------------------------------------------

def _clients(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or any(not 1 <= n <= 1000 for n in counts):
        raise argparse.ArgumentTypeError(f"{text!r}: give client counts from 1 to 1000, "
                                         "separated by commas (e.g. 10,50,200)")
    return counts


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--awards", type=int, default=200_000,
                        help="generated awards in the store (default 200,000)")
    parser.add_argument("--db", type=Path, help="benchmark this existing store instead "
                        "(opened read-only; searches find its titles containing the words)")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help=f"comma-separated, among: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--concurrency", type=_clients, default=[8],
                        help="concurrent clients, one count or several separated by commas "
                        "(e.g. 10,50,200): every target is measured at each (8)")
    parser.add_argument("--baseline-src", type=Path, help="also serve the store with the "
                        "cineatlas sources of this tree (PATH/src/cineatlas, e.g. an older "
                        "commit's `git archive COMMIT src | tar -x -C PATH`) and measure every "
                        "cineatlas target on both, in the same run")
    parser.add_argument("--crawler", type=int, default=0, help="while each cineatlas target is "
                        "measured, this many more clients ask the same server for indicator "
                        "values never asked before (uncached work), as a crawler would (0)")
    parser.add_argument("--duration", type=float, default=16,
                        help="measured seconds per target, over all rounds (16)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="slices per target, run in alternate order (2)")
    parser.add_argument("--warmup", type=float, default=2,
                        help="unmeasured seconds before each slice (2)")
    parser.add_argument("--timeout", type=float, default=60, help="request timeout, s (60)")
    parser.add_argument("--datasette", type=Path, help="a Datasette executable to use instead "
                        "of installing one into the cache")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "cineatlas-bench",
                        help="where the store, its export and Datasette are cached")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (server "
                        "logs, the export of a --db store) and print where it is")
    args = parser.parse_args()
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in TARGETS]
    if unknown or not names:
        parser.error(f"unknown target(s) {', '.join(unknown) or '(none given)'}; "
                     f"choose among {', '.join(TARGETS)}")
    args.targets = [TARGETS[n] for n in names]
    if args.baseline_src is not None:
        args.baseline_src = args.baseline_src.resolve()
        if not (args.baseline_src / "src" / "cineatlas" / "__init__.py").is_file():
            parser.error(f"--baseline-src {args.baseline_src}: no src/cineatlas/__init__.py "
                         "there; give a tree holding cineatlas' sources, e.g. "
                         f"`mkdir {args.baseline_src} && git archive COMMIT src | tar -x -C "
                         f"{args.baseline_src}`")
    return args


def runs_of(args: argparse.Namespace) -> list[Run]:
    """Every (target, server) measured: the cineatlas targets on the baseline too."""
    runs = []
    for target in args.targets:
        runs.append(Run(target, target.server))
        if target.server == "cineatlas" and args.baseline_src is not None:
            runs.append(Run(target, BASELINE))
    return runs


def start_servers(args: argparse.Namespace, db: Path, work: Path) -> dict[str, Server]:
    wanted = {run_.server for run_ in runs_of(args)}
    servers: dict[str, Server] = {}
    serve = [sys.executable, "-c", SERVE, "serve", "--db", str(db), "--host", HOST,
             "--port", "{port}"]
    if "cineatlas" in wanted:
        servers["cineatlas"] = Server("cineatlas serve", serve, "/openapi.json",
                                      work / "cineatlas.log")
    if BASELINE in wanted:
        env = os.environ | {"PYTHONPATH": str(args.baseline_src / "src")}
        servers[BASELINE] = Server(f"cineatlas serve ({args.baseline_src})", serve,
                                   "/openapi.json", work / "baseline.log", env=env)
    if "datasette" in wanted:
        export = (args.cache / f"{db.stem}.sqlite" if args.db is None
                  else work / f"{SQLITE_DB}.sqlite")
        sqlite_file = export_sqlite(db, export)
        linked = work / f"{SQLITE_DB}.sqlite"  # Datasette names the database after the file
        if linked != sqlite_file:
            linked.symlink_to(sqlite_file)
        exe = args.datasette or datasette_executable(args.cache)
        servers["datasette"] = Server("datasette serve", [
            str(exe), "serve", "-i", str(linked), "--host", HOST, "--port", "{port}",
            "--setting", "default_page_size", str(PAGE_SIZE),
            "--setting", "sql_time_limit_ms", str(int(args.timeout * 1000)),
            "--setting", "facet_time_limit_ms", str(int(args.timeout * 1000)),
            "--setting", "suggest_facets", "off"], "/-/versions.json", work / "datasette.log")
    return servers


def run(args: argparse.Namespace, work: Path) -> None:
    db = args.db.resolve() if args.db else generated_store(args.cache, args.awards)
    if not db.exists():
        raise SystemExit(f"no store at {db}; give an existing store to --db, or leave --db out")
    cases = variants(db)
    servers = start_servers(args, db, work)
    runs = runs_of(args)
    try:
        for server in servers.values():
            server.start()
        preflight(runs, servers, cases)
        warm(runs, servers, cases)
        if "cineatlas" in servers and len(servers) > 1:
            check_totals(servers, cases)
        before = os.getloadavg()[0]
        crawled: dict[Key, dict[str, int]] = {}
        measures = measure_all(args, runs, servers, cases, work, crawled)
        say(f"\n{versions(servers)}; {os.cpu_count()} cores shared by the servers and the load "
            f"generator (load average {before:.1f} before the load, {os.getloadavg()[0]:.1f} "
            "after: anything else running shares them too)")
        if BASELINE in servers:
            say(f"baseline: the sources of {args.baseline_src} (server 'baseline'), against "
                "this tree's (server 'cineatlas'), over the same store")
        clients = ", ".join(str(c) for c in args.concurrency)
        say(f"store {db} ({count_awards(db):,} awards); {clients} concurrent clients; "
            f"{args.duration:g} s measured per target in {args.rounds} alternating slices, "
            f"each after {args.warmup:g} s of warm-up")
        say(f"variants: {len(cases['territory'])} territories, {len(cases['awards'])} searches; "
            "one request each, e.g.")
        for target in args.targets:
            say(f"  {target.name:<21}{target.path(*cases[target.kind][0])}")
        if args.crawler:
            say(f"crawler: {args.crawler} more clients on the measured server, each asking for "
                "an indicator of one department and one year never asked before "
                f"(e.g. {crawl_path(*cases['crawl'][0])})")
        report({k: summary(m) for k, m in measures.items()},
               {k: m.errors for k, m in measures.items()})
        for (name, server, clients), found in crawled.items():
            if found:
                say(f"  crawler during {name} ({server}, {clients} clients): "
                    + ", ".join(f"{k} x{v}" for k, v in sorted(found.items())))
    finally:
        for server in servers.values():
            server.stop()


#: Crawled URLs per slice (never asked before on that server).
CRAWL_STEP = 200


def measure_all(args: argparse.Namespace, runs: list[Run], servers: dict[str, Server],
                cases: dict[str, list], work: Path,
                crawled: dict[Key, dict[str, int]]) -> dict[Key, Measure]:
    """Each run at each client count, in `--rounds` slices of alternating order (and the
    crawler's outcomes on each, in `crawled`)."""
    measures = {(r.target.name, r.server, c): Measure() for c in args.concurrency for r in runs}
    slice_seconds = args.duration / args.rounds
    walked = dict.fromkeys(servers, 0)  # where each server's crawler is in its walk
    for clients in args.concurrency:
        for round_ in range(args.rounds):
            for run_ in runs if round_ % 2 == 0 else runs[::-1]:
                server = servers[run_.server]
                key = (run_.target.name, run_.server, clients)
                measure = measures[key]
                urls = [server.base + run_.target.path(*case) for case in cases[run_.target.kind]]
                crawl: list[str] = []
                if args.crawler and run_.server != "datasette":
                    start = walked[run_.server]
                    walked[run_.server] += CRAWL_STEP
                    crawl = [server.base + crawl_path(*case) for case in itertools.islice(
                        itertools.cycle(cases["crawl"]), start, start + CRAWL_STEP)]
                load(urls, clients, args, work, server, measure, slice_seconds, crawl,
                     crawled.setdefault(key, {}))
                done = summary(measure)
                say(f"  {clients} clients, round {round_ + 1}/{args.rounds} {run_.label}: "
                    f"{done['rps']:.1f} req/s, p50 {done['p50']:.1f} ms so far")
    return measures


def count_awards(db: Path) -> int:
    from cineatlas.store import Store

    with Store(db, read_only=True) as store:
        return store.count("awards")


def main() -> None:
    args = arguments()
    _check_vocabulary()
    args.cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cineatlas-web-"))
    try:
        run(args, work)
    finally:
        if args.keep:
            say(f"\nwork directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
