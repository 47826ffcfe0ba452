"""`cineatlas export 360giving`: the awards of a cut in the 360Giving Data Standard (1.4).

Writes a 360Giving JSON data package (`{"grants": [...], "version": "1.4", ...}`, valid
against 360-giving-package-schema.json and each grant against 360-giving-schema.json) and the
same grants flattened in a CSV with the standard's column titles ('Identifier', 'Amount
Awarded', 'Recipient Org:Identifier'…, each array of one item rolled up as 360Giving's
spreadsheet template does), plus the report beside them (`exports.standards`).

Identifiers (docs/exports.md):

- grants: `360G-cineatlas-<award id>` (':' as '-', other characters but letters, digits and
  '-' as '_');
- organisations: `FR-RCS-<SIREN>` when the SIREN is known (org-id.guide's list for French
  companies and associations registered in SIRENE; FR-INSEE is deprecated in its favour),
  otherwise a generated `360G-cineatlas-<resolved entity id>`, the same for every record of
  one resolved organisation;
- individuals (`recipientIndividual`): 360Giving's guidance for grants to individuals — the
  name 'Individual Recipient' and an identifier `360G-cineatlas-IND-<n>` numbered within the
  export, referring to no official record. A person withheld at their request
  (docs/directory.md) is such an individual too.

Both currencies (EUR, CAD) are written as they are. Amounts are JSON numbers made from the
integer cents (exact: whole units as integers, others with their cents). A grant the
standard cannot hold (no amount, no full award date, no title, no funder or recipient, a
fictitious row) is listed with its reasons in the report.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas import datasets
from cineatlas.errors import AtlasError
from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.exports.standards import (
    Rule,
    award_rows,
    blank,
    generated_id,
    not_expressed,
    sources_of,
    title_expr,
    with_reasons,
    write_report,
)

if TYPE_CHECKING:
    from cineatlas.store import Store

STANDARD = {"name": "360Giving Data Standard", "version": "1.4",
            "schema": "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/"
                      "schema/360-giving-schema.json"}
#: The name 360Giving recommends for an individual recipient.
INDIVIDUAL = "Individual Recipient"
#: The flattened CSV's columns: (title, path in a grant: keys, 0 for an array's one item).
COLUMNS: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Country", ("recipientOrganization", 0, "addressCountry")),
    ("Recipient Ind:Identifier", ("recipientIndividual", "id")),
    ("Recipient Ind:Name", ("recipientIndividual", "name")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Grant Programme:URL", ("grantProgramme", 0, "url")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Last Modified", ("dateModified",)),
    ("Data Source", ("dataSource",)),
)
#: Amounts are written as JSON numbers from cents only below this (exact as decimals).
_EXACT_LIMIT = 10**15


def _rules() -> list[Rule]:
    return [
        Rule("fictitious", pl.col("fictitious"),
             "fictitious: 360Giving has no field to flag it, so it is never written"),
        Rule("no-amount", pl.col("amount_minor").is_null(),
             "amount not published (amountAwarded is required)"),
        Rule("no-date", pl.col("decision_date").is_null(),
             pl.when(pl.col("fiscal_year").is_not_null())
             .then(pl.format("no award date, only the year {} (awardDate is required: a full "
                             "date)", pl.col("fiscal_year")))
             .otherwise(pl.lit("no award date (awardDate is required)"))),
        Rule("no-title", blank(pl.col("_title")), "no title (title is required)"),
        Rule("no-funder", blank(pl.col("funder")),
             "no funding organisation (fundingOrganization is required)"),
        Rule("no-recipient", pl.col("beneficiary_id").is_null() | blank(pl.col("beneficiary")),
             "no recipient (recipientOrganization or recipientIndividual is required)"),
    ]


def amount(minor: int) -> int | float:
    """An amount in cents as a JSON number with exactly its decimal value: 123400 -> 1234,
    123456 -> 1234.56 (a float whose shortest text is that decimal: below 10^13 units, 15
    significant digits at most, which a double holds exactly as text)."""
    if abs(minor) >= _EXACT_LIMIT:
        raise AtlasError(f"The amount {minor} (minor units) is too large to write exactly.")
    units, cents = divmod(minor, 100)
    return units if cents == 0 else minor / 100


def org_identifier(siren: str | None, entity: str) -> str:
    """An organisation's identifier: FR-RCS-<SIREN> when known, else generated."""
    if siren and len(siren) == 9 and siren.isdigit():
        return f"FR-RCS-{siren}"
    return generated_id(entity)


def _description(row: dict[str, Any]) -> str:
    parts = [row["scheme"], row["stage"], row["format"], row["genre"]]
    text = " · ".join(str(p) for p in parts if p)
    return text or row["_title"]


def _date_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def grant(row: dict[str, Any], individuals: dict[str, str]) -> dict[str, Any]:
    """One award as a 360Giving grant (`individuals`: the identifier of each individual
    recipient's entity in this export)."""
    out: dict[str, Any] = {
        "id": generated_id(row["award_id"]), "title": row["_title"],
        "description": _description(row), "currency": row["currency"],
        "amountAwarded": amount(row["amount_minor"]),
        "awardDate": row["decision_date"].strftime("%Y-%m-%d"),
    }
    if row["_individual"]:
        out["recipientIndividual"] = {"id": individuals[row["beneficiary_entity"]],
                                      "name": INDIVIDUAL}
    else:
        recipient = {"id": org_identifier(row["beneficiary_siren"], row["beneficiary_entity"]),
                     "name": row["beneficiary"].strip()}
        if row["beneficiary_country"]:
            recipient["addressCountry"] = row["beneficiary_country"]
        out["recipientOrganization"] = [recipient]
    out["fundingOrganization"] = [{"id": org_identifier(row["funder_siren"],
                                                       row["funder_entity"]),
                                   "name": row["funder"].strip()}]
    if row["scheme_id"] and row["scheme"]:
        programme = {"code": generated_id(row["scheme_id"]), "title": row["scheme"]}
        if row["scheme_url"]:
            programme["url"] = row["scheme_url"]
        out["grantProgramme"] = [programme]
    # an individual's place is given at the region (province) level only
    place = (row["region_name"] if row["_individual"] else row["place_name"])
    if place:
        out["beneficiaryLocation"] = [{"name": place, "countryCode": row["place_country"]}]
    modified = _date_time(row["imported_at"])
    if modified:
        out["dateModified"] = modified
    if row["source_url"]:
        out["dataSource"] = row["source_url"]
    return out


def _cell(item: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    value: Any = item
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return ""
    return value


def write_csv(grants: list[dict[str, Any]], path: Path) -> None:
    """The grants flattened under the standard's column titles (UTF-8, comma)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([title for title, _ in COLUMNS])
        for item in grants:
            writer.writerow([_cell(item, p) for _, p in COLUMNS])


def _licence(sources: list[dict[str, Any]]) -> str | None:
    """The package's licence address, when every source written has the same known one."""
    known = {d.licence: d.licence_url for d in datasets.catalogue() if d.licence_url}
    urls = {known.get(s["licence"] or "") for s in sources}
    return urls.pop() if len(urls) == 1 and None not in urls else None


def package(grants: list[dict[str, Any]], cut: Cut, sources: list[dict[str, Any]]
            ) -> dict[str, Any]:
    """The 360Giving data package of the grants, with its metadata."""
    named = "; ".join(f"{s['title'] or s['source_id']} ({s['licence'] or 'licence not recorded'})"
                      for s in sources)
    body: dict[str, Any] = {
        "version": STANDARD["version"],
        "title": "cineatlas: public support for cinema and audiovisual work",
        "description": ("Awards of the cineatlas store in the 360Giving Data Standard, cut: "
                        f"{json.dumps(cut.describe(), ensure_ascii=False)}. Sources: {named}."),
        "issued": date.today().isoformat(),
        "publisher": {"name": "cineatlas"},
    }
    licence = _licence(sources)
    if licence:
        body["license"] = licence
    body["grants"] = grants
    return body


class Giving360Exporter(Exporter):
    """360Giving: a JSON data package and its flattened CSV, and the report beside them."""

    name = "360giving"
    title = "360Giving Data Standard (JSON and flattened CSV)"
    folder = False

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        if out.suffix.lower() not in (".json", ".csv"):
            raise AtlasError(f"{out}: give a path ending in .json (360giving writes NAME.json, "
                             "its flattened NAME.csv and NAME.report.json).")
        json_path, csv_path = out.with_suffix(".json"), out.with_suffix(".csv")
        frame = award_rows(store, cut).with_columns(title_expr().alias("_title"))
        checked = with_reasons(frame, _rules()).with_columns(
            (pl.col("withheld") | (pl.col("beneficiary_kind") == "individual").fill_null(False))
            .alias("_individual"))
        written = checked.filter(pl.col("_codes").list.len() == 0)
        people = sorted(written.filter(pl.col("_individual"))["beneficiary_entity"].unique())
        individuals = {e: f"360G-cineatlas-IND-{n:05d}" for n, e in enumerate(people, 1)}
        grants = [grant(row, individuals) for row in written.iter_rows(named=True)]
        sources = sources_of(store, written)
        report = ExportReport(self.name, json_path, written={"grants": len(grants)},
                              not_expressed=not_expressed(checked), sources=sources,
                              fictitious=False)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        if not grants:
            path = write_report(report, cut=cut, standard=STANDARD, frame=frame,
                                written=written, files=[json_path])
            raise AtlasError(f"No award of this cut can be written in 360Giving (a package "
                             f"holds one grant at least): {len(report.not_expressed):,} "
                             f"cannot, each listed with its reasons in {path}.")
        json_path.write_text(json.dumps(package(grants, cut, sources), ensure_ascii=False,
                                        indent=1) + "\n", encoding="utf-8")
        write_csv(grants, csv_path)
        write_report(report, cut=cut, standard=STANDARD, frame=frame, written=written,
                     files=[json_path, csv_path])
        return report
