"""Vectorised value parsers. Each returns a `Parsed`: the typed value and a problem code.

A parser takes a Polars expression of raw text cells and never raises on bad input: a bad
cell gives a null value and a problem code, to be turned into a problem by `RowParser`.
Codes and their severity are chosen by the caller (an importer knows what is fatal).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from cineatlas.contacts import scrub
from cineatlas.problems import ERROR, WARNING, Severity

NULL_TEXT = pl.lit(None, dtype=pl.Utf8)


@dataclass
class Parsed:
    """A parsed column: `value` (typed), `code` (Utf8 problem code or null), the severity of
    each code it can produce, and the intermediate `stages` its expressions refer to."""

    value: pl.Expr
    code: pl.Expr
    severities: dict[str, Severity] = field(default_factory=dict)
    stages: list[list[pl.Expr]] = field(default_factory=list)


class Stages:
    """Intermediate columns computed once, in order, instead of re-evaluating a shared
    sub-expression at every use (Polars does not factor them out of when/then chains).

    `stages.then(expr)` schedules `expr` as a new temporary column and returns a reference to it.
    """

    _counter = itertools.count()

    def __init__(self) -> None:
        self.stages: list[list[pl.Expr]] = []

    def then(self, *exprs: pl.Expr) -> list[pl.Expr] | pl.Expr:
        names = [f"__tmp{next(self._counter)}" for _ in exprs]
        self.stages.append([e.alias(n) for e, n in zip(exprs, names, strict=True)])
        refs = [pl.col(n) for n in names]
        return refs[0] if len(refs) == 1 else refs


def blank(raw: pl.Expr) -> pl.Expr:
    """True where the cell is missing or only whitespace."""
    return raw.is_null() | (raw.str.strip_chars() == "")


def text(raw: pl.Expr, *, required: bool = False, max_length: int | None = None,
         missing: Severity = ERROR, too_long: Severity = WARNING) -> Parsed:
    """Trimmed text with inner whitespace collapsed; empty is null."""
    st = Stages()
    cleaned = raw.str.replace_all(r"\s+", " ").str.strip_chars()
    value = st.then(pl.when(cleaned == "").then(NULL_TEXT).otherwise(cleaned))
    code = NULL_TEXT
    severities: dict[str, Severity] = {}
    if max_length is not None:
        code = pl.when(value.str.len_chars() > max_length).then(pl.lit("max-length")).otherwise(code)
        severities["max-length"] = too_long
    if required:
        code = pl.when(value.is_null()).then(pl.lit("required")).otherwise(code)
        severities["required"] = missing
    return Parsed(value, code, severities, st.stages)


def pattern(raw: pl.Expr, regex: str, *, required: bool = False, invalid: Severity = WARNING,
            missing: Severity = ERROR, keep_invalid: bool = False) -> Parsed:
    """Text that must match `regex`; an invalid value is null unless keep_invalid."""
    base = text(raw, required=required, missing=missing)
    ok = base.value.str.contains(regex)
    value = base.value if keep_invalid else pl.when(ok).then(base.value).otherwise(NULL_TEXT)
    code = pl.when(base.value.is_not_null() & ~ok).then(pl.lit("pattern")).otherwise(base.code)
    return Parsed(value, code, {**base.severities, "pattern": invalid}, base.stages)


def enum(raw: pl.Expr, mapping: Mapping[str, str], *, required: bool = False,
         unknown: Severity = WARNING, missing: Severity = ERROR, fold_case: bool = True) -> Parsed:
    """Map published labels to canonical values; keys are compared trimmed (and lower-cased)."""
    st = Stages()
    key = raw.str.replace_all(r"\s+", " ").str.strip_chars()
    if fold_case:
        key = key.str.to_lowercase()
        mapping = {k.strip().lower(): v for k, v in mapping.items()}
    key = st.then(key)
    value = st.then(key.replace_strict(dict(mapping), default=None, return_dtype=pl.Utf8))
    code = pl.when((key != "") & key.is_not_null() & value.is_null()).then(pl.lit("enum")).otherwise(NULL_TEXT)
    severities: dict[str, Severity] = {"enum": unknown}
    if required:
        code = pl.when(blank(raw)).then(pl.lit("required")).otherwise(code)
        severities["required"] = missing
    return Parsed(value, code, severities, st.stages)


_BOOL_TRUE = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
_BOOL_FALSE = ("non", "n", "no", "false", "faux", "0")


def boolean(raw: pl.Expr, *, true_values: Iterable[str] = _BOOL_TRUE,
            false_values: Iterable[str] = _BOOL_FALSE, strict_true: Iterable[str] | None = None,
            strict_false: Iterable[str] | None = None, required: bool = False,
            invalid: Severity = WARNING, missing: Severity = ERROR) -> Parsed:
    """Yes/no cells. With strict_true/strict_false (the standard's spellings), other accepted
    spellings load with a `invalid-boolean` warning."""
    key = raw.str.strip_chars().str.to_lowercase()
    trues, falses = {v.lower() for v in true_values}, {v.lower() for v in false_values}
    value = (pl.when(key.is_in(list(trues))).then(pl.lit(True))
             .when(key.is_in(list(falses))).then(pl.lit(False))
             .otherwise(pl.lit(None, dtype=pl.Boolean)))
    present = key.is_not_null() & (key != "")
    code = pl.when(present & value.is_null()).then(pl.lit("invalid-boolean")).otherwise(NULL_TEXT)
    severities: dict[str, Severity] = {"invalid-boolean": invalid}
    if strict_true is not None and strict_false is not None:
        standard = [v.lower() for v in (*strict_true, *strict_false)]
        code = pl.when(present & value.is_not_null() & ~key.is_in(standard)).then(
            pl.lit("non-standard-boolean")).otherwise(code)
        severities["non-standard-boolean"] = WARNING
    if required:
        code = pl.when(~present).then(pl.lit("required")).otherwise(code)
        severities["required"] = missing
    return Parsed(value, code, severities)


_SPACES = r"[\s\u00a0\u202f\u2009']"
_CURRENCY = r"(?i)(€|eur(os?)?|\$|ca?d|can\$|us\$|usd|£|gbp|chf)"


def _normalise_number(raw: pl.Expr, decimal: str, st: Stages) -> tuple[pl.Expr, pl.Expr]:
    """Return (normalised '-123.45' text or null, flag 'decimal-comma' / 'ambiguous-separator')."""
    stripped = raw.str.strip_chars()
    s = st.then(
        pl.when(stripped.str.contains(r"^\(.*\)$")).then(pl.lit("-")).otherwise(pl.lit(""))
        + stripped.str.replace_all(r"[()]", "").str.replace_all(_CURRENCY, "")
        .str.replace_all(_SPACES, "").str.replace(r"^\+", "")
    )
    if decimal == ".":
        thousands = s.str.contains(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
        one_comma = s.str.contains(r"^-?\d*,\d+$")
        out, flag = st.then(
            pl.when(thousands).then(s.str.replace_all(",", ""))
            .when(one_comma).then(s.str.replace(",", ".")).otherwise(s),
            pl.when(~thousands & one_comma).then(pl.lit("decimal-comma")).otherwise(NULL_TEXT),
        )
    elif decimal == ",":
        thousands = s.str.contains(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
        out = st.then(pl.when(thousands).then(s.str.replace_all(r"\.", "").str.replace(",", "."))
                      .otherwise(s.str.replace(",", ".")))
        flag = NULL_TEXT
    else:  # auto: the last separator is the decimal one, unless it is a lone group of three
        both = s.str.contains(r"\d[.,]\d.*[.,]")
        last_is_comma = s.str.contains(r",\d*$") & ~s.str.contains(r"\.\d*$")
        ambiguous = s.str.contains(r"^-?\d{1,3}[.,]\d{3}$")
        out, flag = st.then(
            pl.when(both & last_is_comma).then(s.str.replace_all(r"\.", "").str.replace(",", "."))
            .when(both).then(s.str.replace_all(",", ""))
            .when(ambiguous).then(s.str.replace_all(r"[.,]", ""))
            .otherwise(s.str.replace(",", ".")),
            pl.when(ambiguous).then(pl.lit("ambiguous-separator")).otherwise(NULL_TEXT),
        )
    # a phone number ('06 12 34 56 78') is never read as a number, however its digits group
    number_shaped = out.str.contains(r"^-?(\d+(\.\d*)?|\.\d+)$") & (scrub(raw) == raw)
    norm = st.then(pl.when(number_shaped).then(out).otherwise(NULL_TEXT))
    return norm, flag


def money(raw: pl.Expr, *, decimal: str = "auto", minor_digits: int = 2, required: bool = False,
          zero_is_unknown: bool = False, max_major: int = 10**11, invalid: Severity = ERROR,
          missing: Severity = ERROR, negative_severity: Severity = WARNING,
          decimal_comma: Severity = WARNING) -> Parsed:
    """An amount as exact integer minor units (Int64): '1 234,56 €' -> 123456.

    decimal: '.' (commas are thousands, or a tolerated decimal comma), ',' (dots are thousands)
    or 'auto'. Fractions of a minor unit are rounded half up, with a warning.
    """
    st = Stages()
    norm, flag = _normalise_number(raw, decimal, st)
    negative = norm.str.starts_with("-")
    int_part, frac = st.then(
        norm.str.extract(r"^-?(\d*)", 1).str.replace(r"^$", "0"),
        norm.str.extract(r"\.(\d*)$", 1).fill_null(""),
    )
    too_large = int_part.str.len_chars() > len(str(max_major))
    padded = (frac + pl.lit("0" * minor_digits)).str.slice(0, minor_digits)
    kept = padded.cast(pl.Int64, strict=False) if minor_digits else pl.lit(0, dtype=pl.Int64)
    rest = frac.str.slice(minor_digits)
    round_up = rest.str.slice(0, 1).is_in(["5", "6", "7", "8", "9"])
    magnitude = (pl.when(too_large).then(pl.lit("0")).otherwise(int_part).cast(pl.Int64, strict=False)
                 * (10**minor_digits) + kept + round_up.cast(pl.Int64))
    minor, over, sub_unit = st.then(
        pl.when(negative).then(-magnitude).otherwise(magnitude),
        too_large | (magnitude > max_major * 10**minor_digits),
        rest.str.contains(r"[1-9]"),
    )
    absent = blank(raw)
    zero = norm.is_not_null() & (minor == 0)
    value = (pl.when(absent | norm.is_null() | over).then(pl.lit(None, dtype=pl.Int64))
             .when(zero & zero_is_unknown).then(pl.lit(None, dtype=pl.Int64))
             .otherwise(minor))
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(norm.is_null()).then(pl.lit("invalid-amount"))
            .when(over).then(pl.lit("amount-too-large"))
            .when(zero & zero_is_unknown).then(pl.lit("zero-as-unknown"))
            .when(minor < 0).then(pl.lit("negative-amount"))
            .when(sub_unit).then(pl.lit("sub-unit-amount"))
            .otherwise(flag))
    return Parsed(value, code, {
        "required": missing, "invalid-amount": invalid, "amount-too-large": invalid,
        "zero-as-unknown": WARNING, "negative-amount": negative_severity, "sub-unit-amount": WARNING,
        "decimal-comma": decimal_comma, "ambiguous-separator": WARNING,
    }, st.stages)


def number(raw: pl.Expr, *, decimal: str = ".", required: bool = False, minimum: float | None = None,
           maximum: float | None = None, invalid: Severity = WARNING, missing: Severity = ERROR,
           out_of_range: Severity = WARNING, decimal_comma: Severity = WARNING) -> Parsed:
    """A decimal number (Float64), e.g. a percentage or a rate."""
    st = Stages()
    norm, flag = _normalise_number(raw, decimal, st)
    value = st.then(norm.cast(pl.Float64, strict=False))
    absent = blank(raw)
    outside = pl.lit(False)
    if minimum is not None:
        outside = outside | (value < minimum)
    if maximum is not None:
        outside = outside | (value > maximum)
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(value.is_null()).then(pl.lit("invalid-number"))
            .when(outside).then(pl.lit("out-of-range"))
            .otherwise(flag))
    return Parsed(value, code, {"required": missing, "invalid-number": invalid,
                                "out-of-range": out_of_range, "decimal-comma": decimal_comma,
                                "ambiguous-separator": WARNING}, st.stages)


def integer(raw: pl.Expr, *, required: bool = False, minimum: int | None = None,
            maximum: int | None = None, invalid: Severity = WARNING, missing: Severity = ERROR,
            out_of_range: Severity = WARNING) -> Parsed:
    """A whole number (Int64). '4.0' and '1 234' are accepted; '4.5' is not."""
    st = Stages()
    s = st.then(raw.str.strip_chars().str.replace_all(_SPACES, "")
                .str.replace(r"^\+", "").str.replace(r"[.,]0+$", ""))
    s = pl.when(s.str.contains(r"^-?\d{1,3}(,\d{3})+$")).then(s.str.replace_all(",", "")).otherwise(s)
    value = st.then(pl.when(s.str.contains(r"^-?\d{1,18}$")).then(s).otherwise(NULL_TEXT)
                    .cast(pl.Int64, strict=False))
    absent = blank(raw)
    outside = pl.lit(False)
    if minimum is not None:
        outside = outside | (value < minimum)
    if maximum is not None:
        outside = outside | (value > maximum)
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(value.is_null()).then(pl.lit("invalid-integer"))
            .when(outside).then(pl.lit("out-of-range"))
            .otherwise(NULL_TEXT))
    return Parsed(value, code, {"required": missing, "invalid-integer": invalid,
                                "out-of-range": out_of_range}, st.stages)


#: Accepted date spellings, tried in order. ISO first.
ISO_FORMATS = ("%Y-%m-%d",)
OTHER_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")


def date(raw: pl.Expr, *, required: bool = False, iso_only_is_standard: bool = False,
         earliest: int = 1900, latest: int = 2100, invalid: Severity = WARNING,
         missing: Severity = ERROR, implausible: Severity = WARNING) -> Parsed:
    """A calendar date from ISO 8601 (time part ignored) or day-first spellings.

    With iso_only_is_standard, a day-first date loads with a `non-iso-date` warning.
    Impossible dates (31/02/2021) are `invalid-date`; years outside [earliest, latest] are
    `implausible-date` (value kept null).
    """
    st = Stages()
    s = st.then(raw.str.strip_chars().str.replace(
        r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", ""))
    iso = st.then(pl.coalesce([s.str.to_date(f, strict=False, exact=True) for f in ISO_FORMATS]))
    parsed = st.then(pl.coalesce([iso, *(s.str.to_date(f, strict=False, exact=True) for f in OTHER_FORMATS)]))
    absent = blank(raw)
    in_range = parsed.dt.year().is_between(earliest, latest)
    value = pl.when(in_range).then(parsed).otherwise(pl.lit(None, dtype=pl.Date))
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(parsed.is_null()).then(pl.lit("invalid-date"))
            .when(~in_range).then(pl.lit("implausible-date"))
            .when(iso.is_null() & pl.lit(iso_only_is_standard)).then(pl.lit("non-iso-date"))
            .otherwise(NULL_TEXT))
    return Parsed(value, code, {"required": missing, "invalid-date": invalid,
                                "implausible-date": implausible, "non-iso-date": WARNING}, st.stages)
