"""Commands that build the atlas: demo, territories, info."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cineatlas.cli.options import DbOption, JsonOption
from cineatlas.cli.output import Format, cell, console, print_frame, print_json, safe
from cineatlas.store import Store


def _progress(disable: bool = False) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TimeElapsedColumn(), console=console, transient=True, disable=disable)


def territories_command(
    db: DbOption = None,
    level: Annotated[str, typer.Option(help="Level to list: country, region, department, commune, "
                                            "province, qc_region, municipality, metropolis, "
                                            "state.")] = "region",
    rebuild: Annotated[bool, typer.Option(help="Rebuild the reference territories.")] = False,
    canada_outlines: Annotated[Path | None,
                               typer.Option(help="GeoJSON of Canada's provinces (default: the "
                                                 "shipped simplified outlines).")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Build the reference territories if needed, then list one level with population."""
    from cineatlas.territories import ensure_territories

    with _progress(disable=fmt is not Format.table) as progress, Store(db) as store:
        ensure_territories(store, canada_outlines=canada_outlines, progress=progress, force=rebuild)
        frame = store.frame(
            "SELECT territory_id, name, parent_id, population, population_year, density_class, "
            "overseas FROM territories WHERE level = ? ORDER BY territory_id", [level])
    print_frame(frame, fmt, title=f"Territories: {level}")


def demo_command(
    db: DbOption = None,
    real: Annotated[list[str], typer.Option("--with", help=(
        "Also import a real file: IMPORTER=PATH (repeatable), "
        "e.g. telefilm=contributions.csv."))] = [],  # noqa: B006
    download: Annotated[bool, typer.Option(help=(
        "Download the publishers' real files (CNC cinemas, festivals, Telefilm) when online; "
        "cached."))] = False,
    seed: Annotated[int, typer.Option(help="Seed of the fictitious data.")] = 2024,
    json_output: JsonOption = False,
) -> None:
    ("Build the demo atlas: real territories, fictitious French awards, "
     "and any real files given.")
    from cineatlas.cli.data import parse_options
    from cineatlas.demo import build_demo, render_summary

    pairs = parse_options(real, flag="--with", example="telefilm=contributions.csv")
    real_files = {k: Path(v) for k, v in pairs.items()}
    with _progress(disable=json_output) as progress:
        summary = build_demo(db, real_files=real_files, download=download, seed=seed,
                             progress=progress)
    if json_output:
        print_json(summary)
    else:
        render_summary(summary, console)


def upgrade_command(db: DbOption = None) -> None:
    """Bring a store written by an older cineatlas to this version's schema (every row kept)."""
    with Store(db) as store:  # opening for writing applies the pending migrations
        console.print(f"Store [bold]{safe(store.path)}[/bold] is at schema version "
                      f"{store.schema_version}.")


def info_command(db: DbOption = None, json_output: JsonOption = False) -> None:
    """Show where the store is, its schema version and how many rows each table holds."""
    with Store(db, read_only=True) as store:
        counts = {table: store.count(table) for table in store.tables()}
        info = {"path": str(store.path), "schema_version": store.schema_version, "tables": counts}
    if json_output:
        print_json(info)
        return
    console.print(f"Store [bold]{safe(info['path'])}[/bold], schema version "
                  f"{info['schema_version']}")
    table = Table(header_style="bold")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(cell(name), f"{n:,}")
    console.print(table)
