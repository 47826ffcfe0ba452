"""The importer registry. Built-in importers register through the same entry-point group a
third party uses (`cineatlas.importers` in pyproject.toml), or with `register()` at run time.
"""

from __future__ import annotations

from cineatlas.errors import UnknownImporter
from cineatlas.importers.base import ImportContext, Importer
from cineatlas.plugins import Plugins

__all__ = ["ImportContext", "Importer", "get", "names", "register"]

ENTRY_POINT_GROUP = "cineatlas.importers"
_plugins = Plugins(ENTRY_POINT_GROUP, UnknownImporter, "importer",
                   "See `cineatlas importers` for what each one reads.")


def register(importer: type[Importer]) -> type[Importer]:
    """Register an importer class under its `name` (usable as a class decorator)."""
    return _plugins.register(importer)


def names() -> list[str]:
    return _plugins.names()


def get(name: str) -> type[Importer]:
    return _plugins.get(name)
