"""Registries of pluggable classes (importers, export formats): built-ins and third parties
register through one entry-point group, or with `register()` at run time; an entry point is
loaded on first use, and a broken plugin does not take the others down."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any


class Plugins:
    """The classes of one entry-point `group`, by their `name`. `error` is raised (with
    `noun` and `hint` in its message) for an unknown name or a plugin that fails to load."""

    def __init__(self, group: str, error: type[Exception], noun: str, hint: str) -> None:
        self.group, self.error, self.noun, self.hint = group, error, noun, hint
        self._registry: dict[str, Any] = {}
        self._loaded = False

    def register(self, cls: Any) -> Any:
        """Register a class under its `name` (usable as a class decorator)."""
        self._registry[cls.name] = cls
        return cls

    def _load_entry_points(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for entry in entry_points(group=self.group):
            if entry.name not in self._registry:
                self._registry[entry.name] = entry  # loaded on first use

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._registry)

    def get(self, name: str) -> Any:
        self._load_entry_points()
        try:
            found = self._registry[name]
        except KeyError:
            raise self.error(f"No {self.noun} is called {name!r}. Available: "
                             f"{', '.join(self.names()) or 'none'}. {self.hint}") from None
        if isinstance(found, EntryPoint):
            try:
                found = self._registry[name] = found.load()
            except Exception as exc:  # a broken plugin must not take the others down
                raise self.error(
                    f"The {self.noun} {name!r} is registered by {found.value!r} but failed to "
                    f"load: {exc}. Reinstall or remove the package that provides it.") from exc
        return found
