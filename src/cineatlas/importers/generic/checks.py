"""The checks of a mapping file's sections, each problem a message naming the key and the fix;
`check` runs them all and returns every problem found."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cineatlas.importers.generic.kinds import KINDS, VALUE_FIELDS, did_you_mean
from cineatlas.importers.generic.schema import (
    FIELD_BY_NAME,
    FUNDER_FIELDS,
    IDENTIFYING,
    OPTIONS_HELP,
    SECTIONS,
    SOURCE_KEYS,
)
from cineatlas.reading.options import OptionValueError, parse_delimiter, parse_encoding
from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.importers.generic.mapping import MappingFile


def check(data: Mapping[str, Any], mapping: MappingFile) -> list[str]:
    """Check every section of a mapping file's `data` into `mapping`; the problems found."""
    problems: list[str] = []
    for key in sorted(set(data) - set(SECTIONS)):
        problems.append(
            f"{key}: not a section of a mapping file. Use only: {', '.join(SECTIONS)}"
            f"{did_you_mean(key, SECTIONS)}."
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
    return problems


def _table(data: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{name}: must be a section of key = value lines, not {value!r}.")
        return {}
    return value


def _unknown_field(section: str, key: str) -> str:
    return (
        f"{section}.{key}: '{key}' is not a field{did_you_mean(key, list(FIELD_BY_NAME))}. "
        f"Valid fields: {', '.join(FIELD_BY_NAME)}."
    )


def _check_source(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        if key not in SOURCE_KEYS:
            problems.append(
                f"source.{key}: unknown key. Use: {', '.join(SOURCE_KEYS)}"
                f"{did_you_mean(key, SOURCE_KEYS)}."
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"source.{key}: must be a non-empty text.")
        else:
            mapping.source[key] = value.strip()


def _check_options(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, value in section.items():
        if key not in OPTIONS_HELP:
            problems.append(
                f"options.{key}: unknown option{did_you_mean(key, list(OPTIONS_HELP))}. "
                f"Options: {', '.join(OPTIONS_HELP)}."
            )
            continue
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
            problems.append(f"options.{key}: must be a text. {OPTIONS_HELP[key]}")
            continue
        problem, value = _option(key, value)
        if problem:
            problems.append(f"options.{key}: {problem}")
        else:
            mapping.options[key] = value


def _option(key: str, value: str) -> tuple[str | None, str]:
    """(problem, value as kept) of a text option."""
    fix = OPTIONS_HELP[key]
    if key in ("delimiter", "encoding"):
        try:
            return None, parse_delimiter(value) if key == "delimiter" else parse_encoding(value)
        except OptionValueError as exc:
            return f"{exc.value!r}: {exc.why}. Accepted: {exc.accepted}.", value
    if key == "decimal" and value not in (",", ".", "auto"):
        return f"{value!r} is not ',', '.' or 'auto'. {fix}", value
    if key == "amounts" and value not in ("units", "minor"):
        return f"{value!r} is not 'units' or 'minor'. {fix}", value
    if key == "dates" and value not in ("day-first", "iso") and "%" not in value:
        return f"{value!r} is not 'day-first', 'iso' or a strptime format. {fix}", value
    if key == "country":
        if value.upper() not in ("FR", "CA"):
            return f"{value!r}: communes are looked up in 'FR' or 'CA'. {fix}", value
        return None, value.upper()
    return None, value


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
        error, normalised = KINDS[spec.kind].constant(spec, value)
        if error:
            problems.append(f"constants.{key}: {error}")
        else:
            mapping.constants[key] = normalised


def _check_values(section: dict[str, Any], mapping: MappingFile, problems: list[str]) -> None:
    for key, table in section.items():
        spec = FIELD_BY_NAME.get(key)
        if spec is None or key not in VALUE_FIELDS:
            what = (
                "not a field" if spec is None else "not a field with a vocabulary or yes/no values"
            )
            problems.append(
                f"values.{key}: '{key}' is {what}{did_you_mean(key, VALUE_FIELDS)}. "
                f"Labels can be given for: {', '.join(VALUE_FIELDS)}."
            )
            continue
        if not isinstance(table, dict):
            problems.append(f'values.{key}: must be a section of "published label" = value pairs.')
            continue
        check_label = KINDS[spec.kind].label
        assert check_label is not None  # a field of VALUE_FIELDS
        labels: dict[str, Any] = {}
        for label, value in table.items():
            error, value = check_label(spec, value)
            if error:
                problems.append(f"values.{key}.{label!r}: {error}")
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
    if not invalid & {"columns", "constants"} and not mapping.has("funder"):
        for key in (k for k in FUNDER_FIELDS if mapping.has(k)):
            section = "columns" if key in mapping.columns else "constants"
            problems.append(
                f"{section}.{key}: describes the funder, who is not named. Give the funder, "
                'e.g. funder = "Région Pays de la Loire" under constants.'
            )
    private = set(mapping.options.get("private_columns", []))
    for key, label in mapping.columns.items():
        if label in private:
            problems.append(
                f"columns.{key}: the column {label!r} is also listed in "
                "options.private_columns; a private column is never read. Remove one."
            )
