"""What a territory's profile shows of the support *given* by the public bodies governing it
(its Département, its Région, the CNC for France) and the territories within it — beside the
support *received* by the beneficiaries based in it, which the rest of the profile shows.

The bodies are the funders of known level whose `organisations.governed_territory_id` is the
territory (scope `here`) or a territory within it (scope `within`, grouped by level: the
Départements of a Région…). Each group gives its support in the sector shown by year, its
number of awards, the share of the bodies' whole subsidy budget in the store that goes to that
sector (every sector in the denominator), its top beneficiaries, a link to the awards explorer,
and each figure's provenance. A level the territory is expected to have (its own body; the
Départements of a Région) whose bodies publish nothing in the store says so — never a zero.
"""

from __future__ import annotations

from typing import Any

from cineatlas.queries import profiles
from cineatlas.queries.common import Reader, Sector, provenance, split_currencies
from cineatlas.store.vocabularies import FUNDER_LEVELS, PUBLICATION_STATUSES

#: The level of the body governing a territory of each level.
OWN_LEVEL = {"country": "national", "region": "regional", "department": "departmental",
             "province": "provincial", "commune": "communal", "municipality": "communal"}
#: Levels of bodies a territory of a country and level is expected to hold within it: when
#: the store has none of them, the profile says they publish nothing in its sources.
WITHIN_EXPECTED = {("FR", "country"): ("regional", "departmental"),
                   ("FR", "region"): ("departmental",),
                   ("CA", "country"): ("provincial",)}
#: The territory level a body of each funder level governs (to name those within a territory
#: whose bodies publish nothing).
GOVERNS = {"regional": "region", "departmental": "department", "provincial": "province"}
#: At most this many territories are named as publishing nothing (the others are counted).
MAX_NAMED = 20
_ORDER = {level: i for i, level in enumerate(FUNDER_LEVELS)}


def year_basis(n: int, fiscal_n: int) -> str:
    """What a year of the series is: 'fiscal' (every award's fiscal year as its funder
    published it), 'calendar' (the calendar year of its decision or convention) or 'mixed'."""
    return "fiscal" if fiscal_n == n else "calendar" if fiscal_n == 0 else "mixed"


def _bodies(rows: list[dict[str, Any]], currency: str | None) -> list[dict[str, Any]]:
    """One entry per body: its rows in `currency` (or without awards) summed, with its share,
    and its rows in other currencies under `other_currencies`."""
    by_key: dict[tuple, list[dict]] = {}
    for row in rows:
        by_key.setdefault((row["body_key"], row["governed_territory_id"], row["funder_level"]),
                          []).append(row)
    out = []
    for group in by_key.values():
        main, other = split_currencies(group, currency)
        first = group[0]
        ids = sorted({i for r in group for i in r["funder_ids"] or ()})
        body = {k: first[k] for k in ("scope", "funder_level", "governed_territory_id",
                                      "governed_name", "body_key", "name")}
        body |= {"funder_ids": ids, "currency": next(
                     (r["currency"] for r in main if r["currency"]), currency),
                 "first_year": _min(r["first_year"] for r in group),
                 "last_year": _max(r["last_year"] for r in group),
                 "other_currencies": [_figures(r) for r in other]}
        body |= _figures(_sum(main))
        body["explorer"] = ({"funder": ids[0]} if len(ids) == 1 else
                            {"funder_territory": body["governed_territory_id"],
                             "funder_level": body["funder_level"]})
        out.append(body)
    return sorted(out, key=lambda b: (-(b["amount_minor"] or 0), -b["all_n"], b["name"] or ""))


def _sum(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The counts and amounts of several rows of one currency added up, with their provenance."""
    out: dict[str, Any] = {"currency": next((r["currency"] for r in rows if r["currency"]), None)}
    for key in ("n", "amount_minor", "all_n", "all_minor"):
        known = [r[key] for r in rows if r.get(key) is not None]
        out[key] = sum(known) if known else (0 if key.endswith("_n") or key == "n" else None)
    out["classified"] = any(r.get("classified") for r in rows)
    # the share rests on the bodies whose awards were classified line by line only
    classified = [r for r in rows if r.get("classified")]
    out["share_minor"] = sum(r["amount_minor"] or 0 for r in classified) if classified else None
    out["share_all_minor"] = _known_sum(r["all_minor"] for r in classified)
    return out | provenance(rows)


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    """A row's figures with `share`: the sector's part of every sector's money (NULL when no
    body's awards were classified line by line, or none has a known amount)."""
    numerator = row.get("share_minor", row["amount_minor"] if row.get("classified") else None)
    denominator = row.get("share_all_minor", row["all_minor"] if row.get("classified") else None)
    share = (numerator or 0) / denominator if denominator else None
    keep = ("currency", "n", "amount_minor", "all_n", "all_minor", "classified", "fictitious",
            "sources")
    return {k: row.get(k) for k in keep} | {"share": share}


def _known_sum(values) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _min(values) -> Any:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _max(values) -> Any:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def given_support(a: Reader, place: dict[str, Any], currency: str | None,
                  within: dict[str, list[dict[str, Any]]],
                  sector: Sector | str | None = None) -> list[dict[str, Any]]:
    """The groups of public bodies governing `place` or a territory within it, own body first,
    then by level. `within` maps a territory level to the territories of that level inside the
    place (to name those whose bodies publish nothing). Each group: scope, funder_level, status
    (vocabularies.PUBLICATION_STATUSES: published, not_published — bodies known, no award list —,
    not_covered — no body in the store), bodies (with awards) and `silent` (known, no award),
    totals in `currency` with share and provenance, other currencies apart, series by year with
    its year basis, top beneficiaries, the explorer's filters, and `missing`: territories
    within of the group's level whose body publishes nothing in the store."""
    territory_id = place["territory_id"]
    bodies = profiles.given_bodies(a, territory_id, sector).to_dicts()
    series = profiles.given_series(a, territory_id, sector).to_dicts()
    top = profiles.given_top(a, territory_id, sector).to_dicts()
    keys = {(b["scope"], b["funder_level"]) for b in bodies}
    own = OWN_LEVEL.get(place["level"])
    if own:
        keys.add(("here", own))
    keys |= {("within", level)
             for level in WITHIN_EXPECTED.get((place["country_code"], place["level"]), ())}
    groups = []
    for scope, level in sorted(keys, key=lambda k: (k[0] != "here", _ORDER.get(k[1], 99))):
        def mine(rows: list[dict], scope: str = scope, level: str = level) -> list[dict]:
            return [r for r in rows if r["scope"] == scope and r["funder_level"] == level]

        entries = _bodies(mine(bodies), currency)
        publishing = [b for b in entries if b["all_n"] or b["other_currencies"]]
        main_rows, other_rows = split_currencies(
            [r for r in mine(bodies) if r["currency"]], currency)
        totals = _figures(_sum(main_rows)) if main_rows else None
        by_currency: dict[str, list[dict]] = {}
        for row in other_rows:
            by_currency.setdefault(row["currency"], []).append(row)
        year_rows = [r | {"basis": year_basis(r["n"], r["fiscal_n"])} for r in mine(series)]
        years, years_other = split_currencies(year_rows, currency)
        best, best_other = split_currencies(mine(top), currency)
        status = ("published" if publishing else "not_published" if entries else "not_covered")
        group = {
            "scope": scope, "funder_level": level, "status": status,
            "status_label": PUBLICATION_STATUSES[status],
            "bodies": publishing, "silent": [b for b in entries if b not in publishing],
            "totals": totals, "series": years, "top_beneficiaries": best,
            "other_currencies": {
                "totals": [_figures(_sum(rows)) for rows in by_currency.values()],
                "series": years_other, "top_beneficiaries": best_other},
            "explorer": {"funder_territory": territory_id, "funder_level": level},
        }
        if scope == "within" and level in GOVERNS:
            served = {b["governed_territory_id"] for b in publishing}
            candidates = within.get(GOVERNS[level], [])
            missing = [t for t in candidates if t["territory_id"] not in served]
            group |= {"expected": len(candidates), "missing_count": len(missing),
                      "missing": missing[:MAX_NAMED]}
        groups.append(group)
    return groups


def placement(a: Reader, territory_id: str, currency: str | None,
              sector: Sector | str | None = None) -> dict[str, Any]:
    """The awards the territory's figures cannot break down (`profiles.placement`): `above`
    (placed in a territory containing it, counted there and not here), `here` (placed at the
    territory itself, in none of its parts), in `currency`; other currencies apart."""
    rows = profiles.placement(a, territory_id, sector).to_dicts()
    main, other = split_currencies(rows, currency)
    return {"above": [r for r in main if r["where"] == "above"],
            "here": [r for r in main if r["where"] == "here"],
            "other_currencies": other}
