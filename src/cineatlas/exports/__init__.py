"""The exporter registry: one module per output format, each with one `Exporter` subclass.

Built-in exporters register through the entry-point group a third party uses
(`cineatlas.exporters` in pyproject.toml), or with `register()` at run time — as importers do.

    from cineatlas import exports
    report = exports.get("datapackage")().write(store, Cut(territory=("FR-R52",)), Path("out"))
"""

from __future__ import annotations

from cineatlas.errors import AtlasError
from cineatlas.exports.base import Cut, Exporter, ExportReport
from cineatlas.plugins import Plugins

__all__ = ["Cut", "ExportReport", "Exporter", "UnknownExporter", "get", "names", "register"]

ENTRY_POINT_GROUP = "cineatlas.exporters"


class UnknownExporter(AtlasError):
    """No exporter of that name (or its plugin failed to load)."""


_plugins = Plugins(ENTRY_POINT_GROUP, UnknownExporter, "export format",
                   "See `cineatlas export --help`.")


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Register an exporter class under its `name` (usable as a class decorator)."""
    return _plugins.register(exporter)


def names() -> list[str]:
    return _plugins.names()


def get(name: str) -> type[Exporter]:
    return _plugins.get(name)
