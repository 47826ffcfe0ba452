"""Reading an SCDL file whose lines are not what its delimiter says, and recovering what can
be recovered with certainty, before any cell is checked.

- **The delimiter is the one that splits the header into the standard's labels** (a file whose
  lines end with `;;` has more semicolons than commas on some lines, yet is comma-separated).
- **A table saved inside the first column of another** (`wrapped`): a comma-separated file
  opened by a spreadsheet that splits on semicolons, then saved again with semicolons. Its
  header is one cell holding the comma-separated labels, then empty cells; each line is read
  back by joining its cells with the outer delimiter (its trailing empty cells are padding)
  and splitting the result with the inner one.
- **A row with more cells than the header** (`cells.rejoin`): an unquoted decimal comma
  (`100 000,00`) or an unquoted comma in a text. The row is recovered when exactly one way of
  joining adjacent cells lines every field up (see `cells`); otherwise it stays set aside, with
  a message saying why.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import polars as pl

from cineatlas.importers.scdl.cells import Slot, rejoin
from cineatlas.importers.scdl.header import match_columns
from cineatlas.importers.scdl.schema import ESSENTIAL
from cineatlas.problems import WARNING, Problem, problem_type
from cineatlas.reading import LINE, ROW, RawBatch, RawTable, open_table
from cineatlas.reading.csvfile import DELIMITERS, delimiter_name
from cineatlas.reading.table import BatchBuilder, unique_columns

problem_type(
    "wrapped-table", "A table inside a table",
    "The file is a table saved inside the first column of another, with another delimiter "
    "(a spreadsheet opened it with the wrong one, then saved it): each line was read back. "
    "Save the table again as a CSV with one delimiter.",
)
problem_type(
    "split-number", "A number split by an unquoted decimal comma",
    "The number is written with a decimal comma in a comma-separated file without quotes, so "
    "its decimal part went to the next cell; the two were joined back. Quote such cells, or "
    "write numbers with a decimal point (100000.00).",
)
problem_type(
    "split-text", "A text split by an unquoted comma",
    "The text holds commas but is not quoted in a comma-separated file, so it was split into "
    "several cells; they were joined back. Quote cells that hold the delimiter.",
)


def essential_found(labels: list[str]) -> bool:
    """Whether a header's labels name every column an SCDL file must have."""
    found, _ = match_columns(labels)
    return all(name in found for name in ESSENTIAL)


def split_line(text: str, delimiter: str) -> list[str]:
    """The cells of one CSV record written on `text` (quotes as a spreadsheet writes them)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    return next(reader, [])


def wrapped_delimiter(table: RawTable) -> str | None:
    """The inner delimiter of a wrapped table: the header's first cell splits by it into the
    standard's labels and every other header cell is empty. None for an ordinary table."""
    if len(table.labels) < 2 or any(label.strip() for label in table.labels[1:]):
        return None
    for inner in DELIMITERS:
        if inner != table.delimiter and essential_found(split_line(table.labels[0], inner)):
            return inner
    return None


def open_scdl(path: Path, *, delimiter: str | None, encoding: str | None,
              sheet: str | None) -> tuple[RawTable, str | None]:
    """Open an SCDL file: (table, the inner delimiter when it is wrapped). Without a delimiter
    given, a CSV file is read with the delimiter that gives the standard's labels: as sniffed,
    or another one that the header holds (a header ending with ';;' may be a wrapped table's);
    if none does, as sniffed (the importer then says what is missing)."""
    table = open_table(path, delimiter=delimiter, encoding=encoding, sheet=sheet)
    if table.sheet is not None or table.delimiter is None or delimiter is not None:
        return table, None  # a spreadsheet, a JSON file, or the delimiter given
    inner = wrapped_delimiter(table)
    if inner is not None:
        return table, inner
    readable = essential_found(table.labels)
    for other in DELIMITERS:
        if other == table.delimiter or (readable and not any(other in x for x in table.labels)):
            continue
        candidate = open_table(path, delimiter=other, encoding=encoding)
        inner = wrapped_delimiter(candidate)
        if inner is not None:
            return candidate, inner
        if not readable and essential_found(candidate.labels):
            return candidate, None
    return table, None


def unwrap(table: RawTable, inner: str) -> RawTable:
    """The table held in the first column of `table`, read with the `inner` delimiter."""
    outer = table.delimiter or ","
    labels = [label.strip() for label in split_line(table.labels[0], inner)]
    columns = unique_columns(labels)[0]
    note = Problem(
        None, None, "wrapped-table", WARNING,
        f"The file is a table separated by {delimiter_name(inner)}s saved inside the first "
        f"column of a table separated by {delimiter_name(outer)}s (its header reads "
        f"'{table.labels[0][:60]}…' then {len(table.labels) - 1} empty cells): each line was "
        f"read back by joining its cells with '{outer}' and splitting the result with "
        f"'{inner}'. Save the table again as a CSV with one delimiter.",
        None,
    )

    def batches() -> Iterator[RawBatch]:
        for batch in table.batches():
            builder = BatchBuilder(columns, batch.rows or 1)
            records = [(row, line, list(cells)) for row, line, *cells in
                       batch.frame.select(ROW, LINE, *table.columns).iter_rows()]
            records += [(p.row, line, json.loads(content).get("cells", []))
                        for p, line, content in batch.malformed if p.code == "wrong-field-count"]
            kept = [m for m in batch.malformed if m[0].code != "wrong-field-count"]
            for row, line, cells in sorted(records, key=lambda r: r[0] or 0):
                while cells and not (cells[-1] or "").strip():
                    cells.pop()  # the outer table's padding
                builder.add(row, line, split_line(outer.join(c or "" for c in cells), inner))
            out = builder.flush()
            yield RawBatch(out.frame, [*kept, *out.malformed], [*batch.notes, *out.notes])

    return replace(table, delimiter=inner, labels=labels, columns=columns,
                   notes=[*table.notes, note], _batches=batches())


def with_repairs(table: RawTable, slots: list[Slot]) -> RawTable:
    """`table` whose rows with too many cells are recovered when `cells.rejoin` finds one way
    to line them up (`slots` says what each column accepts)."""
    delimiter = table.delimiter
    if table.sheet is not None or delimiter is None:
        return table
    batches = table.batches()
    repaired = (repair(batch, table.columns, slots, delimiter) for batch in batches)
    return replace(table, _batches=repaired)


def repair(batch: RawBatch, names: list[str], slots: list[Slot], delimiter: str) -> RawBatch:
    """The batch with its recoverable long rows moved to its frame, with their warnings."""
    rows: list[dict[str, object]] = []
    notes: list[Problem] = []
    malformed = []
    for problem, line, content in batch.malformed:
        cells = json.loads(content).get("cells") if problem.code == "wrong-field-count" else None
        if cells is None or len(cells) <= len(names):
            malformed.append((problem, line, content))
            continue
        found = rejoin(cells, slots, delimiter)
        row = problem.row
        if len(found) != 1:
            why = ("no way of joining adjacent cells gives every column a value it accepts"
                   if not found else "several ways of joining adjacent cells fit")
            message = (
                f"Row {row} has {len(cells)} cells where the header has {len(names)}, and they "
                f"cannot be lined up with the columns with certainty ({why}). Quote the cells "
                f"that hold a '{delimiter}' (numbers such as 100 000,00, texts with commas), or "
                "write numbers with a decimal point."
            )
            malformed.append((replace(problem, message=message), line, content))
            continue
        values, joins = found[0]
        rows.append({ROW: row, LINE: line, **dict(zip(names, values, strict=True))})
        notes += [_join_note(row, slots[index], parts, delimiter) for index, parts in joins]
    if not rows:
        return RawBatch(batch.frame, malformed, batch.notes)
    added = pl.DataFrame(rows, schema=batch.frame.schema)
    frame = pl.concat([batch.frame, added]).sort(ROW)
    return RawBatch(frame, malformed, [*batch.notes, *notes])


def _join_note(row: int | None, slot: Slot, parts: list[str], delimiter: str) -> Problem:
    joined = delimiter.join(parts)
    shown = " + ".join(f"'{part}'" for part in parts)
    if slot.kind == "number":
        return Problem(
            row, slot.field, "split-number", WARNING,
            f"Row {row}: the number '{joined}' in column '{slot.column}' was split by its "
            f"unquoted decimal comma into {shown}; they were joined back. Quote such cells, or "
            "write numbers with a decimal point.",
            joined,
        )
    return Problem(
        row, slot.field, "split-text", WARNING,
        f"Row {row}: the text in column '{slot.column}' holds {len(parts) - 1} unquoted "
        f"'{delimiter}', which split it into {len(parts)} cells; they were joined back "
        f"('{joined[:80]}'). Quote cells that hold the delimiter.",
        joined[:200],
    )

