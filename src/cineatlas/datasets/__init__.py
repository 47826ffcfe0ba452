"""Open datasets shipped with cineatlas, compressed, so that the default atlas is real offline.

Each is declared in `manifest.toml` with its publisher, licence, dates, the sha256 of the
publisher's original file and how to refresh it; its compressed copy (xz) is in `files/`.

    from cineatlas import datasets
    path = datasets.path("cnc-cinemas-2022")   # the file, decompressed into the cache, checked

A shipped copy is the publisher's file byte for byte (`content_sha256 == sha256`), except
where `derived` says what was taken out (personal data such as organisers' e-mail addresses
is never republished): the columns of `remove_columns` are dropped and contact data is
removed from every other cell (see `cineatlas.datasets.derive`).

Maintainers add or refresh a dataset with `python -m cineatlas.datasets prepare ID ORIGINAL`
(see manifest.toml).
"""

from __future__ import annotations

import hashlib
import lzma
import os
import tempfile
import tomllib
from dataclasses import MISSING, dataclass, fields
from functools import cache
from importlib.resources import files
from pathlib import Path

from cineatlas import settings
from cineatlas.errors import AtlasError

PACKAGE = files("cineatlas.datasets")


class DatasetError(AtlasError):
    """A shipped dataset that is not declared, missing or damaged."""


@dataclass(frozen=True)
class Dataset:
    """One shipped open dataset, as declared in manifest.toml."""

    #: short id, e.g. 'cnc-cinemas-2022'
    id: str
    title: str
    publisher: str
    licence: str
    #: the compressed copy in files/ ('etablissements-cinematographiques-2022.csv.xz')
    file: str
    #: the file's name as the publisher serves it (the name it is decompressed to)
    original_name: str
    #: sha256 of the publisher's original file
    sha256: str
    #: sha256 of the shipped content, decompressed (equal to sha256 unless `derived`)
    content_sha256: str
    size_bytes: int
    #: when the publisher published (or last updated) it, ISO date or year
    published: str
    #: when cineatlas took its copy, ISO date
    retrieved: str
    #: how to refresh it: the publisher's download address and what to run
    refresh: str
    #: importer name that reads it, or 'territories' for reference data
    used_by: str
    licence_url: str = ""
    #: the publisher's page or download address
    url: str = ""
    #: what differs from the original (columns removed…), empty when byte for byte
    derived: str = ""
    #: options the importer needs for it (importer option name -> value)
    options: tuple[tuple[str, str], ...] = ()
    notes: str = ""
    #: the publisher's file itself, for `cineatlas atlas --download`; empty when the publisher
    #: serves no stable file (refresh by hand: see `refresh`)
    download_url: str = ""
    #: columns of the publisher's CSV not shipped (personal data); see `derived`
    remove_columns: tuple[str, ...] = ()

    @property
    def compressed(self) -> Path:
        return Path(str(PACKAGE / "files" / self.file))


def _entries() -> list[dict]:
    """The manifest's [[dataset]] tables, as written."""
    data = tomllib.loads((PACKAGE / "manifest.toml").read_text(encoding="utf-8"))
    return list(data.get("dataset", []))


@cache
def catalogue() -> tuple[Dataset, ...]:
    """Every shipped dataset, in manifest order."""
    known = {f.name for f in fields(Dataset)}
    required = {f.name for f in fields(Dataset) if f.default is MISSING}
    found = []
    for entry in _entries():
        unknown = sorted(set(entry) - known)
        if unknown:
            raise DatasetError(f"manifest.toml: dataset {entry.get('id')!r} has unknown "
                               f"keys {unknown}; known keys: {sorted(known)}.")
        missing = sorted(required - set(entry))
        if missing:
            raise DatasetError(
                f"manifest.toml: dataset {entry.get('id')!r} lacks the keys {missing}. "
                "`python -m cineatlas.datasets prepare ID ORIGINAL` gives sha256, "
                "content_sha256 and size_bytes.")
        entry = dict(entry)
        entry["options"] = tuple(sorted(entry.get("options", {}).items()))
        entry["remove_columns"] = tuple(entry.get("remove_columns", ()))
        found.append(Dataset(**entry))
    return tuple(found)


def get(dataset_id: str) -> Dataset:
    """The declaration of `dataset_id`; an error listing the shipped ids when unknown."""
    for item in catalogue():
        if item.id == dataset_id:
            return item
    known = ", ".join(d.id for d in catalogue()) or "none"
    raise DatasetError(f"No shipped dataset {dataset_id!r}. Shipped datasets: {known}.")


def path(dataset_id: str) -> Path:
    """The shipped dataset decompressed into the cache (once), its content checked against
    the manifest's `content_sha256`."""
    item = get(dataset_id)
    target = settings.cache_dir() / "datasets" / item.content_sha256[:16] / item.original_name
    if target.exists():
        return target
    if not item.compressed.exists():
        raise DatasetError(f"The shipped copy of {item.id} ({item.file}) is missing from the "
                           "package: reinstall cineatlas.")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, lzma.open(item.compressed) as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != item.content_sha256:
            raise DatasetError(
                f"The shipped copy of {item.id} ({item.file}) is damaged: its content does "
                f"not have the sha256 the manifest gives. Reinstall cineatlas.")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def pack(source: Path, destination: Path) -> tuple[str, int]:
    """Compress `source` (xz, preset 9 extreme) to `destination`; return the sha256 and the
    size of `source`. For maintainers adding or refreshing a dataset (see manifest.toml)."""
    data = source.read_bytes()
    destination.write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
    return hashlib.sha256(data).hexdigest(), len(data)


def prepare(dataset_id: str, original: Path, directory: Path | None = None) -> dict[str, object]:
    """Write the shipped copy of a declared dataset from the publisher's `original` file:
    derived (`remove_columns` dropped, contact data removed) when the entry says so, then
    compressed into `directory` (default: the package's files/). Returns the manifest values
    to write: sha256 (of the original), content_sha256 and size_bytes (of the shipped content).
    """
    from cineatlas.datasets.derive import shipped_content

    entry = next((e for e in _entries() if e.get("id") == dataset_id), None)
    if entry is None or "file" not in entry:
        raise DatasetError(f"manifest.toml declares no dataset {dataset_id!r} with a `file`: "
                           "write its entry first (id, file, original_name, remove_columns…).")
    data = original.read_bytes()
    remove = tuple(entry.get("remove_columns", ()))
    content = shipped_content(data, remove) if remove else data
    target = (directory or Path(str(PACKAGE / "files"))) / entry["file"]
    target.write_bytes(lzma.compress(content, preset=9 | lzma.PRESET_EXTREME))
    return {"sha256": hashlib.sha256(data).hexdigest(),
            "content_sha256": hashlib.sha256(content).hexdigest(), "size_bytes": len(content)}
