"""The importer registry. Built-in importers register through the same entry-point group a
third party uses (`cineatlas.importers` in pyproject.toml), or with `register()` at run time.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from cineatlas.errors import UnknownImporter
from cineatlas.importers.base import ImportContext, Importer

__all__ = ["ImportContext", "Importer", "get", "names", "register"]

ENTRY_POINT_GROUP = "cineatlas.importers"
_registry: dict[str, type[Importer] | EntryPoint] = {}
_loaded = False


def register(importer: type[Importer]) -> type[Importer]:
    """Register an importer class under its `name` (usable as a class decorator)."""
    _registry[importer.name] = importer
    return importer


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in _registry:
            _registry[entry.name] = entry  # loaded on first use


def names() -> list[str]:
    _load_entry_points()
    return sorted(_registry)


def get(name: str) -> type[Importer]:
    _load_entry_points()
    try:
        found = _registry[name]
    except KeyError:
        raise UnknownImporter(
            f"No importer is called {name!r}. Available: {', '.join(names())}. "
            "See `cineatlas importers` for what each one reads."
        ) from None
    if isinstance(found, EntryPoint):
        try:
            found = _registry[name] = found.load()
        except Exception as exc:  # a broken plugin must not take the others down
            raise UnknownImporter(
                f"The importer {name!r} is registered by {found.value!r} but failed to load: "
                f"{exc}. Reinstall or remove the package that provides it."
            ) from exc
    return found
