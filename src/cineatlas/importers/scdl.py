"""SCDL « subventions »: the French standard for publishing the subsidies a public body grants.

    cineatlas import scdl subventions.csv

The Socle commun des données locales (SCDL) « subventions » (OpenDataFrance; décret 2017-779,
arrêté du 17 novembre 2017) is a Frictionless Table Schema. This importer reads version 2.1.1
(16 fields) and the draft next version (40 fields: idSubvention, exerciceBudgetaire, dispositif,
montantDemande, cofinancement…). Each field is declared once below (`FIELDS`: name, type,
required, constraints, where it goes); a test checks the declarations against both schemas.

Cells are validated as the standard says (required, pattern, enum, maxLength, minimum/maximum,
ISO dates, numbers with a decimal point, oui/non) plus the standard's custom checks
(french-siret-value, one-of-required), and columns are matched by label, not position. Only what
makes a row unusable is an error (no funder, beneficiary, object or amount; an amount that is not
a number); every other deviation loads the row with a warning and the value as interpreted.
See docs/importers/scdl.md, which also explains how these problems compare with
`frictionless validate`.

`write_scdl` writes awards back as a valid SCDL 2.1.1 file (for open-data exports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.errors import AtlasError, FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.parsing.identifiers import siret_parts
from cineatlas.parsing.values import NULL_TEXT, Stages, blank
from cineatlas.problems import ERROR, WARNING, Problem, Severity, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.text import fold, name_key

if TYPE_CHECKING:
    from cineatlas.store import Store

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

#: Fields without which a row cannot be an award: their absence is an error (quarantine).
ESSENTIAL = ("nomAttribuant", "nomBeneficiaire", "objet", "montant")

_IDENTIFIERS = ("idAttribuant", "idBeneficiaire")

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


_ALL_NAMES = {f.name for f in FIELDS}
_KEYS = {label_key(name): name for name in _ALL_NAMES}


# -- reading the header -------------------------------------------------------------------------


@dataclass
class Layout:
    """How a file's header relates to the standard: its version and field -> column."""

    version: str
    columns: dict[str, str] = field(default_factory=dict)  # field name -> frame column
    problems: list[Problem] = field(default_factory=list)


def read_header(table: RawTable) -> Layout:
    """Match the file's columns to the standard's fields by label, choose the version the file
    follows (the one it differs least from) and list the header problems (row 1).

    - incorrect-label: a label that differs from the field name (case, accents, punctuation)
      or a column out of the standard's order (compared position by position over the
      standard's columns the file has);
    - missing-label: a field of the version that the file lacks;
    - extra-label: a column that is not a field of the version (read anyway when it is a
      field of the other version).
    """
    exact = {c: c for c in table.columns if c in _ALL_NAMES}
    by_key: dict[str, str] = {}
    for column in table.columns:
        name = _KEYS.get(label_key(column))
        if name is not None and name not in exact:
            by_key.setdefault(name, column)
    found = {**by_key, **{name: c for c, name in exact.items()}}

    def mismatch(version: str) -> int:
        names = set(ORDER[version])
        return len(names - set(found)) + sum(1 for name in found if name not in names)

    version = min(VERSIONS, key=lambda v: (mismatch(v), VERSIONS.index(v)))
    order = ORDER[version]
    declared = {f.name: f for f in fields(version)}
    problems: list[Problem] = []
    for name, column in found.items():
        if column != name:
            problems.append(
                Problem(
                    1, name, "incorrect-label", WARNING,
                    f"Column '{column}' was read as the field '{name}': write the "
                    f"label exactly as the standard does ('{name}').", column,
                )
            )
    present = [name for name in order if name in found]
    in_file = sorted(present, key=lambda name: table.columns.index(found[name]))
    for name, expected in zip(in_file, present, strict=True):
        if name != expected and found[name] == name:
            problems.append(
                Problem(
                    1, name, "incorrect-label", WARNING,
                    f"Column '{name}' is not where the standard puts it (field "
                    f"{order.index(name) + 1} of {len(order)}, where the file has "
                    f"'{found[expected]}'): put the columns in the standard's order, for tools "
                    "that read them by position.",
                    name,
                )
            )
    for index, name in enumerate(order):
        if name in found:
            continue
        required = " (required by the standard)" if declared[name].required else ""
        where = f"after '{order[index - 1]}'" if index else "as the first column"
        problems.append(
            Problem(
                1, name, "missing-label", WARNING,
                f"The file has no column '{name}'{required}: add it {where}.", None,
            )
        )
    field_of = {column: name for name, column in found.items()}
    other = VERSION_TITLES[DRAFT if version == V2_1_1 else V2_1_1]
    for column in table.columns:
        name = field_of.get(column)
        if name in declared:
            continue
        if name is not None:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}; it is a field "
                f"of {other} and was read."
            )
        else:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}: it is "
                "ignored. Remove it, or rename it if it holds one of the standard's fields."
            )
        problems.append(Problem(1, name or column, "extra-label", WARNING, message, column))
    return Layout(version, found, problems)


# -- validating cells ---------------------------------------------------------------------------

_NUMBER_SPELLING = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_INTEGER_SPELLING = r"^[+-]?\d+$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _strict(parsed: Parsed, raw: pl.Expr, spelling: str, code: str) -> Parsed:
    """Flag values the lenient parser understood but the standard's type does not accept."""
    odd = parsed.value.is_not_null() & parsed.code.is_null() & ~raw.str.contains(spelling)
    return Parsed(
        parsed.value, pl.when(odd).then(pl.lit(code)).otherwise(parsed.code),
        {**parsed.severities, code: WARNING}, parsed.stages, parsed.detail,
    )


def _missing_severity(spec: ScdlField) -> Severity:
    return ERROR if spec.name in ESSENTIAL else WARNING


def check_string(spec: ScdlField, raw: pl.Expr) -> Parsed:
    """Text with the standard's constraints checked on the cell as written."""
    base = values.text(raw)
    code = NULL_TEXT
    severities: dict[str, Severity] = {}
    if spec.max_length is not None:
        code = (
            pl.when(raw.str.len_chars() > spec.max_length)
            .then(pl.lit("max-length"))
            .otherwise(code)
        )
        severities["max-length"] = WARNING
    if spec.enum:
        code = pl.when(~raw.is_in(list(spec.enum))).then(pl.lit("enum")).otherwise(code)
        severities["enum"] = WARNING
    if spec.pattern is not None:
        code = pl.when(~raw.str.contains(spec.pattern)).then(pl.lit("pattern")).otherwise(code)
        severities["pattern"] = WARNING
    present = ~blank(raw)
    code = pl.when(present).then(code).otherwise(NULL_TEXT)
    if spec.required:
        code = pl.when(present).then(code).otherwise(pl.lit("required"))
        severities["required"] = _missing_severity(spec)
    return Parsed(base.value, code, severities, base.stages)


def check_field(spec: ScdlField, raw: pl.Expr) -> Parsed:
    """The generic check of a declared field, by type."""
    missing = _missing_severity(spec)
    if spec.type == "string":
        return check_string(spec, raw)
    if spec.type == "number":
        parsed = values.number(
            raw, decimal=".", required=spec.required, minimum=spec.minimum, maximum=spec.maximum,
            missing=missing,
        )
        return _strict(parsed, raw, _NUMBER_SPELLING, "non-standard-number")
    if spec.type == "integer":
        parsed = values.integer(
            raw, required=spec.required,
            minimum=spec.minimum,  # type: ignore[arg-type]
            maximum=spec.maximum, missing=missing,
        )  # type: ignore[arg-type]
        return _strict(parsed, raw, _INTEGER_SPELLING, "non-standard-number")
    if spec.type == "date":
        parsed = values.date(
            raw, required=spec.required, iso_only_is_standard=True, missing=missing,
            kind="end" if spec.name == "dateFin" else "event",
        )
        return _strict(parsed, raw, _ISO_DATE, "non-iso-date")
    if spec.type == "boolean":
        parsed = values.boolean(raw, required=spec.required, missing=missing)
        standard = [*spec.true_values, *spec.false_values]
        odd = parsed.value.is_not_null() & ~raw.is_in(standard)
        code = (
            pl.when(odd & parsed.code.is_null())
            .then(pl.lit("non-standard-boolean"))
            .otherwise(parsed.code)
        )
        return Parsed(
            parsed.value, code, {**parsed.severities, "non-standard-boolean": WARNING},
            parsed.stages,
        )
    raise ValueError(f"unknown SCDL field type {spec.type!r}")


def check_amount(spec: ScdlField, raw: pl.Expr) -> Parsed:
    """An amount in euros as exact cents; missing montant is an error even where the draft
    makes it optional (a row without an amount is not an award)."""
    parsed = values.money(raw, decimal=".", required=spec.required or spec.name == "montant",
                          currency="EUR")
    parsed = _strict(parsed, raw, _NUMBER_SPELLING, "non-standard-number")
    if spec.name == "montant" and not spec.required:
        code = (
            pl.when(parsed.code == "required").then(pl.lit("missing-amount")).otherwise(parsed.code)
        )
        parsed = Parsed(
            parsed.value, code, {**parsed.severities, "missing-amount": ERROR}, parsed.stages,
            parsed.detail,
        )
    return parsed


def check_share(spec: ScdlField, raw: pl.Expr) -> Parsed:
    """pourcentageSubvention, a fraction in [0.01, 1]. A value in ]1, 100] can only be a
    percentage written as a whole number (80 for 80 %): it is read as value / 100 with an
    out-of-range warning; other values out of range are left empty."""
    parsed = check_field(spec, raw)
    v = parsed.value
    value = (
        pl.when(v.is_between(spec.minimum, spec.maximum))
        .then(v)
        .when((v > 1) & (v <= 100))
        .then(v / 100)
        .otherwise(pl.lit(None, dtype=pl.Float64))
    )
    return Parsed(value, parsed.code, parsed.severities, parsed.stages)


def check_identifier(spec: ScdlField, raw: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """A SIRET field: (Parsed SIRET with the standard's pattern and the french-siret-value
    custom check, SIREN expression)."""
    st = Stages()
    base = check_string(spec, raw)
    st.stages.extend(base.stages)
    siret, siren, valid = siret_parts(raw, st)
    bad = ~blank(raw) & ~valid
    code = (
        pl.when(base.code.is_null() & bad).then(pl.lit("french-siret-value")).otherwise(base.code)
    )
    return Parsed(siret, code, {**base.severities, "french-siret-value": WARNING}, st.stages), siren


def check_rna(spec: ScdlField, raw: pl.Expr) -> Parsed:
    """An RNA number: kept only when it matches the standard's pattern."""
    base = check_string(spec, raw)
    value = (
        pl.when(base.value.str.contains(spec.pattern or "")).then(base.value).otherwise(NULL_TEXT)
    )
    return Parsed(value, base.code, base.severities, base.stages)


def nature_aid_type(text: str | None) -> str | None:
    """'aide en numéraire' -> grant, 'aide en nature' -> in_kind, both -> mixed, whatever the
    separator, case or accents; None when neither is recognised."""
    if not text:
        return None
    words = set(name_key(text).split())
    cash = bool(words & {"numeraire", "especes", "financiere"})
    kind = "nature" in words
    return "mixed" if cash and kind else "grant" if cash else "in_kind" if kind else None


def status_awarded(text: str | None) -> bool | None:
    """statutLabel: True (attribuée), False (refusée, ineligible, en cours) or None."""
    if not text:
        return None
    key = name_key(text)
    if key.startswith(("attribu", "accord", "vote")):
        return True
    if key.startswith(("refus", "ineligib", "en cours", "rejet", "instruct", "irrecevab")):
        return False
    return None


#: A column is checked once per distinct value (`by_value`) when at most this share of the
#: values of its first BY_VALUE_SAMPLE rows are distinct.
BY_VALUE_SHARE = 0.5
BY_VALUE_SAMPLE = 10_000


def by_value(
    frame: pl.DataFrame, column: str, parsed: Parsed, extras: dict[str, pl.Expr]
) -> tuple[pl.DataFrame, Parsed, dict[str, pl.Expr]]:
    """Evaluate a check once per distinct value of `column` and attach the results to every
    row (returns the frame and the check reading the attached columns)."""
    distinct = frame.select(pl.col(column).unique())
    for stage in parsed.stages:
        distinct = distinct.with_columns(stage)
    names = {
        "value": f"__by_value_{column}", "code": f"__by_code_{column}",
        **{extra: f"__by_{extra}" for extra in extras},
    }
    distinct = distinct.select(
        column, parsed.value.alias(names["value"]), parsed.code.alias(names["code"]),
        *(expr.alias(names[extra]) for extra, expr in extras.items()),
    )
    frame = frame.join(distinct, on=column, how="left", nulls_equal=True, maintain_order="left")
    return (
        frame,
        Parsed(pl.col(names["value"]), pl.col(names["code"]), parsed.severities),
        {extra: pl.col(names[extra]) for extra in extras},
    )


# -- the importer -------------------------------------------------------------------------------


class ScdlImporter(Importer):
    name = "scdl"
    title = "SCDL subventions"
    description = (
        "Subsidies granted by a French public body, published under the SCDL "
        "« subventions » standard (v2.1.1, or the draft next version)."
    )
    #: Each public body publishes its own file: the source's publisher is the file's funder(s),
    #: found while importing (see `source_metadata`); the licence is the publisher's choice.
    publisher = "each French public body, for its own subsidies (standard: OpenDataFrance)"
    licence = None
    #: No single file to download (the standard: https://schema.data.gouv.fr/scdl/subventions/).
    url = None
    required_columns = ESSENTIAL
    optional_columns = tuple(dict.fromkeys(f.name for f in FIELDS if f.name not in ESSENTIAL))
    tables = ("organisations", "schemes", "awards")

    def begin(self, ctx: ImportContext) -> None:
        self._funders: set[str] = set()
        self._name_keys: dict[str, str | None] = {}

    def source_metadata(self, path: Path) -> dict[str, Any]:
        """The publisher of an SCDL file is the body granting the subsidies (nomAttribuant)."""
        funders = sorted(getattr(self, "_funders", set()))
        more = f" and {len(funders) - 3} more" if len(funders) > 3 else ""
        publisher = "; ".join(funders[:3]) + more
        return {"title": self.source_title(path), "publisher": publisher or None, "licence": None,
                "url": None}

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        layout = read_header(table)
        missing = [name for name in ESSENTIAL if name not in layout.columns]
        if missing and len(table.columns) == 1:
            raise FileError(
                table.path,
                f"has a single column {table.labels[0][:120]!r}: its delimiter is not a comma, "
                "semicolon, tab or pipe",
                "Separate the columns with one of those, or give the delimiter with "
                "--option delimiter=';'.", code="unknown-delimiter",
            )
        if missing:
            raise FileError(
                table.path,
                f"lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))} that every SCDL subventions file has "
                f"(found: {', '.join(map(repr, table.labels[:40]))})",
                "Check that this is an SCDL « subventions » file; columns are matched by name "
                "(case, accents and punctuation ignored), in any order.", code="missing-column",
            )
        self.layout = layout
        return dict(layout.columns), layout.problems

    # -- parse ---------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        layout: Layout = self.layout
        specs = self._specs(layout)
        frame = raw.select(ROW, *(pl.col(layout.columns[f.name]).alias(f.name) for f in specs))
        frame = frame.with_columns(self._lookups(frame))
        # The checks' expressions, built once per file (building them is not free).
        built = self.__dict__.setdefault("_built_checks", {})
        checks = []
        for spec in specs:
            if spec not in built:
                built[spec] = self._check(spec)
            parsed, extras = built[spec]
            sample = frame[spec.name].head(BY_VALUE_SAMPLE)
            if sample.n_unique() <= BY_VALUE_SHARE * sample.len():
                # Values repeat (names, dates, identifiers, vocabularies): check each distinct
                # value once. A column of mostly distinct values (amounts, references) is
                # checked row by row: the join would cost more than it saves.
                frame, parsed, extras = by_value(frame, spec.name, parsed, extras)
            checks.append((spec.name, parsed, extras))
        p = RowParser(frame)
        for name, parsed, extras in checks:
            p.add(name, name, parsed)
            for extra, expr in extras.items():
                p.add_value(extra, expr)
        self._add_custom_checks(p, frame)
        typed, problems = p.finish()
        typed = typed.with_columns(frame["__aid_type"], frame["__awarded"])
        return typed, explain(problems, typed)

    @staticmethod
    def _specs(layout: Layout) -> list[ScdlField]:
        """The declared fields the file has: those of its version, then those of the other
        version (e.g. montantDemande in a 2.1.1 file), each once."""
        names: dict[str, ScdlField] = {}
        for version in (layout.version, *(v for v in VERSIONS if v != layout.version)):
            for spec in fields(version):
                if spec.name in layout.columns:
                    names.setdefault(spec.name, spec)
        return list(names.values())

    @staticmethod
    def _lookups(frame: pl.DataFrame) -> list[pl.Series]:
        def series(name: str) -> pl.Series:
            return (
                frame[name]
                if name in frame.columns
                else pl.Series(name, [None] * frame.height, pl.Utf8)
            )

        return [
            map_unique(series("nature"), nature_aid_type, pl.Utf8).alias("__aid_type"),
            map_unique(series("statutLabel"), status_awarded, pl.Boolean).alias("__awarded"),
        ]

    @staticmethod
    def _check(spec: ScdlField) -> tuple[Parsed, dict[str, pl.Expr]]:
        """The check of one field: its Parsed value and problems, and extra typed columns."""
        raw = pl.col(spec.name)
        if spec.name in _IDENTIFIERS:
            parsed, siren = check_identifier(spec, raw)
            return parsed, {f"{spec.name}_siren": siren}
        if spec.name == "rnaBeneficiaire":
            return check_rna(spec, raw), {}
        if spec.name in ("montant", "montantDemande"):
            return check_amount(spec, raw), {}
        if spec.name == "pourcentageSubvention":
            return check_share(spec, raw), {}
        return check_field(spec, raw), {}

    def _add_custom_checks(self, p: RowParser, frame: pl.DataFrame) -> None:
        """one-of-required (idBeneficiaire or rnaBeneficiaire) and not-awarded (statutLabel)."""
        id_raw, rna_raw = p.raw("idBeneficiaire"), p.raw("rnaBeneficiaire")
        if "idBeneficiaire" in frame.columns or "rnaBeneficiaire" in frame.columns:
            neither = blank(id_raw) & blank(rna_raw)
            p.add(
                "__one_of", "idBeneficiaire",
                Parsed(
                    pl.lit(None),
                    pl.when(neither).then(pl.lit("one-of-required")).otherwise(NULL_TEXT),
                    {"one-of-required": WARNING},
                ),
            )
        if "statutLabel" in frame.columns:
            refused = pl.col("__awarded").not_().fill_null(False)
            p.add(
                "__status", "statutLabel",
                Parsed(
                    pl.lit(None), pl.when(refused).then(pl.lit("not-awarded")).otherwise(NULL_TEXT),
                    {"not-awarded": ERROR},
                ),
            )

    # -- emit ----------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW).with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in _OUTPUTS.items()
            if name not in rows.columns
        )
        self._funders.update(rows["nomAttribuant"].drop_nulls().unique().head(10).to_list())
        keys = self.__dict__.setdefault("_name_keys", {})  # name -> name_key, across batches
        funder_key = map_unique(rows["nomAttribuant"], name_key, pl.Utf8, keys)
        beneficiary_key = map_unique(rows["nomBeneficiaire"], name_key, pl.Utf8, keys)
        scheme = rows.select(_scheme_name()).to_series()
        scheme_name_key = map_unique(scheme, name_key, pl.Utf8, keys)
        scheme_key = pl.select(
            pl.when(scheme.is_not_null()).then(
                pl.concat_str([funder_key, pl.lit("|"), scheme_name_key])
            )
        ).to_series()
        rows = rows.with_columns(
            funder_key.alias("funder_key"), beneficiary_key.alias("beneficiary_key"),
            ctx.entity_id("org", funder_key).alias("funder_id"),
            ctx.entity_id("org", beneficiary_key).alias("beneficiary_id"), scheme.alias("scheme"),
            scheme_name_key.alias("scheme_name_key"),
            ctx.entity_id("scheme", scheme_key).alias("scheme_id"),
            (
                pl.col("idBeneficiaire").is_not_null()
                | pl.col("idBeneficiaire_siren").is_not_null()
                | pl.col("rnaBeneficiaire").is_not_null()
            ).alias("identified"),
        )
        return {
            "organisations": _organisations(rows), "schemes": _schemes(rows),
            "awards": _awards(rows, ctx),
        }


#: Typed columns `emit` reads, with their types (a file may lack the fields behind them).
_OUTPUTS: dict[str, pl.DataType] = {
    "nomAttribuant": pl.Utf8(), "idAttribuant": pl.Utf8(), "idAttribuant_siren": pl.Utf8(),
    "nomBeneficiaire": pl.Utf8(), "idBeneficiaire": pl.Utf8(), "idBeneficiaire_siren": pl.Utf8(),
    "rnaBeneficiaire": pl.Utf8(), "dateConvention": pl.Date(), "dateDecision": pl.Date(),
    "exerciceBudgetaire": pl.Int64(), "objet": pl.Utf8(), "nature": pl.Utf8(),
    "montant": pl.Int64(), "montantDemande": pl.Int64(), "dispositif": pl.Utf8(),
    "sousDispositif": pl.Utf8(), "dispositifAide": pl.Utf8(), "__aid_type": pl.Utf8(),
}


def _scheme_name() -> pl.Expr:
    """dispositif (with sousDispositif after ' — ') in the draft, dispositifAide in 2.1.1."""
    dispositif, sub = pl.col("dispositif"), pl.col("sousDispositif")
    combined = (
        pl.when(dispositif.is_not_null() & sub.is_not_null())
        .then(pl.concat_str([dispositif, pl.lit(" — "), sub]))
        .otherwise(dispositif)
    )
    return pl.coalesce(combined, sub, pl.col("dispositifAide"))


def _organisations(rows: pl.DataFrame) -> pl.DataFrame:
    """Funders (public bodies) and beneficiaries, one row per organisation id: the first name
    seen, and the first SIRET, SIREN and RNA number given for it."""
    funders = rows.select(
        pl.col("funder_id").alias("organisation_id"), pl.col("nomAttribuant").alias("name"),
        pl.col("funder_key").alias("name_key"), pl.lit("public_body").alias("kind"),
        pl.lit(True).alias("is_funder"), pl.col("idAttribuant").alias("siret"),
        pl.col("idAttribuant_siren").alias("siren"), NULL_TEXT.alias("rna"),
        pl.lit(True).alias("identified"),
    )
    beneficiaries = rows.select(
        pl.col("beneficiary_id").alias("organisation_id"), pl.col("nomBeneficiaire").alias("name"),
        pl.col("beneficiary_key").alias("name_key"),
        pl.when(pl.col("rnaBeneficiaire").is_not_null())
        .then(pl.lit("association"))
        .otherwise(NULL_TEXT)
        .alias("kind"), pl.lit(False).alias("is_funder"), pl.col("idBeneficiaire").alias("siret"),
        pl.col("idBeneficiaire_siren").alias("siren"), pl.col("rnaBeneficiaire").alias("rna"),
        "identified",
    )
    return (
        pl.concat([funders, beneficiaries], how="vertical_relaxed")
        .filter(pl.col("organisation_id").is_not_null())
        .group_by("organisation_id", maintain_order=True)
        .agg(
            pl.col("name").first(), pl.col("name_key").first(), pl.col("kind").drop_nulls().first(),
            pl.col("is_funder").any(), pl.col("siret").drop_nulls().first(),
            pl.col("siren").drop_nulls().first(), pl.col("rna").drop_nulls().first(),
            pl.col("identified").any(),
        )
        # A public body publishing under the SCDL, or an organisation with a SIRET, SIREN or
        # RNA number, is registered in France.
        .with_columns(
            pl.when(pl.col("identified"))
            .then(pl.lit("FR"))
            .otherwise(NULL_TEXT)
            .alias("country_code")
        )
        .drop("identified")
    )


def _schemes(rows: pl.DataFrame) -> pl.DataFrame:
    return (
        rows.filter(pl.col("scheme_id").is_not_null())
        .select(
            "scheme_id", "funder_id", pl.col("scheme").alias("name"),
            pl.col("scheme_name_key").alias("name_key"),
        )
        .unique("scheme_id", keep="first", maintain_order=True)
    )


def _awards(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    convention, decision = pl.col("dateConvention"), pl.col("dateDecision")
    return rows.select(
        (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
        pl.col(ROW).alias("row_number"), "funder_id", "scheme_id", "beneficiary_id",
        pl.col("objet").alias("project_title"),
        pl.coalesce(decision, convention).alias("decision_date"),
        pl.coalesce(pl.col("exerciceBudgetaire"), convention.dt.year(), decision.dt.year())
        .cast(pl.Int32)
        .alias("fiscal_year"), pl.col("exerciceBudgetaire").cast(pl.Utf8).alias("fiscal_period"),
        pl.col("montant").alias("amount_minor"), pl.lit("EUR").alias("currency"),
        pl.col("montantDemande").alias("requested_amount_minor"),
        pl.col("__aid_type").alias("aid_type"), pl.col("nature").alias("aid_type_raw"),
        pl.when(pl.col("identified"))
        .then(pl.lit("FR"))
        .otherwise(NULL_TEXT)
        .alias("beneficiary_country_code"),
    )


# -- messages: what a tolerated value was read as ------------------------------------------------


def explain(problems: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """Append to each warning how the value was interpreted ('Read as 2016-12-05.') or that it
    was not stored."""
    if problems.is_empty():
        return problems
    typed = typed.filter(pl.col(ROW).is_in(problems["row"].unique().implode()))
    shown = []
    for name in typed.columns:
        if name.startswith("__") or name == ROW or name.endswith("_siren"):
            continue
        dtype = typed.schema[name]
        if dtype == pl.Utf8 and name not in _STORED:
            continue  # validated only: nothing to say about how it was read
        value = pl.col(name)
        if name in ("montant", "montantDemande"):
            text = _cents_text(value)
        elif name == "nature":
            text = pl.col("__aid_type").replace_strict(
                {
                    "grant": "aide en numéraire (grant)", "in_kind": "aide en nature (in kind)",
                    "mixed": "aide en numéraire;aide en nature (mixed)",
                },
                default=None, return_dtype=pl.Utf8,
            )
        elif name in ("idAttribuant", "idBeneficiaire"):
            siren = pl.col(f"{name}_siren")
            text = (
                pl.when(value.is_not_null())
                .then(value)
                .when(siren.is_not_null())
                .then(pl.format("SIREN {} (the SIRET was not stored)", siren))
            )
        elif name == "pourcentageSubvention":
            text = pl.format("{} (a percentage written as a whole number, divided by 100)", value)
        elif dtype == pl.Boolean:
            text = pl.when(value).then(pl.lit("oui")).when(value.not_()).then(pl.lit("non"))
        else:
            text = value.cast(pl.Utf8)
        shown.append(
            typed.select(
                pl.col(ROW).alias("row"), pl.lit(name).alias("field"), text.alias("read_as")
            )
        )
    if not shown:
        return problems
    joined = problems.join(pl.concat(shown), on=["row", "field"], how="left")
    warning = (pl.col("severity") == WARNING) & (pl.col("code") != "max-length")
    unchanged = pl.col("field").is_in(list(_STORED_AS_TEXT)) & (
        pl.col("read_as") == pl.col("value")
    )
    explained = ~pl.col("field").is_in(["pourcentageSubvention"]) | (
        pl.col("code") == "out-of-range"
    )
    suffix = (
        pl.when(~warning | pl.col("code").is_in(list(CUSTOM_CHECK_CODES - {"french-siret-value"})))
        .then(pl.lit(""))
        .when(pl.col("read_as").is_not_null() & ~unchanged.fill_null(False) & explained)
        .then(pl.format(" Read as {}.", pl.col("read_as")))
        .when(
            pl.col("field").is_in(list(_STORED))
            & pl.col("read_as").is_null()
            & (pl.col("value") != "")
        )
        .then(pl.lit(" The value was not stored."))
        .otherwise(pl.lit(""))
    )
    return joined.with_columns((pl.col("message") + suffix).alias("message")).select(
        problems.columns
    )


#: Fields whose value cineatlas stores (a warning on an unusable value says it was not stored).
_STORED = (
    "idAttribuant", "idBeneficiaire", "rnaBeneficiaire", "dateConvention", "dateDecision",
    "exerciceBudgetaire", "montant", "montantDemande", "nature", "objet",
)
_STORED_AS_TEXT = ("objet", "idAttribuant", "idBeneficiaire", "rnaBeneficiaire")


def _cents_text(minor: pl.Expr) -> pl.Expr:
    """Minor units as a decimal text with a point: 1000010 -> '10000.10'."""
    magnitude = minor.abs()
    return pl.when(minor.is_not_null()).then(
        pl.concat_str(
            [
                pl.when(minor < 0).then(pl.lit("-")).otherwise(pl.lit("")),
                (magnitude // 100).cast(pl.Utf8), pl.lit("."),
                (magnitude % 100).cast(pl.Utf8).str.zfill(2),
            ]
        )
    )


# -- writing SCDL ---------------------------------------------------------------------------------

#: The awards the writer exports, with their funder, beneficiary and scheme.
AWARDS_FOR_SCDL = """
SELECT a.award_id, a.row_number, a.source_id, a.currency, a.amount_minor, a.decision_date,
       a.project_title, a.aid_type, f.name AS funder_name, f.siret AS funder_siret,
       b.name AS beneficiary_name, b.siret AS beneficiary_siret, b.rna AS beneficiary_rna,
       s.name AS scheme_name, w.title AS work_title
FROM awards a
LEFT JOIN organisations f ON f.organisation_id = a.funder_id
LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id
LEFT JOIN schemes s ON s.scheme_id = a.scheme_id
LEFT JOIN works w ON w.work_id = a.work_id
"""

_NATURE_OF_AID_TYPE = {"in_kind": "aide en nature", "mixed": "aide en numéraire;aide en nature"}


@dataclass
class ScdlExport:
    """What `write_scdl` wrote: the path, the rows written and the rows left out, by reason."""

    path: Path
    rows_written: int
    skipped: dict[str, int]


def scdl_rows(
    store: Store, where: str | None = None, params: Sequence[Any] | None = None
) -> pl.DataFrame:
    """The awards of a store as `write_scdl` expects them (optionally filtered by a SQL
    condition on `a` = awards, `f` = funder, `b` = beneficiary, `s` = scheme)."""
    sql = (
        AWARDS_FOR_SCDL
        + (f" WHERE {where}" if where else "")
        + " ORDER BY a.source_id, a.row_number, a.award_id"
    )
    return store.frame(sql, list(params or []))


def write_scdl(
    data: pl.DataFrame | Store, path: str | Path, *, where: str | None = None,
    params: Sequence[Any] | None = None,
) -> ScdlExport:
    """Write awards as a valid SCDL subventions 2.1.1 CSV (UTF-8, comma, the 16 fields in order).

    `data` is a Store (its awards, filtered by `where`/`params`, see `scdl_rows`) or a frame
    with the columns of `AWARDS_FOR_SCDL`. A row that cannot be made valid is left out and
    counted by reason: not in euros, no funder name or SIRET, no decision date, no beneficiary,
    no object or title, no amount. Fields cineatlas does not know are written as documented in
    docs/importers/scdl.md (nature 'aide en numéraire' unless in kind, conditionsVersement
    'autre', datesPeriodeVersement = the decision date, notificationUE 'non',
    pourcentageSubvention 1.00).
    """
    frame = data if isinstance(data, pl.DataFrame) else scdl_rows(data, where, params)
    expected = (
        "currency", "amount_minor", "decision_date", "project_title", "aid_type", "funder_name",
        "funder_siret", "beneficiary_name", "beneficiary_siret", "beneficiary_rna",
    )
    absent = [c for c in expected if c not in frame.columns]
    if absent:
        raise AtlasError(
            f"write_scdl needs the columns {', '.join(absent)} (see AWARDS_FOR_SCDL); "
            f"the frame has {', '.join(frame.columns)}."
        )
    title = (
        (
            pl.coalesce(pl.col("project_title"), pl.col("work_title"))
            if "work_title" in frame.columns
            else pl.col("project_title")
        )
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    frame = frame.with_columns(
        title.alias("_objet"), pl.col("funder_name").str.strip_chars().alias("_funder"),
        pl.col("beneficiary_name").str.strip_chars().alias("_beneficiary"),
    )
    reasons = {
        "not in euros": pl.col("currency") != "EUR", "no funder name": blank(pl.col("_funder")),
        "no funder SIRET": ~pl.col("funder_siret").fill_null("").str.contains(SIRET_PATTERN),
        "no decision date": pl.col("decision_date").is_null(),
        "no beneficiary name": blank(pl.col("_beneficiary")),
        "no object or title": blank(pl.col("_objet")),
        "no amount": pl.col("amount_minor").is_null(),
    }
    reason = pl.lit(None, dtype=pl.Utf8)
    for label, condition in reversed(reasons.items()):
        reason = pl.when(condition.fill_null(True)).then(pl.lit(label)).otherwise(reason)
    frame = frame.with_columns(reason.alias("_skip"))
    skipped = dict(frame.filter(pl.col("_skip").is_not_null()).group_by("_skip").len().iter_rows())
    good = frame.filter(pl.col("_skip").is_null())
    date = pl.col("decision_date").cast(pl.Date).dt.strftime("%Y-%m-%d")
    out = good.select(
        pl.col("_funder").alias("nomAttribuant"), pl.col("funder_siret").alias("idAttribuant"),
        date.alias("dateConvention"), pl.lit("").alias("referenceDecision"),
        pl.col("_beneficiary").alias("nomBeneficiaire"),
        pl.col("beneficiary_siret").fill_null("").alias("idBeneficiaire"),
        pl.when(pl.col("beneficiary_rna").fill_null("").str.contains(RNA_PATTERN))
        .then(pl.col("beneficiary_rna"))
        .otherwise(pl.lit(""))
        .alias("rnaBeneficiaire"),
        pl.when(pl.col("_objet").str.len_chars() > 256)
        .then(pl.col("_objet").str.slice(0, 255) + pl.lit("…"))
        .otherwise(pl.col("_objet"))
        .alias("objet"), _cents_text(pl.col("amount_minor")).alias("montant"),
        pl.col("aid_type")
        .replace_strict(_NATURE_OF_AID_TYPE, default="aide en numéraire", return_dtype=pl.Utf8)
        .alias("nature"), pl.lit("autre").alias("conditionsVersement"),
        date.alias("datesPeriodeVersement"), pl.lit("").alias("idRAE"),
        pl.lit("non").alias("notificationUE"), pl.lit("1.00").alias("pourcentageSubvention"),
        pl.lit("").alias("dispositifAide"),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path, line_terminator="\n", quote_style="necessary")
    return ScdlExport(path, out.height, skipped)
