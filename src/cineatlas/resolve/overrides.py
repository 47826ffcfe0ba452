"""The overrides file: pairs a person has checked, accepted (merged whatever the model says)
or rejected (never in one entity). TOML, documented in docs/resolution.md:

    [[accept]]
    kind = "organisation"
    members = ["telefilm:telefilm-contributions-2009-2018/org/…", "cnc-films-agrees:…/org/…"]
    reason = "the same company (its site lists both names)"

    [[reject]]
    kind = "work"
    names = [{ source = "telefilm:telefilm-contributions-2009-2018", name = "Le Train" },
             { source = "cnc-films-agrees:films-agrees-2003-2019", name = "Le Train" }]
    reason = "two films"

A record is named by its id (`members`) or by its name (title for a work) as published in a
source (`names`: source id and name, matched by name key). A bad file raises AtlasError listing
every problem with its line and what to do; nothing is resolved with half a file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cineatlas.errors import AtlasError
from cineatlas.store import Store
from cineatlas.text import name_key

KINDS = ("organisation", "work", "person")
_TABLE = {"organisation": ("organisations", "organisation_id", "name_key"),
          "work": ("works", "work_id", "title_key"),
          "person": ("people", "person_id", "name_key")}


@dataclass
class Overrides:
    """Accepted and rejected pairs of member ids, by kind."""

    accept: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    reject: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    path: str | None = None

    def count(self) -> int:
        return sum(len(v) for v in (*self.accept.values(), *self.reject.values()))


class OverridesError(AtlasError):
    """A bad overrides file: every problem, with its line."""


def load(path: str | Path | None, store: Store) -> Overrides:
    """Read and check the overrides file (none: no override)."""
    if path is None:
        return Overrides()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OverridesError(f"{path}: no such overrides file. Give the path of a TOML file "
                             "(docs/resolution.md, Overrides).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OverridesError(f"{path}: cannot be read as UTF-8 text ({exc}). Save it as "
                             "UTF-8 TOML.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OverridesError(f"{path}: not valid TOML: {exc}. Fix the syntax there "
                             "(docs/resolution.md, Overrides).") from None
    problems: list[str] = []
    unknown = sorted(set(data) - {"accept", "reject"})
    if unknown:
        problems.append(f"{path}: unknown section(s) {unknown}: only [[accept]] and [[reject]] "
                        "are read.")
    lines = _entry_lines(text)
    out = Overrides(path=str(path))
    for verb in ("accept", "reject"):
        entries = data.get(verb, [])
        if not isinstance(entries, list):
            problems.append(f"{path}: `{verb}` must be an array of tables: write [[{verb}]].")
            continue
        for n, entry in enumerate(entries):
            where = f"{path}, line {lines.get((verb, n), '?')} ([[{verb}]] #{n + 1})"
            pair = _pair(entry, where, store, problems)
            if pair is not None:
                getattr(out, verb).setdefault(pair[0], []).append(pair[1])
    if problems:
        raise OverridesError("The overrides file has problems; nothing was resolved:\n- "
                             + "\n- ".join(problems))
    return out


def _entry_lines(text: str) -> dict[tuple[str, int], int]:
    """(verb, index) -> the line of its [[verb]] header."""
    seen: dict[str, int] = {}
    out = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"\s*\[\[\s*(accept|reject)\s*\]\]", line)
        if m:
            verb = m[1]
            out[(verb, seen.get(verb, 0))] = number
            seen[verb] = seen.get(verb, 0) + 1
    return out


def _pair(entry: object, where: str, store: Store,
          problems: list[str]) -> tuple[str, tuple[str, str]] | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: each entry is a table with `kind` and `members` or `names`.")
        return None
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: `kind` is {kind!r}; write one of {', '.join(KINDS)}.")
        return None
    table, id_column, key_column = _TABLE[kind]
    if "members" in entry:
        ids = entry["members"]
        if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, str) for i in ids)):
            problems.append(f"{where}: `members` must be a list of two record ids.")
            return None
        found = {r[0] for r in store.con.execute(
            f"SELECT {id_column} FROM {table} WHERE {id_column} IN (?, ?)", ids).fetchall()}
        missing = [i for i in ids if i not in found]
        if missing:
            problems.append(f"{where}: no {kind} {missing} in the store ({table}.{id_column}); "
                            "check the id (cineatlas sql) or name it by `names`.")
            return None
        return kind, (ids[0], ids[1])
    if "names" in entry:
        names = entry["names"]
        if not (isinstance(names, list) and len(names) == 2
                and all(isinstance(n, dict) and isinstance(n.get("source"), str)
                        and isinstance(n.get("name"), str) for n in names)):
            problems.append(f"{where}: `names` must be two tables {{ source = \"…\", "
                            "name = \"…\" }.")
            return None
        ids = []
        for n in names:
            rows = store.con.execute(
                f"SELECT {id_column} FROM {table} WHERE split_part({id_column}, '/', 1) = ? "
                f"AND {key_column} = ? ORDER BY 1", [n["source"], name_key(n["name"])]).fetchall()
            if len(rows) != 1:
                what = "no" if not rows else f"{len(rows)}"
                problems.append(f"{where}: {what} {kind} named {n['name']!r} in source "
                                f"{n['source']!r}; name one record (or give `members`).")
                return None
            ids.append(rows[0][0])
        return kind, (ids[0], ids[1])
    problems.append(f"{where}: give `members` (two record ids) or `names` (two source and name "
                    "tables).")
    return None
