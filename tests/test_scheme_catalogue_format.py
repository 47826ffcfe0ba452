"""The scheme-catalogue importer: the shipped example imports whole (every value checked against
the file read with plain tomllib), bad files and bad schemes give the right messages, every
value has its source, and re-import is idempotent."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from cli_runner import run_cli

from cineatlas import FileError, Store, import_file
from cineatlas.importers.scheme_catalogue import EXAMPLE
from cineatlas.importers.scheme_catalogue.fields import KEYS
from cineatlas.importers.scheme_records import COLUMN_TYPES
from cineatlas.schemes.model import FIELDS
from cineatlas.schemes.standard import PROFESSIONAL_COLUMNS

DOCS = Path(__file__).parents[1] / "docs" / "importers" / "scheme-catalogue.md"
#: Keys whose value needs no source (their source is the file itself).
BASE_KEYS = {"id", "name", "funder", "level", "url", "parent", "stage"}


def example() -> dict:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def catalogue(tmp_path: Path, text: str, name: str = "catalogue.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_example(store: Store, tmp_path: Path):
    path = catalogue(tmp_path, EXAMPLE.read_text(encoding="utf-8"), "example.toml")
    return import_file("scheme-catalogue", path, store=store), path


def test_every_field_of_the_model_has_its_key() -> None:
    columns = {k.column for k in KEYS}
    assert set(FIELDS) <= columns
    # and every column of the standard's « professionnels » extension
    assert {c for c in PROFESSIONAL_COLUMNS.values() if c} <= columns
    assert {c for c in PROFESSIONAL_COLUMNS.values() if c} <= set(COLUMN_TYPES)
    # the shipped example uses every key of the format
    used = set().union(*(scheme.keys() for scheme in example()["schemes"]))
    assert {k.key for k in KEYS} <= used
    # and the docs list every key
    text = DOCS.read_text(encoding="utf-8")
    for key in KEYS:
        assert f"`{key.key}`" in text, key.key


def test_the_example_imports_whole(store: Store, tmp_path: Path) -> None:
    report, _ = import_example(store, tmp_path)
    schemes = example()["schemes"]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (len(schemes),) * 2 \
        + (0,)
    assert report.problems == []
    source = store.source(report.source_id)
    assert source["publisher"] == example()["catalogue"]["publisher"]

    first = schemes[0]
    row = store.frame("SELECT * FROM schemes WHERE reference = ?", [first["id"]]).row(
        0, named=True)
    for key in ("name", "level", "url", "stage", "promise", "description", "eligibility",
                "criteria", "aid_types", "targets", "parent_programmes",
                "geographic_eligibility", "geographic_exclusions", "territorial_condition",
                "stages", "formats", "genres", "applicants", "work_ranks", "currency",
                "commission_name", "min_employees", "max_employees", "company_sizes",
                "min_years_in_existence", "legal_forms", "legal_form_exclusions",
                "activity_sectors", "naf_codes", "naf_exclusions", "payment_of"):
        assert row[key] == first[key], key
    for key in ("amount_min", "amount_max", "amount_typical"):
        assert row[f"{key}_minor"] == int(Decimal(first[key]) * 100), key
    # dates with an offset are stored in UTC; a date alone at 00:00
    assert row["opens_at"] == first["opens_at"].astimezone(dt.UTC).replace(tzinfo=None)
    assert row["closes_at"] == first["closes_at"].astimezone(dt.UTC).replace(tzinfo=None)
    assert row["updated_at"] == dt.datetime.combine(first["updated_at"], dt.time())
    funder = store.frame("SELECT name, siren, kind, funder_level, governed_territory_id FROM "
                         "organisations WHERE organisation_id = ?", [row["funder_id"]]).row(0)
    assert funder == (first["funder"]["name"], first["funder"]["siren"], "public_body",
                      "regional", "FR-R75")
    bodies = set(store.frame("SELECT name, siren, role FROM scheme_bodies WHERE scheme_id = ?",
                             [row["scheme_id"]]).iter_rows())
    assert bodies == {(b["name"], b.get("siren"), role) for b in first["bodies"]
                      for role in b["roles"]}
    dates = store.frame("SELECT kind, date, title, url FROM scheme_dates WHERE scheme_id = ? "
                        "ORDER BY date", [row["scheme_id"]]).rows()
    assert dates == [(d["kind"], d["date"], d["title"], d.get("url")) for d in first["dates"]]
    documents = set(store.frame("SELECT kind, title, url, published_from FROM "
                                "scheme_documents WHERE scheme_id = ?",
                                [row["scheme_id"]]).iter_rows())
    assert documents == {(d["kind"], d["title"], d["url"], d.get("published_from"))
                         for d in first["documents"]}
    # the production grant is part of the fund, and both funders are one organisation
    part = store.frame("SELECT s.parent_scheme_id, p.reference, s.funder_id FROM schemes s "
                       "JOIN schemes p ON p.scheme_id = s.parent_scheme_id WHERE s.reference = ?",
                       [schemes[1]["id"]]).row(0)
    assert part[1] == schemes[1]["parent"]
    assert part[2] == row["funder_id"]


def test_every_value_has_its_source(store: Store, tmp_path: Path) -> None:
    report, _ = import_example(store, tmp_path)
    column = {k.key: k.column for k in KEYS}
    for scheme in example()["schemes"]:
        sources = scheme.get("sources", {})
        default = sources.get("default")
        expected = {(column[key], sources.get(key, default)) for key in scheme
                    if key not in ("id", "name", "sources") and (key in sources or default)}
        got = set(store.frame(
            "SELECT f.field, f.locator FROM scheme_field_sources f JOIN schemes s USING "
            "(scheme_id) WHERE s.reference = ? AND f.rule = 'published'",
            [scheme["id"]]).iter_rows())
        assert got == expected, scheme["id"]
        # every catalogue field the store holds for it has a source row
        unsourced = [key for key in scheme if key not in BASE_KEYS | {"sources"}
                     and (column[key], sources.get(key, default)) not in got]
        assert unsourced == []


def test_reimport_is_idempotent(store: Store, tmp_path: Path) -> None:
    first, path = import_example(store, tmp_path)
    checksum = store.checksum()
    again = import_file("scheme-catalogue", path, store=store)
    assert again.status == "unchanged" and store.checksum() == checksum
    forced = import_file("scheme-catalogue", path, store=store, force=True)
    assert forced.tables == first.tables


# -- bad files --------------------------------------------------------------------------------


def test_a_toml_error_names_the_line_and_column(store: Store, tmp_path: Path) -> None:
    path = catalogue(tmp_path, '[[schemes]]\nid = "a"\nname = "Aide\nlevel = "regional"\n')
    with pytest.raises(FileError) as caught:
        import_file("scheme-catalogue", path, store=store)
    message = str(caught.value)
    assert "is not valid TOML" in message and "at line 3, column" in message
    assert "name = \"Aide" in message


def test_the_command_says_it_without_a_traceback(monkeypatch, capsys, tmp_path: Path,
                                                 territories_store: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    db.write_bytes(territories_store.read_bytes())
    path = catalogue(tmp_path, '[[schemes]]\nid = "a"\nname = = "x"\n')
    code, out, err = run_cli(monkeypatch, capsys, "import", "scheme-catalogue", str(path),
                             "--db", str(db))
    assert code == 1
    assert "at line 3, column 8" in err + out
    assert "Traceback" not in err + out


@pytest.mark.parametrize(("text", "said"), [
    ("[catalogue]\ntitle = 'x'\n", "describes no scheme"),
    ("[schemes]\nid = 'a'\nname = 'b'\n", "Write [[schemes]] (double brackets)"),
    ("[[schemes]]\nid = 'a'\nname = 'b'\n[other]\nx = 1\n", "top-level key 'other'"),
    ("[catalogue]\nformat = 2\n[[schemes]]\nid = 'a'\nname = 'b'\n", "format 2"),
    ("[catalogue]\nauthor = 'x'\n[[schemes]]\nid = 'a'\nname = 'b'\n", "unknown keys in"),
])
def test_a_bad_file_is_refused(store: Store, tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(FileError) as caught:
        import_file("scheme-catalogue", catalogue(tmp_path, text), store=store)
    assert said in str(caught.value)
    assert store.count("sources", "importer = 'scheme-catalogue'") == 0


BAD = '''
[[schemes]]
id = "good"
name = "Aide à l'écriture"
stages = ["writing"]
[schemes.sources]
stages = "https://example.org/a"

[[schemes]]
id = "bad-code"
name = "Aide à la production"
stages = ["ecriture", "production"]
level = "regionl"
[schemes.sources]
default = "https://example.org/b"

[[schemes]]
id = "bad-amounts"
name = "Aide"
amount_max = 5000.5
amount_min = "1000.123"
currency = "EUR"
[schemes.sources]
default = "Règlement, article 3"

[[schemes]]
id = "no-source"
name = "Aide sans source"
description = "Une aide."
amount_max = "5000"
currency = "EUR"
[schemes.sources]
currency = "https://example.org/c"

[[schemes]]
id = "warnings"
name = "Aide avec avertissements"
formts = ["short"]
parent = "nowhere"
geographic_eligibility = ["REG-75", "DEP-99"]
[[schemes.bodies]]
name = "Agence"
roles = ["financeur", "mécène"]
siren = "12"
[schemes.sources]
geographic_eligibility = "https://example.org/d"
bodies = "https://example.org/d"
genres = "https://example.org/d"

[[schemes]]
id = "good"
name = "Le même identifiant"

[[schemes]]
name = "Sans identifiant"
amount_max = "100"
geographic_eligibility = ["Gironde"]
[schemes.sources]
default = "x"
'''


def test_bad_schemes_give_the_right_messages(store: Store, tmp_path: Path) -> None:
    text = BAD
    report = import_file("scheme-catalogue", catalogue(tmp_path, text), store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 2, 5)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line == "[[schemes]]"]
    got = {(p.row, p.field, p.code, p.severity) for p in report.problems}
    assert got == {
        (3, "stages", "unknown-code", "error"), (3, "level", "unknown-code", "error"),
        (4, "amount_max", "wrong-type", "error"), (4, "amount_min", "sub-unit-amount", "error"),
        (5, "description", "no-source", "error"), (5, "amount_max", "no-source", "error"),
        (6, "formts", "unknown-key", "warning"), (6, "parent", "unknown-parent", "warning"),
        (6, "geographic_eligibility", "unknown-territory", "warning"),
        (6, "bodies", "unknown-role", "warning"), (6, "bodies", "invalid-siren", "warning"),
        (6, "sources.genres", "source-without-value", "warning"),
        (7, "id", "duplicate-id", "error"),
        (8, "id", "required", "error"), (8, "geographic_eligibility", "pattern", "error"),
        (8, "amount_max", "required", "error"),
    }
    message = {(p.row, p.field): p.message for p in report.problems}
    assert message[(3, "stages")] == (
        f"schemes[2] (id 'bad-code', line {lines[1]}): stages: 'ecriture' is not a code of the "
        "vocabulary (did you mean 'writing'?). Use one of: writing, development, production, "
        "post_production, distribution, promotion, operation.")
    assert "did you mean 'regional'?" in message[(3, "level")]
    assert 'an amount in quotes, exact: "5000.50"' in message[(4, "amount_max")]
    assert message[(5, "description")].endswith(
        'description has no source: add description = "URL or citation" to [schemes.sources] '
        "(or a default source), or remove the value.")
    assert "Did you mean 'formats'?" in message[(6, "formts")]
    assert "DEP-99" in message[(6, "geographic_eligibility")]
    assert f"is already the id of schemes[1] (id 'good', line {lines[0]})" in message[(7, "id")]
    assert message[(8, "id")].startswith(f"schemes[7] (line {lines[6]}): id is required")
    assert "without a currency" in message[(8, "amount_max")]
    loaded = store.frame("SELECT reference, parent_scheme_id, geographic_eligibility FROM "
                         "schemes ORDER BY reference").rows()
    assert loaded == [("good", None, None), ("warnings", None, ["REG-75", "DEP-99"])]
    assert store.scalar("SELECT siren FROM scheme_bodies") is None
    quarantine = store.frame("SELECT row_number, line_number, content FROM quarantine "
                             "ORDER BY 1").rows()
    assert [(r, line) for r, line, _ in quarantine] == [
        (3, lines[1]), (4, lines[2]), (5, lines[3]), (7, lines[5]), (8, lines[6])]
    assert json.loads(json.loads(quarantine[0][2])["scheme"])["stages"] == [
        "ecriture", "production"]
