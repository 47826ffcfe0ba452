"""Printing a build's summary on the terminal: each source real or FICTITIOUS, where it came
from, its rows loaded and quarantined; money; failures in red."""

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
    """Print what `build_atlas` (or `build_demo`) returned."""
    console.print(_banner(summary))
    console.print(_sources(summary["sources"]))
    if summary["money_by_funder_level"]:
        console.print(_money(summary["money_by_funder_level"]))
    console.print(_tables(summary["tables"]))
    for failure in summary.get("failures", []):
        kept = " (its previous import is kept)" if failure["previous_import_kept"] else ""
        console.print(Text(f"✗ {failure['dataset'] or failure['source_id']} could not be "
                           f"imported{kept}: {failure['message']}", style="bold red"))
    for note in summary["notes"]:
        console.print(Text(f"• {note}"), highlight=False)
    console.print(f"[dim]Built in {summary['seconds']:.1f} s.[/dim]")


def _banner(summary: dict[str, Any]) -> Panel:
    title = Text(f"cineatlas atlas — {summary['store']}")
    fictitious = [s for s in summary["sources"] if s["fictitious"]]
    if fictitious:
        names = ", ".join(f"[bold]{escape(s['source_id'])}[/bold]" for s in fictitious)
        seed = f" (seed {summary['seed']})" if summary.get("seed") is not None else ""
        return Panel.fit(
            f"{FICTITIOUS}  The French awards, funders, schemes, companies, people and titles "
            f"of {names} are invented{seed}.\n"
            "Every such row has fictitious = TRUE, and the atlas says so. The other sources "
            "are real public data.", title=title, border_style="yellow")
    real = len(summary["sources"])
    return Panel.fit(
        f"{REAL}  Real public data only: {real} sources (open data, each with its publisher and "
        "licence). No fictitious data (add it with --fictitious).",
        title=title, border_style="green")


def _sources(sources: list[dict[str, Any]]) -> Table:
    table = Table(title="Sources", header_style="bold", title_justify="left")
    numbers = ("rows read", "loaded", "quarantined")
    table.add_column("source", overflow="fold")  # a source id is shown whole
    for name in ("data", "from", *numbers, "status"):
        table.add_column(name, justify="right" if name in numbers else "left")
    for s in sources:
        quarantined = f"{s['rows_quarantined']:,}"
        table.add_row(Text(s["source_id"]), FICTITIOUS if s["fictitious"] else REAL,
                      Text(s.get("origin") or "—"), f"{s['rows_read']:,}",
                      f"{s['rows_loaded']:,}",
                      Text(quarantined, style="yellow" if s["rows_quarantined"] else ""),
                      s["status"])
    return table


def _money(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Awards and money by funder level and sector", header_style="bold",
                  title_justify="left")
    for name in ("funder level", "sector", "data", "awards", "without amount", "amount"):
        table.add_column(name, justify="left" if name in ("funder level", "sector", "data")
                         else "right")
    for r in rows:
        table.add_row(r["funder_level"], r["sector"], FICTITIOUS if r["fictitious"] else REAL,
                      f"{r['awards']:,}", f"{r['awards_without_amount']:,}",
                      money(r["amount_minor"], r["currency"]))
    return table


def _tables(counts: dict[str, int]) -> Table:
    table = Table(title="Rows per table", header_style="bold", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        if n:
            table.add_row(name, f"{n:,}")
    return table
