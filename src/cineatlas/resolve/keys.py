"""Strong keys: records sharing one are the same entity (probability 1, rule `key`).

Each key group is linked as a star on its smallest member id (enough for the clusters,
and linear in the group's size)."""

from __future__ import annotations

import json

import polars as pl

from cineatlas.resolve.model import EDGE_SCHEMA


def star(records: pl.DataFrame, key: str, *, rule: str, extra: list[str] | None = None,
         condition: pl.Expr | None = None) -> pl.DataFrame:
    """Edges from each group's smallest member to the others, for records whose `key` (and
    `extra` columns) are equal and not null."""
    by = [key, *(extra or [])]
    frame = records.filter(pl.col(key).is_not_null() & (pl.col(key).cast(pl.Utf8) != ""))
    if condition is not None:
        frame = frame.filter(condition)
    frame = frame.select("member_id", *by).with_columns(
        pl.col("member_id").min().over(by).alias("left"))
    frame = frame.filter(pl.col("member_id") != pl.col("left"))
    return frame.select(
        "left", pl.col("member_id").alias("right"), pl.lit(1.0).alias("probability"),
        pl.struct(by).map_elements(lambda s: json.dumps({"key": rule, **s}, sort_keys=True,
                                                        default=str),
                                   pl.Utf8).alias("compared"),
    ).cast(EDGE_SCHEMA) if frame.height else pl.DataFrame(schema=EDGE_SCHEMA)


def organisation_keys(records: pl.DataFrame) -> list[pl.DataFrame]:
    """SIREN (or a SIRET's first 9 digits), RNA, a Canadian numbered company's number, the
    companies of a joint name in any order, then the company key within one country. An
    organisation of unknown country (the CNC's agreed films do not publish it) counts as
    French for this key: the list is French; a foreign co-producer of the same name needs the
    model's evidence ('THEO FILMS' of Holy Motors is not Toronto's Theo Films Inc.)."""
    country = records.with_columns(pl.col("country_code").fill_null("FR").alias("_country"))
    return [star(records, "siren9", rule="siren"), star(records, "rna", rule="rna"),
            star(records, "numbered", rule="numbered company"),
            star(country, "joint", rule="the same companies joined", extra=["_country"])
            .with_columns(pl.col("compared").str.replace('"_country"', '"country"')),
            star(country, "company_key", rule="company_key", extra=["_country"])
            .with_columns(pl.col("compared").str.replace('"_country"', '"country"'))]


def explode_star(records: pl.DataFrame, key: str, listed: str, *, rule: str) -> pl.DataFrame:
    """Edges between records with the same `key` and a value of the list `listed` in common."""
    frame = (records.filter(pl.col(key).is_not_null())
             .select("member_id", key, pl.col(listed).alias("_v")).explode("_v")
             .filter(pl.col("_v").is_not_null()))
    return star(frame, key, rule=rule, extra=["_v"]).with_columns(
        pl.col("compared").str.replace('"_v"', f'"{listed}"'))


def work_keys(records: pl.DataFrame) -> list[pl.DataFrame]:
    """VISA, then the same title with a company (resolved organisation) in common, or with a
    person (name key) in common."""
    return [star(records, "visa", rule="visa"),
            explode_star(records, "title_key", "orgs", rule="title+organisation"),
            explode_star(records, "title_key", "people", rule="title+person")]


def person_keys(records: pl.DataFrame) -> list[pl.DataFrame]:
    """The reference a publisher gives, then the same name with a work in common."""
    return [star(records, "reference", rule="reference"),
            explode_star(records, "name_key", "works", rule="name+work")]
