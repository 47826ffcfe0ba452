"""CSV reading: encoding, delimiter, header, and numbered rows in batches."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from cineatlas.errors import FileError
from cineatlas.problems import ERROR, Problem, problem_type
from cineatlas.reading.cleaning import INVISIBLE, clean_labels
from cineatlas.reading.encoding import MIXED, FileFacts, inspect_file, refuse_nuls
from cineatlas.reading.options import check_delimiter
from cineatlas.reading.table import (
    LINE,
    MAX_CELL,
    ROW,
    BatchBuilder,
    RawBatch,
    RawTable,
    unique_columns,
)

problem_type("stray-nul", "NUL bytes removed",
             "A few NUL bytes, which never belong in text, were removed from the cells; check "
             "the rows named and the tool that wrote the file.")

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
    delimiter = check_delimiter(path, delimiter)
    notes: list[Problem] = []
    if encoding is None or not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        refuse_nuls(path, facts)
    if facts.stray_nuls:
        nuls = facts.nuls
        notes.append(Problem(None, None, "stray-nul", "warning",
                             f"The file holds {nuls.count} NUL byte{'s' if nuls.count > 1 else ''} "
                             f"(the first on line {nuls.line}, byte {nuls.offset}); they are "
                             "removed from the cells (see the rows' 'invisible-character' "
                             "warnings).", None))
    if encoding is None:
        encoding = facts.encoding
        if not facts.is_utf8:
            if encoding == MIXED:
                message = ("The file is UTF-8 with some Windows-1252 text (edited by two tools?): "
                           "each piece that is not UTF-8 was decoded as Windows-1252. Check the "
                           "accents, and save the file again as UTF-8.")
            else:
                label = "Windows-1252" if encoding == "cp1252" else "Latin-1 (ISO 8859-1)"
                message = f"The file is not valid UTF-8; it was decoded as {label}."
            notes.append(Problem(None, None, "decoded-as", "warning", message, encoding))
    else:
        _check_decodes(path, encoding, facts)
    sample = _header_lines(path, encoding)
    if delimiter is None:
        # None: one column (or no delimiter found); an importer needing more columns says so.
        delimiter = sniff_delimiter(sample) or ","
    if codecs.lookup(encoding).name in _UTF8:  # read as bytes, split by Polars (see _Lines)
        handle: io.IOBase = path.open("rb")
    else:
        handle = path.open(encoding=encoding, errors="strict", newline="")
    lines = _Lines(handle, encoding)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    try:
        header_cells = _first_record(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        handle.close()
        raise FileError(path, f"has an unreadable header ({exc})",
                        "Check the first line of the file.", code="bad-header") from exc
    labels, label_notes = clean_labels([c.strip().lstrip("\ufeff").strip() for c in header_cells])
    columns, unique_notes = unique_columns(labels)
    notes.extend([*label_notes, *unique_notes])
    return RawTable(
        path=path, sha256=facts.sha256, size=facts.size, encoding=encoding, delimiter=delimiter,
        labels=labels, columns=columns, notes=notes,
        _batches=_iter_batches(handle, lines, reader, columns, batch_size,
                               path=path, encoding=encoding, delimiter=delimiter),
    )


def _check_decodes(path: Path, encoding: str, facts: FileFacts) -> None:
    """Raise FileError, saying where and what was detected, if the file does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    done, lines = 0, 1  # bytes fully decoded before the current chunk, lines they hold
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    at = max(0, done + exc.start - (len(exc.object) - len(chunk)))
                    lines += chunk.count(b"\n", 0, max(0, at - done))
                    raise UnicodeError(f"byte {at:,} (line {lines:,}): {exc.reason}") from exc
                done += len(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeError as exc:  # a byte that is not the encoding's, or UTF-16 without a BOM
        detected = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark",
                    "utf-16": "UTF-16", "cp1252": "Windows-1252", "latin-1": "Latin-1",
                    MIXED: "UTF-8 with some Windows-1252"}.get(facts.encoding, facts.encoding)
        guess = facts.nuls.utf16
        hint = (f"--option encoding={guess}" if guess and guess != encoding
                else f"leave --option encoding out (cineatlas reads this file as {detected})")
        raise FileError(path, f"cannot be decoded as {encoding} ({exc})",
                        f"Give the file's real encoding, or {hint}.",
                        code="wrong-encoding") from exc


def _first_record(reader: csv.reader) -> list[str]:  # type: ignore[valid-type]
    for cells in reader:
        if cells and any(c.strip() for c in cells):
            return cells
    return []


#: Characters (or bytes) read at a time, about: lines are classified and parsed a block at a time.
BLOCK = 1 << 21
_UTF8 = ("utf-8", "utf-8-sig")


class _Lines:
    """The lines of a text file, terminators kept, as the csv module reads them (a line ends
    at \\n, \\r\\n or \\r), read a block at a time: the current block holds `size` lines, of
    which `pos` are consumed; `consumed` counts the lines consumed since the start of the file
    (= the number of the last one, the header being line 1); `blocks` counts blocks read.

    A text handle is read with readlines(). A binary handle (UTF-8 files) is read in chunks
    cut after a \\n and split into lines by Polars, without a Python string per line, unless
    the chunk has a \\r outside a \\r\\n (then Python splits it as a text handle would).
    The block is available as a Series (`series()`, for vectorised work) and as a list of
    strings (built only when the csv module reads lines from the block)."""

    def __init__(self, handle: io.IOBase, encoding: str, block: int | None = None) -> None:
        self.handle = handle
        self.block = block or BLOCK
        self.binary = not isinstance(handle, io.TextIOBase)
        self.skip_bom = codecs.lookup(encoding).name == "utf-8-sig"
        self.size = self.pos = self.consumed = self.blocks = 0
        self._list: list[str] | None = []
        self._series: pl.Series | None = None
        self._carry = b""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= self.size and not self.refill():
            raise StopIteration
        if self._list is None:
            self._list = self.series().to_list()
        line = self._list[self.pos]
        self.pos += 1
        self.consumed += 1
        return line

    def series(self) -> pl.Series:
        """The lines of the current block."""
        if self._series is None:
            self._series = pl.Series("line", self._list, dtype=pl.Utf8)
        return self._series

    def refill(self) -> bool:
        """Read the next block of lines (once the current one is consumed); False at the end."""
        self.blocks += 1
        self.pos = 0
        if self.binary:
            self._list, self._series = self._split(self._read_chunk())
        else:
            self._list, self._series = self.handle.readlines(self.block), None  # type: ignore[attr-defined]
        self.size = len(self._list) if self._list is not None else self._series.len()  # type: ignore[union-attr]
        return self.size > 0

    def _read_chunk(self) -> bytes:
        """The next bytes up to and including a \\n (or the end of the file)."""
        data = self._carry
        while True:
            more = self.handle.read(self.block)
            data = data + more if data else more
            cut = data.rfind(b"\n") + 1
            if not cut and more:  # lines ending with a lone \r: cut after one (not the last byte,
                cut = data.rfind(b"\r", 0, len(data) - 1) + 1  # which may start a \r\n)
            if cut or not more:
                break
        if not more and not cut:
            cut = len(data)
        chunk, self._carry = data[:cut], data[cut:]
        if self.skip_bom:
            self.skip_bom = False
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
        return chunk

    @staticmethod
    def _split(chunk: bytes) -> tuple[list[str] | None, pl.Series | None]:
        """(list, None) or (None, Series) of the chunk's lines."""
        if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):  # a lone \r ends a line
            return io.StringIO(chunk.decode("utf-8"), newline="").readlines(), None
        try:
            text = pl.Series("line", [chunk], dtype=pl.Binary).cast(pl.Utf8)
        except pl.exceptions.ComputeError:
            chunk.decode("utf-8")  # raises the UnicodeDecodeError
            raise
        return None, text.str.split("\n", inclusive=True).explode().drop_nulls()


class _FastRecords:
    """Vectorised reading of the common case: records that are one line each, well formed
    (every field unquoted without any quote, or quoted with doubled inner quotes), with as many
    fields as the header and not blank. For such a line the csv module and Polars' CSV parser
    give the same cells, so they are parsed by Polars, all those of a block at once. Any other
    line (a quoted cell spanning lines, a stray quote, a wrong number of fields, a blank row, an
    invisible character such as a NUL or a byte-order mark) is left to the csv module, which
    reads it exactly as before (and the batch builder cleans its cells)."""

    def __init__(self, columns: list[str], delimiter: str) -> None:
        self.columns = columns
        d = f"\\x{{{ord(delimiter):x}}}"  # the delimiter in a regex
        field = f'(?:"(?:[^"]|"")*"|[^"{d}]*)'
        # A well-formed line of exactly as many fields as the header.
        self.record = f"^{field}(?:{d}{field}){{{len(columns) - 1}}}$"
        self.content = rf'[^\s\x1c-\x1f"{d}]'  # a character that str.strip() keeps
        self.delimiter = delimiter
        self.schema = {name: pl.Utf8 for name in columns}

    def classify(self, lines: pl.Series) -> tuple[pl.Series, np.ndarray]:
        """(the lines without their terminator, whether each can be read by Polars)."""
        text = lines.str.strip_chars_end("\r\n")
        fast = (
            text.str.contains(self.record)
            & text.str.contains(self.content)
            & ~text.str.contains(INVISIBLE)  # a NUL, a byte-order mark, a control...
        )
        return text, fast.fill_null(False).to_numpy()

    def parse(self, text: pl.Series, rows: np.ndarray) -> pl.DataFrame:
        """The cells of lines classified fast, with their row numbers."""
        if not len(rows):
            return pl.DataFrame(schema={ROW: pl.Int64, LINE: pl.Int64, **self.schema})
        data = text.str.join("\n").cast(pl.Binary).item()
        frame = pl.read_csv(
            data, has_header=False, separator=self.delimiter, quote_char='"', schema=self.schema,
            empty_string_is_null=False, infer_schema=False, raise_if_empty=False,
            comment_prefix=None, null_values=None, eol_char="\n", truncate_ragged_lines=False,
        )
        if frame.height != text.len():  # cannot happen for lines classified fast
            raise AssertionError(f"read {frame.height} records from {text.len()} lines")
        numbers = pl.Series(ROW, rows, dtype=pl.Int64)
        return frame.select(numbers.alias(ROW), numbers.alias(LINE), *self.columns)


def _polars_can_split(delimiter: str) -> bool:
    return len(delimiter) == 1 and delimiter.isascii() and delimiter not in '"\r\n\x00'


def _iter_batches(
    handle: io.IOBase, lines: _Lines, reader: csv.reader, columns: list[str], size: int, *,  # type: ignore[valid-type]
    path: Path, encoding: str, delimiter: str,
) -> Iterator[RawBatch]:
    """Yield batches of `size` records (rows and malformed records) in file order.

    The lines of a block that are simple one-line records are parsed by Polars
    (`_FastRecords`), all at once; the other records are read by the csv module, from the line
    they start on (a record spanning lines may take lines classified simple: they are then
    part of it, as the csv module reads them). A multi-line record is held back until the next
    record: if it is the last and opens a quote that never closes, the lines it swallowed are
    read again as rows of their own (a lost row is never acceptable)."""
    builder = BatchBuilder(columns, size)
    fast = _FastRecords(columns, delimiter) if columns and _polars_can_split(delimiter) else None
    pending: tuple[int, int, list[str]] | None = None  # a multi-line record, held back
    try:
        while lines.pos < lines.size or lines.refill():
            block, offset, size_of_block = lines.blocks, lines.pos, lines.size
            first_row = lines.consumed + 1 - offset  # the row number of the block's line 0
            if fast is not None:
                text, simple = fast.classify(lines.series().slice(offset))
                quick = np.flatnonzero(simple) + offset  # lines read by Polars
                slow = np.flatnonzero(~simple) + offset  # lines where the csv module starts
                parsed = fast.parse(text.filter(pl.Series(simple)), quick + first_row)
            else:
                quick, slow = np.arange(0), np.arange(offset, size_of_block)
            while lines.blocks == block and lines.pos < size_of_block:
                pos = lines.pos
                following = int(np.searchsorted(slow, pos))
                stop = int(slow[following]) if following < len(slow) else size_of_block
                if stop > pos:  # lines pos..stop-1 are simple records, parsed above
                    if pending is not None:
                        builder.add(*pending)
                        pending = None
                        if len(builder) >= size:
                            yield builder.flush()
                    first = int(np.searchsorted(quick, pos))
                    frame = parsed.slice(first, stop - pos)
                    lines.pos, lines.consumed = stop, lines.consumed + (stop - pos)
                    while frame.height:
                        room = size - len(builder)
                        builder.add_frame(frame.slice(0, room))
                        frame = frame.slice(room)
                        if len(builder) >= size:
                            yield builder.flush()
                    continue
                start = lines.consumed + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:  # e.g. a NUL byte inside a cell
                    cells = [f"<unreadable record: {exc}>"]
                end = lines.consumed
                if not cells:  # an empty line: not a row
                    continue
                if pending is not None:
                    builder.add(*pending)
                    pending = None
                    if len(builder) >= size:
                        yield builder.flush()
                if end > start:
                    pending = (start, end, cells)
                else:
                    builder.add(start, end, cells)
                    if len(builder) >= size:
                        yield builder.flush()
        if pending is not None:
            start, end, cells = pending
            if _opens_unclosed_quote(path, encoding, start, end):
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
