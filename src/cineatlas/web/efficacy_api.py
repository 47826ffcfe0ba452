"""The API of the efficacy indicators' cohort tables (issue 14): for one territory, the works
funded in development each fiscal year and those whose production was funded within N years
(`queries.efficacy.development_cohorts`, computed by the cold workers as indicators are)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from cineatlas.indicators.definitions.efficacy import DEFAULT_HORIZON
from cineatlas.queries.efficacy import HORIZONS
from cineatlas.web import workers
from cineatlas.web.api import Level, _plain, atlas
from cineatlas.web.errors import INVALID, NOT_FOUND, Message, excerpt

router = APIRouter(prefix="/api/v1", responses=INVALID)

Horizon = Annotated[int, Query(ge=HORIZONS.start, le=HORIZONS.stop - 1, description=(
    "N: production funded within N fiscal years of the development year (4 by default)."))]


def cohorts_of(request: Request, territory_id: str, horizon: int) -> dict[str, Any]:
    """The cohort table of a territory at its own level (404 when the territory is unknown or
    its level has no indicators)."""
    place = request.app.state.views.territory(territory_id)
    if place is None or place["level"] not in Level.__members__:
        raise HTTPException(404, Message("No territory %(id)s.", id=excerpt(territory_id)))
    frame = atlas(request).workers.run(workers.development_cohorts, place["level"],
                                       territory_id, horizon)
    return {"territory_id": territory_id, "level": place["level"], "horizon": horizon,
            "indicator": "development_to_production_rate", "cohorts": frame.to_dicts()}


@router.get("/efficacy/development-cohorts/{territory_id}", responses=NOT_FOUND,
            summary="Development → production: a territory's cohort table")
def development_cohorts(request: Request, territory_id: Annotated[str, Path(max_length=40)],
                        horizon: Horizon = DEFAULT_HORIZON) -> dict[str, Any]:
    """One row per complete cohort (the fiscal year of a work's first development award) and
    category (`all`; `metropolis` and `outside_metropolis` where the territory holds a
    metropolis): `funded_in_development`, `produced` (production funded within `horizon`
    fiscal years, by any funder), `rate`, `median_years` to production. A work in several
    records joined by resolution counts once; cohorts too recent for the horizon are left
    out. The method: /indicators/development_to_production_rate."""
    return {"data": _plain(cohorts_of(request, territory_id, horizon))}
