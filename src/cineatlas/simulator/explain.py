"""The explanation table: one row per (Region, axis, step) naming the rule, its inputs and the
amount it adds (cents, negative when it takes away). The steps of a line add up to its CNC
contribution exactly; a Region's solidarity line has the two solidarity steps."""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from cineatlas.simulator.engine import Run
from cineatlas.simulator.money import cents_to_euros_text as eur
from cineatlas.simulator.money import ratio_text
from cineatlas.simulator.scenario import SOLIDARITY_AXIS

SCHEMA = {"scenario": pl.Utf8, "region_id": pl.Utf8, "axis": pl.Utf8, "step": pl.Utf8,
          "rule": pl.Utf8, "inputs": pl.Utf8, "amount_cents": pl.Int64,
          "running_cents": pl.Int64, "illustrative": pl.Boolean}


def explanation(run: Run) -> pl.DataFrame:
    """The explanation rows of a run (schema SCHEMA)."""
    plan, s = run.plan, run.plan.scenario
    rows = []
    for i, region_id in enumerate(s.region_ids):
        for j, rule in enumerate(s.axes):
            if not plan.present[i, j]:
                continue
            running = 0
            for step, amounts in run.steps:
                amount = int(amounts[i, j])
                running += amount
                name, inputs = _describe(run, step, i, j)
                rows.append((s.id, region_id, rule.axis, step, name, inputs, amount, running))
        running = 0
        for step, parts in (("solidarity_catch_up", run.catch_up), ("solidarity_key", run.key)):
            running += parts[i]
            name, inputs = _solidarity(run, step, i)
            rows.append((s.id, region_id, SOLIDARITY_AXIS, step, name, inputs, parts[i], running))
    frame = pl.DataFrame(rows, schema={k: v for k, v in SCHEMA.items() if k != "illustrative"},
                         orient="row")
    return frame.with_columns(pl.lit(s.illustrative).alias("illustrative"))


def _fraction(num: int, den: int) -> str:
    return f"{num}/{den}" if den != 1 else str(num)


def _describe(run: Run, step: str, i: int, j: int) -> tuple[str, str]:
    plan, s = run.plan, run.plan.scenario
    rule = s.axes[j]
    matching = bool(plan.matching[j])
    commitment, basis = int(plan.commitment[i, j]), int(run.basis[i, j])
    ratio = _fraction(int(plan.num[j]), int(plan.den[j]))
    if step == "base":
        if matching:
            return (f"matching {ratio_text(Fraction(int(plan.num[j]), int(plan.den[j])))}",
                    f"commitment {eur(commitment)} × {ratio}, rounded down to the cent")
        return "fixed amount", f"amount {eur(int(plan.fixed[i, j]))} for this Region"
    if step == "effort":
        if not matching:
            return "effort: not applied", "a fixed amount does not follow the Region's effort"
        if s.effort == "commitment":
            return "effort: commitment", "the rule follows the commitment"
        if not plan.actual_known[i, j]:
            return f"effort: {s.effort}", "actual spending unknown: commitment kept"
        return (f"effort: {s.effort}", f"actual {eur(int(plan.actual[i, j]))}, commitment "
                f"{eur(commitment)}: basis {eur(basis)} × {ratio}")
    if step == "partnership":
        if not plan.partner[i, j]:
            why = ("no partnership ratio on this axis" if rule.axis not in
                   dict(s.partnership.ratios) or not matching else "Region not opted in")
            return "enhanced partnership: not applied", why
        p = _fraction(int(plan.p_num[i, j]), int(plan.p_den[i, j]))
        return ("enhanced partnership "
                f"{ratio_text(Fraction(int(plan.p_num[i, j]), int(plan.p_den[i, j])))}",
                f"basis {eur(basis)} × {p} instead of × {ratio}")
    if step == "cap":
        if not plan.cap_known[i, j]:
            return "cap: none", "no cap on this line"
        return "cap", f"cap {eur(int(plan.cap[i, j]))}"
    if step == "freeze":
        if not s.freeze:
            return "freeze: off", "contributions not frozen"
        return "freeze", f"previous level {eur(int(plan.previous[i, j]))}"
    return _envelope(run, j)


def _envelope(run: Run, j: int) -> tuple[str, str]:
    s = run.plan.scenario
    claims = int(run.claim.sum())
    if not run.binding:
        return "envelope: not binding", (f"claims {eur(claims)} within the convention envelope "
                                         f"{eur(run.convention_envelope)}")
    if s.overflow == "priority":
        return (f"envelope: priority {int(run.plan.priority[j])}",
                f"claims {eur(claims)} over the convention envelope "
                f"{eur(run.convention_envelope)}: axes served by priority, the last level "
                "served pro rata (largest remainder)")
    return "envelope: pro rata", (f"claims {eur(claims)} over the convention envelope "
                                  f"{eur(run.convention_envelope)}: every claim cut in "
                                  "proportion (largest remainder)")


def _solidarity(run: Run, step: str, i: int) -> tuple[str, str]:
    plan, sol = run.plan, run.plan.scenario.solidarity
    eligible = plan.eligible[i]
    if run.reserve == 0:
        why = ("share 0" if sol.share == 0 else "no Region eligible: the reserve stays in the "
               "convention envelope")
        return "solidarity: no reserve", why
    if eligible is not True:
        return "solidarity: not eligible", ("eligibility unknown (facts missing)"
                                            if eligible is None else "not eligible")
    if step == "solidarity_catch_up":
        if not sol.catch_up:
            return "solidarity catch-up: off", "the reserve goes by the key"
        target = "unknown" if run.median is None else f"{float(run.median) / 100:.4f} €"
        return "solidarity catch-up", (f"median CNC per inhabitant {target}; need "
                                       f"{eur(run.needs[i])} of total {eur(sum(run.needs))}; "
                                       f"reserve {eur(run.reserve)}")
    weights = [w for w, e in zip(plan.weights, plan.eligible, strict=True) if e is True]
    left = run.reserve - sum(run.catch_up)
    return f"solidarity key: {sol.key}", (f"weight {plan.weights[i]:,} of {sum(weights):,} "
                                          f"on what is left, {eur(left)}")
