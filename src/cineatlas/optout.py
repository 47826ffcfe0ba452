"""The opt-out list: people who asked not to be listed, honoured by every output in one place.

The file (TOML, documented in docs/directory.md) names people by name or by id, and
organisations by id::

    people = ["Jeanne Exemple", "cnc-commissions:cnc-talent-commissions-2017-2024/person/…"]
    organisations = ["telefilm:telefilm-contributions-2009-2018/org/…"]

A name matches every record named so (`text.name_key`: case, accents and punctuation ignored;
the words in any order, so 'Exemple, Jeanne' too), alone or as one of the people of a joint
name ('Lina Autre - Jeanne Exemple', 'Jeanne Exemple (JE)'); an id matches that record. A
person is withheld with every member of their resolved entity (`entity_members`). Its path:
`--opt-out FILE` (CLI), else `CINEATLAS_OPT_OUT`, else `opt-out.toml` in the user's data
directory when it exists (`settings.default_opt_out_path`).

Reads go through here, so that no page, API answer or export shows a listed person:

- `people_cte`: the people that may be shown (the queries build every person's name from it);
- `organisations_sql(reader)`: the `organisations` table as outputs show it, which every
  query naming beneficiaries joins — a beneficiary that is a withheld person (an
  organisation of kind `individual`, or of unknown kind, named as a listed person or as a
  record of a listed person's entity, with every record of its own entity:
  `withheld_organisations`, worked out once per list for a read-only store) is named
  `WITHHELD`, without SIREN, SIRET, RNA or city; its awards and amounts stay in every total
  (public money; only the name is withheld);
- `organisation_hidden` / `organisation_withheld`: left out of the directory, no company
  page. Organisations listed by id: public decisions about companies and associations are
  public; such an organisation is left out of the directory and its company page only.

The SQL of `organisations_sql` and `people_cte` holds the list's values as quoted literals (no
parameters), so that it fits anywhere in a query; with an empty list it is the plain table.
Resolution's evidence (`entity_members.evidence`) is never read here nor published.
"""

from __future__ import annotations

import tomllib
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cineatlas.errors import AtlasError
from cineatlas.settings import default_opt_out_path
from cineatlas.text import LIGATURES, name_key

#: The keys a file may hold.
KEYS = ("people", "organisations")


class OptOutError(AtlasError):
    """The opt-out file cannot be read."""


@dataclass(frozen=True)
class OptOut:
    """Who is not to be listed: person ids, person name keys, organisation ids."""

    person_ids: tuple[str, ...] = ()
    person_keys: tuple[str, ...] = ()
    organisation_ids: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.person_ids or self.person_keys or self.organisation_ids)


def _strings(data: dict[str, Any], key: str, path: Path) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise OptOutError(f"{path}: `{key}` must be a list of strings, e.g. "
                          f'{key} = ["…"]; see docs/directory.md.')
    return [v.strip() for v in values if v.strip()]


def read(path: Path) -> OptOut:
    """The opt-out list in `path` (a clear OptOutError when it cannot be read)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OptOutError(f"{path}: no such opt-out file.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OptOutError(f"{path}: not a TOML file ({error}); see docs/directory.md.") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise OptOutError(f"{path}: unknown key(s) {', '.join(unknown)}; an opt-out file holds "
                          "`people` (names or ids) and `organisations` (ids).")
    people = _strings(data, "people", path)
    ids = tuple(sorted({p for p in people if "/person/" in p}))
    keys = tuple(sorted({name_key(p) for p in people if "/person/" not in p} - {""}))
    return OptOut(ids, keys, tuple(sorted(set(_strings(data, "organisations", path)))), path)


_chosen: Path | None = None
_cache: dict[tuple[Path, float], OptOut] = {}


def use(path: str | Path | None) -> None:
    """Read the opt-out list from `path` from now on (None: the setting or the default)."""
    global _chosen
    _chosen = Path(path).expanduser() if path else None
    if _chosen is not None:
        read(_chosen)  # a wrong file is said at once, not at the first page


def active() -> OptOut:
    """The opt-out list in force (re-read when its file changes; empty when there is none)."""
    path = _chosen or default_opt_out_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        if _chosen is not None:
            raise OptOutError(f"{path}: no such opt-out file.") from None
        return OptOut()
    if (path, mtime) not in _cache:
        _cache.clear()
        _cache[(path, mtime)] = read(path)
    return _cache[(path, mtime)]


#: What every output shows in place of the name of a beneficiary withheld at a listed person's
#: request (the web atlas gives it in the page's language; the API and the downloads as is).
WITHHELD = "Withheld at the person's request"
#: Where a joint name ('Lina Autre - Jeanne Exemple', 'A & B', 'A et B', 'Jeanne Exemple (JE)')
#: is cut into the names it joins (RE2, case ignored).
JOINT_NAME = r"(?i)\s+(?:-|–|—|&|\+|/|et|and|x)\s+|\s*[&/()]\s*"


def _text(value: str) -> str:
    """A SQL string literal of `value` (quotes doubled: DuckDB reads no other escape)."""
    return "'" + value.replace("'", "''") + "'"


def _texts(values: Iterable[str]) -> str:
    return "[" + ", ".join(_text(v) for v in values) + "]::VARCHAR[]"


def words(key: str) -> str:
    """A name key's words, sorted and unique: 'exemple jeanne' for 'jeanne exemple'."""
    return " ".join(sorted(set(key.split())))


def _longest(words_key: str) -> str:
    """The longest word of a key (the most telling: a name holding the key holds it)."""
    return max(words_key.split(), key=lambda w: (len(w), w))


def _words_sql(expr: str) -> str:
    return f"array_to_string(list_sort(list_distinct(string_split({expr}, ' '))), ' ')"


def _fold_sql(expr: str) -> str:
    """`text.name_key` in SQL, for the parts of a joint name (ligatures, accents, case and
    punctuation as `name_key` folds them)."""
    for ligature, letters in LIGATURES.items():
        expr = f"replace({expr}, '{ligature}', '{letters}')"
    return f"trim(regexp_replace(strip_accents(lower({expr})), '[^a-z0-9]+', ' ', 'g'))"


def _named(name: str, key: str, listed: str, listed_words: str) -> str:
    """SQL: the record whose name and name key are the columns `name` and `key` is named as
    one of `listed` (SQL of a list of `words` keys) — its whole name, or one of a joint name.
    `listed_words` (SQL of a list holding the longest word of each) first keeps the records
    holding one of them, cheaply (a CASE: the rest is worked out for those only)."""
    parts = (f"list_transform(regexp_split_to_array({name}, {_text(JOINT_NAME)}), "
             f"lambda part: {_words_sql(_fold_sql('part'))})")
    return (f"CASE WHEN list_has_any(string_split({key}, ' '), {listed_words}) "
            f"THEN list_has_any({listed}, list_concat([{_words_sql(key)}], {parts})) "
            "ELSE FALSE END")


def _people_sql(o: OptOut) -> str:
    """Every person with their entity and `listed` (named by the list, by id or name)."""
    keys = sorted({words(k) for k in o.person_keys})
    named = _named("p.full_name", "p.name_key", _texts(keys),
                   _texts(sorted({_longest(k) for k in keys})))
    return ("SELECT p.person_id, p.full_name, p.name_key, "
            "coalesce(em.entity_id, p.person_id) AS entity_id, "
            f"(list_contains({_texts(o.person_ids)}, p.person_id) OR {named}) AS listed "
            "FROM people p LEFT JOIN entity_members em ON em.kind = 'person' "
            "AND em.member_id = p.person_id")


def people_cte(name: str = "listed_people") -> tuple[str, list[Any]]:
    """A CTE `name` (person_id, full_name, entity_id): the people that may be shown — neither
    listed nor in the entity of someone listed — with their resolved entity (and its
    parameters: none, the list is written in the SQL)."""
    o = active()
    if not (o.person_ids or o.person_keys):
        return (f"{name} AS (SELECT p.person_id, p.full_name, "
                "coalesce(em.entity_id, p.person_id) AS entity_id FROM people p "
                "LEFT JOIN entity_members em ON em.kind = 'person' "
                "AND em.member_id = p.person_id)"), []
    return (f"{name} AS (WITH e AS ({_people_sql(o)}) SELECT person_id, full_name, entity_id "
            "FROM e WHERE entity_id NOT IN (SELECT entity_id FROM e WHERE listed))"), []


#: SQL: the longest word of each name withheld (`named` of `_withheld_sql`; see `_longest`).
_LONGEST_WORDS = ("(SELECT list(DISTINCT w) FROM (SELECT arg_max(w, (length(w), w)) AS w "
                  "FROM (SELECT words, unnest(string_split(words, ' ')) AS w FROM named) "
                  "GROUP BY words))")


def _withheld_sql(o: OptOut) -> str | None:
    """SQL of the ids (organisation_id) of the beneficiaries withheld as persons: the
    organisations of kind individual or unknown (no funder) named as a listed name or as a
    record of a withheld person's entity, and every record of their entities. None when the
    list names no person."""
    if not (o.person_ids or o.person_keys):
        return None
    listed = _texts(sorted({words(k) for k in o.person_keys}))
    return (
        f"WITH e AS ({_people_sql(o)}), "
        f"named(words) AS (SELECT unnest({listed}) UNION SELECT {_words_sql('name_key')} "
        "FROM e WHERE entity_id IN (SELECT entity_id FROM e WHERE listed)), "
        "matched AS (SELECT o.organisation_id FROM organisations o "
        "WHERE (o.kind = 'individual' OR o.kind IS NULL) AND NOT o.is_funder "
        "AND o.funder_level IS NULL AND "
        f"{_named('o.name', 'o.name_key', '(SELECT list(words) FROM named)', _LONGEST_WORDS)}) "
        "SELECT organisation_id FROM matched UNION SELECT m.member_id FROM entity_members m "
        "JOIN entity_members n ON n.kind = 'organisation' AND n.entity_id = m.entity_id "
        "WHERE m.kind = 'organisation' AND n.member_id IN (SELECT organisation_id FROM matched)")


#: The withheld ids already worked out for a read-only reader, with the list they are for.
_withheld_memo: weakref.WeakKeyDictionary[Any, tuple[OptOut, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary())


def withheld_organisations(a: Any) -> tuple[str, ...]:
    """The ids of the beneficiaries withheld as persons (`_withheld_sql`), sorted; `a` is a
    reader (`frame(sql, params)`). Worked out once per list for a reader whose store cannot
    change (`read_only`: the web atlas), at each call otherwise."""
    o = active()
    sql = _withheld_sql(o)
    if sql is None:
        return ()
    fixed = bool(getattr(a, "read_only", False))
    if fixed:
        kept = _withheld_memo.get(a)
        if kept is not None and kept[0] == o:
            return kept[1]
    ids = tuple(sorted(a.frame(f"SELECT organisation_id FROM ({sql})")["organisation_id"]))
    if fixed:
        _withheld_memo[a] = (o, ids)
    return ids


def organisations_sql(a: Any) -> str:
    """The `organisations` table as every output may show it (a table name, or a subquery to
    alias: `f"LEFT JOIN {optout.organisations_sql(a)} b ON …"`; `a`: the reader): each
    beneficiary withheld as a person (`withheld_organisations`) named `WITHHELD`, its name key
    that of `WITHHELD`, without SIREN, SIRET, RNA or city; its id, kind and territory kept (its
    awards count wherever they count)."""
    ids = withheld_organisations(a)
    if not ids:
        return "organisations"
    hidden = f"list_contains({_texts(ids)}, o.organisation_id)"
    blank = ", ".join(f"CASE WHEN NOT {hidden} THEN o.{c} END AS {c}"
                      for c in ("siren", "siret", "rna", "city"))
    return (f"(SELECT o.* REPLACE (CASE WHEN {hidden} THEN {_text(WITHHELD)} ELSE o.name END "
            f"AS name, CASE WHEN {hidden} THEN {_text(name_key(WITHHELD))} ELSE o.name_key END "
            f"AS name_key, {blank}) FROM organisations o)")


def organisation_hidden(column: str) -> tuple[str, list[Any]]:
    """SQL condition (and parameters): the organisation id in `column` is listed, or is a
    beneficiary withheld as a person — what the directory leaves out."""
    o = active()
    withheld = _withheld_sql(o)
    condition = f"list_contains(?::VARCHAR[], {column})"
    if withheld is not None:
        condition = f"({condition} OR {column} IN (SELECT organisation_id FROM ({withheld})))"
    return condition, [list(o.organisation_ids)]


def organisation_withheld(a: Any, organisation_id: str) -> bool:
    """Whether the organisation is a beneficiary withheld as a person (`a`: a reader), whose
    page answers 404 like an unknown one."""
    return organisation_id in withheld_organisations(a)
