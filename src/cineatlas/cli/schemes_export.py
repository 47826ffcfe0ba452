"""`cineatlas schemes export --standard dispositif-aide -o FILE`: the catalogue in Etalab's
standard (`cineatlas.schemes.standard.writer`)."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cineatlas.cli.options import DbOption, JsonOption
from cineatlas.cli.output import console, print_json, safe
from cineatlas.errors import AtlasError
from cineatlas.schemes.standard import BASE, PROFESSIONALS, VERSION
from cineatlas.schemes.standard.writer import StandardExport
from cineatlas.store import Store
from cineatlas.store.vocabularies import SCHEME_LEVELS


class Standard(StrEnum):
    base = BASE
    professionals = PROFESSIONALS


def export_command(
    standard: Annotated[Standard, typer.Option(
        "--standard", help="The schema: dispositif-aide, or its extension "
        "dispositif-aide-professionnels.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="File to write: CSV, or JSON when it ends in .json.")],
    db: DbOption = None,
    funder: Annotated[list[str], typer.Option(
        help="Only this funder: organisation id or name (repeatable).")] = [],  # noqa: B006
    level: Annotated[list[str], typer.Option(
        help="Only schemes of this level: national, regional… (repeatable).")] = [],  # noqa: B006
    report: Annotated[Path | None, typer.Option(
        help="Write the schemes that could not be written, with the fields they lack, to this "
             "JSON file.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write the catalogue in Etalab's « schéma des dispositifs d'aides », valid against the
    schema. A scheme whose required fields are unknown is not written: the command counts
    them (the list with --report)."""
    from cineatlas.schemes.standard.writer import write_standard

    unknown = [lv for lv in level if lv not in SCHEME_LEVELS]
    if unknown:
        raise AtlasError(f"Unknown level {', '.join(map(repr, unknown))}: use "
                         f"{', '.join(SCHEME_LEVELS)}.")
    with Store(db, read_only=True) as store:
        export = write_standard(store, output, standard.value, funders=funder, levels=level)
    details = export.report()
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(details, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
    if as_json:
        print_json({k: v for k, v in details.items() if k != "left_out"}
                   | {"not_written": len(export.not_written), "left_out": len(export.left_out),
                      "report": None if report is None else str(report)})
    else:
        _summary(export, report)
    if export.written == 0 and not export.not_written:
        raise typer.Exit(1)


def _summary(export: StandardExport, report: Path | None) -> None:
    total = export.written + len(export.not_written)
    if total == 0:
        console.print("[yellow]No scheme matches the selection: the file holds the header "
                      "only.[/yellow]")
    console.print(f"Wrote {export.written:,} scheme{'s' if export.written != 1 else ''} to "
                  f"{safe(export.path)} ({export.standard} {VERSION}).")
    if export.not_written:
        lacking = Counter(f for item in export.not_written for f in item["missing"]
                          or ["id (duplicate)"])
        fields = ", ".join(f"{name} ({count:,})" for name, count in lacking.most_common())
        where = (f"the list is in {safe(report)}" if report is not None
                 else "add --report FILE for the list")
        console.print(f"[yellow]{len(export.not_written):,} scheme"
                      f"{'s' if len(export.not_written) != 1 else ''} not written: the standard "
                      f"requires fields they lack — {safe(fields)}; {where}.[/yellow]")
    if export.left_out:
        console.print(f"[yellow]{len(export.left_out):,} scheme(s) written without an optional "
                      "value the standard refuses (see --report).[/yellow]")
