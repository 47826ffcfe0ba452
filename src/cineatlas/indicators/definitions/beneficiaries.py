"""Beneficiaries and territories: how concentrated the money is (Herfindahl-Hirschman index,
top-5 share), how much of it stays in the metropolis, and how much of a funder's money stays
in its own territory (local initiative).

The territory of an award is its beneficiary's (where it is based). Some of these indicators
need to know more than the unit an award falls in: whether its beneficiary is in the
metropolis, or in its funder's territory. They add that as a derived field of the rows
(`beneficiary_in_metropolis`, `beneficiary_in_funder_territory`), NULL when the beneficiary's
place is too coarse to tell (a Québec company whose municipality is unknown may or may not be in
Montréal): such awards are left out of the value and lower the coverage, never counted as
outside.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator


def ancestry(q: Query) -> ir.Table:
    """(territory_id, ancestor_id): every territory with itself and each territory containing
    it — the engine's closure (parents, and the metropolis a territory belongs to) plus the
    city of each municipal arrondissement of Paris, Lyon and Marseille, which the closure does
    not give (their parent is the department; their `city_of` alias names the city)."""
    c = q.engine.closure_table
    closure = c.select(territory_id=c.territory_id.cast("string"),
                       ancestor_id=c.ancestor_id.cast("string"))
    a = q.table("territory_aliases")
    a = a.filter(a.kind == "city_of")
    cities = a.select(territory_id=a.territory_id.cast("string"),
                      ancestor_id=a.alias_key.cast("string"))
    return closure.union(cities, distinct=True)


#: A boolean NULL: the derived field is unknown.
_UNKNOWN = ibis.null().cast("boolean")


def _pair(a: ir.StringValue, b: ir.StringValue) -> ir.StringValue:
    """One key for a pair of territory ids: joins on one column only (on several, DuckDB's
    join order optimizer may split the condition and multiply the rows)."""
    return a.concat("|", b)


def _money(total: ir.IntegerValue) -> ir.FloatingValue:
    """Minor units (an exact integer sum) in major units; 0 for an empty sum."""
    return total.fill_null(0).cast("float64") / 100


# -- concentration ------------------------------------------------------------------------

_CONCENTRATION_CAVEATS_FR = (
    "Un bénéficiaire est sa société résolue (résolution des entités, entity_members : voir "
    "docs/resolution.md) : une même société aidée par deux financeurs, ou publiée sous deux "
    "graphies, compte une fois ; deux sociétés d'un même groupe comptent pour deux. Dans un "
    "entrepôt où la résolution n'a pas tourné, le nom normalisé (name_key) en tient lieu.",
    "Le montant d'un bénéficiaire est la somme de ses aides au montant connu dans le territoire "
    "(et l'année, et la devise) du résultat.",
    "L'indice dépend du nombre de bénéficiaires : un petit territoire avec peu de sociétés est "
    "mécaniquement plus concentré ; comparer avec la colonne beneficiaries.",
)
_CONCENTRATION_CAVEATS_EN = (
    "A beneficiary is its resolved company (entity resolution, entity_members: see "
    "docs/resolution.md): one company supported by two funders, or published under two "
    "spellings, counts once; two companies of one group count as two. In a store resolution "
    "has not run on, the normalised name (name_key) stands in.",
    "A beneficiary's amount is the sum of its awards of known amount in the result's territory "
    "(and year, and currency).",
    "The index depends on the number of beneficiaries: a small territory with few companies is "
    "mechanically more concentrated; read it with the beneficiaries column.",
)
_BENEFICIARIES = {"beneficiaries": ("nombre de bénéficiaires", "number of beneficiaries")}


def _per_beneficiary(q: Query) -> ir.Table:
    """(keys, beneficiary_key, amount): the money of each beneficiary, counted once per
    resolved company (`entity_members`); where resolution has not run, per organisation
    name_key (its id when it has no organisation row)."""
    rows = q.covered
    em = q.table("entity_members")
    em = em.filter(em.kind == "organisation").select(e_id="member_id", b_entity="entity_id")
    o = q.table("organisations").select(b_id="organisation_id", b_key="name_key")
    rows = rows.left_join(em, rows.beneficiary_id == em.e_id)
    rows = rows.left_join(o, rows.beneficiary_id == o.b_id)
    rows = rows.mutate(beneficiary_key=ibis.coalesce(rows.b_entity, rows.b_key,
                                                     rows.beneficiary_id))
    return rows.group_by([*q.keys, "beneficiary_key"]).aggregate(amount=rows.amount.sum())


@indicator(
    id="beneficiary_hhi",
    theme="beneficiaries",
    title_fr="Concentration des bénéficiaires (indice de Herfindahl-Hirschman)",
    title_en="Concentration of beneficiaries (Herfindahl-Hirschman index)",
    definition_fr="Somme des carrés des parts (en %) de chaque bénéficiaire dans le montant des "
                  "aides du territoire : de près de 0 (argent très dispersé) à 10 000 (un seul "
                  "bénéficiaire reçoit tout).",
    definition_en="Sum of the squared shares (in %) of each beneficiary in the money awarded in "
                  "the territory: from near 0 (money spread thin) to 10,000 (one beneficiary gets "
                  "everything).",
    formula="HHI = Σ_b (100 × montant_b ÷ Σ montant)²",
    unit="index",
    subject="awards",
    needs=("amount_minor", "beneficiary_id"),
    caveats_fr=(*_CONCENTRATION_CAVEATS_FR,
                "Repères usuels (autorités de la concurrence) : moins de 1 500 peu concentré, "
                "plus de 2 500 très concentré. Avec n bénéficiaires à parts égales, "
                "HHI = 10 000 ÷ n."),
    caveats_en=(*_CONCENTRATION_CAVEATS_EN,
                "Usual landmarks (competition authorities): under 1,500 unconcentrated, over 2,500 "
                "highly concentrated. With n beneficiaries of equal shares, HHI = 10,000 ÷ n."),
    extras=_BENEFICIARIES,
)
def beneficiary_hhi(q: Query) -> ir.Table:
    per = _per_beneficiary(q)
    amount = per.amount.cast("float64")
    grouped = per.group_by(q.keys).aggregate(
        squares=(amount * amount).sum(),
        total=per.amount.sum(),
        beneficiaries=per.count().cast("int64"),
    )
    total = grouped.total.cast("float64")
    value = ibis.ifelse(grouped.total != 0, 10_000 * grouped.squares / (total * total), ibis.null())
    return grouped.select(*q.keys, value=value.cast("float64"),
                          numerator=ibis.null().cast("float64"), denominator=_money(grouped.total),
                          beneficiaries=grouped.beneficiaries)


@indicator(
    id="beneficiary_top5_share",
    theme="beneficiaries",
    title_fr="Part des 5 premiers bénéficiaires",
    title_en="Top-5 beneficiaries' share",
    definition_fr="Part du montant des aides du territoire qui va à ses 5 plus gros bénéficiaires.",
    definition_en="Share of the money awarded in the territory that goes to its 5 largest "
                  "beneficiaries.",
    formula="Σ montant (5 premiers bénéficiaires) ÷ Σ montant",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_id"),
    caveats_fr=(*_CONCENTRATION_CAVEATS_FR,
                "À montants égaux, les bénéficiaires sont départagés par leur nom normalisé (le "
                "résultat n'en dépend pas) ; avec 5 bénéficiaires ou moins, la part vaut 1."),
    caveats_en=(*_CONCENTRATION_CAVEATS_EN,
                "Beneficiaries with equal amounts are ranked by their normalised name (the result "
                "does not depend on it); with 5 beneficiaries or fewer, the share is 1."),
    extras=_BENEFICIARIES,
)
def beneficiary_top5_share(q: Query) -> ir.Table:
    per = _per_beneficiary(q)
    order = [ibis.desc(per.amount), per.beneficiary_key]
    rank = ibis.row_number().over(ibis.window(group_by=q.keys, order_by=order))
    ranked = per.mutate(rank=rank)  # 0 for the largest
    grouped = ranked.group_by(q.keys).aggregate(
        numerator=_money(ranked.amount.sum(where=ranked.rank < 5)),
        denominator=_money(ranked.amount.sum()),
        beneficiaries=ranked.count().cast("int64"),
    )
    return q.share(grouped)


# -- metropolis share ---------------------------------------------------------------------

_POPULATION_SHARE = {
    "population_share": ("part de la population du territoire vivant dans la métropole",
                         "share of the territory's population living in the metropolis"),
    "ratio": ("part des aides ÷ part de la population (1 = à proportion de la population)",
              "share of support ÷ share of population (1 = in proportion to population)"),
}


@indicator(
    id="metropolis_share",
    theme="beneficiaries",
    title_fr="Part de la métropole",
    title_en="Metropolis share",
    definition_fr="Part du montant des aides du territoire qui va à des bénéficiaires établis dans "
                  "sa métropole (Montréal au Québec, Paris – Île-de-France en France), à comparer "
                  "à la part de la population qui y vit.",
    definition_en="Share of the money awarded in the territory that goes to beneficiaries based in "
                  "its metropolis (Montréal in Québec, Paris – Île-de-France in France), against "
                  "the share of the population living there.",
    formula="Σ montant (bénéficiaire dans la métropole) ÷ Σ montant ; "
            "ratio = part ÷ (population de la métropole ÷ population du territoire)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_in_metropolis"),
    caveats_fr=(
        "Calculé pour les territoires qui contiennent une métropole : le Canada et le Québec "
        "(RMR de Montréal, CA-QC-CMA462), la France (FR-MET-PARIS). Une région française n'a pas "
        "de ligne : la métropole parisienne est toute l'Île-de-France.",
        "`beneficiary_in_metropolis` est déduit du lieu du bénéficiaire : il est inconnu quand ce "
        "lieu est trop vague pour le dire (une société du Québec dont la municipalité n'est pas "
        "connue) ; ces aides sont exclues et comptées dans la couverture.",
        "Populations : celle de la métropole et celle du territoire, au millésime de la base "
        "(Canada : recensement 2021 ; France : populations légales 2017).",
    ),
    caveats_en=(
        "Computed for territories that contain a metropolis: Canada and Québec (Montréal CMA, "
        "CA-QC-CMA462), France (FR-MET-PARIS). A French region has no row: the Paris metropolis "
        "is the whole of Île-de-France.",
        "`beneficiary_in_metropolis` is derived from the beneficiary's place: it is unknown when "
        "that place is too vague to tell (a Québec company whose municipality is unknown); such "
        "awards are left out and counted in the coverage.",
        "Populations: the metropolis' and the territory's, of the store's vintage (Canada: 2021 "
        "census; France: 2017 legal populations).",
    ),
    category=("la métropole (id de territoire)", "the metropolis (territory id)"),
    extras=_POPULATION_SHARE,
)
def metropolis_share(q: Query) -> ir.Table:
    t = q.table("territories")
    metros = t.filter(t.level == "metropolis").select(
        metropolis_id="territory_id", metropolis_population=t.population)
    # the metropolises inside each unit (strictly: a metropolis is not its own unit)
    levels = q.at_level()
    contains = levels.inner_join(metros, levels.territory_id == metros.metropolis_id)
    contains = contains.filter(contains.unit_id != contains.metropolis_id).select(
        "unit_id", "metropolis_id", "metropolis_population")
    # members of a metropolis, and the territories too coarse to tell: those containing a
    # member without being members themselves (Québec, a Québec region, Canada)
    c = q.engine.closure_table
    members = c.filter(c.ancestor_level == "metropolis").select(
        member_id="territory_id", member_of="ancestor_id")  # one metropolis per territory
    up = c.filter((c.ancestor_level != "metropolis") & (c.ancestor_id != c.territory_id))
    coarse = up.inner_join(members, up.territory_id == members.member_id).select(
        coarse_key=_pair(up.ancestor_id, members.member_of)).distinct()
    member_keys = members.select(member_key=_pair(members.member_id, members.member_of))
    coarse = coarse.anti_join(member_keys, coarse.coarse_key == member_keys.member_key)

    # one row per award and metropolis of its unit (no unit of the reference holds two)
    rows = q.base.inner_join(contains, "unit_id")
    rows = rows.left_join(members, rows.beneficiary_territory_id == members.member_id)
    rows = rows.left_join(coarse, _pair(rows.beneficiary_territory_id, rows.metropolis_id)
                          == coarse.coarse_key)
    known = ibis.cases((rows.member_of == rows.metropolis_id, True),
                       (rows.coarse_key.notnull(), _UNKNOWN), else_=False)
    rows = q.rebase(rows.mutate(beneficiary_in_metropolis=known.cast("boolean"))
                    .drop("member_id", "member_of", "coarse_key"))

    covered = q.covered
    grouped = covered.group_by([*q.keys, "metropolis_id", "metropolis_population"]).aggregate(
        numerator=_money(covered.amount.sum(where=covered.beneficiary_in_metropolis)),
        denominator=_money(covered.amount.sum()),
    )
    units = q.units.select("unit_id", unit_population=q.units.population)
    out = q.share(grouped.inner_join(units, "unit_id")).rename(category="metropolis_id")
    return against_population(out, "metropolis_population", "unit_population")


def against_population(out: ir.Table, part: str, whole: str) -> ir.Table:
    """`out` (with `value` and the population columns `part` and `whole`, which are dropped)
    plus population_share = part ÷ whole and ratio = value ÷ population_share; NULL when a
    population is unknown or the population share is 0."""
    share = ibis.ifelse(out[whole] > 0, out[part].cast("float64") / out[whole].cast("float64"),
                        ibis.null())
    out = out.mutate(population_share=share.cast("float64")).drop(part, whole)
    ratio = ibis.ifelse(out.population_share > 0, out.value / out.population_share, ibis.null())
    return out.mutate(ratio=ratio.cast("float64"))


# -- local initiative ---------------------------------------------------------------------

@indicator(
    id="local_initiative",
    theme="beneficiaries",
    title_fr="Initiative locale : part d'un financeur restant sur son territoire",
    title_en="Local initiative: share of a funder's support staying in its territory",
    definition_fr="Pour chaque financeur, part du montant de ses aides qui va à des bénéficiaires "
                  "établis dans son propre territoire (celui de la collectivité ou de l'organisme) "
                  "plutôt qu'en dehors.",
    definition_en="For each funder, share of the money it awards that goes to beneficiaries based "
                  "in its own territory (the authority's or body's) rather than outside it.",
    formula="Σ montant (bénéficiaire dans le territoire du financeur) ÷ Σ montant (lieu du "
            "bénéficiaire connu)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_in_funder_territory"),
    caveats_fr=(
        "Le résultat est rangé dans le territoire du financeur au niveau demandé (une Région au "
        "niveau région ou pays, le CNC ou Telefilm au niveau pays), pas dans celui du "
        "bénéficiaire ; un financeur sans territoire connu n'apparaît pas.",
        "`beneficiary_in_funder_territory` est déduit du lieu du bénéficiaire : inconnu quand le "
        "lieu manque ou est plus vaste que le territoire du financeur (une aide régionale à une "
        "société dont on ne connaît que le pays) ; ces aides sont exclues et comptées dans la "
        "couverture. Un bénéficiaire d'un autre pays compte comme extérieur même sans ville.",
        "La couverture est celle de tous les financeurs du territoire ensemble.",
    ),
    caveats_en=(
        "The result is placed in the funder's territory at the level asked for (a Region at region "
        "or country level, the CNC or Telefilm at country level), not in the beneficiary's; a "
        "funder with no known territory does not appear.",
        "`beneficiary_in_funder_territory` is derived from the beneficiary's place: unknown when "
        "the place is missing or wider than the funder's territory (regional aid to a company "
        "known only by its country); such awards are left out and counted in the coverage. A "
        "beneficiary in another country counts as outside even without a city.",
        "The coverage is that of all the funders of the territory together.",
    ),
    category=("le financeur (son nom)", "the funder (its name)"),
    extras={"funder_territory_id": ("le territoire du financeur", "the funder's own territory")},
)
def local_initiative(q: Query) -> ir.Table:
    rows = q._funder_territory(q.cut_awards())
    up = ancestry(q)
    # (territory, containing territory) pairs; the beneficiary's place is "inside" when it is
    # in the funder's territory, too coarse when it strictly contains it
    inside = up.select(in_key=_pair(up.territory_id, up.ancestor_id))
    strict = up.filter(up.territory_id != up.ancestor_id)
    wider = strict.select(w_key=_pair(strict.territory_id, strict.ancestor_id))
    t = q.table("territories").select(ft_id="territory_id", funder_country="country_code")
    rows = rows.left_join(inside, _pair(rows.beneficiary_territory_id, rows.funder_territory_id)
                          == inside.in_key)
    rows = rows.left_join(wider, _pair(rows.funder_territory_id, rows.beneficiary_territory_id)
                          == wider.w_key)
    rows = rows.left_join(t, rows.funder_territory_id == t.ft_id)
    country = rows.beneficiary_country_code
    abroad = country.notnull() & (country != rows.funder_country)
    known = ibis.cases(
        (rows.in_key.notnull(), True),
        (rows.beneficiary_territory_id.notnull() & rows.w_key.isnull(), False),
        (rows.beneficiary_territory_id.isnull() & abroad, False),
        else_=_UNKNOWN,
    )
    rows = q.rebase(rows.mutate(beneficiary_in_funder_territory=known.cast("boolean"))
                    .drop("in_key", "w_key", "ft_id", "funder_country"))

    covered = q.covered
    o = q.table("organisations").select(o_id="organisation_id", funder_name="name")
    covered = covered.inner_join(o, covered.funder_id == o.o_id)
    grouped = covered.group_by([*q.keys, "funder_name", "funder_territory_id"]).aggregate(
        numerator=_money(covered.amount.sum(where=covered.beneficiary_in_funder_territory)),
        denominator=_money(covered.amount.sum()),
    )
    return q.share(grouped.rename(category="funder_name"))
