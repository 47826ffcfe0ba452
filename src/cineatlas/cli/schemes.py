"""`cineatlas schemes`: the scheme catalogue (dispositifs). Each command lives in a module of
its own and is registered here: `export` (cli/schemes_export.py)."""

from __future__ import annotations

import typer

from cineatlas.cli import schemes_export

app = typer.Typer(help="The catalogue of support schemes (dispositifs).", no_args_is_help=True)
app.command("export")(schemes_export.export_command)
