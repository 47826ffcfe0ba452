"""The agreed films' composite cells, one pure function each: directors (`NAME Firstname`,
several joined by ' / '), producers (with marks such as '(TIERS FERME)'), ranks ('3 / 1'),
TV channels ('C+ Ciné+', 'F2 M6 FRANCE 4') and nationality with co-production shares
('FRANCE-80 / ITALIE-20'). Each returns what it understood and what it could not, so the
importer can warn about the rest instead of guessing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from cineatlas.text import clean, company_key, fold, name_key

_SPLIT = re.compile(r"\s*/\s*")
#: Particles written in lower case in a display name ('DE GAULLE Charles' -> 'Charles de Gaulle').
_PARTICLES = frozenset({"de", "du", "des", "d'", "von", "van", "der", "den", "di", "da", "del"})


def split_list(cell: str | None) -> list[str]:
    """The items of a ' / '-joined cell, trimmed, empty ones dropped."""
    return [item for item in (clean(p) for p in _SPLIT.split(cell or "")) if item]


# -- people ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    published: str          # as the CNC writes it: 'LARTIGAU Eric'
    family: str | None      # 'LARTIGAU'
    given: str | None       # 'Eric'
    display: str            # 'Eric Lartigau'


def _is_upper_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _title(word: str) -> str:
    """'LARTIGAU' -> 'Lartigau', 'JEAN-PIERRE' -> 'Jean-Pierre', 'D'ARC' -> "d'Arc"."""
    low = word.lower()
    if "." in word:  # initials: 'C.S.'
        return word
    if low in _PARTICLES:
        return low
    if low.startswith("d'") and len(low) > 2:
        return "d'" + _title(word[2:])
    if low.startswith("mac") and not _is_upper_word(word):  # 'MacDONALD' -> 'MacDonald'
        return "Mac" + _title(word[3:])
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def person_name(published: str) -> Name:
    """Read `NAME Firstname`: the leading upper-case words are the family name, the rest the
    given names. A name with no such split ('RINTARO', 'Kafka') is kept whole as the family
    name (display: as written)."""
    text = clean(published) or ""
    words = text.split(" ")
    family_words: list[str] = []
    for word in words:
        if not _is_upper_word(word) and not (word[:3] == "Mac" and _is_upper_word(word[3:])):
            break
        family_words.append(word)
    given_words = words[len(family_words):]
    if not family_words or not given_words:
        return Name(text, text, None, text if not _is_upper_word(text) else _title_all(text))
    family, given = " ".join(family_words), " ".join(given_words)
    return Name(text, family, given, f"{given} {_title_all(family)}")


def _title_all(text: str) -> str:
    words = [_title(w) for w in text.split(" ")]
    if words and words[0] in _PARTICLES and len(words) == 1:
        words[0] = words[0].capitalize()
    return " ".join(words)


# -- producers -------------------------------------------------------------------------------

#: Marks the CNC appends to a producer's name -> the role they stand for.
PRODUCER_MARKS: dict[str, str] = {"tiers ferme": "tiers_ferme"}
_MARK = re.compile(r"\(\s*([^()]*?)\s*(\))?\s*$")
#: The CNC's names are cut at 64 characters: an unclosed mark of at least this many letters
#: that starts a known mark ('... LICENCES (TI') is that mark, cut.
_MIN_CUT_MARK = 2


@dataclass(frozen=True)
class Producer:
    published: str
    name: str
    mark: str | None  # e.g. 'tiers_ferme'
    cut_mark: bool = False  # the mark was read from its cut beginning ('(TI')


def producer(published: str) -> Producer:
    """A producer with its mark taken out of the name: 'SAJ (TIERS FERME)' -> 'SAJ',
    'tiers_ferme'; a mark cut by the CNC's 64-character limit ('LICENCES (TI') is read too,
    flagged `cut_mark`. Other parentheses ('FILM(S)', '(EX SMEPA)') belong to the name."""
    text = clean(published) or ""
    found = _MARK.search(text)
    if found and found.start() > 0:
        key = name_key(found.group(1))
        mark = PRODUCER_MARKS.get(key)
        cut = False
        if mark is None and found.group(2) is None and len(key) >= _MIN_CUT_MARK:
            starts = [m for k, m in PRODUCER_MARKS.items() if k.startswith(key)]
            mark, cut = (starts[0], True) if len(starts) == 1 else (None, False)
        if mark is not None:
            name = clean(text[: found.start()]) or text
            return Producer(text, name.strip('"'), mark, cut)
    return Producer(text, clean(text.strip('"')) or text, None)


#: ' ET ' or ' & ' between two names: in some years (2016 to 2018 in the 2003-2019 workbook)
#: the list joins the producers of a film with ' ET ' instead of ' / '.
_AND = re.compile(r"\s+(?:ET|et|Et|&)\s+")
#: 'A / B' is read as the company 'A ET B' only when it is credited at least this often.
_MIN_JOINED = 3


@dataclass(frozen=True)
class Reading:
    """How a producers cell was read when its items were split or joined on evidence."""

    names: list[str]          # the producer items, in order
    split: list[str]          # items read as several producers ('A ET B' -> 'A', 'B')
    joined: list[str]         # items read as one producer ('HAUT / COURT' -> 'HAUT ET COURT')


def producer_items(cell: str | None, credited: dict[str, int]) -> Reading:
    """The producer items of a cell, split on ' / ', then checked against `credited`, the
    number of times each company (by `company_key`) is credited on its own in the whole list:

    - 'A ET B' (or 'A & B') is two producers when A and B are each credited on their own
      ('MOANA FILMS ET CURIOSA FILMS'), unless 'A ET B' is an established company: credited
      at least 3 times and more than twice as often as A or B ('HAUT ET COURT', 23 times,
      against 'HAUT' once). A name whose parts are not credited on their own stays whole
      ('MILLE ET UNE PRODUCTIONS', 'PALMERAIE ET DESERT');
    - 'A / B' is the one producer 'A ET B' when that is an established company ('HAUT /
      COURT', once, is HAUT ET COURT).
    """
    items = split_list(cell)
    out: list[str] = []
    joined: list[str] = []
    i = 0
    while i < len(items):
        if i + 1 < len(items):
            whole = f"{items[i]} ET {items[i + 1]}"
            parts = max(credited.get(company_key(p), 0) for p in items[i:i + 2])
            if _established(credited.get(company_key(whole), 0), parts):
                out.append(whole)
                joined.append(whole)
                i += 2
                continue
        out.append(items[i])
        i += 1
    names: list[str] = []
    split: list[str] = []
    for item in out:
        parts = _split_and(item, credited)
        names += parts
        if len(parts) > 1:
            split.append(item)
    return Reading(names, split, joined)


def _split_and(item: str, credited: dict[str, int]) -> list[str]:
    whole = credited.get(company_key(producer(item).name), 0)
    for found in _AND.finditer(item):
        left, right = item[: found.start()], item[found.end():]
        counts = [credited.get(company_key(producer(p).name), 0) for p in (left, right)]
        if min(counts) >= 1 and not _established(whole, max(counts)):
            return _split_and(left, credited) + _split_and(right, credited)
    return [item]


def _established(whole: int, parts: int) -> bool:
    """Whether a company named 'A ET B' is established: credited at least _MIN_JOINED times
    and more than twice as often as A or B on their own."""
    return whole >= _MIN_JOINED and whole > 2 * parts


def credited_alone(cells: list[str | None]) -> dict[str, int]:
    """{company_key: number of items naming it} over every producers cell (split on ' / ')."""
    counts: dict[str, int] = {}
    for cell in cells:
        for item in split_list(cell):
            key = company_key(producer(item).name)
            if key:
                counts[key] = counts.get(key, 0) + 1
    return counts


# -- ranks -----------------------------------------------------------------------------------

#: A rank past this is no rank (a typing slip, a number pasted in the wrong column): unknown.
MAX_RANK = 200


def ranks(cell: str | None) -> tuple[list[int | None], bool]:
    """'3 / 1' -> ([3, 1], True). The bool is False when an item is not a plain whole number
    ('1 ?' -> ([1], False): the number is kept, flagged as uncertain) or is no plausible rank
    (0, or past MAX_RANK: unknown, flagged)."""
    out: list[int | None] = []
    clear = True
    for item in split_list(cell):
        plain = re.fullmatch(r"(\d+)(?:[.,]0+)?", item) is not None
        digits = re.match(r"\d+", item)
        rank = int(digits.group(0)) if digits else None
        if rank is not None and not 1 <= rank <= MAX_RANK:
            rank = None
        out.append(rank)
        clear = clear and plain and rank is not None
    return out, clear


# -- channels --------------------------------------------------------------------------------

#: Folded spellings of TV channels -> their name. Several channels share a cell, separated by
#: spaces or '/'; longer spellings are tried first ('france 4' before 'f4'-like single words).
CHANNELS: dict[str, str] = {
    "c+": "Canal+", "canal+": "Canal+", "canal plus": "Canal+", "canal +": "Canal+",
    "cine+": "Ciné+", "cine +": "Ciné+", "cinecinema": "CinéCinéma", "cine cinema": "CinéCinéma",
    "tps": "TPS", "ocs": "OCS", "orange tv": "Orange TV", "orange cinema series": "OCS",
    "tv5": "TV5Monde", "tv5 monde": "TV5Monde", "tv5monde": "TV5Monde",
    "13eme rue": "13e Rue", "13e rue": "13e Rue", "canal j": "Canal J", "altice": "Altice",
    "f2": "France 2", "france 2": "France 2", "f3": "France 3", "france 3": "France 3",
    "f4": "France 4", "france 4": "France 4", "f5": "France 5", "france 5": "France 5",
    "france o": "France Ô", "fo": "France Ô", "arte": "Arte", "tf1": "TF1", "tmc": "TMC",
    "tfx": "TFX", "nt1": "NT1", "hd1": "HD1", "m6": "M6", "w9": "W9", "6ter": "6ter",
    "direct 8": "Direct 8", "d8": "D8", "c8": "C8", "rmc story": "RMC Story", "gulli": "Gulli",
    "nrj12": "NRJ 12", "nrj 12": "NRJ 12",
}
_LONGEST = max(len(k.split(" ")) for k in CHANNELS)


class Channels(NamedTuple):
    found: list[str]     # the channels named, in order, without repeats
    unknown: list[str]   # words not recognised: each kept as a channel, as published
    unnamed: list[str]   # marks with no letter or digit ('-', '?'): they name no channel


def channels(cell: str | None) -> Channels:
    """The channels named in a cell, in order and without repeats; the words not recognised
    (each kept as a channel under its published spelling); the marks that name no channel
    (no letter or digit: '-', '?'), left out."""
    words = fold(cell or "").replace("/", " ").split()
    original = (cell or "").replace("/", " ").split()
    found: list[str] = []
    unknown: list[str] = []
    unnamed: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            key = " ".join(words[i:i + size])
            if key in CHANNELS:
                name = CHANNELS[key]
                i += size
                break
        else:
            name = original[i]
            i += 1
            if not name_key(name):
                unnamed.append(name)
                continue
            unknown.append(name)
        if name not in found:
            found.append(name)
    return Channels(found, unknown, unnamed)


# -- nationality -----------------------------------------------------------------------------

#: The CNC's abbreviations of countries (folded) -> ISO 3166-1 alpha-2. Full names and ISO
#: codes are read by the geocoder; these are the CNC's own short forms.
COUNTRY_ABBREVIATIONS: dict[str, str] = {
    "all": "DE", "belg": "BE", "dan": "DK", "port": "PT", "roum": "RO", "bulg": "BG",
    "r u": "GB", "af du sud": "ZA", "rep tcheq": "CZ", "rep tch": "CZ", "rep tcheque": "CZ",
    "bosnie herz": "BA",
    "kirghiztan": "KG", "fin": "FI", "it": "IT", "es": "ES", "esp": "ES", "fr": "FR",
    "can": "CA", "lux": "LU", "irl": "IE", "isr": "IL", "mex": "MX", "pol": "PL", "arg": "AR",
    "gb": "GB",
}
_SHARE = re.compile(r"^(.*?)\s*-\s*(\d+(?:[.,]\d+)?)\s*%?$")


@dataclass(frozen=True)
class Share:
    label: str               # as published: 'ITALIE '
    percent: float | None    # 20.0; None when not written


def nationality(cell: str | None) -> list[Share]:
    """'FRANCE-80 / ITALIE-20' -> [Share('FRANCE', 80), Share('ITALIE', 20)]."""
    shares = []
    for item in split_list(cell):
        found = _SHARE.match(item)
        if found and found.group(1).strip():
            shares.append(Share(found.group(1).strip(), float(found.group(2).replace(",", "."))))
        else:
            shares.append(Share(item, None))
    return shares
