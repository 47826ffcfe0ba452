"""The `scheme-catalogue` importer: an agency's catalogue of schemes as a TOML file (see the
package's docstring and docs/importers/scheme-catalogue.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.scheme_catalogue.check import SchemeCheck
from cineatlas.importers.scheme_catalogue.fields import CATALOGUE_KEYS, FORMAT_VERSION
from cineatlas.importers.scheme_records import SchemeRecord, scheme_frames, territory_ids
from cineatlas.problems import ERROR, WARNING, Problem, problems_frame
from cineatlas.reading import ROW, RawTable
from cineatlas.reading.encoding import inspect_file
from cineatlas.reading.jsonfile import PATH
from cineatlas.reading.table import BatchBuilder

_HEADER = re.compile(r"^\s*\[\[\s*schemes\s*\]\]")
COLUMNS = [PATH, "id", "name", "scheme"]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def load_catalogue(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed file and its text; FileError naming the line and column of a TOML error."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
                        "Save the catalogue as UTF-8, as TOML requires.",
                        code="wrong-encoding") from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        where = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", where)
        if found:
            line, column = map(int, found.groups())
            shown = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
            raise FileError(path, f"is not valid TOML: {where[:found.start()].strip()} at line "
                            f"{line}, column {column} ({shown.strip()[:80]!r})",
                            "Fix the file there: a missing quote, bracket or comma, or a key "
                            "given twice? See docs/importers/scheme-catalogue.md.",
                            code="bad-toml") from None
        raise FileError(path, f"is not valid TOML: {where}", "Fix the file there.",
                        code="bad-toml") from None


class SchemeCatalogueImporter(Importer):
    name = "scheme-catalogue"
    title = "A catalogue of support schemes (cineatlas' TOML format)"
    description = ("An agency's catalogue of support schemes, every field with its source: "
                   "cineatlas' TOML format (docs/importers/scheme-catalogue.md).")
    options_help: dict[str, str] = {}
    tables = ("organisations", "schemes", "scheme_bodies", "scheme_dates", "scheme_documents",
              "scheme_field_sources")

    def open(self, path: Path) -> RawTable:
        if not path.is_file():
            raise FileError(path, "does not exist", "Check the path.", code="missing-file")
        facts = inspect_file(path)
        document, text = load_catalogue(path)
        self._about = self._catalogue(path, document)
        schemes = document.get("schemes")
        if isinstance(schemes, dict):
            raise FileError(path, "has a [schemes] table where each scheme is a [[schemes]] "
                            "table", "Write [[schemes]] (double brackets) above each scheme.",
                            code="no-records")
        if not isinstance(schemes, list) or not schemes:
            raise FileError(path, "describes no scheme",
                            "Describe each scheme in a [[schemes]] table (see the example in "
                            "docs/importers/scheme-catalogue.md).", code="no-records")
        for key in document:
            if key not in ("catalogue", "schemes"):
                raise FileError(path, f"has a top-level key {key!r}",
                                "A catalogue file holds a [catalogue] table and [[schemes]] "
                                "tables only: indent the key under a scheme, or remove it.",
                                code="unknown-key")
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]
        if len(lines) != len(schemes):
            lines = [None] * len(schemes)  # schemes written inline: no line to name
        self._schemes = {index + 2: scheme for index, scheme in enumerate(schemes)}
        self._lines = {index + 2: line for index, line in enumerate(lines)}
        return RawTable(path=path, sha256=facts.sha256, size=facts.size, encoding="utf-8",
                        delimiter=None, labels=list(COLUMNS), columns=list(COLUMNS), notes=[],
                        _batches=self._batches(schemes, lines))

    @staticmethod
    def _catalogue(path: Path, document: dict[str, Any]) -> dict[str, Any]:
        about = document.get("catalogue", {})
        if not isinstance(about, dict):
            raise FileError(path, "has a `catalogue` that is not a table",
                            "Write it as [catalogue] with title, publisher, licence, url.",
                            code="unknown-key")
        unknown = [k for k in about if k not in CATALOGUE_KEYS]
        if unknown:
            raise FileError(path, f"has unknown keys in [catalogue]: {', '.join(unknown)}",
                            f"Its keys are {', '.join(CATALOGUE_KEYS)}.", code="unknown-key")
        if about.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            raise FileError(path, f"is in format {about['format']!r} of the catalogue",
                            f"This cineatlas reads format {FORMAT_VERSION}.", code="bad-format")
        return {k: str(v) for k, v in about.items() if k != "format"}

    def _batches(self, schemes: list[Any], lines: list[int | None]) -> Iterator[Any]:
        builder = BatchBuilder(list(COLUMNS), 100_000)
        for index, scheme in enumerate(schemes):
            row, where = index + 2, f"schemes[{index + 1}]"
            if isinstance(scheme, dict):
                builder.add(row, lines[index], [
                    where, str(scheme.get("id", "")), str(scheme.get("name", "")),
                    json.dumps(scheme, ensure_ascii=False, default=_json_value)])
            else:
                problem = Problem(row, PATH, "not-a-record", ERROR,
                                  f"{where} is not a table of fields: write it as [[schemes]].",
                                  str(scheme)[:80])
                builder.malformed.append((problem, lines[index], json.dumps(
                    {PATH: where, "value": str(scheme)}, ensure_ascii=False)))
        yield builder.flush()

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        return {c: c for c in COLUMNS}, []

    def source_metadata(self, path: Path) -> dict[str, Any]:
        about = getattr(self, "_about", {})
        return {**super().source_metadata(path),
                **{k: about[k] for k in ("title", "publisher", "licence", "url") if k in about}}

    def begin(self, ctx: ImportContext) -> None:
        self._records: dict[int, SchemeRecord] = {}
        self._seen: dict[str, str] = {}
        self._territories = territory_ids(ctx.store)
        self._ids = {s.get("id") for s in self._schemes.values() if isinstance(s, dict)}

    def _where(self, row: int) -> str:
        scheme, line = self._schemes[row], self._lines[row]
        ident = scheme.get("id") if isinstance(scheme, dict) else None
        parts = [f"id {ident!r}"] if isinstance(ident, str) and ident else []
        parts += [f"line {line}"] if line else []
        return f"schemes[{row - 1}]" + (f" ({', '.join(parts)})" if parts else "")

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        problems: list[Problem] = []
        for row in raw.get_column(ROW).to_list():
            where = self._where(row)
            check = SchemeCheck(self._schemes[row], row, where, self._territories)
            record = check.read()
            problems += check.problems
            if record is None:
                continue
            first = self._seen.setdefault(record.reference, where)
            if first != where:
                problems.append(Problem(row, "id", "duplicate-id", ERROR,
                                        f"{where}: id {record.reference!r} is already the id of "
                                        f"{first}; give each scheme its own id.",
                                        record.reference))
            if record.parent_reference and record.parent_reference not in self._ids:
                problems.append(Problem(row, "parent", "unknown-parent", WARNING,
                                        f"{where}: parent {record.parent_reference!r} is not the "
                                        "id of a scheme of this file; loaded without its parent.",
                                        record.parent_reference))
                record.parent_reference = None
                record.sources.pop("parent_scheme_id", None)
            self._records[row] = record
        return raw.select(ROW), problems_frame(problems)

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        return scheme_frames([self._records[r] for r in rows.get_column(ROW).to_list()], ctx)
