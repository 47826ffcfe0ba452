"""The CNC as a funder, as every CNC source writes it (the commission results, the list of
scheme names): one name and level, so that its sources' CNC is one body
(`queries.funders.same_body`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.importers.base import ImportContext

FUNDER_NAME = "CNC (Centre national du cinéma et de l'image animée)"
#: The title of a fund's award list: the CNC's commission-results pages.
RESULTS_TITLE = "Résultats des commissions (cnc.fr)"


def cnc_funder_id(ctx: ImportContext) -> str:
    """The id of the CNC as a funder in this source."""
    return ctx.entity_id("org", pl.Series([name_key(FUNDER_NAME)])).item()


def funder_frame(funder_id: str) -> pl.DataFrame:
    """The CNC's `organisations` row: a national public body governing France."""
    return pl.DataFrame({
        "organisation_id": [funder_id], "name": [FUNDER_NAME],
        "name_key": [name_key(FUNDER_NAME)], "kind": ["public_body"], "is_funder": [True],
        "territory_id": ["FR"], "country_code": ["FR"], "funder_level": ["national"],
        "governed_territory_id": ["FR"]})
