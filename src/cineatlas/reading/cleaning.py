"""Invisible characters removed from every cell as it is read, with a warning per cell.

Control characters (C0 but tab, line feed and carriage return; DEL; C1), the byte-order mark
inside a cell (U+FEFF), zero-width spaces and word joiners, and the bidirectional controls
(U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, which can make a cell display in an
order other than the one stored) cannot be seen, break matching and searching, and can
disguise a value. Those that separate (vertical tab, form feed, the information separators
U+001C–U+001F, next line U+0085) become a space; the others are removed. Letters, accents,
non-breaking spaces, emoji and the joiners that emoji and some scripts need (U+200C, U+200D)
are kept.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from cineatlas.problems import WARNING, Problem, problem_type

_SEPARATING = "\x0b\x0c\x1c-\x1f\x85"
_REMOVED = ("\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
            "\u2060\u2066-\u2069\ufeff")
SEPARATING = f"[{_SEPARATING}]"
REMOVED = f"[{_REMOVED}]"
INVISIBLE = f"[{_SEPARATING}{_REMOVED}]"
_INVISIBLE = re.compile(INVISIBLE)
#: How much of a cell a warning quotes.
QUOTED = 80

problem_type("invisible-character", "Invisible character removed",
             "The cell held characters that cannot be seen (controls, zero-width or "
             "direction marks); they were removed. Check the value, and the tool that wrote it.")


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character').lower()}"


def shown(text: str) -> str:
    """The text with each invisible character written as <U+XXXX> (for messages)."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def clean_text(text: str) -> str:
    """The text without its invisible characters (separating ones become a space)."""
    return re.sub(REMOVED, "", re.sub(SEPARATING, " ", text))


def warning(row: int | None, column: str | None, cell: str) -> Problem:
    """The warning for a cell that held invisible characters."""
    found = _INVISIBLE.findall(cell)
    kinds = ", ".join(_name(c) for c in dict.fromkeys(found))
    where = f"Row {row}, column '{column}'" if row != 1 else f"The header label '{column}'"
    message = (f"{where}: {len(found)} invisible character{'s' if len(found) > 1 else ''} "
               f"removed ({kinds}).")
    return Problem(row, column, "invisible-character", WARNING, message, shown(cell)[:QUOTED])


def clean_cells(row: int | None, columns: list[str],
                cells: list[str]) -> tuple[list[str], list[Problem]]:
    """Cells of one record cleaned, and a warning for each that changed."""
    notes = [warning(row, columns[i] if i < len(columns) else f"cell {i + 1}", cell)
             for i, cell in enumerate(cells) if _INVISIBLE.search(cell)]
    return ([clean_text(c) for c in cells] if notes else cells), notes


def clean_labels(labels: list[str]) -> tuple[list[str], list[Problem]]:
    """Header labels cleaned (then trimmed), with a warning for each that changed."""
    notes = [warning(1, clean_text(label).strip(), label) for label in labels
             if _INVISIBLE.search(label)]
    return ([clean_text(label).strip() for label in labels] if notes else labels), notes


def clean_frame(frame: pl.DataFrame, row: str,
                columns: list[str]) -> tuple[pl.DataFrame, list[Problem]]:
    """A batch's cells cleaned (vectorised), and a warning per cell that changed, naming
    its row (`row` column) and column."""
    if not columns or frame.is_empty():
        return frame, []
    hits = frame.select(pl.any_horizontal(pl.col(columns).str.contains(INVISIBLE))).to_series()
    if not hits.fill_null(False).any():
        return frame, []
    affected = frame.filter(hits.fill_null(False))
    notes = [warning(record[row], name, record[name])
             for record in affected.iter_rows(named=True) for name in columns
             if record[name] is not None and _INVISIBLE.search(record[name])]
    cleaned = frame.with_columns(
        pl.col(columns).str.replace_all(SEPARATING, " ").str.replace_all(REMOVED, ""))
    return cleaned, notes
