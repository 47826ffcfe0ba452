"""The SCDL importer: header, checks, emitting, as the pipeline calls them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.public_bodies import PublicBody
from cineatlas.importers.scdl.cells import Slot, slot_of
from cineatlas.importers.scdl.checks import (
    BY_VALUE_SAMPLE,
    BY_VALUE_SHARE,
    by_value,
    check_amount,
    check_date,
    check_field,
    check_identifier,
    check_rna,
    check_share,
    nature_aid_type,
    status_awarded,
)
from cineatlas.importers.scdl.classifier import SectorClassifier
from cineatlas.importers.scdl.emit import (
    OUTPUTS,
    awards_frame,
    organisations_frame,
    scheme_name,
    schemes_frame,
)
from cineatlas.importers.scdl.explain import explain
from cineatlas.importers.scdl.funders import funder_warnings, public_bodies
from cineatlas.importers.scdl.header import Layout, read_header
from cineatlas.importers.scdl.lines import open_scdl, unwrap, with_repairs
from cineatlas.importers.scdl.schema import (
    ESSENTIAL,
    FIELDS,
    IDENTIFIERS,
    VERSIONS,
    ScdlField,
    fields,
)
from cineatlas.importers.scdl.sectors import SAME_BENEFICIARY, sector_figures, sectors
from cineatlas.parsing import Parsed, RowParser, map_unique
from cineatlas.parsing.values import NULL_TEXT, blank
from cineatlas.problems import ERROR, WARNING, Problem
from cineatlas.reading import ROW, RawTable
from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL
from cineatlas.text import name_key

#: How many cinema and audiovisual lines the import report shows as examples.
EXAMPLES = 5


class ScdlImporter(Importer):
    name = "scdl"
    title = "SCDL subventions"
    description = (
        "Subsidies granted by a French public body, published under the SCDL "
        "« subventions » standard (v2.1.1, or the draft next version)."
    )
    #: Each public body publishes its own file: the source's publisher is the file's funder(s),
    #: found while importing (see `source_metadata`); the licence is the publisher's choice.
    publisher = "each French public body, for its own subsidies (standard: OpenDataFrance)"
    licence = None
    #: No single file to download (the standard: https://schema.data.gouv.fr/scdl/subventions/).
    url = None
    #: Each line is classified by `sector.SectorClassifier` (the files hold every sector).
    sector = None
    required_columns = ESSENTIAL
    optional_columns = tuple(dict.fromkeys(f.name for f in FIELDS if f.name not in ESSENTIAL))
    tables = ("organisations", "schemes", "scheme_field_sources", "awards")

    def begin(self, ctx: ImportContext) -> None:
        self._funders: set[str] = set()
        self._name_keys: dict[str, str | None] = {}
        self._bodies: dict[tuple[str, str | None], PublicBody | None] = {}
        self._classifier = SectorClassifier.from_store(ctx.store)
        self._examples: list[tuple[int, str, str, str]] = []

    def finish(self, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        """Over the whole file: the `same-beneficiary` rule, the report's figures on cinema and
        audiovisual lines, and a warning for each funder whose level is unknown."""
        same = ctx.store.frame(SAME_BENEFICIARY, [ctx.source_id] * 3)
        ctx.store.update("awards", same, key="award_id")
        ctx.figures.update(sector_figures(ctx.store, ctx.source_id, self._examples, same))
        ctx.problems.extend(funder_warnings(ctx.store, ctx.source_id))
        return {}

    def source_metadata(self, path: Path) -> dict[str, Any]:
        """The publisher of an SCDL file is the body granting the subsidies (nomAttribuant)."""
        funders = sorted(getattr(self, "_funders", set()))
        more = f" and {len(funders) - 3} more" if len(funders) > 3 else ""
        publisher = "; ".join(funders[:3]) + more
        return {"title": self.source_title(path), "publisher": publisher or None, "licence": None,
                "url": None}

    def open(self, path: Path) -> RawTable:
        """The file as a raw table: its delimiter the one that gives the standard's labels, a
        table wrapped in another read back, and rows with too many cells lined up where
        that is certain (see `lines`)."""
        table, inner = open_scdl(
            path, delimiter=self.options.get("delimiter"), encoding=self.options.get("encoding"),
            sheet=self.options.get("sheet"),
        )
        if inner is not None:
            table = unwrap(table, inner)
        return with_repairs(table, self._slots(table))

    def _slots(self, table: RawTable) -> list[Slot]:
        """What each column of the file accepts, from its header."""
        layout = read_header(table)
        field_of = {column: name for name, column in layout.columns.items()}
        specs = {spec.name: spec for spec in self._specs(layout)}
        return [slot_of(column, specs.get(field_of.get(column, ""))) for column in table.columns]

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        layout = read_header(table)
        missing = [name for name in ESSENTIAL if name not in layout.columns]
        if missing and len(table.columns) == 1:
            raise FileError(
                table.path,
                f"has a single column {table.labels[0][:120]!r}: its delimiter is not a comma, "
                "semicolon, tab or pipe",
                "Separate the columns with one of those, or give the delimiter with "
                "--option delimiter=';'.", code="unknown-delimiter",
            )
        if missing:
            raise FileError(
                table.path,
                f"lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(repr, missing))} that every SCDL subventions file has "
                f"(found: {', '.join(map(repr, table.labels[:40]))})",
                "Check that this is an SCDL « subventions » file; columns are matched by name "
                "(case, accents and punctuation ignored), in any order.", code="missing-column",
            )
        self.layout = layout
        return dict(layout.columns), layout.problems

    # -- parse ---------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        layout: Layout = self.layout
        specs = self._specs(layout)
        frame = raw.select(ROW, *(pl.col(layout.columns[f.name]).alias(f.name) for f in specs))
        frame = frame.with_columns(self._lookups(frame))
        # The checks' expressions, built once per file (building them is not free).
        built = self.__dict__.setdefault("_built_checks", {})
        checks = []
        for spec in specs:
            if spec not in built:
                built[spec] = self._check(spec)
            parsed, extras = built[spec]
            sample = frame[spec.name].head(BY_VALUE_SAMPLE)
            if sample.n_unique() <= BY_VALUE_SHARE * sample.len():
                # Values repeat (names, dates, identifiers, vocabularies): check each distinct
                # value once. A column of mostly distinct values (amounts, references) is
                # checked row by row: the join would cost more than it saves.
                frame, parsed, extras = by_value(frame, spec.name, parsed, extras)
            checks.append((spec.name, parsed, extras))
        p = RowParser(frame)
        for name, parsed, extras in checks:
            p.add(name, name, parsed)
            for extra, expr in extras.items():
                p.add_value(extra, expr)
        self._add_custom_checks(p, frame)
        typed, problems = p.finish()
        typed = typed.with_columns(frame["__aid_type"], frame["__awarded"])
        return typed, explain(problems, typed)

    @staticmethod
    def _specs(layout: Layout) -> list[ScdlField]:
        """The declared fields the file has: those of its version, then those of the other
        version (e.g. montantDemande in a 2.1.1 file), each once."""
        names: dict[str, ScdlField] = {}
        for version in (layout.version, *(v for v in VERSIONS if v != layout.version)):
            for spec in fields(version):
                if spec.name in layout.columns:
                    names.setdefault(spec.name, spec)
        return list(names.values())

    @staticmethod
    def _lookups(frame: pl.DataFrame) -> list[pl.Series]:
        def series(name: str) -> pl.Series:
            return (
                frame[name]
                if name in frame.columns
                else pl.Series(name, [None] * frame.height, pl.Utf8)
            )

        return [
            map_unique(series("nature"), nature_aid_type, pl.Utf8).alias("__aid_type"),
            map_unique(series("statutLabel"), status_awarded, pl.Boolean).alias("__awarded"),
        ]

    @staticmethod
    def _check(spec: ScdlField) -> tuple[Parsed, dict[str, pl.Expr]]:
        """The check of one field: its Parsed value and problems, and extra typed columns."""
        raw = pl.col(spec.name)
        if spec.name in IDENTIFIERS:
            parsed, siren = check_identifier(spec, raw)
            return parsed, {f"{spec.name}_siren": siren}
        if spec.name == "rnaBeneficiaire":
            return check_rna(spec, raw), {}
        if spec.name in ("montant", "montantDemande"):
            return check_amount(spec, raw), {}
        if spec.name == "pourcentageSubvention":
            return check_share(spec, raw), {}
        if spec.type == "date":
            return check_date(spec, raw)
        return check_field(spec, raw), {}

    def _add_custom_checks(self, p: RowParser, frame: pl.DataFrame) -> None:
        """one-of-required (idBeneficiaire or rnaBeneficiaire) and not-awarded (statutLabel)."""
        id_raw, rna_raw = p.raw("idBeneficiaire"), p.raw("rnaBeneficiaire")
        if "idBeneficiaire" in frame.columns or "rnaBeneficiaire" in frame.columns:
            neither = blank(id_raw) & blank(rna_raw)
            p.add(
                "__one_of", "idBeneficiaire",
                Parsed(
                    pl.lit(None),
                    pl.when(neither).then(pl.lit("one-of-required")).otherwise(NULL_TEXT),
                    {"one-of-required": WARNING},
                ),
            )
        if "statutLabel" in frame.columns:
            refused = pl.col("__awarded").not_().fill_null(False)
            p.add(
                "__status", "statutLabel",
                Parsed(
                    pl.lit(None), pl.when(refused).then(pl.lit("not-awarded")).otherwise(NULL_TEXT),
                    {"not-awarded": ERROR},
                ),
            )

    # -- emit ----------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW).with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in OUTPUTS.items()
            if name not in rows.columns
        )
        self._funders.update(rows["nomAttribuant"].drop_nulls().unique().head(10).to_list())
        keys = self.__dict__.setdefault("_name_keys", {})  # name -> name_key, across batches
        funder_key = map_unique(rows["nomAttribuant"], name_key, pl.Utf8, keys)
        beneficiary_key = map_unique(rows["nomBeneficiaire"], name_key, pl.Utf8, keys)
        scheme = rows.select(scheme_name()).to_series()
        scheme_name_key = map_unique(scheme, name_key, pl.Utf8, keys)
        scheme_key = pl.select(
            pl.when(scheme.is_not_null()).then(
                pl.concat_str([funder_key, pl.lit("|"), scheme_name_key])
            )
        ).to_series()
        rows = rows.with_columns(
            funder_key.alias("funder_key"), beneficiary_key.alias("beneficiary_key"),
            ctx.entity_id("org", funder_key).alias("funder_id"),
            ctx.entity_id("org", beneficiary_key).alias("beneficiary_id"), scheme.alias("scheme"),
            scheme_name_key.alias("scheme_name_key"),
            ctx.entity_id("scheme", scheme_key).alias("scheme_id"),
            (
                pl.col("idBeneficiaire").is_not_null()
                | pl.col("idBeneficiaire_siren").is_not_null()
                | pl.col("rnaBeneficiaire").is_not_null()
            ).alias("identified"),
        )
        rows = public_bodies(rows, ctx.geocoder, self._bodies)
        rows = sectors(rows, self._classifier, ctx.geocoder, self._bodies)
        self._examples.extend(
            rows.filter(pl.col("sector") == CINEMA_AUDIOVISUAL)
            .select(ROW, "nomBeneficiaire", "sector_rule", "sector_evidence")
            .head(EXAMPLES)
            .iter_rows()
        )
        schemes, field_sources = schemes_frame(rows)
        return {
            "organisations": organisations_frame(rows), "schemes": schemes,
            "scheme_field_sources": field_sources,
            "awards": awards_frame(rows, ctx),
        }
