"""CSV reading: encoding, delimiter, header, and numbered rows in batches."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from cineatlas.errors import FileError
from cineatlas.problems import ERROR, Problem
from cineatlas.reading.encoding import FileFacts, inspect_file
from cineatlas.reading.table import MAX_CELL, BatchBuilder, RawBatch, RawTable, unique_columns

DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def delimiter_name(delimiter: str | None) -> str | None:
    return None if delimiter is None else _NAMES.get(delimiter, delimiter)


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def sniff_delimiter(sample_lines: list[str]) -> str | None:
    """The candidate delimiter found on the header line and most consistent on the next lines."""
    if not sample_lines:
        return None
    header = sample_lines[0]
    best, best_score = None, 0.0
    for char in DELIMITERS:
        n = _count_outside_quotes(header, char)
        if n == 0:
            continue
        body = sample_lines[1:20]
        agree = sum(1 for line in body if _count_outside_quotes(line, char) == n)
        score = n * (1 + agree) / (1 + len(body))
        if score > best_score:
            best, best_score = char, score
    return best


def _header_lines(path: Path, encoding: str, limit: int = 21) -> list[str]:
    lines = []
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for line in handle:
            if line.strip():
                lines.append(line.rstrip("\r\n"))
            if len(lines) >= limit:
                break
    return lines


def open_csv(
    path: Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    batch_size: int = 100_000,
    facts: FileFacts | None = None,
) -> RawTable:
    """Open a CSV file: detect (or take) its encoding and delimiter, read its header.

    Raises FileError when the file is empty, binary, undecodable with the given encoding,
    or when no delimiter can be found.
    """
    facts = facts or inspect_file(path)
    notes: list[Problem] = []
    if encoding is None:
        encoding = facts.encoding
        if not facts.is_utf8:
            label = "Windows-1252" if encoding == "cp1252" else "Latin-1 (ISO 8859-1)"
            notes.append(Problem(None, None, "decoded-as", "warning",
                                 f"The file is not valid UTF-8; it was decoded as {label}.", encoding))
    else:
        try:
            with path.open(encoding=encoding, newline="") as handle:
                while handle.read(1 << 20):
                    pass
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileError(path, f"cannot be decoded as {encoding} ({exc})",
                            "Leave the encoding out to let cineatlas detect it, or give the right one.",
                            code="wrong-encoding") from exc
    sample = _header_lines(path, encoding)
    if delimiter is None:
        # None: one column (or no delimiter found); an importer needing more columns says so.
        delimiter = sniff_delimiter(sample) or ","
    handle = path.open(encoding=encoding, errors="strict", newline="")
    reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    try:
        header_cells = _first_record(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        handle.close()
        raise FileError(path, f"has an unreadable header ({exc})",
                        "Check the first line of the file.", code="bad-header") from exc
    labels = [c.strip().lstrip("\ufeff").strip() for c in header_cells]
    columns, label_notes = unique_columns(labels)
    notes.extend(label_notes)
    return RawTable(
        path=path, sha256=facts.sha256, size=facts.size, encoding=encoding, delimiter=delimiter,
        labels=labels, columns=columns, notes=notes,
        _batches=_iter_batches(handle, reader, columns, batch_size, header_line=reader.line_num,
                               path=path, encoding=encoding, delimiter=delimiter),
    )


def _first_record(reader: csv.reader) -> list[str]:  # type: ignore[valid-type]
    for cells in reader:
        if cells and any(c.strip() for c in cells):
            return cells
    return []


def _iter_batches(
    handle: io.TextIOBase, reader: csv.reader, columns: list[str], size: int, *, header_line: int,  # type: ignore[valid-type]
    path: Path, encoding: str, delimiter: str,
) -> Iterator[RawBatch]:
    """Yield batches. The last record is held back: if it opens a quote that never closes, the
    lines it swallowed are read again as rows of their own (a lost row is never acceptable)."""
    builder = BatchBuilder(columns, size)
    previous_end = header_line  # a row is numbered by the line it starts on (header: line 1)
    pending: tuple[int, int, list[str]] | None = None
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # e.g. a NUL byte inside a cell
                cells = [f"<unreadable record: {exc}>"]
            start = previous_end + 1
            previous_end = reader.line_num
            if not cells:  # an empty line: not a row
                continue
            if pending is not None:
                builder.add(*pending)
                if len(builder) >= size:
                    yield builder.flush()
            pending = (start, reader.line_num, cells)
        if pending is not None:
            start, end, cells = pending
            if end > start and _opens_unclosed_quote(path, encoding, start, end):
                _add_swallowed_lines(builder, path, encoding, delimiter, start, end)
            else:
                builder.add(*pending)
        if len(builder):
            yield builder.flush()
    finally:
        handle.close()


def _raw_lines(path: Path, encoding: str, start: int, end: int) -> list[str]:
    with path.open(encoding=encoding, newline="") as handle:
        return [line for number, line in enumerate(handle, start=1) if start <= number <= end]


def _opens_unclosed_quote(path: Path, encoding: str, start: int, end: int) -> bool:
    return sum(line.count('"') for line in _raw_lines(path, encoding, start, end)) % 2 == 1


def _add_swallowed_lines(builder: BatchBuilder, path: Path, encoding: str, delimiter: str,
                         start: int, end: int) -> None:
    """The record at `start` opens a quote never closed: quarantine it, and read each line it
    swallowed as a row of its own."""
    lines = _raw_lines(path, encoding, start, end)
    builder.malformed.append((
        Problem(start, None, "unclosed-quote", ERROR,
                f"Row {start} opens a quote that is never closed: lines {start}–{end} were read "
                "again one by one. Close the quote (or double it) in the file.", None),
        start, json.dumps({"line": lines[0].rstrip("\r\n")[:MAX_CELL]}, ensure_ascii=False),
    ))
    for number, line in enumerate(lines[1:], start=start + 1):
        if not line.strip():
            continue
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter, strict=False), [])
        if _opens_unclosed_quote_text(line) and number == end:
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter,
                                    quoting=csv.QUOTE_NONE), [])
        builder.add(number, number, cells)


def _opens_unclosed_quote_text(line: str) -> bool:
    return line.count('"') % 2 == 1
