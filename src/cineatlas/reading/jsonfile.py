"""JSON reading: records (objects) of a JSON file as rows of text cells.

A file is a list of records, or an object whose arrays hold records (`{"projects": [...],
"talents": [...]}`). Every record becomes one row, numbered in file order from 2 (as if the
header were row 1), with its path in the `$path` column (`$.projects[3]`) so a problem or a
quarantined row can be found in the file. Cells keep the values exactly: numbers as written
(`30000`, `1.10`), `true`/`false`, null as an empty cell, lists and objects as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.problems import ERROR, Problem, problem_type
from cineatlas.reading.encoding import inspect_file
from cineatlas.reading.table import ROW, BatchBuilder, RawBatch, RawTable, unique_columns

JSON_SUFFIXES = (".json",)
#: The column holding each record's place in the file.
PATH = "$path"

problem_type("not-a-record", "Not a record",
             "A list of records holds a value that is not an object: remove it, or make it an "
             "object with the fields its neighbours have.")


def load_json(path: Path) -> Any:
    """The parsed document; FileError naming the line and column of a syntax error.
    Decimal numbers are read as Decimal (exact amounts, no float rounding)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return json.load(handle, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise FileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})",
                        "Save the JSON file as UTF-8, as the JSON standard requires.",
                        code="wrong-encoding") from exc
    except json.JSONDecodeError as exc:
        raise FileError(path, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column "
                        f"{exc.colno}", "Fix the file there (a missing comma or quote?) or "
                        "export it again.", code="bad-json") from exc


def record_arrays(document: Any, path: Path,
                  records: Sequence[str] | None = None) -> list[tuple[str, list[Any]]]:
    """(JSON path, list) of the arrays holding records: the document itself when it is a
    list; else the named arrays of the top-level object (every array when `records` is None)."""
    if isinstance(document, list):
        return [("$", document)]
    if not isinstance(document, dict):
        raise FileError(path, "holds a single value, not records",
                        "Give a JSON file holding a list of objects, or an object of such lists.",
                        code="no-records")
    if records is None:
        found = [(f"$.{k}", v) for k, v in document.items() if isinstance(v, list)]
    else:
        missing = [name for name in records if not isinstance(document.get(name), list)]
        if missing:
            raise FileError(path, f"has no list {', '.join(map(repr, missing))} (its lists: "
                            f"{', '.join(k for k, v in document.items() if isinstance(v, list))})",
                            "Check that this is the right file.", code="no-records")
        found = [(f"$.{name}", document[name]) for name in records]
    if not found:
        raise FileError(path, "holds no list of records", "Give a JSON file holding a list of "
                        "objects, or an object of such lists.", code="no-records")
    return found


def cell(value: Any) -> str | None:
    """A JSON value as cell text (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=_number)


def _number(value: Any) -> Any:
    """Decimal numbers inside lists and objects, written back as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def open_json(path: Path, *, records: Sequence[str] | None = None, batch_size: int = 100_000,
              document: Any = None) -> RawTable:
    """Open a JSON file as a RawTable: one row per record, columns the union of the records'
    keys in order of appearance, after `$path`. A record that is not an object is malformed
    (quarantined with its value). `document`: the file already parsed by `load_json`."""
    facts = inspect_file(path)
    arrays = record_arrays(load_json(path) if document is None else document, path, records)
    keys: dict[str, None] = {}
    for _, items in arrays:
        for item in items:
            if isinstance(item, dict):
                keys.update(dict.fromkeys(item))
    labels = [PATH, *keys]
    columns, notes = unique_columns(labels)
    return RawTable(path=path, sha256=facts.sha256, size=facts.size, encoding="utf-8",
                    delimiter=None, labels=labels, columns=columns, notes=notes,
                    _batches=_iter_batches(arrays, list(keys), columns, batch_size))


def at_path(problems: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Problems (PROBLEM_SCHEMA) whose message starts with the record's place in the file
    ('$.projects[3]: '), read from the raw rows' `$path`."""
    paths = raw.select(pl.col(ROW).alias("row"), pl.col(PATH).alias("__path"))
    return problems.join(paths, on="row", how="left", maintain_order="left").with_columns(
        pl.concat_str([pl.col("__path").fill_null("?"), pl.lit(": "), pl.col("message")])
        .alias("message")).select(problems.columns)


def _iter_batches(arrays: list[tuple[str, list[Any]]], keys: list[str], columns: list[str],
                  size: int) -> Iterator[RawBatch]:
    builder = BatchBuilder(columns, size)
    row = 1
    for prefix, items in arrays:
        for index, item in enumerate(items):
            row += 1
            where = f"{prefix}[{index}]"
            if isinstance(item, dict):
                builder.add(row, None, [where, *(cell(item.get(k)) or "" for k in keys)])
            else:
                problem = Problem(row, PATH, "not-a-record", ERROR,
                                  f"{where}: the item {cell(item)!s:.80} is not a record (an "
                                  "object with fields).", where)
                builder.malformed.append((problem, None, json.dumps(
                    {PATH: where, "value": cell(item)}, ensure_ascii=False)))
            if len(builder) >= size:
                yield builder.flush()
    if len(builder):
        yield builder.flush()
