"""Rendering results on the terminal: Rich tables, CSV or JSON.

Data is never read as Rich markup: cells are `rich.text.Text`, and text that embeds data in a
markup string goes through `safe`. Control characters (ESC and the other C0/C1 controls, bidi
overrides) are shown as visible symbols on the terminal, never sent to it.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Any

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

console = Console()
errors = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _control_pictures() -> dict[int, str]:
    """Each terminal control character mapped to a visible stand-in (tab and newline kept)."""
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀ … ␟, ESC → ␛
    table[0x7F] = "\u2421"  # ␡
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1 controls
    table.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
    del table[ord("\t")], table[ord("\n")]
    return table


CONTROLS = _control_pictures()


def visible(text: object) -> str:
    """`text` as a string with its terminal control characters made visible and harmless."""
    return str(text).translate(CONTROLS)


def safe(text: object) -> str:
    """Data to embed in a Rich markup string: controls made visible, markup escaped."""
    return escape(visible(text))


def cell(value: object) -> Text:
    """One table cell: plain text, never markup; nothing for None; nested values as JSON."""
    if value is None:
        return Text("")
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return Text(visible(value))


def nested_as_json(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists, arrays and structs (DuckDB's LIST, ARRAY, STRUCT and MAP) as JSON text cells."""
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    return frame.with_columns(
        pl.Series(name, [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                         for v in frame[name].to_list()], dtype=pl.Utf8)
        for name in nested
    )


def print_frame(frame: pl.DataFrame, fmt: Format = Format.table, *, title: str | None = None,
                max_rows: int = 200) -> None:
    """Print a frame as a Rich table (first `max_rows` rows), CSV or JSON (all rows).

    In CSV, nested values (lists, structs, maps) are written as JSON text in their cell.
    """
    if fmt is Format.csv:
        sys.stdout.write(nested_as_json(frame).write_csv())
        return
    if fmt is Format.json:
        print_json(frame.to_dicts())
        return
    table = Table(title=None if title is None else Text(visible(title)), show_lines=False,
                  header_style="bold")
    for name in frame.columns:
        table.add_column(Text(visible(name)), overflow="fold")
    for row in frame.head(max_rows).iter_rows():
        table.add_row(*(cell(v) for v in row))
    console.print(table)
    if frame.height > max_rows:
        console.print(f"[dim]… {frame.height - max_rows:,} more rows (use --format csv or json "
                      "for all)[/dim]")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=1) + "\n")
