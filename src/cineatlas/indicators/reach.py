"""Which territories a source covers: where "nothing" is a known zero, not an unknown.

An additive indicator (a sum or a count, `Indicator.additive`) gives 0 to a territory that the
sources cover and where nothing is counted, so that it is ranked with the others; a territory
that no source covers keeps no row (unknown). For awards, a source covers a unit of the cut when:

- **the unit is in the funder's territory**: the territory the funder governs (the CNC: France,
  Telefilm: Canada, a Département: its département), else where it is based — the unit lies
  in it, or holds it (a region holding a département whose file is in the store);
- **the source places its beneficiaries at the cut's level**: of its rows placed in a territory
  at the cut's level or below, or in a territory above some unit of that level (France, a
  region at the department level), at least the cut's `min_coverage` (70 %) are at the level or
  below. Telefilm places Québec's beneficiaries in their municipality, so it covers Québec's
  administrative regions; the SCDL files and the CNC's commission results place theirs in
  France only (no address is published), so they cover no region or département;
- **the source has rows in the cut**: the cut's years (each year, when by year), funders,
  schemes and sector; with a stage, format or genre filter, the rows that state one.

Each (source, funder) pair is judged on its own rows, and gives zeros in its main currency (the
one most of its rows are in). A zero row rests on the sources that cover it (`sources`), with
n = 0 and coverage NULL: the real ones when any real source covers it (a fictitious source
covering it too adds nothing to a real zero), else the fictitious ones, and it is then flagged
fictitious.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query

#: Why an additive figure is 0 rather than missing, for the method pages and caveats.
ZERO_FR = ("Zéro n'est pas inconnu : un territoire que les sources couvrent (il est dans le "
           "territoire du financeur, et la source situe ses bénéficiaires à ce niveau) et qui n'a "
           "reçu aucune aide vaut 0 et est classé ; un territoire qu'aucune source ne couvre n'a "
           "pas de valeur. Telefilm couvre les provinces et les régions administratives du Québec "
           "(bénéficiaires situés par municipalité) ; les fichiers SCDL et les résultats des "
           "commissions du CNC, qui ne publient pas d'adresse, ne couvrent ni les régions ni les "
           "départements.")
ZERO_EN = ("Zero is not unknown: a territory that the sources cover (it lies in the funder's "
           "territory, and the source places its beneficiaries at that level) and that received "
           "nothing has the value 0 and is ranked; a territory no source covers has no value. "
           "Telefilm covers the provinces and Québec's administrative regions (beneficiaries "
           "placed by municipality); the SCDL files and the CNC's commission results, which "
           "publish no address, cover no region or département.")


def award_reach(q: Query) -> ir.Table:
    """(unit_id, [year,] currency, source_id, fictitious): each unit of the cut each award
    source covers (see the module docstring), per year of its rows when the cut is by year."""
    level = q.cut.level
    rows = q.cut_awards().select("source_id", "funder_id", "beneficiary_territory_id",
                                 "currency", "year", "fictitious")
    rows = q.with_funder(rows)
    rows = rows.filter(rows.funder_territory_id.notnull() & rows.currency.notnull())
    c = q.engine.closure_table
    t = q.table("territories")
    level_units = t.filter(t.level == level).select(lu_id="territory_id")
    # joins, not IN subqueries (which not every engine runs)
    fine = c.filter(c.ancestor_level == level).select(fine_id="territory_id").distinct()
    above = c.inner_join(level_units, c.territory_id == level_units.lu_id)
    above = above.filter(above.ancestor_id != above.territory_id).select(
        coarse_id=above.ancestor_id).distinct()
    rows = rows.left_join(fine, rows.beneficiary_territory_id == fine.fine_id)
    rows = rows.left_join(above, rows.beneficiary_territory_id == above.coarse_id)
    pair = ["source_id", "funder_id", "funder_territory_id"]
    # the pair's currency: the one most of its rows are in (an odd row in another currency
    # makes no zero in that currency)
    counts = rows.group_by([*pair, "currency"]).aggregate(rows_in=rows.count())
    order = ibis.row_number().over(group_by=pair,
                                   order_by=[ibis.desc(counts.rows_in), counts.currency])
    main = counts.mutate(_order=order)
    main = main.filter(main._order == 0).select(*pair, main_currency=main.currency)
    stats = rows.group_by(pair).aggregate(
        fine=ibis.ifelse(rows.fine_id.notnull(), 1, 0).sum(),
        coarse=ibis.ifelse(rows.fine_id.isnull() & rows.coarse_id.notnull(), 1, 0).sum(),
        fictitious=rows.fictitious.fill_null(False).any())
    stats = stats.inner_join(main, pair).rename(currency="main_currency")
    placed = stats.fine + stats.coarse
    stats = stats.filter((placed > 0) & (stats.fine >= placed * q.cut.min_coverage))
    if q.cut.by_year:
        years = rows.filter(rows.year.notnull()).select(*pair, "year").distinct()
        stats = stats.inner_join(years, pair)
    # the units overlapping the funder's territory: inside it, or holding it (the closure is
    # cut down to the units' and the scopes' rows first: it holds every territory)
    scopes = stats.select(scope_id=stats.funder_territory_id).distinct()
    units = q.units.select(r_unit="unit_id")
    of_units = c.inner_join(units, c.territory_id == units.r_unit)
    inside = of_units.inner_join(scopes, of_units.ancestor_id == scopes.scope_id).select(
        u_id=of_units.territory_id, s_id=of_units.ancestor_id)
    of_scopes = c.inner_join(scopes, c.territory_id == scopes.scope_id)
    holds = of_scopes.inner_join(units, of_scopes.ancestor_id == units.r_unit).select(
        u_id=of_scopes.ancestor_id, s_id=of_scopes.territory_id)
    overlap = inside.union(holds).distinct()
    out = stats.inner_join(overlap, stats.funder_territory_id == overlap.s_id)
    keys = ["year"] if q.cut.by_year else []
    return out.select(unit_id=out.u_id, **{k: out[k] for k in keys}, currency=out.currency,
                      source_id=out.source_id, fictitious=out.fictitious).distinct()
