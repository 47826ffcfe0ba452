"""Works: parity of directors, emergence (first and second works), diversity of formats and
genres.

All of them read the award's own fields (`director_gender`, `first_work`, `second_work`,
`format`, `genre`), as the importers publish them; an award whose field is unknown is left
out of the share (and lowers the coverage), never counted as a zero.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query, count_where
from cineatlas.indicators.registry import indicator

_WORKS_SCOPE_FR = ("La couverture se mesure sur toutes les aides du découpage, y compris celles "
                   "qui ne portent pas sur une œuvre (fonctionnement des salles, festivals) : "
                   "filtrer par étape ou par format pour ne garder que la création.")
_WORKS_SCOPE_EN = ("Coverage is measured on every award of the cut, including those that are not "
                   "about a work (cinema operation, festivals): filter by stage or format to keep "
                   "creation only.")


def _money(rows: ir.Table, condition: ir.BooleanValue | None = None) -> ir.FloatingScalar:
    """Σ amount (of the rows where `condition` holds), in major units; exact integer sum first."""
    total = rows.amount.sum() if condition is None else rows.amount.sum(where=condition)
    return total.fill_null(0) / 100


def _categories(q: Query, grouped: ir.Table, numerators: dict[str, str],
                extras: tuple[str, ...] = ()) -> ir.Table:
    """One row per key and category: `grouped` (keys, one numerator column per category,
    denominator) unpivoted, with value = numerator / denominator."""
    parts = [grouped.select(*q.keys, *extras, category=ibis.literal(name, "string"),
                            numerator=grouped[column].cast("float64"),
                            denominator=grouped.denominator.cast("float64"))
             for name, column in numerators.items()]
    return q.share(ibis.union(*parts))


# -- parity -------------------------------------------------------------------------------

_PARITY_CAVEATS_FR = (
    "Seules comptent les aides dont le genre de la réalisation est publié ; une œuvre sans "
    "cette information n'est ni comptée comme réalisée par une femme ni par un homme.",
    "Les œuvres co-réalisées par des personnes de genres différents ('mixed') restent au "
    "dénominateur mais pas au numérateur : leur part est donnée à part (colonne mixed_share), "
    "celle des hommes aussi (men_share) ; women + men + mixed + other = 1.",
    _WORKS_SCOPE_FR,
)
_PARITY_CAVEATS_EN = (
    "Only awards whose director's gender is published count; a work without it is counted "
    "neither as directed by a woman nor by a man.",
    "Works co-directed by people of different genders ('mixed') stay in the denominator but not "
    "in the numerator: their share is given apart (column mixed_share), and so is men's "
    "(men_share); women + men + mixed + other = 1.",
    _WORKS_SCOPE_EN,
)
_PARITY_EXTRAS = {
    "mixed_share": ("part des œuvres co-réalisées par des personnes de genres différents",
                    "share of works co-directed by people of different genders"),
    "men_share": ("part des œuvres réalisées par des hommes", "share of works directed by men"),
}


@indicator(
    id="women_directors_award_share",
    theme="works",
    title_fr="Part des aides aux œuvres réalisées par des femmes",
    title_en="Share of awards to works directed by women",
    definition_fr="Parmi les aides dont le genre de la réalisation est connu, part (en nombre "
                  "d'aides) de celles qui vont à des œuvres réalisées par des femmes.",
    definition_en="Among awards whose director's gender is known, share (by number of awards) "
                  "of those going to works directed by women.",
    formula="nombre d'aides (réalisatrice) ÷ nombre d'aides (genre de la réalisation connu)",
    unit="share",
    subject="awards",
    needs=("director_gender",),
    caveats_fr=_PARITY_CAVEATS_FR,
    caveats_en=_PARITY_CAVEATS_EN,
    extras=_PARITY_EXTRAS,
)
def women_directors_award_share(q: Query) -> ir.Table:
    rows = q.covered
    gender = rows.director_gender
    grouped = rows.group_by(q.keys).aggregate(
        numerator=count_where(gender == "female").cast("float64"),
        denominator=rows.count().cast("float64"),
        mixed=count_where(gender == "mixed").cast("float64"),
        men=count_where(gender == "male").cast("float64"),
    )
    return _parity(q, grouped)


@indicator(
    id="women_directors_money_share",
    theme="works",
    title_fr="Part du montant aux œuvres réalisées par des femmes",
    title_en="Share of money to works directed by women",
    definition_fr="Parmi les aides au montant connu dont le genre de la réalisation est connu, "
                  "part du montant qui va à des œuvres réalisées par des femmes.",
    definition_en="Among awards of known amount whose director's gender is known, share of the "
                  "money going to works directed by women.",
    formula="Σ montant (réalisatrice) ÷ Σ montant (genre de la réalisation connu)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "director_gender"),
    caveats_fr=_PARITY_CAVEATS_FR,
    caveats_en=_PARITY_CAVEATS_EN,
    extras=_PARITY_EXTRAS,
)
def women_directors_money_share(q: Query) -> ir.Table:
    rows = q.covered
    gender = rows.director_gender
    grouped = rows.group_by(q.keys).aggregate(
        numerator=_money(rows, gender == "female"),
        denominator=_money(rows),
        mixed=_money(rows, gender == "mixed"),
        men=_money(rows, gender == "male"),
    )
    return _parity(q, grouped)


def _parity(q: Query, grouped: ir.Table) -> ir.Table:
    def part(column: ir.FloatingColumn) -> ir.FloatingColumn:
        return ibis.ifelse(grouped.denominator != 0, column / grouped.denominator,
                           ibis.null()).cast("float64")

    out = grouped.mutate(mixed_share=part(grouped.mixed), men_share=part(grouped.men))
    return q.share(out.drop("mixed", "men"))


# -- emergence ----------------------------------------------------------------------------

#: Emergence categories: the condition on (first_work, second_work) each stands for.
EMERGENCE = ("first", "second", "first_or_second")


@indicator(
    id="emergence_share",
    theme="works",
    title_fr="Part de l'émergence (premières et deuxièmes œuvres)",
    title_en="Emergence share (first and second works)",
    definition_fr="Parmi les aides au montant connu dont on sait si l'œuvre est une première ou "
                  "une deuxième œuvre de sa réalisation, part du montant qui va aux premières "
                  "œuvres (first), aux deuxièmes (second) et aux deux ensemble (first_or_second).",
    definition_en="Among awards of known amount for which it is known whether the work is its "
                  "director's first or second, share of the money going to first works (first), "
                  "second works (second) and both together (first_or_second).",
    formula="Σ montant (première / deuxième œuvre) ÷ Σ montant (premier et deuxième renseignés)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "first_work", "second_work"),
    category=("première (first), deuxième (second) ou l'une des deux (first_or_second)",
              "first, second or either (first_or_second)"),
    caveats_fr=("Une aide ne compte que si les deux indications (première œuvre, deuxième œuvre) "
                "sont publiées, même quand l'une suffirait.",
                "La notion vaut surtout pour les longs métrages : filtrer par format (feature) "
                "pour comparer des territoires.",
                _WORKS_SCOPE_FR),
    caveats_en=("An award counts only when both flags (first work, second work) are published, "
                "even when one would be enough.",
                "The notion mostly applies to feature films: filter by format (feature) to "
                "compare territories.",
                _WORKS_SCOPE_EN),
)
def emergence_share(q: Query) -> ir.Table:
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        first=_money(rows, rows.first_work),
        second=_money(rows, rows.second_work),
        first_or_second=_money(rows, rows.first_work | rows.second_work),
        denominator=_money(rows),
    )
    return _categories(q, grouped, {name: name for name in EMERGENCE})


# -- diversity ----------------------------------------------------------------------------


@indicator(
    id="format_genre_shannon",
    theme="works",
    title_fr="Diversité des formats et genres (indice de Shannon)",
    title_en="Diversity of formats and genres (Shannon index)",
    definition_fr="Indice de Shannon de la répartition du montant entre les combinaisons format × "
                  "genre (long métrage de fiction, court métrage d'animation…) : 0 quand tout va à "
                  "une seule combinaison, ln(k) quand le montant est également réparti entre k "
                  "combinaisons.",
    definition_en="Shannon index of how the money is spread over format × genre combinations "
                  "(fiction feature, animated short…): 0 when everything goes to one combination, "
                  "ln(k) when the money is spread evenly over k combinations.",
    formula="H = −Σ p ln p, p = Σ montant (format, genre) ÷ Σ montant (format et genre connus) ; "
            "équitabilité = H ÷ ln(k)",
    unit="index",
    subject="awards",
    needs=("amount_minor", "format", "genre"),
    extras={
        "categories": ("nombre k de combinaisons format × genre ayant reçu un montant",
                       "number k of format × genre combinations that received money"),
        "evenness": ("équitabilité de Pielou H ÷ ln(k), de 0 à 1 (vide quand k = 1)",
                     "Pielou evenness H ÷ ln(k), 0 to 1 (empty when k = 1)"),
    },
    caveats_fr=("L'indice croît avec le nombre de combinaisons : comparer l'équitabilité "
                "(evenness) entre territoires aux nombres de combinaisons différents.",
                "Les combinaisons sans montant (ou de montant nul) ne comptent pas dans k.",
                _WORKS_SCOPE_FR),
    caveats_en=("The index grows with the number of combinations: compare evenness between "
                "territories with different numbers of combinations.",
                "Combinations without money (or with a zero amount) do not count in k.",
                _WORKS_SCOPE_EN),
)
def format_genre_shannon(q: Query) -> ir.Table:
    rows = q.covered
    combos = rows.group_by([*q.keys, "format", "genre"]).aggregate(money=rows.amount.sum())
    combos = combos.filter(combos.money > 0)
    totals = combos.group_by(q.keys).aggregate(total=combos.money.sum())
    joined = combos.inner_join(totals, q.keys)
    p = joined.money / joined.total
    grouped = joined.group_by(q.keys).aggregate(
        # 0 − Σ p ln p rather than −Σ: a single combination gives 0.0, not −0.0
        value=0.0 - (p * p.ln()).sum(),
        categories=joined.count().cast("int64"),
    )
    k = grouped.categories.cast("float64")
    evenness = ibis.ifelse(grouped.categories > 1, grouped.value / k.ln(), ibis.null())
    return grouped.mutate(value=grouped.value.cast("float64"), evenness=evenness.cast("float64"),
                          numerator=ibis.null().cast("float64"),
                          denominator=ibis.null().cast("float64"))


#: Categories of format_genre_shares: (column, value) each stands for.
FORMAT_GENRE_SHARES = {"short": ("format", "short"), "documentary": ("genre", "documentary"),
                       "animation": ("genre", "animation")}


@indicator(
    id="format_genre_shares",
    theme="works",
    title_fr="Part des courts métrages, documentaires et films d'animation",
    title_en="Share of shorts, documentaries and animation",
    definition_fr="Parmi les aides au montant, format et genre connus, part du montant qui va aux "
                  "courts métrages (short), aux documentaires (documentary) et à l'animation "
                  "(animation).",
    definition_en="Among awards of known amount, format and genre, share of the money going to "
                  "short films (short), documentaries (documentary) and animation (animation).",
    formula="Σ montant (catégorie) ÷ Σ montant (format et genre connus)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "format", "genre"),
    category=("court métrage (short), documentaire (documentary) ou animation (animation)",
              "short film (short), documentary or animation"),
    caveats_fr=("Les catégories se recoupent (un court métrage d'animation compte dans short et "
                "dans animation) : leurs parts ne s'additionnent pas.",
                "Le dénominateur est le même pour les trois catégories (format et genre connus), "
                "comme pour l'indice de Shannon.",
                _WORKS_SCOPE_FR),
    caveats_en=("The categories overlap (an animated short counts in short and in animation): "
                "their shares do not add up.",
                "The denominator is the same for the three categories (format and genre known), "
                "as for the Shannon index.",
                _WORKS_SCOPE_EN),
)
def format_genre_shares(q: Query) -> ir.Table:
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        denominator=_money(rows),
        **{name: _money(rows, rows[column] == value)
           for name, (column, value) in FORMAT_GENRE_SHARES.items()},
    )
    return _categories(q, grouped, {name: name for name in FORMAT_GENRE_SHARES})
