"""Entity resolution benchmark: `cineatlas resolve` against exact-key grouping in plain DuckDB
SQL, side by side in the same run, on the default atlas and on a generated set of organisations.

    python benchmarks/resolve.py --db atlas.duckdb [--synthetic 1000000]

- real: the default atlas' store (`--db`; without it, one is built first with `build_atlas`,
  not timed), copied for each contender;
- synthetic: `--synthetic N` generated organisations (seeded: a few hundred thousand
  companies, each published under one to several spellings — 'Productions X', 'X Films Inc.',
  'LES FILMS X', a typo — in one of 40 cities, with a SIREN for a third of the French ones),
  loaded as one fictitious source into an empty store; its name as published is what the
  contenders see.

Contenders, each in a fresh subprocess (measure.py: wall time, CPU time, peak memory):
- baseline: one SQL statement grouping organisations by `name_key`, works by `title_key` and
  people by `name_key` into an entity table (what DuckDB alone gives: exact keys, no context);
- cineatlas: `cineatlas.resolve.resolve` (keys, splink's model, constrained clustering, the
  whole `entity_members` written in one transaction).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

from measure import measured

BASELINE = """
import json, sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar = false")
start = time.perf_counter()
con.execute('''
CREATE OR REPLACE TABLE baseline_entities AS
SELECT 'organisation' AS kind, organisation_id AS member_id,
       'org:' || min(organisation_id) OVER (PARTITION BY name_key) AS entity_id FROM organisations
UNION ALL
SELECT 'work', work_id, 'work:' || min(work_id) OVER (PARTITION BY coalesce(title_key, work_id))
FROM works
UNION ALL
SELECT 'person', person_id, 'person:' || min(person_id) OVER (PARTITION BY name_key) FROM people
''')
counts = dict(con.execute("SELECT kind, count(DISTINCT entity_id) FROM baseline_entities "
                          "GROUP BY kind").fetchall())
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "entities": counts}, open(sys.argv[2], "w"))
"""

CINEATLAS = """
import json, sys, time
from cineatlas.store import Store
from cineatlas.resolve import resolve
with Store(sys.argv[1]) as store:
    start = time.perf_counter()
    summary = resolve(store)
    seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "entities": {k: v["entities"] for k, v in summary["kinds"].items()},
           "merged": {k: v["merged_clusters"] for k, v in summary["kinds"].items()}},
          open(sys.argv[2], "w"))
"""

SYLLABLES = ("ka ri lo ma ne vu sa to be li da mo ra fi no pe zu ga ve co lu tri bra sel "
             "mar val ron dor fen gal pol sur tan bel cor").split()
CITIES = ("Montreal Toronto Vancouver Quebec Paris Lyon Marseille Nantes Lille Bordeaux "
          "Rennes Strasbourg Toulouse Nice Calgary Halifax Winnipeg Ottawa Regina Moncton "
          "Gatineau Laval Sherbrooke Rimouski Saguenay Angers Tours Dijon Brest Grenoble "
          "Montpellier Rouen Caen Metz Nancy Reims Limoges Poitiers Pau Bayonne").split()
FORMS = ("{} Films Inc.", "Productions {}", "Les Films {}", "{} Productions inc.",
         "{} Pictures Ltd.", "{} FILMS", "{} SAS", "LES PRODUCTIONS {}", "{}", "{} Média inc.")


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def synthetic(db: Path, n: int, seed: int = 14) -> None:
    """`n` organisations of realistic spellings into the store `db` (a fictitious source)."""
    import polars as pl

    from cineatlas.store import Store
    from cineatlas.text import name_key

    rng = random.Random(seed)
    rows: list[tuple] = []
    while len(rows) < n:
        core = _name(rng)
        city = rng.choice(CITIES)
        french = CITIES.index(city) >= 4 and city not in ("Calgary", "Halifax")
        siren = f"{rng.randrange(10**8, 10**9)}" if french and rng.random() < 0.33 else None
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 6))):
            word = _typo(rng, core) if len(core) > 4 and rng.random() < 0.05 else core
            name = rng.choice(FORMS).format(word)
            rows.append((f"synthetic/org/{len(rows):07d}", name, name_key(name), city,
                         "FR" if french else "CA", siren if rng.random() < 0.8 else None))
    frame = pl.DataFrame(rows[:n], schema=["organisation_id", "name", "name_key", "city",
                                           "country_code", "siren"], orient="row")
    with Store(db) as store, store.transaction():
        store.con.execute(
            "INSERT INTO sources (source_id, importer, title, fictitious, imported_at, "
            "rows_read, rows_loaded, rows_quarantined) VALUES ('synthetic', 'benchmark', "
            "'generated organisations', TRUE, now(), ?, ?, 0)", [n, n])
        store.insert("organisations", frame.with_columns(
            pl.lit("synthetic").alias("source_id"), pl.lit(True).alias("fictitious")))


def run(name: str, store: Path, work: Path) -> dict[str, dict]:
    out = {}
    for contender, code in (("baseline: exact keys in SQL", BASELINE),
                            ("cineatlas resolve", CINEATLAS)):
        copy = work / f"{name}-{contender.split()[0]}.duckdb"
        shutil.copy(store, copy)
        out[contender] = measured(code, [copy])
        copy.unlink()
    return out


def table(title: str, results: dict[str, dict]) -> str:
    base = results["baseline: exact keys in SQL"]
    lines = [title, f"{'contender':<30}{'seconds':>9}{'cpu s':>8}{'peak MiB':>10}"
             f"{'time ratio':>12}{'mem ratio':>11}  entities"]
    for name, r in results.items():
        lines.append(f"{name:<30}{r['seconds']:>9.2f}{r['cpu_seconds']:>8.1f}"
                     f"{r['peak_mib']:>10.0f}{r['seconds'] / base['seconds']:>11.1f}x"
                     f"{r['peak_mib'] / base['peak_mib']:>10.1f}x  {r['entities']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="A built default atlas (else one is built).")
    parser.add_argument("--synthetic", type=int, default=1_000_000,
                        help="Generated organisations (0: skip).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cineatlas-resolve-bench-") as tmp:
        work = Path(tmp)
        db = args.db
        if db is None:
            from cineatlas.build import build_atlas

            db = work / "atlas.duckdb"
            build_atlas(db)
        print(table("real files (the default atlas)", run("real", db, work)), flush=True)
        if args.synthetic:
            from cineatlas.store import Store

            empty = work / "synthetic.duckdb"
            Store(empty).close()
            synthetic(empty, args.synthetic)
            print(table(f"synthetic: {args.synthetic:,} organisations",
                        run("synthetic", empty, work)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
