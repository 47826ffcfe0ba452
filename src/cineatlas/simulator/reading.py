"""Reading a scenario from a mapping in the file format (docs/simulator.md), with every
problem reported at once.

Each problem names the field by its path in the file (`regions.FR-R84.diffusion.commitment`)
and says what to write instead; `ScenarioError` carries them all with the file's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from cineatlas.simulator import money
from cineatlas.simulator.checks import freeze_problems, shown, suggest
from cineatlas.simulator.scenario import (
    AXES,
    DENSITY_CLASSES,
    EFFORT_RULES,
    ONE_FOR_TWO,
    OVERFLOW_RULES,
    SOLIDARITY_KEYS,
    AxisRule,
    Line,
    Partnership,
    Provenance,
    RegionInput,
    Scenario,
    ScenarioError,
    Solidarity,
)

AMOUNT_FIX = "write an amount in euros, e.g. 1200000 or 1200000.50"
PROVENANCE_KEYS = ("source", "illustrative")
AXIS_KEYS = ("kind", "ratio", "amount", "cap", "priority", *PROVENANCE_KEYS)
LINE_KEYS = ("commitment", "actual", "previous", "amount", "cap")


class _Reader:
    """Collects problems while reading a raw mapping."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def table(self, raw: object, path: str, allowed: Iterable[str] = (),
              required: Iterable[str] = (), *, open_keys: bool = False) -> dict[str, Any]:
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            self.problem(path, f"expected a table of keys, got {shown(raw)}.")
            return {}
        allowed = tuple(allowed)
        for key in raw:
            if not open_keys and key not in allowed:
                self.problem(f"{path}.{key}", f"unknown key{suggest(str(key), allowed)} "
                             f"(allowed: {', '.join(allowed)}).")
        for key in required:
            if key not in raw:
                self.problem(f"{path}.{key}", "missing: this key is required.")
        return dict(raw)

    def amount(self, raw: Mapping[str, Any], path: str, key: str) -> int | None:
        if key not in raw:
            return None
        try:
            return money.euros_to_cents(raw[key])
        except ValueError as exc:
            self.problem(f"{path}.{key}", f"{exc}; {AMOUNT_FIX}.")
            return None

    def choice(self, raw: Mapping[str, Any], path: str, key: str, options: tuple[str, ...],
               default: str) -> str:
        value = raw.get(key, default)
        if value not in options:
            self.problem(f"{path}.{key}", f"{shown(value)} is not one of {', '.join(options)}"
                         f"{suggest(str(value), options)}.")
            return default
        return str(value)

    def boolean(self, raw: Mapping[str, Any], path: str, key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"{path}.{key}", f"expected true or false, got {shown(value)}.")
            return default
        return value

    def text(self, raw: Mapping[str, Any], path: str, key: str, default: str | None) -> str | None:
        value = raw.get(key, default)
        if value is not None and not isinstance(value, str):
            self.problem(f"{path}.{key}", f"expected text in quotes, got {shown(value)}.")
            return default
        return value

    def ratio(self, value: object, path: str) -> Fraction | None:
        try:
            return money.parse_ratio(value)
        except ValueError as exc:
            self.problem(path, f"{exc}; write CNC euros : Region euros, e.g. \"1:2\".")
            return None

    def share(self, raw: Mapping[str, Any], path: str, key: str, default: Fraction) -> Fraction:
        if key not in raw:
            return default
        try:
            return money.parse_share(raw[key])
        except ValueError as exc:
            self.problem(f"{path}.{key}", f"{exc}; write a share such as 0.05 for 5%.")
            return default

    def provenance(self, raw: Mapping[str, Any], path: str) -> Provenance:
        source = self.text(raw, path, "source", None)
        illustrative = self.boolean(raw, path, "illustrative", source is None)
        if not illustrative and not source:
            self.problem(f"{path}.illustrative", "false, but no source is cited: add "
                         "source = \"where the figures come from\" or set illustrative = true.")
            illustrative = True
        return Provenance(path, source, illustrative)



def scenario_from_dict(data: object, *, file: object = None) -> Scenario:
    """Validate a mapping in the file format; raises ScenarioError listing every problem."""
    r = _Reader()
    top = r.table(data, "(top)", ("scenario", "envelope", "rules", "axes", "partnership",
                                  "solidarity", "regions"), ("scenario", "envelope", "axes",
                                                             "regions"))
    head = r.table(top.get("scenario"), "scenario",
                   ("id", "title", "description", "period", "currency", "overrides"), ("id",))
    scenario_id = r.text(head, "scenario", "id", "scenario") or "scenario"
    period = _period(r, head.get("period", [2026, 2028]))
    currency = r.text(head, "scenario", "currency", "EUR") or "EUR"
    overrides = _overrides(r, head.get("overrides", []))

    envelope = r.table(top.get("envelope"), "envelope", ("national", *PROVENANCE_KEYS),
                       ("national",))
    provenance = [r.provenance(envelope, "envelope")]
    national = r.amount(envelope, "envelope", "national") or 0

    rules = r.table(top.get("rules"), "rules", ("effort", "freeze", "overflow", "reference_ratio"))
    reference = (r.ratio(rules["reference_ratio"], "rules.reference_ratio")
                 if "reference_ratio" in rules else ONE_FOR_TWO) or ONE_FOR_TWO
    axes, axis_provenance = _axes(r, top.get("axes"))
    provenance += axis_provenance
    axis_ids = tuple(a.axis for a in axes)
    regions, region_provenance = _regions(r, top.get("regions"), axes)
    provenance += region_provenance
    region_ids = tuple(x.region_id for x in regions)
    partnership, prov = _partnership(r, top.get("partnership"), axes, region_ids)
    provenance += prov
    solidarity, prov = _solidarity(r, top.get("solidarity"))
    provenance += prov
    scenario = Scenario(
        id=scenario_id, title=r.text(head, "scenario", "title", scenario_id) or scenario_id,
        description=r.text(head, "scenario", "description", "") or "", period=period,
        currency=currency, national_envelope=national, reference_ratio=reference,
        effort=r.choice(rules, "rules", "effort", EFFORT_RULES, "actual"),
        freeze=r.boolean(rules, "rules", "freeze", False),
        overflow=r.choice(rules, "rules", "overflow", OVERFLOW_RULES, "pro_rata"),
        axes=axes, regions=regions, partnership=partnership, solidarity=solidarity,
        provenance=tuple(p for p in provenance if p is not None), overrides=overrides,
        path=str(file) if file is not None else None,
    )
    if not axis_ids and "axes" in top:
        r.problem("axes", "no axis: declare at least one, e.g. [axes.writing_development].")
    r.problems += freeze_problems(scenario)
    if r.problems:
        raise ScenarioError(file, r.problems)
    return scenario


def _period(r: _Reader, raw: object) -> tuple[int, int]:
    ok = (isinstance(raw, list | tuple) and len(raw) == 2
          and all(isinstance(y, int) and not isinstance(y, bool) and 1900 <= y <= 2100
                  for y in raw) and raw[0] <= raw[1])
    if not ok:
        r.problem("scenario.period", f"expected [first year, last year] such as [2026, 2028], "
                  f"got {shown(raw)}.")
        return (2026, 2028)
    return int(raw[0]), int(raw[1])


def _overrides(r: _Reader, raw: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not all(isinstance(x, list | tuple) and len(x) == 2
                                            for x in raw):
        r.problem("scenario.overrides", "expected a list of [parameter, value] pairs.")
        return ()
    return tuple((str(a), str(b)) for a, b in raw)



def _axes(r: _Reader, raw: object) -> tuple[tuple[AxisRule, ...], list[Provenance]]:
    table = r.table(raw, "axes", AXES)
    rules, provenance = [], []
    for position, (axis, spec) in enumerate(table.items(), start=1):
        if axis not in AXES:
            continue
        path = f"axes.{axis}"
        spec = r.table(spec, path, AXIS_KEYS)
        kind = r.choice(spec, path, "kind", ("matching", "fixed"), "matching")
        ratio = r.ratio(spec["ratio"], f"{path}.ratio") if "ratio" in spec else ONE_FOR_TWO
        amount = r.amount(spec, path, "amount")
        if kind == "fixed" and "ratio" in spec:
            r.problem(f"{path}.ratio", "a fixed axis has no ratio: remove it, or set "
                      "kind = \"matching\".")
        if kind == "matching" and amount is not None:
            r.problem(f"{path}.amount", "a matching axis has no fixed amount: remove it, or set "
                      "kind = \"fixed\".")
        priority = spec.get("priority", position)
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
            r.problem(f"{path}.priority", f"expected a whole number from 1 (served first), got "
                      f"{shown(priority)}.")
            priority = position
        rules.append(AxisRule(axis, kind, ratio if kind == "matching" else None, amount,
                              r.amount(spec, path, "cap"), priority))
        # the public 1:2 rule needs no source; any other figure does
        assumed = {"amount", "cap"} & set(spec) or (kind == "matching" and ratio != ONE_FOR_TWO)
        if assumed or set(PROVENANCE_KEYS) & set(spec):
            provenance.append(r.provenance(spec, path))
    return tuple(rules), provenance



def _regions(r: _Reader, raw: object, axes: tuple[AxisRule, ...]
             ) -> tuple[tuple[RegionInput, ...], list[Provenance]]:
    table = r.table(raw, "regions", open_keys=True)
    if isinstance(raw, Mapping) and not raw:
        r.problem("regions", "no Region: add one, e.g. [regions.FR-R84].")
    kinds = {a.axis: a for a in axes}
    regions, provenance = [], []
    for region_id, spec in table.items():
        path = f"regions.{region_id}"
        spec = r.table(spec, path, ("name", *PROVENANCE_KEYS, *AXES))
        provenance.append(r.provenance(spec, path))
        lines = []
        for axis in AXES:
            if axis not in spec:
                continue
            if axis not in kinds:
                r.problem(f"{path}.{axis}", f"the scenario declares no rule for {axis}: add "
                          f"[axes.{axis}] or remove this line.")
                continue
            line = _line(r, spec[axis], f"{path}.{axis}", kinds[axis])
            if line is not None:
                lines.append((axis, line))
        regions.append(RegionInput(str(region_id), r.text(spec, path, "name", None),
                                   tuple(lines)))
    return tuple(regions), provenance


def _line(r: _Reader, raw: object, path: str, rule: AxisRule) -> Line | None:
    if not isinstance(raw, Mapping):
        raw = {"commitment": raw}  # shorthand: `diffusion = 500000` is the commitment
    spec = r.table(raw, path, LINE_KEYS, ("commitment",))
    line = Line(*(r.amount(spec, path, key) for key in LINE_KEYS))
    if rule.kind == "fixed" and rule.amount is None and line.amount is None:
        r.problem(f"{path}.amount", f"missing: axis {rule.axis} is fixed and has no default "
                  f"amount; give this Region's amount or set axes.{rule.axis}.amount.")
    if rule.kind == "matching" and line.amount is not None:
        r.problem(f"{path}.amount", f"axis {rule.axis} is a matching axis: a fixed amount "
                  "does not apply (remove it).")
    return line if line.commitment is not None else None


def _partnership(r: _Reader, raw: object, axes: tuple[AxisRule, ...],
                 region_ids: tuple[str, ...]) -> tuple[Partnership, list[Provenance]]:
    if raw is None:
        return Partnership(), []
    spec = r.table(raw, "partnership", ("regions", "ratio", *PROVENANCE_KEYS))
    regions = spec.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(x, str) for x in regions):
        r.problem("partnership.regions", "expected a list of Region ids such as [\"FR-R53\"].")
        regions = []
    for region in regions:
        if region not in region_ids:
            r.problem("partnership.regions", f"{region!r} is not a Region of the scenario"
                      f"{suggest(region, region_ids)}.")
    ratios = _partnership_ratios(r, spec.get("ratio", {}), {a.axis: a for a in axes})
    return Partnership(tuple(regions), ratios), [r.provenance(spec, "partnership")]


def _partnership_ratios(r: _Reader, raw: object, rules: Mapping[str, AxisRule]
                        ) -> tuple[tuple[str, Fraction], ...]:
    table = r.table(raw, "partnership.ratio", AXES)
    out = []
    for axis, value in table.items():
        if axis not in AXES:
            continue
        if axis not in rules or rules[axis].kind != "matching":
            r.problem(f"partnership.ratio.{axis}", "the partnership ratio applies to matching "
                      "axes of the scenario only: remove it or declare the axis as matching.")
            continue
        ratio = r.ratio(value, f"partnership.ratio.{axis}")
        if ratio is not None:
            out.append((axis, ratio))
    return tuple(out)


def _solidarity(r: _Reader, raw: object) -> tuple[Solidarity, list[Provenance]]:
    if raw is None:
        return Solidarity(), []
    path = "solidarity"
    spec = r.table(raw, path, ("share", "overseas", "classes", "min_share", "key", "catch_up",
                               *PROVENANCE_KEYS))
    classes = spec.get("classes", ["rural", "remote_rural"])
    if not isinstance(classes, list) or not all(c in DENSITY_CLASSES for c in classes):
        r.problem(f"{path}.classes", f"expected a list of density classes among "
                  f"{', '.join(DENSITY_CLASSES)}, got {shown(classes)}.")
        classes = ["rural", "remote_rural"]
    default = Solidarity()
    solidarity = Solidarity(
        share=r.share(spec, path, "share", default.share),
        overseas=r.boolean(spec, path, "overseas", default.overseas),
        classes=tuple(classes),
        min_share=r.share(spec, path, "min_share", default.min_share),
        key=r.choice(spec, path, "key", SOLIDARITY_KEYS, default.key),
        catch_up=r.boolean(spec, path, "catch_up", default.catch_up),
    )
    return solidarity, [r.provenance(spec, path)]
