"""Printing a demo summary on the terminal, with the fictitious data clearly labelled."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

FICTITIOUS = "[bold black on yellow] FICTITIOUS [/]"
REAL = "[green]real[/green]"


def money(amount_minor: int | None, currency: str) -> str:
    """'12,345,678 EUR' (whole units; exact cents are in the store)."""
    if amount_minor is None:
        return "—"
    return f"{amount_minor // 100:,} {currency}"


def render_summary(summary: dict[str, Any], console: Console) -> None:
    """Print what `build_demo` returned: sources, tables, awards and money, notes."""
    console.print(Panel.fit(
        f"{FICTITIOUS}  The French awards, funders, schemes, companies, people and titles of "
        f"source [bold]{escape(str(summary['fictitious_source']))}[/bold] are invented "
        f"(seed {summary['seed']}).\n"
        "Every such row has fictitious = TRUE. The territories are real.",
        title=Text(f"cineatlas demo atlas — {summary['store']}"), border_style="yellow"))
    console.print(_sources(summary["sources"]))
    console.print(_money(summary["money_by_funder_level"]))
    console.print(_tables(summary["tables"]))
    for note in summary["notes"]:
        console.print(Text(f"• {note}"), highlight=False)
    console.print(f"[dim]Built in {summary['seconds']:.1f} s.[/dim]")


def _sources(sources: list[dict[str, Any]]) -> Table:
    table = Table(title="Sources", header_style="bold", title_justify="left")
    numbers = ("rows read", "loaded", "quarantined")
    for name in ("source", "data", *numbers, "status"):
        table.add_column(name, justify="right" if name in numbers else "left")
    for s in sources:
        table.add_row(Text(s["source_id"]), FICTITIOUS if s["fictitious"] else REAL,
                      f"{s['rows_read']:,}", f"{s['rows_loaded']:,}", f"{s['rows_quarantined']:,}",
                      s["status"])
    return table


def _money(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Awards and money by funder level", header_style="bold",
                  title_justify="left")
    for name in ("funder level", "data", "awards", "amount"):
        table.add_column(name, justify="right" if name in ("awards", "amount") else "left")
    for r in rows:
        table.add_row(r["funder_level"], FICTITIOUS if r["fictitious"] else REAL,
                      f"{r['awards']:,}", money(r["amount_minor"], r["currency"]))
    return table


def _tables(counts: dict[str, int]) -> Table:
    table = Table(title="Rows per table", header_style="bold", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        if n:
            table.add_row(name, f"{n:,}")
    return table
