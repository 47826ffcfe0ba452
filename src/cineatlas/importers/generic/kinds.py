"""The kinds of field, in one table: for each kind, what its cells may hold, the typed columns
it writes, how a column of it is read, how a constant of it is checked, and how its distinct
values are looked up (labels, currencies, territories). Adding a kind is one entry in `KINDS`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.importers.french_places import insee_code
from cineatlas.importers.generic import cells, places
from cineatlas.importers.generic.labels import DEFAULT_LABELS, currency_code
from cineatlas.importers.generic.schema import FIELDS, MappedField
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.parsing.identifiers import siret_parts
from cineatlas.parsing.values import NULL_TEXT, Stages, blank
from cineatlas.problems import ERROR, WARNING, problem_type
from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.importers.generic.mapping import MappingFile
    from cineatlas.territories.geocode import Geocoder

problem_type(
    "unmapped-value", "Value not in the mapping",
    "The label is not in the mapping file's values for this field nor among the usual "
    "labels: add it (published label = canonical value) to the mapping file. The field "
    "was loaded as unknown.",
)
problem_type(
    "amount-not-given", "Amount not given",
    "The amount cell is empty: the award is loaded with an unknown amount (NULL).",
)
problem_type(
    "invalid-currency", "Currency not recognised",
    "Write the currency as an ISO 4217 code (EUR, CAD…) or a symbol (€); an amount "
    "without a currency cannot be loaded.",
)


@dataclass(frozen=True)
class Reader:
    """One field being read from its batch column (a file column, or 'constants.<field>'),
    with the reading options of the mapping; problems name that column."""

    parser: RowParser
    spec: MappedField
    column: str
    decimal: str = "auto"
    dates: str = "day-first"
    #: 'units' (1234.50) or 'minor' (123450: whole minor units)
    amounts: str = "units"

    @property
    def raw(self) -> pl.Expr:
        return pl.col(self.column)

    @property
    def looked_up(self) -> pl.Expr:
        """The value the kind's lookup found for the cell."""
        return pl.col(f"__{self.spec.name}")

    def add(self, parsed: Parsed, name: str | None = None) -> None:
        self.parser.add(name or self.spec.name, self.column, parsed)


@dataclass(frozen=True)
class Batch:
    """What a lookup may use: the batch, where each field is read from, the mapping, and the
    geocoder (built on first use)."""

    frame: pl.DataFrame
    source: Mapping[str, str]
    mapping: MappingFile
    geocoder: Callable[[], Geocoder]

    def cells(self, spec: MappedField) -> pl.Series:
        return self.frame.get_column(self.source[spec.name])


#: (problem, value as text to parse like a cell) for a constant of the mapping file.
Check = Callable[[MappedField, Any], tuple[str | None, Any]]


@dataclass(frozen=True)
class Kind:
    """How the fields of one kind are read, written and checked."""

    name: str
    #: What a cell (or a constant) of this kind may hold; the docs' table of kinds says the same.
    accepts: str
    #: The value's type.
    dtype: pl.DataType
    #: How a column of this kind is read into the parser.
    read: Callable[[Reader], None]
    #: How a constant of this kind is checked when the mapping is loaded.
    constant: Check
    #: The typed column of the value ('{}': the field's name) and other columns written.
    column: str = "{}"
    more: dict[str, pl.DataType] = field(default_factory=dict)
    #: Looks up each distinct cell once (into the batch column '__<field>'), before reading.
    lookup: Callable[[Batch, MappedField], pl.Series] | None = None
    #: For a kind whose labels the mapping may translate under `[values.<field>]`: how a
    #: translation (the right-hand side) is checked.
    label: Check | None = None

    @property
    def labelled(self) -> bool:
        return self.label is not None

    def outputs(self, spec: MappedField) -> dict[str, pl.DataType]:
        """The typed columns a field of this kind writes."""
        out = {self.column.format(spec.name): self.dtype}
        out.update({name.format(spec.name): dtype for name, dtype in self.more.items()})
        if spec.published:
            out[spec.published] = pl.Utf8()
        return out


# -- constants -------------------------------------------------------------------------------


def did_you_mean(key: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(check: Callable[[MappedField, str], str | None] | None = None,
          normalise: Callable[[str], str] = str) -> Check:
    """A constant written as a non-empty text, then checked by `check` (its problem or None)."""
    def constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
        if not isinstance(value, str) or not value.strip():
            return f"must be a non-empty text, not {value!r}.", None
        text = value.strip()
        problem = check(spec, text) if check else None
        return (problem, None) if problem else (None, normalise(text))
    return constant


def _amount_constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    return "an amount cannot be a constant: map it to a column under columns.", None


def _boolean_constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    if isinstance(value, bool):
        return None, "oui" if value else "non"
    return f"must be true or false, not {value!r}.", None


def _date_constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    if isinstance(value, dt.date):
        return None, value.isoformat()[:10]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None, value.strip()
    return f"must be a date written YYYY-MM-DD, not {value!r}.", None


def _year_constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    readable = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if readable else ""
    if re.fullmatch(r"(19|20)\d{2}(\s*[-/–]\s*((19|20)?\d{2}))?", text):
        return None, text
    return (
        f'must be a year such as 2023 or a fiscal period such as "2023-2024", not {value!r}.', None
    )


def _in_vocabulary(spec: MappedField, text: Any) -> str | None:
    if text in spec.vocabulary:
        return None
    return (
        f"{text!r} is not a {spec.name} value{did_you_mean(str(text), spec.vocabulary)}. Valid "
        f"values: {', '.join(spec.vocabulary)}."
    )


def _vocabulary_label(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    problem = _in_vocabulary(spec, value)
    return (problem, None) if problem else (None, value)


def _boolean_label(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    if isinstance(value, bool):
        return None, value
    return f"must be true or false, not {value!r}.", None


def _is_currency(spec: MappedField, text: str) -> str | None:
    if currency_code(text):
        return None
    return f"{text!r} is not a currency: write an ISO 4217 code such as EUR or CAD."


def _is_siret(spec: MappedField, text: str) -> str | None:
    if re.fullmatch(r"\d{9}|\d{14}", re.sub(r"\s", "", text)):
        return None
    return f"{text!r} is not a SIRET (14 digits) or SIREN (9 digits)."


def _is_country(spec: MappedField, text: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return None
    return f"{text!r} is not a two-letter ISO country code such as FR or CA."


def _is_territory(spec: MappedField, text: str) -> str | None:
    """The form only: the store's territories are checked when the list is imported."""
    return None if places.territory_candidates(text, None) else places.not_a_territory(text)


# -- lookups ---------------------------------------------------------------------------------


def _labels(defaults: Callable[[MappedField], Mapping[str, Any]]) -> Callable[
        [Batch, MappedField], pl.Series]:
    """Published label -> canonical value: the mapping's labels, then the canonical values
    themselves, then the usual labels (`defaults`), compared by `name_key`."""
    def lookup(batch: Batch, spec: MappedField) -> pl.Series:
        table = {name_key(k): v for k, v in defaults(spec).items()}
        table.update({name_key(v): v for v in spec.vocabulary})
        table.update(batch.mapping.labels.get(spec.name, {}))
        dtype = KINDS[spec.kind].dtype
        return map_unique(batch.cells(spec), lambda v: table.get(name_key(v)) if v else None,
                          dtype)
    return lookup


def _currencies(batch: Batch, spec: MappedField) -> pl.Series:
    return map_unique(batch.cells(spec), currency_code, pl.Utf8)


def _territories(batch: Batch, spec: MappedField) -> pl.Series:
    """The territory each cell names, at the level the row's `spec.level` field says."""
    level = f"__{spec.level}"
    levels = (batch.frame.get_column(level) if level in batch.frame.columns
              else pl.Series([None] * batch.frame.height, dtype=pl.Utf8))
    keys = pl.select(pl.concat_str([levels.fill_null(""), batch.cells(spec).fill_null("")],
                                   separator="|")).to_series()

    def resolve(key: str) -> str | None:
        given, text = key.split("|", 1)
        if not text.strip():
            return None
        return places.governed_territory(text, given or None, batch.geocoder())[0]

    return map_unique(keys, resolve, pl.Utf8)


# -- reading columns -------------------------------------------------------------------------


def _read_text(r: Reader) -> None:
    r.add(values.text(r.raw))


def _read_amount(r: Reader) -> None:
    currency = pl.col("__currency") if "__currency" in r.parser.frame.columns else None
    parsed = values.money(r.raw, decimal=r.decimal, currency=currency,
                          minor_digits=0 if r.amounts == "minor" else 2)
    code = pl.when(blank(r.raw)).then(pl.lit("amount-not-given")).otherwise(parsed.code)
    r.add(
        Parsed(parsed.value, code, {**parsed.severities, "amount-not-given": WARNING},
               parsed.stages, parsed.detail),
        f"{r.spec.name}_minor",
    )


def _read_date(r: Reader) -> None:
    r.add(cells.date_cells(r.raw, r.dates))


def _read_year(r: Reader) -> None:
    year, period = cells.fiscal_year(r.raw)
    r.add(year)
    r.parser.add_value("fiscal_period", period)


def _read_looked_up(code: str, severity: str) -> Callable[[Reader], None]:
    """The lookup's value; `code` when a cell given was not found."""
    def read(r: Reader) -> None:
        problem = pl.when(~blank(r.raw) & r.looked_up.is_null()).then(pl.lit(code))
        r.add(Parsed(r.looked_up, problem.otherwise(NULL_TEXT), {code: severity}))
        if r.spec.published:
            r.parser.add_value(r.spec.published, cells.tidy(r.raw))
    return read


def _read_siret(r: Reader) -> None:
    st = Stages()
    siret, siren, valid = siret_parts(r.raw, st)
    code = pl.when(~blank(r.raw) & ~valid).then(pl.lit("french-siret-value")).otherwise(NULL_TEXT)
    r.add(Parsed(siret, code, {"french-siret-value": WARNING}, st.stages))
    r.parser.add_value(f"{r.spec.name}_siren", siren)


def _read_rna(r: Reader) -> None:
    text = r.raw.str.strip_chars().str.to_uppercase()
    ok = text.str.contains(r"^W\d{9}$")
    r.add(Parsed(pl.when(ok).then(text).otherwise(NULL_TEXT),
                 pl.when(~blank(r.raw) & ~ok).then(pl.lit("pattern")).otherwise(NULL_TEXT),
                 {"pattern": WARNING}))


def _read_currency(r: Reader) -> None:
    code = pl.when(r.looked_up.is_null()).then(pl.lit("invalid-currency")).otherwise(NULL_TEXT)
    r.add(Parsed(r.looked_up, code, {"invalid-currency": ERROR}))


def _read_country(r: Reader) -> None:
    r.parser.add_value(r.spec.name, cells.tidy(r.raw))


# -- the table -------------------------------------------------------------------------------

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("text", "any text, as published (inner spaces collapsed)", pl.Utf8(), _read_text,
         _text()),
    Kind("amount", "a number (`150 000,00`, `1,234.50`, `8000 €`), in `currency`; never a "
         "constant", pl.Int64(), _read_amount, _amount_constant, column="{}_minor"),
    Kind("date", "a date written as `options.dates` says; a constant is written `YYYY-MM-DD`",
         pl.Date(), _read_date, _date_constant),
    Kind("year", "a year (`2023`) or a fiscal period (`2023-2024`, `2023/24`)", pl.Int64(),
         _read_year, _year_constant, more={"fiscal_period": pl.Utf8()}),
    Kind("vocabulary", "one of the field's values, or a label `[values.<field>]` or the usual "
         "labels translate; a constant is one of the values", pl.Utf8(),
         _read_looked_up("unmapped-value", WARNING), _text(_in_vocabulary),
         lookup=_labels(lambda spec: DEFAULT_LABELS.get(spec.name, {})), label=_vocabulary_label),
    Kind("boolean", "yes/no (`Oui`/`Non`, `X`, `1`/`0`…) or a label `[values.<field>]` "
         "translates; a constant is `true` or `false`", pl.Boolean(),
         _read_looked_up("unmapped-value", WARNING), _boolean_constant,
         lookup=_labels(lambda spec: DEFAULT_LABELS["boolean"]), label=_boolean_label),
    Kind("siret", "a SIRET (14 digits, spaces allowed) or a SIREN (9 digits)", pl.Utf8(),
         _read_siret, _text(_is_siret), more={"{}_siren": pl.Utf8()}),
    Kind("rna", "an RNA number: `W` and 9 digits", pl.Utf8(), _read_rna, _text()),
    Kind("postal_code", "a French postal code, 5 digits", pl.Utf8(),
         lambda r: r.add(cells.postal_code(r.raw)), _text()),
    Kind("insee", "a commune's INSEE code, 5 characters (`2A004`, `75108`)", pl.Utf8(),
         lambda r: r.add(insee_code(r.raw)), _text()),
    Kind("currency", "an ISO 4217 code (`EUR`, `CAD`) or a sign or name (`€`, `euros`, `$ CA`)",
         pl.Utf8(), _read_currency, _text(_is_currency, currency_code), lookup=_currencies),
    Kind("country", "an ISO country code (`FR`) or a country's name; a constant is a two-letter "
         "code", pl.Utf8(), _read_country, _text(_is_country)),
    Kind("territory", "a territory id (`FR-R52`, `FR-D44`, `FR-C44109`, `CA-QC`) or an "
         "INSEE/COG code (région `52`, département `44`, commune `44109`) of the store's "
         "territories", pl.Utf8(), _read_looked_up("unknown-territory", WARNING),
         _text(_is_territory), lookup=_territories),
)}

#: Fields whose labels a mapping file may translate under `values`.
VALUE_FIELDS = tuple(f.name for f in FIELDS if KINDS[f.kind].labelled)
