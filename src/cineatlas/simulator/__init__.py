"""The convention simulator: State–CNC–Region co-financing, scenario against scenario.

    from cineatlas.simulator import load_scenario, simulate, compare, sweep
    scenario = load_scenario("conventions-2026-2028")          # or a .toml / .yaml path
    result = simulate(scenario, population=store)               # Store, mapping or None
    result.regions, result.lines, result.equity, result.explanation, result.summary
    bigger = scenario.with_overrides(national_envelope=90_000_000_00)
    compare([scenario, bigger], population=store).regions       # delta_cnc_cents per Region
    sweep(scenario, "national_envelope", [50_000_000_00, 70_000_000_00]).curves

Money is integer cents; None is unknown; every output says whether it is illustrative.
Method: docs/simulator.md.
"""

from __future__ import annotations

from cineatlas.simulator.compare import Comparison, Sweep, compare, sweep
from cineatlas.simulator.files import load_scenario, shipped_scenarios
from cineatlas.simulator.population import RegionFacts, facts_from_store, official_facts
from cineatlas.simulator.result import Result, simulate
from cineatlas.simulator.scenario import (
    AXES,
    PARAMETERS,
    AxisRule,
    Line,
    Partnership,
    Provenance,
    RegionInput,
    Scenario,
    ScenarioError,
    Solidarity,
)

STARTING_SCENARIO = "conventions-2026-2028"


def starting_scenario() -> Scenario:
    """The scenario shipped with cineatlas (public rules, illustrative figures)."""
    return load_scenario(STARTING_SCENARIO)


__all__ = [
    "AXES", "PARAMETERS", "STARTING_SCENARIO", "AxisRule", "Comparison", "Line", "Partnership",
    "Provenance", "RegionFacts", "RegionInput", "Result", "Scenario", "ScenarioError",
    "Solidarity", "Sweep", "compare", "facts_from_store", "load_scenario", "official_facts",
    "shipped_scenarios", "simulate", "starting_scenario", "sweep",
]
