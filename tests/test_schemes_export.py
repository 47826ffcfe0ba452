"""`cineatlas schemes export --standard …`: what it writes is valid for frictionless, nothing is
invented (a scheme lacking a required field is not written and is reported with the fields it
lacks), ids and update dates are written as documented, and the selection options work."""

from __future__ import annotations

import csv
import json
import tomllib
import uuid
from pathlib import Path

import pytest
from cli_runner import run_cli
from test_importer_dispositifs import ROWS, frictionless_cli, frictionless_library, write_csv

from cineatlas import Store, import_file
from cineatlas.importers.scheme_catalogue import EXAMPLE
from cineatlas.schemes.standard import BASE, PROFESSIONALS, schema_file
from cineatlas.schemes.standard.writer import write_standard

#: The standard's required fields and the catalogue keys that fill them (porteurs: the bodies,
#: else the funder; date_mise_a_jour is always known: updated_at, else the import time).
REQUIRED = {"description": ("description",), "eligibilite": ("eligibility",),
            "types_aides": ("aid_types",), "porteurs": ("bodies", "funder"),
            "cibles": ("targets",), "eligibilite_geographique": ("geographic_eligibility",)}
STANDARD_ORDER = ["description", "eligibilite", "types_aides", "porteurs", "cibles",
                  "eligibilite_geographique"]
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cineatlas.org/schemes")

COMPLETE = '''
[[schemes]]
id = "complete-sans-date"
name = "Aide complète sans date de mise à jour"
funder = { name = "Département de la Gironde", siren = "223300019" }
description = "Une aide."
eligibility = "Résider en Gironde."
aid_types = ["financement"]
targets = ["particuliers"]
geographic_eligibility = ["DEP-33"]
promise = "{promise}"
[schemes.sources]
default = "https://example.org/gironde"
'''


@pytest.fixture
def db(territories_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "atlas.duckdb"
    path.write_bytes(territories_store.read_bytes())
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_report_lists_the_schemes_it_could_not_write(monkeypatch, capsys, db: Path,
                                                         tmp_path: Path) -> None:
    with Store(db) as store:
        import_file("scheme-catalogue", EXAMPLE, store=store)
        ids = dict(store.frame("SELECT reference, scheme_id FROM schemes").iter_rows())
    out, report = tmp_path / "export.csv", tmp_path / "report.json"
    code, stdout, err = run_cli(monkeypatch, capsys, "schemes", "export", "--standard",
                                "dispositif-aide", "-o", str(out), "--db", str(db),
                                "--report", str(report))
    assert code == 0, err
    schemes = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["schemes"]
    lacking = {s["id"]: [f for f in STANDARD_ORDER if not any(k in s for k in REQUIRED[f])]
               for s in schemes}
    written = [i for i, missing in lacking.items() if not missing]
    assert f"Wrote {len(written)} scheme" in stdout
    assert f"{len(schemes) - len(written)} schemes not written" in stdout
    details = json.loads(report.read_text(encoding="utf-8"))
    assert details["written"] == len(written) == 1
    assert {item["scheme_id"]: item["missing"] for item in details["not_written"]} == {
        ids[i]: missing for i, missing in lacking.items() if missing}
    assert frictionless_library(schema_file(BASE), out) == []
    [row] = read_csv(out)
    first = schemes[0]
    # a reference that is not a UUID: the UUID5 of the scheme's id
    assert row["id"] == str(uuid.uuid5(NAMESPACE, ids[first["id"]]))
    assert row["date_mise_a_jour"] == "2026-11-30T00:00:00Z"
    assert row["date_cloture"] == "2026-03-31T21:59:00Z"
    assert {(b["nom"], b.get("siren"), tuple(sorted(b["roles"])))
            for b in json.loads(row["porteurs"])} == {
        (b["name"], b.get("siren"), tuple(sorted(b["roles"]))) for b in first["bodies"]}
    assert row["types_aides"] == "|".join(first["aid_types"])
    # the same export again: the same ids, the same file
    again = tmp_path / "again.csv"
    run_cli(monkeypatch, capsys, "schemes", "export", "--standard", "dispositif-aide", "-o",
            str(again), "--db", str(db))
    assert again.read_bytes() == out.read_bytes()


def test_the_update_date_is_the_import_time_when_none_is_published(store: Store,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "gironde.toml"
    path.write_text(COMPLETE.replace("{promise}", "Une promesse"), encoding="utf-8")
    import_file("scheme-catalogue", path, store=store)
    imported = store.scalar("SELECT imported_at FROM sources WHERE importer = "
                            "'scheme-catalogue'")
    out = write_standard(store, tmp_path / "out.csv", BASE)
    assert out.written == 1
    [row] = read_csv(out.path)
    assert row["date_mise_a_jour"] == imported.isoformat() + "Z"
    # no bodies: the funder, as financeur
    assert json.loads(row["porteurs"]) == [
        {"nom": "Département de la Gironde", "siren": "223300019", "roles": ["financeur"]}]
    assert frictionless_cli(Path(str(schema_file(BASE))), out.path)["valid"] is True
    # the extension requires a field this scheme lacks
    pro = write_standard(store, tmp_path / "pro.csv", PROFESSIONALS)
    assert pro.written == 0
    assert [item["missing"] for item in pro.not_written] == [["ciblage_secteur_activite"]]
    assert read_csv(pro.path) == []


def test_a_value_the_standard_refuses_is_never_cut(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(COMPLETE.replace("{promise}", "p" * 181) + COMPLETE.replace(
        "complete-sans-date", "trop-long").replace('"Une aide."', '"' + "d" * 5001 + '"')
        .replace("{promise}", "Courte"), encoding="utf-8")
    import_file("scheme-catalogue", path, store=store)
    out = write_standard(store, tmp_path / "out.csv", BASE)
    [row] = read_csv(out.path)
    assert row["promesse"] == ""  # optional: left out, said in the report
    assert [item["left_out"] for item in out.left_out] == [
        {"promesse": "longer than 180 characters (181)"}]
    [refused] = out.not_written
    assert refused["missing"] == ["description"]
    assert refused["refused"] == {"description": "longer than 5000 characters (5001)"}
    assert frictionless_library(schema_file(BASE), out.path) == []


def test_one_scheme_imported_twice_is_written_once(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ROWS)
    import_file("dispositifs", path, store=store)
    import_file("dispositifs", path, store=store, source_id="dispositifs:copie")
    out = write_standard(store, tmp_path / "out.csv", BASE)
    assert out.written == len(ROWS)
    assert len(out.not_written) == len(ROWS)
    assert all("already written" in item["refused"]["id"] for item in out.not_written)
    assert frictionless_cli(Path(str(schema_file(BASE))), out.path)["valid"] is True


def test_selection_by_level_and_funder(monkeypatch, capsys, db: Path, tmp_path: Path) -> None:
    with Store(db) as store:
        import_file("dispositifs", write_csv(tmp_path / "d.csv", ROWS), store=store)
        store.con.execute("UPDATE schemes SET fictitious = TRUE WHERE reference = ?",
                          [ROWS[2]["id"]])
    out = tmp_path / "out.csv"

    def ids(*options: str) -> set[str]:
        code, _, err = run_cli(monkeypatch, capsys, "schemes", "export", "--standard",
                               "dispositif-aide", "-o", str(out), "--db", str(db), *options)
        assert code == 0, err
        return {row["id"] for row in read_csv(out)}

    # the fictitious scheme is never written
    assert ids() == {ROWS[0]["id"], ROWS[1]["id"]}
    assert ids("--level", "regional") == {ROWS[0]["id"]}
    assert ids("--level", "regional", "--level", "national") == {ROWS[0]["id"], ROWS[1]["id"]}
    assert ids("--funder", "region nouvelle-aquitaine") == {ROWS[0]["id"]}
    code, stdout, err = run_cli(monkeypatch, capsys, "schemes", "export", "--standard",
                                "dispositif-aide", "-o", str(out), "--db", str(db), "--level",
                                "regionale")
    assert code == 1 and "Unknown level 'regionale'" in err + stdout
    code, stdout, _ = run_cli(monkeypatch, capsys, "schemes", "export", "--standard",
                              "dispositif-aide", "-o", str(out), "--db", str(db), "--funder",
                              "nobody", "--json")
    assert code == 1 and json.loads(stdout)["written"] == 0
    assert out.read_text(encoding="utf-8").startswith("id,titre,")


def test_territory_ids_are_written_as_cog_codes(store: Store, tmp_path: Path) -> None:
    """A catalogue may name territories by their ids: the export writes a French one as its
    COG code, and does not write a scheme open in Québec, which the COG cannot name."""
    gironde = COMPLETE.replace("{promise}", "Une promesse").replace('["DEP-33"]',
                                                                     '["FR-D33", "FR-C33063"]')
    quebec = COMPLETE.replace("complete-sans-date", "quebec").replace(
        "{promise}", "Une promesse").replace('["DEP-33"]', '["CA-QC"]')
    path = tmp_path / "ids.toml"
    path.write_text(gironde + quebec, encoding="utf-8")
    report = import_file("scheme-catalogue", path, store=store)
    assert (report.rows_loaded, report.problems) == (2, [])
    out = write_standard(store, tmp_path / "out.csv", BASE)
    [row] = read_csv(out.path)
    assert row["eligibilite_geographique"] == "DEP-33|COM-33063"
    [refused] = out.not_written
    assert refused["missing"] == ["eligibilite_geographique"]
    assert "CA-QC" in refused["refused"]["eligibilite_geographique"]
    assert frictionless_library(schema_file(BASE), out.path) == []
