"""Where a beneficiary is: its territory from its commune code, postal code, city and
country."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cineatlas.text import clean


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
