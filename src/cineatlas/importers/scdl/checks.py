"""Checking an SCDL file's cells as the standard says (type, required, pattern, enum,
maxLength, minimum/maximum, the custom checks), vectorised, each check once per distinct
value where values repeat."""

from __future__ import annotations

import polars as pl

from cineatlas.importers.scdl.schema import UNUSABLE_WITHOUT, ScdlField
from cineatlas.parsing import Parsed, values
from cineatlas.parsing.identifiers import siret_parts
from cineatlas.parsing.values import NULL_TEXT, Stages, blank
from cineatlas.problems import ERROR, WARNING, Severity
from cineatlas.text import name_key

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
    return ERROR if spec.name in UNUSABLE_WITHOUT else WARNING


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


#: A cell holding a year alone (SCDL 1.x files often give the year for the date).
YEAR_ONLY = r"^\s*(19|20)\d{2}\s*$"


def check_date(spec: ScdlField, raw: pl.Expr) -> tuple[Parsed, dict[str, pl.Expr]]:
    """A date field: (Parsed date, {'<field>_year': the year of a cell holding a year alone}).
    Such a cell is no date: the value is NULL with a `year-only-date` warning, and its year
    gives the award's fiscal year."""
    parsed = check_field(spec, raw)
    year_only = raw.str.contains(YEAR_ONLY).fill_null(False)
    code = pl.when(year_only).then(pl.lit("year-only-date")).otherwise(parsed.code)
    year = pl.when(year_only).then(raw.str.strip_chars().cast(pl.Int64, strict=False))
    return (
        Parsed(parsed.value, code, {**parsed.severities, "year-only-date": WARNING},
               parsed.stages, parsed.detail),
        {f"{spec.name}_year": year},
    )


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
