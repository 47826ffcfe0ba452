"""Telefilm Canada: proactive disclosure of contributions (one row per funding decision).

    cineatlas import telefilm telefilm-contributions-2009-2018.csv

Columns: Period, Quarter, Recipient Name, City, Province, Country, Title, Language, Genre, Date,
Final Value, Original Value, Type, Purpose, Comments. Each row becomes one `awards` row (CAD),
linked to the beneficiary (`organisations`), the programme (`schemes`, one per Purpose), the
work when the programme concerns one (`works`, one per folded title) and the funder, one
`organisations` row 'Telefilm Canada'. The rules and their limits are in docs/importers/telefilm.md.

Telefilm's vocabularies drift from year to year (genre labels, spellings of the aid type,
truncated provinces and cities, French labels): every label is normalised through a key that
ignores case, accents, punctuation and spacing, and what is not recognised loads with a warning.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl

from cineatlas.importers.amendments import Row, amendment_note, link_amendments, named_dates
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.organisations import organisation_kind
from cineatlas.importers.scheme_names import name_fields
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.problems import WARNING, Problem, problem_type
from cineatlas.reading import ROW
from cineatlas.text import clean, fold, name_key

FUNDER_NAME = "Telefilm Canada"
CURRENCY = "CAD"

problem_type("amount-not-published", "Amount not published",
             "The cell is empty: the amount is stored as unknown (NULL). "
             "Fill it in if it is known.")
problem_type("unknown-purpose", "Programme not recognised",
             "The award is loaded without a stage. Add the programme to the telefilm importer's "
             "stage table (docs/importers/telefilm.md) if it is legitimate.")
problem_type("province-not-given", "Province not given",
             "Telefilm writes 0 or nothing where the place is unknown; the award is loaded without "
             "a place. Write the province or state (and the country outside Canada).")
problem_type("territory-mismatch", "Province and country disagree",
             "The province or state lies in another country than the one given; only the country "
             "was kept. Correct one of the two.")
problem_type("invalid-fiscal-period", "Not a fiscal period",
             "Write the fiscal year as YYYY-YYYY (e.g. 2009-2010, from 1 April to 31 March); the "
             "fiscal year was taken from the date instead.")
problem_type("amended-contract-not-found", "Amended contract not found",
             "Comments says the row amends a contract signed on this date, but no earlier row of "
             "the same recipient and title has that date (the contract may predate the files "
             "imported): the row is counted as a contract of its own. Import the file that holds "
             "the contract, or check the spellings of recipient and title.")
problem_type("ambiguous-amendment", "Amendment of which contract?",
             "Comments names a signing date on which the recipient signed several contracts for "
             "this title (same programme, same original value): the row is counted as a contract "
             "of its own. Check which contract it amends.")
problem_type("amendment-date-not-read", "Amendment without a date",
             "Comments says the row is an amendment but names no date that can be read (write "
             "it as 21-OCT-08 or 2008-10-21): the row is counted as a contract of its own.")
problem_type("date-outside-period", "Date outside the fiscal period",
             "The date does not fall between 1 April and 31 March of the fiscal period given; "
             "both were loaded as published. Check the period or the date.")


# -- vocabularies -------------------------------------------------------------------------

#: Values that mean "not given" in any text column.
NOT_GIVEN = frozenset({"", "0", "n a", "na", "none", "nil", "unknown", "inconnu", "s o",
                       "sans objet", "not applicable", "non applicable"})

#: Aid types: stems of the published words (folded) -> canonical aid type.
AID_STEMS: tuple[tuple[str, str], ...] = (
    (r"\b(advanc|avanc|recoup|repay|rembours)", "repayable_advance"),
    (r"\binvest", "investment"),
    (r"\bcontrib", "contribution"),
    (r"\b(grant|subvention|bourse)", "grant"),
    (r"\b(loan|pret)\b", "loan"),
    (r"\b(in kind|en nature)\b", "in_kind"),
)
#: Whole spellings tried by closeness when no stem matches (typos: 'Recoupabel Advence').
AID_SPELLINGS: dict[str, str] = {
    "recoupable advance": "repayable_advance", "repayable advance": "repayable_advance",
    "advance": "repayable_advance", "avance remboursable": "repayable_advance",
    "avance": "repayable_advance", "investment": "investment", "investissement": "investment",
    "contribution": "contribution", "grant": "grant", "subvention": "grant", "loan": "loan",
}
_AID_SPLIT = re.compile(r"\s*(?:[,;/+&|]|\band\b|\bet\b)\s*")

#: Programme (Purpose) -> stage: the first rule whose phrase occurs in the folded label wins.
STAGE_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("post production", "postproduction"), "post_production"),
    (("international marketing", "international promotion", "promotion", "export",
      "festival", "rayonnement", "mise en marche internationale"), "promotion"),
    (("marketing", "distribution", "mise en marche", "commercialisation"), "distribution"),
    (("development", "developpement"), "development"),
    (("writing", "ecriture", "scenarisation", "screenwriting"), "writing"),
    (("production", "micro budget", "mini treat", "treaty", "treaties", "traite", "coproduction",
      "theatrical documentary", "documentaire", "talent to watch", "greenlight",
      "first feature", "premier long"), "production"),
)
#: Programmes whose awards go to events and organisations (festivals, workshops), not works.
EVENT_PHRASES = ("promotion", "festival", "rayonnement")
#: Programmes of the Canada New Media Fund and other digital-media funds (games, web works).
DIGITAL_PHRASES = ("new media", "nouveaux medias", "interactive", "digital", "numerique")
#: Co-production programmes whose works may be films or television: format unknown.
COPRODUCTION_PHRASES = ("mini treat", "treaty", "treaties", "traite")

#: Genre labels (folded keys) -> (label stored in genre_detail, broad genre or None).
GENRES: dict[str, tuple[str, str | None]] = {}
for _label, _genre, _aliases in (
    ("Drama", "fiction", ("drame",)),
    ("Comedy", "fiction", ("comedie",)),
    ("Documentary", "documentary", ("documentaire", "doc")),
    ("Thriller", "fiction", ("suspense",)),
    ("Historical Drama", "fiction", ("drame historique", "historical")),
    ("Romantic Comedy", "fiction", ("comedie romantique",)),
    ("Action/Adventure", "fiction", ("action", "adventure", "aventure", "action aventure")),
    ("Horror", "fiction", ("horreur",)),
    ("Science fiction/Fantasy/Tale", "fiction",
     ("science fiction fantastique conte", "science fiction fantasy", "fantasy")),
    ("Mystery/Crime/Police", "fiction", ("policier", "mystere crime policier", "crime")),
    ("Musical", "fiction", ("comedie musicale", "film musical")),
    ("Western", "fiction", ()),
    ("Horror/Thriller", "fiction", ("horreur suspense",)),
    ("Family", "fiction", ("famille", "familial")),
    ("Children", None, ("jeunesse", "enfants", "enfance", "youth", "kids")),
    ("Animation", "animation", ("film d animation",)),
    ("Experimental", "experimental", ("experimental", "experimentation")),
    ("Games", "other", ("game", "jeux", "jeu", "video game", "jeu video", "jeux video")),
    ("Entertainment", "other", ("divertissement",)),
    ("Edutainment", "other", ("ludo educatif", "ludoeducatif")),
    ("Reference", "other", ()),
    ("Other entertainment", "other", ("autre divertissement",)),
):
    for _key in (_label, *_aliases):
        GENRES[name_key(_key)] = (_label, _genre)
_GENRE_QUALIFIER = re.compile(r"\((film|feature|feature film|long metrage|movie|cinema)\)")

#: Languages (folded keys) -> ISO 639 code (639-1 where one exists). 'und' (undetermined) for a
#: generic "Indigenous language" that does not name the language; 'mul' for several languages.
LANGUAGES: dict[str, str] = {
    "english": "en", "anglais": "en", "en": "en", "eng": "en", "ang": "en",
    "french": "fr", "francais": "fr", "fr": "fr", "fra": "fr", "fre": "fr",
    "bilingual": "mul", "bilingue": "mul", "english french": "mul", "french english": "mul",
    "anglais francais": "mul", "francais anglais": "mul", "multilingual": "mul",
    "autochtone": "und", "autochtones": "und", "aboriginal": "und", "indigenous": "und",
    "langue autochtone": "und", "langues autochtones": "und", "aboriginal language": "und",
    "indigenous language": "und", "inuktitut": "iu", "cree": "cr", "cri": "cr", "ojibwe": "oj",
    "ojibway": "oj", "ojibwa": "oj", "spanish": "es", "espagnol": "es", "italian": "it",
    "italien": "it", "german": "de", "allemand": "de", "portuguese": "pt", "portugais": "pt",
    "chinese": "zh", "mandarin": "zh", "chinois": "zh", "arabic": "ar", "arabe": "ar",
    "punjabi": "pa", "hindi": "hi", "japanese": "ja", "japonais": "ja",
}

#: Titles written 'Con Artist, The' or 'Grizzlies (The) (aka ...)': the article is moved first.
_TITLE_ARTICLE = re.compile(
    r"^(?P<body>.+?)\s*(?:,\s*(?P<a1>the|a|an|le|la|les)|\((?P<a2>the|a|an|le|la|les|l'|l’)\))"
    r"(?P<rest>\s*\(.*\))?\s*$", re.IGNORECASE)


# -- normalisation functions (called once per distinct value) ----------------------------

def is_given(text: str | None) -> bool:
    return text is not None and name_key(text) not in NOT_GIVEN


@lru_cache(maxsize=4096)
def aid_type(text: str) -> str | None:
    """'Recoupable Advance' -> 'repayable_advance'; 'Investment, Recoupable Advance' -> 'mixed';
    None when a part is not recognised."""
    kinds = set()
    for part in _AID_SPLIT.split(fold(text)):
        key = name_key(part)
        if not key:
            continue
        kind = next((k for stem, k in AID_STEMS if re.search(stem, key)), None)
        if kind is None:
            close = difflib.get_close_matches(key, list(AID_SPELLINGS), n=1, cutoff=0.8)
            kind = AID_SPELLINGS[close[0]] if close else None
        if kind is None:
            return None
        kinds.add(kind)
    if not kinds:
        return None
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _has(key: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {key} "
    return any(f" {p}" in padded for p in phrases)


@lru_cache(maxsize=4096)
def purpose_stage(text: str) -> str | None:
    key = name_key(text)
    return next((stage for phrases, stage in STAGE_RULES if _has(key, phrases)), None)


@lru_cache(maxsize=4096)
def purpose_format(text: str) -> str | None:
    """The format of the works a programme supports: 'feature' for Telefilm's feature-film
    programmes, 'digital' (game or web, decided by the genre) for digital-media funds, None for
    event programmes, co-production mini-treaties and unknown programmes."""
    key = name_key(text)
    if purpose_stage(text) is None or _has(key, EVENT_PHRASES) or _has(key, COPRODUCTION_PHRASES):
        return None
    return "digital" if _has(key, DIGITAL_PHRASES) else "feature"


@lru_cache(maxsize=4096)
def purpose_concerns_work(text: str) -> bool:
    """False for programmes that fund events and organisations (festivals, workshops)."""
    return not _has(name_key(text), EVENT_PHRASES)


def genre_key(text: str) -> str:
    key = name_key(_GENRE_QUALIFIER.sub(" ", fold(text)))
    key = re.sub(r"\bsci ?fi\b", "science fiction", key)
    return " ".join(w for w in key.split() if w not in ("and", "et"))


@lru_cache(maxsize=4096)
def genre_detail(text: str) -> str | None:
    """'Drama (Film)' -> 'Drama'; 'Sci.fi./Fantasy/Tale' -> 'Science fiction/Fantasy/Tale';
    'N/A' -> None; an unknown label is kept as published (whitespace collapsed)."""
    if not is_given(text):
        return None
    known = GENRES.get(genre_key(text))
    return known[0] if known else clean(text)


@lru_cache(maxsize=4096)
def genre_known(text: str) -> bool:
    return not is_given(text) or genre_key(text) in GENRES


@lru_cache(maxsize=4096)
def language_code(text: str) -> str | None:
    return LANGUAGES.get(name_key(text).replace(" language", "")) or LANGUAGES.get(name_key(text))


@lru_cache(maxsize=65536)
def title_key(title: str) -> str:
    """A matching key for a title: 'Con Artist, The' and 'The Con Artist' -> 'the con artist'."""
    m = _TITLE_ARTICLE.match(title.strip())
    if m:
        article = (m["a1"] or m["a2"]).lower().replace("’", "'")
        sep = "" if article.endswith("'") else " "
        title = f"{article}{sep}{m['body']}{m['rest'] or ''}"
    return name_key(title)


_SAINT = re.compile(r"\b(St|Ste)[-. ]+", re.IGNORECASE)
_CITY_PREFIX = re.compile(r"^(town|city|village|municipality|township) of |^(ville|municipalite|"
                          r"village|canton|paroisse) (de |d'|du )?", re.IGNORECASE)


def city_variants(city: str) -> list[str]:
    """Spellings to try for a published city: as published, 'St-' expanded, 'Town Of' removed."""
    base = clean(city) or ""
    expanded = _SAINT.sub(lambda m: "Saint-" if m[1].lower() == "st" else "Sainte-", base)
    variants = [base, expanded, _CITY_PREFIX.sub("", base), _CITY_PREFIX.sub("", expanded)]
    return list(dict.fromkeys(v for v in variants if v))


# -- the importer -------------------------------------------------------------------------

def _series(raw: pl.DataFrame, column: str | None) -> pl.Series:
    if column is None or column not in raw.columns:
        return pl.Series([None] * raw.height, dtype=pl.Utf8)
    return raw.get_column(column)


def _lookup(series: pl.Series, fn: Callable[[str], Any], dtype: pl.DataType,
            name: str) -> pl.Series:
    """fn over the distinct non-null values, None for null cells."""
    return map_unique(series, lambda v: None if v is None else fn(v), dtype).alias(name)


class TelefilmImporter(Importer):
    name = "telefilm"
    title = "Telefilm Canada contributions"
    description = ("Telefilm Canada's proactive disclosure of contributions: one row per funding "
                   "decision (development, production, marketing, promotion), amounts in CAD.")
    publisher = "Telefilm Canada"
    licence = "Open Government Licence – Canada"
    #: The dataset's page on the Open Government Portal (search for "Telefilm Canada contributions";
    #: the CSV resources are listed there).
    url = "https://open.canada.ca/data/en/dataset?q=%22Telefilm+Canada+contributions%22"
    required_columns = ("Recipient Name", "Title", "Final Value", "Type", "Purpose")
    optional_columns = ("Period", "Quarter", "City", "Province", "Country", "Language", "Genre",
                        "Date", "Original Value")
    #: Contract-amendment notes: free text, never stored; only the amendment and the date it
    #: names are read (`private_facts`).
    private_columns = ("Comments",)
    tables = ("organisations", "schemes", "scheme_field_sources", "works", "awards")

    # -- parse -------------------------------------------------------------------------

    def private_facts(self, raw: pl.DataFrame, ctx: ImportContext) -> list[pl.Series]:
        """'Amended contract signed 21-OCT-08' -> '08-10-21' (see `amendment_note`)."""
        return [_lookup(_series(raw, ctx.column("Comments")), amendment_note, pl.Utf8,
                        "__amendment")]

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        col = ctx.column
        frame = raw.with_columns(self._lookups(raw, ctx))
        p = RowParser(frame)
        beneficiary = values.text(p.raw(col("Recipient Name")), required=True)
        p.add("beneficiary", col("Recipient Name"), beneficiary)
        p.add("project_title", col("Title"), values.text(p.raw(col("Title"))))
        date = values.date(p.raw(col("Date")), earliest=1960)
        p.add("decision_date", col("Date"), date)
        self._add_period(p, col("Period"), date.value)
        self._add_amounts(p, col("Final Value"), col("Original Value"))
        self._add_vocabularies(p, ctx)
        self._add_place(p, ctx)
        p.add("amendment", "Comments", self._flagged(
            pl.col("__amendment"), pl.col("__amendment") == "", "amendment-date-not-read"))
        for name in ("beneficiary_key", "title_key", "purpose_key", "purpose", "format_hint",
                     "concerns_work", "city", "org_kind"):
            p.add_value(name, pl.col(f"__{name}"))
        return p.finish()

    def _lookups(self, raw: pl.DataFrame, ctx: ImportContext) -> list[pl.Series]:
        """Per-distinct-value normalisations, as helper columns named '__<field>'."""
        def s(label: str) -> pl.Series:
            return _series(raw, ctx.column(label))

        recipient, purpose, genre, language = (s("Recipient Name"), s("Purpose"), s("Genre"),
                                               s("Language"))
        title = s("Title")
        purpose_clean = _lookup(purpose, clean, pl.Utf8, "__purpose")
        return [
            _lookup(recipient, lambda v: name_key(v) or None, pl.Utf8, "__beneficiary_key"),
            _lookup(recipient, organisation_kind, pl.Utf8, "__org_kind"),
            _lookup(title, lambda v: title_key(v) or None, pl.Utf8, "__title_key"),
            purpose_clean,
            _lookup(purpose, lambda v: name_key(v) or None, pl.Utf8, "__purpose_key"),
            _lookup(purpose, purpose_stage, pl.Utf8, "__stage"),
            _lookup(purpose, purpose_format, pl.Utf8, "__format_hint"),
            _lookup(purpose, purpose_concerns_work, pl.Boolean, "__concerns_work"),
            _lookup(s("Type"), aid_type, pl.Utf8, "__aid_type"),
            _lookup(genre, genre_detail, pl.Utf8, "__genre_detail"),
            _lookup(genre, genre_known, pl.Boolean, "__genre_known"),
            _lookup(language, language_code, pl.Utf8, "__language"),
            _lookup(language, lambda v: not is_given(v) or language_code(v) is not None,
                    pl.Boolean, "__language_known"),
            _lookup(s("City"), lambda v: clean(v) if is_given(v) else None, pl.Utf8, "__city"),
            *self._place_lookups(raw, ctx),
        ]

    def _add_period(self, p: RowParser, period_col: str | None, date: pl.Expr) -> None:
        period = values.text(p.raw(period_col))
        text = period.value
        first = text.str.extract(r"^(\d{4})\s*[-–/]\s*\d{2,4}$", 1).cast(pl.Int32, strict=False)
        second = text.str.extract(r"^\d{4}\s*[-–/]\s*(\d{2,4})$", 1)
        follows = (pl.when(second.str.len_chars() == 2)
                   .then(second.cast(pl.Int32, strict=False) == (first + 1) % 100)
                   .otherwise(second.cast(pl.Int32, strict=False) == first + 1))
        valid = first.is_not_null() & follows.fill_null(False)
        from_date = date.dt.year().cast(pl.Int32) - (date.dt.month() < 4).cast(pl.Int32)
        start = pl.date(first, 4, 1)
        outside = valid & date.is_not_null() & ~date.is_between(start, pl.date(first + 1, 3, 31))
        code = (pl.when(text.is_not_null() & ~valid).then(pl.lit("invalid-fiscal-period"))
                .when(outside).then(pl.lit("date-outside-period")))
        p.add("fiscal_period", period_col, Parsed(text, code, {"invalid-fiscal-period": WARNING,
                                                               "date-outside-period": WARNING},
                                                  period.stages))
        p.add_value("fiscal_year", pl.when(valid).then(first).otherwise(from_date))

    def _add_amounts(self, p: RowParser, final_col: str | None, original_col: str | None) -> None:
        final = values.money(p.raw(final_col), decimal=".", zero_is_unknown=True,
                             currency=CURRENCY)
        absent = values.blank(p.raw(final_col))
        code = pl.when(absent).then(pl.lit("amount-not-published")).otherwise(final.code)
        p.add("amount_minor", final_col, Parsed(final.value, code, {
            **final.severities, "amount-not-published": WARNING}, final.stages, final.detail))
        # The original value is secondary: a bad one does not make the award meaningless.
        original = values.money(p.raw(original_col), decimal=".", zero_is_unknown=True,
                                invalid=WARNING, currency=CURRENCY, other_currency=WARNING)
        p.add("original_amount_minor", original_col, original)

    def _add_vocabularies(self, p: RowParser, ctx: ImportContext) -> None:
        col = ctx.column
        type_text = values.text(p.raw(col("Type")))
        p.add("aid_type_raw", col("Type"), type_text)
        unknown_type = type_text.value.is_not_null() & pl.col("__aid_type").is_null()
        p.add("aid_type", col("Type"),
              self._flagged(pl.col("__aid_type"), unknown_type, "unknown-value"))
        purpose = pl.col("__purpose")
        p.add("stage", col("Purpose"), self._flagged(
            pl.col("__stage"), purpose.is_not_null() & pl.col("__stage").is_null(),
            "unknown-purpose"))
        p.add("genre_detail", col("Genre"), self._flagged(
            pl.col("__genre_detail"), ~pl.col("__genre_known").fill_null(True), "unknown-value"))
        p.add("language", col("Language"), self._flagged(
            pl.col("__language"), ~pl.col("__language_known").fill_null(True), "unknown-value"))
        genre = pl.col("__genre_detail").replace_strict(
            dict(GENRES.values()), default=None, return_dtype=pl.Utf8)
        documentary_programme = pl.col("__purpose_key").str.contains(
            r"\b(documentary|documentaire)\b")
        p.add_value("genre", pl.when(genre.is_not_null()).then(genre)
                    .when(documentary_programme.fill_null(False)).then(pl.lit("documentary")))
        p.add_value("format", self._format_expr())

    @staticmethod
    def _format_expr() -> pl.Expr:
        hint, detail = pl.col("__format_hint"), pl.col("__genre_detail")
        return (pl.when(hint.is_null()).then(pl.lit(None, dtype=pl.Utf8))
                .when(detail == "Games").then(pl.lit("game"))
                .when(hint == "digital").then(pl.lit("web"))
                .otherwise(hint))

    @staticmethod
    def _flagged(value: pl.Expr, bad: pl.Expr, code: str) -> Parsed:
        return Parsed(value, pl.when(bad.fill_null(False)).then(pl.lit(code)), {code: WARNING})

    # -- places ------------------------------------------------------------------------

    def _place_lookups(self, raw: pl.DataFrame, ctx: ImportContext) -> list[pl.Series]:
        """Province/country/city -> (territory id, country code, problem code), once per distinct
        combination of the three cells."""
        province = _series(raw, ctx.column("Province"))
        country = _series(raw, ctx.column("Country"))
        city = _series(raw, ctx.column("City"))
        combo = pl.select(pl.concat_str([province.fill_null(""), country.fill_null(""),
                                         city.fill_null("")], separator="\x1f")).to_series()
        resolved = {key: self._resolve_place(ctx, *key.split("\x1f")) for key in combo.unique()}
        parts = {name: {k: v[i] for k, v in resolved.items()}
                 for i, name in enumerate(("territory", "country", "province_code", "city_code",
                                           "city_note"))}
        return [combo.replace_strict(mapping, default=None, return_dtype=pl.Utf8).alias(f"__{name}")
                for name, mapping in parts.items()]

    def _resolve_place(self, ctx: ImportContext, province: str, country: str, city: str
                       ) -> tuple[str | None, str | None, str | None, str | None, str | None]:
        """(territory id, country code, Province problem code, City problem code, City note).

        The geocoder reads the Province cell as a province or state field (two letters are a
        province or state code: 'NE' is Nebraska) and the Country cell as a country field (two
        or three letters are an ISO country code: 'CA' is Canada there). A Québec city whose
        name several places share is placed as `Geocoder.resolve_city` decides (a municipality,
        or the region they share), with an `ambiguous-territory` warning saying why."""
        geocoder = ctx.geocoder
        country_code = geocoder.country(country) if is_given(country) else None
        area = geocoder.province(province) if is_given(province) else None
        area_country = _country_of(area)
        province_code = None
        if is_given(province) and area is None:
            province_code = "unknown-territory"
        elif area_country and country_code and area_country != country_code:
            province_code, area = "territory-mismatch", None
        elif area is None and country_code in (None, "CA", "US"):
            province_code = "province-not-given"
        country_code = country_code or area_country
        if area is None:
            return country_code, country_code, province_code, None, None
        if area_country != "CA" or not is_given(city) or "-" not in area:
            return area, country_code, province_code, None, None
        matches = [geocoder.resolve_city(v, country="CA", within=area)
                   for v in city_variants(city)]
        found = next((m for m in matches if m.territory_id), None)
        if found is not None:
            return (found.territory_id, country_code, province_code,
                    "ambiguous-territory" if found.note else None, found.note)
        note = next((m.note for m in matches if m.note), None)
        if note:
            return area, country_code, province_code, "ambiguous-territory", note
        city_code = "unknown-territory" if area in self._municipal_provinces(ctx) else None
        return area, country_code, province_code, city_code, None

    def _municipal_provinces(self, ctx: ImportContext) -> set[str]:
        """Provinces for which the reference territories hold municipalities."""
        cached = getattr(self, "_municipal", None)
        if cached is None or cached[0] != ctx.source_id:
            rows = ctx.store.frame(
                "SELECT DISTINCT substr(territory_id, 1, 5) AS p FROM territories "
                "WHERE level = 'municipality' AND country_code = 'CA'")
            cached = (ctx.source_id, set(rows["p"].to_list()))
            self._municipal = cached
        return cached[1]

    def _add_place(self, p: RowParser, ctx: ImportContext) -> None:
        col = ctx.column
        p.add("beneficiary_territory_id", col("Province"),
              Parsed(pl.col("__territory"), pl.col("__province_code"),
                     {"unknown-territory": WARNING, "province-not-given": WARNING,
                      "territory-mismatch": WARNING}))
        p.add_value("beneficiary_country_code", pl.col("__country"))
        # A city not found where the reference territories list municipalities, or a name
        # several places share (the note says which was kept and why): a City problem.
        p.add("__city_check", col("City"), Parsed(
            pl.lit(None), pl.col("__city_code"),
            {"unknown-territory": WARNING, "ambiguous-territory": WARNING},
            detail=pl.col("__city_note")))

    # -- emit --------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW)
        contract_date = pl.Series([
            min(named_dates(note, on), default=None) for note, on in
            rows.select("amendment", "decision_date").iter_rows()], dtype=pl.Date)
        funder_id = ctx.entity_id("org", pl.Series([name_key(FUNDER_NAME)])).item()
        org_id = ctx.entity_id("org", rows["beneficiary_key"])
        scheme_id = ctx.entity_id("scheme", rows["purpose_key"])
        work_keys = rows.select(pl.when(pl.col("concerns_work").fill_null(True))
                                .then(pl.col("title_key"))).to_series()
        rows = rows.with_columns(org_id.alias("beneficiary_id"), scheme_id.alias("scheme_id"),
                                 ctx.entity_id("work", work_keys).alias("work_id"),
                                 pl.lit(funder_id).alias("funder_id"),
                                 contract_date.alias("amends_contract_date"))
        schemes, field_sources = self._schemes(rows, funder_id)
        return {
            "organisations": self._organisations(rows, funder_id),
            "schemes": schemes, "scheme_field_sources": field_sources,
            "works": self._works(rows),
            "awards": self._awards(rows, ctx),
        }

    @staticmethod
    def _organisations(rows: pl.DataFrame, funder_id: str) -> pl.DataFrame:
        funder = pl.DataFrame({
            "organisation_id": [funder_id], "name": [FUNDER_NAME],
            "name_key": [name_key(FUNDER_NAME)],
            "kind": ["public_body"], "is_funder": [True], "territory_id": ["CA"],
            "country_code": ["CA"], "city": [None], "funder_level": ["national"],
            "governed_territory_id": ["CA"],
        }, schema_overrides={"city": pl.Utf8})
        beneficiaries = rows.filter(pl.col("beneficiary_id").is_not_null()).select(
            pl.col("beneficiary_id").alias("organisation_id"), pl.col("beneficiary").alias("name"),
            pl.col("beneficiary_key").alias("name_key"), pl.col("org_kind").alias("kind"),
            pl.lit(False).alias("is_funder"),
            pl.col("beneficiary_territory_id").alias("territory_id"),
            pl.col("beneficiary_country_code").alias("country_code"), "city",
            pl.lit(None, pl.Utf8).alias("funder_level"),
            pl.lit(None, pl.Utf8).alias("governed_territory_id"),
        )
        return pl.concat([funder, beneficiaries], how="vertical_relaxed").unique(
            "organisation_id", keep="first", maintain_order=True)

    @staticmethod
    def _schemes(rows: pl.DataFrame, funder_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The programmes (one per Purpose), with what their names say (`name_fields`: the
        field sources point at the first row naming the programme)."""
        return name_fields(rows.filter(pl.col("scheme_id").is_not_null()).select(
            "scheme_id", pl.lit(funder_id).alias("funder_id"), pl.col("purpose").alias("name"),
            pl.col("purpose_key").alias("name_key"), "stage", pl.lit("national").alias("level"),
            pl.format("row {}, Purpose", pl.col(ROW)).alias("locator"),
        ).unique("scheme_id", keep="first", maintain_order=True))

    @staticmethod
    def _works(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.filter(pl.col("work_id").is_not_null()).select(
            "work_id", pl.col("project_title").alias("title"), "title_key", "language", "format",
            "genre",
        ).unique("work_id", keep="first", maintain_order=True)

    @staticmethod
    def _awards(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
        return rows.select(
            (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
            pl.col(ROW).alias("row_number"), "funder_id", "scheme_id", "beneficiary_id", "work_id",
            "project_title", "decision_date", "fiscal_year", "fiscal_period", "amount_minor",
            pl.lit(CURRENCY).alias("currency"), "original_amount_minor", "aid_type", "aid_type_raw",
            "stage", "format", "genre", "genre_detail", "language", "beneficiary_territory_id",
            "beneficiary_country_code", "amends_contract_date",
        )

    # -- amendments --------------------------------------------------------------------

    def finish(self, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        """Link amendments to the contracts they amend, over every Telefilm source in the store
        (a later file amends contracts of an earlier one), and mark superseded rows."""
        frame = ctx.store.frame(_LINK_INPUT, [ctx.source_id, self.name])
        titles = _lookup(frame["project_title"], lambda v: title_key(v) or None, pl.Utf8, "t")
        rows = {r["award_id"]: r for r in frame.to_dicts()}
        links = link_amendments(
            Row(award_id=r["award_id"], party=r["party"], title=t, programme=r["programme"],
                date=r["decision_date"], named=r["amends_contract_date"],
                original=r["original_amount_minor"], amount=r["amount_minor"],
                order=(r["source_id"], r["row_number"]))
            for r, t in zip(rows.values(), titles, strict=True))
        changed = [(k.award_id, k.amends_award_id, k.superseded_by) for k in links
                   if (rows[k.award_id]["amends_award_id"], rows[k.award_id]["superseded_by"])
                   != (k.amends_award_id, k.superseded_by)]
        ctx.store.update("awards", pl.DataFrame(
            changed, schema={"award_id": pl.Utf8, "amends_award_id": pl.Utf8,
                             "superseded_by": pl.Utf8}, orient="row"), key="award_id")
        for k in links:
            r = rows[k.award_id]
            if k.problem and r["source_id"] == ctx.source_id:
                named = r["amends_contract_date"]
                ctx.problems.append(Problem(r["row_number"], "Comments", k.problem, WARNING,
                                            _LINK_MESSAGES[k.problem].format(named), str(named)))
        ctx.figures.update(ctx.store.frame(_FIGURES, [ctx.source_id]).row(0, named=True))
        return {}


#: The awards of this source and of the other sources of this importer, with matching keys.
_LINK_INPUT = """
    SELECT a.award_id, a.source_id, a.row_number, o.name_key AS party, a.project_title,
           s.name_key AS programme, a.decision_date, a.amends_contract_date,
           a.original_amount_minor, a.amount_minor, a.amends_award_id, a.superseded_by
    FROM awards a
    LEFT JOIN organisations o ON o.organisation_id = a.beneficiary_id
    LEFT JOIN schemes s ON s.scheme_id = a.scheme_id
    WHERE a.source_id = ? OR a.source_id IN (SELECT source_id FROM sources WHERE importer = ?)
"""
#: The report's figures: both totals (each contract once; every signed value) and the rows.
_FIGURES = """
    SELECT count(amends_contract_date) AS amendments,
           count(amends_award_id) AS amendments_linked,
           count(superseded_by) AS rows_superseded,
           coalesce(sum(amount_minor) FILTER (WHERE superseded_by IS NULL), 0)::BIGINT
               AS total_each_contract_once_minor,
           coalesce(sum(amount_minor), 0)::BIGINT AS total_every_signed_value_minor,
           'CAD' AS currency
    FROM awards WHERE source_id = ?
"""
_LINK_MESSAGES = {
    "amended-contract-not-found": "Amends a contract signed on {} that no earlier row of this "
                                  "recipient and title holds; counted as a contract of its own.",
    "ambiguous-amendment": "Amends a contract signed on {}, but the recipient signed several for "
                           "this title that day; counted as a contract of its own.",
}


def _country_of(territory_id: str | None) -> str | None:
    return territory_id.split("-")[0] if territory_id else None
