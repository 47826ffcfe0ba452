"""Commissions and applications: who sits on the commissions (women, professions, elected
officials) and how many applications each award draws.

The territory is the funder's (the territory the body that holds the commission, or receives
the applications, governs, else where it is based): the CNC counts for the country, a Region for
its region.

Every territory with seats (or application figures) gets a row, even when none of them has the
needed field known: its value is then unknown (NULL) and its coverage says so ("274 seats,
0 known"), rather than no row at all.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query, count_where
from cineatlas.indicators.registry import indicator

_TERRITORY_FR = ("Le territoire est celui du financeur qui réunit la commission : celui qu'il "
                 "administre quand il est connu (le CNC compte pour le pays, une Région pour sa "
                 "région), sinon celui de son siège ; un financeur sans l'un ni l'autre n'est pas "
                 "compté.")
_TERRITORY_EN = ("The territory is that of the funder holding the commission: the territory it "
                 "governs when known (the CNC counts for the country, a Region for its region), "
                 "else where it is based; a funder with neither is not counted.")
_UNKNOWN_FR = ("Un territoire dont aucun siège n'a l'information a une ligne de valeur inconnue "
               "(vide) : n donne les sièges, covered ceux où elle est connue (« 274 sièges, "
               "0 connu »), jamais un zéro.")
_UNKNOWN_EN = ("A territory none of whose seats has the information gets a row of unknown (empty) "
               "value: n gives the seats, covered those where it is known (\"274 seats, 0 "
               "known\"), never a zero.")
_SEATS_FR = ("On compte des sièges : une personne qui siège dans plusieurs commissions (ou "
             "plusieurs années) compte une fois par commission.")
_SEATS_EN = ("Seats are counted: a person sitting on several commissions (or several years) "
             "counts once per commission.")
_COMMISSION_EXTRAS = {
    "commissions": ("nombre de commissions (commission et année) comptées",
                    "number of commissions (commission and year) counted"),
}


def known(q: Query) -> ir.BooleanValue:
    """True on the rows of `q.base` whose needed fields are all known."""
    rows = q.base
    out = ibis.literal(True)
    for name in q.indicator.needs:
        out = out & rows[name].notnull()
    return out


def _member_share(q: Query, condition: ir.BooleanValue) -> ir.Table:
    """Share of the covered members (seats) for whom `condition` (on `q.base`) holds; a unit
    with seats but none covered gets a row of unknown value."""
    rows = q.base
    covered = known(q)
    grouped = rows.group_by(q.keys).aggregate(
        numerator=count_where(covered & condition).cast("float64"),
        denominator=count_where(covered).cast("float64"),
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
    caveats_fr=(_TERRITORY_FR, _SEATS_FR, _UNKNOWN_FR,
                "Tous les rôles comptent (présidence, membres, lecteurs, observateurs).",
                "Seules les commissions chargées dans la base comptent : peu de financeurs en "
                "publient la composition."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN, _UNKNOWN_EN,
                "Every role counts (chair, members, readers, observers).",
                "Only the commissions loaded in the store count: few funders publish their "
                "membership."),
)
def commission_women_share(q: Query) -> ir.Table:
    return _member_share(q, q.base.gender == "female")


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
                "Une profession absente d'une commission n'a pas de ligne (sa part est nulle) ; "
                "un territoire dont aucun siège n'a de profession connue a une seule ligne, sans "
                "catégorie et de valeur inconnue, avec sa couverture.",
                "Chaque membre a une seule profession, celle publiée avec la commission."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN,
                "A profession absent from a commission has no row (its share is zero); a "
                "territory none of whose seats has a known profession gets one row, without "
                "category and of unknown value, with its coverage.",
                "Each member has one profession, the one published with the commission."),
)
def commission_professions(q: Query) -> ir.Table:
    rows = q.covered
    counts = rows.group_by([*q.keys, "profession"]).aggregate(numerator=rows.count())
    base = q.base
    totals = base.group_by(q.keys).aggregate(denominator=count_where(known(q)))
    # a unit whose seats have no known profession keeps one row (category NULL, value unknown)
    joined = totals.left_join(counts, q.keys)
    out = joined.select(*q.keys, category=joined.profession,
                        numerator=joined.numerator.fill_null(0).cast("float64"),
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
    caveats_fr=(_TERRITORY_FR, _SEATS_FR, _UNKNOWN_FR,
                "Un élu compte comme tel même s'il siège comme observateur, sans voix "
                "délibérative."),
    caveats_en=(_TERRITORY_EN, _SEATS_EN, _UNKNOWN_EN,
                "An elected official counts as such even when sitting as an observer, without "
                "a vote."),
)
def commission_elected_share(q: Query) -> ir.Table:
    return _member_share(q, q.base.is_elected_official.fill_null(False))


# -- application pressure -----------------------------------------------------------------

_APPLICATIONS_FR = (
    "Seuls comptent les dispositifs et années dont le nombre de demandes et le nombre d'aides "
    "sont tous deux publiés ; la couverture dit combien de dispositifs-années manquent.",
    "Le territoire est celui du financeur du dispositif (le CNC compte pour le pays).",
    "Un territoire dont aucun dispositif-année n'a les deux nombres a une ligne de valeur "
    "inconnue (vide), avec sa couverture, jamais un zéro.",
    "Une demande peut être déposée plusieurs fois (plusieurs sessions, plusieurs dispositifs) : "
    "on compte des dossiers, pas des projets.",
)
_APPLICATIONS_EN = (
    "Only schemes and years where both the number of applications and the number of awards are "
    "published count; coverage says how many scheme-years are missing.",
    "The territory is that of the scheme's funder (the CNC counts for the country).",
    "A territory none of whose scheme-years has both numbers gets a row of unknown (empty) "
    "value, with its coverage, never a zero.",
    "A project can apply several times (several sessions, several schemes): applications are "
    "counted, not projects.",
)


def _applications(q: Query) -> ir.Table:
    """Σ received and Σ awarded over the covered scheme-years of each unit; a unit none of whose
    scheme-years is covered keeps a row, with both sums unknown (NULL)."""
    rows = q.base
    covered = known(q)
    return rows.group_by(q.keys).aggregate(
        received=rows.applications_received.sum(where=covered),
        awarded=rows.applications_awarded.sum(where=covered))


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
