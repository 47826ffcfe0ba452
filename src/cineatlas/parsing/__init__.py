"""Turning raw text cells into typed columns and problems, vectorised with Polars.

    p = RowParser(batch.frame)
    p.add("amount_minor", "Final Value", values.money(p.raw("Final Value"), decimal="."))
    p.add("decision_date", "Date", values.date(p.raw("Date")))
    typed, problems = p.finish()

`typed` has `_row` and one column per field; `problems` follows PROBLEM_SCHEMA.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import polars as pl

from cineatlas.parsing import values
from cineatlas.parsing.values import NULL_TEXT, Parsed
from cineatlas.problems import PROBLEM_SCHEMA, PROBLEM_TYPES, WARNING, Severity, empty_problems
from cineatlas.reading.table import ROW

__all__ = ["Parsed", "RowParser", "map_unique", "values"]


class RowParser:
    """Collects parsed fields over one raw batch, then evaluates them in one pass."""

    def __init__(self, raw: pl.DataFrame) -> None:
        self.frame = raw
        self._exprs: list[pl.Expr] = []
        self._stages: list[list[list[pl.Expr]]] = []
        self._checks: list[tuple[str, str, dict[str, Severity]]] = []
        self._extra: list[pl.DataFrame] = []

    def raw(self, column: str | None) -> pl.Expr:
        """The raw text of a column, or an all-null column when the file lacks it."""
        if column is None or column not in self.frame.columns:
            return pl.lit(None, dtype=pl.Utf8)
        return pl.col(column)

    def add(self, name: str, column: str | None, parsed: Parsed) -> None:
        """Add a field computed from `column` (named in problems; None for derived fields)."""
        self._exprs.append(parsed.value.alias(name))
        self._stages.append(parsed.stages)
        if parsed.severities:
            code_name = f"__code__{name}"
            self._exprs.append(parsed.code.alias(code_name))
            self._exprs.append(self.raw(column).alias(f"__raw__{name}"))
            detail = NULL_TEXT if parsed.detail is None else parsed.detail
            self._exprs.append(detail.alias(f"__detail__{name}"))
            self._checks.append((name, column or name, parsed.severities))

    def add_value(self, name: str, expr: pl.Expr) -> None:
        """Add a field that cannot produce a problem."""
        self._exprs.append(expr.alias(name))

    def add_problems(self, frame: pl.DataFrame) -> None:
        """Add problems found outside the vectorised parsers (PROBLEM_SCHEMA columns)."""
        if not frame.is_empty():
            self._extra.append(frame.select(list(PROBLEM_SCHEMA)).cast(PROBLEM_SCHEMA))

    def finish(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        frame = self.frame
        for depth in range(max((len(s) for s in self._stages), default=0)):
            frame = frame.with_columns([e for stages in self._stages if depth < len(stages)
                                        for e in stages[depth]])
        evaluated = frame.select(pl.col(ROW), *self._exprs)
        problem_frames = list(self._extra)
        for name, column, severities in self._checks:
            code_col, raw_col = f"__code__{name}", f"__raw__{name}"
            found = evaluated.select(  # select first: filter four columns, not all of them
                pl.col(ROW).alias("row"), pl.col(code_col).alias("code"),
                pl.col(raw_col).alias("value"), pl.col(f"__detail__{name}").alias("detail"),
            ).filter(pl.col("code").is_not_null())
            if found.is_empty():
                continue
            problem_frames.append(problem_rows(found, column, severities))
        typed = evaluated.select([c for c in evaluated.columns if not c.startswith("__")])
        problems = pl.concat(problem_frames) if problem_frames else empty_problems()
        return typed, problems


def problem_rows(found: pl.DataFrame, field: str, severities: dict[str, Severity]) -> pl.DataFrame:
    """Problems from a frame of (row, code, value[, detail]), with messages naming field,
    value, what the parser found (detail, where not null) and the fix."""
    titles = {code: PROBLEM_TYPES[code].title if code in PROBLEM_TYPES else code
              for code in severities}
    hints = {code: PROBLEM_TYPES[code].hint if code in PROBLEM_TYPES else "" for code in severities}
    value = pl.col("value").fill_null("").str.slice(0, 200)
    return found.select(
        pl.col("row").cast(pl.Int64),
        pl.lit(field, dtype=pl.Utf8).alias("field"),
        pl.col("code"),
        pl.col("code").replace_strict(severities, default=WARNING, return_dtype=pl.Utf8)
        .alias("severity"),
        pl.format(
            "{} in column '{}': '{}'{}. {}",
            pl.col("code").replace_strict(titles, default="Problem", return_dtype=pl.Utf8),
            pl.lit(field),
            value,
            (pl.lit(" (") + pl.col("detail") + pl.lit(")")).fill_null("")
            if "detail" in found.columns else pl.lit(""),
            pl.col("code").replace_strict(hints, default="", return_dtype=pl.Utf8),
        ).alias("message"),
        value.alias("value"),
    )


#: The most results a `map_unique` cache keeps (it is emptied when full).
CACHE_LIMIT = 200_000


def map_unique(series: pl.Series, fn: Callable[[Any], Any], return_dtype: pl.DataType,
               cache: dict[Hashable, Any] | None = None) -> pl.Series:
    """Apply a Python function once per distinct value of a series (null included).

    For lookups and normalisations whose inputs repeat a lot (cities, labels, programmes).
    `cache` (a dict the caller keeps, e.g. across the batches of an import) remembers the
    results of a pure `fn`, so that a value seen in an earlier batch is not computed again.
    """
    uniques = [u for u in series.unique().to_list() if u is not None]
    if cache is None:
        mapping: dict[Hashable, Any] = {u: fn(u) for u in uniques}
    else:
        if len(cache) + len(uniques) > CACHE_LIMIT:
            cache.clear()
        mapping = {}
        for u in uniques:
            try:
                mapping[u] = cache[u]
            except KeyError:
                mapping[u] = cache[u] = fn(u)
    out = series.replace_strict(mapping, default=None, return_dtype=return_dtype) if mapping else (
        pl.Series(series.name, [None] * len(series), dtype=return_dtype))
    if series.null_count():
        for_null = fn(None)
        if for_null is not None:
            out = pl.select(pl.when(series.is_null()).then(pl.lit(for_null, dtype=return_dtype))
                            .otherwise(out)).to_series()
    return out.alias(series.name)
