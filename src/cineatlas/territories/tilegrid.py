"""Tile-grid layouts: one square per territory, placed roughly where it lies, so a map can
always be drawn, even without outlines. Each layout is a list of (territory_id, column,
row), column 0 on the west, row 0 on the north.

Canada (13 provinces and territories)::

    YT NT NU
    BC AB SK MB ON QC NL
                   NB PE
                      NS

France (18 regions; the five overseas regions on a row of their own)::

       NOR HDF
    BRE PDL IDF GES
       NAQ CVL BFC
       OCC ARA PAC
                   COR

    GUA MAR GUY REU MAY
"""

from __future__ import annotations

Tile = tuple[str, int, int]

CANADA_PROVINCES: list[Tile] = [
    ("CA-YT", 0, 0), ("CA-NT", 1, 0), ("CA-NU", 2, 0),
    ("CA-BC", 0, 1), ("CA-AB", 1, 1), ("CA-SK", 2, 1), ("CA-MB", 3, 1),
    ("CA-ON", 4, 1), ("CA-QC", 5, 1), ("CA-NL", 6, 1),
    ("CA-NB", 5, 2), ("CA-PE", 6, 2),
    ("CA-NS", 6, 3),
]

FRANCE_REGIONS: list[Tile] = [
    ("FR-R28", 1, 0), ("FR-R32", 2, 0),                      # Normandie, Hauts-de-France
    ("FR-R53", 0, 1), ("FR-R52", 1, 1),                      # Bretagne, Pays de la Loire
    ("FR-R11", 2, 1), ("FR-R44", 3, 1),                      # Île-de-France, Grand Est
    ("FR-R75", 1, 2), ("FR-R24", 2, 2), ("FR-R27", 3, 2),    # N.-Aquitaine, CVL, BFC
    ("FR-R76", 1, 3), ("FR-R84", 2, 3), ("FR-R93", 3, 3),    # Occitanie, AURA, PACA
    ("FR-R94", 4, 4),                                        # Corse
    ("FR-R01", 0, 6), ("FR-R02", 1, 6), ("FR-R03", 2, 6),    # Guadeloupe, Martinique, Guyane
    ("FR-R04", 3, 6), ("FR-R06", 4, 6),                      # La Réunion, Mayotte
]

#: Layouts by the territory whose parts they place.
GRIDS: dict[str, list[Tile]] = {"CA": CANADA_PROVINCES, "FR": FRANCE_REGIONS}


def tile_grid(country: str) -> list[Tile]:
    """The layout of a country's first-level territories ('CA' or 'FR')."""
    try:
        return GRIDS[country.upper()]
    except KeyError:
        raise KeyError(f"No tile grid for {country!r}; there are grids for "
                       f"{', '.join(sorted(GRIDS))}.") from None
