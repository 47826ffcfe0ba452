"""An independent reading of Telefilm's amended contracts, for the tests (csv module only).

The rule (docs/data-model.md, "Amendments"): a row whose Comments names a date ("Amended
contract signed 21-OCT-08") amends the contract that an earlier row of the same recipient and
title was signed on that date (the same programme's when the recipient signed several that
day). The rows of one contract are the connected rows; the last one (by date, then by line)
counts, the others are superseded.

Written apart from the importer: regular expressions of its own, a union-find over the lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
NOTE = re.compile(r"amended contract signed\s+(\d{1,2})-([a-z]{3})[a-z]*-(\d{2}|\d{4})$", re.I)


def key(text: str) -> str:
    """Case, accents, punctuation and spacing folded."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare.lower()).split())


def cents(cell: str) -> int | None:
    value = int(Decimal(cell.replace(",", "")) * 100) if cell.strip() else 0
    return value or None


def named_date(comment: str, on: str) -> str | None:
    """The ISO date a comment names; a two-digit year in the century that keeps it before the
    row's own date."""
    m = NOTE.search(comment.strip())
    if not m:
        assert not comment.strip(), comment  # the file's only other comments are empty
        return None
    year = int(m[3])
    if year < 100:
        year += 2000 if dt.date(2000 + year, 1, 1).isoformat() <= on else 1900
    return dt.date(year, MONTHS[m[2].upper()], int(m[1])).isoformat()


def read(path: Path, first_row: int = 2) -> list[dict]:
    """The file's rows with their spreadsheet row number, keys, amount and named date."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{**r, "row": first_row + i, "who": (key(r["Recipient Name"]), key(r["Title"])),
             "amount": cents(r["Final Value"]), "named": named_date(r["Comments"], r["Date"])}
            for i, r in enumerate(rows)]


def naive_amendments(rows: list[dict]) -> set[int]:
    """The issue's count: rows whose comment names the date of another row with the same
    recipient and title (1,405 in the 2009-2018 file)."""
    dates = defaultdict(set)
    for r in rows:
        dates[r["who"], r["Date"]].add(r["row"])
    return {r["row"] for r in rows if r["named"] and dates[r["who"], r["named"]] - {r["row"]}}


def contracts(rows: list[dict]) -> tuple[dict[int, int], dict[int, int]]:
    """(row -> the row it amends, row -> the row that supersedes it), over `rows`."""
    by_day = defaultdict(list)
    for r in rows:
        by_day[r["who"], r["Date"]].append(r)
    parent = {r["row"]: r["row"] for r in rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    amends = {}
    for r in sorted(rows, key=lambda r: (r["Date"], r["row"])):
        if not r["named"]:
            continue
        earlier = [c for c in by_day[r["who"], r["named"]]
                   if (c["Date"], c["row"]) < (r["Date"], r["row"])]
        if len({find(c["row"]) for c in earlier}) > 1:
            earlier = [c for c in earlier if c["Purpose"] == r["Purpose"]] or earlier
        if earlier and len({find(c["row"]) for c in earlier}) == 1:
            amends[r["row"]] = earlier[-1]["row"]
            parent[find(r["row"])] = find(earlier[-1]["row"])
    members = defaultdict(list)
    for r in rows:
        members[find(r["row"])].append(r)
    superseded = {}
    for group in members.values():
        last = max(group, key=lambda r: (r["Date"], r["row"]))["row"]
        superseded.update({r["row"]: last for r in group if r["row"] != last})
    return amends, superseded
