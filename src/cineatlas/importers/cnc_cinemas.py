"""CNC cinemas: « Les établissements cinématographiques », one row per active cinema of a year.

The CNC (Centre national du cinéma et de l'image animée) publishes every year the list of the
cinemas active in France with their screens, seats, shows, admissions of the year and of the
year before, Art et Essai classification and labels, and their position. The year is read from
the admissions column label ('entrées 2022'), so the file of any year imports the same way.

A cinema is linked to its commune (an arrondissement in Paris, Lyon, Marseille) by its INSEE
code, else by its commune name within its département; a cinema that cannot be linked is loaded
with a warning, never dropped. See docs/importers/cnc-cinemas.md.
"""

from __future__ import annotations

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.french_places import (
    column,
    coordinates,
    duplicate_references,
    evaluate,
    find_within,
    insee_code,
    locate,
)
from cineatlas.parsing import RowParser, values
from cineatlas.parsing.values import NULL_TEXT, Parsed, Stages, blank
from cineatlas.privacy import strip_contacts
from cineatlas.problems import ERROR, WARNING, Problem, Severity, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.text import name_key

problem_type("number-too-large", "Number too large to store",
             "No cinema counts that many: the row is set aside. Check the cell (a code or a "
             "figure pasted into the wrong column?) and correct it.")
problem_type("inconsistent-art-et-essai", "Art et Essai fields disagree",
             "The cinema is not classified Art et Essai but has a category or labels: check the "
             "AE column, the category and the labels.")

NAME, REFERENCE, ADDRESS = "nom", "N° auto", "adresse"
INSEE, COMMUNE, DEPARTMENT = "code INSEE", "commune", "DEP"
SCREENS, SEATS, WEEKS, SHOWS = "écrans", "fauteuils", "semaines d'activité", "séances"
AE, AE_CATEGORY, AE_LABELS = "AE", "catégorie Art et Essai", "label Art et Essai"
KIND, MULTIPLEX, PROGRAMMER, URBAN_UNIT = "genre", "multiplexe", "programmateur", "unité urbaine"
LATITUDE, LONGITUDE, GEOLOCATION = "latitude", "longitude", "geolocalisation"
#: Keys of ctx.columns for the admissions columns, whose labels carry the year.
ADMISSIONS, ADMISSIONS_PREVIOUS = "entrées (year)", "entrées (previous year)"

AE_CATEGORIES = ("A", "B", "C", "D", "E")
#: Art et Essai labels, in the order they are stored.
AE_LABEL_CODES = ("RD", "JP", "PR")


#: The largest value of the store's INTEGER columns (screens, seats, weeks, shows).
INT32_MAX = 2**31 - 1


def count(raw: pl.Expr, *, invalid: Severity = WARNING, maximum: int | None = None,
          storable: int | None = INT32_MAX) -> Parsed:
    """A published count (whole number, '4.0' accepted). Negative or beyond `maximum`: NULL
    with a warning. Beyond what its column can hold (`storable`; None for a BIGINT column,
    which holds any whole number the parser reads): an error ('number-too-large'), the row
    set aside, the message saying what is accepted."""
    parsed = values.integer(raw, minimum=0, maximum=maximum, invalid=invalid)
    value = (pl.when(parsed.code == "out-of-range").then(pl.lit(None, dtype=pl.Int64))
             .otherwise(parsed.value))
    if storable is None:
        return Parsed(value, parsed.code, parsed.severities, parsed.stages)
    too_large = parsed.value > storable
    # written with spaces: a bare run of ten digits reads as a phone number and is scrubbed
    highest = f"{maximum if maximum else storable:,}".replace(",", " ")
    accepted = f"accepted: a whole number from 0 to {highest}"
    return Parsed(
        pl.when(too_large).then(pl.lit(None, dtype=pl.Int64)).otherwise(value),
        pl.when(too_large).then(pl.lit("number-too-large")).otherwise(parsed.code),
        {**parsed.severities, "number-too-large": ERROR}, parsed.stages,
        pl.when(too_large).then(pl.lit(accepted)).otherwise(parsed.detail),
    )


# -- the importer ------------------------------------------------------------------------------

class CncCinemasImporter(Importer):
    name = "cnc-cinemas"
    title = "CNC — Les établissements cinématographiques"
    description = ("Every active cinema in France in a year (CNC): screens, seats, shows, "
                   "admissions, Art et Essai classification and labels, commune and position.")
    publisher = "CNC (Centre national du cinéma et de l'image animée)"
    licence = "Licence Ouverte / Open Licence (Etalab)"
    url = ("https://data.culture.gouv.fr/api/explore/v2.1/catalog/datasets/"
           "etablissements-cinematographiques/exports/csv?lang=fr&use_labels=true&delimiter=%3B")
    required_columns = (NAME, INSEE, SCREENS)
    optional_columns = (REFERENCE, ADDRESS, COMMUNE, DEPARTMENT, SEATS, WEEKS, SHOWS, AE,
                        AE_CATEGORY, AE_LABELS, KIND, MULTIPLEX, PROGRAMMER, URBAN_UNIT,
                        LATITUDE, LONGITUDE, GEOLOCATION)
    tables = ("venues",)

    def begin(self, ctx: ImportContext) -> None:
        self._references: set[str] = set()

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        """Also find the admissions columns: 'entrées YYYY' (the year) and 'entrées YYYY-1'."""
        found, problems = super().resolve_columns(table)
        by_year: dict[int, str] = {}
        for label in table.columns:
            key = name_key(label)
            if key.startswith("entrees ") and key[8:].isdigit() and len(key) == 12:
                by_year.setdefault(int(key[8:]), label)
        if not by_year:
            raise FileError(
                table.path,
                "has no admissions column 'entrées YYYY' (found: "
                f"{', '.join(map(repr, table.labels[:30]))})",
                "Check that this is a CNC « établissements cinématographiques » file; the "
                "admissions column is labelled with its year, e.g. 'entrées 2022'.",
                code="missing-column",
            )
        year = max(by_year)
        found[ADMISSIONS] = by_year[year]
        if year - 1 in by_year:
            found[ADMISSIONS_PREVIOUS] = by_year[year - 1]
        return found, problems

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        col = ctx.column
        raw, text_problems = strip_contacts(raw, (col(label) for label in (
            NAME, ADDRESS, COMMUNE, PROGRAMMER, URBAN_UNIT)))
        raw, code_problems = strip_contacts(raw, (col(label) for label in (
            REFERENCE, INSEE, DEPARTMENT, SCREENS, SEATS, WEEKS, SHOWS, ADMISSIONS,
            ADMISSIONS_PREVIOUS, AE, AE_CATEGORY, AE_LABELS, KIND, MULTIPLEX, LATITUDE,
            LONGITUDE, GEOLOCATION)), phones=False)
        raw, place_problems_ = self._place(raw, ctx)
        raw, lat_raw, lon_raw, position_field = _position_columns(raw, ctx)
        p = RowParser(raw)
        p.add_problems(text_problems)
        p.add_problems(code_problems)
        p.add_problems(duplicate_references(raw, col(REFERENCE), self._references))
        p.add("reference", col(REFERENCE), values.pattern(
            p.raw(col(REFERENCE)).str.replace(r"\.0+$", ""), r"^[0-9A-Za-z._/-]{1,40}$",
            required=col(REFERENCE) is not None, missing=WARNING))
        p.add("name", col(NAME), values.text(p.raw(col(NAME)), required=True))
        p.add("address", col(ADDRESS), values.text(p.raw(col(ADDRESS))))
        p.add_value("territory_id", pl.col("__territory"))
        p.add_problems(place_problems_)
        year = int(name_key(col(ADMISSIONS))[-4:])  # type: ignore[index]
        p.add_value("year", pl.lit(year, dtype=pl.Int32))
        p.add("screens", col(SCREENS), count(p.raw(col(SCREENS)), invalid=ERROR))
        p.add("seats", col(SEATS), count(p.raw(col(SEATS))))
        p.add("weeks_active", col(WEEKS), count(p.raw(col(WEEKS)), maximum=53))
        p.add("shows", col(SHOWS), count(p.raw(col(SHOWS))))
        # admissions are BIGINT: any whole number the parser reads (18 digits) is stored
        p.add("admissions", col(ADMISSIONS), count(p.raw(col(ADMISSIONS)), invalid=ERROR,
                                                   storable=None))
        p.add("admissions_previous", col(ADMISSIONS_PREVIOUS),
              count(p.raw(col(ADMISSIONS_PREVIOUS)), storable=None))
        category = _ae_category(p.raw(col(AE_CATEGORY)))
        labels = _ae_labels(p.raw(col(AE_LABELS)), published=col(AE_LABELS) is not None)
        p.add("ae_category", col(AE_CATEGORY), category)
        p.add("ae_labels", col(AE_LABELS), labels)
        p.add("art_et_essai", col(AE), _art_et_essai(p.raw(col(AE)), category, labels))
        p.add("multiplex", col(MULTIPLEX), values.boolean(p.raw(col(MULTIPLEX))))
        kind = values.enum(p.raw(col(KIND)), {"itinerant": "itinerant", "itinérant": "itinerant",
                                              "fixe": "fixed", "saisonnier": "fixed"})
        p.add("itinerant", col(KIND), Parsed(kind.value == "itinerant", kind.code,
                                             kind.severities, kind.stages))
        p.add("programmer", col(PROGRAMMER), values.text(p.raw(col(PROGRAMMER))))
        p.add("urban_unit", col(URBAN_UNIT), values.text(p.raw(col(URBAN_UNIT))))
        latitude, longitude = coordinates(p.raw(lat_raw), p.raw(lon_raw))
        p.add("latitude", position_field, latitude)
        p.add_value("longitude", longitude)
        return p.finish()

    def _place(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The commune of each row ('__territory'), by INSEE code, else by name within the
        département; and its problems."""
        code = evaluate(raw, insee_code(column(raw, ctx.column(INSEE))))
        names = raw.select(column(raw, ctx.column(COMMUNE))).to_series()
        fallback = raw.select(_name_within(raw, ctx)).to_series()
        shown = raw.select(pl.concat_str(
            [column(raw, ctx.column(c)).fill_null("") for c in (INSEE, COMMUNE, DEPARTMENT)],
            separator=" ").str.strip_chars()).to_series()
        places, problems = locate(ctx, raw.get_column(ROW), code, names, fallback,
                                  find_within(ctx.geocoder), shown, ctx.column(INSEE) or INSEE)
        return raw.with_columns(places.get_column("territory").alias("__territory")), problems

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        venues = rows.select(
            (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("venue_id"),
            pl.col(ROW).alias("row_number"),
            "reference", "name", "address", "territory_id", "year", "screens", "seats",
            "weeks_active", "shows", "admissions", "admissions_previous", "art_et_essai",
            "ae_category", "ae_labels", "multiplex", "itinerant", "programmer", "urban_unit",
            "latitude", "longitude",
        )
        return {"venues": venues}


def _name_within(raw: pl.DataFrame, ctx: ImportContext) -> pl.Expr:
    """'commune name|FR-D<DEP>' keys for the name fallback (null without a name)."""
    name = column(raw, ctx.column(COMMUNE)).str.strip_chars()
    dep = column(raw, ctx.column(DEPARTMENT)).str.strip_chars().str.to_uppercase()
    dep = pl.when(dep.str.contains(r"^\d$")).then(pl.lit("0") + dep).otherwise(dep)
    return pl.when(blank(name)).then(NULL_TEXT).otherwise(
        pl.concat_str([name, pl.lit("|"), pl.when(blank(dep)).then(pl.lit(""))
                       .otherwise(pl.lit("FR-D") + dep)]))


def _position_columns(raw: pl.DataFrame, ctx: ImportContext,
                      ) -> tuple[pl.DataFrame, str | None, str | None, str | None]:
    """The latitude and longitude text columns, from 'latitude'/'longitude' or else from the
    'geolocalisation' pair "lat, lon"; and the field name problems are reported under."""
    lat, lon = ctx.column(LATITUDE), ctx.column(LONGITUDE)
    if lat is not None and lon is not None:
        field = f"{lat}, {lon}"
        pair = pl.concat_str([pl.col(lat).fill_null(""), pl.col(lon).fill_null("")], separator=", ")
    elif ctx.column(GEOLOCATION) is not None:
        field = ctx.column(GEOLOCATION)
        pair = pl.col(field)  # type: ignore[arg-type]
    else:
        return raw, None, None, None
    frame = raw.with_columns(
        pair.alias(field),  # type: ignore[arg-type]
        pair.str.extract(r"^([^,]*),", 1).alias("__lat"),
        pair.str.extract(r",([^,]*)$", 1).alias("__lon"),
    )
    return frame, "__lat", "__lon", field


def _ae_category(raw: pl.Expr) -> Parsed:
    """Art et Essai category A–E; 'NON' (not classified) and blanks are NULL."""
    key = raw.str.strip_chars().str.to_uppercase()
    value = pl.when(key.is_in(list(AE_CATEGORIES))).then(key).otherwise(NULL_TEXT)
    code = (pl.when(blank(key) | key.is_in(["NON", "N", "-", "0"]) | value.is_not_null())
            .then(NULL_TEXT).otherwise(pl.lit("enum")))
    return Parsed(value, code, {"enum": WARNING})


def _ae_labels(raw: pl.Expr, *, published: bool) -> Parsed:
    """Art et Essai labels written together ('RDJPPR') or separated: a list in the order
    RD, JP, PR; an empty cell is an empty list (NULL only when the file has no label column)."""
    if not published:
        return Parsed(pl.lit(None, dtype=pl.List(pl.Utf8)), NULL_TEXT)
    st = Stages()
    text = st.then(raw.fill_null("").str.to_uppercase().str.replace_all(r"\s", ""))
    tokens = st.then(text.str.extract_all(r"RD|JP|PR"))
    value = pl.concat_list([
        pl.when(tokens.list.contains(pl.lit(t))).then(pl.lit(t)).otherwise(NULL_TEXT)
        for t in AE_LABEL_CODES
    ]).list.drop_nulls()
    rest = text.str.replace_all(r"RD|JP|PR|[,;/+&-]|ET", "")
    code = pl.when(rest != "").then(pl.lit("unknown-value")).otherwise(NULL_TEXT)
    return Parsed(value, code, {"unknown-value": WARNING}, st.stages)


def _art_et_essai(raw: pl.Expr, category: Parsed, labels: Parsed) -> Parsed:
    """Classified Art et Essai: the AE column (OUI/NON, or 'AE'), else implied by a category."""
    flag = values.boolean(raw, true_values=("oui", "o", "yes", "true", "vrai", "1", "x", "ae"),
                          false_values=("non", "n", "no", "false", "faux", "0"))
    value = pl.coalesce(flag.value, pl.when(category.value.is_not_null()).then(pl.lit(True)))
    inconsistent = (value.not_() & (category.value.is_not_null()
                                    | (labels.value.list.len().fill_null(0) > 0))).fill_null(False)
    code = pl.coalesce(flag.code, pl.when(inconsistent).then(pl.lit("inconsistent-art-et-essai")))
    return Parsed(value, code, {**flag.severities, "inconsistent-art-et-essai": WARNING})
