"""Parity, emergence and diversity of works, on hand-made stores; and a smoke run of the
works, co-financing and governance indicators on the demo atlas."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from indicator_data import award, both, tiny_store, values

from cineatlas.indicators import Cut, registry
from cineatlas.store import Store


def row(frame: pl.DataFrame, territory: str, category: str | None = None) -> dict:
    rows = frame.filter(pl.col("territory_id") == territory)
    if category is not None:
        rows = rows.filter(pl.col("category") == category)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# -- parity -------------------------------------------------------------------------------


@pytest.fixture()
def parity(tmp_path) -> Iterator[Store]:
    awards = [
        # region X-RA
        award("w1", 400_00, "X-CA1a", director_gender="female"),
        award("w2", 100_00, "X-CA1b", director_gender="male"),
        award("w3", 200_00, "X-CA2a", director_gender="mixed"),
        award("w4", 200_00, "X-CA1a", director_gender="female"),
        award("w5", None, "X-CA1a", director_gender="female"),     # amount unknown
        award("w6", 250_00, "X-CA2a", director_gender=None),       # gender unknown
        award("w7", 100_00, "X-CA1b", director_gender="male"),
        # region X-RB
        award("b1", 300_00, "X-CB1a", director_gender="female"),
        award("b2", 100_00, "X-CB1b", director_gender="male", fiscal_year=2021),
    ]
    with tiny_store(tmp_path, awards=awards) as s:
        yield s


def test_women_directors_award_share(parity) -> None:
    frame = both(parity, "women_directors_award_share", Cut(level="region"))
    # X-RA, gender known on w1 f, w2 m, w3 mixed, w4 f, w5 f, w7 m = 6 awards (w5's unknown
    # amount does not matter for a count); women: w1, w4, w5 = 3 → 3/6
    # X-RB: b1 f, b2 m → 1/2
    assert values(frame) == {"X-RA": 0.5, "X-RB": 0.5}
    ra = row(frame, "X-RA")
    assert (ra["numerator"], ra["denominator"]) == (3.0, 6.0)
    # 'mixed' stays in the denominator, apart: 1/6; men 2/6; 3/6 + 1/6 + 2/6 = 1
    assert ra["mixed_share"] == pytest.approx(1 / 6)
    assert ra["men_share"] == pytest.approx(2 / 6)
    # coverage: 6 of 7 awards; money 1,000 of 1,250 € (w6's 250 € has no gender; w5 no amount)
    assert (ra["n"], ra["covered"]) == (7, 6)
    assert ra["money_coverage"] == pytest.approx(1000 / 1250)
    assert not ra["low_coverage"]


def test_women_directors_money_share(parity) -> None:
    frame = both(parity, "women_directors_money_share", Cut(level="region"))
    ra = row(frame, "X-RA")
    # X-RA, amount and gender known: w1 400 f, w2 100 m, w3 200 mixed, w4 200 f, w7 100 m
    # = 1,000 €; women 400 + 200 = 600 → 0.6; mixed 200 → 0.2; men 100 + 100 → 0.2
    assert ra["value"] == pytest.approx(0.6)
    assert (ra["numerator"], ra["denominator"]) == (600.0, 1000.0)
    assert (ra["mixed_share"], ra["men_share"]) == (pytest.approx(0.2), pytest.approx(0.2))
    # 5 of 7 awards (w5 no amount, w6 no gender) = 0.714 ≥ 0.7; money 1,000 / 1,250 = 0.8
    assert (ra["n"], ra["covered"]) == (7, 5) and not ra["low_coverage"]
    # X-RB: 300 / (300 + 100)
    assert row(frame, "X-RB")["value"] == pytest.approx(0.75)
    by_year = both(parity, "women_directors_money_share",
                   Cut(level="region", territories=("X-RB",), by_year=True))
    # 2020: b1 only (300 f) → 1.0; 2021: b2 only (100 m) → 0.0, a real zero
    assert values(by_year, by="year") == {2020: 1.0, 2021: 0.0}


def test_gender_mostly_unknown_is_reported_and_flagged(tmp_path) -> None:
    """Unknown gender is never counted as a man or a zero: it lowers the coverage, which is
    reported, and the result is flagged as not conclusive."""
    awards = [award("k1", 100_00, "X-CA1a", director_gender="female"),
              award("k2", 300_00, "X-CA1b", director_gender="male")]
    awards += [award(f"u{i}", 100_00, "X-CA2a") for i in range(8)]  # director_gender NULL
    with tiny_store(tmp_path, awards=awards) as store:
        count = row(both(store, "women_directors_award_share", Cut(level="region")), "X-RA")
        money = row(both(store, "women_directors_money_share", Cut(level="region")), "X-RA")
        # by count: 1 woman of 2 known = 0.5 (not 1 of 10)
        assert count["value"] == 0.5
        # coverage 2 of 10 awards = 0.2; money (100 + 300) of (100 + 300 + 8 × 100) = 1/3
        assert (count["n"], count["covered"], count["coverage"]) == (10, 2, 0.2)
        assert count["money_coverage"] == pytest.approx(400 / 1200)
        assert count["low_coverage"]
        # by money: 100 / (100 + 300) = 0.25, same coverage, flagged
        assert money["value"] == 0.25
        assert (money["coverage"], money["low_coverage"]) == (0.2, True)
        # a lower threshold can accept it (coverage stays reported)
        relaxed = both(store, "women_directors_money_share", Cut(level="region", min_coverage=0.2))
        assert not row(relaxed, "X-RA")["low_coverage"]
        assert row(relaxed, "X-RA")["coverage"] == 0.2


# -- emergence ----------------------------------------------------------------------------


def test_emergence_share(tmp_path) -> None:
    awards = [
        award("e1", 400_00, "X-CA1a", first_work=True, second_work=False),
        award("e2", 200_00, "X-CA1b", first_work=False, second_work=True),
        award("e3", 300_00, "X-CA2a", first_work=False, second_work=False),
        award("e4", 100_00, "X-CA2a", first_work=False, second_work=False),
        award("e5", 500_00, "X-CA1a", first_work=True, second_work=None),  # second unknown
        award("e6", None, "X-CA1a", first_work=True, second_work=False),    # amount unknown
    ]
    with tiny_store(tmp_path, awards=awards) as store:
        frame = both(store, "emergence_share", Cut(level="region"))
        # covered: e1..e4, 400 + 200 + 300 + 100 = 1,000 €
        # first 400 / 1,000; second 200 / 1,000; first or second (400 + 200) / 1,000
        assert values(frame, by="category") == {"first": 0.4, "first_or_second": 0.6,
                                                "second": 0.2}
        first = row(frame, "X-RA", "first")
        assert (first["numerator"], first["denominator"]) == (400.0, 1000.0)
        # e5 (second_work unknown) and e6 (amount unknown) are left out: 4 of 6 awards,
        # 1,000 of 1,500 € (e1..e5) → both below 0.7: flagged
        assert (first["n"], first["covered"]) == (6, 4)
        assert first["money_coverage"] == pytest.approx(1000 / 1500)
        assert first["low_coverage"]


# -- diversity ----------------------------------------------------------------------------


@pytest.fixture()
def diversity(tmp_path) -> Iterator[Store]:
    awards = [
        # X-RA: feature/fiction 500 (X-DA1), short/animation 250 + 250 (X-DA2)
        award("s1", 500_00, "X-CA1a", format="feature", genre="fiction"),
        award("s2", 250_00, "X-CA2a", format="short", genre="animation"),
        award("s3", 250_00, "X-CA2a", format="short", genre="animation"),
        # X-RB: feature/fiction 100, short/documentary 100, series/animation 200
        award("s4", 100_00, "X-CB1a", format="feature", genre="fiction"),
        award("s5", 100_00, "X-CB1a", format="short", genre="documentary"),
        award("s6", 200_00, "X-CB1b", format="series", genre="animation"),
        award("s7", 100_00, "X-CB1b", format="feature", genre=None),      # genre unknown
        award("s8", 0, "X-CB1b", format="web", genre="experimental"),     # a published zero
    ]
    with tiny_store(tmp_path, awards=awards) as s:
        yield s


def test_format_genre_shannon(diversity) -> None:
    frame = both(diversity, "format_genre_shannon", Cut(level="region"))
    ra, rb = row(frame, "X-RA"), row(frame, "X-RB")
    # X-RA: p = 500/1000, 500/1000 → H = −2 × 0.5 ln 0.5 = ln 2; k = 2; evenness ln 2 / ln 2 = 1
    assert ra["value"] == pytest.approx(math.log(2))
    assert (ra["categories"], ra["evenness"]) == (2, pytest.approx(1.0))
    # X-RB: p = 100/400, 100/400, 200/400 → H = −(2 × 0.25 ln 0.25 + 0.5 ln 0.5) = 1.5 ln 2;
    # web/experimental got 0 € and does not count in k = 3; evenness 1.5 ln 2 / ln 3
    assert rb["value"] == pytest.approx(1.5 * math.log(2))
    assert rb["categories"] == 3
    assert rb["evenness"] == pytest.approx(1.5 * math.log(2) / math.log(3))
    # s7 has no genre: 4 of 5 awards, 400 of 500 €
    assert (rb["n"], rb["covered"], rb["money_coverage"]) == (5, 4, pytest.approx(0.8))
    # X-DA2 holds one combination only: H = 0 and evenness is undefined (NULL, not 0 or 1)
    da2 = row(both(diversity, "format_genre_shannon", Cut(level="department")), "X-DA2")
    assert (da2["value"], da2["categories"], da2["evenness"]) == (0.0, 1, None)
    assert math.copysign(1, da2["value"]) == 1  # 0.0, not −0.0
    # whole country, features and series only: feature/fiction 500 + 100 = 600, series 200
    # → p = 0.75, 0.25 → H = −(0.75 ln 0.75 + 0.25 ln 0.25)
    features = both(diversity, "format_genre_shannon",
                    Cut(level="country", formats=("feature", "series")))
    expected = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert row(features, "X")["value"] == pytest.approx(expected)


def test_format_genre_shares(diversity) -> None:
    frame = both(diversity, "format_genre_shares", Cut(level="region"))
    ra = values(frame.filter(pl.col("territory_id") == "X-RA"), by="category")
    rb = values(frame.filter(pl.col("territory_id") == "X-RB"), by="category")
    # X-RA (1,000 €): shorts s2 + s3 = 500 → 0.5; no documentary → a real 0; animation 500 → 0.5
    assert ra == {"animation": 0.5, "documentary": 0.0, "short": 0.5}
    # X-RB (s4 + s5 + s6 + s8 = 400 €): short s5 100 → 0.25; documentary s5 100 → 0.25
    # (s5 counts in both); animation s6 200 → 0.5
    assert rb == {"animation": 0.5, "documentary": 0.25, "short": 0.25}
    short = row(frame, "X-RB", "short")
    assert (short["numerator"], short["denominator"], short["covered"]) == (100.0, 400.0, 4)


# -- declarations -------------------------------------------------------------------------

MINE = {
    "works": ("women_directors_award_share", "women_directors_money_share", "emergence_share",
              "format_genre_shannon", "format_genre_shares"),
    "cofinancing": ("cofinancing_ratio",),
    "governance": ("commission_women_share", "commission_professions",
                   "commission_elected_share", "applications_per_award", "success_rate"),
}


def test_declarations_are_complete() -> None:
    for theme, ids in MINE.items():
        for indicator_id in ids:
            item = registry.get(indicator_id)
            assert item.theme == theme
            assert all((item.title_fr, item.title_en, item.definition_fr, item.definition_en,
                        item.formula, item.needs)), indicator_id
            assert item.caveats_fr and len(item.caveats_fr) == len(item.caveats_en), indicator_id
            assert all(len(pair) == 2 for pair in item.extras.values())


# -- the demo atlas -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(territories_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store built offline (seed 2024) for this module."""
    from cineatlas.demo import build_demo

    db = tmp_path_factory.mktemp("demo-works") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CINEATLAS_OFFLINE", "1")
        mp.setenv("CINEATLAS_CACHE", str(db.parent / "cache"))
        build_demo(db)
    return db


@pytest.mark.slow
def test_demo_every_indicator_has_finite_values_by_region(demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as store:
        for indicator_id in (i for ids in MINE.values() for i in ids):
            frame = both(store, indicator_id, Cut(level="region"))
            assert frame.height > 0, indicator_id
            assert frame["territory_id"].str.starts_with("FR-R").all(), indicator_id
            known = frame.filter(pl.col("value").is_not_null())
            assert known.height > 0 and known["value"].is_finite().all(), indicator_id
            # a value is missing only where nothing is known (or nothing to divide by)
            missing = frame.filter(pl.col("value").is_null())
            assert ((missing["covered"] == 0) | (missing["denominator"] == 0)).all(), indicator_id
