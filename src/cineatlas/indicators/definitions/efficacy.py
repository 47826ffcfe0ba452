"""Efficacy of support programmes: what becomes of the works and people funded.

These indicators follow a resolved entity — the same film published as two works, by two
funders or in two files, is one entity (`entity_members`; a record absent from it is its own
entity) — through its awards and their stages. Each counts an entity once per territory.

Development → production: the works funded in development in fiscal year Y (their cohort, the
first year of development funding) and the share of them whose production was funded in Y to
Y + N (N = `DEFAULT_HORIZON`). A cohort whose funder has published no award of year Y + N or later
is too recent to tell, and left out. The territory is that of the development award's
beneficiary; a territory containing a metropolis also has a row for the metropolis and one for
the rest (`category`).
"""

from __future__ import annotations

import dataclasses

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import FILMS_TERRITORY, Query
from cineatlas.indicators.registry import indicator

#: Fiscal years after the development year within which production must be funded.
DEFAULT_HORIZON = 4
#: Award stages that fund a work's development, and its production.
DEVELOPMENT = ("development",)
PRODUCTION = ("production", "post_production")
#: Categories of the result: every work, those whose beneficiary is in the unit's metropolis,
#: those known to be outside it.
CATEGORIES = ("all", "metropolis", "outside_metropolis")


def _cohort_extras(median_years: tuple[str, str],
                   horizon: tuple[str, str] = ("horizon N, en années budgétaires",
                                               "horizon N, in fiscal years"),
                   ) -> dict[str, tuple[str, str]]:
    """The extra columns of a cohort rate (French, English labels): the cohorts pooled, the
    median time to the event, the horizon."""
    return {"first_cohort": ("première cohorte réunie", "first cohort pooled"),
            "last_cohort": ("dernière cohorte réunie", "last cohort pooled"),
            "median_years": median_years, "horizon": horizon}


def _last_years(q: Query) -> ir.Table:
    """(lf_funder, first_year, last_year): the first and latest fiscal years of each funder's
    published awards."""
    a = q.table("awards")
    year = ibis.coalesce(a.fiscal_year, a.decision_date.year().cast("int32"))
    return a.group_by(lf_funder=a.funder_id).aggregate(first_year=year.min(),
                                                       last_year=year.max())


def _in_metropolis(q: Query, rows: ir.Table) -> ir.Table:
    """`rows` (placed, with `beneficiary_territory_id`) plus `place`: 'metropolis' when the
    beneficiary is in the metropolis its unit strictly contains, 'outside_metropolis' when it
    is known to be elsewhere in that unit, NULL when the unit holds no metropolis or the place
    is too coarse to tell (the province only)."""
    t = q.table("territories")
    metros = t.filter(t.level == "metropolis").select(metropolis_id="territory_id")
    levels = q.at_level()
    contains = levels.inner_join(metros, levels.territory_id == metros.metropolis_id)
    contains = contains.filter(contains.unit_id != contains.metropolis_id).select(
        c_unit="unit_id", c_metro="metropolis_id")
    c = q.engine.closure_table
    # every territory with each territory containing it, metropolises aside
    up = c.filter(c.ancestor_level != "metropolis").select(
        u_territory=c.territory_id.cast("string"), u_ancestor=c.ancestor_id.cast("string"))
    members = c.filter(c.ancestor_level == "metropolis").select(
        m_member=c.territory_id.cast("string"), m_of=c.ancestor_id.cast("string"))
    # too coarse: a territory containing a member of the metropolis without being one
    coarse = up.inner_join(members, up.u_territory == members.m_member)
    coarse = coarse.select(k_territory=coarse.u_ancestor, k_metro=coarse.m_of).distinct()
    coarse = coarse.select(coarse_key=coarse.k_territory.concat("|", coarse.k_metro))
    member_keys = members.select(member_key=members.m_member.concat("|", members.m_of))
    coarse = coarse.anti_join(member_keys, coarse.coarse_key == member_keys.member_key)

    rows = rows.left_join(contains, rows.unit_id == contains.c_unit)
    rows = rows.mutate(p_key=rows.beneficiary_territory_id.cast("string").concat("|",
                                                                                 rows.c_metro))
    rows = rows.left_join(member_keys, rows.p_key == member_keys.member_key)
    rows = rows.left_join(coarse, rows.p_key == coarse.coarse_key)
    where = ibis.cases((rows.c_metro.isnull(), ibis.null().cast("string")),
                       (rows.member_key.notnull(), "metropolis"),
                       (rows.coarse_key.notnull() | rows.beneficiary_territory_id.isnull(),
                        ibis.null().cast("string")),
                       else_="outside_metropolis")
    return rows.mutate(place=where.cast("string")).drop("c_unit", "c_metro", "p_key",
                                                         "member_key", "coarse_key")


def followed(q: Query, starts: ir.Table, events: ir.Table, horizon: int, *,
             after: bool = False) -> ir.Table:
    """The cohort rows of a followed subject (a work, a director): one row per subject, unit and
    currency, with `year` (its cohort), `place`, `amount`, `reached` (an event in year..year +
    horizon), `years_to` (to the first such event) and provenance.

    `starts` are the subject's awards of its cohort year (award columns, `year`, `amount`,
    `subject`); `events` are (e_subject, e_year, e_source, e_fictitious). A cohort whose
    funder's awards stop before year + horizon is too recent and left out. With `after`, the
    event must come in year + horizon or later (still funded N years on), and the cohort of a
    funder's first published year is left out too (a first award then may not be the
    first)."""
    last = _last_years(q)
    starts = starts.left_join(last, starts.funder_id == last.lf_funder).drop("lf_funder")
    placed = _in_metropolis(q, q.years(q.place(starts, "beneficiary_territory_id")))
    cohort = placed.group_by(["subject", "unit_id", "year", "currency"]).aggregate(
        amount=placed.amount.sum(),
        last_year=placed.last_year.min(),
        first_year=placed.first_year.max(),
        place=placed.place.max(),
        places=placed.place.nunique(),
        source_id=placed.source_id.min(),
        start_last_source_id=placed.source_id.max(),
        fictitious=placed.fictitious.fill_null(False).any(),
    )
    cohort = cohort.filter(cohort.year + horizon <= cohort.last_year)
    if after:
        cohort = cohort.filter(cohort.year > cohort.first_year)
    # two beneficiaries of one subject, one in the metropolis and one outside: place unknown
    cohort = cohort.mutate(place=ibis.ifelse(cohort.places > 1, ibis.null().cast("string"),
                                             cohort.place)).drop("places", "last_year",
                                                                 "first_year")
    pairs = cohort.select(k_subject="subject", k_year="year").distinct()
    hits = pairs.inner_join(events, pairs.k_subject == events.e_subject)
    if after:
        hits = hits.filter(hits.e_year >= hits.k_year + horizon)
    else:
        hits = hits.filter((hits.e_year >= hits.k_year)
                           & (hits.e_year <= hits.k_year + horizon))
    hits = hits.group_by(["k_subject", "k_year"]).aggregate(
        first_event=hits.e_year.min(),
        event_source_id=hits.e_source.min(),
        event_last_source_id=hits.e_source.max(),
        e_fictitious=hits.e_fictitious.fill_null(False).any())
    out = cohort.left_join(hits, (cohort.subject == hits.k_subject)
                           & (cohort.year == hits.k_year))
    return out.mutate(
        reached=out.first_event.notnull(),
        years_to=(out.first_event - out.year).cast("int32"),
        fictitious=out.fictitious | out.e_fictitious.fill_null(False),
    ).drop("k_subject", "k_year", "first_event", "e_fictitious")


def _all_years(q: Query) -> ir.Table:
    """The cut's awards in every year (a cohort's first year is found among all of them; the
    cut's years then select cohorts)."""
    return Query(q.engine, q.indicator, dataclasses.replace(q.cut, years=None)).cut_awards()


def _events(q: Query, stages: tuple[str, ...] | None = None) -> ir.Table:
    """Every award naming a work (of `stages`), each contract once, by any funder, whatever
    the cut: work_id, e_year, e_source, e_fictitious."""
    a = q.table("awards")
    a = a.filter(a.superseded_by.isnull() & a.work_id.notnull())
    if stages is not None:
        a = a.filter(a.stage.isin(stages))
    return a.select("award_id", "work_id", e_year=ibis.coalesce(
        a.fiscal_year, a.decision_date.year().cast("int32")),
        e_source="source_id", e_fictitious="fictitious")


def development_cohorts(q: Query, horizon: int = DEFAULT_HORIZON) -> ir.Table:
    """`followed` rows of the works funded in development: a work entity's cohort is its first
    fiscal year of development funding among the cut's awards, its event a production award
    (any funder). Awards with no work, and of another or unknown stage, are not development."""
    dev = _all_years(q)
    dev = dev.filter(dev.stage.isin(DEVELOPMENT) & dev.work_id.notnull())
    dev = q.entity_of(dev, "work_id", "work").rename(subject="entity")
    first = dev.group_by(f_subject="subject").aggregate(cohort=dev.year.min())
    dev = dev.inner_join(first, (dev.subject == first.f_subject) & (dev.year == first.cohort))
    dev = dev.drop("f_subject", "cohort")
    prod = q.entity_of(_events(q, PRODUCTION), "work_id", "work")
    prod = prod.rename(e_subject="entity").drop("work_id", "award_id")
    return followed(q, dev, prod, horizon)


def _rates(q: Query, rows: ir.Table, horizon: int) -> ir.Table:
    """The share of `followed` rows that reached their event, per unit (and year, currency)
    and category."""
    rows = q.rebase(q.materialise(rows))  # read once per category and for coverage
    parts = []
    for category in CATEGORIES:
        part = rows if category == "all" else rows.filter(rows.place == category)
        grouped = part.group_by(q.keys).aggregate(
            numerator=part.reached.sum().cast("float64"),
            denominator=part.count().cast("float64"),
            first_cohort=part.year.min().cast("int32"),
            last_cohort=part.year.max().cast("int32"),
            median_years=part.years_to.cast("float64").median(),
        )
        parts.append(grouped.mutate(category=ibis.literal(category, "string")))
    out = ibis.union(*parts)
    return q.share(out.mutate(horizon=ibis.literal(horizon, "int32")))


def development_to_production(q: Query, horizon: int = DEFAULT_HORIZON) -> ir.Table:
    """The development → production rate, for a given horizon."""
    return _rates(q, development_cohorts(q, horizon), horizon)


_DTP_CHECK = (
    "-- works (resolved) funded in development, their first year and the production years\n"
    "WITH a AS (SELECT coalesce(em.entity_id, a.work_id) AS entity, a.stage,\n"
    "                  coalesce(a.fiscal_year, year(a.decision_date)) AS year\n"
    "           FROM awards a LEFT JOIN entity_members em\n"
    "             ON em.kind = 'work' AND em.member_id = a.work_id\n"
    "           WHERE a.work_id IS NOT NULL AND a.superseded_by IS NULL)\n"
    "SELECT entity, min(year) FILTER (stage = 'development') AS cohort,\n"
    "       list(DISTINCT year) FILTER (stage IN ('production', 'post_production')) AS production\n"
    "FROM a GROUP BY entity HAVING cohort IS NOT NULL ORDER BY cohort, entity"
)


@indicator(
    id="development_to_production_rate",
    theme="efficacy",
    title_fr="Du développement à la production : part des œuvres produites",
    title_en="Development to production: share of works produced",
    definition_fr=f"Parmi les œuvres aidées au développement une année budgétaire Y (leur "
                  f"cohorte : la première année où leur développement est aidé), part de celles "
                  f"dont la production est aidée, par un financeur quel qu'il soit, entre Y et "
                  f"Y + {DEFAULT_HORIZON}. Une œuvre publiée sous plusieurs fiches (deux "
                  f"financeurs, deux fichiers) est une seule entité résolue et compte une fois.",
    definition_en=f"Among works funded in development in fiscal year Y (their cohort: the first "
                  f"year their development is funded), share of those whose production is "
                  f"funded, by any funder, between Y and Y + {DEFAULT_HORIZON}. A work published "
                  f"as several records (two funders, two files) is one resolved entity and counts "
                  f"once.",
    formula=f"œuvres de la cohorte dont la production est aidée en Y … Y + {DEFAULT_HORIZON} ÷ "
            f"œuvres aidées au développement en Y (cohortes complètes)",
    unit="share",
    subject="awards",
    caveats_fr=(
        f"Horizon N = {DEFAULT_HORIZON} années budgétaires par défaut ; la table des cohortes "
        "(`cineatlas.queries.efficacy.development_cohorts`, "
        "API /api/v1/efficacy/development-cohorts) "
        "le rend réglable.",
        f"Une cohorte trop récente pour être jugée — son financeur n'a publié aucune aide de "
        f"l'année Y + {DEFAULT_HORIZON} ou d'après — est laissée de côté (par exemple, avec les "
        "données Telefilm 2009-2010 à 2017-2018, seules les cohortes 2009 à 2013 comptent).",
        "L'œuvre est placée dans le territoire du bénéficiaire de l'aide au développement de sa "
        "cohorte (deux bénéficiaires en deux lieux : elle compte dans chacun, une fois). Un "
        "territoire qui contient une métropole a aussi une ligne pour la métropole "
        "(metropolis) et une pour le reste (outside_metropolis) ; un bénéficiaire dont on ne "
        "connaît que la province ne compte que dans all.",
        "Seules les aides d'étape connue comptent : une aide d'étape inconnue n'est ni un "
        "développement ni une production ; une aide qui ne nomme pas d'œuvre (fonctionnement, "
        "ardoise de projets) ne peut être suivie.",
        "Une œuvre est une entité résolue (table entity_members) : une fiche absente de la "
        "table est sa propre entité. Avant résolution, deux fiches d'une même œuvre (titre "
        "orthographié autrement, autre financeur) comptent comme deux œuvres et la production "
        "de l'une n'est pas vue par l'autre : le taux est alors sous-estimé.",
        "Colonne n : nombre d'œuvres de la cohorte (toutes catégories) ; first_cohort et "
        "last_cohort donnent les cohortes réunies ; median_years, la durée médiane jusqu'à la "
        "première aide à la production des œuvres produites.",
    ),
    caveats_en=(
        f"Horizon N = {DEFAULT_HORIZON} fiscal years by default; the cohort table "
        "(`cineatlas.queries.efficacy.development_cohorts`, "
        "API /api/v1/efficacy/development-cohorts) "
        "makes it settable.",
        f"A cohort too recent to judge — its funder has published no award of year "
        f"Y + {DEFAULT_HORIZON} or later — is left out (with Telefilm's 2009-2010 to 2017-2018 "
        "data, only the 2009 to 2013 cohorts count).",
        "The work is placed in the territory of the beneficiary of its cohort's development "
        "award (two beneficiaries in two places: it counts in each, once). A territory that "
        "contains a metropolis also has a row for the metropolis (metropolis) and one for the "
        "rest (outside_metropolis); a beneficiary known only by its province counts in all only.",
        "Only awards of known stage count: an award of unknown stage is neither a development "
        "nor a production; an award that names no work (operating grants, project slates) "
        "cannot be followed.",
        "A work is a resolved entity (table entity_members): a record absent from it is its own "
        "entity. Before resolution, two records of one work (title spelled otherwise, another "
        "funder) count as two works and the production of one is not seen by the other: the "
        "rate is then underestimated.",
        "Column n: the cohort's works (every category); first_cohort and last_cohort give the "
        "cohorts pooled; median_years, the median time to the first production award of the "
        "works produced.",
    ),
    category=("toutes les œuvres (all), bénéficiaire dans la métropole du territoire "
              "(metropolis) ou hors de celle-ci (outside_metropolis)",
              "every work (all), beneficiary in the territory's metropolis (metropolis) or "
              "outside it (outside_metropolis)"),
    extras=_cohort_extras(("années médianes jusqu'à la production (œuvres produites)",
                           "median years to production (works produced)")),
    check=_DTP_CHECK,
)
def development_to_production_rate(q: Query) -> ir.Table:
    return development_to_production(q, DEFAULT_HORIZON)


# -- first → second work ----------------------------------------------------------------


def _directed(q: Query, awards: ir.Table) -> ir.Table:
    """`awards` (with award_id, work_id) once per director: plus `director` (the resolved
    person entity named director on the award, in award_people, or on its work, in
    work_credits) and `work` (the resolved work entity; the award itself when it names no
    work). Awards naming no director are dropped."""
    awards = q.entity_of(awards, "work_id", "work").rename(work="entity")
    ap = q.table("award_people")
    ap = ap.filter(ap.role == "director").select(d_award=ap.award_id.cast("string"),
                                                 d_person=ap.person_id.cast("string"))
    wc = q.table("work_credits")
    wc = wc.filter((wc.role == "director") & wc.person_id.notnull())
    wc = q.entity_of(wc.select("work_id", c_person="person_id"), "work_id", "work")
    # (award, person) from the award's people, and from its work's credits
    people = ap.union(awards.inner_join(wc, awards.work == wc.entity).select(
        d_award=awards.award_id.cast("string"), d_person=wc.c_person.cast("string")),
        distinct=True)
    both_ = awards.inner_join(people, awards.award_id == people.d_award).drop("d_award")
    both_ = q.entity_of(both_, "d_person", "person").rename(director="entity").drop("d_person")
    both_ = both_.mutate(work=ibis.coalesce(both_.work, "award:" + both_.award_id))
    return both_.distinct()


def second_work_cohorts(q: Query, horizon: int = DEFAULT_HORIZON) -> ir.Table:
    """`followed` rows of the directors with a funded first work: a director's first work is
    the earliest work of theirs with an award flagged first_work, their cohort the first
    fiscal year of any award to it; the event, an award (any funder, stage) to another work of
    theirs."""
    rows = q.materialise(_directed(q, _all_years(q)))  # read six times below
    flagged = rows.filter(rows.first_work.fill_null(False))
    debut = flagged.group_by(b_director="director").aggregate(b_year=flagged.year.min())
    flagged = flagged.inner_join(debut, (flagged.director == debut.b_director)
                                 & (flagged.year == debut.b_year))
    # two works flagged first in the debut year (rare): the first by id, the other a second
    first = flagged.group_by(f_director="director").aggregate(f_work=flagged.work.min())
    rows = rows.inner_join(first, (rows.director == first.f_director)
                           & (rows.work == first.f_work)).drop("f_director", "f_work")
    start = rows.group_by(s_director="director").aggregate(cohort=rows.year.min())
    starts = rows.inner_join(start, (rows.director == start.s_director)
                             & (rows.year == start.cohort)).drop("s_director", "cohort")
    starts = starts.rename(subject="director")
    events = _directed(q, _events(q))
    key = events.director.concat("|", events.work)
    firsts = first.select(first_key=first.f_director.concat("|", first.f_work))
    events = events.mutate(e_key=key)
    events = events.anti_join(firsts, events.e_key == firsts.first_key)
    events = events.select(e_subject="director", e_year="e_year", e_source="e_source",
                           e_fictitious="e_fictitious")
    return followed(q, starts.drop("work"), events, horizon)


@indicator(
    id="second_work_rate",
    theme="efficacy",
    title_fr="De la première à la deuxième œuvre : part des cinéastes qui continuent",
    title_en="First to second work: share of directors who go on",
    definition_fr=f"Parmi les cinéastes (réalisateurs et réalisatrices) dont une première œuvre "
                  f"est aidée — pour la première fois l'année budgétaire Y, leur cohorte —, part "
                  f"de celles et ceux dont une autre œuvre est aidée, par un financeur quel qu'il "
                  f"soit et à n'importe quelle étape, entre Y et Y + {DEFAULT_HORIZON}. Une "
                  f"personne ou une œuvre publiée sous plusieurs fiches est une seule entité "
                  f"résolue et compte une fois.",
    definition_en=f"Among directors whose first work is funded — first in fiscal year Y, their "
                  f"cohort —, share of those who get another work funded, by any funder and at "
                  f"any stage, between Y and Y + {DEFAULT_HORIZON}. A person or a work published "
                  f"as several records is one resolved entity and counts once.",
    formula=f"cinéastes de la cohorte dont une autre œuvre est aidée en Y … Y + "
            f"{DEFAULT_HORIZON} ÷ cinéastes dont la première œuvre est aidée en Y "
            f"(cohortes complètes)",
    unit="share",
    subject="awards",
    caveats_fr=(
        "Un·e cinéaste est une personne nommée à la réalisation d'une aide (award_people, rôle "
        "director) ou de son œuvre (work_credits des films agréés, quand l'œuvre est résolue "
        "avec celle de l'aide). Sa première œuvre est celle d'une aide publiée comme première "
        "œuvre (first_work) : sans cette indication, la personne n'est pas comptée — une "
        "première apparition dans les données n'est pas une première œuvre.",
        f"Horizon N = {DEFAULT_HORIZON} années budgétaires ; une cohorte trop récente (le "
        f"financeur n'a rien publié de l'année Y + {DEFAULT_HORIZON} ou d'après) est laissée "
        "de côté.",
        "La personne est placée dans le territoire du bénéficiaire de l'aide à sa première "
        "œuvre, l'année de sa cohorte ; metropolis et outside_metropolis comme pour le passage "
        "du développement à la production.",
        "Le genre des personnes n'est ni publié ici ni déduit.",
    ),
    caveats_en=(
        "A director is a person named as director on an award (award_people, role director) or "
        "on its work (the agreed films' work_credits, when that work is resolved with the "
        "award's). Their first work is that of an award published as a first work (first_work): "
        "without it the person is not counted — a first appearance in the data is not a first "
        "work.",
        f"Horizon N = {DEFAULT_HORIZON} fiscal years; a cohort too recent (the funder published "
        f"nothing of year Y + {DEFAULT_HORIZON} or later) is left out.",
        "The person is placed in the territory of the beneficiary of the award to their first "
        "work in their cohort year; metropolis and outside_metropolis as for development to "
        "production.",
        "People's gender is neither published here nor inferred.",
    ),
    category=("toutes les personnes (all), dans la métropole (metropolis), hors de celle-ci "
              "(outside_metropolis)",
              "every person (all), in the metropolis (metropolis), outside it "
              "(outside_metropolis)"),
    extras=_cohort_extras(("années médianes jusqu'à la deuxième œuvre",
                           "median years to the second work")),
)
def second_work_rate(q: Query) -> ir.Table:
    return _rates(q, second_work_cohorts(q, DEFAULT_HORIZON), DEFAULT_HORIZON)


# -- first → second film, on the CNC's agreed films -------------------------------------


def second_film_cohorts(q: Query, horizon: int = DEFAULT_HORIZON) -> ir.Table:
    """`followed`-shaped rows of the directors of a first film agreed by the CNC: a director's
    cohort is the first year of the list naming a film of theirs of rank 1 (their own rank
    when the list gives one per director, else the film's), the event another film (another
    work entity) of theirs agreed in cohort … cohort + horizon. Cohorts whose year + horizon
    is past the list's last year are left out. Placed in France (the list names no place)."""
    f = q.table("film_approvals")
    c = q.table("work_credits")
    c = c.filter((c.role == "director") & c.person_id.notnull()).select(
        c_approval="approval_id", c_person="person_id", c_rank="rank", c_fictitious="fictitious")
    rows = f.inner_join(c, f.approval_id == c.c_approval)
    rows = rows.mutate(own_rank=ibis.coalesce(rows.c_rank, rows["rank"]),
                       fictitious=rows.fictitious | rows.c_fictitious)
    rows = q.entity_of(rows, "c_person", "person").rename(director="entity")
    rows = q.entity_of(rows, "work_id", "work").rename(film="entity")
    rows = q.materialise(rows.select("director", "film", "year", "own_rank", "source_id",
                                     "fictitious"))  # read four times below
    last = rows.aggregate(last_year=rows.year.max())
    firsts = rows.filter(rows.own_rank == 1)
    debut = firsts.group_by(d_director="director").aggregate(cohort=firsts.year.min())
    firsts = firsts.inner_join(debut, (firsts.director == debut.d_director)
                               & (firsts.year == debut.cohort))
    first = firsts.group_by("director").aggregate(
        year=firsts.year.min(), first_film=firsts.film.min(), source_id=firsts.source_id.min(),
        fictitious=firsts.fictitious.fill_null(False).any())
    first = first.cross_join(last)
    first = first.filter(first.year + horizon <= first.last_year).drop("last_year")
    others = rows.select(o_director="director", o_film="film", o_year="year",
                         o_fictitious="fictitious", o_source="source_id")
    hits = first.inner_join(others, (first.director == others.o_director)
                            & (others.o_film != first.first_film)
                            & (others.o_year >= first.year)
                            & (others.o_year <= first.year + horizon))
    hits = hits.group_by(h_director="director").aggregate(
        first_event=hits.o_year.min(), event_source_id=hits.o_source.min(),
        h_fictitious=hits.o_fictitious.fill_null(False).any())
    out = first.left_join(hits, first.director == hits.h_director).drop("h_director")
    out = out.mutate(reached=out.first_event.notnull(),
                     years_to=(out.first_event - out.year).cast("int32"),
                     fictitious=out.fictitious | out.h_fictitious.fill_null(False),
                     place=ibis.null().cast("string"),
                     film_territory_id=ibis.literal(FILMS_TERRITORY))
    out = out.drop("first_event", "h_fictitious", "first_film").rename(subject="director")
    return q.years(q.place(out, "film_territory_id"))


@indicator(
    id="second_film_rate",
    theme="efficacy",
    title_fr="Du premier au deuxième film agréé : part des cinéastes qui continuent",
    title_en="First to second agreed film: share of directors who go on",
    definition_fr=f"Parmi les cinéastes dont un premier film est agréé par le CNC — pour la "
                  f"première fois l'année Y de sa liste, leur cohorte —, part de celles et ceux "
                  f"dont un autre film est agréé entre Y et Y + {DEFAULT_HORIZON}. Une personne "
                  f"ou un film publié sous plusieurs fiches est une seule entité résolue.",
    definition_en=f"Among directors whose first film is agreed by the CNC — first in year Y of "
                  f"its list, their cohort —, share of those who get another film agreed "
                  f"between Y and Y + {DEFAULT_HORIZON}. A person or a film published as "
                  f"several records is one resolved entity.",
    formula=f"cinéastes de la cohorte dont un autre film est agréé en Y … Y + {DEFAULT_HORIZON} "
            f"÷ cinéastes dont le premier film est agréé en Y (cohortes complètes)",
    unit="share",
    subject="films",
    levels=("country",),
    caveats_fr=(
        "Le premier film est celui de RANG 1 dans la liste des films agréés : le rang propre "
        "du ou de la cinéaste quand la liste en donne un par personne (« 2 / 1 »), sinon celui "
        "du film. L'agrément ouvre le soutien automatique du CNC : c'est une aide publique, "
        "mais pas une aide sélective ; un film non agréé n'est pas vu.",
        f"Une cohorte trop récente (Y + {DEFAULT_HORIZON} après la dernière liste, 2019) est "
        "laissée de côté : les cohortes 2003 à 2015.",
        "La liste ne publie aucun lieu : le résultat est national (France).",
        "Un·e cinéaste est reconnu·e à son nom tel que publié (résolu : même nom, mêmes "
        "mots) ; deux homonymes comptent pour une personne, une personne publiée sous deux "
        "graphies très différentes pour deux. Le genre des personnes n'est ni publié ici ni "
        "déduit.",
    ),
    caveats_en=(
        "The first film is the one of RANG 1 in the list of agreed films: the director's own "
        "rank when the list gives one per person ('2 / 1'), else the film's. Agreement opens "
        "the CNC's automatic support: public support, but not selective aid; a film not agreed "
        "is not seen.",
        f"A cohort too recent (Y + {DEFAULT_HORIZON} past the last list, 2019) is left out: the "
        "2003 to 2015 cohorts.",
        "The list publishes no place: the result is national (France).",
        "A director is recognised by their name as published (resolved: same name, same words); "
        "two namesakes count as one person, one person published under two very different "
        "spellings as two. People's gender is neither published here nor inferred.",
    ),
    category=("toutes les personnes (all)", "every person (all)"),
    extras=_cohort_extras(("années médianes jusqu'au deuxième film",
                           "median years to the second film"),
                          ("horizon N, en années", "horizon N, in years")),
)
def second_film_rate(q: Query) -> ir.Table:
    return _rates(q, second_film_cohorts(q, DEFAULT_HORIZON), DEFAULT_HORIZON)


# -- company survival ---------------------------------------------------------------------


def company_cohorts(q: Query, horizon: int = DEFAULT_HORIZON) -> ir.Table:
    """`followed` rows of the beneficiary companies: an organisation entity's cohort is the
    fiscal year of its first award among the cut's awards (every year), its event an award of
    the cut's kind (same funders, stages, sector) in year + horizon or later."""
    rows = _all_years(q)
    rows = rows.filter(rows.beneficiary_id.notnull())
    rows = q.entity_of(rows, "beneficiary_id", "organisation").rename(subject="entity")
    first = rows.group_by(f_subject="subject").aggregate(cohort=rows.year.min())
    starts = rows.inner_join(first, (rows.subject == first.f_subject)
                             & (rows.year == first.cohort)).drop("f_subject", "cohort")
    events = rows.select(e_subject="subject", e_year="year", e_source="source_id",
                         e_fictitious="fictitious")
    return followed(q, starts, events, horizon, after=True)


@indicator(
    id="company_survival_rate",
    theme="efficacy",
    title_fr="Survie des sociétés aidées : part encore aidée N ans après",
    title_en="Survival of funded companies: share still funded N years on",
    definition_fr=f"Parmi les bénéficiaires (sociétés, associations) dont la première aide "
                  f"date de l'année budgétaire Y (leur cohorte), part de ceux qui reçoivent "
                  f"encore une aide en Y + {DEFAULT_HORIZON} ou plus tard. Un bénéficiaire "
                  f"publié sous plusieurs noms ou dans plusieurs sources est une seule entité "
                  f"résolue et compte une fois.",
    definition_en=f"Among beneficiaries (companies, associations) whose first award is in "
                  f"fiscal year Y (their cohort), share of those still receiving an award in "
                  f"Y + {DEFAULT_HORIZON} or later. A beneficiary published under several names "
                  f"or in several sources is one resolved entity and counts once.",
    formula=f"bénéficiaires de la cohorte aidés en Y + {DEFAULT_HORIZON} ou après ÷ "
            f"bénéficiaires dont la première aide date de Y (cohortes complètes)",
    unit="share",
    subject="awards",
    caveats_fr=(
        "Les aides comptées sont celles du découpage (financeurs, étapes, secteur), toutes "
        "années : « encore aidé » veut dire par les mêmes financeurs, pour le même secteur.",
        f"Une cohorte trop récente (le financeur n'a rien publié de l'année Y + "
        f"{DEFAULT_HORIZON} ou d'après) est laissée de côté, comme celle de la première année "
        "publiée par le financeur : une première aide cette année-là n'est peut-être pas la "
        "première (les données Telefilm 2009-2010 à 2017-2018 donnent les cohortes 2010 à "
        "2013).",
        "Les cohortes anciennes ont plus d'années pour recevoir une aide après Y + N : "
        "comparer les cohortes entre elles (par année) plutôt que la moyenne de périodes "
        "différentes.",
        "Le bénéficiaire est placé là où il est établi l'année de sa première aide ; "
        "metropolis et outside_metropolis comme pour les autres indicateurs d'efficacité.",
    ),
    caveats_en=(
        "The awards counted are those of the cut (funders, stages, sector), every year: "
        "'still funded' means by the same funders, for the same sector.",
        f"A cohort too recent (the funder published nothing of year Y + {DEFAULT_HORIZON} or "
        "later) is left out, and so is that of the funder's first published year: a first award "
        "then may not be the first (Telefilm's 2009-2010 to 2017-2018 data give the 2010 to "
        "2013 cohorts).",
        "Older cohorts have more years to be funded after Y + N: compare cohorts with each "
        "other (by year) rather than averages of different periods.",
        "The beneficiary is placed where it is based in the year of its first award; "
        "metropolis and outside_metropolis as for the other efficacy indicators.",
    ),
    category=("tous les bénéficiaires (all), dans la métropole (metropolis), hors de celle-ci "
              "(outside_metropolis)",
              "every beneficiary (all), in the metropolis (metropolis), outside it "
              "(outside_metropolis)"),
    extras=_cohort_extras(("années médianes de la première aide à la première aide reçue N "
                           "ans après ou plus", "median years from the first award to the "
                           "first award N or more years later"),
                          ("N, en années budgétaires", "N, in fiscal years")),
)
def company_survival_rate(q: Query) -> ir.Table:
    return _rates(q, company_cohorts(q, DEFAULT_HORIZON), DEFAULT_HORIZON)


# -- local companies' share of a territory's money ------------------------------------------


def _entity_units(q: Query, rows: ir.Table) -> ir.Table:
    """(x_key): 'entity|unit' for every unit (at the cut's level) where a beneficiary entity of
    `rows` is known to be established — the place of any of its records in `organisations`, or
    the place an award of `rows` gives it."""
    o = q.table("organisations").select(x_member="organisation_id", x_place="territory_id")
    o = o.filter(o.x_place.notnull())
    o = q.entity_of(o, "x_member", "organisation").select(x_entity="entity", x_place="x_place")
    own = rows.filter(rows.beneficiary_territory_id.notnull()).select(
        x_entity="entity", x_place="beneficiary_territory_id")
    places = o.union(own, distinct=True)
    levels = q.engine.closure_table
    levels = levels.filter(levels.ancestor_level == q.cut.level).select(
        l_territory=levels.territory_id.cast("string"), l_unit=levels.ancestor_id.cast("string"))
    placed = places.inner_join(levels, places.x_place.cast("string") == levels.l_territory)
    return placed.select(x_entity="x_entity", x_key=placed.x_entity.concat("|", placed.l_unit)
                         ).distinct()


@indicator(
    id="local_company_money_share",
    theme="efficacy",
    title_fr="Part de l'argent d'un territoire aux sociétés qui y sont établies",
    title_en="Share of a territory's money to companies established there",
    definition_fr="Part du montant des aides des financeurs d'un territoire (la collectivité "
                  "ou l'organisme qui le gouverne ou qui y a son siège, et ceux des territoires "
                  "qu'il contient) qui va à des bénéficiaires établis dans ce territoire. Un "
                  "bénéficiaire est une entité résolue : il est établi là où l'une de ses "
                  "fiches le place.",
    definition_en="Share of the money awarded by a territory's funders (the authority or body "
                  "governing it or based in it, and those of the territories within it) that "
                  "goes to beneficiaries established in that territory. A beneficiary is a "
                  "resolved entity: it is established where any of its records places it.",
    formula="Σ montant (bénéficiaire établi dans le territoire) ÷ Σ montant (lieu du "
            "bénéficiaire connu), aides des financeurs du territoire",
    unit="share",
    subject="awards",
    needs=("amount_minor", "beneficiary_local"),
    caveats_fr=(
        "L'argent d'un territoire est celui des financeurs qui y sont rangés au niveau demandé "
        "(une Région et les départements de la région au niveau région ; le CNC ou Telefilm au "
        "niveau pays seulement) ; à la différence de local_initiative, tous ses financeurs sont "
        "réunis.",
        "Un bénéficiaire dont aucune fiche ne donne un lieu assez précis (ni celui de l'aide, "
        "ni celui d'une autre fiche de la même entité) est exclu et compté dans la couverture ; "
        "un bénéficiaire d'un autre pays compte comme extérieur. Une société établie en deux "
        "lieux compte comme locale dans chacun.",
        "Avant résolution, chaque fiche est sa propre entité : seul le lieu publié avec l'aide, "
        "ou celui de la fiche du bénéficiaire, est lu.",
    ),
    caveats_en=(
        "A territory's money is that of the funders placed in it at the level asked for (a "
        "Region and the départements of the region at region level; the CNC or Telefilm at "
        "country level only); unlike local_initiative, all its funders are pooled.",
        "A beneficiary none of whose records gives a precise enough place (neither the award's "
        "nor another record of the same entity) is left out and counted in the coverage; a "
        "beneficiary in another country counts as outside. A company established in two places "
        "counts as local in each.",
        "Before resolution every record is its own entity: only the place published with the "
        "award, or that of the beneficiary's record, is read.",
    ),
)
def local_company_money_share(q: Query) -> ir.Table:
    rows = q._funder_territory(q.cut_awards())
    rows = rows.filter(rows.beneficiary_id.notnull())
    rows = q.entity_of(rows, "beneficiary_id", "organisation")
    units = _entity_units(q, rows)
    anywhere = units.select(y_entity="x_entity").distinct()
    t = q.table("territories").select(ft_id="territory_id", funder_country="country_code")
    rows = rows.mutate(r_key=rows.entity.concat("|", rows.unit_id.cast("string")))
    rows = rows.left_join(units.select("x_key"), rows.r_key == units.x_key)
    rows = rows.left_join(anywhere, rows.entity == anywhere.y_entity)
    rows = rows.left_join(t, rows.funder_territory_id == t.ft_id)
    country = rows.beneficiary_country_code
    abroad = country.notnull() & (country != rows.funder_country)
    local = ibis.cases((rows.x_key.notnull(), True), (rows.y_entity.notnull(), False),
                       (abroad, False), else_=ibis.null().cast("boolean"))
    rows = q.rebase(rows.mutate(beneficiary_local=local.cast("boolean")).drop(
        "r_key", "x_key", "y_entity", "ft_id", "funder_country", "entity"))
    covered = q.covered
    grouped = covered.group_by(q.keys).aggregate(
        numerator=covered.amount.sum(where=covered.beneficiary_local).fill_null(0)
        .cast("float64") / 100,
        denominator=covered.amount.sum().fill_null(0).cast("float64") / 100,
    )
    return q.share(grouped)
