"""Reading an SCDL file's header: which field each column holds, which version the file
follows, and the header's problems (row 1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cineatlas.importers.scdl.labels import DROPPED_KEYS, LONG_LABEL_KEYS
from cineatlas.importers.scdl.schema import (
    ALL_NAMES,
    DRAFT,
    LABEL_KEYS,
    ORDER,
    V2_1_1,
    VERSION_TITLES,
    VERSIONS,
    fields,
    label_key,
)
from cineatlas.problems import WARNING, Problem
from cineatlas.reading import RawTable


@dataclass
class Layout:
    """How a file's header relates to the standard: its version and field -> column."""

    version: str
    columns: dict[str, str] = field(default_factory=dict)  # field name -> frame column
    problems: list[Problem] = field(default_factory=list)


def match_columns(columns: list[str]) -> tuple[dict[str, str], set[str]]:
    """field name -> column, by label: the field's name exactly, else its name or its long
    French label with case, accents, spaces and punctuation ignored (the first column wins);
    and the fields found by a long label."""
    exact = {c: c for c in columns if c in ALL_NAMES}
    by_key: dict[str, str] = {}
    long_labels: set[str] = set()
    for column in columns:
        key = label_key(column)
        name = LABEL_KEYS.get(key) or LONG_LABEL_KEYS.get(key)
        if name is not None and name not in exact and name not in by_key:
            by_key[name] = column
            if key not in LABEL_KEYS:
                long_labels.add(name)
    return {**by_key, **{name: c for c, name in exact.items()}}, long_labels


def read_header(table: RawTable) -> Layout:
    """Match the file's columns to the standard's fields by label, choose the version the file
    follows (the one it differs least from) and list the header problems (row 1).

    - incorrect-label: a label that differs from the field name (case, accents, punctuation,
      or the field's long French label) or a column out of the standard's order (compared
      position by position over the standard's columns the file has);
    - missing-label: a field of the version that the file lacks;
    - extra-label: a column that is not a field of the version (read anyway when it is a
      field of the other version).
    """
    found, long_labels = match_columns(table.columns)

    def mismatch(version: str) -> int:
        names = set(ORDER[version])
        return len(names - set(found)) + sum(1 for name in found if name not in names)

    version = min(VERSIONS, key=lambda v: (mismatch(v), VERSIONS.index(v)))
    problems = [
        *_relabelled(found, long_labels), *_out_of_order(table, found, version),
        *_missing(found, version), *_extra(table, found, version),
    ]
    return Layout(version, found, problems)


def _relabelled(found: dict[str, str], long_labels: set[str]) -> list[Problem]:
    problems = []
    for name, column in found.items():
        if column == name:
            continue
        if name in long_labels:
            message = (
                f"Column '{column}' is the long French label of the field '{name}' (as the "
                f"first SCDL files wrote their header): it was read as that field. Write the "
                f"field's name ('{name}') as the label."
            )
        else:
            message = (
                f"Column '{column}' was read as the field '{name}': write the label exactly "
                f"as the standard does ('{name}')."
            )
        problems.append(Problem(1, name, "incorrect-label", WARNING, message, column))
    return problems


def _out_of_order(table: RawTable, found: dict[str, str], version: str) -> list[Problem]:
    order = ORDER[version]
    present = [name for name in order if name in found]
    in_file = sorted(present, key=lambda name: table.columns.index(found[name]))
    problems = []
    for name, expected in zip(in_file, present, strict=True):
        if name != expected and found[name] == name:
            problems.append(
                Problem(
                    1, name, "incorrect-label", WARNING,
                    f"Column '{name}' is not where the standard puts it (field "
                    f"{order.index(name) + 1} of {len(order)}, where the file has "
                    f"'{found[expected]}'): put the columns in the standard's order, for tools "
                    "that read them by position.",
                    name,
                )
            )
    return problems


def _missing(found: dict[str, str], version: str) -> list[Problem]:
    order = ORDER[version]
    declared = {f.name: f for f in fields(version)}
    problems = []
    for index, name in enumerate(order):
        if name in found:
            continue
        required = " (required by the standard)" if declared[name].required else ""
        where = f"after '{order[index - 1]}'" if index else "as the first column"
        problems.append(
            Problem(
                1, name, "missing-label", WARNING,
                f"The file has no column '{name}'{required}: add it {where}.", None,
            )
        )
    return problems


def _extra(table: RawTable, found: dict[str, str], version: str) -> list[Problem]:
    declared = {f.name for f in fields(version)}
    field_of = {column: name for name, column in found.items()}
    other = VERSION_TITLES[DRAFT if version == V2_1_1 else V2_1_1]
    problems = []
    for column in table.columns:
        name = field_of.get(column)
        if name in declared:
            continue
        dropped = DROPPED_KEYS.get(label_key(column))
        if name is not None:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}; it is a field "
                f"of {other} and was read."
            )
        elif dropped is not None:
            message = (
                f"Column '{column}' ({dropped}) is a column of the first SCDL files that the "
                "2.x versions dropped: it is not stored."
            )
        else:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}: it is "
                "ignored. Remove it, or rename it if it holds one of the standard's fields."
            )
        problems.append(Problem(1, name or column, "extra-label", WARNING, message, column))
    return problems
