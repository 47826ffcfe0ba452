"""The levels side by side: for a territory, the schemes of every level that reach it, by stage.

A scheme reaches a territory when its reach (`schemes.geography.reach`: its published
geographic eligibility, else the territory its funder governs) holds the territory or one
containing it — France's national schemes reach a Région — (`coverage` 'whole'), or holds a
territory within it — a département's schemes reach part of its Région — (`coverage` 'part';
an exclusion within the territory also makes it 'part'). A scheme whose reach is unknown is
listed apart (`unknown_reach`), never dropped silently.

The table is stages (writing, development, production, distribution, then any other stage
present, then 'stage unknown') × levels (european, national, regional — provinces too —,
departmental, local). A scheme's stages are its catalogue's (`stages`, else `stage`: published
or read from its name, as `scheme_field_sources` says), plus the stages only observed in its own
decisions (`basis` 'decisions'; a fund's volets are listed for theirs); a scheme with none is in
the row 'stage unknown'.

**Blind spots** are the four main stages no scheme of any level covers there — "no scheme
known": the catalogue may simply not hold the scheme that does. **Overlaps** are the stages
covered by schemes of several levels.
"""

from __future__ import annotations

from typing import Any

from cineatlas.queries.common import Reader
from cineatlas.queries.schemes import RULE_ORDER, Catalogue, Scheme, catalogue
from cineatlas.schemes.geography import Reach, reach
from cineatlas.store.vocabularies import STAGES

#: The stages always shown (a blind spot is one of them with no scheme).
MAIN_STAGES = ("writing", "development", "production", "distribution")
#: The table's columns and the scheme levels each holds.
COLUMNS: dict[str, tuple[str, ...]] = {
    "european": ("european",), "national": ("national",),
    "regional": ("regional", "provincial"), "departmental": ("departmental",),
    "local": ("metropolitan", "intercommunal", "communal", "other"),
}
#: The column of a scheme of unknown level (shown only when one reaches the territory).
UNKNOWN_LEVEL = "unknown"

#: (territory_id, ancestor_id) of the territories given (?), themselves included.
_ANCESTORS_SQL = """
WITH RECURSIVE up(territory_id, ancestor_id) AS (
    SELECT territory_id, territory_id FROM territories
    WHERE list_contains(?::VARCHAR[], territory_id)
    UNION
    SELECT up.territory_id, t.parent_id FROM up JOIN territories t
    ON t.territory_id = up.ancestor_id WHERE t.parent_id IS NOT NULL)
SELECT territory_id, ancestor_id FROM up"""


def column_of(level: str | None) -> str:
    """The table column of a scheme level."""
    for column, levels in COLUMNS.items():
        if level in levels:
            return column
    return UNKNOWN_LEVEL


def _ancestors(a: Reader, ids: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {i: {i} for i in ids}
    for row in a.frame(_ANCESTORS_SQL, [ids]).to_dicts():
        found.setdefault(row["territory_id"], set()).add(row["ancestor_id"])
    return found


def coverage(r: Reach, territory_id: str, above: dict[str, set[str]]) -> str | None:
    """'whole' when the reach holds the territory or one containing it (and no exclusion
    does), 'part' when it holds only territories within it (or an exclusion lies within it),
    None when it does not reach it. `above` maps each territory involved to its ancestors
    (itself included)."""
    mine = above.get(territory_id, {territory_id})
    if any(x in mine for x in r.exclusions):
        return None
    if any(t in mine for t in r.territories):
        within = any(territory_id in above.get(x, {x}) and x != territory_id
                     for x in r.exclusions)
        return "part" if within else "whole"
    if any(territory_id in above.get(t, {t}) for t in r.territories):
        return "part"
    return None


def _observed_stages(a: Reader) -> dict[str, dict[str | None, int]]:
    """Awards (each contract once) by scheme_id and stage."""
    out: dict[str, dict[str | None, int]] = {}
    for row in a.frame("SELECT scheme_id, stage, count(*) AS n FROM awards WHERE scheme_id "
                       "IS NOT NULL AND superseded_by IS NULL GROUP BY ALL").to_dicts():
        out.setdefault(row["scheme_id"], {})[row["stage"]] = row["n"]
    return out


def stages_of(entry: Scheme, ids: list[str],
              observed: dict[str, dict[str | None, int]]) -> list[tuple[str, str, int | None]]:
    """(stage, basis, awards observed at that stage) of an entry: its catalogue stages (basis:
    the rule of their source, 'published' or 'name'), then those only observed in the
    decisions of its schemes `ids` ('decisions'). Empty: stage unknown."""
    seen: dict[str | None, int] = {}
    for scheme_id in ids:
        for stage, n in observed.get(scheme_id, {}).items():
            seen[stage] = seen.get(stage, 0) + n
    out: list[tuple[str, str, int | None]] = []
    for name in ("stages", "stage"):
        value = entry.get("stages") if name == "stages" else entry.stage
        if value:
            rules = [s["rule"] for s in entry.field_sources.get(name, [])]
            basis = min(rules, key=lambda r: RULE_ORDER.get(r, 9)) if rules else "published"
            listed = value if isinstance(value, list) else [value]
            out = [(stage, basis, seen.get(stage)) for stage in listed]
            break
    known = {stage for stage, _, _ in out}
    out += [(stage, "decisions", n) for stage, n in seen.items()
            if stage is not None and stage not in known]
    return out


def levels_table(a: Reader, territory_id: str,
                 cat: Catalogue | None = None) -> dict[str, Any] | None:
    """The levels table of a territory (see the module's docstring); None when the territory
    is unknown."""
    place = a.frame("SELECT territory_id, name, level, country_code FROM territories "
                    "WHERE territory_id = ?", [territory_id]).to_dicts()
    if not place:
        return None
    cat = cat or catalogue(a)
    reaches = {e.id: reach(e) for e in cat.entries}
    involved = {territory_id} | {t for r in reaches.values()
                                 for t in (*r.territories, *r.exclusions)}
    above = _ancestors(a, sorted(involved))
    observed = _observed_stages(a)
    cells: dict[str | None, dict[str, list[dict[str, Any]]]] = {}
    unknown_reach, reached = [], []
    for entry in cat.entries:
        r = reaches[entry.id]
        if r.basis is None:
            unknown_reach.append({"id": entry.id, "name": entry.name,
                                  "funder_name": entry.funder_name, "level": entry.level,
                                  "fictitious": entry.fictitious, "sources": entry.sources})
            continue
        covered = coverage(r, territory_id, above)
        if covered is None:
            continue
        reached.append(entry)
        item = {"id": entry.id, "name": entry.name, "funder_name": entry.funder_name,
                "level": entry.level, "coverage": covered, "reach_basis": r.basis,
                "parent_id": entry.parent_id, "fictitious": entry.fictitious,
                "sources": entry.sources}
        column = column_of(entry.level or entry.funder_level)
        stages = stages_of(entry, entry.scheme_ids, observed) or [(None, None, None)]
        for stage, basis, n in stages:
            cells.setdefault(stage, {}).setdefault(column, []).append(
                item | {"stage_basis": basis, "n_awards": n})
    columns = [*COLUMNS, *([UNKNOWN_LEVEL] if any(UNKNOWN_LEVEL in c for c in cells.values())
                           else [])]
    order = [*MAIN_STAGES, *(s for s in STAGES if s not in MAIN_STAGES and s in cells),
             *(s for s in sorted(k for k in cells if k is not None)
               if s not in STAGES and s not in MAIN_STAGES),
             *([None] if None in cells else [])]
    rows = [{"stage": stage, "cells": [{"level": c, "schemes": cells.get(stage, {}).get(c, [])}
                                       for c in columns]} for stage in order]
    overlaps = [{"stage": row["stage"], "levels": [c["level"] for c in row["cells"]
                                                  if c["schemes"]]}
                for row in rows if row["stage"] is not None
                and sum(1 for c in row["cells"] if c["schemes"]) > 1]
    sources = sorted({s for e in reached for s in e.sources})
    return {"territory": place[0], "columns": columns, "rows": rows,
            "blind_spots": [s for s in MAIN_STAGES if not cells.get(s)],
            "overlaps": overlaps, "unknown_reach": unknown_reach, "n_schemes": len(reached),
            "fictitious": any(e.fictitious for e in reached), "sources": sources}
