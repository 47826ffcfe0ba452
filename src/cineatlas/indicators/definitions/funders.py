"""Support by funder level: how much of the money comes from the State and its national bodies,
the Regions, the Départements, the communes… (`organisations.funder_level`).

Two readings of one award: by the funder's territory (what the public bodies of a territory
award: a Région's money in its region, the CNC's in France) and by the beneficiary's (where the
money received in a territory comes from).
"""

from __future__ import annotations

import ibis.expr.types as ir

from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator
from cineatlas.store.vocabularies import FUNDER_LEVELS

_LEVELS = ", ".join(FUNDER_LEVELS)
_CATEGORY = (f"l'échelon du financeur ({_LEVELS})", f"the funder's level ({_LEVELS})")
_EXTRAS = {"share": ("part de l'échelon dans le montant du territoire (échelon connu)",
                     "the level's share of the territory's money (known level)"),
           "awards": ("nombre d'aides (montant connu) de l'échelon",
                      "number of awards (known amount) of the level")}
_COMMON_FR = (
    "L'échelon est celui que l'importateur donne au financeur (organisations.funder_level) : "
    "national (État, CNC, Telefilm), provincial, regional (Région), departmental (Département), "
    "metropolitan, intercommunal, communal, european, other. Un financeur d'échelon inconnu "
    "(une chaîne de télévision, qui n'est pas un financeur public ; un fichier dont "
    "l'attribuant n'est pas reconnu) n'est pas compté : la couverture le dit.",
    "Les montants de devises différentes ne sont jamais additionnés : une ligne par échelon et "
    "par devise ; value est le montant (en unités), denominator le montant de tous les échelons "
    "connus du territoire dans cette devise.",
    "Un échelon sans aide dans le territoire n'a pas de ligne : ce n'est pas un zéro publié, le "
    "financeur peut ne pas publier ses aides (voir published_data).",
)
_COMMON_EN = (
    "The level is the one the importer gives the funder (organisations.funder_level): national "
    "(State, CNC, Telefilm), provincial, regional (Region), departmental (Département), "
    "metropolitan, intercommunal, communal, european, other. A funder of unknown level (a TV "
    "channel, which is not a public funder; a file whose awarding body is not recognised) is "
    "not counted: the coverage says so.",
    "Amounts in different currencies are never added up: one row per level and currency; value "
    "is the amount (in units), denominator the amount of every known level of the territory in "
    "that currency.",
    "A level with no award in the territory has no row: that is not a published zero, the "
    "funder may not publish its awards (see published_data).",
)


def _by_level(q: Query) -> ir.Table:
    rows = q.covered
    per = rows.group_by([*q.keys, "funder_level"]).aggregate(
        amount=rows.amount.sum(), awards=rows.count().cast("int64"))
    totals = rows.group_by(q.keys).aggregate(total=rows.amount.sum())
    out = per.inner_join(totals, q.keys)
    amount = out.amount.cast("float64") / 100
    total = out.total.cast("float64") / 100
    return out.select(*q.keys, category=out.funder_level, value=amount, numerator=amount,
                      denominator=total, share=(out.amount.cast("float64")
                                                / out.total.cast("float64")),
                      awards=out.awards)


@indicator(
    id="support_by_funder_level",
    theme="support",
    title_fr="Aides par échelon du financeur (territoire du financeur)",
    title_en="Support by funder level (funder's territory)",
    definition_fr="Montant et nombre des aides attribuées par les financeurs publics du "
                  "territoire, par échelon (État et établissements nationaux, Région, "
                  "Département, commune…) : une ligne par échelon.",
    definition_en="Amount and number of the awards made by the territory's public funders, by "
                  "level (State and national bodies, Region, Département, municipality…): one "
                  "row per level.",
    formula="Σ montant (financeurs de l'échelon dont le territoire est dans le territoire)",
    unit="money",
    subject="awards",
    needs=("amount_minor", "funder_level"),
    category=_CATEGORY,
    extras=_EXTRAS,
    caveats_fr=("Le territoire est celui du financeur : celui qu'il administre (le CNC et "
                "Telefilm comptent pour leur pays, une Région pour sa région, un Département "
                "pour le sien), sinon celui de son siège ; le bénéficiaire peut être ailleurs. "
                "Une région n'a donc pas de ligne « national ».",
                *_COMMON_FR),
    caveats_en=("The territory is the funder's: the one it governs (the CNC and Telefilm count "
                "for their country, a Region for its region, a Département for its own), else "
                "where it is based; the beneficiary may be elsewhere. A region thus has no "
                "'national' row.",
                *_COMMON_EN),
)
def support_by_funder_level(q: Query) -> ir.Table:
    q.rebase(q._funder_territory(q.cut_awards()))
    return _by_level(q)


@indicator(
    id="support_received_by_funder_level",
    theme="support",
    title_fr="Aides reçues par échelon du financeur (territoire du bénéficiaire)",
    title_en="Support received by funder level (beneficiary's territory)",
    definition_fr="Montant et nombre des aides reçues par les bénéficiaires établis dans le "
                  "territoire, par échelon du financeur (État et établissements nationaux, "
                  "Région, Département, commune…) : d'où vient l'argent reçu.",
    definition_en="Amount and number of the awards received by beneficiaries based in the "
                  "territory, by level of the funder (State and national bodies, Region, "
                  "Département, municipality…): where the money received comes from.",
    formula="Σ montant (bénéficiaires du territoire, financeurs de l'échelon)",
    unit="money",
    subject="awards",
    needs=("amount_minor", "funder_level"),
    category=_CATEGORY,
    extras=_EXTRAS,
    caveats_fr=("Le territoire est celui du bénéficiaire (son siège), comme pour total_support : "
                "la somme des échelons est total_support moins les aides d'échelon inconnu. "
                "Une aide dont le bénéficiaire n'a pas de lieu connu (CNC Talent, hors "
                "sociétés) n'est comptée nulle part ici, et une aide dont le bénéficiaire n'est "
                "situé que par son pays (SCDL, sociétés de CNC Talent) l'est au niveau pays "
                "seulement ; support_by_funder_level la compte pour son financeur.",
                *_COMMON_FR),
    caveats_en=("The territory is the beneficiary's (where it is based), as for total_support: "
                "the levels add up to total_support less the awards of unknown level. An award "
                "whose beneficiary has no known place (CNC Talent, companies aside) counts "
                "nowhere here, and one whose beneficiary is placed only by its country (SCDL, "
                "CNC Talent's companies) at country level only; support_by_funder_level counts "
                "it for its funder.",
                *_COMMON_EN),
)
def support_received_by_funder_level(q: Query) -> ir.Table:
    q.rebase(q.place(q.with_funder(q.cut_awards()), "beneficiary_territory_id"))
    return _by_level(q)
