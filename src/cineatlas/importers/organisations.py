"""What a beneficiary's name says of its kind (company, association, individual), shared by
the importers whose sources do not say it (the rules and their limits:
docs/importers/telefilm.md)."""

from __future__ import annotations

import re
from functools import lru_cache

from cineatlas.text import clean, fold, name_key

#: Organisation kinds, guessed conservatively from the name.
_ASSOCIATION = re.compile(
    r"\b(association|associations|festival|society|foundation|fondation|cooperative|"
    r"co operative|coop|guild|institute|institut|council|conseil|regroupement|collectif|"
    r"collective|federation|academy|academie|cinematheque|coalition|club)\b")
_COMPANY = re.compile(r"\b(inc|incorporated|incorporee|ltd|limited|ltee|limitee|corp|llc|lp|sec|"
                      r"senc|sencrl|sarl|sas|gmbh|plc)\b|\b(productions|pictures|films|studios|"
                      r"entertainment)$")
_PERSON = re.compile(r"^[A-ZÀ-Ý][\w'’\-]+( [A-ZÀ-Ý][\w'’\-]+){0,2} ?, ?"
                     r"[A-ZÀ-Ý][\w'’\-.]*( [A-ZÀ-Ý][\w'’\-.]*){0,2}$")
_TRAILING_ARTICLE = re.compile(r"\s*\((les|le|la|l'|l’|the)\)\s*$", re.IGNORECASE)

@lru_cache(maxsize=65536)
def organisation_kind(name: str) -> str | None:
    """company / association / individual, or None when the name does not say."""
    bare = _TRAILING_ARTICLE.sub("", name).strip(" .,;)")
    key = name_key(fold(bare).replace(".", ""))
    if _ASSOCIATION.search(key):
        return "association"
    if _COMPANY.search(key):
        return "company"
    if _PERSON.match(clean(bare) or "") and not re.search(r"\d", bare):
        return "individual"
    return None
