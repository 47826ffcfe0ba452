"""The engine: a scenario and the Regions' facts compiled into arrays (`Plan`), then the rules
applied in a fixed order (`run`). Pure and deterministic: same inputs, same cents.

Order, per Region and axis (each change is one step of the explanation):
base (ratio × commitment, or the fixed amount) → effort (follow actual spending) →
partnership (the opt-in ratio) → cap → freeze = the claim, what the rule allows →
envelope (claims cut when they exceed the national envelope less the solidarity reserve);
then, per Region, the solidarity reserve: catch-up towards the median, then the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from cineatlas.simulator import rules
from cineatlas.simulator.checks import scenario_problems
from cineatlas.simulator.population import RegionFacts
from cineatlas.simulator.scenario import Scenario, ScenarioError

#: The steps of a line, in order.
STEPS = ("base", "effort", "partnership", "cap", "freeze", "envelope")
#: The steps of a Region's solidarity line.
SOLIDARITY_STEPS = ("solidarity_catch_up", "solidarity_key")


@dataclass(frozen=True)
class Plan:
    """A scenario as arrays: R Regions × A axes, cents as int64."""

    scenario: Scenario
    facts: tuple[RegionFacts | None, ...]
    present: np.ndarray
    commitment: np.ndarray
    actual: np.ndarray
    actual_known: np.ndarray
    previous: np.ndarray
    previous_known: np.ndarray
    fixed: np.ndarray
    cap: np.ndarray
    cap_known: np.ndarray
    matching: np.ndarray      # (A,)
    num: np.ndarray           # (A,) ratio of each axis
    den: np.ndarray
    p_num: np.ndarray         # (R, A) ratio under the partnership (= num where none)
    p_den: np.ndarray
    partner: np.ndarray       # (R, A) the partnership ratio applies
    priority: np.ndarray      # (A,)
    eligible: tuple[bool | None, ...]
    weights: tuple[int, ...]

    @property
    def population(self) -> list[int | None]:
        return [f.population if f is not None else None for f in self.facts]

    def with_envelope(self, cents: int) -> Plan:
        """The same plan with another national envelope (for sweeps)."""
        return dataclasses.replace(self, scenario=dataclasses.replace(
            self.scenario, national_envelope=int(cents)))

    def with_ratio(self, axis: str, ratio: Fraction) -> Plan:
        """The same plan with another ratio on a matching axis (for sweeps)."""
        j = self.scenario.axis_ids.index(axis)
        axes = list(self.scenario.axes)
        axes[j] = dataclasses.replace(axes[j], ratio=ratio)
        s = dataclasses.replace(self.scenario, axes=tuple(axes))
        num, den = self.num.copy(), self.den.copy()
        num[j], den[j] = ratio.numerator, ratio.denominator
        p_num, p_den = self.p_num.copy(), self.p_den.copy()
        p_num[~self.partner[:, j], j], p_den[~self.partner[:, j], j] = num[j], den[j]
        return dataclasses.replace(self, scenario=s, num=num, den=den, p_num=p_num,
                                   p_den=p_den)

    def with_solidarity_share(self, share: Fraction) -> Plan:
        """The same plan with another solidarity share (for sweeps)."""
        s = self.scenario
        return dataclasses.replace(self, scenario=dataclasses.replace(
            s, solidarity=dataclasses.replace(s.solidarity, share=share)))


def compile_plan(scenario: Scenario, facts: Mapping[str, RegionFacts]) -> Plan:
    """Arrays for `scenario`; every Region must be known to `facts` (population may be None).
    Raises ScenarioError when the scenario breaks what the rules rely on (checks.py)."""
    problems = scenario_problems(scenario)
    unknown = [r for r in scenario.region_ids if r not in facts]
    if unknown:
        known = ", ".join(sorted(facts)[:20])
        problems += [(f"regions.{r}", f"no such Region in the population data (known: "
                      f"{known}). Use the ids of `cineatlas territories --level region`.")
                     for r in unknown]
    if problems:
        raise ScenarioError(scenario.path, problems)
    axes = scenario.axes
    shape = (len(scenario.regions), len(axes))
    arrays = {name: np.zeros(shape, dtype=np.int64)
              for name in ("commitment", "actual", "previous", "fixed", "cap")}
    known = {name: np.zeros(shape, dtype=bool)
             for name in ("present", "actual", "previous", "cap")}
    for i, region in enumerate(scenario.regions):
        for j, rule in enumerate(axes):
            line = region.line(rule.axis)
            if line is None:
                continue
            known["present"][i, j] = True
            arrays["commitment"][i, j] = line.commitment
            for name in ("actual", "previous"):
                value = getattr(line, name)
                known[name][i, j] = value is not None
                arrays[name][i, j] = value or 0
            cap = line.cap if line.cap is not None else rule.cap
            known["cap"][i, j] = cap is not None
            arrays["cap"][i, j] = cap or 0
            arrays["fixed"][i, j] = line.amount if line.amount is not None else rule.amount or 0
    matching = np.array([a.kind == "matching" for a in axes], dtype=bool)
    num = np.array([a.ratio.numerator if a.ratio is not None else 0 for a in axes], np.int64)
    den = np.array([a.ratio.denominator if a.ratio is not None else 1 for a in axes], np.int64)
    p_num, p_den = np.tile(num, (shape[0], 1)), np.tile(den, (shape[0], 1))
    partner = np.zeros(shape, dtype=bool)
    p_ratios = dict(scenario.partnership.ratios)
    for i, region_id in enumerate(scenario.region_ids):
        if region_id not in scenario.partnership.regions:
            continue
        for j, axis in enumerate(scenario.axis_ids):
            if axis in p_ratios:
                partner[i, j] = True
                p_num[i, j], p_den[i, j] = p_ratios[axis].numerator, p_ratios[axis].denominator
    region_facts = tuple(facts.get(r) for r in scenario.region_ids)
    sol = scenario.solidarity
    return Plan(
        scenario=scenario, facts=region_facts, present=known["present"],
        commitment=arrays["commitment"], actual=arrays["actual"], actual_known=known["actual"],
        previous=arrays["previous"], previous_known=known["previous"], fixed=arrays["fixed"],
        cap=arrays["cap"], cap_known=known["cap"], matching=matching, num=num, den=den,
        p_num=p_num, p_den=p_den, partner=partner,
        priority=np.array([a.priority for a in axes], dtype=np.int64),
        eligible=tuple(rules.eligible(f, sol) for f in region_facts),
        weights=tuple(rules.key_weight(f, sol) for f in region_facts),
    )


@dataclass(frozen=True)
class Run:
    """What the engine computed. Arrays are R × A cents; lists are per Region."""

    plan: Plan
    steps: tuple[tuple[str, np.ndarray], ...]
    basis: np.ndarray            # the Region's money the CNC follows (effort rule)
    claim: np.ndarray            # what the rule allows
    cnc: np.ndarray              # what the CNC gives on each line
    reserve: int                 # the solidarity reserve set aside
    convention_envelope: int     # national envelope − reserve
    binding: bool                # claims exceeded the convention envelope
    median: Fraction | None      # median CNC cents per inhabitant before solidarity
    needs: tuple[int, ...]       # catch-up needs (cents)
    catch_up: tuple[int, ...]    # solidarity parts: catch-up
    key: tuple[int, ...]         # solidarity parts: key

    @property
    def solidarity(self) -> np.ndarray:
        return np.array(self.catch_up, dtype=np.int64) + np.array(self.key, dtype=np.int64)

    @property
    def allocated(self) -> int:
        return int(self.cnc.sum()) + sum(self.catch_up) + sum(self.key)

    @property
    def unallocated(self) -> int:
        return self.plan.scenario.national_envelope - self.allocated

    @property
    def region_cnc(self) -> np.ndarray:
        """Each Region's CNC money, solidarity included."""
        return self.cnc.sum(axis=1) + self.solidarity


def run(plan: Plan) -> Run:
    """Apply the rules (module docstring) to a compiled plan."""
    s = plan.scenario
    present, matching = plan.present, plan.matching
    # base: matching axes follow the commitment, fixed axes give their amount
    on_commitment = rules.times(plan.commitment, plan.num, plan.den)
    base = np.where(present, np.where(matching, on_commitment, plan.fixed), 0)
    basis = rules.effort_basis(s.effort, plan.commitment, plan.actual, plan.actual_known)
    on_basis = rules.times(basis, plan.num, plan.den)
    effort = np.where(present & matching, on_basis - on_commitment, 0)
    partnered = rules.times(basis, plan.p_num, plan.p_den)
    partnership = np.where(present & matching & plan.partner, partnered - on_basis, 0)
    claim = base + effort + partnership
    cap = rules.bound(claim, plan.cap, present & plan.cap_known)
    claim = claim + cap
    freeze = rules.bound(claim, plan.previous, present & plan.previous_known & s.freeze)
    claim = claim + freeze

    any_eligible = any(e is True for e in plan.eligible)
    share = s.solidarity.share
    reserve = s.national_envelope * share.numerator // share.denominator if any_eligible else 0
    envelope = s.national_envelope - reserve
    binding = int(claim.sum()) > envelope
    if s.overflow == "priority":
        cnc = rules.by_priority(envelope, claim, plan.priority)
    else:
        cnc = rules.pro_rata(envelope, claim)

    population = plan.population
    chosen = [e is True for e in plan.eligible]
    target, needs = rules.catch_up_needs([int(x) for x in cnc.sum(axis=1)], population, chosen)
    catch, key = rules.split_reserve(reserve, needs, list(plan.weights), chosen,
                                     s.solidarity.catch_up)
    steps = (("base", base), ("effort", effort), ("partnership", partnership), ("cap", cap),
             ("freeze", freeze), ("envelope", cnc - claim))
    return Run(plan=plan, steps=steps, basis=np.where(present, basis, 0), claim=claim, cnc=cnc,
               reserve=reserve, convention_envelope=envelope, binding=binding, median=target,
               needs=tuple(needs), catch_up=tuple(catch), key=tuple(key))
