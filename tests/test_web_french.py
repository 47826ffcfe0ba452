"""French, wholly: every page type rendered in French, on the real atlas and on the demo store,
holds no English string of the catalogue, no raw or English vocabulary value and no English
territory name; the catalogue follows French typography; every value of the store's coded
columns has a label in both languages."""

from __future__ import annotations

import html as html_module
import re

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.store import vocabularies as vocab
from cineatlas.territories.names import french_names
from cineatlas.web import create_app, i18n, labels

NNBSP = "\u202f"


def _catalogue():
    with i18n.catalogue_path("fr").open("rb") as po:
        return read_po(po, locale="fr")


def _english_strings() -> set[str]:
    """The catalogue's English source strings whose French differs (a page showing one as such
    left it untranslated); placeholders stand for any text."""
    found = set()
    for message in _catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid and msgid not in strings:
                found.add(msgid)
    return found


def _texts(page: str) -> tuple[set[str], str]:
    """(each text node and human-read attribute, stripped; the whole text) of a page."""
    # scripts, and code (ids, a file's column names) are not prose
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'\s(?:title|aria-label|alt|placeholder)="([^"]*)"', page)
    nodes = [html_module.unescape(t).strip() for t in re.split(r"<[^>]+>", page)]
    nodes += [html_module.unescape(a).strip() for a in attributes]
    nodes = [n for n in nodes if n]
    return set(nodes), "\n".join(nodes)


def _words(msgid: str) -> int:
    """Words of a message outside its placeholders (a pattern of fewer would match French)."""
    return len(re.findall(r"[^\W\d_]{2,}", re.sub(r"%\(\w+\)s", " ", msgid)))


def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"%\(\w+\)s", msgid)
    return re.compile(r"(?<![\w'])" + r".{0,120}?".join(re.escape(p) for p in parts)
                      + r"(?![\w'])")


#: English vocabulary words a French page must not show as a whole text: the codes themselves
#: (`pre_season`, `company`) and their English labels where French differs. The Art et Essai
#: tags (RD, JP, PR) are the CNC's own abbreviations, shown with their French label as title.
def _vocabulary_words() -> set[str]:
    words, french = set(), set()
    for name, vocabulary in labels.VOCABULARIES.items():
        for code, (fr, en) in vocabulary.items():
            if name != "AE_LABELS" and code != fr:
                words.add(code)
            if en != fr:
                words.add(en)
            french.add(fr)
    return words - french  # "National" is French too


def _page_urls(db) -> list[str]:
    with Store(db, read_only=True) as store:
        first = store.con.execute(
            "SELECT beneficiary_id, work_id FROM awards WHERE work_id IS NOT NULL AND "
            "beneficiary_id IS NOT NULL ORDER BY award_id LIMIT 1").fetchone()
        levels = [row[0] for row in store.con.execute(
            "SELECT DISTINCT level FROM territories WHERE level IN ('country', 'region', "
            "'department', 'province', 'qc_region', 'metropolis') ORDER BY level").fetchall()]
        profiles = [row[0] for row in store.con.execute(
            "SELECT min(territory_id) FROM territories WHERE level IN ('country', 'region', "
            "'department', 'province', 'qc_region', 'metropolis', 'commune', 'municipality') "
            "GROUP BY level ORDER BY 1").fetchall()]
        person = store.con.execute("SELECT min(person_id) FROM award_people").fetchone()[0]
    beneficiary, work = first
    return ["/", *[f"/?level={level}" for level in levels],
            *[f"/territory/{t}" for t in profiles], "/territory/FR", "/territory/CA",
            "/territory/CA-NS", "/territory/CA-QC", "/compare", "/compare?level=province",
            "/awards", "/awards?stage=writing", "/awards?funder_level=regional",
            f"/beneficiary/{beneficiary}", f"/work/{work}", "/indicators",
            "/indicators/cofinancing_ratio", "/indicators/support_per_inhabitant", "/sources",
            "/simulator", "/territory/NOWHERE", "/indicators/nope", "/nowhere/at/all",
            "/?year=abc", "/simulator?envelope=-5", "/schemes", "/schemes?stage=writing",
            "/schemes/find?role=author&territory=Nouvelle-Aquitaine&stage=writing",
            "/schemes/find?territory=Paris", "/schemes/nope", "/directory",
            "/directory?territory=CA-QC&stage=production", "/directory?territory=FR",
            *([f"/person/{person}"] if person else []), "/person/nope"]


def _check_french(db) -> list[str]:
    english = sorted(_english_strings(), key=len, reverse=True)
    words = _vocabulary_words()
    names = set(french_names())
    failures = []
    with TestClient(create_app(db), raise_server_exceptions=False) as client:
        for url in _page_urls(db):
            response = client.get(url)
            assert response.status_code in (200, 400, 404, 422), (url, response.status_code)
            assert response.headers["content-type"].startswith("text/html"), url
            nodes, text = _texts(response.text)
            for msgid in english:
                if msgid in nodes or (_words(msgid) >= 3 and _pattern(msgid).search(text)):
                    failures.append(f"{url}: untranslated {msgid!r}")
            failures += [f"{url}: vocabulary value {w!r}" for w in sorted(words & nodes)]
            failures += [f"{url}: English name {n!r}" for n in sorted(names & nodes)]
    return failures


def test_every_page_type_is_french_on_the_real_atlas(real_atlas) -> None:
    assert _check_french(real_atlas.db) == []


def test_every_page_type_is_french_on_the_demo_store(web_atlas) -> None:
    assert _check_french(web_atlas) == []


def test_error_pages_say_what_happened_in_french(web_atlas) -> None:
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as client:
        page = client.get("/territory/NOWHERE")
        assert page.status_code == 404
        assert "Aucun territoire 'NOWHERE'." in html_module.unescape(page.text)
        assert "No territory" not in page.text
        # the API keeps its English message
        api = client.get("/api/v1/territories/NOWHERE").json()["error"]
        assert api["message"] == "No territory 'NOWHERE'."
        invalid = client.get("/?year=abc")
        assert invalid.status_code == 422
        assert ("Valeur invalide du paramètre year dans l'adresse."
                in html_module.unescape(invalid.text))
        assert "String should match" not in invalid.text
        api = client.get("/api/v1/territories", params={"level": "nowhere"}).json()["error"]
        assert api["code"] == "invalid-parameter" and api["message"].startswith("level: ")
        missing = client.get("/nowhere/at/all")
        assert missing.status_code == 404
        assert "Rien n'est publié à cette adresse." in html_module.unescape(missing.text)
        english = client.get("/territory/NOWHERE", params={"lang": "en"})
        assert "No territory 'NOWHERE'." in html_module.unescape(english.text)


def test_canadian_provinces_have_their_french_names_on_french_pages(web_atlas) -> None:
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as client:
        french = client.get("/territory/CA-NS").text
        assert "<h1>Nouvelle-Écosse</h1>" in french and "<title>Nouvelle-Écosse" in french
        assert "Nova Scotia" not in french.split('<aside class="figure-sources"')[0]
        assert "<h1>Nova Scotia</h1>" in client.get("/territory/CA-NS",
                                                    params={"lang": "en"}).text
        client.cookies.clear()  # ?lang=en set the language cookie
        provinces = client.get("/?level=province").text
        for fr in ("Colombie-Britannique", "Terre-Neuve-et-Labrador", "Île-du-Prince-Édouard",
                   "Territoires du Nord-Ouest", "Nouveau-Brunswick"):
            assert fr in provinces, fr


# -- the catalogue's typography ---------------------------------------------------------

#: A space that is not U+202F before a high punctuation mark, or inside « ».
BAD_SPACE = re.compile(r"[ \u00a0](?=[:;!?](\s|$))|«[ \u00a0]|[ \u00a0]»")


def test_the_catalogue_follows_french_typography() -> None:
    """A narrow no-break space (U+202F) before : ; ! ? and inside « » in every translation
    (a colon inside a URL, a time or a ratio has no space and is not touched)."""
    bad = []
    for message in _catalogue():
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and BAD_SPACE.search(text):
                bad.append(text)
            if text and re.search(r"\w[;!?](\s|$)", text):
                bad.append(text)  # no space at all before ; ! ?
    assert bad == []


def test_plural_forms_come_from_the_catalogue() -> None:
    translations = i18n.translations("fr")
    def awards(n: int, shown: str) -> str:
        return translations.ngettext("%(n)s award", "%(n)s awards", n) % {"n": shown}

    # French: 0 and 1 singular; a round million takes "de" (CLDR's "many"); else plural
    assert (awards(0, "0"), awards(1, "1"), awards(2, "2")) == ("0 aide", "1 aide", "2 aides")
    assert awards(1_000_000, "1\u202f000\u202f000") == "1\u202f000\u202f000 d'aides"


# -- vocabularies -----------------------------------------------------------------------


def test_every_stored_code_has_a_label_in_both_languages(real_atlas, web_atlas) -> None:
    """SELECT DISTINCT of each coded column of the real atlas (and of the demo store) against
    its vocabulary: a value without both labels would show raw on a page."""
    missing = []
    for db in (real_atlas.db, web_atlas):
        with Store(db, read_only=True) as store:
            for (table, column), vocabulary in vocab.COLUMNS.items():
                kind = store.con.execute(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND "
                    "column_name = ?", [table, column]).fetchone()
                assert kind is not None, (table, column)
                values = (f"SELECT DISTINCT unnest({column}) FROM {table}" if
                          kind[0].endswith("[]") else f"SELECT DISTINCT {column} FROM {table}")
                for (value,) in store.con.execute(values).fetchall():
                    labelled = vocabulary.get(value)
                    if value is not None and not (labelled and all(labelled)):
                        missing.append((db.name, table, column, value))
    assert missing == []


def test_a_french_label_is_not_retranslated_by_the_catalogue() -> None:
    """Templates pass a resolved label through `_()`: it must come back as it is."""
    translations = i18n.translations("fr")
    for vocabulary in labels.VOCABULARIES.values():
        for fr, _en in vocabulary.values():
            assert translations.gettext(fr) == fr, fr


def test_labels_resolve_in_the_page_language() -> None:
    french, english = labels.Labels("fr"), labels.Labels("en")
    assert french.PERIODS["pre_season"].startswith("Avant-saison")
    assert english.KINDS["company"] == "Company" and french.KINDS["company"] == "Entreprise"
    assert french.value_label("stage", "writing") == "Écriture"
    assert english.value_label("funder_level", "regional") == "Region"
    assert french.value_label("funder", "Région Bretagne") == "Région Bretagne"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_vocabulary_is_labelled_in_both_languages(lang) -> None:
    for vocabulary in labels.VOCABULARIES.values():
        for code in vocabulary:
            assert vocab.label(vocabulary, code, lang) not in ("", None), code


def test_every_problem_type_has_its_french() -> None:
    """The importers' problem titles and hints shown on /sources: a French text for every
    declared type, in French typography."""
    import importlib
    import pkgutil

    import cineatlas.importers as importers
    from cineatlas.problems import PROBLEM_TYPES, described
    from cineatlas.problems_fr import FRENCH

    for module in pkgutil.walk_packages(importers.__path__, "cineatlas.importers."):
        importlib.import_module(module.name)
    for name in ("parsing.values", "reading.cleaning", "reading.csvfile", "reading.jsonfile"):
        importlib.import_module(f"cineatlas.{name}")
    ours = set(PROBLEM_TYPES)
    assert ours - set(FRENCH) == set() and set(FRENCH) - ours == set()
    for title, hint in FRENCH.values():
        assert title and hint and not BAD_SPACE.search(title + " " + hint), (title, hint)
    assert described("blank-row", "Blank row", "…", "fr")[0] == "Ligne vide"
    assert described("blank-row", "Blank row", "…", "en") == ("Blank row", "…")
    assert described("not-declared", None, None, "fr") == ("not-declared", None)


def test_simulator_notes_are_french_on_french_pages(web_atlas) -> None:
    """The notes the simulator computes carry their French; the API keeps the English."""
    with TestClient(create_app(web_atlas), raise_server_exceptions=False) as client:
        page = html_module.unescape(client.get("/simulator").text)
        assert "ILLUSTRATIF\u202f: les chiffres de" in page and "ILLUSTRATIVE" not in page
        assert "les demandes dépassent l'enveloppe des conventions\u202f: répartition au " \
               "prorata" in page
        notes = client.get("/api/v1/simulate").json()["data"]["edited"]["notes"]
        assert any(n.startswith("ILLUSTRATIVE: the figures of") for n in notes)


def test_every_indicator_field_subject_and_filter_has_labels() -> None:
    """What an indicator page names (`amount_minor`, `beneficiary_in_metropolis`…) has a label
    in both languages, and the French page shows it."""
    from cineatlas.indicators import registry

    for item in registry.catalogue():
        for vocabulary, codes in ((vocab.INDICATOR_SUBJECTS, [item.subject]),
                                  (vocab.INDICATOR_FIELDS, item.needs),
                                  (vocab.INDICATOR_FILTERS, item.filters)):
            for code in codes:
                assert code in vocabulary and all(vocabulary[code]), (item.id, code)
