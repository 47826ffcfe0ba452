"""The scdl importer: the standard's own examples compared with `frictionless validate` (run as
a real subprocess), the field declarations checked against both schemas, a draft-version file,
hand-made bad rows and an import -> export (`exports.scdl`) -> validate -> import round trip."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cineatlas import FileError, Store, import_file
from cineatlas.importers import scdl
from cineatlas.ingest import ImportReport
from cineatlas.parsing.values import Stages
from cineatlas.samples import luhn_complete

VALID = "scdl/exemple_valide.csv"
CELLS = "scdl/exemple_invalide_erreurs_cellules.csv"
COLUMNS = "scdl/exemple_invalide_erreurs_colonnes.csv"
SCHEMA = "scdl/schema.json"
DRAFT_SCHEMA = "scdl/schema-draft-next.json"
DOCS = Path(__file__).parents[1] / "docs" / "importers" / "scdl.md"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"

#: Codes of checks `frictionless validate` does not run: the standard's custom checks
#: (validata's french-siret-value, one-of-required) and cineatlas' own plausibility checks.
NOT_FRICTIONLESS = scdl.CUSTOM_CHECK_CODES | scdl.CINEATLAS_CODES


@pytest.fixture
def db(store: Store) -> Store:
    """A store with the reference territories (funders are linked to the territory they
    govern)."""
    return store


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


def frictionless(schema: Path, path: Path) -> dict:
    """`frictionless validate --json --schema SCHEMA FILE`, as French portals run it
    (--trusted: frictionless refuses absolute paths otherwise)."""
    assert FRICTIONLESS.exists(), (
        f"the frictionless CLI should be installed next to {sys.executable}"
    )
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "--trusted", "--schema", str(schema), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stdout)
    assert len(report["tasks"]) == 1, done.stderr
    task = report["tasks"][0]
    assert not [
        e for e in task["errors"] if e["type"] in ("resource-error", "scheme-error", "schema-error")
    ]
    return task


def frictionless_by_label(schema: Path, path: Path) -> list[dict]:
    """Frictionless matching columns by label. Its CLI has no --schema-sync; in the Python API,
    `Detector(schema_sync=True)` is deprecated for the schema's fieldsMatch = 'subset'."""
    from frictionless import Resource, Schema, system

    with system.use_context(trusted=True):
        by_label = Schema(str(schema))
        by_label.fields_match = "subset"
        report = Resource(str(path), schema=by_label).validate()
    errors = [error.to_descriptor() for error in report.tasks[0].errors]
    assert not [
        e for e in errors if e["type"] in ("resource-error", "scheme-error", "schema-error")
    ]
    return errors


def row_problems(report: ImportReport) -> set[tuple[int, str]]:
    """(row, field) of our row-level problems that frictionless also checks."""
    return {
        (p.row, p.field)
        for p in report.problems
        if p.row is not None and p.row > 1 and p.code not in NOT_FRICTIONLESS
    }


def header_problems(report: ImportReport) -> set[tuple[str, str]]:
    return {(p.code, p.field) for p in report.problems if p.row == 1}


def award(store: Store, row: int) -> dict:
    return store.frame(
        "SELECT a.*, b.siret AS b_siret, b.siren AS b_siren, b.rna AS b_rna, "
        "f.siret AS f_siret, f.siren AS f_siren FROM awards a "
        "JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        "JOIN organisations f ON f.organisation_id = a.funder_id "
        "WHERE a.row_number = ?",
        [row],
    ).row(0, named=True)


# -- the declarations against the schemas -------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "relpath"), [(scdl.V2_1_1, SCHEMA), (scdl.DRAFT, DRAFT_SCHEMA)]
)
def test_declared_fields_agree_with_the_schema(shared_data, version, relpath) -> None:
    schema = json.loads(shared_data(relpath).read_text(encoding="utf-8"))
    declared = scdl.fields(version)
    assert [f.name for f in declared] == [f["name"] for f in schema["fields"]]
    for spec, published in zip(declared, schema["fields"], strict=True):
        constraints = published.get("constraints") or {}
        expected = {
            "type": published["type"],
            "required": bool(constraints.get("required", False)),
            "pattern": constraints.get("pattern"),
            "enum": tuple(constraints.get("enum", ())),
            "max_length": constraints.get("maxLength"),
            "minimum": constraints.get("minimum"),
            "maximum": constraints.get("maximum"),
            "true_values": tuple(published.get("trueValues", ())),
            "false_values": tuple(published.get("falseValues", ())),
        }
        got = {key: getattr(spec, key) for key in expected}
        assert got == expected, spec.name
    checks = {(c["name"], tuple(sorted(c["params"].values()))) for c in schema["custom_checks"]}
    assert checks == {
        ("french-siret-value", ("idAttribuant",)),
        ("french-siret-value", ("idBeneficiaire",)),
        ("one-of-required", ("idBeneficiaire", "rnaBeneficiaire")),
    }


def test_long_labels_are_the_titles_of_the_published_schemas(shared_data) -> None:
    """The long French labels (the first SCDL files' headers) are the schemas' field titles;
    the draft repeats idAttribuant's title for idServiceInstructeur, which is not read so."""
    from cineatlas.importers.scdl.labels import LONG_LABEL_KEYS, TITLES

    titles = {}
    for relpath in (SCHEMA, DRAFT_SCHEMA):
        schema = json.loads(shared_data(relpath).read_text(encoding="utf-8"))
        for spec in schema["fields"]:
            titles.setdefault(spec["name"], spec["title"])
    assert titles.pop("idServiceInstructeur") == titles["idAttribuant"]
    assert TITLES == titles
    assert LONG_LABEL_KEYS[scdl.label_key("Identification du bénéficiaire")] == "idBeneficiaire"


# -- the standard's examples --------------------------------------------------------------------


def test_valid_example_loads_without_any_problem(shared_data, db) -> None:
    path = shared_data(VALID)
    rows = read_rows(path)
    report = import_file("scdl", path, store=db)
    assert report.problems == [] and sum(report.problem_counts.values()) == 0
    assert (
        (report.rows_read, report.rows_loaded, report.rows_quarantined)
        == (len(rows), len(rows), 0)
        == (29, 29, 0)
    )
    assert frictionless(shared_data(SCHEMA), path)["valid"] is True
    got = db.frame(
        "SELECT sum(amount_minor) AS total, count(*) AS n, min(currency) AS c, "
        "count(*) FILTER (aid_type = 'mixed') AS mixed, "
        "count(*) FILTER (aid_type = 'grant') AS grants, "
        "count(DISTINCT funder_id) AS funders FROM awards"
    ).row(0, named=True)
    assert got["total"] == sum(cents(r["montant"]) for r in rows)
    assert got["mixed"] == sum(r["nature"] == "aide en numéraire;aide en nature" for r in rows) == 2
    assert got["grants"] == sum(r["nature"] == "aide en numéraire" for r in rows)
    assert (got["n"], got["c"], got["funders"]) == (29, "EUR", 1)
    first = award(db, 2)
    assert first["project_title"] == rows[0]["objet"] == "Fonctionnement"
    assert str(first["decision_date"]) == rows[0]["dateConvention"] == "2015-07-07"
    assert first["fiscal_year"] == 2015 and first["amount_minor"] == 9978657
    assert (first["f_siret"], first["f_siren"]) == ("21060004500392", "210600045")
    assert (first["b_siret"], first["b_siren"], first["b_rna"]) == (
        "52499120500013",
        "524991205",
        "W333216789",
    )
    # placed in France (its SIRET is French), never in its funder's commune (Antibes)
    assert (first["stage"], first["format"], first["beneficiary_territory_id"],
            first["beneficiary_country_code"]) == (None, None, "FR", "FR")
    funder = db.frame(
        "SELECT name, is_funder, kind, country_code FROM organisations WHERE is_funder"
    ).rows()
    assert funder == [("ANTIBES", True, "public_body", "FR")]
    # beneficiaries are one organisation per name (trailing spaces do not count)
    names = {" ".join(r["nomBeneficiaire"].split()) for r in rows}
    assert db.count("organisations", "NOT is_funder") == len(names)
    assert db.count("schemes") == 0  # dispositifAide is empty throughout
    source = db.source("scdl:exemple-valide")
    assert (source["publisher"], source["licence"], source["url"]) == ("ANTIBES", None, None)


def test_cell_errors_are_those_frictionless_finds(shared_data, db) -> None:
    path = shared_data(CELLS)
    theirs = frictionless(shared_data(SCHEMA), path)
    assert theirs["stats"]["errors"] == 16
    report = import_file("scdl", path, store=db)
    cells = {(e["rowNumber"], e["fieldName"]) for e in theirs["errors"] if "rowNumber" in e}
    assert row_problems(report) == cells
    labels = {(e["type"], e["fieldName"]) for e in theirs["errors"] if "rowNumber" not in e}
    assert labels == {("missing-label", "dispositifAide")}
    assert header_problems(report) == labels
    # only the row without an amount is unusable; everything else loads as interpreted
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (29, 28, 1)
    assert {(p.row, p.field, p.code) for p in report.problems if p.severity == "error"} == {
        (10, "montant", "required")
    }
    assert db.scalar("SELECT reasons FROM quarantine WHERE row_number = 10").count("montant") >= 1
    assert str(award(db, 5)["decision_date"]) == "2016-12-05"  # 05/12/2016
    assert award(db, 6)["amount_minor"] == 10000010  # 100000,1
    assert award(db, 16)["aid_type"] == "mixed"  # comma instead of ';'
    assert award(db, 16)["aid_type_raw"] == "aide en numéraire,aide en nature"
    assert award(db, 5)["b_rna"] is None  # W3222
    seventh = award(db, 7)  # 218601946: a SIREN
    assert (seventh["f_siret"], seventh["f_siren"]) == (None, "218601946")
    by_cell = {(p.row, p.field): p for p in report.problems}
    assert by_cell[(5, "dateConvention")].code == "non-iso-date"
    assert by_cell[(5, "dateConvention")].message.endswith("Read as 2016-12-05.")
    assert by_cell[(6, "montant")].code == "decimal-comma"
    assert by_cell[(8, "notificationUE")].code == "non-standard-boolean"
    assert by_cell[(3, "pourcentageSubvention")].code == "out-of-range"
    assert (
        "Read as 0.8 (a percentage written as a whole number"
        in by_cell[(3, "pourcentageSubvention")].message
    )
    assert "Read as 1.0" in by_cell[(2, "pourcentageSubvention")].message
    assert by_cell[(8, "datesPeriodeVersement")].code == "pattern"
    assert by_cell[(12, "rnaBeneficiaire")].message.endswith("The value was not stored.")
    # the standard's custom checks, which frictionless does not run, are warnings
    custom = {
        (p.row, p.field, p.code) for p in report.problems if p.code in scdl.CUSTOM_CHECK_CODES
    }
    assert (9, "idBeneficiaire", "one-of-required") in custom
    assert (8, "idBeneficiaire", "french-siret-value") in custom  # wrong checksum
    assert all(
        p.severity == "warning" for p in report.problems if p.code in scdl.CUSTOM_CHECK_CODES
    )


def test_column_errors_by_label_not_by_position(shared_data, db) -> None:
    path, schema = shared_data(COLUMNS), shared_data(SCHEMA)
    positional = frictionless(schema, path)
    report = import_file("scdl", path, store=db)
    # header: the same label problems as frictionless
    label_errors = {
        (e["type"], e["fieldName"]) for e in positional["errors"] if "rowNumber" not in e
    }
    assert label_errors == {
        ("missing-label", "dispositifAide"),
        ("incorrect-label", "nomAttribuant"),
        ("incorrect-label", "idAttribuant"),
        ("incorrect-label", "nomBeneficiaire"),
    }
    assert header_problems(report) == label_errors
    # cells: reading by position makes 'Ville de Poitiers' an invalid SIRET on every row;
    # reading by label (frictionless' schema_sync) gives exactly our cell problems
    artefacts = {
        e["rowNumber"]
        for e in positional["errors"]
        if e.get("fieldName") == "idAttribuant"
        and e.get("cell") in ("Ville de Poitiers", "Poitiers")
    }
    assert len(artefacts) == 29
    by_label = frictionless_by_label(schema, path)
    assert row_problems(report) == {
        (e["rowNumber"], e["fieldName"]) for e in by_label if "rowNumber" in e
    }
    # (by label, frictionless finds no column named nomBeneficiaire: we read NOM_Beneficiaire)
    assert {(e["type"], e["fieldName"]) for e in by_label if "rowNumber" not in e} == {
        ("missing-label", "dispositifAide"),
        ("missing-label", "nomBeneficiaire"),
    }
    assert (report.rows_loaded, report.rows_quarantined) == (28, 1)
    rows = read_rows(path)
    assert db.scalar("SELECT sum(amount_minor) FROM awards") == sum(
        cents(r["montant"]) for r in rows if r["montant"]
    )
    assert db.frame("SELECT DISTINCT name FROM organisations WHERE is_funder ORDER BY 1")[
        "name"
    ].to_list() == ["Poitiers", "Ville de Poitiers"]


# -- the draft next version ------------------------------------------------------------------

DEPARTMENT = luhn_complete("2286000170001")


def draft_row(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(scdl.ORDER[scdl.DRAFT], "")
    row.update(
        {
            "idSubvention": "SUB-1",
            "nomAttribuant": "Département Exemple",
            "idAttribuant": DEPARTMENT,
            "nomServiceInstructeur": "Service culture",
            "idServiceInstructeur": DEPARTMENT,
            "nomBeneficiaire": "Films du Marais",
            "idBeneficiaire": luhn_complete("5380793870001"),
            "exerciceBudgetaire": "2024",
            "pluriannualite": "non",
            "dateDecision": "2023-11-20",
            "dateConvention": "2024-01-15",
            "dispositif": "Fonds cinéma",
            "sousDispositif": "Écriture",
            "statutLabel": "attribuée",
            "objet": "Écriture du film « Les Marais »",
            "nature": "aide en numéraire",
            "montantDemande": "12000",
            "montant": "8000.50",
            "conditionsVersement": "unique",
            "descriptionConditionsVersement": "Versement à la signature",
            "datesPeriodeVersement": "2024-02-01",
            "cofinancement": "non",
            "notificationUE": "non",
            "pourcentageSubvention": "1",
        }
    )
    row.update(cells)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_draft_version_file_loads(shared_data, db, tmp_path) -> None:
    schema = json.loads(shared_data(DRAFT_SCHEMA).read_text(encoding="utf-8"))
    path = write_csv(
        tmp_path / "draft.csv",
        [
            draft_row(),
            draft_row(
                idSubvention="SUB-2",
                nomBeneficiaire="Association Lumière",
                idBeneficiaire="",
                rnaBeneficiaire="W861234567",
                exerciceBudgetaire="",
                dateDecision="",
                sousDispositif="",
                dispositif="Fonds festivals",
                montantDemande="",
                nature="aide en nature",
                montant="2000",
            ),
            draft_row(idSubvention="SUB-3", statutLabel="refusée", montant=""),
        ],
    )
    assert [f["name"] for f in schema["fields"]] == list(draft_row())
    report = import_file("scdl", path, store=db)
    assert header_problems(report) == set()
    assert {(p.row, p.field, p.code, p.severity) for p in report.problems} == {
        (4, "statutLabel", "not-awarded", "error"),
        (4, "montant", "missing-amount", "error"),
        # 'Département Exemple' is a département by its name, but which one, neither its name
        # nor its (made-up) SIRET says
        (None, "nomAttribuant", "unknown-funder", "warning"),
    }
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    first, second = award(db, 2), award(db, 3)
    assert (first["fiscal_year"], first["fiscal_period"], str(first["decision_date"])) == (
        2024,
        "2024",
        "2023-11-20",
    )
    assert (first["amount_minor"], first["requested_amount_minor"], first["aid_type"]) == (
        800050,
        1200000,
        "grant",
    )
    assert (
        second["fiscal_year"],
        str(second["decision_date"]),
        second["requested_amount_minor"],
    ) == (2024, "2024-01-15", None)
    assert (second["aid_type"], second["b_rna"], second["b_siret"]) == (
        "in_kind",
        "W861234567",
        None,
    )
    assert second["beneficiary_country_code"] == "FR"
    schemes = db.frame("SELECT name FROM schemes ORDER BY name")["name"].to_list()
    assert schemes == ["Fonds cinéma — Écriture", "Fonds festivals"]
    assert (
        db.scalar("SELECT kind FROM organisations WHERE name = 'Association Lumière'")
        == "association"
    )


def test_a_draft_file_is_validated_by_the_draft_rules(db, tmp_path) -> None:
    path = write_csv(
        tmp_path / "draft.csv",
        [
            draft_row(
                conditionsVersement="unique;échelonné",
                notificationUE="oui ",
                cofinancement="peut-être",
            ),
            draft_row(exerciceBudgetaire="2024.0", descriptionConditionsVersement=""),
        ],
    )
    report = import_file("scdl", path, store=db)
    assert {(p.row, p.field, p.code) for p in report.problems} == {
        (2, "conditionsVersement", "enum"),
        (2, "notificationUE", "enum"),
        (2, "cofinancement", "enum"),
        (3, "exerciceBudgetaire", "non-standard-number"),
        (3, "descriptionConditionsVersement", "required"),
        (None, "nomAttribuant", "unknown-funder"),
    }
    assert report.rows_loaded == 2 and award(db, 3)["fiscal_year"] == 2024


# -- hand-made files ----------------------------------------------------------------------------

FUNDER_SIRET = luhn_complete("2106000450039")
BENEFICIARY_SIRET = luhn_complete("5249912050001")


def v2_row(**cells: str) -> dict[str, str]:
    row = {
        "nomAttribuant": "Ville Exemple",
        "idAttribuant": FUNDER_SIRET,
        "dateConvention": "2023-05-04",
        "referenceDecision": "DEL-1",
        "nomBeneficiaire": "Studio Ouest",
        "idBeneficiaire": BENEFICIARY_SIRET,
        "rnaBeneficiaire": "",
        "objet": "Tournage",
        "montant": "1500.00",
        "nature": "aide en numéraire",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2023-06-01",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
    row.update(cells)
    return row


def test_columns_in_any_order_with_other_spellings_and_extras(db, tmp_path) -> None:
    header = [
        "NOM_BENEFICIAIRE",
        "montant",
        "objet",
        "nomAttribuant",
        "id_attribuant",
        "dateConvention",
        "referenceDecision",
        "idBeneficiaire",
        "rnaBeneficiaire",
        "nature",
        "conditionsVersement",
        "datesPeriodeVersement",
        "notificationUE",
        "pourcentageSubvention",
        "Commentaire",
    ]
    row = v2_row(Commentaire="à revoir")
    row["NOM_BENEFICIAIRE"], row["id_attribuant"] = (
        row.pop("nomBeneficiaire"),
        row.pop("idAttribuant"),
    )
    path = write_csv(tmp_path / "shuffled.csv", [{k: row.get(k, "") for k in header}], header)
    report = import_file("scdl", path, store=db)
    assert report.rows_loaded == 1
    problems = {(p.code, p.field) for p in report.problems}
    assert problems >= {
        ("incorrect-label", "nomBeneficiaire"),
        ("incorrect-label", "idAttribuant"),
        ("missing-label", "idRAE"),
        ("missing-label", "dispositifAide"),
        ("extra-label", "Commentaire"),
    }
    assert all(p.row == 1 and p.severity == "warning" for p in report.problems)
    assert ("incorrect-label", "montant") in problems  # present, right label, wrong place
    got = award(db, 2)
    assert (got["amount_minor"], got["project_title"], got["f_siret"]) == (
        150000,
        "Tournage",
        FUNDER_SIRET,
    )
    message = next(p.message for p in report.problems if p.code == "extra-label")
    assert message == (
        "Column 'Commentaire' is not a field of SCDL subventions 2.1.1: it is ignored. "
        "Remove it, or rename it if it holds one of the standard's fields."
    )


def test_bad_rows_are_quarantined_or_loaded_as_interpreted(db, tmp_path) -> None:
    rows = [
        v2_row(nomBeneficiaire=""),  # 2 error
        v2_row(montant="abc"),  # 3 error
        v2_row(objet="", nomAttribuant=""),  # 4 error (no funder); no object: a warning
        v2_row(montant="1 000", idAttribuant=FUNDER_SIRET[:3] + " " + FUNDER_SIRET[3:]),  # 5
        v2_row(pourcentageSubvention="150", nature="Aide en Numéraire"),  # 6
        v2_row(nature="subvention", dateConvention="2023-05-04T10:00:00"),  # 7
        v2_row(idBeneficiaire="", rnaBeneficiaire="", objet="x" * 300),  # 8
        v2_row(montant="-500", dateConvention="31/02/2023", notificationUE="peut-être"),  # 9
    ]
    report = import_file("scdl", write_csv(tmp_path / "bad.csv", rows), store=db)
    found = {(p.row, p.field, p.code, p.severity) for p in report.problems}
    assert found == {
        (2, "nomBeneficiaire", "required", "error"),
        (3, "montant", "invalid-amount", "error"),
        (4, "objet", "required", "warning"),
        (4, "nomAttribuant", "required", "error"),
        (5, "montant", "non-standard-number", "warning"),
        (5, "idAttribuant", "pattern", "warning"),
        (6, "pourcentageSubvention", "out-of-range", "warning"),
        (6, "nature", "enum", "warning"),
        (7, "nature", "enum", "warning"),
        (7, "dateConvention", "non-iso-date", "warning"),
        (8, "idBeneficiaire", "one-of-required", "warning"),
        (8, "objet", "max-length", "warning"),
        (9, "montant", "negative-amount", "warning"),
        (9, "dateConvention", "invalid-date", "warning"),
        (9, "notificationUE", "invalid-boolean", "warning"),
    }
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (8, 5, 3)
    assert db.frame("SELECT row_number FROM quarantine ORDER BY 1")["row_number"].to_list() == [
        2,
        3,
        4,
    ]
    assert (award(db, 5)["amount_minor"], award(db, 5)["f_siret"]) == (100000, FUNDER_SIRET)
    assert award(db, 6)["aid_type"] == "grant" and award(db, 7)["aid_type"] is None
    assert (
        award(db, 7)["aid_type_raw"] == "subvention"
        and str(award(db, 7)["decision_date"]) == "2023-05-04"
    )
    assert len(award(db, 8)["project_title"]) == 300  # kept in full, with a warning
    assert award(db, 9)["amount_minor"] == -50000 and award(db, 9)["decision_date"] is None
    assert award(db, 9)["fiscal_year"] is None  # unknown, never guessed
    messages = {(p.row, p.field): p.message for p in report.problems}
    assert messages[(3, "montant")] == (
        "Not an amount in column 'montant': 'abc'. Write an amount such as "
        "15000, 15 000,00 € or 15000.00."
    )
    assert messages[(6, "pourcentageSubvention")].endswith(
        "The value is outside the range the standard allows."
    )
    assert messages[(5, "idAttribuant")].endswith(f"Read as {FUNDER_SIRET}.")


def test_a_file_without_the_essential_columns_is_refused(db, tmp_path) -> None:
    row = v2_row()
    del row["montant"], row["objet"]
    path = write_csv(tmp_path / "short.csv", [row])
    with pytest.raises(FileError) as caught:
        import_file("scdl", path, store=db)
    assert "lacks the columns 'objet', 'montant' that every SCDL subventions file has" in str(
        caught.value
    )
    assert db.count("awards") == 0 and db.count("sources", "importer = 'scdl'") == 0


def identifiers(*cells: str) -> list[tuple[str | None, str | None]]:
    frame = pl.DataFrame({"id": list(cells)})
    stages = Stages()
    siret, siren, _ = scdl.siret_parts(pl.col("id"), stages)
    for stage in stages.stages:
        frame = frame.with_columns(stage)
    return frame.select(siret.alias("siret"), siren.alias("siren")).rows()


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.integers(0, 13),
    st.integers(1, 9),
)
def test_siret_checksum(siren8: str, nic4: str, position: int, change: int) -> None:
    good = luhn_complete(luhn_complete(siren8) + nic4)
    bad = good[:position] + str((int(good[position]) + change) % 10) + good[position + 1 :]
    siren = good[:9]
    assert identifiers(good, bad, siren, f" {good[:3]} {good[3:]} ", good + ".0") == [
        (good, siren),
        (None, siren if position >= 9 else None),
        (None, siren),
        (good, siren),
        (good, siren),
    ]


def test_la_poste_sirets_have_their_own_checksum() -> None:
    # La Poste's establishments share the SIREN 356000000: their digits add up to a multiple of 5
    assert identifiers("35600000000001", "35600000000002") == [
        ("35600000000001", "356000000"),
        (None, "356000000"),
    ]


# -- writing SCDL -------------------------------------------------------------------------------


def test_write_validate_and_import_again(shared_data, db, tmp_path) -> None:
    """Import the valid example, export it (`cineatlas export scdl`'s exporter), validate the
    file with frictionless, import it again: the same amounts, titles, dates and SIRETs."""
    from cineatlas.exports.base import Cut, prepare
    from cineatlas.exports.scdl import ScdlExporter

    import_file("scdl", shared_data(VALID), store=db)
    before = db.frame(
        "SELECT amount_minor, project_title, decision_date FROM awards "
        "WHERE source_id = 'scdl:exemple-valide' ORDER BY row_number"
    )
    prepare(db)
    out = tmp_path / "out" / "export.csv"
    export = ScdlExporter().write(db, Cut(sector="all"), out)
    assert (export.written, export.not_expressed) == ({"subventions": 29}, [])
    checked = frictionless(shared_data(SCHEMA), out)
    assert checked["valid"] is True and checked["stats"]["errors"] == 0
    with out.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == ",".join(scdl.ORDER[scdl.V2_1_1])
    report = import_file("scdl", out, store=db, source_id="scdl:roundtrip")
    assert report.problems == [] and report.rows_loaded == 29
    after = db.frame(
        "SELECT amount_minor, project_title, decision_date FROM awards "
        "WHERE source_id = 'scdl:roundtrip' ORDER BY row_number"
    )
    assert sorted(after.rows(), key=str) == sorted(before.rows(), key=str)
    assert db.frame(
        "SELECT DISTINCT b.siret FROM awards a "
        "JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        "WHERE a.source_id = 'scdl:roundtrip' AND b.siret IS NOT NULL ORDER BY 1"
    )["siret"].to_list() == sorted(
        {r["idBeneficiaire"] for r in read_rows(shared_data(VALID)) if r["idBeneficiaire"]}
    )


def test_writer_leaves_out_what_cannot_be_valid(shared_data, tmp_path) -> None:
    from cineatlas.exports.scdl import scdl_table, write_table

    base = {
        "award_id": "a", "currency": "EUR", "amount_minor": 123456,
        "decision_date": "2023-01-02", "fiscal_year": 2023, "project_title": "Un film",
        "work_title": None, "aid_type": "in_kind", "reference": None,
        "funder": "Région Exemple", "funder_siren": FUNDER_SIRET[:9],
        "funder_siret": FUNDER_SIRET, "beneficiary": "Studio", "beneficiary_siren": None,
        "beneficiary_siret": None, "beneficiary_rna": "W123456789", "withheld": False,
        "scheme_reference": None, "fictitious": False,
    }
    rows = [
        base,
        {**base, "award_id": "cad", "currency": "CAD"},
        {**base, "award_id": "no-siret", "funder_siret": None},
        {**base, "award_id": "no-amount", "amount_minor": None},
        {**base, "award_id": "no-object", "project_title": " ", "aid_type": "mixed"},
        {**base, "award_id": "long", "amount_minor": -5, "project_title": "é" * 400,
         "aid_type": None},
        {**base, "award_id": "loan", "aid_type": "loan", "fictitious": True},
    ]
    frame = pl.DataFrame(rows).with_columns(pl.col("decision_date").str.to_date())
    table, checked = scdl_table(frame)
    assert table.height == 2
    reasons = dict(checked.filter(pl.col("_codes").list.len() > 0)
                   .select("award_id", "_codes").rows())
    assert reasons == {
        "cad": ["not-euros"], "no-siret": ["no-funder-siret"], "no-amount": ["no-amount"],
        "no-object": ["no-object"], "loan": ["fictitious", "not-a-subsidy"],
    }
    write_table(table, tmp_path / "x.csv")
    written = read_rows(tmp_path / "x.csv")
    assert [(r["montant"], r["nature"], r["rnaBeneficiaire"]) for r in written] == [
        ("1234.56", "aide en nature", "W123456789"),
        ("-0.05", "aide en numéraire", "W123456789"),
    ]
    assert len(written[1]["objet"]) == 256
    assert frictionless(shared_data(SCHEMA), tmp_path / "x.csv")["valid"] is True


# -- the command line and the docs --------------------------------------------------------------


def test_command_line_json_report(shared_data, tmp_path) -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "cineatlas"),
            "import",
            "scdl",
            str(shared_data(CELLS)),
            "--db",
            str(tmp_path / "a.duckdb"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (29, 28, 1)
    errors = [
        (p["row"], p["field"], p["code"]) for p in report["problems"] if p["severity"] == "error"
    ]
    assert errors == [(10, "montant", "required")]


def test_every_field_and_code_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for spec in scdl.FIELDS:
        assert f"`{spec.name}`" in text, spec.name
    codes = {
        "required",
        "pattern",
        "enum",
        "max-length",
        "out-of-range",
        "non-iso-date",
        "invalid-date",
        "decimal-comma",
        "non-standard-number",
        "non-standard-boolean",
        "invalid-boolean",
        "invalid-amount",
        "incorrect-label",
        "missing-label",
        "extra-label",
        *scdl.CUSTOM_CHECK_CODES,
        *scdl.CINEATLAS_CODES,
        "year-only-date", "split-number", "split-text", "wrapped-table", "unknown-funder",
    }
    for code in codes:
        assert f"`{code}`" in text, code


def test_a_beneficiary_with_a_french_register_number_is_placed_in_france_only(
        db, tmp_path) -> None:
    """A valid SIRET, a SIREN alone or an RNA number makes the beneficiary French (the registers
    are French), not its commune: placed at FR, never in the funder's territory; without one it
    stays unplaced."""
    rows = [
        v2_row(nomBeneficiaire="Studio Ouest"),  # 2: a valid SIRET
        v2_row(nomBeneficiaire="Ciné Nord", idBeneficiaire=BENEFICIARY_SIRET[:9]),  # 3: SIREN
        v2_row(nomBeneficiaire="Festival Sud", idBeneficiaire="",
               rnaBeneficiaire="W442001234"),  # 4: RNA only
        v2_row(nomBeneficiaire="Inconnu", idBeneficiaire="", rnaBeneficiaire=""),  # 5: none
        v2_row(nomBeneficiaire="Mal écrit", idBeneficiaire="12345678900000"),  # 6: bad checksums
    ]
    import_file("scdl", write_csv(tmp_path / "places.csv", rows), store=db)
    got = {r: (award(db, r)["beneficiary_territory_id"], award(db, r)["beneficiary_country_code"])
           for r in range(2, 7)}
    assert got == {2: ("FR", "FR"), 3: ("FR", "FR"), 4: ("FR", "FR"), 5: (None, None),
                   6: (None, None)}
    placed = dict(db.frame("SELECT name, territory_id FROM organisations WHERE NOT is_funder"
                           ).rows())
    assert placed == {"Studio Ouest": "FR", "Ciné Nord": "FR", "Festival Sud": "FR",
                      "Inconnu": None, "Mal écrit": None}
    # the funder keeps no seat: the territory it governs is its governed_territory_id
    assert db.frame("SELECT territory_id FROM organisations WHERE is_funder").rows() == [(None,)]


def test_what_a_schemes_name_says_is_written_with_its_source(db, tmp_path) -> None:
    """The catalogue's word rules on `dispositif` (and `sousDispositif`): each value with the
    line and fields it was read from; the scheme's level is its funder's."""
    path = write_csv(tmp_path / "draft.csv", [
        draft_row(nomAttribuant="Département de Loire-Atlantique", dispositif="Fonds cinéma",
                  sousDispositif="Aide à l'écriture de courts métrages"),
        draft_row(idSubvention="SUB-2", nomAttribuant="Département de Loire-Atlantique",
                  dispositif="Fonds divers", sousDispositif=""),
    ])
    import_file("scdl", path, store=db)
    rows = db.frame(
        "SELECT s.name, s.level, s.stages, s.formats, list(f.field || ' ' || f.locator || ' ' "
        "|| f.rule ORDER BY f.field) AS sources FROM schemes s LEFT JOIN scheme_field_sources f "
        "USING (scheme_id) GROUP BY ALL ORDER BY 1").rows()
    assert rows == [
        ("Fonds cinéma — Aide à l'écriture de courts métrages", "departmental", ["writing"],
         ["short"], ["formats row 2, dispositif, sousDispositif name",
                     "stages row 2, dispositif, sousDispositif name"]),
        ("Fonds divers", "departmental", None, None, [None]),
    ]
