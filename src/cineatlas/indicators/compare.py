"""Reading results over time and across territories: change, rankings, national median.

These work on any result frame of `compute` (so on any indicator of the catalogue). A change
rests on both years: its row's `fictitious` and `sources` cover the two values it compares. A
rank and a median rest on the other territories' values: `median_fictitious` says when any of
them is fictitious.
"""

from __future__ import annotations

import polars as pl

#: A result's provenance columns (compute.py).
PROVENANCE = ("fictitious", "sources")
#: Columns identifying one series of a result: a territory's values for one category.
SERIES = ("indicator", "level", "territory_id", "category", "currency")


def change_over_time(frame: pl.DataFrame) -> pl.DataFrame:
    """Year-on-year change of a by-year result: adds previous_year, previous_value,
    change (value − previous) and change_pct (change ÷ |previous|).

    The previous year is the calendar year before, not the previous row: a year missing from
    the data gives NULL, never a change over two years presented as one.
    """
    _need_years(frame)
    previous = frame.select(*SERIES, (pl.col("year") + 1).alias("year"),
                            pl.col("year").alias("previous_year"),
                            pl.col("value").alias("previous_value"),
                            *_provenance_as(frame, "previous"))
    out = frame.join(previous, on=[*SERIES, "year"], how="left", nulls_equal=True)
    return _merge_provenance(_with_change(out), "previous").sort(*SERIES, "year",
                                                                  nulls_last=True)


def period_change(frame: pl.DataFrame, first: int | None = None,
                  last: int | None = None) -> pl.DataFrame:
    """Change between two years of a by-year result (the first and last years by default):
    one row per series with value_first, value_last, change, change_pct and annual_rate
    (compound annual growth rate, when both values are positive)."""
    _need_years(frame)
    first = first if first is not None else frame["year"].min()
    last = last if last is not None else frame["year"].max()
    start = frame.filter(pl.col("year") == first).select(*SERIES,
                                                         pl.col("value").alias("previous_value"),
                                                         *_provenance_as(frame, "previous"))
    end = frame.filter(pl.col("year") == last).select(*SERIES, "territory_name", "unit", "value",
                                                      *_provenance_as(frame, None))
    out = end.join(start, on=list(SERIES), how="full", coalesce=True, nulls_equal=True)
    out = _merge_provenance(out, "previous")
    years = last - first
    rate = pl.when((pl.col("previous_value") > 0) & (pl.col("value") > 0) & (years > 0)).then(
        (pl.col("value") / pl.col("previous_value")) ** (1 / max(years, 1)) - 1)
    out = _with_change(out).with_columns(first_year=pl.lit(first), last_year=pl.lit(last),
                                         annual_rate=rate)
    return out.rename({"previous_value": "value_first", "value": "value_last"}).sort(
        *SERIES, nulls_last=True)


def rank(frame: pl.DataFrame, *, descending: bool = True) -> pl.DataFrame:
    """Rank territories within each indicator, year, category and currency, and compare each
    to the median of its country's territories at that level: adds rank, of, median and
    vs_median (value ÷ median − 1). Results flagged low_coverage are ranked like the others
    but keep their flag; NULL values are not ranked."""
    countries = frame.with_columns(country=pl.col("territory_id").str.extract(r"^([A-Z]{2})", 1))
    group = ["indicator", "country", "year", "category", "currency"]
    ranked = countries.with_columns(
        rank=pl.col("value").rank("min", descending=descending).over(group, order_by=None)
        .cast(pl.Int32),
        of=pl.col("value").count().over(group).cast(pl.Int32),
        median=pl.col("value").median().over(group),
    )
    if "fictitious" in frame.columns:  # the median and rank rest on the group's values
        ranked = ranked.with_columns(median_fictitious=pl.col("fictitious").filter(
            pl.col("value").is_not_null()).any().over(group))
    if "unit" in frame.columns:  # a status (published or not) is neither ranked nor a median
        status = pl.col("unit") == "status"
        ranked = ranked.with_columns(
            *(pl.when(status).then(None).otherwise(pl.col(c)).alias(c)
              for c in ("rank", "of", "median")))
    vs = pl.when(pl.col("median") != 0).then(pl.col("value") / pl.col("median") - 1)
    return ranked.with_columns(vs_median=vs).drop("country").sort(
        "indicator", "year", "category", "currency", "rank", nulls_last=True)


def _need_years(frame: pl.DataFrame) -> None:
    if frame["year"].null_count() == frame.height and frame.height:
        raise ValueError("Change over time needs a result computed by year (Cut(by_year=True)).")


def _with_change(frame: pl.DataFrame) -> pl.DataFrame:
    change = pl.col("value") - pl.col("previous_value")
    pct = pl.when(pl.col("previous_value") != 0).then(change / pl.col("previous_value").abs())
    return frame.with_columns(change=change, change_pct=pct)


def _provenance_as(frame: pl.DataFrame, prefix: str | None) -> list[pl.Expr]:
    """The provenance columns of a result (when it has them), renamed `{prefix}_fictitious`
    and `{prefix}_sources`."""
    return [pl.col(c).alias(f"{prefix}_{c}" if prefix else c) for c in PROVENANCE
            if c in frame.columns]


def _merge_provenance(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """One `fictitious` and one `sources` for a row built from two results (either side may
    be missing: a year without a value)."""
    if not all(c in frame.columns for c in PROVENANCE):
        return frame
    empty = pl.lit([], pl.List(pl.String))
    fictitious = (pl.col("fictitious").fill_null(False)
                  | pl.col(f"{prefix}_fictitious").fill_null(False))
    sources = pl.concat_list(pl.col("sources").fill_null(empty),
                             pl.col(f"{prefix}_sources").fill_null(empty)).list.unique().list.sort()
    return frame.with_columns(fictitious=fictitious, sources=sources).drop(
        f"{prefix}_fictitious", f"{prefix}_sources")
