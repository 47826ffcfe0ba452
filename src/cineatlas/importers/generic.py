"""Any list of awards (CSV or spreadsheet), described by a small mapping file.

    cineatlas import generic aides-region.xlsx --mapping my-region.toml

A Region's (or any funder's) own published list loads without code: the mapping file (TOML or
YAML) says which column holds which field, what the published labels mean (stage, format,
genre, aid type, gender, yes/no), the constants of the list (funder, currency, fiscal year…)
and how the file is written (delimiter, decimal separator, date order, sheet). The mapping is
checked before the file is read, with messages naming the mapping file, the key and the fix.

The fields are declared once below (`FIELDS`); the commented example
`mappings/example-region.toml` and docs/importers/generic.md describe the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import MappingError
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.importers.french_places import insee_code
from cineatlas.parsing import Parsed, RowParser, map_unique, values
from cineatlas.parsing.identifiers import siret_parts
from cineatlas.parsing.values import NULL_TEXT, Stages, blank
from cineatlas.problems import ERROR, WARNING, Problem, problem_type
from cineatlas.reading import ROW, RawTable, open_table
from cineatlas.reading.options import OptionValueError, parse_delimiter, parse_encoding
from cineatlas.reading.xlsx import SPREADSHEET_SUFFIXES, no_header_error
from cineatlas.text import clean, name_key

problem_type(
    "unmapped-value", "Value not in the mapping",
    "The label is not in the mapping file's values for this field nor among the usual "
    "labels: add it (published label = canonical value) to the mapping file. The field "
    "was loaded as unknown.",
)
problem_type(
    "total-row", "Total row",
    "A total or subtotal is not an award: the row was set aside. Remove total rows from "
    "the list (or leave them: they are never loaded).",
)
problem_type(
    "amount-not-given", "Amount not given",
    "The amount cell is empty: the award is loaded with an unknown amount (NULL).",
)
problem_type(
    "no-beneficiary", "No beneficiary",
    "The beneficiary cell is empty: the award is loaded without a beneficiary. Fill it in.",
)
problem_type(
    "invalid-currency", "Currency not recognised",
    "Write the currency as an ISO 4217 code (EUR, CAD…) or a symbol (€); an amount "
    "without a currency cannot be loaded.",
)
problem_type(
    "invalid-year", "Not a year",
    "Write the year as YYYY (2023) or a fiscal period as YYYY-YYYY (2023-2024).",
)

# -- vocabularies -----------------------------------------------------------------------------

STAGES = (
    "writing", "development", "production", "post_production", "distribution", "promotion",
    "operation",
)
FORMATS = ("feature", "short", "series", "tv_film", "web", "game", "other")
GENRES = ("fiction", "documentary", "animation", "experimental", "other")
AID_TYPES = (
    "grant", "repayable_advance", "investment", "loan", "contribution", "in_kind", "mixed", "other",
)
GENDERS = ("female", "male", "mixed", "other")

#: The usual published labels of each vocabulary (compared ignoring case, accents and
#: punctuation). A mapping file's own `values` come first.
DEFAULT_LABELS: dict[str, dict[str, Any]] = {
    "stage": {
        "écriture": "writing", "aide à l'écriture": "writing", "scénario": "writing",
        "développement": "development", "aide au développement": "development",
        "production": "production", "aide à la production": "production",
        "post-production": "post_production", "postproduction": "post_production",
        "distribution": "distribution", "diffusion": "distribution", "promotion": "promotion",
        "fonctionnement": "operation", "operation": "operation",
    },
    "format": {
        "long métrage": "feature", "long-métrage": "feature", "LM": "feature",
        "feature film": "feature", "film de long métrage": "feature", "court métrage": "short",
        "court-métrage": "short", "CM": "short", "short film": "short",
        "film de court métrage": "short", "série": "series", "série TV": "series",
        "série télévisée": "series", "séries": "series", "téléfilm": "tv_film",
        "unitaire": "tv_film", "TV movie": "tv_film", "tv film": "tv_film", "série web": "web",
        "websérie": "web", "web-série": "web", "webserie": "web", "jeu vidéo": "game",
        "video game": "game", "autre": "other",
    },
    "genre": {
        "documentaire": "documentary", "doc": "documentary", "anim": "animation",
        "expérimental": "experimental", "autre": "other",
    },
    "aid_type": {
        "subvention": "grant", "aide": "grant", "aide en numéraire": "grant",
        "avance remboursable": "repayable_advance", "avance sur recettes": "repayable_advance",
        "prêt": "loan", "investissement": "investment", "aide en nature": "in_kind",
        "in kind": "in_kind", "mixte": "mixed", "autre": "other",
    },
    "director_gender": {
        "f": "female", "femme": "female", "femmes": "female", "woman": "female", "women": "female",
        "réalisatrice": "female", "réalisatrices": "female", "h": "male", "m": "male",
        "homme": "male", "hommes": "male", "man": "male", "men": "male", "réalisateur": "male",
        "réalisateurs": "male", "mixte": "mixed", "f/h": "mixed", "h/f": "mixed",
        "femme et homme": "mixed", "homme et femme": "mixed", "femmes et hommes": "mixed",
        "autre": "other", "non binaire": "other", "non-binaire": "other",
    },
    "boolean": {
        "oui": True, "o": True, "yes": True, "y": True, "true": True, "vrai": True, "1": True,
        "x": True, "non": False, "n": False, "no": False, "false": False, "faux": False, "0": False,
    },
}

CURRENCY_SIGNS = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$ ca": "CAD", "$ca": "CAD",
    "ca$": "CAD", "can$": "CAD", "c$": "CAD", "dollar canadien": "CAD", "dollars canadiens": "CAD",
    "canadian dollars": "CAD", "us$": "USD", "$ us": "USD", "£": "GBP", "livre sterling": "GBP",
    "franc suisse": "CHF", "francs suisses": "CHF",
}


# -- the fields a mapping may use ------------------------------------------------------------


@dataclass(frozen=True)
class MappedField:
    """A field of the generic importer: its kind (how cells are read), where it goes, help."""

    name: str
    #: text | amount | date | year | vocabulary | boolean | siret | rna | postal_code | insee |
    #: currency | country
    kind: str
    target: str
    help: str
    vocabulary: tuple[str, ...] = ()


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
        GENRES,
    ),
    MappedField(
        "aid_type", "vocabulary", "awards.aid_type, aid_type_raw", "Kind of aid.", AID_TYPES
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
        "commission", "text", "commissions.name", "The committee that decided (name or session)."
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: Fields whose labels a mapping file may translate under `values`.
VALUE_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("vocabulary", "boolean"))
#: At least one of these must be mapped: a row needs someone or something it funds.
IDENTIFYING = ("beneficiary", "project_title", "work_title")
#: Where the beneficiary is, from the most precise.
PLACE_FIELDS = ("beneficiary_insee", "beneficiary_postal_code", "beneficiary_city")

OPTIONS_HELP: dict[str, str] = {
    "delimiter": "CSV delimiter: ',', ';', 'tab' or '|' (detected when absent).",
    "encoding": "CSV encoding, e.g. 'utf-8', 'cp1252' (detected when absent).",
    "sheet": "Sheet name of a spreadsheet (the first sheet when absent).",
    "decimal": "Decimal separator of amounts in a CSV file: ',' , '.' or 'auto' (default 'auto'); "
    "spreadsheet numbers are always read as numbers.",
    "dates": "How dates are written: 'day-first' (31/12/2023; ISO dates accepted too; default), "
    "'iso' (2023-12-31; other spellings load with a warning) or a strptime format such as "
    "'%d.%m.%Y'.",
    "country": "Country where beneficiary communes are looked up: 'FR' (default) or 'CA'.",
    "private_columns": "Columns holding personal data: never read nor stored (e.g. ['Contact']).",
}
SOURCE_KEYS = ("title", "publisher", "licence", "url")
SECTIONS = ("source", "options", "columns", "constants", "values")
#: Where the mappings shipped with cineatlas are (`--mapping example-region` finds one).
SHIPPED = files("cineatlas.importers") / "mappings"


# -- the mapping file --------------------------------------------------------------------------


@dataclass
class MappingFile:
    """A checked mapping: field -> column label, field -> constant, label maps, options."""

    path: Path
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {name_key: value}
    options: dict[str, Any] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    #: sha256 of the file's bytes: part of an import's fingerprint, so that re-importing a
    #: list with an edited mapping (same path) replaces its rows instead of skipping it.
    sha256: str | None = None

    def has(self, name: str) -> bool:
        return name in self.columns or name in self.constants

    def lookup(self, name: str) -> dict[str, Any]:
        """Published label (name_key) -> value for a vocabulary or yes/no field."""
        kind = FIELD_BY_NAME[name]
        defaults = (
            DEFAULT_LABELS["boolean"] if kind.kind == "boolean" else DEFAULT_LABELS.get(name, {})
        )
        table = {name_key(k): v for k, v in defaults.items()}
        table.update({name_key(v): v for v in kind.vocabulary})
        table.update(self.labels.get(name, {}))
        return table


def find_mapping(value: str | Path) -> Path:
    """The mapping file: a path, or the name of a mapping shipped with cineatlas."""
    path = Path(value).expanduser()
    if path.exists() or path.suffix:
        return path
    for suffix in (".toml", ".yaml", ".yml"):
        shipped = SHIPPED / f"{value}{suffix}"
        if shipped.is_file():
            return Path(str(shipped))
    return path


def load_mapping(value: str | Path) -> MappingFile:
    """Read and check a mapping file; raise MappingError listing every problem found."""
    path = find_mapping(value)
    data, digest = _read(path)
    problems: list[str] = []
    mapping = MappingFile(path, sha256=digest)
    unknown = sorted(set(data) - set(SECTIONS))
    for key in unknown:
        problems.append(
            f"{key}: not a section of a mapping file. Use only: {', '.join(SECTIONS)}"
            f"{_did_you_mean(key, SECTIONS)}."
        )
    sections = {name: _table(data, name, problems) for name in SECTIONS}
    _check_source(sections["source"], mapping, problems)
    _check_options(sections["options"], mapping, problems)
    _check_columns(sections["columns"], mapping, problems)
    _check_constants(sections["constants"], mapping, problems)
    _check_values(sections["values"], mapping, problems)
    invalid = {
        name for name in SECTIONS if data.get(name) is not None and not isinstance(data[name], dict)
    }
    _check_whole(mapping, sections, invalid, problems)
    if problems:
        if len(problems) == 1:
            raise MappingError(f"{path}: {problems[0]}")
        listed = "\n".join(f"  - {p}" for p in problems)
        raise MappingError(f"{path} has {len(problems)} problems:\n{listed}")
    return mapping


def _read(path: Path) -> tuple[dict[str, Any], str]:
    """The mapping file's sections, and the sha256 of its bytes."""
    if not path.is_file():
        raise MappingError(
            f"{path}: no such mapping file. Give the path of a .toml or .yaml file "
            "(see src/cineatlas/importers/mappings/example-region.toml)."
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"{path}: not UTF-8 text ({exc}). Save the mapping file as UTF-8."
        ) from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{path}: not valid TOML ({exc}). Check the quotes and brackets on "
            "that line; labels with spaces or accents must be quoted."
        ) from exc
    except Exception as exc:  # yaml.YAMLError and friends
        raise MappingError(
            f"{path}: not valid YAML ({exc}). Check the indentation and quotes on that line."
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MappingError(
            f"{path}: the file must hold sections (columns, constants…), not "
            f"a {type(data).__name__}."
        )
    return data, hashlib.sha256(raw).hexdigest()


def _table(data: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{name}: must be a section of key = value lines, not {value!r}.")
        return {}
    return value


def _did_you_mean(key: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_field(section: str, key: str) -> str:
    return (
        f"{section}.{key}: '{key}' is not a field{_did_you_mean(key, list(FIELD_BY_NAME))}. "
        f"Valid fields: {', '.join(FIELD_BY_NAME)}."
    )


def _check_source(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        if key not in SOURCE_KEYS:
            problems.append(
                f"source.{key}: unknown key. Use: {', '.join(SOURCE_KEYS)}"
                f"{_did_you_mean(key, SOURCE_KEYS)}."
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"source.{key}: must be a non-empty text.")
        else:
            mapping.source[key] = value.strip()


def _check_options(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        if key not in OPTIONS_HELP:
            problems.append(
                f"options.{key}: unknown option{_did_you_mean(key, list(OPTIONS_HELP))}. "
                f"Options: {', '.join(OPTIONS_HELP)}."
            )
            continue
        fix = OPTIONS_HELP[key]
        if key == "private_columns":
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                problems.append(
                    "options.private_columns: must be a list of column labels, e.g. "
                    "['Contact', 'Téléphone']."
                )
                continue
            mapping.options[key] = [v.strip() for v in value]
            continue
        if not isinstance(value, str):
            problems.append(f"options.{key}: must be a text. {fix}")
            continue
        if key in ("delimiter", "encoding"):
            try:
                value = parse_delimiter(value) if key == "delimiter" else parse_encoding(value)
            except OptionValueError as exc:
                problems.append(f"options.{key}: {exc.value!r}: {exc.why}. Accepted: "
                                f"{exc.accepted}.")
                continue
        elif key == "decimal" and value not in (",", ".", "auto"):
            problems.append(f"options.decimal: {value!r} is not ',', '.' or 'auto'. {fix}")
            continue
        elif key == "dates" and value not in ("day-first", "iso") and "%" not in value:
            problems.append(
                f"options.dates: {value!r} is not 'day-first', 'iso' or a strptime format. {fix}"
            )
            continue
        elif key == "country" and value.upper() not in ("FR", "CA"):
            problems.append(
                f"options.country: {value!r}: communes are looked up in 'FR' or 'CA'. {fix}"
            )
            continue
        mapping.options[key] = value.upper() if key == "country" else value


def _check_columns(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        if key not in FIELD_BY_NAME:
            problems.append(_unknown_field("columns", key))
        elif not isinstance(value, str) or not value.strip():
            problems.append(
                f"columns.{key}: must be the label of a column of the file (a text), not {value!r}."
            )
        else:
            mapping.columns[key] = value.strip()


def _check_constants(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        spec = FIELD_BY_NAME.get(key)
        if spec is None:
            problems.append(_unknown_field("constants", key))
            continue
        error, normalised = _constant(spec, value)
        if error:
            problems.append(f"constants.{key}: {error}")
        else:
            mapping.constants[key] = normalised


def _constant(spec: MappedField, value: Any) -> tuple[str | None, Any]:
    """(problem, value as text to parse like a cell)."""
    kind = spec.kind
    if kind == "amount":
        return "an amount cannot be a constant: map it to a column under columns.", None
    if kind == "boolean":
        return (
            (None, "oui" if value else "non")
            if isinstance(value, bool)
            else (f"must be true or false, not {value!r}.", None)
        )
    if kind == "date":
        if isinstance(value, dt.date):
            return None, value.isoformat()[:10]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return None, value.strip()
        return f"must be a date written YYYY-MM-DD, not {value!r}.", None
    if kind == "year":
        text = (
            str(value).strip()
            if isinstance(value, int | str) and not isinstance(value, bool)
            else ""
        )
        if re.fullmatch(r"(19|20)\d{2}(\s*[-/–]\s*((19|20)?\d{2}))?", text):
            return None, text
        return (
            f'must be a year such as 2023 or a fiscal period such as "2023-2024", not {value!r}.',
            None,
        )
    if not isinstance(value, str) or not value.strip():
        return f"must be a non-empty text, not {value!r}.", None
    text = value.strip()
    if kind == "vocabulary" and text not in spec.vocabulary:
        return (
            f"{text!r} is not a {spec.name} value{_did_you_mean(text, spec.vocabulary)}. Valid "
            f"values: {', '.join(spec.vocabulary)}."
        ), None
    if kind == "currency":
        code = currency_code(text)
        return (
            (None, code)
            if code
            else (f"{text!r} is not a currency: write an ISO 4217 code such as EUR or CAD.", None)
        )
    if kind == "siret" and not re.fullmatch(r"\d{9}|\d{14}", re.sub(r"\s", "", text)):
        return f"{text!r} is not a SIRET (14 digits) or SIREN (9 digits).", None
    if kind == "country" and not re.fullmatch(r"[A-Za-z]{2}", text):
        return f"{text!r} is not a two-letter ISO country code such as FR or CA.", None
    return None, text


def _check_values(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, table in section.items():
        spec = FIELD_BY_NAME.get(key)
        if spec is None or key not in VALUE_FIELDS:
            what = (
                "not a field" if spec is None else "not a field with a vocabulary or yes/no values"
            )
            problems.append(
                f"values.{key}: '{key}' is {what}{_did_you_mean(key, VALUE_FIELDS)}. "
                f"Labels can be given for: {', '.join(VALUE_FIELDS)}."
            )
            continue
        if not isinstance(table, dict):
            problems.append(f'values.{key}: must be a section of "published label" = value pairs.')
            continue
        labels: dict[str, Any] = {}
        for label, value in table.items():
            if spec.kind == "boolean":
                if not isinstance(value, bool):
                    problems.append(
                        f"values.{key}.{label!r}: must be true or false, not {value!r}."
                    )
                    continue
            elif value not in spec.vocabulary:
                problems.append(
                    f"values.{key}.{label!r}: {value!r} is not a {key} value"
                    f"{_did_you_mean(str(value), spec.vocabulary)}. Valid values: "
                    f"{', '.join(spec.vocabulary)}."
                )
                continue
            if not name_key(str(label)):
                problems.append(f"values.{key}: the label {label!r} has no letter or digit.")
                continue
            labels[name_key(str(label))] = value
        mapping.labels[key] = labels


def _check_whole(
    mapping: MappingFile, sections: dict[str, dict[str, Any]], invalid: set[str],
    problems: list[str],
) -> None:
    """Checks across sections (`invalid`: sections that are not tables, already reported)."""
    both = sorted(set(mapping.columns) & set(mapping.constants))
    for key in both:
        problems.append(
            f"{key}: given both under columns and under constants. Keep one: the "
            "column when the file has it, the constant when it is the same for every row."
        )
    if not invalid & {"columns"} and not any(name in sections["columns"] for name in IDENTIFYING):
        problems.append(
            f"columns: no column says who or what is funded. Map at least one of "
            f'{", ".join(IDENTIFYING)}, e.g. beneficiary = "Bénéficiaire".'
        )
    if (
        not invalid & {"columns", "constants"}
        and "currency" not in sections["columns"]
        and "currency" not in sections["constants"]
    ):
        problems.append(
            "constants.currency: missing. Say which currency the amounts are in, "
            'e.g. currency = "EUR" under constants (or map a currency column).'
        )
    private = set(mapping.options.get("private_columns", []))
    for key, label in mapping.columns.items():
        if label in private:
            problems.append(
                f"columns.{key}: the column {label!r} is also listed in "
                "options.private_columns; a private column is never read. Remove one."
            )


# -- the importer ------------------------------------------------------------------------------


class GenericImporter(Importer):
    name = "generic"
    title = "List of awards described by a mapping file"
    description = (
        "Any CSV or spreadsheet list of awards (a Region's published list…), read "
        "through a mapping file (TOML or YAML): columns, labels, constants, options."
    )
    publisher = None
    licence = None
    url = None
    tables = ("organisations", "people", "works", "schemes", "commissions", "awards")
    options_help = {
        **Importer.options_help,
        "mapping": "Mapping file (TOML or YAML) describing the list; required. The name of a "
        "shipped mapping (e.g. 'example-region') also works.",
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if not options.get("mapping"):
            raise MappingError(
                "The generic importer needs a mapping file: give it with --mapping FILE (or "
                "--option mapping=FILE). Start from src/cineatlas/importers/mappings/"
                "example-region.toml; docs/importers/generic.md describes the format."
            )
        self.mapping = load_mapping(options["mapping"])
        private = self.mapping.options.get("private_columns", [])
        self.private_columns = tuple(f"private:{label}" for label in private)

    def fingerprint(self) -> dict[str, str]:
        """Digests of the files other than the data file that decide the rows: the mapping.
        The pipeline records them with the options and compares them on re-import."""
        return {"mapping": self.mapping.sha256 or ""}

    def _option(self, name: str) -> Any:
        """An option given on the command line (even empty: it is then refused), else in the
        mapping file."""
        return self.options[name] if name in self.options else self.mapping.options.get(name)

    def open(self, path: Path) -> RawTable:
        """Open the file with the reading options given, else the mapping file's: those for
        the other type of file (a list published as CSV and as XLSX) are left out."""
        spreadsheet = self._spreadsheet = path.suffix.lower() in SPREADSHEET_SUFFIXES

        def option(name: str, applies: bool) -> Any:
            return self._option(name) if name in self.options or applies else None

        return open_table(
            path, delimiter=option("delimiter", not spreadsheet),
            encoding=option("encoding", not spreadsheet), sheet=option("sheet", spreadsheet),
        )

    def source_metadata(self, path: Path) -> dict[str, Any]:
        src = self.mapping.source
        return {
            "title": src.get("title") or f"{path.name} (mapping {self.mapping.path.name})",
            "publisher": src.get("publisher"), "licence": src.get("licence"), "url": src.get("url"),
        }

    def resolve_columns(self, table: RawTable) -> tuple[dict[str, str], list[Problem]]:
        """Find every mapped column (labels compared ignoring case, accents and punctuation)."""
        by_key: dict[str, str] = {}
        for column in table.columns:
            by_key.setdefault(name_key(column), column)
        found: dict[str, str] = {}
        problems: list[Problem] = []
        missing: list[str] = []
        wanted = [(f"columns.{k}", k, label) for k, label in self.mapping.columns.items()]
        wanted += [
            ("options.private_columns", f"private:{label}", label)
            for label in self.mapping.options.get("private_columns", [])
        ]
        for key, name, label in wanted:
            column = label if label in table.columns else by_key.get(name_key(label))
            if column is None:
                if not name.startswith("private:"):
                    missing.append(f"{key} = {label!r}")
                continue
            found[name] = column
            if column != label and not name.startswith("private:"):
                problems.append(
                    Problem(
                        1, name, "incorrect-label", WARNING,
                        f"Column '{column}' was read as '{label}' ({key}).", column,
                    )
                )
        if missing and table.sheet is not None:
            error = no_header_error(table, list(self.mapping.columns.values()), "mapping file")
            if error.code == "wrong-sheet":
                raise error
        if missing:
            one = len(missing) == 1
            raise MappingError(
                f"{self.mapping.path}: {'the column' if one else 'the columns'} "
                f"{', '.join(missing)} {'is' if one else 'are'} not in {table.path.name} "
                f"(its columns: {', '.join(map(repr, table.labels[:40]))}). Fix the label"
                f"{'' if one else 's'} in the mapping file (case, accents and punctuation do not "
                "matter), or check the delimiter and sheet."
            )
        return found, problems

    # -- parse --------------------------------------------------------------------------------
    #
    # The batch keeps the file's columns under their labels (problems name the column the user
    # knows) plus one 'constants.<field>' column per constant; typed outputs are named by field.

    def parse(self, raw: pl.DataFrame, ctx: ImportContext) -> tuple[pl.DataFrame, pl.DataFrame]:
        source = self._sources(ctx)
        frame = raw.select(
            ROW,
            *dict.fromkeys(c for f, c in source.items() if f in self.mapping.columns),
            *(
                pl.lit(str(v), dtype=pl.Utf8).alias(source[f])
                for f, v in self.mapping.constants.items()
            ),
        )
        frame = frame.with_columns(self._lookups(frame, source))
        if self._locates():
            frame = frame.with_columns(self._territories(frame, source, ctx))
        p = RowParser(frame)
        # Spreadsheet numbers arrive as numbers ('15000.5'): the decimal option is for CSV text.
        decimal = (
            "auto" if getattr(self, "_spreadsheet", False) else (self._option("decimal") or "auto")
        )
        for spec in FIELDS:
            if spec.name in source:
                self._add(p, spec, source[spec.name], decimal)
        if "__territory" in frame.columns:
            self._add_territory(p, source)
        self._add_row_checks(p, source)
        return p.finish()

    def _sources(self, ctx: ImportContext) -> dict[str, str]:
        """field -> the batch column it is read from (a file column, or 'constants.<field>')."""
        out = {f: ctx.columns[f] for f in self.mapping.columns}
        out.update({f: f"constants.{f}" for f in self.mapping.constants})
        return out

    def _lookups(self, frame: pl.DataFrame, source: dict[str, str]) -> list[pl.Series]:
        """Per distinct value: vocabularies, yes/no, currency."""
        out = []
        for name in VALUE_FIELDS:
            if name in source:
                table = self.mapping.lookup(name)
                dtype = pl.Boolean if FIELD_BY_NAME[name].kind == "boolean" else pl.Utf8
                out.append(
                    map_unique(
                        frame[source[name]],
                        lambda v, t=table: t.get(name_key(v)) if v else None,
                        dtype,
                    ).alias(f"__{name}")
                )
        if "currency" in source:
            out.append(
                map_unique(frame[source["currency"]], currency_code, pl.Utf8).alias("__currency")
            )
        return out

    def _locates(self) -> bool:
        return any(self.mapping.has(n) for n in PLACE_FIELDS + ("beneficiary_country",))

    def _territories(
        self, frame: pl.DataFrame, source: dict[str, str], ctx: ImportContext
    ) -> list[pl.Series]:
        """The beneficiary's territory and country, resolved once per distinct place."""
        parts = []
        for name, parser in (
            ("beneficiary_insee", insee_code), ("beneficiary_postal_code", postal_code),
            ("beneficiary_city", None), ("beneficiary_country", None),
        ):
            if name not in source:
                parts.append(pl.lit("", dtype=pl.Utf8))
            elif parser is None:
                parts.append(
                    pl.col(source[name])
                    .str.replace_all(r"[|\s]+", " ")
                    .str.strip_chars()
                    .fill_null("")
                )
            else:
                parsed = parser(pl.col(source[name]))
                frame = frame.with_columns(*(e for stage in parsed.stages for e in stage))
                parts.append(parsed.value.fill_null(""))
        keys = frame.select(pl.concat_str(parts, separator="|").alias("place")).to_series()
        country = (self._option("country") or "FR").upper()
        found: dict[str, tuple[str | None, str | None]] = {}

        def resolve(key: str) -> tuple[str | None, str | None]:
            if key not in found:
                insee, postal, city, given = key.split("|", 3)
                found[key] = locate(
                    lambda: ctx.geocoder, insee, postal, city, given, default_country=country
                )
            return found[key]

        territory = map_unique(keys, lambda k: resolve(k)[0] if k.strip("|") else None, pl.Utf8)
        country_code = map_unique(keys, lambda k: resolve(k)[1] if k.strip("|") else None, pl.Utf8)
        return [territory.alias("__territory"), country_code.alias("__country")]

    def _add(self, p: RowParser, spec: MappedField, column: str, decimal: str) -> None:
        """Parse one field from its column (problems name the column)."""
        raw = pl.col(column)
        name, kind = spec.name, spec.kind
        if kind == "text":
            p.add(name, column, values.text(raw))
        elif kind == "amount":
            currency = pl.col("__currency") if "__currency" in p.frame.columns else None
            parsed = values.money(raw, decimal=decimal, currency=currency)
            code = pl.when(blank(raw)).then(pl.lit("amount-not-given")).otherwise(parsed.code)
            p.add(
                f"{name}_minor", column,
                Parsed(
                    parsed.value, code, {**parsed.severities, "amount-not-given": WARNING},
                    parsed.stages, parsed.detail,
                ),
            )
        elif kind == "date":
            p.add(name, column, date_cells(raw, self._option("dates") or "day-first"))
        elif kind == "year":
            year, period = fiscal_year(raw)
            p.add(name, column, year)
            p.add_value("fiscal_period", period)
        elif kind in ("vocabulary", "boolean"):
            value = pl.col(f"__{name}")
            code = (
                pl.when(~blank(raw) & value.is_null())
                .then(pl.lit("unmapped-value"))
                .otherwise(NULL_TEXT)
            )
            p.add(name, column, Parsed(value, code, {"unmapped-value": WARNING}))
            if name in ("genre", "aid_type"):
                p.add_value("genre_detail" if name == "genre" else "aid_type_raw", _tidy(raw))
        elif kind == "siret":
            st = Stages()
            siret, siren, valid = siret_parts(raw, st)
            code = (
                pl.when(~blank(raw) & ~valid)
                .then(pl.lit("french-siret-value"))
                .otherwise(NULL_TEXT)
            )
            p.add(name, column, Parsed(siret, code, {"french-siret-value": WARNING}, st.stages))
            p.add_value(f"{name}_siren", siren)
        elif kind == "rna":
            text = raw.str.strip_chars().str.to_uppercase()
            ok = text.str.contains(r"^W\d{9}$")
            p.add(
                name, column,
                Parsed(
                    pl.when(ok).then(text).otherwise(NULL_TEXT),
                    pl.when(~blank(raw) & ~ok).then(pl.lit("pattern")).otherwise(NULL_TEXT),
                    {"pattern": WARNING},
                ),
            )
        elif kind == "postal_code":
            p.add(name, column, postal_code(raw))
        elif kind == "insee":
            p.add(name, column, insee_code(raw))
        elif kind == "currency":
            value = pl.col("__currency")
            code = pl.when(value.is_null()).then(pl.lit("invalid-currency")).otherwise(NULL_TEXT)
            p.add(name, column, Parsed(value, code, {"invalid-currency": ERROR}))
        elif kind == "country":
            p.add_value(name, _tidy(raw))

    @staticmethod
    def _add_territory(p: RowParser, source: dict[str, str]) -> None:
        """The territory found; 'unknown-territory' (on the most precise place column given)
        when a commune code, postal code or city was given but not found."""
        places = [source[c] for c in PLACE_FIELDS if c in source]
        if places:
            given = pl.any_horizontal([~blank(pl.col(c)) for c in places])
            code = (
                pl.when(given & pl.col("__territory").is_null())
                .then(pl.lit("unknown-territory"))
                .otherwise(NULL_TEXT)
            )
            p.add(
                "beneficiary_territory_id", places[0],
                Parsed(pl.col("__territory"), code, {"unknown-territory": WARNING}),
            )
        else:
            p.add_value("beneficiary_territory_id", pl.col("__territory"))
        p.add_value("__country_code", pl.col("__country"))

    @staticmethod
    def _add_row_checks(p: RowParser, source: dict[str, str]) -> None:
        """A total row is set aside; a row without beneficiary nor title is an error; without
        beneficiary but with a title, a warning."""
        columns = {n: source[n] for n in IDENTIFYING if n in source}
        totals = {}
        for column in dict.fromkeys(columns.values()):
            totals[column] = (
                pl.col(column).str.contains(r"(?i)^\s*(sous[\s-]?)?total\b").fill_null(False)
            )
            p.add(
                f"__total_{column}", column,
                Parsed(
                    pl.lit(None),
                    pl.when(totals[column]).then(pl.lit("total-row")).otherwise(NULL_TEXT),
                    {"total-row": ERROR},
                ),
            )
        present = {n: ~blank(pl.col(c)) for n, c in columns.items()}
        code = (
            pl.when(pl.any_horizontal(list(totals.values())))
            .then(NULL_TEXT)
            .when(~pl.any_horizontal(list(present.values())))
            .then(pl.lit("required"))
        )
        if "beneficiary" in present:
            code = code.when(~present["beneficiary"]).then(pl.lit("no-beneficiary"))
        p.add(
            "__identified", next(iter(columns.values())),
            Parsed(
                pl.lit(None), code.otherwise(NULL_TEXT),
                {"required": ERROR, "no-beneficiary": WARNING},
            ),
        )

    # -- emit ---------------------------------------------------------------------------------

    def emit(self, rows: pl.DataFrame, ctx: ImportContext) -> dict[str, pl.DataFrame]:
        rows = rows.sort(ROW).with_columns(
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in _OUTPUTS.items()
            if name not in rows.columns
        )
        key = {
            name: map_unique(rows[name], name_key, pl.Utf8)
            for name in ("beneficiary", "funder", "scheme", "work_title", "commission")
        }
        year = pl.coalesce(pl.col("fiscal_year"), pl.col("decision_date").dt.year()).cast(pl.Int32)
        rows = rows.with_columns(
            year.alias("fiscal_year"), *(key[n].alias(f"{n}_key") for n in key)
        )
        funder_scoped = {
            n: pl.select(
                pl.when(key[n] != "").then(pl.concat_str([key["funder"], pl.lit("|"), key[n]]))
            ).to_series()
            for n in ("scheme",)
        }
        commission_key = rows.select(
            pl.when(pl.col("commission_key") != "").then(
                pl.concat_str(
                    [
                        pl.col("funder_key"), pl.lit("|"), pl.col("commission_key"), pl.lit("|"),
                        pl.col("fiscal_year").cast(pl.Utf8).fill_null(""),
                    ]
                )
            )
        ).to_series()
        rows = rows.with_columns(
            ctx.entity_id("org", key["beneficiary"]).alias("beneficiary_id"),
            ctx.entity_id("org", key["funder"]).alias("funder_id"),
            ctx.entity_id("scheme", funder_scoped["scheme"]).alias("scheme_id"),
            ctx.entity_id("work", key["work_title"]).alias("work_id"),
            ctx.entity_id("commission", commission_key).alias("commission_id"),
        )
        rows = rows.with_columns(_country_code().alias("beneficiary_country_code"))
        return {
            "organisations": _organisations(rows), "people": _people(rows, ctx),
            "works": rows.filter(pl.col("work_id").is_not_null())
            .select(
                "work_id", pl.col("work_title").alias("title"),
                pl.col("work_title_key").alias("title_key"), "language", "format", "genre",
            )
            .unique("work_id", keep="first", maintain_order=True),
            "schemes": rows.filter(pl.col("scheme_id").is_not_null())
            .select(
                "scheme_id", "funder_id", pl.col("scheme").alias("name"),
                pl.col("scheme_key").alias("name_key"),
            )
            .unique("scheme_id", keep="first", maintain_order=True),
            "commissions": rows.filter(pl.col("commission_id").is_not_null())
            .select(
                "commission_id", "funder_id", pl.col("commission").alias("name"),
                pl.col("fiscal_year").alias("year"),
            )
            .unique("commission_id", keep="first", maintain_order=True),
            "awards": _awards(rows, ctx),
        }


#: Typed columns `emit` reads (a mapping may leave any of them out).
_OUTPUTS: dict[str, pl.DataType] = {
    "beneficiary": pl.Utf8(), "beneficiary_siret": pl.Utf8(), "beneficiary_siret_siren": pl.Utf8(),
    "beneficiary_rna": pl.Utf8(), "beneficiary_city": pl.Utf8(),
    "beneficiary_territory_id": pl.Utf8(), "beneficiary_country": pl.Utf8(),
    "__country_code": pl.Utf8(), "project_title": pl.Utf8(), "work_title": pl.Utf8(),
    "amount_minor": pl.Int64(), "requested_amount_minor": pl.Int64(), "currency": pl.Utf8(),
    "decision_date": pl.Date(), "fiscal_year": pl.Int64(), "fiscal_period": pl.Utf8(),
    "scheme": pl.Utf8(), "stage": pl.Utf8(), "format": pl.Utf8(), "genre": pl.Utf8(),
    "genre_detail": pl.Utf8(), "aid_type": pl.Utf8(), "aid_type_raw": pl.Utf8(),
    "language": pl.Utf8(), "first_work": pl.Boolean(), "second_work": pl.Boolean(),
    "director": pl.Utf8(), "director_gender": pl.Utf8(), "funder": pl.Utf8(),
    "funder_siret": pl.Utf8(), "funder_siret_siren": pl.Utf8(), "commission": pl.Utf8(),
}


def _country_code() -> pl.Expr:
    """From the territory found, else the country given, else 'FR' for a SIRET/SIREN/RNA."""
    registered = (
        pl.col("beneficiary_siret").is_not_null()
        | pl.col("beneficiary_siret_siren").is_not_null()
        | pl.col("beneficiary_rna").is_not_null()
    )
    return pl.coalesce(
        pl.col("beneficiary_territory_id").str.extract(r"^([A-Z]{2})", 1), pl.col("__country_code"),
        pl.when(registered).then(pl.lit("FR")),
    )


def _organisations(rows: pl.DataFrame) -> pl.DataFrame:
    funders = rows.filter(pl.col("funder_id").is_not_null()).select(
        pl.col("funder_id").alias("organisation_id"), pl.col("funder").alias("name"),
        pl.col("funder_key").alias("name_key"), NULL_TEXT.alias("kind"),
        pl.lit(True).alias("is_funder"), pl.col("funder_siret").alias("siret"),
        pl.col("funder_siret_siren").alias("siren"), NULL_TEXT.alias("rna"),
        NULL_TEXT.alias("city"), NULL_TEXT.alias("territory_id"),
        pl.when(pl.col("funder_siret_siren").is_not_null())
        .then(pl.lit("FR"))
        .otherwise(NULL_TEXT)
        .alias("country_code"),
    )
    beneficiaries = rows.filter(pl.col("beneficiary_id").is_not_null()).select(
        pl.col("beneficiary_id").alias("organisation_id"), pl.col("beneficiary").alias("name"),
        pl.col("beneficiary_key").alias("name_key"),
        pl.when(pl.col("beneficiary_rna").is_not_null())
        .then(pl.lit("association"))
        .otherwise(NULL_TEXT)
        .alias("kind"), pl.lit(False).alias("is_funder"),
        pl.col("beneficiary_siret").alias("siret"),
        pl.col("beneficiary_siret_siren").alias("siren"), pl.col("beneficiary_rna").alias("rna"),
        pl.col("beneficiary_city").alias("city"),
        pl.col("beneficiary_territory_id").alias("territory_id"),
        pl.col("beneficiary_country_code").alias("country_code"),
    )
    return (
        pl.concat([funders, beneficiaries], how="vertical_relaxed")
        .group_by("organisation_id", maintain_order=True)
        .agg(
            pl.col("name").first(), pl.col("name_key").first(), pl.col("is_funder").any(),
            *(
                pl.col(c).drop_nulls().first()
                for c in ("kind", "siret", "siren", "rna", "city", "territory_id", "country_code")
            ),
        )
    )


_NAME_SEPARATORS = r"\s+(?:et|and|&)\s+|\s*[,;/&]\s*"


def _people(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    """Directors, one row per name; the published gender only when the cell names one person."""
    names = (
        rows.filter(pl.col("director").is_not_null())
        .select(
            pl.col("director")
            .str.replace_all(_NAME_SEPARATORS, "|")
            .str.split("|")
            .alias("full_name"), "director_gender",
        )
        .with_columns(pl.col("full_name").list.len().alias("n"))
        .explode("full_name")
        .with_columns(pl.col("full_name").str.strip_chars())
        .filter(pl.col("full_name") != "")
    )
    if names.is_empty():
        return pl.DataFrame()
    keys = map_unique(names["full_name"], name_key, pl.Utf8)
    return names.select(
        ctx.entity_id("person", keys).alias("person_id"), "full_name", keys.alias("name_key"),
        pl.when((pl.col("n") == 1) & pl.col("director_gender").is_in(["female", "male", "other"]))
        .then(pl.col("director_gender"))
        .otherwise(NULL_TEXT)
        .alias("gender"),
    ).unique("person_id", keep="first", maintain_order=True)


def _awards(rows: pl.DataFrame, ctx: ImportContext) -> pl.DataFrame:
    return rows.select(
        (pl.lit(ctx.source_id + "/") + pl.col(ROW).cast(pl.Utf8)).alias("award_id"),
        pl.col(ROW).alias("row_number"), "funder_id", "scheme_id", "beneficiary_id", "work_id",
        pl.coalesce("project_title", "work_title").alias("project_title"), "decision_date",
        "fiscal_year", "fiscal_period", "amount_minor", "currency", "requested_amount_minor",
        "aid_type", "aid_type_raw", "stage", "format", "genre", "genre_detail", "language",
        "first_work", "second_work", "director_gender", "beneficiary_territory_id",
        "beneficiary_country_code",
    )


# -- cell readers ------------------------------------------------------------------------------


def _tidy(raw: pl.Expr) -> pl.Expr:
    """Text as published, inner spaces collapsed; empty is null."""
    text = raw.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text == "").then(NULL_TEXT).otherwise(text)


def currency_code(text: str | None) -> str | None:
    """'€', 'EUR', 'euros' -> 'EUR'; '$ CA' -> 'CAD'; any three letters -> upper case."""
    if not text:
        return None
    key = " ".join(text.strip().lower().split())
    if key in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[key]
    folded = name_key(text)
    if folded in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[folded]
    return text.strip().upper() if re.fullmatch(r"[A-Za-z]{3}", text.strip()) else None


def postal_code(raw: pl.Expr) -> Parsed:
    """A French postal code: '6000' or '6000.0' (read as a number) -> '06000' with a warning."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.replace(r"\.0+$", "").str.replace_all(r"\s", ""))
    short = text.str.contains(r"^\d{4}$")
    ok = text.str.contains(r"^\d{5}$")
    value = pl.when(short).then(pl.lit("0") + text).when(ok).then(text).otherwise(NULL_TEXT)
    code = (
        pl.when(blank(text))
        .then(NULL_TEXT)
        .when(short)
        .then(pl.lit("padded-code"))
        .when(~ok)
        .then(pl.lit("pattern"))
        .otherwise(NULL_TEXT)
    )
    return Parsed(value, code, {"padded-code": WARNING, "pattern": WARNING}, st.stages)


def date_cells(raw: pl.Expr, order: str) -> Parsed:
    """Dates as the mapping says: 'day-first' (ISO accepted), 'iso', or a strptime format."""
    if order in ("day-first", "iso"):
        return values.date(raw, iso_only_is_standard=order == "iso")
    return values.date(raw, formats=(order,))


def fiscal_year(raw: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """(fiscal year, fiscal period): '2023' -> 2023; '2023-2024' or '2023/24' -> 2023 and the
    period as published."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.replace(r"\.0+$", ""))
    single = text.str.contains(r"^(19|20)\d{2}$")
    period = text.str.contains(r"^(19|20)\d{2}\s*[-/–]\s*((19|20)?\d{2})$")
    year = (
        pl.when(single | period)
        .then(text.str.slice(0, 4).cast(pl.Int64, strict=False))
        .otherwise(pl.lit(None, dtype=pl.Int64))
    )
    code = (
        pl.when(blank(raw))
        .then(NULL_TEXT)
        .when(year.is_null())
        .then(pl.lit("invalid-year"))
        .otherwise(NULL_TEXT)
    )
    published = pl.when(period).then(text).otherwise(NULL_TEXT)
    return Parsed(year, code, {"invalid-year": WARNING}, st.stages), published


def locate(
    geocoder_of: Callable[[], Any], insee: str, postal: str, city: str, country_text: str, *,
    default_country: str = "FR",
) -> tuple[str | None, str | None]:
    """(territory id, country code) of a beneficiary from its commune code, postal code, city
    and country, in that order of trust. The geocoder is only asked for when needed (building
    the reference territories takes a while)."""
    country = None
    if country_text:
        if re.fullmatch(r"[A-Za-z]{2}", country_text):
            country = country_text.upper()
        else:
            country = geocoder_of().country(country_text)
    where = country or default_country
    territory = None
    if insee and where == "FR":
        territory = geocoder_of().commune(insee)
    if territory is None and postal and where == "FR":
        territory = geocoder_of().postal_code(postal, city or None)
    if territory is None and city and where in ("FR", "CA"):
        within = None
        if where == "FR" and re.fullmatch(r"\d{5}", postal) and not postal.startswith("20"):
            within = f"FR-D{postal[:3] if postal.startswith('97') else postal[:2]}"
        territory = geocoder_of().city(clean(city), country=where, within=within)
    if territory is not None:
        country = territory.split("-")[0]
    return territory, country
