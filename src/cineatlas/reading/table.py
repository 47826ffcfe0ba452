"""Raw tables: a header and batches of text cells, each row numbered as a spreadsheet shows it.

Readers never interpret values; importers do. They only remove invisible characters, with a
warning (see reading.cleaning). A record whose number of cells differs from
the header's is set aside as malformed (it will be quarantined, never dropped).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cineatlas.problems import ERROR, Problem
from cineatlas.reading.cleaning import clean_cells, clean_frame

ROW = "_row"    # the line a record starts on (header = 1): what a spreadsheet shows
LINE = "_line"  # the line it ends on (differs when a quoted cell spans lines)
#: Cells longer than this are cut (with a problem) so one runaway quote cannot exhaust memory.
MAX_CELL = 100_000


@dataclass
class RawBatch:
    """Well-formed rows (`frame`: _row, _line and one Utf8 column per header column)
    and malformed records (`malformed`: problems with their original content)."""

    frame: pl.DataFrame
    malformed: list[tuple[Problem, int | None, str]] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.frame.height + len(self.malformed)


@dataclass
class RawTable:
    """A readable table: what is known of the file, its header, and a batch iterator."""

    path: Path
    sha256: str
    size: int
    encoding: str | None
    delimiter: str | None
    labels: list[str]            # header cells as written (trimmed)
    columns: list[str]           # unique names used in frames (duplicates get ' (2)')
    notes: list[Problem]         # file-level warnings
    sheet: str | None = None     # the sheet read (spreadsheets only)
    sheets: tuple[str, ...] = () # every sheet of the workbook, in order
    _batches: Iterator[RawBatch] | None = None

    def batches(self) -> Iterator[RawBatch]:
        if self._batches is None:
            raise RuntimeError("batches() can be iterated once")
        batches, self._batches = self._batches, None
        return batches


def unique_columns(labels: list[str]) -> tuple[list[str], list[Problem]]:
    """Make header labels unique (empty labels become 'column N'), reporting duplicates."""
    seen: dict[str, int] = {ROW: 1, LINE: 1}
    columns, notes = [], []
    for i, label in enumerate(labels, start=1):
        name = label or f"column {i}"
        if name in seen:
            seen[name] += 1
            notes.append(Problem(1, label, "duplicate-label", "warning",
                                 f"Column {i} repeats the label '{label}'; "
                                 f"it is read as '{name} ({seen[name]})'.",
                                 label))
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns.append(name)
    return columns, notes


class BatchBuilder:
    """Accumulates rows into RawBatch objects of a given size: rows of cells one by one
    (`add`), or whole frames of rows already split into cells (`add_frame`), kept in order."""

    def __init__(self, columns: list[str], size: int) -> None:
        self.columns = columns
        self.size = size
        self._reset()

    def _reset(self) -> None:
        self.records: list[list[str]] = []
        self.rows: list[int] = []
        self.lines: list[int | None] = []
        self.malformed: list[tuple[Problem, int | None, str]] = []
        self.notes: list[Problem] = []
        self.pieces: list[pl.DataFrame] = []
        self._piece_rows = 0

    def __len__(self) -> int:
        return len(self.rows) + len(self.malformed) + self._piece_rows

    def add(self, row: int, line: int | None, cells: list[str]) -> None:
        if len(cells) == len(self.columns) and "".join(cells).strip():
            self.records.append(cells)
            self.rows.append(row)
            self.lines.append(line)
            return
        if not "".join(cells).strip():
            problem = Problem(row, None, "blank-row", ERROR, "The row has no value at all.", None)
        else:
            problem = Problem(
                row, None, "wrong-field-count", ERROR,
                f"Row {row} has {len(cells)} cells where the header has {len(self.columns)}: an "
                "unquoted delimiter, a stray quote or a cut line. Fix the row in the file.",
                None,
            )
        cells, notes = clean_cells(row, self.columns, cells)
        self.notes.extend(notes)
        content = json.dumps({"cells": [c[:MAX_CELL] for c in cells]}, ensure_ascii=False)
        self.malformed.append((problem, line, content))

    def add_frame(self, frame: pl.DataFrame) -> None:
        """Add well-formed rows already split into cells: a frame of _row, _line (Int64) and
        the columns (Utf8), in this order. Rows are numbered in file order, and a batch holds
        its rows in that order whichever way they were added. Their cells must hold no
        invisible character (`cleaning.INVISIBLE`): the caller has checked their lines."""
        if frame.height:
            self.pieces.append(frame)
            self._piece_rows += frame.height

    def flush(self) -> RawBatch:
        columns = (list(zip(*self.records, strict=True)) if self.records
                   else [() for _ in self.columns])
        data = {ROW: pl.Series(ROW, self.rows, dtype=pl.Int64),
                LINE: pl.Series(LINE, self.lines, dtype=pl.Int64)}
        for name, values in zip(self.columns, columns, strict=True):
            data[name] = pl.Series(name, values, dtype=pl.Utf8)
        frame, notes = clean_frame(pl.DataFrame(data), ROW, self.columns)  # pieces are clean
        if self.pieces:  # rows added as frames, in file order: merge the others in by number
            added = pl.concat(self.pieces, how="vertical", rechunk=len(self.pieces) > 1)
            # One chunk per column: Polars 2.1 panics in pl.format on a string column whose
            # chunks include an empty one, as filtering a merged frame can leave
            # (tests/test_robustness.py, test_polars_format_on_a_filtered_merged_batch).
            frame = (added.merge_sorted(frame, ROW) if frame.height else added).rechunk()
        long = _cut_long_cells(frame, self.columns)
        if long:
            frame = frame.with_columns(pl.col(self.columns).str.slice(0, MAX_CELL))
        notes = [*self.notes, *notes, *_rows_in_cells(frame, self.columns), *long]
        batch = RawBatch(frame, self.malformed, notes)
        self._reset()
        return batch


def _rows_in_cells(frame: pl.DataFrame, columns: list[str]) -> list[Problem]:
    """Warnings for multi-line cells whose lines look like rows (a stray pair of quotes)."""
    spanning = frame.filter(pl.col(LINE) > pl.col(ROW))
    notes = []
    for record in spanning.iter_rows(named=True):
        for name in columns:
            cell = record[name] or ""
            lines = cell.split("\n")[1:]
            if len(columns) > 1 and any(
                sum(line.count(d) for d in ",;\t|") >= len(columns) - 1 for line in lines
            ):
                notes.append(Problem(record[ROW], name, "rows-in-cell", "warning",
                                     f"The cell spans lines {record[ROW]}–{record[LINE]} and holds "
                                     "text that looks like rows: a stray quote?", cell[:80]))
    return notes


def _cut_long_cells(frame: pl.DataFrame, columns: list[str]) -> list[Problem]:
    """Problems for cells longer than MAX_CELL (the caller cuts them)."""
    long = frame.select(pl.any_horizontal(pl.col(columns).str.len_chars() > MAX_CELL)).to_series()
    if not long.any():
        return []
    notes = []
    for record in frame.filter(long).iter_rows(named=True):
        for name in columns:
            cell = record[name]
            if cell is not None and len(cell) > MAX_CELL:
                notes.append(Problem(record[ROW], name, "too-long", "warning",
                                     f"The cell has {len(cell):,} characters; only the first "
                                     f"{MAX_CELL:,} are kept.", cell[:80]))
    return notes
