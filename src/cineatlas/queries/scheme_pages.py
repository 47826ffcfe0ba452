"""What the scheme pages and feeds read beside the catalogue (`queries.schemes`): the
commission sessions that decide a scheme and their members, how many awards of the store name
it (for the link to the awards explorer), and when each source was imported (the feeds'
`updated` and `DTSTAMP`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cineatlas import optout
from cineatlas.queries.common import Reader

_SESSIONS_SQL = (
    "SELECT c.commission_id, c.name, c.year, c.session_date, c.url, c.scheme_id, c.source_id, "
    "c.fictitious FROM commissions c WHERE list_contains(?, c.scheme_id) "
    "ORDER BY c.session_date DESC NULLS LAST, c.year DESC NULLS LAST, c.name, c.commission_id")
#: A member on the opt-out list keeps their seat, without a name (`optout.people_cte`).
_MEMBERS_SQL = (
    "SELECT m.commission_id, p.full_name, m.role, m.profession, m.is_elected_official, "
    "m.substitute, m.fictitious FROM commission_members m "
    "LEFT JOIN listed_people p ON p.person_id = m.person_id "
    "WHERE list_contains(?, m.commission_id) "
    "ORDER BY m.commission_id, CASE m.role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 "
    "ELSE 2 END, p.full_name NULLS LAST")

#: The members' roles in the order a page lists them (commission_members.role).
MEMBER_ROLES: dict[str, tuple[str, str]] = {
    "chair": ("Présidence", "Chair"), "vice_chair": ("Vice-présidence", "Vice-chair"),
    "member": ("Membre", "Member"), "reader": ("Lecteur ou lectrice", "Reader"),
    "observer": ("Observateur ou observatrice", "Observer"),
}

#: commission_members.profession, as a page says it.
PROFESSIONS: dict[str, tuple[str, str]] = {
    "author": ("Auteur ou autrice", "Author"), "director": ("Réalisation", "Director"),
    "producer": ("Production", "Producer"), "distributor": ("Distribution", "Distributor"),
    "exhibitor": ("Exploitation", "Exhibitor"), "technician": ("Technique", "Technician"),
    "actor": ("Interprétation", "Actor"), "elected_official": ("Élu ou élue", "Elected official"),
    "civil_servant": ("Administration", "Civil servant"), "other": ("Autre", "Other"),
}


def commissions(a: Reader, scheme_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The commission sessions linked to any of `scheme_ids` (commissions.scheme_id), latest
    first, each with its `members` (name as published — None for a person on the opt-out list,
    `cineatlas.optout` —, role, profession; no gender)."""
    if not scheme_ids:
        return []
    sessions = a.frame(_SESSIONS_SQL, [list(scheme_ids)]).to_dicts()
    if not sessions:
        return []
    listed, params = optout.people_cte()
    members = a.frame(f"WITH {listed} {_MEMBERS_SQL}",
                      [*params, [s["commission_id"] for s in sessions]]).to_dicts()
    for session in sessions:
        session["members"] = [m for m in members
                              if m["commission_id"] == session["commission_id"]]
    return sessions


def award_count(a: Reader, scheme_ids: Sequence[str]) -> int:
    """How many awards of the store name one of `scheme_ids` (every sector)."""
    if not scheme_ids:
        return 0
    frame = a.frame("SELECT count(*) AS n FROM awards WHERE list_contains(?, scheme_id)",
                    [list(scheme_ids)])
    return int(frame["n"][0])


def source_times(a: Reader) -> dict[str, dt.datetime]:
    """When each source was imported (source_id -> imported_at)."""
    frame = a.frame("SELECT source_id, imported_at FROM sources")
    return dict(zip(frame["source_id"].to_list(), frame["imported_at"].to_list(), strict=True))
