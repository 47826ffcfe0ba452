"""Territorial equity: how evenly support per inhabitant is spread over the sub-territories of
a territory (Gini, Theil decomposed between and within), and how much reaches fragile
territories (rural, overseas) against their share of the population.

Sub-territories are the direct children of a territory in the reference tree (a region's
departments, a department's communes, Québec's administrative regions, Canada's provinces),
with two exceptions so that no one is counted twice: the metropolises (`FR-MET-PARIS` is a child
of France, Montréal's CMA one of Québec, beside the regions that hold them) and the municipal
arrondissements of Paris, Lyon and Marseille (children of their department beside their city;
an award there counts for its city, found by the arrondissement's `city_of` alias).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.definitions.beneficiaries import against_population, ancestry
from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator

#: Density classes counted as rural (INSEE's grid, approximated: docs/territories.md).
RURAL = ("rural", "remote_rural")


def _arrondissements(q: Query) -> ir.Table:
    a = q.table("territory_aliases")
    return a.filter(a.kind == "city_of").select(arr_id="territory_id").distinct()


def _children(q: Query) -> ir.Table:
    """(parent_id, sub_id, population) for every territory of the tree that has a parent,
    metropolises and arrondissements left out."""
    t = q.table("territories")
    kids = t.filter(t.parent_id.notnull() & (t.level != "metropolis"))
    arr = _arrondissements(q)
    kids = kids.anti_join(arr, kids.territory_id == arr.arr_id)
    return kids.select("parent_id", sub_id="territory_id", population=kids.population.cast("int64"))


def _subterritories(q: Query) -> ir.Table:
    """(unit_id, sub_id, population): the direct sub-territories of the cut's units (a
    sub-territory has one unit, so sub_id alone identifies a row)."""
    kids = _children(q)
    units = q.units.select(u_id="unit_id")
    kids = kids.inner_join(units, kids.parent_id == units.u_id)
    return kids.select(unit_id=kids.u_id, sub_id=kids.sub_id, population=kids.population)


def _place_in(q: Query, subs: ir.Table, column: str) -> ir.Table:
    """Rebase the query on its rows plus `column`: the sub-territory of `subs` (unit_id,
    sub_id, population; only those of known population) where the beneficiary is based, NULL
    when its place is coarser (only the unit is known) or the sub-territory's population is
    unknown."""
    known = subs.filter(subs.population > 0)
    up = ancestry(q)
    # a territory lies in one unit of the cut and in at most one of its sub-territories, so
    # the territory alone is the key (a single-column join also keeps DuckDB's join order sane)
    where = up.inner_join(known, up.ancestor_id == known.sub_id).select(
        w_t=up.territory_id, w_sub=known.sub_id)
    base = q.base
    rows = base.left_join(where, base.beneficiary_territory_id == where.w_t)
    return q.rebase(rows.mutate(**{column: rows.w_sub}).drop("w_t", "w_sub"))


def _unit_notes(q: Query, subs: ir.Table) -> ir.Table:
    """Per unit: how many sub-territories count (known, non-zero population), how many are left
    out, and the unit's own population."""
    known = subs.population > 0
    notes = subs.group_by("unit_id").aggregate(
        subterritories=ibis.ifelse(known, 1, 0).sum().cast("int64"),
        excluded_subterritories=ibis.ifelse(known, 0, 1).sum().cast("int64"),
    )
    units = q.units.select("unit_id", unit_population=q.units.population.cast("float64"))
    return notes.inner_join(units, "unit_id")


def _finish(q: Query, out: ir.Table, notes: ir.Table) -> ir.Table:
    """`out` (keys, value, numerator = money, denominator = population counted, …) with the
    unit's notes and population_coverage = population counted ÷ the unit's population."""
    out = out.inner_join(notes, "unit_id")
    coverage = ibis.ifelse(out.unit_population > 0, out.denominator / out.unit_population,
                           ibis.null())
    return out.mutate(population_coverage=coverage.cast("float64")).drop("unit_population")


_SUB_EXTRAS = {
    "subterritories": ("nombre de sous-territoires comptés (population connue et non nulle)",
                       "number of sub-territories counted (known, non-zero population)"),
    "excluded_subterritories": (
        "sous-territoires écartés faute de population connue et non nulle",
        "sub-territories left out for want of a known, non-zero population"),
    "population_coverage": (
        "population des sous-territoires comptés ÷ population du territoire",
        "population of the sub-territories counted ÷ the territory's population"),
}

_SUB_CAVEATS_FR = (
    "Un sous-territoire sans aucune aide compte pour 0 € : c'est un zéro connu, puisque le "
    "territoire a des données. Un sous-territoire dont la population est inconnue (ou nulle : "
    "les communes « mortes pour la France ») est écarté avec ses aides et compté dans "
    "excluded_subterritories.",
    "Les aides dont le bénéficiaire n'est situé qu'au niveau du territoire lui-même (sans "
    "sous-territoire) sont exclues et comptées dans la couverture.",
    "Les arrondissements de Paris, Lyon et Marseille ne sont pas des sous-territoires de leur "
    "département : ils comptent dans leur commune. Les métropoles non plus (elles recoupent les "
    "régions).",
    "Là où la base ne liste qu'une partie des sous-territoires (les municipalités du Québec), "
    "l'indice porte sur celles listées : population_coverage dit quelle part de la population "
    "elles couvrent.",
)
_SUB_CAVEATS_EN = (
    "A sub-territory with no award counts as 0: it is a known zero, since the territory has "
    "data. A sub-territory of unknown (or zero: the French communes 'mortes pour la France') "
    "population is left out with its awards and counted in excluded_subterritories.",
    "Awards whose beneficiary is placed only at the territory's own level (no sub-territory) are "
    "left out and counted in the coverage.",
    "The arrondissements of Paris, Lyon and Marseille are not sub-territories of their "
    "department: they count in their city. Neither are metropolises (they overlap regions).",
    "Where the store lists only part of the sub-territories (Québec's municipalities), the index "
    "is computed over those listed: population_coverage says what share of the population they "
    "hold.",
)


# -- Gini -----------------------------------------------------------------------------------

@indicator(
    id="gini_support_per_inhabitant",
    theme="equity",
    title_fr="Indice de Gini de l'aide par habitant entre sous-territoires",
    title_en="Gini index of support per inhabitant across sub-territories",
    definition_fr="Inégalité de l'aide par habitant entre les sous-territoires du territoire "
                  "(les départements d'une région, les régions d'un pays…), chaque sous-territoire "
                  "pesant sa population : 0 quand chacun reçoit autant par habitant, près de 1 "
                  "quand un seul reçoit tout.",
    definition_en="Inequality of support per inhabitant across the territory's sub-territories "
                  "(a region's departments, a country's regions…), each weighted by its "
                  "population: 0 when each gets the same per inhabitant, near 1 when one gets "
                  "everything.",
    formula="G = Σ_i Σ_j p_i p_j |y_i − y_j| ÷ (2 P² ȳ), y_i = montant_i ÷ p_i ; calculé par la "
            "courbe de Lorenz : G = 1 − Σ_i (p_i ÷ P)(L_{i−1} + L_i), sous-territoires triés "
            "par y croissant, L = part cumulée du montant",
    unit="index",
    subject="awards",
    needs=("amount_minor", "beneficiary_subterritory_id"),
    caveats_fr=("`beneficiary_subterritory_id` est le sous-territoire où le bénéficiaire est "
                "établi, déduit de son lieu.", *_SUB_CAVEATS_FR),
    caveats_en=("`beneficiary_subterritory_id` is the sub-territory where the beneficiary is "
                "based, derived from its place.", *_SUB_CAVEATS_EN),
    extras=_SUB_EXTRAS,
    over_subterritories=True,
)
def gini_support_per_inhabitant(q: Query) -> ir.Table:
    keys = q.keys
    subs = _subterritories(q)
    known = subs.filter(subs.population > 0)
    _place_in(q, subs, "beneficiary_subterritory_id")
    covered = q.covered
    money = covered.group_by([*keys, "beneficiary_subterritory_id"]).aggregate(
        x=covered.amount.sum())
    money = money.select(*keys, sub_id=money.beneficiary_subterritory_id.cast("string"),
                         x=money.x.cast("int64"))
    # every sub-territory of a unit with data, at 0 when it has no award
    groups = money.select(*keys).distinct()
    zeros = groups.inner_join(known.select("unit_id", "sub_id"), "unit_id")
    zeros = zeros.select(*keys, sub_id=zeros.sub_id.cast("string"), x=ibis.literal(0, "int64"))
    full = money.union(zeros)
    full = full.group_by([*keys, "sub_id"]).aggregate(x=full.x.sum())
    # a sub-territory has one unit: its id alone is the key (see _place_in)
    populations = known.select(p_sub="sub_id", population=known.population)
    full = full.inner_join(populations, full.sub_id == populations.p_sub).drop("p_sub")
    x = full.x.cast("float64")
    p = full.population.cast("float64")
    lorenz = ibis.cumulative_window(group_by=keys, order_by=[x / p, full.sub_id])
    full = full.mutate(xf=x, pf=p, cum=x.sum().over(lorenz))
    grouped = full.group_by(keys).aggregate(
        money=full.xf.sum(), population=full.pf.sum(),
        area=(full.pf * (2 * full.cum - full.xf)).sum(),
    )
    value = ibis.ifelse(grouped.money > 0,
                        1 - grouped.area / (grouped.population * grouped.money), ibis.null())
    out = grouped.select(*keys, value=value.cast("float64"), numerator=grouped.money / 100,
                         denominator=grouped.population)
    return _finish(q, out, _unit_notes(q, subs))


# -- Theil ----------------------------------------------------------------------------------

@indicator(
    id="theil_support_per_inhabitant",
    theme="equity",
    title_fr="Indice de Theil de l'aide par habitant, décomposé entre et dans les sous-territoires",
    title_en="Theil index of support per inhabitant, decomposed between and within "
             "sub-territories",
    definition_fr="Écart entre la répartition des aides et celle de la population sur les "
                  "sous-territoires fins du territoire (les communes d'une région, les "
                  "départements d'un pays) : 0 quand l'aide suit exactement la population. Il "
                  "se décompose exactement en une part entre les sous-territoires directs (les "
                  "départements d'une région) et une part à l'intérieur de chacun.",
    definition_en="Gap between how support and how population are spread over the territory's "
                  "fine sub-territories (a region's communes, a country's departments): 0 when "
                  "support follows population exactly. It splits exactly into a part between the "
                  "direct sub-territories (a region's departments) and a part within each of them.",
    formula="T = Σ_k s_k ln(s_k ÷ p_k), s = part du montant, p = part de la population, k = "
            "sous-territoires des sous-territoires g ; T = T_entre + T_dans, "
            "T_entre = Σ_g s_g ln(s_g ÷ p_g), T_dans = Σ_g s_g T_g",
    unit="index",
    subject="awards",
    needs=("amount_minor", "beneficiary_sub_subterritory_id"),
    caveats_fr=(
        "Les sous-territoires fins k sont les enfants des sous-territoires directs g ; un g sans "
        "enfant (une province sans subdivision dans la base) est son propre k. "
        "`beneficiary_sub_subterritory_id` est ce k, déduit du lieu du bénéficiaire : une aide "
        "située seulement au niveau de g (un département, pour une région) est exclue et comptée "
        "dans la couverture.",
        "La population d'un g est la somme de celle de ses k comptés, pour que la décomposition "
        "soit exacte. Un k sans aide ne pèse que par sa population (s ln s = 0 quand s = 0).",
        *_SUB_CAVEATS_FR[:1], *_SUB_CAVEATS_FR[2:],
    ),
    caveats_en=(
        "The fine sub-territories k are the children of the direct sub-territories g; a g with no "
        "children (a province with no subdivision in the store) is its own k. "
        "`beneficiary_sub_subterritory_id` is that k, derived from the beneficiary's place: an "
        "award placed only at the level of g (a department, for a region) is left out and counted "
        "in the coverage.",
        "The population of a g is the sum of its counted k's, so that the decomposition is exact. "
        "A k with no award weighs only through its population (s ln s = 0 when s = 0).",
        *_SUB_CAVEATS_EN[:1], *_SUB_CAVEATS_EN[2:],
    ),
    extras={
        "theil_between": ("part de l'indice entre les sous-territoires directs",
                          "part of the index between the direct sub-territories"),
        "theil_within": ("part de l'indice à l'intérieur des sous-territoires directs (Σ s_g T_g)",
                         "part of the index within the direct sub-territories (Σ s_g T_g)"),
        **_SUB_EXTRAS,
    },
    over_subterritories=True,
)
def theil_support_per_inhabitant(q: Query) -> ir.Table:
    keys = q.keys
    groups = _subterritories(q).rename(group_id="sub_id", group_population="population")
    kids = _children(q)
    grand = groups.inner_join(kids, groups.group_id == kids.parent_id).select(
        "unit_id", "group_id", "sub_id", "population")
    leaves = groups.anti_join(kids, groups.group_id == kids.parent_id).select(
        "unit_id", "group_id", sub_id=groups.group_id, population=groups.group_population)
    cells = grand.union(leaves)
    known = cells.filter(cells.population > 0)
    _place_in(q, cells.select("unit_id", "sub_id", "population"), "beneficiary_sub_subterritory_id")

    covered = q.covered
    money = covered.group_by([*keys, "beneficiary_sub_subterritory_id"]).aggregate(
        x=covered.amount.sum())
    money = money.filter(money.x > 0).rename(sub_id="beneficiary_sub_subterritory_id")
    # single-column keys only: a fine sub-territory has one group, a group one unit (with
    # several columns, DuckDB's join order may split the condition and multiply the rows)
    cell_info = known.select("group_id", "population", k_id="sub_id")
    money = money.inner_join(cell_info, money.sub_id == cell_info.k_id).drop("k_id")
    # DuckDB folds the case of names: no column may differ from another by case only
    totals = known.group_by("unit_id").aggregate(pop_total=known.population.sum().cast("float64"))
    group_totals = known.group_by("group_id").aggregate(
        pop_group=known.population.sum().cast("float64"))
    money = money.inner_join(totals, "unit_id").inner_join(group_totals, "group_id")
    x = money.x.cast("float64")
    m = money.mutate(xf=x, pf=money.population.cast("float64"),
                     x_total=x.sum().over(group_by=keys),
                     x_group=x.sum().over(group_by=[*keys, "group_id"]))
    s = m.xf / m.x_total
    grouped = m.group_by(keys).aggregate(
        value=(s * (m.xf * m.pop_total / (m.x_total * m.pf)).ln()).sum(),
        theil_between=(s * (m.x_group * m.pop_total / (m.x_total * m.pop_group)).ln()).sum(),
        theil_within=(s * (m.xf * m.pop_group / (m.x_group * m.pf)).ln()).sum(),
        numerator=m.xf.sum() / 100,
        denominator=m.pop_total.max(),
    )
    # the unit's notes count the fine sub-territories
    notes = _unit_notes(q, cells.select("unit_id", "sub_id", "population"))
    return _finish(q, grouped, notes)


# -- fragile territories --------------------------------------------------------------------

#: Fragile categories (the `category` column).
FRAGILE = ("rural", "overseas")


@indicator(
    id="fragile_share",
    theme="equity",
    title_fr="Part des aides aux territoires fragiles (ruraux, outre-mer)",
    title_en="Share of support to fragile territories (rural, overseas)",
    definition_fr="Part du montant des aides du territoire qui va à des bénéficiaires établis "
                  "dans une commune rurale (rurale ou rurale isolée) ou d'outre-mer, à comparer à "
                  "la part de la population qui y vit.",
    definition_en="Share of the money awarded in the territory that goes to beneficiaries based "
                  "in a rural commune (rural or remote rural) or overseas, against the share of "
                  "the population living there.",
    formula="Σ montant (commune fragile) ÷ Σ montant (commune connue) ; "
            "ratio = part ÷ (population des communes fragiles ÷ population des communes)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_rural", "beneficiary_overseas"),
    caveats_fr=(
        "`beneficiary_rural` et `beneficiary_overseas` sont lus sur la commune du bénéficiaire "
        "(classe de densité, drapeau outre-mer) : une aide dont on ne connaît pas la commune "
        "(seulement le département, la région) est exclue des deux catégories et comptée dans la "
        "couverture.",
        "Rural = classes 'rural' et 'remote_rural', approximation par commune de la grille "
        "communale de densité de l'INSEE (voir docs/territories.md).",
        "La part de population est calculée sur les communes (arrondissements exclus) dont la "
        "classe de densité, le drapeau outre-mer et la population sont connus. Seule la France a "
        "ces informations : les autres territoires n'ont pas de ligne.",
    ),
    caveats_en=(
        "`beneficiary_rural` and `beneficiary_overseas` are read on the beneficiary's commune "
        "(density class, overseas flag): an award whose commune is unknown (only the department "
        "or region) is left out of both categories and counted in the coverage.",
        "Rural = classes 'rural' and 'remote_rural', a commune-level approximation of INSEE's "
        "density grid (see docs/territories.md).",
        "The population share is computed on the communes (arrondissements excluded) whose density "
        "class, overseas flag and population are known. Only France has them: other territories "
        "have no row.",
    ),
    category=("'rural' (communes rurales et rurales isolées) ou 'overseas' (outre-mer)",
              "'rural' (rural and remote rural communes) or 'overseas'"),
    extras={
        "population_share": ("part de la population vivant dans ces territoires",
                             "share of the population living in those territories"),
        "ratio": ("part des aides ÷ part de la population (1 = à proportion de la population)",
                  "share of support ÷ share of population (1 = in proportion to population)"),
    },
)
def fragile_share(q: Query) -> ir.Table:
    keys = q.keys
    t = q.table("territories")
    places = t.select(f_id="territory_id", f_class="density_class", f_overseas="overseas")
    base = q.base
    rows = base.left_join(places, base.beneficiary_territory_id == places.f_id)
    rural = ibis.cases((rows.f_class.isin(RURAL), True), (rows.f_class.notnull(), False),
                       else_=ibis.null().cast("boolean"))
    q.rebase(rows.mutate(beneficiary_rural=rural.cast("boolean"),
                         beneficiary_overseas=rows.f_overseas.cast("boolean"))
             .drop("f_id", "f_class", "f_overseas"))
    covered = q.covered
    grouped = covered.group_by(keys).aggregate(
        rural=covered.amount.sum(where=covered.beneficiary_rural).fill_null(0),
        overseas=covered.amount.sum(where=covered.beneficiary_overseas).fill_null(0),
        total=covered.amount.sum(),
    )
    # population of the units' communes whose class and flag are known
    communes = t.filter(t.density_class.notnull() & t.overseas.notnull() & t.population.notnull())
    arr = _arrondissements(q)
    communes = communes.anti_join(arr, communes.territory_id == arr.arr_id)
    levels = q.at_level()
    communes = communes.inner_join(levels, "territory_id")
    pop = communes.population.cast("int64")
    populations = communes.group_by("unit_id").aggregate(
        population=pop.sum(),
        rural_population=pop.sum(where=communes.density_class.isin(RURAL)).fill_null(0),
        overseas_population=pop.sum(where=communes.overseas).fill_null(0),
    )
    grouped = grouped.inner_join(populations, "unit_id")
    parts = [grouped.select(*keys, category=ibis.literal(name, "string"),
                            numerator=grouped[name].cast("float64") / 100,
                            denominator=grouped.total.cast("float64") / 100,
                            part=grouped[f"{name}_population"].cast("float64"),
                            whole=grouped.population.cast("float64"))
             for name in FRAGILE]
    return against_population(q.share(ibis.union(*parts)), "part", "whole")
