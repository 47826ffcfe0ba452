"""Writing the store's catalogue in Etalab's standard: a CSV (or JSON) file that `frictionless
validate` accepts against the schema.

A scheme is written only when every field the standard requires is known and valid as the
standard says: nothing is invented (no placeholder text). The others are reported with the
fields they lack (`StandardExport.not_written`). How each field is written
(docs/importers/dispositifs.md, *Writing the standard*):

- `id`: the scheme's `reference` when it is a UUID (as the standard asks), else a UUID5 of its
  `scheme_id` in the namespace `ID_NAMESPACE` — the same on every export;
- `porteurs`: the scheme's bodies and roles; without bodies, its funder as `financeur`;
- `date_mise_a_jour`: the published `updated_at`, else the time its source was imported (when
  the data was last updated in the store, as the standard's description allows);
- `base_juridique` (professionnels): its documents of kind official_text;
- dates in UTC (`2025-10-15T15:00:00Z`); lists joined by pipes.

An optional field whose value the standard would refuse (a promise over 180 characters, a URL
not in http(s)) is left out and reported in `StandardExport.left_out`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cineatlas.errors import AtlasError
from cineatlas.queries.scheme_export import schemes_for_export
from cineatlas.schemes.geography import cog_of
from cineatlas.schemes.standard import (
    COG_CODE,
    PROFESSIONAL_COLUMNS,
    PROFESSIONALS,
    SCHEMAS,
    UUID,
    VERSION,
    descriptor,
    fields,
    join_list,
    required,
)
from cineatlas.schemes.standard.objects import Body, LegalText, write_bodies, write_legal_texts

if TYPE_CHECKING:
    from cineatlas.store import Store

#: The namespace of the UUIDs written for schemes whose reference is not a UUID.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cineatlas.org/schemes")
_URL = re.compile(r"^(https?://).+")


@dataclass
class StandardExport:
    """What `write_standard` wrote: the file, the schema, the schemes written, the schemes it
    could not write (each with the required fields it lacks, or why a value is refused) and
    the optional values left out."""

    path: Path
    standard: str
    written: int = 0
    not_written: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        return {"file": str(self.path), "standard": self.standard, "version": VERSION,
                "written": self.written, "not_written": self.not_written,
                "left_out": self.left_out}


def scheme_uuid(scheme: dict[str, Any]) -> str:
    """The standard's `id` of a scheme (see the module docstring)."""
    reference = scheme.get("reference")
    if reference and UUID.match(reference):
        return reference
    return str(uuid.uuid5(ID_NAMESPACE, scheme["scheme_id"]))


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(microsecond=0).isoformat() + "Z"


def _cog(codes: list[str] | None) -> list[str] | None:
    """Geographic codes as the standard writes them: a COG code as stored, a territory id as
    its COG code (FR-R75 -> REG-75); one the COG cannot name (CA-QC) stays as it is, and the
    standard's pattern refuses it."""
    if not codes:
        return codes
    return [code if COG_CODE.match(code) else cog_of(code) or code for code in codes]


def _constraints(standard: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f.get("constraints", {}) for f in descriptor(standard)["fields"]}


def standard_record(scheme: dict[str, Any], standard: str) -> tuple[dict[str, str], list[str],
                                                                     dict[str, str]]:
    """(the scheme's fields in the standard, the required fields it lacks, {field: why a value
    was refused}). A value refused in a required field makes the field lacking."""
    bodies = [Body(b["name"], b["siren"], tuple(b["roles"])) for b in scheme["bodies"]]
    if not bodies and scheme.get("funder_name"):
        bodies = [Body(scheme["funder_name"], scheme.get("funder_siren"), ("financeur",))]
    row = {
        "id": scheme_uuid(scheme), "titre": scheme.get("name") or "",
        "promesse": scheme.get("promise") or "", "description": scheme.get("description") or "",
        "eligibilite": scheme.get("eligibility") or "",
        "types_aides": join_list(scheme.get("aid_types")),
        "porteurs": write_bodies(bodies) if bodies else "",
        "programmes_parents": join_list(scheme.get("parent_programmes")),
        "url_source": scheme.get("url") or "", "cibles": join_list(scheme.get("targets")),
        "eligibilite_geographique": join_list(_cog(scheme.get("geographic_eligibility"))),
        "eligibilite_geographique_exclusions": join_list(_cog(
            scheme.get("geographic_exclusions"))),
        "date_ouverture": _when(scheme.get("opens_at")),
        "date_cloture": _when(scheme.get("closes_at")),
        "date_mise_a_jour": _when(scheme.get("updated_at") or scheme.get("source_imported_at")),
    }
    if standard == PROFESSIONALS:
        texts = [LegalText(t["title"], t["url"]) for t in scheme["legal_texts"]]
        row["base_juridique"] = write_legal_texts(texts) if texts else ""
        for name, column in PROFESSIONAL_COLUMNS.items():
            if column is None:
                continue
            value = scheme.get(column)
            row[name] = (join_list(value) if isinstance(value, list)
                         else "" if value is None else str(value))
    refused = _refused(row, standard)
    lacking = [name for name in required(standard) if not row.get(name) or name in refused]
    for name in refused:
        if name not in lacking:
            row[name] = ""
    return {name: row.get(name, "") for name in fields(standard)}, lacking, refused


def _refused(row: dict[str, str], standard: str) -> dict[str, str]:
    """{field: why} for the values the standard's constraints refuse."""
    why: dict[str, str] = {}
    for name, rules in _constraints(standard).items():
        value = row.get(name, "")
        if not value:
            continue
        if "maxLength" in rules and len(value) > rules["maxLength"]:
            why[name] = f"longer than {rules['maxLength']} characters ({len(value)})"
        elif "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            why[name] = f"{value[:120]!r} is not written as the standard says"
    if row.get("url_source") and not _URL.match(row["url_source"]):
        why["url_source"] = "not an http(s) address"
    for name in ("eligibilite_geographique", "eligibilite_geographique_exclusions"):
        bad = [c for c in row.get(name, "").split("|") if c and not COG_CODE.match(c)]
        if bad:
            why[name] = f"not COG codes: {', '.join(bad)}"
    return why


def write_standard(store: Store, path: str | Path, standard: str, *,
                   funders: Sequence[str] = (), levels: Sequence[str] = ()) -> StandardExport:
    """Write the store's schemes (those of `funders` and `levels` when given) in `standard`
    (BASE or PROFESSIONALS): JSON when `path` ends in .json (a list of objects), else CSV
    (UTF-8, comma). See the module docstring."""
    if standard not in SCHEMAS:
        raise AtlasError(f"Unknown standard {standard!r}: use {' or '.join(SCHEMAS)}.")
    export = StandardExport(Path(path), standard)
    rows: list[dict[str, str]] = []
    written: dict[str, str] = {}
    for scheme in schemes_for_export(store, funders, levels):
        record, lacking, refused = standard_record(scheme, standard)
        who = {"scheme_id": scheme["scheme_id"], "name": scheme["name"],
               "source_id": scheme["source_id"]}
        if lacking:
            export.not_written.append({**who, "missing": lacking, "refused": {
                k: v for k, v in refused.items() if k in lacking}})
            continue
        if record["id"] in written:
            export.not_written.append({**who, "missing": [], "refused": {
                "id": f"the same id as {written[record['id']]}, already written"}})
            continue
        written[record["id"]] = scheme["scheme_id"]
        if refused:
            export.left_out.append({**who, "left_out": refused})
        rows.append(record)
    export.written = len(rows)
    _write(export.path, fields(standard), rows)
    return export


def _write(path: Path, names: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        data = [{k: v or None for k, v in row.items()} for row in rows]
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
