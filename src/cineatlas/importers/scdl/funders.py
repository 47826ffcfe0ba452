"""The funders of an SCDL file: public bodies whose level of government and governed
territory are recognised from their SIREN and name (`importers.public_bodies`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from cineatlas.importers.public_bodies import PublicBody, recognise
from cineatlas.problems import WARNING, Problem, problem_type

if TYPE_CHECKING:
    from cineatlas.store import Store
    from cineatlas.territories.geocode import Geocoder

problem_type(
    "unknown-funder", "Funder not recognised",
    "The funder's level of government (commune, EPCI, département, région…) or the territory "
    "it governs could not be found from its SIREN or its name: give its SIRET in idAttribuant.",
)

def public_bodies(
    rows: pl.DataFrame, geocoder: Geocoder, known: dict[tuple[str, str | None], PublicBody | None]
) -> pl.DataFrame:
    """The funder's level and governed territory on each row (`public_bodies.recognise`, once
    per funder name and SIREN; `known` keeps them across batches)."""
    pairs = rows.select("nomAttribuant", "idAttribuant_siren").unique().iter_rows()
    for name, siren in pairs:
        if (name, siren) not in known:
            known[(name, siren)] = recognise(name, siren, geocoder)
    table = pl.DataFrame(
        [(name, siren, b.level if b else None, b.territory_id if b else None)
         for (name, siren), b in known.items()],
        schema={"nomAttribuant": pl.Utf8, "idAttribuant_siren": pl.Utf8,
                "funder_level": pl.Utf8, "governed_territory_id": pl.Utf8},
        orient="row",
    )
    return rows.join(table, on=["nomAttribuant", "idAttribuant_siren"], how="left",
                     nulls_equal=True, maintain_order="left")


def funder_warnings(store: Store, source_id: str) -> list[Problem]:
    """A warning for each funder whose level, or the territory it governs, is unknown."""
    funders = store.frame(
        "SELECT name, siren, funder_level, governed_territory_id FROM organisations "
        "WHERE source_id = ? AND is_funder ORDER BY name", [source_id]).rows()
    problems = []
    for name, siren, level, governed in funders:
        siren_text = f" (SIREN {siren})" if siren else " (no valid SIREN or SIRET)"
        if level is None:
            message = (
                f"The funder '{name}'{siren_text} was not recognised as a commune, an EPCI, a "
                "métropole, a département, a région or a State service, by its SIREN or its "
                "name: its level is unknown. Give its SIRET in idAttribuant, or write its name "
                "as 'Département de …', 'Région …', 'Ville de …'."
            )
        elif governed is None and level in ("communal", "departmental", "regional"):
            message = (
                f"The funder '{name}'{siren_text} is a {level} body, but the territory it "
                "governs was not found: check its SIRET in idAttribuant and its name."
            )
        else:
            continue
        problems.append(Problem(None, "nomAttribuant", "unknown-funder", WARNING, message, name))
    return problems
