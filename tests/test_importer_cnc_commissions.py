"""The cnc-commissions importer on the real CNC Talent file (every figure recounted here with the
plain json module), its label rules case by case, bad records, and the JSON reader."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from cineatlas import Store, import_file
from cineatlas.errors import FileError
from cineatlas.importers import register
from cineatlas.importers.cnc_commissions import CncCommissionsImporter
from cineatlas.importers.cnc_commissions.labels import category, description, person_name
from cineatlas.indicators import Cut, registry
from cineatlas.indicators.compute import compute
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.query import Query
from cineatlas.ingest import ImportReport
from cineatlas.reading import open_table

# The entry point (pyproject.toml) registers it once the package is installed again.
register(CncCommissionsImporter)

TALENT = "cnc/cnc-talent-commissions-2017-2024.json"


@pytest.fixture(scope="module")
def doc(shared_data) -> dict:
    return json.loads(shared_data(TALENT).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory) -> tuple[Store, ImportReport]:
    """The real file imported once into a copy of the reference store."""
    path = tmp_path_factory.mktemp("cnc-commissions") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("cnc-commissions", shared_data(TALENT), store=store)
    yield store, report
    store.close()


# -- the test's own reading of a person (independent of the importer's) ----------------------

def letters(name: str) -> str:
    """Letters of a name without accents, case, spaces or hyphens."""
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", bare)


#: The sessions' presidents are published with their role in the name; who they are, read by hand.
PRESIDENTS = {
    "tal_nora-hamzawi-e": "norahamzawi", "tal_nora-hamzawi-presidente": "norahamzawi",
    "tal_jeanne-ezvan-e": "jeanneezvan", "tal_jeanne-ezvan-e-suppleante": "jeanneezvan",
    "tal_jeanne-ezvan-presidente-suppleante": "jeanneezvan",
    "tal_patrick-boucheron-president": "patrickboucheron",
    "tal_lawrence-valin-president-suppleant": "lawrencevalin",
    "tal_aude-gogny-goubert-presidente-suppleante": "audegognygoubert",
    "tal_romain-gavras-president": "romaingavras",
    "tal_salam-jawad-presidente": "salamjawad",
    "tal_salam-jawad-presidente-suppleante": "salamjawad", "tal_jr-president": "jr",
}
#: Members published with '(suppléant)'.
SUBSTITUTES = {"tal_julien-josselin-suppleant": "julienjosselin",
               "tal_guillaume-desjardins-suppleant": "guillaumedesjardins"}


def person_of(talents: dict[str, dict], ref: str) -> str:
    return PRESIDENTS.get(ref) or SUBSTITUTES.get(ref) or letters(talents[ref]["name"])


# -- the real file ---------------------------------------------------------------------------

def test_every_record_is_accounted_for(real, doc) -> None:
    store, report = real
    records = sum(len(v) for v in doc.values() if isinstance(v, list))
    assert records == 34 + 635 + 403 + 588
    assert report.rows_read == records
    assert (report.rows_loaded, report.rows_quarantined) == (records, 0)
    assert store.count("quarantine") == 0


def test_sessions_projects_and_money_equal_the_file(real, doc) -> None:
    store, _ = real
    assert len(doc["commissions"]) == 34 and len(doc["projects"]) == 635
    total = sum(int(p["amount"]) for p in doc["projects"]) * 100
    assert total == 14_113_061_00
    assert store.count("commissions") == 34
    assert store.count("awards", "currency = 'EUR'") == 635
    assert store.scalar("SELECT sum(amount_minor) FROM awards") == total
    assert store.count("awards", "amount_minor IS NULL OR funder_id IS NULL "
                                 "OR beneficiary_id IS NULL OR work_id IS NULL") == 0
    # per session (by its date): number of projects and their money
    date_of = {c["id"]: c["date"] for c in doc["commissions"]}
    expected: Counter[str] = Counter()
    money: Counter[str] = Counter()
    for p in doc["projects"]:
        expected[date_of[p["commissionId"]]] += 1
        money[date_of[p["commissionId"]]] += int(p["amount"]) * 100
    found = store.frame("SELECT c.session_date::VARCHAR AS d, count(*) AS n, "
                        "sum(a.amount_minor)::BIGINT AS m FROM awards a "
                        "JOIN commissions c USING (commission_id) GROUP BY 1")
    assert {d: n for d, n, _ in found.iter_rows()} == dict(expected)
    assert {d: m for d, _, m in found.iter_rows()} == dict(money)
    # each session's date and year, and the fund it belongs to
    sessions = store.frame("SELECT c.session_date::VARCHAR AS d, c.year, s.name FROM commissions c "
                           "JOIN schemes s USING (scheme_id)")
    assert sorted(sessions["d"]) == sorted(date_of.values())
    assert all(int(d[:4]) == y for d, y, _ in sessions.iter_rows())
    assert set(sessions["name"]) == {"Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)"}
    assert store.count("awards", "decision_date IS NULL OR fiscal_year IS NULL") == 0


def test_each_members_number_of_sessions(real, doc) -> None:
    store, _ = real
    talents = {t["id"]: t for t in doc["talents"]}
    sits: Counter[str] = Counter()
    for c in doc["commissions"]:
        seated = {person_of(talents, m) for m in c["memberIds"]}
        if c["presidentId"]:
            seated.add(person_of(talents, c["presidentId"]))
        sits.update(seated)
    found = store.frame("SELECT p.full_name, count(*) AS n FROM commission_members m "
                        "JOIN people p USING (person_id) GROUP BY p.person_id, p.full_name")
    assert {letters(name): n for name, n in found.iter_rows()} == dict(sits)
    # read by hand: Romain Gavras presided 7 sessions (2019-10-15 to 2021-02-11)
    assert sits["romaingavras"] == 7
    assert store.count("commission_members") == sum(sits.values()) == 274
    # 7 sessions published no president: kept without one, not given an invented one
    no_president = sum(1 for c in doc["commissions"] if not c["presidentId"])
    assert no_president == 7
    assert store.scalar("SELECT count(*) FROM commissions c WHERE NOT EXISTS (SELECT 1 FROM "
                        "commission_members m WHERE m.commission_id = c.commission_id "
                        "AND m.role = 'chair')") == no_president
    assert store.count("commission_members", "role = 'chair'") == 34 - no_president
    # substitutes are said: 8 chairs (président·e suppléant·e) and the 2 members so marked
    substitutes = sum(1 for c in doc["commissions"] if "suppl" in (c["presidentId"] or ""))
    assert store.count("commission_members", "role = 'chair' AND substitute") == substitutes == 8
    assert store.count("commission_members", "role = 'member' AND substitute") == sum(
        1 for c in doc["commissions"] for m in c["memberIds"] if m in SUBSTITUTES) == 2


def test_talents_are_people_credited_on_their_award(real, doc) -> None:
    store, _ = real
    assert store.count("award_people", "role = 'talent'") == sum(
        len(p["talentIds"]) for p in doc["projects"]) == 655
    talents = {t["id"]: t for t in doc["talents"]}
    # the same person sits on commissions and is funded elsewhere: one person
    victor = talents["tal_victor-habchy"]
    assert victor["projectIds"] and victor["commissionIds"]
    ids = store.frame("SELECT DISTINCT m.person_id FROM commission_members m JOIN people p "
                      "USING (person_id) WHERE p.full_name = 'Victor Habchy' UNION "
                      "SELECT DISTINCT a.person_id FROM award_people a JOIN people p "
                      "USING (person_id) WHERE p.full_name = 'Victor Habchy'")
    assert ids.height == 1
    # people: the talents' names, a person once however the name is spaced or marked
    assert store.count("people") == len({person_of(talents, t) for t in talents})
    assert store.scalar("SELECT reference FROM people WHERE full_name = 'Victor Habchy'") == \
        "tal_victor-habchy"


def test_no_gender_is_inferred(real) -> None:
    store, _ = real
    assert store.count("people", "gender IS NOT NULL") == 0
    assert store.count("commission_members", "gender IS NOT NULL OR profession IS NOT NULL "
                                             "OR is_elected_official IS NOT NULL") == 0


def test_beneficiaries_and_funder(real, doc) -> None:
    store, _ = real
    names = {b["name"] for b in doc["beneficiaries"]}
    found = store.frame("SELECT name FROM organisations WHERE NOT is_funder")["name"].to_list()
    assert sorted(found) == sorted(names) and len(found) == 403
    funder = store.frame("SELECT name, kind, territory_id, funder_level, governed_territory_id "
                         "FROM organisations WHERE is_funder")
    assert funder.rows() == [("CNC (Centre national du cinéma et de l'image animée)",
                              "public_body", "FR", "national", "FR")]
    assert store.count("organisations", "NOT is_funder AND (funder_level IS NOT NULL "
                                        "OR governed_territory_id IS NOT NULL)") == 0
    # 'ben_olivier-magermans' is paid for his own project: an individual
    assert store.scalar("SELECT kind FROM organisations WHERE name_key = 'olivier magermans'") \
        == "individual"
    # 'LAPIERRE Benjamin' is paid for the video of the talent 'Benjamin LAPIERRE'
    assert store.scalar("SELECT kind FROM organisations WHERE name_key = 'lapierre benjamin'") \
        == "individual"
    # individuals: the beneficiaries whose name (its words in any order) is one of the talents
    # of their own projects, counted here from the file
    talents = {t["id"]: t["name"] for t in doc["talents"]}
    own = {b["id"]: b for b in doc["beneficiaries"]}

    def words(name: str) -> list[str]:
        return sorted(letters(w) for w in re.split(r"[\s-]+", name) if letters(w))

    individuals = {p["beneficiaryId"] for p in doc["projects"]
                   if words(own[p["beneficiaryId"]]["name"]) in
                   [words(talents[t]) for t in p["talentIds"]]}
    assert store.count("organisations", "kind = 'individual'") == len(individuals) == 108


#: Words that make a name a legal person's (legal forms, production-company words), read here.
LEGAL_WORDS = {"sas", "sarl", "corp", "productions", "films", "pictures", "association"}


def test_legal_persons_are_placed_in_france_the_others_unplaced(real, doc) -> None:
    """The fund pays a legal person only if it has a permanent establishment in France: such
    a beneficiary is placed at FR (never a commune); a natural person (a European national may
    live elsewhere) or a beneficiary of unknown kind stays unplaced."""
    store, _ = real
    placed = store.frame(
        "SELECT o.name, a.beneficiary_territory_id AS t, a.beneficiary_country_code AS c, "
        "o.territory_id AS ot, o.country_code AS oc, o.kind, a.amount_minor FROM awards a "
        "JOIN organisations o ON o.organisation_id = a.beneficiary_id")
    assert set(placed.select("t", "c", "ot", "oc").unique().rows()) == {
        ("FR", "FR", "FR", "FR"), (None, None, None, None)}
    in_france = placed.filter(pl.col("t") == "FR")
    assert set(in_france["kind"]) == {"company"}  # no association among these beneficiaries
    assert set(placed.filter(pl.col("t").is_null())["kind"]) == {"individual", None}
    # every placed name says it is a legal person; no individual of the file is placed
    for name in set(in_france["name"]):
        assert set(re.split(r"[^a-z]+", letters_spaced(name))) & LEGAL_WORDS, name
    own = {b["id"]: b["name"] for b in doc["beneficiaries"]}
    talents = {t["id"]: t["name"] for t in doc["talents"]}
    individuals = {own[p["beneficiaryId"]] for p in doc["projects"]
                   if sorted(letters(w) for w in own[p["beneficiaryId"]].split())
                   in [sorted(letters(w) for w in talents[t].split()) for t in p["talentIds"]]}
    assert not individuals & set(in_france["name"])
    # by hand: a production company, a person paid for his own project, a name saying neither
    kinds = dict(placed.select("name", "t").unique().rows())
    assert (kinds["Cairn Productions"], kinds["Olivier MAGERMANS"],
            kinds["Nerd Entertainment System"]) == ("FR", None, None)
    # the money placed in France is that of these beneficiaries' projects in the file
    names = set(in_france["name"])
    money = sum(int(p["amount"]) * 100 for p in doc["projects"] if own[p["beneficiaryId"]] in names)
    assert in_france["amount_minor"].sum() == money == 2_463_720_00
    assert in_france.height == sum(own[p["beneficiaryId"]] in names for p in doc["projects"]) == 105


def letters_spaced(name: str) -> str:
    """A name without accents, in lower case, its words kept apart."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def test_schemes_stages_and_warnings(real, doc) -> None:
    store, report = real
    found = store.frame("SELECT s.name, a.stage, count(*) AS n FROM awards a JOIN schemes s "
                        "USING (scheme_id) GROUP BY ALL")
    counts = {(name.split(" — ")[-1], stage): n for name, stage, n in found.iter_rows()}
    labels = Counter(p["category"] for p in doc["projects"])
    creation = sum(n for k, n in labels.items() if re.search(r"(?i)cr[ée]ation", k))
    pilots = sum(n for k, n in labels.items() if "pilote" in k)
    titles = sum(n for k, n in labels.items() if k.startswith("Résultats commission"))
    assert counts[("Aide à la création", "development")] == 9
    assert counts[("Aide à la création", "development")] + counts[
        ("Aide à la création", "production")] == creation == 399
    assert sum(n for (_, stage), n in counts.items() if stage == "development") == pilots == 12
    fund = "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)"
    assert counts[(fund, None)] == titles + labels[""] == 118 + 19
    summary = {code: n for (code, _, _), n in report.problem_counts.items()}
    assert summary == {"category-session-title": titles + 18, "category-not-given": 19}
    assert store.count("schemes", "parent_scheme_id IS NOT NULL") == 3


def test_governance_indicators_on_the_sessions(real, doc) -> None:
    store, _ = real
    engine = Engine.duckdb(store)
    # the seats reach the indicators, placed in France (the CNC's territory), year by year
    for by_year in (False, True):
        cut = Cut(level="country", by_year=by_year)
        query = Query(engine, registry.get("commission_women_share"), cut)
        seats = engine.execute(query.base.select("unit_id", "year", "commission_id"))
        assert set(seats["unit_id"]) == {"FR"} and seats.height == 274
        assert seats.group_by("year").agg(pl.col("commission_id").n_unique()).sort("year").rows() \
            == sorted(Counter(int(c["date"][:4]) for c in doc["commissions"]
                              if c["memberIds"] or c["presidentId"]).items())
        # no gender, profession or elected status is published: an unknown figure with its
        # coverage ("274 seats, 0 known"), never a zero and never no row at all
        for indicator in ("commission_women_share", "commission_professions",
                          "commission_elected_share"):
            frame = compute(engine, indicator, cut)
            assert frame["value"].null_count() == frame.height > 0, indicator
            assert frame["category"].null_count() == frame.height
            assert frame["n"].sum() == 274 and frame["covered"].sum() == 0
            assert frame["low_coverage"].all()
            if not by_year:
                assert frame.select("territory_id", "n", "covered").rows() == [("FR", 274, 0)]


def test_reimport_is_unchanged(real, shared_data) -> None:
    store, report = real
    before = {t: store.count(t) for t in ("awards", "people", "commission_members")}
    again = import_file("cnc-commissions", shared_data(TALENT), store=store)
    assert again.status == "unchanged"
    forced = import_file("cnc-commissions", shared_data(TALENT), store=store, force=True)
    assert forced.status == "replaced" and forced.tables == report.tables
    assert {t: store.count(t) for t in before} == before


# -- bad records -----------------------------------------------------------------------------

@pytest.fixture()
def edited(doc, tmp_path) -> Path:
    """A copy of the file, with one project without amount, one session with an impossible date,
    one project naming a talent that is not in the file, a stray value in a list, and a list
    of a kind the importer does not read."""
    copy = json.loads(json.dumps(doc))
    del copy["projects"][0]["amount"]
    copy["commissions"][1]["date"] = "2024-02-30"
    copy["projects"][2]["talentIds"] = ["tal_nobody"]
    copy["talents"].append("not a record")
    copy["aids"] = [{"id": "aid_cnc-talent", "name": "CNC Talent"}]  # a list not read
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    return path


def test_malformed_records_are_quarantined_with_their_reason(edited, doc, tmp_path) -> None:
    with Store(tmp_path / "atlas.duckdb") as store:
        report = import_file("cnc-commissions", edited, store=store)
        assert report.rows_read == 34 + 635 + 403 + 589 + 1
        assert report.rows_quarantined == 5
        assert report.rows_loaded + report.rows_quarantined == report.rows_read
        rows = store.frame("SELECT content, reasons FROM quarantine ORDER BY row_number")
        found = {}
        for content, reasons in rows.iter_rows():
            reason = json.loads(reasons)[0]
            found[json.loads(content)["$path"]] = (reason["field"], reason["code"])
            assert reason["message"].startswith(json.loads(content)["$path"] + ": "), reason
        assert found == {"$.commissions[1]": ("date", "invalid-date"),
                         "$.projects[0]": ("amount", "required"),
                         "$.projects[2]": ("talentIds", "unknown-reference"),
                         f"$.talents[{len(doc['talents'])}]": ("$path", "not-a-record"),
                         "$.aids[0]": ("$path", "unknown-record-kind")}
        assert store.count("awards") == 633 and store.count("commissions") == 33
        lost = sum(int(doc["projects"][i]["amount"]) for i in (0, 2)) * 100
        assert store.scalar("SELECT sum(amount_minor) FROM awards") == 14_113_061_00 - lost


def test_a_name_with_no_letter_or_digit_is_set_aside(tmp_path) -> None:
    """A talent named '-' or a beneficiary named '?' used to give a row with a NULL id, and the
    import stopped on the store's NOT NULL constraint: such a record names no one."""
    document = {
        "commissions": [{"id": "com_1", "date": "2020-01-15", "aidName": "Fonds Talent",
                         "presidentId": "tal_a", "memberIds": ["tal_b"]},
                        {"id": "com_2", "date": "2020-06-15", "aidName": "Fonds Talent",
                         "presidentId": "tal_d", "memberIds": []}],
        "projects": [{"id": "prj_1", "name": "Projet", "commissionId": "com_1",
                      "beneficiaryId": "ben_a", "talentIds": ["tal_a"], "amount": 1000,
                      "category": "Aide à la création"}],
        "talents": [{"id": "tal_a", "name": "Jeanne DUPONT"},
                    {"id": "tal_b", "name": "Paul MARTIN"}, {"id": "tal_c", "name": "-"},
                    {"id": "tal_d", "name": "? (président)"}],
        "beneficiaries": [{"id": "ben_a", "name": "Films A"}, {"id": "ben_b", "name": "?"}],
    }
    path = tmp_path / "commissions.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with Store(tmp_path / "atlas.duckdb") as store:
        report = import_file("cnc-commissions", path, store=store)
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (9, 5, 4)
        reasons = {json.loads(content)["$path"]: [(r["field"], r["code"], r["severity"])
                                                  for r in json.loads(reasons)]
                   for content, reasons in store.frame(
                       "SELECT content, reasons FROM quarantine").iter_rows()}
        assert reasons == {"$.commissions[1]": [("presidentId", "unknown-reference", "error")],
                           "$.talents[2]": [("name", "no-name", "error")],
                           "$.talents[3]": [("name", "no-name", "error")],
                           "$.beneficiaries[1]": [("name", "no-name", "error")]}
        assert store.frame("SELECT full_name FROM people ORDER BY 1").rows() == [
            ("Jeanne DUPONT",), ("Paul MARTIN",)]
        assert store.count("organisations", "organisation_id IS NULL") == 0
        assert store.count("awards") == 1 and store.count("commission_members") == 2


def test_a_file_that_is_not_json_is_refused_and_the_store_kept(shared_data, tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"commissions": [{"id": "a",}]}', encoding="utf-8")
    with Store(tmp_path / "atlas.duckdb") as store:
        import_file("cnc-commissions", shared_data(TALENT), store=store, source_id="cnc-talent")
        before = {t: store.count(t) for t in ("awards", "commissions", "people", "sources")}
        with pytest.raises(FileError) as error:
            import_file("cnc-commissions", path, store=store, source_id="cnc-talent")
        assert "broken.json: is not valid JSON" in str(error.value)
        assert "line 1, column 29" in str(error.value)
        assert {t: store.count(t) for t in before} == before == {
            "awards": 635, "commissions": 34, "people": 573, "sources": 1}


def test_references_hold_across_batches(shared_data, monkeypatch, real, tmp_path) -> None:
    """Records refer to records of other batches: small batches give the same store."""
    from cineatlas.importers.cnc_commissions import importer
    from cineatlas.reading.jsonfile import open_json

    monkeypatch.setattr(importer, "open_json",
                        lambda path, **kw: open_json(path, batch_size=97, **kw))
    with Store(tmp_path / "atlas.duckdb") as store:
        report = import_file("cnc-commissions", shared_data(TALENT), store=store)
        assert report.tables == real[1].tables
        assert store.scalar("SELECT sum(amount_minor) FROM awards") == 14_113_061_00


def test_contact_details_are_never_stored(doc, tmp_path) -> None:
    copy = json.loads(json.dumps(doc))
    copy["projects"][5]["name"] = "Écrire à jean.dupont@example.org ou au 06 12 34 56 78"
    copy["talents"][0]["name"] = "Jeanne Dupont jeanne@example.org"
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    with Store(tmp_path / "atlas.duckdb") as store:
        import_file("cnc-commissions", path, store=store)
        text = " ".join(str(v) for table in ("awards", "works", "people") for row in
                        store.frame(f"SELECT * FROM {table}").rows() for v in row)
        assert "@" not in text and "06 12 34 56 78" not in text
        assert "[e-mail removed]" in text and "[phone removed]" in text


# -- the label rules -------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "volet", "stage", "unsure"), [
    ("Aide à la création", "creation", "production", None),
    ("À LA CRÉATION", "creation", "production", None),
    ("AIDE À LA CRÉATION", "creation", "production", None),
    ("Requalification aide à la création", "creation", "production", None),
    ("Aide à la création - Aide au pilote", "creation", "development", None),
    ("Aide à la chaîne", "chaine", "production", None),
    ("AIDE À LA CHAINE", "chaine", "production", None),
    ("Aide à la Chaine", "chaine", "production", None),
    ("AIDE À LA CHAINE - Aide au pilote", "chaine", "development", None),
    ("Résultats commission du 4 décembre 2017", None, None, "category-session-title"),
    ("« Savoirs et Cultures »\nRésultats de la commission du 15 décembre 2022\nEn partenariat "
     "avec YouTube et ARTE", "savoirs-et-cultures", "production", "category-session-title"),
    ("« Savoirs et Cultures »\nRésultats de la commission du 15 décembre 2022\nEn partenariat "
     "avec YouTube et ARTE - Aide au pilote", "savoirs-et-cultures", "development", None),
    ("", None, None, "category-not-given"),
    ("Aide à la création et à la chaîne", None, None, "category-ambiguous"),
    ("Aide à l'écriture", None, None, "category-not-recognised"),
])
def test_category_normalisation(label, volet, stage, unsure) -> None:
    read = category(label)
    assert (read.volet, read.stage, read.unsure) == (volet, stage, unsure)


@pytest.mark.parametrize(("text", "fmt", "genre", "detail"), [
    ("Série – Documentaire - Arts / Histoire de l'Art", "series", "documentary",
     "Arts / Histoire de l'Art"),
    ("Série documentaire", "series", "documentary", None),
    ("Unitaire Fiction", "web", "fiction", None),
    ("10 x 2 min – Fiction / Comédie", "series", "fiction", "Fiction / Comédie"),
    ("1 x 20 min – Fiction", "web", "fiction", None),
    ("Série d’animation – Fiction", "series", "animation", None),
    ("Série hybride documentaire -fiction", "series", "other", None),
    ("", "web", None, None),
])
def test_description_format_and_genre(text, fmt, genre, detail) -> None:
    read = description(text)
    assert (read.format, read.genre, read.detail) == (fmt, genre, detail)


@pytest.mark.parametrize(("published", "display", "chair", "substitute"), [
    ("Romain Gavras (Président)", "Romain Gavras", True, False),
    ("Salam JAWAD (présidente suppléante)", "Salam JAWAD", True, True),
    ("Nora Hamzawi E)", "Nora Hamzawi", True, False),
    ("Jeanne Ezvan E SUPPLEANTE)", "Jeanne Ezvan", True, True),
    ("Julien Josselin (suppléant)", "Julien Josselin", False, True),
    ("JR (président)", "JR", True, False),
    ("Mathieu Guyan (Matdeuh)", "Mathieu Guyan (Matdeuh)", False, False),
])
def test_role_marks_in_names(published, display, chair, substitute) -> None:
    name = person_name(published)
    assert (name.display, name.chair, name.substitute) == (display, chair, substitute)
    assert name.key == letters(display)


def test_spellings_of_one_person_share_a_key() -> None:
    assert person_name("SophieMarie Larrouy").key == person_name("Sophie Marie Larrouy").key
    assert person_name("Constance LE SCOUARNEC").key == person_name("Constance Lescouarnec").key
    assert person_name("Margaux Missica").key != person_name("Margaux Missika").key


# -- the JSON reader -------------------------------------------------------------------------

def test_json_records_keep_their_path_and_exact_text(tmp_path) -> None:
    path = tmp_path / "records.json"
    path.write_text('{"meta": {"n": 2}, "a": [{"x": 1.10, "y": [1, "b"]}, 7],'
                    ' "b": [{"x": null, "z": true}]}', encoding="utf-8")
    table = open_table(path)
    assert table.columns == ["$path", "x", "y", "z"]
    batches = list(table.batches())
    rows = batches[0].frame.to_dicts()
    assert [(r["_row"], r["$path"], r["x"], r["y"], r["z"]) for r in rows] == [
        (2, "$.a[0]", "1.10", '[1, "b"]', ""), (4, "$.b[0]", "", "", "true")]
    [(problem, _, content)] = batches[0].malformed
    assert (problem.row, problem.code, json.loads(content)) == (
        3, "not-a-record", {"$path": "$.a[1]", "value": "7"})
