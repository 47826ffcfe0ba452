"""Writing a scenario back into the file format: `scenario_from_dict` reads it unchanged."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from cineatlas.simulator import money
from cineatlas.simulator.reading import LINE_KEYS
from cineatlas.simulator.scenario import Scenario


def _euros(cents: int) -> int | float:
    whole, part = divmod(cents, 100)
    return whole if part == 0 else float(f"{whole}.{part:02d}")


def _share(share: Fraction) -> float | int:
    return int(share) if share.denominator == 1 else float(share)


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The scenario in the file format; `scenario_from_dict` reads it back unchanged."""
    prov = {p.table: p for p in s.provenance}

    def with_prov(table: str, body: dict[str, Any]) -> dict[str, Any]:
        p = prov.get(table)
        if p is not None:
            if p.source is not None:
                body["source"] = p.source
            body["illustrative"] = p.illustrative
        return body

    head: dict[str, Any] = {"id": s.id, "title": s.title, "period": list(s.period),
                            "currency": s.currency}
    if s.description:
        head["description"] = s.description
    if s.overrides:
        head["overrides"] = [list(pair) for pair in s.overrides]
    axes = {}
    for rule in s.axes:
        body: dict[str, Any] = {"kind": rule.kind, "priority": rule.priority}
        if rule.ratio is not None:
            body["ratio"] = money.ratio_text(rule.ratio)
        for key in ("amount", "cap"):
            if getattr(rule, key) is not None:
                body[key] = _euros(getattr(rule, key))
        axes[rule.axis] = with_prov(f"axes.{rule.axis}", body)
    regions = {}
    for region in s.regions:
        body = {"name": region.name} if region.name is not None else {}
        for axis, line in region.lines:
            body[axis] = {key: _euros(getattr(line, key)) for key in LINE_KEYS
                          if getattr(line, key) is not None}
        regions[region.region_id] = with_prov(f"regions.{region.region_id}", body)
    out: dict[str, Any] = {
        "scenario": head,
        "envelope": with_prov("envelope", {"national": _euros(s.national_envelope)}),
        "rules": {"effort": s.effort, "freeze": s.freeze, "overflow": s.overflow,
                  "reference_ratio": money.ratio_text(s.reference_ratio)},
        "axes": axes,
        "regions": regions,
    }
    if "partnership" in prov or s.partnership.regions or s.partnership.ratios:
        out["partnership"] = with_prov("partnership", {
            "regions": list(s.partnership.regions),
            "ratio": {a: money.ratio_text(x) for a, x in s.partnership.ratios}})
    if "solidarity" in prov or s.solidarity.share:
        sol = s.solidarity
        out["solidarity"] = with_prov("solidarity", {
            "share": _share(sol.share), "overseas": sol.overseas, "classes": list(sol.classes),
            "min_share": _share(sol.min_share), "key": sol.key, "catch_up": sol.catch_up})
    return out
