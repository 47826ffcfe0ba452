"""Commissions and applications: who sits on the commissions (women, professions, elected
officials) and how many applications each award draws.

The territory is the funder's (where the body that holds the commission, or receives the
applications, is based): the CNC counts for the country, a Region for its region.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator

_TERRITORY_FR = ("Le territoire est celui du financeur qui réunit la commission (le CNC compte "
                 "pour le pays, une Région pour sa région) ; un financeur dont le siège n'est pas "
                 "connu n'est pas compté.")
_TERRITORY_EN = ("The territory is that of the funder holding the commission (the CNC counts for "
                 "the country, a Region for its region); a funder whose seat is unknown is not "
                 "counted.")
_SEATS_FR = ("On compte des sièges : une personne qui siège dans plusieurs commissions (ou "
             "plusieurs années) compte une fois par commission.")
_SEATS_EN = ("Seats are counted: a person sitting on several commissions (or several years) "
             "counts once per commission.")
_COMMISSION_EXTRAS = {
    "commissions": ("nombre de commissions (commission et année) comptées",
                    "number of commissions (commission and year) counted"),
}


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """Number of rows where `condition` holds (0, not NULL, when none does)."""
    return ibis.ifelse(condition, 1, 0).sum().fill_null(0).cast("int64")


def _member_share(q: Query, condition: ir.BooleanValue) -> ir.Table:
    """Share of the covered members (seats) for whom `condition` holds."""
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        numerator=_count(condition).cast("float64"),
        denominator=rows.count().cast("float64"),
        commissions=rows.commission_id.nunique().cast("int64"),
    )
    return q.share(grouped)


@indicator(
    id="commission_women_share",
    theme="governance",
    title_fr="Part des femmes dans les commissions",
    title_en="Share of women on commissions",
    definition_fr="Parmi les membres des commissions dont le genre est connu, part des femmes.",
    definition_en="Among commission members whose gender is known, share of women.",
    formula="nombre de membres (femmes) ÷ nombre de membres (genre connu)",
    unit="share",
    subject="commissions",
    needs=("gender",),
    extras=_COMMISSION_EXTRAS,
    caveats_fr=(_TERRITORY_FR, _SEATS_FR,
                "Tous les rôles comptent (présidence, membres, lecteurs, observateurs).",
                "Seules les commissions chargées dans la base comptent : peu de financeurs en "
                "publient la composition."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN,
                "Every role counts (chair, members, readers, observers).",
                "Only the commissions loaded in the store count: few funders publish their "
                "membership."),
)
def commission_women_share(q: Query) -> ir.Table:
    return _member_share(q, q.covered.gender == "female")


@indicator(
    id="commission_professions",
    theme="governance",
    title_fr="Professions représentées dans les commissions",
    title_en="Professions on commissions",
    definition_fr="Parmi les membres des commissions dont la profession est connue, part de "
                  "chaque profession (auteur, réalisateur, producteur, élu…).",
    definition_en="Among commission members whose profession is known, share of each profession "
                  "(author, director, producer, elected official…).",
    formula="nombre de membres (profession) ÷ nombre de membres (profession connue)",
    unit="share",
    subject="commissions",
    needs=("profession",),
    category=("profession (author, director, producer, distributor, exhibitor, technician, "
              "actor, elected_official, civil_servant, other)",
              "profession (author, director, producer, distributor, exhibitor, technician, "
              "actor, elected_official, civil_servant, other)"),
    caveats_fr=(_TERRITORY_FR, _SEATS_FR,
                "Une profession absente d'une commission n'a pas de ligne (sa part est nulle).",
                "Chaque membre a une seule profession, celle publiée avec la commission."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN,
                "A profession absent from a commission has no row (its share is zero).",
                "Each member has one profession, the one published with the commission."),
)
def commission_professions(q: Query) -> ir.Table:
    rows = q.covered
    counts = rows.group_by([*q.keys, "profession"]).aggregate(numerator=rows.count())
    totals = rows.group_by(q.keys).aggregate(denominator=rows.count())
    joined = counts.inner_join(totals, q.keys)
    out = joined.select(*q.keys, category=joined.profession,
                        numerator=joined.numerator.cast("float64"),
                        denominator=joined.denominator.cast("float64"))
    return q.share(out)


@indicator(
    id="commission_elected_share",
    theme="governance",
    title_fr="Part des élus dans les commissions",
    title_en="Share of elected officials on commissions",
    definition_fr="Parmi les membres des commissions dont on sait s'ils sont élus, part des élus.",
    definition_en="Among commission members for whom it is known whether they are elected "
                  "officials, share of elected officials.",
    formula="nombre de membres élus ÷ nombre de membres (qualité d'élu connue)",
    unit="share",
    subject="commissions",
    needs=("is_elected_official",),
    extras=_COMMISSION_EXTRAS,
    caveats_fr=(_TERRITORY_FR, _SEATS_FR,
                "Un élu compte comme tel même s'il siège comme observateur, sans voix "
                "délibérative."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN,
                "An elected official counts as such even when sitting as an observer, without "
                "a vote."),
)
def commission_elected_share(q: Query) -> ir.Table:
    return _member_share(q, q.covered.is_elected_official)


# -- application pressure -----------------------------------------------------------------

_APPLICATIONS_FR = (
    "Seuls comptent les dispositifs et années dont le nombre de demandes et le nombre d'aides "
    "sont tous deux publiés ; la couverture dit combien de dispositifs-années manquent.",
    "Le territoire est celui du financeur du dispositif (le CNC compte pour le pays).",
    "Une demande peut être déposée plusieurs fois (plusieurs sessions, plusieurs dispositifs) : "
    "on compte des dossiers, pas des projets.",
)
_APPLICATIONS_EN = (
    "Only schemes and years where both the number of applications and the number of awards are "
    "published count; coverage says how many scheme-years are missing.",
    "The territory is that of the scheme's funder (the CNC counts for the country).",
    "A project can apply several times (several sessions, several schemes): applications are "
    "counted, not projects.",
)


def _applications(q: Query) -> ir.Table:
    rows = q.covered
    return rows.group_by(q.keys).aggregate(received=rows.applications_received.sum(),
                                           awarded=rows.applications_awarded.sum())


@indicator(
    id="applications_per_award",
    theme="governance",
    title_fr="Nombre de demandes par aide accordée",
    title_en="Applications per award",
    definition_fr="Nombre de demandes reçues pour chaque aide accordée, sur les dispositifs et "
                  "années où les deux nombres sont publiés.",
    definition_en="Number of applications received for each award made, on the schemes and "
                  "years where both numbers are published.",
    formula="Σ demandes reçues ÷ Σ aides accordées",
    unit="ratio",
    subject="applications",
    needs=("applications_received", "applications_awarded"),
    caveats_fr=_APPLICATIONS_FR,
    caveats_en=_APPLICATIONS_EN,
)
def applications_per_award(q: Query) -> ir.Table:
    grouped = _applications(q)
    return q.share(grouped.select(*q.keys, numerator=grouped.received.cast("float64"),
                                  denominator=grouped.awarded.cast("float64")))


@indicator(
    id="success_rate",
    theme="governance",
    title_fr="Taux de succès des demandes",
    title_en="Success rate of applications",
    definition_fr="Part des demandes reçues qui obtiennent une aide, sur les dispositifs et "
                  "années où les deux nombres sont publiés.",
    definition_en="Share of the applications received that obtain an award, on the schemes and "
                  "years where both numbers are published.",
    formula="Σ aides accordées ÷ Σ demandes reçues",
    unit="share",
    subject="applications",
    needs=("applications_received", "applications_awarded"),
    caveats_fr=_APPLICATIONS_FR,
    caveats_en=_APPLICATIONS_EN,
)
def success_rate(q: Query) -> ir.Table:
    grouped = _applications(q)
    return q.share(grouped.select(*q.keys, numerator=grouped.awarded.cast("float64"),
                                  denominator=grouped.received.cast("float64")))
