"""Cohort tables of the efficacy indicators (indicators/definitions/efficacy.py).

`development_cohorts` gives, for one territory, a row per development cohort (fiscal year) and
category (every work, in the metropolis, outside it): the works funded in development that
year, those whose production was funded within `horizon` fiscal years, and the rate. It runs
the indicator's own expression with the horizon asked for (4 by default), so that the table and
the catalogue's figure cannot disagree.
"""

from __future__ import annotations

import polars as pl

from cineatlas.errors import AtlasError
from cineatlas.indicators import registry
from cineatlas.indicators.cut import Cut
from cineatlas.indicators.definitions.efficacy import DEFAULT_HORIZON, development_to_production
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.query import Query

#: Horizons a reader may ask for, in fiscal years.
HORIZONS = range(0, 16)


def development_cohorts(engine: Engine, level: str, territory_id: str,
                        horizon: int = DEFAULT_HORIZON, **cut: object) -> pl.DataFrame:
    """year, category, funded_in_development, produced, rate, median_years, currency: one row
    per complete cohort and category of `territory_id` (at `level`), oldest first. `cut` takes
    the other Cut filters (funders, formats…)."""
    if horizon not in HORIZONS:
        raise AtlasError(f"The horizon must be a whole number of fiscal years from "
                         f"{HORIZONS.start} to {HORIZONS.stop - 1}, not {horizon}.")
    item = registry.get("development_to_production_rate")
    query = Query(engine, item, Cut(level=level, territories=(territory_id,), by_year=True,
                                    **cut))
    frame = engine.execute(development_to_production(query, horizon))
    return frame.select(
        pl.col("year").cast(pl.Int32), "category",
        pl.col("denominator").cast(pl.Int64).alias("funded_in_development"),
        pl.col("numerator").cast(pl.Int64).alias("produced"),
        pl.col("value").alias("rate"), "median_years", "currency",
    ).sort("year", "category")
