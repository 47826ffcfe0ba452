"""The published labels of the CNC's commission results, normalised: aid categories to schemes
and stages, project descriptions to format and genre, people's names to a person key.

Each function reads one label and is called once per distinct value (see docs/importers/
cnc-commissions.md for the rules and the cases that were met).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cineatlas.text import clean, name_key

# -- categories: which part of the fund, at which stage ----------------------------------

#: Parts (volets) of a fund, recognised by words of the folded category label.
VOLETS: tuple[tuple[str, str, str], ...] = (
    # (key, words that name it, display name)
    ("creation", r"\bcreation\b", "Aide à la création"),
    ("chaine", r"\bchaine\b", "Aide à la chaîne"),
    ("savoirs-et-cultures", r"\bsavoirs et cultures\b", "Appel « Savoirs et Cultures »"),
)
VOLET_NAMES = {key: display for key, _, display in VOLETS}
_PILOT = re.compile(r"\bpilotes?\b")
_SESSION_TITLE = re.compile(r"\bresultats?\b.*\bcommission\b|\bcommission du\b")


@dataclass(frozen=True)
class Category:
    """A category label read: the volet (None: the fund itself), the stage and, when the
    reading is not certain, the problem code that says why."""

    volet: str | None
    stage: str | None
    unsure: str | None = None


@lru_cache(maxsize=1024)
def category(label: str) -> Category:
    """'Aide à la création', 'À LA CRÉATION' -> création, production; '… - Aide au pilote' ->
    development; a session title names no aid: the fund, stage unknown, with a warning."""
    key = name_key(label)
    if not key:
        return Category(None, None, "category-not-given")
    volets = [v for v, words, _ in VOLETS if re.search(words, key)]
    pilot = bool(_PILOT.search(key))
    if len(volets) > 1 and "savoirs-et-cultures" in volets:  # a call names its aid: the aid
        volets.remove("savoirs-et-cultures")
    if len(volets) == 1:
        volet = volets[0]
        stage = "development" if pilot else "production"
        # A themed call read from a session title: the call is certain, its aid is not said.
        unsure = "category-session-title" if volet == "savoirs-et-cultures" and not pilot else None
        return Category(volet, stage, unsure)
    if len(volets) > 1:
        return Category(None, "development" if pilot else None, "category-ambiguous")
    if pilot:
        return Category(None, "development", None)
    if _SESSION_TITLE.search(key):
        return Category(None, None, "category-session-title")
    return Category(None, None, "category-not-recognised")


# -- descriptions: format and genre -------------------------------------------------------

_SEGMENTS = re.compile(r"\s+[-–—]\s*|\s*[–—]\s+|\s*[–—]\s*")
_EPISODES = re.compile(r"\b(\d+)\s*x\s*\d+\s*(?:min|mn|minutes?)?\b")
_SERIES = re.compile(r"\b(serie|series|seriel|webserie|web serie)\b")
_SINGLE = re.compile(r"\b(unitaire)\b")
_GENRES = (("animation", re.compile(r"\b(animation|anime|stop motion)\b")),
           ("documentary", re.compile(r"\b(documentaire|documentaires|docu|documentary)\b")),
           ("fiction", re.compile(r"\b(fiction|fictions)\b")))
_HYBRID = re.compile(r"\b(hybride|docu fiction|docufiction)\b")
#: Words a segment may hold and still say only format or genre (it is then not a theme).
_FORM_WORDS = frozenset({
    "serie", "series", "seriel", "webserie", "web", "unitaire", "documentaire", "docu",
    "fiction", "animation", "d", "de", "hybride", "min", "mn", "minutes", "x", "stop", "motion",
})


@dataclass(frozen=True)
class Description:
    """What a project description says: format, genre, and the rest (a theme) as published."""

    format: str | None
    genre: str | None
    detail: str | None


@lru_cache(maxsize=4096)
def description(text: str) -> Description:
    """'Série – Documentaire - Arts / Histoire de l'Art' -> series, documentary, 'Arts /
    Histoire de l'Art'. The fund supports videos made for the Internet: a work not said to be a
    series is a web work ('web'). Animation wins over fiction (animated fiction); documentary
    and fiction together, or 'hybride', are 'other'."""
    segments = [s for s in _SEGMENTS.split(clean(text) or "") if s.strip()]
    key = name_key(text)
    episodes = [int(n) for n in _EPISODES.findall(key)]
    series = bool(_SERIES.search(key)) or any(n > 1 for n in episodes)
    fmt = "series" if series and not _SINGLE.search(key) else "web"
    found = [genre for genre, words in _GENRES if words.search(key)]
    if "animation" in found:
        genre: str | None = "animation"
    elif _HYBRID.search(key) or len(found) > 1:
        genre = "other"
    else:
        genre = found[0] if found else None
    rest = [s.strip() for s in segments
            if not set(name_key(re.sub(r"\d+", " ", s)).split()) <= _FORM_WORDS]
    return Description(fmt, genre, " - ".join(rest) or None)


# -- people: names published with role marks ----------------------------------------------

_ROLE_WORDS = {"president": "chair", "presidente": "chair", "e": "chair",
               "suppleant": "substitute", "suppleante": "substitute"}


@dataclass(frozen=True)
class Name:
    """A published name read: the person's name, the key that identifies the person, and the
    role marks written with it ('(Présidente suppléante)': chair, substitute)."""

    display: str
    key: str
    chair: bool = False
    substitute: bool = False


@lru_cache(maxsize=8192)
def person_name(published: str) -> Name:
    """'Salam JAWAD (présidente suppléante)' -> 'Salam JAWAD', chair and substitute;
    'Nora Hamzawi E)' (the end of 'Président(e)') -> 'Nora Hamzawi', chair. A parenthesis
    that is not a role ('Mathieu Guyan (Matdeuh)') stays. The key ignores case, accents,
    spaces and hyphens: 'SophieMarie Larrouy' and 'Sophie Marie Larrouy' are one person."""
    text = clean(published) or ""
    words = text[:-1].split(" ") if text.endswith(")") else []
    marks: list[str] = []
    while len(words) > 1 and (role := _ROLE_WORDS.get(name_key(words[-1]))):
        marks.append(role)
        if words.pop().startswith("("):
            break
    if marks:
        text = " ".join(words).rstrip(" (")
    return Name(text, person_key(text), "chair" in marks, "substitute" in marks)


def person_key(name: str) -> str:
    """Letters and digits of a name, folded: the same person across spacing and case."""
    return name_key(name).replace(" ", "")
