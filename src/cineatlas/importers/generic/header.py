"""The file's header against the mapping: every mapped label found among the file's columns
(ignoring case, accents and punctuation), or one `MappingError` listing those missing."""

from __future__ import annotations

from cineatlas.errors import MappingError
from cineatlas.importers.generic.mapping import MappingFile
from cineatlas.problems import WARNING, Problem
from cineatlas.reading import RawTable
from cineatlas.reading.xlsx import no_header_error
from cineatlas.text import name_key

#: Private columns are resolved under this prefix (and never read).
PRIVATE = "private:"


def resolve_columns(
    mapping: MappingFile, table: RawTable,
) -> tuple[dict[str, str], list[Problem]]:
    """(field or 'private:<label>' -> the file's column, header problems)."""
    by_key: dict[str, str] = {}
    for column in table.columns:
        by_key.setdefault(name_key(column), column)
    found: dict[str, str] = {}
    problems: list[Problem] = []
    missing: list[str] = []
    wanted = [(f"columns.{k}", k, label) for k, label in mapping.columns.items()]
    wanted += [
        ("options.private_columns", f"{PRIVATE}{label}", label)
        for label in mapping.options.get("private_columns", [])
    ]
    for key, name, label in wanted:
        column = label if label in table.columns else by_key.get(name_key(label))
        private = name.startswith(PRIVATE)
        if column is None:
            if not private:
                missing.append(f"{key} = {label!r}")
            continue
        found[name] = column
        if column != label and not private:
            problems.append(
                Problem(
                    1, name, "incorrect-label", WARNING,
                    f"Column '{column}' was read as '{label}' ({key}).", column,
                )
            )
    if missing and table.sheet is not None:
        error = no_header_error(table, list(mapping.columns.values()), "mapping file")
        if error.code == "wrong-sheet":
            raise error
    if missing:
        one = len(missing) == 1
        raise MappingError(
            f"{mapping.path}: {'the column' if one else 'the columns'} "
            f"{', '.join(missing)} {'is' if one else 'are'} not in {table.path.name} "
            f"(its columns: {', '.join(map(repr, table.labels[:40]))}). Fix the label"
            f"{'' if one else 's'} in the mapping file (case, accents and punctuation do not "
            "matter), or check the delimiter and sheet."
        )
    return found, problems
