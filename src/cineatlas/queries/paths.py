"""Awards across funders and records: a work's path, a company's or a person's awards.

The same work, company or person may be several records (two Telefilm periods, the CNC and
a département): every read here gathers the awards of all the records of its resolved entity
(`queries.resolved`), each contract once (an amended contract at its final value:
`superseded_by IS NULL`), in time order (the funder's fiscal year, else the decision's year;
then the decision date). Amounts are totalled per currency, never across; every total carries
its provenance. A work's path puts its awards on the steps writing → development → production
→ distribution.

- `work_path(reader, work_id)`: a work's awards, path and the records (and sources) naming it;
- `organisation_awards(reader, organisation_id)`: a company's awards as beneficiary;
- `person_awards(reader, person_id)`: the awards naming a person (`award_people`), with roles;
- `works_paths(reader, work_ids)`: the path of many works at once (a directory's table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cineatlas import optout
from cineatlas.queries import resolved
from cineatlas.queries.common import YEAR_SQL, Reader, Sector, provenance, sector_condition
from cineatlas.queries.schemes import catalogue

#: The steps of a work's path, in order, and the award stages each one gathers.
PATH_STEPS: dict[str, tuple[str, ...]] = {
    "writing": ("writing",),
    "development": ("development",),
    "production": ("production", "post_production"),
    "distribution": ("distribution", "promotion"),
}
#: Each record kind's columns shown beside its id (the title or name, the place, the source).
_RECORDS = {
    "work": "SELECT r.work_id AS member_id, r.title AS name, r.format, r.genre, ",
    "organisation": "SELECT r.organisation_id AS member_id, r.name, r.city, r.territory_id, ",
    "person": "SELECT r.person_id AS member_id, r.full_name AS name, ",
}
_AWARDS_SELECT = (
    "SELECT a.award_id, a.work_id, w.title AS work_title, a.project_title, a.funder_id, "
    "f.name AS funder, a.scheme_id, s.name AS scheme, a.beneficiary_id, b.name AS beneficiary, "
    f"{YEAR_SQL} AS year, a.fiscal_period, a.decision_date, a.stage, a.amount_minor, "
    "a.currency, a.original_amount_minor, a.amends_award_id, a.aid_type, a.format, a.genre, "
    "a.first_work, a.second_work, a.sector, a.fictitious, a.source_id, "
    "src.title AS source_title{extra} FROM awards a "
    "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
    "LEFT JOIN {beneficiaries} b ON b.organisation_id = a.beneficiary_id "
    "LEFT JOIN works w ON w.work_id = a.work_id "
    "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id "
    "LEFT JOIN sources src ON src.source_id = a.source_id "
    "WHERE {where} AND a.superseded_by IS NULL AND {sector} "
    f"ORDER BY {YEAR_SQL} NULLS LAST, a.decision_date NULLS LAST, a.award_id")


@dataclass
class Across:
    """An entity's awards across its records.

    `members`: its records (id, name or title, source, resolution rule and probability);
    `awards`: each contract once, in time order, with `scheme_entry_id` (the scheme's entry of
    the catalogue, /schemes/{id}, when it has one); `totals`: per currency (n, amount_minor —
    None when no amount is known —, unknown: awards of unknown amount, provenance); `sources`:
    every source naming a record or an award (id, title, fictitious). A work's also has `path`
    (`path_steps`), `approvals` (the CNC's agreements of its records: year, VISA, budget —
    no amount of support is published —, rank) and `first_work` / `second_work`."""

    kind: str
    entity_id: str
    members: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    totals: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    fictitious: bool
    path: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    first_work: bool | None = None
    second_work: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able (dates as ISO text)."""
        out = {"kind": self.kind, "entity_id": self.entity_id, "members": self.members,
               "awards": [_iso(r) for r in self.awards], "totals": self.totals,
               "sources": self.sources, "fictitious": self.fictitious}
        if self.kind == "work":
            out |= {"path": self.path, "approvals": [_iso(r) for r in self.approvals],
                    "first_work": self.first_work,
                    "second_work": self.second_work}
        return out


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def _members(a: Reader, kind: str, ids: list[str]) -> list[dict[str, Any]]:
    table, column = resolved.KINDS[kind]
    if kind == "organisation":  # named as outputs name them
        table = optout.organisations_sql(a)
    marks = ", ".join("?" for _ in ids)
    return a.frame(
        f"{_RECORDS[kind]}r.source_id, src.title AS source_title, r.fictitious, "
        f"coalesce(em.entity_id, r.{column}) AS entity_id, em.probability, "
        " json_extract_string(em.evidence, '$.rule') AS rule "
        f"FROM {table} r LEFT JOIN sources src ON src.source_id = r.source_id "
        f"LEFT JOIN entity_members em ON em.kind = ? AND em.member_id = r.{column} "
        f"WHERE r.{column} IN ({marks}) ORDER BY r.source_id, r.{column}", [kind, *ids]).to_dicts()


def _awards(a: Reader, where: str, params: list[Any], sector: Sector | str | None,
            extra: str = "") -> list[dict[str, Any]]:
    sector_sql, sector_params = sector_condition(sector)
    rows = a.frame(_AWARDS_SELECT.format(where=where, sector=sector_sql, extra=extra,
                                         beneficiaries=optout.organisations_sql(a)),
                   [*params, *sector_params]).to_dicts()
    if rows:
        entries = catalogue(a)
        for row in rows:
            entry = entries.entry_of(row["scheme_id"])
            row["scheme_entry_id"] = entry.id if entry else None
    return rows


def totals(awards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per currency (sorted): n, amount_minor (the sum of the known amounts; None when none
    is known), unknown (how many amounts are unknown), fictitious and sources."""
    out = []
    for currency in sorted({r["currency"] for r in awards}):
        rows = [r for r in awards if r["currency"] == currency]
        known = [r["amount_minor"] for r in rows if r["amount_minor"] is not None]
        out.append({"currency": currency, "n": len(rows),
                    "amount_minor": sum(known) if known else None,
                    "unknown": len(rows) - len(known)} | provenance(rows))
    return out


def _sources(members: list[dict[str, Any]], awards: list[dict[str, Any]],
             a: Reader) -> list[dict[str, Any]]:
    ids = sorted({r["source_id"] for r in (*members, *awards)})
    if not ids:
        return []
    return a.frame("SELECT source_id, title, publisher, fictitious FROM sources "
                   f"WHERE source_id IN ({', '.join('?' for _ in ids)}) ORDER BY source_id",
                   ids).to_dicts()


def _across(a: Reader, kind: str, asked: str, members: list[dict[str, Any]],
            awards: list[dict[str, Any]]) -> Across:
    return Across(kind=kind, entity_id=resolved.entity_of(a, kind, asked), members=members,
                  awards=awards, totals=totals(awards), sources=_sources(members, awards, a),
                  fictitious=any(r["fictitious"] for r in (*members, *awards)))


def path_steps(awards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps of the path (`PATH_STEPS`, in order), each with `reached`, n, the first and
    last year (and fiscal period, as published) of its awards and their funders."""
    steps = []
    for step, stages in PATH_STEPS.items():
        rows = [r for r in awards if r["stage"] in stages]
        years = [r for r in rows if r["year"] is not None]
        first = min(years, key=lambda r: r["year"]) if years else None
        last = max(years, key=lambda r: r["year"]) if years else None
        steps.append({
            "step": step, "reached": bool(rows), "n": len(rows),
            "first_year": first["year"] if first else None,
            "last_year": last["year"] if last else None,
            "first_period": (first["fiscal_period"] or str(first["year"])) if first else None,
            "last_period": (last["fiscal_period"] or str(last["year"])) if last else None,
            "funders": sorted({r["funder"] or r["funder_id"] for r in rows
                               if r["funder"] or r["funder_id"]})})
    return steps


def _published(values: list[bool | None]) -> bool | None:
    """True when any award says so, False when some say not and none says so, else None."""
    known = [v for v in values if v is not None]
    return any(known) if known else None


def work_path(a: Reader, work_id: str, sector: Sector | str | None = None) -> Across | None:
    """Every award of every funder to the work `work_id` (a record's or an entity's id) and
    to the other records of its entity, in time order, with its path, the CNC's agreements of
    its records and first / second work as published (by an award or the agreement's rank);
    None when the id is unknown."""
    ids = resolved.members(a, "work", work_id)
    if not ids:
        return None
    where, params = resolved.members_condition(a, "work", "a.work_id", work_id)
    awards = _awards(a, where, params, sector)
    approvals = a.frame(
        "SELECT p.approval_id, p.work_id, p.visa, p.year, p.title, p.budget_minor, p.currency, "
        "p.rank, p.french_initiative, p.source_id, src.title AS source_title, p.fictitious "
        "FROM film_approvals p LEFT JOIN sources src ON src.source_id = p.source_id "
        f"WHERE p.work_id IN ({', '.join('?' for _ in ids)}) ORDER BY p.year, p.approval_id",
        ids).to_dicts()
    found = _across(a, "work", work_id, _members(a, "work", ids), awards)
    found.sources = _sources(found.members, [*awards, *approvals], a)
    found.fictitious = found.fictitious or any(r["fictitious"] for r in approvals)
    found.path = path_steps(awards)
    found.approvals = approvals
    # the rank as the awards publish it, or as the CNC's agreement does (1 first, 2 second)
    ranks = [r["rank"] for r in approvals if r["rank"] is not None]
    found.first_work = _published([r["first_work"] for r in awards]
                                  + [rank == 1 for rank in ranks])
    found.second_work = _published([r["second_work"] for r in awards]
                                   + [rank == 2 for rank in ranks])
    return found


def organisation_awards(a: Reader, organisation_id: str,
                        sector: Sector | str | None = None) -> Across | None:
    """Every award to the organisation (as beneficiary) and to the other records of its
    entity, in time order; None when the id is unknown."""
    ids = resolved.members(a, "organisation", organisation_id)
    if not ids:
        return None
    where, params = resolved.members_condition(a, "organisation", "a.beneficiary_id",
                                               organisation_id)
    return _across(a, "organisation", organisation_id, _members(a, "organisation", ids),
                   _awards(a, where, params, sector))


def person_awards(a: Reader, person_id: str,
                  sector: Sector | str | None = None) -> Across | None:
    """Every award naming the person (`award_people`) or another record of their entity, in
    time order, each once with `roles` (every role the decision gives them, sorted); None
    when the id is unknown."""
    ids = resolved.members(a, "person", person_id)
    if not ids:
        return None
    marks = ", ".join("?" for _ in ids)
    named = f"SELECT award_id FROM award_people WHERE person_id IN ({marks})"
    roles = (", (SELECT list(DISTINCT ap.role ORDER BY ap.role) FROM award_people ap "
             f"WHERE ap.award_id = a.award_id AND ap.person_id IN ({marks})) AS roles")
    rows = _awards(a, f"a.award_id IN ({named})", [*ids, *ids], sector,
                   extra=roles)
    return _across(a, "person", person_id, _members(a, "person", ids), rows)


def works_paths(a: Reader, work_ids: list[str],
                sector: Sector | str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The path (`path_steps`) of many works at once, by the record id asked (a directory's
    table of works): each over every record of the work's entity, each contract once."""
    if not work_ids:
        return {}
    asked = resolved.ENTITY_SQL("work", "asked.work_id", alias="ae")
    award = resolved.ENTITY_SQL("work", "a.work_id", alias="aw")
    sector_sql, sector_params = sector_condition(sector)
    frame = a.frame(
        f"WITH asked AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS work_id), "
        f"entity AS (SELECT asked.work_id AS asked_id, {asked.entity} AS entity_id "
        f"FROM asked {asked.join}) "
        f"SELECT e.asked_id, {YEAR_SQL} AS year, a.fiscal_period, a.stage, a.funder_id, "
        "f.name AS funder FROM awards a "
        f"{award.join} JOIN entity e ON e.entity_id = {award.entity} "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        f"WHERE a.superseded_by IS NULL AND {sector_sql} "
        "ORDER BY e.asked_id, year NULLS LAST, a.decision_date NULLS LAST, a.award_id",
        [list(work_ids), *sector_params])
    rows: dict[str, list[dict[str, Any]]] = {w: [] for w in work_ids}
    for row in frame.to_dicts():
        rows[row["asked_id"]].append(row)
    return {w: path_steps(found) for w, found in rows.items()}
