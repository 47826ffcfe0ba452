"""Territory names in French where the store holds the English one.

The store names Canada's provinces and territories and the world's countries in English (the
official English names of Statistics Canada and ISO 3166), Québec excepted. Their French
names come from the same shipped reference files: `canada_provinces.csv` (`name_fr`,
Statistics Canada's bilingual names of the provinces and territories) and `countries.csv`
(`name_fr`, ISO 3166's French names from Debian's iso-codes).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

DATA = files("cineatlas.territories") / "data"


@cache
def french_names() -> dict[str, str]:
    """English name → French name, for every name that differs between the two."""
    names: dict[str, str] = {}
    for file in ("countries.csv", "canada_provinces.csv"):
        for row in csv.DictReader(io.StringIO((DATA / file).read_text(encoding="utf-8"))):
            if row["name_en"] != row["name_fr"]:
                names[row["name_en"]] = row["name_fr"]
    return names
