"""Lining up a row that has more cells than the header: which adjacent cells to join back.

An unquoted delimiter inside a value splits it: `100 000,00` in a comma-separated file gives
the cells `100 000` and `00`; `surface bio, renforcement des fermes` gives two cells. Each
column accepts some cells (`Slot`): a number column one cell that is a number, or two that
join into a number with a decimal comma (`100 000` + `00`); a free-text column one cell or
several, each added cell starting with a space (a comma in prose is followed by one, a
delimiter is not); any other column exactly one cell that looks like its values (a SIRET, a
date, oui/non, a nature of aid...). `rejoin` lists the ways of giving every column its cells;
a row is recovered only when there is exactly one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cineatlas.importers.scdl.checks import nature_aid_type, status_awarded
from cineatlas.importers.scdl.schema import IDENTIFIERS, ScdlField
from cineatlas.text import fold

#: (the cells of each column, [(column index, the cells joined there)]).
Solution = tuple[list[str], list[tuple[int, list[str]]]]

_SPACE = "\\s\u00a0\u202f"
#: The integer part of a number (thousands separated by a space or a point, or not).
INTEGER_PART = re.compile(rf"^[{_SPACE}]*[+-]?\d{{1,3}}(?:[{_SPACE}.]\d{{3}})*[{_SPACE}]*$"
                          rf"|^[{_SPACE}]*[+-]?\d+[{_SPACE}]*$")
#: The decimal part of an amount of money after a decimal comma (cents), with a currency.
CENTS = re.compile(rf"^\d{{1,2}}[{_SPACE}]*(?:€|EUR|euros?)?[{_SPACE}]*$", re.IGNORECASE)
#: A number as a cell holds it when no comma is in it.
WHOLE_NUMBER = re.compile(rf"^[{_SPACE}]*[+-]?[\d{_SPACE}.]*\d[\d{_SPACE}.]*[{_SPACE}]*"
                          rf"(?:%|€|EUR|euros?)?[{_SPACE}]*$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[\s\u00a0\u202f\d.'’\"]*$")
_RNA = re.compile(r"^\s*[Ww]?[\d\s]*\s*$")
_DATE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[T ].*)?\s*$|^\s*(19|20)\d{2}\s*$")
_YES_NO = frozenset({"oui", "non", "o", "n", "yes", "no", "true", "false", "vrai", "faux",
                     "0", "1", "x"})


@dataclass(frozen=True)
class Slot:
    """What one column of the file accepts: `kind` is 'text' (one cell or more), 'number'
    (one cell, or two joined by a decimal comma) or 'one' (exactly one cell that `fits`)."""

    column: str
    field: str
    kind: str
    fits: Callable[[str], bool]


def anything(_cell: str) -> bool:
    return True


def slot_of(column: str, spec: ScdlField | None) -> Slot:
    """What a column accepts, from the declaration of the field it holds (None: a column that
    is no field of the standard, which takes any one cell)."""
    if spec is None:
        return Slot(column, column, "one", anything)
    if spec.type == "number":
        return Slot(column, spec.name, "number", _blank_or(WHOLE_NUMBER.match))
    if spec.type == "integer":
        return Slot(column, spec.name, "one", _blank_or(WHOLE_NUMBER.match))
    if spec.type == "date":
        return Slot(column, spec.name, "one", _blank_or(_DATE.match))
    if spec.type == "boolean":
        return Slot(column, spec.name, "one", _blank_or(lambda c: fold(c).strip() in _YES_NO))
    if spec.name in IDENTIFIERS:
        return Slot(column, spec.name, "one", _blank_or(_IDENTIFIER.match))
    if spec.name == "rnaBeneficiaire":
        return Slot(column, spec.name, "one", _blank_or(_RNA.match))
    if spec.name == "nature":
        return Slot(column, spec.name, "one", _blank_or(nature_aid_type))
    if spec.name == "statutLabel":
        return Slot(column, spec.name, "one", _blank_or(lambda c: status_awarded(c) is not None))
    if spec.pattern is not None and ("\\d" in spec.pattern or "[0-9]" in spec.pattern):
        # dates or numbers, as publishers write them: '2018-04-01_2018-12-31',
        # 'NC/2019-06-30', '22680 € : 2018-05-30 et 9720 € : 2018-06-30'
        return Slot(column, spec.name, "one", lambda c: len(c.strip()) <= 20 or _has_digit(c))
    if spec.enum or spec.pattern is not None:  # a short code: oui/non, unique/échelonné
        return Slot(column, spec.name, "one", lambda c: len(c.strip()) <= 40)
    if spec.max_length is not None and spec.max_length < 50:
        return Slot(column, spec.name, "one", lambda c: len(c.strip()) <= 40)
    return Slot(column, spec.name, "text", anything)


def _has_digit(cell: str) -> bool:
    return any(c.isdigit() for c in cell)


def _blank_or(test: Callable[[str], object]) -> Callable[[str], bool]:
    return lambda cell: not cell.strip() or bool(test(cell))


def rejoin(cells: list[str], slots: list[Slot], delimiter: str, limit: int = 2) -> list[Solution]:
    """The ways (at most `limit`) of giving each slot its cells, in order, all cells used."""
    found: list[Solution] = []
    extra = len(cells) - len(slots)
    if extra < 0:
        return found

    def walk(i: int, s: int, taken: list[str], joins: list[tuple[int, list[str]]]) -> None:
        if len(found) >= limit:
            return
        if s == len(slots):
            if i == len(cells):
                found.append((list(taken), list(joins)))
            return
        left = extra - (i - s)  # cells still to absorb by joins
        for size in _sizes(slots[s], cells, i, left, delimiter):
            parts = cells[i:i + size]
            taken.append(delimiter.join(parts))
            if size > 1:
                joins.append((s, parts))
            walk(i + size, s + 1, taken, joins)
            taken.pop()
            if size > 1:
                joins.pop()

    walk(0, 0, [], [])
    return found


def _sizes(slot: Slot, cells: list[str], i: int, left: int, delimiter: str) -> list[int]:
    """How many cells from `i` the slot can take."""
    if i >= len(cells):
        return []
    first = cells[i]
    if slot.kind == "text":
        sizes = [1]
        for size in range(2, left + 2):
            if i + size > len(cells) or not cells[i + size - 1][:1].isspace():
                break
            sizes.append(size)
        return sizes
    sizes = [1] if slot.fits(first) else []
    if (slot.kind == "number" and delimiter == "," and left >= 1 and i + 1 < len(cells)
            and INTEGER_PART.match(first) and CENTS.match(cells[i + 1])):
        sizes.append(2)
    return sizes
