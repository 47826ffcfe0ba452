"""Rendering results on the terminal: Rich tables, CSV or JSON."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def print_frame(frame: pl.DataFrame, fmt: Format = Format.table, *, title: str | None = None,
                max_rows: int = 200) -> None:
    """Print a frame as a Rich table (first `max_rows` rows), CSV or JSON (all rows)."""
    if fmt is Format.csv:
        sys.stdout.write(frame.write_csv())
        return
    if fmt is Format.json:
        sys.stdout.write(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1) + "\n")
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for name in frame.columns:
        table.add_column(name, overflow="fold")
    for row in frame.head(max_rows).iter_rows():
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if frame.height > max_rows:
        console.print(f"[dim]… {frame.height - max_rows:,} more rows (use --format csv or json for all)[/dim]")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=1) + "\n")
