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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.cnc_commissions import labels
from cineatlas.importers.cnc_funder import (
    FUNDER_NAME,
    RESULTS_TITLE,
    cnc_funder_id,
    funder_frame,
)
from cineatlas.importers.organisations import organisation_kind
from cineatlas.importers.scheme_names import name_fields
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.problems import ERROR, WARNING, Severity, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.reading.jsonfile import PATH, at_path, load_json, open_json, record_arrays
from cineatlas.text import name_key

CURRENCY = "EUR"
#: Where a beneficiary that is a legal person (`organisations.kind` company or association) is
#: placed: the fund's rules require a legal person to have a permanent establishment in France
#: ("un établissement stable en France au moment du versement de l'aide"), so its country is
#: certain, not its commune. A natural person may be a European national living elsewhere in
#: Europe, and a beneficiary of unknown kind may be one: both stay unplaced
#: (docs/importers/cnc-commissions.md, *Where beneficiaries are placed*).
ESTABLISHED_COUNTRY = "FR"
#: Beneficiary kinds that are legal persons, placed in ESTABLISHED_COUNTRY.
LEGAL_PERSONS = ("company", "association")
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
problem_type("no-name", "No name",
             "The name has no letter or digit ('-', '?'): it names no one, and the record is set "
             "aside. Write the person's or the beneficiary's name.")
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


def _has_key(kind: str, name: str | None) -> bool:
    """Whether a person's or a beneficiary's name has the key its id is hashed from (some
    letter or digit, besides a role mark: '- (président)' has none)."""
    return bool(labels.person_name(name or "").key if kind == "person" else name_key(name))


def _name(raw: pl.Expr, kind: pl.Expr) -> Parsed:
    """A record's name, required; a person's or a beneficiary's without a key is no name
    ('no-name': it names no one)."""
    name = values.text(raw, required=True)
    unnamed = pl.any_horizontal([
        (kind == k) & name.value.map_batches(
            lambda s, k=k: map_unique(s, lambda v: not _has_key(k, v), pl.Boolean),
            return_dtype=pl.Boolean).fill_null(False)
        for k in ("person", "beneficiary")])
    code = pl.when(name.value.is_not_null() & unnamed).then(pl.lit("no-name")).otherwise(name.code)
    return Parsed(name.value, code, {**name.severities, "no-name": ERROR}, name.stages)


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
              "awards", "award_people", "scheme_dates", "scheme_documents",
              "scheme_field_sources")

    # -- reading: the rows, and every record by id for the references ------------------------

    def open(self, path: Path) -> RawTable:
        document = load_json(path)
        self._index: dict[tuple[str, str], dict[str, Any]] = {}
        self._talents: dict[str, set[tuple[str, ...]]] | None = None
        for where, items in record_arrays(document, path):
            kind = KINDS.get(where.removeprefix("$."))
            for item in items:
                if kind and isinstance(item, dict) and isinstance(item.get("id"), str):
                    if kind in ("person", "beneficiary") and not _has_key(
                            kind, str(item.get("name") or "")):
                        continue  # a nameless person or beneficiary cannot be referred to
                    self._index.setdefault((kind, item["id"]), item)
        return open_json(path, document=document)

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
        p.add_value("path", pl.col(PATH))
        p.add("record_kind", PATH, Parsed(pl.col("__list"), pl.when(kind.is_null())
                                          .then(pl.lit("unknown-record-kind")),
                                          {"unknown-record-kind": ERROR}))
        p.add("reference", col("id"), values.text(p.raw(col("id")), required=True))
        p.add("name", col("name"), _only(kind.is_in(["person", "beneficiary", "project"]),
                                         _name(p.raw(col("name")), kind)))
        # sessions
        p.add("session_date", col("date"), _only(session, values.date(
            p.raw(col("date")), required=True, invalid=ERROR, implausible=ERROR)))
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
        return typed, at_path(problems, raw)

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
        funder_id = cnc_funder_id(ctx)
        of = {kind: rows.filter(pl.col("kind") == kind) for kind in set(KINDS.values())}
        projects = self._projects(of["project"], ctx, funder_id)
        schemes, field_sources = self._schemes(of["session"], projects, ctx, funder_id)
        frames = {
            "organisations": pl.concat([funder_frame(funder_id),
                                        self._beneficiaries(of["beneficiary"], ctx)],
                                       how="diagonal_relaxed"),
            "people": self._people(of["person"], ctx),
            "schemes": schemes, "scheme_field_sources": field_sources,
            "works": projects.select("work_id", pl.col("name").alias("title"),
                                     pl.col("name").map_elements(name_key, return_dtype=pl.Utf8)
                                     .alias("title_key"), "format", "genre"),
            "commissions": self._commissions(of["session"], ctx, funder_id),
            "commission_members": self._seats(of["session"], ctx),
            "awards": projects.select(*_AWARD_COLUMNS),
            "award_people": self._credits(projects, ctx),
        }
        keys = {"commission_members": ["commission_id", "person_id"],
                "award_people": ["award_id", "person_id", "role"],
                "scheme_field_sources": ["scheme_id", "field"]}
        return {table: frame.unique(keys.get(table, frame.columns[0]), keep="first",
                                    maintain_order=True)
                for table, frame in frames.items() if frame.height}

    # people and organisations

    def _ref_name(self, kind: str) -> Callable[[str], str | None]:
        """id -> the name of the record it refers to."""
        return lambda ref: self._record(kind, ref).get("name")

    def _person(self, names: pl.Series, ctx: ImportContext) -> pl.DataFrame:
        """Published names -> display name, person id, and the role marks they carry."""
        def read(field: str, dtype: pl.DataType) -> pl.Series:
            return map_unique(names, lambda v: getattr(labels.person_name(v), field), dtype)

        return pl.DataFrame({"display": read("display", pl.Utf8),
                             "person_id": ctx.entity_id("person", read("key", pl.Utf8)),
                             "chair_mark": read("chair", pl.Boolean),
                             "substitute_mark": read("substitute", pl.Boolean)})

    def _people(self, rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        person = self._person(rows["name"], ctx)
        return pl.DataFrame({
            "person_id": person["person_id"], "full_name": person["display"],
            "name_key": map_unique(person["display"], name_key, pl.Utf8),
            "gender": pl.Series([None] * rows.height, dtype=pl.Utf8),
            "reference": rows["reference"]})

    def _talent_words(self) -> dict[str, set[tuple[str, ...]]]:
        """Beneficiary id -> the words of the talents of its projects' names (once per file)."""
        if self._talents is None:
            talents: dict[str, set[tuple[str, ...]]] = {}
            for (kind, _), item in self._index.items():
                if kind == "project":
                    names = (self._record("person", t).get("name")
                             for t in item.get("talentIds") or [])
                    talents.setdefault(item.get("beneficiaryId"), set()).update(
                        _words(labels.person_name(n).display) for n in names if n)
            self._talents = talents
        return self._talents

    def _kind(self, ref: str) -> str | None:
        """A beneficiary's kind: an individual when its name's words are those of a talent of
        its own projects (in any order: 'LAPIERRE Benjamin' paid for 'Benjamin LAPIERRE'),
        else what its name says (`organisation_kind`), else None."""
        name = self._record("beneficiary", ref).get("name") or ""
        if _words(name) in self._talent_words().get(ref, ()):
            return "individual"
        return organisation_kind(name)

    def _country(self, ref: str | None) -> str | None:
        """ESTABLISHED_COUNTRY for a beneficiary that is a legal person, else None."""
        return ESTABLISHED_COUNTRY if ref and self._kind(ref) in LEGAL_PERSONS else None

    def _beneficiaries(self, rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        """Beneficiaries with their kind; a legal person placed in France (`_country`)."""
        key = map_unique(rows["name"], name_key, pl.Utf8)
        country = map_unique(rows["reference"], self._country, pl.Utf8)
        return pl.DataFrame({
            "organisation_id": ctx.entity_id("org", key), "name": rows["name"], "name_key": key,
            "kind": map_unique(rows["reference"], self._kind, pl.Utf8),
            "is_funder": pl.Series([False] * rows.height, dtype=pl.Boolean),
            "territory_id": country, "country_code": country})

    # sessions

    def _commissions(self, rows: pl.DataFrame, ctx: ImportContext,
                     funder_id: str) -> pl.DataFrame:
        fund = pl.col("fund")
        return rows.select(
            ctx.entity_id("commission", rows["reference"]).alias("commission_id"),
            pl.lit(funder_id).alias("funder_id"),
            ctx.entity_id("scheme", map_unique(rows["fund"], name_key, pl.Utf8)).alias("scheme_id"),
            pl.concat_str([fund.fill_null(FUNDER_NAME), pl.lit(" — commission du "),
                           pl.col("session_date").dt.to_string("%Y-%m-%d")]).alias("name"),
            pl.col("session_date").dt.year().cast(pl.Int32).alias("year"), "session_date", "url",
            "reference")

    def _seats(self, rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        """One row per person seated in a session: its president (chair) first, then members."""
        commission = ctx.entity_id("commission", rows["reference"]).alias("commission_id")
        chairs = rows.select(commission, pl.col("president").alias("ref"),
                             pl.lit("chair").alias("role"))
        members = rows.select(commission, _id_list("members").alias("ref"),
                              pl.lit("member").alias("role")).explode("ref")
        seats = pl.concat([chairs, members]).filter(pl.col("ref").is_not_null())
        person = self._person(map_unique(seats["ref"], self._ref_name("person"), pl.Utf8), ctx)
        substitute = (pl.when(pl.col("substitute_mark")).then(True)
                      .when(pl.col("chair_mark")).then(False).otherwise(None))
        return pl.concat([seats, person], how="horizontal").select(
            "commission_id", "person_id", "role", substitute.alias("substitute"),
            pl.col("ref").alias("reference"))

    # projects

    def _projects(self, rows: pl.DataFrame, ctx: ImportContext, funder_id: str) -> pl.DataFrame:
        """The projects with what their references, category and description say."""
        session = rows["session"]

        def lookup(fn: Callable[[str], Any], series: pl.Series, dtype: pl.DataType) -> pl.Series:
            return map_unique(series, lambda v: None if v is None else fn(v), dtype)

        fund = lookup(lambda ref: self._record("session", ref).get("aidName"), session, pl.Utf8)
        date = lookup(lambda ref: _iso_date(self._record("session", ref).get("date")), session,
                      pl.Date)
        beneficiary = lookup(lambda ref: name_key(self._record("beneficiary", ref).get("name"))
                             or None, rows["beneficiary"], pl.Utf8)
        category = rows["category"].fill_null("")
        volet = lookup(lambda v: labels.category(v).volet, category, pl.Utf8)
        described = rows["description"].fill_null("")
        fund_key = lookup(name_key, fund, pl.Utf8)
        scheme_key = pl.select(pl.when(volet.is_null()).then(fund_key).otherwise(
            pl.concat_str([fund_key, pl.lit("|"), volet]))).to_series()
        work_key = pl.select(pl.concat_str([lookup(name_key, rows["name"], pl.Utf8), pl.lit("|"),
                                            beneficiary.fill_null("")])).to_series()
        return rows.with_columns(
            (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
            pl.col(ROW).alias("row_number"), pl.lit(funder_id).alias("funder_id"),
            fund.alias("fund_name"), volet.alias("volet"), fund_key.alias("fund_key"),
            ctx.entity_id("scheme", scheme_key).alias("scheme_id"),
            ctx.entity_id("org", beneficiary).alias("beneficiary_id"),
            lookup(self._country, rows["beneficiary"], pl.Utf8).alias("beneficiary_country_code"),
            lookup(self._country, rows["beneficiary"], pl.Utf8)
            .alias("beneficiary_territory_id"),
            ctx.entity_id("work", work_key).alias("work_id"),
            pl.col("name").alias("project_title"), date.alias("decision_date"),
            date.dt.year().cast(pl.Int32).alias("fiscal_year"), pl.lit(CURRENCY).alias("currency"),
            pl.col("category").alias("aid_type_raw"),
            lookup(lambda v: labels.category(v).stage, category, pl.Utf8).alias("stage"),
            lookup(lambda v: labels.description(v).format, described, pl.Utf8).alias("format"),
            lookup(lambda v: labels.description(v).genre, described, pl.Utf8).alias("genre"),
            lookup(lambda v: labels.description(v).detail, described, pl.Utf8)
            .alias("genre_detail"),
            ctx.entity_id("commission", session).alias("commission_id"))

    def _credits(self, projects: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        credits = projects.select("award_id", _id_list("talents").alias("ref")).explode("ref") \
            .filter(pl.col("ref").is_not_null())
        person = self._person(map_unique(credits["ref"], self._ref_name("person"), pl.Utf8), ctx)
        return credits.select("award_id", person["person_id"], pl.lit("talent").alias("role"),
                              pl.col("ref").alias("reference"))

    @staticmethod
    def _schemes(sessions: pl.DataFrame, projects: pl.DataFrame, ctx: ImportContext,
                 funder_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The funds the sessions belong to, and the parts of them (volets) awards were made
        in, with what their names say (`name_fields`: the field sources point at the first
        record naming the fund, or the category naming the part)."""
        funds = pl.concat([
            sessions.select(pl.col("fund").alias("name"),
                            pl.concat_str([pl.col("path"), pl.lit(".aidName")]).alias("locator")),
            projects.select(pl.col("fund_name").alias("name"),
                            pl.concat_str([pl.col("path"), pl.lit(".commissionId")])
                            .alias("locator"))]).drop_nulls()
        fund_key = map_unique(funds["name"], name_key, pl.Utf8)
        parts = projects.filter(pl.col("volet").is_not_null() & pl.col("fund_name").is_not_null())
        part_name = parts.select(pl.concat_str([
            pl.col("fund_name"), pl.lit(" — "),
            pl.col("volet").replace_strict(labels.VOLET_NAMES, return_dtype=pl.Utf8)])).to_series()
        part_key = parts.select(pl.concat_str([pl.col("fund_key"), pl.lit("|"),
                                               pl.col("volet")])).to_series()
        rows = pl.concat([
            pl.DataFrame({"scheme_id": ctx.entity_id("scheme", fund_key), "name": funds["name"],
                          "name_key": fund_key,
                          "parent_scheme_id": pl.Series([None] * funds.height, dtype=pl.Utf8),
                          "locator": funds["locator"]}),
            pl.DataFrame({"scheme_id": ctx.entity_id("scheme", part_key), "name": part_name,
                          "name_key": map_unique(part_name, name_key, pl.Utf8),
                          "parent_scheme_id": ctx.entity_id("scheme", parts["fund_key"]),
                          "locator": parts.select(pl.concat_str([pl.col("path"),
                                                                 pl.lit(".category")]))
                          .to_series()}),
        ]).unique("scheme_id", keep="first", maintain_order=True)
        return name_fields(rows.with_columns(pl.lit(funder_id).alias("funder_id"),
                                             pl.lit(None, dtype=pl.Utf8).alias("stage"),
                                             pl.lit("national").alias("level")))

    def finish(self, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        """What the file publishes about each fund, once every session is loaded: its
        sessions (`scheme_dates` kind session, with their results page) and one award list
        (`scheme_documents`: the results pages' common parent page, published from the year
        of the first session), each with its field source (rule published)."""
        sessions = ctx.store.frame(
            "SELECT scheme_id, session_date AS date, url FROM commissions WHERE source_id = ? "
            "AND scheme_id IS NOT NULL AND session_date IS NOT NULL ORDER BY session_date",
            [ctx.source_id])
        if sessions.is_empty():
            return {}
        dates = sessions.select("scheme_id", pl.lit("session").alias("kind"), "date",
                                pl.lit(None, pl.Utf8).alias("title"), "url")
        published = sessions.filter(pl.col("url").is_not_null()).group_by(
            "scheme_id", maintain_order=True).agg("url", pl.col("date").dt.year().min())
        documents = pl.DataFrame({
            "scheme_id": published["scheme_id"], "kind": "award_list", "title": RESULTS_TITLE,
            "url": [results_index(urls) for urls in published["url"].to_list()],
            "published_from": published["date"]},
            schema_overrides={"url": pl.Utf8, "published_from": pl.Int32})
        sources = pl.concat([
            dates.select("scheme_id").unique(maintain_order=True).with_columns(
                pl.lit("dates").alias("field"),
                pl.lit("$.commissions[*].date, $.commissions[*].url").alias("locator")),
            documents.select("scheme_id", pl.lit("documents").alias("field"),
                             pl.lit("$.commissions[*].url").alias("locator"))]).with_columns(
            pl.lit("published").alias("rule"))
        return {"scheme_dates": dates, "scheme_documents": documents,
                "scheme_field_sources": sources}


def results_index(urls: list[str]) -> str | None:
    """The page the sessions' results pages are published under: their common parent
    ('…/resultats-commissions/fonds-…_2322707' -> '…/resultats-commissions'), or None when
    they have none."""
    parents = {url.rsplit("/", 1)[0] for url in urls if url and "/" in url}
    return parents.pop() if len(parents) == 1 else None


def _iso_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


#: The awards' columns, as `_projects` computes them.
_AWARD_COLUMNS = ("award_id", "row_number", "funder_id", "scheme_id", "beneficiary_id", "work_id",
                  "project_title", "decision_date", "fiscal_year", "amount_minor", "currency",
                  "aid_type_raw", "stage", "format", "genre", "genre_detail", "commission_id",
                  "reference", "beneficiary_territory_id", "beneficiary_country_code")


def _id_list(column: str) -> pl.Expr:
    """A cell holding a JSON list of ids, as a list (checked by parse: never malformed here)."""
    return pl.col(column).str.json_decode(pl.List(pl.Utf8))


def _words(name: str) -> tuple[str, ...]:
    """The words of a name, folded and sorted: the same name in any order."""
    return tuple(sorted(name_key(name).split()))
