"""`cineatlas export datapackage -o FOLDER`: a Frictionless Data Package (v2) — one CSV file
per table of `exports.tables` with its Table Schema, `datapackage.json` at the folder's root
(licences and sources of the package and of each resource, the cut, coverage, fictitious), and
`mapping.toml`, the generic importer's mapping of `awards.csv`, so that re-importing the awards
is one command:

    cineatlas import generic FOLDER/awards.csv --mapping FOLDER/mapping.toml
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cineatlas.exports import register
from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.exports.tables import (
    INDICATORS,
    TABLES,
    Package,
    Table,
    licence_entries,
    package,
    ready,
)

if TYPE_CHECKING:
    from cineatlas.store import Store

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
#: The files an export writes (an existing folder holding only these may be written over).
DESCRIPTOR = "datapackage.json"
MAPPING = "mapping.toml"

#: The generic importer's fields read from awards.csv (field = column).
MAPPED = {
    "beneficiary": "beneficiary", "project_title": "project_title", "work_title": "work_title",
    "funder": "funder", "scheme": "scheme", "amount": "amount_minor",
    "requested_amount": "requested_amount_minor", "currency": "currency",
    "decision_date": "decision_date", "fiscal_year": "fiscal_year", "aid_type": "aid_type",
    "stage": "stage", "format": "format", "genre": "genre", "language": "language",
    "first_work": "first_work", "second_work": "second_work",
}


@register
class DataPackageExporter(Exporter):
    """A Frictionless Data Package (v2) of CSV resources, in a folder."""

    name = "datapackage"
    title = "Frictionless Data Package (v2)"
    folder = True

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        pack = package(store, cut)
        ready(out, {f"{t.name}.csv" for t in (*TABLES, INDICATORS)} | {DESCRIPTOR, MAPPING})
        (out / f"{INDICATORS.name}.csv").unlink(missing_ok=True)  # an earlier export's
        resources = [write_resource(pack, table, out) for table in pack.tables]
        descriptor = package_descriptor(pack, resources)
        (out / DESCRIPTOR).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2,
                                                 default=str) + "\n", encoding="utf-8")
        (out / MAPPING).write_text(mapping_toml(pack), encoding="utf-8")
        return ExportReport(self.name, out, written={n: f.height for n, f in pack.frames.items()},
                            sources=pack.sources, fictitious=pack.fictitious)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sources(pack: Package, table: str) -> list[dict[str, Any]]:
    """The Data Package `sources` of a table: title and path (the URL), with the source's
    id, publisher, licence, file digest, import date and fictitious flag."""
    return [{"title": s["title"] or s["source_id"], **({"path": s["url"]} if s["url"] else {}),
             "id": s["source_id"], "publisher": s["publisher"], "licence": s["licence"],
             "file_name": s["file_name"], "sha256": s["sha256"],
             "imported_at": s["imported_at"], "fictitious": s["fictitious"]}
            for s in pack.sources_of(table)]


def _licences(pack: Package, table: str) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for source in pack.sources_of(table):
        for entry in licence_entries(source["licence"]):
            seen.setdefault(json.dumps(entry, sort_keys=True), entry)
    return list(seen.values())


def write_resource(pack: Package, table: Table, out: Path) -> dict[str, Any]:
    """Write the table as `NAME.csv` (UTF-8, comma, header; empty for unknown; booleans
    true/false; dates ISO 8601) and return its resource descriptor."""
    path = out / f"{table.name}.csv"
    frame = pack.frames[table.name]
    frame.write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%SZ", null_value="")
    data = path.read_bytes()
    return {
        "name": table.name, "type": "table", "path": path.name, "title": table.title,
        "description": table.description, "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "dialect": {"delimiter": ",", "header": True, "quoteChar": '"'},
        "schema": table.schema(), "licenses": _licences(pack, table.name),
        "sources": _sources(pack, table.name), "rows": frame.height,
        "fictitious": bool(frame["fictitious"].any()) if frame.height else False,
    }


def package_descriptor(pack: Package, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """`datapackage.json`: the package's licences (every source's), sources, the cut, the
    coverage and notes, the fictitious flag, and the resources."""
    meta = pack.metadata()
    cut = pack.cut
    name = "cineatlas-" + (_slug("-".join(cut.territory)) or "all")
    if cut.years:
        name += f"-{cut.years[0]}-{cut.years[1]}"
    return {
        "$schema": PROFILE, "name": name, "title": meta["title"],
        "description": (
            f"{meta['title']}: public support for cinema and audiovisual work, exported from "
            "a cineatlas store. " + " ".join(meta["notes"])
            + (" THIS PACKAGE HOLDS FICTITIOUS ROWS (column `fictitious`)."
               if meta["fictitious"] else "")),
        "version": meta["generator"].split()[-1],
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["cinema", "audiovisual", "public support", "grants", "subventions"],
        "licenses": meta["licenses"], "sources": _sources(pack, "sources"),
        "fictitious": meta["fictitious"], "cut": meta["cut"], "coverage": meta["coverage"],
        "notes": meta["notes"], "generator": meta["generator"],
        "resources": resources,
    }


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _holds_values(pack: Package, column: str) -> bool:
    frame = pack.frames["awards"]
    return frame.height == 0 or frame[column].null_count() < frame.height


def mapping_toml(pack: Package) -> str:
    """The generic importer's mapping of awards.csv (docs/importers/generic.md): every
    column it can read that holds a value (an empty column would only warn on each row)."""
    licence = "; ".join(dict.fromkeys(s["licence"] for s in pack.sources_of("awards")
                                      if s["licence"]))
    lines = [
        "# The generic importer's mapping of awards.csv, written by `cineatlas export "
        "datapackage`.",
        "# Re-import the awards of this package (each contract once, at its final value):",
        "#     cineatlas import generic awards.csv --mapping mapping.toml --db OTHER.duckdb",
        "# Amounts are whole cents (`amounts = \"minor\"`). The generic importer loads every row "
        "as real",
        "# data of the cinema and audiovisual sector: the `fictitious` and `sector` columns are "
        "not read.",
        "", "[source]", f"title = {_toml(pack.title() + ', a cineatlas data package')}",
        'publisher = "cineatlas export"',
        *([f"licence = {_toml(licence)}"] if licence else []),
        "", "[options]", 'delimiter = ","', 'encoding = "utf-8"', 'decimal = "."',
        'amounts = "minor"', 'dates = "iso"',
        "", "[columns]", *(f"{f} = {_toml(c)}" for f, c in MAPPED.items()
                           if _holds_values(pack, c)),
        "",
    ]
    return "\n".join(lines)

