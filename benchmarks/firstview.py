"""First-view benchmark: how long each page type takes to answer right after the server
starts (cold) and when asked again (warm), on a copy of a real atlas, beside a baseline tree in
the same run.

    python benchmarks/firstview.py --db atlas.duckdb
    # this tree against main at 7569bec (its src/ extracted to /tmp/firstview-before)
    mkdir /tmp/firstview-before && git archive 7569bec src | tar -x -C /tmp/firstview-before
    python benchmarks/firstview.py --db atlas.duckdb --baseline-src /tmp/firstview-before
    python benchmarks/firstview.py --db atlas.duckdb --pages home-region,profile-france --rounds 3
    # a baseline that cannot open this tree's store (an older schema): its own build of it
    python benchmarks/firstview.py --db atlas.duckdb --baseline-src /tmp/firstview-before \
        --baseline-db /tmp/atlas-before.duckdb

For each page type and each tree, a fresh `cineatlas serve` process (uvicorn, the command a
person runs) is started on the copy of the store; the benchmark waits until it answers
(/openapi.json, polled every 0.1 s: `ready` is the time from the process' start to that first
answer), then asks for the page once (`cold`: what the first visitor waits for) and once more
(`warm`), as a browser does (Accept-Encoding: gzip), and stops the server. Trees alternate
(this tree first, then the baseline; the baseline first for the next page type), so that a
slow spell of the machine does not fall on one side only. With `--rounds N`, each is measured N
times (N fresh servers) and the median is printed.

Also printed per page: the bytes sent (`sent`, compressed when the server compresses) and
the HTML (`html`), and the scripts the page loads (`scripts`, as sent: Vega is 835 KB
uncompressed).

Reading the figures: everything shares the machine's cores with whatever else runs (the load
average is printed); compare the two trees' figures of the same run, as ratios (after /
before: < 1 means this tree is faster or lighter). Nothing here is asserted: the tests check
behaviour (tests/test_web_speed.py), this measures it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from web import HOST, SERVE, Server  # noqa: E402  (benchmarks/web.py: one server runner)

BASELINE = "baseline"
OURS = "this tree"

#: The page types: name → path (real territories of the shipped atlas).
PAGES = {
    "home-region": "/",
    "home-department": "/?level=department",
    "profile-region": "/territory/FR-R84",
    "profile-department": "/territory/FR-D33",
    "profile-france": "/territory/FR",
    "profile-quebec": "/territory/CA-QC",
    "compare": "/compare",
    "awards": "/awards",
    "indicator": "/indicators/support_per_inhabitant",
    "sources": "/sources",
    "simulator": "/simulator",
}


def say(text: str) -> None:
    print(text, flush=True)


@dataclass
class Answer:
    seconds: float
    status: int
    sent: int  # bytes on the wire (compressed when the server compressed)
    html: str


def get(url: str, timeout: float = 300) -> Answer:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status = response.status
            encoding = response.headers.get("Content-Encoding")
    except urllib.error.HTTPError as error:  # e.g. 503: busy; counted, shown beside the time
        body, status, encoding = error.read(), error.code, error.headers.get("Content-Encoding")
    seconds = time.perf_counter() - started
    text = (gzip.decompress(body) if encoding == "gzip" else body).decode("utf-8", "replace")
    return Answer(seconds, status, len(body), text)


def scripts_sent(base: str, html: str, cache: dict[str, int]) -> int:
    """Bytes sent for the scripts `html` loads (each fetched once per server tree)."""
    total = 0
    for src in re.findall(r'<script[^>]+src="([^"]+)"', html):
        key = base.rsplit(":", 1)[0] + src.split("?")[0]
        if key not in cache:
            cache[key] = get(base + src).sent
        total += cache[key]
    return total


@dataclass
class Measure:
    ready: float
    cold: float
    warm: float
    sent: int
    html: int
    scripts: int
    cold_status: int = 200
    warm_status: int = 200


def measure(tree: str, env: dict[str, str] | None, db: Path, path: str, work: Path,
            scripts: dict[str, int]) -> Measure:
    """A fresh server on `db`: time to answer, then `path` cold and warm."""
    server = Server(f"cineatlas serve ({tree})", [
        sys.executable, "-c", SERVE, "serve", "--db", str(db), "--host", HOST,
        "--port", "{port}"], "/openapi.json", work / f"{tree.replace(' ', '-')}.log", env=env)
    started = time.perf_counter()
    server.start(poll=0.1)
    ready = time.perf_counter() - started
    try:
        cold = get(server.base + path)
        warm = get(server.base + path)
        if warm.status != 200:  # the second answer is the page measured for its weight
            warm = get(server.base + path)
        loaded = scripts_sent(server.base, warm.html, scripts.setdefault(tree, {}))
    finally:
        server.stop()
    return Measure(ready, cold.seconds, warm.seconds, warm.sent, len(warm.html.encode()),
                   loaded, cold.status, warm.status)


def median(measures: list[Measure]) -> Measure:
    """The median of each figure; the worst status (any answer but 200 is shown)."""
    return Measure(*(statistics.median(getattr(m, f) for m in measures)
                     for f in ("ready", "cold", "warm", "sent", "html", "scripts")),
                   max((m.cold_status for m in measures), key=lambda s: s != 200),
                   max((m.warm_status for m in measures), key=lambda s: s != 200))


def seconds(value: float, status: int, digits: int = 3) -> str:
    """A time, with the status when the answer was not the page (e.g. 503 busy)."""
    return f"{value:.{digits}f}" + ("" if status == 200 else f" ({status})")


def ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}x" if before else "—"


def report(results: dict[tuple[str, str], Measure], trees: list[str]) -> None:
    both = BASELINE in trees
    head = f"{'page':<20}{'tree':<11}{'ready s':>9}{'cold s':>13}{'warm s':>13}" \
           f"{'sent KB':>9}{'html KB':>9}{'scripts KB':>11}"
    say("\n" + head)
    for name in PAGES:
        for tree in trees:
            m = results.get((name, tree))
            if m is None:
                continue
            say(f"{name:<20}{tree:<11}{m.ready:>9.2f}{seconds(m.cold, m.cold_status):>13}"
                f"{seconds(m.warm, m.warm_status):>13}"
                f"{m.sent / 1024:>9.1f}{m.html / 1024:>9.1f}{m.scripts / 1024:>11.1f}")
    if not both:
        return
    say("\nthis tree / baseline (< 1: this tree faster or lighter)")
    say(f"{'page':<20}{'cold':>8}{'warm':>8}{'sent':>8}{'html':>8}{'scripts':>9}"
        f"{'cold s before → after':>26}")
    for name in PAGES:
        a, b = results.get((name, OURS)), results.get((name, BASELINE))
        if a is None or b is None:
            continue
        say(f"{name:<20}{ratio(a.cold, b.cold):>8}{ratio(a.warm, b.warm):>8}"
            f"{ratio(a.sent, b.sent):>8}{ratio(a.html, b.html):>8}"
            f"{ratio(a.scripts, b.scripts):>9}"
            f"{seconds(b.cold, b.cold_status, 2) + ' → ' + seconds(a.cold, a.cold_status, 2):>26}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=os.environ.get("CINEATLAS_DB"),
                        help="the atlas to serve (copied first; default $CINEATLAS_DB), e.g. "
                        "the store `cineatlas atlas --no-serve` builds")
    parser.add_argument("--baseline-src", type=Path, help="also measure the cineatlas sources "
                        "of this tree (PATH/src/cineatlas, e.g. `git archive COMMIT src | tar -x "
                        "-C PATH`), in the same run")
    parser.add_argument("--baseline-db", type=Path,
                        help="the baseline's atlas when it cannot open this tree's store (a "
                        "newer schema): the same data built by the baseline (default: --db)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, among: {', '.join(PAGES)} (default: all)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="fresh servers per page and tree; the median is printed (1)")
    args = parser.parse_args()
    if args.db is None or not Path(args.db).is_file():
        parser.error(f"no store at {args.db}: give --db PATH (e.g. the atlas `cineatlas atlas "
                     "--no-serve` builds)")
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown or not args.pages:
        parser.error(f"unknown page(s) {', '.join(unknown) or '(none)'}; choose among "
                     f"{', '.join(PAGES)}")
    if args.baseline_src is not None:
        args.baseline_src = args.baseline_src.resolve()
        if not (args.baseline_src / "src" / "cineatlas" / "__init__.py").is_file():
            parser.error(f"--baseline-src {args.baseline_src}: no src/cineatlas/__init__.py "
                         "there; e.g. `mkdir DIR && git archive COMMIT src | tar -x -C DIR`")
    if args.rounds < 1:
        parser.error("--rounds: 1 or more")
    return args


def main() -> None:
    args = arguments()
    work = Path(tempfile.mkdtemp(prefix="cineatlas-firstview-"))
    try:
        db = work / "atlas.duckdb"
        shutil.copyfile(args.db, db)  # a copy: the servers open it read-only, never the original
        ours = {"PYTHONPATH": str(HERE.parent / "src")}
        trees = {OURS: os.environ | ours}
        dbs = {OURS: db}
        if args.baseline_src is not None:
            trees[BASELINE] = os.environ | {"PYTHONPATH": str(args.baseline_src / "src")}
            dbs[BASELINE] = db
            if args.baseline_db is not None:
                dbs[BASELINE] = work / "baseline.duckdb"
                shutil.copyfile(args.baseline_db, dbs[BASELINE])
        names = list(trees)
        load = os.getloadavg()[0]
        runs: dict[tuple[str, str], list[Measure]] = {}
        scripts: dict[str, dict[str, int]] = {}
        for round_ in range(args.rounds):
            for n, page in enumerate(args.pages):
                order = names if (n + round_) % 2 == 0 else names[::-1]
                for tree in order:
                    m = measure(tree, trees[tree], dbs[tree], PAGES[page], work, scripts)
                    runs.setdefault((page, tree), []).append(m)
                    say(f"  {page:<20}{tree:<11} ready {m.ready:5.2f} s, cold "
                        f"{seconds(m.cold, m.cold_status)} s, warm "
                        f"{seconds(m.warm, m.warm_status)} s, {m.sent / 1024:7.1f} KB sent")
        say(f"\nstore {args.db} (a copy); {os.cpu_count()} cores, load average {load:.1f} "
            f"before, {os.getloadavg()[0]:.1f} after; {args.rounds} fresh server(s) per page "
            "and tree (median)")
        if BASELINE in trees:
            say(f"baseline: the sources of {args.baseline_src}; this tree: {HERE.parent}")
        report({k: median(v) for k, v in runs.items()}, names)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
