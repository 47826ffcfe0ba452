"""Indicators on the CNC's agreed films: on the real workbook, every figure recomputed
independently (openpyxl reads the sheets, the header found by its labels; Decimal, Fraction
and statistics compute), and on small hand-made stores for the edge cases (unknown budgets, a
year without the parity column, ties in the top 10, other levels, filters)."""

from __future__ import annotations

import json
import re
import shutil
import statistics
import unicodedata
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from fastapi.testclient import TestClient
from indicator_data import both, territory_rows, tiny_store
from polars.testing import assert_frame_equal

from cineatlas import Store, import_file
from cineatlas.cli import app
from cineatlas.importers import register
from cineatlas.importers.cnc_films_agrees import CncFilmsAgreesImporter
from cineatlas.indicators import Cut, Engine, catalogue, compute, compute_all
from cineatlas.web import create_app

WORKBOOK = "cnc/films-agrees-2003-2019.xlsx"
register(CncFilmsAgreesImporter)  # the installed metadata may predate the entry point
FILMS = [item.id for item in catalogue() if item.subject == "films"]

#: Films and films with regional aid per year, from the shared data's README (the CNC
#: published 203 / 59 for 2006 and 228 / 65 for 2007).
REFERENCE = {2003: (212, 40), 2004: (203, 49), 2005: (240, 55), 2006: (203, 59),
             2007: (228, 65), 2008: (240, 95), 2009: (230, 90), 2010: (261, 99),
             2011: (272, 94), 2012: (279, 84), 2013: (270, 96), 2014: (258, 74),
             2015: (300, 112), 2016: (283, 101), 2017: (300, 96), 2018: (300, 117),
             2019: (301, 109)}


# -- an independent reading of the workbook ---------------------------------------------------

def read_workbook(path: Path) -> dict[int, list[dict[str, Any]]]:
    """{year: rows as {LABEL: value}}: in each sheet named by a year, the header is the first
    row naming VISA, DEVIS and PRODUCTEURS (labels stripped, upper case); a film is a later row
    with a VISA."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    films: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sheet in book.worksheets:
        if not sheet.title.strip().isdigit():
            continue
        header = None
        for row in sheet.iter_rows(values_only=True):
            labels = [str(c).strip().upper() if c is not None else "" for c in row]
            if header is None:
                header = labels if {"VISA", "DEVIS", "PRODUCTEURS"} <= set(labels) else None
                continue
            record = dict(zip(header, row, strict=False))
            if str(record.get("VISA") or "").strip():
                films[int(sheet.title)].append(record)
    book.close()
    return dict(films)


def text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def cents(value: Any) -> int | None:
    if not text(value):
        return None
    return int((Decimal(text(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def marked(value: Any) -> bool:
    return text(value).upper() in ("X", "OUI")


def genre(value: Any) -> str:
    return {"docu": "documentary", "documentaire": "documentary", "anim": "animation",
            "animation": "animation", "fiction": "fiction"}[text(value).lower()]


def rank(value: Any) -> int:
    """The lowest rank written in the cell ('2 / 1' is a first film)."""
    return min(int(d) for d in re.findall(r"\d+", text(value)))


def countries(value: Any) -> int:
    return len([part for part in text(value).split("/") if part.strip()])


def producer_key(name: str) -> str:
    """A plain key for a producer within one year: mark removed, accents and case dropped,
    PRODUCTIONS and FILMS read as PRODUCTION and FILM (2010 credits '13 PRODUCTION' and '13
    PRODUCTIONS'), anything but letters and digits dropped."""
    name = re.sub(r"\(TIERS FERME\)", "", name)
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    folded = re.sub(r"\b(PRODUCTION|FILM)S\b", r"\1", folded)
    return re.sub(r"[^A-Z0-9]", "", folded)


@pytest.fixture(scope="module")
def sheets(shared_data) -> dict[int, list[dict[str, Any]]]:
    return read_workbook(shared_data(WORKBOOK))


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("films") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as store:
        import_file("cnc-films-agrees", shared_data(WORKBOOK), store=store)
    return db


@pytest.fixture(scope="module")
def engines(real):
    with Store(real, read_only=True) as store:
        yield Engine.duckdb(store), Engine.datafusion(store)


def by_year(engines, indicator: str, **cut: Any) -> pl.DataFrame:
    """The indicator for France by year, after checking DuckDB and DataFusion agree."""
    duck, fusion = engines
    cut = Cut(level="country", by_year=True, **cut)
    on_duckdb = compute(duck, indicator, cut)
    assert_frame_equal(on_duckdb, compute(fusion, indicator, cut), check_exact=False,
                       rel_tol=1e-9)
    return on_duckdb


def rows_of(frame: pl.DataFrame, category: str | None = None) -> dict[int, dict[str, Any]]:
    if category is not None:
        frame = frame.filter(pl.col("category") == category)
    return {row["year"]: row for row in frame.to_dicts()}


# -- the real workbook ---------------------------------------------------------------------------

def test_regional_aid_share_every_year_equals_an_independent_count(engines, sheets) -> None:
    independent = {year: (len(rows), sum(marked(r["AIDE REGIONALE"]) for r in rows))
                   for year, rows in sheets.items()}
    assert independent == REFERENCE
    found = rows_of(by_year(engines, "films_regional_aid_share"))
    assert set(found) == set(REFERENCE)
    for year, (films, regional) in REFERENCE.items():
        row = found[year]
        assert (row["territory_id"], row["numerator"], row["denominator"]) == (
            "FR", regional, films), year
        assert row["value"] == pytest.approx(regional / films)
        assert (row["n"], row["covered"], row["low_coverage"]) == (films, films, False)
    counted = rows_of(by_year(engines, "films_agreed"))
    assert {year: row["value"] for year, row in counted.items()} == {
        year: films for year, (films, _) in REFERENCE.items()}


@pytest.mark.parametrize("year", [2004, 2012, 2016, 2019])
def test_budget_indicators_equal_an_independent_computation(engines, sheets, year) -> None:
    budgets = [cents(r["DEVIS"]) for r in sheets[year]]
    assert None not in budgets  # every budget of these years is published
    median = statistics.median(Decimal(b) for b in budgets)
    row = rows_of(by_year(engines, "films_median_budget", years=(year, year)))[year]
    assert row["value"] == pytest.approx(float(median / 100), abs=0.005)
    assert row["total_budget"] == pytest.approx(float(Decimal(sum(budgets)) / 100))
    assert row["mean_budget"] == pytest.approx(float(Decimal(sum(budgets)) / len(budgets) / 100))
    assert (row["currency"], row["n"], row["covered"]) == ("EUR", len(budgets), len(budgets))

    large = [b for b in budgets if b >= 7_000_000_00]
    row = rows_of(by_year(engines, "films_large_budget_share", years=(year, year)))[year]
    assert row["value"] == pytest.approx(sum(large) / sum(budgets))
    assert (row["large_films"], row["large_films_share"]) == (
        len(large), pytest.approx(len(large) / len(budgets)))

    bounds = {"under-1m": (0, 1_000_000_00), "1m-4m": (1_000_000_00, 4_000_000_00),
              "4m-7m": (4_000_000_00, 7_000_000_00), "7m-15m": (7_000_000_00, 15_000_000_00),
              "15m-plus": (15_000_000_00, 10**15)}
    frame = by_year(engines, "films_budget_classes", years=(year, year))
    assert sorted(frame["category"]) == sorted(bounds)
    for code, (low, high) in bounds.items():
        members = [b for b in budgets if low <= b < high]
        row = rows_of(frame, code)[year]
        assert (row["numerator"], row["denominator"]) == (len(members), len(budgets)), code
        assert row["budget"] == pytest.approx(sum(members) / 100)
        assert row["budget_share"] == pytest.approx(sum(members) / sum(budgets))
    assert sum(frame["numerator"]) == len(budgets)


@pytest.mark.parametrize("year", [2003, 2011, 2017, 2019])
def test_rank_genre_advance_coproduction_equal_an_independent_count(engines, sheets,
                                                                    year) -> None:
    rows = sheets[year]
    films = len(rows)
    ranks = Counter(rank(r["RANG"]) for r in rows)
    frame = by_year(engines, "films_first_second_share", years=(year, year))
    assert rows_of(frame, "first")[year]["numerator"] == ranks[1]
    assert rows_of(frame, "second")[year]["numerator"] == ranks[2]
    assert rows_of(frame, "first_or_second")[year]["value"] == pytest.approx(
        (ranks[1] + ranks[2]) / films)

    genres = Counter(genre(r["GENRE"]) for r in rows)
    frame = by_year(engines, "films_genre_shares", years=(year, year))
    for name in ("documentary", "animation", "fiction"):
        row = rows_of(frame, name)[year]
        assert (row["numerator"], row["denominator"]) == (genres[name], films), name
    assert rows_of(frame, "other")[year]["value"] == 0.0

    timing = Counter(text(r["ASR"]).lower().replace("apres", "après") for r in rows)
    frame = by_year(engines, "films_advance_on_receipts_share", years=(year, year))
    assert rows_of(frame, "before")[year]["numerator"] == timing["avant"]
    assert rows_of(frame, "after")[year]["numerator"] == timing["après"]
    assert rows_of(frame, "all")[year]["numerator"] == timing["avant"] + timing["après"]
    assert rows_of(frame, "all")[year]["denominator"] == films

    coproductions = sum(countries(r["NATIONALITE"]) > 1 for r in rows)
    row = rows_of(by_year(engines, "films_coproduction_share", years=(year, year)))[year]
    assert (row["numerator"], row["denominator"]) == (coproductions, films)


def test_parity_bonus_is_published_from_2019_only(engines, sheets) -> None:
    found = rows_of(by_year(engines, "films_parity_bonus_share"))
    bonus = sum(marked(r["BONUS PARITE"]) for r in sheets[2019])
    assert bonus == 31
    assert (found[2019]["numerator"], found[2019]["denominator"]) == (31, len(sheets[2019]))
    for year in range(2003, 2019):
        assert "BONUS PARITE" not in sheets[year][0]
        row = found[year]
        # not published: no value, never 0, and the coverage says why
        assert (row["value"], row["numerator"], row["denominator"]) == (None, None, None), year
        assert (row["covered"], row["n"], row["low_coverage"]) == (0, len(sheets[year]), True)


def independent_producers(rows: list[dict[str, Any]]) -> tuple[dict[str, Fraction],
                                                               dict[str, Fraction]]:
    """Each producer's films and budget (euro cents), a film with k producers counting 1/k."""
    films: dict[str, Fraction] = defaultdict(Fraction)
    budget: dict[str, Fraction] = defaultdict(Fraction)
    for r in rows:
        names = {producer_key(p) for p in text(r["PRODUCTEURS"]).split("/")}
        names.discard("")
        for name in names:
            films[name] += Fraction(1, len(names))
            budget[name] += Fraction(cents(r["DEVIS"]), len(names))
    return films, budget


def hhi(weights: dict[str, Fraction]) -> Fraction:
    total = sum(weights.values())
    return sum((100 * w / total) ** 2 for w in weights.values())


def top10(weights: dict[str, Fraction]) -> Fraction:
    return sum(sorted(weights.values(), reverse=True)[:10]) / sum(weights.values())


@pytest.mark.parametrize("year", [2005, 2010, 2014])
def test_producer_concentration_equals_an_independent_computation(engines, sheets,
                                                                  year) -> None:
    films, budget = independent_producers(sheets[year])
    concentration = by_year(engines, "films_producer_hhi", years=(year, year))
    top = by_year(engines, "films_producer_top10_share", years=(year, year))
    for category, weights in (("films", films), ("budget", budget)):
        row = rows_of(concentration, category)[year]
        assert row["value"] == pytest.approx(float(hhi(weights)), rel=1e-9), category
        assert row["producers"] == len(weights)
        row = rows_of(top, category)[year]
        assert row["value"] == pytest.approx(float(top10(weights)), rel=1e-9), category
    assert rows_of(top, "films")[year]["denominator"] == len(sheets[year])
    credits = sum(len({producer_key(p) for p in text(r["PRODUCTEURS"]).split("/")} - {""})
                  for r in sheets[year])
    assert rows_of(top, "films")[year]["credits_per_film"] == pytest.approx(
        credits / len(sheets[year]))


def test_every_films_indicator_is_national_only(engines) -> None:
    duck, fusion = engines
    for level in ("region", "department", "commune", "province"):
        for indicator in FILMS:
            assert compute(duck, indicator, Cut(level=level, by_year=True)).height == 0, (
                indicator, level)
    canada = compute(duck, "films_regional_aid_share", Cut(level="country", territories=("CA",)))
    assert canada.height == 0
    whole = compute(fusion, "films_regional_aid_share", Cut(level="country", years=(2006, 2007)))
    # 2006 and 2007 together: (59 + 65) / (203 + 228)
    assert whole.select("territory_id", "numerator", "denominator", "period").row(0) == (
        "FR", 124.0, 431.0, "2006-2007")


def test_filters_by_genre_budget_class_and_rank(engines, sheets) -> None:
    rows = sheets[2012]
    kept = [r for r in rows if genre(r["GENRE"]) == "documentary" and rank(r["RANG"]) == 1
            and cents(r["DEVIS"]) < 1_000_000_00]
    assert len(kept) > 5
    row = rows_of(by_year(engines, "films_regional_aid_share", years=(2012, 2012),
                          genres=("documentary",), film_ranks=(1,),
                          budget_classes=("under-1m",)))[2012]
    assert (row["numerator"], row["denominator"]) == (
        sum(marked(r["AIDE REGIONALE"]) for r in kept), len(kept))


def test_cli_computes_the_regional_aid_share_by_year(real, capsys) -> None:
    with pytest.raises(SystemExit) as ended:
        app(["indicators", "compute", "films_regional_aid_share", "--db", str(real),
             "--level", "country", "--by-year", "--format", "json"], prog_name="cineatlas")
    out = capsys.readouterr()
    assert ended.value.code == 0, out.err
    data = json.loads(out.out)
    assert {r["year"]: (r["numerator"], r["denominator"]) for r in data} == {
        year: (regional, films) for year, (films, regional) in REFERENCE.items()}


# -- small hand-made stores ----------------------------------------------------------------------

PUBLISHED = ["advance_on_receipts", "pay_tv", "free_tv", "sofica", "tax_credit", "regional_aid"]
M = 1_000_000_00  # a million euros, in cents


def film(n: int, year: int = 2019, budget: int | None = 2 * M, **fields: Any) -> dict[str, Any]:
    """A film_approvals row; the parity bonus is published from 2019, as in the CNC's list."""
    return {"approval_id": f"t/{n}", "work_id": f"t/w{n}", "visa": str(n), "year": year,
            "title": f"Film {n}", "budget_minor": budget, "currency": "EUR", "genre": "fiction",
            "rank": 3, "coproduction": False,
            "published_facts": PUBLISHED + (["parity_bonus"] if year >= 2019 else []), **fields}


def fact(n: int, kind: str, year: int = 2019, **fields: Any) -> dict[str, Any]:
    return {"approval_id": f"t/{n}", "work_id": f"t/w{n}", "year": year, "kind": kind,
            "position": 1, "currency": "EUR", **fields}


def producer(n: int, organisation: str, position: int = 1) -> dict[str, Any]:
    return {"approval_id": f"t/{n}", "work_id": f"t/w{n}", "role": "producer",
            "position": position, "organisation_id": organisation, "credit_as": organisation}


def france() -> list[dict[str, Any]]:
    """The tiny tree plus France and one of its regions."""
    return [*territory_rows(),
            {"territory_id": "FR", "level": "country", "code": "FR", "name": "France",
             "name_key": "france", "country_code": "FR", "population": 1000, "source_id": "test"},
            {"territory_id": "FR-R84", "level": "region", "code": "84", "name": "Région",
             "name_key": "region", "country_code": "FR", "parent_id": "FR", "region_id": "FR-R84",
             "population": 100, "source_id": "test"}]


def films_store(path: Path, films: list[dict], facts: list[dict] = (),
                credits: list[dict] = ()) -> Store:
    tables = {"film_approvals": films}
    if facts:
        tables["work_financing"] = list(facts)
    if credits:
        tables["work_credits"] = list(credits)
    return tiny_store(path, territories=france(), **tables)


def one(frame: pl.DataFrame, year: int | None = None, category: str | None = None) -> dict:
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    if category is not None:
        frame = frame.filter(pl.col("category") == category)
    assert frame.height == 1, frame
    return frame.row(0, named=True)


NATIONAL = Cut(level="country", by_year=True)


def test_unknown_budgets_are_not_zero(tmp_path) -> None:
    films = [film(1, 2018, 1 * M), film(2, 2018, None), film(3, 2018, 3 * M),
             film(4, 2018, 8 * M), film(5, 2018, None),
             film(6, 2019, None), film(7, 2019, None),
             film(8, 2017, 1 * M), film(9, 2017, 2 * M), film(10, 2017, 3 * M),
             film(11, 2017, 10 * M)]
    with films_store(tmp_path, films) as store:
        median = both(store, "films_median_budget", NATIONAL)
        # 2018: known 1, 3 and 8 M€ → 3 M€; the two unknown budgets lower the coverage only
        row = one(median, 2018)
        assert (row["value"], row["n"], row["covered"]) == (3_000_000.0, 5, 3)
        assert row["total_budget"] == 12_000_000.0 and row["mean_budget"] == 4_000_000.0
        assert row["low_coverage"]  # 3 / 5 = 0.6 < 0.7
        # an even number of budgets: the mean of the two middle ones, (2 + 3) / 2
        assert one(median, 2017)["value"] == 2_500_000.0
        # 2019: every budget unknown → a row saying so, no value (never 0)
        row = one(median, 2019)
        assert (row["value"], row["total_budget"], row["covered"], row["n"]) == (None, None, 0, 2)
        large = both(store, "films_large_budget_share", NATIONAL)
        # 2018: 8 M€ of 12 M€ in films of 7 M€ or more; 2017: 10 of 16
        assert one(large, 2018)["value"] == pytest.approx(8 / 12)
        assert one(large, 2017)["value"] == pytest.approx(10 / 16)
        assert one(large, 2019)["value"] is None and one(large, 2019)["numerator"] is None
        classes = both(store, "films_budget_classes", NATIONAL)
        # 1 000 000 € exactly is in 1m-4m (lower bounds included)
        row = one(classes, 2018, "1m-4m")
        assert (row["numerator"], row["denominator"], row["value"]) == (2, 3, pytest.approx(2 / 3))
        assert row["budget_share"] == pytest.approx(4 / 12)
        assert one(classes, 2018, "under-1m")["value"] == 0.0
        assert one(classes, 2018, "7m-15m")["budget"] == 8_000_000.0
        assert one(classes, 2019, "1m-4m")["value"] is None


def test_a_year_without_the_parity_column_has_no_value(tmp_path) -> None:
    films = [film(1, 2018), film(2, 2018), film(3, 2019), film(4, 2019), film(5, 2019)]
    facts = [fact(3, "parity_bonus")]
    with films_store(tmp_path, films, facts) as store:
        frame = both(store, "films_parity_bonus_share", NATIONAL)
        assert one(frame, 2019)["value"] == pytest.approx(1 / 3)
        row = one(frame, 2018)
        assert (row["value"], row["numerator"], row["denominator"]) == (None, None, None)
        assert (row["n"], row["covered"], row["coverage"], row["low_coverage"]) == (
            2, 0, 0.0, True)
        # over both years: 1 of the 3 films of 2019, flagged (3 of 5 films covered)
        whole = one(both(store, "films_parity_bonus_share", Cut(level="country")))
        assert (whole["value"], whole["covered"], whole["n"], whole["low_coverage"]) == (
            pytest.approx(1 / 3), 3, 5, True)


def test_facts_rank_genre_and_coproduction_by_hand(tmp_path) -> None:
    films = [film(1, rank=1, genre="documentary", coproduction=True, french_share=40.0),
             film(2, rank=2, genre="animation", coproduction=True, french_share=80.0),
             film(3, rank=3, genre="fiction"),
             film(4, rank=None, genre=None, coproduction=None),
             film(5, rank=1, genre="experimental",
                  published_facts=["pay_tv", "free_tv", "parity_bonus"])]  # no ASR, no regional
    facts = [fact(1, "regional_aid"), fact(5, "regional_aid"),  # 5's list does not publish it
             fact(1, "advance_on_receipts", timing="before"),
             fact(2, "advance_on_receipts", timing="after")]
    with films_store(tmp_path, films, facts) as store:
        regional = one(both(store, "films_regional_aid_share", NATIONAL))
        assert (regional["numerator"], regional["denominator"], regional["covered"]) == (1, 4, 4)
        asr = both(store, "films_advance_on_receipts_share", NATIONAL)
        assert {c: (one(asr, category=c)["numerator"], one(asr, category=c)["denominator"])
                for c in ("before", "after", "all")} == {
            "before": (1, 4), "after": (1, 4), "all": (2, 4)}
        ranks = both(store, "films_first_second_share", NATIONAL)
        # known ranks: 1, 2, 3, 1 → first 2/4, second 1/4, either 3/4; rank unknown: coverage
        assert one(ranks, category="first")["value"] == 0.5
        assert one(ranks, category="first_or_second")["value"] == 0.75
        assert (one(ranks, category="second")["n"], one(ranks, category="second")["covered"]) \
            == (5, 4)
        genres = both(store, "films_genre_shares", NATIONAL)
        assert {c: one(genres, category=c)["numerator"] for c in
                ("documentary", "animation", "fiction", "other")} == {
            "documentary": 1, "animation": 1, "fiction": 1, "other": 1}
        assert set(genres["denominator"]) == {4.0}
        copro = one(both(store, "films_coproduction_share", NATIONAL))
        # films 1 and 2 of the 4 whose nationality is known; France a minority in film 1
        assert (copro["numerator"], copro["denominator"], copro["french_minority"]) == (2, 4, 1)
        first_docs = one(both(store, "films_genre_shares", Cut(
            level="country", film_ranks=(1,))), category="documentary")
        assert (first_docs["numerator"], first_docs["denominator"]) == (1, 2)


def test_producer_concentration_with_ties_in_the_top10(tmp_path) -> None:
    # p01..p09 produce two films each alone; p10..p13 one film each: four producers tie for
    # the 10th place. Film 30 is shared by p01 and p02 (1/2 film each), budget unknown.
    films, credits = [], []
    n = 0
    for p in range(1, 14):
        for _ in range(2 if p <= 9 else 1):
            n += 1
            films.append(film(n, budget=(p * M if p <= 9 else M)))
            credits.append(producer(n, f"org/p{p:02d}"))
    films.append(film(30, budget=None))
    credits += [producer(30, "org/p01"), producer(30, "org/p02", 2)]
    with films_store(tmp_path, films, credits=credits) as store:
        top = both(store, "films_producer_top10_share", NATIONAL)
        # weights in films: p01, p02 2.5; p03..p09 2; p10..p13 1; 23 films
        # top 10: 2.5 + 2.5 + 7 × 2 + 1 = 20, whichever of the tied four is taken
        row = one(top, category="films")
        assert (row["value"], row["numerator"], row["denominator"]) == (
            pytest.approx(20 / 23), pytest.approx(20.0), 23.0)
        assert (row["producers"], row["films"]) == (13, 23)
        assert row["credits_per_film"] == pytest.approx(24 / 23)
        # budget: p × 2 M€ for p01..p09 (90 M€), 1 M€ each for p10..p13; film 30 unknown
        budget = one(top, category="budget")
        assert budget["value"] == pytest.approx((90 + 1) / 94)
        assert (budget["films"], budget["currency"]) == (22, "EUR")
        hhi = one(both(store, "films_producer_hhi", NATIONAL), category="films")
        shares = [2.5, 2.5] + [2] * 7 + [1] * 4
        assert hhi["value"] == pytest.approx(sum((100 * s / 23) ** 2 for s in shares))

    # the same films with the tied producers renamed (their order reversed): same share
    renamed = [dict(c, organisation_id=f"org/z{14 - int(c['organisation_id'][-2:]):02d}")
               if int(c["organisation_id"][-2:]) >= 10 else c for c in credits]
    (tmp_path / "again").mkdir()
    with films_store(tmp_path / "again", films, credits=renamed) as store:
        row = one(both(store, "films_producer_top10_share", NATIONAL), category="films")
        assert row["value"] == pytest.approx(20 / 23)


def test_other_levels_give_no_rows(tmp_path) -> None:
    with films_store(tmp_path, [film(1), film(2, 2018)], [fact(1, "regional_aid")]) as store:
        for level in ("region", "department", "commune"):
            assert both(store, "films_regional_aid_share", Cut(level=level)).height == 0
        national = both(store, "films_regional_aid_share", Cut(level="country"))
        assert national["territory_id"].to_list() == ["FR"]
        assert national["value"].to_list() == [0.5]
        # computed with the catalogue: not run below the country, same result at it
        ids = ["films_regional_aid_share", "total_support"]
        engine = Engine.duckdb(store)
        assert compute_all(engine, Cut(level="region"), ids)["indicator"].unique().to_list() \
            in ([], ["total_support"])
        assert compute_all(engine, Cut(level="region"), ids[:1]).height == 0
        at_country = compute_all(engine, Cut(level="country"), ids)
        assert at_country.filter(at_country["indicator"] == ids[0])["value"].to_list() == [0.5]


def test_the_web_shows_a_national_indicator_by_year(tmp_path) -> None:
    films = [film(1, 2018), film(2, 2018), film(3, 2019)]
    tiny = films_store(tmp_path, films, [fact(1, "regional_aid", 2018)])
    tiny.close()
    with TestClient(create_app(tmp_path / "tiny.duckdb"), raise_server_exceptions=False) as c:
        values = c.get("/api/v1/indicators/films_regional_aid_share/values",
                       params={"level": "country", "by_year": True})
        assert values.status_code == 200
        assert [(r["territory_id"], r["year"], r["value"]) for r in values.json()["data"]] == [
            ("FR", 2018, 0.5), ("FR", 2019, 0.0)]
        method = c.get("/api/v1/indicators/films_regional_aid_share").json()["data"]
        assert method["filters"] == ["territory", "year", "genre", "budget_class", "film_rank"]
        page = c.get("/indicators/films_regional_aid_share")
        assert page.status_code == 200
        assert "2018" in page.text and "50" in page.text  # the values by year, in a table
        assert c.get("/", params={"indicator": "films_regional_aid_share"}).status_code == 200
        english = c.get("/indicators/films_parity_bonus_share", params={"lang": "en"})
        assert english.status_code == 200 and "2019" in english.text


# -- first → second film (efficacy) ---------------------------------------------------------

def director_key(name: str) -> str:
    """A director as the list names them: accents, case and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def own_ranks(directors: list[str], cell: Any) -> list[int | None]:
    """Each director's rank: positional when the cell gives one per director, else the
    cell's lowest (one rank for the film)."""
    found = [int(m.group(0)) if (m := re.match(r"\d+", part.strip())) else None
             for part in text(cell).split("/") if part.strip()]
    found = [r if r is not None and 1 <= r <= 200 else None for r in found]
    if len(found) == len(directors):
        return found
    known = [r for r in found if r is not None]
    return [min(known) if known else None] * len(directors)


def test_second_film_rate_against_the_workbook(engines, sheets) -> None:
    """Directors of a first film (their own RANG 1) agreed in year Y: those with another film
    (another VISA) agreed in Y … Y + 4, cohorts whose Y + 4 is a published year."""
    films: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    for year, rows in sheets.items():
        for r in rows:
            directors = [d.strip() for d in text(r["REALISATEUR"]).split("/") if d.strip()]
            for name, own in zip(directors, own_ranks(directors, r["RANG"]), strict=True):
                films[director_key(name)].append((year, text(r["VISA"]), own))
    last = max(sheets)
    cohorts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    waits = []
    for credits in films.values():
        firsts = [(year, visa) for year, visa, own in credits if own == 1]
        if not firsts:
            continue
        cohort = min(year for year, _ in firsts)
        if cohort + 4 > last:
            continue
        first_visas = {visa for year, visa in firsts if year == cohort}
        later = [year for year, visa, _ in credits
                 if cohort <= year <= cohort + 4 and visa not in first_visas]
        # two first films in the cohort year: one is the first, the other another film
        if len(first_visas) > 1:
            later.append(cohort)
        cohorts[cohort][1] += 1
        if later:
            cohorts[cohort][0] += 1
            waits.append(min(later) - cohort)
    duck, fusion = engines
    whole = compute(duck, "second_film_rate", Cut(level="country"))
    assert_frame_equal(whole, compute(fusion, "second_film_rate", Cut(level="country")),
                       check_exact=False, rel_tol=1e-9)
    row = whole.row(0, named=True)
    reached, total = sum(c[0] for c in cohorts.values()), sum(c[1] for c in cohorts.values())
    assert (row["numerator"], row["denominator"]) == (reached, total)
    assert (row["first_cohort"], row["last_cohort"]) == (min(cohorts), max(cohorts)) \
        == (2003, 2015)
    assert row["median_years"] == statistics.median(waits)
    yearly = by_year(engines, "second_film_rate")
    assert {r["year"]: [r["numerator"], r["denominator"]] for r in yearly.iter_rows(named=True)} \
        == dict(cohorts)
    # for the record: 221 of 1,187 directors of a first film agreed in 2003–2015 (18.6 %)
    assert (reached, total) == (221, 1187)
    # not computed below the country: the list names no place
    assert compute(duck, "second_film_rate", Cut(level="region")).height == 0
