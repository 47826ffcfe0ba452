"""A generated store of N fictitious awards over the real territories, for benchmarks.

    python benchmarks/awards_sample.py --rows 1000000 --db /tmp/awards.duckdb

Beneficiaries are spread over French communes in proportion to population (with a Paris
premium) and over Canadian provinces; funders are the CNC, the 18 Regions and Telefilm; every
field an indicator reads is filled, with realistic shares of unknown values.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import polars as pl

from cineatlas.store import Store
from cineatlas.territories import ensure_territories

STAGES = ["writing", "development", "production", "post_production", "distribution", "promotion",
          "operation"]
STAGE_P = [0.1, 0.15, 0.45, 0.05, 0.1, 0.08, 0.07]
FORMATS = ["feature", "short", "series", "tv_film", "web", None]
FORMAT_P = [0.35, 0.25, 0.15, 0.1, 0.05, 0.1]
GENRES = ["fiction", "documentary", "animation", "experimental", None]
GENRE_P = [0.5, 0.25, 0.1, 0.05, 0.1]
GENDERS = ["female", "male", "mixed", None]
GENDER_P = [0.3, 0.45, 0.05, 0.2]


def generate(store: Store, rows: int, seed: int = 7) -> None:
    """Insert `rows` awards (and their funders and beneficiaries) into `store`."""
    rng = np.random.default_rng(seed)
    places = store.frame("SELECT territory_id, population, country_code FROM territories "
                         "WHERE level IN ('commune', 'municipality') AND population > 0 "
                         "AND territory_id NOT IN ('FR-C75056', 'FR-C69123', 'FR-C13055')")
    weights = places["population"].to_numpy().astype(float)
    weights /= weights.sum()
    regions = store.frame(
        "SELECT territory_id FROM territories WHERE level = 'region'")["territory_id"].to_list()
    funders = pl.DataFrame({
        "organisation_id": ["bench:cnc", "bench:telefilm", *(f"bench:{r}" for r in regions)],
        "name": ["CNC", "Telefilm", *(f"Région {r}" for r in regions)],
        "territory_id": ["FR", "CA", *regions],
    }).with_columns(name_key=pl.col("name").str.to_lowercase(), is_funder=pl.lit(True),
                    kind=pl.lit("public_body"), source_id=pl.lit("bench"), fictitious=pl.lit(True))
    n_beneficiaries = max(rows // 20, 10)
    home = rng.choice(places.height, size=n_beneficiaries, p=weights)
    beneficiaries = pl.DataFrame({
        "organisation_id": [f"bench:b{i}" for i in range(n_beneficiaries)],
        "name": [f"Société {i}" for i in range(n_beneficiaries)],
        "territory_id": places["territory_id"].gather(home),
        "country_code": places["country_code"].gather(home),
    }).with_columns(name_key=pl.col("name").str.to_lowercase(), is_funder=pl.lit(False),
                    kind=pl.lit("company"), source_id=pl.lit("bench"), fictitious=pl.lit(True))
    who = rng.integers(0, n_beneficiaries, size=rows)
    canadian = beneficiaries["country_code"].gather(who) == "CA"
    funder = np.where(canadian.to_numpy(), 1,
                      rng.choice([0, *range(2, 2 + len(regions))], size=rows))
    amounts = np.round(rng.lognormal(mean=10, sigma=1.2, size=rows) * 100).astype(np.int64)
    unknown_amount = rng.random(rows) < 0.02
    years = rng.integers(2015, 2025, size=rows)

    def pick(values: list, p: list[float]) -> list:
        return [values[i] for i in rng.choice(len(values), size=rows, p=p)]

    first = rng.random(rows)
    awards = pl.DataFrame({
        "award_id": [f"bench:a{i}" for i in range(rows)],
        "funder_id": funders["organisation_id"].gather(funder),
        "beneficiary_id": beneficiaries["organisation_id"].gather(who),
        "beneficiary_territory_id": beneficiaries["territory_id"].gather(who),
        "beneficiary_country_code": beneficiaries["country_code"].gather(who),
        "amount_minor": pl.Series(amounts).set(pl.Series(unknown_amount), None),
        "fiscal_year": years.astype(np.int32),
        "stage": pick(STAGES, STAGE_P), "format": pick(FORMATS, FORMAT_P),
        "genre": pick(GENRES, GENRE_P), "director_gender": pick(GENDERS, GENDER_P),
        "first_work": first < 0.45,
        "second_work": (first >= 0.45) & (first < 0.6),
    })
    unknown_work = pl.Series(first < 0.2)
    canadian_money = pl.col("beneficiary_country_code") == "CA"
    awards = awards.with_columns(
        *(pl.when(unknown_work).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("first_work", "second_work")),
        currency=pl.when(canadian_money).then(pl.lit("CAD")).otherwise(pl.lit("EUR")),
        sector=pl.lit("cinema-audiovisual"), source_id=pl.lit("bench"), fictitious=pl.lit(True))
    with store.transaction():
        store.insert("organisations", pl.concat([funders, beneficiaries], how="diagonal"))
        store.insert("awards", awards)


def build(db: Path, rows: int, territories_cache: Path | None = None) -> Path:
    """A store at `db` with the real territories and `rows` generated awards (reused if present)."""
    if db.exists():
        return db
    started = time.perf_counter()
    with Store(db) as store:
        ensure_territories(store)
        generate(store, rows)
    print(f"generated {rows:,} awards in {db} in {time.perf_counter() - started:.1f} s", flush=True)
    return db


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    build(args.db, args.rows)
