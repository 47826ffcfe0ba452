"""The shipped copy of a publisher's CSV that holds personal data: columns removed, contact data
taken out of every other cell.

    content = shipped_content(original_bytes, remove_columns=("adresse_e_mail",))

The copy keeps the original's encoding (and byte-order mark), delimiter and line ends; cells
are quoted only where the CSV format needs it. E-mail addresses and phone numbers found in the
remaining cells are replaced by the marks of `cineatlas.contacts` ('[e-mail removed]').
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cineatlas.contacts import scrub_texts
from cineatlas.errors import AtlasError

DELIMITERS = ";,\t|"


def shipped_content(data: bytes, remove_columns: Sequence[str]) -> bytes:
    """`data` (a CSV file) without the columns `remove_columns` and without contact data."""
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252"), "cp1252"
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    delimiter = max(DELIMITERS, key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    missing = [c for c in remove_columns if c not in header]
    if missing:
        raise AtlasError(f"The file has no column {', '.join(map(repr, missing))} to remove "
                         f"(its columns: {header}). Check remove_columns in manifest.toml.")
    drop = {header.index(c) for c in remove_columns}
    kept = [[cell for i, cell in enumerate(row) if i not in drop] for row in rows]
    width = max(len(row) for row in kept)
    for column in range(width):  # column by column: one regex pass over each
        cells = [row[column] if column < len(row) else None for row in kept[1:]]
        for row, cell in zip(kept[1:], scrub_texts(cells), strict=True):
            if column < len(row):
                row[column] = cell or ""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(kept)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)
