"""The standard's lists of objects in a cell: `porteurs` ({nom, siren, roles[]}) and the
extension's `base_juridique` ({libelle, lien}).

The standard's own examples write them JavaScript-like, not as strict JSON:
`[{ nom: 'ADEME', siren: '385290309', roles: [ 'instructeur' ]}]` (bare keys, single quotes).
Both spellings are read; a cell that is neither says where and why it cannot be read
(`ObjectsError`). The writer writes strict JSON, which both spellings' readers accept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SIREN = re.compile(r"^\d{9}$")
_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r"}


class ObjectsError(ValueError):
    """A cell that is not a list of objects: the message says what is wrong, and where."""


@dataclass(frozen=True)
class Body:
    """A body of `porteurs`: its name, SIREN (None when absent or not 9 digits) and roles."""

    name: str
    siren: str | None
    roles: tuple[str, ...]
    siren_written: str | None = None  # the SIREN as written, when it was not 9 digits


@dataclass(frozen=True)
class LegalText:
    """An entry of `base_juridique`: its label and link."""

    title: str
    url: str | None


def to_json(text: str) -> str:
    """JavaScript-like object notation as strict JSON: bare keys quoted, single-quoted strings
    double-quoted, trailing commas dropped. Strict JSON goes through unchanged."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j, chars = i + 1, []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    chars.append(_UNESCAPE.get(text[j + 1], text[j + 1]))
                    j += 2
                    continue
                chars.append(text[j])
                j += 1
            if j >= n:
                raise ObjectsError(f"a quote opened at character {i + 1} is never closed")
            body = "".join(chars)
            if c == '"':  # strict JSON string: keep its escapes as written
                out.append('"' + text[i + 1:j] + '"')
            else:
                out.append(json.dumps(body, ensure_ascii=False))
            i = j + 1
            continue
        found = _KEY.match(text, i)
        if found and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            word = found.group()
            rest = text[found.end():].lstrip()
            if rest.startswith(":") and word not in ("true", "false", "null"):
                out.append(json.dumps(word))
            else:
                out.append(word)
            i = found.end()
            continue
        if c == ",":
            rest = text[i + 1:].lstrip()
            if rest[:1] in ("]", "}"):  # a trailing comma
                i += 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_objects(text: str) -> list[dict]:
    """A cell holding a list of objects (strict JSON or JavaScript-like), or ObjectsError."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        converted = to_json(text)
        try:
            value = json.loads(converted)
        except json.JSONDecodeError as exc:
            where = converted[exc.pos:exc.pos + 24].strip()
            raise ObjectsError(f"{exc.msg.lower()} at «{where}»" if where
                               else f"{exc.msg.lower()} at its end (a bracket not closed?)"
                               ) from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ObjectsError("it is not a list of objects [{…}, {…}]")
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ObjectsError(f"item {index} is not an object {{…}}")
    return value


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_bodies(text: str) -> list[Body]:
    """`porteurs` as bodies; ObjectsError naming the item and the missing key."""
    bodies = []
    for index, item in enumerate(parse_objects(text), start=1):
        keys = {k.lower(): v for k, v in item.items()}
        name = _text(keys.get("nom"))
        if name is None:
            raise ObjectsError(f"body {index} has no 'nom'")
        roles = keys.get("roles", keys.get("rôles"))
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list) or not [r for r in roles if _text(r)]:
            raise ObjectsError(f"body {index} ({name}) has no 'roles' (a list such as "
                               "['financeur'])")
        written = _text(keys.get("siren"))
        siren = re.sub(r"\s", "", written) if written else None
        valid = siren if siren and _SIREN.match(siren) else None
        bodies.append(Body(name, valid, tuple(dict.fromkeys(
            str(r).strip().lower() for r in roles if _text(r))),
            None if valid or written is None else written))
    return bodies


def parse_legal_texts(text: str) -> list[LegalText]:
    """`base_juridique` as legal texts; ObjectsError naming the item without its label."""
    texts = []
    for index, item in enumerate(parse_objects(text), start=1):
        keys = {k.lower(): v for k, v in item.items()}
        title = _text(keys.get("libelle", keys.get("libellé")))
        if title is None:
            raise ObjectsError(f"text {index} has no 'libelle'")
        texts.append(LegalText(title, _text(keys.get("lien"))))
    return texts


def write_bodies(bodies: list[Body]) -> str:
    """`porteurs` as strict JSON (a body's `siren` is left out when unknown)."""
    return json.dumps([{"nom": b.name, **({"siren": b.siren} if b.siren else {}),
                        "roles": list(b.roles)} for b in bodies], ensure_ascii=False)


def write_legal_texts(texts: list[LegalText]) -> str:
    """`base_juridique` as strict JSON."""
    return json.dumps([{"libelle": t.title, "lien": t.url or ""} for t in texts],
                      ensure_ascii=False)
