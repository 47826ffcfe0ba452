"""Where a scheme is open: the standard's COG codes, territory ids, and a scheme's reach.

Etalab's standard writes geographic eligibility as COG codes joined by pipes: `PAYS-99100`
(France), `REG-75` (a région), `DEP-33` (a département), `COM-33063` (a commune); the
catalogue also takes the store's territory ids (`FR-R75`, `CA-QC`, `CA-QC-R06`), so that a
Québec scheme can be described. `territory_of` turns either into a territory id.

A scheme's **reach** is where it may apply: its published geographic eligibility when there is
one (minus its exclusions), else the territory its funder governs (a Région's scheme reaches
the Région; the CNC's, France) — a reach read from the funder, which the finder says as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cineatlas.queries.schemes import Scheme

#: COG country codes of the countries the atlas covers.
COUNTRIES = {"99100": "FR", "99401": "CA"}
_TERRITORY_ID = {"FR": "FR", "CA": "CA"}
_COG = re.compile(r"^(PAYS|REG|DEP|COM)-([0-9AB]{2,5})$", re.IGNORECASE)
_ID = re.compile(r"^(FR|CA)(-[A-Z0-9]+)*$")


def territory_of(code: str) -> str | None:
    """The territory id of a COG code ('REG-75' -> 'FR-R75', 'DEP-2A' -> 'FR-D2A',
    'COM-33063' -> 'FR-C33063', 'PAYS-99100' -> 'FR') or of a territory id given as such;
    None when it is neither (an EPCI's code, a country the atlas does not cover)."""
    text = code.strip()
    match = _COG.match(text)
    if match:
        kind, number = match.group(1).upper(), match.group(2).upper()
        if kind == "PAYS":
            return COUNTRIES.get(number)
        prefix = {"REG": "FR-R", "DEP": "FR-D", "COM": "FR-C"}[kind]
        return prefix + number
    return text if _ID.match(text) else None


def cog_of(territory_id: str) -> str | None:
    """The standard's COG code of a French territory or of a country ('FR-R75' -> 'REG-75');
    None for a territory the COG does not name (Québec's) or that the standard's pattern
    cannot write (Corsica's départements 2A and 2B, which have a letter)."""
    for country, code in ((v, k) for k, v in COUNTRIES.items()):
        if territory_id == country:
            return f"PAYS-{code}"
    for prefix, kind in (("FR-R", "REG"), ("FR-D", "DEP"), ("FR-C", "COM")):
        if territory_id.startswith(prefix):
            number = territory_id.removeprefix(prefix)
            return f"{kind}-{number}" if number.isdigit() else None
    return None


@dataclass(frozen=True)
class Reach:
    """Where a scheme may apply: `territories` (ids) minus `exclusions`; `basis` says how it
    is known — 'published' (its geographic eligibility), 'funder' (the territory its funder
    governs) or None (unknown: `territories` is empty). `unmapped` lists published codes no
    territory of the atlas matches."""

    territories: tuple[str, ...]
    exclusions: tuple[str, ...]
    basis: str | None
    unmapped: tuple[str, ...] = ()


def reach(scheme: Scheme) -> Reach:
    """A scheme's reach (see the module's docstring)."""
    published = scheme.get("geographic_eligibility") or []
    excluded = scheme.get("geographic_exclusions") or []
    exclusions = tuple(t for t in map(territory_of, excluded) if t)
    if published:
        mapped = [(code, territory_of(code)) for code in published]
        unmapped = tuple(code for code, t in mapped if t is None)
        return Reach(tuple(t for _, t in mapped if t), exclusions, "published", unmapped)
    if scheme.governed_territory_id:
        return Reach((scheme.governed_territory_id,), exclusions, "funder")
    return Reach((), exclusions, None)
