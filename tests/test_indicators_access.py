"""Access to cinema (cinemas, screens, seats, Art et Essai per 100,000, population with an Art et
Essai cinema, itinerant circuits, cinema festivals) on a hand-made store, on DuckDB and
DataFusion.

The territories (populations in brackets):

    X (10,000)
    ├── X-RA (6,000)
    │   ├── X-DA1 (5,000): X-CITY (4,000) = arrondissements X-CITY-1 (2,500) + X-CITY-2 (1,500);
    │   │                  X-CA1b (1,000)
    │   └── X-DA2 (1,000): X-CA2a (600), X-CA2b (400)
    └── X-RB (4,000)
        └── X-DB1 (4,000): X-CB1a (3,000), X-CB1b (1,000)

X-CITY's arrondissements are communes too (as Paris's are), with a `city_of` alias; the city
and its arrondissements share department X-DA1. No cinema is in X-DB1: the cinema data do not
reach it (as the CNC's 2022 file does not reach overseas France).
"""

from __future__ import annotations

from typing import Any

import pytest
from indicator_data import both, tiny_store, values

from cineatlas.indicators import Cut

# territory_id, level, parent_id, population
TERRITORIES = [
    ("X", "country", None, 10_000),
    ("X-RA", "region", "X", 6_000),
    ("X-RB", "region", "X", 4_000),
    ("X-DA1", "department", "X-RA", 5_000),
    ("X-DA2", "department", "X-RA", 1_000),
    ("X-DB1", "department", "X-RB", 4_000),
    ("X-CITY", "commune", "X-DA1", 4_000),
    ("X-CITY-1", "commune", "X-DA1", 2_500),
    ("X-CITY-2", "commune", "X-DA1", 1_500),
    ("X-CA1b", "commune", "X-DA1", 1_000),
    ("X-CA2a", "commune", "X-DA2", 600),
    ("X-CA2b", "commune", "X-DA2", 400),
    ("X-CB1a", "commune", "X-DB1", 3_000),
    ("X-CB1b", "commune", "X-DB1", 1_000),
]
ALIASES = [{"alias_key": "X-CITY", "kind": "city_of", "territory_id": arrondissement}
           for arrondissement in ("X-CITY-1", "X-CITY-2")]


def territory_rows() -> list[dict[str, Any]]:
    parents = {tid: parent for tid, _, parent, _ in TERRITORIES}
    rows = []
    for tid, level, parent, population in TERRITORIES:
        region = tid
        while region is not None and not region.startswith("X-R"):
            region = parents[region]
        rows.append({"territory_id": tid, "level": level, "code": tid, "name": f"Terr {tid}",
                     "name_key": tid.lower(), "country_code": "XX", "parent_id": parent,
                     "region_id": region, "metropolis_id": None, "population": population,
                     "density_class": None, "overseas": False, "source_id": "test"})
    return rows


def venue(venue_id: str, territory: str | None, *, year: int = 2022, screens: int | None = 1,
          seats: int | None = 100, ae: bool | None = False, labels: list[str] | None = None,
          itinerant: bool | None = False) -> dict[str, Any]:
    return {"venue_id": venue_id, "name": venue_id, "territory_id": territory, "year": year,
            "screens": screens, "seats": seats, "art_et_essai": ae,
            "ae_labels": labels if labels is not None or ae is None else [],
            "itinerant": itinerant}


VENUES = [
    # in arrondissement 1 of X-CITY: Art et Essai, labels RD and JP
    venue("v1", "X-CITY-1", screens=10, seats=1000, ae=True, labels=["RD", "JP"]),
    # in arrondissement 2: not Art et Essai
    venue("v2", "X-CITY-2", screens=2, seats=200),
    # located at the city itself (as the CNC locates Lyon's cinemas): not Art et Essai
    venue("v3", "X-CITY", screens=3, seats=300),
    # an itinerant circuit based in X-CA1b, Art et Essai, labels JP and PR
    venue("v4", "X-CA1b", screens=1, seats=100, ae=True, labels=["JP", "PR"], itinerant=True),
    # seats, Art et Essai classification (so labels) and itinerancy unknown
    venue("v5", "X-CA2a", screens=4, seats=None, ae=None, itinerant=None),
    # an older year: not counted unless the cut asks for 2021
    venue("v6", "X-CA2a", year=2021, screens=5, seats=500, ae=True, labels=["RD"]),
    # no known commune: in no territory
    venue("v7", None, screens=1, seats=100),
]


@pytest.fixture()
def store(tmp_path):
    with tiny_store(tmp_path, territories=territory_rows(), territory_aliases=ALIASES,
                    venues=VENUES) as s:
        yield s


def row(frame, territory: str, category: str | None = None) -> dict[str, Any]:
    match = frame.filter(frame["territory_id"] == territory)
    if category is not None:
        match = match.filter(match["category"] == category)
    assert match.height == 1, (territory, category, match)
    return match.row(0, named=True)


def test_cinemas_per_100k(store) -> None:
    frame = both(store, "cinemas_per_100k", Cut(level="region"))
    # 2022 cinemas with a commune: v1–v5 in X-RA; X-DB1 has none: X-RB is not reached (no row)
    # X-RA: 5 × 100,000 / 6,000 = 83.33; one itinerant circuit (v4) among them
    assert values(frame) == {"X-RA": pytest.approx(5 * 100_000 / 6_000)}
    ra = row(frame, "X-RA")
    assert (ra["numerator"], ra["denominator"], ra["n"]) == (5, 6_000, 5)
    assert (ra["itinerant_circuits"], ra["covered_population_share"]) == (1, 1.0)
    # the country: the same 5 cinemas over the reached departments only (X-DA1 + X-DA2 = 6,000,
    # not 10,000): 83.33, and 6,000 / 10,000 = 60 % of the population reached
    country = both(store, "cinemas_per_100k", Cut(level="country")).row(0, named=True)
    assert country["value"] == pytest.approx(5 * 100_000 / 6_000)
    assert country["covered_population_share"] == pytest.approx(0.6)


def test_cinemas_by_department_and_commune(store) -> None:
    departments = both(store, "cinemas_per_100k", Cut(level="department"))
    # X-DA1: v1, v2, v3, v4 = 4 × 100,000 / 5,000 = 80; X-DA2: v5 = 1 × 100,000 / 1,000 = 100
    assert values(departments) == {"X-DA1": 80.0, "X-DA2": 100.0}
    communes = both(store, "cinemas_per_100k", Cut(level="commune"))
    # the city holds its arrondissements' cinemas: v1 + v2 + v3 = 3 × 100,000 / 4,000 = 75;
    # arrondissements get no row; X-CA2b, reached but without a cinema, is 0 (n = 0, flagged)
    assert values(communes) == {"X-CITY": 75.0, "X-CA1b": 100.0,
                                "X-CA2a": pytest.approx(100_000 / 600), "X-CA2b": 0.0}
    empty = row(communes, "X-CA2b")
    assert (empty["n"], empty["low_coverage"]) == (0, True)
    assert not row(communes, "X-CITY")["low_coverage"]


def test_one_year_at_a_time(store) -> None:
    # by year: 2021 has only v6, in X-DA2, so the data reach X-DA2 only (1,000 inhabitants)
    frame = both(store, "cinemas_per_100k", Cut(level="region", by_year=True))
    got = {(r["year"], r["territory_id"]): (r["value"], r["denominator"])
           for r in frame.iter_rows(named=True)}
    assert got == {(2021, "X-RA"): (100.0, 1_000.0),
                   (2022, "X-RA"): (pytest.approx(5 * 100_000 / 6_000), 6_000.0)}
    only_2021 = both(store, "screens_per_100k", Cut(level="region", years=(2021, 2021)))
    # 5 screens × 100,000 / 1,000 = 500; a sixth of the region's population is reached
    assert values(only_2021) == {"X-RA": 500.0}
    assert only_2021["covered_population_share"].to_list() == [pytest.approx(1 / 6)]


def test_screens_and_seats_per_100k(store) -> None:
    screens = row(both(store, "screens_per_100k", Cut(level="region")), "X-RA")
    # 10 + 2 + 3 + 1 + 4 = 20 screens × 100,000 / 6,000 = 333.33
    assert screens["value"] == pytest.approx(20 * 100_000 / 6_000)
    seats = row(both(store, "seats_per_100k", Cut(level="region")), "X-RA")
    # v5's seats are unknown: 1,000 + 200 + 300 + 100 = 1,600 × 100,000 / 6,000 = 26,666.67
    assert seats["value"] == pytest.approx(1_600 * 100_000 / 6_000)
    assert (seats["n"], seats["covered"], seats["coverage"]) == (5, 4, 0.8)


def test_art_et_essai_per_100k_by_label(store) -> None:
    frame = both(store, "art_et_essai_per_100k", Cut(level="region"))
    # classified: v1 (RD, JP) and v4 (JP, PR); v5 unknown (coverage 4 / 5); v6 is 2021
    got = {r["category"]: r["numerator"] for r in frame.iter_rows(named=True)}
    assert got == {"all": 2, "RD": 1, "JP": 2, "PR": 1}
    assert row(frame, "X-RA", "all")["value"] == pytest.approx(2 * 100_000 / 6_000)  # 33.33
    assert row(frame, "X-RA", "RD")["value"] == pytest.approx(1 * 100_000 / 6_000)   # 16.67
    assert row(frame, "X-RA", "JP")["coverage"] == 0.8
    communes = both(store, "art_et_essai_per_100k", Cut(level="commune"))
    # X-CITY: v1 only; X-CA2b: 0 for every label
    assert row(communes, "X-CITY", "JP")["value"] == pytest.approx(100_000 / 4_000)
    assert row(communes, "X-CITY", "PR")["value"] == 0.0
    assert {row(communes, "X-CA2b", c)["value"] for c in ("all", "RD", "JP", "PR")} == {0.0}


def test_unknown_labels_are_not_zero(tmp_path) -> None:
    venues = [venue("a", "X-CA1b", ae=True, labels=["JP"]),
              venue("b", "X-CA1b", ae=True),                 # classified, labels unknown
              venue("c", "X-CA2a", ae=True, labels=[])]       # classified, no label
    venues[1]["ae_labels"] = None
    with tiny_store(tmp_path, territories=territory_rows(), territory_aliases=ALIASES,
                    venues=venues) as s:
        frame = both(s, "art_et_essai_per_100k", Cut(level="department"))
    got = {(r["territory_id"], r["category"]): r["numerator"] for r in frame.iter_rows(named=True)}
    # X-DA1: 2 classified cinemas, but b's labels are unknown: each label is unknown (NULL)
    # X-DA2: 1 classified cinema without a label: each label is a true 0
    assert got == {("X-DA1", "all"): 2, ("X-DA1", "RD"): None, ("X-DA1", "JP"): None,
                   ("X-DA1", "PR"): None,
                   ("X-DA2", "all"): 1, ("X-DA2", "RD"): 0, ("X-DA2", "JP"): 0, ("X-DA2", "PR"): 0}


def test_population_with_art_et_essai_share(store) -> None:
    frame = both(store, "population_with_art_et_essai_share", Cut(level="region"))
    # communes with an Art et Essai cinema in 2022: X-CITY (through v1, in arrondissement 1)
    # and X-CA1b (v4). X-CITY counts once with its 4,000 inhabitants — the residents of
    # arrondissement 2 too, the city being one commune — never again as 2,500 + 1,500.
    # X-CA2a's only 2022 cinema (v5) has an unknown classification: not equipped.
    # X-RA: (4,000 + 1,000) / (4,000 + 1,000 + 600 + 400) = 5,000 / 6,000
    ra = row(frame, "X-RA")
    assert ra["value"] == pytest.approx(5_000 / 6_000)
    assert (ra["numerator"], ra["denominator"]) == (5_000, 6_000)
    assert ra["communes_with_art_et_essai"] == 2
    assert (ra["n"], ra["covered"]) == (5, 4)
    departments = both(store, "population_with_art_et_essai_share", Cut(level="department"))
    assert values(departments) == {"X-DA1": 1.0, "X-DA2": 0.0}   # 5,000 / 5,000; 0 / 1,000
    communes = both(store, "population_with_art_et_essai_share", Cut(level="commune"))
    assert values(communes) == {"X-CITY": 1.0, "X-CA1b": 1.0, "X-CA2a": 0.0, "X-CA2b": 0.0}
    # the country: X-DB1 has no cinema data, so its 4,000 inhabitants are left out
    country = both(store, "population_with_art_et_essai_share", Cut(level="country"))
    assert values(country) == {"X": pytest.approx(5_000 / 6_000)}
    # in 2021 only v6 (Art et Essai, X-CA2a) exists: 600 / 1,000 in X-DA2, the only reached one
    old = both(store, "population_with_art_et_essai_share", Cut(level="region", years=(2021, 2021)))
    assert values(old) == {"X-RA": pytest.approx(600 / 1_000)}
    by_year = both(store, "population_with_art_et_essai_share", Cut(level="region", by_year=True))
    assert dict(zip(by_year["year"], by_year["value"], strict=True)) == {
        2021: pytest.approx(600 / 1_000), 2022: pytest.approx(5_000 / 6_000)}


def test_itinerant_circuits(store) -> None:
    frame = both(store, "itinerant_circuits", Cut(level="department"))
    # v4 in X-DA1; v5's itinerancy is unknown (coverage 0 of 1 in X-DA2)
    assert values(frame) == {"X-DA1": 1.0, "X-DA2": 0.0}
    da1 = row(frame, "X-DA1")
    assert (da1["per_100k"], da1["screens"], da1["denominator"]) == (1 * 100_000 / 5_000, 1, None)
    da2 = row(frame, "X-DA2")
    assert (da2["n"], da2["covered"], da2["low_coverage"]) == (1, 0, True)


FESTIVALS = [
    {"festival_id": "f1", "name": "Ciné 1", "is_cinema": True, "territory_id": "X-CITY-1"},
    {"festival_id": "f2", "name": "Ciné 2", "is_cinema": True, "territory_id": "X-CA1b"},
    {"festival_id": "f3", "name": "Musique", "is_cinema": False, "territory_id": "X-CA1b"},
    {"festival_id": "f4", "name": "Ciné 4", "is_cinema": True, "territory_id": "X-CB1a"},
    {"festival_id": "f5", "name": "Théâtre", "is_cinema": False, "territory_id": "X-CB1b"},
    {"festival_id": "f6", "name": "Ciné 6", "is_cinema": True, "territory_id": None},
]


def test_cinema_festivals_per_100k(tmp_path) -> None:
    with tiny_store(tmp_path, territories=territory_rows(), territory_aliases=ALIASES,
                    festivals=FESTIVALS) as s:
        regions = both(s, "cinema_festivals_per_100k", Cut(level="region"))
        # festivals reach X-DA1 and X-DB1 (X-DA2 has none: left out of the denominator)
        # X-RA: f1 + f2 = 2 × 100,000 / 5,000 = 40; n = 3 festivals of every discipline
        # X-RB: f4 = 1 × 100,000 / 4,000 = 25; f6 has no commune
        assert values(regions) == {"X-RA": 40.0, "X-RB": 25.0}
        ra = row(regions, "X-RA")
        assert (ra["n"], ra["denominator"], ra["covered_population_share"]) == (3, 5_000, 5 / 6)
        country = both(s, "cinema_festivals_per_100k", Cut(level="country")).row(0, named=True)
        # 3 × 100,000 / 9,000
        assert country["value"] == pytest.approx(3 * 100_000 / 9_000)
        communes = both(s, "cinema_festivals_per_100k", Cut(level="commune"))
        # f1 counts for X-CITY (4,000): 25; X-CB1b (1,000) has only a theatre festival: 0
        assert values(communes) == {"X-CITY": 25.0, "X-CA1b": 100.0,
                                    "X-CB1a": pytest.approx(100_000 / 3_000), "X-CB1b": 0.0}
        # the Panorama has no year of observation: nothing by year
        assert both(s, "cinema_festivals_per_100k", Cut(level="region", by_year=True)).is_empty()


def test_no_venue_data_gives_no_row(tmp_path) -> None:
    """Without any cinema data, no territory is reached: no row, never a 0."""
    with tiny_store(tmp_path, territories=territory_rows(), territory_aliases=ALIASES) as s:
        for indicator_id in ("cinemas_per_100k", "art_et_essai_per_100k",
                             "population_with_art_et_essai_share", "itinerant_circuits",
                             "cinema_festivals_per_100k"):
            assert both(s, indicator_id, Cut(level="region")).is_empty(), indicator_id
