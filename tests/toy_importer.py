"""A minimal importer used by the pipeline tests: awards with a beneficiary, an amount, a date.

It needs no reference territories, so pipeline tests stay small and fast.
"""

from __future__ import annotations

import polars as pl

from cineatlas.importers import Importer, register
from cineatlas.parsing import RowParser, values


@register
class ToyImporter(Importer):
    name = "toy"
    title = "Toy awards"
    required_columns = ("beneficiary", "amount")
    optional_columns = ("date", "title")
    private_columns = ("email",)
    tables = ("organisations", "awards")
    options_help = {**Importer.options_help, "fail_at_row": "Raise at this row (tests rollback)."}

    def parse(self, raw, ctx):
        fail_at = int(self.options.get("fail_at_row", 0))
        if fail_at and raw.filter(pl.col("_row") == fail_at).height:
            raise RuntimeError(f"toy importer asked to fail at row {fail_at}")
        p = RowParser(raw)
        p.add("beneficiary", ctx.column("beneficiary"),
              values.text(p.raw(ctx.column("beneficiary")), required=True))
        p.add("amount_minor", ctx.column("amount"),
              values.money(p.raw(ctx.column("amount")), decimal="auto", required=True))
        p.add("decision_date", ctx.column("date"), values.date(p.raw(ctx.column("date"))))
        p.add("project_title", ctx.column("title"), values.text(p.raw(ctx.column("title"))))
        return p.finish()

    def emit(self, rows, ctx):
        org = ctx.entity_id("org", rows["beneficiary"].str.to_lowercase())
        awards = rows.select(
            (pl.lit(ctx.source_id + "/") + pl.col("_row").cast(pl.Utf8)).alias("award_id"),
            pl.col("_row").alias("row_number"),
            org.alias("beneficiary_id"),
            "amount_minor", "decision_date", "project_title",
            pl.lit("EUR").alias("currency"),
        )
        orgs = pl.DataFrame({"organisation_id": org, "name": rows["beneficiary"],
                             "name_key": rows["beneficiary"].str.to_lowercase()}).unique(
            "organisation_id")
        return {"organisations": orgs, "awards": awards}
