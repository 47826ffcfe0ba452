"""Checking one scheme of a catalogue file and reading it into a `SchemeRecord`: every key
known, every code in its vocabulary, amounts exact, dates real, and every value with its
source. Problems name the scheme (`schemes[N]`, its id and line), the key and the fix."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from cineatlas.importers.scheme_catalogue.fields import (
    BODY_KEYS,
    BY_KEY,
    CURRENCIES,
    DATE_KEYS,
    DEFAULT_SOURCE,
    DOCUMENT_KEYS,
    SOURCES,
    Key,
)
from cineatlas.importers.scheme_records import (
    SchemeDate,
    SchemeDocument,
    SchemeRecord,
    cog_problem,
)
from cineatlas.problems import ERROR, WARNING, Problem, Severity, problem_type
from cineatlas.schemes.geography import territory_of
from cineatlas.schemes.standard import COG_CODE
from cineatlas.schemes.standard.objects import Body
from cineatlas.store.vocabularies import (
    SCHEME_BODY_ROLES,
    SCHEME_DATE_KINDS,
    SCHEME_DOCUMENT_KINDS,
)
from cineatlas.text import name_key

problem_type("no-source", "A value without its source",
             "The catalogue's rule is « no value without a source »: add the field to the "
             "scheme's [schemes.sources] table (a URL or a citation), or a `default` source, or "
             "remove the value.")
problem_type("unknown-key", "Key not in the catalogue format",
             "The key is ignored: correct its spelling (docs/importers/scheme-catalogue.md lists "
             "the keys) or remove it.")
problem_type("unknown-code", "Code not in the vocabulary",
             "Use one of the codes the message lists (cineatlas.store.vocabularies).")
problem_type("wrong-type", "Value of the wrong type",
             "Write the value as the format says (text in quotes, a list in [ ], a date "
             "2026-03-31, an amount \"5000.00\").")
problem_type("source-without-value", "A source for a field not given",
             "The source is ignored: give the field's value, or remove the source.")
problem_type("unknown-parent", "Parent scheme not in the file",
             "`parent` is the id of another scheme of the same file; the scheme was loaded "
             "without its parent.")
problem_type("amount-order", "Amounts out of order",
             "Check the amounts: the minimum is above the maximum, or the typical amount is "
             "outside them.")

_URL = re.compile(r"^https?://\S+$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
_SIREN = re.compile(r"^\d{9}$")


class SchemeCheck:
    """Reads one scheme table (see `read`)."""

    def __init__(self, scheme: dict[str, Any], row: int, where: str,
                 territories: set[str]) -> None:
        self.scheme, self.row, self.where = scheme, row, where
        self.territories = territories
        self.problems: list[Problem] = []

    def problem(self, key: str | None, code: str, severity: Severity, message: str,
                value: Any = None) -> None:
        self.problems.append(Problem(self.row, key, code, severity, f"{self.where}: {message}",
                                     None if value is None else str(value)[:200]))

    # -- the scheme ----------------------------------------------------------------------

    def read(self) -> SchemeRecord | None:
        """The scheme as a record (None when it lacks its id or name); problems in
        `self.problems`."""
        scheme = self.scheme
        reference, name = self._required_text("id"), self._required_text("name")
        record = SchemeRecord(row=self.row, reference=reference or "", name=name or "")
        given: list[Key] = []
        for key, value in scheme.items():
            if key == SOURCES:
                continue
            spec = BY_KEY.get(key)
            if spec is None:
                self._unknown_key(key, value)
                continue
            if key in ("id", "name") or value is None or value == [] or value == "":
                continue
            if self._read(spec, value, record):
                given.append(spec)
        self._amounts(record)
        self._sources(record, given)
        return record if reference and name else None

    def _required_text(self, key: str) -> str | None:
        value = self.scheme.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        what = "identifier (unique in the file, e.g. \"ecriture-court\")" if key == "id" else \
            "name, as the funder publishes it"
        if value is not None and not isinstance(value, str):
            self.problem(key, "wrong-type", ERROR, f"{key} must be text in quotes, not "
                         f"{value!r}: give the scheme's {what}.", value)
            return None
        self.problem(key, "required", ERROR, f"{key} is required: give the scheme's {what}.",
                     value)
        return None

    def _unknown_key(self, key: str, value: Any) -> None:
        close = difflib.get_close_matches(key, [*BY_KEY, SOURCES], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        self.problem(key, "unknown-key", WARNING,
                     f"{key!r} is not a key of the catalogue format; it is ignored.{hint}", value)

    def _read(self, spec: Key, value: Any, record: SchemeRecord) -> bool:
        """Read one key into the record; False (with an error) when its value is wrong."""
        reader = getattr(self, f"_{spec.kind}")
        result = reader(spec, value)
        if result is _BAD:
            return False
        if spec.kind == "funder":
            record.funder = result
        elif spec.kind == "parent":
            record.parent_reference = result
        elif spec.kind in ("bodies", "dates", "documents"):
            setattr(record, spec.kind, result)
        else:
            record.values[spec.column] = result
        return True

    def _wrong(self, spec: Key, value: Any, expected: str) -> object:
        self.problem(spec.key, "wrong-type", ERROR,
                     f"{spec.key} must be {expected}, not {value!r}.", value)
        return _BAD

    def _codes(self, spec: Key, values: list[str]) -> bool:
        if spec.codes is None:
            return True
        unknown = [v for v in values if v not in spec.codes]
        for value in unknown:
            close = [code for code, labels in (spec.labels or {}).items()
                     if name_key(value) in {name_key(label) for label in labels}] \
                or difflib.get_close_matches(value, spec.codes, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.problem(spec.key, "unknown-code", ERROR,
                         f"{spec.key}: {value!r} is not a code of the vocabulary{hint}. Use one "
                         f"of: {', '.join(spec.codes)}.", value)
        return not unknown

    # -- the kinds of values ---------------------------------------------------------------

    def _text(self, spec: Key, value: Any) -> object:
        if not isinstance(value, str):
            return self._wrong(spec, value, "text in quotes")
        return value.strip()

    def _url(self, spec: Key, value: Any) -> object:
        if not isinstance(value, str) or not _URL.match(value.strip()):
            return self._wrong(spec, value, "a web address starting with https:// or http://")
        return value.strip()

    def _code(self, spec: Key, value: Any) -> object:
        if not isinstance(value, str):
            return self._wrong(spec, value, "a code in quotes")
        return value if self._codes(spec, [value]) else _BAD

    def _list(self, spec: Key, value: Any) -> object:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return self._wrong(spec, value, 'a list of texts, e.g. ["a", "b"]')
        items = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        return items if self._codes(spec, items) else _BAD

    def _cog(self, spec: Key, value: Any) -> object:
        items = self._list(spec, value)
        if items is _BAD:
            return _BAD
        bad = [c for c in items  # type: ignore[union-attr]
               if not COG_CODE.match(c) and territory_of(c) != c]
        for code in bad:
            self.problem(spec.key, "pattern", ERROR,
                         f"{spec.key}: {code!r} is not a COG code as the standard writes them "
                         "(REG-75, DEP-33, COM-33063, EPCI-243300316, PAYS-99100) nor a "
                         "territory id (FR-R75, CA-QC).", code)
        if bad:
            return _BAD
        for code in items:  # type: ignore[union-attr]
            why = cog_problem(code, self.territories) if self.territories else None
            if why:
                self.problem(spec.key, "unknown-territory", WARNING,
                             f"{spec.key}: {why}. The code is kept as written.", code)
        return items

    def _datetime(self, spec: Key, value: Any) -> object:
        read = _as_datetime(value)
        if read is None:
            return self._wrong(spec, value, "a date or a date and time: 2026-03-31 or "
                               "2026-03-31T12:00:00+02:00")
        return read

    def _integer(self, spec: Key, value: Any) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return self._wrong(spec, value, "a whole number, e.g. 10")
        return value

    def _amount(self, spec: Key, value: Any) -> object:
        if isinstance(value, float):
            return self._wrong(spec, value, f'an amount in quotes, exact: "{value:.2f}"')
        text = str(value).strip() if isinstance(value, int | str) else None
        if text is None or isinstance(value, bool) or not _AMOUNT.match(text):
            return self._wrong(spec, value, 'an amount with a decimal point, e.g. "5000.00"')
        currency = self.scheme.get("currency")
        if currency is not None and currency not in CURRENCIES:
            return _BAD  # the currency's own problem says it
        if currency is None:
            self.problem(spec.key, "required", ERROR,
                         f"{spec.key} is given without a currency: add currency = \"EUR\" (or "
                         f"{', '.join(c for c in CURRENCIES if c != 'EUR')}).", value)
            return _BAD
        digits = CURRENCIES[currency]
        try:
            minor = Decimal(text) * (10 ** digits)
        except InvalidOperation:
            return self._wrong(spec, value, 'an amount, e.g. "5000.00"')
        if minor != minor.to_integral_value():
            self.problem(spec.key, "sub-unit-amount", ERROR,
                         f"{spec.key} {text} has more decimals than {currency} has ({digits}); "
                         "write the exact amount.", value)
            return _BAD
        return int(minor)

    def _funder(self, spec: Key, value: Any) -> object:
        if isinstance(value, str) and value.strip():
            return Body(value.strip(), None, ("financeur",))
        if isinstance(value, dict):
            body = self._body(spec.key, {**value, "roles": ["financeur"]})
            return _BAD if body is None else body
        return self._wrong(spec, value, 'a name, or a table { name = "…", siren = "…" }')

    def _parent(self, spec: Key, value: Any) -> object:
        return self._text(spec, value)

    def _body(self, where: str, item: Any) -> Body | None:
        if not isinstance(item, dict):
            self.problem(where, "wrong-type", ERROR,
                         f"{where}: each body is a table {{ name = \"…\", siren = \"…\", roles "
                         f"= [\"financeur\"] }}, not {item!r}.", item)
            return None
        self._extra_keys(where, item, BODY_KEYS)
        name = item.get("name")
        roles = item.get("roles")
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(name, str) or not name.strip():
            self.problem(where, "required", ERROR, f"{where}: a body has no name.", item)
            return None
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
            self.problem(where, "required", ERROR,
                         f"{where}: the body {name!r} has no roles: give roles = [\"financeur\"] "
                         f"(roles: {', '.join(SCHEME_BODY_ROLES)}).", item)
            return None
        for role in roles:
            if role not in SCHEME_BODY_ROLES:
                self.problem(where, "unknown-role", WARNING,
                             f"{where}: the role {role!r} of {name} is not one of the standard's "
                             f"roles ({', '.join(SCHEME_BODY_ROLES)}); kept as written.", role)
        siren = item.get("siren")
        siren = re.sub(r"\s", "", str(siren)) if siren is not None else None
        if siren is not None and not _SIREN.match(siren):
            self.problem(where, "invalid-siren", WARNING,
                         f"{where}: the SIREN of {name} ({siren!r}) is not 9 digits; the body "
                         "was loaded without it.", siren)
            siren = None
        return Body(name.strip(), siren, tuple(dict.fromkeys(r.strip() for r in roles)))

    def _bodies(self, spec: Key, value: Any) -> object:
        if not isinstance(value, list):
            return self._wrong(spec, value, "a list of bodies [[schemes.bodies]]")
        bodies = [self._body(spec.key, item) for item in value]
        return _BAD if None in bodies else bodies

    def _dates(self, spec: Key, value: Any) -> object:
        if not isinstance(value, list):
            return self._wrong(spec, value, "a list of dates [[schemes.dates]]")
        dates = []
        for item in value:
            if not isinstance(item, dict):
                return self._wrong(spec, item, "a table { kind = \"deadline\", date = 2026-03-31 }")
            self._extra_keys("dates", item, DATE_KEYS)
            kind, day = item.get("kind"), _as_date(item.get("date"))
            if kind not in SCHEME_DATE_KINDS:
                self.problem("dates", "unknown-code", ERROR,
                             f"dates: kind {kind!r} is not a kind of date. Use one of: "
                             f"{', '.join(SCHEME_DATE_KINDS)}.", kind)
                return _BAD
            if day is None:
                return self._wrong(spec, item.get("date"), "a date, e.g. date = 2026-03-31")
            url = item.get("url")
            if url is not None and not (isinstance(url, str) and _URL.match(url)):
                return self._wrong(spec, url, "a web address starting with https://")
            dates.append(SchemeDate(kind, day, _opt_text(item.get("title")), url))
        return dates

    def _documents(self, spec: Key, value: Any) -> object:
        if not isinstance(value, list):
            return self._wrong(spec, value, "a list of documents [[schemes.documents]]")
        documents = []
        for item in value:
            if not isinstance(item, dict):
                return self._wrong(spec, item, "a table { kind = \"rules\", title = \"…\" }")
            self._extra_keys("documents", item, DOCUMENT_KEYS)
            kind, title = item.get("kind"), _opt_text(item.get("title"))
            if kind not in SCHEME_DOCUMENT_KINDS:
                self.problem("documents", "unknown-code", ERROR,
                             f"documents: kind {kind!r} is not a kind of document. Use one of: "
                             f"{', '.join(SCHEME_DOCUMENT_KINDS)}.", kind)
                return _BAD
            if title is None:
                self.problem("documents", "required", ERROR,
                             "documents: each document has a title.", item)
                return _BAD
            url, start = item.get("url"), item.get("published_from")
            if url is not None and not (isinstance(url, str) and _URL.match(url)):
                return self._wrong(spec, url, "a web address starting with https://")
            if start is not None and (isinstance(start, bool) or not isinstance(start, int)):
                return self._wrong(spec, start, "a year, e.g. published_from = 2019")
            documents.append(SchemeDocument(kind, title, url, start))
        return documents

    def _extra_keys(self, where: str, item: dict[str, Any], known: tuple[str, ...]) -> None:
        for key in item:
            if key not in known:
                self.problem(where, "unknown-key", WARNING,
                             f"{where}: {key!r} is not a key here ({', '.join(known)}); it is "
                             "ignored.", key)

    # -- across keys ---------------------------------------------------------------------

    def _amounts(self, record: SchemeRecord) -> None:
        low, high = (record.values.get("amount_min_minor"),
                     record.values.get("amount_max_minor"))
        typical = record.values.get("amount_typical_minor")
        if (low is not None and high is not None and low > high) or (
                typical is not None and ((low is not None and typical < low)
                                         or (high is not None and typical > high))):
            self.problem("amount_max", "amount-order", WARNING,
                         "the amounts are out of order (amount_min ≤ amount_typical ≤ "
                         "amount_max); they were loaded as written: check them.")
        if "currency" in record.values and not any(
                k in self.scheme for k in ("amount_min", "amount_max", "amount_typical")):
            del record.values["currency"]  # a currency alone says nothing
            self.problem("currency", "source-without-value", WARNING,
                         "currency is given without any amount; it is ignored.")

    def _sources(self, record: SchemeRecord, given: list[Key]) -> None:
        sources = self.scheme.get(SOURCES, {})
        if not isinstance(sources, dict):
            self.problem(SOURCES, "wrong-type", ERROR,
                         "sources must be a table [schemes.sources] of field = \"URL or "
                         "citation\".", sources)
            return
        texts: dict[str, str] = {}
        for key, value in sources.items():
            if not isinstance(value, str) or not value.strip():
                self.problem(SOURCES, "wrong-type", ERROR,
                             f"sources.{key} must be a URL or a citation in quotes.", value)
            elif key != DEFAULT_SOURCE and key not in BY_KEY:
                self._unknown_key(f"sources.{key}", value)
            else:
                texts[key] = value.strip()
        default = texts.get(DEFAULT_SOURCE)
        names = {spec.key for spec in given}
        for key in texts:
            if key != DEFAULT_SOURCE and key not in names and key not in ("id", "name"):
                self.problem(f"sources.{key}", "source-without-value", WARNING,
                             f"sources.{key} is given but the scheme has no {key}; it is "
                             "ignored.", texts[key])
        for spec in given:
            if spec.key == "currency" and "currency" not in record.values:
                continue
            source = texts.get(spec.key, default)
            if source is None and spec.sourced:
                self.problem(spec.key, "no-source", ERROR,
                             f"{spec.key} has no source: add {spec.key} = \"URL or citation\" "
                             "to [schemes.sources] (or a default source), or remove the value.")
            elif source is not None:
                record.sources[spec.column] = source
        for key in ("id", "name"):
            if key in texts:
                record.sources[BY_KEY[key].column] = texts[key]


class _Bad:
    """A value that could not be read (its problem is already recorded)."""


_BAD = _Bad()


def _opt_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        read = value
    elif isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            read = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if read.tzinfo is not None:
        read = read.astimezone(dt.UTC).replace(tzinfo=None)
    return read


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
