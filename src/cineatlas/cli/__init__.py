"""The `cineatlas` command line: thin commands over the Python API."""

from __future__ import annotations

import typer

from cineatlas.cli import (
    atlas,
    data,
    directory,
    export,
    failures,
    indicators,
    report,
    resolve,
    schemes,
    simulate,
    web,
)

app = typer.Typer(
    name="cineatlas",
    help="An open atlas of cinema and audiovisual support across territories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("import")(data.import_command)
app.command("sources")(data.sources_command)
app.command("quarantine")(data.quarantine_command)
app.command("problems")(data.problems_command)
app.command("sql")(data.sql_command)
app.command("importers")(data.importers_command)
app.command("atlas")(atlas.atlas_command)
app.command("territories")(atlas.territories_command)
app.command("demo")(atlas.demo_command)
app.command("info")(atlas.info_command)
app.command("upgrade")(atlas.upgrade_command)
app.add_typer(indicators.app, name="indicators")
app.add_typer(schemes.app, name="schemes")
app.command("serve")(web.serve_command)
app.command("simulate")(simulate.simulate_command)
app.command("directory")(directory.directory_command)
app.command("resolve")(resolve.resolve_command)
app.command("export")(export.export_command)
app.command("report")(report.report_command)


def main() -> None:
    """Entry point: runs the app; a failure is one message and an exit code, never a traceback
    (see `cineatlas.cli.failures`)."""
    failures.run(app)
