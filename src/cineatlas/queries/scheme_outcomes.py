"""What a scheme really funds: its outcomes **observed in the published decisions**.

These figures describe the decisions the store holds for a catalogue entry (its `schemes` rows
and those of its volets: a fund counts the awards of its sub-schemes), never the scheme's
rules: a scheme that funded only series in the published decisions may well accept features.

Rules (docs/schemes-observed.md):

- each contract counts once, at its final value (`superseded_by IS NULL`, as every query);
- amounts per currency, never summed across currencies; an unknown amount is counted in the
  number of awards, left out of the amounts (`n_amount_known` says how many are in them);
- median and quartiles are the linear interpolation between the sorted amounts
  (`quantile_cont`: the method of numpy's default and Excel's QUARTILE.INC), in minor units;
- a year is the funder's fiscal year, else the calendar year of the decision (`YEAR_SQL`);
- unknown stages, formats or first-work flags are counted apart, never as "no";
- "outside the metropolis" follows the indicator `metropolis_share`: a beneficiary placed in a
  territory that belongs to a metropolis (`territories.metropolis_id`) is in it; one placed in
  a territory that contains a metropolis' member without being one (Québec, France) cannot be
  told (`unknown`); one of no known place is `unplaced`; any other is outside;
- every figure carries `fictitious` and `sources`.

A scheme with no decision in the store has `decisions = False` and its figures None: "no
published decision", never zeros.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from cineatlas.queries.common import PROVENANCE_SQL, YEAR_SQL, Reader, provenance
from cineatlas.queries.schemes import Catalogue, Scheme, catalogue

#: What these figures are, said on every answer: the decisions, not the rules.
OBSERVED = "observed_in_published_decisions"
#: Where a beneficiary is, for the share outside the metropolis.
PLACES = ("in_metropolis", "outside", "unknown", "unplaced")

#: The territories that contain a member of a metropolis without being one themselves (a
#: beneficiary placed there may or may not be in the metropolis).
_COARSE_SQL = """
WITH RECURSIVE up(territory_id) AS (
    SELECT parent_id FROM territories WHERE metropolis_id IS NOT NULL AND parent_id IS NOT NULL
    UNION
    SELECT t.parent_id FROM territories t JOIN up ON t.territory_id = up.territory_id
    WHERE t.parent_id IS NOT NULL)
SELECT up.territory_id FROM up JOIN territories t USING (territory_id)
WHERE t.metropolis_id IS NULL"""


def scheme_ids(cat: Catalogue, entry: Scheme) -> list[str]:
    """The `schemes` rows whose decisions are the entry's: its own and its volets' (entries
    whose parent is it, at any depth)."""
    ids, seen, todo = list(entry.scheme_ids), {entry.id}, [entry.id]
    while todo:
        parent = todo.pop()
        for child in cat.entries:
            if child.parent_id == parent and child.id not in seen:
                seen.add(child.id)
                todo.append(child.id)
                ids.extend(child.scheme_ids)
    return ids


def _awards(criteria: dict[str, Any]) -> tuple[str, list[Any]]:
    """The CTE `aw` of the entry's awards (each contract once), restricted to `criteria`."""
    where, params = ["list_contains(?::VARCHAR[], a.scheme_id)", "a.superseded_by IS NULL"], []
    for column in ("stage", "format", "first_work"):
        if criteria.get(column) is not None:
            where.append(f"a.{column} = ?")
            params.append(criteria[column])
    return (f"WITH aw AS (SELECT a.award_id, a.amount_minor, a.currency, {YEAR_SQL} AS year, "
            "a.fiscal_period, a.stage, a.format, a.first_work, a.commission_id, "
            "a.beneficiary_territory_id, a.source_id, a.fictitious FROM awards a "
            f"WHERE {' AND '.join(where)}) "), params


def _rows(a: Reader, ids: list[str], criteria: dict[str, Any], sql: str,
          extra: list[Any] | None = None) -> list[dict[str, Any]]:
    cte, params = _awards(criteria)
    return a.frame(cte + sql.replace("{P}", PROVENANCE_SQL.replace("a.", "aw.")),
                   [ids, *params, *(extra or [])]).to_dicts()


def award_figures(a: Reader, ids: list[str], **criteria: Any) -> dict[str, Any]:
    """The figures of the awards of the schemes `ids` (optionally only those whose stage,
    format or first_work equal `criteria`'s): see the module's docstring. `decisions` is
    False (and every figure None) when there is none."""
    count = _rows(a, ids, criteria, "SELECT count(*) AS n, min(year) AS first_year, "
                  "max(year) AS last_year, {P} FROM aw")[0]
    if not count["n"]:
        return {"decisions": False, "n_awards": None, "years": None, "by_year": None,
                "amounts": None, "stages": None, "formats": None, "first_works": None,
                "metropolis": None, "territories": None, "fictitious": False, "sources": []}
    figures = {
        "decisions": True, "n_awards": count["n"],
        "years": {"first": count["first_year"], "last": count["last_year"],
                  "fictitious": count["fictitious"], "sources": count["sources"]},
        "by_year": _rows(a, ids, criteria, (
            "SELECT year, CASE WHEN count(DISTINCT fiscal_period) = 1 THEN min(fiscal_period) "
            "END AS fiscal_period, currency, count(*) AS n, count(amount_minor) AS "
            "n_amount_known, sum(amount_minor)::BIGINT AS amount_minor, {P} FROM aw "
            "GROUP BY year, currency ORDER BY year NULLS LAST, currency")),
        "amounts": _amounts(a, ids, criteria),
        "stages": _counts(a, ids, criteria, "stage"),
        "formats": _counts(a, ids, criteria, "format"),
        "first_works": _first_works(a, ids, criteria),
        "metropolis": _metropolis(a, ids, criteria),
        "territories": _rows(a, ids, criteria, (
            "SELECT * FROM (SELECT r.territory_id, r.name, r.level, aw.currency, "
            "count(*) AS n, sum(aw.amount_minor)::BIGINT AS amount_minor, {P} FROM aw "
            "LEFT JOIN territories t ON t.territory_id = aw.beneficiary_territory_id "
            "LEFT JOIN territories r ON r.territory_id = t.region_id GROUP BY ALL) "
            "ORDER BY currency, territory_id IS NULL, amount_minor DESC NULLS LAST, n DESC, "
            "name")),
    }
    return figures | provenance([count])


def _amounts(a: Reader, ids: list[str], criteria: dict[str, Any]) -> list[dict[str, Any]]:
    """Per currency: awards, how many of known amount, total, min, quartiles, median, max."""
    rows = _rows(a, ids, criteria, (
        "SELECT currency, count(*) AS n, count(amount_minor) AS n_amount_known, "
        "sum(amount_minor)::BIGINT AS total_minor, min(amount_minor) AS min_minor, "
        "quantile_cont(amount_minor, [0.25, 0.5, 0.75]) AS q, max(amount_minor) AS max_minor, "
        "{P} FROM aw GROUP BY currency ORDER BY n DESC, currency"))
    for row in rows:
        q = row.pop("q") or [None] * 3
        row["q1_minor"], row["median_minor"], row["q3_minor"] = q
    return rows


def _counts(a: Reader, ids: list[str], criteria: dict[str, Any],
            column: str) -> list[dict[str, Any]]:
    """Awards by `column` (None: unknown, last)."""
    return _rows(a, ids, criteria, (
        f"SELECT {column} AS code, count(*) AS n, {{P}} FROM aw GROUP BY {column} "
        f"ORDER BY {column} IS NULL, n DESC, {column}"))


def _first_works(a: Reader, ids: list[str], criteria: dict[str, Any]) -> dict[str, Any]:
    """Share of first works among the awards whose first_work is known."""
    row = _rows(a, ids, criteria, (
        "SELECT count(first_work) AS n_known, count(*) FILTER (WHERE first_work) AS n_first, "
        "count(*) FILTER (WHERE first_work IS NULL) AS n_unknown, {P} FROM aw"))[0]
    row["share"] = row["n_first"] / row["n_known"] if row["n_known"] else None
    return row


def _metropolis(a: Reader, ids: list[str], criteria: dict[str, Any]) -> dict[str, Any]:
    """Awards by where their beneficiary is (PLACES), per currency, with the share outside
    among the awards whose place can be told (count and, per currency, amount)."""
    rows = _rows(a, ids, criteria, (
        "SELECT CASE WHEN aw.beneficiary_territory_id IS NULL OR t.territory_id IS NULL "
        "THEN 'unplaced' WHEN t.metropolis_id IS NOT NULL THEN 'in_metropolis' "
        "WHEN list_contains(?::VARCHAR[], t.territory_id) THEN 'unknown' ELSE 'outside' END "
        "AS place, aw.currency, count(*) AS n, sum(aw.amount_minor)::BIGINT AS amount_minor, "
        "{P} FROM aw LEFT JOIN territories t ON t.territory_id = aw.beneficiary_territory_id "
        "GROUP BY ALL ORDER BY aw.currency, place"), [coarse_territories(a)])
    counts = Counter()
    for row in rows:
        counts[row["place"]] += row["n"]
    told = counts["in_metropolis"] + counts["outside"]
    shares = {}
    for currency in sorted({r["currency"] for r in rows}):
        money = {p: sum(r["amount_minor"] or 0 for r in rows
                        if r["currency"] == currency and r["place"] == p
                        and r["amount_minor"] is not None) for p in PLACES}
        known = money["in_metropolis"] + money["outside"]
        shares[currency] = money["outside"] / known if known else None
    return {"rows": rows, **{f"n_{p}": counts[p] for p in PLACES},
            "share_outside": counts["outside"] / told if told else None,
            "amount_share_outside": shares, **provenance(rows)}


def coarse_territories(a: Reader) -> list[str]:
    """The territories too coarse to tell whether a beneficiary there is in a metropolis."""
    return a.frame(_COARSE_SQL)["territory_id"].to_list()


def sessions(a: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """The commission sessions of the schemes `ids` (latest first): date, year, url, the
    awards decided there, and the composition as published — members, by role, by profession
    and by gender (None: not published), elected officials and substitutes."""
    rows = a.frame(
        "SELECT c.commission_id, c.name, c.session_date, c.year, c.url, c.reference, "
        "c.scheme_id, c.source_id, c.fictitious, (SELECT count(*) FROM awards a WHERE "
        "a.commission_id = c.commission_id AND a.superseded_by IS NULL) AS n_awards "
        "FROM commissions c WHERE list_contains(?::VARCHAR[], c.scheme_id) "
        "ORDER BY c.session_date DESC NULLS LAST, c.year DESC NULLS LAST, c.name", [ids]).to_dicts()
    members = a.frame(
        "SELECT m.commission_id, m.role, m.profession, m.gender, m.is_elected_official, "
        "m.substitute, m.source_id, m.fictitious FROM commission_members m JOIN commissions c "
        "USING (commission_id) WHERE list_contains(?::VARCHAR[], c.scheme_id)", [ids]).to_dicts()
    seats: dict[str, list[dict[str, Any]]] = {}
    for m in members:
        seats.setdefault(m["commission_id"], []).append(m)
    for row in rows:
        sat = seats.get(row["commission_id"], [])
        row["sources"] = sorted({row["source_id"], *(m["source_id"] for m in sat)})
        row["fictitious"] = bool(row["fictitious"] or any(m["fictitious"] for m in sat))
        row["n_members"] = len(sat) if sat else None  # None: no composition published
        row["composition"] = _composition(sat) if sat else None
    return rows


def _composition(seats: list[dict[str, Any]]) -> dict[str, Any]:
    def tally(column: str) -> list[dict[str, Any]]:
        counts = Counter(m[column] for m in seats)
        return [{"code": k, "n": n} for k, n in sorted(
            counts.items(), key=lambda kv: (kv[0] is None, -kv[1], kv[0] or ""))]
    elected = [m["is_elected_official"] for m in seats]
    substitutes = [m["substitute"] for m in seats]
    return {"by_role": tally("role"), "by_profession": tally("profession"),
            "by_gender": tally("gender"),
            "n_elected_officials": sum(1 for e in elected if e),
            "n_elected_unknown": sum(1 for e in elected if e is None),
            "n_substitutes": sum(1 for s in substitutes if s),
            "n_substitute_unknown": sum(1 for s in substitutes if s is None)}


def success(a: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """Applications received and awarded per year (`application_stats`), the rate where both
    are known for every row of the year (None otherwise)."""
    rows = a.frame(
        "SELECT year, sum(applications_received)::BIGINT AS received, "
        "sum(applications_awarded)::BIGINT AS awarded, count(*) AS n_rows, "
        "count(applications_received) AS n_received, count(applications_awarded) AS "
        "n_awarded, bool_or(fictitious) AS fictitious, list(DISTINCT source_id ORDER BY "
        "source_id) AS sources FROM application_stats WHERE list_contains(?::VARCHAR[], "
        "scheme_id) GROUP BY year ORDER BY year", [ids]).to_dicts()
    for row in rows:
        complete = row.pop("n_received") == row["n_rows"] == row.pop("n_awarded")
        if not complete:
            row["received"] = row["received"] if row["n_rows"] == 1 else None
            row["awarded"] = row["awarded"] if row["n_rows"] == 1 else None
        row.pop("n_rows")
        row["rate"] = (row["awarded"] / row["received"]
                       if complete and row["received"] else None)
    return rows


def observed(a: Reader, entry: Scheme, cat: Catalogue | None = None) -> dict[str, Any]:
    """Everything the published decisions show about a catalogue entry: the award figures
    (`award_figures`), its sessions and their composition, its success rate where application
    figures exist, its volets; labelled `observed_in_published_decisions`."""
    cat = cat or catalogue(a)
    ids = scheme_ids(cat, entry)
    figures = award_figures(a, ids)
    held = sessions(a, ids)
    rates = success(a, ids)
    volets = [{"id": e.id, "name": e.name} for e in cat.entries
              if e.id != entry.id and set(e.scheme_ids) <= set(ids)]
    parts = [figures, *held, *rates]
    return {"scheme": {"id": entry.id, "name": entry.name}, "label": OBSERVED,
            "scheme_ids": ids, "volets": volets, **figures, "sessions": held,
            "success": rates, **provenance(parts)}


def observed_for(a: Reader, entry: Scheme, *, stage: str | None = None,
                 format: str | None = None, first_work: bool | None = None,  # noqa: A002
                 cat: Catalogue | None = None) -> dict[str, Any]:
    """What the scheme funded for people like the finder's user: the award figures of its
    decisions whose stage, format and first_work equal those given (None: any), next to the
    number of all its decisions and how many of them leave a given criterion unknown (those
    are not counted as matching, nor as not matching)."""
    cat = cat or catalogue(a)
    ids = scheme_ids(cat, entry)
    criteria = {"stage": stage, "format": format, "first_work": first_work}
    matching = award_figures(a, ids, **criteria)
    asked = [column for column, value in criteria.items() if value is not None]
    everything = _rows(a, ids, {}, "SELECT count(*) AS n, " + "".join(
        f"count(*) FILTER (WHERE {column} IS NULL) AS {column}, " for column in asked)
        + "{P} FROM aw")[0]
    unknown = {column: everything[column] for column in asked} if everything["n"] else {}
    return {"scheme": {"id": entry.id, "name": entry.name}, "label": OBSERVED,
            "criteria": {k: v for k, v in criteria.items() if v is not None},
            "n_awards_all": everything["n"] or None, "unknown": unknown,
            **{k: matching[k] for k in ("decisions", "n_awards", "years", "amounts",
                                        "by_year")},
            **provenance([matching, everything])}


def _criteria_of(profile: Any) -> dict[str, Any]:
    """The award criteria of a finder's profile: its stage and format, and first_work (True
    for a first work, False for a second or later one: "not a first work")."""
    rank = getattr(profile, "work_rank", None)
    return {"stage": getattr(profile, "stage", None), "format": getattr(profile, "format", None),
            "first_work": None if rank is None else rank == "first"}


def summaries(a: Reader, cat: Catalogue, *, stage: str | None = None,
              format: str | None = None,  # noqa: A002
              first_work: bool | None = None) -> dict[str, dict[str, Any]]:
    """`observed_for`'s summary of every catalogue entry at once (one read of the awards, for
    the finder's list): entry id → {label, criteria, decisions, n_awards_all, n_awards (the
    matching ones; None when none), unknown, years, amounts (per currency: n,
    n_amount_known, total_minor, median_minor), fictitious, sources}."""
    import polars as pl

    frame = a.frame(
        f"SELECT a.scheme_id, a.currency, a.amount_minor, {YEAR_SQL} AS year, a.stage, "
        "a.format, a.first_work, a.source_id, a.fictitious FROM awards a "
        "WHERE a.scheme_id IS NOT NULL AND a.superseded_by IS NULL")
    criteria = {k: v for k, v in {"stage": stage, "format": format,
                                  "first_work": first_work}.items() if v is not None}
    match = pl.lit(True)
    for column, value in criteria.items():
        match = match & (pl.col(column) == value).fill_null(False)
    frame = frame.with_columns(match.alias("matching"))
    out = {}
    for entry in cat.entries:
        rows = frame.filter(pl.col("scheme_id").is_in(scheme_ids(cat, entry)))
        hit = rows.filter(pl.col("matching"))
        amounts = (hit.group_by("currency").agg(
            n=pl.len(), n_amount_known=pl.col("amount_minor").count(),
            total_minor=pl.col("amount_minor").sum(),
            median_minor=pl.col("amount_minor").quantile(0.5, "linear"),
            fictitious=pl.col("fictitious").any(),
            sources=pl.col("source_id").unique().sort())
            .sort(["n", "currency"], descending=[True, False]).to_dicts())
        for row in amounts:
            if not row["n_amount_known"]:
                row["total_minor"] = row["median_minor"] = None
        years = hit["year"].drop_nulls()
        out[entry.id] = {
            "label": OBSERVED, "criteria": criteria, "decisions": hit.height > 0,
            "n_awards_all": rows.height or None, "n_awards": hit.height or None,
            "unknown": {c: rows[c].null_count() for c in criteria} if rows.height else {},
            "years": ({"first": years.min(), "last": years.max()} if hit.height else None),
            "amounts": amounts if hit.height else None,
            "fictitious": bool(rows["fictitious"].any()) if rows.height else False,
            "sources": sorted(set(rows["source_id"].to_list()))}
    return out


def finder_hook(a: Reader, cat: Catalogue, profile: Any):
    """The finder's `observed` callable (`schemes.finder.find`): what each scheme observably
    funded for people like the profile (`summaries`, all schemes read at once); None for a
    scheme with no decision in the store (nothing observed to show beside it)."""
    found = summaries(a, cat, **_criteria_of(profile))
    return lambda scheme, _profile: (found[scheme.id] if scheme.id in found
                                     and found[scheme.id]["n_awards_all"] else None)
