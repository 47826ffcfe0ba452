"""Commands that load and inspect the store: import, sources, quarantine, problems, sql,
importers."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cineatlas import importers
from cineatlas.cli.options import DbOption, JsonOption
from cineatlas.cli.output import Format, cell, console, print_frame, print_json, safe
from cineatlas.errors import AtlasError, StoreError
from cineatlas.ingest import import_file
from cineatlas.problems import ImportReport, listing_command
from cineatlas.query import QueryLimits, read_only_query
from cineatlas.store import Store


def parse_options(pairs: list[str], *, flag: str = "--option",
                  example: str = "delimiter=';'") -> dict[str, str]:
    """'key=value' pairs into a dict; a clear error (naming `flag`) for anything else."""
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AtlasError(f"{flag} expects KEY=VALUE, got {pair!r} (e.g. {flag} {example}).")
        options[key.strip()] = ("\t" if value in {"\\t", "tab"} and key.strip() == "delimiter"
                                else value)
    return options


def import_command(
    source: Annotated[str, typer.Argument(help="Importer name: see `cineatlas importers`.")],
    file: Annotated[Path, typer.Argument(help="The CSV or XLSX file to import.")],
    db: DbOption = None,
    json_output: JsonOption = False,
    source_id: Annotated[str | None, typer.Option("--source-id", help=(
        "Identity of the source; importing again under the same id replaces its rows. "
        "Default: IMPORTER:file-name."))] = None,
    option: Annotated[list[str], typer.Option(
        "--option", "-o", help="Importer option KEY=VALUE (repeatable).")] = [],  # noqa: B006
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (generic importer).")] = None,
    force: Annotated[bool, typer.Option(
        help="Import even if this exact file was already imported.")] = False,
    fail_on_quarantine: Annotated[bool, typer.Option(
        help="Exit with code 3 if any row was quarantined.")] = False,
    allow_empty: Annotated[bool, typer.Option("--allow-empty", help=(
        "Let a file with no data row (a header alone) replace the source's rows with none. "
        "Without it, such a file is refused and the store left as it was."))] = False,
) -> None:
    """Import FILE with the SOURCE importer: every row is loaded or quarantined with reasons."""
    options = parse_options(option)
    if mapping is not None:
        options["mapping"] = str(mapping)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed:,.0f} rows"), TimeElapsedColumn(),
                  console=console, transient=True, disable=json_output) as progress:
        task = progress.add_task(f"Importing {safe(file.name)}", total=None)
        with Store(db) as store:
            report = import_file(source, file, store=store, source_id=source_id, options=options,
                                 force=force, allow_empty=allow_empty,
                                 progress=lambda n: progress.update(task, completed=n))
    if json_output:
        print_json(report.as_dict())
    else:
        render_report(report)
    if fail_on_quarantine and report.rows_quarantined:
        raise typer.Exit(3)


def render_report(report: ImportReport) -> None:
    status = {"loaded": "[green]loaded[/green]",
              "replaced": "[green]replaced the previous import[/green]",
              "unchanged": "[yellow]unchanged (this exact file was already imported)[/yellow]"}
    console.print(f"[bold]{safe(report.file)}[/bold] → source "
                  f"[cyan]{safe(report.source_id)}[/cyan]: {status[report.status]}")
    counts = Table(show_header=False, box=None)
    counts.add_row("rows read", f"{report.rows_read:,}")
    counts.add_row("rows loaded", f"[green]{report.rows_loaded:,}[/green]")
    counts.add_row("rows quarantined",
                   f"[red]{report.rows_quarantined:,}[/red]" if report.rows_quarantined else "0")
    for table, n in report.tables.items():
        counts.add_row(f"  → {table}", f"{n:,}")
    for name, value in report.figures.items():
        if isinstance(value, int) and name.endswith("_minor"):
            name, value = name.removesuffix("_minor"), f"{value // 100:,}.{value % 100:02d}"
        counts.add_row(name.replace("_", " "),
                       f"{value:,}" if isinstance(value, int) else str(value))
    console.print(counts)
    for notice in report.notices:
        console.print(f"[bold red]Warning:[/bold red] [red]{safe(notice)}[/red]")
    summary = report.summary()
    if not summary:
        console.print("[green]No problem found.[/green]")
        return
    problems = Table(title="Problems", header_style="bold")
    for column in ("severity", "code", "field", "count", "example rows", "what to do"):
        problems.add_column(column, overflow="fold")
    for item in summary:
        colour = "red" if item["severity"] == "error" else "yellow"
        problems.add_row(f"[{colour}]{safe(item['severity'])}[/{colour}]", cell(item["code"]),
                         cell(item["field"]), f"{item['count']:,}",
                         ", ".join(map(str, item["example_rows"])), cell(item["hint"]))
    console.print(problems)
    listing = safe(listing_command(report.source_id))
    if report.problems_total > len(report.problems):
        console.print(f"The report keeps {len(report.problems):,} of the {report.problems_total:,} "
                      f"problems; all are in the store: [bold]{listing}[/bold]")
    else:
        console.print(f"Every problem, row by row: [bold]{listing}[/bold]")
    if report.rows_quarantined:
        console.print(f"See the rejected rows: [bold]cineatlas quarantine --source "
                      f"{safe(report.source_id)}[/bold]")


#: The columns `cineatlas sources` lists.
SOURCE_COLUMNS = ("source_id", "importer", "file_name", "rows_read", "rows_loaded",
                  "rows_quarantined", "fictitious", "imported_at", "licence")


def sources_command(db: DbOption = None,
                    fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List the imported sources with their row counts."""
    from cineatlas.queries.sources import sources_frame

    with Store(db, read_only=True) as store:
        frame = sources_frame(store).sort("source_id").select(SOURCE_COLUMNS)
    print_frame(frame, fmt, title="Sources")


def quarantine_command(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 50,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Show quarantined rows with the reasons they were rejected."""
    where, params = ("WHERE source_id = ?", [source]) if source else ("", [])
    sql = (f"SELECT source_id, row_number, list_transform(CAST(reasons AS JSON[]), "
           f"lambda r: (r->>'field') || ': ' || (r->>'message')) AS reasons, content "
           f"FROM quarantine {where} ORDER BY source_id, row_number")
    if limit:
        sql += f" LIMIT {int(limit)}"
    with Store(db, read_only=True) as store:
        frame = store.frame(sql, params)
        total = store.count("quarantine", "source_id = ?" if source else "TRUE", params)
    if fmt is Format.table:
        frame = frame.with_columns(frame["reasons"].list.join("\n"))
    print_frame(frame, fmt, title=f"Quarantine ({total:,} rows)")


class Severity(StrEnum):
    error = "error"
    warning = "warning"


def problems_command(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source id.")] = None,
    code: Annotated[str | None, typer.Option(
        help="Only this problem code, e.g. invalid-amount.")] = None,
    severity: Annotated[Severity | None, typer.Option(
        help="Only errors (rows quarantined) or warnings (rows loaded).")] = None,
    field: Annotated[str | None, typer.Option(help="Only problems about this column.")] = None,
    limit: Annotated[int | None, typer.Option(
        help="Rows to show (0 = all). Default: 50 in a table, all in CSV or JSON.",
        show_default=False)] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List every problem an import found, row by row (the report shows counts and a sample)."""
    filters = {"source_id": source, "code": code, "field": field,
               "severity": severity.value if severity else None}
    given = {column: value for column, value in filters.items() if value is not None}
    where = " AND ".join(f"{column} = ?" for column in given) or "TRUE"
    params = list(given.values())
    if limit is None:
        limit = 50 if fmt is Format.table else 0
    with Store(db, read_only=True) as store:
        if "import_problems" not in store.tables():
            raise StoreError(
                f"The store {store.path} was made by an older cineatlas and keeps no problems "
                "row by row. Import the files again (with --force) to record them.")
        record = store.source(source) if source is not None else None
        if source is not None and record is None:
            raise StoreError(f"No source {source!r} in {store.path}. See `cineatlas sources`.")
        if record is not None and not store.count("import_problems", "source_id = ?", [source]):
            reported = json.loads(record["report"] or "{}").get("problems_total", 0)
            if reported:
                raise StoreError(
                    f"Source {source} was imported before cineatlas kept problems row by row: "
                    f"its report counts {reported:,} problems, the store holds none. Import it "
                    "again with --force to record them.")
        sql = (f"SELECT source_id, row_number, severity, code, field, message, value "
               f"FROM import_problems WHERE {where} "
               f"ORDER BY source_id, row_number NULLS FIRST, code, field")
        frame = store.frame(sql + (f" LIMIT {int(limit)}" if limit else ""), params)
        matching = store.count("import_problems", where, params)
        total = store.count("import_problems", "source_id = ?" if source else "TRUE",
                            [source] if source else [])
    title = f"Problems ({matching:,} of {total:,})" if given.keys() - {"source_id"} else (
        f"Problems ({total:,})")
    if frame.height < matching:
        title += f", first {frame.height:,} shown (--limit 0 for all)"
    print_frame(frame, fmt, title=title)


def sql_command(
    query: Annotated[str, typer.Argument(help="A read-only SQL query (DuckDB dialect).")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", help=(
        "table, csv or json. In CSV, lists, structs and maps are written as JSON text in "
        "their cell."))] = Format.table,
    timeout: Annotated[float, typer.Option(min=0, help=(
        "Stop the query after this many seconds (0: no limit)."))] = QueryLimits.timeout,
    memory_limit: Annotated[str, typer.Option(help=(
        "Most memory the query and its result may use, e.g. 500MB or 8GB."))] = QueryLimits.memory,
) -> None:
    """Run a read-only SQL query on the store, within a time and a memory limit."""
    print_frame(read_only_query(query, db=db, limits=QueryLimits(timeout, memory_limit)), fmt)


def importers_command(json_output: JsonOption = False) -> None:
    """List the importers, what they read and their options."""
    rows = []
    for name in importers.names():
        try:
            cls = importers.get(name)
        except AtlasError as exc:
            rows.append({"name": name, "title": "(failed to load)", "description": str(exc),
                         "publisher": None, "licence": None, "url": None, "options": {}})
            continue
        rows.append({"name": name, "title": cls.title, "description": cls.description,
                     "publisher": cls.publisher, "licence": cls.licence, "url": cls.url,
                     "options": cls.options_help})
    if json_output:
        print_json(rows)
        return
    table = Table(title="Importers", header_style="bold")
    for column in ("name", "reads", "options"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(cell(row["name"]),
                      f"{safe(row['title'])}\n[dim]{safe(row['description'])}[/dim]",
                      cell("\n".join(f"{k}: {v}" for k, v in row["options"].items())))
    console.print(table)
