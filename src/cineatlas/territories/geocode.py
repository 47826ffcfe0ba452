"""Geocoding against the reference territories: INSEE codes, postal codes, city names,
provinces / states / countries. Every lookup answers a territory id, or None when the text
is unknown or ambiguous: the geocoder never guesses.

    geocoder = Geocoder.from_store(store)          # loads the lookup tables once
    geocoder.commune("75108")                      # 'FR-C75108'
    geocoder.city("Montreal", country="CA")        # 'CA-QC-M66023'
    geocoder.resolve_city("Ville-Marie", country="CA", postal_code="H3B 2Y5")
    #   CityMatch('CA-QC-M66023', None, ()): the borough, by the postal code's area
    territory = map_unique(frame["city"], geocoder.city)   # once per distinct value

`city` answers only certain matches; `resolve_city` also answers, for Québec, the reading the
evidence supports when a name is shared, with a note saying why (a warning for the importer).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

from cineatlas.parsing import map_unique as _map_unique
from cineatlas.territories.tables import place_key

if TYPE_CHECKING:
    from cineatlas.store import Store

_INSEE = re.compile(r"^(\d[\dAB]\d{3})$")
#: A Canadian postal code or its forward sortation area (first three characters).
_CA_POSTAL = re.compile(r"^([A-Z]\d[A-Z])(\d[A-Z]\d)?$")
#: A name shared by several Québec places names the most populous one when each other one has
#: at most this share of its population (lands where nobody, or a handful, lives).
SHARED_NAME_SHARE = 0.01
#: Levels a qualifier ('Ville-Marie, Montréal', 'Laval (Québec)') may name.
_QUALIFIER_LEVELS = ("province", "state", "qc_region", "region", "department", "metropolis",
                     "municipality", "commune")
_ARTICLE_AFTER = re.compile(r"^\s*(.+?)\s*\(\s*(le|la|les|l'|l’)\s*\)\s*$", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*(\(.*\)|,.*)$")
#: Priority of each level when a text may name several kinds of place (lower wins).
_PLACE_PRIORITY = {"province": 0, "state": 1, "country": 2}
_CITY_LEVELS = ("commune", "municipality")
#: A country's ISO 3166-1 code (alpha-2 'de', alpha-3 'and', 'can'): matched only where the text
#: is known to name a country (`Geocoder.country`), for such codes are also province and state
#: codes ('CA' California, 'DE' Delaware, 'NL' Newfoundland and Labrador) and ordinary words
#: ('and', 'can', 'sur', 'per').
_COUNTRY_CODE = re.compile(r"^[a-z]{2,3}$")


class Row(NamedTuple):
    level: str
    code: str
    parent_id: str | None
    region_id: str | None
    metropolis_id: str | None
    country_code: str
    name: str | None = None
    population: int | None = None


class CityMatch(NamedTuple):
    """What `Geocoder.resolve_city` found: the territory (a commune or municipality, or for a
    Québec name several places share within one region, that region), a note saying why the
    answer is uncertain (None when it is not: the importer warns with it), and the other
    places the name may designate."""

    territory_id: str | None
    note: str | None = None
    alternatives: tuple[str, ...] = ()


def map_unique(series: pl.Series, fn: Callable[[Any], Any],
               return_dtype: pl.DataType | type[pl.DataType] = pl.Utf8) -> pl.Series:
    """Apply `fn` once per distinct value of `series` (importers geocode million-row
    batches whose places repeat). Nulls stay null unless `fn(None)` says otherwise."""
    return _map_unique(series, fn, return_dtype)  # type: ignore[arg-type]


class Geocoder:
    """Lookups over the `territories` and `territory_aliases` tables."""

    def __init__(self, territories: pl.DataFrame, aliases: pl.DataFrame) -> None:
        optional = [c for c in ("name", "population") if c in territories.columns]
        self.rows: dict[str, Row] = {
            r[0]: Row(*r[1:]) for r in territories.select(
                "territory_id", "level", "code", "parent_id", "region_id", "metropolis_id",
                "country_code", *optional).iter_rows()
        }
        self._postal_area: dict[str, str] = {}                            # Québec: id -> 'j9v'
        self._insee: dict[str, str] = {}
        self._postal: dict[str, list[str]] = defaultdict(list)
        self._keys: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (id, kind)
        self._names_of: dict[str, set[str]] = defaultdict(set)            # city id -> keys
        self._province_names: list[tuple[str, str, str]] = []             # (key, id, level)
        self._country_codes: dict[str, set[str]] = defaultdict(set)      # 'de', 'deu' -> DE
        subdivision_codes = {row.code.lower(): tid for tid, row in self.rows.items()
                             if row.level in ("province", "state")}
        for tid, row in self.rows.items():
            if row.level == "commune" and row.country_code == "FR":
                self._insee[row.code.upper()] = tid
            elif row.level == "country":
                self._country_codes[row.code.lower()].add(tid)
        for key, kind, tid in aliases.select("alias_key", "kind", "territory_id").iter_rows():
            if tid not in self.rows:
                continue
            if kind == "postal_code":
                self._postal[key].append(tid)
            elif kind == "postal_area":
                self._postal_area[tid] = key
            elif kind == "former_code":
                if self.rows[tid].country_code == "FR":
                    self._insee.setdefault(key.upper(), tid)
            elif kind != "city_of":
                level = self.rows[tid].level
                if level == "country" and kind != "name" and _COUNTRY_CODE.match(key):
                    self._country_codes[key].add(tid)
                    continue
                if (level in ("province", "state") and " " in key
                        and subdivision_codes.get(key.replace(" ", ""), tid) != tid):
                    continue  # 'n e' (N.-É., Nova Scotia) spells 'ne' (Nebraska): never matched
                self._keys[key].append((tid, kind))
                if level in _CITY_LEVELS:
                    self._names_of[tid].add(key)
                elif kind == "name" and level in ("province", "state"):
                    self._province_names.append((key, tid, level))

    @classmethod
    def from_store(cls, store: Store) -> Geocoder:
        return cls(
            store.frame("SELECT territory_id, level, code, parent_id, region_id, metropolis_id, "
                        "country_code, name, population FROM territories"),
            store.frame("SELECT alias_key, kind, territory_id FROM territory_aliases"),
        )

    # -- France: codes ---------------------------------------------------------------

    def commune(self, code: object) -> str | None:
        """Territory of an INSEE commune code: '75108' (arrondissement), '75056' (Paris),
        '2A004', '1001' (-> 01001), a former commune's code -> the commune it joined."""
        if code is None:
            return None
        text = str(code).strip().upper().removesuffix(".0")
        if text.isdigit() and len(text) == 4:
            text = "0" + text
        if not _INSEE.match(text):
            return None
        return self._insee.get(text)

    def postal_code(self, code: object, city: str | None = None) -> str | None:
        """Commune of a postal code; when the code serves several communes, the one named
        `city` (None when no city is given or it does not tell them apart)."""
        if code is None:
            return None
        text = str(code).strip().removesuffix(".0")
        if text.isdigit() and len(text) == 4:
            text = "0" + text
        candidates = self._postal.get(text, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates or not city:
            return None
        named = [t for t in candidates if self._names_of[t] & set(self._city_keys(city))]
        return named[0] if len(named) == 1 else None

    def postal_communes(self, code: object) -> list[str]:
        """Every commune a French postal code serves (La Poste's base); none when unknown."""
        text = str(code or "").strip().removesuffix(".0")
        if text.isdigit() and len(text) == 4:
            text = "0" + text
        return list(self._postal.get(text, ()))

    # -- names -----------------------------------------------------------------------

    def city(self, name: str | None, *, country: str = "FR",
             within: str | None = None) -> str | None:
        """Commune (France) or municipality (Québec) named `name`, ignoring case, accents,
        punctuation and St/Ste abbreviations. A qualifier such as 'Montréal (Québec)' or
        'Laval, QC' is dropped if the full text is unknown. `within` (a region, province,
        department or metropolis id) settles names that several places share. None when the
        name is unknown or uncertain (`resolve_city` says why and may still answer)."""
        found = self.resolve_city(name, country=country, within=within)
        if found.note is not None or found.territory_id is None:
            return None
        return found.territory_id if self.rows[found.territory_id].level in _CITY_LEVELS \
            else None

    def resolve_city(self, name: str | None, *, country: str = "FR", within: str | None = None,
                     postal_code: str | None = None) -> CityMatch:
        """The commune or municipality `name` designates, with the evidence a row gives: the
        official name first, then former names and (Québec) names in use such as Montréal's
        boroughs; a qualifier ('Ville-Marie, Montréal', 'Laval (Québec)') and `within` keep
        the places inside what they name; in Québec, a postal code keeps the places whose town
        hall has the same forward sortation area (else the same first letter: G, H, J).

        In France a name several communes bear stays unanswered (files carry INSEE codes). In
        Québec, when places still share it: an official name wins over a name in use, with a
        note; among places that bear it officially, the most populous when each other has at
        most 1 % of its population (Inuit and Cree lands, which share their village's name,
        have nobody), with a note if the others have inhabitants; else the administrative
        region they all lie in, with a note; else nothing, with a note. Rules:
        docs/territories.md."""
        text = (name or "").strip()
        for key, qualifier in self._city_readings(text):
            found = self._city_candidates(key, country, within)
            if not found:
                continue
            if qualifier:
                found = self._qualified(found, qualifier) or found
            if country != "CA":
                return self._plain(found, text)
            return self._settle(found, text, postal_code)
        return CityMatch(None)

    def province(self, text: str | None) -> str | None:
        """Canadian province or territory, US state or country named or abbreviated by
        `text`, the text of a province (or state) field: 'Québec', 'Que.', 'QC',
        'Newfoundland/Labrad.', 'North W. Territories', 'California' -> 'US-CA', 'France' ->
        'FR'. Provinces win over states over countries ('CA' is California, not Canada), and
        a country's ISO code is not read here ('AND' is not Andorra, 'DE' is Delaware): ask
        `country` for a country field."""
        key = place_key(text)
        if not key:
            return None
        found = self._ranked(key)
        if found is not _NOTHING:
            return found
        return self._abbreviated(key)

    def country(self, text: str | None) -> str | None:
        """The country a country field names: by name, abbreviation or ISO 3166-1 code
        (alpha-2 or alpha-3), in English or French: 'Canada', 'CA', 'CAN' -> 'CA';
        'United States', 'U.S.A.', 'USA', 'États-Unis' -> 'US'; 'DE' -> 'DE' (Germany);
        'Georgia' -> 'GE'. A text that names (not abbreviates) one province or state only
        gives its country ('Québec' -> 'CA'). None when unknown or ambiguous."""
        key = place_key(text)
        if not key:
            return None
        ids = {tid for tid, _kind in self._keys.get(key, ())
               if self.rows[tid].level == "country"} | self._country_codes.get(key, set())
        if not ids:
            ids = {self.rows[tid].country_code for tid, kind in self._keys.get(key, ())
                   if kind == "name" and self.rows[tid].level in ("province", "state")}
        return ids.pop() if len(ids) == 1 else None

    def region(self, text: str | None, *, country: str = "FR") -> str | None:
        """French region by name, CNC spelling, code or pre-2016 name ('ILE-DE-FRANCE',
        'Rhône-Alpes' -> FR-R84); in Canada, the province."""
        level = "region" if country == "FR" else "province"
        found = self._match(place_key(text), (level,), ("name", "abbreviation", "code"),
                            country=country)
        if found is _NOTHING:
            found = self._match(place_key(text), (level,), ("former_name",), country=country)
        return None if found is _NOTHING else found

    def department(self, text: str | None) -> str | None:
        """French department by code ('69', '2A', '1') or name ('Rhône')."""
        found = self._match(place_key(text), ("department",), ("name", "code"), country="FR")
        return None if found is _NOTHING else found

    def places_named(self, text: str | None,
                     levels: tuple[str, ...] | None = None) -> list[str]:
        """Every territory `text` names — by its name, a former or other name in use, an
        abbreviation or a code — at any of `levels` (all when None), sorted: the candidates a
        person's words may designate, for a caller that lists them rather than guess."""
        key = place_key(text)
        kinds = ("name", "former_name", "other_name", "abbreviation", "code")
        found = {tid for tid, kind in self._keys.get(key, ()) if kind in kinds
                 and (levels is None or self.rows[tid].level in levels)}
        return sorted(found)

    # -- hierarchy -------------------------------------------------------------------

    def region_of(self, territory_id: str | None) -> str | None:
        """The region (France) or province (Canada) a territory lies in."""
        row = self.rows.get(territory_id or "")
        return row.region_id if row else None

    def qc_region_of(self, territory_id: str | None) -> str | None:
        """The Québec administrative region of a municipality (itself for a region)."""
        row = self.rows.get(territory_id or "")
        if row is None:
            return None
        if row.level == "qc_region":
            return territory_id
        return row.parent_id if row.level == "municipality" else None

    def ancestors(self, territory_id: str) -> list[str]:
        """Parent chain, nearest first, plus the region and metropolis it belongs to."""
        out: list[str] = []
        row = self.rows.get(territory_id)
        while row is not None and row.parent_id and row.parent_id not in out:
            out.append(row.parent_id)
            row = self.rows.get(row.parent_id)
        first = self.rows.get(territory_id)
        if first is not None:
            out += [t for t in (first.region_id, first.metropolis_id) if t and t not in out]
        return out

    # -- internals -------------------------------------------------------------------

    def _city_readings(self, name: str) -> list[tuple[str, str | None]]:
        """(key, qualifier text) readings of a city name: as given, article moved ('Havre
        (Le)' -> 'Le Havre'), qualifier dropped ('Laval (Québec)' -> 'Laval', 'Québec')."""
        if not name:
            return []
        out = [(place_key(name), None)]
        moved = _ARTICLE_AFTER.match(name)
        if moved:
            out.append((place_key(f"{moved.group(2)} {moved.group(1)}"), None))
        qualifier = _QUALIFIER.search(name)
        if qualifier:
            text = qualifier.group(1).strip("(), ")
            out.append((place_key(name[:qualifier.start()]), text or None))
        seen: set[str] = set()
        return [(k, q) for k, q in out if k and not (k in seen or seen.add(k))]

    def _city_candidates(self, key: str, country: str | None,
                         within: str | None) -> dict[str, int]:
        """Communes or municipalities a key names -> 1 when it is their official name, 2 when
        a former name, 3 when another name in use (boroughs, localities, spellings)."""
        rank = {"name": 1, "former_name": 2, "other_name": 3}
        found: dict[str, int] = {}
        for tid, kind in self._keys.get(key, ()):
            row = self.rows[tid]
            if (kind in rank and row.level in _CITY_LEVELS
                    and (country is None or row.country_code == country)
                    and (not within or within == tid or within in self.ancestors(tid))):
                found[tid] = min(found.get(tid, 9), rank[kind])
        return found

    def _qualified(self, found: dict[str, int], qualifier: str) -> dict[str, int]:
        """The candidates inside a place the qualifier names (empty when none is)."""
        key = place_key(qualifier)
        named = {tid for tid, _kind in self._keys.get(key, ())
                 if self.rows[tid].level in _QUALIFIER_LEVELS}
        area = self.province(qualifier)
        named |= {area} if area else set()
        return {t: r for t, r in found.items()
                if t in named or any(q in self.ancestors(t) for q in named)}

    @staticmethod
    def _plain(found: dict[str, int], text: str) -> CityMatch:
        """France: the one place of the best rank; several: unanswered."""
        best = min(found.values())
        top = sorted(t for t, r in found.items() if r == best)
        if len(top) == 1:
            return CityMatch(top[0])
        return CityMatch(None, f"'{text}' names {len(top)} communes", tuple(top))

    def _settle(self, found: dict[str, int], text: str, postal_code: str | None) -> CityMatch:
        """Québec: the place the evidence and the rules designate (see `resolve_city`)."""
        found = self._by_postal_area(found, postal_code)
        if len(found) == 1:
            return CityMatch(next(iter(found)))
        best = min(found.values())
        top = sorted(t for t, r in found.items() if r == best)
        others = tuple(sorted(t for t in found if t not in top))
        also = (f"; also a name in use (a borough, a locality, a former municipality or "
                f"another spelling) for {self._describe(others)}" if others else "")
        if len(top) == 1:
            note = (f"'{text}': {self._describe(top)} kept, whose official name it is{also}"
                    if others else None)
            return CityMatch(top[0], note, others)
        populous = self._most_populous(top)
        if populous is not None:
            rest = tuple(t for t in top if t != populous)
            inhabited = [t for t in rest if (self.rows[t].population or 0) > 0]
            note = None
            if inhabited or others:
                note = (f"'{text}': {self._describe([populous])} kept, the most populous of "
                        f"the places whose official name it is; also {self._describe(rest)}, "
                        f"under {SHARED_NAME_SHARE:.0%} of its population{also}")
            return CityMatch(populous, note, rest + others)
        regions = {self.rows[t].parent_id for t in top}
        if len(regions) == 1 and all(self.rows[t].level == "municipality" for t in top):
            region = regions.pop()
            return CityMatch(region, f"'{text}': the official name of {self._describe(top)}; "
                             f"placed in their region, {self._label(region)}{also}",
                             tuple(top) + others)
        return CityMatch(None, f"'{text}': the official name of {self._describe(top)}, in "
                         f"different regions; not placed{also}", tuple(top) + others)

    def _by_postal_area(self, found: dict[str, int], postal_code: str | None) -> dict[str, int]:
        """The candidates whose town hall shares the postal code's forward sortation area,
        else its first letter (postal district); all of them when none does."""
        code = re.sub(r"[\s-]", "", str(postal_code or "")).upper()
        match = _CA_POSTAL.match(code)
        if not match or len(found) < 2:
            return found
        area = match.group(1).lower()
        for same in (lambda a: a == area, lambda a: a[:1] == area[:1]):
            kept = {t: r for t, r in found.items()
                    if (a := self._postal_area.get(t)) is not None and same(a)}
            if kept:
                return kept
        return found

    def _most_populous(self, ids: list[str]) -> str | None:
        """The most populous of `ids` when every other has at most SHARED_NAME_SHARE of its
        population (all populations known), else None."""
        people = [(self.rows[t].population, t) for t in ids]
        if any(p is None for p, _ in people):
            return None
        people.sort(key=lambda pair: (-pair[0], pair[1]))
        top, tid = people[0]
        if top > 0 and all(p <= SHARED_NAME_SHARE * top for p, _ in people[1:]):
            return tid
        return None

    def _label(self, territory_id: str) -> str:
        row = self.rows.get(territory_id)
        return f"{row.name or territory_id}" if row else territory_id

    def _describe(self, ids: list[str] | tuple[str, ...]) -> str:
        """'Ville-Marie (Abitibi-Témiscamingue, CA-QC-M85025)' for each id, joined."""
        parts = []
        for tid in ids:
            row = self.rows[tid]
            region = self._label(row.parent_id) if row.parent_id else ""
            people = f", {row.population:,} inhabitants" if row.population else ""
            parts.append(f"{row.name or tid} ({region}{people}, {tid})")
        return " and ".join(parts) if len(parts) < 3 else ", ".join(parts)

    def _match(self, key: str, levels: tuple[str, ...], kinds: tuple[str, ...], *,
               country: str | None = None, within: str | None = None) -> Any:
        """The one territory matching, None when ambiguous, _NOTHING when none matches."""
        if not key:
            return _NOTHING
        ids = {tid for tid, kind in self._keys.get(key, ())
               if kind in kinds and self.rows[tid].level in levels
               and (country is None or self.rows[tid].country_code == country)}
        if within:
            ids = {t for t in ids if within == t or within in self.ancestors(t)}
        if not ids:
            return _NOTHING
        return ids.pop() if len(ids) == 1 else None

    def _ranked(self, key: str) -> Any:
        ranked: dict[int, set[str]] = defaultdict(set)
        for tid, _kind in self._keys.get(key, ()):
            priority = _PLACE_PRIORITY.get(self.rows[tid].level)
            if priority is not None:
                ranked[priority].add(tid)
        if not ranked:
            return _NOTHING
        best = ranked[min(ranked)]
        return next(iter(best)) if len(best) == 1 else None

    def _abbreviated(self, key: str) -> str | None:
        """A province or state whose name the words of `key` abbreviate in order, the first
        one starting it: 'north w territories', 'newfoundland labrad', 'que'."""
        words = key.split()
        if len(key.replace(" ", "")) < 3:
            return None
        ranked: dict[int, set[str]] = defaultdict(set)
        for alias, tid, level in self._province_names:
            if _abbreviates(words, alias):
                ranked[_PLACE_PRIORITY[level]].add(tid)
        if not ranked:
            return None
        best = ranked[min(ranked)]
        return next(iter(best)) if len(best) == 1 else None

    @staticmethod
    def _city_keys(name: str | None) -> list[str]:
        """Keys to try for a city name: as given, article moved ('Havre (Le)' -> 'Le Havre'),
        qualifier dropped ('Laval (Québec)', 'Laval, QC' -> 'Laval')."""
        if not name:
            return []
        keys = [place_key(name)]
        moved = _ARTICLE_AFTER.match(name)
        if moved:
            keys.append(place_key(f"{moved.group(2)} {moved.group(1)}"))
        keys.append(place_key(_QUALIFIER.sub("", name)))
        return [k for k in dict.fromkeys(keys) if k]


def _abbreviates(words: list[str], name: str) -> bool:
    compact = name.replace(" ", "")
    position = 0
    for i, word in enumerate(words):
        found = compact.find(word, position)
        if found < 0 or (i == 0 and found != 0):
            return False
        position = found + len(word)
    return True


_NOTHING: Any = object()
