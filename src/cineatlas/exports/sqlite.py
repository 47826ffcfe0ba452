"""`cineatlas export sqlite -o FILE.sqlite`: one SQLite file ready for Datasette — the tables
of `exports.tables` with their primary and foreign keys, a full-text index of the awards
(FTS5 over title, beneficiary, funder and scheme; accents folded), indexes on the facet
columns, the description of every column and the export's metadata in two tables of the file
(`export_columns`, `export_metadata`), and Datasette's metadata (titles, descriptions,
licences, sources, facets, the search) beside it in `FILE.metadata.json`:

    datasette FILE.sqlite --metadata FILE.metadata.json
"""

from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.errors import AtlasError
from cineatlas.exports import register
from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.exports.tables import AWARDS, Package, Table, licences, package

if TYPE_CHECKING:
    from cineatlas.store import Store

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
             "date": "TEXT", "datetime": "TEXT"}
#: The awards' columns the full-text index covers.
SEARCHED = ("project_title", "beneficiary", "funder", "scheme")
#: The awards' facet columns (indexed; Datasette's default facets).
FACETS = ("funder", "year", "stage", "beneficiary_region_id", "currency")
#: Other columns indexed: the keys the other tables are joined on.
INDEXED = ("funder_id", "scheme_id", "beneficiary_id", "beneficiary_territory_id", "work_id",
           "source_id")
#: The column Datasette shows for a row another table links to.
LABELS = {"organisations": "name", "works": "title", "schemes": "name", "territories": "name",
          "sources": "title"}


def create_sql(table: Table) -> str:
    """CREATE TABLE with the primary key, NOT NULL, booleans checked 0/1, foreign keys."""
    lines = []
    for c in table.columns:
        line = f"{c.name} {SQL_TYPES[c.type]}"
        if c.name == table.key:
            line += " PRIMARY KEY"
        if c.required:
            line += " NOT NULL"
        if c.type == "boolean":
            line += f" CHECK ({c.name} IN (0, 1))"
        lines.append(line)
    lines += [f"FOREIGN KEY ({column}) REFERENCES {target}({key})"
              for column, target, key in table.foreign_keys]
    return f"CREATE TABLE {table.name} (\n  " + ",\n  ".join(lines) + "\n)"


def _rows(table: Table, frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """The frame's rows as SQLite values: dates and times as ISO 8601 text, booleans 0/1."""
    texts = []
    for c in table.columns:
        if c.type == "date":
            texts.append(pl.col(c.name).dt.to_string("%Y-%m-%d"))
        elif c.type == "datetime":
            texts.append(pl.col(c.name).dt.to_string("%Y-%m-%dT%H:%M:%SZ"))
        elif c.type == "boolean":
            texts.append(pl.col(c.name).cast(pl.Int8))
    return frame.with_columns(texts).rows()


def write_database(pack: Package, path: Path) -> None:
    """Write the package's tables, indexes, full-text index and metadata tables to `path`."""
    con = sqlite3.connect(path)
    try:
        for table in pack.tables:
            con.execute(create_sql(table))
            marks = ", ".join("?" * len(table.columns))
            con.executemany(f"INSERT INTO {table.name} VALUES ({marks})",
                            _rows(table, pack.frames[table.name]))
        for column in (*FACETS, *INDEXED):
            con.execute(f"CREATE INDEX awards_{column} ON awards({column})")
        con.execute("CREATE INDEX organisations_entity_id ON organisations(entity_id)")
        con.execute("CREATE INDEX works_entity_id ON works(entity_id)")
        con.execute(f"CREATE VIRTUAL TABLE awards_fts USING fts5({', '.join(SEARCHED)}, "
                    "content=\"awards\", tokenize='unicode61 remove_diacritics 2')")
        con.execute("INSERT INTO awards_fts(awards_fts) VALUES ('rebuild')")
        con.execute("CREATE TABLE export_columns (table_name TEXT NOT NULL, column_name TEXT "
                    "NOT NULL, type TEXT NOT NULL, description TEXT NOT NULL, "
                    "PRIMARY KEY (table_name, column_name))")
        con.executemany("INSERT INTO export_columns VALUES (?, ?, ?, ?)",
                        [(t.name, c.name, c.type, c.description)
                         for t in pack.tables for c in t.columns])
        con.execute("CREATE TABLE export_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.executemany("INSERT INTO export_metadata VALUES (?, ?)",
                        [(k, json.dumps(v, ensure_ascii=False, default=str))
                         for k, v in pack.metadata().items()])
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # a bug of the export, never of the user's data: say it plainly
            raise AtlasError(f"The SQLite export broke {len(broken)} foreign keys (first: "
                             f"{broken[0]}); please report this.")
        con.commit()
    finally:
        con.close()


def _licence_text(entries: list[dict[str, str]]) -> tuple[str, str | None]:
    """Datasette's `license` and `license_url` for a list of licences (a URL when one)."""
    text = "; ".join(e.get("name") or e["title"] for e in entries)
    return text, (entries[0].get("path") if len(entries) == 1 else None)


def _about_html(sources: list[dict[str, Any]]) -> str:
    items = []
    for s in sources:
        title = html.escape(s["title"] or s["source_id"])
        if s["url"]:
            title = f'<a href="{html.escape(s["url"], quote=True)}">{title}</a>'
        licence = html.escape(s["licence"] or "licence not recorded")
        fictitious = " <strong>(fictitious)</strong>" if s["fictitious"] else ""
        items.append(f"<li>{title} — {html.escape(s['publisher'] or '')}; {licence}"
                     f"{fictitious}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def datasette_metadata(pack: Package, database: str) -> dict[str, Any]:
    """Datasette's metadata: titles, descriptions, licences and sources of the database and
    of each table, column descriptions, label columns, the awards' facets and search."""
    meta = pack.metadata()
    tables: dict[str, Any] = {}
    for table in pack.tables:
        sources = pack.sources_of(table.name)
        licence, licence_url = _licence_text(licences(sources))
        entry: dict[str, Any] = {
            "title": table.title,
            "description_html": f"<p>{html.escape(table.description)}</p><p>Sources:</p>"
                                + _about_html(sources),
            "license": licence, "columns": {c.name: c.description for c in table.columns},
            "source": "; ".join(s["title"] or s["source_id"] for s in sources),
        }
        if licence_url:
            entry["license_url"] = licence_url
        if table.name in LABELS:
            entry["label_column"] = LABELS[table.name]
        tables[table.name] = entry
    tables[AWARDS.name] |= {"facets": list(FACETS), "fts_table": "awards_fts",
                            "fts_pk": "rowid",
                            "sort_desc": "amount_minor"}
    tables["export_columns"] = {"title": "Columns", "description": "What each column holds."}
    tables["export_metadata"] = {"title": "About this export",
                                 "description": "The cut, sources, licences, coverage, notes "
                                 "and fictitious flag, as JSON."}
    licence, licence_url = _licence_text(meta["licenses"])
    fictitious = (" <strong>This export holds fictitious rows (column "
                  "<code>fictitious</code>).</strong>" if meta["fictitious"] else "")
    description = ("<p>" + html.escape(" ".join(meta["notes"])) + fictitious
                   + "</p><p>Sources:</p>" + _about_html(pack.sources))
    top = {"title": meta["title"], "description_html": description, "license": licence,
           "source": "cineatlas export of public data", **(
               {"license_url": licence_url} if licence_url else {})}
    return {**top, "databases": {database: {**top, "tables": tables}}}


@register
class SqliteExporter(Exporter):
    """One SQLite file for Datasette, its metadata beside it."""

    name = "sqlite"
    title = "SQLite for Datasette"
    folder = False

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        pack = package(store, cut)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            write_database(pack, partial)
            partial.replace(out)  # the file appears whole, or not at all
        finally:
            partial.unlink(missing_ok=True)
        meta_path = metadata_path(out)
        meta_path.write_text(json.dumps(datasette_metadata(pack, out.stem), ensure_ascii=False,
                                        indent=2) + "\n", encoding="utf-8")
        return ExportReport(self.name, out, written={n: f.height for n, f in pack.frames.items()},
                            sources=pack.sources, fictitious=pack.fictitious)


def metadata_path(out: Path) -> Path:
    """Where Datasette's metadata of the export `out` is written: FILE.metadata.json."""
    return out.with_name(f"{out.stem}.metadata.json")
