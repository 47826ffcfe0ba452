"""Amended contracts: what a free-text note says about an amendment, and which award it amends.

A funder may re-disclose an amended contract as a new row (Telefilm: "Amended contract signed
21-OCT-08" in `Comments`, the row's own date being the amendment's). Only structured facts are
read from the note, never kept as text: that it is an amendment and the dates it names.

`link_amendments` then gathers the rows of one contract (same recipient, same title, the
amendment naming the signing date of an earlier row) and picks the row that counts: the
contract's last one. The rule is documented in docs/data-model.md ("Amendments").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cineatlas.text import fold

#: Words saying that a note is about an amendment (folded: English and French).
_AMENDMENT = re.compile(r"\b(amend\w*|avenant\w*|modifi\w*|revis\w*|addend\w*)\b")

_MONTH_NAMES = {
    1: ("january", "janvier"), 2: ("february", "fevrier"), 3: ("march", "mars"),
    4: ("april", "avril"), 5: ("may", "mai"), 6: ("june", "juin"), 7: ("july", "juillet"),
    8: ("august", "aout"), 9: ("september", "septembre"), 10: ("october", "octobre"),
    11: ("november", "novembre"), 12: ("december", "decembre"),
}


def _month_prefixes() -> dict[str, int]:
    """Every prefix of three letters or more that names one month only ('sep', 'sept',
    'juil'; not 'jui', which is juin or juillet)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for month, names in _MONTH_NAMES.items():
        for name in names:
            for n in range(3, len(name) + 1):
                seen[name[:n]].add(month)
    return {prefix: months.pop() for prefix, months in seen.items() if len(months) == 1}


MONTHS = _month_prefixes()
_WORD_MONTH = r"([a-z]{3,9})\.?"
_DATE_FORMS = (
    # 21-OCT-08, 11-SEPT-07, 29-Aug-2017, 21 octobre 2008, 1er mars 2010
    (re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?[\s./-]*{_WORD_MONTH}[\s./,-]*(\d{{4}}|\d{{2}})\b"),
     ("d", "m", "y")),
    # October 21, 2008
    (re.compile(rf"\b{_WORD_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
     ("m", "d", "y")),
    # 2008-10-21
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    # 21/10/2008, 21.10.08 (day first)
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b"), ("d", "m", "y")),
)


@lru_cache(maxsize=65536)
def amendment_note(text: str) -> str | None:
    """The structured facts of a note: None when it says nothing of an amendment, else the
    dates it names as 'Y-M-D' separated by spaces ('' when it names none). A two-digit year
    stays two digits: its century is resolved against the row's date (`named_dates`).

    'Amended contract signed  21-OCT-08' -> '08-10-21'; 'Avenant signé le 3 mars 2010' ->
    '2010-3-3'; 'Festival screening' -> None."""
    folded = fold(text).lower()
    if not _AMENDMENT.search(folded):
        return None
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in _DATE_FORMS:
        for m in pattern.finditer(folded):
            if any(start < m.end() and m.start() < end for start, end in taken):
                continue
            parts = dict(zip(order, m.groups(), strict=True))
            month = parts["m"] if parts["m"].isdigit() else MONTHS.get(parts["m"])
            if month is None or not _is_day(parts["y"], int(month), int(parts["d"])):
                continue
            taken.append(m.span())
            found.append((m.start(), f"{parts['y']}-{int(month)}-{int(parts['d'])}"))
    return " ".join(date for _, date in sorted(found))


def _is_day(year: str, month: int, day: int) -> bool:
    """A day of the calendar (29 February of any two-digit year: its century is not known)."""
    try:
        dt.date(int(year) if len(year) == 4 else 2000, month, day)
    except ValueError:
        return False
    return True


def named_dates(note: str | None, on: dt.date | None) -> tuple[dt.date, ...]:
    """The dates of `amendment_note`, as dates. A two-digit year is in the latest century that
    does not put it after the year of `on` (the row's date: a contract is signed before it is
    amended); without a date, after this year."""
    if not note:
        return ()
    latest = (on or dt.date.today()).year
    dates = []
    for token in note.split():
        y, m, d = token.split("-")
        year = int(y)
        if len(y) == 2:
            year += 2000 if 2000 + year <= latest else 1900
        try:
            date = dt.date(year, int(m), int(d))
        except ValueError:  # 31 February, or 29 February of a year that has none
            continue
        dates.append(date)
    return tuple(dates)


# -- linking ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """What linking needs of an award."""

    award_id: str
    party: str | None          # the recipient's matching key
    title: str | None          # the title's matching key
    programme: str | None      # the programme's matching key
    date: dt.date | None       # the row's own (decision or amendment) date
    named: dt.date | None      # the contract signing date the note names; None: no amendment
    original: int | None       # original value, minor units
    amount: int | None         # final value, minor units
    order: tuple               # sort key among rows of the same date (source, row number)


@dataclass(frozen=True)
class Link:
    award_id: str
    amends_award_id: str | None
    superseded_by: str | None
    #: None, 'amended-contract-not-found' or 'ambiguous-amendment'
    problem: str | None = None


def link_amendments(rows: Iterable[Row]) -> list[Link]:
    """One link per row: the award it amends and the award that supersedes it, if any.

    Rows are taken in date order. An amendment joins the contract of the earlier rows of the
    same recipient and title dated on the date its note names; when those belong to several
    contracts, the ones of the same programme, then those whose original value is the
    amendment's, are kept; still several: ambiguous, the row is counted as itself. A contract's
    last row (latest date, then last published) is the one that counts; every other row of it
    is superseded by that one."""
    ordered = sorted(rows, key=lambda r: (r.date is None, r.date or dt.date.max, r.order))
    contract: dict[str, str] = {}                 # award id -> id of its contract's first row
    members: dict[str, list[str]] = {}            # contract -> award ids, in order
    by_day: dict[tuple, list[Row]] = defaultdict(list)
    amends: dict[str, str] = {}
    problems: dict[str, str] = {}
    for r in ordered:
        root = r.award_id
        if r.named is not None and r.party is not None and r.title is not None:
            candidates = by_day.get((r.party, r.title, r.named), [])
            chosen = _narrow(r, candidates, contract)
            if len(chosen) == 1:
                root = chosen[0]
                amended = [c for c in candidates if contract[c.award_id] == root][-1]
                amends[r.award_id] = amended.award_id
            elif chosen:
                problems[r.award_id] = "ambiguous-amendment"
            elif r.named != r.date:  # a row naming its own date is the contract's first
                problems[r.award_id] = "amended-contract-not-found"
        elif r.named is not None:
            problems[r.award_id] = "amended-contract-not-found"
        contract[r.award_id] = root
        members.setdefault(root, []).append(r.award_id)
        if r.date is not None:
            by_day[(r.party, r.title, r.date)].append(r)
    final = {root: ids[-1] for root, ids in members.items()}
    links = []
    for r in ordered:
        last = final[contract[r.award_id]]
        links.append(Link(r.award_id, amends.get(r.award_id),
                          None if last == r.award_id else last, problems.get(r.award_id)))
    return links


def _narrow(r: Row, candidates: list[Row], contract: dict[str, str]) -> list[str]:
    """The contracts an amendment may belong to, narrowed by programme then original value."""
    def contracts(rows: Iterable[Row]) -> list[str]:
        return list(dict.fromkeys(contract[c.award_id] for c in rows))

    chosen = contracts(candidates)
    for same in (lambda c: c.programme == r.programme,
                 lambda c: r.original is not None and r.original in (c.original, c.amount)):
        if len(chosen) > 1:
            narrowed = contracts(c for c in candidates
                                 if contract[c.award_id] in chosen and same(c))
            chosen = narrowed or chosen
    return chosen
