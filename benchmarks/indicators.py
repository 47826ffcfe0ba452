"""Indicator benchmark: the Ibis catalogue against hand-written DuckDB SQL, side by side.

    python benchmarks/indicators.py [--rows 1000000]

On a store of N generated awards over the real territories (benchmarks/awards_sample.py,
cached in the system temp directory), each contender runs in a fresh subprocess (so that
peak memory is its own):

- catalogue: every indicator of the catalogue, for every territory of each level (region,
  department, province, Québec region, country) and every year;
- ibis subset / hand SQL: the awards indicators that have a hand-written DuckDB query below,
  same cuts; the benchmark checks both give the same values before printing the times.

Prints seconds, peak resident memory and the ratio Ibis / hand-written SQL.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEVELS = ("region", "department", "province", "qc_region", "country")

# One query per indicator: {level} is the territory level; results are
# (territory_id, year, currency, value). Awards are placed by the beneficiary's territory.
PLACED = """
    WITH RECURSIVE up(territory_id, ancestor_id) AS (
        SELECT territory_id, territory_id FROM territories
        UNION ALL
        SELECT up.territory_id, t.parent_id FROM up JOIN territories t ON t.territory_id = up.ancestor_id
        WHERE t.parent_id IS NOT NULL),
    placed AS (
        SELECT a.*, u.ancestor_id AS unit_id, coalesce(a.fiscal_year, year(a.decision_date)) AS year
        FROM awards a JOIN up u ON u.territory_id = a.beneficiary_territory_id
        JOIN territories l ON l.territory_id = u.ancestor_id AND l.level = '{level}')
"""
HAND_SQL = {
    "total_support": """
        SELECT unit_id, year, currency, sum(amount_minor) / 100 AS value
        FROM placed WHERE amount_minor IS NOT NULL GROUP BY ALL""",
    "support_per_inhabitant": """
        SELECT unit_id, year, currency, sum(amount_minor) / 100 / any_value(t.population) AS value
        FROM placed JOIN territories t ON t.territory_id = unit_id
        WHERE amount_minor IS NOT NULL GROUP BY ALL""",
    "upstream_share": """
        SELECT unit_id, year, currency,
               coalesce(sum(amount_minor) FILTER (WHERE stage IN ('writing', 'development')), 0)
               / sum(amount_minor) AS value
        FROM placed WHERE amount_minor IS NOT NULL AND stage IS NOT NULL GROUP BY ALL""",
    "beneficiary_hhi": """
        SELECT unit_id, year, currency, 10000 * sum(s * s) / (sum(s) * sum(s)) AS value
        FROM (SELECT unit_id, year, currency, beneficiary_id, sum(amount_minor)::DOUBLE AS s
              FROM placed WHERE amount_minor IS NOT NULL AND beneficiary_id IS NOT NULL GROUP BY ALL)
        GROUP BY ALL""",
    "beneficiary_top5_share": """
        SELECT unit_id, year, currency, sum(s) FILTER (WHERE r <= 5) / sum(s) AS value
        FROM (SELECT *, row_number() OVER (PARTITION BY unit_id, year, currency
                                           ORDER BY s DESC, beneficiary_id) AS r
              FROM (SELECT unit_id, year, currency, beneficiary_id, sum(amount_minor) AS s
                    FROM placed WHERE amount_minor IS NOT NULL AND beneficiary_id IS NOT NULL
                    GROUP BY ALL))
        GROUP BY ALL""",
    "women_directors_money_share": """
        SELECT unit_id, year, currency,
               coalesce(sum(amount_minor) FILTER (WHERE director_gender = 'female'), 0)
               / sum(amount_minor) AS value
        FROM placed WHERE amount_minor IS NOT NULL AND director_gender IS NOT NULL GROUP BY ALL""",
}

CATALOGUE = """
import json, sys, time
from cineatlas.store import Store
from cineatlas.indicators import Cut, Engine, catalogue, compute
LEVELS = {levels!r}
ids = json.loads(sys.argv[2]) or [item.id for item in catalogue()]
with Store(sys.argv[1], read_only=True) as store:
    start = time.perf_counter()
    engine = Engine.duckdb(store)
    rows, values = 0, {{}}
    for level in LEVELS:
        for i in ids:
            frame = compute(engine, i, Cut(level=level, by_year=True))
            rows += frame.height
            for t, y, c, v in frame.select("territory_id", "year", "currency", "value").iter_rows():
                values[f"{{i}}|{{t}}|{{y}}|{{c}}"] = v
    seconds = time.perf_counter() - start
json.dump({{"seconds": seconds, "rows": rows, "values": values}}, open(sys.argv[3], "w"))
"""

HAND = """
import json, sys, time
import duckdb
PLACED, HAND_SQL, LEVELS = json.loads(sys.argv[2])
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
rows, values = 0, {}
for level in LEVELS:
    for i, sql in HAND_SQL.items():
        for t, y, c, v in con.execute(PLACED.format(level=level) + sql).fetchall():
            rows += 1
            values[f"{i}|{t}|{y}|{c}"] = v
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "rows": rows, "values": values}, open(sys.argv[3], "w"))
"""


def run(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter (its output goes to stderr); return its JSON result
    plus its peak resident memory in MiB."""
    fd, name = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        process = subprocess.Popen([sys.executable, "-c", code, *args, name],
                                   stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno())
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"benchmark subprocess failed with exit code {process.returncode}")
        result = json.loads(Path(name).read_text())
    finally:
        Path(name).unlink(missing_ok=True)
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def compare(ibis_values: dict, hand_values: dict) -> int:
    """Check that both contenders found the same figures; returns how many were compared."""
    missing = hand_values.keys() - ibis_values.keys()
    if missing:
        raise SystemExit(f"{len(missing)} hand-written results have no Ibis counterpart, e.g. {sorted(missing)[:3]}")
    for key, expected in hand_values.items():
        found = ibis_values[key]
        if expected is None or found is None:
            if expected != found:
                raise SystemExit(f"{key}: Ibis {found} vs SQL {expected}")
        elif abs(found - expected) > 1e-9 * max(1.0, abs(expected)):
            raise SystemExit(f"{key}: Ibis {found} vs SQL {expected}")
    return len(hand_values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from awards_sample import build

    db = build(Path(tempfile.gettempdir()) / "cineatlas-bench" / f"awards-{args.rows}.duckdb", args.rows)
    subset = json.dumps(sorted(HAND_SQL))
    hand = run(HAND, str(db), json.dumps([PLACED, HAND_SQL, LEVELS]))
    ibis_subset = run(CATALOGUE.format(levels=LEVELS), str(db), subset)
    checked = compare(ibis_subset["values"], hand["values"])
    whole = run(CATALOGUE.format(levels=LEVELS), str(db), "[]")
    print(f"\n{args.rows:,} awards; levels {', '.join(LEVELS)}; every year. "
          f"{checked:,} hand-written results checked equal to Ibis'.\n")
    print(f"{'contender':<42}{'seconds':>9}{'result rows':>13}{'peak MiB':>10}{'ratio':>8}")
    base = hand["seconds"]
    lines = [(f"hand-written DuckDB SQL ({len(HAND_SQL)} indicators)", hand, 1.0),
             (f"Ibis catalogue, same {len(HAND_SQL)} indicators", ibis_subset, ibis_subset["seconds"] / base),
             ("Ibis catalogue, whole catalogue", whole, None)]
    for name, result, ratio in lines:
        shown = f"{ratio:>7.2f}x" if ratio is not None else "       -"
        print(f"{name:<42}{result['seconds']:>9.2f}{result['rows']:>13,}{result['peak_mib']:>10.0f}{shown}")


if __name__ == "__main__":
    main()
