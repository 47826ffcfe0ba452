"""Indicator benchmark: the Ibis catalogue against hand-written DuckDB SQL, side by side.

    python benchmarks/indicators.py [--rows 1000000]

On a store of N generated awards over the real territories (benchmarks/awards_sample.py,
cached in the system temp directory), each contender runs in a fresh subprocess (so that
peak memory is its own):

- catalogue: every indicator of the catalogue, for every territory of each level (region,
  department, province, Québec region, country) and every year;
- ibis subset / hand SQL: the awards indicators that have a hand-written DuckDB query below,
  same cuts, each with the coverage counts the catalogue gives; the benchmark checks both give
  the same values and coverage before printing the times.

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

# The territory hierarchy is flattened once (as the Ibis engine does), in a temporary table.
CLOSURE = """
    CREATE TEMP TABLE up AS
    WITH RECURSIVE up(territory_id, ancestor_id) AS (
        SELECT territory_id, territory_id FROM territories
        UNION ALL
        SELECT up.territory_id, t.parent_id
        FROM up JOIN territories t ON t.territory_id = up.ancestor_id
        WHERE t.parent_id IS NOT NULL)
    SELECT * FROM up
"""
# One query per indicator, on `covered` (placed awards whose needed fields are known), giving
# (unit_id, year, currency, value); each is joined to the coverage counts the catalogue gives
# with every result (rows in the cut, rows covered), so both sides compute the same figures.
# Awards are placed by the beneficiary's territory; beneficiaries are recognised across sources
# by their organisation's name key, as the catalogue does.
PLACED = """
    WITH placed AS (
        SELECT a.*, u.ancestor_id AS unit_id, coalesce(a.fiscal_year, year(a.decision_date)) AS year
        FROM awards a JOIN up u ON u.territory_id = a.beneficiary_territory_id
        JOIN territories l ON l.territory_id = u.ancestor_id AND l.level = '{level}'),
    covered AS (SELECT * FROM placed WHERE {needs}),
    coverage AS (SELECT unit_id, year, currency, count(*) AS n,
                        count(*) FILTER (WHERE {needs}) AS covered
                 FROM placed GROUP BY ALL),
    result AS ({query})
    SELECT r.unit_id, r.year, r.currency, r.value, c.n, c.covered
    FROM result r JOIN coverage c USING (unit_id, year, currency)
"""
PER_BENEFICIARY = """
    SELECT unit_id, year, currency, coalesce(o.name_key, beneficiary_id) AS b,
           sum(amount_minor) AS s
    FROM covered LEFT JOIN organisations o ON o.organisation_id = beneficiary_id GROUP BY ALL"""
KNOWN_AMOUNT = "amount_minor IS NOT NULL"
HAND_SQL = {
    "total_support": (KNOWN_AMOUNT, """
        SELECT unit_id, year, currency, sum(amount_minor) / 100 AS value
        FROM covered GROUP BY ALL"""),
    "support_per_inhabitant": (KNOWN_AMOUNT, """
        SELECT unit_id, year, currency, sum(amount_minor) / 100 / any_value(t.population) AS value
        FROM covered JOIN territories t ON t.territory_id = unit_id GROUP BY ALL"""),
    "upstream_share": (KNOWN_AMOUNT + " AND stage IS NOT NULL", """
        SELECT unit_id, year, currency,
               coalesce(sum(amount_minor) FILTER (WHERE stage IN ('writing', 'development')), 0)
               / sum(amount_minor) AS value
        FROM covered GROUP BY ALL"""),
    "beneficiary_hhi": (KNOWN_AMOUNT + " AND beneficiary_id IS NOT NULL", f"""
        SELECT unit_id, year, currency,
               10000 * sum(s::DOUBLE * s) / (sum(s)::DOUBLE * sum(s)) AS value
        FROM ({PER_BENEFICIARY}) GROUP BY ALL"""),
    "beneficiary_top5_share": (KNOWN_AMOUNT + " AND beneficiary_id IS NOT NULL", f"""
        SELECT unit_id, year, currency, sum(s) FILTER (WHERE r <= 5) / sum(s) AS value
        FROM (SELECT *, row_number() OVER (PARTITION BY unit_id, year, currency
                                            ORDER BY s DESC, b) AS r
              FROM ({PER_BENEFICIARY}))
        GROUP BY ALL"""),
    "women_directors_money_share": (KNOWN_AMOUNT + " AND director_gender IS NOT NULL", """
        SELECT unit_id, year, currency,
               coalesce(sum(amount_minor) FILTER (WHERE director_gender = 'female'), 0)
               / sum(amount_minor) AS value
        FROM covered GROUP BY ALL"""),
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
            for t, y, c, v, n, k in frame.select("territory_id", "year", "currency", "value", "n",
                                                 "covered").iter_rows():
                values[f"{{i}}|{{t}}|{{y}}|{{c}}"] = [v, n, k]
    seconds = time.perf_counter() - start
json.dump({{"seconds": seconds, "rows": rows, "values": values}}, open(sys.argv[3], "w"))
"""

HAND = """
import json, sys, time
import duckdb
CLOSURE, PLACED, HAND_SQL, LEVELS = json.loads(sys.argv[2])
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
con.execute(CLOSURE)
rows, values = 0, {}
for level in LEVELS:
    for i, (needs, query) in HAND_SQL.items():
        sql = PLACED.format(level=level, needs=needs, query=query)
        for t, y, c, v, n, k in con.execute(sql).fetchall():
            rows += 1
            values[f"{i}|{t}|{y}|{c}"] = [v, n, k]
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
        raise SystemExit(f"{len(missing)} hand-written results have no Ibis counterpart, "
                         f"e.g. {sorted(missing)[:3]}")
    for key, (expected, n, covered) in hand_values.items():
        found, found_n, found_covered = ibis_values[key]
        if (n, covered) != (found_n, found_covered):
            raise SystemExit(f"{key}: coverage Ibis {found_n}/{found_covered} vs SQL {n}/{covered}")
        if expected is None or found is None:
            if expected != found:
                raise SystemExit(f"{key}: Ibis {found} vs SQL {expected}")
        elif abs(found - expected) > 1e-9 * max(1.0, abs(expected)):
            raise SystemExit(f"{key}: Ibis {found} vs SQL {expected}")
    return len(hand_values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from awards_sample import build

    db = build(Path(tempfile.gettempdir()) / "cineatlas-bench" / f"awards-{args.rows}.duckdb",
               args.rows)
    subset = json.dumps(sorted(HAND_SQL))
    hand = run(HAND, str(db), json.dumps([CLOSURE, PLACED, HAND_SQL, LEVELS]))
    ibis_subset = run(CATALOGUE.format(levels=LEVELS), str(db), subset)
    checked = compare(ibis_subset["values"], hand["values"])
    whole = run(CATALOGUE.format(levels=LEVELS), str(db), "[]")
    print(f"\n{args.rows:,} awards; levels {', '.join(LEVELS)}; every year. "
          f"{checked:,} hand-written results (values and coverage) checked equal to Ibis'.\n")
    print(f"{'contender':<42}{'seconds':>9}{'result rows':>13}{'peak MiB':>10}{'ratio':>8}")
    base = hand["seconds"]
    lines = [(f"hand-written DuckDB SQL ({len(HAND_SQL)} indicators)", hand, 1.0),
             (f"Ibis catalogue, same {len(HAND_SQL)} indicators", ibis_subset,
              ibis_subset["seconds"] / base),
             ("Ibis catalogue, whole catalogue", whole, None)]
    for name, result, ratio in lines:
        shown = f"{ratio:>7.2f}x" if ratio is not None else "       -"
        print(f"{name:<42}{result['seconds']:>9.2f}{result['rows']:>13,}{result['peak_mib']:>10.0f}{shown}")


if __name__ == "__main__":
    main()
