"""Indicators on the real Telefilm file (2009-2018), each matched against an independent
computation written here with the csv module: support per province, Montréal's share of
Québec's money, concentration of beneficiaries (HHI) and the upstream share. Each contract
counts once, at its final value: the rows an amendment superseded (found independently by
tests/telefilm_contracts.py) are left out, unless the cut includes them.

The test maps places itself: provinces by their published spellings, Québec cities to their
municipality by hand (below, with the reason for each non-obvious one), and Montréal CMA
membership read from the `in_montreal_cma` column of the shipped quebec_municipalities.csv.
"""

from __future__ import annotations

import csv
import shutil
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from telefilm_contracts import contracts, read

from cineatlas import Store, import_file
from cineatlas.indicators import Cut, Engine, compute

TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"
DATA = Path(__file__).parents[1] / "src/cineatlas/territories/data"

#: Province of each published spelling (the file's only other values are '0' and '').
PROVINCE_OF = {
    "Quebec": "CA-QC", "Ontario": "CA-ON", "British Columbia": "CA-BC", "Nova Scotia": "CA-NS",
    "Manitoba": "CA-MB", "Alberta": "CA-AB", "Newfoundland/Labrador": "CA-NL",
    "Newfoundland/Labrad.": "CA-NL", "New Brunswick": "CA-NB", "Saskatchewan": "CA-SK",
    "Prince Edward Island": "CA-PE", "Yukon": "CA-YT", "North West Territories": "CA-NT",
    "North W. Territories": "CA-NT", "Nunavut": "CA-NU",
    "California": "US-CA", "New York": "US-NY",
}

#: Municipality (official name, as in quebec_municipalities.csv) of each Québec city spelling.
QC_MUNICIPALITY = {
    "Alma": "Alma", "Baie-Comeau": "Baie-Comeau", "Baie-Saint-Paul": "Baie-Saint-Paul",
    "Beaconsfield": "Beaconsfield", "Beloeil": "Beloeil", "Blainville": "Blainville",
    "Boisbriand": "Boisbriand", "Boucherville": "Boucherville", "Brossard": "Brossard",
    "Carleton-sur-mer": "Carleton-sur-Mer",
    "Chicoutimi": "Saguenay",                 # merged into Saguenay in 2002
    "Dewittville": "Godmanchester",           # a village of Godmanchester
    "Gatineau": "Gatineau", "Hampstead": "Hampstead", "Ile Perrot": "L'Île-Perrot",
    "Laval": "Laval", "Les Bergeronnes": "Les Bergeronnes", "Longueuil": "Longueuil",
    "Maliotenam": "Maliotenam", "Maniwaki": "Maniwaki",
    "Mansonville": "Potton",                  # a village of Potton
    "Matane": "Matane", "McMasterville": "McMasterville",
    "Montreal": "Montréal",
    "Outremont": "Montréal",                  # Outremont, Verdun, Saint-Laurent: boroughs of
    "Verdun": "Montréal",                     # Montréal since the 2002 merger
    "Saint-Laurent": "Montréal",
    "Morin-Heights": "Morin-Heights", "Notre-Dame-Prairies": "Notre-Dame-des-Prairies",
    "Orford": "Orford", "Perce": "Percé", "Pointe-Claire": "Pointe-Claire", "Quebec": "Québec",
    "Repentigny": "Repentigny", "Rimouski": "Rimouski", "Rivière-Rouge": "Rivière-Rouge",
    "Rosemere": "Rosemère", "Rouyn-Noranda": "Rouyn-Noranda",
    "Saint-Augustin-de-Desmaures": "Saint-Augustin-de-Desmaures",
    "St-Augustin-Desmaure": "Saint-Augustin-de-Desmaures",
    "Saint-Basile-le-Grand": "Saint-Basile-le-Grand", "Saint-Constant": "Saint-Constant",
    "Saint-Félicien": "Saint-Félicien",
    "Saint-Hilaire": "Mont-Saint-Hilaire",    # its name until 1966, still in use
    "Saint-Hubert": "Longueuil",              # a borough of Longueuil since 2002
    "Saint-Lambert": "Saint-Lambert", "St-Lambert": "Saint-Lambert",
    "Saint-Ours": "Saint-Ours", "Saint-Paulin": "Saint-Paulin",
    "Saint-Pierre": "Saint-Pierre-de-l'Île-d'Orléans",  # as 'St-Pierre île Orléan' in the file
    "St-Pierre île Orléan": "Saint-Pierre-de-l'Île-d'Orléans",
    "Saint-Sauveur": "Saint-Sauveur",
    "Sainte-Marguerite-du-Lac-Masson": "Sainte-Marguerite-du-Lac-Masson",
    "Sherbrooke": "Sherbrooke", "St-Bruno": "Saint-Bruno-de-Montarville",
    "St-Calixte": "Saint-Calixte", "St-Irénée": "Saint-Irénée",
    "Ste-Famille de l'île": "Sainte-Famille-de-l'Île-d'Orléans",
    "Town Of Mount Royal": "Mont-Royal", "Trois-Rivieres": "Trois-Rivières", "Val D'Or": "Val-d'Or",
    "Westmount": "Westmount",
}

#: Montréal CMA (RMR 462), Statistics Canada, 2021 census: population 4,291,732.
MONTREAL_CMA_POPULATION = 4_291_732


def cents(cell: str) -> int | None:
    """The amount in cents; None (unknown) for an empty cell or a published 0."""
    value = int(Decimal(cell.replace(",", "")) * 100) if cell.strip() else 0
    return value or None


def recipient_key(name: str) -> str:
    """Case, accents and spacing folded: the same recipient published as 'Amérique Film Inc.'
    and 'AMERIQUE  FILM INC.' is one beneficiary."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


@pytest.fixture(scope="module")
def every_award(shared_data) -> list[dict]:
    """The file's rows with province, amount (cents or None), recipient key and whether a
    later amendment supersedes the row."""
    with open(shared_data(TELEFILM), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6658
    _, superseded = contracts(read(shared_data(TELEFILM)))
    return [{"province": PROVINCE_OF.get(r["Province"]), "city": r["City"].strip(),
             "amount": cents(r["Final Value"]), "recipient": recipient_key(r["Recipient Name"]),
             "upstream": r["Purpose"].startswith("Development Program"),
             "superseded": row in superseded} for row, r in enumerate(rows, start=2)]


@pytest.fixture(scope="module")
def awards(every_award) -> list[dict]:
    """The rows that count: each contract once, at its final value."""
    return [a for a in every_award if not a["superseded"]]


@pytest.fixture(scope="module")
def telefilm_store(shared_data, territories_store, tmp_path_factory):
    """The real file imported once into a copy of the reference store."""
    path = tmp_path_factory.mktemp("telefilm-indicators") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("telefilm", shared_data(TELEFILM), store=store)
    assert report.rows_loaded == 6658
    yield store
    store.close()


@pytest.fixture(scope="module")
def engines(telefilm_store):
    """The store's DuckDB and DataFusion engines."""
    return Engine.duckdb(telefilm_store), Engine.datafusion(telefilm_store)


def run(engines, indicator_id: str, cut: Cut):
    """The indicator on DuckDB, after checking DataFusion gives the same frame."""
    on_duckdb, on_datafusion = (compute(engine, indicator_id, cut) for engine in engines)
    assert_frame_equal(on_duckdb, on_datafusion, check_exact=False, rel_tol=1e-9)
    return on_duckdb


def by_territory(frame, column: str = "value") -> dict:
    return dict(zip(frame["territory_id"], frame[column], strict=True))


def province_populations() -> dict[str, int]:
    with open(DATA / "canada_provinces.csv", encoding="utf-8", newline="") as handle:
        return {f"CA-{r['code']}": int(r["population"]) for r in csv.DictReader(handle)}


def test_support_per_province(engines, awards) -> None:
    totals: dict[str, int] = defaultdict(int)
    rows: dict[str, int] = defaultdict(int)
    for a in awards:
        if a["province"] and a["province"].startswith("CA-"):
            rows[a["province"]] += 1
            totals[a["province"]] += a["amount"] or 0
    total = run(engines, "total_support", Cut(level="province"))
    assert set(total["currency"]) == {"CAD"}
    assert by_territory(total) == {p: cents / 100 for p, cents in totals.items()}
    assert by_territory(total, "n") == dict(rows)

    per_inhabitant = run(engines, "support_per_inhabitant", Cut(level="province"))
    population = province_populations()
    expected = {p: cents / 100 / population[p] for p, cents in totals.items()}
    assert by_territory(per_inhabitant) == pytest.approx(expected, rel=1e-12)
    assert by_territory(per_inhabitant, "denominator")["CA-QC"] == population["CA-QC"] == 8_501_833


def test_every_signed_value_on_request(engines, every_award) -> None:
    """With `include_superseded` the amendments' earlier rows count too (the figure the atlas
    gave before amendments were read)."""
    totals: dict[str, int] = defaultdict(int)
    superseded: dict[str, int] = defaultdict(int)
    for a in every_award:
        if a["province"] and a["province"].startswith("CA-"):
            totals[a["province"]] += a["amount"] or 0
            superseded[a["province"]] += (a["amount"] or 0) if a["superseded"] else 0
    total = run(engines, "total_support", Cut(level="province", include_superseded=True))
    assert by_territory(total) == {p: cents / 100 for p, cents in totals.items()}
    once = by_territory(run(engines, "total_support", Cut(level="province")))
    assert {p: round(v * 100 - once[p] * 100) for p, v in by_territory(total).items()} == superseded
    assert superseded["CA-QC"] == 16_679_827_700  # CAD 166.8 M of Québec's 641.4 M


def test_montreal_share_of_quebec(engines, awards) -> None:
    with open(DATA / "quebec_municipalities.csv", encoding="utf-8", newline="") as handle:
        in_cma = {r["name"]: r["in_montreal_cma"] == "true" for r in csv.DictReader(handle)}
    quebec = [a for a in awards if a["province"] == "CA-QC"]
    # every Québec city of the file has its municipality in the table above
    assert {a["city"] for a in quebec} <= set(QC_MUNICIPALITY)
    known = [a for a in quebec if a["amount"] is not None]
    montreal = sum(a["amount"] for a in known if in_cma[QC_MUNICIPALITY[a["city"]]])
    whole = sum(a["amount"] for a in known)
    share = montreal / whole
    population_share = MONTREAL_CMA_POPULATION / province_populations()["CA-QC"]

    frame = run(engines, "metropolis_share", Cut(level="province"))
    # Québec is the only province with a metropolis
    row = frame.row(0, named=True)
    assert (frame.height, row["territory_id"], row["category"]) == (1, "CA-QC", "CA-QC-CMA462")
    assert (row["numerator"], row["denominator"]) == (montreal / 100, whole / 100)
    assert row["value"] == pytest.approx(share, rel=1e-12)
    assert row["population_share"] == pytest.approx(population_share, rel=1e-12)
    assert row["ratio"] == pytest.approx(share / population_share, rel=1e-12)
    # every Québec award is placed in a municipality: all are covered but those of unknown amount
    assert (row["n"], row["covered"]) == (len(quebec), len(known))
    # 96.0 % of Québec's money (each contract once) for 50.5 % of its people
    assert round(share, 3) == 0.960 and round(population_share, 3) == 0.505


def test_hhi_by_province(engines, awards, telefilm_store) -> None:
    # a beneficiary is its resolved company: the one thing read from the store is the entity
    # of each recipient name (folded as `recipient_key`)
    entity: dict[str, str] = {}
    for name, entity_id in telefilm_store.con.execute(
            "SELECT o.name, e.entity_id FROM organisations o JOIN entity_members e "
            "ON e.kind = 'organisation' AND e.member_id = o.organisation_id").fetchall():
        assert entity.setdefault(recipient_key(name), entity_id) == entity_id, name
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_name: dict[str, set[str]] = defaultdict(set)
    for a in awards:
        if a["amount"] is not None and a["province"] and a["province"].startswith("CA-"):
            per[a["province"]][entity[a["recipient"]]] += a["amount"]
            by_name[a["province"]].add(a["recipient"])
    # Québec's companies published under several names (Films Christal with and without its
    # general partner, numbered companies with their trade names…) count once
    assert len(per["CA-QC"]) < len(by_name["CA-QC"])
    # HHI = 10,000 × Σ amount² / (Σ amount)², over each province's recipients
    expected = {p: 10_000 * sum(v * v for v in b.values()) / sum(b.values()) ** 2
                for p, b in per.items()}
    frame = run(engines, "beneficiary_hhi", Cut(level="province"))
    assert by_territory(frame) == pytest.approx(expected, rel=1e-9)
    assert by_territory(frame, "beneficiaries") == {p: len(b) for p, b in per.items()}


def test_upstream_share(engines, awards) -> None:
    upstream: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for a in awards:
        if a["amount"] is not None and a["province"] and a["province"].startswith("CA-"):
            total[a["province"]] += a["amount"]
            upstream[a["province"]] += a["amount"] if a["upstream"] else 0
    frame = run(engines, "upstream_share", Cut(level="province"))
    expected = {p: upstream[p] / total[p] for p in total}
    assert by_territory(frame) == pytest.approx(expected, rel=1e-12)
    # the whole country
    country = run(engines, "upstream_share", Cut(level="country", territories=("CA",)))
    canada = sum(upstream.values()) / sum(total.values())
    assert country.row(0, named=True)["value"] == pytest.approx(canada, rel=1e-12)
