"""Reading input files into raw tables of text cells: CSV (any common encoding and delimiter),
spreadsheets and JSON records."""

from __future__ import annotations

from pathlib import Path

from cineatlas.errors import FileError
from cineatlas.reading.csvfile import open_csv
from cineatlas.reading.jsonfile import JSON_SUFFIXES, open_json
from cineatlas.reading.options import check_applies, check_delimiter, check_encoding
from cineatlas.reading.table import LINE, ROW, RawBatch, RawTable
from cineatlas.reading.xlsx import SPREADSHEET_SUFFIXES, open_spreadsheet

__all__ = ["LINE", "ROW", "RawBatch", "RawTable", "open_table"]


def open_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    batch_size: int = 100_000,
) -> RawTable:
    """Open a CSV, spreadsheet or JSON file as a RawTable. Raises FileError for a bad file, or
    for an option that is invalid or does not apply to the file's type (see reading.options)."""
    path = Path(path)
    if not path.exists():
        raise FileError(path, "does not exist", "Check the path.", code="missing-file")
    if path.is_dir():
        raise FileError(path, "is a directory", "Give the path of a CSV, spreadsheet or JSON file.",
                        code="missing-file")
    suffix = path.suffix.lower()
    kind = ("spreadsheet" if suffix in SPREADSHEET_SUFFIXES
            else "json" if suffix in JSON_SUFFIXES else "csv")
    check_applies(path, kind=kind, delimiter=delimiter, encoding=encoding, sheet=sheet)
    if kind == "spreadsheet":
        return open_spreadsheet(path, sheet=None if sheet is None else str(sheet),
                                batch_size=batch_size)
    if kind == "json":
        return open_json(path, batch_size=batch_size)
    return open_csv(path, delimiter=check_delimiter(path, delimiter),
                    encoding=check_encoding(path, encoding), batch_size=batch_size)
