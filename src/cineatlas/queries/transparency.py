"""A funder's transparency card: what it publishes about its schemes, as the atlas holds it.

Four items, each with the sources it rests on (docs/schemes-observed.md):

- **criteria published** — its catalogue schemes whose eligibility or selection criteria are
  known (from a source), out of its schemes;
- **commission composition published** — its commission sessions with their members, and the
  years they cover; commission minutes (`scheme_documents` kind 'minutes');
- **award lists published** — its awards in the store (each contract once), by source, since
  which year; lists of awards the catalogue names (`scheme_documents` kind 'award_list');
- **application figures published** — `application_stats` rows (applications received and
  awarded) and documents of kind 'application_figures'.

The funder is the organisation and the same public body as other sources name it
(`funders.same_body`). An item with nothing is "not found in the sources the atlas holds"
(`found` False): the funder may publish it somewhere the atlas has not read.
"""

from __future__ import annotations

from typing import Any

from cineatlas.queries import funders
from cineatlas.queries.common import Reader
from cineatlas.queries.schemes import Catalogue, catalogue


def _years(rows: list[dict[str, Any]], column: str = "year") -> dict[str, Any]:
    years = [r[column] for r in rows if r.get(column) is not None]
    return {"first_year": min(years, default=None), "last_year": max(years, default=None)}


def _documents(entries: list, kind: str) -> list[dict[str, Any]]:
    return [{"scheme_id": e.id, "scheme": e.name, **{k: d.get(k) for k in (
        "title", "url", "published_from", "source_id", "fictitious")}}
            for e in entries for d in e.documents if d.get("kind") == kind]


def _provenance(*groups: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [r for g in groups for r in g]
    sources: set[str] = set()
    for r in rows:
        sources.update(r.get("sources") or ())
        if r.get("source_id"):
            sources.add(r["source_id"])
    return {"fictitious": any(bool(r.get("fictitious")) for r in rows),
            "sources": sorted(sources)}


def card(a: Reader, organisation_id: str,
         cat: Catalogue | None = None) -> dict[str, Any] | None:
    """The transparency card of a funder (see the module's docstring); None when the
    organisation is no funder."""
    body = funders.funder(a, organisation_id)
    if body is None:
        return None
    bodies = [organisation_id, *funders.same_body(a, organisation_id)["organisation_id"]]
    cat = cat or catalogue(a)
    entries = [e for e in cat.entries if set(e.funder_ids) & set(bodies)]
    rows_of = [i for e in entries for i in e.scheme_ids]

    schemes = []
    for e in entries:
        fields = [f for f in ("eligibility", "criteria") if e.get(f)]
        schemes.append({"id": e.id, "name": e.name, "eligibility": "eligibility" in fields,
                        "criteria": "criteria" in fields, "fictitious": e.fictitious,
                        "sources": sorted({s["source_id"] for f in fields
                                           for s in e.field_sources.get(f, [])})})
    published = [s for s in schemes if s["eligibility"] or s["criteria"]]
    criteria = {"found": bool(published), "n_schemes": len(schemes),
                "n_published": len(published), "schemes": schemes,
                **_provenance(published)}

    sessions = a.frame(
        "SELECT c.commission_id, coalesce(c.year, year(c.session_date)) AS year, c.source_id, "
        "c.fictitious, (SELECT count(*) FROM commission_members m WHERE m.commission_id = "
        "c.commission_id) AS n_members FROM commissions c WHERE list_contains(?::VARCHAR[], "
        "c.funder_id) OR list_contains(?::VARCHAR[], c.scheme_id)", [bodies, rows_of]).to_dicts()
    composed = [s for s in sessions if s["n_members"]]
    minutes = _documents(entries, "minutes")
    composition = {"found": bool(composed or minutes), "n_sessions": len(sessions),
                   "n_with_members": len(composed), **_years(composed),
                   "years": sorted({s["year"] for s in composed if s["year"] is not None}),
                   "minutes": minutes, **_provenance(composed, minutes)}

    lists = a.frame(
        "SELECT a.source_id, count(*) AS n, min(coalesce(a.fiscal_year, year(a.decision_date))) "
        "AS first_year, max(coalesce(a.fiscal_year, year(a.decision_date))) AS last_year, "
        "bool_or(a.fictitious) AS fictitious FROM awards a WHERE "
        "list_contains(?::VARCHAR[], a.funder_id) AND a.superseded_by IS NULL "
        "GROUP BY a.source_id ORDER BY first_year NULLS LAST, a.source_id", [bodies]).to_dicts()
    award_docs = _documents(entries, "award_list")
    since = [r["first_year"] for r in lists if r["first_year"] is not None]
    since += [d["published_from"] for d in award_docs if d["published_from"] is not None]
    award_lists = {"found": bool(lists or award_docs), "n_awards": sum(r["n"] for r in lists),
                   "since": min(since, default=None),
                   "last_year": max((r["last_year"] for r in lists
                                     if r["last_year"] is not None), default=None),
                   "by_source": lists, "documents": award_docs,
                   **_provenance(lists, award_docs)}

    stats = a.frame(
        "SELECT scheme_id, year, applications_received, applications_awarded, source_id, "
        "fictitious FROM application_stats WHERE list_contains(?::VARCHAR[], funder_id) OR "
        "list_contains(?::VARCHAR[], scheme_id) ORDER BY year, scheme_id",
        [bodies, rows_of]).to_dicts()
    figure_docs = _documents(entries, "application_figures")
    applications = {"found": bool(stats or figure_docs), "n_rows": len(stats), **_years(stats),
                    "documents": figure_docs, **_provenance(stats, figure_docs)}

    items = (criteria, composition, award_lists, applications)
    return {"funder": {"organisation_id": organisation_id, "name": body["name"],
                       "funder_level": body["funder_level"]},
            "bodies": bodies, "criteria": criteria, "composition": composition,
            "award_lists": award_lists, "applications": applications,
            "fictitious": any(i["fictitious"] for i in items),
            "sources": sorted({s for i in items for s in i["sources"]})}
