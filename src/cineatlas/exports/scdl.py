"""`cineatlas export scdl`: the awards of a cut as a valid SCDL « subventions » 2.1.1 CSV.

The Socle commun des données locales « subventions » (décret 2017-779, arrêté du 17 novembre
2017) is the French standard for the subsidies a public body grants: UTF-8, comma, the 16
fields in order (`importers.scdl.schema`, where the standard is declared once). An award the
standard cannot hold is not written and is listed, with every reason, in the report written
beside the CSV (`<name>.report.json`, `exports.standards`): an amount in another currency than
the euro (no conversion is made), no amount, a loan or an advance (not a subsidy), no
attributing body's name or SIRET, no convention date, no beneficiary's name, no beneficiary
SIRET nor RNA number, no object, a fictitious row. The sources and their licences, which the
CSV has no column for, are in the report too. What the store does not know is written as
docs/exports.md says (nature, conditionsVersement, datesPeriodeVersement, notificationUE,
pourcentageSubvention).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.exports.standards import (
    Rule,
    award_rows,
    blank,
    not_expressed,
    sources_of,
    title_expr,
    with_reasons,
    write_report,
)
from cineatlas.importers.scdl.explain import cents_text
from cineatlas.importers.scdl.schema import ORDER, RNA_PATTERN, SIRET_PATTERN, V2_1_1

if TYPE_CHECKING:
    from cineatlas.store import Store

STANDARD = {"name": "SCDL subventions", "version": V2_1_1,
            "schema": "https://gitlab.com/opendatafrance/scdl/subventions/raw/v2.1.1/schema.json"}
#: objet's maxLength in the standard.
OBJECT_MAX = 256
#: Aid types that are no subsidy: SCDL's nature has no value for them.
NOT_SUBSIDIES = {"repayable_advance": "repayable advance", "loan": "loan",
                 "investment": "investment"}
_NATURE_OF_AID_TYPE = {"in_kind": "aide en nature", "mixed": "aide en numéraire;aide en nature"}
#: The columns `scdl_table` reads (those of `standards.award_rows`).
COLUMNS = ("award_id", "currency", "amount_minor", "decision_date", "fiscal_year",
           "project_title", "work_title", "aid_type", "reference", "funder", "funder_siren",
           "funder_siret", "beneficiary", "beneficiary_siren", "beneficiary_siret",
           "beneficiary_rna", "withheld", "scheme_reference", "fictitious")


def _rules() -> list[Rule]:
    siret = pl.col("funder_siret").fill_null("").str.contains(SIRET_PATTERN)
    ben_siret = pl.col("beneficiary_siret").fill_null("").str.contains(SIRET_PATTERN)
    ben_rna = pl.col("beneficiary_rna").fill_null("").str.contains(RNA_PATTERN)
    return [
        Rule("fictitious", pl.col("fictitious"),
             "fictitious: SCDL has no column to flag it, so it is never written"),
        Rule("not-euros", pl.col("currency") != "EUR",
             pl.format("amount in {}: SCDL's montant is in euros (no conversion is made)",
                       pl.col("currency"))),
        Rule("no-amount", pl.col("amount_minor").is_null(),
             "amount not published (montant is required)"),
        Rule("not-a-subsidy", pl.col("aid_type").is_in(list(NOT_SUBSIDIES)).fill_null(False),
             pl.format("a {} is not a subsidy (SCDL's nature: aide en numéraire or en nature)",
                       pl.col("aid_type").replace_strict(NOT_SUBSIDIES, default=None))),
        Rule("no-funder-name", blank(pl.col("funder")),
             "no attributing body's name (nomAttribuant is required)"),
        Rule("no-funder-siret", ~siret,
             pl.when(pl.col("funder_siren").is_not_null())
             .then(pl.format("the attributing body's SIRET is not known, only its SIREN {} "
                             "(idAttribuant requires the 14-digit SIRET)",
                             pl.col("funder_siren")))
             .otherwise(pl.lit("the attributing body's SIRET is not known (idAttribuant is "
                               "required)"))),
        Rule("no-date", pl.col("decision_date").is_null(),
             pl.when(pl.col("fiscal_year").is_not_null())
             .then(pl.format("no convention date, only the year {} (dateConvention is "
                             "required)", pl.col("fiscal_year")))
             .otherwise(pl.lit("no convention date (dateConvention is required)"))),
        Rule("no-beneficiary-name", blank(pl.col("beneficiary")),
             "no beneficiary name (nomBeneficiaire is required)"),
        Rule("beneficiary-withheld", pl.col("withheld"),
             "beneficiary withheld at the person's request: no identifier is published "
             "(idBeneficiaire or rnaBeneficiaire is required)"),
        Rule("no-beneficiary-id", ~pl.col("withheld") & ~ben_siret & ~ben_rna,
             pl.when(pl.col("beneficiary_siren").is_not_null())
             .then(pl.format("no beneficiary SIRET nor RNA number, only its SIREN {} (SCDL "
                             "requires idBeneficiaire or rnaBeneficiaire)",
                             pl.col("beneficiary_siren")))
             .otherwise(pl.lit("no beneficiary SIRET nor RNA number (SCDL requires "
                               "idBeneficiaire or rnaBeneficiaire)"))),
        Rule("no-object", blank(pl.col("_objet")),
             "no object nor title (objet is required)"),
    ]


def scdl_table(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows as SCDL 2.1.1 writes them, in its field order; the input with `_codes` and
    `_reason`, empty for the rows written). `frame` has the columns of `COLUMNS`."""
    absent = [c for c in COLUMNS if c not in frame.columns]
    if absent:
        raise ValueError(f"scdl_table needs the columns {', '.join(absent)} "
                         "(see exports.standards.award_rows).")
    frame = with_reasons(frame.with_columns(title_expr().alias("_objet")), _rules())
    good = frame.filter(pl.col("_codes").list.len() == 0)
    date = pl.col("decision_date").cast(pl.Date).dt.strftime("%Y-%m-%d")
    objet = pl.col("_objet")
    table = good.select(
        pl.col("funder").str.strip_chars().alias("nomAttribuant"),
        pl.col("funder_siret").alias("idAttribuant"),
        date.alias("dateConvention"),
        pl.col("reference").fill_null("").alias("referenceDecision"),
        pl.col("beneficiary").str.strip_chars().alias("nomBeneficiaire"),
        pl.when(pl.col("beneficiary_siret").fill_null("").str.contains(SIRET_PATTERN))
        .then(pl.col("beneficiary_siret")).otherwise(pl.lit("")).alias("idBeneficiaire"),
        pl.when(pl.col("beneficiary_rna").fill_null("").str.contains(RNA_PATTERN))
        .then(pl.col("beneficiary_rna")).otherwise(pl.lit("")).alias("rnaBeneficiaire"),
        pl.when(objet.str.len_chars() > OBJECT_MAX)
        .then(objet.str.slice(0, OBJECT_MAX - 1) + pl.lit("…")).otherwise(objet)
        .alias("objet"),
        cents_text(pl.col("amount_minor")).alias("montant"),
        pl.col("aid_type").replace_strict(_NATURE_OF_AID_TYPE, default="aide en numéraire",
                                          return_dtype=pl.Utf8).alias("nature"),
        pl.lit("autre").alias("conditionsVersement"),
        date.alias("datesPeriodeVersement"),
        pl.lit("").alias("idRAE"),
        pl.lit("non").alias("notificationUE"),
        pl.lit("1.00").alias("pourcentageSubvention"),
        pl.col("scheme_reference").fill_null("").alias("dispositifAide"),
    )
    assert tuple(table.columns) == ORDER[V2_1_1]
    return table, frame


def write_table(table: pl.DataFrame, path: Path) -> None:
    """Write SCDL rows as the standard says: UTF-8 without BOM, comma, quoted as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(path, line_terminator="\n", quote_style="necessary")


class ScdlExporter(Exporter):
    """SCDL subventions 2.1.1: one CSV file, and its report beside it."""

    name = "scdl"
    title = "SCDL subventions 2.1.1 (French subsidies, CSV)"
    folder = False

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        frame = award_rows(store, cut)
        table, checked = scdl_table(frame)
        write_table(table, out)
        written = checked.filter(pl.col("_codes").list.len() == 0)
        report = ExportReport(self.name, out, written={"subventions": table.height},
                              not_expressed=not_expressed(checked),
                              sources=sources_of(store, written), fictitious=False)
        shortened = written.filter(pl.col("_objet").str.len_chars() > OBJECT_MAX)
        notes = [{"id": award_id, "note": f"objet shortened to {OBJECT_MAX} characters "
                  "(the standard's maxLength), ending with '…'"}
                 for award_id in shortened["award_id"]]
        write_report(report, cut=cut, standard=STANDARD, frame=frame, written=written,
                     files=[out], notes=notes)
        return report
