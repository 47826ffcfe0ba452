"""`cineatlas schemes`: the catalogue of support schemes (list) and the finder (find).

`export` (Etalab's standard) lives in `cli/schemes_export.py` and is registered here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cineatlas.cli import schemes_export
from cineatlas.cli.options import DbOption
from cineatlas.cli.output import console, print_json, visible
from cineatlas.errors import AtlasError
from cineatlas.queries.schemes import catalogue
from cineatlas.schemes.finder import CRITERIA, STATUSES, Reason, find, profile_from, select
from cineatlas.store import Store
from cineatlas.store import vocabularies as vocab
from cineatlas.territories.geocode import Geocoder

app = typer.Typer(help="Support schemes (dispositifs): the catalogue and the finder.",
                  no_args_is_help=True)
app.command("export")(schemes_export.export_command)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class Lang(StrEnum):
    fr = "fr"
    en = "en"


def _codes(vocabulary: dict) -> str:
    return ", ".join(vocabulary)


@app.command("list")
def list_command(
    db: DbOption = None,
    funder: Annotated[list[str], typer.Option(
        help="Keep the schemes of this funder: its organisation id, or words of its name "
             "(repeatable).")] = [],  # noqa: B006
    level: Annotated[list[str], typer.Option(
        help=f"Keep this level (repeatable): {_codes(vocab.FUNDER_LEVELS)}.")] = [],  # noqa: B006
    stage: Annotated[str | None, typer.Option(
        help=f"Keep the schemes publishing this stage: {_codes(vocab.STAGES)}.")] = None,
    work_format: Annotated[str | None, typer.Option(
        "--work-format",
        help=f"Keep the schemes publishing this format: {_codes(vocab.FORMATS)}.")] = None,
    output_format: Annotated[ListFormat, typer.Option(
        "--format", "-f", help="table, or json (every field, with its sources).")] = (
        ListFormat.table),
) -> None:
    """Every scheme of the catalogue (one entry per scheme across sources), widest level
    first, with the sources it comes from."""
    with Store(db, read_only=True) as store:
        entries = select(catalogue(store).entries, funders=funder, levels=level, stage=stage,
                         work_format=work_format)
    if output_format is ListFormat.json:
        print_json([e.as_dict() for e in entries])
        return
    table = Table(header_style="bold", title=Text(f"{len(entries)} schemes"))
    for name in ("id", "name", "funder", "level", "stages", "formats", "who may apply",
                 "sources"):
        table.add_column(name, overflow="fold")
    for e in entries:
        table.add_row(*(Text(visible(v)) for v in (
            e.id, e.name + (" (fictitious)" if e.fictitious else ""), e.funder_name or "",
            e.level or "", _joined(e.get("stages")), _joined(e.get("formats")),
            _joined(e.get("applicants")), ", ".join(e.sources))))
    console.print(table)


def _joined(values: list[str] | None) -> str:
    return ", ".join(values) if values else "not published"


@app.command("find")
def find_command(
    db: DbOption = None,
    role: Annotated[list[str], typer.Option(
        help=f"Who you are (repeatable: a writer-director is --role author --role director): "
             f"{_codes(vocab.APPLICANTS)}.")] = [],  # noqa: B006
    territory: Annotated[str | None, typer.Option(
        help="Where you are: a commune, postal code, département, région, province or Québec "
             "region, by name or code (Bordeaux, 33000, 33, Gironde, FR-R75, REG-75, "
             "CA-QC).")] = None,
    stage: Annotated[str | None, typer.Option(
        help=f"Your project's stage: {_codes(vocab.STAGES)}.")] = None,
    work_format: Annotated[str | None, typer.Option(
        "--format", help=f"Your work's format: {_codes(vocab.FORMATS)}.")] = None,
    genre: Annotated[str | None, typer.Option(
        help=f"Your work's genre: {_codes(vocab.GENRES)}.")] = None,
    first_work: Annotated[bool, typer.Option("--first-work", help="It is your first work.")] = (
        False),
    second_work: Annotated[bool, typer.Option(
        "--second-work", help="It is your second work.")] = False,
    include_excluded: Annotated[bool, typer.Option(
        "--all", help="Also list the schemes a criterion rules out, with the reason.")] = False,
    include_closed: Annotated[bool, typer.Option(
        "--closed", help="Keep the schemes whose closing date is past.")] = False,
    today: Annotated[str | None, typer.Option(
        help="The day to read the calendars from (YYYY-MM-DD; default: today).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the reasons.")] = Lang.en,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Every reason in a sentence (the table says met / not published / "
                          "not met per criterion).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """The schemes that may apply to you, each with why: every criterion met, unknown (the
    scheme does not publish it) or not met; sorted by next deadline. Unknown is never "not
    eligible"."""
    day = _day(today)
    with Store(db, read_only=True) as store:
        geocoder = Geocoder.from_store(store)
        profile = profile_from(geocoder, roles=role, territory=territory, stage=stage,
                               format=work_format, genre=genre, first_work=first_work,
                               second_work=second_work)
        matches = find(catalogue(store), profile, geocoder=geocoder, today=day,
                       include_excluded=include_excluded, include_closed=include_closed)
    if as_json:
        print_json({"profile": profile.as_dict(), "today": day.isoformat(),
                    "data": [m.as_dict() for m in matches]})
        return
    where = f" in {profile.territory.describe('en')}" if profile.territory else ""
    table = Table(header_style="bold", show_lines=True,
                  title=Text(visible(f"{sum(m.eligible for m in matches)} schemes may apply"
                                     f"{where}")))
    for name in ("scheme", "level", "funder", "next date", "why"):
        table.add_column(name, overflow="fold")
    for m in matches:
        date = m.next_date
        when = (f"{date['date'].isoformat()} "
                f"({vocab.label(vocab.SCHEME_DATE_KINDS, date['kind'], lang.value)})"
                if date else "not known")
        why = ("\n".join(r.label(lang.value) for r in m.reasons) if explain
               else _why(m.reasons, lang.value))
        name = m.scheme.name + ("" if m.eligible else "  [ruled out]")
        table.add_row(*(Text(visible(v)) for v in (
            f"{name}\n{m.scheme.id}", m.scheme.level or "not known", m.scheme.funder_name or "",
            when, why)))
    console.print(table)


def _why(reasons: list[Reason], lang: str) -> str:
    """The reasons in short, one line per status: 'Met: territory (from the funder), format
    (from the name)', 'Not published: stage, …', 'Not met: …'."""
    bases = {"funder": ("du financeur", "from the funder"), "name": ("du nom", "from the name"),
             "decisions": ("des décisions", "from the decisions")}
    lines = []
    for status in STATUSES:
        items = []
        for r in (r for r in reasons if r.status == status):
            criterion = vocab.label(CRITERIA, r.criterion, lang).lower()
            basis = bases.get(r.basis or "") if status == "met" else None
            items.append(f"{criterion} ({basis[0] if lang == 'fr' else basis[1]})"
                         if basis else criterion)
        if items:
            colon = "\u202f:" if lang == "fr" else ":"
            lines.append(f"{vocab.label(STATUSES, status, lang)}{colon} {', '.join(items)}")
    return "\n".join(lines)


def _day(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AtlasError(f"--today {text!r} is not a date: write it YYYY-MM-DD.") from None
