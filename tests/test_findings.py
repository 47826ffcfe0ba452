"""Zero is not unknown, findings in plain words, and maps that read.

The zeros of the additive indicators and the findings are checked against plain SQL over the
store (a recursive walk up the territory tree written here), on a hand-made store and on the
real atlas (Telefilm's file places Québec's beneficiaries in their municipality: the Québec
regions that received nothing are known zeros; the SCDL files and the CNC's commission results
place theirs in France only: no French region or département is a zero).
"""

from __future__ import annotations

import math
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from indicator_data import award, both, tiny_store

from cineatlas import Store
from cineatlas.indicators import Cut, Engine, compare, compute, registry
from cineatlas.queries import findings
from cineatlas.web import maps
from cineatlas.web.i18n import Formats

TELEFILM = "telefilm:telefilm-contributions-2009-2018"
#: Every territory and each of its ancestors, itself included, by a recursive walk.
CLOSURE = """
    WITH RECURSIVE up(territory_id, ancestor_id) AS (
        SELECT territory_id, territory_id FROM territories
        UNION SELECT up.territory_id, t.parent_id FROM up
        JOIN territories t ON t.territory_id = up.ancestor_id WHERE t.parent_id IS NOT NULL)
"""


def sql(store: Store, query: str, params: list | None = None) -> list[tuple]:
    return store.con.execute(CLOSURE + query, params or []).fetchall()


# -- the rule on a hand-made store --------------------------------------------------------

FUNDERS = [  # funder, the territory it governs
    ("f-ra", "X-RA"),   # places its beneficiaries in their commune
    ("f-x", "X"),       # one award in a commune, one known only at the country: too coarse
]


@pytest.fixture()
def tiny(tmp_path):
    organisations = [{"organisation_id": f, "name": f.upper(), "name_key": f, "is_funder": True,
                      "kind": "public_body", "governed_territory_id": t,
                      "funder_level": "regional"} for f, t in FUNDERS]
    awards = [
        award("a1", 100_00, "X-CA1a", funder_id="f-ra"),
        award("a2", None, "X-CB1a", funder_id="f-x"),      # amount unknown
        award("a3", 50_00, "X", funder_id="f-x"),          # placed at the country only
    ]
    with tiny_store(tmp_path, organisations=organisations, awards=awards) as store:
        yield store


def test_a_covered_territory_with_nothing_is_zero_and_ranked(tiny) -> None:
    frame = both(tiny, "total_support", Cut(level="department"))
    rows = {r["territory_id"]: r for r in frame.to_dicts()}
    # X-DA2 lies in f-ra's region, whose beneficiaries are placed by commune: a known 0
    assert rows["X-DA2"]["value"] == 0 and rows["X-DA2"]["n"] == 0
    assert rows["X-DA2"]["sources"] == ["test"] and not rows["X-DA2"]["low_coverage"]
    assert rows["X-DA1"]["value"] == 100
    # X-DB1: outside f-ra's region; f-x places one of its two rows at the country only (50 %
    # < 70 %), and X-DB1's only award has an unknown amount: unknown, never 0
    assert "X-DB1" not in rows
    ranked = compare.rank(frame)
    assert ranked.filter(pl.col("territory_id") == "X-DA2")["rank"].to_list() == [2]


def test_unknown_amounts_stay_unknown_when_covered(tiny) -> None:
    # with a lower threshold f-x covers the departments too; X-DB1 still has no row: its
    # award's amount is unknown, which is not zero
    frame = both(tiny, "support_per_inhabitant", Cut(level="department", min_coverage=0.5))
    by = dict(zip(frame["territory_id"], frame["value"], strict=True))
    assert by == {"X-DA1": 100 / 500, "X-DA2": 0.0}


def test_zero_needs_rows_in_the_cut(tiny) -> None:
    # no award in 2019: nothing covers that year, so no zero either
    assert both(tiny, "total_support", Cut(level="department", years=(2019, 2019))).height == 0
    by_year = both(tiny, "total_support", Cut(level="department", by_year=True))
    assert by_year.filter(pl.col("territory_id") == "X-DA2")[["year", "value"]].rows() == [
        (2020, 0.0)]


def test_a_real_zero_is_not_flagged_by_a_fictitious_source(tmp_path) -> None:
    organisations = [{"organisation_id": "f-ra", "name": "F", "name_key": "f", "is_funder": True,
                      "governed_territory_id": "X-RA"}]
    awards = [award("a1", 100_00, "X-CA1a", funder_id="f-ra", fictitious=False),
              award("a3", 20_00, "X-CA1b", funder_id="f-ra", fictitious=False),
              award("a2", 10_00, "X-CA1b", funder_id="f-ra", currency="CAD",  # odd currency
                    fictitious=False),
              award("d1", 5_00, "X-CA1a", funder_id="f-ra", source_id="demo", fictitious=True)]
    with tiny_store(tmp_path, organisations=organisations, awards=awards) as store:
        frame = both(store, "total_support", Cut(level="department"))
    zero = frame.filter(pl.col("territory_id") == "X-DA2")
    # one zero, in the funder's main currency, resting on the real source only
    assert zero[["value", "currency", "fictitious"]].rows() == [(0.0, "EUR", False)]
    assert zero["sources"].to_list() == [["test"]]


def test_shares_of_nothing_stay_empty(tiny) -> None:
    # 0 ÷ 0 is not 0: a share indicator gives X-DA2 no row
    frame = both(tiny, "upstream_share", Cut(level="department"))
    assert "X-DA2" not in frame["territory_id"].to_list()


# -- the rule on the real atlas -----------------------------------------------------------

@pytest.fixture(scope="module")
def real(real_atlas):
    with Store(real_atlas.db, read_only=True) as store:
        yield store


def test_quebec_regions_without_telefilm_award_are_zero(real) -> None:
    regions = {r[0] for r in sql(real, "SELECT territory_id FROM territories "
                                 "WHERE level = 'qc_region'")}
    received = {r[0] for r in sql(real, """
        SELECT DISTINCT up.ancestor_id FROM awards a JOIN up
        ON up.territory_id = a.beneficiary_territory_id
        JOIN territories t ON t.territory_id = up.ancestor_id AND t.level = 'qc_region'
        WHERE a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual'
        AND a.amount_minor IS NOT NULL""")}
    expected = regions - received
    assert expected == {"CA-QC-R10", "CA-QC-R12", "CA-QC-R17"}  # by SQL, and the issue says so
    engine = Engine.duckdb(real)
    for indicator in ("total_support", "support_per_inhabitant"):
        frame = compare.rank(compute(engine, indicator, Cut(level="qc_region")))
        assert set(frame["territory_id"]) == regions, indicator
        zeros = frame.filter(pl.col("value") == 0)
        assert set(zeros["territory_id"]) == expected, indicator
        assert zeros["rank"].null_count() == 0 and set(zeros["of"]) == {17}
        assert zeros["sources"].to_list() == [[TELEFILM]] * 3
        assert (zeros["n"] == 0).all() and not zeros["low_coverage"].any()


def test_quebec_regions_by_fiscal_year(real) -> None:
    engine = Engine.duckdb(real)
    frame = compute(engine, "total_support", Cut(level="qc_region", by_year=True))
    for year in (2009, 2013, 2017):
        with_award = {r[0] for r in sql(real, """
            SELECT DISTINCT up.ancestor_id FROM awards a JOIN up
            ON up.territory_id = a.beneficiary_territory_id
            JOIN territories t ON t.territory_id = up.ancestor_id AND t.level = 'qc_region'
            WHERE a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual'
            AND a.fiscal_year = ?""", [year])}
        that_year = frame.filter(pl.col("year") == year)
        assert that_year.height == 17
        assert set(that_year.filter(pl.col("value") == 0)["territory_id"]) == (
            set(that_year["territory_id"]) - with_award)
    # Telefilm's last fiscal year is 2017-2018: 2018 is covered by no source, nothing is 0
    assert frame.filter(pl.col("year") == 2018).height == 0


def test_no_french_department_is_a_false_zero(real) -> None:
    # every cinema award in France is placed at the country (no address published)
    below = sql(real, """
        SELECT count(*) FROM awards a JOIN territories t
        ON t.territory_id = a.beneficiary_territory_id
        WHERE a.currency = 'EUR' AND a.sector = 'cinema-audiovisual' AND t.level <> 'country'""")
    assert below == [(0,)]
    engine = Engine.duckdb(real)
    for level in ("region", "department"):
        assert compute(engine, "total_support", Cut(level=level)).filter(
            pl.col("currency") == "EUR").height == 0


# -- findings -----------------------------------------------------------------------------

def test_quebec_finding_matches_sql(real) -> None:
    money = dict(sql(real, """
        SELECT up.ancestor_id, sum(a.amount_minor) FROM awards a JOIN up
        ON up.territory_id = a.beneficiary_territory_id
        JOIN territories t ON t.territory_id = up.ancestor_id AND t.level = 'qc_region'
        WHERE a.superseded_by IS NULL AND a.sector = 'cinema-audiovisual'
        GROUP BY ALL"""))
    top = max(money, key=money.get)
    population = dict(sql(real, "SELECT territory_id, population FROM territories "
                          "WHERE territory_id IN ('CA-QC', ?)", [top]))
    frame = compute(Engine.duckdb(real), "total_support", Cut(level="qc_region"))
    known = findings.periods(real)
    place = {"territory_id": "CA-QC", "name": "Québec", "population": population["CA-QC"]}
    found = findings.map_finding(frame.to_dicts(), registry.get("total_support"), place,
                                 {top: population[top]}, known)
    assert found["kind"] == "concentration" and found["top"]["territory_id"] == top == "CA-QC-R06"
    assert found["top"]["share"] == pytest.approx(money[top] / sum(money.values()), rel=1e-12)
    assert found["top"]["population_share"] == population[top] / population["CA-QC"]
    assert round(found["top"]["population_share"] * 100, 1) == 23.6
    assert found["zeros"] == ["Centre-du-Québec", "Chaudière-Appalaches", "Nord-du-Québec"]
    assert found["funders"] == ["Telefilm Canada"]
    assert found["period"].fiscal and found["period"].labels == ("2009-2010", "2017-2018")


def test_periods_say_fiscal_or_calendar(real) -> None:
    known = findings.periods(real)
    published = sorted(r[0] for r in sql(
        real, "SELECT DISTINCT fiscal_period FROM awards WHERE source_id = ?", [TELEFILM]))
    assert known[TELEFILM]["period"].labels == (published[0], published[-1])
    scdl = [s for s in known if s.startswith("scdl:")]
    assert scdl and not any(known[s]["period"].fiscal for s in scdl)
    first, last = sql(real, "SELECT min(fiscal_year), max(fiscal_year) FROM awards WHERE "
                      "source_id = ? AND sector = 'cinema-audiovisual' AND superseded_by IS NULL",
                      [scdl[0]])[0]
    assert known[scdl[0]]["period"].labels == (str(first), str(last))


class _Reader:
    def __init__(self, store: Store) -> None:
        self.store = store
        store.con.register("territory_closure",
                           Engine.duckdb(store).closure.to_arrow())

    def frame(self, query: str, params: list | None = None) -> pl.DataFrame:
        return self.store.frame(query, params)


def test_places_reach_says_no_source_covers_quebec(real) -> None:
    reader = _Reader(real)
    in_canada = sql(real, "SELECT (SELECT count(*) FROM venues v JOIN up ON up.territory_id = "
                    "v.territory_id AND up.ancestor_id = 'CA'), (SELECT count(*) FROM festivals "
                    "f JOIN up ON up.territory_id = f.territory_id AND up.ancestor_id = 'CA')")
    assert in_canada == [(0, 0)]
    quebec = findings.places_reach(reader, "CA-QC")
    assert quebec["venues"] == [] and quebec["festivals"] == []
    assert quebec["all_venues"] and quebec["all_festivals"]
    cantal = findings.places_reach(reader, "FR-D15")
    assert cantal["venues"] and cantal["festivals"]


# -- maps ---------------------------------------------------------------------------------

values_strategy = st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=1,
                           max_size=60)


@settings(max_examples=200, deadline=None)
@given(values_strategy, st.sampled_from(["money_per_inhabitant", "share", "per_100k", "money"]))
def test_classes_are_never_narrower_than_what_is_shown(values, unit) -> None:
    fmt = Formats("fr")
    scale = maps.Scale.of(values, unit)
    shown = [fmt.value(b, unit, "EUR") for b in scale.breaks]
    assert len(set(shown)) == len(shown)  # no two bounds read alike: no '1,92 – 1,92'
    assert list(scale.breaks) == sorted(scale.breaks)
    assert scale.breaks[-1] >= max(values)  # the top class holds the largest value
    palette = [colour for colour, _ in scale.legend(str)]
    assert {scale.colour(v) for v in values} <= set(palette)


def test_a_class_of_one_cent_is_merged() -> None:
    fmt = Formats("fr")
    scale = maps.Scale.of([1.92, 1.925, 1.93, 1.93, 2.5], "money_per_inhabitant")
    texts = [t for _, t in scale.legend(lambda x: fmt.value(x, "money_per_inhabitant", "EUR"))]
    assert "1,92 € – 1,93 €" not in texts
    assert scale.breaks == (1.9, 2.5)  # two significant digits; 1,92 and 1,93 are one class


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=3, allow_nan=False), min_size=1, max_size=40))
def test_a_target_splits_the_colours(values) -> None:
    scale = maps.DivergingScale.of(values, 0.5, "ratio")
    for value in values:
        colour = scale.colour(value)
        if value < 0.5:
            assert colour in maps.BELOW
        elif value > 0.5:
            assert colour in maps.ABOVE
        else:
            assert colour == maps.DivergingScale.AT
    legend = scale.legend(str)
    assert ("#f7f7f7", "= 0.5") in legend
    sides = ["below" if c in maps.BELOW else "above" if c in maps.ABOVE else "at"
             for c, _ in legend]
    assert sides == sorted(sides, key=["below", "at", "above"].index)  # below, target, above


def test_cofinancing_declares_its_target() -> None:
    item = registry.get("cofinancing_ratio")
    assert item.target == 0.5 and item.target_label
    assert math.isclose(item.target, 1 / 2)
    assert all(registry.get(i).additive for i in ("total_support", "support_per_inhabitant"))


# -- the pages ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(real_atlas):
    from fastapi.testclient import TestClient

    from cineatlas.web import create_app

    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_year_no_source_covers_says_which_years_they_cover(client, real) -> None:
    (last,) = sql(real, "SELECT max(fiscal_year) FROM awards WHERE source_id = ?", [TELEFILM])[0]
    html = client.get("/", params={"level": "qc_region", "indicator": "total_support",
                                   "year": last + 1}).text
    assert 'id="map-finding-none"' in html
    assert f"Aucun territoire de ce niveau n'a de valeur pour {last + 1}." in html
    years = re.search(rf'<li data-source="{TELEFILM}">(.*?)</li>', html, re.S).group(1)
    assert f"exercices 2009-2010 à {last}-{last + 1}" in years
    # the same map for a year Telefilm covers: its finding is labelled as a fiscal year
    html = client.get("/", params={"level": "qc_region", "indicator": "total_support",
                                   "year": last, "lang": "en"}).text
    finding = re.search(r'id="map-finding-text".*?</p>', html, re.S).group(0)
    assert f"(fiscal year {last}-{last + 1})" in finding
    # and the year picker of a Canadian map offers fiscal years
    assert re.search(rf'<option value="{last}" selected>{last}-{last + 1}</option>', html)


def test_profiles_label_fiscal_years_and_uncovered_places(client, real) -> None:
    html = client.get("/territory/CA-QC-R10", params={"lang": "fr"}).text
    series = re.search(r'id="series-table".*?</table>', html, re.S)
    assert series is None or re.search(r'<th scope="row">\d{4}-\d{4}</th>', series.group(0))
    places = re.search(r'<p id="places-count".*?</p>', html, re.S).group(0)
    assert 'data-venues-covered="false"' in places and "0 cinéma" not in places
    cantal = re.search(r'<p id="places-count".*?</p>', client.get(
        "/territory/FR-D15", params={"lang": "fr"}).text, re.S).group(0)
    # Cantal: both files cover it; a count, even 0 festivals, is a count
    (venues,) = sql(real, "SELECT count(*) FROM venues v JOIN up ON up.territory_id = "
                    "v.territory_id AND up.ancestor_id = 'FR-D15'")[0]
    assert "data-venues-covered" not in cantal and f"{venues} établissements" in cantal
