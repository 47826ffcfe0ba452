"""The cnc-schemes importer on the CNC's real list of 95 scheme names (recounted here with the
plain json module), and on hand-made lists with every kind of bad value."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cineatlas import Store, import_file
from cineatlas.errors import FileError
from cineatlas.importers import register
from cineatlas.importers.cnc_funder import FUNDER_NAME
from cineatlas.importers.cnc_schemes import RESULTS_PAGE, CncSchemesImporter
from cineatlas.ingest import ImportReport

# The entry point (pyproject.toml) registers it once the package is installed again.
register(CncSchemesImporter)

LIST = "schemes/cnc-aids-list-2025.json"
SOURCE = "cnc-schemes:cnc-aids-list-2025"

#: Names of the 2025 list that stop mid-word or mid-phrase, read by hand.
CUT = {
    "Aide au codéveloppement et à la coproduction d’œuvres cinématographiques e",
    "COCO-I Aide à la coécriture de coproductions internationales - Fonds d'Aid",
    "Dispositif mécénat pour la numérisation et la restauration d’œuvres cinéma",
    "Documentaire : fonds d'aide à l'innovation audiovisuelle (développement re",
    "Le « Mini-traité » Aide au développement et à la coproduction de projets c",
    "aide au doublage en anglais, en espagnol castillan, en espagnol neutre (Am",
    "aide aux salles maintenant une programmation difficile face à la concurren",
    "aide sélective à la numérisation des œuvres cinématographiques du patrimoi",
    "animation : fonds d'aide à l'innovation audiovisuelle (aide au développeme",
    "mesure « maîtrise des coûts de production des œuvres cinématographiques de",
}
#: Long names that may or may not go on (« … intéressant les cultures » d'outre-mer?).
MAYBE_CUT = {
    "aide sélective pour les œuvres cinématographiques intéressant les cultures",
    "aides à la création visuelle ou sonore par l’utilisation des technologies",
    "soutien à la réalisation de fichiers d’audiodescription et de sous-titrage",
}
#: Complete names as long as the cut ones: flagged too (the rule cannot tell; documented).
LONG_BUT_WHOLE = {
    "Aide sélective pour la production d’œuvres audiovisuelles de courte durée",
    "Allocations directes à la programmation en salles de films de court métrage",
}


def published(name: str) -> str:
    """A name as the store keeps it: inner whitespace (no-break spaces too) as one space."""
    return " ".join(name.split())


@pytest.fixture(scope="module")
def names(shared_data) -> list[str]:
    return json.loads(shared_data(LIST).read_text(encoding="utf-8"))["aids"]


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory) -> tuple[Store, ImportReport]:
    path = tmp_path_factory.mktemp("cnc-schemes") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("cnc-schemes", shared_data(LIST), store=store)
    yield store, report
    store.close()


def test_every_name_is_a_national_scheme_of_the_cnc(real, names) -> None:
    store, report = real
    assert len(names) == 95
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (95, 95, 0)
    assert report.figures == {"fetched_at": json.loads(
        Path(report.file).read_text(encoding="utf-8"))["fetchedAt"]}
    rows = store.frame(
        "SELECT s.name, s.level, s.url, s.source_id, o.name AS funder, o.funder_level, "
        "o.governed_territory_id FROM schemes s JOIN organisations o "
        "ON o.organisation_id = s.funder_id WHERE s.source_id = ?", [SOURCE]).to_dicts()
    assert sorted(r["name"] for r in rows) == sorted(published(n) for n in names)
    for row in rows:
        assert (row["level"], row["funder"], row["funder_level"], row["governed_territory_id"]) \
            == ("national", FUNDER_NAME, "national", "FR")
        assert row["url"] is None  # the list gives no scheme's own page


def test_truncated_names_are_kept_as_published_and_flagged(real, names) -> None:
    store, _ = real
    assert CUT | MAYBE_CUT | LONG_BUT_WHOLE <= set(names)
    flagged = store.frame(
        "SELECT row_number, message FROM import_problems WHERE source_id = ? "
        "AND code = 'truncated-name' AND severity = 'warning'", [SOURCE]).to_dicts()
    # rows are numbered from 2: $.aids[i] is row i + 2
    assert {names[r["row_number"] - 2] for r in flagged} == CUT | MAYBE_CUT | LONG_BUT_WHOLE
    first = names.index("Aide au codéveloppement et à la coproduction d’œuvres "
                        "cinématographiques e")
    message = next(r["message"] for r in flagged if r["row_number"] == first + 2)
    assert message.startswith(f"$.aids[{first}]: Name probably cut short") and "74 characters" \
        in message
    kept = store.scalar("SELECT count(*) FROM schemes WHERE source_id = ? AND name = ?",
                        [SOURCE, published(names[first])])
    assert kept == 1


def test_what_a_name_says_is_written_with_its_source(real, names) -> None:
    store, _ = real
    name = "aide avant réalisation à la production de films de court métrage"
    index = names.index(name)
    row = store.frame("SELECT scheme_id, stages, formats, genres, applicants, work_ranks "
                      "FROM schemes WHERE source_id = ? AND name = ?", [SOURCE, name]).to_dicts()[0]
    assert (row["stages"], row["formats"]) == (["production"], ["short"])
    assert row["genres"] is None and row["applicants"] is None and row["work_ranks"] is None
    sources = store.frame("SELECT field, locator, rule FROM scheme_field_sources "
                          "WHERE scheme_id = ? ORDER BY field", [row["scheme_id"]]).rows()
    assert sources == [("documents", f"$.aids[{index}]", "published"),
                       ("formats", f"$.aids[{index}]", "name"),
                       ("stages", f"$.aids[{index}]", "name")]
    revues = store.frame("SELECT stages, formats FROM schemes WHERE source_id = ? AND name = ?",
                         [SOURCE, "Aide aux revues de cinéma"]).rows()
    assert revues == [(None, None)]


def test_each_scheme_has_its_results_published_on_the_cnc_page(real) -> None:
    store, _ = real
    documents = store.frame(
        "SELECT d.kind, d.url, d.published_from, count(*) AS n FROM scheme_documents d "
        "JOIN schemes s USING (scheme_id) WHERE s.source_id = ? GROUP BY ALL", [SOURCE]).rows()
    assert documents == [("award_list", RESULTS_PAGE, None, 95)]


def test_importing_the_list_again_changes_nothing(real, shared_data) -> None:
    store, _ = real
    again = import_file("cnc-schemes", shared_data(LIST), store=store)
    assert again.status == "unchanged"
    assert store.count("schemes", "source_id = ?", [SOURCE]) == 95


# -- hand-made lists -------------------------------------------------------------------------

def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "aids.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_bad_value_is_quarantined_with_its_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, {"totalAids": 9, "aids": [
        "Aide au premier film", "", "AIDE AU PREMIER FILM", 5, None, "  Séries   documentaire ",
        " – ? "]})
    report = import_file("cnc-schemes", path, db=tmp_path / "a.duckdb")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 2, 5)
    codes = {(p["row"], p["code"], p["severity"]) for p in report.as_dict()["problems"]}
    assert codes == {(3, "required", "error"), (4, "duplicate-name", "error"),
                     (5, "not-a-name", "error"), (6, "required", "error"),
                     (8, "not-a-name", "error"), (1, "count-mismatch", "warning")}
    messages = {p["code"]: p["message"] for p in report.as_dict()["problems"]}
    assert messages["duplicate-name"].startswith("$.aids[2]: Name already listed")
    assert "listed first at $.aids[0]" in messages["duplicate-name"]
    assert "totalAids says 9 schemes, the list aids holds 7" in messages["count-mismatch"]
    with Store(tmp_path / "a.duckdb", read_only=True) as store:
        assert store.frame("SELECT name, work_ranks, formats, genres FROM schemes ORDER BY name"
                           ).rows() == [("Aide au premier film", ["first"], None, None),
                                        ("Séries documentaire", None, ["series"],
                                         ["documentary"])]
        assert store.count("quarantine") == 5


@pytest.mark.parametrize(("document", "lists"), [
    ({"schemes": ["Aide au premier film"]}, "its lists: schemes"),
    ({"aids": "Aide au premier film"}, "its lists: none"),
    (["Aide au premier film"], "it is not a JSON object"),
])
def test_a_file_without_the_list_is_refused(tmp_path: Path, document: object,
                                            lists: str) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(FileError, match=f"has no list 'aids' of scheme names \\({lists}\\)"):
        import_file("cnc-schemes", path, db=tmp_path / "a.duckdb")
    with Store(tmp_path / "a.duckdb") as store:
        assert store.count("sources") == 0  # the store unchanged
