"""The SCDL « subventions » standard, declared field by field: version 2.1.1 (16 fields) and
the draft next version (40 fields), each field's type, constraints and where it goes, and the
problem types of the standard's custom checks. A test checks the declarations against both
published schemas (tests/test_importer_scdl.py)."""

from __future__ import annotations

from dataclasses import dataclass

from cineatlas.problems import problem_type
from cineatlas.text import fold

V2_1_1 = "2.1.1"
DRAFT = "draft"
VERSIONS = (V2_1_1, DRAFT)
VERSION_TITLES = {
    V2_1_1: "SCDL subventions 2.1.1", DRAFT: "the draft next version of SCDL subventions",
}

problem_type(
    "french-siret-value", "Not a valid SIRET",
    "A SIRET is 14 digits whose Luhn checksum is right (La Poste's establishments "
    "excepted); check it on annuaire-entreprises.data.gouv.fr.",
)
problem_type(
    "one-of-required",
    "No identifier for the beneficiary",
    "The standard asks for idBeneficiaire (SIRET) or, for an association without one, "
    "rnaBeneficiaire (RNA number W + 9 digits).",
)
problem_type(
    "non-standard-number", "Number not written as the standard says",
    "Write digits with a decimal point and nothing else (no spaces, thousands separators "
    "or currency), e.g. 47800.20.",
)
problem_type(
    "missing-amount", "No amount",
    "The row has no montant: it cannot be loaded as an award. Fill in the amount.",
)
problem_type(
    "year-only-date", "A year, not a date",
    "The cell holds a year only: the award's fiscal year is that year, its date is left "
    "unknown. Write the date as AAAA-MM-JJ.",
)
problem_type(
    "not-awarded", "Not an award",
    "statutLabel says the subsidy was not granted (refused, ineligible or still being "
    "examined): the row is not an award and was set aside.",
)

# -- the standard, declared field by field ------------------------------------------------------

SIRET_PATTERN = r"^\d{14}$"
RNA_PATTERN = r"^W\d{9}$"
PERIOD_PATTERN = r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$"
NATURES = (
    "aide en numéraire", "aide en nature", "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)
YES_NO = ("oui", "non")
STATUSES = ("en cours d'intruction", "attribuée", "ineligible", "refusée")  # sic: 'intruction'


@dataclass(frozen=True)
class ScdlField:
    """One field of the standard, as its Table Schema declares it, and where it goes."""

    name: str
    type: str  # string | number | integer | date | boolean
    target: str  # where the value is stored ('' = validated only)
    required: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    versions: tuple[str, ...] = VERSIONS


_D = (DRAFT,)
_V = (V2_1_1,)

#: Every field of both versions. A field whose declaration differs between the versions is
#: declared once per version (montant, conditionsVersement, notificationUE).
FIELDS: tuple[ScdlField, ...] = (
    ScdlField("idSubvention", "string", "", versions=_D),
    ScdlField("nomAttribuant", "string", "organisations.name (funder)", required=True),
    ScdlField(
        "idAttribuant", "string", "organisations.siret, siren (funder)", required=True,
        pattern=SIRET_PATTERN,
    ),
    ScdlField("nomServiceInstructeur", "string", "", versions=_D),
    ScdlField("idServiceInstructeur", "string", "", required=True, versions=_D),
    ScdlField("nomBeneficiaire", "string", "organisations.name (beneficiary)", required=True),
    ScdlField("idBeneficiaire", "string", "organisations.siret, siren (beneficiary)"),
    ScdlField("rnaBeneficiaire", "string", "organisations.rna (beneficiary)", pattern=RNA_PATTERN),
    ScdlField("exerciceBudgetaire", "integer", "awards.fiscal_year, fiscal_period", versions=_D),
    ScdlField("pluriannualite", "string", "", enum=YES_NO, versions=_D),
    ScdlField("anneesPluriannualite", "string", "", versions=_D),
    ScdlField("dateDecision", "date", "awards.decision_date", versions=_D),
    ScdlField(
        "dateConvention", "date", "awards.decision_date (without dateDecision), fiscal_year",
        required=True,
    ),
    ScdlField("referenceDecision", "string", ""),
    ScdlField("dateCreation", "date", "", versions=_D),
    ScdlField("dateDebut", "date", "", versions=_D), ScdlField("dateFin", "date", "", versions=_D),
    ScdlField("dispositif", "string", "schemes.name", versions=_D),
    ScdlField("sousDispositif", "string", "schemes.name (after dispositif)", versions=_D),
    ScdlField(
        "statutLabel", "string", "rows not 'attribuée' are set aside", enum=STATUSES, versions=_D
    ),
    ScdlField("objet", "string", "awards.project_title", required=True, max_length=256),
    ScdlField("nature", "string", "awards.aid_type, aid_type_raw", required=True, enum=NATURES),
    ScdlField("montantDemande", "number", "awards.requested_amount_minor", versions=_D),
    ScdlField("montant", "number", "awards.amount_minor", required=True, versions=_V),
    ScdlField("montant", "number", "awards.amount_minor", versions=_D),
    ScdlField("nomOutilInstruction", "string", "", versions=_D),
    ScdlField("nomOutilVersement", "string", "", versions=_D),
    ScdlField("ej", "string", "", versions=_D),
    ScdlField("cléVersement", "string", "", versions=_D),
    ScdlField("conditionsVersement", "string", "", required=True, max_length=256, versions=_V),
    ScdlField(
        "conditionsVersement", "string", "", required=True, enum=("unique", "échelonné", "autre"),
        versions=_D,
    ),
    ScdlField(
        "descriptionConditionsVersement", "string", "", required=True, max_length=256, versions=_D
    ),
    ScdlField("datesPeriodeVersement", "string", "", required=True, pattern=PERIOD_PATTERN),
    ScdlField("cofinancement", "string", "", enum=YES_NO, versions=_D),
    ScdlField("attribuantsCofinanceurs", "string", "", versions=_D),
    ScdlField("idCofinancement", "string", "", versions=_D),
    ScdlField("idRAE", "string", "", max_length=5),
    ScdlField(
        "notificationUE", "boolean", "", required=True, true_values=("oui",), false_values=("non",),
        versions=_V,
    ),
    ScdlField("notificationUE", "string", "", required=True, enum=YES_NO, versions=_D),
    ScdlField("pourcentageSubvention", "number", "", required=True, minimum=0.01, maximum=1),
    ScdlField("evaluationCout", "number", "", versions=_D),
    ScdlField("evaluation", "string", "", versions=_D),
    ScdlField("dateMiseAJour", "date", "", versions=_D),
    ScdlField("dispositifAide", "string", "schemes.name", versions=_V),
)

#: The order of the fields in each version (the header a conforming file has).
ORDER: dict[str, tuple[str, ...]] = {
    V2_1_1: (
        "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
        "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
        "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention",
        "dispositifAide",
    ),
    DRAFT: (
        "idSubvention", "nomAttribuant", "idAttribuant", "nomServiceInstructeur",
        "idServiceInstructeur", "nomBeneficiaire", "idBeneficiaire", "rnaBeneficiaire",
        "exerciceBudgetaire", "pluriannualite", "anneesPluriannualite", "dateDecision",
        "dateConvention", "referenceDecision", "dateCreation", "dateDebut", "dateFin", "dispositif",
        "sousDispositif", "statutLabel", "objet", "nature", "montantDemande", "montant",
        "nomOutilInstruction", "nomOutilVersement", "ej", "cléVersement", "conditionsVersement",
        "descriptionConditionsVersement", "datesPeriodeVersement", "cofinancement",
        "attribuantsCofinanceurs", "idCofinancement", "idRAE", "notificationUE",
        "pourcentageSubvention", "evaluationCout", "evaluation", "dateMiseAJour",
    ),
}

#: Columns every SCDL file has: a file without one of them is refused.
ESSENTIAL = ("nomAttribuant", "nomBeneficiaire", "objet", "montant")
#: Fields without which a row cannot be an award: an empty cell is an error (quarantine).
#: (An award without its object is still an award: who granted how much to whom.)
UNUSABLE_WITHOUT = ("nomAttribuant", "nomBeneficiaire", "montant")

IDENTIFIERS = ("idAttribuant", "idBeneficiaire")

#: Codes of the standard's custom checks (validata); `frictionless validate` does not run them.
CUSTOM_CHECK_CODES = frozenset({"french-siret-value", "one-of-required"})
#: Codes of cineatlas' own checks, beyond the standard: plausibility, and what an award needs.
CINEATLAS_CODES = frozenset(
    {
        "negative-amount", "sub-unit-amount", "amount-too-large", "implausible-date",
        "missing-amount", "not-awarded",
    }
)


def fields(version: str) -> list[ScdlField]:
    """The declared fields of a version, in the standard's order."""
    by_name = {f.name: f for f in FIELDS if version in f.versions}
    return [by_name[name] for name in ORDER[version]]


def label_key(label: str) -> str:
    """How labels are compared: case, accents, spaces and punctuation ignored
    ('NOM_Beneficiaire' and 'nomBénéficiaire' are 'nombeneficiaire')."""
    return "".join(c for c in fold(label) if c.isalnum())


ALL_NAMES = {f.name for f in FIELDS}
LABEL_KEYS = {label_key(name): name for name in ALL_NAMES}
