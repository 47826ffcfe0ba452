"""What a built scenario must satisfy before it is run, and how problems are phrased.

Files are checked as they are read (`reading.py`); a scenario built or changed in code is
checked by `scenario_problems` when it is compiled, so that no rule silently reads a missing
figure as zero. Each problem is (field path, message saying what to do).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from fractions import Fraction

from cineatlas.simulator.money import MAX_CENTS, MAX_DENOMINATOR, MAX_RATIO
from cineatlas.simulator.scenario import (
    EFFORT_RULES,
    OVERFLOW_RULES,
    SOLIDARITY_KEYS,
    Scenario,
)

Problems = list[tuple[str, str]]


def shown(value: object) -> str:
    """A value as quoted in a message (cut at 60 characters)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest option, or ''."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def freeze_problems(scenario: Scenario) -> Problems:
    """Lines lacking the previous level the freeze needs."""
    if not scenario.freeze:
        return []
    return [(f"regions.{region.region_id}.{axis}.previous",
             "missing: the freeze is on, so every line needs the CNC's previous contribution "
             "(previous = …), or set rules.freeze = false.")
            for region in scenario.regions for axis, line in region.lines
            if line.previous is None]


def scenario_problems(s: Scenario) -> Problems:
    """Everything the engine relies on: known rules, amounts in whole cents from 0 to
    MAX_CENTS, ratios from 0 to MAX_RATIO, an amount on every fixed line, a previous level on
    every line when frozen, lines only on declared axes."""
    problems: Problems = []
    _amount(problems, "envelope.national", s.national_envelope, required=True)
    for name, value, options in (("rules.effort", s.effort, EFFORT_RULES),
                                 ("rules.overflow", s.overflow, OVERFLOW_RULES),
                                 ("solidarity.key", s.solidarity.key, SOLIDARITY_KEYS)):
        if value not in options:
            problems.append((name, f"{shown(value)} is not one of {', '.join(options)}."))
    _ratio(problems, "rules.reference_ratio", s.reference_ratio)
    for name, share in (("solidarity.share", s.solidarity.share),
                        ("solidarity.min_share", s.solidarity.min_share)):
        if not isinstance(share, Fraction) or not 0 <= share <= 1:
            problems.append((name, f"expected a Fraction from 0 to 1, got {shown(share)}."))
    rules = {}
    for rule in s.axes:
        path = f"axes.{rule.axis}"
        if rule.axis in rules:
            problems.append((path, "declared twice: keep one."))
        rules[rule.axis] = rule
        if rule.kind == "matching":
            _ratio(problems, f"{path}.ratio", rule.ratio)
        elif rule.kind != "fixed":
            problems.append((f"{path}.kind", f"{shown(rule.kind)} is not matching or fixed."))
        _amount(problems, f"{path}.amount", rule.amount)
        _amount(problems, f"{path}.cap", rule.cap)
        if isinstance(rule.priority, bool) or not isinstance(rule.priority, int) \
                or rule.priority < 1:
            problems.append((f"{path}.priority", f"expected a whole number from 1, got "
                             f"{shown(rule.priority)}."))
    for axis, ratio in s.partnership.ratios:
        _ratio(problems, f"partnership.ratio.{axis}", ratio)
    seen: set[str] = set()
    for region in s.regions:
        if region.region_id in seen:
            problems.append((f"regions.{region.region_id}", "declared twice: keep one."))
        seen.add(region.region_id)
        for axis, line in region.lines:
            path = f"regions.{region.region_id}.{axis}"
            rule = rules.get(axis)
            if rule is None:
                problems.append((path, f"the scenario declares no rule for {axis}: add "
                                 f"[axes.{axis}] or remove this line."))
                continue
            _amount(problems, f"{path}.commitment", line.commitment, required=True)
            for key in ("actual", "previous", "amount", "cap"):
                _amount(problems, f"{path}.{key}", getattr(line, key))
            if rule.kind == "fixed" and rule.amount is None and line.amount is None:
                problems.append((f"{path}.amount", f"missing: axis {axis} is fixed and has no "
                                 f"default amount; give this Region's amount or set "
                                 f"axes.{axis}.amount."))
    return problems + freeze_problems(s)


def _amount(problems: Problems, path: str, value: object, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CENTS:
        problems.append((path, f"expected whole cents from 0 to {MAX_CENTS:,}, got "
                         f"{shown(value)}."))


def _ratio(problems: Problems, path: str, value: object) -> None:
    if (not isinstance(value, Fraction) or not 0 <= value <= MAX_RATIO
            or value.denominator > MAX_DENOMINATOR):
        problems.append((path, f"expected a Fraction of CNC euros per Region euro from 0 to "
                         f"{MAX_RATIO}, denominator at most {MAX_DENOMINATOR:,} "
                         f"(money.parse_ratio(\"1:2\") gives one), got {shown(value)}."))
