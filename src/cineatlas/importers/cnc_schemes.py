"""The names of the CNC's schemes, as listed on its commission-results page (a JSON list).

    cineatlas import cnc-schemes cnc-aids-list-2025.json

The file is `{"fetchedAt": …, "totalAids": 95, "aids": ["AAC - French Exp LA", …]}`: the
names offered by the scheme selector of the CNC's commission-results page, compiled by the
SaladeOlivier/cnc explorer. Every name is a row (`$.aids[12]`) and becomes one `schemes` row
of the CNC (the same body as the cnc-commissions importer's funder), national; what the name
says (stage, format, genre, who applies, rank of the work) is read by the word rules of
`cineatlas.schemes.names`, each value with its `scheme_field_sources` row (rule `name`); and
a `scheme_documents` row says that the scheme's award lists are published on the results
page. An empty name, a name already listed and a value that is not text are quarantined; a
name as long as the page lets them be is loaded with a warning (the page cuts long names).
The rules are in docs/importers/cnc-schemes.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.cnc_funder import (
    RESULTS_TITLE,
    cnc_funder_id,
    funder_frame,
)
from cineatlas.importers.scheme_names import name_fields
from cineatlas.parsing import Parsed, RowParser, values
from cineatlas.problems import ERROR, WARNING, Problem, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.reading.jsonfile import PATH, at_path, load_json, open_json
from cineatlas.text import name_key

#: The list of names in the file.
LIST = "aids"
#: The CNC's page whose scheme selector the names come from: the compiler's script
#: (SaladeOlivier/cnc, scripts/list-aids.js) reads the `nomAide` options of this page.
RESULTS_PAGE = "https://www.cnc.fr/professionnels/aides-et-financements/resultats-commissions"
#: The results page cuts long names: the longest complete names are 75 characters, and names
#: of this length or more that do not close a parenthesis stop mid-word in the 2025 list
#: ("… œuvres cinématographiques e").
TRUNCATION_LENGTH = 73

problem_type("duplicate-name", "Name already listed",
             "The list gives this scheme twice (same name, ignoring case, accents and "
             "punctuation): the first is loaded, this one set aside. Remove the repeat.")
problem_type("not-a-name", "Not a name",
             "The list holds a value that names nothing: not text (a number, a list, an object) "
             "or text without a letter or digit ('-', '?'). Write the scheme's name as text, or "
             "remove the value.")
problem_type("truncated-name", "Name probably cut short",
             "The CNC's results page cuts long scheme names; this one is as long as the page "
             "lets them be and does not end its parenthesis, so it is probably truncated. It is "
             "loaded as published; the catalogue reads only its words.")
problem_type("count-mismatch", "Count does not match the list",
             "totalAids says a number of schemes that the list does not hold: the list is read "
             "as it is. Check that the file is complete.")


def probably_truncated(name: str) -> bool:
    """Whether a published name is as long as the results page lets names be and does not
    close a parenthesis (where the complete long names end)."""
    return len(name) >= TRUNCATION_LENGTH and not name.rstrip().endswith(")")


class CncSchemesImporter(Importer):
    name = "cnc-schemes"
    title = "CNC scheme names"
    description = ("The names of the CNC's schemes listed on its commission-results page "
                   "(JSON: aids), each a national scheme of the CNC with what its name says.")
    publisher = ("CNC (Centre national du cinéma et de l'image animée), compiled by the "
                 "SaladeOlivier/cnc explorer")
    licence = "CNC data: Licence Ouverte / Etalab 2.0; compilation: MIT"
    url = "https://raw.githubusercontent.com/SaladeOlivier/cnc/HEAD/data/available-aids.json"
    required_columns = ("name",)
    optional_columns = ()
    options_help: dict[str, str] = {}
    tables = ("organisations", "schemes", "scheme_documents", "scheme_field_sources")

    # -- reading: one row per name -----------------------------------------------------

    def open(self, path: Path) -> RawTable:
        document = load_json(path)
        items = document.get(LIST) if isinstance(document, dict) else None
        if not isinstance(items, list):
            found = ("its lists: " + (", ".join(k for k, v in document.items()
                                                if isinstance(v, list)) or "none")
                     if isinstance(document, dict) else "it is not a JSON object")
            raise FileError(path, f"has no list '{LIST}' of scheme names ({found})",
                            'Give the CNC\'s list: {"aids": ["Aide au parcours d\'auteur", …]}.',
                            code="no-records")
        self._declared = document.get("totalAids")
        self._listed = len(items)
        self._fetched = document.get("fetchedAt")
        self._not_text: set[str] = set()
        self._first: dict[str, str] = {}  # path -> the path of the first same name
        seen: dict[str, str] = {}
        rows: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            where = f"$.{LIST}[{index}]"
            key = name_key(item) if isinstance(item, str) else ""
            if item is not None and not isinstance(item, str) or (
                    isinstance(item, str) and item.strip() and not key):
                self._not_text.add(where)  # not text, or text naming nothing ('-', '?')
            if key:
                self._first[where] = seen.setdefault(key, where)
            rows.append({"name": item})
        # The names as records, so every name is a row named by its place in the file.
        return open_json(path, records=(LIST,), document={**document, LIST: rows})

    # -- parse --------------------------------------------------------------------------

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        where = pl.col(PATH)
        first = where.replace_strict(self._first, default=None, return_dtype=pl.Utf8)
        p = RowParser(raw)
        text = values.text(p.raw(ctx.column("name")), required=True)
        duplicate = first.is_not_null() & (first != where)
        truncated = text.value.map_elements(probably_truncated, return_dtype=pl.Boolean)
        code = (pl.when(where.is_in(list(self._not_text))).then(pl.lit("not-a-name"))
                .when(text.value.is_null()).then(pl.lit("required"))
                .when(duplicate).then(pl.lit("duplicate-name"))
                .when(truncated).then(pl.lit("truncated-name")))
        detail = (pl.when(duplicate).then(pl.concat_str([pl.lit("listed first at "), first]))
                  .when(truncated).then(pl.concat_str([text.value.str.len_chars().cast(pl.Utf8),
                                                       pl.lit(" characters")])))
        p.add("name", ctx.column("name"), Parsed(
            text.value, code, {"not-a-name": ERROR, "required": ERROR, "duplicate-name": ERROR,
                               "truncated-name": WARNING}, text.stages, detail))
        p.add_value("locator", where)
        typed, problems = p.finish()
        return typed, at_path(problems, raw)

    # -- emit --------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW)
        funder_id = cnc_funder_id(ctx)
        key = rows["name"].map_elements(name_key, return_dtype=pl.Utf8)
        schemes = rows.select(
            ctx.entity_id("scheme", key).alias("scheme_id"), pl.lit(funder_id).alias("funder_id"),
            "name", key.alias("name_key"), pl.lit(None, pl.Utf8).alias("stage"),
            pl.lit("national").alias("level"), "locator")
        documents = schemes.select(
            "scheme_id", pl.lit("award_list").alias("kind"), pl.lit(RESULTS_TITLE).alias("title"),
            pl.lit(RESULTS_PAGE).alias("url"), pl.lit(None, pl.Int32).alias("published_from"))
        schemes, sources = name_fields(schemes)
        documents_sources = rows.select(
            ctx.entity_id("scheme", key).alias("scheme_id"), pl.lit("documents").alias("field"),
            "locator", pl.lit("published").alias("rule"))
        return {"organisations": funder_frame(funder_id), "schemes": schemes,
                "scheme_documents": documents,
                "scheme_field_sources": pl.concat([sources, documents_sources])}

    def finish(self, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        if isinstance(self._fetched, str):
            ctx.figures["fetched_at"] = self._fetched
        declared = self._declared
        if isinstance(declared, int) and declared != self._listed:
            ctx.problems.append(Problem(
                1, "totalAids", "count-mismatch", WARNING,
                f"totalAids says {declared} schemes, the list {LIST} holds {self._listed}. "
                "Check that the file is complete.", str(declared)))
        return {}

