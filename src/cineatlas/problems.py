"""Validation problems are data: typed codes, collected into an import report.

A problem is tied to a row (the header is row 1, as a spreadsheet shows it) and a field.
Severity `error` quarantines the row; `warning` loads it with the value as interpreted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import polars as pl

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

#: Columns of a problems frame, as importers produce them.
PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "field": pl.Utf8,
    "code": pl.Utf8,
    "severity": pl.Utf8,
    "message": pl.Utf8,
    "value": pl.Utf8,
}


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its code, a short title and the fix to suggest."""

    code: str
    title: str
    hint: str


PROBLEM_TYPES: dict[str, ProblemType] = {}


def described(code: str, title: str | None, hint: str | None,
              lang: str = "en") -> tuple[str, str | None]:
    """A problem's (title, hint) in `lang`: the French of `problems_fr` for a declared type,
    else the English a report stored (`title`, `hint`), else the code."""
    if lang == "fr":
        from cineatlas.problems_fr import FRENCH

        if code in FRENCH:
            return FRENCH[code]
    return title or code, hint


def problem_type(code: str, title: str, hint: str) -> ProblemType:
    """Declare a problem type once; importers refer to it by code."""
    kind = ProblemType(code, title, hint)
    PROBLEM_TYPES[code] = kind
    return kind


# Problem types shared by every importer. Importers may declare their own.
problem_type("wrong-field-count", "Wrong number of cells",
             "The row has more or fewer cells than the header: check for an unquoted delimiter or "
             "a cut line.")
problem_type("unclosed-quote", "Quote never closed",
             "A cell opens a quote that never closes; close it (or double it: \"\") so the next "
             "lines are rows again.")
problem_type("rows-in-cell", "A cell seems to hold whole rows",
             "A quoted cell spans several lines that look like rows: check for a stray quote.")
problem_type("blank-row", "Blank row", "The row has no value at all; delete it from the file.")
problem_type("required", "Missing required value",
             "Fill in this field; the row cannot be used without it.")
problem_type("invalid-number", "Not a number",
             "Write digits with an optional decimal separator, e.g. 1234.56 or 1 234,56.")
problem_type("invalid-amount", "Not an amount",
             "Write an amount such as 15000, 15 000,00 € or 15000.00.")
problem_type("amount-too-large", "Implausible amount",
             "Check the amount: it is beyond any plausible award.")
problem_type("negative-amount", "Negative amount",
             "A negative amount is loaded as published (a repayment or cancellation?); check it.")
problem_type("sub-unit-amount", "Fraction of a cent",
             "The amount has more decimals than the currency allows; it was rounded to the cent.")
problem_type("ambiguous-separator", "Ambiguous separator",
             "'1,234' could be 1.234 or 1234: the file's convention was applied; write decimals "
             "explicitly.")
problem_type("decimal-comma", "Decimal comma",
             "The standard expects a decimal point; the value was read with a decimal comma.")
problem_type("zero-as-unknown", "Zero read as unknown",
             "This publisher writes 0 where a value is unknown; it is stored as unknown (NULL).")
problem_type("invalid-date", "Not a date", "Write dates as YYYY-MM-DD (ISO 8601) or DD/MM/YYYY.")
problem_type("non-iso-date", "Date not in ISO format",
             "The standard expects YYYY-MM-DD; the date was read from another spelling "
             "(day first).")
problem_type("implausible-date", "Implausible date",
             "The date is out of the plausible range for this field; check it.")
problem_type("invalid-integer", "Not a whole number", "Write a whole number, e.g. 12.")
problem_type("invalid-boolean", "Not yes/no", "Write oui/non (or true/false).")
problem_type("non-standard-boolean", "Yes/no not spelled as the standard says",
             "The value was understood; write it as the standard does (oui/non).")
problem_type("pattern", "Wrong format", "The value does not have the format the standard requires.")
problem_type("enum", "Value not in the list", "Use one of the values the standard allows.")
problem_type("max-length", "Value too long", "Shorten the value to the standard's maximum length.")
problem_type("out-of-range", "Value out of range",
             "The value is outside the range the standard allows.")
problem_type("unknown-territory", "Place not recognised",
             "Check the spelling of the place, or give an official code (INSEE, postal code).")
problem_type("ambiguous-territory", "Place name shared by several places",
             "The name designates several places: the row was placed where the rules say (the "
             "message names the places and the choice); give the region, the postal code or an "
             "official code to decide.")
problem_type("unknown-value", "Value not recognised",
             "Add the value to the importer's vocabulary (or the mapping file) if it is "
             "legitimate.")
problem_type("too-long", "Cell too long",
             "The cell exceeds the maximum size cineatlas accepts; it was cut.")
problem_type("incorrect-label", "Column label differs from the standard",
             "Rename the column to the standard's label (columns are matched by name, case and "
             "accents ignored).")
problem_type("missing-label", "Optional column absent",
             "Add the column (empty cells are fine) to follow the standard.")
problem_type("extra-label", "Column not in the standard",
             "The column is ignored; remove or rename it.")
problem_type("duplicate-label", "Duplicate column", "Two columns have the same label; rename one.")
problem_type("decoded-as", "File is not UTF-8",
             "The file was decoded as Windows-1252/Latin-1; save it as UTF-8 to be sure of "
             "accents.")
problem_type("private-data", "Personal data removed",
             "E-mail addresses and phone numbers are never stored; they were removed.")


@dataclass(frozen=True)
class Problem:
    row: int | None
    field: str | None
    code: str
    severity: Severity
    message: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    if not problems:
        return empty_problems()
    return pl.DataFrame([p.as_dict() for p in problems], schema=PROBLEM_SCHEMA)


#: Example rows kept per (code, field, severity) line of a report's summary.
EXAMPLE_ROWS = 3


def listing_command(source_id: str) -> str:
    """The command that lists every problem of a source, kept row by row in the store."""
    return f"cineatlas problems --source {source_id}"


@dataclass
class ImportReport:
    """What an import did: counts, and its problems grouped by type and field with examples.

    Counts and example rows are complete whatever the number of problems; `problems` holds a
    sample (the first `max_problems`); every problem is in the store's `import_problems` table.
    """

    source_id: str
    importer: str
    file: str
    status: str = "loaded"  # loaded | replaced | unchanged
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sha256: str | None = None
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter[tuple[str, str | None, str]] = field(default_factory=Counter)
    #: the first EXAMPLE_ROWS row numbers of each (code, field, severity)
    examples: dict[tuple[str, str | None, str], list[int]] = field(default_factory=dict)
    #: what a person must not miss (e.g. the source now holds no row)
    notices: list[str] = field(default_factory=list)
    #: figures the importer computed over the whole file (e.g. totals with and without the
    #: rows superseded by an amendment); amounts in minor units end with '_minor'
    figures: dict[str, Any] = field(default_factory=dict)
    #: problems kept in full; counts are always complete
    max_problems: int = 1000

    def add(self, frame: pl.DataFrame) -> None:
        """Add a frame of problems (PROBLEM_SCHEMA columns)."""
        if frame.is_empty():
            return
        groups = frame.group_by(["code", "field", "severity"]).agg(
            pl.len(), pl.col("row").drop_nulls().unique().sort().head(EXAMPLE_ROWS))
        for code, fld, severity, n, rows in groups.iter_rows():
            key = (code, fld, severity)
            self.problem_counts[key] += n
            self.examples[key] = sorted({*self.examples.get(key, []), *rows})[:EXAMPLE_ROWS]
        room = self.max_problems - len(self.problems)
        if room > 0:
            for rec in frame.head(room).iter_rows(named=True):
                self.problems.append(Problem(**rec))

    @property
    def problems_total(self) -> int:
        return sum(self.problem_counts.values())

    @property
    def ok(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined

    def summary(self) -> list[dict[str, Any]]:
        """Problems by code, field and severity, with a count and up to three example rows."""
        out = []
        for (code, fld, severity), n in sorted(
            self.problem_counts.items(), key=lambda item: (item[0][2] != ERROR, -item[1], item[0])
        ):
            kind = PROBLEM_TYPES.get(code)
            out.append({
                "code": code,
                "field": fld,
                "severity": severity,
                "count": n,
                "title": kind.title if kind else code,
                "hint": kind.hint if kind else None,
                "example_rows": list(self.examples.get((code, fld, severity), [])),
            })
        return out

    def as_dict(self, *, with_problems: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source_id": self.source_id,
            "importer": self.importer,
            "file": self.file,
            "status": self.status,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sha256": self.sha256,
            "tables": dict(self.tables),
            "problem_summary": self.summary(),
            "problems_total": self.problems_total,
            "notices": list(self.notices),
        }
        if self.figures:
            data["figures"] = dict(self.figures)
        if with_problems:
            data["problems"] = [p.as_dict() for p in self.problems]
            data["problems_truncated"] = self.problems_total > len(self.problems)
            if data["problems_truncated"]:
                data["problems_note"] = (
                    f"showing {len(self.problems):,} of {self.problems_total:,} problems; all are "
                    f"in the store: `{listing_command(self.source_id)}`")
        return data
