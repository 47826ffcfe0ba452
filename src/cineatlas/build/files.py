"""Which file feeds each source of a build: the copy shipped with cineatlas, the publisher's
current file (`--download`, kept in the cache), or the user's own file.

A shipped dataset is one source of the store whichever copy fed it: its source id is the one
its original file gets from `cineatlas import` (`IMPORTER:name`), so a download or an earlier
import of the same file replaces it rather than adding to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cineatlas import datasets, settings
from cineatlas.build.steps import Steps
from cineatlas.datasets import Dataset
from cineatlas.download import DownloadError, cached_name, fetch
from cineatlas.errors import AtlasError
from cineatlas.ingest import default_source_id

#: Where a source's rows came from (the summary's `origin`).
SHIPPED = "shipped copy"
DOWNLOADED = "downloaded"
CACHED = "earlier download"
USER = "your file"
GENERATED = "generated"
REFERENCE = "reference data"


@dataclass(frozen=True)
class Planned:
    """One file to import, and under which source."""

    importer: str
    path: Path
    source_id: str
    origin: str
    options: dict[str, Any] = field(default_factory=dict)
    dataset: Dataset | None = None


def importable() -> list[Dataset]:
    """The shipped datasets an importer reads (not the territories' reference data), in
    manifest order: the CNC cinemas come before the départements' files, whose classifier
    may look for a cinema in a beneficiary's commune."""
    from cineatlas.importers import names

    known = set(names())
    return [item for item in datasets.catalogue() if item.used_by in known]


def dataset_source_id(item: Dataset) -> str:
    """The source id of a shipped dataset: that of its original file imported by hand."""
    return default_source_id(item.used_by, Path(item.original_name))


def user_plan(importer: str, path: Path) -> Planned:
    return Planned(importer, path, default_source_id(importer, path), USER)


class Downloads:
    """The file of each shipped dataset: with `enabled` (`--download`), the publisher's current
    file, fetched again into the cache; else an earlier download from the cache; else the
    shipped copy. A failed download is a note; the build goes on with the next best copy."""

    def __init__(self, enabled: bool, steps: Steps, notes: list[str]) -> None:
        self.enabled = enabled
        self.steps = steps
        self.notes = notes
        self.offline = settings.offline()
        self.missed: list[str] = []
        self.no_file: list[str] = []

    @staticmethod
    def cache_path(item: Dataset) -> Path | None:
        """Where a download of `item` is kept (None when the publisher serves no file)."""
        if not item.download_url:
            return None
        return (settings.cache_dir() / "downloads" / "datasets" / item.id
                / cached_name(item.download_url, item.original_name))

    def plan(self, item: Dataset) -> Planned:
        """The file to import for `item`, and where it comes from."""
        target = self.cache_path(item)
        path, origin = None, SHIPPED
        if self.enabled:
            path = self._fetch(item, target)
            origin = DOWNLOADED
        if path is None and target is not None and target.exists():
            path, origin = target, CACHED
        if path is None:
            path, origin = datasets.path(item.id), SHIPPED
        options = dict(item.options) if origin == SHIPPED else {}
        return Planned(item.used_by, path, dataset_source_id(item), origin, options, item)

    def shipped(self, item: Dataset) -> Planned:
        """The shipped copy of `item` (when a download could not be imported)."""
        return Planned(item.used_by, datasets.path(item.id), dataset_source_id(item), SHIPPED,
                       dict(item.options), item)

    def reject(self, plan: Planned, error: AtlasError) -> None:
        """A downloaded file the importer refused: set aside (never used again) and noted."""
        kept = plan.path.with_name(plan.path.name + ".rejected")
        plan.path.replace(kept)
        self.notes.append(f"{plan.dataset.id if plan.dataset else plan.source_id}: the "
                          f"{plan.origin} {plan.path.name} could not be imported ({error}); "
                          f"set aside as {kept.name}; the shipped copy is used.")

    def _fetch(self, item: Dataset, target: Path | None) -> Path | None:
        if target is None:
            self.no_file.append(item.id)
            return None
        if self.offline:
            self.missed.append(item.id)
            return None
        try:
            with self.steps.step(f"Downloading {item.title}", counts=False) as update:
                path, _ = fetch(item.download_url, target.parent, name=target.name,
                                refresh=True, progress=update)
        except DownloadError as exc:
            if exc.offline:
                self.offline = True
                self.missed.append(item.id)
            else:
                self.notes.append(f"{item.id}: {exc} The {self._fallback(target)} is used.")
            return None
        self.notes.append(f"{item.id}: downloaded {item.download_url} into {path}")
        return path

    @staticmethod
    def _fallback(target: Path) -> str:
        return "earlier download" if target.exists() else "shipped copy"

    def finish(self) -> None:
        """The notes of what could not be downloaded."""
        if self.missed:
            why = ("CINEATLAS_OFFLINE is set" if settings.offline()
                   else "the machine seems to be offline")
            self.notes.append(f"offline ({why}): not downloaded: {', '.join(self.missed)}; "
                              "their shipped copies (or earlier downloads) are used.")
        if self.no_file:
            self.notes.append(f"no file to download from the publisher for "
                              f"{', '.join(self.no_file)} (see `refresh` in "
                              "cineatlas/datasets/manifest.toml): the shipped copies are used.")


def importer_downloads(wanted: set[str] | None, given: set[str], steps: Steps,
                       notes: list[str]) -> Iterator[Planned]:
    """The demo's `--download`: each importer's publisher file (its `url`), fetched once into
    the cache (re-used afterwards, offline too), as its own source. Problems become notes."""
    from cineatlas.importers import get, names

    offline = settings.offline()
    missed: list[str] = []
    for name in sorted(wanted or names()):
        if name in given:
            continue
        try:
            url = get(name).url
        except AtlasError as exc:
            notes.append(f"{name}: {exc}")
            continue
        if not url:
            if wanted:
                notes.append(f"{name}: this importer has no publisher URL to download from")
            continue
        target = settings.cache_dir() / "downloads" / name / cached_name(url, f"{name}.csv")
        if offline and not target.exists():
            missed.append(name)
            continue
        try:
            with steps.step(f"Downloading {name}", counts=False) as update:
                path, cached = fetch(url, target.parent, name=target.name, progress=update)
        except DownloadError as exc:
            if exc.offline:
                offline = True
                missed.append(name)
            else:
                notes.append(f"{name}: {exc}")
            continue
        notes.append(f"{name}: {'re-used the cached' if cached else 'downloaded'} {path}")
        steps.plan(1)  # its import
        yield Planned(name, path, default_source_id(name, path), CACHED if cached else DOWNLOADED)
    if missed:
        why = ("CINEATLAS_OFFLINE is set" if settings.offline()
               else "the machine seems to be offline")
        notes.append(f"offline ({why}): not downloaded: {', '.join(missed)}. The demo works "
                     "without them; give files with --with IMPORTER=PATH, or run again online.")
