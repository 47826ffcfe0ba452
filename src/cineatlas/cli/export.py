"""`cineatlas export FORMAT -o PATH`: the store, or a cut of it, in an open-data format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cineatlas import exports, optout
from cineatlas.cli.options import DbOption, JsonOption, OptOutOption, parse_years
from cineatlas.cli.output import cell, console, print_json, safe
from cineatlas.errors import AtlasError
from cineatlas.exports.base import Cut, prepare
from cineatlas.queries.common import ALL_SECTORS, DEFAULT_SECTOR
from cineatlas.store import Store
from cineatlas.store.vocabularies import SECTORS


def export_command(
    format: Annotated[str, typer.Argument(
        help=f"The format: {', '.join(exports.names())} (docs/exports.md).",
        show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Where to write: a file, or a folder for formats that write "
        "one (datapackage, parquet).", show_default=False)],
    territory: Annotated[list[str] | None, typer.Option(
        help="Keep the awards whose beneficiary is placed in this territory or within it "
             "(repeatable).")] = None,
    years: Annotated[str | None, typer.Option(help="Year or range: 2022 or 2019-2024.")] = None,
    funder: Annotated[list[str] | None, typer.Option(
        help="Keep the awards of this funder (its organisation id; repeatable).")] = None,
    scheme: Annotated[list[str] | None, typer.Option(
        help="Keep the awards of this scheme (its id; repeatable).")] = None,
    stage: Annotated[list[str] | None, typer.Option(
        help="Keep the awards of this stage (repeatable).")] = None,
    sector: Annotated[str, typer.Option(
        help=f"{', '.join(SECTORS)} or {ALL_SECTORS}.")] = DEFAULT_SECTOR.value,
    indicators: Annotated[bool, typer.Option(
        "--indicators", help="Add the indicator results of the cut's territories (the "
        "countries when none is given): datapackage, parquet, sqlite. Slower (the catalogue "
        "is computed: about 20 s per territory level).")] = False,
    opt_out: OptOutOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export the store, or a cut of it, with its sources, licences, coverage and fictitious
    flags. What a format cannot express is counted and listed, never dropped silently."""
    exporter = exports.get(format)()
    if sector not in (*SECTORS, ALL_SECTORS):
        raise AtlasError(f"--sector {sector!r} is not one of "
                         f"{', '.join((*SECTORS, ALL_SECTORS))}.")
    cut = Cut(territory=tuple(territory or ()), years=parse_years(years),
              funder=tuple(funder or ()), scheme=tuple(scheme or ()),
              stage=tuple(stage or ()), sector=sector, indicators=indicators)
    optout.use(opt_out)
    if output.exists() and output.is_dir() != exporter.folder:
        raise AtlasError(f"{output} exists and is {'a folder' if output.is_dir() else 'a file'};"
                         f" {format} writes {'a folder' if exporter.folder else 'a file'}: "
                         "give another path.")
    with Store(db, read_only=True) as store:
        prepare(store)
        report = exporter.write(store, cut, output)
    if as_json:
        print_json(report.as_dict())
        return
    table = Table(header_style="bold", title=f"{exporter.title} → {safe(str(report.path))}")
    table.add_column("written")
    table.add_column("rows", justify="right")
    for name, rows in report.written.items():
        table.add_row(cell(name), f"{rows:,}")
    console.print(table)
    for path in report.also:
        console.print(f"Also written: {safe(str(path))}")
    if report.not_expressed:
        where = next((p for p in report.also if p.name.endswith(".report.json")), None)
        console.print(f"{len(report.not_expressed):,} records cannot be expressed in {format}, "
                      f"each listed with its reason in "
                      f"{safe(str(where)) if where else 'the --json output'}.")
    if report.fictitious:
        console.print("[bold]This export holds fictitious rows[/bold] (flagged in it).")
    for source in report.sources:
        console.print(f"Source: {safe(source['title'] or source['source_id'])} — "
                      f"{safe(source['licence'] or 'licence not recorded')}")
