"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cineatlas.errors import AtlasError
from cineatlas.settings import DB, OPT_OUT

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help=f"Store file. Default: ${DB.env}, else atlas.duckdb in your data "
                              "directory.",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json",
                                          help="Print JSON for machines instead of tables.")]
OptOutOption = Annotated[
    Path | None,
    typer.Option("--opt-out", help=f"The opt-out file: people not to be listed (TOML, "
                 f"docs/directory.md). Default: ${OPT_OUT.env}, else opt-out.toml in your data "
                 "directory when it exists.", show_default=False),
]


def parse_years(text: str | None) -> tuple[int, int] | None:
    """`--years 2022` or `--years 2019-2024` as (first, last); None when not given."""
    if text is None:
        return None
    first, _, last = text.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise AtlasError(f"--years expects a year or a range like 2019-2024, "
                         f"not {text!r}.") from None
