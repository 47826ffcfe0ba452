"""`cineatlas resolve`: entity resolution on demand (it also runs after every import)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cineatlas.cli.options import DbOption, JsonOption
from cineatlas.cli.output import cell, console, print_json, safe
from cineatlas.store import Store

OverridesOption = Annotated[
    Path | None,
    typer.Option("--overrides", help="A TOML file of accepted and rejected pairs "
                                     "(docs/resolution.md). Default: $CINEATLAS_OVERRIDES.",
                 show_default=False),
]


def resolve_command(db: DbOption = None, overrides: OverridesOption = None,
                    json_output: JsonOption = False) -> None:
    """Resolve the same company, work and person across every source: rewrite the table
    entity_members (every record, with its entity, probability and evidence)."""
    from cineatlas.resolve import resolve

    with Store(db) as store:
        summary = resolve(store, overrides=overrides)
    if json_output:
        print_json(summary)
        return
    table = Table(header_style="bold")
    for column in ("kind", "records", "entities", "merged clusters"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, counts in summary["kinds"].items():
        table.add_row(cell(kind), f"{counts['records']:,}", f"{counts['entities']:,}",
                      f"{counts['merged_clusters']:,}")
    console.print(table)
    if summary["overrides"]:
        console.print(f"Overrides: {safe(summary['overrides'])} "
                      f"({summary['overrides_pairs']} pairs)")
    console.print(f"Resolved in {summary['seconds']:.1f} s.")
