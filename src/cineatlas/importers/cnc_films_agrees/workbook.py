"""Reading the agreed films' workbook: every yearly sheet, its header row found by its labels,
its columns matched by meaning, all sheets turned into one raw table of canonical columns.

A column is matched to a field by its label's key (case, accents and punctuation ignored):
first by an exact known label, then by a keyword the label's words start with ('Devis du
film' -> DEVIS). A label that matches nothing is reported as a note; a sheet whose header
lacks a required field is a FileError naming the sheet. Sheets without a film header (the
'Sommaire') are skipped with a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cineatlas.errors import FileError
from cineatlas.problems import WARNING, Problem, problem_type
from cineatlas.reading.table import BatchBuilder, RawBatch, RawTable
from cineatlas.reading.xlsx import read_sheets
from cineatlas.text import name_key

problem_type("unknown-column", "Column not recognised",
             "The column is not one the importer reads; it is ignored. If it matters, add its "
             "label to the cnc-films-agrees importer's field table "
             "(docs/importers/cnc-films-agrees.md).")
problem_type("cell-without-label", "Value in a column without a label",
             "The cell lies in a column whose header is empty; it was ignored. Give the column a "
             "label, or move the value to its column.")
problem_type("sheet-skipped", "Sheet skipped",
             "The sheet has no header of agreed films (VISA, TITRE…); it was not read.")

#: The column holding each row's sheet name in the raw table.
SHEET = "FEUILLE"


@dataclass(frozen=True)
class Field:
    column: str                    # canonical column of the raw table (the 2019 label)
    labels: tuple[str, ...]        # exact label keys
    keywords: tuple[str, ...]      # words a label's word may start with
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("VISA", ("visa", "n visa", "numero de visa", "visa d exploitation"), ("visa",), True),
    Field("TITRE", ("titre", "titre du film", "title"), ("titre", "title"), True),
    Field("REALISATEUR", ("realisateur", "realisateurs", "realisateur s", "realisation",
                          "director", "directors"), ("realisat", "director"), True),
    Field("PRODUCTEURS", ("producteurs", "producteur", "producteur s", "producers",
                          "societes de production"), ("producteur", "producer"), True),
    Field("DEVIS", ("devis", "devis eur", "budget", "cout du film"), ("devis", "budget", "cout"),
          True),
    Field("GENRE", ("genre",), ("genre",)),
    Field("EOF", ("eof", "initiative francaise", "film d initiative francaise"),
          ("eof", "initiative")),
    Field("RANG", ("rang", "rank"), ("rang", "rank")),
    Field("BONUS PARITE", ("bonus parite", "bonus de parite", "parity bonus"), ("parit",)),
    Field("ASR", ("asr", "avance sur recettes", "avance sur recette"), ("asr", "avance")),
    Field("PAYANTE", ("payante", "tv payante", "chaine payante", "chaines payantes", "pay tv"),
          ("payant",)),
    Field("CLAIR", ("clair", "tv en clair", "chaine en clair", "chaines en clair", "free tv"),
          ("clair",)),
    Field("SOFICA", ("sofica", "soficas"), ("sofica",)),
    Field("CREDIT D'IMPOT", ("credit d impot", "credit d impot cinema", "tax credit"),
          ("credit", "impot")),
    Field("AIDE REGIONALE", ("aide regionale", "aides regionales", "aide region", "regional aid"),
          ("regional", "region")),
    Field("NATIONALITE", ("nationalite", "nationalites", "pays", "nationality"),
          ("nationalit", "pays", "countr")),
)
COLUMNS: tuple[str, ...] = tuple(f.column for f in FIELDS)
#: A header row names at least this many fields (and every required one, else FileError).
#: Header notes are on row 1, as a single table's header problems are; their messages give the
#: sheet and the row of its header.
MIN_HEADER_FIELDS = 4
_HEADER_SEARCH = 50
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def field_of(label: str) -> Field | None:
    """The field a column label means, or None."""
    key = name_key(label)
    if not key:
        return None
    for f in FIELDS:
        if key in f.labels:
            return f
    words = key.split(" ")
    for f in FIELDS:
        if any(w.startswith(k) for w in words for k in f.keywords):
            return f
    return None


@dataclass
class Sheet:
    name: str
    year: int
    header_row: int                 # spreadsheet row of the header (1-based)
    positions: dict[str, int]       # canonical column -> cell index
    labelled: frozenset[int]        # cell indexes whose header cell has a label
    rows: list[list[str]]


Header = tuple[int, dict[Field, list[tuple[int, str]]], list[str]]


def _header(rows: list[list[str]]) -> Header | None:
    """The first row naming at least MIN_HEADER_FIELDS fields: (index, field -> [(cell index,
    label)], unknown labels)."""
    for index, row in enumerate(rows[:_HEADER_SEARCH]):
        matched: dict[Field, list[tuple[int, str]]] = {}
        unknown = []
        for position, cell in enumerate(row):
            label = cell.strip()
            if not label:
                continue
            f = field_of(label)
            if f is None:
                unknown.append(label)
            else:
                matched.setdefault(f, []).append((position, label))
        if len(matched) >= MIN_HEADER_FIELDS:
            return index, matched, unknown
    return None


def read_workbook(path: Path) -> tuple[str, int, list[Sheet], list[Problem]]:
    """(sha256, size, the film sheets, notes) of a workbook. FileError for a bad file or a
    film sheet that lacks a required column or a year."""
    facts, sheets = read_sheets(path)
    found: list[Sheet] = []
    notes: list[Problem] = []
    for name, rows in sheets:
        header = _header(rows)
        if header is None:
            notes.append(Problem(1, None, "sheet-skipped", WARNING,
                                 f"Sheet {name!r} has no header of agreed films; it was not read.",
                                 name))
            continue
        index, matched, unknown = header
        where = f"Sheet {name!r}, row {index + 1}"
        missing = [f.column for f in FIELDS if f.required and f not in matched]
        if missing:
            raise FileError(
                path,
                f"has a sheet {name!r} whose header (row {index + 1}) lacks the column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
                f"(found: {', '.join(repr(c.strip()) for c in rows[index] if c.strip())})",
                "Check that this is the CNC's list of agreed films, or rename the column so its "
                "label says what it holds (e.g. 'DEVIS' or 'Budget').",
                code="missing-column",
            )
        year = _YEAR.search(name)
        if year is None:
            raise FileError(path, f"has a sheet {name!r} of agreed films whose name holds no year",
                            "Name each yearly sheet by its year (e.g. '2019').",
                            code="unknown-year")
        positions = {}
        for f, cells in matched.items():
            position, label = cells[0]
            positions[f.column] = position
            if name_key(label) != name_key(f.column):
                notes.append(Problem(1, label, "incorrect-label", WARNING,
                                     f"{where}: column {label!r} was read as {f.column!r}.", label))
            for _, other in cells[1:]:
                notes.append(Problem(1, other, "unknown-column", WARNING,
                                     f"{where}: column {other!r} also looks like {f.column!r}; "
                                     f"only {label!r} was read.", other))
        for label in unknown:
            notes.append(Problem(1, label, "unknown-column", WARNING,
                                 f"{where}: column {label!r} is not one the importer reads; it "
                                 "was ignored.", label))
        labelled = frozenset(i for i, c in enumerate(rows[index]) if c.strip())
        found.append(Sheet(name, int(year.group(0)), index + 1, positions, labelled,
                           rows[index + 1:]))
    if not found:
        raise FileError(path, "has no sheet of agreed films (a header with VISA, TITRE, "
                        "REALISATEUR, PRODUCTEURS, DEVIS…)",
                        "Check that this is the CNC's list of agreed films.", code="missing-column")
    return facts.sha256, facts.size, found, notes


def open_workbook(path: Path, batch_size: int = 100_000) -> tuple[RawTable, list[Sheet]]:
    """The film sheets as one raw table: FEUILLE (the sheet) and the canonical columns. Rows
    are numbered across the workbook in reading order (`_row`); `_line` is the row in its
    sheet, as a spreadsheet shows it. Also returns the sheets read."""
    sha256, size, sheets, notes = read_workbook(path)
    columns = [SHEET, *COLUMNS]
    table = RawTable(path=path, sha256=sha256, size=size, encoding=None, delimiter=None,
                     labels=columns, columns=columns, notes=notes,
                     _batches=_batches(sheets, columns, batch_size))
    return table, sheets


def _batches(sheets: list[Sheet], columns: list[str], size: int) -> Iterator[RawBatch]:
    builder = BatchBuilder(columns, size)
    notes: list[Problem] = []
    number = 1  # the header is row 1: data rows are numbered from 2, as in a single sheet
    for sheet in sheets:
        for offset, cells in enumerate(sheet.rows):
            if not any(c.strip() for c in cells):
                continue
            number += 1
            line = sheet.header_row + 1 + offset
            record = [sheet.name] + [_cell(cells, sheet.positions.get(c)) for c in COLUMNS]
            builder.add(number, line, record)
            notes += [Problem(number, None, "cell-without-label", WARNING,
                              f"Sheet {sheet.name!r}, row {line}: column {i + 1} has a value "
                              "but no label in the header; it was ignored.", cell[:80])
                      for i, cell in enumerate(cells) if cell.strip() and i not in sheet.labelled]
            if len(builder) >= size:
                yield _with_notes(builder.flush(), notes)
    if len(builder):
        yield _with_notes(builder.flush(), notes)


def _with_notes(batch: RawBatch, notes: list[Problem]) -> RawBatch:
    batch.notes.extend(notes)
    notes.clear()
    return batch


def _cell(cells: list[str], position: int | None) -> str:
    return cells[position] if position is not None and position < len(cells) else ""
