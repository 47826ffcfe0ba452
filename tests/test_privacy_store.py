"""Privacy through the real pipeline, for every importer: names, titles, people and schemes that
hold generated contact data ('Prod jean.dupont@orange.fr', 'Films +1 514 555 1234') are
imported, then no text column of any table (texts, matching keys, ids, the quarantine,
`sources.report`) may hold the address's words or the number's digits, in any case and with
or without separators; and a matching key is the key of the scrubbed text."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from contact_data import Contact, collapse, contacts
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cineatlas import Store, import_file
from cineatlas.importers import generic
from cineatlas.samples import luhn_complete
from cineatlas.text import name_key


@dataclass(frozen=True)
class Case:
    """A file for one importer: its header, one good row, the cells given a contact (with the
    text around it) and the amount cell made a contact (a rejected row, quoted in problems)."""

    importer: str
    header: tuple[str, ...]
    row: dict[str, str]
    slots: dict[str, str]
    amount: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    options: dict[str, str] = field(default_factory=dict)


TELEFILM = Case(
    "telefilm",
    ("Period", "Quarter", "Recipient Name", "City", "Province", "Country", "Title", "Language",
     "Genre", "Date", "Final Value", "Original Value", "Type", "Purpose", "Comments"),
    {"Period": "2012-2013", "Quarter": "P1", "Recipient Name": "Films A Inc.", "City": "Toronto",
     "Province": "Ontario", "Country": "Canada", "Title": "Un film", "Language": "English",
     "Genre": "Drama", "Date": "2012-06-01", "Final Value": "1000.00",
     "Original Value": "1000.00", "Type": "Investment", "Purpose": "Production Program",
     "Comments": ""},
    {"Recipient Name": "Prod {}", "Title": "{}", "Purpose": "Production Program ({})",
     "City": "Toronto {}"},
    amount="Final Value",
)
SIRET = luhn_complete(luhn_complete("53807938") + "0001")
GENERIC = Case(
    "generic",
    ("Bénéficiaire", "SIRET", "Commune", "Code postal", "Titre du projet", "Réalisation", "Genre",
     "Format", "Dispositif", "Date de la commission", "Montant attribué", "Premier film",
     "Contact"),
    {"Bénéficiaire": "Les Films du Clain", "SIRET": SIRET, "Commune": "Poitiers",
     "Code postal": "86000", "Titre du projet": "La Rivière", "Réalisation": "Anne Martin",
     "Genre": "Fiction", "Format": "Long métrage",
     "Dispositif": "Aide à la production de longs métrages",
     "Date de la commission": "15/03/2023", "Montant attribué": "150 000,00",
     "Premier film": "Oui", "Contact": ""},
    {"Bénéficiaire": "Prod {}", "Titre du projet": "{}", "Réalisation": "Anne Martin ({})",
     "Dispositif": "Aide à la production {}"},
    amount="Montant attribué", delimiter=";",
    options={"mapping": str(Path(generic.__file__).parent / "mappings" / "example-region.toml")},
)
SCDL = Case(
    "scdl",
    ("nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
     "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
     "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention",
     "dispositifAide"),
    {"nomAttribuant": "ANTIBES", "idAttribuant": "21060004500392", "dateConvention": "2015-07-07",
     "referenceDecision": "CONV 2074-15", "nomBeneficiaire": "ASSOCIATION CINEMA",
     "idBeneficiaire": "52499120500013", "rnaBeneficiaire": "", "objet": "Festival de films",
     "montant": "99786.57", "nature": "aide en numéraire", "conditionsVersement": "unique",
     "datesPeriodeVersement": "", "idRAE": "", "notificationUE": "non",
     "pourcentageSubvention": "", "dispositifAide": "Aide aux festivals"},
    {"nomBeneficiaire": "Prod {}", "objet": "Festival {}", "dispositifAide": "Aide {}",
     "nomAttribuant": "ANTIBES {}"},
    amount="montant",
)
CNC_COLUMNS = ("N° auto", "nom", "adresse", "code INSEE", "commune", "DEP", "écrans", "fauteuils",
               "semaines d'activité", "séances", "entrées 2023", "entrées 2022", "programmateur",
               "AE", "catégorie Art et Essai", "label Art et Essai", "genre", "multiplexe",
               "unité urbaine", "latitude", "longitude")
CNC = Case(
    "cnc-cinemas", CNC_COLUMNS,
    {"N° auto": "1", "nom": "LE REX", "adresse": "1 RUE DU CINEMA", "code INSEE": "75108",
     "commune": "Paris 8e Arrondissement", "DEP": "75", "écrans": "3.0", "fauteuils": "450.0",
     "semaines d'activité": "52.0", "séances": "3000.0", "entrées 2023": "60000.0",
     "entrées 2022": "40000.0", "programmateur": "", "AE": "OUI",
     "catégorie Art et Essai": "C", "label Art et Essai": "RDJPPR", "genre": "FIXE",
     "multiplexe": "NON", "unité urbaine": "Paris", "latitude": "48.87", "longitude": "2.30"},
    {"nom": "CINEMA {}", "adresse": "1 RUE DU CINEMA {}", "programmateur": "Prog {}"},
    amount="code INSEE", delimiter=";", encoding="utf-8-sig",
)
FESTIVAL_COLUMNS = (
    "nom_du_festival", "envergure_territoriale", "region_principale_de_deroulement",
    "departement_principal_de_deroulement", "commune_principale_de_deroulement",
    "code_postal_de_la_commune_principale_de_deroulement", "code_insee_commune",
    "site_internet_du_festival", "adresse_e_mail", "decennie_de_creation_du_festival",
    "annee_de_creation_du_festival", "discipline_dominante",
    "sous_categorie_cinema_et_audiovisuel", "periode_principale_de_deroulement_du_festival",
    "identifiant", "geocodage_xy")
FESTIVALS = Case(
    "festivals", FESTIVAL_COLUMNS,
    {"nom_du_festival": "Les nuits méditerranéennes", "envergure_territoriale": "Régionale",
     "region_principale_de_deroulement": "Corse",
     "departement_principal_de_deroulement": "Corse-du-Sud",
     "commune_principale_de_deroulement": "Ajaccio",
     "code_postal_de_la_commune_principale_de_deroulement": "20000",
     "code_insee_commune": "2A004", "site_internet_du_festival": "",
     "adresse_e_mail": "", "decennie_de_creation_du_festival": "2010 et après",
     "annee_de_creation_du_festival": "2011", "discipline_dominante": "Cinéma, audiovisuel",
     "sous_categorie_cinema_et_audiovisuel": "Court métrage",
     "periode_principale_de_deroulement_du_festival": "Saison (21 juin - 5 septembre)",
     "identifiant": "FEST_2A004_93", "geocodage_xy": "41.93,8.70"},
    {"nom_du_festival": "Festival {}", "sous_categorie_cinema_et_audiovisuel": "Court métrage, {}",
     "commune_principale_de_deroulement": "Ajaccio {}"},
    amount="annee_de_creation_du_festival", delimiter=";",
)
CASES = [TELEFILM, GENERIC, SCDL, CNC, FESTIVALS]


def write_case(case: Case, found: list[Contact], path: Path) -> Path:
    """One row per contact and slot, then one whose amount cell is a contact."""
    rows = [{**case.row, slot: text.format(c.text)} for c in found
            for slot, text in case.slots.items()]
    if case.amount:
        rows.append({**case.row, case.amount: found[0].text,
                     **{slot: text.format(found[-1].text) for slot, text in case.slots.items()}})
    reference = "identifiant" if case.importer == "festivals" else "N° auto"
    for i, row in enumerate(rows):  # festivals and cinemas are told apart by their reference
        if reference in row:
            row[reference] = f"{row[reference]}{i}"
    with open(path, "w", encoding=case.encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=case.delimiter)
        writer.writerow(case.header)
        writer.writerows([row[c] for c in case.header] for row in rows)
    return path


def text_cells(store: Store, source_id: str) -> dict[str, list[str]]:
    """Every text (VARCHAR, VARCHAR[], JSON) of every table, for the rows of `source_id` where
    the table has a source_id column (all rows otherwise)."""
    columns = store.frame(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON') "
        "ORDER BY ALL").rows()
    with_source = {t for t, c, _ in columns if c == "source_id"}
    cells = {}
    for table, name, data_type in columns:
        text = {"VARCHAR": f'"{name}"', "JSON": f'CAST("{name}" AS VARCHAR)',
                "VARCHAR[]": f"array_to_string(\"{name}\", ' | ')"}[data_type]
        where = "source_id = ?" if table in with_source else "TRUE"
        params = [source_id] if table in with_source else []
        cells[f"{table}.{name}"] = store.frame(
            f'SELECT {text} AS t FROM "{table}" WHERE {where} AND {text} IS NOT NULL',
            params)["t"].to_list()
    return cells


@pytest.mark.parametrize("case", CASES, ids=[c.importer for c in CASES])
#: A real import per example: few examples, not shrunk (the failing one is shown as drawn).
@settings(max_examples=5, deadline=None, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(found=st.lists(contacts(rare=True), min_size=3, max_size=3))
def test_no_table_keeps_any_part_of_a_contact(case: Case, found: list[Contact],
                                              territories_store: Path, tmp_path: Path) -> None:
    path = write_case(case, found, tmp_path / f"{case.importer}-contacts.csv")
    db = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as store:
        check_import(store, case, path, found)


def check_import(store: Store, case: Case, path: Path, found: list[Contact]) -> None:
    report = import_file(case.importer, path, store=store, options=case.options,
                         source_id=f"{case.importer}:contacts")
    assert report.rows_loaded > 0
    cells = text_cells(store, report.source_id)
    assert sum(len(v) for k, v in cells.items() if k.startswith("quarantine.")) or not (
        report.rows_quarantined)
    secrets = {s for c in found for s in c.secrets}
    leaks = {column: sorted({s for v in values for s in secrets if s in collapse(v)})
             for column, values in cells.items()}
    assert {column: hit for column, hit in leaks.items() if hit} == {}, [c.text for c in found]
    # every matching key is the key of its scrubbed text (the marks are all that is left)
    for column in ("organisations.name_key", "schemes.name_key", "works.title_key",
                   "people.name_key"):
        for key in cells.get(column, []):
            assert key == name_key(key), (column, key)


def test_a_key_holds_what_the_issue_found(store: Store, tmp_path: Path) -> None:
    """The cases of the report, by hand: a recipient written 'Prod jean.dupont@orange.fr' is
    keyed 'prod e mail removed'; '+1 514 555 1234' leaves no digit run in any key."""
    email = Contact("jean.dupont@orange.fr", "email", ("jean", "dupont", "orange"))
    phone = Contact("+1 514 555 1234", "phone", ("15145551234", "5145551234"))
    path = write_case(TELEFILM, [email, phone], tmp_path / "telefilm-issue.csv")
    import_file("telefilm", path, store=store, source_id="telefilm:issue")
    keys = store.frame("SELECT name, name_key FROM organisations WHERE source_id = ? "
                       "AND name LIKE 'Prod%' ORDER BY name", ["telefilm:issue"]).rows()
    assert keys == [("Prod [e-mail removed]", "prod e mail removed"),
                    ("Prod [phone removed]", "prod phone removed")]
    titles = store.frame("SELECT DISTINCT title_key FROM works WHERE source_id = ? ORDER BY 1",
                         ["telefilm:issue"])["title_key"].to_list()
    assert titles == ["e mail removed", "phone removed", "un film"]
    cells = text_cells(store, "telefilm:issue")
    found = {c: v for c, v in cells.items()
             if any(s in collapse(x) for x in v for s in (*email.secrets, *phone.secrets))}
    assert found == {}


def test_a_file_named_after_a_contact_leaves_no_trace(store: Store, tmp_path: Path) -> None:
    """The file's name is text too: its source id, stored name and stored report are scrubbed."""
    email = Contact("jean.dupont@orange.fr", "email", ("jean", "dupont", "orange"))
    path = write_case(TELEFILM, [Contact("Films A Inc.", "email", ())],
                      tmp_path / "jean.dupont@orange.fr 0612345678.csv")
    report = import_file("telefilm", path, store=store)
    assert report.source_id == "telefilm:e-mail-removed-phone-removed"
    cells = text_cells(store, report.source_id)
    assert cells["sources.file_name"] == ["[e-mail removed] [phone removed].csv"]
    found = {c: v for c, v in cells.items()
             if any(s in collapse(x) for x in v for s in (*email.secrets, "12345678"))}
    assert found == {}


@settings(max_examples=100, deadline=None)
@given(contacts(), st.sampled_from(["Prod {}", "{}", "Films ({}) Inc."]))
def test_entity_ids_are_hashed_from_the_scrubbed_key(contact: Contact, template: str) -> None:
    """An importer that hands raw text to `entity_id` still gets the id of the scrubbed text."""
    from cineatlas.importers import ImportContext
    from cineatlas.privacy import scrub_text

    ctx = ImportContext(source_id="s", store=None, options={})  # type: ignore[arg-type]
    text = template.format(contact.text)
    ids = ctx.entity_id("org", pl.Series([text, scrub_text(text)])).to_list()
    assert ids[0] == ids[1]
