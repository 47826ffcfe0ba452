"""The API and page sections of what schemes fund (web.scheme_outcomes_api): a scheme's observed
outcomes, a territory's levels table, a funder's transparency card — in the OpenAPI document,
French first and English with ?lang=en, no SQL in the web module. Figures are checked against
plain SQL written here (their own tests check them against the files)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.queries import schemes
from cineatlas.web import create_app

WEB = Path(__file__).resolve().parents[1] / "src" / "cineatlas" / "web"


@pytest.fixture(scope="module")
def client(real_schemes):
    with TestClient(create_app(real_schemes)) as c:
        yield c


@pytest.fixture(scope="module")
def real(real_schemes):
    with Store(real_schemes, read_only=True) as store:
        cat = schemes.catalogue(store)
        ids = {e.name: e.id for e in cat.entries}
        funders = dict(store.frame("SELECT source_id, organisation_id FROM organisations "
                                   "WHERE is_funder").rows())
        counts = dict(store.frame("SELECT s.name, count(*) FROM awards a JOIN schemes s "
                                  "USING (scheme_id) WHERE a.superseded_by IS NULL "
                                  "GROUP BY 1").rows())
    return {"ids": ids, "funders": funders, "counts": counts}


def get(client, url: str, lang: str = "fr") -> str:
    """The page at `url` in `lang` (French: no ?lang= and no cookie left by an English page)."""
    client.cookies.clear()
    return client.get(url + ("?lang=en" if lang == "en" else "")).text


def funder(real, prefix: str) -> str:
    return next(v for k, v in real["funders"].items() if k.startswith(prefix))


def test_observed_api(client, real) -> None:
    scheme = real["ids"]["Production Program"]
    body = client.get(f"/api/v1/schemes/{scheme}/observed").json()["data"]
    assert body["label"] == "observed_in_published_decisions"
    assert body["n_awards"] == real["counts"]["Production Program"]
    assert body["scheme"] == {"id": scheme, "name": "Production Program"}
    missing = client.get("/api/v1/schemes/no-such-scheme/observed")
    assert missing.status_code == 404 and missing.json()["error"]["code"]


def test_levels_api(client) -> None:
    body = client.get("/api/v1/territories/CA-QC/schemes").json()["data"]
    assert body["territory"]["territory_id"] == "CA-QC" and body["n_schemes"] == 14
    assert "writing" in body["blind_spots"]
    assert client.get("/api/v1/territories/NOWHERE/schemes").status_code == 404


def test_transparency_api_is_not_taken_for_a_funder_id(client, real) -> None:
    cnc = funder(real, "cnc-commissions:")
    assert "/" in cnc  # organisation ids hold slashes: /funders/{id:path} must not swallow it
    body = client.get(f"/api/v1/funders/{cnc}/transparency").json()["data"]
    assert body["funder"]["organisation_id"] == cnc
    assert body["composition"]["n_with_members"] == 33
    # the funder itself still answers
    assert client.get(f"/api/v1/funders/{cnc}").json()["data"]["organisation_id"] == cnc
    assert client.get("/api/v1/funders/nobody/transparency").status_code == 404


def test_the_operations_are_documented() -> None:
    spec = create_app(Path("not-opened.duckdb")).openapi()
    for path in ("/api/v1/schemes/{scheme_id}/observed",
                 "/api/v1/territories/{territory_id}/schemes",
                 "/api/v1/funders/{organisation_id}/transparency"):
        assert "get" in spec["paths"][path], path
        assert "404" in spec["paths"][path]["get"]["responses"], path


def test_the_web_module_holds_no_sql() -> None:
    tree = ast.parse((WEB / "scheme_outcomes_api.py").read_text(encoding="utf-8"))
    strings = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert [s for s in strings if re.search(r"\bSELECT\b|\bFROM\s+\w+\s+(WHERE|JOIN)\b", s,
                                            re.IGNORECASE)] == []


@pytest.mark.parametrize(("lang", "texts"), [
    ("fr", ["Dispositifs d'aide de tous les échelons", "Angles morts", "aucun dispositif connu",
            "Production Program"]),
    ("en", ["Support schemes of every level", "Blind spots:", "no scheme known",
            "Production Program"]),
])
def test_the_territory_page_shows_the_levels(client, lang, texts) -> None:
    page = get(client, "/territory/CA-QC", lang)
    section = page[page.index('id="scheme-levels"'):]
    section = section[:section.index("</section>")]
    for text in texts:
        assert text in section, text


@pytest.mark.parametrize(("lang", "texts"), [
    ("fr", ["Transparence", "Composition des commissions publiée",
            "pour 33 des 34 séances de commission, 2017–2024",
            "non trouvé dans les sources de l'atlas"]),
    ("en", ["Transparency", "Commission composition published",
            "for 33 of 34 commission sessions, 2017–2024",
            "not found in the sources the atlas holds"]),
])
def test_the_funder_page_shows_the_transparency_card(client, real, lang, texts) -> None:
    cnc = funder(real, "cnc-commissions:")
    page = get(client, f"/funder/{quote(cnc, safe=':/')}", lang)
    section = re.sub(r"<[^>]+>", "", page[page.index('id="transparency"'):])
    section = section[:section.index("JSON")]
    for text in texts:
        assert text in section, text


def test_the_observed_page_in_both_languages(client, real) -> None:
    scheme = real["ids"]["Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)"]
    french = get(client, f"/schemes/{scheme}/observed")
    assert "Observé dans les décisions publiées" in french and "Médiane" in french
    assert 'id="observed-sessions"' in french and "genre non publié" in french
    english = get(client, f"/schemes/{scheme}/observed", "en")
    assert "Observed in the published decisions" in english and "First quartile" in english
    assert client.get("/schemes/nope/observed").status_code == 404


def test_the_handmade_pages(handmade) -> None:
    entry = next(e for e in schemes.catalogue(handmade).entries
                 if e.name == "Aide à l'écriture")
    empty = next(e for e in schemes.catalogue(handmade).entries
                 if e.name == "Aide au programme")
    handmade.close()  # the app's workers open the file read-only
    with TestClient(create_app(handmade.path)) as c:
        page = re.sub(r"<[^>]+>", "", c.get(f"/schemes/{entry.id}/observed").text)
        assert "femmes : 2, hommes : 1" in page and "1 élu ou élue" in page
        assert "30,0\u00a0%" in page or "30,0\u202f%" in page  # success rate 3 of 10
        none = c.get(f"/schemes/{empty.id}/observed").text
        assert "Aucune décision publiée de ce dispositif dans les sources de l'atlas." in none
        levels = c.get("/territory/FR-R75?lang=en").text
        assert "Overlaps (a stage covered by several levels):" in levels
        assert "part of the territory" in levels and "Fonds sans territoire" in levels


def test_a_long_cell_is_cut_and_says_how_many_more(handmade) -> None:
    for i in range(13):  # 13 more national schemes of unknown stage: 14 in that cell
        handmade.con.execute("INSERT INTO schemes (scheme_id, funder_id, name, name_key, level, "
                             "source_id) VALUES (?, 'o/cnc', ?, ?, 'national', 'hand:schemes')",
                             [f"s/n{i}", f"Aide nationale {i:02d}", f"aide nationale {i:02d}"])
    handmade.close()
    with TestClient(create_app(handmade.path)) as c:
        page = get(c, "/territory/FR-R75")
        json = c.get("/api/v1/territories/FR-R75/schemes").json()["data"]
    (unknown,) = [r for r in json["rows"] if r["stage"] is None]
    (national,) = [cell for cell in unknown["cells"] if cell["level"] == "national"]
    assert len(national["schemes"]) == 14  # the JSON holds them all
    row = page[page.index('<tr data-stage="unknown">'):]
    row = row[:row.index("</tr>")]
    assert row.count("<li data-scheme=") == 12
    assert "et 2 autres (voir le JSON ci-dessous)" in row


def test_the_scheme_page_and_the_finder_show_what_was_observed(handmade) -> None:
    entry = next(e for e in schemes.catalogue(handmade).entries
                 if e.name == "Aide à l'écriture")
    handmade.close()
    with TestClient(create_app(handmade.path)) as c:
        page = get(c, f"/schemes/{entry.id}")
        assert 'id="scheme-observed"' in page and "Observé dans les décisions publiées" in page
        found = c.get("/api/v1/schemes/find", params={
            "territory": "Bordeaux", "stage": "writing", "format": "short",
            "first_work": "true"}).json()["data"]
        (match,) = [m for m in found if m["scheme"]["id"] == entry.id]
        assert (match["observed"]["n_awards"], match["observed"]["n_awards_all"]) == (2, 6)
        c.cookies.clear()
        finder = c.get("/schemes/find", params={"territory": "Bordeaux", "stage": "writing",
                                                "format": "short", "work": "first"}).text
        item = finder[finder.index(f'<li class="scheme-match" data-scheme="{entry.id}"'):]
        item = item[item.index('<p class="note observed-match"'):]
        note = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item[:item.index("</p>")]))
        assert "2 de ses 6 aides sont allées à des projets comme le vôtre" in note
        assert "médiane 2\u202f000\u00a0€" in note or "médiane 2 000 €" in note.replace(
            "\u202f", " ").replace("\u00a0", " ")
