"""When a French row's commune code and its other place fields disagree on the département or
the region (a festival with a Martinique INSEE code and a Guadeloupe postal code, département
and région), the commune the most fields designate is kept, with a `code-region-mismatch`
warning giving both readings, which was kept and why. Rules: docs/territories.md.

The fields weighed: the INSEE code; the postal code (agrees when La Poste's base says it
serves the commune, or, for a code it does not list, when its first digits are the commune's
département); the commune name (agrees when it names that commune within its département);
the département and the région named. The check runs when the postal code (the
départements of the communes it serves, else of its first digits), the département or the
région named is not the code's commune's. A commune other than the code's is then found from
the postal code and the name (`find`), else the name within the département named, else the
postal code alone when it serves one commune; it is kept when more fields designate it than
the code's commune.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from cineatlas.parsing import map_unique
from cineatlas.problems import WARNING, problem_type
from cineatlas.territories.geocode import Geocoder

problem_type("code-region-mismatch", "Code and place disagree",
             "The INSEE code is that of a commune in another département or région than the "
             "postal code, département or région given: the commune most fields designate was "
             "kept (the message gives both readings and why). Correct the wrong field.")

SEVERITIES = {"code-region-mismatch": WARNING}
_SEP = "\x1f"


@dataclass(frozen=True)
class Verdict:
    territory: str | None
    detail: str | None


def settle(geocoder: Geocoder, by_code: pl.Series, names: pl.Series, areas: pl.DataFrame,
           find: Callable[[str], str | None], fallback: pl.Series) -> pl.DataFrame:
    """For each row: `territory` (the commune kept when it is not the code's, else null) and
    `detail` (the evidence, where the fields disagree). `areas` has the columns postcode,
    department and region (texts, null when absent); `fallback` the keys `find` resolves
    (postal code and name)."""
    def col(name: str) -> pl.Series:
        return areas.get_column(name) if name in areas.columns else pl.repeat(
            None, len(by_code), dtype=pl.Utf8, eager=True)
    keys = pl.select(pl.concat_str(
        [s.cast(pl.Utf8).fill_null("") for s in (by_code, names, col("postcode"),
                                                 col("department"), col("region"), fallback)],
        separator=_SEP)).to_series()
    has_code = by_code.is_not_null()
    keys = pl.select(pl.when(has_code).then(keys)).to_series()
    verdicts: dict[str, Verdict] = {}

    def judge(key: str | None) -> str | None:
        if key is not None:
            verdicts[key] = _judge(geocoder, find, *key.split(_SEP))
        return key

    map_unique(keys, judge, pl.Utf8)
    territory = keys.replace_strict({k: v.territory for k, v in verdicts.items()}, default=None,
                                    return_dtype=pl.Utf8)
    detail = keys.replace_strict({k: v.detail for k, v in verdicts.items()}, default=None,
                                 return_dtype=pl.Utf8)
    return pl.DataFrame({"territory": territory, "detail": detail})


def _judge(geocoder: Geocoder, find: Callable[[str], str | None], code_commune: str,
           name: str, postcode: str, department: str, region: str, fallback: str) -> Verdict:
    rows = geocoder.rows
    if code_commune not in rows:
        return Verdict(None, None)
    named_dep = geocoder.department(department) if department else None
    named_reg = geocoder.region(region) if region else None
    served = geocoder.postal_communes(postcode) if postcode else []
    prefix = postcode_departments(postcode)

    def fields(commune: str, is_code: bool) -> list[str]:
        row = rows[commune]
        found = ["code"] if is_code else []
        if postcode and (_city(commune) in {_city(t) for t in served}
                         or (not served and row.parent_id in prefix)):
            found.append("postal code")
        if name and _city(geocoder.city(name, country="FR", within=row.parent_id) or "") \
                == _city(commune):
            found.append("name")
        if named_dep == row.parent_id:
            found.append("département")
        if named_reg == row.region_id:
            found.append("région")
        return found

    code_row = rows[code_commune]
    disagree = []
    postal_deps = {rows[t].parent_id for t in served if t in rows} or prefix
    if postcode and postal_deps and code_row.parent_id not in postal_deps:
        disagree.append(f"postal code {postcode} ({_where(geocoder, served, prefix)})")
    if named_dep and named_dep != code_row.parent_id:
        disagree.append(f"département '{department}' ({_name(geocoder, named_dep)})")
    if named_reg and named_reg != code_row.region_id:
        disagree.append(f"région '{region}' ({_name(geocoder, named_reg)})")
    if not disagree:
        return Verdict(None, None)
    other = _alternative(geocoder, find, code_commune, name, fallback, named_dep, served)
    mine = fields(code_commune, True)
    theirs = fields(other, False) if other else []
    said = (f"INSEE code {code_row.code} is {_place(geocoder, code_commune)}, but "
            f"{'; '.join(disagree)}")
    if other and len(theirs) > len(mine):
        return Verdict(other, (
            f"{said}. Kept {_place(geocoder, other)}: {len(theirs)} fields designate it "
            f"({', '.join(theirs)}), {len(mine)} the code's commune ({', '.join(mine)})"))
    why = (f"{len(mine)} fields designate it ({', '.join(mine)})"
           + (f", {len(theirs)} {_place(geocoder, other)} ({', '.join(theirs)})" if other
              else f"; no commune {'named ' + repr(name) + ' ' if name else ''}was found "
                   "where the other fields point"))
    return Verdict(None, f"{said}. Kept the code's commune: {why}")


def _alternative(geocoder: Geocoder, find: Callable[[str], str | None], code_commune: str,
                 name: str, fallback: str, named_dep: str | None,
                 served: list[str]) -> str | None:
    """Another commune the fields designate: by postal code and name, else by name in the
    département named, else the one commune the postal code serves."""
    candidates = [find(fallback) if fallback else None,
                  geocoder.city(name, country="FR", within=named_dep) if name and named_dep
                  else None,
                  served[0] if len(served) == 1 else None]
    for candidate in candidates:
        if candidate and _city(candidate) != _city(code_commune):
            return candidate
    return None


def postcode_departments(postcode: str | None) -> set[str]:
    """The département ids a postal code's first digits designate ('20' is Corsica's two)."""
    text = (postcode or "").strip()
    if not text.isdigit() or len(text) != 5:
        return set()
    if text.startswith("20"):
        return {"FR-D2A", "FR-D2B"}
    return {f"FR-D{text[:3]}"} if text.startswith("97") else {f"FR-D{text[:2]}"}


#: Arrondissement code prefixes of Paris, Lyon, Marseille -> the city's territory.
_PLM = (("FR-C751", "FR-C75056"), ("FR-C6938", "FR-C69123"), ("FR-C132", "FR-C13055"))


def _city(territory: str) -> str:
    for prefix, city in _PLM:
        if territory.startswith(prefix):
            return city
    return territory


def _name(geocoder: Geocoder, territory: str) -> str:
    row = geocoder.rows.get(territory)
    return (row.name if row and row.name else territory) if territory else ""


def _place(geocoder: Geocoder, commune: str) -> str:
    row = geocoder.rows[commune]
    return f"{_name(geocoder, commune)} ({_name(geocoder, row.parent_id or '')}, {row.code})"


def _where(geocoder: Geocoder, served: list[str], prefix: set[str]) -> str:
    if served:
        return ", ".join(sorted({_place(geocoder, t) for t in served})[:3])
    return ", ".join(sorted(_name(geocoder, d) for d in prefix))
