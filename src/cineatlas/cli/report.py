"""`cineatlas report TERRITORY --format pdf|html -o FILE`: a territory's report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cineatlas import optout
from cineatlas.cli.options import DbOption, OptOutOption, parse_years
from cineatlas.cli.output import console, safe
from cineatlas.errors import AtlasError


def report_command(
    territory: Annotated[str, typer.Argument(
        help="The territory's id, as `cineatlas territories` lists them (FR-R52, CA-QC…).",
        show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The file to write.", show_default=False)],
    format: Annotated[str, typer.Option(
        "--format", "-f", help="pdf (typeset, A4) or html (the same document).")] = "pdf",
    lang: Annotated[str, typer.Option(help="fr (default) or en.")] = "fr",
    peers: Annotated[list[str] | None, typer.Option(
        "--peers", help="A territory of the same level to compare with (repeatable; default: "
        "every territory of its level in its country).")] = None,
    years: Annotated[str | None, typer.Option(help="Year or range: 2017 or 2015-2018.")] = None,
    simulation: Annotated[bool, typer.Option(
        help="For a French Region: the convention simulator's scenarios, in a section of "
        "their own.")] = True,
    opt_out: OptOutOption = None,
    db: DbOption = None,
) -> None:
    """Write a territory's report (two to four A4 pages): key figures against the national
    median and its peers, support over time, findings in plain words, map and charts, the
    method and coverage of each figure, sources and licences."""
    from cineatlas.reports import FORMATS, LANGUAGES, make_report, opened

    if format not in FORMATS:
        raise AtlasError(f"--format {format!r} is not one of {', '.join(FORMATS)}.")
    if lang not in LANGUAGES:
        raise AtlasError(f"--lang {lang!r} is not one of {', '.join(LANGUAGES)}.")
    if output.is_dir():
        raise AtlasError(f"{output} is a folder: give the report's file name, e.g. "
                         f"{output / f'report-{territory}.{format}'}.")
    span = parse_years(years)
    optout.use(opt_out)
    with opened(db) as views:
        body = make_report(views, territory, format=format, lang=lang, peers=peers,
                           years=span, simulation=simulation)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(body)
    console.print(f"Report of {safe(territory)} written to {safe(str(output))} "
                  f"({len(body):,} bytes, {format}).")
