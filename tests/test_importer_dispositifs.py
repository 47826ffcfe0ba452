"""The dispositifs importer: files in Etalab's « schéma des dispositifs d'aides » written by hand
here (several schemes, bodies in the standard's JavaScript-like spelling, COG codes, dates,
pipes), imported, written back and validated by Frictionless (library and CLI), and the same
schemes compared field by field with the input; a file with errors reported row by row; the
shipped schemas compared with the published ones."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cineatlas import FileError, Store, import_file
from cineatlas.schemes.standard import BASE, PROFESSIONALS, schema_file
from cineatlas.schemes.standard.objects import (
    Body,
    ObjectsError,
    parse_bodies,
    write_bodies,
)
from cineatlas.schemes.standard.writer import write_standard

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
PACKAGE_README = Path(__file__).parents[1] / "src/cineatlas/schemes/standard/README.md"
DOCS = Path(__file__).parents[1] / "docs" / "importers" / "dispositifs.md"
HEADER = ["id", "titre", "promesse", "description", "eligibilite", "types_aides", "porteurs",
          "programmes_parents", "url_source", "cibles", "eligibilite_geographique",
          "eligibilite_geographique_exclusions", "date_ouverture", "date_cloture",
          "date_mise_a_jour"]

#: The bodies of each scheme, as plain data: (name, siren, roles).
BODIES = {
    "3f1c2a9e-6b1d-4c55-9a1e-0d5b7e2f8a01": [
        ("Région Nouvelle-Aquitaine", "200053759", ["financeur", "instructeur"]),
        ("ALCA Nouvelle-Aquitaine", None, ["animateur"])],
    "7a4e8d2c-1f3b-4e6a-8c9d-2b5f1a7e3c02": [
        ("CNC", None, ["financeur"]),
        ("Département de la Gironde", "223300019", ["partenaire"])],
    "c9b8a7d6-5e4f-4a3b-9c2d-1e0f9a8b7c03": [
        ("Bordeaux Métropole", "243300316", ["financeur", "porteur"])],
}


def js_like(bodies: list[tuple[str, str | None, list[str]]]) -> str:
    """Bodies in the standard's own example spelling: bare keys, single quotes."""
    items = []
    for name, siren, roles in bodies:
        quoted = name.replace("'", "\\'")
        siren_part = f" siren: '{siren}'," if siren else ""
        items.append(f"{{ nom: '{quoted}',{siren_part} roles: [ "
                     + ", ".join(f"'{r}'" for r in roles) + " ]}")
    return "[" + ", ".join(items) + "]"


def strict(bodies: list[tuple[str, str | None, list[str]]]) -> str:
    return json.dumps([{"nom": n, **({"siren": s} if s else {}), "roles": r}
                       for n, s, r in bodies], ensure_ascii=False)


ROWS = [
    {"id": "3f1c2a9e-6b1d-4c55-9a1e-0d5b7e2f8a01", "titre": "Aide à l'écriture de court métrage",
     "promesse": "Écrivez votre court métrage avec le soutien de la Région",
     "description": "Une bourse d'écriture, avec des consultations.\nMontant : 4 000 €.",
     "eligibilite": "• Être l'auteur du projet\n• Résider en Nouvelle-Aquitaine",
     "types_aides": "financement|accompagnement",
     "porteurs": js_like(BODIES["3f1c2a9e-6b1d-4c55-9a1e-0d5b7e2f8a01"]),
     "programmes_parents": "Fonds de soutien au cinéma|Contrat de filière",
     "url_source": "https://example.org/aides/ecriture-court", "cibles": "particuliers",
     "eligibilite_geographique": "REG-75", "eligibilite_geographique_exclusions": "COM-33063",
     "date_ouverture": "2026-01-05T09:00:00Z", "date_cloture": "2026-03-31T23:59:00+02:00",
     "date_mise_a_jour": "2026-11-30T10:15:00Z"},
    {"id": "7a4e8d2c-1f3b-4e6a-8c9d-2b5f1a7e3c02", "titre": "Fonds d'aide, « avec » ; virgules, "
     "et guillemets \"doubles\"", "promesse": "",
     "description": "Aide sélective à la production.", "eligibilite": "Sociétés de production.",
     "types_aides": "financement",
     "porteurs": strict(BODIES["7a4e8d2c-1f3b-4e6a-8c9d-2b5f1a7e3c02"]),
     "programmes_parents": "", "url_source": "", "cibles": "professionnels|associations",
     "eligibilite_geographique": "PAYS-99100|DEP-33|COM-33063",
     "eligibilite_geographique_exclusions": "", "date_ouverture": "", "date_cloture": "",
     "date_mise_a_jour": "2025-06-01T00:00:00Z"},
    {"id": "c9b8a7d6-5e4f-4a3b-9c2d-1e0f9a8b7c03", "titre": "Aide aux festivals de la métropole",
     "promesse": "Faites vivre votre festival", "description": "Une aide au fonctionnement.",
     "eligibilite": "Associations organisant un festival dans la métropole.",
     "types_aides": "financement",
     "porteurs": js_like(BODIES["c9b8a7d6-5e4f-4a3b-9c2d-1e0f9a8b7c03"]),
     "programmes_parents": "", "url_source": "http://example.org/festivals",
     "cibles": "associations|secteur public", "eligibilite_geographique": "DEP-33",
     "eligibilite_geographique_exclusions": "", "date_ouverture": "2026-02-01T00:00:00Z",
     "date_cloture": "", "date_mise_a_jour": "2026-10-01T08:00:00+01:00"},
]


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER,
              delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def start_lines(path: Path) -> list[int]:
    """The line each data row starts on (the header is line 1), read with plain csv: a row
    whose cells hold newlines spans several lines."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        starts, end = [], reader.line_num
        for _ in reader:
            starts.append(end + 1)
            end = reader.line_num
    return starts


def frictionless_cli(schema: Path, path: Path) -> dict:
    """`frictionless validate --json --schema SCHEMA FILE`, as a portal runs it."""
    assert FRICTIONLESS.exists(), f"the frictionless CLI should be next to {sys.executable}"
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", "--trusted", "--schema",
                           str(schema), str(path)], capture_output=True, text=True, timeout=120,
                          check=False)
    return json.loads(done.stdout)


def frictionless_library(schema: Path, path: Path) -> list[dict]:
    from frictionless import Resource, Schema, system

    with system.use_context(trusted=True):
        report = Resource(str(path), schema=Schema(str(schema))).validate()
    return [e.to_descriptor() for e in report.tasks[0].errors]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def bodies_of(cell: str) -> set[tuple[str, str | None, frozenset[str]]]:
    return {(b["nom"], b.get("siren"), frozenset(b["roles"])) for b in json.loads(cell)}


def expected_bodies(reference: str) -> set[tuple[str, str | None, frozenset[str]]]:
    return {(n, s, frozenset(r)) for n, s, r in BODIES[reference]}


# -- the shipped schemas ------------------------------------------------------------------------


@pytest.mark.parametrize("name", [BASE, PROFESSIONALS])
def test_shipped_schemas_are_the_published_ones(name: str, shared_data) -> None:
    published_path = shared_data(f"schemes/schema-{name}.json")
    published = json.loads(published_path.read_bytes())
    shipped = json.loads(schema_file(name).read_text(encoding="utf-8"))
    assert shipped["fields"] == published["fields"]
    assert shipped["version"] == published["version"] == "v0.2.0"
    assert shipped["licenses"] == published["licenses"]
    # the only difference: the contributors' e-mail addresses
    for contributor in published["contributors"]:
        contributor.pop("email", None)
    assert shipped == published
    assert "@" not in schema_file(name).read_text(encoding="utf-8")
    digest = hashlib.sha256(published_path.read_bytes()).hexdigest()
    assert digest in PACKAGE_README.read_text(encoding="utf-8")
    shipped_digest = hashlib.sha256(schema_file(name).read_bytes()).hexdigest()
    assert shipped_digest in PACKAGE_README.read_text(encoding="utf-8")


# -- porteurs -----------------------------------------------------------------------------------


def test_porteurs_in_the_standards_own_spelling() -> None:
    example = ("[{ nom: 'ADEME', siren: '385290309', roles: [ 'instructeur' ]}, { nom: "
               "'BPIFRANCE (BPIFRANCE)', siren: '320252489', roles: [ 'financeur' ]}]")
    assert parse_bodies(example) == [Body("ADEME", "385290309", ("instructeur",)),
                                     Body("BPIFRANCE (BPIFRANCE)", "320252489", ("financeur",))]
    assert parse_bodies("[{nom: 'Région Provence-Alpes-Côte d\\'Azur', roles: ['financeur',],},]") \
        == [Body("Région Provence-Alpes-Côte d'Azur", None, ("financeur",))]


@pytest.mark.parametrize(("cell", "said"), [
    ("[{nom: ADEME, roles: ['financeur']}]", "«ADEME"),
    ("[{nom: 'ADEME', roles: ['financeur']}", "bracket not closed"),
    ("[{roles: ['financeur']}]", "body 1 has no 'nom'"),
    ("[{nom: 'ADEME'}]", "body 1 (ADEME) has no 'roles'"),
    ("ADEME", "«ADEME»"),
    ("[1, 2]", "item 1 is not an object"),
])
def test_unreadable_porteurs_say_why(cell: str, said: str) -> None:
    with pytest.raises(ObjectsError) as caught:
        parse_bodies(cell)
    assert said in str(caught.value)


_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30) \
    .map(str.strip).filter(bool)


@given(st.lists(st.tuples(_names, st.none() | st.from_regex(r"\d{9}", fullmatch=True),
                          st.lists(st.sampled_from(["financeur", "instructeur", "porteur"]),
                                   min_size=1, max_size=3, unique=True)), max_size=4))
def test_porteurs_written_read_back(bodies: list) -> None:
    written = [Body(n, s, tuple(r)) for n, s, r in bodies]
    assert parse_bodies(write_bodies(written)) == written


# -- the round trip -----------------------------------------------------------------------------


def test_a_file_in_the_standard_round_trips(store: Store, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "dispositifs-region.csv", ROWS)
    report = import_file("dispositifs", source, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 3, 0)
    assert [p for p in report.problems if p.severity == "error"] == []

    out = write_standard(store, tmp_path / "export.csv", BASE)
    assert (out.written, out.not_written) == (3, [])
    assert frictionless_library(schema_file(BASE), out.path) == []
    assert frictionless_cli(Path(str(schema_file(BASE))), out.path)["valid"] is True

    back = {row["id"]: row for row in read_csv(out.path)}
    assert list(read_csv(out.path)[0]) == HEADER
    assert set(back) == {row["id"] for row in ROWS}
    for given_row in ROWS:
        row = back[given_row["id"]]
        for name in HEADER:
            if name == "porteurs":
                assert bodies_of(row[name]) == expected_bodies(given_row["id"])
            elif name.startswith("date_") and given_row[name]:
                assert instant(row[name]) == instant(given_row[name]), name
            else:
                assert row[name] == given_row[name], name


def test_the_store_holds_what_the_file_says(store: Store, tmp_path: Path) -> None:
    import_file("dispositifs", write_csv(tmp_path / "d.csv", ROWS), store=store)
    first = store.frame("SELECT * FROM schemes WHERE reference = ?", [ROWS[0]["id"]]).row(
        0, named=True)
    assert first["name"] == ROWS[0]["titre"]
    assert first["aid_types"] == ["financement", "accompagnement"]
    assert first["parent_programmes"] == ["Fonds de soutien au cinéma", "Contrat de filière"]
    assert first["geographic_eligibility"] == ["REG-75"]
    assert first["geographic_exclusions"] == ["COM-33063"]
    assert first["opens_at"] == dt.datetime(2026, 1, 5, 9, 0)
    assert first["closes_at"] == dt.datetime(2026, 3, 31, 21, 59)  # +02:00 stored in UTC
    assert first["level"] == "regional"
    funder = store.frame("SELECT * FROM organisations WHERE organisation_id = ?",
                         [first["funder_id"]]).row(0, named=True)
    assert (funder["name"], funder["siren"], funder["kind"], funder["funder_level"],
            funder["governed_territory_id"], funder["is_funder"]) == (
        "Région Nouvelle-Aquitaine", "200053759", "public_body", "regional", "FR-R75", True)
    second = store.frame("SELECT s.level, o.name, o.funder_level FROM schemes s JOIN "
                         "organisations o ON o.organisation_id = s.funder_id WHERE "
                         "s.reference = ?", [ROWS[1]["id"]]).row(0)
    assert second == ("national", "CNC", "national")
    # a body whose name says nothing stays of unknown kind and level
    alca = store.frame("SELECT kind, funder_level FROM organisations WHERE name = "
                       "'ALCA Nouvelle-Aquitaine'").row(0)
    assert alca == (None, None)
    # the metropolis by its SIREN in INSEE's list of EPCI
    assert store.scalar("SELECT funder_level FROM organisations WHERE siren = '243300316'") \
        == "metropolitan"
    # one scheme_bodies row per body and role
    assert store.count("scheme_bodies") == sum(len(r) for b in BODIES.values() for *_, r in b)


def test_every_field_filled_has_its_source(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ROWS)
    import_file("dispositifs", path, store=store)
    # the fields each row fills, from the input itself: standard name -> our column
    ours = {"id": "reference", "titre": "name", "promesse": "promise", "description":
            "description", "eligibilite": "eligibility", "types_aides": "aid_types",
            "porteurs": "bodies", "programmes_parents": "parent_programmes",
            "url_source": "url", "cibles": "targets",
            "eligibilite_geographique": "geographic_eligibility",
            "eligibilite_geographique_exclusions": "geographic_exclusions",
            "date_ouverture": "opens_at", "date_cloture": "closes_at",
            "date_mise_a_jour": "updated_at"}
    for number, row in zip(start_lines(path), ROWS, strict=True):
        expected = {(ours[k], f"row {number}", "published") for k, v in row.items() if v}
        expected.add(("level", f"funder: {BODIES[row['id']][0][0]}", "funder"))
        got = set(store.frame(
            "SELECT f.field, f.locator, f.rule FROM scheme_field_sources f JOIN schemes s "
            "USING (scheme_id) WHERE s.reference = ?", [row["id"]]).iter_rows())
        assert got == expected


def test_json_and_the_professionnels_extension_round_trip(store: Store, tmp_path: Path) -> None:
    schemes = [
        {**{k: v for k, v in ROWS[0].items() if v}, "types_aides": ["financement",
                                                                    "accompagnement"],
         "porteurs": [{"nom": n, **({"siren": s} if s else {}), "roles": r}
                      for n, s, r in BODIES[ROWS[0]["id"]]],
         "base_juridique": "[{ libelle: 'Règlement d\\'intervention 2026', lien: "
                           "'https://example.org/reglement.pdf' }]",
         "eligibilite_effectif_maximal": 249, "eligibilite_categorie_taille_entreprise": "MIC|PME",
         "ciblage_secteur_activite": "cinéma|audiovisuel", "ciblage_naf": "59.11A|59.12Z|J",
         "chainage_paiement": "DSP000123"},
    ]
    path = tmp_path / "dispositifs.json"
    path.write_text(json.dumps({"meta": {"version": "v0.2.0"}, "data": schemes},
                               ensure_ascii=False), encoding="utf-8")
    report = import_file("dispositifs", path, store=store)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 0)
    # the list written as JSON is read, with a warning naming the record
    [warning] = [p for p in report.problems if p.code == "json-list"]
    assert (warning.row, warning.field) == (2, "types_aides")
    assert warning.message.startswith("$.data[0]: ")
    assert store.scalar("SELECT locator FROM scheme_field_sources WHERE field = 'naf_codes'") \
        == "$.data[0]"

    out = write_standard(store, tmp_path / "export.json", PROFESSIONALS)
    assert out.written == 1
    assert frictionless_library(schema_file(PROFESSIONALS), out.path) == []
    assert frictionless_cli(Path(str(schema_file(PROFESSIONALS))), out.path)["valid"] is True
    [row] = json.loads(out.path.read_text(encoding="utf-8"))
    assert row["types_aides"] == "financement|accompagnement"
    assert json.loads(row["base_juridique"]) == [
        {"libelle": "Règlement d'intervention 2026", "lien": "https://example.org/reglement.pdf"}]
    assert (row["eligibilite_effectif_maximal"], row["eligibilite_categorie_taille_entreprise"],
            row["ciblage_secteur_activite"], row["ciblage_naf"], row["chainage_paiement"]) == (
        "249", "MIC|PME", "cinéma|audiovisuel", "59.11A|59.12Z|J", "DSP000123")
    assert row["eligibilite_effectif_minimal"] is None
    assert bodies_of(row["porteurs"]) == expected_bodies(ROWS[0]["id"])


def test_semicolons_and_windows_1252_are_read(store: Store, tmp_path: Path) -> None:
    rows = [{**ROWS[1], "titre": "Aide à la création", "porteurs": js_like(
        BODIES[ROWS[1]["id"]])}]
    path = write_csv(tmp_path / "d.csv", rows, delimiter=";", encoding="cp1252")
    report = import_file("dispositifs", path, store=store)
    assert (report.rows_loaded, report.delimiter) == (1, "semicolon")
    assert store.scalar("SELECT name FROM schemes") == "Aide à la création"


# -- a file with errors ---------------------------------------------------------------------


def test_a_file_with_errors_is_reported_row_by_row(store: Store, tmp_path: Path) -> None:
    good = ROWS[0]
    bad = [
        {**good, "id": "11111111-1111-4111-8111-111111111111", "description": ""},
        {**good, "id": "22222222-2222-4222-8222-222222222222", "cibles": "entreprises"},
        {**good, "id": "33333333-3333-4333-8333-333333333333",
         "eligibilite_geographique": "REG-75|Gironde"},
        {**good, "id": "44444444-4444-4444-8444-444444444444",
         "porteurs": "[{ nom: 'ADEME', roles: [ instructeur ]}]"},
        {**good, "id": "55555555-5555-4555-8555-555555555555", "date_cloture": "2026-02-30"},
        {**good, "id": "66666666-6666-4666-8666-666666666666", "date_mise_a_jour": "bientôt"},
        {**good, "id": good["id"]},  # the id of the first row again
    ]
    rows = [good, *bad, ROWS[2]]
    path = write_csv(tmp_path / "errors.csv", rows)
    line = start_lines(path)  # the rows' cells hold newlines: a row spans several lines
    report = import_file("dispositifs", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (9, 2, 7)
    errors = {(p.row, p.field, p.code) for p in report.problems if p.severity == "error"}
    assert errors == {
        (line[1], "description", "required"), (line[2], "cibles", "pattern"),
        (line[3], "eligibilite_geographique", "pattern"),
        (line[4], "porteurs", "invalid-porteurs"), (line[5], "date_cloture", "invalid-date"),
        (line[6], "date_mise_a_jour", "invalid-date"), (line[7], "id", "duplicate-id")}
    assert line[:3] == [2, 5, 7]  # row 2 spans 3 lines; row 5 (no description), 2
    by_row = {p.row: p.message for p in report.problems if p.severity == "error"}
    assert by_row[line[2]].startswith(
        f"Row {line[2]}: cibles 'entreprises' is not written as the standard")
    assert "professionnels, particuliers, associations or secteur public" in by_row[line[2]]
    assert "«instructeur ]}]»" in by_row[line[4]]
    assert "row 2" in by_row[line[7]]
    quarantined = store.frame("SELECT row_number, reasons FROM quarantine ORDER BY 1")
    assert quarantined["row_number"].to_list() == line[1:8]
    assert json.loads(quarantined["reasons"][0])[0]["field"] == "description"
    loaded = set(store.frame("SELECT reference FROM schemes")["reference"])
    assert loaded == {good["id"], ROWS[2]["id"]}


def test_what_the_standard_tolerates_loads_with_a_warning(store: Store, tmp_path: Path) -> None:
    rows = [{**ROWS[0], "id": "REGION-NA-2026-ECR", "date_cloture": "2026-03-31",
             "date_ouverture": "05/01/2026", "eligibilite_geographique": "REG-75|DEP-99",
             "url_source": "ftp://example.org/x",
             "porteurs": "[{nom: 'Région Nouvelle-Aquitaine', siren: '2000 537', roles: "
                         "['financeur', 'co-financeur']}]"}]
    report = import_file("dispositifs", write_csv(tmp_path / "w.csv", rows), store=store)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 0)
    warnings = {(p.field, p.code, p.value) for p in report.problems}
    assert warnings == {
        ("id", "not-a-uuid", "REGION-NA-2026-ECR"),
        ("date_cloture", "date-without-time", "2026-03-31"),
        ("date_ouverture", "non-iso-date", "05/01/2026"),
        ("eligibilite_geographique", "unknown-territory", "DEP-99"),
        ("url_source", "invalid-url", "ftp://example.org/x"),
        ("porteurs", "invalid-siren", "2000 537"),
        ("porteurs", "unknown-role", "co-financeur"),
    }
    assert all(p.severity == "warning" for p in report.problems)
    scheme = store.frame("SELECT * FROM schemes").row(0, named=True)
    assert (scheme["reference"], scheme["url"], scheme["opens_at"], scheme["closes_at"]) == (
        "REGION-NA-2026-ECR", None, dt.datetime(2026, 1, 5), dt.datetime(2026, 3, 31))
    assert scheme["geographic_eligibility"] == ["REG-75", "DEP-99"]  # kept as written
    assert store.scalar("SELECT siren FROM scheme_bodies LIMIT 1") is None


def test_a_file_without_a_required_column_is_refused(store: Store, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "porteurs"]
    rows = [{k: v for k, v in ROWS[0].items() if k != "porteurs"}]
    with pytest.raises(FileError) as caught:
        import_file("dispositifs", write_csv(tmp_path / "x.csv", rows, header), store=store)
    assert "lacks the column 'porteurs'" in str(caught.value)
    assert store.count("schemes") == 0
    assert store.count("sources", "importer = 'dispositifs'") == 0


def test_an_extension_file_without_its_required_column_is_refused(store: Store,
                                                                 tmp_path: Path) -> None:
    rows = [{**ROWS[0], "base_juridique": ""}]
    with pytest.raises(FileError) as caught:
        import_file("dispositifs", write_csv(tmp_path / "x.csv", rows, [*HEADER,
                                                                          "base_juridique"]),
                    store=store)
    assert "lacks 'ciblage_secteur_activite', which the extension requires" in str(caught.value)


def test_reimport_is_idempotent(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", ROWS)
    first = import_file("dispositifs", path, store=store)
    checksum = store.checksum()
    again = import_file("dispositifs", path, store=store)
    assert again.status == "unchanged" and store.checksum() == checksum
    forced = import_file("dispositifs", path, store=store, force=True)
    assert forced.status == "replaced" and forced.tables == first.tables
    assert store.count("schemes") == 3


def test_the_command_imports_and_reports(monkeypatch, capsys, tmp_path: Path,
                                         territories_store: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    db.write_bytes(territories_store.read_bytes())
    rows = [ROWS[0], {**ROWS[1], "cibles": "entreprises"}]
    path = write_csv(tmp_path / "d.csv", rows)
    code, out, err = run_cli(monkeypatch, capsys, "import", "dispositifs", str(path), "--db",
                             str(db), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["rows_loaded"], report["rows_quarantined"]) == (1, 1)
    assert {(p["row"], p["field"], p["code"]) for p in report["problems"]} == {
        (start_lines(path)[1], "cibles", "pattern")}
    assert "Traceback" not in out + err


def test_docs_name_every_problem_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for code in ("not-a-uuid", "date-without-time", "non-iso-date", "invalid-porteurs",
                 "invalid-legal-texts", "unknown-role", "invalid-siren", "duplicate-id",
                 "invalid-url", "json-list", "unknown-territory", "required", "pattern",
                 "invalid-date", "max-length"):
        assert f"`{code}`" in text, code


_cells = st.one_of(st.text(max_size=40), st.sampled_from([
    "[{", "[{ nom: '", "[{nom: 'A', roles: ['financeur']}, ]", "REG-", "REG-75|", "|",
    "2026-02-30T00:00:00Z", "31/02/2026", "{}", "[]", "null", '"', "\\'", "\u00a0", "\x00"]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(damage=st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(HEADER),
                                 _cells), min_size=1, max_size=6))
def test_damaged_cells_are_loaded_or_quarantined(damage: list, store: Store,
                                                 tmp_path: Path) -> None:
    """Whatever a cell holds, every row is loaded or quarantined (or the file is refused with
    a FileError), never a crash."""
    rows = [dict(row) for row in ROWS]
    for index, name, value in damage:
        rows[index][name] = value
    path = write_csv(tmp_path / "damaged.csv", rows)
    try:
        report = import_file("dispositifs", path, store=store, force=True)
    except FileError:
        return
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    assert store.count("schemes", "source_id = ?", [report.source_id]) == report.rows_loaded
