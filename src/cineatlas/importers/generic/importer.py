"""The generic importer: a list opened with the mapping's reading options, its mapped columns
found, each field read as its kind says (`kinds`), the beneficiary located, rows checked, and
the good rows emitted (`emit`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import MappingError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.french_places import insee_code
from cineatlas.importers.generic import header, places
from cineatlas.importers.generic.cells import postal_code
from cineatlas.importers.generic.emit import emit_rows
from cineatlas.importers.generic.kinds import KINDS, Batch, Reader
from cineatlas.importers.generic.mapping import load_mapping
from cineatlas.importers.generic.schema import FIELDS, IDENTIFYING, PLACE_FIELDS
from cineatlas.parsing import Parsed, RowParser, map_unique
from cineatlas.parsing.values import NULL_TEXT, blank
from cineatlas.problems import ERROR, WARNING, Problem, problem_type
from cineatlas.reading import ROW, RawTable, open_table
from cineatlas.reading.xlsx import SPREADSHEET_SUFFIXES
from cineatlas.text import name_key

problem_type(
    "total-row", "Total row",
    "A total or subtotal is not an award: the row was set aside. Remove total rows from "
    "the list (or leave them: they are never loaded).",
)
problem_type(
    "no-beneficiary", "No beneficiary",
    "The beneficiary cell is empty: the award is loaded without a beneficiary. Fill it in.",
)


class GenericImporter(Importer):
    name = "generic"
    title = "List of awards described by a mapping file"
    description = (
        "Any CSV or spreadsheet list of awards (a Region's published list…), read "
        "through a mapping file (TOML or YAML): columns, labels, constants, options."
    )
    publisher = None
    licence = None
    url = None
    tables = ("organisations", "people", "works", "schemes", "scheme_field_sources",
              "commissions", "awards")
    options_help = {
        **Importer.options_help,
        "mapping": "Mapping file (TOML or YAML) describing the list; required. The name of a "
        "shipped mapping (e.g. 'example-region') also works.",
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if not options.get("mapping"):
            raise MappingError(
                "The generic importer needs a mapping file: give it with --mapping FILE (or "
                "--option mapping=FILE). Start from src/cineatlas/importers/generic/mappings/"
                "example-region.toml; docs/importers/generic.md describes the format."
            )
        self.mapping = load_mapping(options["mapping"])
        private = self.mapping.options.get("private_columns", [])
        self.private_columns = tuple(f"{header.PRIVATE}{label}" for label in private)

    def fingerprint(self) -> dict[str, str]:
        """Digests of the files other than the data file that decide the rows: the mapping.
        The pipeline records them with the options and compares them on re-import."""
        return {"mapping": self.mapping.sha256 or ""}

    def _option(self, name: str) -> Any:
        """An option given on the command line (even empty: it is then refused), else in the
        mapping file."""
        return self.options[name] if name in self.options else self.mapping.options.get(name)

    # -- reading ------------------------------------------------------------------------------

    def open(self, path: Path) -> RawTable:
        """Open the file with the reading options given, else the mapping file's: those for
        the other type of file (a list published as CSV and as XLSX) are left out."""
        spreadsheet = self._spreadsheet = path.suffix.lower() in SPREADSHEET_SUFFIXES

        def option(name: str, applies: bool) -> Any:
            return self._option(name) if name in self.options or applies else None

        return open_table(
            path, delimiter=option("delimiter", not spreadsheet),
            encoding=option("encoding", not spreadsheet), sheet=option("sheet", spreadsheet),
        )

    def source_metadata(self, path: Path) -> dict[str, Any]:
        src = self.mapping.source
        return {
            "title": src.get("title") or f"{path.name} (mapping {self.mapping.path.name})",
            "publisher": src.get("publisher"), "licence": src.get("licence"), "url": src.get("url"),
        }

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        """Find every mapped column (labels compared ignoring case, accents and punctuation)."""
        return header.resolve_columns(self.mapping, table)

    def begin(self, ctx: ImportContext) -> None:
        """The funder's territory given as a constant must be one of the store's: checked
        once, before any row, as a problem of the mapping file."""
        text = self.mapping.constants.get("funder_territory")
        if text is None:
            return
        level = self.mapping.constants.get("funder_level")
        _, why = places.governed_territory(text, level, ctx.geocoder)
        if why:
            raise MappingError(f"{self.mapping.path}: constants.funder_territory: {why}")

    # -- parse --------------------------------------------------------------------------------
    #
    # The batch keeps the file's columns under their labels (problems name the column the user
    # knows) plus one 'constants.<field>' column per constant; typed outputs are named by field.

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        source = self._sources(ctx)
        frame = raw.select(
            ROW,
            *dict.fromkeys(c for f, c in source.items() if f in self.mapping.columns),
            *(
                pl.lit(str(v), dtype=pl.Utf8).alias(source[f])
                for f, v in self.mapping.constants.items()
            ),
        )
        frame = self._lookups(frame, source, ctx)
        if self._locates():
            frame = frame.with_columns(self._territories(frame, source, ctx))
        p = RowParser(frame)
        # Spreadsheet numbers arrive as numbers ('15000.5'): the decimal option is for CSV text.
        decimal = (
            "auto" if getattr(self, "_spreadsheet", False) else (self._option("decimal") or "auto")
        )
        dates = self._option("dates") or "day-first"
        amounts = self._option("amounts") or "units"
        for spec in FIELDS:
            if spec.name in source:
                KINDS[spec.kind].read(
                    Reader(p, spec, source[spec.name], decimal, dates, amounts))
        if "__territory" in frame.columns:
            self._add_territory(p, source)
        self._add_row_checks(p, source)
        return p.finish()

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        return emit_rows(rows, ctx)

    def _sources(self, ctx: ImportContext) -> dict[str, str]:
        """field -> the batch column it is read from (a file column, or 'constants.<field>')."""
        out = {f: ctx.columns[f] for f in self.mapping.columns}
        out.update({f: f"constants.{f}" for f in self.mapping.constants})
        return out

    def _lookups(
        self, frame: pl.DataFrame, source: dict[str, str], ctx: ImportContext
    ) -> pl.DataFrame:
        """Each field whose kind has a lookup, looked up once per distinct value ('__<field>'),
        in the order of FIELDS (a territory's level is looked up before it)."""
        for spec in FIELDS:
            lookup = KINDS[spec.kind].lookup
            if spec.name in source and lookup is not None:
                batch = Batch(frame, source, self.mapping, lambda: ctx.geocoder)
                frame = frame.with_columns(lookup(batch, spec).alias(f"__{spec.name}"))
        return frame

    def _locates(self) -> bool:
        return any(self.mapping.has(n) for n in PLACE_FIELDS + ("beneficiary_country",))

    def _territories(
        self, frame: pl.DataFrame, source: dict[str, str], ctx: ImportContext
    ) -> list[pl.Series]:
        """The beneficiary's territory and country, resolved once per distinct place."""
        parts = []
        for name, parser in (
            ("beneficiary_insee", insee_code), ("beneficiary_postal_code", postal_code),
            ("beneficiary_city", None), ("beneficiary_country", None),
        ):
            if name not in source:
                parts.append(pl.lit("", dtype=pl.Utf8))
            elif parser is None:
                parts.append(
                    pl.col(source[name])
                    .str.replace_all(r"[|\s]+", " ")
                    .str.strip_chars()
                    .fill_null("")
                )
            else:
                parsed = parser(pl.col(source[name]))
                frame = frame.with_columns(*(e for stage in parsed.stages for e in stage))
                parts.append(parsed.value.fill_null(""))
        keys = frame.select(pl.concat_str(parts, separator="|").alias("place")).to_series()
        country = (self._option("country") or "FR").upper()
        found: dict[str, tuple[str | None, str | None]] = {}

        def resolve(key: str) -> tuple[str | None, str | None]:
            if key not in found:
                insee, postal, city, given = key.split("|", 3)
                found[key] = places.locate(
                    lambda: ctx.geocoder, insee, postal, city, given, default_country=country
                )
            return found[key]

        territory = map_unique(keys, lambda k: resolve(k)[0] if k.strip("|") else None, pl.Utf8)
        country_code = map_unique(keys, lambda k: resolve(k)[1] if k.strip("|") else None, pl.Utf8)
        return [territory.alias("__territory"), country_code.alias("__country")]

    @staticmethod
    def _add_territory(p: RowParser, source: dict[str, str]) -> None:
        """The territory found; 'unknown-territory' (on the most precise place column given)
        when a commune code, postal code or city was given but not found."""
        places_given = [source[c] for c in PLACE_FIELDS if c in source]
        if places_given:
            given = pl.any_horizontal([~blank(pl.col(c)) for c in places_given])
            code = (
                pl.when(given & pl.col("__territory").is_null())
                .then(pl.lit("unknown-territory"))
                .otherwise(NULL_TEXT)
            )
            p.add(
                "beneficiary_territory_id", places_given[0],
                Parsed(pl.col("__territory"), code, {"unknown-territory": WARNING}),
            )
        else:
            p.add_value("beneficiary_territory_id", pl.col("__territory"))
        p.add_value("__country_code", pl.col("__country"))

    @staticmethod
    def _add_row_checks(p: RowParser, source: dict[str, str]) -> None:
        """A total row is set aside; a row without beneficiary nor title is an error; without
        beneficiary but with a title, a warning. A cell with no letter or digit ('-', '?')
        names no one and nothing: it counts as empty."""
        columns = {n: source[n] for n in IDENTIFYING if n in source}
        totals = {}
        for column in dict.fromkeys(columns.values()):
            totals[column] = (
                pl.col(column).str.contains(r"(?i)^\s*(sous[\s-]?)?total\b").fill_null(False)
            )
            p.add(
                f"__total_{column}", column,
                Parsed(
                    pl.lit(None),
                    pl.when(totals[column]).then(pl.lit("total-row")).otherwise(NULL_TEXT),
                    {"total-row": ERROR},
                ),
            )
        present = {n: _named(c) for n, c in columns.items()}
        code = (
            pl.when(pl.any_horizontal(list(totals.values())))
            .then(NULL_TEXT)
            .when(~pl.any_horizontal(list(present.values())))
            .then(pl.lit("required"))
        )
        if "beneficiary" in present:
            code = code.when(~present["beneficiary"]).then(pl.lit("no-beneficiary"))
        p.add(
            "__identified", next(iter(columns.values())),
            Parsed(
                pl.lit(None), code.otherwise(NULL_TEXT),
                {"required": ERROR, "no-beneficiary": WARNING},
            ),
        )


def _named(column: str) -> pl.Expr:
    """True where the cell has a letter or digit: what a name's key (and an entity's id) is
    made of."""
    return pl.col(column).map_batches(
        lambda cells: map_unique(cells, lambda v: bool(name_key(v)), pl.Boolean),
        return_dtype=pl.Boolean,
    ).fill_null(False)
