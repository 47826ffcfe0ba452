"""Vectorised value parsers. Each returns a `Parsed`: the typed value and a problem code.

A parser takes a Polars expression of raw text cells and never raises on bad input: a bad
cell gives a null value and a problem code, to be turned into a problem by `RowParser`.
Codes and their severity are chosen by the caller (an importer knows what is fatal).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from cineatlas.contacts import scrub
from cineatlas.problems import ERROR, WARNING, Severity, problem_type

NULL_TEXT = pl.lit(None, dtype=pl.Utf8)


@dataclass
class Parsed:
    """A parsed column: `value` (typed), `code` (Utf8 problem code or null), the severity of
    each code it can produce, and the intermediate `stages` its expressions refer to."""

    value: pl.Expr
    code: pl.Expr
    severities: dict[str, Severity] = field(default_factory=dict)
    stages: list[list[pl.Expr]] = field(default_factory=list)
    #: Utf8 text added to a problem's message where not null (e.g. the currencies compared).
    detail: pl.Expr | None = None


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
        code = pl.when(value.str.len_chars() > max_length).then(pl.lit("max-length")).otherwise(
            code)
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
    code = (pl.when((key != "") & key.is_not_null() & value.is_null()).then(pl.lit("enum"))
            .otherwise(NULL_TEXT))
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
_CURRENCY = r"(?i)(€|eur(os?)?|\$|ca?d|can\$|ca?\$|us\$|usd|£|gbp|chf)"
#: A currency written in an amount (lower-cased), longest spelling first, and its ISO 4217
#: code; a bare '$' is any dollar.
_WRITTEN = r"(€|euros?|eur|can\$|ca\$|c\$|us\$|\$|cad|usd|cd|£|gbp|chf)"
WRITTEN_CURRENCIES = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "cad": "CAD", "cd": "CAD",
    "can$": "CAD", "ca$": "CAD", "c$": "CAD", "us$": "USD", "usd": "USD", "$": "$",
    "£": "GBP", "gbp": "GBP", "chf": "CHF",
}
problem_type("currency-mismatch", "Amount in another currency",
             "Amounts are stored exactly in the source's currency, never converted: correct the "
             "amount, or import the rows in that currency as a source of their own.")
#: Currencies a bare '$' may stand for.
DOLLARS = ("CAD", "USD", "AUD", "NZD", "HKD", "SGD")


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


def written_currency(raw: pl.Expr) -> pl.Expr:
    """The ISO 4217 code of the currency written in an amount ('1 000 €' -> 'EUR'; a bare '$'
    gives '$'), or null when none is written."""
    return (raw.str.to_lowercase().str.extract(_WRITTEN, 1)
            .replace_strict(WRITTEN_CURRENCIES, default=None, return_dtype=pl.Utf8))


def money(raw: pl.Expr, *, decimal: str = "auto", minor_digits: int = 2, required: bool = False,
          zero_is_unknown: bool = False, max_major: int = 10**11, invalid: Severity = ERROR,
          missing: Severity = ERROR, negative_severity: Severity = WARNING,
          decimal_comma: Severity = WARNING, currency: str | pl.Expr | None = None,
          other_currency: Severity = ERROR) -> Parsed:
    """An amount as exact integer minor units (Int64): '1 234,56 €' -> 123456.

    decimal: '.' (commas are thousands, or a tolerated decimal comma), ',' (dots are thousands)
    or 'auto'. Fractions of a minor unit are rounded half up, with a warning.
    currency: the ISO 4217 code of the source's amounts (a constant or a column). An amount
    that writes another currency ('1 000 €' where amounts are CAD) is `currency-mismatch`, an
    error by default: converting it would not be exact, and storing it as written would be
    false. Its value is then null; the problem names both currencies.
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
    magnitude = (pl.when(too_large).then(pl.lit("0")).otherwise(int_part)
                 .cast(pl.Int64, strict=False)
                 * (10**minor_digits) + kept + round_up.cast(pl.Int64))
    minor, over, sub_unit = st.then(
        pl.when(negative).then(-magnitude).otherwise(magnitude),
        too_large | (magnitude > max_major * 10**minor_digits),
        rest.str.contains(r"[1-9]"),
    )
    absent = blank(raw)
    zero = norm.is_not_null() & (minor == 0)
    mismatch, detail = pl.lit(False), None
    if currency is not None:
        expected = pl.lit(currency, dtype=pl.Utf8) if isinstance(currency, str) else currency
        written = st.then(written_currency(raw))
        mismatch = (written.is_not_null() & expected.is_not_null() & (written != expected)
                    & ~((written == "$") & expected.is_in(DOLLARS)))
        detail = pl.when(mismatch).then(pl.format(
            "written in {}, where this source's amounts are in {}",
            pl.when(written == "$").then(pl.lit("dollars")).otherwise(written), expected))
    value = (pl.when(absent | norm.is_null() | over | mismatch).then(pl.lit(None, dtype=pl.Int64))
             .when(zero & zero_is_unknown).then(pl.lit(None, dtype=pl.Int64))
             .otherwise(minor))
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(norm.is_null()).then(pl.lit("invalid-amount"))
            .when(mismatch).then(pl.lit("currency-mismatch"))
            .when(over).then(pl.lit("amount-too-large"))
            .when(zero & zero_is_unknown).then(pl.lit("zero-as-unknown"))
            .when(minor < 0).then(pl.lit("negative-amount"))
            .when(sub_unit).then(pl.lit("sub-unit-amount"))
            .otherwise(flag))
    return Parsed(value, code, {
        "required": missing, "invalid-amount": invalid, "amount-too-large": invalid,
        "zero-as-unknown": WARNING, "negative-amount": negative_severity,
        "sub-unit-amount": WARNING,
        "decimal-comma": decimal_comma, "ambiguous-separator": WARNING,
        "currency-mismatch": other_currency,
    }, st.stages, detail)


def number(raw: pl.Expr, *, decimal: str = ".", required: bool = False,
           minimum: float | None = None, maximum: float | None = None,
           invalid: Severity = WARNING, missing: Severity = ERROR,
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
    s = (pl.when(s.str.contains(r"^-?\d{1,3}(,\d{3})+$")).then(s.str.replace_all(",", ""))
         .otherwise(s))
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


#: The plausible range of dates, one rule for every importer: a date's year must fall between
#: EARLIEST_YEAR (1895, the first public film screening: no support for cinema is older) and
#: the import year plus a horizon that depends on what the date is:
#: - 'event' (a decision, a signature, a payment, a creation or an update: something that
#:   happened): +1, for a file prepared late in a year that already holds decisions of the
#:   next one (budgets voted in December, fiscal years that straddle two calendar years);
#: - 'end' (the end of a convention or of a payment period): +5, that one year plus the
#:   longest multi-year agreements (French multi-year conventions run up to 4 years).
#: An importer may raise the earliest year for a source that cannot be older (Telefilm).
EARLIEST_YEAR = 1895
HORIZONS = {"event": 1, "end": 5}


def date_range(kind: str = "event", *, earliest: int | None = None,
               latest: int | None = None) -> tuple[int, int]:
    """(earliest, latest) plausible year for a date of this kind, imported today."""
    if kind not in HORIZONS:
        raise ValueError(f"unknown kind of date {kind!r}: one of {', '.join(HORIZONS)}")
    return (EARLIEST_YEAR if earliest is None else earliest,
            dt.date.today().year + HORIZONS[kind] if latest is None else latest)


def date(raw: pl.Expr, *, required: bool = False, iso_only_is_standard: bool = False,
         kind: str = "event", earliest: int | None = None, latest: int | None = None,
         formats: tuple[str, ...] | None = None, invalid: Severity = WARNING,
         missing: Severity = ERROR, implausible: Severity = WARNING) -> Parsed:
    """A calendar date from ISO 8601 (time part ignored) or day-first spellings, or from
    the strptime `formats` given (tried first, then ISO 8601; the cell as written).

    With iso_only_is_standard, a day-first date loads with a `non-iso-date` warning.
    Impossible dates (31/02/2021) are `invalid-date`; dates whose year is outside the
    plausible range for their kind (see `date_range`) are `implausible-date` (value null:
    unknown), the problem saying the range.
    """
    lowest, highest = date_range(kind, earliest=earliest, latest=latest)
    st = Stages()
    if formats is None:
        s = st.then(raw.str.strip_chars().str.replace(
            r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", ""))
    else:
        s = st.then(raw.str.strip_chars())
    iso = st.then(pl.coalesce([s.str.to_date(f, strict=False, exact=True) for f in ISO_FORMATS]))
    if formats is None:
        others = [s.str.to_date(f, strict=False, exact=True) for f in OTHER_FORMATS]
        parsed = st.then(pl.coalesce([iso, *others]))
    else:
        parsed = st.then(pl.coalesce([*(s.str.to_date(f, strict=False) for f in formats), iso]))
    absent = blank(raw)
    in_range = parsed.dt.year().is_between(lowest, highest)
    value = pl.when(in_range).then(parsed).otherwise(pl.lit(None, dtype=pl.Date))
    code = (pl.when(absent).then(pl.lit("required") if required else NULL_TEXT)
            .when(parsed.is_null()).then(pl.lit("invalid-date"))
            .when(~in_range).then(pl.lit("implausible-date"))
            .when(iso.is_null() & pl.lit(iso_only_is_standard)).then(pl.lit("non-iso-date"))
            .otherwise(NULL_TEXT))
    detail = pl.when(parsed.is_not_null() & ~in_range).then(pl.lit(
        f"the year of {'an end' if kind == 'end' else 'a'} date must be between {lowest} and "
        f"{highest}"))
    return Parsed(value, code, {"required": missing, "invalid-date": invalid,
                                "implausible-date": implausible, "non-iso-date": WARNING},
                  st.stages, detail)
