"""Amounts and their distribution: support per inhabitant, the upstream share ("l'amont")."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query
from cineatlas.indicators.reach import ZERO_EN, ZERO_FR
from cineatlas.indicators.registry import indicator

#: Stages counted as upstream ("l'amont"): writing and development.
UPSTREAM = ("writing", "development")
#: Where an award whose beneficiary is known only by its country counts (docs/data-model.md).
PLACED_AT_COUNTRY_FR = ("Une aide dont le bénéficiaire n'est situé que par son pays (un "
                        "bénéficiaire d'un fichier SCDL, identifié par son SIREN sans adresse) "
                        "compte au niveau pays, dans aucune région ni aucun département ; la fiche "
                        "d'un territoire dit combien n'y est pas compté pour cette raison.")
PLACED_AT_COUNTRY_EN = ("An award whose beneficiary is placed only by its country (a beneficiary "
                        "of an SCDL file, identified by its SIREN without an address) counts at "
                        "country level, in no region or département; a territory's profile says "
                        "how much is not counted there for that reason.")


@indicator(
    id="total_support",
    theme="support",
    additive=True,
    title_fr="Montant total des aides",
    title_en="Total support",
    definition_fr="Somme des montants attribués aux bénéficiaires établis dans le territoire.",
    definition_en="Sum of the amounts awarded to beneficiaries based in the territory.",
    formula="Σ montant (aides au montant connu)",
    unit="money",
    subject="awards",
    needs=("amount_minor",),
    caveats_fr=("Le territoire est celui du bénéficiaire (son siège), pas celui du tournage.",
                PLACED_AT_COUNTRY_FR,
                "Les montants de devises différentes ne sont jamais additionnés : "
                "une ligne par devise.", ZERO_FR),
    caveats_en=("The territory is the beneficiary's (where it is based), "
                "not where the work is shot.", PLACED_AT_COUNTRY_EN,
                "Amounts in different currencies are never added up: one row per currency.",
                ZERO_EN),
)
def total_support(q: Query) -> ir.Table:
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(numerator=rows.amount.sum() / 100)
    return grouped.mutate(value=grouped.numerator, denominator=ibis.null().cast("float64"))


@indicator(
    id="support_per_inhabitant",
    theme="support",
    additive=True,
    title_fr="Aide par habitant",
    title_en="Support per inhabitant",
    definition_fr="Montant total des aides aux bénéficiaires établis dans le territoire, "
                  "divisé par sa population légale.",
    definition_en="Total amount awarded to beneficiaries based in the territory, divided by its "
                  "legal population.",
    formula="Σ montant ÷ population",
    unit="money_per_inhabitant",
    subject="awards",
    needs=("amount_minor",),
    caveats_fr=("Le territoire est celui du bénéficiaire (son siège) : "
                "une société parisienne aidée par une Région compte pour Paris.",
                PLACED_AT_COUNTRY_FR,
                "Population légale la plus récente de la base "
                "(France : INSEE ; Canada : recensement).", ZERO_FR),
    caveats_en=("The territory is the beneficiary's (where it is based): a Paris company supported "
                "by a Region counts for Paris.", PLACED_AT_COUNTRY_EN,
                "Latest legal population in the store (France: INSEE; Canada: census).",
                ZERO_EN),
)
def support_per_inhabitant(q: Query) -> ir.Table:
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(numerator=rows.amount.sum() / 100)
    return q.per_population(grouped)


@indicator(
    id="upstream_share",
    theme="support",
    title_fr="Part de l'amont (écriture et développement)",
    title_en="Upstream share (writing and development)",
    definition_fr="Part du montant des aides à une étape connue qui va à l'écriture et au "
                  "développement.",
    definition_en="Share of the money of awards with a known stage that goes to writing and "
                  "development.",
    formula="Σ montant (écriture, développement) ÷ Σ montant (étape connue)",
    unit="share",
    subject="awards",
    needs=("amount_minor", "stage"),
    caveats_fr=("Les aides au fonctionnement (salles, festivals) et à la diffusion entrent au "
                "dénominateur : filtrer par étape pour ne comparer que la création.",),
    caveats_en=("Operating aid (cinemas, festivals) and distribution aid count in the denominator: "
                "filter by stage to compare creation only.",),
)
def upstream_share(q: Query) -> ir.Table:
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        numerator=rows.amount.sum(where=rows.stage.isin(UPSTREAM)).fill_null(0) / 100,
        denominator=rows.amount.sum() / 100,
    )
    return q.share(grouped)
