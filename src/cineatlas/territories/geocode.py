"""Geocoding against the reference territories: INSEE codes, postal codes, city names,
provinces / states / countries. Every lookup answers a territory id, or None when the text
is unknown or ambiguous: the geocoder never guesses.

    geocoder = Geocoder.from_store(store)          # loads the lookup tables once
    geocoder.commune("75108")                      # 'FR-C75108'
    geocoder.city("Montreal", country="CA")        # 'CA-QC-M66023'
    territory = map_unique(frame["city"], geocoder.city)   # once per distinct value
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


def map_unique(series: pl.Series, fn: Callable[[Any], Any],
               return_dtype: pl.DataType | type[pl.DataType] = pl.Utf8) -> pl.Series:
    """Apply `fn` once per distinct value of `series` (importers geocode million-row
    batches whose places repeat). Nulls stay null unless `fn(None)` says otherwise."""
    return _map_unique(series, fn, return_dtype)  # type: ignore[arg-type]


class Geocoder:
    """Lookups over the `territories` and `territory_aliases` tables."""

    def __init__(self, territories: pl.DataFrame, aliases: pl.DataFrame) -> None:
        self.rows: dict[str, Row] = {
            r[0]: Row(*r[1:]) for r in territories.select(
                "territory_id", "level", "code", "parent_id", "region_id", "metropolis_id",
                "country_code").iter_rows()
        }
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
            elif kind == "former_code":
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
                        "country_code FROM territories"),
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

    # -- names -----------------------------------------------------------------------

    def city(self, name: str | None, *, country: str = "FR",
             within: str | None = None) -> str | None:
        """Commune (France) or municipality (Québec) named `name`, ignoring case, accents,
        punctuation and St/Ste abbreviations. A qualifier such as 'Montréal (Québec)' or
        'Laval, QC' is dropped if the full text is unknown. `within` (a region, province,
        department or metropolis id) settles names that several places share."""
        for key in self._city_keys(name):
            for kinds in (("name",), ("former_name",)):
                found = self._match(key, _CITY_LEVELS, kinds, country=country, within=within)
                if found is not _NOTHING:
                    return found
        return None

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
