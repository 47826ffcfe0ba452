"""The exporter registry: one module per output format, each with one `Exporter` subclass.

Built-in exporters register through the entry-point group a third party uses
(`cineatlas.exporters` in pyproject.toml), or with `register()` at run time — as importers do.

    from cineatlas import exports
    report = exports.get("datapackage")().write(store, Cut(territory=("FR-R52",)), Path("out"))
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from cineatlas.errors import AtlasError
from cineatlas.exports.base import Cut, Exporter, ExportReport

__all__ = ["Cut", "ExportReport", "Exporter", "UnknownExporter", "get", "names", "register"]

ENTRY_POINT_GROUP = "cineatlas.exporters"
_registry: dict[str, type[Exporter] | EntryPoint] = {}
_loaded = False


class UnknownExporter(AtlasError):
    """No exporter of that name (or its plugin failed to load)."""


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Register an exporter class under its `name` (usable as a class decorator)."""
    _registry[exporter.name] = exporter
    return exporter


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


def get(name: str) -> type[Exporter]:
    _load_entry_points()
    try:
        found = _registry[name]
    except KeyError:
        raise UnknownExporter(
            f"No export format is called {name!r}. Available: {', '.join(names()) or 'none'}. "
            "See `cineatlas export --help`.") from None
    if isinstance(found, EntryPoint):
        try:
            found = _registry[name] = found.load()
        except Exception as exc:  # a broken plugin must not take the others down
            raise UnknownExporter(
                f"The export format {name!r} is registered by {found.value!r} but failed to "
                f"load: {exc}. Reinstall or remove the package that provides it.") from exc
    return found
