"""The catalogue as the standard's writer reads it: every scheme of the store (or a selection
by funder and level) with its funder, its source's import time, its bodies and its official
texts. Fictitious schemes are never exported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cineatlas.queries.common import Reader
from cineatlas.text import name_key

_SCHEMES_SQL = """
SELECT s.*, f.name AS funder_name, f.siren AS funder_siren,
       src.imported_at AS source_imported_at, src.importer AS source_importer
FROM schemes s
JOIN sources src ON src.source_id = s.source_id
LEFT JOIN organisations f ON f.organisation_id = s.funder_id
WHERE NOT s.fictitious {where}
ORDER BY s.source_id, s.scheme_id
"""


def selection(funders: Sequence[str] = (), levels: Sequence[str] = ()) -> tuple[str, list[Any]]:
    """The SQL condition (on `s` = schemes, `f` = funder) and parameters of a selection: a
    funder by organisation id or by name (case and accents ignored), a scheme's level."""
    parts, params = [], []
    if funders:
        marks = ", ".join("?" for _ in funders)
        parts.append(f"(s.funder_id IN ({marks}) OR f.name_key IN ({marks}))")
        params += [*funders, *(name_key(f) for f in funders)]
    if levels:
        parts.append(f"s.level IN ({', '.join('?' for _ in levels)})")
        params += list(levels)
    return "".join(f" AND {p}" for p in parts), params


def schemes_for_export(a: Reader, funders: Sequence[str] = (),
                       levels: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One dict per scheme: its columns, `funder_name`, `funder_siren`,
    `source_imported_at`, `source_importer`, `bodies` ([{name, siren, roles}] in the order
    they were stored) and `legal_texts` ([{title, url}], its official texts)."""
    where, params = selection(funders, levels)
    schemes = a.frame(_SCHEMES_SQL.format(where=where), params).to_dicts()
    if not schemes:
        return []
    ids = [s["scheme_id"] for s in schemes]
    marks = ", ".join("?" for _ in ids)
    bodies: dict[str, dict[tuple[str, str | None], list[str]]] = {}
    for row in a.frame(f"SELECT scheme_id, name, siren, role FROM scheme_bodies WHERE "
                       f"scheme_id IN ({marks}) ORDER BY scheme_id, name, role", ids).to_dicts():
        bodies.setdefault(row["scheme_id"], {}).setdefault(
            (row["name"], row["siren"]), []).append(row["role"])
    texts: dict[str, list[dict[str, Any]]] = {}
    for row in a.frame(f"SELECT scheme_id, title, url FROM scheme_documents "
                       f"WHERE scheme_id IN ({marks}) AND kind = 'official_text' "
                       "ORDER BY scheme_id, title", ids).to_dicts():
        texts.setdefault(row["scheme_id"], []).append({"title": row["title"], "url": row["url"]})
    for scheme in schemes:
        scheme["bodies"] = [{"name": name, "siren": siren, "roles": roles}
                            for (name, siren), roles in bodies.get(scheme["scheme_id"], {}).items()]
        scheme["legal_texts"] = texts.get(scheme["scheme_id"], [])
    return schemes
