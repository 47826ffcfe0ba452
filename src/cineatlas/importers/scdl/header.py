"""Reading an SCDL file's header: which field each column holds, which version the file
follows, and the header's problems (row 1)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


def read_header(table: RawTable) -> Layout:
    """Match the file's columns to the standard's fields by label, choose the version the file
    follows (the one it differs least from) and list the header problems (row 1).

    - incorrect-label: a label that differs from the field name (case, accents, punctuation)
      or a column out of the standard's order (compared position by position over the
      standard's columns the file has);
    - missing-label: a field of the version that the file lacks;
    - extra-label: a column that is not a field of the version (read anyway when it is a
      field of the other version).
    """
    exact = {c: c for c in table.columns if c in ALL_NAMES}
    by_key: dict[str, str] = {}
    for column in table.columns:
        name = LABEL_KEYS.get(label_key(column))
        if name is not None and name not in exact:
            by_key.setdefault(name, column)
    found = {**by_key, **{name: c for c, name in exact.items()}}

    def mismatch(version: str) -> int:
        names = set(ORDER[version])
        return len(names - set(found)) + sum(1 for name in found if name not in names)

    version = min(VERSIONS, key=lambda v: (mismatch(v), VERSIONS.index(v)))
    order = ORDER[version]
    declared = {f.name: f for f in fields(version)}
    problems: list[Problem] = []
    for name, column in found.items():
        if column != name:
            problems.append(
                Problem(
                    1, name, "incorrect-label", WARNING,
                    f"Column '{column}' was read as the field '{name}': write the "
                    f"label exactly as the standard does ('{name}').", column,
                )
            )
    present = [name for name in order if name in found]
    in_file = sorted(present, key=lambda name: table.columns.index(found[name]))
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
    field_of = {column: name for name, column in found.items()}
    other = VERSION_TITLES[DRAFT if version == V2_1_1 else V2_1_1]
    for column in table.columns:
        name = field_of.get(column)
        if name in declared:
            continue
        if name is not None:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}; it is a field "
                f"of {other} and was read."
            )
        else:
            message = (
                f"Column '{column}' is not a field of {VERSION_TITLES[version]}: it is "
                "ignored. Remove it, or rename it if it holds one of the standard's fields."
            )
        problems.append(Problem(1, name or column, "extra-label", WARNING, message, column))
    return Layout(version, found, problems)
