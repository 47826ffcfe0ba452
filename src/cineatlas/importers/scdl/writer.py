"""Writing awards back as a valid SCDL subventions 2.1.1 file (for open-data exports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.errors import AtlasError
from cineatlas.importers.scdl.explain import cents_text
from cineatlas.importers.scdl.schema import RNA_PATTERN, SIRET_PATTERN
from cineatlas.parsing.values import blank

if TYPE_CHECKING:
    from cineatlas.store import Store

#: The awards the writer exports, with their funder, beneficiary and scheme.
AWARDS_FOR_SCDL = """
SELECT a.award_id, a.row_number, a.source_id, a.currency, a.amount_minor, a.decision_date,
       a.project_title, a.aid_type, f.name AS funder_name, f.siret AS funder_siret,
       b.name AS beneficiary_name, b.siret AS beneficiary_siret, b.rna AS beneficiary_rna,
       s.name AS scheme_name, w.title AS work_title
FROM awards a
LEFT JOIN organisations f ON f.organisation_id = a.funder_id
LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id
LEFT JOIN schemes s ON s.scheme_id = a.scheme_id
LEFT JOIN works w ON w.work_id = a.work_id
"""

_NATURE_OF_AID_TYPE = {"in_kind": "aide en nature", "mixed": "aide en numéraire;aide en nature"}


@dataclass
class ScdlExport:
    """What `write_scdl` wrote: the path, the rows written and the rows left out, by reason."""

    path: Path
    rows_written: int
    skipped: dict[str, int]


def scdl_rows(
    store: Store, where: str | None = None, params: Sequence[Any] | None = None
) -> pl.DataFrame:
    """The awards of a store as `write_scdl` expects them (optionally filtered by a SQL
    condition on `a` = awards, `f` = funder, `b` = beneficiary, `s` = scheme)."""
    sql = (
        AWARDS_FOR_SCDL
        + (f" WHERE {where}" if where else "")
        + " ORDER BY a.source_id, a.row_number, a.award_id"
    )
    return store.frame(sql, list(params or []))


def write_scdl(
    data: pl.DataFrame | Store, path: str | Path, *, where: str | None = None,
    params: Sequence[Any] | None = None,
) -> ScdlExport:
    """Write awards as a valid SCDL subventions 2.1.1 CSV (UTF-8, comma, the 16 fields in order).

    `data` is a Store (its awards, filtered by `where`/`params`, see `scdl_rows`) or a frame
    with the columns of `AWARDS_FOR_SCDL`. A row that cannot be made valid is left out and
    counted by reason: not in euros, no funder name or SIRET, no decision date, no beneficiary,
    no object or title, no amount. Fields cineatlas does not know are written as documented in
    docs/importers/scdl.md (nature 'aide en numéraire' unless in kind, conditionsVersement
    'autre', datesPeriodeVersement = the decision date, notificationUE 'non',
    pourcentageSubvention 1.00).
    """
    frame = data if isinstance(data, pl.DataFrame) else scdl_rows(data, where, params)
    expected = (
        "currency", "amount_minor", "decision_date", "project_title", "aid_type", "funder_name",
        "funder_siret", "beneficiary_name", "beneficiary_siret", "beneficiary_rna",
    )
    absent = [c for c in expected if c not in frame.columns]
    if absent:
        raise AtlasError(
            f"write_scdl needs the columns {', '.join(absent)} (see AWARDS_FOR_SCDL); "
            f"the frame has {', '.join(frame.columns)}."
        )
    title = (
        (
            pl.coalesce(pl.col("project_title"), pl.col("work_title"))
            if "work_title" in frame.columns
            else pl.col("project_title")
        )
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    frame = frame.with_columns(
        title.alias("_objet"), pl.col("funder_name").str.strip_chars().alias("_funder"),
        pl.col("beneficiary_name").str.strip_chars().alias("_beneficiary"),
    )
    reasons = {
        "not in euros": pl.col("currency") != "EUR", "no funder name": blank(pl.col("_funder")),
        "no funder SIRET": ~pl.col("funder_siret").fill_null("").str.contains(SIRET_PATTERN),
        "no decision date": pl.col("decision_date").is_null(),
        "no beneficiary name": blank(pl.col("_beneficiary")),
        "no object or title": blank(pl.col("_objet")),
        "no amount": pl.col("amount_minor").is_null(),
    }
    reason = pl.lit(None, dtype=pl.Utf8)
    for label, condition in reversed(reasons.items()):
        reason = pl.when(condition.fill_null(True)).then(pl.lit(label)).otherwise(reason)
    frame = frame.with_columns(reason.alias("_skip"))
    skipped = dict(frame.filter(pl.col("_skip").is_not_null()).group_by("_skip").len().iter_rows())
    good = frame.filter(pl.col("_skip").is_null())
    date = pl.col("decision_date").cast(pl.Date).dt.strftime("%Y-%m-%d")
    out = good.select(
        pl.col("_funder").alias("nomAttribuant"), pl.col("funder_siret").alias("idAttribuant"),
        date.alias("dateConvention"), pl.lit("").alias("referenceDecision"),
        pl.col("_beneficiary").alias("nomBeneficiaire"),
        pl.col("beneficiary_siret").fill_null("").alias("idBeneficiaire"),
        pl.when(pl.col("beneficiary_rna").fill_null("").str.contains(RNA_PATTERN))
        .then(pl.col("beneficiary_rna"))
        .otherwise(pl.lit(""))
        .alias("rnaBeneficiaire"),
        pl.when(pl.col("_objet").str.len_chars() > 256)
        .then(pl.col("_objet").str.slice(0, 255) + pl.lit("…"))
        .otherwise(pl.col("_objet"))
        .alias("objet"), cents_text(pl.col("amount_minor")).alias("montant"),
        pl.col("aid_type")
        .replace_strict(_NATURE_OF_AID_TYPE, default="aide en numéraire", return_dtype=pl.Utf8)
        .alias("nature"), pl.lit("autre").alias("conditionsVersement"),
        date.alias("datesPeriodeVersement"), pl.lit("").alias("idRAE"),
        pl.lit("non").alias("notificationUE"), pl.lit("1.00").alias("pourcentageSubvention"),
        pl.lit("").alias("dispositifAide"),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path, line_terminator="\n", quote_style="necessary")
    return ScdlExport(path, out.height, skipped)
