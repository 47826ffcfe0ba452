"""The generic importer: the shipped example mapping against a hand-made Region list, as CSV and
as XLSX (identical awards), mapping files checked with clear messages, TOML and YAML alike."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from cineatlas import Store, import_file
from cineatlas.errors import MappingError
from cineatlas.importers import generic
from cineatlas.samples import luhn_complete

DOCS = Path(__file__).parents[1] / "docs" / "importers" / "generic.md"
EXAMPLE = Path(generic.__file__).parent / "mappings" / "example-region.toml"

SIRET_CLAIN = luhn_complete(luhn_complete("53807938") + "0001")
SIRET_NORD = luhn_complete(luhn_complete("41234567") + "0002")

HEADER = [
    "Bénéficiaire",
    "SIRET",
    "Commune",
    "Code postal",
    "Titre du projet",
    "Réalisation",
    "Genre",
    "Format",
    "Dispositif",
    "Date de la commission",
    "Montant attribué",
    "Premier film",
    "Contact",
]
#: The Region's list; amounts and dates as a French CSV export writes them. Row numbers in the
#: file are 2.. (the header is row 1).
ROWS = [
    [
        "Les Films du Clain",
        SIRET_CLAIN,
        "Poitiers",
        "86000",
        "La Rivière",
        "Anne Martin",
        "Fiction",
        "Long métrage",
        "Aide à la production de longs métrages",
        "15/03/2023",
        "150 000,00",
        "Oui",
        "anne.martin@example.org",
    ],
    [
        "Tournesol Productions",
        "",
        "La Rochelle",
        "17000",
        "Les Marais",
        "Paul Durand et Léa Petit",
        "Documentaire de création",
        "Série documentaire",
        "Aide au développement",
        "15/03/2023",
        "12 500,50",
        "Non",
        "05 49 00 00 00",
    ],
    ["", "", "", "", "TOTAL", "", "", "", "", "", "162 500,50", "", ""],
    [
        "Atelier Nord",
        SIRET_NORD,
        "Niort",
        "79000",
        "Nuit blanche",
        "Zoé Roux",
        "Film d'animation",
        "CM",
        "Aide à l'écriture",
        "20/06/2023",
        "8 000",
        "1er film",
        "",
    ],
    [
        "Studio Mirage",
        "12345678901234",
        "Châtellerault",
        "86100",
        "Le Phare",
        "",
        "Fiction",
        "Websérie",
        "Aide à la création numérique",
        "20/06/2023",
        "5 000,00",
        "",
        "",
    ],
    [
        "Les Films du Clain",
        SIRET_CLAIN,
        "Poitiers",
        "86000",
        "Sans titre",
        "",
        "Fiction",
        "Court métrage",
        "Aide à la production de courts métrages",
        "20/06/2023",
        "beaucoup",
        "Non",
        "",
    ],
    [
        "Films de l'Estuaire",
        "",
        "Saint-Georges-de-Didonne",
        "17110",
        "Marée basse",
        "",
        "Documentaire",
        "Long métrage",
        "Aide à la production de longs métrages",
        "20/06/2023",
        "40 000",
        "Oui",
        "",
    ],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path) -> Path:
    """The same list as a spreadsheet would hold it: numbers, dates and codes as typed cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Aides 2023"
    sheet.append(HEADER)
    for row in ROWS:
        cells: list[object] = list(row)
        cells[1] = int(row[1]) if row[1] else None  # SIRET typed as a number
        cells[3] = int(row[3]) if row[3] else None  # postal code as a number
        if row[9]:
            day, month, year = map(int, row[9].split("/"))
            cells[9] = dt.datetime(year, month, day)
        amount = row[10].replace(" ", "").replace(",", ".")
        cells[10] = float(amount) if amount.replace(".", "").isdigit() else row[10]
        sheet.append([c if c != "" else None for c in cells])
    book.save(path)
    return path


AWARD_COLUMNS = (
    "row_number",
    "project_title",
    "decision_date",
    "fiscal_year",
    "fiscal_period",
    "amount_minor",
    "currency",
    "aid_type",
    "aid_type_raw",
    "stage",
    "format",
    "genre",
    "genre_detail",
    "first_work",
    "beneficiary_territory_id",
    "beneficiary_country_code",
)


def awards(store: Store, source_id: str) -> pl.DataFrame:
    return store.frame(
        f"SELECT {', '.join('a.' + c for c in AWARD_COLUMNS)}, b.name AS beneficiary, b.siret, "
        "b.siren, "
        "f.name AS funder, s.name AS scheme, w.title AS work FROM awards a "
        "LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id "
        "LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id LEFT JOIN works w ON w.work_id = "
        "a.work_id "
        "WHERE a.source_id = ? ORDER BY a.row_number",
        [source_id],
    )


def problems(report) -> set[tuple[int | None, str | None, str, str]]:
    return {(p.row, p.field, p.code, p.severity) for p in report.problems}


# -- the shipped example, CSV and XLSX ----------------------------------------------------------


@pytest.fixture
def region_list(tmp_path: Path) -> tuple[Path, Path]:
    return write_csv(tmp_path / "aides-2023.csv", HEADER, ROWS), write_xlsx(
        tmp_path / "aides-2023.xlsx"
    )


def test_example_mapping_loads_a_region_list(store, region_list) -> None:
    csv_path, _ = region_list
    report = import_file("generic", csv_path, store=store, options={"mapping": str(EXAMPLE)})
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 5, 2)
    assert problems(report) == {
        (4, "Titre du projet", "total-row", "error"),
        (7, "Montant attribué", "invalid-amount", "error"),
        (6, "SIRET", "french-siret-value", "warning"),
        (6, "Dispositif", "unmapped-value", "warning"),  # a scheme whose stage the mapping omits
    }
    got = awards(store, "generic:aides-2023")
    assert got["row_number"].to_list() == [2, 3, 5, 6, 8]
    assert got["amount_minor"].to_list() == [15_000_000, 1_250_050, 800_000, 500_000, 4_000_000]
    assert got["stage"].to_list() == ["production", "development", "writing", None, "production"]
    assert got["format"].to_list() == ["feature", "series", "short", "web", "feature"]
    assert got["genre"].to_list() == [
        "fiction",
        "documentary",
        "animation",
        "fiction",
        "documentary",
    ]
    assert got["genre_detail"].to_list()[1] == "Documentaire de création"
    assert got["first_work"].to_list() == [True, False, True, None, True]
    assert {str(d) for d in got["decision_date"]} == {"2023-03-15", "2023-06-20"}
    assert set(got["fiscal_year"]) == {2023} and set(got["currency"]) == {"EUR"}
    assert set(got["aid_type"]) == {"grant"} and set(got["funder"]) == {"Région Exemple"}
    assert got["beneficiary_territory_id"].to_list() == [
        "FR-C86194",
        "FR-C17300",
        "FR-C79191",
        "FR-C86066",
        "FR-C17333",
    ]
    assert set(got["beneficiary_country_code"]) == {"FR"}
    assert got["siret"].to_list() == [SIRET_CLAIN, None, SIRET_NORD, None, None]
    assert (
        got["work"].to_list()
        == got["project_title"].to_list()
        == ["La Rivière", "Les Marais", "Nuit blanche", "Le Phare", "Marée basse"]
    )
    assert store.count("schemes", "source_id = 'generic:aides-2023'") == 4  # row 7 was set aside
    people = store.frame("SELECT full_name FROM people ORDER BY 1")["full_name"].to_list()
    assert people == ["Anne Martin", "Léa Petit", "Paul Durand", "Zoé Roux"]
    # the private column is never read: not in the tables, not in quarantine, not in the report
    dump = json.dumps(report.as_dict(), ensure_ascii=False) + "".join(
        store.frame("SELECT content FROM quarantine")["content"].to_list()
    )
    assert "Contact" not in dump and "example.org" not in dump
    source = store.source("generic:aides-2023")
    assert (source["publisher"], source["licence"]) == (
        "Région Exemple",
        "Licence Ouverte / Open Licence (Etalab)",
    )
    # the funder: a public body of regional level governing Nouvelle-Aquitaine, where every
    # beneficiary's commune lies (read from the store's territories, not from the importer)
    assert store.frame(
        "SELECT name, kind, is_funder, funder_level, governed_territory_id, country_code "
        "FROM organisations WHERE source_id = 'generic:aides-2023' AND is_funder").rows() == [
        ("Région Exemple", "public_body", True, "regional", "FR-R75", "FR")]
    assert store.scalar("SELECT name FROM territories WHERE territory_id = 'FR-R75'") \
        == "Nouvelle-Aquitaine"
    assert store.frame(
        "SELECT DISTINCT t.region_id FROM awards a JOIN territories t "
        "ON t.territory_id = a.beneficiary_territory_id "
        "WHERE a.source_id = 'generic:aides-2023'").rows() == [("FR-R75",)]
    assert store.count("organisations", "source_id = 'generic:aides-2023' AND NOT is_funder "
                       "AND (funder_level IS NOT NULL OR governed_territory_id IS NOT NULL)") == 0


def test_csv_and_xlsx_of_the_same_list_give_identical_awards(store, region_list) -> None:
    csv_path, xlsx_path = region_list
    from_csv = import_file(
        "generic",
        csv_path,
        store=store,
        source_id="region:csv",
        options={"mapping": "example-region"},
    )
    from_xlsx = import_file(
        "generic",
        xlsx_path,
        store=store,
        source_id="region:xlsx",
        options={"mapping": "example-region"},
    )
    assert (
        (from_xlsx.rows_read, from_xlsx.rows_loaded, from_xlsx.rows_quarantined)
        == (from_csv.rows_read, from_csv.rows_loaded, from_csv.rows_quarantined)
        == (7, 5, 2)
    )
    assert awards(store, "region:xlsx").equals(awards(store, "region:csv"))
    assert awards(store, "region:csv").height == 5
    assert {(p.row, p.code) for p in from_xlsx.problems} == {
        (p.row, p.code) for p in from_csv.problems
    }


# -- mapping files ------------------------------------------------------------------------------

MINIMAL = """
[columns]
beneficiary = "Société"
amount = "Montant"
[constants]
currency = "EUR"
"""


def load(tmp_path: Path, text: str, name: str = "m.toml") -> generic.MappingFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return generic.load_mapping(path)


def test_the_shipped_example_is_a_valid_mapping() -> None:
    mapping = generic.load_mapping("example-region")
    assert mapping.path.name == "example-region.toml"
    assert set(mapping.columns.values()) <= set(HEADER)
    assert mapping.constants == {"funder": "Région Exemple", "funder_level": "regional",
                                 "funder_territory": "FR-R75", "currency": "EUR",
                                 "aid_type": "grant"}
    assert mapping.options["private_columns"] == ["Contact"]
    # every field is listed in the file's comment, so that a user sees them all
    text = EXAMPLE.read_text(encoding="utf-8")
    assert all(spec.name in text for spec in generic.FIELDS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[columns]\nbenficiary = 'Société'\namount = 'Montant'\n[constants]\ncurrency = "
            "'EUR'\n",
            "columns.benficiary: 'benficiary' is not a field (did you mean 'beneficiary'?). Valid "
            "fields: "
            "beneficiary, beneficiary_siret, beneficiary_rna, beneficiary_city, ",
        ),
        (
            MINIMAL + "stage = 'prod'\n",
            "constants.stage: 'prod' is not a stage value. Valid values: writing, development, "
            "production, "
            "post_production, distribution, promotion, operation.",
        ),
        (
            MINIMAL + "amount = '12'\n",
            "constants.amount: an amount cannot be a constant: map it to a column under columns.",
        ),
        (
            MINIMAL.replace("[constants]", "funder = 'Financeur'\n[constants]")
            + "funder = 'Région'\n",
            "funder: given both under columns and under constants. Keep one: the column when the "
            "file has "
            "it, the constant when it is the same for every row.",
        ),
        (
            MINIMAL.replace('currency = "EUR"', 'currency = "euros"')
            + "[values.format]\n'LM' = 'long'\n",
            "values.format.'LM': 'long' is not a format value. Valid values: feature, short, "
            "series, tv_film, "
            "web, game, other.",
        ),
        (
            "[columns]\namount = 'Montant'\n",
            "has 2 problems:\n  - columns: no column says who or what is funded. Map at least one "
            "of "
            'beneficiary, project_title, work_title, e.g. beneficiary = "Bénéficiaire".\n  - '
            'constants.currency: missing. Say which currency the amounts are in, e.g. currency = '
            '"EUR" '
            "under constants (or map a currency column).",
        ),
        (
            MINIMAL + "[options]\ndecimals = ','\n",
            "options.decimals: unknown option (did you mean 'decimal'?). Options: delimiter, "
            "encoding, sheet, "
            "decimal, amounts, dates, country, private_columns.",
        ),
        (
            MINIMAL + "[value.stage]\nx = 'writing'\n",
            "value: not a section of a mapping file. Use only: source, options, columns, "
            "constants, values "
            "(did you mean 'values'?).",
        ),
        (
            "[columns]\nbeneficiary = Société\n",
            "not valid TOML (Invalid value (at line 2, column 15))",
        ),
        (
            MINIMAL + "funder = 'Région Bretagne'\nfunder_level = 'regionnal'\n",
            "constants.funder_level: 'regionnal' is not a funder_level value (did you mean "
            "'regional'?). Valid values: european, national, provincial, regional, departmental, "
            "metropolitan, intercommunal, communal, other.",
        ),
        (
            MINIMAL + "funder = 'Région Bretagne'\nfunder_territory = 'Bretagne'\n",
            "constants.funder_territory: 'Bretagne' is not a territory id (FR-R52, FR-D44, "
            "FR-C44109, CA-QC…) nor an INSEE code (région 52, département 44, commune 44109).",
        ),
        (
            MINIMAL + "funder_level = 'communal'\n",
            "constants.funder_level: describes the funder, who is not named. Give the funder, "
            'e.g. funder = "Région Pays de la Loire" under constants.',
        ),
        (
            MINIMAL + "funder = 'Région Bretagne'\n[values.funder_level]\n'CR' = 'region'\n",
            "values.funder_level.'CR': 'region' is not a funder_level value (did you mean "
            "'regional'?).",
        ),
    ],
)
def test_mapping_problems_name_the_file_the_key_and_the_fix(tmp_path, text, message) -> None:
    with pytest.raises(MappingError) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith(str(tmp_path / "m.toml"))
    assert message in str(caught.value)


def test_a_mapping_with_labels_not_in_the_file(tmp_path) -> None:
    path = write_csv(tmp_path / "list.csv", ["Société", "Somme"], [["Films A", "100"]])
    mapping = tmp_path / "m.toml"
    mapping.write_text(MINIMAL, encoding="utf-8")
    with Store(tmp_path / "a.duckdb") as store:
        with pytest.raises(MappingError) as caught:
            import_file("generic", path, store=store, options={"mapping": str(mapping)})
        assert store.count("sources") == 0
    assert str(caught.value) == (
        f"{mapping}: the column columns.amount = 'Montant' is not in list.csv (its columns: "
        "'Société', "
        "'Somme'). Fix the label in the mapping file (case, accents and punctuation do not "
        "matter), or "
        "check the delimiter and sheet."
    )


def test_the_mapping_option_is_required(tmp_path) -> None:
    with pytest.raises(
        MappingError, match="The generic importer needs a mapping file: give it with --mapping FILE"
    ):
        import_file("generic", tmp_path / "x.csv", db=tmp_path / "a.duckdb")


def test_yaml_and_toml_mappings_are_the_same(tmp_path) -> None:
    rows = [
        ["Films A", "1 200,50", "2022/2023", "€", "f", "Anne A. et Bruno B."],
        ["Films B", "300", "2022/2023", "CAD", "Homme", "Carl C."],
        ["Films C", "", "2023", "EUR", "réalisatrice", "Dora D."],
    ]
    path = write_csv(
        tmp_path / "list.csv",
        ["Société", "Montant", "Exercice", "Devise", "Genre réal.", "Réalisation"],
        rows,
        delimiter="|",
    )
    toml = """
[options]
decimal = ","
[columns]
beneficiary = "societe"          # case and accents do not matter
amount = "Montant"
fiscal_year = "Exercice"
currency = "Devise"
director_gender = "Genre réal."
director = "Réalisation"
[constants]
funder = "Fonds Exemple"
[values.director_gender]
"réalisatrice" = "female"
"""
    yaml = """
options:
  decimal: ","
columns:
  beneficiary: societe
  amount: Montant
  fiscal_year: Exercice
  currency: Devise
  director_gender: "Genre réal."
  director: Réalisation
constants:
  funder: Fonds Exemple
values:
  director_gender:
    réalisatrice: female
"""
    (tmp_path / "m.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(yaml, encoding="utf-8")
    with Store(tmp_path / "a.duckdb") as store:
        first = import_file(
            "generic",
            path,
            store=store,
            source_id="t",
            options={"mapping": str(tmp_path / "m.toml")},
        )
        second = import_file(
            "generic",
            path,
            store=store,
            source_id="y",
            options={"mapping": str(tmp_path / "m.yaml")},
        )
        assert (
            problems(first)
            == problems(second)
            == {
                (1, "beneficiary", "incorrect-label", "warning"),
                (4, "Montant", "amount-not-given", "warning"),
            }
        )
        got = store.frame(
            "SELECT source_id, amount_minor, currency, fiscal_year, fiscal_period, "
            "director_gender FROM awards ORDER BY source_id, row_number"
        )
        assert (
            got.filter(pl.col("source_id") == "t")
            .drop("source_id")
            .equals(got.filter(pl.col("source_id") == "y").drop("source_id"))
        )
        assert got.filter(pl.col("source_id") == "t").drop("source_id").rows() == [
            (120050, "EUR", 2022, "2022/2023", "female"),
            (30000, "CAD", 2022, "2022/2023", "male"),
            (None, "EUR", 2023, None, "female"),
        ]
        people = store.frame(
            "SELECT full_name, gender FROM people WHERE source_id = 't' ORDER BY 1"
        ).rows()
        assert people == [
            ("Anne A.", None),
            ("Bruno B.", None),
            ("Carl C.", "male"),
            ("Dora D.", "female"),
        ]
        assert (
            store.scalar("SELECT count(*) FROM organisations WHERE is_funder AND source_id = 't'")
            == 1
        )


def test_rows_without_beneficiary_or_title(tmp_path) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        ["Bénéficiaire", "Titre", "Montant", "Devise"],
        [
            ["", "Un film", "100", "EUR"],
            ["", "", "200", "EUR"],
            ["Sous-total", "", "300", "EUR"],
            ["Films D", "", "400", "DOLLARS"],
        ],
        delimiter=",",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[columns]\nbeneficiary = 'Bénéficiaire'\nproject_title = 'Titre'\n"
        "amount = 'Montant'\ncurrency = 'Devise'\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "a.duckdb") as store:
        report = import_file("generic", path, store=store, options={"mapping": str(mapping)})
        assert problems(report) == {
            (2, "Bénéficiaire", "no-beneficiary", "warning"),
            (3, "Bénéficiaire", "required", "error"),
            (4, "Bénéficiaire", "total-row", "error"),
            (5, "Devise", "invalid-currency", "error"),
        }
        assert (report.rows_loaded, report.rows_quarantined) == (1, 3)
        assert store.frame(
            "SELECT beneficiary_id, project_title, amount_minor FROM awards"
        ).rows() == [(None, "Un film", 10000)]


def test_a_cell_with_no_letter_or_digit_names_no_one(tmp_path) -> None:
    """A director '-' used to give a person with a NULL id, and the import stopped on the
    store's NOT NULL constraint; a beneficiary '-' loaded silently without a beneficiary."""
    path = write_csv(
        tmp_path / "list.csv",
        ["Bénéficiaire", "Titre", "Montant", "Réalisation"],
        [
            ["Films A", "Un film", "100", "Anne Martin / -"],
            ["Films B", "Un autre", "200", "?"],
            ["-", "Un troisième", "300", "Paul Durand"],
            ["?", "", "400", ""],
        ],
        delimiter=",",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[columns]\nbeneficiary = 'Bénéficiaire'\nproject_title = 'Titre'\n"
        "amount = 'Montant'\ndirector = 'Réalisation'\n[constants]\ncurrency = 'EUR'\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "a.duckdb") as store:
        report = import_file("generic", path, store=store, options={"mapping": str(mapping)})
        assert (report.rows_loaded, report.rows_quarantined) == (3, 1)
        assert problems(report) == {
            (4, "Bénéficiaire", "no-beneficiary", "warning"),
            (5, "Bénéficiaire", "required", "error"),
        }
        assert store.frame("SELECT full_name FROM people ORDER BY 1").rows() == [
            ("Anne Martin",), ("Paul Durand",)]
        assert store.frame("SELECT name FROM organisations ORDER BY 1").rows() == [
            ("Films A",), ("Films B",)]
        assert store.frame(
            "SELECT project_title, beneficiary_id IS NULL FROM awards ORDER BY row_number"
        ).rows() == [("Un film", False), ("Un autre", False), ("Un troisième", True)]


def test_an_edited_mapping_is_a_change(store, region_list, tmp_path) -> None:
    """Re-importing the same list with an edited mapping file (same path) replaces the rows
    with what the new mapping says; with the mapping unchanged, nothing is redone."""
    csv_path, _ = region_list
    mapping = tmp_path / "region.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    mapping.write_text(text, encoding="utf-8")
    options = {"mapping": str(mapping)}
    first = import_file("generic", csv_path, store=store, options=options)
    assert first.status == "loaded"
    stages = awards(store, "generic:aides-2023")["stage"].to_list()
    assert stages == ["production", "development", "writing", None, "production"]
    assert import_file("generic", csv_path, store=store, options=options).status == "unchanged"

    edited = text.replace('"Aide au développement" = "development"',
                          '"Aide au développement" = "writing"')
    assert edited != text
    mapping.write_text(edited, encoding="utf-8")
    second = import_file("generic", csv_path, store=store, options=options)
    assert second.status == "replaced"
    assert awards(store, "generic:aides-2023")["stage"].to_list() == [
        "production", "writing", "writing", None, "production"]
    assert store.count("awards", "source_id = 'generic:aides-2023'") == 5  # replaced, not added
    recorded = json.loads(store.source("generic:aides-2023")["options"])
    assert recorded["mapping"] == str(mapping)
    assert recorded["input_sha256"]["mapping"] == generic.load_mapping(mapping).sha256
    assert import_file("generic", csv_path, store=store, options=options).status == "unchanged"


def test_command_line_with_a_shipped_mapping(territories_store, region_list, tmp_path) -> None:
    csv_path, _ = region_list
    db = tmp_path / "cli.duckdb"
    shutil.copy(territories_store, db)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "cineatlas"),
            "import",
            "generic",
            str(csv_path),
            "--mapping",
            "example-region",
            "--db",
            str(db),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (7, 5, 2)


def test_every_field_and_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for spec in generic.FIELDS:
        assert f"`{spec.name}`" in text, spec.name
    for option in generic.OPTIONS_HELP:
        assert f"`{option}`" in text, option
    for code in (
        "unmapped-value",
        "total-row",
        "amount-not-given",
        "no-beneficiary",
        "invalid-currency",
        "invalid-year",
        "french-siret-value",
        "unknown-territory",
        "padded-code",
    ):
        assert f"`{code}`" in text, code


# -- the funder's level of government and the territory it governs ------------------------------


def funder_list(tmp_path: Path, constants: str) -> tuple[Path, Path]:
    """A two-row list, and a mapping naming its funder with `constants` (TOML lines)."""
    path = write_csv(tmp_path / "aides.csv", ["Société", "Montant"],
                     [["Films A", "1000"], ["Films B", "2000"]])
    mapping = tmp_path / "m.toml"
    mapping.write_text(MINIMAL + "funder = 'Le financeur'\n" + constants + "\n", encoding="utf-8")
    return path, mapping


@pytest.mark.parametrize(
    ("constants", "level", "territory", "name"),
    [
        ("funder_level = 'regional'\nfunder_territory = '52'", "regional", "FR-R52",
         "Pays de la Loire"),
        ("funder_level = 'departmental'\nfunder_territory = '44'", "departmental", "FR-D44",
         "Loire-Atlantique"),
        ("funder_level = 'departmental'\nfunder_territory = '2A'", "departmental", "FR-D2A",
         "Corse-du-Sud"),
        ("funder_level = 'communal'\nfunder_territory = '44109'", "communal", "FR-C44109",
         "Nantes"),
        ("funder_territory = 'fr-d44'", None, "FR-D44", "Loire-Atlantique"),
        ("funder_level = 'intercommunal'", "intercommunal", None, None),
    ],
)
def test_the_funder_says_its_level_and_the_territory_it_governs(
    store, tmp_path, constants, level, territory, name
) -> None:
    path, mapping = funder_list(tmp_path, constants)
    report = import_file("generic", path, store=store, options={"mapping": str(mapping)})
    assert (report.rows_loaded, report.rows_quarantined) == (2, 0)
    assert store.frame(
        "SELECT o.kind, o.funder_level, o.governed_territory_id, t.name FROM organisations o "
        "LEFT JOIN territories t ON t.territory_id = o.governed_territory_id "
        "WHERE o.is_funder").rows() == [
        ("public_body" if level else None, level, territory, name)]
    assert store.scalar("SELECT count(DISTINCT funder_id) FROM awards") == 1


@pytest.mark.parametrize(
    ("constants", "message"),
    [
        ("funder_territory = '44'",
         "'44' is the code of the région FR-R44 and of the département FR-D44: write the "
         "territory id, or say the funder_level (regional or departmental)."),
        ("funder_level = 'regional'\nfunder_territory = 'FR-D44'",
         "FR-D44 is a département, but a regional funder governs a région or a Québec "
         "administrative region: check funder_level and the territory."),
        ("funder_level = 'communal'\nfunder_territory = '52'",
         "'52' is a région (FR-R52) or a département (FR-D52), but a communal funder governs "
         "a commune or a municipality: check funder_level and the territory."),
        ("funder_level = 'regional'\nfunder_territory = '99'",
         "'99' is not among the store's territories (FR-R99 unknown). Write the territory id "
         "(FR-R52, FR-D44…) or the INSEE code of the territory the funder governs."),
        ("funder_territory = 'FR-C99999'", "'FR-C99999' is not among the store's territories"),
    ],
)
def test_a_funder_territory_the_store_does_not_know_is_refused(
    store, tmp_path, constants, message
) -> None:
    path, mapping = funder_list(tmp_path, constants)
    with pytest.raises(MappingError) as caught:
        import_file("generic", path, store=store, options={"mapping": str(mapping)})
    assert str(caught.value).startswith(f"{mapping}: constants.funder_territory: ")
    assert message in str(caught.value)
    assert store.count("sources", "importer = 'generic'") == 0
    assert store.count("awards") == 0 and store.count("organisations") == 0


def test_a_list_of_several_funders_gives_each_its_level_and_territory(store, tmp_path) -> None:
    header = ["Financeur", "Niveau", "Territoire", "Bénéficiaire", "Montant"]
    rows = [
        ["Région Pays de la Loire", "Conseil régional", "52", "Films A", "1000"],
        ["Département de Loire-Atlantique", "Département", "FR-D44", "Films B", "2000"],
        ["Ville de Nantes", "Commune", "44109", "Films C", "3000"],
        ["Ville de Nulle-Part", "Ville", "99999", "Films D", "4000"],
        ["Département de Loire-Atlantique", "Département", "FR-R52", "Films E", "500"],
        ["Nantes Métropole", "EPCI", "", "Films F", "100"],
        ["Fonds X", "fonds privé", "", "Films G", "100"],
    ]
    path = write_csv(tmp_path / "aides.csv", header, rows)
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[columns]\nfunder = 'Financeur'\nfunder_level = 'Niveau'\n"
        "funder_territory = 'Territoire'\nbeneficiary = 'Bénéficiaire'\namount = 'Montant'\n"
        "[constants]\ncurrency = 'EUR'\n", encoding="utf-8")
    report = import_file("generic", path, store=store, options={"mapping": str(mapping)})
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 7, 0)
    assert problems(report) == {
        (5, "Territoire", "unknown-territory", "warning"),  # no commune 99999
        (6, "Territoire", "unknown-territory", "warning"),  # a département governs no région
        (8, "Niveau", "unmapped-value", "warning"),
    }
    assert store.frame(
        "SELECT name, kind, funder_level, governed_territory_id FROM organisations "
        "WHERE is_funder ORDER BY name").rows() == [
        ("Département de Loire-Atlantique", "public_body", "departmental", "FR-D44"),
        ("Fonds X", None, None, None),
        ("Nantes Métropole", "public_body", "intercommunal", None),
        ("Région Pays de la Loire", "public_body", "regional", "FR-R52"),
        ("Ville de Nantes", "public_body", "communal", "FR-C44109"),
        ("Ville de Nulle-Part", "public_body", "communal", None),
    ]


def test_the_funder_levels_are_the_stores() -> None:
    from cineatlas.store.vocabularies import FUNDER_LEVELS

    assert generic.FUNDER_LEVELS == tuple(FUNDER_LEVELS)
    assert generic.FIELD_BY_NAME["funder_level"].vocabulary == tuple(FUNDER_LEVELS)


def test_every_kind_is_declared_once_and_documented_as_declared() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert {spec.kind for spec in generic.FIELDS} == set(generic.KINDS)
    for kind in generic.KINDS.values():
        assert f"| `{kind.name}` | {kind.accepts} |" in text, kind.name


def test_what_the_schemes_names_say_is_written_with_its_source(store, region_list) -> None:
    """The catalogue's word rules on the list's scheme names, each value with the row and
    column it was read from; the scheme's level is its funder's (the mapping's funder_level)."""
    csv_path, _ = region_list
    import_file("generic", csv_path, store=store, options={"mapping": str(EXAMPLE)})
    rows = store.frame(
        "SELECT s.name, s.level, s.stages, s.formats, list(f.field || ' ' || f.locator || ' ' "
        "|| f.rule ORDER BY f.field) AS sources FROM schemes s LEFT JOIN scheme_field_sources f "
        "USING (scheme_id) WHERE s.source_id = 'generic:aides-2023' GROUP BY ALL ORDER BY 1"
    ).rows()
    assert rows == [
        ("Aide au développement", "regional", ["development"], None,
         ["stages row 3, Dispositif name"]),
        ("Aide à l'écriture", "regional", ["writing"], None, ["stages row 5, Dispositif name"]),
        ("Aide à la création numérique", "regional", None, None, [None]),  # says nothing
        ("Aide à la production de longs métrages", "regional", ["production"], ["feature"],
         ["formats row 2, Dispositif name", "stages row 2, Dispositif name"]),
    ]
