"""The mapping file's schema: its sections, options and `source` keys, and the fields a
mapping may map to a column or give as a constant (each field's kind is in `kinds`)."""

from __future__ import annotations

from dataclasses import dataclass

from cineatlas.importers.generic.labels import (
    AID_TYPES,
    FORMATS,
    FUNDER_LEVELS,
    GENDERS,
    GENRES,
    STAGES,
)


@dataclass(frozen=True)
class MappedField:
    """A field of the generic importer: its kind (how cells are read: `kinds.KINDS`), where
    it goes, help."""

    name: str
    kind: str
    target: str
    help: str
    vocabulary: tuple[str, ...] = ()
    #: A column that also keeps the label as published (`genre` -> `genre_detail`).
    published: str | None = None
    #: The field whose value tells the level of a territory field ('52': région or département).
    level: str | None = None


FIELDS: tuple[MappedField, ...] = (
    MappedField(
        "beneficiary", "text", "organisations.name, awards.beneficiary_id",
        "Who receives the award (company, association…).",
    ),
    MappedField(
        "beneficiary_siret", "siret", "organisations.siret, siren",
        "The beneficiary's SIRET (14 digits) or SIREN (9 digits).",
    ),
    MappedField(
        "beneficiary_rna", "rna", "organisations.rna", "An association's RNA number (W + 9 digits)."
    ),
    MappedField(
        "beneficiary_city", "text", "organisations.city, territory",
        "The beneficiary's commune, as published; located with the postal code or "
        "department when given.",
    ),
    MappedField(
        "beneficiary_postal_code", "postal_code", "territory",
        "The beneficiary's postal code (5 digits).",
    ),
    MappedField(
        "beneficiary_insee", "insee", "organisations.territory_id, awards.beneficiary_territory_id",
        "The INSEE code of the beneficiary's commune (5 characters).",
    ),
    MappedField(
        "beneficiary_country", "country", "awards.beneficiary_country_code",
        "The beneficiary's country (ISO code or name).",
    ),
    MappedField(
        "project_title", "text", "awards.project_title",
        "The title or object of the award as published.",
    ),
    MappedField(
        "work_title", "text", "works.title, awards.work_id",
        "The title of the work (film, series…) the award supports.",
    ),
    MappedField("amount", "amount", "awards.amount_minor", "The amount awarded."),
    MappedField(
        "requested_amount", "amount", "awards.requested_amount_minor", "The amount applied for."
    ),
    MappedField("currency", "currency", "awards.currency", "ISO 4217 code: EUR, CAD…"),
    MappedField(
        "decision_date", "date", "awards.decision_date", "Date of the decision (commission, vote)."
    ),
    MappedField(
        "fiscal_year", "year", "awards.fiscal_year, fiscal_period",
        "Year (2023) or fiscal period (2023-2024); the decision's year when absent.",
    ),
    MappedField(
        "scheme", "text", "schemes.name, awards.scheme_id",
        "The funder's scheme (dispositif, programme, fund).",
    ),
    MappedField("stage", "vocabulary", "awards.stage", "What is funded.", STAGES),
    MappedField(
        "format", "vocabulary", "awards.format, works.format", "Format of the work.", FORMATS
    ),
    MappedField(
        "genre", "vocabulary", "awards.genre, genre_detail, works.genre", "Genre of the work.",
        GENRES, published="genre_detail",
    ),
    MappedField(
        "aid_type", "vocabulary", "awards.aid_type, aid_type_raw", "Kind of aid.", AID_TYPES,
        published="aid_type_raw",
    ),
    MappedField(
        "language", "text", "awards.language, works.language", "Language of the work, as published."
    ),
    MappedField(
        "first_work", "boolean", "awards.first_work", "The director's first work (yes/no)."
    ),
    MappedField(
        "second_work", "boolean", "awards.second_work", "The director's second work (yes/no)."
    ),
    MappedField(
        "director", "text", "people.full_name",
        "Director(s); several names separated by ',', ';', '/', '&' or 'et'.",
    ),
    MappedField(
        "director_gender", "vocabulary", "awards.director_gender, people.gender",
        "Gender of the director(s) as published.", GENDERS,
    ),
    MappedField(
        "funder", "text", "organisations.name (is_funder), awards.funder_id",
        "Who grants the award (usually a constant).",
    ),
    MappedField(
        "funder_siret", "siret", "organisations.siret, siren (funder)", "The funder's SIRET."
    ),
    MappedField(
        "funder_level", "vocabulary", "organisations.funder_level (funder)",
        "The funder's level of government (a Region: regional).", FUNDER_LEVELS,
    ),
    MappedField(
        "funder_territory", "territory", "organisations.governed_territory_id (funder)",
        "The territory the funder governs: a territory id (FR-R52) or an INSEE/COG code.",
        level="funder_level",
    ),
    MappedField(
        "commission", "text", "commissions.name", "The committee that decided (name or session)."
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: At least one of these must be mapped: a row needs someone or something it funds.
IDENTIFYING = ("beneficiary", "project_title", "work_title")
#: Where the beneficiary is, from the most precise.
PLACE_FIELDS = ("beneficiary_insee", "beneficiary_postal_code", "beneficiary_city")
#: Fields that describe the funder: they need the funder named.
FUNDER_FIELDS = ("funder_siret", "funder_level", "funder_territory")

OPTIONS_HELP: dict[str, str] = {
    "delimiter": "CSV delimiter: ',', ';', 'tab' or '|' (detected when absent).",
    "encoding": "CSV encoding, e.g. 'utf-8', 'cp1252' (detected when absent).",
    "sheet": "Sheet name of a spreadsheet (the first sheet when absent).",
    "decimal": "Decimal separator of amounts in a CSV file: ',' , '.' or 'auto' (default 'auto'); "
    "spreadsheet numbers are always read as numbers.",
    "amounts": "How amounts are written: 'units' (1 234,50 is 1,234.50 of the currency; "
    "default) or 'minor' (whole minor units, cents: 123450 is 1,234.50; what cineatlas' own "
    "exports write).",
    "dates": "How dates are written: 'day-first' (31/12/2023; ISO dates accepted too; default), "
    "'iso' (2023-12-31; other spellings load with a warning) or a strptime format such as "
    "'%d.%m.%Y'.",
    "country": "Country where beneficiary communes are looked up: 'FR' (default) or 'CA'.",
    "private_columns": "Columns holding personal data: never read nor stored (e.g. ['Contact']).",
}
SOURCE_KEYS = ("title", "publisher", "licence", "url")
SECTIONS = ("source", "options", "columns", "constants", "values")
