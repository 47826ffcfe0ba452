"""Where things are: a beneficiary's territory from its commune code, postal code, city and
country; the territory a funder governs from a territory id or an INSEE/COG code."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cineatlas.text import clean

if TYPE_CHECKING:
    from cineatlas.territories.geocode import Geocoder

#: A territory id as the store writes them: 'FR', 'FR-R52', 'FR-D2A', 'CA-QC-M66023'.
TERRITORY_ID = re.compile(r"[A-Z]{2}(-[A-Z0-9]+)*")
#: An INSEE/COG code: a commune (5 characters), a département (2 or 3), a région (2).
COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
AREA_CODE = re.compile(r"\d{2,3}|2[AB]")
#: The levels of territory each level of government governs. Not checked for the others
#: (the store has no intercommunal bodies: a métropole may name its metropolis or its city).
GOVERNS: dict[str, tuple[str, ...]] = {
    "national": ("country",), "provincial": ("province", "state"),
    "regional": ("region", "qc_region"), "departmental": ("department",),
    "communal": ("commune", "municipality"),
}
_NAMES = {"country": "a country", "province": "a province", "state": "a state",
          "region": "a région", "qc_region": "a Québec administrative region",
          "department": "a département", "commune": "a commune",
          "municipality": "a municipality"}


def territory_candidates(text: str, level: str | None) -> list[str]:
    """The territory ids `text` may stand for: itself when it is an id, the commune of a
    5-character code, the région or the département of a 2- or 3-character code (one of them
    when `level` is regional or departmental); [] when it is neither an id nor a code."""
    code = text.strip().upper().removesuffix(".0")
    if COMMUNE_CODE.fullmatch(code):
        return [f"FR-C{code}"]
    if AREA_CODE.fullmatch(code):
        return {"regional": [f"FR-R{code}"], "departmental": [f"FR-D{code}"]}.get(
            level or "", [f"FR-R{code}", f"FR-D{code}"])
    return [code] if TERRITORY_ID.fullmatch(code) else []


def not_a_territory(text: str) -> str:
    return (
        f"{text!r} is not a territory id (FR-R52, FR-D44, FR-C44109, CA-QC…) nor an INSEE "
        "code (région 52, département 44, commune 44109)."
    )


def governed_territory(
    text: str, level: str | None, geocoder: Geocoder,
) -> tuple[str | None, str | None]:
    """(territory id, None), or (None, why not), for the territory a funder of `level`
    governs, written `text`: a territory id ('FR-R52', 'FR-D44') or an INSEE/COG code ('52'
    is the région with a regional funder, the département with a departmental one; '44109' a
    commune), among the store's territories (the geocoder's)."""
    candidates = territory_candidates(text, level)
    if not candidates:
        return None, not_a_territory(text)
    found = [c for c in candidates if c in geocoder.rows]
    if not found:
        return None, (
            f"{text!r} is not among the store's territories ({' nor '.join(candidates)} "
            "unknown). Write the territory id (FR-R52, FR-D44…) or the INSEE code of the "
            "territory the funder governs."
        )
    expected = GOVERNS.get(level or "")
    if expected:
        fitting = [c for c in found if geocoder.rows[c].level in expected]
        if not fitting:
            return None, _wrong_level(text, found, level or "", geocoder)
        found = fitting
    if len(found) > 1:
        return None, (
            f"{text!r} is the code of the région {found[0]} and of the département {found[1]}: "
            "write the territory id, or say the funder_level (regional or departmental)."
        )
    return found[0], None


def _wrong_level(text: str, found: list[str], level: str, geocoder: Geocoder) -> str:
    names = [_NAMES.get(geocoder.rows[c].level, geocoder.rows[c].level) for c in found]
    if len(found) == 1:
        what = f"{found[0]} is {names[0]}"
    else:
        pairs = zip(names, found, strict=True)
        what = f"{text!r} is " + " or ".join(f"{n} ({c})" for n, c in pairs)
    governed = " or ".join(_NAMES[e] for e in GOVERNS[level])
    return f"{what}, but a {level} funder governs {governed}: check funder_level and the territory."


def locate(
    geocoder_of: Callable[[], Any], insee: str, postal: str, city: str, country_text: str, *,
    default_country: str = "FR",
) -> tuple[str | None, str | None]:
    """(territory id, country code) of a beneficiary from its commune code, postal code, city
    and country, in that order of trust. The geocoder is only asked for when needed (building
    the reference territories takes a while)."""
    country = None
    if country_text:
        if re.fullmatch(r"[A-Za-z]{2}", country_text):
            country = country_text.upper()
        else:
            country = geocoder_of().country(country_text)
    where = country or default_country
    territory = None
    if insee and where == "FR":
        territory = geocoder_of().commune(insee)
    if territory is None and postal and where == "FR":
        territory = geocoder_of().postal_code(postal, city or None)
    if territory is None and city and where in ("FR", "CA"):
        within = None
        if where == "FR" and re.fullmatch(r"\d{5}", postal) and not postal.startswith("20"):
            within = f"FR-D{postal[:3] if postal.startswith('97') else postal[:2]}"
        territory = geocoder_of().city(clean(city), country=where, within=within)
    if territory is not None:
        country = territory.split("-")[0]
    return territory, country
