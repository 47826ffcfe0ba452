"""The opt-out list: people who asked not to be listed, honoured by every output in one place.

The file (TOML, documented in docs/directory.md) names people by name or by id, and
organisations by id::

    people = ["Jeanne Exemple", "cnc-commissions:cnc-talent-commissions-2017-2024/person/…"]
    organisations = ["telefilm:telefilm-contributions-2009-2018/org/…"]

A name matches every person record with the same matching key (`text.name_key`: case, accents
and punctuation ignored); an id matches that record. A person is withheld with every member of
their resolved entity (`entity_members`). Its path: `--opt-out FILE` (CLI), else
`CINEATLAS_OPT_OUT`, else `opt-out.toml` in the user's data directory when it exists
(`settings.default_opt_out_path`).

Reads go through `people_cte` (the people that may be shown) and `organisation_hidden`: the
queries layer builds every person's name from them, so no page, API answer or export shows a
listed person. Organisations: public decisions about companies and associations are public; a
listed organisation id is left out of the directory and its company page only (see the docs).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cineatlas.errors import AtlasError
from cineatlas.settings import default_opt_out_path
from cineatlas.text import name_key

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


def people_cte(name: str = "listed_people") -> tuple[str, list[Any]]:
    """A CTE `name` (person_id, full_name, entity_id): the people that may be shown — neither
    listed nor in the entity of someone listed — with their resolved entity."""
    o = active()
    sql = (f"{name} AS (WITH e AS (SELECT p.person_id, p.full_name, "
           "coalesce(em.entity_id, p.person_id) AS entity_id, "
           "(list_contains(?::VARCHAR[], p.person_id) OR list_contains(?::VARCHAR[], p.name_key)) "
           "AS listed FROM people p LEFT JOIN entity_members em ON em.kind = 'person' "
           "AND em.member_id = p.person_id) SELECT person_id, full_name, entity_id FROM e "
           "WHERE entity_id NOT IN (SELECT entity_id FROM e WHERE listed))")
    return sql, [list(o.person_ids), list(o.person_keys)]


def organisation_hidden(column: str) -> tuple[str, list[Any]]:
    """SQL condition (and parameters): the organisation id in `column` is listed."""
    return f"list_contains(?::VARCHAR[], {column})", [list(active().organisation_ids)]
