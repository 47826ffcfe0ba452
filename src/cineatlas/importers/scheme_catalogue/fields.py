"""The fields of a scheme in a catalogue file: each TOML key, the column it fills, its kind
and the vocabulary its values come from. Every field of `cineatlas.schemes.model` has its key
(a test checks it), and the fields of the standard's « professionnels » extension too."""

from __future__ import annotations

from dataclasses import dataclass

from cineatlas.store.vocabularies import (
    APPLICANTS,
    FORMATS,
    GENRES,
    SCHEME_LEVELS,
    SCHEME_TARGETS,
    STAGES,
    WORK_RANKS,
)


@dataclass(frozen=True)
class Key:
    """A key of a scheme's table: the column it fills, its kind (text | url | list | datetime
    | amount | integer | code | funder | parent | bodies | dates | documents), the codes it
    takes (None: any text) and whether it needs a source (the catalogue's fields do; the
    base fields, whose source is the catalogue file itself, may have one)."""

    key: str
    column: str
    kind: str
    codes: tuple[str, ...] | None = None
    sourced: bool = True
    #: The codes' French and English labels, to suggest a code for a label written instead.
    labels: dict[str, tuple[str, str]] | None = None


COMPANY_SIZES = ("MIC", "PME", "ETI", "GE")
#: Currencies and their minor units (ISO 4217); amounts are stored in minor units exactly.
CURRENCIES = {"EUR": 2, "CAD": 2, "USD": 2, "GBP": 2, "CHF": 2}

KEYS: tuple[Key, ...] = (
    # base fields: their source is the catalogue file (a source may still be given)
    Key("id", "reference", "text", sourced=False),
    Key("name", "name", "text", sourced=False),
    Key("funder", "funder_id", "funder", sourced=False),
    Key("level", "level", "code", tuple(SCHEME_LEVELS), sourced=False, labels=SCHEME_LEVELS),
    Key("url", "url", "url", sourced=False),
    Key("parent", "parent_scheme_id", "parent", sourced=False),
    Key("stage", "stage", "code", tuple(STAGES), sourced=False, labels=STAGES),
    # the standard's fields
    Key("promise", "promise", "text"),
    Key("description", "description", "text"),
    Key("eligibility", "eligibility", "text"),
    Key("aid_types", "aid_types", "list"),
    Key("targets", "targets", "list", tuple(SCHEME_TARGETS), labels=SCHEME_TARGETS),
    Key("parent_programmes", "parent_programmes", "list"),
    Key("geographic_eligibility", "geographic_eligibility", "cog"),
    Key("geographic_exclusions", "geographic_exclusions", "cog"),
    Key("opens_at", "opens_at", "datetime"),
    Key("closes_at", "closes_at", "datetime"),
    Key("updated_at", "updated_at", "datetime"),
    Key("bodies", "bodies", "bodies"),
    # cinema's fields
    Key("criteria", "criteria", "text"),
    Key("territorial_condition", "territorial_condition", "text"),
    Key("stages", "stages", "list", tuple(STAGES), labels=STAGES),
    Key("formats", "formats", "list", tuple(FORMATS), labels=FORMATS),
    Key("genres", "genres", "list", tuple(GENRES), labels=GENRES),
    Key("applicants", "applicants", "list", tuple(APPLICANTS), labels=APPLICANTS),
    Key("work_ranks", "work_ranks", "list", tuple(WORK_RANKS), labels=WORK_RANKS),
    Key("amount_min", "amount_min_minor", "amount"),
    Key("amount_max", "amount_max_minor", "amount"),
    Key("amount_typical", "amount_typical_minor", "amount"),
    Key("currency", "currency", "code", tuple(CURRENCIES)),
    Key("commission_name", "commission_name", "text"),
    Key("dates", "dates", "dates"),
    Key("documents", "documents", "documents"),
    # the standard's « professionnels » extension
    Key("min_employees", "min_employees", "integer"),
    Key("max_employees", "max_employees", "integer"),
    Key("company_sizes", "company_sizes", "list", COMPANY_SIZES),
    Key("min_years_in_existence", "min_years_in_existence", "integer"),
    Key("legal_forms", "legal_forms", "list"),
    Key("legal_form_exclusions", "legal_form_exclusions", "list"),
    Key("activity_sectors", "activity_sectors", "list"),
    Key("naf_codes", "naf_codes", "list"),
    Key("naf_exclusions", "naf_exclusions", "list"),
    Key("payment_of", "payment_of", "text"),
)
BY_KEY: dict[str, Key] = {k.key: k for k in KEYS}
#: Keys of a scheme's table besides its fields.
SOURCES = "sources"
DEFAULT_SOURCE = "default"
#: The keys of a body, a date and a document.
BODY_KEYS = ("name", "siren", "roles")
DATE_KEYS = ("kind", "date", "title", "url")
DOCUMENT_KEYS = ("kind", "title", "url", "published_from")
#: The top-level tables of a catalogue file.
CATALOGUE_KEYS = ("title", "publisher", "licence", "url", "format")
FORMAT_VERSION = 1
