"""What the exports to published standards (SCDL, 360Giving) share.

- `award_rows(store, cut)`: the cut's awards (`cut_awards`: each contract once, beneficiaries
  as outputs name them) with what a standard asks beyond them — the funder's and the
  beneficiary's SIREN, SIRET, RNA, kind and country (blank for a person withheld at their
  request: `optout.organisations_sql`), their resolved entity, the work's title, the scheme's
  reference and web address, the source's address and import date, the beneficiary's place;
- `Rule` and `not_expressed(frame, rules)`: each award the standard cannot hold, with every
  reason (a code and a sentence naming the field and what is missing) — never a silent skip;
- `write_report(...)`: the report written beside the export (`<name>.report.json`): the cut,
  the standard, what was written and its totals per currency, the sources with their
  licences (the standards have no column for them), the fictitious policy, and every record
  not written with its reasons.

Fictitious rows are never written to a standard's file (neither SCDL nor 360Giving has a
field to flag them): each is listed in the report with the code `fictitious`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas import optout
from cineatlas.exports.base import Cut, ExportReport, cut_awards, cut_sources
from cineatlas.version import __version__

if TYPE_CHECKING:
    from cineatlas.store import Store

#: What every standard's export says of fictitious rows (in its report and its docs).
FICTITIOUS_POLICY = ("Fictitious rows are never written: the standard has no field to flag "
                     "them, so each is listed among the records not written (code "
                     "'fictitious'). Use the datapackage export for flagged fictitious data.")

_DETAILS = """
SELECT c.award_id, a.scheme_id, a.aid_type, a.reference, a.fiscal_year,
       f.siren AS funder_siren, f.siret AS funder_siret, f.country_code AS funder_country,
       coalesce(fe.entity_id, a.funder_id) AS funder_entity,
       b.siren AS beneficiary_siren, b.siret AS beneficiary_siret, b.rna AS beneficiary_rna,
       b.kind AS beneficiary_kind, b.country_code AS beneficiary_country,
       coalesce(be.entity_id, a.beneficiary_id) AS beneficiary_entity,
       w.title AS work_title, s.reference AS scheme_reference, s.url AS scheme_url,
       src.url AS source_url, src.imported_at AS imported_at,
       t.name AS place_name, t.country_code AS place_country,
       r.territory_id AS region_id, r.name AS region_name
FROM export_cut c
JOIN awards a ON a.award_id = c.award_id
LEFT JOIN organisations f ON f.organisation_id = a.funder_id
LEFT JOIN {beneficiaries} b ON b.organisation_id = a.beneficiary_id
LEFT JOIN entity_members fe ON fe.kind = 'organisation' AND fe.member_id = a.funder_id
LEFT JOIN entity_members be ON be.kind = 'organisation' AND be.member_id = a.beneficiary_id
LEFT JOIN works w ON w.work_id = a.work_id
LEFT JOIN schemes s ON s.scheme_id = a.scheme_id
LEFT JOIN sources src ON src.source_id = a.source_id
LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id
LEFT JOIN territories r ON r.territory_id = t.region_id
"""


def award_rows(store: Store, cut: Cut) -> pl.DataFrame:
    """The cut's awards (`cut_awards`) with the details the standards ask for (see the
    module's doc), by award id; `withheld` is true for a beneficiary withheld as a person."""
    frame = cut_awards(store, cut)
    store.con.register("export_cut", frame.select("award_id").to_arrow())
    try:
        details = store.con.sql(_DETAILS.format(
            beneficiaries=optout.organisations_sql(store))).pl()
    finally:
        store.con.unregister("export_cut")
    withheld = list(optout.withheld_organisations(store))
    return (frame.join(details, on="award_id", how="left")
            .with_columns(pl.col("beneficiary_id").is_in(withheld).alias("withheld"))
            .sort("award_id"))


def title_expr() -> pl.Expr:
    """The award's title: the project title as published, else the work's, spaces folded."""
    return (pl.coalesce(pl.col("project_title"), pl.col("work_title"))
            .str.replace_all(r"\s+", " ").str.strip_chars())


def blank(expr: pl.Expr) -> pl.Expr:
    """Null, or only spaces."""
    return expr.is_null() | (expr.str.strip_chars() == "")


@dataclass(frozen=True)
class Rule:
    """One reason a standard cannot hold an award: `code`, `when` (true: the award cannot be
    written; null counts as true) and `message` (a sentence, SQL-free, naming the field)."""

    code: str
    when: pl.Expr
    message: pl.Expr | str


def with_reasons(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The frame with `_codes` (list) and `_reason` (the messages joined by '; '), both
    empty for an award the standard can hold."""
    hits = [rule.when.fill_null(True) for rule in rules]
    messages = [pl.lit(r.message) if isinstance(r.message, str) else r.message for r in rules]
    return frame.with_columns(
        pl.concat_list([pl.when(h).then(pl.lit(r.code)) for h, r in zip(hits, rules, strict=True)])
        .list.drop_nulls().alias("_codes"),
        pl.concat_list([pl.when(h).then(m) for h, m in zip(hits, messages, strict=True)])
        .list.drop_nulls().list.join("; ").alias("_reason"),
    )


def not_expressed(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The records of a frame `with_reasons` that cannot be written, for the report."""
    left = frame.filter(pl.col("_codes").list.len() > 0)
    return [{"table": "awards", "id": award_id, "reason": reason, "codes": codes}
            for award_id, reason, codes in left.select("award_id", "_reason", "_codes").rows()]


def totals(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Awards and amount (exact, from cents, as text) per currency; unknown amounts counted
    apart."""
    out: dict[str, dict[str, Any]] = {}
    for currency, n, minor, unknown in (
            frame.group_by("currency").agg(
                pl.len(), pl.col("amount_minor").sum(),
                pl.col("amount_minor").is_null().sum().alias("unknown"))
            .sort("currency").rows()):
        out[currency] = {"awards": n, "amount": cents_text(minor),
                         "awards_without_amount": unknown}
    return out


def cents_text(minor: int | None) -> str | None:
    """Minor units as an exact decimal text: 123456 -> '1234.56'."""
    if minor is None:
        return None
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(int(minor)), 100)
    return f"{sign}{units}.{cents:02d}"


def generated_id(value: str) -> str:
    """An identifier under cineatlas' own 360Giving-style prefix: '360G-cineatlas-' then the
    record's id, ':' as '-' and any other character but letters, digits and '-' as '_'
    (360Giving's advice: no slashes nor spaces)."""
    return "360G-cineatlas-" + re.sub(r"[^A-Za-z0-9-]", "_", value.replace(":", "-"))


def report_path(out: Path) -> Path:
    """Where the report of an export to `out` goes: `<name>.report.json` beside it."""
    return out.with_name(f"{out.stem}.report.json")


def sources_of(store: Store, written: pl.DataFrame) -> list[dict[str, Any]]:
    """The sources of the rows written, with their licences (plain values for JSON)."""
    return cut_sources(store, sorted(written["source_id"].unique().to_list()))


def write_report(report: ExportReport, *, cut: Cut, standard: dict[str, str],
                 frame: pl.DataFrame, written: pl.DataFrame, files: list[Path],
                 notes: list[dict[str, Any]] | None = None) -> Path:
    """Write the export's report beside it (see the module's doc); returns its path."""
    codes = Counter(code for item in report.not_expressed for code in item["codes"])
    body = {
        "format": report.format, "standard": standard, "cineatlas_version": __version__,
        "files": [p.name for p in files], "cut": cut.describe(),
        "cut_totals": totals(frame), "written": report.written,
        "written_totals": totals(written), "sources": report.sources,
        "fictitious": report.fictitious, "fictitious_policy": FICTITIOUS_POLICY,
        "not_written": len(report.not_expressed),
        "not_written_by_code": dict(sorted(codes.items())),
        "notes": notes or [], "not_expressed": report.not_expressed,
    }
    path = report_path(files[0])
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report.also.extend([*(f for f in files if f != report.path), path])
    return path
