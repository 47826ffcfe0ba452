"""Scenarios side by side (differences per Region against the first), and the sweep of one
parameter over many values (the resulting curves), computed without building full results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from cineatlas.simulator import equity
from cineatlas.simulator.engine import Plan, compile_plan, run
from cineatlas.simulator.money import MAX_CENTS, parse_ratio, parse_share
from cineatlas.simulator.population import Population, RegionFacts, as_facts
from cineatlas.simulator.result import Result, simulate
from cineatlas.simulator.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from cineatlas.store import Store


@dataclass(frozen=True)
class Comparison:
    """Several results; `regions` is long (one row per scenario and Region) with
    `delta_cnc_cents` and `delta_cnc_per_inhabitant` against the first scenario; `summary`
    has one row per scenario."""

    results: tuple[Result, ...]
    regions: pl.DataFrame
    summary: pl.DataFrame

    @property
    def illustrative(self) -> bool:
        return any(r.illustrative for r in self.results)


SUMMARY_KEYS = ("scenario", "national_envelope_cents", "solidarity_reserve_cents",
                "claims_cents", "allocated_cents", "unallocated_cents", "binding", "illustrative")


def compare(items: Sequence[Scenario | Result], population: Population | Store | None = None,
            *, facts: Mapping[str, RegionFacts] | None = None) -> Comparison:
    """Compare scenarios (or results already computed); the first is the baseline."""
    if not items:
        raise ValueError("compare needs at least one scenario")
    needed = any(isinstance(x, Scenario) for x in items)
    facts = facts if facts is not None or not needed else as_facts(population)
    results = tuple(x if isinstance(x, Result) else simulate(x, facts=facts) for x in items)
    names = [r.scenario.id for r in results]
    if len(set(names)) < len(names):
        files = ", ".join(r.scenario.path or r.scenario.id for r in results)
        raise ScenarioError(files, [("scenario.id", f"the compared scenarios share an id "
                                    f"({', '.join(names)}): give each its own id.")])
    base = results[0].regions.select(
        "region_id", pl.col("cnc_cents").alias("base_cents"),
        pl.col("cnc_per_inhabitant").alias("base_per_inhabitant"))
    regions = pl.concat([r.regions for r in results], how="diagonal_relaxed")
    regions = regions.join(base, on="region_id", how="left", maintain_order="left").with_columns(
        (pl.col("cnc_cents") - pl.col("base_cents")).alias("delta_cnc_cents"),
        (pl.col("cnc_per_inhabitant") - pl.col("base_per_inhabitant"))
        .alias("delta_cnc_per_inhabitant"),
    ).drop("base_cents", "base_per_inhabitant")
    rows = []
    for r in results:
        row = {k: r.summary[k] for k in SUMMARY_KEYS}
        for measure in r.equity.filter(pl.col("category").is_null()).iter_rows(named=True):
            row[f"{measure['measure']}_{measure['of']}"] = measure["value"]
        rows.append(row)
    return Comparison(results, regions, pl.DataFrame(rows))


# -- sweep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """One parameter swept: `curves` has one row per value and Region, `totals` one per
    value (allocated, unallocated, binding, equity)."""

    scenario: Scenario
    parameter: str
    curves: pl.DataFrame
    totals: pl.DataFrame

    @property
    def illustrative(self) -> bool:
        return self.scenario.illustrative


def _patcher(plan: Plan, parameter: str):
    """A function value → plan for `parameter` (see scenario.PARAMETERS)."""
    if parameter == "national_envelope":
        def envelope(value: object) -> Plan:
            try:
                cents = Fraction(Decimal(str(value)))
            except (InvalidOperation, ValueError):
                cents = Fraction(-1)
            if cents.denominator != 1 or not 0 <= cents <= MAX_CENTS:
                raise ValueError(f"{value!r} is not an envelope in whole cents from 0 to "
                                 f"{MAX_CENTS:,}")
            return plan.with_envelope(int(cents))
        return envelope
    if parameter == "solidarity_share":
        return lambda value: plan.with_solidarity_share(parse_share(value))
    if parameter.startswith("ratio."):
        axis = parameter.removeprefix("ratio.")
        matching = [a.axis for a in plan.scenario.axes if a.kind == "matching"]
        if axis not in matching:
            raise ScenarioError(plan.scenario.path, [(parameter, f"not a matching axis of the "
                                                      f"scenario (it has {', '.join(matching)}).")])

        def ratio(value: object) -> Plan:
            return plan.with_ratio(axis, parse_ratio(f"1:{value}"))
        return ratio
    raise ScenarioError(plan.scenario.path, [(parameter, "cannot be swept: choose "
                                              "national_envelope, solidarity_share or "
                                              "ratio.AXIS (e.g. ratio.writing_development).")])


def sweep(scenario: Scenario, parameter: str, values: Iterable[object],
          population: Population | Store | None = None, *,
          facts: Mapping[str, RegionFacts] | None = None) -> Sweep:
    """Run `scenario` once per value of `parameter`: 'national_envelope' (cents),
    'solidarity_share' (0 to 1) or 'ratio.AXIS' (Region euros per CNC euro: 2 means 1:2)."""
    facts = facts if facts is not None else as_facts(population)
    plan = compile_plan(scenario, facts)
    patch = _patcher(plan, parameter)
    ids = list(scenario.region_ids)
    population_list = plan.population
    values = list(values)
    cnc_rows, claims, solidarity, totals = [], [], [], []
    for value in values:
        try:
            r = run(patch(value))
        except ValueError as exc:
            raise ScenarioError(scenario.path, [(parameter, f"{exc}.")]) from None
        region_cnc = r.region_cnc
        cnc_rows.append(region_cnc)
        claims.append(r.claim.sum(axis=1))
        solidarity.append(r.solidarity)
        money = [int(x) for x in region_cnc]
        share, _, _ = equity.group_share(money, population_list, list(plan.eligible))
        totals.append((float(value), r.plan.scenario.national_envelope, r.reserve,
                       int(r.claim.sum()), r.allocated, r.unallocated, r.binding,
                       equity.gini(money, population_list, ids),
                       equity.theil(money, population_list, ids), share))
    n, k = len(values), len(ids)
    cnc = np.array(cnc_rows, dtype=np.int64).reshape(n, k)
    pop = np.array([p or 0 for p in population_list], dtype=np.float64)
    per_inhabitant = np.where(pop > 0, cnc / 100 / np.where(pop > 0, pop, 1), np.nan)
    curves = pl.DataFrame({
        "scenario": scenario.id, "parameter": parameter,
        "value": np.repeat(np.array([float(v) for v in values], dtype=np.float64), k),
        "region_id": ids * n,
        "cnc_cents": cnc.ravel(),
        "claim_cents": np.array(claims, dtype=np.int64).ravel(),
        "solidarity_cents": np.array(solidarity, dtype=np.int64).ravel(),
        "cnc_per_inhabitant": per_inhabitant.ravel(),
    }).with_columns(pl.col("cnc_per_inhabitant").fill_nan(None),
                    pl.lit(scenario.illustrative).alias("illustrative"))
    total_frame = pl.DataFrame(totals, orient="row", schema={
        "value": pl.Float64, "national_envelope_cents": pl.Int64,
        "solidarity_reserve_cents": pl.Int64, "claims_cents": pl.Int64,
        "allocated_cents": pl.Int64, "unallocated_cents": pl.Int64, "binding": pl.Boolean,
        "gini_cnc": pl.Float64, "theil_cnc": pl.Float64,
        "solidarity_eligible_share": pl.Float64,
    }).with_columns(pl.lit(scenario.id).alias("scenario"), pl.lit(parameter).alias("parameter"),
                    pl.lit(scenario.illustrative).alias("illustrative"))
    return Sweep(scenario, parameter, curves, total_frame)
