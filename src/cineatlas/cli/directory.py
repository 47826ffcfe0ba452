"""`cineatlas directory`: the companies or the people established in a territory (the web's
`/directory`), honouring the opt-out list."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cineatlas import optout
from cineatlas.cli.options import DbOption, JsonOption, OptOutOption
from cineatlas.cli.output import console, print_json, visible
from cineatlas.errors import AtlasError
from cineatlas.indicators import Engine
from cineatlas.queries import directory
from cineatlas.queries import territories as territory_queries
from cineatlas.queries.directory import DirectoryFilters, Kind
from cineatlas.store import Store
from cineatlas.store import vocabularies as vocab


class KindChoice(StrEnum):
    company = "company"
    person = "person"


def _money(minor: int | None, currency: str | None) -> str:
    if minor is None or currency is None:
        return ""
    return f"{minor // 100:,} {currency}" if minor % 100 == 0 else (
        f"{minor / 100:,.2f} {currency}")


def directory_command(
    territory: Annotated[str | None, typer.Option(
        help="A territory id (FR-R53, FR-D44, CA-QC, CA-QC-R01…): the entities established "
             "in it or within it. Default: every territory.")] = None,
    kind: Annotated[KindChoice, typer.Option(
        help="company (the organisations funded) or person (the people credited).")] = (
        KindChoice.company),
    stage: Annotated[str | None, typer.Option(
        help=f"Keep the awards of this stage: {', '.join(vocab.STAGES)}.")] = None,
    work_format: Annotated[str | None, typer.Option(
        "--format", help=f"Keep the awards of this format: {', '.join(vocab.FORMATS)}.")] = None,
    genre: Annotated[str | None, typer.Option(
        help=f"Keep the awards of this genre: {', '.join(vocab.GENRES)}.")] = None,
    funder: Annotated[str | None, typer.Option(
        help="Keep the awards of this funder (its organisation id).")] = None,
    year_from: Annotated[int | None, typer.Option(help="Awards from this year.")] = None,
    year_to: Annotated[int | None, typer.Option(help="Awards up to this year.")] = None,
    opt_out: OptOutOption = None,
    by_territory: Annotated[bool, typer.Option(
        "--by-territory", help="Instead of the rows, the companies and people of the "
        "territory's directory in each of its sub-territories (the web page's map).")] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 200,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The directory of regional talent: one row per resolved company or person, most awards
    first, with their works, funders, stages and years. People on the opt-out list are never
    listed; no gender and no contact data is shown."""
    for value, vocabulary, name in ((stage, vocab.STAGES, "--stage"),
                                    (work_format, vocab.FORMATS, "--format"),
                                    (genre, vocab.GENRES, "--genre")):
        if value and value not in vocabulary:
            raise AtlasError(f"{name} {value!r} is not one of {', '.join(vocabulary)}.")
    optout.use(opt_out)
    with Store(db, read_only=True) as store:
        if territory and territory_queries.territory(store, territory) is None:
            raise AtlasError(f"No territory {territory!r}: give an id such as FR-R53 or "
                             "CA-QC-R01 (`cineatlas territories` lists them).")
        store.con.register("territory_closure", Engine.duckdb(store).closure.to_arrow())
        filters = DirectoryFilters(territory=territory, stage=stage, format=work_format,
                                   genre=genre, funder=funder, year_from=year_from,
                                   year_to=year_to)
        if by_territory:
            if not territory:
                raise AtlasError("--by-territory needs --territory (the territory whose "
                                 "sub-territories to count).")
            _print_spread(directory.by_territory(store, filters), territory, as_json)
            return
        frame, total = directory.rows(store, Kind(kind.value), filters, limit)
    if as_json:
        print_json({"total": total, "data": frame.to_dicts()})
        return
    table = Table(header_style="bold", title=Text(visible(
        f"{total} {'companies' if kind is KindChoice.company else 'people'}"
        + (f" in {territory}" if territory else ""))))
    for name in ("name", "place", "awards", "amount", "works", "funders", "stages", "years"):
        table.add_column(name, overflow="fold")
    for r in frame.to_dicts():
        years = "" if r["first_year"] is None else (
            f"{r['first_year']}" + (f"–{r['last_year']}" if r["last_year"] != r["first_year"]
                                    else ""))
        table.add_row(*(Text(visible(v)) for v in (
            r["name"] + (" (fictitious)" if r["fictitious"] else ""), r["territory"] or "",
            str(r["n_awards"]), _money(r["amount_minor"], r["currency"]), str(r["n_works"]),
            ", ".join(r["funders"] or []), ", ".join(r["stages"] or []), years)))
    console.print(table)
    if total > frame.height:
        console.print(f"[dim]… {total - frame.height:,} more (use --limit or --json)[/dim]")


def _print_spread(spread: directory.Spread, territory: str, as_json: bool) -> None:
    if as_json:
        print_json({"territory": territory, "by_territory": spread.territories.to_dicts(),
                    "unplaced": {"here": spread.here, "above": spread.above}})
        return
    table = Table(header_style="bold", title=Text(visible(
        f"The directory of {territory}, by sub-territory")))
    for name in ("territory", "name", "companies", "people"):
        table.add_column(name, overflow="fold")
    for r in spread.territories.to_dicts():
        table.add_row(*(Text(visible(str(v))) for v in (
            r["territory_id"], r["name"], r["companies"], r["people"])))
    console.print(table)
    for where, what in (("here", f"placed in {territory} itself, in none of these"),
                        ("above", f"placed only in a territory containing {territory} (some "
                                  "may be established in it)")):
        counts = getattr(spread, where)
        if any(counts.values()):
            console.print(f"{counts['companies']:,} companies and {counts['people']:,} people "
                          f"{what}: a zero above may be unknown.")
