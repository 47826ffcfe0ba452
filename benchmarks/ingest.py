"""Ingest benchmark: cineatlas' SCDL importer against plain DuckDB `read_csv`, side by side.

    python benchmarks/ingest.py [--rows 1000000] [--repeat 1]

Generates a fictitious SCDL v2.1.1 file (cached in the system temp directory), then, each in
a fresh subprocess so that peak memory is measured per contender:

- cineatlas: `import_file("scdl", FILE)` into a new store (validation of every field, problems,
  quarantine, organisations, schemes, awards, provenance, one transaction);
- baseline: DuckDB `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` into a new DuckDB file.

Prints wall time, rows/s, peak resident memory and the ratios cineatlas / baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CINEATLAS = """
import json, sys, time
from cineatlas import import_file
start = time.perf_counter()
report = import_file("scdl", sys.argv[1], db=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - start, "rows": report.rows_read,
                  "loaded": report.rows_loaded, "quarantined": report.rows_quarantined}))
"""

BASELINE = """
import json, sys, time
import duckdb
start = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header = true)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
con.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""


def run(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter; return its JSON output plus its peak memory (MiB)."""
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"benchmark subprocess failed with status {status}")
    result = json.loads(output)
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="Runs per contender (best time kept).")
    args = parser.parse_args()

    from cineatlas.samples import write_scdl_sample

    work = Path(tempfile.gettempdir()) / "cineatlas-bench"
    work.mkdir(exist_ok=True)
    sample = work / f"scdl-{args.rows}.csv"
    if not sample.exists():
        started = time.perf_counter()
        write_scdl_sample(sample, args.rows, seed=1)
        print(f"generated {sample} ({sample.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")

    results: dict[str, dict] = {}
    for name, code in (("baseline duckdb read_csv", BASELINE), ("cineatlas import scdl", CINEATLAS)):
        best = None
        for i in range(args.repeat):
            db = work / f"{name.split()[0]}-{i}.duckdb"
            for stale in (db, Path(f"{db}.wal")):
                stale.unlink(missing_ok=True)
            result = run(code, str(sample), str(db))
            if best is None or result["seconds"] < best["seconds"]:
                best = result
        results[name] = best

    base, ours = results["baseline duckdb read_csv"], results["cineatlas import scdl"]
    assert ours["rows"] == base["rows"] == args.rows, (ours, base)
    print(f"\n{'':28}{'seconds':>10}{'rows/s':>12}{'peak MiB':>10}")
    for name, r in results.items():
        print(f"{name:28}{r['seconds']:>10.2f}{r['rows'] / r['seconds']:>12,.0f}{r['peak_mib']:>10.0f}")
    print(f"\nratio cineatlas / baseline: time {ours['seconds'] / base['seconds']:.1f}x, "
          f"peak memory {ours['peak_mib'] / base['peak_mib']:.1f}x "
          f"(rows loaded {ours['loaded']:,}, quarantined {ours['quarantined']:,})")


if __name__ == "__main__":
    main()
