"""A mapping file: found (a path or a shipped name), read (TOML or YAML) and checked, every
problem reported at once in one `MappingError` naming the file, the key and the fix."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from cineatlas.errors import MappingError
from cineatlas.importers.generic import checks

#: Where the mappings shipped with cineatlas are (`--mapping example-region` finds one).
SHIPPED = files("cineatlas.importers.generic") / "mappings"


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
    mapping = MappingFile(path, sha256=digest)
    problems = checks.check(data, mapping)
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
            "(see src/cineatlas/importers/generic/mappings/example-region.toml)."
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
