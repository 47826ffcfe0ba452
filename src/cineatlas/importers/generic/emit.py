"""The good typed rows of a list -> organisations (funders and beneficiaries), directors,
works, schemes, commissions and awards."""

from __future__ import annotations

import polars as pl

from cineatlas.importers.base import ImportContext
from cineatlas.importers.generic.kinds import KINDS
from cineatlas.importers.generic.schema import FIELDS
from cineatlas.importers.scheme_names import name_fields
from cineatlas.parsing import map_unique
from cineatlas.parsing.values import NULL_TEXT
from cineatlas.reading import ROW
from cineatlas.text import name_key

#: Typed columns `emit` reads (a mapping may leave any of them out): each field's, as its
#: kind writes them, and the beneficiary's place found.
OUTPUTS: dict[str, pl.DataType] = {
    **{name: dtype for spec in FIELDS for name, dtype in KINDS[spec.kind].outputs(spec).items()},
    "beneficiary_territory_id": pl.Utf8(), "__country_code": pl.Utf8(),
}
#: Names whose normalised key identifies an entity (the funder scopes schemes and commissions).
KEYED = ("beneficiary", "funder", "scheme", "work_title", "commission")


def emit_rows(rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
    rows = rows.sort(ROW).with_columns(
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in OUTPUTS.items()
        if name not in rows.columns
    )
    key = {name: map_unique(rows[name], name_key, pl.Utf8) for name in KEYED}
    year = pl.coalesce(pl.col("fiscal_year"), pl.col("decision_date").dt.year()).cast(pl.Int32)
    rows = rows.with_columns(year.alias("fiscal_year"), *(key[n].alias(f"{n}_key") for n in key))
    scheme_key = pl.select(
        pl.when(key["scheme"] != "").then(
            pl.concat_str([key["funder"], pl.lit("|"), key["scheme"]])
        )
    ).to_series()
    commission_key = rows.select(
        pl.when(pl.col("commission_key") != "").then(
            pl.concat_str(
                [
                    pl.col("funder_key"), pl.lit("|"), pl.col("commission_key"), pl.lit("|"),
                    pl.col("fiscal_year").cast(pl.Utf8).fill_null(""),
                ]
            )
        )
    ).to_series()
    rows = rows.with_columns(
        ctx.entity_id("org", key["beneficiary"]).alias("beneficiary_id"),
        ctx.entity_id("org", key["funder"]).alias("funder_id"),
        ctx.entity_id("scheme", scheme_key).alias("scheme_id"),
        ctx.entity_id("work", key["work_title"]).alias("work_id"),
        ctx.entity_id("commission", commission_key).alias("commission_id"),
    )
    rows = rows.with_columns(_country_code().alias("beneficiary_country_code"))
    schemes, field_sources = _schemes(rows, ctx)
    return {
        "organisations": _organisations(rows), "people": _people(rows, ctx),
        "works": rows.filter(pl.col("work_id").is_not_null())
        .select(
            "work_id", pl.col("work_title").alias("title"),
            pl.col("work_title_key").alias("title_key"), "language", "format", "genre",
        )
        .unique("work_id", keep="first", maintain_order=True),
        "schemes": schemes, "scheme_field_sources": field_sources,
        "commissions": rows.filter(pl.col("commission_id").is_not_null())
        .select(
            "commission_id", "funder_id", pl.col("commission").alias("name"),
            pl.col("fiscal_year").alias("year"),
        )
        .unique("commission_id", keep="first", maintain_order=True),
        "awards": _awards(rows, ctx),
    }


def _schemes(rows: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The schemes named by the rows: their funder, level (the funder's, when the mapping
    says it) and what their names say (`name_fields`: the field sources point at the first
    row naming the scheme, in the mapping's `scheme` column)."""
    column = ctx.column("scheme") or "constants.scheme"
    return name_fields(
        rows.filter(pl.col("scheme_id").is_not_null())
        .select(
            "scheme_id", "funder_id", pl.col("scheme").alias("name"),
            pl.col("scheme_key").alias("name_key"), pl.col("funder_level").alias("level"),
            pl.format("row {}, {}", pl.col(ROW), pl.lit(column)).alias("locator"),
        )
        .unique("scheme_id", keep="first", maintain_order=True)
    )


def _country_code() -> pl.Expr:
    """From the territory found, else the country given, else 'FR' for a SIRET/SIREN/RNA."""
    registered = (
        pl.col("beneficiary_siret").is_not_null()
        | pl.col("beneficiary_siret_siren").is_not_null()
        | pl.col("beneficiary_rna").is_not_null()
    )
    return pl.coalesce(
        pl.col("beneficiary_territory_id").str.extract(r"^([A-Z]{2})", 1), pl.col("__country_code"),
        pl.when(registered).then(pl.lit("FR")),
    )


def _organisations(rows: pl.DataFrame) -> pl.DataFrame:
    """Funders (a public body when their level of government is given) and beneficiaries,
    one row per id: the first name met, any identifier or place given."""
    funders = rows.filter(pl.col("funder_id").is_not_null()).select(
        pl.col("funder_id").alias("organisation_id"), pl.col("funder").alias("name"),
        pl.col("funder_key").alias("name_key"),
        pl.when(pl.col("funder_level").is_not_null())
        .then(pl.lit("public_body"))
        .otherwise(NULL_TEXT)
        .alias("kind"),
        pl.lit(True).alias("is_funder"), pl.col("funder_siret").alias("siret"),
        pl.col("funder_siret_siren").alias("siren"), NULL_TEXT.alias("rna"),
        NULL_TEXT.alias("city"), NULL_TEXT.alias("territory_id"),
        pl.coalesce(
            pl.when(pl.col("funder_siret_siren").is_not_null()).then(pl.lit("FR")),
            pl.col("funder_territory").str.extract(r"^([A-Z]{2})", 1),
        ).alias("country_code"),
        "funder_level", pl.col("funder_territory").alias("governed_territory_id"),
    )
    beneficiaries = rows.filter(pl.col("beneficiary_id").is_not_null()).select(
        pl.col("beneficiary_id").alias("organisation_id"), pl.col("beneficiary").alias("name"),
        pl.col("beneficiary_key").alias("name_key"),
        pl.when(pl.col("beneficiary_rna").is_not_null())
        .then(pl.lit("association"))
        .otherwise(NULL_TEXT)
        .alias("kind"), pl.lit(False).alias("is_funder"),
        pl.col("beneficiary_siret").alias("siret"),
        pl.col("beneficiary_siret_siren").alias("siren"), pl.col("beneficiary_rna").alias("rna"),
        pl.col("beneficiary_city").alias("city"),
        pl.col("beneficiary_territory_id").alias("territory_id"),
        pl.col("beneficiary_country_code").alias("country_code"),
        NULL_TEXT.alias("funder_level"), NULL_TEXT.alias("governed_territory_id"),
    )
    return (
        pl.concat([funders, beneficiaries], how="vertical_relaxed")
        .group_by("organisation_id", maintain_order=True)
        .agg(
            pl.col("name").first(), pl.col("name_key").first(), pl.col("is_funder").any(),
            *(
                pl.col(c).drop_nulls().first()
                for c in ("kind", "siret", "siren", "rna", "city", "territory_id", "country_code",
                          "funder_level", "governed_territory_id")
            ),
        )
    )


_NAME_SEPARATORS = r"\s+(?:et|and|&)\s+|\s*[,;/&]\s*"


def _people(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """Directors, one row per name; the published gender only when the cell names one person.
    A name with no letter or digit ('-', '?') names no one."""
    names = (
        rows.filter(pl.col("director").is_not_null())
        .select(
            pl.col("director")
            .str.replace_all(_NAME_SEPARATORS, "|")
            .str.split("|")
            .alias("full_name"), "director_gender",
        )
        .with_columns(pl.col("full_name").list.len().alias("n"))
        .explode("full_name")
        .with_columns(pl.col("full_name").str.strip_chars())
        .filter(pl.col("full_name") != "")
    )
    if names.is_empty():
        return pl.DataFrame()
    keys = map_unique(names["full_name"], name_key, pl.Utf8)
    return (
        names.select(
            ctx.entity_id("person", keys).alias("person_id"), "full_name",
            keys.alias("name_key"),
            pl.when(
                (pl.col("n") == 1) & pl.col("director_gender").is_in(["female", "male", "other"])
            )
            .then(pl.col("director_gender"))
            .otherwise(NULL_TEXT)
            .alias("gender"),
        )
        .filter(pl.col("person_id").is_not_null())
        .unique("person_id", keep="first", maintain_order=True)
    )


def _awards(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    return rows.select(
        (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
        pl.col(ROW).alias("row_number"), "funder_id", "scheme_id", "beneficiary_id", "work_id",
        pl.coalesce("project_title", "work_title").alias("project_title"), "decision_date",
        "fiscal_year", "fiscal_period", "amount_minor", "currency", "requested_amount_minor",
        "aid_type", "aid_type_raw", "stage", "format", "genre", "genre_detail", "language",
        "first_work", "second_work", "director_gender", "beneficiary_territory_id",
        "beneficiary_country_code",
    )
