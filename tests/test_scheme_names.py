"""The word rules reading a scheme's published name (cineatlas.schemes.names), on real names of
the CNC's list, Telefilm's programmes and CNC Talent's parts, each expectation written by hand;
names that do not clearly say a thing say nothing."""

from __future__ import annotations

import pytest

from cineatlas.schemes import names
from cineatlas.store.vocabularies import APPLICANTS, FORMATS, GENRES, STAGES, WORK_RANKS

#: Real names -> what a reader sees in them (fields absent: the name does not say).
EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    # the CNC's list (2025)
    "aide avant réalisation à la production de films de court métrage":
        {"stages": ("production",), "formats": ("short",)},
    "Aide aux revues de cinéma": {},
    "aide au développement d’œuvres cinématographiques de longue durée":
        {"stages": ("development",), "formats": ("feature",)},
    "Fiction : Aides écriture et développement de projets AV (créa séries)":
        {"stages": ("writing", "development"), "formats": ("series",), "genres": ("fiction",)},
    "documentaire\xa0: aide sélective à la production":
        {"stages": ("production",), "genres": ("documentary",)},
    "Aide sélective à la petite et moyenne exploitation":
        {"stages": ("operation",), "applicants": ("exhibitor",)},
    # « développement de l'emploi » is not a work's development
    "Aide au développement de l’emploi pour l’exploitation itinérante":
        {"stages": ("operation",), "applicants": ("exhibitor",)},
    "Demande de compensation distributeurs (non agréés et courts métrages)":
        {"formats": ("short",), "applicants": ("distributor",)},
    # « en salles » says where films are shown, not that cinemas apply
    "contribution du CNC à la distribution de films en salles": {"stages": ("distribution",)},
    "aide aux salles maintenant une programmation difficile face à la concurren":
        {"applicants": ("exhibitor",)},
    "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)":
        {"formats": ("web",), "applicants": ("video_creator",)},
    "soutien au scénario, aide à la réécriture": {"stages": ("writing",)},
    # co-writing of co-productions: the stage is writing; « des coproductions » names the works
    "COCO-I Aide à la coécriture de coproductions internationales - Fonds d'Aid":
        {"stages": ("writing",)},
    "Aide au parcours d'auteur": {"applicants": ("author",)},
    "fonds d'aide au jeu vidéo (FAJV)": {"formats": ("game",)},
    "aide sélective à la distribution - 1er collège (films inédits)":
        {"stages": ("distribution",)},  # « 1er collège » is no first film
    # Telefilm's programmes
    "Development Program": {"stages": ("development",)},
    "Production Program (Feature Film)": {"stages": ("production",), "formats": ("feature",)},
    "Theatrical Documentary Program": {"genres": ("documentary",)},
    "Micro-Budget Production Program": {"stages": ("production",)},
    "Marketing Program": {"stages": ("distribution",)},
    "International Marketing Program": {"stages": ("promotion",)},
    # ranks of works
    "Aide au premier film": {"work_ranks": ("first",)},
    "Aide aux premiers et deuxièmes films": {"work_ranks": ("first", "second")},
    "First Feature Program": {"work_ranks": ("first",)},
    "Aide au deuxième long métrage": {"formats": ("feature",), "work_ranks": ("second",)},
}

#: Names that say nothing a rule may read without guessing.
UNCLEAR = (
    "Aide aux cinémas du monde",  # a fund for films, not for cinemas
    "avance sur recettes après réalisation",  # given to a finished film: no stage said
    "fiction : fonds d'aide à l'innovation audiovisuelle (aide à la création)",
    "Fonds d’aide à la création immersive",
    "Mini-treaties",
    "magazine\xa0: aide sélective",
    "Les SOFICA",
    "France2030",
    "Caméra libre",
    "",
    None,
)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_name_says_what_a_reader_sees(name: str) -> None:
    assert names.read(name) == EXPECTED[name]


@pytest.mark.parametrize("name", UNCLEAR)
def test_a_name_that_does_not_say_yields_unknown(name: str | None) -> None:
    found = names.read(name)
    if name and "fiction" in name:
        assert found == {"genres": ("fiction",)}  # the genre is said, the stage is not
    else:
        assert found == {}


def test_every_code_a_rule_writes_is_in_its_vocabulary() -> None:
    vocabularies = {"stages": STAGES, "formats": FORMATS, "genres": GENRES,
                    "applicants": APPLICANTS, "work_ranks": WORK_RANKS}
    for field, rules in names.TABLES.items():
        for code, words, why in rules:
            assert code in vocabularies[field], (field, code)
            assert words and why.strip()
    assert names.FIELDS == ("stages", "formats", "genres", "applicants", "work_ranks")


def test_codes_come_in_table_order_and_once() -> None:
    found = names.read("Écriture, développement et production ; écriture encore")
    assert found == {"stages": ("writing", "development", "production")}


def test_the_documented_tables_are_the_rules() -> None:
    """docs/schemes-catalogue-sources.md shows each rule: its code, what the name says and its
    words as written in the module."""
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "schemes-catalogue-sources.md").read_text(
        encoding="utf-8")
    for field, rules in names.TABLES.items():
        assert f"### `{field}`" in docs
        for code, words, why in rules:
            row = f"| {why} | `{words.replace('|', chr(92) + '|')}` |"
            assert f"| `{code}` (" in docs and row in docs, (field, code)
