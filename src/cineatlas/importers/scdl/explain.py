"""What a tolerated value was read as: the end of each warning's message."""

from __future__ import annotations

import polars as pl

from cineatlas.importers.scdl.schema import CUSTOM_CHECK_CODES
from cineatlas.problems import WARNING
from cineatlas.reading import ROW


def explain(problems: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """Append to each warning how the value was interpreted ('Read as 2016-12-05.') or that it
    was not stored."""
    if problems.is_empty():
        return problems
    problems = problems.with_columns(
        pl.when((pl.col("code") == "required") & (pl.col("severity") == WARNING))
        .then(pl.format(
            "Missing value in column '{}', which the standard requires: fill it in. The row was "
            "loaded without it.", pl.col("field"),
        ))
        .otherwise(pl.col("message"))
        .alias("message")
    )
    typed = typed.filter(pl.col(ROW).is_in(problems["row"].unique().implode()))
    shown = []
    for name in typed.columns:
        if name.startswith("__") or name == ROW or name.endswith(("_siren", "_year")):
            continue
        dtype = typed.schema[name]
        if dtype == pl.Utf8 and name not in _STORED:
            continue  # validated only: nothing to say about how it was read
        value = pl.col(name)
        if name in ("montant", "montantDemande"):
            text = cents_text(value)
        elif name == "nature":
            text = pl.col("__aid_type").replace_strict(
                {
                    "grant": "aide en numéraire (grant)", "in_kind": "aide en nature (in kind)",
                    "mixed": "aide en numéraire;aide en nature (mixed)",
                },
                default=None, return_dtype=pl.Utf8,
            )
        elif name in ("idAttribuant", "idBeneficiaire"):
            siren = pl.col(f"{name}_siren")
            text = (
                pl.when(value.is_not_null())
                .then(value)
                .when(siren.is_not_null())
                .then(pl.format("SIREN {} (the SIRET was not stored)", siren))
            )
        elif name == "pourcentageSubvention":
            text = pl.format("{} (a percentage written as a whole number, divided by 100)", value)
        elif dtype == pl.Date and f"{name}_year" in typed.columns:
            year = pl.col(f"{name}_year")
            text = pl.coalesce(
                value.cast(pl.Utf8),
                pl.format("the year {} only: the fiscal year is {}, the date is unknown", year,
                          year),
            )
        elif dtype == pl.Boolean:
            text = pl.when(value).then(pl.lit("oui")).when(value.not_()).then(pl.lit("non"))
        else:
            text = value.cast(pl.Utf8)
        shown.append(
            typed.select(
                pl.col(ROW).alias("row"), pl.lit(name).alias("field"), text.alias("read_as")
            )
        )
    if not shown:
        return problems
    joined = problems.join(pl.concat(shown), on=["row", "field"], how="left")
    warning = (pl.col("severity") == WARNING) & (pl.col("code") != "max-length")
    unchanged = pl.col("field").is_in(list(_STORED_AS_TEXT)) & (
        pl.col("read_as") == pl.col("value")
    )
    explained = ~pl.col("field").is_in(["pourcentageSubvention"]) | (
        pl.col("code") == "out-of-range"
    )
    suffix = (
        pl.when(~warning | pl.col("code").is_in(list(CUSTOM_CHECK_CODES - {"french-siret-value"})))
        .then(pl.lit(""))
        .when(pl.col("read_as").is_not_null() & ~unchanged.fill_null(False) & explained)
        .then(pl.format(" Read as {}.", pl.col("read_as")))
        .when(
            pl.col("field").is_in(list(_STORED))
            & pl.col("read_as").is_null()
            & (pl.col("value") != "")
        )
        .then(pl.lit(" The value was not stored."))
        .otherwise(pl.lit(""))
    )
    return joined.with_columns((pl.col("message") + suffix).alias("message")).select(
        problems.columns
    )


#: Fields whose value cineatlas stores (a warning on an unusable value says it was not stored).
_STORED = (
    "idAttribuant", "idBeneficiaire", "rnaBeneficiaire", "dateConvention", "dateDecision",
    "exerciceBudgetaire", "montant", "montantDemande", "nature", "objet",
)
_STORED_AS_TEXT = ("objet", "idAttribuant", "idBeneficiaire", "rnaBeneficiaire")


def cents_text(minor: pl.Expr) -> pl.Expr:
    """Minor units as a decimal text with a point: 1000010 -> '10000.10'."""
    magnitude = minor.abs()
    return pl.when(minor.is_not_null()).then(
        pl.concat_str(
            [
                pl.when(minor < 0).then(pl.lit("-")).otherwise(pl.lit("")),
                (magnitude // 100).cast(pl.Utf8), pl.lit("."),
                (magnitude % 100).cast(pl.Utf8).str.zfill(2),
            ]
        )
    )
