"""The convention simulator's scenarios for one Region, side by side, for its report: what
"1 € from the CNC for 2 € from the Region" restored would mean for it, against the envelopes
frozen at their previous level. A model's output (cineatlas.simulator, docs/simulator.md),
never an observed figure: the report prints it in a section of its own, labelled as such."""

from __future__ import annotations

from typing import Any

from cineatlas.queries.conventions import region_conventions
from cineatlas.simulator import compare, facts_from_store, official_facts, starting_scenario
from cineatlas.web.views import Views

#: The scenarios compared, in order (the first is the baseline): id → what it changes in the
#: shipped starting scenario (`Scenario.with_overrides`).
SCENARIOS = {
    "freeze": {"freeze": True},
    "restored": {},
    "restored-no-reserve": {"solidarity_share": 0},
}


def region_scenarios(views: Views, region_id: str) -> dict[str, Any] | None:
    """The scenarios of `SCENARIOS` for the Region `region_id` (None when the starting scenario
    has no such Region): one row per scenario (its title, the Region's effort, the CNC's money,
    the effective ratio, per inhabitant, the difference with the baseline), the national
    summary of each, whether the figures are illustrative, and what the store holds on the
    Region's own conventions (`observed`: lines, years, fictitious)."""
    base = starting_scenario()
    if region_id not in base.region_ids:
        return None
    scenarios = [base.with_overrides(**changes).replace(id=sid) if changes
                 else base.replace(id=sid) for sid, changes in SCENARIOS.items()]
    with views.atlas.lock:
        facts = facts_from_store(views.atlas.store) or official_facts()
    comparison = compare(scenarios, facts=facts)
    rows = comparison.regions.filter(comparison.regions["region_id"] == region_id).to_dicts()
    summary = {r["scenario"]: r for r in comparison.summary.to_dicts()}
    return {"rows": [r | {"national": summary[r["scenario"]]} for r in rows],
            "illustrative": comparison.illustrative, "period": base.period,
            "reference_ratio": str(base.reference_ratio), "title": base.title,
            "observed": region_conventions(views.atlas, region_id)}
