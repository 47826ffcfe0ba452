"""Territory reports (cineatlas.reports) on the real default atlas: the PDF's pages, its text
(pdftotext) against the profile's API and plain SQL, its pages as PNG (test artifacts), the
English HTML, the web route and the errors a person meets."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from browsing import ARTIFACTS
from cli_process import cineatlas, output
from fastapi.testclient import TestClient

from cineatlas.web import create_app
from cineatlas.web.i18n import Formats

FR = Formats("fr")


class F:
    """The report's French formats (web.i18n.Formats), spaces flattened as `flat` does."""

    def __getattr__(self, name: str):
        return lambda *args: flat(getattr(FR, name)(*args))


F = F()
POPPLER = bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))
needs_poppler = pytest.mark.skipif(
    not POPPLER and os.environ.get("CI") != "true",
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: `python3 run.py test` "
           "installs it")
#: Closure of the territory tree in plain SQL: every territory within ? (itself included).
WITHIN = ("WITH RECURSIVE inside(id) AS (SELECT ?::VARCHAR UNION ALL SELECT t.territory_id "
          "FROM territories t JOIN inside ON t.parent_id = inside.id) ")


def flat(text: str) -> str:
    """Text with every run of spaces (narrow and no-break ones too) and line breaks as one
    space: a figure reads the same wherever the PDF broke its line."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pdf_text(path: Path) -> str:
    return flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout)


def save_pngs(path: Path, name: str) -> list[Path]:
    """The PDF's pages as PNG under ARTIFACTS/reports/ (to look at)."""
    folder = ARTIFACTS / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(folder / name)], check=True)
    shutil.copy(path, folder / f"{name}.pdf")
    return sorted(folder.glob(f"{name}-*.png"))


@pytest.fixture(scope="module")
def client(real_atlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def reports(real_atlas, tmp_path_factory) -> dict[str, Path]:
    """The French PDF reports of Pays de la Loire and Québec, made by the command line."""
    folder = tmp_path_factory.mktemp("reports")
    made = {}
    for territory in ("FR-R52", "CA-QC"):
        out = folder / f"{territory}.pdf"
        done = cineatlas(folder, "report", territory, "--db", str(real_atlas.db), "-o",
                         str(out), timeout=600)
        assert done.returncode == 0, output(done)
        made[territory] = out
    return made


def _key_figure(profile: dict, indicator: str) -> dict:
    return next(k for k in profile["key_figures"] if k["indicator"] == indicator)


@needs_poppler
def test_region_report_holds_the_profile_figures(reports, client, real_atlas) -> None:
    path = reports["FR-R52"]
    assert path.read_bytes().startswith(b"%PDF")
    assert 2 <= pdf_pages(path) <= 4
    assert save_pngs(path, "report-FR-R52")
    text = pdf_text(path)
    profile = client.get("/api/v1/territories/FR-R52/profile").json()["data"]
    with duckdb.connect(str(real_atlas.db), read_only=True) as con:
        population = con.execute("SELECT population FROM territories WHERE territory_id = "
                                 "'FR-R52'").fetchone()[0]
        cinemas = con.execute(WITHIN + "SELECT count(*) FROM venues WHERE territory_id IN "
                              "(SELECT id FROM inside)", ["FR-R52"]).fetchone()[0]
    # the cinemas per 100,000 inhabitants: plain SQL, the API and the PDF agree
    figure = _key_figure(profile, "cinemas_per_100k")
    assert figure["value"] == pytest.approx(cinemas / population * 100_000)
    assert f"{F.decimal(figure['value'])} " in flat(text.replace("[1]", " "))
    assert f"{figure['rank']}/{figure['of']}" in text
    assert F.decimal(figure["median"]) in text
    assert F.number(population) in text  # the lead: 3 853 999 habitants
    # every key figure of the profile is in the report, in French
    for k in profile["key_figures"]:
        assert F.decimal(k["value"]) in text, k["indicator"]
    assert "Chiffres clés" in text and "Pays de la Loire" in text
    # the simulation, apart and labelled, with the store's (absent) convention data said
    assert "Simulation — pas des chiffres observés" in text
    assert "aucune donnée de convention pour Pays de la Loire" in text
    assert text.index("Chiffres clés") < text.index("Simulation — pas des chiffres observés")
    # sources with their licences; no fictitious flag on a real atlas
    assert "Sources et licences" in text and "Licence Ouverte" in text
    # every source cited, the département files of the notes included, with its licence
    assert "Licence Ouverte / Open Licence (Etalab)" in " ".join(text.split())
    assert "Données fictives" not in text


@needs_poppler
def test_quebec_report_holds_the_profile_and_sql_figures(reports, client, real_atlas) -> None:
    path = reports["CA-QC"]
    assert 2 <= pdf_pages(path) <= 4
    assert save_pngs(path, "report-CA-QC")
    text = pdf_text(path)
    profile = client.get("/api/v1/territories/CA-QC/profile").json()["data"]
    with duckdb.connect(str(real_atlas.db), read_only=True) as con:
        total, n = con.execute(
            WITHIN + "SELECT sum(amount_minor), count(*) FROM awards WHERE "
            "beneficiary_territory_id IN (SELECT id FROM inside) AND superseded_by IS NULL "
            "AND sector = 'cinema-audiovisual' AND currency = 'CAD'", ["CA-QC"]).fetchone()
        by_year = dict(con.execute(
            WITHIN + "SELECT coalesce(fiscal_year, year(decision_date)) AS y, "
            "sum(amount_minor) FROM awards WHERE beneficiary_territory_id IN (SELECT id FROM "
            "inside) AND superseded_by IS NULL AND sector = 'cinema-audiovisual' "
            "AND currency = 'CAD' GROUP BY y", ["CA-QC"]).fetchall())
    figure = _key_figure(profile, "total_support")
    assert round(figure["value"] * 100) == total
    assert F.money(total, "CAD") in text  # 474 574 926 $CA
    for row in profile["series"]:  # support by year: SQL, API and PDF agree
        assert round(row["value"] * 100) == by_year[row["year"]]
        assert F.money(by_year[row["year"]], "CAD") in text
    assert F.number(n) not in ("", "—")
    per_inhabitant = _key_figure(profile, "support_per_inhabitant")
    assert (F.value(per_inhabitant["value"], "money_per_inhabitant", "CAD")) in text
    assert "Simulation" not in text  # no convention simulator outside the French Regions
    assert "Telefilm" in text and "Open Government Licence" in text


def test_english_html_report(client) -> None:
    answer = client.get("/territory/CA-QC/report.html", params={"lang": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<html lang="en">' in page
    for heading in ("Key figures", "Support over time", "Against its peers",
                    "Method, coverage and limits of each figure", "Sources and licences"):
        assert heading in page
    assert "Chiffres clés" not in page
    assert "<nav" not in page  # a document to print: no navigation


def test_web_route_answers_a_pdf_with_a_sensible_name(client) -> None:
    profile = client.get("/territory/FR-R52").text
    assert 'href="/territory/FR-R52/report.pdf?lang=fr"' in profile  # the profile's button
    answer = client.get("/territory/FR-R52/report.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    today = dt.date.today().isoformat()
    assert answer.headers["content-disposition"] == (
        f'inline; filename="cineatlas-FR-R52-pays-de-la-loire-{today}.pdf"')
    missing = client.get("/territory/XX-NOWHERE/report.pdf")
    assert missing.status_code == 404
    assert client.get("/territory/FR-R52/report.pdf",
                      params={"peer": "FR-D44"}).status_code == 422  # another level


def test_cli_unknown_territory_is_a_message(real_atlas, tmp_path) -> None:
    done = cineatlas(tmp_path, "report", "XX-NOWHERE", "--db", str(real_atlas.db), "-o",
                     str(tmp_path / "r.pdf"))
    assert done.returncode == 1
    assert "No territory 'XX-NOWHERE' in the store" in output(done)
    assert "Traceback" not in output(done)
    assert not (tmp_path / "r.pdf").exists()
    done = cineatlas(tmp_path, "report", "FR-R52", "--peers", "FR-D44", "--db",
                     str(real_atlas.db), "-o", str(tmp_path / "r.pdf"))
    assert done.returncode == 1
    assert "same level" in output(done) and "Traceback" not in output(done)


def test_peers_median_is_the_median_of_the_chosen_peers(real_atlas) -> None:
    """--peers: the peers' median of cinemas per 100,000 inhabitants is the median of the
    peers' own figures, recomputed here in plain SQL from the cinemas and populations."""
    from statistics import median

    from cineatlas.reports import make_report, opened

    peers = ["FR-R53", "FR-R24", "FR-R75"]
    with duckdb.connect(str(real_atlas.db), read_only=True) as con:
        values = []
        for peer in peers:
            cinemas = con.execute(WITHIN + "SELECT count(*) FROM venues WHERE territory_id IN "
                                  "(SELECT id FROM inside)", [peer]).fetchone()[0]
            population = con.execute("SELECT population FROM territories WHERE "
                                     "territory_id = ?", [peer]).fetchone()[0]
            values.append(cinemas / population * 100_000)
    with opened(real_atlas.db) as views:
        page = make_report(views, "FR-R52", format="html", peers=peers,
                           simulation=False).decode()
    row = re.search(r'<tr data-indicator="cinemas_per_100k">.*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    assert FR.decimal(median(values)) == cells[2]  # value, national median, peers' median
    assert "Médiane des pairs" in page
    assert "Simulation" not in page  # --no-simulation
    for peer in peers:
        assert f'data-territory="{peer}"' in page
    cited = page.split('id="sources"')[1]  # France's reference territories, not Canada's
    assert "Reference territories: France" in cited
    assert "Reference territories: Canada" not in cited


def test_fictitious_convention_data_is_said(real_fictitious_atlas) -> None:
    """A Region whose conventions in the store are fictitious (`--fictitious`): the simulation
    section says so, and the report carries the fictitious banner."""
    from cineatlas.reports import make_report, opened

    with duckdb.connect(str(real_fictitious_atlas.db), read_only=True) as con:
        region, name, lines = con.execute(
            "SELECT c.region_id, t.name, count(*) FROM conventions c JOIN territories t ON "
            "t.territory_id = c.region_id WHERE c.fictitious GROUP BY ALL ORDER BY 1 "
            "LIMIT 1").fetchone()
    with opened(real_fictitious_atlas.db) as views:
        page = make_report(views, region, format="html").decode()
    simulation = page.split('id="simulation"')[1].split("</section>")[0]
    assert f"pour {name} ({flat(F.number(lines))} lignes" in flat(simulation)
    assert "sont fictives" in simulation
    assert 'id="fictitious-flag"' in page
