"""The open datasets shipped with the package: declared, attributed, intact."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import decoded

from cineatlas import datasets
from cineatlas.contacts import scrub_texts
from cineatlas.datasets.derive import shipped_content
from cineatlas.errors import AtlasError


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


# -- the shipped copies against the publishers' files --------------------------------------

#: The publishers' files in ../shared/data that the shipped copies were made from.
ORIGINALS = {
    "mamh-municipalities": "geo/quebec/mamh-repertoire-municipalites.csv",
    "cnc-cinemas-2022": "cnc/etablissements-cinematographiques-2022.csv",
    "festivals-panorama": "festivals/festivals-global-festivals-_-pl.csv",
    "telefilm-contributions-2009-2018": "telefilm/telefilm-contributions-2009-2018.csv",
    "cnc-films-agrees-2003-2019": "cnc/films-agrees-2003-2019.xlsx",
    "cnc-talent-commissions-2017-2024": "cnc/cnc-talent-commissions-2017-2024.json",
    "cnc-aids-list-2025": "schemes/cnc-aids-list-2025.json",
    "scdl-loire-atlantique-2008-2018":
        "scdl/collectivites/loire-atlantique-subventions-associations.csv",
    "scdl-maine-et-loire-2017-2019": "scdl/collectivites/maine-et-loire-conventions.csv",
    "scdl-vendee-2018": "scdl/collectivites/vendee-conventions-2018.csv",
}


@pytest.mark.parametrize("dataset_id", sorted(ORIGINALS))
def test_a_shipped_copy_is_the_publishers_file_unless_derived(dataset_id: str,
                                                              shared_data) -> None:
    item = datasets.get(dataset_id)
    original = shared_data(ORIGINALS[dataset_id]).read_bytes()
    assert hashlib.sha256(original).hexdigest() == item.sha256
    content = lzma.decompress(item.compressed.read_bytes())
    assert (content == original) is (not item.derived)


def _cells(item: datasets.Dataset, content: bytes) -> list[str]:
    """Every cell of a shipped file, read with the standard library (and openpyxl)."""
    name = item.original_name
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return [str(v) for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    text = decoded(content)
    if name.endswith((".json", ".geojson")):
        found: list[str] = []

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    found.append(str(key))
                    walk(inner)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner)
            elif isinstance(value, str | int):  # not coordinates (floats)
                found.append(str(value))

        walk(json.loads(text))
        return found
    delimiter = dict(item.options).get("delimiter") or max(";,", key=text.split("\n")[0].count)
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for cell in row]


@pytest.mark.parametrize("item", datasets.catalogue(), ids=lambda d: d.id)
def test_no_shipped_file_holds_an_e_mail_address_or_a_phone_number(
        item: datasets.Dataset) -> None:
    cells = _cells(item, lzma.decompress(item.compressed.read_bytes()))
    assert cells
    found = [cell for cell, scrubbed in zip(cells, scrub_texts(cells), strict=True)
             if cell != scrubbed]
    assert found == [], f"{item.id}: contact data in {found[:5]}"


def test_the_festivals_copy_leaves_out_the_organisers_contacts(shared_data) -> None:
    item = datasets.get("festivals-panorama")
    assert "adresse_e_mail" in item.remove_columns and "e-mail" in item.derived
    with shared_data(ORIGINALS[item.id]).open(encoding="utf-8-sig", newline="") as f:
        original = list(csv.DictReader(f, delimiter=";"))
    shipped = list(csv.DictReader(io.StringIO(lzma.decompress(
        item.compressed.read_bytes()).decode("utf-8"), newline=""), delimiter=";"))
    assert len(shipped) == len(original) == 7282
    assert list(shipped[0]) == [c for c in original[0] if c not in item.remove_columns]
    emails = sum(1 for row in original if "@" in row["adresse_e_mail"])
    assert emails > 5000  # what is not republished
    # an independent look for e-mail addresses: name@host.tld, perhaps with a stray space
    email = re.compile(r"[\w.+-]+ ?@[\w-]+(\.[\w-]+)+")
    changed, emails = 0, 0
    for before, after in zip(original, shipped, strict=True):
        for column, value in after.items():
            emails += bool(email.search(before[column]))
            if value != before[column]:  # only a contact replaced by its mark
                changed += 1
                assert "[e-mail removed]" in value or "[phone removed]" in value, (column, value)
                assert "@" in before[column] or re.search(r"\d{10}", before[column])
            assert not email.search(value), (column, value)
    assert changed >= emails == 20  # websites that were e-mail addresses


def test_prepare_remakes_the_shipped_copy_byte_for_byte(tmp_path: Path, shared_data) -> None:
    item = datasets.get("festivals-panorama")
    values = datasets.prepare(item.id, shared_data(ORIGINALS[item.id]), tmp_path)
    assert values == {"sha256": item.sha256, "content_sha256": item.content_sha256,
                      "size_bytes": item.size_bytes}
    assert lzma.decompress((tmp_path / item.file).read_bytes()) == lzma.decompress(
        item.compressed.read_bytes())


def test_a_derived_copy_keeps_the_files_shape_and_loses_its_contacts() -> None:
    original = ("\ufeffnom;courriel;site\r\n"
                "Festival A;a@b.fr;\"www.a.fr; contact a@b.fr\"\r\n"
                "Festival B;;06 12 34 56 78\r\n").encode("utf-8")
    content = shipped_content(original, ["courriel"])
    assert content == ("\ufeffnom;site\r\n"
                       "Festival A;www.a.fr; contact [e-mail removed]\r\n"
                       "Festival B;[phone removed]\r\n").encode("utf-8").replace(
        b"www.a.fr; contact [e-mail removed]", b'"www.a.fr; contact [e-mail removed]"')
    with pytest.raises(AtlasError, match="no column 'mel' to remove"):
        shipped_content(original, ["mel"])
