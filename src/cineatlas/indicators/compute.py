"""Computing indicators: run a declaration on an engine and a cut, add coverage and names.

Every result row carries, beside its value, the coverage of the rows it rests on: `n` rows in
the cut, `covered` rows whose needed fields are known, their shares of rows and (for money)
of the money, and `low_coverage` when either share is below the cut's `min_coverage`.
"""

from __future__ import annotations

import ibis
import polars as pl

from cineatlas.indicators import registry
from cineatlas.indicators.cut import Cut
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.query import Query

#: Columns every result has, in this order (extras follow).
COLUMNS = ("indicator", "level", "territory_id", "territory_name", "period", "year", "category",
           "value", "numerator", "denominator", "unit", "currency", "n", "covered",
           "coverage", "money_coverage", "low_coverage")


def compute(engine: Engine, indicator_id: str, cut: Cut | None = None) -> pl.DataFrame:
    """One indicator on one cut, as a Polars frame with COLUMNS plus the indicator's extras."""
    item = registry.get(indicator_id)
    cut = cut or Cut()
    query = Query(engine, item, cut)
    result = item.compute(query)
    coverage = _coverage(query)
    keys = query.keys
    joined = result.left_join(coverage, keys, rname="{name}_cov")
    frame = engine.execute(joined.drop(*(f"{k}_cov" for k in keys if f"{k}_cov" in joined.columns)))
    return _finish(frame, item, cut, engine)


def compute_all(engine: Engine, cut: Cut | None = None,
                ids: list[str] | None = None) -> pl.DataFrame:
    """Several indicators (the whole catalogue by default) stacked in one long frame: COLUMNS,
    then each indicator's extras (NULL for the others)."""
    ids = ids or [item.id for item in registry.catalogue()]
    return pl.concat([compute(engine, i, cut) for i in ids], how="diagonal_relaxed")


def _coverage(query: Query) -> ibis.Table:
    base = query.base
    known = ibis.literal(True)
    for name in query.indicator.needs:
        known = known & base[name].notnull()
    base = base.mutate(_known=known)
    metrics = {"n": base.count(), "covered": base._known.sum().cast("int64")}
    if query.money:
        metrics["money_total"] = base.amount.sum()
        metrics["money_covered"] = base.amount.sum(where=base._known)
    return base.group_by(query.keys).aggregate(**metrics)


def _finish(frame: pl.DataFrame, item: registry.Indicator, cut: Cut,
            engine: Engine) -> pl.DataFrame:
    names = engine.territories.select(pl.col("territory_id").alias("unit_id"),
                                      pl.col("name").alias("territory_name"))
    frame = frame.join(names, on="unit_id", how="left").rename({"unit_id": "territory_id"})
    defaults = {"year": pl.lit(None, pl.Int32), "category": pl.lit(None, pl.String),
                "currency": pl.lit(None, pl.String), "numerator": pl.lit(None, pl.Float64),
                "denominator": pl.lit(None, pl.Float64), "n": pl.lit(None, pl.Int64),
                "covered": pl.lit(None, pl.Int64)}
    frame = frame.with_columns(v.alias(k) for k, v in defaults.items() if k not in frame.columns)
    if "money_total" in frame.columns:
        money = pl.when(pl.col("money_total") > 0).then(
            pl.col("money_covered") / pl.col("money_total"))
        frame = frame.with_columns(money_coverage=money.fill_null(pl.lit(None)))
    else:
        frame = frame.with_columns(money_coverage=pl.lit(None, pl.Float64))
    coverage = pl.when(pl.col("n") > 0).then(pl.col("covered") / pl.col("n"))
    frame = frame.with_columns(
        coverage=coverage,
        indicator=pl.lit(item.id),
        level=pl.lit(cut.level),
        period=pl.lit(cut.period, pl.String),
        unit=pl.lit(item.unit),
        n=pl.col("n").fill_null(0),
        covered=pl.col("covered").fill_null(0),
    )
    low = (pl.col("coverage").fill_null(0) < cut.min_coverage) | (
        pl.col("money_coverage").is_not_null() & (pl.col("money_coverage") < cut.min_coverage))
    frame = frame.with_columns(low_coverage=low if item.needs else pl.col("n") == 0)
    frame = frame.with_columns(pl.col("value").cast(pl.Float64),
                               pl.col("numerator").cast(pl.Float64),
                               pl.col("denominator").cast(pl.Float64),
                               pl.col("year").cast(pl.Int32),
                               pl.col("n").cast(pl.Int64), pl.col("covered").cast(pl.Int64))
    extras = [c for c in item.extras if c in frame.columns]
    order = ["territory_id", "year", "category", "currency"]
    return frame.select(*COLUMNS, *extras).sort(order, nulls_last=True)
