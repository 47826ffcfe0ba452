"""The importer interface: every importer is one module with one `Importer` subclass.

An importer turns raw batches of text cells into rows of the canonical tables:

- `parse(raw, ctx)` returns typed columns (one row per input row, keyed by `_row`) and the
  problems found; rows with an `error` problem are quarantined by the pipeline;
- `emit(rows, ctx)` turns the good typed rows into frames for the store's tables.

The pipeline (`cineatlas.ingest`) does the rest: reading, accounting, quarantine, privacy,
provenance and the all-or-nothing transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from cineatlas.contacts import scrub_text
from cineatlas.errors import AtlasError, FileError
from cineatlas.parsing import map_unique
from cineatlas.problems import Problem
from cineatlas.reading import RawTable, open_table
from cineatlas.reading.csvfile import delimiter_name, sniff_delimiter
from cineatlas.reading.xlsx import no_header_error
from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL
from cineatlas.text import name_key, short_hash

if TYPE_CHECKING:
    from cineatlas.store import Store
    from cineatlas.territories.geocode import Geocoder


@dataclass
class ImportContext:
    """What an importer may use while transforming: the source id, the store (read only),
    the geocoder, the resolved column names and the options."""

    source_id: str
    store: Store
    options: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)  # expected label -> frame column
    fictitious: bool = False
    #: Problems found once every row is known (by `finish`): added to the report.
    problems: list[Problem] = field(default_factory=list)
    #: Figures over the whole file (by `finish`): copied to the report's `figures`.
    figures: dict[str, Any] = field(default_factory=dict)
    _geocoder: Geocoder | None = None

    @property
    def geocoder(self) -> Geocoder:
        """The geocoder, building the reference territories first if the store lacks them."""
        if self._geocoder is None:
            from cineatlas.territories import ensure_territories
            from cineatlas.territories.geocode import Geocoder

            ensure_territories(self.store)
            self._geocoder = Geocoder.from_store(self.store)
        return self._geocoder

    def column(self, label: str) -> str | None:
        """The frame column holding `label`, or None when the file lacks it."""
        return self.columns.get(label)

    def entity_id(self, kind: str, keys: pl.Series) -> pl.Series:
        """Deterministic ids '<source>/<kind>/<hash of key>' (null where the key is null/empty).
        The key is hashed with its contact data removed (a `name_key` already is), so no id
        is derived from an e-mail address or a phone number."""
        prefix = f"{self.source_id}/{kind}/"
        return map_unique(keys, lambda k: prefix + short_hash(scrub_text(k) or "") if k else None,
                          pl.Utf8)


class Importer:
    """Base class of importers. Subclasses set the class attributes and implement
    `parse` and `emit`; they are registered by name (see `cineatlas.importers`)."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    publisher: ClassVar[str | None] = None
    licence: ClassVar[str | None] = None
    #: Where the publisher serves the file (used by `cineatlas demo --download`).
    url: ClassVar[str | None] = None
    #: Column labels the file must have (matched ignoring case, accents and punctuation).
    required_columns: ClassVar[tuple[str, ...]] = ()
    #: Column labels that may be present and are read when they are.
    optional_columns: ClassVar[tuple[str, ...]] = ()
    #: Column labels holding personal data: never stored anywhere, not even in quarantine.
    private_columns: ClassVar[tuple[str, ...]] = ()
    #: Options the importer understands, with their help text.
    options_help: ClassVar[dict[str, str]] = {
        "delimiter": "Column delimiter of a CSV file: one character, or comma, semicolon, tab, "
        "pipe (detected when absent).",
        "encoding": "Text encoding of a CSV file, e.g. utf-8, cp1252, utf-16-le (detected when "
        "absent).",
        "sheet": "Sheet of a spreadsheet file (the first when absent).",
    }
    #: The sector of the awards this importer writes when they do not say theirs
    #: (store.vocabularies.SECTORS): a cinema funder's list is cinema and audiovisual as a
    #: whole. None for an importer that classifies each row itself (SCDL files hold every
    #: sector).
    sector: ClassVar[str | None] = CINEMA_AUDIOVISUAL
    #: The tables this importer writes, in insertion order.
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(self.options_help))
        if unknown:
            known = ", ".join(sorted(self.options_help)) or "none"
            raise AtlasError(
                f"The {self.name} importer has no option {', '.join(map(repr, unknown))}. "
                f"Its options are: {known}."
            )
        self.options = options

    # -- reading -----------------------------------------------------------------------

    def open(self, path: Path) -> RawTable:
        """Open the file as a raw table (override for formats other than CSV/XLSX)."""
        return open_table(
            path,
            delimiter=self.options.get("delimiter"),
            encoding=self.options.get("encoding"),
            sheet=self.options.get("sheet"),
        )

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        """Match expected labels to the file's columns; raise FileError if a required one is
        missing. Returns (label -> column, header problems)."""
        by_key: dict[str, str] = {}
        for column in table.columns:
            by_key.setdefault(name_key(column), column)
        found: dict[str, str] = {}
        problems: list[Problem] = []
        for label in (*self.required_columns, *self.optional_columns, *self.private_columns):
            column = (table.columns[table.columns.index(label)] if label in table.columns
                      else by_key.get(name_key(label)))
            if column is not None:
                found[label] = column
                if column != label:
                    problems.append(Problem(1, label, "incorrect-label", "warning",
                                            f"Column '{column}' was read as '{label}'.", column))
        missing = [label for label in self.required_columns if label not in found]
        if missing and table.sheet is not None:
            raise no_header_error(table, self.required_columns, f"{self.name} importer")
        given = self.options.get("delimiter")
        if missing and len(table.columns) == 1 and given is not None:
            found_here = delimiter_name(sniff_delimiter(table.labels[:1]))
            raise FileError(
                table.path,
                f"has a single column {table.labels[0][:120]!r} when split by the delimiter "
                f"given, {delimiter_name(table.delimiter)}",
                "Leave --option delimiter out to let cineatlas detect it"
                + (f" (its header is split by {found_here})." if found_here else "."),
                code="unknown-delimiter",
            )
        if missing and len(table.columns) == 1 and len(self.required_columns) > 1:
            raise FileError(
                table.path,
                f"has a single column {table.labels[0][:120]!r}: its delimiter is not a comma, "
                "semicolon, tab or pipe",
                "Separate the columns with one of those, or give the delimiter with "
                "--option delimiter=';'.",
                code="unknown-delimiter",
            )
        if missing:
            raise FileError(
                table.path,
                f"lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))} that the {self.name} importer needs "
                f"(found: {', '.join(map(repr, table.labels[:30]))})",
                f"Check that this is a {self.title} file, or rename the columns.",
                code="missing-column",
            )
        return found, problems

    # -- transforming ------------------------------------------------------------------

    def begin(self, ctx: ImportContext) -> None:
        """Called once before the first batch."""

    def private_facts(self, raw: pl.DataFrame, ctx: ImportContext) -> list[pl.Series]:
        """Structured facts read from the private columns before they are dropped (a date, a
        flag; never their text), as series named '__<fact>' given to `parse` with the other
        columns. They are not original cells: never quarantined."""
        return []

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        raise NotImplementedError

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        raise NotImplementedError

    def finish(self, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        """Called once after the last batch; may return more rows (e.g. aggregated entities),
        update this source's rows already written (it runs inside the import's transaction)
        and add problems found across rows to `ctx.problems`."""
        return {}

    # -- provenance --------------------------------------------------------------------

    def source_title(self, path: Path) -> str:
        return f"{self.title} — {path.name}"

    def source_metadata(self, path: Path) -> dict[str, Any]:
        return {"title": self.source_title(path), "publisher": self.publisher,
                "licence": self.licence, "url": self.url}
