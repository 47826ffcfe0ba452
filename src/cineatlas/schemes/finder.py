"""The finder: which schemes may apply to a person, and why.

A person says who they are (`Profile`: roles, territory, stage, format, genre, first or second
work); `find` goes through the catalogue and answers every scheme that **may** apply, each
with one `Reason` per criterion:

- **met** — the scheme publishes the criterion and the person's value is in it (which value,
  and how the catalogue knows it: published, read from the scheme's name, from the funder);
- **unknown** — the scheme does not publish it: said so, and the scheme is kept. Unknown is
  never "not eligible";
- **not met** — the scheme publishes it and the person's value is not in it: the scheme is
  left out (listed with `include_excluded`, with the reason).

The territory is met when the scheme's reach (`schemes.geography.reach`) holds the person's
territory or one of the territories it lies in, and none of its exclusions does. A reach read
from the funder ("national scheme of the CNC") is a weaker match than a published geographic
eligibility, and said as such. A scheme whose closing date is past is left out unless asked.

Matches are sorted by their next deadline or session (those with no known next date after),
then by how many criteria are met (published ones first) and how few unknown, then by level,
widest first. `observed` is the hook through which the lead wires what each scheme observably
funded for people like them (`queries.scheme_outcomes`, the observed part of issue 13).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cineatlas.errors import AtlasError
from cineatlas.queries.schemes import LEVEL_ORDER, Catalogue, Scheme
from cineatlas.schemes.geography import reach, territory_of
from cineatlas.store import vocabularies as vocab
from cineatlas.territories.geocode import Geocoder
from cineatlas.text import name_key

#: The criteria, in the order reasons are given, with their labels.
CRITERIA: dict[str, tuple[str, str]] = {
    "territory": ("Territoire", "Territory"),
    "role": ("Qui peut déposer", "Who may apply"),
    "stage": ("Étape", "Stage"),
    "format": ("Format", "Format"),
    "genre": ("Genre", "Genre"),
    "work_rank": ("Premières ou deuxièmes œuvres", "First or second works"),
    "dates": ("Dates", "Dates"),
}
#: A reason's status, in words (pages and CLI never say it by colour only).
STATUSES: dict[str, tuple[str, str]] = {
    "met": ("Rempli", "Met"),
    "unknown": ("Non publié", "Not published"),
    "not_met": ("Non rempli", "Not met"),
}
#: A scheme's level as an adjective ("national scheme of …"), French and English.
LEVEL_ADJECTIVES: dict[str, tuple[str, str]] = {
    "european": ("européen", "European"), "national": ("national", "national"),
    "provincial": ("provincial", "provincial"), "regional": ("régional", "regional"),
    "departmental": ("départemental", "departmental"),
    "metropolitan": ("métropolitain", "metropolitan"),
    "intercommunal": ("intercommunal", "intercommunal"), "communal": ("communal", "municipal"),
    "other": ("public", "public"),
}
#: The scheme dates that announce something to prepare for.
NEXT_KINDS = ("deadline", "session")
#: Territory levels a person may name, from the narrowest.
PLACE_LEVELS = ("commune", "municipality", "metropolis", "department", "qc_region", "region",
                "province", "country")
_POSTAL_OR_INSEE = re.compile(r"^\d[\dAB]\d{3}$", re.IGNORECASE)
_DEPARTMENT = re.compile(r"^(\d{2,3}|2[AB])$", re.IGNORECASE)
#: The profile's criteria and the scheme field each is read from.
_FIELDS = {"role": "applicants", "stage": "stages", "format": "formats", "genre": "genres",
           "work_rank": "work_ranks"}
_VOCABULARIES = {"role": vocab.APPLICANTS, "stage": vocab.STAGES, "format": vocab.FORMATS,
                 "genre": vocab.GENRES, "work_rank": vocab.WORK_RANKS}


class ProfileError(AtlasError):
    """A profile the finder cannot read: an unknown code, a territory it cannot place."""


class TerritoryNotFound(ProfileError):
    """No territory of the atlas is named so."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"No territory of the atlas is named or coded {text!r}. Give a commune, a postal "
            "code, a département, a région, a province or a Québec region, by name or code "
            "(Bordeaux, 33000, 33, Gironde, Nouvelle-Aquitaine, FR-R75, REG-75, CA-QC).")


class AmbiguousTerritory(ProfileError):
    """Several territories are named so: the candidates, for the person to choose."""

    def __init__(self, text: str, candidates: list[Place]) -> None:
        self.text = text
        self.candidates = candidates
        listed = "; ".join(c.describe("en") for c in candidates)
        super().__init__(f"{text!r} names {len(candidates)} territories: {listed}. Give one "
                         "of their codes instead.")


@dataclass(frozen=True)
class Place:
    """A territory the person named: its id, name, level, and the territories it lies in
    (nearest first, its country last)."""

    territory_id: str
    name: str
    level: str
    country_code: str
    within: tuple[str, ...]
    within_names: tuple[str, ...] = ()

    @property
    def chain(self) -> tuple[str, ...]:
        """Itself and every territory it lies in."""
        return (self.territory_id, *self.within)

    def describe(self, lang: str = "en") -> str:
        """'Bordeaux (commune, Gironde, FR-C33063)'."""
        level = vocab.label(vocab.LEVELS, self.level, lang)
        parent = f", {self.within_names[0]}" if self.within_names else ""
        return f"{self.name} ({level}{parent}, {self.territory_id})"

    def as_dict(self) -> dict[str, Any]:
        return {"territory_id": self.territory_id, "name": self.name, "level": self.level,
                "country_code": self.country_code, "within": list(self.within)}


def place(geocoder: Geocoder, territory_id: str) -> Place:
    """The `Place` of a territory id the geocoder knows."""
    row = geocoder.rows[territory_id]
    within = [t for t in geocoder.ancestors(territory_id)
              if t in geocoder.rows and t != territory_id]
    if row.country_code in geocoder.rows and row.country_code not in within \
            and row.country_code != territory_id:
        within.append(row.country_code)
    names = tuple(geocoder.rows[t].name or t for t in within)
    return Place(territory_id, row.name or territory_id, row.level, row.country_code,
                 tuple(within), names)


def resolve_territory(geocoder: Geocoder, text: str) -> Place:
    """The territory `text` designates: a territory id (FR-R75, CA-QC-R06), a COG code
    (REG-75, DEP-33, COM-33063), an INSEE commune code or a postal code (33063, 33000), a
    département's number (33, 2A), or a name (Bordeaux, Gironde, Nouvelle-Aquitaine, Québec,
    Montérégie). Raises TerritoryNotFound when nothing matches, AmbiguousTerritory (with the
    candidates) when several do: never a guess."""
    words = (text or "").strip()
    if not words:
        raise TerritoryNotFound(words)
    code = territory_of(words.upper()) if len(words) <= 20 else None
    if code and code in geocoder.rows:
        return place(geocoder, code)
    candidates: set[str] = set()
    if _POSTAL_OR_INSEE.match(words):
        candidates |= set(geocoder.postal_communes(words))
        commune = geocoder.commune(words)
        if commune:
            candidates.add(commune)
    elif _DEPARTMENT.match(words):
        department = geocoder.department(words)
        if department:
            candidates.add(department)
    else:
        candidates |= set(geocoder.places_named(words, PLACE_LEVELS))
    if not candidates:
        raise TerritoryNotFound(words)
    if len(candidates) > 1:
        order = {level: i for i, level in enumerate(reversed(PLACE_LEVELS))}
        found = sorted((place(geocoder, t) for t in candidates),
                       key=lambda p: (order.get(p.level, 99), p.name, p.territory_id))
        raise AmbiguousTerritory(words, found)
    return place(geocoder, candidates.pop())


@dataclass(frozen=True)
class Profile:
    """Who the person is. Every criterion is optional: one not given is not asked of the
    schemes. `roles` are APPLICANTS codes (a writer-director: author and director), `stage` a
    STAGES code, `format` a FORMATS code, `genre` a GENRES code, `work_rank` first | second |
    later."""

    roles: tuple[str, ...] = ()
    territory: Place | None = None
    stage: str | None = None
    format: str | None = None
    genre: str | None = None
    work_rank: str | None = None

    def __post_init__(self) -> None:
        for criterion, vocabulary in _VOCABULARIES.items():
            values = self.roles if criterion == "role" else (getattr(self, criterion),)
            for value in values:
                if value is not None and value not in vocabulary:
                    known = ", ".join(vocabulary)
                    raise ProfileError(f"Unknown {criterion.replace('_', ' ')} {value!r}: "
                                       f"give one of {known}.")

    def wanted(self, criterion: str) -> tuple[str, ...]:
        """The person's values for a criterion (none: not asked)."""
        if criterion == "role":
            return self.roles
        value = getattr(self, criterion)
        return (value,) if value is not None else ()

    def as_dict(self) -> dict[str, Any]:
        return {"roles": list(self.roles),
                "territory": self.territory.as_dict() if self.territory else None,
                "stage": self.stage, "format": self.format, "genre": self.genre,
                "work_rank": self.work_rank}


@dataclass(frozen=True)
class Reason:
    """One criterion of one scheme for one person: its status (met | unknown | not_met), the
    person's values, what the scheme publishes, and how the catalogue knows it (`basis`: the
    rule of the field's sources — published, name, funder, decisions); `weak` for a match read
    from the funder rather than published; `fr` and `en` say it in words."""

    criterion: str
    status: str
    wanted: tuple[str, ...]
    published: tuple[str, ...]
    basis: str | None
    fr: str
    en: str
    weak: bool = False

    def text(self, lang: str = "en") -> str:
        return self.fr if lang == "fr" else self.en

    def label(self, lang: str = "en") -> str:
        """'Territory: met — …' in words."""
        fr, en = CRITERIA[self.criterion]
        status = vocab.label(STATUSES, self.status, lang)
        colon = "\u202f:" if lang == "fr" else ":"
        return f"{fr if lang == 'fr' else en}{colon} {status.lower()} — {self.text(lang)}"

    def as_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "status": self.status, "wanted": list(self.wanted),
                "published": list(self.published), "basis": self.basis, "weak": self.weak,
                "text": {"fr": self.fr, "en": self.en}}


@dataclass
class Match:
    """A scheme the finder answers, with its reasons; `eligible` is False when a criterion is
    not met (listed only when asked); `next_date` its next deadline or session (a dates row);
    `observed` what it observably funded for people like the person (None until wired)."""

    scheme: Scheme
    reasons: list[Reason]
    next_date: dict[str, Any] | None
    observed: Any = None
    eligible: bool = field(init=False)

    def __post_init__(self) -> None:
        self.eligible = all(r.status != "not_met" for r in self.reasons)

    def count(self, status: str) -> int:
        return sum(1 for r in self.reasons if r.status == status)

    def as_dict(self) -> dict[str, Any]:
        date = self.next_date
        return {"scheme": self.scheme.as_dict(), "eligible": self.eligible,
                "next_date": None if date is None else {
                    "kind": date["kind"], "date": date["date"].isoformat(),
                    "title": date.get("title"), "url": date.get("url")},
                "met": self.count("met"), "unknown": self.count("unknown"),
                "not_met": self.count("not_met"),
                "reasons": [r.as_dict() for r in self.reasons], "observed": self.observed}


#: What each scheme observably funded for people like them: (scheme, profile) -> a JSON-able
#: value shown beside the match (the observed part's `queries.scheme_outcomes`).
Observed = Callable[[Scheme, Profile], Any]


def find(catalogue: Catalogue, profile: Profile, *, geocoder: Geocoder | None = None,
         today: dt.date | None = None, include_excluded: bool = False,
         include_closed: bool = False, observed: Observed | None = None) -> list[Match]:
    """Every scheme of `catalogue` that may apply to `profile`, sorted (module docstring).

    `geocoder` places the territories a reach names (needed to say that a scheme open in a
    département lies inside the région the person gave); `today` (default: today) decides
    which schemes are closed and which date is next; `include_excluded` lists the schemes a
    criterion rules out too (`Match.eligible` False), `include_closed` keeps closed schemes
    among the eligible ones; `observed` fills each match's `observed`."""
    today = today or dt.date.today()
    matches = []
    for scheme in catalogue.entries:
        reasons = [r for r in (_territory(scheme, profile, geocoder),
                               *(_listed(scheme, profile, c) for c in _FIELDS),
                               _dates(scheme, today, include_closed)) if r is not None]
        match = Match(scheme, reasons, next_date(scheme, today))
        if not match.eligible and not include_excluded:
            continue
        if observed is not None:
            match.observed = observed(scheme, profile)
        matches.append(match)
    matches.sort(key=_order)
    return matches


def next_date(scheme: Scheme, today: dt.date) -> dict[str, Any] | None:
    """The scheme's next deadline or session on or after `today` (None when none is known)."""
    coming = [d for d in scheme.dates if d["kind"] in NEXT_KINDS and _day(d["date"]) >= today]
    return min(coming, key=lambda d: (_day(d["date"]), d["kind"])) if coming else None


def _order(match: Match) -> tuple:
    date = match.next_date
    level = match.scheme.level
    return (not match.eligible, date is None, _day(date["date"]) if date else dt.date.max,
            -sum(1 for r in match.reasons if r.status == "met" and not r.weak),
            -sum(1 for r in match.reasons if r.status == "met" and r.weak),
            match.count("unknown"),
            LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER),
            match.scheme.name.casefold())


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _basis(scheme: Scheme, name: str) -> str | None:
    """The rule by which the catalogue knows a field: its sources' strongest."""
    rules = [s.get("rule") for s in scheme.field_sources.get(name, [])]
    for rule in ("published", "funder", "name", "decisions"):
        if rule in rules:
            return rule
    return None


#: How the catalogue knows a value, said after it (none for a value published as such).
_HOW = {"name": (" (lu dans le nom publié du dispositif)", " (read from the scheme's published "
                                                             "name)"),
        "funder": (" (déduit du financeur)", " (from the funder)"),
        "decisions": (" (observé dans les décisions publiées, pas la règle du dispositif)",
                      " (observed in the published decisions, not the scheme's rule)")}


def _labels(vocabulary: dict[str, tuple[str, str]], codes: Iterable[str]) -> tuple[str, str]:
    codes = list(codes)
    return (", ".join(vocab.label(vocabulary, c, "fr").lower() for c in codes),
            ", ".join(vocab.label(vocabulary, c, "en").lower() for c in codes))


def _listed(scheme: Scheme, profile: Profile, criterion: str) -> Reason | None:
    """A criterion read from a list field (applicants, stages, formats, genres, work ranks)."""
    wanted = profile.wanted(criterion)
    if not wanted:
        return None
    name, vocabulary = _FIELDS[criterion], _VOCABULARIES[criterion]
    published = tuple(scheme.get(name) or ())
    fr_label, en_label = (s.lower() for s in CRITERIA[criterion])
    if not published:
        return Reason(criterion, "unknown", wanted, (), None,
                      f"le dispositif ne publie pas ce critère ({fr_label})\u202f: "
                      "à vérifier auprès du financeur",
                      f"the scheme does not publish this criterion ({en_label}): check with the "
                      "funder")
    basis = _basis(scheme, name)
    how_fr, how_en = _HOW.get(basis or "", ("", ""))
    shown_fr, shown_en = _labels(vocabulary, published)
    hits = [w for w in wanted if w in published]
    if hits:
        hit_fr, hit_en = _labels(vocabulary, hits)
        return Reason(criterion, "met", wanted, published, basis,
                      f"{hit_fr}, parmi\u202f: {shown_fr}{how_fr}",
                      f"{hit_en}, among: {shown_en}{how_en}")
    want_fr, want_en = _labels(vocabulary, wanted)
    return Reason(criterion, "not_met", wanted, published, basis,
                  f"{want_fr} n'y figure pas\u202f; le dispositif publie\u202f: {shown_fr}{how_fr}",
                  f"{want_en} is not among them; the scheme publishes: {shown_en}{how_en}")


def _territory(scheme: Scheme, profile: Profile, geocoder: Geocoder | None) -> Reason | None:
    person = profile.territory
    if person is None:
        return None
    where = reach(scheme)
    chain = set(person.chain)
    wanted = (person.territory_id,)

    def name(tid: str) -> str:
        row = geocoder.rows.get(tid) if geocoder else None
        return (row.name if row and row.name else tid)

    excluded = [t for t in where.exclusions if t in chain]
    if excluded:
        names = ", ".join(name(t) for t in excluded)
        return Reason("territory", "not_met", wanted, where.exclusions, where.basis,
                      f"{person.name} est dans un territoire exclu du dispositif\u202f: {names}",
                      f"{person.name} lies in a territory the scheme excludes: {names}")
    if where.basis is None:
        return Reason("territory", "unknown", wanted, (), None,
                      "le dispositif ne publie pas où il s'applique et le territoire de son "
                      "financeur n'est pas connu",
                      "the scheme does not publish where it applies and its funder's territory "
                      "is not known")
    hits = [t for t in where.territories if t in chain]
    if hits and where.basis == "funder":
        level_fr, level_en = LEVEL_ADJECTIVES.get(scheme.funder_level or scheme.level or "",
                                                  ("public", "public"))
        funder = scheme.funder_name or "?"
        return Reason("territory", "met", wanted, where.territories, "funder",
                      f"lu dans le financeur\u202f: dispositif {level_fr} de "
                      f"«\u202f{funder}\u202f», qui couvre {name(hits[0])}\u202f; "
                      "le dispositif ne publie pas sa couverture géographique",
                      f"read from the funder: {level_en} scheme of {funder}, which covers "
                      f"{name(hits[0])}; the scheme does not publish its geographic "
                      "eligibility", weak=True)
    inner = [t for t in where.exclusions if geocoder is not None and t in geocoder.rows
             and person.territory_id in geocoder.ancestors(t)]
    if hits and inner:
        names, out = ", ".join(name(t) for t in hits), ", ".join(name(t) for t in inner)
        return Reason("territory", "unknown", wanted, where.territories, where.basis,
                      f"ouvert à {names} sauf {out}, qui fait partie de {person.name}\u202f: "
                      "à vérifier",
                      f"open in {names} except {out}, part of {person.name}: check")
    if hits:
        names = ", ".join(name(t) for t in hits)
        return Reason("territory", "met", wanted, where.territories, "published",
                      f"ouvert à {names} (couverture géographique publiée), où se trouve "
                      f"{person.name}",
                      f"open in {names} (published geographic eligibility), where "
                      f"{person.name} lies")
    inside = [t for t in where.territories if geocoder is not None and t in geocoder.rows
              and person.territory_id in geocoder.ancestors(t)]
    if inside or where.unmapped:
        parts_fr, parts_en = [], []
        if inside:
            names = ", ".join(name(t) for t in inside)
            parts_fr.append(f"ouvert à une partie de {person.name} seulement ({names})")
            parts_en.append(f"open in part of {person.name} only ({names})")
        if where.unmapped:
            codes = ", ".join(where.unmapped)
            parts_fr.append(f"ouvert aussi à des territoires que l'atlas ne sait pas placer "
                            f"({codes})")
            parts_en.append(f"also open in territories the atlas cannot place ({codes})")
        return Reason("territory", "unknown", wanted, where.territories + where.unmapped,
                      where.basis, "\u202f; ".join(parts_fr)
                      + "\u202f: à vérifier",
                      "; ".join(parts_en) + ": check")
    names = ", ".join(name(t) for t in where.territories)
    how_fr, how_en = (("couverture géographique publiée", "published geographic eligibility")
                      if where.basis == "published" else
                      ("lu dans le financeur", "read from the funder"))
    return Reason("territory", "not_met", wanted, where.territories, where.basis,
                  f"ouvert à {names} seulement ({how_fr}), pas à {person.name}",
                  f"open in {names} only ({how_en}), not in {person.name}",
                  weak=where.basis == "funder")


def _dates(scheme: Scheme, today: dt.date, include_closed: bool) -> Reason:
    opens, closes = scheme.get("opens_at"), scheme.get("closes_at")
    shown = tuple(v.isoformat()[:10] for v in (opens, closes) if v is not None)
    if closes is not None and _day(closes) < today:
        day = _day(closes).isoformat()
        return Reason("dates", "met" if include_closed else "not_met", (), shown,
                      _basis(scheme, "closes_at"),
                      f"clos depuis le {day}", f"closed since {day}")
    if opens is not None and _day(opens) > today:
        day = _day(opens).isoformat()
        until_fr = f", jusqu'au {_day(closes).isoformat()}" if closes is not None else ""
        until_en = f", until {_day(closes).isoformat()}" if closes is not None else ""
        return Reason("dates", "met", (), shown, _basis(scheme, "opens_at"),
                      f"ouvre le {day}{until_fr}", f"opens on {day}{until_en}")
    if closes is not None:
        day = _day(closes).isoformat()
        return Reason("dates", "met", (), shown, _basis(scheme, "closes_at"),
                      f"ouvert jusqu'au {day}", f"open until {day}")
    if opens is not None:
        day = _day(opens).isoformat()
        return Reason("dates", "met", (), shown, _basis(scheme, "opens_at"),
                      f"ouvert depuis le {day}, sans date de clôture publiée",
                      f"open since {day}, no closing date published")
    return Reason("dates", "unknown", (), (), None,
                  "dates d'ouverture et de clôture non publiées",
                  "opening and closing dates not published")


def profile_from(geocoder: Geocoder, *, roles: Sequence[str] = (), territory: str | None = None,
                 stage: str | None = None, format: str | None = None,  # noqa: A002
                 genre: str | None = None, first_work: bool = False,
                 second_work: bool = False, work_rank: str | None = None) -> Profile:
    """A Profile from what a person typed (CLI, API, page): the territory resolved (raises
    TerritoryNotFound or AmbiguousTerritory), empty values not asked."""
    if first_work and second_work:
        raise ProfileError("Say first work or second work, not both.")
    rank = work_rank or ("first" if first_work else "second" if second_work else None)
    return Profile(roles=tuple(r for r in roles if r),
                   territory=resolve_territory(geocoder, territory) if territory else None,
                   stage=stage or None, format=format or None, genre=genre or None,
                   work_rank=rank)


def select(entries: Iterable[Scheme], *, funders: Sequence[str] = (),
           levels: Sequence[str] = (), stage: str | None = None,
           work_format: str | None = None) -> list[Scheme]:
    """The catalogue's entries filtered as the list pages and `schemes list` do: of one of
    `funders` (an organisation id, or words of its name), at one of `levels`, publishing
    `stage` and `work_format` among their stages and formats (a scheme that does not publish
    them is left out of such a filtered list: the finder, not the list, keeps unknowns)."""
    keys = [name_key(f) for f in funders if f]
    out = []
    for e in entries:
        if keys and not any(f in e.funder_ids or (k and k in name_key(e.funder_name or ""))
                            for f, k in zip(funders, keys, strict=False)):
            continue
        if levels and e.level not in levels:
            continue
        if stage and stage not in (e.get("stages") or ()):
            continue
        if work_format and work_format not in (e.get("formats") or ()):
            continue
        out.append(e)
    return out
