"""Spreadsheet reading (XLSX, XLS, ODS) through calamine: the first (or a named) sheet as a
raw table, or every sheet as text cells (`read_sheets`) for importers of whole workbooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from cineatlas.errors import FileError
from cineatlas.reading.cleaning import clean_labels
from cineatlas.reading.encoding import FileFacts, inspect_file
from cineatlas.reading.table import BatchBuilder, RawBatch, RawTable, unique_columns
from cineatlas.text import name_key

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def open_spreadsheet(
    path: Path,
    *,
    sheet: str | None = None,
    batch_size: int = 100_000,
    facts: FileFacts | None = None,
) -> RawTable:
    """Open a sheet; its first non-empty row is the header. Rows keep their spreadsheet numbers."""
    facts = facts or _facts(path)
    book = _book(path)
    names = book.sheet_names
    if sheet is not None and sheet not in names:
        raise FileError(path, f"has no sheet named {sheet!r} (sheets: {', '.join(names)})",
                        "Give one of the sheet names with --option sheet=NAME.",
                        code="unknown-sheet")
    rows = _sheet_rows(path, book, sheet or names[0])
    texts = [[cell_text(v) for v in row] for row in rows]
    header_index = next((i for i, r in enumerate(texts) if any(c.strip() for c in r)), None)
    if header_index is None:
        raise FileError(path, "has an empty sheet",
                        "Put the header row and data in the first sheet.", code="empty-file")
    header = texts[header_index]
    while header and not header[-1].strip():
        header.pop()
    labels, notes = clean_labels([c.strip() for c in header])
    columns, unique_notes = unique_columns(labels)
    notes.extend(unique_notes)
    return RawTable(
        path=path, sha256=facts.sha256, size=facts.size, encoding=None, delimiter=None,
        labels=labels, columns=columns, notes=notes, sheet=sheet or names[0], sheets=tuple(names),
        _batches=_iter_batches(texts, header_index, columns, batch_size),
    )


def read_sheets(path: Path) -> tuple[FileFacts, list[tuple[str, list[list[str]]]]]:
    """Every sheet of a workbook, in order: (name, rows of text cells as `cell_text` writes
    them). Row i of the list is spreadsheet row i + 1. Raises FileError for a bad file."""
    facts = _facts(path)
    book = _book(path)
    return facts, [(name, [[cell_text(v) for v in row] for row in _sheet_rows(path, book, name)])
                   for name in book.sheet_names]


def _book(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for corrupt files
        raise _unreadable(path, exc) from exc


def _sheet_rows(path: Path, book: CalamineWorkbook, name: str) -> list[list[object]]:
    try:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: Exception) -> FileError:
    return FileError(path, f"cannot be read as a spreadsheet ({exc})",
                     "Open it in a spreadsheet program and save it again as .xlsx or as CSV UTF-8.",
                     code="bad-spreadsheet")


#: How many of a sheet's first rows are searched for a header when a sheet is described.
HEADER_SEARCH = 30


def no_header_error(table: RawTable, wanted: Sequence[str], reader: str) -> FileError:
    """The error for a sheet whose header lacks labels a reader needs: which sheet was read,
    what each sheet of the workbook holds (which have those labels: the data), and the
    --option sheet=NAME to give. Its code is 'wrong-sheet' when another sheet has them."""
    def key(text: str) -> str:
        return name_key(text) or ""

    needed = {key(label) for label in wanted}
    found: list[str] = []
    described: list[str] = []
    book = CalamineWorkbook.from_path(str(table.path))
    for name in table.sheets:
        rows = [[cell_text(v).strip() for v in row]
                for row in book.get_sheet_by_name(name).to_python(nrows=HEADER_SEARCH)]
        filled = [i for i, row in enumerate(rows) if any(row)]
        header = next((i for i in filled if needed <= {key(c) for c in rows[i] if c}), None)
        if not filled:
            described.append(f"{name!r} (empty)")
            continue
        if header is None:
            described.append(f"{name!r} (no such header in its first {HEADER_SEARCH} rows)")
            continue
        found.append(name)
        above = " (delete the rows above it)" if filled and header != filled[0] else ""
        described.append(f"{name!r} (header on row {header + 1}: looks like the data{above})")
    first = ", ".join(repr(label[:60]) for label in table.labels[:5] if label) or "nothing"
    problem = (f"has no header row with the columns the {reader} needs "
               f"({', '.join(map(repr, wanted))}) in its sheet {table.sheet!r}, whose first row "
               f"holds {first}. Its sheets: {'; '.join(described)}")
    if found and found[0] != table.sheet:
        fix = f"Choose the sheet of the data with --option sheet={found[0]!r}."
    elif found:
        fix = "Delete the rows above the header in that sheet."
    else:
        fix = "Check that this is the right file, or rename the columns."
    wrong_sheet = bool(found) and found[0] != table.sheet
    return FileError(table.path, problem, fix,
                     code="wrong-sheet" if wrong_sheet else "missing-column")


def _facts(path: Path) -> FileFacts:
    """The hash and size of a spreadsheet (its NUL bytes are the format's, not an error)."""
    return inspect_file(path)


def _iter_batches(texts: list[list[str]], header_index: int, columns: list[str],
                  size: int) -> Iterator[RawBatch]:
    builder = BatchBuilder(columns, size)
    width = len(columns)
    for index in range(header_index + 1, len(texts)):
        cells = texts[index]
        if not any(c.strip() for c in cells):
            continue
        # Spreadsheets pad rows to the used area: trailing empty cells are not extra cells.
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        builder.add(index + 1, index + 1, cells)
        if len(builder) >= size:
            yield builder.flush()
    if len(builder):
        yield builder.flush()
