"""Computing indicators: run a declaration on an engine and a cut, add coverage and names.

Every result row carries, beside its value, the coverage of the rows it rests on: `n` rows in
the cut, `covered` rows whose needed fields are known, their shares of rows and (for money)
of the money, and `low_coverage` when either share is below the cut's `min_coverage`; and
their provenance: `fictitious` (TRUE when any of those rows is fictitious, FALSE when none is)
and `sources` (the ids of the sources they come from, sorted). Coverage and provenance are
computed together from the subject's base rows (`Query.base`), which therefore carry
`source_id` and `fictitious` (see `query.PROVENANCE`).
"""

from __future__ import annotations

import ibis
import polars as pl

from cineatlas.indicators import registry
from cineatlas.indicators.cut import Cut
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.query import Query, source_columns
from cineatlas.indicators.reach import award_reach

#: Columns every result has, in this order (extras follow).
COLUMNS = ("indicator", "level", "territory_id", "territory_name", "period", "year", "category",
           "value", "numerator", "denominator", "unit", "currency", "n", "covered",
           "coverage", "money_coverage", "low_coverage", "fictitious", "sources")


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
    frame = _finish(frame, item, cut, engine)
    if item.additive and item.subject == "awards":
        frame = _with_zeros(frame, query, item, cut)
    return frame


def compute_all(engine: Engine, cut: Cut | None = None,
                ids: list[str] | None = None) -> pl.DataFrame:
    """Several indicators (the whole catalogue by default) stacked in one long frame: COLUMNS,
    then each indicator's extras (NULL for the others). An indicator computed at some levels
    only (`Indicator.levels`) is not run at another level: it would give no row."""
    cut = cut or Cut()
    ids = ids or [item.id for item in registry.catalogue()]
    runs = [i for i in ids if cut.level in (registry.get(i).levels or (cut.level,))]
    # When none runs at this level, the first still gives the (empty) frame its columns.
    return pl.concat([compute(engine, i, cut) for i in runs or ids[:1]], how="diagonal_relaxed")


def _coverage(query: Query) -> ibis.Table:
    """Per result key: the coverage of the base rows (n, covered, money) and their provenance
    (fictitious, and one `sources_*` list per source column, merged in `_finish`).

    Rows are first grouped by key and source, then by key: a source is listed once without a
    DISTINCT aggregate (which not every engine has), in the same query as the counts."""
    base = query.base
    known = ibis.literal(True)
    for name in query.indicator.needs:
        known = known & base[name].notnull()
    base = base.mutate(_known=ibis.ifelse(known, 1, 0))
    columns = source_columns(base)
    metrics = {"n": base.count(), "covered": base._known.sum().cast("int64"),
               "fictitious": base.fictitious.fill_null(False).any()}
    if query.money:
        metrics["money_total"] = base.amount.sum()
        metrics["money_covered"] = base.amount.sum(where=base._known == 1)
    by_source = base.group_by([*query.keys, *columns]).aggregate(**metrics)
    totals = {"n": by_source.n.sum().cast("int64"), "covered": by_source.covered.sum(),
              "fictitious": by_source.fictitious.any()}
    if query.money:
        totals |= {"money_total": by_source.money_total.sum(),
                   "money_covered": by_source.money_covered.sum()}
    totals |= {f"_sources_{i}": by_source[c].collect() for i, c in enumerate(columns)}
    return by_source.group_by(query.keys).aggregate(**totals)


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
    frame = _provenance(frame)
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


def _with_zeros(frame: pl.DataFrame, query: Query, item: registry.Indicator,
                cut: Cut) -> pl.DataFrame:
    """`frame` plus a 0 row for each key (unit, year, currency) that the award sources cover
    (reach.py) and where the cut holds no row at all: a known zero, ranked with the others. A
    unit with rows of unknown amount only is not a zero (its value is unknown): no row."""
    keys = query.keys
    engine = query.engine
    reach = award_reach(query)
    # keys where the cut holds no row at all (one query)
    reach = engine.execute(reach.anti_join(query.base.select(*keys).distinct(), keys))
    if not reach.height:
        return frame
    # a real zero when any real source covers the key; fictitious only when none does
    real = reach.group_by(keys).agg((~pl.col("fictitious")).any().alias("_real"))
    reach = reach.join(real, on=keys).filter(~pl.col("_real") | ~pl.col("fictitious"))
    zeros = reach.group_by(keys).agg(pl.col("fictitious").all(),
                                     pl.col("source_id").unique().sort().alias("sources"))
    if not zeros.height:
        return frame
    units = engine.territories.select(pl.col("territory_id").alias("unit_id"),
                                      pl.col("name").alias("territory_name"),
                                      pl.col("population").cast(pl.Float64).alias("population"))
    zeros = zeros.join(units, on="unit_id", how="left")
    per_person = item.unit == "money_per_inhabitant"
    known = pl.col("population") > 0
    zeros = zeros.select(
        pl.lit(item.id).alias("indicator"), pl.lit(cut.level).alias("level"),
        pl.col("unit_id").alias("territory_id"), "territory_name",
        pl.lit(cut.period, pl.String).alias("period"),
        (pl.col("year") if "year" in keys else pl.lit(None)).cast(pl.Int32).alias("year"),
        pl.lit(None, pl.String).alias("category"),
        (pl.when(known).then(0.0) if per_person else pl.lit(0.0)).alias("value"),
        pl.lit(0.0).alias("numerator"),
        (pl.col("population") if per_person else pl.lit(None, pl.Float64)).alias("denominator"),
        pl.lit(item.unit).alias("unit"), "currency",
        pl.lit(0, pl.Int64).alias("n"), pl.lit(0, pl.Int64).alias("covered"),
        pl.lit(None, pl.Float64).alias("coverage"), pl.lit(None, pl.Float64).alias(
            "money_coverage"),
        pl.lit(False).alias("low_coverage"), pl.col("fictitious").fill_null(False),
        pl.col("sources").cast(pl.List(pl.String)))
    out = pl.concat([frame, zeros], how="diagonal_relaxed")
    return out.select(frame.columns).sort(["territory_id", "year", "category", "currency"],
                                          nulls_last=True)


def _provenance(frame: pl.DataFrame) -> pl.DataFrame:
    """`fictitious` (FALSE for a row resting on no row) and `sources` (the source lists of the
    coverage merged, sorted, each id once; empty when the row rests on no row)."""
    lists = sorted(c for c in frame.columns if c.startswith("_sources_"))
    if lists:
        merged = pl.concat_list(pl.col(c).fill_null(pl.lit([], pl.List(pl.String)))
                                for c in lists)
        sources = merged.list.drop_nulls().list.unique().list.sort()
    else:
        sources = pl.lit([], pl.List(pl.String))
    fictitious = pl.col("fictitious") if "fictitious" in frame.columns else pl.lit(None)
    return frame.with_columns(fictitious=fictitious.fill_null(False).cast(pl.Boolean),
                              sources=sources.cast(pl.List(pl.String))).drop(lists)
