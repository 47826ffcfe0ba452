"""The `dispositifs` importer: files in Etalab's *schéma des dispositifs d'aides* (see the
package's docstring and docs/importers/dispositifs.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.dispositifs.cells import json_list, read_datetime, read_row
from cineatlas.importers.dispositifs.validate import frictionless_errors, row_problem
from cineatlas.importers.scheme_records import SchemeRecord, scheme_frames, territory_ids
from cineatlas.problems import ERROR, WARNING, Problem, problems_frame
from cineatlas.reading import ROW, RawTable
from cineatlas.reading.jsonfile import JSON_SUFFIXES, PATH, load_json, open_json
from cineatlas.schemes.standard import (
    BASE,
    DATETIME_FIELDS,
    HOMEPAGE,
    LIST_FIELDS,
    PROFESSIONALS,
    VERSION,
    extension_fields,
    fields,
    required,
)

#: The lists of records a JSON file may hold its schemes in (else: a list at the top).
JSON_LISTS = ("data", "dispositifs")


class DispositifsImporter(Importer):
    name = "dispositifs"
    title = "Support schemes in Etalab's standard (dispositifs d'aides)"
    description = ("Support schemes described in Etalab's « schéma des dispositifs d'aides » "
                   f"{VERSION} (CSV or JSON), base schema or its « professionnels » extension, "
                   "validated by Frictionless against the shipped schema.")
    url = HOMEPAGE
    required_columns = tuple(required(BASE))
    optional_columns = tuple(f for f in fields(PROFESSIONALS) if f not in required(BASE))
    tables = ("organisations", "schemes", "scheme_bodies", "scheme_documents",
              "scheme_field_sources")

    def open(self, path: Path) -> RawTable:
        if path.suffix.lower() not in JSON_SUFFIXES:
            return super().open(path)
        document = load_json(path)
        if isinstance(document, dict):
            named = [name for name in JSON_LISTS if isinstance(document.get(name), list)]
            if not named:
                raise FileError(path, "holds no list 'data' or 'dispositifs' of schemes",
                                "Give a JSON list of schemes, or an object whose 'data' (or "
                                "'dispositifs') is that list.", code="no-records")
            return open_json(path, document=document, records=named[:1])
        return open_json(path, document=document)

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        found, problems = super().resolve_columns(table)
        extension = [f for f in extension_fields() if f in found]
        self.schema = PROFESSIONALS if extension else BASE
        lacking = [f for f in required(self.schema) if f not in found]
        if lacking:
            raise FileError(
                table.path, f"has columns of the « professionnels » extension "
                f"({', '.join(extension[:3])}) but lacks "
                f"{', '.join(map(repr, lacking))}, which the extension requires",
                "Add the column (the sectors the scheme targets, or 'tous secteurs "
                "d'activité'), or remove the extension's columns to import the file in the "
                "base schema.", code="missing-column")
        known = set(found.values()) | {PATH}
        for column in table.columns:
            if column not in known:
                problems.append(Problem(
                    1, column, "extra-label", WARNING,
                    f"Column {column!r} is not a field of the standard ({self.schema} "
                    f"{VERSION}); it is ignored.", column))
        return found, problems

    def source_metadata(self, path: Path) -> dict[str, Any]:
        return {**super().source_metadata(path),
                "title": f"{path.name} — dispositifs d'aides ({self.schema} {VERSION})"}

    def begin(self, ctx: ImportContext) -> None:
        self._records: dict[int, SchemeRecord] = {}
        self._seen: dict[str, int] = {}
        self._territories = territory_ids(ctx.store)

    # -- parse --------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        names = fields(self.schema)
        rows = raw.get_column(ROW).to_list()
        paths = raw.get_column(PATH).to_list() if PATH in raw.columns else [None] * len(rows)
        problems: list[Problem] = []
        table: list[list[str]] = []
        for index, record in enumerate(raw.iter_rows(named=True)):
            where = paths[index] or f"Row {rows[index]}"
            cells = []
            for name in names:
                column = ctx.column(name)
                text = ((record.get(column) if column else None) or "").strip()
                if name in LIST_FIELDS and (joined := json_list(text)) is not None:
                    problems.append(Problem(rows[index], name, "json-list", WARNING,
                                            f"{where}: {name} is written as a JSON list; read "
                                            f"as {joined!r}.", text[:200]))
                    text = joined
                cells.append(text)
            table.append(cells)
        for error in frictionless_errors(self.schema, table):
            index = error["rowNumber"] - 2
            where = paths[index] or f"Row {rows[index]}"
            cell = error.get("cell") or ""
            read = read_datetime(cell) if error.get("fieldName") in DATETIME_FIELDS else None
            problem = row_problem(error, rows[index], where,
                                  read.isoformat(sep=" ") if read else None)
            if problem is not None:
                problems.append(problem)
        for index, cells in enumerate(table):
            row, path = rows[index], paths[index]
            where, locator = path or f"Row {row}", path or f"row {row}"
            reading = read_row(dict(zip(names, cells, strict=True)), row, where, locator,
                               self._territories)
            problems += reading.problems
            if reading.record is not None:
                problems += self._duplicate(reading.record, where)
                self._records[row] = reading.record
        return raw.select(ROW), problems_frame(problems)

    def _duplicate(self, record: SchemeRecord, where: str) -> list[Problem]:
        first = self._seen.setdefault(record.reference, record.row)
        if first == record.row:
            return []
        return [Problem(record.row, "id", "duplicate-id", ERROR,
                        f"{where}: id {record.reference!r} is already the id of row {first} "
                        "(the standard's ids are unique); give this scheme its own id.",
                        record.reference)]

    # -- emit ---------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        records = [self._records[row] for row in rows.get_column(ROW).to_list()]
        return scheme_frames(records, ctx)

