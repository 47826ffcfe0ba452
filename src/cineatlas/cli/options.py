"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cineatlas.settings import DB

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help=f"Store file. Default: ${DB.env}, else atlas.duckdb in your data "
                              "directory.",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json",
                                          help="Print JSON for machines instead of tables.")]
