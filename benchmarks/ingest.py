"""Ingest benchmark: cineatlas' SCDL importer against plain DuckDB `read_csv`, side by side.

    python benchmarks/ingest.py [--rows 1000000] [--repeat 1]
    python benchmarks/ingest.py --rows 20000          # a quick check (a few seconds)

Generates a fictitious SCDL v2.1.1 file (cached in the system temp directory), then, each in
a fresh subprocess so that peak memory is measured per contender:

- baseline: DuckDB `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` into a new DuckDB file;
- cineatlas: `import_file("scdl", FILE)` into a new store (validation of every field, problems,
  quarantine, organisations, schemes, awards, provenance, one transaction).

Prints a table of wall time, rows/s, peak resident memory (the subprocess' ru_maxrss), the
ratios contender / baseline and the subprocess' CPU time (user + system; steadier than wall
time on a busy machine). With --repeat N each contender runs N times, alternately, and the
best time is kept (with the peak memory of that run).

Each subprocess writes its result as JSON to a file of its own: whatever it prints (a DuckDB
progress bar, a warning) goes to stderr and cannot be mistaken for the result.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import measured

# argv: sample file, database file, result file. Timing starts after the imports, before the
# database is opened.
CINEATLAS = """
import json, sys, time
from cineatlas import import_file
from cineatlas.store import Store
start = time.perf_counter()
store = Store(sys.argv[2])
store.con.execute("SET enable_progress_bar = false")
try:
    report = import_file("scdl", sys.argv[1], store=store)
finally:
    store.close()
seconds = time.perf_counter() - start
with open(sys.argv[3], "w") as out:
    json.dump({"seconds": seconds, "rows": report.rows_read, "loaded": report.rows_loaded,
               "quarantined": report.rows_quarantined}, out)
"""

BASELINE = """
import json, sys, time
import duckdb
start = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header = true)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
con.close()
seconds = time.perf_counter() - start
with open(sys.argv[3], "w") as out:
    json.dump({"seconds": seconds, "rows": rows, "loaded": rows, "quarantined": 0}, out)
"""

GENERATE = """
import sys
from cineatlas.samples import write_scdl_sample
write_scdl_sample(sys.argv[1], int(sys.argv[2]), seed=1)
"""

CONTENDERS = {"duckdb read_csv (baseline)": BASELINE, "cineatlas import scdl": CINEATLAS}
BASELINE_NAME = "duckdb read_csv (baseline)"


def run(code: str, sample: Path, db: Path) -> dict:
    """Run `code` on `sample` into a new database `db`, in a fresh interpreter (measure.py)."""
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    return measured(code, [sample, db])


def table(results: dict[str, dict]) -> str:
    """The results as a text table, with ratios to the baseline."""
    base = results[BASELINE_NAME]
    header = (f"{'contender':<28}{'seconds':>9}{'rows/s':>12}{'peak MiB':>10}"
              f"{'time ratio':>12}{'mem ratio':>11}{'cpu s':>8}")
    lines = [header, "-" * len(header)]
    for name, r in results.items():
        lines.append(
            f"{name:<28}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>12,.0f}"
            f"{r['peak_mib']:>10.0f}{r['seconds'] / base['seconds']:>11.1f}x"
            f"{r['peak_mib'] / base['peak_mib']:>10.1f}x{r['cpu_seconds']:>8.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows of the generated file.")
    parser.add_argument("--repeat", type=int, default=1,
                        help="Runs per contender, alternately (best time kept).")
    args = parser.parse_args()
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")

    work = Path(tempfile.gettempdir()) / "cineatlas-bench"
    work.mkdir(exist_ok=True)
    sample = work / f"scdl-{args.rows}.csv"
    if not sample.exists():
        started = time.perf_counter()
        partial = sample.with_suffix(".part")
        # In a subprocess: a child process inherits its parent's peak memory (Linux records
        # the parent's high-water mark at exec), so this process must stay small.
        subprocess.run([sys.executable, "-c", GENERATE, str(partial), str(args.rows)], check=True,
                       stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno())
        partial.replace(sample)  # an interrupted generation never leaves a truncated cache
        print(f"generated {sample} ({sample.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    print(f"file: {sample} ({sample.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows); "
          f"{args.repeat} run(s) per contender", flush=True)

    best: dict[str, dict] = {}
    for i in range(args.repeat):  # alternate the contenders so that both see the same noise
        for name, code in CONTENDERS.items():
            result = run(code, sample, work / f"{name.split()[0]}-{os.getpid()}.duckdb")
            print(f"  run {i + 1}: {name}: {result['seconds']:.2f} s, "
                  f"{result['peak_mib']:.0f} MiB, {result['cpu_seconds']:.1f} s CPU", flush=True)
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
    for name in CONTENDERS:
        db = work / f"{name.split()[0]}-{os.getpid()}.duckdb"
        for stale in (db, Path(f"{db}.wal")):
            stale.unlink(missing_ok=True)

    print()
    print(table(best))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if own > 0.5 * min(r["peak_mib"] for r in best.values()):
        print(f"\nwarning: this process peaked at {own:.0f} MiB; a subprocess' peak memory "
              "includes its parent's, so the peaks above are overstated")
    ours = best["cineatlas import scdl"]
    print(f"\ncineatlas: rows read {ours['rows']:,}, loaded {ours['loaded']:,}, "
          f"quarantined {ours['quarantined']:,}")
    wrong = {name: r["rows"] for name, r in best.items() if r["rows"] != args.rows}
    if wrong:
        raise SystemExit(f"row counts differ from the {args.rows:,} generated: {wrong}")


if __name__ == "__main__":
    main()
