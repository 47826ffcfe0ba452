"""Personal contact data is never stored nor republished: e-mail addresses and phone numbers
are removed from every text on its way into the store — the cells of loaded rows, the original
cells of quarantined rows, the values and messages of problems (so the quarantine's reasons,
the import report stored in `sources` and the report an import returns or prints hold none
either) — and every matching key and id is made from the scrubbed text
(`cineatlas.text.name_key` scrubs before it folds), so no key keeps what the text lost.

What is detected (patterns in `cineatlas.contacts`, linear-time: no look-around, no
back-reference):

- e-mail addresses, plain or obfuscated: 'jean @ orange.fr', 'jean[at]orange.fr',
  'jean(at)orange(dot)fr', 'jean@orange dot fr', any case; spelt out with words,
  'sophie AT studio DOT fr', 'jean dot dupont at orange point fr', 'x arobase y point fr'
  (then ending with a common top-level domain: the words alone are too common); a bare
  'name@host';
- French numbers: '01 23 45 67 89', '01.23.45.67.89', '0123456789', a pair split in two
  ('06 12 34 56 7 8'), '+33 1 23 45 67 89', '+33 (0)1…', '0033…', '0 800 123 456';
- international numbers: '+', a country code and 9 to 15 digits in any grouping
  ('+44 20 7946 0958', '+49 (0)30 1234567', '+32-2-123-45-67');
- North American numbers: '(514) 555-1234', '514-555-1234', '+1 514 555 1234', and bare
  phone-shaped runs of 10 digits ('5145551234': area code and exchange starting with 2-9;
  11 digits with a leading 1).

Left alone: amounts ('1 234 567,89', '2,820,000.00', '100 000,00', '1234567', '2345678901.00'),
dates ('2012-06-01', '01/06/2012', '01.06.2012 12:30', '01 06 2012'), years and periods
('2017-2018'), SIRET (14 digits, also '123 456 789 00012'), SIREN, RNA, INSEE, postal codes,
CNC visa numbers and positions ('46.6180197037,3.14884278466'): a French number keeps its
separator and its pairs, which a date does not; a North American number is grouped 3-3-4,
which an amount is not; an international number starts with '+'; a run of digits with decimals,
or after a decimal point, is a number. Ambiguous by nature, and read as a phone: a bare amount
of a billion or more with no decimals whose digits are phone-shaped ('2345678901'), a sequence
such as '01 02 03 04 05'. ('0044…' is not read as a number: a SIRET may start with 00.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from cineatlas.contacts import EMAIL, EMAIL_MARK, PHONE, PHONE_MARK, scrub, scrub_text, scrub_texts
from cineatlas.parsing import problem_rows
from cineatlas.problems import WARNING, empty_problems
from cineatlas.reading import ROW

__all__ = ["EMAIL", "EMAIL_MARK", "IDENTIFIER_COLUMNS", "PHONE", "PHONE_MARK", "scrub",
           "scrub_frame", "scrub_json", "scrub_problems", "scrub_text", "scrub_texts",
           "strip_contacts"]

#: Columns that hold identifiers or codes, never free text: left untouched.
IDENTIFIER_COLUMNS = frozenset({
    "siren", "siret", "rna", "code", "reference", "currency", "sha256", "row_number",
})

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
