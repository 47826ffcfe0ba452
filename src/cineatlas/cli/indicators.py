"""`cineatlas indicators`: list, describe, compute and document the shared indicators."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from cineatlas.cli.options import DbOption, parse_years
from cineatlas.cli.output import (
    Format,
    console,
    nested_as_json,
    print_frame,
    safe,
    visible,
)
from cineatlas.errors import AtlasError
from cineatlas.indicators import Cut, Engine, compare, compute_all, methodology, registry
from cineatlas.indicators.registry import THEMES, UNITS
from cineatlas.store import Store

app = typer.Typer(help="Shared indicators: list, describe, compute, rank.", no_args_is_help=True)


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


class Lang(StrEnum):
    fr = "fr"
    en = "en"


@app.command("list")
def list_command(
    lang: Annotated[Lang, typer.Option(help="Language of the titles.")] = Lang.fr,
    output_format: Annotated[Format,
                             typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Every indicator of the catalogue, by theme."""
    en = lang is Lang.en
    rows = [{"id": item.id, "theme": THEMES[item.theme][en], "title": item.title(lang.value),
             "unit": UNITS[item.unit][en], "data": item.subject} for item in registry.catalogue()]
    print_frame(pl.DataFrame(rows), output_format)


@app.command("describe")
def describe_command(indicator: Annotated[str, typer.Argument(help="Indicator id.")]) -> None:
    """The published method of one indicator (definition, formula, caveats)."""
    registry.get(indicator)
    console.print(methodology.pages()[f"{indicator}.md"], markup=False, highlight=False)


@app.command("compute")
def compute_command(
    indicator: Annotated[list[str], typer.Argument(help="Indicator ids, or 'all'.")],
    db: DbOption = None,
    level: Annotated[str, typer.Option(help="Territory level of the results.")] = "region",
    territory: Annotated[list[str], typer.Option(
        "--territory", "-t", help="Keep this territory id (repeatable).")] = [],  # noqa: B006
    years: Annotated[str | None, typer.Option(help="Year or range: 2022 or 2019-2024.")] = None,
    by_year: Annotated[bool, typer.Option("--by-year", help="One result per year.")] = False,
    funder: Annotated[list[str], typer.Option(help="Funder organisation id (repeatable).")] = [],  # noqa: B006
    scheme: Annotated[list[str], typer.Option(help="Scheme id (repeatable).")] = [],  # noqa: B006
    stage: Annotated[list[str], typer.Option(
        help="Stage: writing, development, production… (repeatable).")] = [],  # noqa: B006
    work_format: Annotated[list[str], typer.Option(
        "--work-format", help="Format: feature, short, series… (repeatable).")] = [],  # noqa: B006
    genre: Annotated[list[str], typer.Option(
        help="Genre: fiction, documentary, animation… (repeatable).")] = [],  # noqa: B006
    axis: Annotated[list[str], typer.Option(help="Convention axis (repeatable).")] = [],  # noqa: B006
    budget_class: Annotated[list[str], typer.Option(
        help="Agreed films: budget class under-1m, 1m-4m, 4m-7m, 7m-15m or 15m-plus "
             "(repeatable).")] = [],  # noqa: B006
    film_rank: Annotated[list[int], typer.Option(
        help="Agreed films: the film's rank in its director's work, 1 (first film), 2 or 3 "
             "(third or later) (repeatable).")] = [],  # noqa: B006
    sector: Annotated[list[str], typer.Option(
        help="Sector of the awards: cinema-audiovisual (the default), other, or all "
             "(repeatable).")] = [],  # noqa: B006
    basis: Annotated[str | None, typer.Option(help="Conventions: committed or actual.")] = None,
    min_coverage: Annotated[float, typer.Option(
        help="Flag results whose coverage is below this share.")] = 0.7,
    include_superseded: Annotated[bool, typer.Option(
        "--include-superseded",
        help="Count every signed value, the rows an amendment superseded too (by default each "
             "contract counts once, at its final value).")] = False,
    change: Annotated[bool, typer.Option(
        "--change", help="Year-on-year change (implies --by-year).")] = False,
    period_change: Annotated[bool, typer.Option(
        "--period-change",
        help="Change between the first and last year (implies --by-year).")] = False,
    rank: Annotated[bool, typer.Option(
        "--rank", help="Rank territories and compare them to their country's median.")] = False,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (required for parquet).")] = None,
) -> None:
    """Compute indicators for every territory of a level, with filters; print or write them."""
    ids = [item.id for item in registry.catalogue()] if indicator == ["all"] else indicator
    for item in ids:
        registry.get(item)
    cut = Cut(level=level, territories=tuple(territory), years=parse_years(years),
              by_year=by_year or change or period_change, funders=tuple(funder),
              schemes=tuple(scheme), stages=tuple(stage), formats=tuple(work_format),
              genres=tuple(genre), axes=tuple(axis), sectors=_sectors(sector),
              budget_classes=tuple(budget_class), film_ranks=tuple(film_rank),
              basis=basis, min_coverage=min_coverage, include_superseded=include_superseded)
    with Store(db, read_only=True) as store:
        frame = compute_all(Engine.duckdb(store), cut, ids)
    if change:
        frame = compare.change_over_time(frame)
    if period_change:
        frame = compare.period_change(frame)
    if rank:
        frame = compare.rank(frame)
    _emit(frame, output_format, output)


@app.command("docs")
def docs_command(
    directory: Annotated[Path, typer.Argument(
        help="Where to write the pages.")] = Path("docs/indicators"),
) -> None:
    """Regenerate the methodology pages from the declarations."""
    written = methodology.write(directory)
    console.print(f"Wrote {len(written)} pages to {safe(directory)}.")


def _sectors(values: list[str]) -> tuple[str, ...]:
    """The --sector values as a cut's sectors: cinema and audiovisual unless told; 'all' is
    every sector (no filter)."""
    if "all" in values:
        return ()
    return tuple(values) if values else Cut().sectors


def _emit(frame: pl.DataFrame, fmt: OutputFormat, output: Path | None) -> None:
    if fmt is OutputFormat.parquet:
        if output is None:
            raise AtlasError("--format parquet writes a file: add --output FILE.parquet.")
        frame.write_parquet(output)
        console.print(f"Wrote {frame.height:,} rows to {safe(output)}.")
        return
    if output is not None:
        if fmt is OutputFormat.json:
            output.write_text(frame.write_json(), encoding="utf-8")
        else:  # sources (a list) as JSON text in its cell
            nested_as_json(frame).write_csv(output)
        console.print(f"Wrote {frame.height:,} rows to {safe(output)}.")
        return
    if fmt is not OutputFormat.table:
        print_frame(frame, Format(fmt.value), title=None)
        return
    print_frame(_compact(frame), Format.table, title=None)
    _provenance_notes(frame)


#: Columns shown on the terminal (CSV, JSON and Parquet have them all).
TERMINAL_COLUMNS = ("indicator", "territory_id", "territory_name", "year", "category", "value",
                    "status", "currency", "fictitious", "coverage", "low_coverage",
                    "previous_value", "change_pct", "value_first", "value_last", "annual_rate",
                    "rank", "of", "vs_median")
#: How a fictitious result is marked in the terminal table.
FICTITIOUS_MARK = "yes"


def _compact(frame: pl.DataFrame) -> pl.DataFrame:
    """The terminal's columns: those holding something; `fictitious` as a mark, shown only
    when some row rests on fictitious data."""
    frame = frame.with_columns(
        fictitious=pl.when(pl.col("fictitious")).then(pl.lit(FICTITIOUS_MARK)))
    keep = [c for c in TERMINAL_COLUMNS
            if c in frame.columns and frame[c].null_count() < frame.height]
    floats = [c for c in keep if frame[c].dtype == pl.Float64]
    return frame.select(keep).with_columns(pl.col(floats).round(4))


def _provenance_notes(frame: pl.DataFrame) -> None:
    """Below the table: what the mark means, and the sources the results rest on."""
    if frame.height and frame["fictitious"].any():
        console.print(f"fictitious = {FICTITIOUS_MARK}: the result rests on fictitious (demo) "
                      "rows; do not quote it as a real figure.", markup=False, highlight=False)
    sources = sorted({s for row in frame["sources"].to_list() for s in row or ()})
    if sources:
        console.print("Sources: " + ", ".join(visible(s) for s in sources) + " (cineatlas "
                      "sources; CSV, JSON and Parquet give each row's own `sources`).",
                      markup=False, highlight=False)
