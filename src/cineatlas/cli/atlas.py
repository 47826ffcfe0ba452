"""Commands that build the atlas (atlas, demo, territories) and look at its store (info,
upgrade)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cineatlas.cli.options import DbOption, JsonOption
from cineatlas.cli.output import Format, cell, console, errors, print_frame, print_json, safe
from cineatlas.cli.web import HostOption, PortOption, check_port
from cineatlas.cli.web import serve as run_server
from cineatlas.errors import AtlasError
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
    from cineatlas.queries.territories import territories
    from cineatlas.territories import ensure_territories

    with _progress(disable=fmt is not Format.table) as progress, Store(db) as store:
        ensure_territories(store, canada_outlines=canada_outlines, progress=progress, force=rebuild)
        frame, _ = territories(store, level=level)
    frame = frame.select("territory_id", "name", "parent_id", "population", "population_year",
                         "density_class", "overseas")
    print_frame(frame, fmt, title=f"Territories: {level}")


WithOption = Annotated[list[str], typer.Option("--with", help=(
    "Also import your own file: IMPORTER=PATH (repeatable, several per importer), "
    "e.g. scdl=subventions-2024.csv."))]


def _user_files(pairs: list[str]) -> list[tuple[str, Path]]:
    """--with IMPORTER=PATH values, checked (the error names the flag and the fix)."""
    from cineatlas.cli.data import parse_options

    return [(name, Path(path)) for pair in pairs
            for name, path in parse_options([pair], flag="--with",
                                            example="telefilm=contributions.csv").items()]


def atlas_command(
    db: DbOption = None,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Serve the atlas once built (--no-serve: build only).")
    ] = True,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    real: WithOption = [],  # noqa: B006
    download: Annotated[bool, typer.Option(help=(
        "Refresh the shipped datasets from their publishers when online (kept in the cache; "
        "a failed download is a note and the shipped copy is used)."))] = False,
    fictitious: Annotated[bool, typer.Option(help=(
        "Add the generated French awards, commissions and conventions: invented, flagged "
        "fictitious on every row and in the atlas."))] = False,
    seed: Annotated[int | None, typer.Option(help="Seed of the fictitious data (2024).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Build the atlas from real public data (the reference territories and the open datasets
    shipped with cineatlas, each through its importer), then serve it at http://127.0.0.1:8000.
    Works offline. Building again is quick when nothing changed."""
    from cineatlas.build import build_atlas, render_summary

    if seed is not None and not fictitious:
        raise AtlasError("--seed sets the fictitious data's seed: add --fictitious, or leave "
                         "--seed out.")
    user = _user_files(real)
    if serve:
        check_port(host, port)  # before the build: a busy port is said at once
    with _progress(disable=json_output) as progress:
        summary = build_atlas(db, fictitious=fictitious, seed=2024 if seed is None else seed,
                              real_files=user, download=download, progress=progress)
    if json_output:
        print_json(summary)
    else:
        render_summary(summary, console)
    if not serve:
        if summary["failures"]:
            raise typer.Exit(1)
        return
    url = f"http://{host}:{port}"
    # with --json, stdout holds the JSON alone
    (errors if json_output else console).print(
        f"[bold]The atlas is served at [link={url}]{url}[/link][/bold] — open it in a browser; "
        "Ctrl+C stops it.", highlight=False)
    run_server(Path(summary["store"]), host, port)


def demo_command(
    db: DbOption = None,
    real: WithOption = [],  # noqa: B006
    download: Annotated[bool, typer.Option(help=(
        "Download the publishers' real files (CNC cinemas, festivals, Telefilm) when online; "
        "cached."))] = False,
    seed: Annotated[int, typer.Option(help="Seed of the fictitious data.")] = 2024,
    json_output: JsonOption = False,
) -> None:
    ("Build a store of the fictitious French data alone (on the real territories), e.g. to "
     "try the atlas: every generated row is flagged. The real atlas is `cineatlas atlas` "
     "(`--fictitious` adds the same data to it).")
    from cineatlas.build import build_demo, render_summary

    user = _user_files(real)
    with _progress(disable=json_output) as progress:
        summary = build_demo(db, real_files=user, download=download, seed=seed,
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
