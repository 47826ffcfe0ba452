"""The tables the package formats write (datapackage, parquet, sqlite), declared once: the
cut's awards (each contract once, at its final value), the organisations, works, schemes and
territories they name, and the sources of every row — each table with its Table Schema
(fields, types, descriptions, constraints, primary and foreign keys).

`package(store, cut)` reads them from the store; every format writes the same frames and the
same metadata (`Package.metadata()`: the cut, sources, licences, coverage, fictitious) in its
own way. Beneficiaries are named as outputs name them (`cut_awards`, and
`optout.organisations_sql` for the organisations table); no person's contact is in any table
(the store holds none), and no people table is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas import optout
from cineatlas.errors import AtlasError
from cineatlas.exports.base import Cut, cut_awards, cut_sources
from cineatlas.importers.generic.labels import AID_TYPES
from cineatlas.store.vocabularies import (
    FORMATS,
    FUNDER_LEVELS,
    GENRES,
    LEVELS,
    ORGANISATION_KINDS,
    SECTORS,
    STAGES,
)
from cineatlas.version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from cineatlas.store import Store

#: Table Schema types and the Arrow-compatible Polars types they are written as.
DTYPES: dict[str, pl.DataType] = {
    "string": pl.Utf8(), "integer": pl.Int64(), "number": pl.Float64(),
    "boolean": pl.Boolean(), "date": pl.Date(), "datetime": pl.Datetime("us", "UTC"),
}


@dataclass(frozen=True)
class Column:
    """One field: its Table Schema `type`, description and constraints; `references`
    ("table.column") a foreign key."""

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    references: str | None = None

    def schema(self) -> dict[str, Any]:
        """The Table Schema field."""
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        out: dict[str, Any] = {"name": self.name, "type": self.type,
                               "description": self.description}
        if self.type == "datetime":
            out["format"] = "%Y-%m-%dT%H:%M:%SZ"
        return out | ({"constraints": constraints} if constraints else {})


@dataclass(frozen=True)
class Table:
    """One table: its columns, in order; the first is the primary key."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        return self.columns[0].name

    @property
    def foreign_keys(self) -> list[tuple[str, str, str]]:
        """(column, table, column referenced) of each foreign key."""
        return [(c.name, *c.references.split(".")) for c in self.columns if c.references]

    def schema(self) -> dict[str, Any]:
        """The Table Schema (v2): fields, missing values, primary and foreign keys (a key to
        the table itself names no resource)."""
        keys = []
        for column, table, target in self.foreign_keys:
            reference: dict[str, Any] = {"fields": [target]}
            if table != self.name:
                reference = {"resource": table, **reference}
            keys.append({"fields": [column], "reference": reference})
        return {"fields": [c.schema() for c in self.columns], "missingValues": [""],
                "primaryKey": [self.key], **({"foreignKeys": keys} if keys else {})}

    def dtypes(self) -> dict[str, pl.DataType]:
        return {c.name: DTYPES[c.type] for c in self.columns}


def _id(name: str, what: str) -> Column:
    return Column(name, "string", f"Identifier of {what} (stable across re-imports).",
                  required=True)


def _ref(name: str, table: str, what: str) -> Column:
    key = {"organisations": "organisation_id", "works": "work_id", "schemes": "scheme_id",
           "territories": "territory_id", "sources": "source_id"}[table]
    return Column(name, "string", what, references=f"{table}.{key}")


FICTITIOUS = Column("fictitious", "boolean", "TRUE for a fictitious row (generated demo data), "
                    "FALSE for a row of a real public source.", required=True)
SOURCE = Column("source_id", "string", "The source (import) the row comes from.",
                required=True, references="sources.source_id")
ENTITY = Column("entity_id", "string", "The resolved entity the record belongs to: records "
                "of the same company, film or person met in several sources share it "
                "(docs/resolution.md); a record alone is its own entity.", required=True)
MONEY = ("in minor units of `currency` (cents: 123456 is 1,234.56), exact; empty: unknown; "
         "0: a published zero")
COUNTRY = r"^[A-Z]{2}$"

AWARDS = Table("awards", "Awards", "The awards of the cut (decisions of public support): each "
               "contract once, at its final value (an amended contract's earlier versions are "
               "left out). Names as the atlas publishes them: a beneficiary who asked not to be "
               "listed is named so, its amounts kept.", (
    _id("award_id", "the award: `<source_id>/<row>`"),
    Column("project_title", "string", "Title or object of the award, as published."),
    _ref("funder_id", "organisations", "Who granted the award."),
    Column("funder", "string", "The funder's name."),
    _ref("scheme_id", "schemes", "The support scheme (dispositif)."),
    Column("scheme", "string", "The scheme's name."),
    _ref("beneficiary_id", "organisations", "Who received the award."),
    Column("beneficiary", "string", "The beneficiary's name, as outputs name it."),
    _ref("beneficiary_territory_id", "territories",
         "Where the beneficiary is based: its commune or municipality, else the smallest "
         "territory known for certain (its country); empty when unknown."),
    _ref("beneficiary_region_id", "territories",
         "The region or province the beneficiary is placed in; empty when placed at country "
         "level or not at all."),
    Column("beneficiary_country_code", "string", "The beneficiary's country (ISO 3166-1).",
           pattern=COUNTRY),
    _ref("work_id", "works", "The work (film, series, project) the award funds."),
    Column("work_title", "string", "The work's title."),
    Column("year", "integer", "The year the atlas counts the award in: its funder's fiscal "
           "year, else the year of its decision; empty when neither is known."),
    Column("fiscal_year", "integer", "First calendar year of the funder's fiscal year."),
    Column("fiscal_period", "string", "The fiscal period as published (e.g. 2009-2010)."),
    Column("decision_date", "date", "Date of the decision or agreement."),
    Column("amount_minor", "integer", f"Amount awarded (final value), {MONEY}."),
    Column("currency", "string", "ISO 4217 currency of every amount of the row.",
           required=True, pattern=r"^[A-Z]{3}$"),
    Column("original_amount_minor", "integer",
           f"Amount first decided, when the final amount differs, {MONEY}."),
    Column("requested_amount_minor", "integer", f"Amount applied for, {MONEY}."),
    Column("aid_type", "string", "Kind of aid.", enum=AID_TYPES),
    Column("stage", "string", "Stage of the work's life supported.", enum=tuple(STAGES)),
    Column("format", "string", "Format of the work.", enum=tuple(FORMATS)),
    Column("genre", "string", "Genre of the work.", enum=tuple(GENRES)),
    Column("language", "string", "Language of the work, as published or as an ISO 639 code."),
    Column("first_work", "boolean", "The director's first work; empty: unknown."),
    Column("second_work", "boolean", "The director's second work; empty: unknown."),
    Column("sector", "string", "cinema-audiovisual, or other for a line of another sector "
           "(local authorities' files hold every sector); empty: not classified.",
           enum=tuple(SECTORS)),
    Column("sector_rule", "string", "What decided the sector (docs/importers/scdl.md)."),
    Column("amends_award_id", "string", "The earlier version of the contract this row amends "
           "(not in the package: each contract is in it once, at its final value)."),
    Column("reference", "string", "The award's identifier as published."),
    FICTITIOUS, SOURCE,
))

ORGANISATIONS = Table("organisations", "Organisations", "The funders and beneficiaries the "
                      "awards and schemes name, as outputs name them: a beneficiary withheld "
                      "at a person's request is named so, without SIREN, SIRET, RNA or city.", (
    _id("organisation_id", "the organisation record"),
    ENTITY,
    Column("name", "string", "Name as published."),
    Column("kind", "string", "Kind of organisation; empty: unknown.",
           enum=(*ORGANISATION_KINDS, "other")),
    Column("is_funder", "boolean", "TRUE for a funder."),
    Column("siren", "string", "French SIREN number.", pattern=r"^\d{9}$"),
    Column("siret", "string", "French SIRET number.", pattern=r"^\d{14}$"),
    Column("rna", "string", "French register of associations number.", pattern=r"^W\d{9}$"),
    Column("city", "string", "City as published."),
    _ref("territory_id", "territories", "Where it is based (see awards' "
         "beneficiary_territory_id)."),
    Column("country_code", "string", "Its country (ISO 3166-1).", pattern=COUNTRY),
    Column("funder_level", "string", "A public funder's level of government.",
           enum=tuple(FUNDER_LEVELS)),
    _ref("governed_territory_id", "territories", "The territory a public body governs."),
    FICTITIOUS, SOURCE,
))

WORKS = Table("works", "Works", "The works (films, series, projects) the awards fund.", (
    _id("work_id", "the work record"),
    ENTITY,
    Column("title", "string", "Title as published."),
    Column("language", "string", "Language, as published or as an ISO 639 code."),
    Column("format", "string", "Format.", enum=tuple(FORMATS)),
    Column("genre", "string", "Genre.", enum=tuple(GENRES)),
    FICTITIOUS, SOURCE,
))

SCHEMES = Table("schemes", "Schemes", "The support schemes (dispositifs) of the awards, and "
                "the funds they are part of.", (
    _id("scheme_id", "the scheme"),
    _ref("funder_id", "organisations", "The funder running the scheme."),
    Column("name", "string", "Name as published."),
    Column("stage", "string", "The scheme's usual stage.", enum=tuple(STAGES)),
    Column("level", "string", "Level of government of its funder."),
    Column("url", "string", "The scheme's page."),
    _ref("parent_scheme_id", "schemes", "The fund this scheme is part of."),
    Column("reference", "string", "The scheme's identifier in Etalab's standard."),
    Column("description", "string", "What the scheme funds, as published."),
    FICTITIOUS, SOURCE,
))

TERRITORIES = Table("territories", "Territories", "The territories the other tables name, "
                    "and every territory containing them (the levels above, and the "
                    "metropolitan area).", (
    _id("territory_id", "the territory (FR-R52, FR-D44, FR-C44109, CA-QC…)"),
    Column("level", "string", "Level.", required=True, enum=tuple(LEVELS)),
    Column("code", "string", "The official code at that level."),
    Column("name", "string", "Official name.", required=True),
    Column("country_code", "string", "Country (ISO 3166-1).", pattern=COUNTRY),
    _ref("parent_id", "territories", "The next level up."),
    _ref("region_id", "territories", "The region or province it lies in (itself for one)."),
    _ref("metropolis_id", "territories", "The metropolitan area it belongs to "
         "(FR-MET-PARIS: Île-de-France; CA-QC-CMA462: the Montréal CMA)."),
    Column("population", "integer", "Official population; empty: unknown.", minimum=0),
    Column("population_year", "integer", "The population's vintage."),
    Column("area_km2", "number", "Area in square kilometres."),
    FICTITIOUS, SOURCE,
))

SOURCES = Table("sources", "Sources", "The sources of the rows of every table: what was "
                "imported, from whom, under which licence.", (
    _id("source_id", "the source (import)"),
    Column("importer", "string", "The importer that read it."),
    Column("title", "string", "What the file is."),
    Column("publisher", "string", "Who publishes it."),
    Column("licence", "string", "Its licence, as recorded."),
    Column("url", "string", "Where it comes from."),
    Column("file_name", "string", "The file as read."),
    Column("sha256", "string", "The file's SHA-256.", pattern=r"^[0-9a-f]{64}$"),
    Column("imported_at", "datetime", "When it was imported (UTC)."),
    Column("rows_read", "integer", "Rows read from the file.", minimum=0),
    Column("rows_loaded", "integer", "Rows loaded.", minimum=0),
    Column("rows_quarantined", "integer", "Rows set aside with their reasons.", minimum=0),
    Column("fictitious", "boolean", "TRUE for generated demo data.", required=True),
))

INDICATORS = Table("indicators", "Indicator results", "The indicator results of the cut's "
                   "territories (the countries when the cut names none), over its years, "
                   "funders, schemes, stages and sector: one row per indicator, territory and "
                   "category (and currency for money). Methods: docs/indicators/.", (
    _id("result_id", "the result: indicator/territory/category/currency"),
    Column("indicator", "string", "The indicator's id (docs/indicators/ID.md).",
           required=True),
    Column("level", "string", "The territory level the indicator was computed at.",
           required=True),
    _ref("territory_id", "territories", "The territory."),
    Column("territory_name", "string", "The territory's name."),
    Column("period", "string", "The years computed over (first-last); empty: every year."),
    Column("category", "string", "The category of a breakdown (a stage, a funder level…)."),
    Column("value", "number", "The value, in `unit` (money in currency units: see "
           "value_minor); empty: not computable."),
    Column("value_minor", "integer", f"A money value {MONEY} (rounded from `value`)."),
    Column("unit", "string", "count, money, share, per_100k, money_per_inhabitant, status…"),
    Column("currency", "string", "ISO 4217 currency of a money value.", pattern=r"^[A-Z]{3}$"),
    Column("numerator", "number", "The value's numerator."),
    Column("denominator", "number", "The value's denominator."),
    Column("n", "integer", "Rows the result rests on.", minimum=0),
    Column("covered", "integer", "Of them, rows whose needed fields are known.", minimum=0),
    Column("coverage", "number", "covered / n."),
    Column("money_coverage", "number", "Share of the money whose needed fields are known."),
    Column("low_coverage", "boolean", "TRUE when a coverage is below 0.7: not conclusive."),
    Column("sources", "string", "The sources the result rests on (ids, space-separated)."),
    FICTITIOUS,
))

TABLES: tuple[Table, ...] = (AWARDS, ORGANISATIONS, WORKS, SCHEMES, TERRITORIES, SOURCES)

#: What every package says of its awards, whatever the cut.
NOTES = (
    "Each contract is counted once, at its final value: an amended contract's earlier "
    "versions are left out.",
    "Money is exact: integer minor units (cents) with an ISO 4217 currency; amounts of "
    "different currencies are never added up.",
    "Unknown is empty, never 0; 0 is a published zero.",
    "An award placed at country level (a beneficiary known only by a French register "
    "number) counts for the country and in no region, département or commune.",
    "Beneficiaries who asked not to be listed are named 'Withheld at the person's request'; "
    "their awards and amounts are kept.",
)


@dataclass
class Package:
    """The tables of a cut (frames in TABLES' column order) and what describes them."""

    cut: Cut
    frames: dict[str, pl.DataFrame]
    sources: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    notes: list[str] = field(default_factory=lambda: list(NOTES))

    @property
    def tables(self) -> tuple[Table, ...]:
        """The tables written: TABLES, and the indicator results when asked for."""
        return TABLES + ((INDICATORS,) if "indicators" in self.frames else ())

    @property
    def fictitious(self) -> bool:
        return any(bool(f["fictitious"].any()) for f in self.frames.values()
                   if "fictitious" in f.columns and f.height)

    def sources_of(self, table: str) -> list[dict[str, Any]]:
        """The sources of one table's rows (every source for the sources table)."""
        frame = self.frames[table]
        if table == "sources":
            return self.sources
        if table == "indicators":
            ids = {s for text in frame["sources"].drop_nulls().to_list() for s in text.split()}
        else:
            ids = set(frame["source_id"].unique().to_list())
        return [s for s in self.sources if s["source_id"] in ids]

    def title(self) -> str:
        return f"cineatlas — {describe(self.cut)}"

    def metadata(self) -> dict[str, Any]:
        """What every format carries: the cut, the sources and their licences, the coverage,
        the notes, the fictitious flag, the generator."""
        return {"title": self.title(), "cut": self.cut.describe(), "fictitious": self.fictitious,
                "licenses": licences(self.sources), "sources": self.sources,
                "coverage": self.coverage, "notes": self.notes,
                "generator": f"cineatlas {__version__}"}


def describe(cut: Cut) -> str:
    """The cut in words: 'awards of CA-QC, 2015–2016 (cinema-audiovisual)'."""
    parts = [f"awards of {', '.join(cut.territory)}" if cut.territory else "all awards"]
    if cut.years:
        first, last = cut.years
        parts.append(str(first) if first == last else f"{first}–{last}")
    for name in ("funder", "scheme", "stage"):
        values = getattr(cut, name)
        if values:
            parts.append(f"{name} {', '.join(values)}")
    sector = str(getattr(cut.sector, "value", cut.sector))
    return f"{', '.join(parts)} ({'every sector' if sector == 'all' else sector})"


# -- licences ---------------------------------------------------------------------------------

#: Licences recognised in a source's licence text: (pattern, Open Definition / SPDX id or None
#: when the text does not say the version, canonical URL).
KNOWN_LICENCES: tuple[tuple[str, str | None, str], ...] = (
    (r"(?i)(licence ouverte|open licence|etalab)[^;]*2\.0", "etalab-2.0",
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    (r"(?i)(licence ouverte|open licence|etalab)", None,
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    (r"(?i)open government licen[cs]e\W+canada", "OGL-Canada-2.0",
     "https://open.canada.ca/en/open-government-licence-canada"),
    (r"(?i)\bCC[ -]BY[ -]4\.0\b", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    (r"(?i)\bGPL-3\.0\b", "GPL-3.0", "https://www.gnu.org/licenses/gpl-3.0.html"),
    (r"\bMIT\b", "MIT", "https://opensource.org/license/mit"),
)


def licence_entries(text: str | None) -> list[dict[str, str]]:
    """The Data Package licences (name and/or path, title) a licence text names: each part
    of the text (parts split at ';') that a known licence is found in, as recorded; a text
    naming none is kept as its title with the id `notspecified`."""
    if not text:
        return [{"name": "notspecified", "title": "Licence not recorded by the source"}]
    out: list[dict[str, str]] = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        for pattern, name, path in KNOWN_LICENCES:
            if re.search(pattern, part):
                out.append({**({"name": name} if name else {}), "path": path, "title": part})
                break
        else:
            out.append({"name": "notspecified", "title": part})
    return out


def licences(sources: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every licence of `sources`, once each (by id and URL), in the sources' order."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for source in sources:
        for entry in licence_entries(source.get("licence")):
            seen.setdefault((entry.get("name", ""), entry.get("path", entry["title"])), entry)
    return list(seen.values())


# -- reading the tables -----------------------------------------------------------------------


def package(store: Store, cut: Cut) -> Package:
    """The tables of the cut, read from the store (`prepare(store)` called before)."""
    con = store.con
    con.register("export_cut", cut_awards(store, cut).select(
        "award_id", "funder", "scheme", "beneficiary", "year").to_arrow())
    try:
        frames = {"awards": _frame(store, AWARDS, _AWARDS_SQL)}
        con.register("export_awards", frames["awards"].to_arrow())
        frames["schemes"] = _frame(store, SCHEMES, _SCHEMES_SQL)
        con.register("export_schemes", frames["schemes"].to_arrow())
        frames["organisations"] = _frame(
            store, ORGANISATIONS, _ORGANISATIONS_SQL.format(orgs=optout.organisations_sql(store)))
        con.register("export_organisations", frames["organisations"].to_arrow())
        frames["works"] = _frame(store, WORKS, _WORKS_SQL)
        if cut.indicators:
            frames["indicators"] = indicator_results(store, cut)
        con.register("export_indicators", frames.get("indicators", pl.DataFrame(
            {"territory_id": []}, schema={"territory_id": pl.Utf8})).to_arrow())
        frames["territories"] = _frame(store, TERRITORIES, _TERRITORIES_SQL)
        source_ids = sorted({s for f in frames.values() if "source_id" in f.columns
                             for s in f["source_id"].to_list()}
                            | {s for text in frames.get("indicators", pl.DataFrame(
                                {"sources": []}, schema={"sources": pl.Utf8}))["sources"]
                               .drop_nulls().to_list() for s in text.split()})
        frames["sources"] = _frame(store, SOURCES, _SOURCES_SQL, [source_ids])
        coverage = coverage_of(store)
    finally:
        for name in ("export_cut", "export_awards", "export_schemes", "export_organisations",
                     "export_indicators"):
            con.unregister(name)
    return Package(cut, {t.name: frames[t.name] for t in (*TABLES, INDICATORS)
                         if t.name in frames},
                   cut_sources(store, source_ids), coverage)


def _frame(store: Store, table: Table, sql: str, params: list[Any] | None = None
           ) -> pl.DataFrame:
    """The table's rows, in its column order and types, by primary key."""
    frame = store.con.sql(sql, params=params or None).pl()
    return frame.select(pl.col(c.name).cast(DTYPES[c.type]) for c in table.columns
                        ).sort(table.key)


_AWARDS_SQL = """
SELECT a.award_id, a.project_title, a.funder_id, c.funder, a.scheme_id, c.scheme,
       a.beneficiary_id, c.beneficiary, a.beneficiary_territory_id,
       t.region_id AS beneficiary_region_id, a.beneficiary_country_code, a.work_id,
       w.title AS work_title, c.year, a.fiscal_year, a.fiscal_period, a.decision_date,
       a.amount_minor, a.currency, a.original_amount_minor, a.requested_amount_minor,
       a.aid_type, a.stage, a.format, a.genre, a.language, a.first_work, a.second_work,
       a.sector, a.sector_rule, a.amends_award_id, a.reference, a.fictitious, a.source_id
FROM export_cut c JOIN awards a ON a.award_id = c.award_id
LEFT JOIN works w ON w.work_id = a.work_id
LEFT JOIN territories t ON t.territory_id = a.beneficiary_territory_id
"""

#: The schemes of the awards and every fund above them.
_SCHEMES_SQL = """
WITH RECURSIVE named(scheme_id) AS (
    SELECT scheme_id FROM export_awards WHERE scheme_id IS NOT NULL
    UNION SELECT s.parent_scheme_id FROM named n JOIN schemes s ON s.scheme_id = n.scheme_id
    WHERE s.parent_scheme_id IS NOT NULL)
SELECT s.* FROM schemes s WHERE s.scheme_id IN (SELECT scheme_id FROM named)
"""

_ORGANISATIONS_SQL = """
SELECT o.*, coalesce(em.entity_id, o.organisation_id) AS entity_id FROM {orgs} o
LEFT JOIN entity_members em ON em.kind = 'organisation' AND em.member_id = o.organisation_id
WHERE o.organisation_id IN (SELECT funder_id FROM export_awards
                            UNION SELECT beneficiary_id FROM export_awards
                            UNION SELECT funder_id FROM export_schemes)
"""

_WORKS_SQL = """
SELECT w.*, coalesce(em.entity_id, w.work_id) AS entity_id FROM works w
LEFT JOIN entity_members em ON em.kind = 'work' AND em.member_id = w.work_id
WHERE w.work_id IN (SELECT work_id FROM export_awards)
"""

#: The territories named, and every territory containing one (parents and regions).
_TERRITORIES_SQL = """
WITH named(territory_id) AS (
    SELECT beneficiary_territory_id FROM export_awards
    UNION SELECT territory_id FROM export_organisations
    UNION SELECT governed_territory_id FROM export_organisations
    UNION SELECT territory_id FROM export_indicators)
SELECT t.* FROM territories t WHERE t.territory_id IN (
    SELECT c.ancestor_id FROM territory_closure c JOIN named n ON n.territory_id = c.territory_id
    UNION SELECT territory_id FROM named)
"""

_SOURCES_SQL = """
SELECT * FROM sources WHERE list_contains(?::VARCHAR[], source_id)
"""


def indicator_results(store: Store, cut: Cut) -> pl.DataFrame:
    """The catalogue computed (`indicators.compute_all`) for the cut's territories, each at
    its own level (the countries when the cut names none), over the cut's years, funders,
    schemes, stages and sector; money values also in exact minor units."""
    from cineatlas.indicators import COLUMNS, Engine, compute_all
    from cineatlas.indicators.cut import LEVELS
    from cineatlas.indicators.cut import Cut as IndicatorCut

    levels: dict[str, list[str]] = {"country": []}
    if cut.territory:
        levels = {}
        rows = store.con.execute("SELECT territory_id, level FROM territories WHERE "
                                 "list_contains(?::VARCHAR[], territory_id) ORDER BY ALL",
                                 [list(cut.territory)]).fetchall()
        for territory_id, level in rows:
            if level in LEVELS:
                levels.setdefault(level, []).append(territory_id)
    sector = str(getattr(cut.sector, "value", cut.sector))
    engine = Engine.duckdb(store)
    frames = [compute_all(engine, IndicatorCut(
        level=level, territories=tuple(ids), years=cut.years, funders=cut.funder,
        schemes=cut.scheme, stages=cut.stage, sectors=() if sector == "all" else (sector,)))
        .select(COLUMNS) for level, ids in levels.items()]
    if not frames:
        return pl.DataFrame(schema=INDICATORS.dtypes())
    frame = pl.concat(frames, how="diagonal_relaxed").with_columns(
        pl.col("sources").list.join(" "),
        pl.when(pl.col("unit") == "money").then((pl.col("value") * 100).round(0))
        .cast(pl.Int64).alias("value_minor"))
    key = pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("") for c in
                         ("indicator", "territory_id", "category", "currency")],
                        separator="/")
    frame = frame.filter(pl.col("year").is_null()).with_columns(key.alias("result_id"))
    return frame.select(pl.col(c.name).cast(DTYPES[c.type]) for c in INDICATORS.columns
                        ).sort("result_id")


def coverage_of(store: Store) -> list[dict[str, Any]]:
    """Per source of the awards (registered as `export_awards`): awards, first and last
    year, and how many have no amount, no year, are placed at country level only or not
    placed at all, with the amounts per currency."""
    frame = store.con.sql("""
        SELECT a.source_id, count(*) AS awards, min(a.year) AS first_year,
               max(a.year) AS last_year,
               count(*) FILTER (WHERE a.amount_minor IS NULL) AS amount_unknown,
               count(*) FILTER (WHERE a.year IS NULL) AS year_unknown,
               count(*) FILTER (WHERE t.level = 'country') AS placed_at_country,
               count(*) FILTER (WHERE a.beneficiary_territory_id IS NULL) AS not_placed,
               list(DISTINCT a.currency ORDER BY a.currency) AS currencies,
               bool_or(a.fictitious) AS fictitious
        FROM export_awards a LEFT JOIN territories t
          ON t.territory_id = a.beneficiary_territory_id
        GROUP BY ALL ORDER BY a.source_id""").pl()
    totals = store.con.sql("""
        SELECT source_id, currency, sum(amount_minor)::BIGINT AS amount_minor
        FROM export_awards GROUP BY ALL ORDER BY ALL""").pl()
    out = frame.to_dicts()
    for row in out:
        row["amount_minor"] = {t["currency"]: t["amount_minor"] for t in totals.to_dicts()
                               if t["source_id"] == row["source_id"]}
    return out


def ready(out: Path, names: set[str]) -> None:
    """Make `out` a folder to write into: new, empty, or holding only files an export of
    this format writes (written over); anything else is refused, never deleted."""
    if out.exists():
        if not out.is_dir():
            raise AtlasError(f"{out} is a file; this format writes a folder: give another path.")
        others = sorted(p.name for p in out.iterdir() if p.name not in names)
        if others:
            raise AtlasError(f"{out} holds other files ({', '.join(others[:5])}): give an empty "
                             "or new folder (an earlier export of the same format is written "
                             "over).")
    out.mkdir(parents=True, exist_ok=True)
