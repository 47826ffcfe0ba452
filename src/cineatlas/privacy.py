"""Personal contact data is never stored nor republished: e-mail addresses and phone numbers
are removed from every text on its way into the store — the cells of loaded rows, the original
cells of quarantined rows, and the values and messages of problems (so the quarantine's
reasons, the import report stored in `sources` and the report an import returns or prints
hold none either).

The patterns are written for both Polars (Rust `regex`) and Python's `re`: no look-around, no
back-reference. They catch e-mail addresses written with spaces or obfuscated
('jean @ orange.fr', 'jean[at]orange.fr', 'jean(at)orange(dot)fr', any case) and French
('01 23 45 67 89', '01.23.45.67.89', '+33 1 23 45 67 89', '+33 (0)1…', '0033…') and North
American ('(514) 555-1234', '514-555-1234', '+1 514 555 1234') phone numbers, and leave alone
amounts ('1 234 567,89', '2,820,000.00'), dates ('2012-06-01', '01/06/2012', '01.06.2012'),
SIRET (14 digits, also '123 456 789 00012'), SIREN, INSEE and postal codes: a French number
keeps one separator throughout, which a date does not; a North American number is grouped
3-3-4, which an amount is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from cineatlas.parsing import problem_rows
from cineatlas.problems import WARNING, empty_problems
from cineatlas.reading import ROW

_LOCAL = r"[a-z0-9._%+\-]+"
_LABEL = r"[a-z0-9\-]+"
_OPEN, _CLOSE = r"\s*[\[\(\{<]\s*", r"\s*[\]\)\}>]\s*"
#: '@' with or without spaces, or spelt out in brackets: [at], (at), {at}, <at>, (arobase).
_AT = rf"(?:\s*[@＠]\s*|{_OPEN}(?:at|@|arobase){_CLOSE})"
#: '.', ' . ', or spelt out in brackets: [dot], (dot), (point), [.].
_DOT = rf"(?:\.| \. |{_OPEN}(?:dot|point|\.){_CLOSE})"

#: An e-mail address; also a bare 'name@host' (an address cut short is still one).
EMAIL = (rf"(?i:{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[a-z]{{2,}}"
         rf"|{_LOCAL}[@＠]{_LABEL})")

#: Ten French digits in pairs after the first, with one separator throughout (none, space,
#: dot or hyphen): a date such as 01.06.2012 does not keep its separator, so it is not one.
_FR_PAIRS = r"(?:(?:\d{2}){4}|(?:\s\d{2}){4}|(?:\.\d{2}){4}|(?:-\d{2}){4})"
_FR_NATIONAL = rf"\b0[1-9]{_FR_PAIRS}\b"
_FR_INTERNATIONAL = rf"(?:\+|\b00)\s?33[\s.\-]?(?:\(0\)\s?|0)?[1-9]{_FR_PAIRS}\b"
#: Freephone and other 08 numbers written 0 800 123 456.
_FR_SPECIAL = r"\b0\s8\d{2}\s\d{3}\s\d{3}\b"
#: North American numbers: 3-3-4 digits with separators (an amount is grouped by three), or
#: any grouping after +1.
_NORTH_AMERICAN = (r"(?:\+1[\s.\-]?(?:\(\d{3}\)\s?|\d{3}[\s.\-]?)\d{3}[\s.\-]?\d{4}"
                   r"|(?:\b1[\s.\-])?(?:\(\d{3}\)\s?|\b\d{3}[\s.\-])\d{3}[\s.\-]\d{4})\b")
#: A French (0X XX XX XX XX, +33 X …) or North American ((514) 555-1234, 514-555-1234) number.
PHONE = "|".join((_FR_INTERNATIONAL, _FR_NATIONAL, _FR_SPECIAL, _NORTH_AMERICAN))

EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"

#: Columns that hold identifiers or codes, never free text: left untouched.
IDENTIFIER_COLUMNS = frozenset({
    "siren", "siret", "rna", "code", "reference", "currency", "sha256", "row_number",
})

def scrub(expr: pl.Expr) -> pl.Expr:
    """Remove e-mail addresses and phone numbers from a text expression."""
    return expr.str.replace_all(EMAIL, EMAIL_MARK).str.replace_all(PHONE, PHONE_MARK)


def scrub_texts(texts: list[str | None]) -> list[str | None]:
    """`scrub` for Python strings, all at once. Polars' regex engine runs in linear time (Python's
    `re` backtracks on these patterns: minutes on a 100,000-character cell)."""
    if not texts:
        return []
    return pl.select(scrub(pl.Series(texts, dtype=pl.String))).to_series().to_list()


def scrub_text(text: str | None) -> str | None:
    """`scrub` for one Python string."""
    return scrub_texts([text])[0] if text else text


def scrub_json(text: str) -> str:
    """`scrub` applied to every string inside a JSON document (never to the JSON text itself,
    whose escapes a pattern could break)."""
    found: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    def rebuild(value: Any, scrubbed: Iterator[str]) -> Any:
        if isinstance(value, str):
            return next(scrubbed)
        if isinstance(value, list):
            return [rebuild(item, scrubbed) for item in value]
        if isinstance(value, dict):
            return {key: rebuild(item, scrubbed) for key, item in value.items()}
        return value

    document = json.loads(text)
    collect(document)
    return json.dumps(rebuild(document, iter(scrub_texts(found))), ensure_ascii=False)


def scrub_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Scrub every text column of a frame except identifiers (ids, codes, hashes)."""
    targets = [
        name for name, dtype in frame.schema.items()
        if dtype == pl.Utf8 and not name.endswith("_id") and name not in IDENTIFIER_COLUMNS
    ]
    lists = [name for name, dtype in frame.schema.items() if dtype == pl.List(pl.Utf8)]
    if not targets and not lists:
        return frame
    return frame.with_columns(
        *(scrub(pl.col(name)) for name in targets),
        *(pl.col(name).list.eval(scrub(pl.element())) for name in lists),
    )


def scrub_problems(problems: pl.DataFrame) -> pl.DataFrame:
    """A problems frame with its messages and values scrubbed: problems quote the cells they
    are about, and they are stored (quarantine reasons, the import report)."""
    present = [c for c in ("message", "value") if c in problems.columns]
    if problems.is_empty() or not present:
        return problems
    return problems.with_columns(scrub(pl.col(c)) for c in present)


# -- for importers: contact data written in cells, removed with a warning --------------------

def strip_contacts(raw: pl.DataFrame, columns: Iterable[str | None], *,
                   phones: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove e-mail addresses (and phone numbers unless `phones` is False: for columns of
    numbers and codes, where a long number is not a phone) from columns of a raw batch.

    Returns the cleaned frame and one `private-data` warning per cell that held contact data
    (its value shows the cell with the contact replaced by a mark, never the contact itself).
    The pipeline scrubs every problem anyway; cleaning the cells before parsing also lets the
    importer read what is left ('Festival Z (contact : …)' -> 'Festival Z').
    """
    present = [c for c in dict.fromkeys(columns) if c is not None and c in raw.columns]
    if not present:
        return raw, empty_problems()
    marks = {c: f"__scrubbed{i}" for i, c in enumerate(present)}
    frame = raw.with_columns(
        (scrub(pl.col(c)) if phones else pl.col(c).str.replace_all(EMAIL, EMAIL_MARK)).alias(m)
        for c, m in marks.items())
    changed = {c: (pl.col(m) != pl.col(c)).fill_null(False) for c, m in marks.items()}
    problems = []
    for c, m in marks.items():
        hit = frame.filter(changed[c])
        if hit.height:
            problems.append(problem_rows(
                hit.select(pl.col(ROW).alias("row"), pl.lit("private-data").alias("code"),
                           pl.col(m).alias("value")),
                c, {"private-data": WARNING}))
    if not problems:
        return raw, empty_problems()
    cleaned = frame.with_columns(
        pl.when(changed[c]).then(_remove_marks(pl.col(m))).otherwise(pl.col(c)).alias(c)
        for c, m in marks.items()
    ).drop(list(marks.values()))
    return cleaned, pl.concat(problems)


_CONTACT_WORD = r"(?i)\b(mailto|e-mail|email|mail|courriel|contact|t[ée]l[ée]phone|t[ée]l)\s*:"


def _remove_marks(text: pl.Expr) -> pl.Expr:
    """The text without the contact marks and the words, brackets and separators they leave."""
    bare = (text.str.replace_all(EMAIL_MARK, "", literal=True)
            .str.replace_all(PHONE_MARK, "", literal=True)
            .str.replace_all(_CONTACT_WORD, "")
            .str.replace_all(r"\(\s*\)|\[\s*\]|<\s*>", "")
            .str.replace_all(r"\s+", " ").str.strip_chars(" ,;:/-–"))
    return pl.when(bare == "").then(pl.lit(None, dtype=pl.Utf8)).otherwise(bare)
