"""Emitting an SCDL file's good rows as the store's organisations, schemes and awards."""

from __future__ import annotations

import polars as pl

from cineatlas.importers.base import ImportContext
from cineatlas.importers.scheme_names import name_fields
from cineatlas.parsing.values import NULL_TEXT
from cineatlas.reading import ROW

#: Where a beneficiary identified by a French register number (a valid SIRET, SIREN or RNA
#: number) is placed: the registers are French, so its country is certain, but no field of the
#: standard says its commune — it is placed at the country, never at the funder's département
#: (docs/data-model.md, *Where a beneficiary is placed*).
REGISTER_COUNTRY = "FR"


def _in_register_country() -> pl.Expr:
    """REGISTER_COUNTRY for an identified beneficiary, else NULL (unknown)."""
    return pl.when(pl.col("identified")).then(pl.lit(REGISTER_COUNTRY)).otherwise(NULL_TEXT)

#: Typed columns `emit` reads, with their types (a file may lack the fields behind them).
OUTPUTS: dict[str, pl.DataType] = {
    "nomAttribuant": pl.Utf8(), "idAttribuant": pl.Utf8(), "idAttribuant_siren": pl.Utf8(),
    "nomBeneficiaire": pl.Utf8(), "idBeneficiaire": pl.Utf8(), "idBeneficiaire_siren": pl.Utf8(),
    "rnaBeneficiaire": pl.Utf8(), "dateConvention": pl.Date(), "dateDecision": pl.Date(),
    "dateConvention_year": pl.Int64(), "dateDecision_year": pl.Int64(),
    "exerciceBudgetaire": pl.Int64(), "objet": pl.Utf8(), "nature": pl.Utf8(),
    "montant": pl.Int64(), "montantDemande": pl.Int64(), "dispositif": pl.Utf8(),
    "sousDispositif": pl.Utf8(), "dispositifAide": pl.Utf8(), "__aid_type": pl.Utf8(),
}


def scheme_name() -> pl.Expr:
    """dispositif (with sousDispositif after ' — ') in the draft, dispositifAide in 2.1.1."""
    dispositif, sub = pl.col("dispositif"), pl.col("sousDispositif")
    combined = (
        pl.when(dispositif.is_not_null() & sub.is_not_null())
        .then(pl.concat_str([dispositif, pl.lit(" — "), sub]))
        .otherwise(dispositif)
    )
    return pl.coalesce(combined, sub, pl.col("dispositifAide"))


def organisations_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Funders (public bodies, with their level and the territory they govern) and
    beneficiaries, one row per organisation id: the first name seen, and the first SIRET,
    SIREN and RNA number given for it. An identified beneficiary is placed in France
    (`territory_id` FR: its commune is not published); a funder's seat stays unknown."""
    funders = rows.select(
        pl.col("funder_id").alias("organisation_id"), pl.col("nomAttribuant").alias("name"),
        pl.col("funder_key").alias("name_key"), pl.lit("public_body").alias("kind"),
        pl.lit(True).alias("is_funder"), pl.col("idAttribuant").alias("siret"),
        pl.col("idAttribuant_siren").alias("siren"), NULL_TEXT.alias("rna"),
        pl.lit(True).alias("identified"), "funder_level", "governed_territory_id",
        NULL_TEXT.alias("territory_id"),
    )
    beneficiaries = rows.select(
        pl.col("beneficiary_id").alias("organisation_id"), pl.col("nomBeneficiaire").alias("name"),
        pl.col("beneficiary_key").alias("name_key"),
        pl.when(pl.col("rnaBeneficiaire").is_not_null())
        .then(pl.lit("association"))
        .otherwise(NULL_TEXT)
        .alias("kind"), pl.lit(False).alias("is_funder"), pl.col("idBeneficiaire").alias("siret"),
        pl.col("idBeneficiaire_siren").alias("siren"), pl.col("rnaBeneficiaire").alias("rna"),
        "identified", NULL_TEXT.alias("funder_level"), NULL_TEXT.alias("governed_territory_id"),
        _in_register_country().alias("territory_id"),
    )
    return (
        pl.concat([funders, beneficiaries], how="vertical_relaxed")
        .filter(pl.col("organisation_id").is_not_null())
        .group_by("organisation_id", maintain_order=True)
        .agg(
            pl.col("name").first(), pl.col("name_key").first(), pl.col("kind").drop_nulls().first(),
            pl.col("is_funder").any(), pl.col("siret").drop_nulls().first(),
            pl.col("siren").drop_nulls().first(), pl.col("rna").drop_nulls().first(),
            pl.col("identified").any(), pl.col("funder_level").drop_nulls().first(),
            pl.col("governed_territory_id").drop_nulls().first(),
            pl.col("territory_id").drop_nulls().first(),
        )
        # A public body publishing under the SCDL, or an organisation with a SIRET, SIREN or
        # RNA number, is registered in France.
        .with_columns(
            pl.when(pl.col("identified"))
            .then(pl.lit("FR"))
            .otherwise(NULL_TEXT)
            .alias("country_code")
        )
        .drop("identified")
    )


def scheme_column() -> pl.Expr:
    """The field(s) a scheme's name was read from (`scheme_name`), for its field sources."""
    dispositif, sub = pl.col("dispositif"), pl.col("sousDispositif")
    return (
        pl.when(dispositif.is_not_null() & sub.is_not_null())
        .then(pl.lit("dispositif, sousDispositif"))
        .when(dispositif.is_not_null()).then(pl.lit("dispositif"))
        .when(sub.is_not_null()).then(pl.lit("sousDispositif"))
        .otherwise(pl.lit("dispositifAide"))
    )


def schemes_frame(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The schemes named by the lines (`dispositif`, `dispositifAide`): their funder, level
    (the funder's level of government) and what their names say (`name_fields`: the field
    sources point at the first line naming the scheme)."""
    return name_fields(
        rows.filter(pl.col("scheme_id").is_not_null())
        .select(
            "scheme_id", "funder_id", pl.col("scheme").alias("name"),
            pl.col("scheme_name_key").alias("name_key"), pl.col("funder_level").alias("level"),
            pl.format("row {}, {}", pl.col(ROW), scheme_column()).alias("locator"),
        )
        .unique("scheme_id", keep="first", maintain_order=True)
    )


def awards_frame(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    convention, decision = pl.col("dateConvention"), pl.col("dateDecision")
    return rows.select(
        (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
        pl.col(ROW).alias("row_number"), "funder_id", "scheme_id", "beneficiary_id",
        pl.col("objet").alias("project_title"),
        pl.coalesce(decision, convention).alias("decision_date"),
        pl.coalesce(
            pl.col("exerciceBudgetaire"), convention.dt.year(), decision.dt.year(),
            pl.col("dateConvention_year"), pl.col("dateDecision_year"),
        )
        .cast(pl.Int32)
        .alias("fiscal_year"), pl.col("exerciceBudgetaire").cast(pl.Utf8).alias("fiscal_period"),
        pl.col("montant").alias("amount_minor"), pl.lit("EUR").alias("currency"),
        pl.col("montantDemande").alias("requested_amount_minor"),
        pl.col("__aid_type").alias("aid_type"), pl.col("nature").alias("aid_type_raw"),
        _in_register_country().alias("beneficiary_country_code"),
        _in_register_country().alias("beneficiary_territory_id"), "sector", "sector_rule",
    )
