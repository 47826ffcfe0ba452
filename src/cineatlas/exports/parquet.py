"""`cineatlas export parquet -o FOLDER`: one Parquet file per table of `exports.tables`
(`awards.parquet`, `organisations.parquet`…), written with PyArrow (zstd), each carrying its
description in the file: every field's description, Table Schema type and constraints in the
field's metadata; the table's Table Schema (keys included), its licences and sources, the cut,
the coverage, the notes and the fictitious flags in the file's key-value metadata (keys
`cineatlas.*`, JSON values)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from cineatlas.exports import register
from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.exports.tables import (
    INDICATORS,
    TABLES,
    Package,
    Table,
    licences,
    package,
    ready,
)

if TYPE_CHECKING:
    from cineatlas.store import Store

ARROW: dict[str, pa.DataType] = {
    "string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
    "boolean": pa.bool_(), "date": pa.date32(), "datetime": pa.timestamp("us", tz="UTC"),
}
#: The prefix of the file's key-value metadata keys.
PREFIX = "cineatlas."


def arrow_schema(table: Table) -> pa.Schema:
    """The table's Arrow schema: each field with its description, type and constraints."""
    fields = []
    for column in table.columns:
        described = column.schema()
        metadata = {"description": column.description, "type": column.type}
        if "constraints" in described:
            metadata["constraints"] = json.dumps(described["constraints"], ensure_ascii=False)
        if column.references:
            metadata["references"] = column.references
        fields.append(pa.field(column.name, ARROW[column.type], nullable=not column.required,
                               metadata=metadata))
    return pa.schema(fields)


def file_metadata(pack: Package, table: Table) -> dict[str, str]:
    """The key-value metadata of one table's file (JSON values)."""
    meta = pack.metadata()
    frame = pack.frames[table.name]
    sources = pack.sources_of(table.name)
    values: dict[str, Any] = {
        "table": table.name, "title": table.title, "description": table.description,
        "schema": table.schema(), "licenses": licences(sources), "sources": sources,
        "cut": meta["cut"], "package_title": meta["title"],
        "fictitious": bool(frame["fictitious"].any()) if frame.height else False,
        "package_fictitious": meta["fictitious"], "coverage": meta["coverage"],
        "notes": meta["notes"], "generator": meta["generator"], "rows": frame.height,
    }
    return {PREFIX + k: json.dumps(v, ensure_ascii=False, default=str) for k, v in values.items()}


@register
class ParquetExporter(Exporter):
    """One Parquet file per table, in a folder."""

    name = "parquet"
    title = "Parquet (one file per table)"
    folder = True

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        pack = package(store, cut)
        ready(out, {f"{t.name}.parquet" for t in (*TABLES, INDICATORS)})
        (out / f"{INDICATORS.name}.parquet").unlink(missing_ok=True)  # an earlier export's
        for table in pack.tables:
            schema = arrow_schema(table)
            data = pack.frames[table.name].to_arrow().cast(schema)
            data = data.replace_schema_metadata(file_metadata(pack, table))
            pq.write_table(data, out / f"{table.name}.parquet", compression="zstd")
        return ExportReport(self.name, out, written={n: f.height for n, f in pack.frames.items()},
                            sources=pack.sources, fictitious=pack.fictitious)
