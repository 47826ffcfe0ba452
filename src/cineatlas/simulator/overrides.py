"""Changing a scenario's main parameters (what the web form edits): the changed figures are
marked "set by the user", hence illustrative; every bad value is reported at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from cineatlas.simulator import money
from cineatlas.simulator.checks import freeze_problems, shown, suggest
from cineatlas.simulator.scenario import OVERFLOW_RULES, Provenance, Scenario, ScenarioError


def apply_overrides(s: Scenario, *, national_envelope: int | None = None,
                    ratios: Mapping[str, object] | None = None, solidarity_share: object = None,
                    freeze: bool | None = None, overflow: str | None = None,
                    partnership_regions: Iterable[str] | None = None) -> Scenario:
    """See `Scenario.with_overrides`."""
    problems: list[tuple[str, str]] = []
    changes: dict[str, Any] = {}
    touched: list[tuple[str, str, str]] = []  # (parameter, value text, provenance table)
    if national_envelope is not None:
        if (isinstance(national_envelope, bool) or not isinstance(national_envelope, int)
                or not 0 <= national_envelope <= money.MAX_CENTS):
            problems.append(("national_envelope", "expected whole cents between 0 and "
                             f"{money.MAX_CENTS:,}, got {shown(national_envelope)}."))
        else:
            changes["national_envelope"] = national_envelope
            touched.append(("national_envelope", money.cents_to_euros_text(national_envelope),
                            "envelope"))
    if ratios:
        axes = list(s.axes)
        for axis, value in ratios.items():
            index = next((i for i, a in enumerate(axes) if a.axis == axis), None)
            if index is None or axes[index].kind != "matching":
                matching = ", ".join(a.axis for a in axes if a.kind == "matching")
                problems.append((f"ratio.{axis}", "not a matching axis of the scenario (its "
                                 f"matching axes: {matching})."))
                continue
            try:
                ratio = money.parse_ratio(value)
            except ValueError as exc:
                problems.append((f"ratio.{axis}", f"{exc}; give \"1:2\" or a Fraction."))
                continue
            axes[index] = dataclasses.replace(axes[index], ratio=ratio)
            touched.append((f"ratio.{axis}", money.ratio_text(ratio), f"axes.{axis}"))
        changes["axes"] = tuple(axes)
    if solidarity_share is not None:
        try:
            share = money.parse_share(solidarity_share)
            changes["solidarity"] = dataclasses.replace(s.solidarity, share=share)
            touched.append(("solidarity_share", str(float(share)), "solidarity"))
        except ValueError as exc:
            problems.append(("solidarity_share", f"{exc}; give a share such as 0.05."))
    if freeze is not None:
        changes["freeze"] = bool(freeze)
        touched.append(("freeze", str(bool(freeze)).lower(), "rules"))
    if overflow is not None:
        if overflow not in OVERFLOW_RULES:
            problems.append(("overflow", f"{overflow!r} is not one of "
                             f"{', '.join(OVERFLOW_RULES)}."))
        else:
            changes["overflow"] = overflow
            touched.append(("overflow", overflow, "rules"))
    if partnership_regions is not None:
        chosen = tuple(partnership_regions)
        for region in chosen:
            if region not in s.region_ids:
                problems.append(("partnership_regions", f"{region!r} is not a Region of the "
                                 f"scenario{suggest(region, s.region_ids)}."))
        changes["partnership"] = dataclasses.replace(s.partnership, regions=chosen)
        touched.append(("partnership_regions", ",".join(chosen) or "none", "partnership"))
    if problems:
        raise ScenarioError(s.path, problems)
    provenance = list(s.provenance)
    for _, _, table in touched:
        if table == "rules":
            continue
        provenance = [p for p in provenance if p.table != table]
        provenance.append(Provenance(table, "set by the user", True))
    kept = [(k, v) for k, v in s.overrides if k not in {t[0] for t in touched}]
    changed = dataclasses.replace(s, **changes, provenance=tuple(provenance),
                                  overrides=tuple(kept + [(k, v) for k, v, _ in touched]))
    freeze_missing = freeze_problems(changed)
    if freeze_missing:
        raise ScenarioError(s.path, [("freeze", f"cannot freeze: {len(freeze_missing)} lines "
                                      f"have no previous level, e.g. {freeze_missing[0][0]}.")])
    return changed
