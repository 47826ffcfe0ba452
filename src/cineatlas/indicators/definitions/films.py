"""Agreed films: the CNC's list of films agreed each year (importer `cnc-films-agrees`).

Every indicator here reads the `films` subject (`Query._films`): one row per agreed film, its
year the year of its list. The list names no place: the films belong to France as a whole
(level `country`, territory FR) and every other level gives no row rather than a wrong one.
A fact the year's list does not publish (the parity bonus before 2019) is unknown, never "no":
its year gets no value, and the coverage says why. Each result is computed from the rows of
every year in the cut, or per year with `by_year`.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query, count_where
from cineatlas.indicators.registry import indicator
from cineatlas.store.vocabularies import BUDGET_CLASS_BOUNDS

#: Budgets of 7 M€ or more are the "large budgets" (the CNC's 7–15 M€ and 15 M€+ classes).
LARGE_BUDGET = 7_000_000_00

_SCOPE_FR = (
    "Films agréés par le CNC (agrément des investissements ou de production), l'année étant "
    "celle de la liste qui publie le film ; un film agréé deux fois (investissement puis "
    "production) compte une fois par liste.",
    "La liste ne dit pas où les films sont faits : les résultats portent sur la France entière "
    "(niveau country, FR) ; aux autres niveaux il n'y a pas de ligne.",
)
_SCOPE_EN = (
    "Films agreed by the CNC (investment or production agreement), the year being that of the "
    "list publishing the film; a film agreed twice (investment then production) counts once "
    "per list.",
    "The list does not say where films are made: results are for France as a whole (level "
    "country, FR); other levels give no row.",
)
_BUDGET_FR = ("Devis en euros tels que publiés par le CNC (coût prévisionnel du film, pas "
              "son coût final) ; un devis inconnu est exclu et compté dans la couverture, "
              "jamais comme zéro.")
_BUDGET_EN = ("Budgets in euros as the CNC publishes them (the film's estimated cost, not its "
              "final cost); an unknown budget is left out and counted in the coverage, never as "
              "zero.")


def _euros(total: ir.IntegerScalar) -> ir.FloatingScalar:
    """A sum of cents in euros (NULL when nothing was summed)."""
    return total / 100


def _share_of_films(q: Query, column: str, extras: dict[str, ir.Value] | None = None,
                    ) -> ir.Table:
    """value = films where the boolean `column` is true ÷ films where it is known, per key;
    a key whose films all have it unknown gets value NULL (not 0)."""
    b = q.base
    grouped = b.group_by(q.keys).aggregate(numerator=count_where(b[column]),
                                           denominator=count_where(b[column].notnull()),
                                           **(extras or {}))
    return _nulls_when_unknown(q.share(grouped))


def _categories(q: Query, grouped: ir.Table, numerators: dict[str, str],
                extras: dict[str, str] | None = None) -> ir.Table:
    """One row per key and category: `grouped` (keys, one numerator column per category,
    `denominator`, and per-category extra columns named in `extras` as {output: pattern with
    {}}) unpivoted, with value = numerator ÷ denominator."""
    parts = []
    for name, column in numerators.items():
        more = {out: grouped[pattern.format(name)] for out, pattern in (extras or {}).items()}
        parts.append(grouped.select(*q.keys, category=ibis.literal(name, "string"),
                                    numerator=grouped[column].cast("float64"),
                                    denominator=grouped.denominator.cast("float64"), **more))
    return q.share(ibis.union(*parts))


# -- the list ------------------------------------------------------------------------------

@indicator(
    id="films_agreed",
    theme="films",
    title_fr="Films agréés",
    title_en="Agreed films",
    definition_fr="Nombre de films agréés par le CNC, tels que les publie sa liste des films "
                  "agréés.",
    definition_en="Number of films agreed by the CNC, as its list of agreed films publishes them.",
    formula="nombre de films de la liste",
    unit="count",
    subject="films",
    levels=("country",),
    caveats_fr=_SCOPE_FR,
    caveats_en=_SCOPE_EN,
)
def films_agreed(q: Query) -> ir.Table:
    b = q.base
    grouped = b.group_by(q.keys).aggregate(value=b.count().cast("float64"))
    return grouped.mutate(numerator=ibis.null().cast("float64"),
                          denominator=ibis.null().cast("float64"))


@indicator(
    id="films_regional_aid_share",
    theme="films",
    title_fr="Part des films agréés ayant reçu une aide régionale",
    title_en="Share of agreed films with regional aid",
    definition_fr="Parmi les films agréés, part de ceux que la liste du CNC marque comme ayant "
                  "reçu une aide d'une Région (colonne AIDE REGIONALE) ; numérateur et "
                  "dénominateur sont des nombres de films.",
    definition_en="Among agreed films, share of those the CNC's list marks as having received "
                  "aid from a Region (column AIDE REGIONALE); numerator and denominator are "
                  "numbers of films.",
    formula="nombre de films avec aide régionale ÷ nombre de films agréés (aide régionale "
            "publiée)",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("regional_aid",),
    caveats_fr=(*_SCOPE_FR,
                "La liste dit qu'un film a reçu une aide régionale, pas laquelle ni combien : "
                "la Région n'est pas nommée, le montant est inconnu. L'indicateur compte des "
                "films, pas des euros, et ne se répartit pas entre Régions.",
                "Une année dont la liste ne publie pas la colonne (ou un film dont la case est "
                "illisible) est inconnue, pas zéro : pas de valeur, et la couverture le dit."),
    caveats_en=(*_SCOPE_EN,
                "The list says that a film had regional aid, not which nor how much: the Region "
                "is not named and the amount is unknown. The indicator counts films, not euros, "
                "and cannot be split between Regions.",
                "A year whose list does not publish the column (or a film whose cell cannot be "
                "read) is unknown, not zero: no value, and the coverage says so."),
)
def films_regional_aid_share(q: Query) -> ir.Table:
    return _share_of_films(q, "regional_aid")


# -- budgets -------------------------------------------------------------------------------

@indicator(
    id="films_median_budget",
    theme="films",
    title_fr="Devis médian des films agréés",
    title_en="Median budget of agreed films",
    definition_fr="Devis (budget prévisionnel) médian des films agréés dont le devis est connu : "
                  "la moitié des films coûtent moins, la moitié plus. Le devis moyen et le total "
                  "sont donnés à côté.",
    definition_en="Median budget (estimated cost) of agreed films whose budget is known: half "
                  "the films cost less, half more. The mean budget and the total are given "
                  "beside it.",
    formula="médiane des devis connus (moyenne des deux devis du milieu quand leur nombre est "
            "pair)",
    unit="money",
    subject="films",
    levels=("country",),
    needs=("budget",),
    extras={"mean_budget": ("devis moyen (euros)", "mean budget (euros)"),
            "total_budget": ("somme des devis connus (euros)", "sum of the known budgets "
                                                               "(euros)")},
    caveats_fr=(*_SCOPE_FR, _BUDGET_FR,
                "La médiane résiste aux très gros budgets, pas la moyenne : l'écart entre les "
                "deux mesure le poids des films les plus chers."),
    caveats_en=(*_SCOPE_EN, _BUDGET_EN,
                "The median resists very large budgets, the mean does not: the gap between "
                "them measures the weight of the most expensive films."),
)
def films_median_budget(q: Query) -> ir.Table:
    b = q.covered
    window = ibis.window(group_by=q.keys, order_by=[b.budget, b.approval_id])
    everyone = ibis.window(group_by=q.keys)
    ranked = b.mutate(position=ibis.row_number().over(window),  # from 0
                      films=b.approval_id.count().over(everyone))
    # the middle film, or the two middle ones when their number is even
    middle = ranked.filter((ranked.position == (ranked.films - 1) // 2)
                           | (ranked.position == ranked.films // 2))
    medians = middle.group_by(q.keys).aggregate(median=middle.budget.cast("float64").mean())
    stats = b.group_by(q.keys).aggregate(total=b.budget.sum(),
                                         mean=b.budget.cast("float64").mean(),
                                         films=b.count().cast("int64"))
    out = _every_key(q).left_join(stats.inner_join(medians, q.keys), q.keys)
    out = out.drop(*(f"{k}_right" for k in q.keys if f"{k}_right" in out.columns))
    return out.select(*q.keys, value=(out.median / 100).cast("float64"),
                      numerator=ibis.null().cast("float64"),
                      denominator=out.films.cast("float64"),
                      currency=ibis.ifelse(out.films.notnull(), "EUR", ibis.null())
                      .cast("string"),
                      mean_budget=(out.mean / 100).cast("float64"),
                      total_budget=_euros(out.total).cast("float64"))


def _every_key(q: Query) -> ir.Table:
    """The keys of the base rows (so that a year whose films are all of unknown budget gets
    a row with no value, rather than no row)."""
    return q.base.select(*q.keys).distinct()


@indicator(
    id="films_large_budget_share",
    theme="films",
    title_fr="Part du devis total dans les films de 7 M€ et plus",
    title_en="Share of the total budget in films of €7M or more",
    definition_fr="Part de la somme des devis connus qui revient aux films dont le devis atteint "
                  "7 M€ : la concentration de l'investissement dans les films les plus chers.",
    definition_en="Share of the sum of known budgets that goes to films whose budget reaches "
                  "€7M: how much of the investment is in the most expensive films.",
    formula="Σ devis (devis ≥ 7 M€) ÷ Σ devis connus",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("budget",),
    extras={"large_films": ("nombre de films de 7 M€ et plus", "number of films of €7M or more"),
            "large_films_share": ("part des films (en nombre) de 7 M€ et plus",
                                  "share of films (by number) of €7M or more")},
    caveats_fr=(*_SCOPE_FR, _BUDGET_FR,
                "Le seuil est inclus (un devis de 7 000 000 € compte) : ce sont les tranches "
                "7–15 M€ et 15 M€ et plus du CNC (films_budget_classes). Le seuil n'est pas "
                "corrigé de l'inflation."),
    caveats_en=(*_SCOPE_EN, _BUDGET_EN,
                "The threshold is included (a €7,000,000 budget counts): these are the CNC's "
                "€7–15M and €15M+ classes (films_budget_classes). The threshold is not adjusted "
                "for inflation."),
)
def films_large_budget_share(q: Query) -> ir.Table:
    b = q.base
    large = b.budget >= LARGE_BUDGET
    grouped = b.group_by(q.keys).aggregate(
        numerator=_euros(b.budget.sum(where=large).fill_null(0)),
        denominator=_euros(b.budget.sum()),
        large_films=count_where(large),
        known=count_where(b.budget.notnull()),
    )
    share = ibis.ifelse(grouped.known > 0, grouped.large_films / grouped.known, ibis.null())
    out = q.share(grouped.mutate(numerator=ibis.ifelse(grouped.known > 0, grouped.numerator,
                                                       ibis.null())))
    return out.mutate(large_films_share=share.cast("float64"),
                      currency=ibis.ifelse(out.known > 0, "EUR", ibis.null()).cast("string"),
                      ).drop("known")


@indicator(
    id="films_budget_classes",
    theme="films",
    title_fr="Films agréés par tranche de devis",
    title_en="Agreed films by budget class",
    definition_fr="Nombre et part des films agréés (au devis connu) dans chaque tranche de "
                  "devis du CNC : moins de 1 M€, 1 à 4 M€, 4 à 7 M€, 7 à 15 M€, 15 M€ et plus ; "
                  "et part du devis total de chaque tranche.",
    definition_en="Number and share of agreed films (of known budget) in each of the CNC's "
                  "budget classes: under €1M, €1–4M, €4–7M, €7–15M, €15M and over; and each "
                  "class's share of the total budget.",
    formula="nombre de films de la tranche ÷ nombre de films au devis connu",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("budget",),
    category=("la tranche de devis (under-1m, 1m-4m, 4m-7m, 7m-15m, 15m-plus)",
              "the budget class (under-1m, 1m-4m, 4m-7m, 7m-15m, 15m-plus)"),
    extras={"budget": ("somme des devis des films de la tranche (euros)",
                       "sum of the budgets of the class's films (euros)"),
            "budget_share": ("part de la tranche dans la somme des devis connus",
                             "the class's share of the sum of known budgets")},
    caveats_fr=(*_SCOPE_FR, _BUDGET_FR,
                "Chaque borne basse est incluse, chaque borne haute exclue (un devis de "
                "4 000 000 € est dans 4m-7m). Les tranches ne sont pas corrigées de "
                "l'inflation."),
    caveats_en=(*_SCOPE_EN, _BUDGET_EN,
                "Each lower bound is included, each upper bound excluded (a €4,000,000 budget is "
                "in 4m-7m). The classes are not adjusted for inflation."),
)
def films_budget_classes(q: Query) -> ir.Table:
    b = q.base
    grouped = b.group_by(q.keys).aggregate(
        denominator=count_where(b.budget.notnull()),
        total=b.budget.sum(),
        **{f"n_{code}": count_where(b.budget_class == code) for code in BUDGET_CLASS_BOUNDS},
        **{f"b_{code}": b.budget.sum(where=b.budget_class == code).fill_null(0)
           for code in BUDGET_CLASS_BOUNDS},
    )
    known = grouped.denominator > 0
    grouped = grouped.mutate(**{
        f"budget_{code}": ibis.ifelse(known, grouped[f"b_{code}"] / 100, ibis.null())
        for code in BUDGET_CLASS_BOUNDS}, **{
        f"share_{code}": ibis.ifelse(grouped.total > 0, grouped[f"b_{code}"] / grouped.total,
                                     ibis.null())
        for code in BUDGET_CLASS_BOUNDS})
    out = _categories(q, grouped, {code: f"n_{code}" for code in BUDGET_CLASS_BOUNDS},
                      {"budget": "budget_{}", "budget_share": "share_{}"})
    out = out.mutate(budget=out.budget.cast("float64"),
                     budget_share=out.budget_share.cast("float64"),
                     currency=ibis.ifelse(out.denominator > 0, "EUR", ibis.null())
                     .cast("string"))
    return _nulls_when_unknown(out)


# -- rank and genre ------------------------------------------------------------------------

#: Rank categories: the ranks each stands for.
RANKS = {"first": (1,), "second": (2,), "first_or_second": (1, 2)}


@indicator(
    id="films_first_second_share",
    theme="films",
    title_fr="Part des premiers et deuxièmes films agréés",
    title_en="Share of first and second films among agreed films",
    definition_fr="Parmi les films agréés au rang connu, part des premiers films de leur "
                  "réalisation (first), des deuxièmes (second) et des deux ensemble "
                  "(first_or_second).",
    definition_en="Among agreed films of known rank, share of their director's first films "
                  "(first), second films (second) and both together (first_or_second).",
    formula="nombre de films de rang 1 (ou 2) ÷ nombre de films au rang connu",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("rank",),
    category=("premier film (first), deuxième (second) ou l'un des deux (first_or_second)",
              "first film, second film or either (first_or_second)"),
    caveats_fr=(*_SCOPE_FR,
                "Le rang est celui que publie le CNC (colonne RANG). Un film à plusieurs "
                "réalisateurs prend le rang le plus bas : il est un premier film s'il est le "
                "premier d'au moins l'un d'eux."),
    caveats_en=(*_SCOPE_EN,
                "The rank is the one the CNC publishes (column RANG). A film with several "
                "directors takes the lowest rank: it is a first film when it is the first of at "
                "least one of them."),
)
def films_first_second_share(q: Query) -> ir.Table:
    b = q.base
    grouped = b.group_by(q.keys).aggregate(
        denominator=count_where(b["rank"].notnull()),
        **{name: count_where(b["rank"].isin(ranks)) for name, ranks in RANKS.items()})
    return _nulls_when_unknown(_categories(q, grouped, {name: name for name in RANKS}))


def _nulls_when_unknown(out: ir.Table) -> ir.Table:
    """0 of 0 films is unknown, not zero: numerator and denominator NULL (value already is)."""
    known = out.denominator > 0
    return out.mutate(numerator=ibis.ifelse(known, out.numerator, ibis.null()),
                      denominator=ibis.ifelse(known, out.denominator, ibis.null()))


#: Genre categories and the genres (film_approvals.genre) each stands for; 'other' is any other
#: known genre.
GENRES = ("documentary", "animation", "fiction")


@indicator(
    id="films_genre_shares",
    theme="films",
    title_fr="Part des documentaires et des films d'animation agréés",
    title_en="Share of documentaries and animated films among agreed films",
    definition_fr="Parmi les films agréés au genre connu, part des documentaires (documentary), "
                  "des films d'animation (animation), des fictions (fiction) et des autres "
                  "genres (other).",
    definition_en="Among agreed films of known genre, share of documentaries (documentary), "
                  "animated films (animation), fiction (fiction) and other genres (other).",
    formula="nombre de films du genre ÷ nombre de films au genre connu",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("genre",),
    category=("le genre : documentary, animation, fiction, other",
              "the genre: documentary, animation, fiction, other"),
    caveats_fr=(*_SCOPE_FR,
                "Le genre est celui que publie le CNC (colonne GENRE : fiction, docu, anim) ; "
                "les quatre parts s'additionnent à 1."),
    caveats_en=(*_SCOPE_EN,
                "The genre is the one the CNC publishes (column GENRE: fiction, docu, anim); the "
                "four shares add up to 1."),
)
def films_genre_shares(q: Query) -> ir.Table:
    b = q.base
    known = b.genre.notnull()
    grouped = b.group_by(q.keys).aggregate(
        denominator=count_where(known),
        other=count_where(known & ~b.genre.isin(GENRES)),
        **{genre: count_where(b.genre == genre) for genre in GENRES})
    return _nulls_when_unknown(
        _categories(q, grouped, {name: name for name in (*GENRES, "other")}))


# -- financing facts -----------------------------------------------------------------------

@indicator(
    id="films_parity_bonus_share",
    theme="films",
    title_fr="Part des films agréés ayant obtenu le bonus parité",
    title_en="Share of agreed films with the parity bonus",
    definition_fr="Parmi les films agréés des années dont la liste publie le bonus parité "
                  "(2019 et après), part de ceux qui l'ont obtenu (colonne BONUS PARITE).",
    definition_en="Among agreed films of the years whose list publishes the parity bonus (2019 "
                  "on), share of those that obtained it (column BONUS PARITE).",
    formula="nombre de films avec bonus parité ÷ nombre de films agréés (bonus publié)",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("parity_bonus",),
    caveats_fr=(*_SCOPE_FR,
                "Le bonus (majoration du soutien du CNC aux films dont l'équipe respecte des "
                "critères de parité) existe depuis 2019 : avant, la liste ne le publie pas et "
                "l'indicateur n'a pas de valeur (couverture nulle), jamais 0.",
                "Sur une période qui commence avant 2019, la valeur ne porte que sur les années "
                "publiées et le résultat est signalé low_coverage : calculer par année ou à "
                "partir de 2019."),
    caveats_en=(*_SCOPE_EN,
                "The bonus (an increase of the CNC's support for films whose crew meets parity "
                "criteria) exists since 2019: before, the list does not publish it and the "
                "indicator has no value (zero coverage), never 0.",
                "Over a period starting before 2019, the value rests on the published years "
                "only and the result is flagged low_coverage: compute it by year or from "
                "2019."),
)
def films_parity_bonus_share(q: Query) -> ir.Table:
    return _share_of_films(q, "parity_bonus")


#: Advance-on-receipts categories: the `advance_on_receipts` values each stands for.
ADVANCE = {"all": ("before", "after", "unknown_timing"), "before": ("before",),
           "after": ("after",)}


@indicator(
    id="films_advance_on_receipts_share",
    theme="films",
    title_fr="Part des films agréés ayant obtenu l'avance sur recettes",
    title_en="Share of agreed films with the advance on receipts",
    definition_fr="Parmi les films agréés, part de ceux qui ont obtenu l'avance sur recettes du "
                  "CNC (colonne ASR) : avant réalisation (before), après réalisation (after), "
                  "ou l'une ou l'autre (all).",
    definition_en="Among agreed films, share of those that obtained the CNC's advance on "
                  "receipts (column ASR): before production (before), after production "
                  "(after), or either (all).",
    formula="nombre de films avec avance sur recettes (avant / après) ÷ nombre de films agréés "
            "(avance publiée)",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("advance_on_receipts",),
    category=("avant réalisation (before), après (after), l'une ou l'autre (all)",
              "before production (before), after (after), either (all)"),
    caveats_fr=(*_SCOPE_FR,
                "La liste dit qu'un film a obtenu l'avance, pas son montant : l'indicateur "
                "compte des films."),
    caveats_en=(*_SCOPE_EN,
                "The list says that a film obtained the advance, not its amount: the indicator "
                "counts films."),
)
def films_advance_on_receipts_share(q: Query) -> ir.Table:
    b = q.base
    grouped = b.group_by(q.keys).aggregate(
        denominator=count_where(b.advance_on_receipts.notnull()),
        **{name: count_where(b.advance_on_receipts.isin(values))
           for name, values in ADVANCE.items()})
    return _nulls_when_unknown(_categories(q, grouped, {name: name for name in ADVANCE}))


@indicator(
    id="films_coproduction_share",
    theme="films",
    title_fr="Part des coproductions internationales parmi les films agréés",
    title_en="Share of international co-productions among agreed films",
    definition_fr="Parmi les films agréés à la nationalité publiée, part de ceux dont la "
                  "nationalité nomme plus d'un pays (FRANCE-80 / ITALIE-20), dont les films "
                  "majoritairement étrangers.",
    definition_en="Among agreed films whose nationality is published, share of those whose "
                  "nationality names more than one country (FRANCE-80 / ITALIE-20), films with "
                  "a foreign majority included.",
    formula="nombre de films à plusieurs pays ÷ nombre de films à la nationalité publiée",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("coproduction",),
    extras={"french_minority": ("nombre de coproductions où la part française est inférieure "
                                "à 50 %", "number of co-productions where France's share is "
                                          "under 50%")},
    caveats_fr=(*_SCOPE_FR,
                "La nationalité est celle de la colonne NATIONALITE ; les parts de chaque pays "
                "sont dans work_countries."),
    caveats_en=(*_SCOPE_EN,
                "The nationality is the column NATIONALITE; each country's share is in "
                "work_countries."),
)
def films_coproduction_share(q: Query) -> ir.Table:
    b = q.base
    return _share_of_films(q, "coproduction", {
        "french_minority": count_where(b.coproduction & (b.french_share < 50))})


# -- producers -----------------------------------------------------------------------------

_PRODUCERS_FR = (
    *_SCOPE_FR,
    "Un film à k producteurs compte 1/k film (et 1/k de son devis) pour chacun : la liste ne "
    "dit pas qui apporte quoi. Les producteurs sont reconnus d'une graphie à l'autre (casse, "
    "accents, ponctuation, forme juridique, article : text.company_key) ; les sociétés "
    "numérotées (GAUMONT IMAGES 2) et les filiales d'un même groupe restent distinctes.",
    "Jusqu'en 2015 la colonne PRODUCTEURS nomme tous les producteurs et coproducteurs, filiales "
    "cinéma des chaînes comprises (France 2 Cinéma, France 3 Cinéma…) ; à partir de 2016 elle "
    "ne nomme plus qu'environ un producteur par film et les filiales des chaînes n'y figurent "
    "plus : la série par année est rompue entre 2015 et 2016 (colonne credits_per_film : 1,9 "
    "en 2015, 1,0 en 2016), et une période qui enjambe la rupture mélange les deux.",
    "Une année où les producteurs sont joints par ET (2016 à 2018) : « A ET B » est lu comme "
    "deux producteurs quand chacun est crédité seul ailleurs dans la liste ; sinon le nom "
    "reste entier (HAUT ET COURT).",
)
_PRODUCERS_EN = (
    *_SCOPE_EN,
    "A film with k producers counts 1/k film (and 1/k of its budget) for each: the list does "
    "not say who brings what. Producers are recognised across spellings (case, accents, "
    "punctuation, legal form, article: text.company_key); numbered companies (GAUMONT IMAGES "
    "2) and subsidiaries of one group stay apart.",
    "Up to 2015 the PRODUCTEURS column names every producer and co-producer, broadcasters' "
    "cinema subsidiaries included (France 2 Cinéma, France 3 Cinéma…); from 2016 it names about "
    "one producer per film and the broadcasters' subsidiaries no longer appear: the series by "
    "year breaks between 2015 and 2016 (column credits_per_film: 1.9 in 2015, 1.0 in 2016), "
    "and a period across the break mixes both.",
    "In years where producers are joined by ET (2016 to 2018), 'A ET B' is read as two "
    "producers when each is credited on its own elsewhere in the list; otherwise the name "
    "stays whole (HAUT ET COURT).",
)
_PRODUCER_CATEGORY = ("films (chaque film compte 1) ou budget (chaque film compte son devis, "
                      "s'il est connu)",
                      "films (each film counts 1) or budget (each film counts its budget, "
                      "when known)")
_PRODUCER_EXTRAS = {
    "producers": ("nombre de producteurs", "number of producers"),
    "films": ("nombre de films sur lesquels repose la catégorie (au devis connu pour budget)",
              "number of films the category rests on (of known budget for budget)"),
    "credits_per_film": ("nombre moyen de producteurs par film", "mean number of producers per "
                                                                 "film"),
}


def _per_producer(q: Query) -> ir.Table:
    """(keys, category, producer_id, weight, films, total, credits_per_film): each producer's
    weight in films (Σ 1/k) and in euro cents of budget (Σ budget/k) over the films of known
    producers; `films` is the number of films each category rests on, `total` what the
    weights add up to (counted exactly, not summed from the fractions)."""
    b = q.covered
    c = q.table("work_credits")
    c = c.filter((c.role == "producer") & c.organisation_id.notnull())
    c = c.select(credit_approval="approval_id", producer_id="organisation_id").distinct()
    rows = b.inner_join(c, b.approval_id == c.credit_approval)
    k = rows.producers.cast("float64")
    rows = rows.mutate(w_films=1.0 / k, w_budget=rows.budget.cast("float64") / k)
    per = rows.group_by([*q.keys, "producer_id"]).aggregate(films=rows.w_films.sum(),
                                                            budget=rows.w_budget.sum())
    totals = b.group_by(q.keys).aggregate(
        n_films=b.count().cast("int64"), n_budget=count_where(b.budget.notnull()),
        sum_budget=b.budget.sum(), credits_per_film=b.producers.cast("float64").mean())
    parts = [per.select(*q.keys, "producer_id", category=ibis.literal(name, "string"),
                        weight=per[name]) for name in ("films", "budget")]
    per = ibis.union(*parts)
    per = per.filter(per.weight.notnull() & (per.weight > 0))
    out = per.inner_join(totals, q.keys)
    films = out.category == "films"
    # the exact total the weights add up to: the number of films, or the sum of their budgets
    return out.mutate(films=ibis.ifelse(films, out.n_films, out.n_budget),
                      total=ibis.ifelse(films, out.n_films, out.sum_budget).cast("float64"),
                      ).drop("n_films", "n_budget", "sum_budget")


def _producer_totals(q: Query, per: ir.Table, **metrics: ir.Value) -> ir.Table:
    grouped = per.group_by([*q.keys, "category"]).aggregate(
        total=per.total.max(), producers=per.count().cast("int64"),
        films=per.films.max(), credits_per_film=per.credits_per_film.max(), **metrics)
    budget = grouped.category == "budget"
    scale = ibis.ifelse(budget, 100.0, 1.0)  # cents → euros
    return grouped.mutate(denominator=(grouped.total / scale).cast("float64"),
                          numerator=ibis.null().cast("float64"),
                          currency=ibis.ifelse(budget, "EUR", ibis.null()).cast("string"))


@indicator(
    id="films_producer_hhi",
    theme="films",
    title_fr="Concentration des producteurs de films agréés (indice de Herfindahl-Hirschman)",
    title_en="Concentration of producers of agreed films (Herfindahl-Hirschman index)",
    definition_fr="Somme des carrés des parts (en %) de chaque producteur dans les films agréés "
                  "(films) ou dans leur devis total (budget) : de près de 0 (production très "
                  "dispersée) à 10 000 (un seul producteur).",
    definition_en="Sum of the squared shares (in %) of each producer in the agreed films "
                  "(films) or in their total budget (budget): from near 0 (production spread "
                  "thin) to 10,000 (a single producer).",
    formula="HHI = Σ_p (100 × part_p)², part_p = Σ_films (1/k) ÷ nombre de films (ou Σ devis/k "
            "÷ Σ devis), k = producteurs du film",
    unit="index",
    subject="films",
    levels=("country",),
    needs=("producers",),
    category=_PRODUCER_CATEGORY,
    extras=_PRODUCER_EXTRAS,
    caveats_fr=(*_PRODUCERS_FR,
                "Repères usuels (autorités de la concurrence) : moins de 1 500 peu concentré, "
                "plus de 2 500 très concentré. Avec n producteurs à parts égales, "
                "HHI = 10 000 ÷ n."),
    caveats_en=(*_PRODUCERS_EN,
                "Usual landmarks (competition authorities): under 1,500 unconcentrated, over "
                "2,500 highly concentrated. With n producers of equal shares, HHI = 10,000 ÷ n."),
)
def films_producer_hhi(q: Query) -> ir.Table:
    per = _per_producer(q)
    grouped = _producer_totals(q, per, squares=(per.weight * per.weight).sum())
    value = ibis.ifelse(grouped.total > 0,
                        10_000 * grouped.squares / (grouped.total * grouped.total), ibis.null())
    return grouped.mutate(value=value.cast("float64")).drop("total", "squares")


@indicator(
    id="films_producer_top10_share",
    theme="films",
    title_fr="Part des 10 premiers producteurs de films agréés",
    title_en="Top-10 producers' share of agreed films",
    definition_fr="Part des films agréés (films) ou de leur devis total (budget) qui revient "
                  "aux 10 producteurs qui en ont le plus.",
    definition_en="Share of the agreed films (films) or of their total budget (budget) that "
                  "goes to the 10 producers with the most.",
    formula="Σ part des 10 premiers producteurs, part_p = Σ_films (1/k) ÷ nombre de films (ou "
            "Σ devis/k ÷ Σ devis)",
    unit="share",
    subject="films",
    levels=("country",),
    needs=("producers",),
    category=_PRODUCER_CATEGORY,
    extras=_PRODUCER_EXTRAS,
    caveats_fr=(*_PRODUCERS_FR,
                "À égalité à la 10e place, les producteurs sont départagés par leur "
                "identifiant : la part n'en dépend pas (ce sont les 10 plus grandes parts). "
                "Avec 10 producteurs ou moins, elle vaut 1."),
    caveats_en=(*_PRODUCERS_EN,
                "Producers tied at the 10th place are ranked by their identifier: the share does "
                "not depend on it (it is the sum of the 10 largest shares). With 10 producers or "
                "fewer, it is 1."),
)
def films_producer_top10_share(q: Query) -> ir.Table:
    per = _per_producer(q)
    order = [ibis.desc(per.weight), per.producer_id]
    rank = ibis.row_number().over(ibis.window(group_by=[*q.keys, "category"], order_by=order))
    ranked = per.mutate(position=rank)  # 0 for the largest
    grouped = _producer_totals(q, ranked, top=ranked.weight.sum(where=ranked.position < 10))
    value = ibis.ifelse(grouped.total > 0, grouped.top / grouped.total, ibis.null())
    scale = ibis.ifelse(grouped.category == "budget", 100.0, 1.0)
    return grouped.mutate(value=value.cast("float64"),
                          numerator=(grouped.top / scale).cast("float64")).drop("total", "top")
