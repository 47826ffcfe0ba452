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

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import polars as pl

from cineatlas.errors import FileError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.parsing import RowParser, map_unique, problem_rows, values
from cineatlas.parsing.values import NULL_TEXT, Parsed, Stages, blank
from cineatlas.privacy import EMAIL, EMAIL_MARK, PHONE_MARK, scrub
from cineatlas.problems import ERROR, WARNING, Problem, Severity, empty_problems, problem_type
from cineatlas.reading import ROW, RawTable
from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.territories.geocode import Geocoder

problem_type("territory-by-name", "Commune found by its name, not by its code",
             "The code is missing or unknown, or designates another commune than the commune "
             "named (and its postal code); the commune was found from its name: correct the code.")
problem_type("former-commune-code", "Code of a former commune",
             "The commune has merged into another since; the row was linked to the commune it "
             "joined. Use the current INSEE code.")
problem_type("code-name-mismatch", "Code and commune name disagree",
             "The INSEE code is that of another commune of the département than the one named; "
             "nothing else confirming the name, the row was linked to the code's commune: check "
             "both.")
problem_type("padded-code", "Code lost its leading zero",
             "The code was read with its leading zero restored (01053, not 1053): keep codes as "
             "text, not numbers, in the spreadsheet.")
problem_type("coordinates-outside-france", "Position outside France",
             "The point is neither in metropolitan France nor overseas: check the latitude and "
             "longitude (decimal degrees, WGS 84). The position was left empty.")
problem_type("swapped-coordinates", "Latitude and longitude swapped",
             "The point only falls in France with latitude and longitude exchanged; it was read "
             "that way round. Write the latitude first.")
problem_type("incomplete-coordinates", "Half a position",
             "Give both the latitude and the longitude (decimal degrees); the position was "
             "left empty.")
problem_type("territory-not-in-reference", "Place outside the reference communes",
             "The place is in an overseas collectivity (French Polynesia, New Caledonia…) whose "
             "communes are not among the reference territories; the row is linked to the "
             "collectivity as a whole when the reference has it, else loaded without a territory.")
problem_type("duplicate-reference", "Identifier used by several rows",
             "Each row should have its own identifier; all rows were loaded, but they may "
             "describe the same place or event twice.")
problem_type("inconsistent-art-et-essai", "Art et Essai fields disagree",
             "The cinema is not classified Art et Essai but has a category or labels: check the "
             "AE column, the category and the labels.")

#: Where a point may lie: (lat_min, lat_max, lon_min, lon_max) of metropolitan France with
#: Corsica, the overseas départements and the overseas collectivities (generous boxes).
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "metropolitan France": (41.2, 51.2, -5.3, 9.7),
    "Guadeloupe, Saint-Martin, Saint-Barthélemy": (15.8, 18.2, -63.2, -60.9),
    "Martinique": (14.3, 15.0, -61.3, -60.7),
    "Guyane": (2.0, 6.0, -54.7, -51.5),
    "La Réunion": (-21.5, -20.8, 55.1, 56.0),
    "Mayotte": (-13.1, -12.5, 44.9, 45.4),
    "Saint-Pierre-et-Miquelon": (46.7, 47.2, -56.5, -56.0),
    "Polynésie française": (-28.0, -7.0, -155.0, -134.0),
    "Nouvelle-Calédonie": (-23.0, -19.0, 163.0, 169.0),
    "Wallis-et-Futuna": (-14.5, -13.0, -178.3, -176.0),
}

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


# -- helpers shared with the festivals importer ------------------------------------------------

#: E-mail addresses typed with stray spaces ('jean.dupont @orange.fr'), which privacy.EMAIL
#: does not catch.
LOOSE_EMAIL = r"[A-Za-z0-9._%+\-]+ ?@ ?[A-Za-z0-9\-]+( ?\. ?[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"


def column(frame: pl.DataFrame, name: str | None) -> pl.Expr:
    """A frame column by name, or an all-null text column when absent."""
    return pl.col(name) if name is not None and name in frame.columns else NULL_TEXT


def strip_contacts(raw: pl.DataFrame, columns: Iterable[str | None], *,
                   phones: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Remove e-mail addresses (and phone numbers unless `phones` is False: for columns of
    numbers and codes, where a long number is not a phone) from columns of a raw batch.

    Returns the cleaned frame and one `private-data` warning per cell that held contact data
    (its value shows the cell with the contact replaced by a mark, never the contact itself).
    Problems quote raw cells and the import report is stored as it is: cleaning the cells
    before parsing keeps contact data out of the report as well as out of the tables.
    """
    present = [c for c in dict.fromkeys(columns) if c is not None and c in raw.columns]
    if not present:
        return raw, empty_problems()
    marks = {c: f"__scrubbed{i}" for i, c in enumerate(present)}
    frame = raw.with_columns(
        (scrub(pl.col(c)) if phones else pl.col(c).str.replace_all(EMAIL, EMAIL_MARK))
        .str.replace_all(LOOSE_EMAIL, EMAIL_MARK).alias(m)
        for c, m in marks.items())
    changed = {c: (pl.col(m) != pl.col(c)).fill_null(False) for c, m in marks.items()}
    problems = []
    for c, m in marks.items():
        hit = frame.filter(changed[c])
        if hit.height:
            problems.append(problem_rows(
                hit.select(pl.col(ROW).alias("row"), pl.lit("private-data").alias("code"),
                           pl.col(m).alias("value")),
                c, {"private-data": WARNING}))
    if not problems:
        return raw, empty_problems()
    cleaned = frame.with_columns(
        pl.when(changed[c]).then(_remove_marks(pl.col(m))).otherwise(pl.col(c)).alias(c)
        for c, m in marks.items()
    ).drop(list(marks.values()))
    return cleaned, pl.concat(problems)


_CONTACT_WORD = r"(?i)\b(mailto|e-mail|email|mail|courriel|contact|t[ée]l[ée]phone|t[ée]l)\s*:"


def _remove_marks(text: pl.Expr) -> pl.Expr:
    """The text without the contact marks and the words, brackets and separators they leave."""
    bare = (text.str.replace_all(EMAIL_MARK, "", literal=True)
            .str.replace_all(PHONE_MARK, "", literal=True)
            .str.replace_all(_CONTACT_WORD, "")
            .str.replace_all(r"\(\s*\)|\[\s*\]|<\s*>", "")
            .str.replace_all(r"\s+", " ").str.strip_chars(" ,;:/-–"))
    return pl.when(bare == "").then(NULL_TEXT).otherwise(bare)


def coordinates(lat_raw: pl.Expr, lon_raw: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """Latitude and longitude in decimal degrees, checked to lie in France (overseas included).

    Returns the latitude (a Parsed carrying the problems of the pair) and the longitude
    expression. A point outside France, or with one coordinate only, is left empty (warning);
    a pair that only falls in France when exchanged is exchanged (warning).
    """
    st = Stages()
    lat_text, lon_text = st.then(lat_raw.str.strip_chars(), lon_raw.str.strip_chars())
    lat, lon = st.then(_degrees(lat_text), _degrees(lon_text))
    has_lat, has_lon = ~blank(lat_text), ~blank(lon_text)
    numeric = lat.is_not_null() & lon.is_not_null()
    inside, swapped = st.then(_in_france(lat, lon), _in_france(lon, lat))
    ok, flip = st.then(numeric & inside, numeric & ~inside & swapped)
    code = (pl.when(~has_lat & ~has_lon).then(NULL_TEXT)
            .when(has_lat != has_lon).then(pl.lit("incomplete-coordinates"))
            .when(~numeric).then(pl.lit("invalid-number"))
            .when(ok).then(NULL_TEXT)
            .when(flip).then(pl.lit("swapped-coordinates"))
            .otherwise(pl.lit("coordinates-outside-france")))
    null = pl.lit(None, dtype=pl.Float64)
    latitude = pl.when(ok).then(lat).when(flip).then(lon).otherwise(null)
    longitude = pl.when(ok).then(lon).when(flip).then(lat).otherwise(null)
    severities = {"incomplete-coordinates": WARNING, "invalid-number": WARNING,
                  "swapped-coordinates": WARNING, "coordinates-outside-france": WARNING}
    return Parsed(latitude, code, severities, st.stages), longitude


def duplicate_references(raw: pl.DataFrame, reference: str | None, seen: set[str]) -> pl.DataFrame:
    """A `duplicate-reference` warning for every row whose identifier another row of the file
    has (`seen`: the identifiers of the earlier batches, updated)."""
    if reference is None:
        return empty_problems()
    refs = raw.select(pl.col(ROW).alias("row"),
                      pl.col(reference).str.replace_all(r"\s", "").alias("value")
                      ).filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
    earlier = pl.Series(sorted(seen), dtype=pl.Utf8).implode()
    dup = refs.filter(pl.col("value").is_duplicated() | pl.col("value").is_in(earlier))
    seen.update(refs.get_column("value").to_list())
    return problem_rows(dup.with_columns(pl.lit("duplicate-reference").alias("code")),
                        reference, {"duplicate-reference": WARNING})


def _degrees(text: pl.Expr) -> pl.Expr:
    value = text.str.replace(r"^\+", "").cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(pl.lit(None, dtype=pl.Float64))


def _in_france(lat: pl.Expr, lon: pl.Expr) -> pl.Expr:
    return pl.any_horizontal([
        lat.is_between(lat_min, lat_max) & lon.is_between(lon_min, lon_max)
        for lat_min, lat_max, lon_min, lon_max in FRANCE_BOXES.values()
    ]).fill_null(False)


def insee_code(raw: pl.Expr) -> Parsed:
    """A French commune code as text: '1053' and '1053.0' (a code read as a number) become
    '01053' with a `padded-code` warning; spreadsheet errors ('#N/A') are empty."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.to_uppercase().str.replace(r"\.0+$", ""))
    short = text.str.contains(r"^\d{4}$")
    usable = text.str.contains(r"^(\d{5}|2[AB]\d{3}|\d{4})$")
    value = (pl.when(short).then(pl.lit("0") + text)
             .when(usable).then(text).otherwise(NULL_TEXT))
    code = (pl.when(blank(text) | text.str.starts_with("#")).then(NULL_TEXT)
            .when(short).then(pl.lit("padded-code"))
            .when(~usable).then(pl.lit("pattern")).otherwise(NULL_TEXT))
    return Parsed(value, code, {"padded-code": WARNING, "pattern": WARNING}, st.stages)


def lookup(keys: pl.Series, find: Callable[[str], str | None]) -> pl.Series:
    """Resolve each distinct non-empty key once (keys repeat: communes, names)."""
    return map_unique(keys, lambda k: find(k) if k else None, pl.Utf8)


def evaluate(frame: pl.DataFrame, parsed: Parsed) -> pl.DataFrame:
    """Evaluate a Parsed now (value, code), for values needed before RowParser.finish()."""
    for stage in parsed.stages:
        frame = frame.with_columns(stage)
    return frame.select(parsed.value.alias("value"), parsed.code.alias("code"))


def count(raw: pl.Expr, *, invalid: Severity = WARNING, maximum: int | None = None) -> Parsed:
    """A published count (whole number, '4.0' accepted). Negative or beyond `maximum`: NULL."""
    parsed = values.integer(raw, minimum=0, maximum=maximum, invalid=invalid)
    value = (pl.when(parsed.code == "out-of-range").then(pl.lit(None, dtype=pl.Int64))
             .otherwise(parsed.value))
    return Parsed(value, parsed.code, parsed.severities, parsed.stages)


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
        for column in table.columns:
            key = name_key(column)
            if key.startswith("entrees ") and key[8:].isdigit() and len(key) == 12:
                by_year.setdefault(int(key[8:]), column)
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
        p.add("admissions", col(ADMISSIONS), count(p.raw(col(ADMISSIONS)), invalid=ERROR))
        p.add("admissions_previous", col(ADMISSIONS_PREVIOUS),
              count(p.raw(col(ADMISSIONS_PREVIOUS))))
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
                                  _find_within(ctx.geocoder), shown, ctx.column(INSEE) or INSEE)
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


#: Problems a place can have, all warnings: the row loads, without a territory if need be.
PLACE_SEVERITIES: dict[str, Severity] = {
    "padded-code": WARNING, "pattern": WARNING, "territory-by-name": WARNING,
    "former-commune-code": WARNING, "code-name-mismatch": WARNING,
    "unknown-territory": WARNING, "territory-not-in-reference": WARNING}

#: Arrondissement code prefixes of Paris, Lyon, Marseille -> the city's territory.
_PLM = (("FR-C751", "FR-C75056"), ("FR-C6938", "FR-C69123"), ("FR-C132", "FR-C13055"))


def locate(ctx: ImportContext, rows: pl.Series, code: pl.DataFrame, names: pl.Series,
           fallback: pl.Series, find: Callable[[str], str | None], shown: pl.Series,
           field: str, *, confirm: Callable[[str], str | None] | None = None,
           outside: pl.Series | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The commune of each row, and its problems.

    `code` is `insee_code` evaluated (value, code); `names` the published commune names;
    `fallback` the keys `find` resolves when the code does not (name and département, postal
    code and name…); `shown` the text quoted in problems, under `field`; `confirm` resolves
    a `fallback` key to the commune another published field designates (the postal code),
    asked only where the code and the name disagree; `outside`, for
    rows in places whose communes the reference territories do not cover, the place's
    ISO 3166 code: such a row is linked to that territory when the reference has it.

    The code wins, unless its commune differs from the one its name designates (looked up in
    the code's département) and the code is a former commune's, or the other field agrees
    with the name: then the name wins. Returns a frame (territory, code_territory: the
    commune of the code when the name won, else null) and the problems.
    """
    geocoder = ctx.geocoder
    codes = code.get_column("value")
    by_code = lookup(codes, geocoder.commune)
    department = map_unique(by_code, lambda t: getattr(geocoder.rows.get(t), "parent_id", None),
                            pl.Utf8)
    keys = pl.select(pl.when(names.is_not_null() & department.is_not_null()).then(
        pl.concat_str([names.str.strip_chars(), pl.lit("|"), department]))).to_series()
    named = lookup(keys, _find_within(geocoder))
    n = len(rows)
    outside = outside if outside is not None else pl.repeat(None, n, dtype=pl.Utf8, eager=True)
    known = {iso: iso if iso in geocoder.rows else "" for iso in outside.drop_nulls().unique()}
    frame = pl.DataFrame({
        "row": rows, "code_value": codes, "problem": code.get_column("code"), "by_code": by_code,
        "named": named, "value": shown,
        "outside": outside.replace_strict(known, default=None, return_dtype=pl.Utf8)})
    frame = frame.with_columns(
        (pl.col("by_code") != pl.lit("FR-C") + pl.col("code_value")).alias("former"),
        (_city(pl.col("named")) != _city(pl.col("by_code"))).fill_null(False).alias("differs"))
    confirmed = pl.Series("confirm", [None] * n, dtype=pl.Utf8)
    ask = frame.get_column("differs") & fallback.is_not_null()
    if confirm is not None and ask.any():
        confirmed = confirmed.scatter(ask.arg_true(), lookup(fallback.filter(ask), confirm))
    frame = frame.with_columns(confirmed).with_columns(
        (_city(pl.col("confirm")) == _city(pl.col("named"))).fill_null(False).alias("confirmed"))
    overridden = pl.col("differs") & (pl.col("former") | pl.col("confirmed"))
    frame = frame.with_columns(
        overridden.alias("overridden"),
        pl.when(overridden & pl.col("confirmed")).then(pl.col("confirm"))
        .when(overridden).then(pl.col("named")).otherwise(pl.col("by_code")).alias("territory"))
    need = frame.get_column("territory").is_null() & fallback.is_not_null()
    found = pl.Series("found", [None] * n, dtype=pl.Utf8)
    if need.any():
        found = found.scatter(need.arg_true(), lookup(fallback.filter(need), find))
    frame = frame.with_columns(
        found.is_not_null().alias("by_fallback"),
        pl.coalesce("territory", found, pl.when(pl.col("outside") != "").then("outside"))
        .alias("territory"))
    missing = pl.col("territory").is_null()
    in_collectivity = pl.col("outside").is_not_null() & (
        missing | (pl.col("territory") == pl.col("outside")))
    problems = frame.select(
        "row", "value",
        pl.when(in_collectivity).then(pl.lit("territory-not-in-reference"))
        .when(missing & (pl.col("problem") == "pattern")).then(pl.lit("pattern"))
        .when(missing).then(pl.lit("unknown-territory"))
        .when(pl.col("by_fallback") | pl.col("overridden")).then(pl.lit("territory-by-name"))
        .when(pl.col("former")).then(pl.lit("former-commune-code"))
        .when(pl.col("differs")).then(pl.lit("code-name-mismatch"))
        .otherwise(pl.col("problem")).alias("code"),
    ).filter(pl.col("code").is_not_null())
    places = frame.select("territory", pl.when(pl.col("overridden")).then(pl.col("by_code"))
                          .alias("code_territory"))
    return places, problem_rows(problems.select("row", "code", "value"), field, PLACE_SEVERITIES)


def _city(territory: pl.Expr) -> pl.Expr:
    """A commune's territory, with the arrondissements of Paris, Lyon, Marseille as the city."""
    out = territory
    for prefix, city in _PLM:
        out = pl.when(territory.str.starts_with(prefix)).then(pl.lit(city)).otherwise(out)
    return out


def _find_within(geocoder: Geocoder) -> Callable[[str], str | None]:
    """Resolve 'name|department id' keys: the commune of that name in that département."""
    def find(key: str) -> str | None:
        name, _, within = key.partition("|")
        return geocoder.city(name, country="FR", within=within or None)
    return find


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
