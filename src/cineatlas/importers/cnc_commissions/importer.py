"""The CNC's published commission results, compiled as JSON (one scheme: CNC Talent).

    cineatlas import cnc-commissions cnc-talent-commissions-2017-2024.json

The file holds lists of records that refer to one another by id: `commissions` (sessions: date,
results page, president, members, projects), `projects` (the funded projects: title,
description, talents, beneficiary, amount, category), `beneficiaries` and `talents`. Every
record is a row (`$.projects[12]`): sessions become `commissions` with their
`commission_members`, projects become `awards` in EUR for a `works` row, talents become `people`
(credited on the award in `award_people`), beneficiaries `organisations`. The rules are in
docs/importers/cnc-commissions.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.cnc_commissions import labels
from cineatlas.importers.telefilm import organisation_kind
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.problems import ERROR, WARNING, Severity, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.reading.jsonfile import PATH, load_json, open_json, record_arrays
from cineatlas.text import name_key

FUNDER_NAME = "CNC (Centre national du cinéma et de l'image animée)"
CURRENCY = "EUR"
#: Record lists -> what their records become.
KINDS = {"commissions": "session", "projects": "project", "talents": "person",
         "people": "person", "beneficiaries": "beneficiary"}

problem_type("unknown-reference", "Reference to a missing record",
             "The id names no record of that kind in the file (or one without a name): correct "
             "it, or add the record it refers to.")
problem_type("invalid-list", "Not a list of ids",
             'Write a list of ids, e.g. ["tal_jeanne-dupont"].')
problem_type("unknown-record-kind", "Records of an unknown kind",
             "The cnc-commissions importer reads the lists commissions, projects, talents, people "
             "and beneficiaries: rename the list, or import it with the generic importer.")
problem_type("beneficiary-not-given", "Beneficiary not given",
             "The award is loaded without a beneficiary; add the beneficiary's id if it is known.")
problem_type("category-not-given", "Aid category not given",
             "The award is loaded under the fund itself, without a stage; give its category "
             "(e.g. 'Aide à la création').")
problem_type("category-session-title", "Category is a session title",
             "The category holds the title of the session, not the aid: the award is loaded "
             "under the fund (or the call the title names), with a stage only if the title says "
             "one. Give the aid (e.g. 'Aide à la création') if it is known.")
problem_type("category-ambiguous", "Category names several aids",
             "The award is loaded under the fund itself; give one aid.")
problem_type("category-not-recognised", "Category not recognised",
             "The award is loaded under the fund itself, without a stage. Add the category to "
             "the importer's table (docs/importers/cnc-commissions.md) if it is legitimate.")

_CATEGORY_CODES: dict[str, Severity] = {
    "category-not-given": WARNING, "category-session-title": WARNING,
    "category-ambiguous": WARNING, "category-not-recognised": WARNING}
_REF_CODES: dict[str, Severity] = {"invalid-list": ERROR, "unknown-reference": ERROR}


def _only(mask: pl.Expr, parsed: Parsed) -> Parsed:
    """`parsed` on the rows of `mask` (records of one kind); null and no problem elsewhere."""
    return Parsed(pl.when(mask).then(parsed.value), pl.when(mask).then(parsed.code),
                  parsed.severities, parsed.stages)


def _column(raw: pl.DataFrame, column: str | None) -> pl.Series:
    if column is None:
        return pl.Series([None] * raw.height, dtype=pl.Utf8)
    return raw.get_column(column)


def _ids(cell: str | None, single: bool) -> list[str] | None:
    """The ids a cell holds (one id, or a JSON list); None when it is not a list of ids."""
    if cell is None or not cell.strip():
        return []
    if single:
        return [cell.strip()]
    try:
        ids = json.loads(cell)
    except json.JSONDecodeError:
        return None
    return ids if isinstance(ids, list) and all(isinstance(i, str) for i in ids) else None


class CncCommissionsImporter(Importer):
    name = "cnc-commissions"
    title = "CNC commission results"
    description = ("The CNC's published commission results (CNC Talent), compiled as JSON: "
                   "sessions with their president and members, funded projects with their "
                   "talents, beneficiary, amount (EUR) and aid category.")
    publisher = ("CNC (Centre national du cinéma et de l'image animée), compiled by the "
                 "SaladeOlivier/cnc explorer")
    licence = "CNC data: Licence Ouverte / Etalab 2.0; compilation: MIT"
    url = "https://www.cnc.fr/professionnels/aides-et-financements/resultats-commissions"
    required_columns = ("id",)
    optional_columns = ("date", "url", "aidName", "presidentId", "memberIds", "name",
                        "description", "beneficiaryId", "talentIds", "amount", "category",
                        "commissionId")
    options_help: dict[str, str] = {}
    tables = ("organisations", "people", "schemes", "works", "commissions", "commission_members",
              "awards", "award_people")

    # -- reading: the rows, and every record by id for the references ------------------------

    def open(self, path: Path) -> RawTable:
        table = open_json(path)
        self._index: dict[tuple[str, str], dict[str, Any]] = {}
        for where, items in record_arrays(load_json(path), path):
            kind = KINDS.get(where.removeprefix("$."))
            for item in items:
                if kind and isinstance(item, dict) and isinstance(item.get("id"), str):
                    if kind in ("person", "beneficiary") and not labels.person_key(
                            str(item.get("name") or "")):
                        continue  # a nameless person or beneficiary cannot be referred to
                    self._index.setdefault((kind, item["id"]), item)
        return table

    def _record(self, kind: str, ref: str) -> dict[str, Any]:
        return self._index.get((kind, ref), {})

    # -- parse --------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        col = ctx.column
        lists = raw.get_column(PATH).str.extract(r"^\$\.([^\[]+)\[", 1)
        category = _column(raw, col("category"))
        raw = raw.with_columns(
            lists.alias("__list"),
            lists.replace_strict(KINDS, default=None, return_dtype=pl.Utf8).alias("__kind"),
            map_unique(category, lambda v: labels.category(v or "").unsure, pl.Utf8)
            .alias("__category_code"),
            *(self._check_refs(raw, col(label), kind, single).alias(f"__refs_{label}")
              for label, kind, single in (
                  ("presidentId", "person", True), ("memberIds", "person", False),
                  ("commissionId", "session", True), ("beneficiaryId", "beneficiary", True),
                  ("talentIds", "person", False))),
        )
        kind = pl.col("__kind")
        session, project = kind == "session", kind == "project"
        p = RowParser(raw)
        p.add_value("kind", kind)
        p.add("record_kind", PATH, Parsed(pl.col("__list"), pl.when(kind.is_null())
                                          .then(pl.lit("unknown-record-kind")),
                                          {"unknown-record-kind": ERROR}))
        p.add_value("path", pl.col(PATH))
        p.add("reference", col("id"), values.text(p.raw(col("id")), required=True))
        p.add("name", col("name"), _only(kind.is_in(["person", "beneficiary", "project"]),
                                         values.text(p.raw(col("name")), required=True)))
        # sessions
        p.add("session_date", col("date"), _only(session, values.date(
            p.raw(col("date")), required=True, earliest=1946, invalid=ERROR, implausible=ERROR)))
        p.add("url", col("url"), _only(session, values.text(p.raw(col("url")))))
        p.add("fund", col("aidName"), _only(session, values.text(p.raw(col("aidName")))))
        for label, field in (("presidentId", "president"), ("memberIds", "members")):
            p.add(field, col(label), _only(session, self._refs(p, ctx, label)))
        # projects
        p.add("amount_minor", col("amount"), _only(project, values.money(
            p.raw(col("amount")), decimal=".", required=True, negative_severity=ERROR)))
        p.add("description", col("description"), _only(project, values.text(
            p.raw(col("description")))))
        p.add("session", col("commissionId"),
              _only(project, self._refs(p, ctx, "commissionId", missing=("required", ERROR))))
        p.add("beneficiary", col("beneficiaryId"), _only(project, self._refs(
            p, ctx, "beneficiaryId", missing=("beneficiary-not-given", WARNING))))
        p.add("talents", col("talentIds"), _only(project, self._refs(p, ctx, "talentIds")))
        category_text = values.text(p.raw(col("category")))
        p.add("category", col("category"), _only(project, Parsed(
            category_text.value, pl.col("__category_code"), _CATEGORY_CODES,
            category_text.stages)))
        typed, problems = p.finish()
        return typed, _at_path(problems, raw)

    def _check_refs(self, raw: pl.DataFrame, column: str | None, kind: str,
                    single: bool) -> pl.Series:
        """Per cell: 'invalid-list', 'unknown-reference' or null (every id found)."""
        def check(cell: str) -> str | None:
            ids = _ids(cell, single)
            if ids is None:
                return "invalid-list"
            return None if all(self._record(kind, i) for i in ids) else "unknown-reference"

        return map_unique(_column(raw, column), lambda v: check(v) if v else None, pl.Utf8)

    @staticmethod
    def _refs(p: RowParser, ctx: ImportContext, label: str,
              missing: tuple[str, Severity] | None = None) -> Parsed:
        """The cell as published, with the reference problems found by `_check_refs`."""
        published = values.text(p.raw(ctx.column(label)))
        text = published.value
        code: pl.Expr = pl.col(f"__refs_{label}")
        severities: dict[str, Severity] = dict(_REF_CODES)
        if missing:
            code = pl.when(text.is_null()).then(pl.lit(missing[0])).otherwise(code)
            severities[missing[0]] = missing[1]
        return Parsed(text, code, severities, published.stages)

    # -- emit --------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW)
        funder_id = ctx.entity_id("org", pl.Series([name_key(FUNDER_NAME)])).item()
        frames: dict[str, list[dict[str, Any]]] = {table: [] for table in self.tables}
        frames["organisations"].append({
            "organisation_id": funder_id, "name": FUNDER_NAME, "name_key": name_key(FUNDER_NAME),
            "kind": "public_body", "is_funder": True, "territory_id": "FR", "country_code": "FR"})
        ids = _Ids(ctx)
        for row in rows.iter_rows(named=True):
            kind = row["kind"]
            if kind == "session":
                self._session(row, ids, funder_id, frames)
            elif kind == "project":
                self._project(row, ids, funder_id, frames)
            elif kind == "person":
                name = labels.person_name(row["name"])
                frames["people"].append({
                    "person_id": ids.person(name.key), "full_name": name.display,
                    "name_key": name_key(name.display), "gender": None,
                    "reference": row["reference"]})
            elif kind == "beneficiary":
                frames["organisations"].append(self._beneficiary(row, ids))
        return {table: pl.DataFrame(items, schema=_SCHEMAS[table], strict=False)
                .unique(_KEYS[table], keep="first", maintain_order=True)
                for table, items in frames.items() if items}

    def _session(self, row: dict[str, Any], ids: _Ids, funder_id: str,
                 frames: dict[str, list[dict[str, Any]]]) -> None:
        commission_id = ids.commission(row["reference"])
        fund = row["fund"]
        frames["commissions"].append({
            "commission_id": commission_id, "funder_id": funder_id,
            "scheme_id": self._scheme(ids, funder_id, fund, None, frames),
            "name": f"{fund or FUNDER_NAME} — commission du {row['session_date'].isoformat()}",
            "year": row["session_date"].year, "session_date": row["session_date"],
            "url": row["url"], "reference": row["reference"]})
        seats = [(ref, "chair") for ref in _ids(row["president"], True) or []]
        seats += [(ref, "member") for ref in _ids(row["members"], False) or []]
        for ref, role in seats:
            name = labels.person_name(self._record("person", ref)["name"])
            frames["commission_members"].append({
                "commission_id": commission_id, "person_id": ids.person(name.key), "role": role,
                "substitute": True if name.substitute else (False if name.chair else None),
                "reference": ref})

    def _project(self, row: dict[str, Any], ids: _Ids, funder_id: str,
                 frames: dict[str, list[dict[str, Any]]]) -> None:
        session = self._record("session", row["session"])
        category = labels.category(row["category"] or "")
        scheme_id = self._scheme(ids, funder_id, session.get("aidName"), category.volet, frames)
        beneficiary = self._record("beneficiary", row["beneficiary"] or "")
        beneficiary_key = name_key(beneficiary.get("name")) or None
        described = labels.description(row["description"] or "")
        work_key = f"{name_key(row['name'])}|{beneficiary_key or ''}"
        work_id = ids.entity("work", work_key)
        frames["works"].append({
            "work_id": work_id, "title": row["name"], "title_key": name_key(row["name"]),
            "format": described.format, "genre": described.genre})
        award_id = f"{ids.source_id}/{row[ROW]}"
        decided = _iso_date(session.get("date"))
        frames["awards"].append({
            "award_id": award_id, "row_number": row[ROW], "funder_id": funder_id,
            "scheme_id": scheme_id, "beneficiary_id": ids.entity("org", beneficiary_key),
            "work_id": work_id, "project_title": row["name"], "decision_date": decided,
            "fiscal_year": decided.year if decided else None, "amount_minor": row["amount_minor"],
            "currency": CURRENCY, "aid_type_raw": row["category"], "stage": category.stage,
            "format": described.format, "genre": described.genre,
            "genre_detail": described.detail, "beneficiary_country_code": None,
            "commission_id": ids.commission(row["session"]), "reference": row["reference"]})
        for ref in _ids(row["talents"], False) or []:
            name = labels.person_name(self._record("person", ref)["name"])
            frames["award_people"].append({"award_id": award_id, "person_id": ids.person(name.key),
                                           "role": "talent", "reference": ref})

    def _beneficiary(self, row: dict[str, Any], ids: _Ids) -> dict[str, Any]:
        """The beneficiary; an individual when its name is that of a talent of its projects."""
        words = sorted(name_key(row["name"]).split())
        talents = {tuple(sorted(name_key(labels.person_name(
            self._record("person", t).get("name") or "").display).split()))
            for p in self._projects_of(row["reference"]) for t in _ids(p, False) or []}
        kind = "individual" if tuple(words) in talents else organisation_kind(row["name"])
        key = name_key(row["name"])
        return {"organisation_id": ids.entity("org", key), "name": row["name"], "name_key": key,
                "kind": kind, "is_funder": False, "territory_id": None, "country_code": None}

    def _projects_of(self, beneficiary: str) -> list[str]:
        """The talentIds cells (JSON text) of the projects awarded to a beneficiary."""
        by_beneficiary = getattr(self, "_talents_by_beneficiary", None)
        if by_beneficiary is None:
            by_beneficiary = {}
            for (kind, _), item in self._index.items():
                if kind == "project":
                    by_beneficiary.setdefault(item.get("beneficiaryId"), []).append(
                        json.dumps(item.get("talentIds") or []))
            self._talents_by_beneficiary = by_beneficiary
        return by_beneficiary.get(beneficiary, [])

    @staticmethod
    def _scheme(ids: _Ids, funder_id: str, fund: str | None, volet: str | None,
                frames: dict[str, list[dict[str, Any]]]) -> str | None:
        """The id of the fund's scheme (or of its volet), adding the schemes' rows."""
        if not fund:
            return None
        fund_id = ids.entity("scheme", name_key(fund))
        frames["schemes"].append({"scheme_id": fund_id, "funder_id": funder_id, "name": fund,
                                  "name_key": name_key(fund), "stage": None, "level": "national",
                                  "parent_scheme_id": None})
        if volet is None:
            return fund_id
        name = f"{fund} — {labels.VOLET_NAMES[volet]}"
        volet_id = ids.entity("scheme", f"{name_key(fund)}|{volet}")
        frames["schemes"].append({"scheme_id": volet_id, "funder_id": funder_id, "name": name,
                                  "name_key": name_key(name), "stage": None, "level": "national",
                                  "parent_scheme_id": fund_id})
        return volet_id


class _Ids:
    """Deterministic ids of one import's entities (see ImportContext.entity_id)."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx, self.source_id = ctx, ctx.source_id

    def entity(self, kind: str, key: str | None) -> str | None:
        return self.ctx.entity_id(kind, pl.Series([key], dtype=pl.Utf8)).item()

    def person(self, key: str) -> str | None:
        return self.entity("person", key)

    def commission(self, reference: str | None) -> str | None:
        return self.entity("commission", reference)


def _at_path(problems: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Problems whose message starts with the record's place in the file ('$.projects[3]: ')."""
    paths = raw.select(pl.col(ROW).alias("row"), pl.col(PATH).alias("__path"))
    return problems.join(paths, on="row", how="left", maintain_order="left").with_columns(
        pl.concat_str([pl.col("__path").fill_null("?"), pl.lit(": "), pl.col("message")])
        .alias("message")).select(problems.columns)


def _iso_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


_SCHEMAS: dict[str, dict[str, Any]] = {
    "organisations": {"organisation_id": pl.Utf8, "name": pl.Utf8, "name_key": pl.Utf8,
                      "kind": pl.Utf8, "is_funder": pl.Boolean, "territory_id": pl.Utf8,
                      "country_code": pl.Utf8},
    "people": {"person_id": pl.Utf8, "full_name": pl.Utf8, "name_key": pl.Utf8,
               "gender": pl.Utf8, "reference": pl.Utf8},
    "schemes": {"scheme_id": pl.Utf8, "funder_id": pl.Utf8, "name": pl.Utf8, "name_key": pl.Utf8,
                "stage": pl.Utf8, "level": pl.Utf8, "parent_scheme_id": pl.Utf8},
    "works": {"work_id": pl.Utf8, "title": pl.Utf8, "title_key": pl.Utf8, "format": pl.Utf8,
              "genre": pl.Utf8},
    "commissions": {"commission_id": pl.Utf8, "funder_id": pl.Utf8, "scheme_id": pl.Utf8,
                    "name": pl.Utf8, "year": pl.Int32, "session_date": pl.Date, "url": pl.Utf8,
                    "reference": pl.Utf8},
    "commission_members": {"commission_id": pl.Utf8, "person_id": pl.Utf8, "role": pl.Utf8,
                           "substitute": pl.Boolean, "reference": pl.Utf8},
    "awards": {"award_id": pl.Utf8, "row_number": pl.Int64, "funder_id": pl.Utf8,
               "scheme_id": pl.Utf8, "beneficiary_id": pl.Utf8, "work_id": pl.Utf8,
               "project_title": pl.Utf8, "decision_date": pl.Date, "fiscal_year": pl.Int32,
               "amount_minor": pl.Int64, "currency": pl.Utf8, "aid_type_raw": pl.Utf8,
               "stage": pl.Utf8, "format": pl.Utf8, "genre": pl.Utf8, "genre_detail": pl.Utf8,
               "beneficiary_country_code": pl.Utf8, "commission_id": pl.Utf8,
               "reference": pl.Utf8},
    "award_people": {"award_id": pl.Utf8, "person_id": pl.Utf8, "role": pl.Utf8,
                     "reference": pl.Utf8},
}
_KEYS = {"organisations": "organisation_id", "people": "person_id", "schemes": "scheme_id",
         "works": "work_id", "commissions": "commission_id",
         "commission_members": ["commission_id", "person_id"], "awards": "award_id",
         "award_people": ["award_id", "person_id", "role"]}
