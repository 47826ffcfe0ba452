"""Readers of the generic importer's cells that the shared `cineatlas.parsing.values` does not
have: texts as published, French postal codes, dates in the mapping's order, fiscal years."""

from __future__ import annotations

import polars as pl

from cineatlas.parsing import Parsed, values
from cineatlas.parsing.values import NULL_TEXT, Stages, blank
from cineatlas.problems import WARNING, problem_type

problem_type(
    "invalid-year", "Not a year",
    "Write the year as YYYY (2023) or a fiscal period as YYYY-YYYY (2023-2024).",
)


def tidy(raw: pl.Expr) -> pl.Expr:
    """Text as published, inner spaces collapsed; empty is null."""
    text = raw.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text == "").then(NULL_TEXT).otherwise(text)


def postal_code(raw: pl.Expr) -> Parsed:
    """A French postal code: '6000' or '6000.0' (read as a number) -> '06000' with a warning."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.replace(r"\.0+$", "").str.replace_all(r"\s", ""))
    short = text.str.contains(r"^\d{4}$")
    ok = text.str.contains(r"^\d{5}$")
    value = pl.when(short).then(pl.lit("0") + text).when(ok).then(text).otherwise(NULL_TEXT)
    code = (
        pl.when(blank(text))
        .then(NULL_TEXT)
        .when(short)
        .then(pl.lit("padded-code"))
        .when(~ok)
        .then(pl.lit("pattern"))
        .otherwise(NULL_TEXT)
    )
    return Parsed(value, code, {"padded-code": WARNING, "pattern": WARNING}, st.stages)


def date_cells(raw: pl.Expr, order: str) -> Parsed:
    """Dates as the mapping says: 'day-first' (ISO accepted), 'iso', or a strptime format."""
    if order in ("day-first", "iso"):
        return values.date(raw, iso_only_is_standard=order == "iso")
    return values.date(raw, formats=(order,))


def fiscal_year(raw: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """(fiscal year, fiscal period): '2023' -> 2023; '2023-2024' or '2023/24' -> 2023 and the
    period as published."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.replace(r"\.0+$", ""))
    single = text.str.contains(r"^(19|20)\d{2}$")
    period = text.str.contains(r"^(19|20)\d{2}\s*[-/–]\s*((19|20)?\d{2})$")
    year = (
        pl.when(single | period)
        .then(text.str.slice(0, 4).cast(pl.Int64, strict=False))
        .otherwise(pl.lit(None, dtype=pl.Int64))
    )
    code = (
        pl.when(blank(raw))
        .then(NULL_TEXT)
        .when(year.is_null())
        .then(pl.lit("invalid-year"))
        .otherwise(NULL_TEXT)
    )
    published = pl.when(period).then(text).otherwise(NULL_TEXT)
    return Parsed(year, code, {"invalid-year": WARNING}, st.stages), published
