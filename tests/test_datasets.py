"""The open datasets shipped with the package: declared, attributed, intact."""

from __future__ import annotations

import hashlib
import lzma
from pathlib import Path

import pytest

from cineatlas import datasets


@pytest.mark.parametrize("item", datasets.catalogue(), ids=lambda d: d.id)
def test_every_shipped_dataset_is_attributed_and_intact(item: datasets.Dataset) -> None:
    for name in ("title", "publisher", "licence", "published", "retrieved", "refresh",
                 "used_by", "original_name"):
        assert getattr(item, name).strip(), f"{item.id}: {name} is empty"
    assert item.compressed.exists(), f"{item.id}: {item.file} is not in datasets/files/"
    content = lzma.decompress(item.compressed.read_bytes())
    assert hashlib.sha256(content).hexdigest() == item.content_sha256
    assert len(content) == item.size_bytes
    if item.content_sha256 != item.sha256:
        assert item.derived.strip(), f"{item.id} differs from the original: say how (derived)"


def test_a_shipped_dataset_is_decompressed_once_and_checked(tmp_path: Path, monkeypatch) -> None:
    if not datasets.catalogue():
        pytest.fail("no dataset is shipped: the default atlas needs them (manifest.toml)")
    monkeypatch.setenv("CINEATLAS_CACHE", str(tmp_path))
    item = datasets.catalogue()[0]
    first = datasets.path(item.id)
    assert first.name == item.original_name and first.is_relative_to(tmp_path)
    assert hashlib.sha256(first.read_bytes()).hexdigest() == item.content_sha256
    assert datasets.path(item.id) == first


def test_an_unknown_dataset_names_the_shipped_ones() -> None:
    with pytest.raises(datasets.DatasetError, match="No shipped dataset 'nope'. Shipped"):
        datasets.get("nope")


def test_pack_round_trips(tmp_path: Path) -> None:
    original = tmp_path / "a.csv"
    original.write_bytes(b"code;nom\n44;Loire-Atlantique\n" * 100)
    digest, size = datasets.pack(original, tmp_path / "a.csv.xz")
    assert lzma.decompress((tmp_path / "a.csv.xz").read_bytes()) == original.read_bytes()
    assert digest == hashlib.sha256(original.read_bytes()).hexdigest() and size == 2900
