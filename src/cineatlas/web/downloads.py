"""Every CSV download of the atlas, written one way, and its data dictionary.

For people: amounts in currency units (exact decimal text from the integer cents: `amount` =
1234.50, never float noise) beside a `currency` column; names beside codes; `?dialect=excel-fr`
for a French spreadsheet (`;` separator, decimal comma, UTF-8 byte order mark). Machines that
want the store's integer cents ask `?units=minor` (the JSON API always gives `amount_minor`).
Text cells cannot run as spreadsheet formulas (`safe_csv`). `DICTIONARY` declares each
download's columns (name, type, unit, meaning in French and English); a test checks that every
column written is declared there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import polars as pl
from fastapi import Query
from fastapi.responses import Response

from cineatlas.web.labels import N_

#: Rows in one download at most (a whole store fits; a runaway query does not).
MAX_DOWNLOAD = 1_000_000
#: Suffixes of the columns holding integer minor units (cents) of the row's `currency`.
MINOR_SUFFIXES = ("_minor", "_cents")


class Dialect(StrEnum):
    """How a CSV is written: `csv` (comma, decimal point, UTF-8) or `excel-fr` (semicolon,
    decimal comma, UTF-8 with a byte order mark, as a French spreadsheet opens it)."""

    csv = "csv"
    excel_fr = "excel-fr"


class Units(StrEnum):
    """Amounts in currency units (`major`, 1234.50) or in the store's integer cents (`minor`)."""

    major = "major"
    minor = "minor"


DialectParam = Annotated[Dialect, Query(description="csv (comma, decimal point) or excel-fr "
                                                    "(semicolon, decimal comma, UTF-8 BOM)")]
UnitsParam = Annotated[Units, Query(description="major: amounts in currency units (1234.50); "
                                                "minor: the store's integer cents")]


def safe_csv(frame: pl.DataFrame, dialect: Dialect = Dialect.csv) -> str:
    """CSV whose text cells cannot run as spreadsheet formulas: a cell starting with =, +, -, @,
    a tab or a carriage return gets a leading apostrophe (OWASP's advice). Lists (a figure's
    `sources`) are written as JSON text in their cell."""
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    frame = frame.with_columns(
        pl.Series(name, [None if v is None else json.dumps(list(v), ensure_ascii=False)
                         for v in frame[name].to_list()], dtype=pl.String)
        for name in nested)
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = pl.col(text).str.contains(r"^[=+\-@\t\r]")
    frame = frame.with_columns(
        pl.when(risky).then(pl.lit("'") + pl.col(text)).otherwise(pl.col(text)).name.keep())
    if dialect == Dialect.excel_fr:
        return "\ufeff" + frame.write_csv(separator=";", decimal_comma=True)
    return frame.write_csv()


def decimal_text(cents: pl.Expr, comma: bool = False) -> pl.Expr:
    """Integer cents as exact decimal text ('1234.50', '-0.05'); NULL stays NULL."""
    magnitude = cents.abs()
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, (magnitude // 100).cast(pl.String),
                          pl.lit("," if comma else "."),
                          (magnitude % 100).cast(pl.String).str.zfill(2)])


def in_units(frame: pl.DataFrame, dialect: Dialect = Dialect.csv) -> pl.DataFrame:
    """`frame` with each cents column (`amount_minor`, `cnc_cents`...) replaced, in place, by
    the amount in currency units (`amount`, `cnc`) as exact decimal text."""
    if "currency" not in frame.columns:
        return frame
    comma = dialect == Dialect.excel_fr
    return frame.with_columns(
        decimal_text(pl.col(name), comma).alias(name.removesuffix(suffix))
        for name in frame.columns for suffix in MINOR_SUFFIXES
        if name.endswith(suffix) and frame.schema[name].is_integer()
    ).select([name.removesuffix(next((s for s in MINOR_SUFFIXES if name.endswith(s)), ""))
              if frame.schema[name].is_integer() else name for name in frame.columns])


def csv_response(frame: pl.DataFrame, name: str, dialect: Dialect = Dialect.csv,
                 units: Units = Units.major) -> Response:
    """A download: amounts in currency units unless `units` is minor, in `dialect`."""
    if units == Units.major:
        frame = in_units(frame, dialect)
    suffix = "-excel-fr" if dialect == Dialect.excel_fr else ""
    return Response(safe_csv(frame, dialect), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="cineatlas-{name}{suffix}.csv"'})


# -- the data dictionary ----------------------------------------------------------------

#: Column types and units as the data dictionary page names them (catalogue entries).
TYPES = {"text": N_("text"), "integer": N_("integer"), "decimal": N_("decimal number"),
         "boolean": N_("true or false"), "date": N_("date (YYYY-MM-DD)"),
         "list": N_("list (JSON)")}
UNITS = {"": "", "year": N_("year"), "code": N_("code (see the atlas' labels)"),
         "ISO 4217": N_("ISO 4217 code"), "currency (see currency)": N_("currency units"),
         "see unit": N_("see the unit column"), "ratio": N_("ratio"),
         "share": N_("share (0 to 1)"), "inhabitants": N_("inhabitants"),
         "currency per inhabitant": N_("currency units per inhabitant")}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, integer, decimal, boolean, date, list
    unit: str  # '' when none
    fr: str
    en: str


def _columns(*rows: tuple[str, str, str, str, str]) -> list[Column]:
    return [Column(*row) for row in rows]


_AMOUNT = "currency (see currency)"
#: The last columns of a place's download (a cinema, a festival): where it is, its provenance,
#: and the département and region of its commune named beside their codes.
_PLACE_END = (
    ("latitude", "decimal", "", "Latitude (WGS 84)", "Latitude (WGS 84)"),
    ("longitude", "decimal", "", "Longitude (WGS 84)", "Longitude (WGS 84)"),
    ("fictitious", "boolean", "", "Vrai pour une donnée fictive (démonstration)",
     "True for fictitious (demo) data"),
    ("source_id", "text", "", "Source de la ligne (voir /sources)",
     "Source of the row (see /sources)"),
    ("department_id", "text", "", "Département de la commune (identifiant)",
     "The commune's département (id)"),
    ("department", "text", "", "Département de la commune (nom)",
     "The commune's département (name)"),
    ("region_id", "text", "", "Région de la commune (identifiant)", "The commune's region (id)"),
    ("region", "text", "", "Région de la commune (nom)", "The commune's region (name)"),
)
#: Each download: (path, French title, English title, columns).
DICTIONARY: dict[str, tuple[str, str, str, list[Column]]] = {
    "awards": ("/api/v1/awards.csv", "Aides (recherche de l'explorateur)",
               "Awards (the explorer's search)", _columns(
        ("award_id", "text", "", "Identifiant de l'aide dans la base",
         "The award's id in the store"),
        ("project_title", "text", "", "Titre du projet aidé", "Title of the supported project"),
        ("work_id", "text", "", "Identifiant de l'œuvre", "The work's id"),
        ("funder_id", "text", "", "Identifiant du financeur", "The funder's id"),
        ("funder", "text", "", "Nom du financeur", "The funder's name"),
        ("scheme", "text", "", "Dispositif d'aide", "Support scheme"),
        ("beneficiary_id", "text", "", "Identifiant du bénéficiaire", "The beneficiary's id"),
        ("beneficiary", "text", "", "Nom du bénéficiaire", "The beneficiary's name"),
        ("beneficiary_territory_id", "text", "", "Territoire du bénéficiaire (identifiant)",
         "The beneficiary's territory (id)"),
        ("beneficiary_territory", "text", "", "Territoire du bénéficiaire (nom)",
         "The beneficiary's territory (name)"),
        ("year", "integer", "year", "Exercice (ou année de la décision)",
         "Fiscal year (or year of the decision)"),
        ("decision_date", "date", "", "Date de la décision", "Date of the decision"),
        ("amount", "decimal", _AMOUNT, "Montant attribué, en unités de la devise",
         "Amount awarded, in currency units"),
        ("currency", "text", "ISO 4217", "Devise du montant", "Currency of the amount"),
        ("stage", "text", "code", "Étape aidée (écriture, production…)",
         "Stage supported (writing, production…)"),
        ("format", "text", "code", "Format de l'œuvre", "The work's format"),
        ("genre", "text", "code", "Genre de l'œuvre", "The work's genre"),
        ("sector", "text", "code", "Secteur (cinéma et audiovisuel, autres)",
         "Sector (cinema and audiovisual, other)"),
        ("amends_award_id", "text", "", "Aide que celle-ci modifie (avenant)",
         "Award this one amends"),
        ("superseded_by", "text", "", "Avenant qui remplace cette ligne",
         "Amendment superseding this row"),
        ("fictitious", "boolean", "", "Vrai pour une donnée fictive (démonstration)",
         "True for fictitious (demo) data"),
        ("source_id", "text", "", "Source de la ligne (voir /sources)",
         "Source of the row (see /sources)"))),
    "compare": ("/compare.csv", "Indicateurs par territoire", "Indicators by territory",
                _columns(
        ("indicator", "text", "", "Identifiant de l'indicateur (voir /indicators)",
         "Indicator id (see /indicators)"),
        ("level", "text", "code", "Niveau des territoires", "Level of the territories"),
        ("territory_id", "text", "", "Identifiant du territoire", "Territory id"),
        ("territory_name", "text", "", "Nom du territoire", "Territory name"),
        ("period", "text", "", "Période couverte", "Period covered"),
        ("year", "integer", "year", "Année (vide : toutes)", "Year (empty: all)"),
        ("category", "text", "", "Catégorie de l'indicateur", "The indicator's category"),
        ("value", "decimal", "see unit", "Valeur", "Value"),
        ("unit", "text", "code", "Unité de la valeur", "Unit of the value"),
        ("currency", "text", "ISO 4217", "Devise d'une valeur monétaire",
         "Currency of a money value"),
        ("rank", "integer", "", "Rang (1 = la plus forte valeur)", "Rank (1 = highest value)"),
        ("of", "integer", "", "Nombre de territoires classés", "Territories ranked"),
        ("median", "decimal", "see unit", "Médiane du niveau", "Median of the level"),
        ("vs_median", "decimal", "ratio", "Valeur rapportée à la médiane",
         "Value divided by the median"),
        ("n", "integer", "", "Nombre de lignes comptées", "Rows counted"),
        ("covered", "integer", "", "Lignes situées", "Rows placed"),
        ("coverage", "decimal", "share", "Part des lignes situées", "Share of rows placed"),
        ("low_coverage", "boolean", "", "Couverture trop faible pour conclure",
         "Coverage too low to conclude"),
        ("fictitious", "boolean", "", "Repose sur des données fictives",
         "Rests on fictitious data"),
        ("sources", "list", "", "Sources de la valeur (JSON)", "Sources of the value (JSON)"),
        ("median_fictitious", "boolean", "", "La médiane repose sur des données fictives",
         "The median rests on fictitious data"))),
    "simulation": ("/simulator.csv", "Simulation des conventions, par Région",
                   "Convention simulation, by Region", _columns(
        ("scenario", "text", "", "Scénario (de départ ou modifié)",
         "Scenario (starting or edited)"),
        ("region_id", "text", "", "Identifiant de la Région", "Region id"),
        ("region_name", "text", "", "Nom de la Région", "Region name"),
        ("population", "integer", "inhabitants", "Population", "Population"),
        ("overseas", "boolean", "", "Région d'outre-mer", "Overseas Region"),
        ("solidarity_eligible", "boolean", "", "Éligible à la solidarité",
         "Eligible for solidarity"),
        ("partnership", "boolean", "", "Convention signée", "Convention signed"),
        ("region_effort", "decimal", _AMOUNT, "Effort de la Région", "The Region's effort"),
        ("claim", "decimal", _AMOUNT, "Demande au CNC", "Claim on the CNC"),
        ("convention", "decimal", _AMOUNT, "Apport du CNC par la convention",
         "CNC contribution through the convention"),
        ("solidarity", "decimal", _AMOUNT, "Part de la réserve de solidarité",
         "Share of the solidarity reserve"),
        ("cnc", "decimal", _AMOUNT, "Apport total du CNC", "Total CNC contribution"),
        ("shortfall", "decimal", _AMOUNT, "Demande non satisfaite", "Claim not met"),
        ("reference", "decimal", _AMOUNT, "Apport au ratio de référence",
         "Contribution at the reference ratio"),
        ("missing", "decimal", _AMOUNT, "Manque par rapport à la référence",
         "Missing against the reference"),
        ("excess", "decimal", _AMOUNT, "Excédent par rapport à la référence",
         "Excess against the reference"),
        ("effective_ratio", "decimal", "ratio", "Ratio effectif CNC / Région",
         "Effective CNC / Region ratio"),
        ("ratio_vs_reference", "decimal", "ratio", "Ratio rapporté à la référence",
         "Ratio against the reference"),
        ("total_public", "decimal", _AMOUNT, "Argent public total (CNC et Région)",
         "Total public money (CNC and Region)"),
        ("cnc_per_inhabitant", "decimal", "currency per inhabitant", "Apport du CNC par habitant",
         "CNC contribution per inhabitant"),
        ("total_public_per_inhabitant", "decimal", "currency per inhabitant",
         "Argent public par habitant", "Public money per inhabitant"),
        ("currency", "text", "ISO 4217", "Devise des montants", "Currency of the amounts"),
        ("illustrative", "boolean", "", "Chiffres d'hypothèse, non officiels",
         "Assumed figures, not official"),
        ("delta_cnc", "decimal", _AMOUNT, "Écart d'apport du CNC avec le scénario de départ",
         "CNC contribution minus the starting scenario's"),
        ("delta_cnc_per_inhabitant", "decimal", "currency per inhabitant",
         "Écart d'apport du CNC par habitant", "Difference per inhabitant"))),
    "cinemas": ("/cinemas.csv", "Cinémas (CNC)", "Cinemas (CNC)", _columns(
        ("venue_id", "text", "", "Identifiant du cinéma dans la base", "The cinema's id"),
        ("reference", "text", "", "Numéro d'autorisation du CNC", "The CNC's number"),
        ("name", "text", "", "Nom du cinéma", "The cinema's name"),
        ("address", "text", "", "Adresse de l'établissement (publique)",
         "The venue's (public) address"),
        ("territory_id", "text", "", "Commune (identifiant)", "Commune (id)"),
        ("commune", "text", "", "Commune (nom)", "Commune (name)"),
        ("year", "integer", "year", "Année des chiffres", "Year of the figures"),
        ("screens", "integer", "", "Écrans", "Screens"),
        ("seats", "integer", "", "Fauteuils", "Seats"),
        ("weeks_active", "integer", "", "Semaines d'activité", "Weeks of activity"),
        ("shows", "integer", "", "Séances", "Shows"),
        ("admissions", "integer", "", "Entrées de l'année", "Admissions of the year"),
        ("admissions_previous", "integer", "", "Entrées de l'année précédente",
         "Admissions of the year before"),
        ("art_et_essai", "boolean", "", "Classé Art et Essai", "Classified Art et Essai"),
        ("ae_category", "text", "code", "Catégorie Art et Essai", "Art et Essai category"),
        ("ae_labels", "list", "code", "Labels Art et Essai (RD, JP, PR)",
         "Art et Essai labels (RD, JP, PR)"),
        ("multiplex", "boolean", "", "Multiplexe", "Multiplex"),
        ("itinerant", "boolean", "", "Circuit itinérant", "Itinerant circuit"),
        ("programmer", "text", "", "Programmateur", "Programmer"),
        ("urban_unit", "text", "", "Unité urbaine", "Urban unit"),
        *_PLACE_END)),
    "festivals": ("/festivals.csv", "Festivals (Panorama des festivals)",
                  "Festivals (Panorama des festivals)", _columns(
        ("festival_id", "text", "", "Identifiant du festival dans la base", "The festival's id"),
        ("reference", "text", "", "Identifiant du Panorama", "The Panorama's id"),
        ("name", "text", "", "Nom du festival", "The festival's name"),
        ("discipline", "text", "", "Discipline dominante (Panorama)",
         "Main discipline (Panorama)"),
        ("is_cinema", "boolean", "", "Festival de cinéma", "Cinema festival"),
        ("cinema_subcategories", "text", "", "Catégories cinéma (Panorama)",
         "Cinema categories (Panorama)"),
        ("territory_id", "text", "", "Commune (identifiant)", "Commune (id)"),
        ("commune", "text", "", "Commune (nom)", "Commune (name)"),
        ("scope", "text", "code", "Envergure revendiquée", "Scope claimed"),
        ("creation_year", "integer", "year", "Année de création", "Year founded"),
        ("creation_decade", "text", "code", "Période de création", "Period founded"),
        ("period", "text", "code", "Période de l'année (Panorama)",
         "Period of the year (Panorama)"),
        ("website", "text", "", "Site web", "Website"),
        *_PLACE_END)),
}


def dictionary_frame() -> pl.DataFrame:
    """The data dictionary as one table: download, path, column, type, unit, meaning_fr/_en."""
    return pl.DataFrame([
        {"download": name, "path": path, "column": c.name, "type": c.type, "unit": c.unit,
         "meaning_fr": c.fr, "meaning_en": c.en}
        for name, (path, _fr, _en, columns) in DICTIONARY.items() for c in columns])
