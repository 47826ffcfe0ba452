"""The cnc-films-agrees importer: parse the canonical columns of the workbook's rows, and emit
works, directors, producers, countries and financing facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.cnc_films_agrees import fields
from cineatlas.importers.cnc_films_agrees.workbook import FIELDS, SHEET, open_workbook
from cineatlas.parsing import Parsed, RowParser, map_unique, problem_rows, values
from cineatlas.privacy import strip_contacts
from cineatlas.problems import ERROR, PROBLEM_SCHEMA, WARNING, empty_problems, problem_type
from cineatlas.reading import LINE, ROW, RawTable
from cineatlas.reading.xlsx import SPREADSHEET_SUFFIXES
from cineatlas.text import company_key, name_key

problem_type("unknown-channel", "TV channel not recognised",
             "The word is kept as a channel under its published spelling. Add it to the "
             "importer's channel table (docs/importers/cnc-films-agrees.md) if it is a channel.")
problem_type("no-channel-named", "No channel named",
             "A mark with no letter or digit ('-', '?') names no channel: no pre-sale is "
             "recorded for it. Write the channel's name if there was one.")
problem_type("unknown-country", "Country not recognised",
             "The country is kept as published, without an ISO code. Write its name in French "
             "or English, or add the abbreviation to the importer's table.")
problem_type("shares-not-100", "Co-production shares do not add up to 100",
             "The shares are kept as published; check them (whole-number rounding, up to half "
             "a point per country, is not reported).")
problem_type("unclear-rank", "Rank not clear",
             "The rank is read from its first digits, and left unknown when it is 0 or past "
             f"{fields.MAX_RANK}; check it (1 = first film, 2 = second, 3 = third or later).")
problem_type("ranks-mismatch", "Ranks and directors differ in number",
             "The film's rank is the lowest one given; per-director ranks are not stored.")
problem_type("duplicate-visa", "VISA repeated within a year",
             "The same VISA appears twice in the sheet: both rows are loaded as one work; check "
             "whether one is a duplicate.")
problem_type("producers-split", "Producers joined by ET read as several",
             "Each part is credited on its own elsewhere in the list, so 'A ET B' was read as "
             "two producers; if it is one company, write it as in the other years.")
problem_type("producers-joined", "Producers read as one company",
             "'A / B' was read as the company 'A ET B', which the list credits under that name "
             "many more times; if they are two companies, check the other years' spelling.")
problem_type("cut-mark", "Producer's mark cut short",
             "The CNC's names are cut at 64 characters: the unclosed mark was read as the only "
             "mark it starts ('(TI' is '(TIERS FERME)').")
problem_type("no-director", "No director published",
             "The film is loaded without directors; fill in REALISATEUR if it is known.")

CURRENCY = "EUR"
FORMAT = "feature"  # the CNC's list is of agreed feature films (longs métrages)
GENRES = {"fiction": "fiction", "docu": "documentary", "documentaire": "documentary",
          "documentary": "documentary", "animation": "animation", "anim": "animation",
          "experimental": "experimental", "experimentale": "experimental"}
ASR_TIMING = {"avant": "before", "apres": "after", "après": "after", "before": "before",
              "after": "after"}
MARKED = ("x", "oui", "yes", "o")

#: Funders that the list names only by the kind of fact: (key, name, kind).
CNC = ("cnc", "CNC (Centre national du cinéma et de l'image animée)", "public_body")
STATE = ("etat credit d impot", "État — crédit d'impôt cinéma", "public_body")
REGION = ("region non nommee", "A Region (not named)", "public_body")
SOFICA = ("sofica non nommee", "A SOFICA (not named)", "company")
#: Public funders' level and the territory they govern (organisations.funder_level,
#: governed_territory_id). "A Region (not named)" is regional but governs no known territory;
#: SOFICAs and TV channels (public ones included) are not public funders: no level (NULL).
FUNDER_LEVELS = {CNC: ("national", "FR"), STATE: ("national", "FR"), REGION: ("regional", None)}
#: Yes/no facts: (column, kind, funder).
MARK_FACTS = (("AIDE REGIONALE", "regional_aid", REGION), ("SOFICA", "sofica", SOFICA),
              ("CREDIT D'IMPOT", "tax_credit", STATE), ("BONUS PARITE", "parity_bonus", CNC))
#: Channel facts: (column, kind).
CHANNEL_FACTS = (("PAYANTE", "pay_tv"), ("CLAIR", "free_tv"))
#: Yes/no and timing facts: (column, the parsed column holding the fact).
READ_FACTS = (("ASR", "asr_timing"), *((column, kind) for column, kind, _ in MARK_FACTS))
#: The fact each column publishes (a sheet without the column does not publish the fact).
FACT_COLUMNS = {"ASR": "advance_on_receipts", "PAYANTE": "pay_tv", "CLAIR": "free_tv",
                **{column: kind for column, kind, _ in MARK_FACTS}}

_DIRECTOR = pl.Struct({"published": pl.Utf8, "display": pl.Utf8})
_PRODUCER = pl.Struct({"published": pl.Utf8, "name": pl.Utf8, "mark": pl.Utf8})
_COUNTRY = pl.Struct({"label": pl.Utf8, "code": pl.Utf8, "percent": pl.Float64})


class CncFilmsAgreesImporter(Importer):
    name = "cnc-films-agrees"
    title = "CNC — Production cinématographique, liste des films agréés"
    description = ("Every film agreed by the CNC, one sheet per year: VISA, title, directors, "
                   "producers, budget, genre, French initiative, rank, advance on receipts, "
                   "TV pre-sales, SOFICA, tax credit, regional aid, parity bonus, nationality.")
    publisher = "CNC (Centre national du cinéma et de l'image animée)"
    licence = "Licence Ouverte / Open Licence (Etalab)"
    #: No stable address serves the workbook itself (the CNC publishes it among its
    #: statistics pages): `demo --download` does not fetch it; give the file.
    url = None
    required_columns = tuple(f.column for f in FIELDS if f.required)
    optional_columns = tuple(f.column for f in FIELDS if not f.required)
    options_help: dict[str, str] = {}
    tables = ("organisations", "people", "works", "film_approvals", "work_credits",
              "work_countries", "work_financing")

    # -- reading -------------------------------------------------------------------------

    def open(self, path: Path) -> RawTable:
        """Every yearly sheet of the workbook, as one table (see `workbook`)."""
        if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise FileError(path, f"is not a workbook: the {self.name} importer reads the CNC's "
                            "list of agreed films as published, a spreadsheet with one sheet per "
                            "year", "Give the .xlsx file (or save the list as .xlsx or .ods).",
                            code="not-a-workbook")
        table, sheets = open_workbook(path)
        # how often each company is credited on its own, over the whole list (the evidence for
        # reading 'A ET B' as two producers, see fields.producer_items)
        self._credited = fields.credited_alone([
            row[sheet.positions["PRODUCTEURS"]] for sheet in sheets for row in sheet.rows
            if sheet.positions["PRODUCTEURS"] < len(row)])
        self._sheet_columns = {sheet.name: set(sheet.positions) for sheet in sheets}
        self._sheet_years = {sheet.name: sheet.year for sheet in sheets}
        return table

    def begin(self, ctx: ImportContext) -> None:
        self._countries: dict[Any, Any] = {}

    # -- parsing -------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        # contacts out of the cells before names (and the ids hashed from them) are read
        raw, contacts = strip_contacts(
            raw, ("TITRE", "REALISATEUR", "PRODUCTEURS", *(c for c, _ in CHANNEL_FACTS)))
        p = RowParser(raw)
        p.add_problems(contacts)
        year = pl.col(SHEET).replace_strict(self._sheet_years, return_dtype=pl.Int32)
        p.add_value("sheet", pl.col(SHEET))
        p.add_value("line", pl.col(LINE))
        p.add_value("year", year)
        p.add("visa", "VISA", values.pattern(pl.col("VISA").str.replace(r"\.0+$", ""),
                                             r"^[0-9A-Za-z-]{1,20}$", required=True, invalid=ERROR))
        p.add("title", "TITRE", values.text(pl.col("TITRE"), required=True))
        # a film without a readable budget is still an agreed film: its budget is unknown
        p.add("budget_minor", "DEVIS", values.money(pl.col("DEVIS"), decimal="auto",
                                                    required=True, missing=WARNING,
                                                    invalid=WARNING))
        genre = values.enum(pl.col("GENRE"), GENRES)
        p.add("genre", "GENRE", genre)
        p.add("genre_raw", None, values.text(pl.col("GENRE")))
        p.add("french_initiative", "EOF", values.boolean(pl.col("EOF")))
        p.add("asr_timing", "ASR", values.enum(pl.col("ASR"), ASR_TIMING))
        for column, kind, _ in MARK_FACTS:
            p.add(kind, column, _mark(pl.col(column)))
        p.add("nationality_raw", None, values.text(pl.col("NATIONALITE")))
        typed, problems = p.finish()
        typed, more = self._composite(raw, typed, ctx)
        problems = pl.concat([problems, *more], how="vertical_relaxed")
        return typed, _located(problems, raw)

    def _composite(self, raw: pl.DataFrame, typed: pl.DataFrame, ctx: ImportContext,
                   ) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
        """Directors, producers, ranks, channels and countries (Python functions of a cell,
        applied once per distinct cell)."""
        col = raw.get_column
        directors = map_unique(col("REALISATEUR"), _directors, pl.List(_DIRECTOR))
        readings = {cell: fields.producer_items(cell, self._credited)
                    for cell in col("PRODUCTEURS").unique().to_list()}
        producers = _by_cell(col("PRODUCTEURS"), readings, _producers, pl.List(_PRODUCER))
        rank_items = map_unique(col("RANG"), lambda c: fields.ranks(c)[0], pl.List(pl.Int64))
        rank_clear = map_unique(col("RANG"), lambda c: fields.ranks(c)[1], pl.Boolean)
        countries = map_unique(col("NATIONALITE"), lambda c: self._nationality(c, ctx),
                               pl.List(_COUNTRY), cache=self._countries)
        frame = typed.with_columns(
            # a fact cell that is neither yes nor no: the fact is unknown for this film
            *((pl.col(parsed).is_null()
               & pl.lit(col(column).str.strip_chars().ne("").fill_null(False)))
              .alias(f"__unknown_{FACT_COLUMNS[column]}") for column, parsed in READ_FACTS),
            directors.alias("directors"), producers.alias("producers"),
            rank_items.alias("director_ranks"), countries.alias("countries"),
            *(map_unique(col(c), lambda v: fields.channels(v).found, pl.List(pl.Utf8)).alias(k)
              for c, k in CHANNEL_FACTS),
        )
        n_dirs, n_ranks = pl.col("directors").list.len(), pl.col("director_ranks").list.len()
        frame = frame.with_columns(
            pl.when(n_ranks == 1).then(pl.col("director_ranks").list.first())
            .otherwise(pl.col("director_ranks").list.min()).cast(pl.Int32).alias("rank"),
            pl.when(n_ranks == n_dirs).then(pl.col("director_ranks"))
            .otherwise(pl.lit(None, dtype=pl.List(pl.Int64))).alias("director_ranks"),
            pl.when(pl.col("countries").list.len() > 0)
            .then(pl.col("countries").list.len() > 1).alias("coproduction"),
            pl.col("countries").list.eval(
                pl.element().struct.field("percent").filter(
                    pl.element().struct.field("code") == "FR")).list.drop_nulls().alias("__fr"),
        ).with_columns(
            pl.when(pl.col("__fr").list.len() > 0).then(pl.col("__fr").list.sum())
            .alias("french_share"),
        ).drop("__fr")
        shares = frame.select(pl.col("countries").list.eval(
            pl.element().struct.field("percent")).alias("p"))["p"]
        checks = [
            _rows(raw, frame, "RANG", "unclear-rank", ~rank_clear.fill_null(True)),
            _rows(raw, frame, "RANG", "ranks-mismatch", (n_ranks > 1) & (n_ranks != n_dirs)),
            _rows(raw, frame, "REALISATEUR", "no-director", n_dirs == 0),
            _rows(raw, frame, "VISA", "duplicate-visa",
                  pl.col("visa").is_not_null() & pl.col("visa").is_duplicated().over("sheet")),
            *(_detailed(raw, frame, "PRODUCTEURS", code, _by_cell(
                col("PRODUCTEURS"), readings, detail, pl.Utf8)) for code, detail in (
                ("producers-split", _split_detail), ("producers-joined", _joined_detail),
                ("cut-mark", _cut_detail))),
            _rows(raw, frame, "NATIONALITE", "unknown-country", pl.col("countries").list.eval(
                pl.element().struct.field("code").is_null()).list.any()),
            _rows(raw, frame, "NATIONALITE", "shares-not-100",
                  (shares.list.drop_nulls().list.len() == shares.list.len())
                  & (shares.list.len() > 0)
                  & ((shares.list.sum() - 100).abs() > 0.5 * shares.list.len())),
            *(_rows(raw, frame, c, "unknown-channel", map_unique(
                col(c), lambda v: bool(fields.channels(v).unknown), pl.Boolean))
              for c, _ in CHANNEL_FACTS),
            *(_rows(raw, frame, c, "no-channel-named", map_unique(
                col(c), lambda v: bool(fields.channels(v).unnamed), pl.Boolean))
              for c, _ in CHANNEL_FACTS),
        ]
        return frame, checks

    def _nationality(self, cell: str | None, ctx: ImportContext) -> list[dict[str, Any]]:
        out = []
        for share in fields.nationality(cell):
            key = name_key(share.label)
            code = fields.COUNTRY_ABBREVIATIONS.get(key) or ctx.geocoder.country(share.label)
            out.append({"label": share.label, "code": code, "percent": share.percent})
        return out

    # -- emitting ------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.with_columns(
            (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("approval_id"),
            ctx.entity_id("work", rows["visa"]).alias("work_id"),
        )
        published = pl.DataFrame(
            {"sheet": list(self._sheet_columns),
             "published_facts": [_published(c) for c in self._sheet_columns.values()]},
            schema={"sheet": pl.Utf8, "published_facts": pl.List(pl.Utf8)})
        approvals = rows.select(
            "approval_id", "work_id", "visa", "year", "sheet", pl.col(ROW).alias("row_number"),
            pl.col("line").alias("line_number"), "title", "budget_minor",
            pl.lit(CURRENCY).alias("currency"), "genre", "genre_raw", "french_initiative", "rank",
            "coproduction", "french_share", "nationality_raw",
        ).join(published, on="sheet", how="left").with_columns(_known_facts(rows))
        works = rows.select("work_id", "title", _key(pl.col("title")).alias("title_key"),
            pl.lit(None, dtype=pl.Utf8).alias("language"), pl.lit(FORMAT).alias("format"),
            "genre").unique("work_id", keep="first", maintain_order=True)
        position = pl.int_range(1, pl.len() + 1).over("approval_id").alias("position")
        ranks = (rows.select("approval_id", pl.col("director_ranks").alias("rank"))
                 .explode("rank").filter(pl.col("rank").is_not_null()).with_columns(position))
        directors = (rows.select("approval_id", "work_id", "directors").explode("directors")
                     .filter(pl.col("directors").is_not_null()).unnest("directors")
                     .with_columns(position).join(ranks, on=["approval_id", "position"],
                                                  how="left"))
        directors = directors.with_columns(
            ctx.entity_id("person", _key(directors["display"])).alias("person_id"))
        producers = (rows.select("approval_id", "work_id", "producers").explode("producers")
                     .filter(pl.col("producers").is_not_null()).unnest("producers"))
        producers = producers.with_columns(
            # one organisation per company, whatever its spelling (text.company_key)
            ctx.entity_id("org", map_unique(producers["name"], company_key, pl.Utf8))
            .alias("organisation_id"))
        credits = pl.concat([
            directors.select("approval_id", "work_id", pl.lit("director").alias("role"),
                             "position", "person_id",
                             pl.lit(None, dtype=pl.Utf8).alias("organisation_id"),
                             pl.col("published").alias("credit_as"), "rank",
                             pl.lit(None, dtype=pl.Utf8).alias("mark")),
            producers.select("approval_id", "work_id", pl.lit("producer").alias("role"),
                             position, pl.lit(None, dtype=pl.Utf8).alias("person_id"),
                             "organisation_id",
                             pl.col("published").alias("credit_as"),
                             pl.lit(None, dtype=pl.Int64).alias("rank"), "mark"),
        ], how="vertical_relaxed")
        people = directors.select(
            "person_id", pl.col("display").alias("full_name"),
            _key(pl.col("display")).alias("name_key"),
            pl.lit(None, dtype=pl.Utf8).alias("gender")).unique("person_id", keep="first")
        countries = (rows.select("approval_id", "work_id", "countries").explode("countries")
                     .filter(pl.col("countries").is_not_null()).unnest("countries")
                     .select("approval_id", "work_id",
                             pl.int_range(1, pl.len() + 1).over("approval_id").alias("position"),
                             pl.col("code").alias("country_code"),
                             pl.col("label").alias("country_label"),
                             pl.col("percent").alias("share_percent")))
        financing, funders = self._financing(rows, ctx)
        organisations = pl.concat([
            _spelling(producers).select(
                "organisation_id", "name", _key(pl.col("name")).alias("name_key"),
                pl.lit("company").alias("kind"), pl.lit(False).alias("is_funder"),
                pl.lit(None, dtype=pl.Utf8).alias("country_code")),
            funders,
        ], how="diagonal_relaxed").unique("organisation_id", keep="first", maintain_order=True)
        return {"organisations": organisations, "people": people, "works": works,
                "film_approvals": approvals, "work_credits": credits,
                "work_countries": countries, "work_financing": financing}

    def _financing(self, rows: pl.DataFrame, ctx: ImportContext,
                   ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Financing facts (amounts unknown) and the funders they name."""
        def funder_id(key: str) -> str:
            return ctx.entity_id("org", pl.Series([key])).item()

        base = ("approval_id", "work_id", "year")
        parts = [rows.filter(pl.col("asr_timing").is_not_null()).select(
            *base, pl.lit("advance_on_receipts").alias("kind"), pl.lit(1).alias("position"),
            pl.lit(funder_id(CNC[0])).alias("funder_id"),
            pl.lit(None, dtype=pl.Utf8).alias("funder_label"),
            pl.col("asr_timing").alias("timing"))]
        for _, kind, funder in MARK_FACTS:
            parts.append(rows.filter(pl.col(kind).fill_null(False)).select(
                *base, pl.lit(kind).alias("kind"), pl.lit(1).alias("position"),
                pl.lit(funder_id(funder[0])).alias("funder_id"),
                pl.lit(None, dtype=pl.Utf8).alias("funder_label"),
                pl.lit(None, dtype=pl.Utf8).alias("timing")))
        channel_names: set[str] = set()
        for _, kind in CHANNEL_FACTS:
            exploded = rows.select(*base, pl.col(kind).alias("channel")).explode("channel").filter(
                pl.col("channel").is_not_null())
            channel_names.update(exploded["channel"].to_list())
            parts.append(exploded.select(
                *base, pl.lit(kind).alias("kind"),
                pl.int_range(1, pl.len() + 1).over("approval_id").alias("position"),
                ctx.entity_id("org", _key(exploded["channel"])).alias("funder_id"),
                pl.col("channel").alias("funder_label"),
                pl.lit(None, dtype=pl.Utf8).alias("timing")))
        financing = pl.concat(parts, how="vertical_relaxed").with_columns(
            pl.lit(None, dtype=pl.Int64).alias("amount_minor"), pl.lit(CURRENCY).alias("currency"))
        named = [CNC, STATE, REGION, SOFICA] + [(name_key(c), c, "company") for c in channel_names]
        funders = pl.DataFrame({
            "organisation_id": [funder_id(key) for key, _, _ in named],
            "name": [name for _, name, _ in named],
            "name_key": [name_key(name) for _, name, _ in named],
            "kind": [kind for _, _, kind in named], "is_funder": [True] * len(named),
            "country_code": ["FR" if kind == "public_body" else None for _, _, kind in named],
            "funder_level": [FUNDER_LEVELS.get(item, (None, None))[0] for item in named],
            "governed_territory_id": [FUNDER_LEVELS.get(item, (None, None))[1] for item in named],
        }, schema={"organisation_id": pl.Utf8, "name": pl.Utf8, "name_key": pl.Utf8,
                   "kind": pl.Utf8, "is_funder": pl.Boolean, "country_code": pl.Utf8,
                   "funder_level": pl.Utf8, "governed_territory_id": pl.Utf8})
        return financing, funders


# -- helpers -----------------------------------------------------------------------------------

def _mark(raw: pl.Expr) -> Parsed:
    """A yes/no fact cell: 'X' or 'OUI' is yes, empty or 'NON' is no, anything else unknown."""
    return values.boolean(raw, true_values=MARKED, false_values=("non", "n", "no", "-"))


def _directors(cell: str | None) -> list[dict[str, str]]:
    """The directors of a cell; an item with no letter or digit ('-', '?') names no one (the
    person's id is hashed from the key of the display name: never empty)."""
    names = [fields.person_name(item) for item in fields.split_list(cell)]
    return [{"published": n.published, "display": n.display} for n in names if name_key(n.display)]


def _spelling(producers: pl.DataFrame) -> pl.DataFrame:
    """One row per producer organisation, named by its most frequent spelling in the list
    (the first met among equals)."""
    counts = producers.group_by("organisation_id", "name", maintain_order=True).len()
    return counts.sort("len", descending=True, maintain_order=True).unique(
        "organisation_id", keep="first", maintain_order=True).drop("len")


def _by_cell(cells: pl.Series, readings: dict[str | None, fields.Reading],
             fn: Callable[[fields.Reading], Any], dtype: pl.DataType) -> pl.Series:
    """`fn` of each cell's producers reading, as a series."""
    return map_unique(cells, lambda cell: fn(readings[cell]), dtype)


def _producers(reading: fields.Reading) -> list[dict[str, str | None]]:
    seen: dict[str, dict[str, str | None]] = {}
    for item in reading.names:
        found = fields.producer(item)
        if not name_key(found.name):  # '-', '?': no producer named
            continue
        seen.setdefault(company_key(found.name), {"published": found.published,
                                                  "name": found.name, "mark": found.mark})
    return list(seen.values())


def _split_detail(reading: fields.Reading) -> str | None:
    return f"read as {', '.join(map(repr, reading.names))}" if reading.split else None


def _joined_detail(reading: fields.Reading) -> str | None:
    return f"read as {', '.join(map(repr, reading.joined))}" if reading.joined else None


def _cut_detail(reading: fields.Reading) -> str | None:
    cut = [f.published for f in map(fields.producer, reading.names) if f.cut_mark]
    return f"{', '.join(map(repr, cut))} read with the mark (TIERS FERME)" if cut else None


def _detailed(raw: pl.DataFrame, frame: pl.DataFrame, column: str, code: str,
              details: pl.Series) -> pl.DataFrame:
    """Warnings `code` on `column`, with the detail given for the rows that have one."""
    found = frame.select(pl.col(ROW).alias("row"), pl.lit(code).alias("code"),
                         raw.get_column(column).alias("value"), details.alias("detail"))
    found = found.filter(pl.col("detail").is_not_null())
    return problem_rows(found, column, {code: WARNING}) if found.height else empty_problems()


def _known_facts(rows: pl.DataFrame) -> pl.Expr:
    """The facts published for each film: those its sheet has a column for, less those whose
    cell could not be read (unknown for that film, not absent)."""
    kinds = [pl.when(pl.col("published_facts").list.contains(kind)
                     & ~(rows[f"__unknown_{kind}"] if f"__unknown_{kind}" in rows.columns
                         else pl.lit(False))).then(pl.lit(kind))
             for kind in FACT_COLUMNS.values()]
    return pl.concat_list(kinds).list.drop_nulls().alias("published_facts")


def _published(columns: set[str]) -> list[str]:
    return [kind for column, kind in FACT_COLUMNS.items() if column in columns]


def _rows(raw: pl.DataFrame, frame: pl.DataFrame, column: str, code: str,
          condition: pl.Expr | pl.Series) -> pl.DataFrame:
    """Warnings `code` on `column` for the rows where `condition` holds."""
    flagged = frame.select(pl.col(ROW).alias("row"), pl.lit(code).alias("code"),
                           raw.get_column(column).alias("value"),
                           (condition if isinstance(condition, pl.Expr) else pl.lit(condition))
                           .fill_null(False).alias("flag"))
    found = flagged.filter(pl.col("flag")).drop("flag")
    return problem_rows(found, column, {code: WARNING}) if found.height else empty_problems()


def _located(problems: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Problems whose message starts with the sheet and the row a person finds them at."""
    if problems.is_empty():
        return problems
    where = raw.select(pl.col(ROW).alias("row"), pl.col(SHEET).alias("__sheet"),
                       pl.col(LINE).alias("__line"))
    return problems.join(where, on="row", how="left").with_columns(
        pl.when(pl.col("__sheet").is_not_null())
        .then(pl.format("Sheet '{}', row {}: {}", "__sheet", "__line", "message"))
        .otherwise(pl.col("message")).alias("message"),
    ).select(list(PROBLEM_SCHEMA))


def _key(names: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """`name_key` of each name (computed once per distinct name)."""
    if isinstance(names, pl.Expr):
        return names.map_batches(lambda s: map_unique(s, name_key, pl.Utf8), return_dtype=pl.Utf8)
    return map_unique(names, name_key, pl.Utf8)
