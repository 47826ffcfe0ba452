"""The catalogue as a whole: complete declarations, published method in sync, both backends
agreeing on every indicator, change over time, rankings, and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest
from indicator_data import award, tiny_store
from polars.testing import assert_frame_equal

from cineatlas.cli import app
from cineatlas.indicators import COLUMNS, Cut, Engine, catalogue, compare, compute, methodology
from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import SUBJECT_FILTERS
from cineatlas.store import Store

DOCS = Path(__file__).parents[1] / "docs" / "indicators"


def test_every_declaration_is_complete(tmp_path) -> None:
    items = catalogue()
    assert len({i.id for i in items}) == len(items)
    with Store(tmp_path / "empty.duckdb") as store:
        for item in items:
            for text in (item.title_fr, item.title_en, item.definition_fr, item.definition_en,
                         item.formula):
                assert text.strip(), f"{item.id}: empty text"
            assert len(item.caveats_fr) == len(item.caveats_en), (
                f"{item.id}: caveats not translated")
            query = Query(Engine.duckdb(store), item, Cut())
            item.compute(query)  # some indicators derive fields and rebase their rows
            columns = query.base.columns
            for field in item.needs:
                assert field in columns, f"{item.id}: needs unknown field {field}"
            assert set(item.filters) == set(SUBJECT_FILTERS[item.subject])


def test_published_method_is_generated_from_the_declarations() -> None:
    expected = methodology.pages()
    found = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert found.keys() == expected.keys(), (
        "run `cineatlas indicators docs` and commit docs/indicators")
    for name, text in expected.items():
        assert found[name] == text, (
            f"docs/indicators/{name} is stale: run `cineatlas indicators docs`")


CUTS = {
    "region": Cut(level="region"),
    "department by year": Cut(level="department", by_year=True),
    "country 2019-2021": Cut(level="country", years=(2019, 2021)),
    "province": Cut(level="province"),
    "qc_region": Cut(level="qc_region"),
}


@pytest.fixture(scope="module")
def engines(demo_atlas: Path):
    with Store(demo_atlas, read_only=True) as store:
        yield Engine.duckdb(store), Engine.datafusion(store)


@pytest.mark.slow
@pytest.mark.parametrize("cut", CUTS.values(), ids=CUTS.keys())
def test_both_backends_agree_on_the_whole_catalogue(engines, cut) -> None:
    duck, fusion = engines
    produced = 0
    for item in catalogue():
        on_duckdb = compute(duck, item.id, cut)
        on_datafusion = compute(fusion, item.id, cut)
        assert_frame_equal(on_duckdb, on_datafusion, check_exact=False, rel_tol=1e-9,
                           abs_tol=1e-12), item.id
        assert on_duckdb.columns[: len(COLUMNS)] == list(COLUMNS)
        # a figure resting on rows names their sources; one resting on none, none — but a
        # known zero (an additive indicator's 0 where no row is) names the sources covering it
        zero = (pl.col("n") == 0) & (pl.col("value") == 0) if item.additive else pl.lit(False)
        rests = on_duckdb.select((pl.col("n") > 0) | zero, pl.col("sources").list.len() > 0)
        assert rests["n"].to_list() == rests["sources"].to_list(), item.id
        finite = on_duckdb["value"].drop_nulls()
        assert all(math.isfinite(v) for v in finite), item.id
        produced += on_duckdb.height
    assert produced > 0


def test_demo_results_are_non_trivial(engines) -> None:
    duck, _ = engines
    regions = compute(duck, "support_per_inhabitant", Cut(level="region"))
    # the demo covers every French region, in euros
    assert regions.filter(pl.col("currency") == "EUR").height == 18
    provinces = compute(duck, "total_support", Cut(level="province"))
    assert set(provinces["currency"]) == {"CAD"} and provinces.height >= 10
    # the demo's French money is fictitious, the Canadian one real (Telefilm's file)
    assert regions.filter(pl.col("currency") == "EUR")["fictitious"].all()
    assert set(regions["sources"].explode()) >= {"demo:fictitious-france"}
    assert not provinces["fictitious"].any()
    assert set(provinces["sources"].explode()) == {"telefilm:telefilm-contributions-2009-2018"}


def test_change_over_time_and_period_change_by_hand() -> None:
    frame = pl.DataFrame({
        "indicator": ["i"] * 5, "level": ["region"] * 5, "unit": ["share"] * 5,
        "territory_id": ["FR-R1", "FR-R1", "FR-R1", "FR-R2", "FR-R2"],
        "territory_name": list("aaabb"),
        "category": [None] * 5, "currency": ["EUR"] * 5,
        "year": [2019, 2020, 2022, 2019, 2022], "value": [1.0, 2.0, 4.0, 3.0, 3.0],
    })
    yoy = compare.change_over_time(frame)
    r1 = yoy.filter(pl.col("territory_id") == "FR-R1")
    # 2020 vs 2019: 2 − 1 = +1 (+100 %); 2022 has no 2021 to compare to: no change, not +2
    assert r1["change"].to_list() == [None, 1.0, None]
    assert r1["change_pct"].to_list() == [None, 1.0, None]
    period = compare.period_change(frame)
    r1 = period.filter(pl.col("territory_id") == "FR-R1").row(0, named=True)
    # 2019 → 2022: 1 → 4, +300 %, annual rate 4^(1/3) − 1
    assert (r1["value_first"], r1["value_last"], r1["change_pct"]) == (1.0, 4.0, 3.0)
    assert r1["annual_rate"] == pytest.approx(4 ** (1 / 3) - 1)
    assert period.filter(pl.col("territory_id") == "FR-R2")["change"].to_list() == [0.0]


def test_rank_against_the_national_median() -> None:
    frame = pl.DataFrame({"indicator": ["i"] * 4,
                          "territory_id": ["FR-R1", "FR-R2", "FR-R3", "CA-QC"],
                          "year": [None] * 4, "category": [None] * 4,
                          "currency": ["EUR"] * 3 + ["CAD"], "value": [1.0, 3.0, 5.0, 7.0]},
                         schema_overrides={"year": pl.Int32, "category": pl.String})
    ranked = compare.rank(frame)
    fr = ranked.filter(pl.col("currency") == "EUR")
    # French regions: median of 1, 3, 5 is 3; R3 is first at 5/3 − 1 = +66.7 %
    assert fr["territory_id"].to_list() == ["FR-R3", "FR-R2", "FR-R1"]
    assert fr["rank"].to_list() == [1, 2, 3] and set(fr["of"]) == {3} and set(fr["median"]) == {3.0}
    assert fr["vs_median"].to_list() == pytest.approx([5 / 3 - 1, 0.0, 1 / 3 - 1])
    # Québec is compared to Canada only
    assert ranked.filter(pl.col("territory_id") == "CA-QC")["of"].to_list() == [1]


@pytest.fixture()
def tiny_db(tmp_path) -> Path:
    awards = [award("a1", 300_00, "X-CA1a", stage="writing"),
              award("a2", 100_00, "X-CB1a", stage="production"),
              award("a3", 200_00, "X-CA1a", stage="production", fiscal_year=2021)]
    tiny_store(tmp_path, awards=awards).close()
    return tmp_path / "tiny.duckdb"


def cli(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        app(list(args), prog_name="cineatlas")
    out = capsys.readouterr()
    assert ended.value.code == 0, out.err
    return out.out


def test_cli_compute_writes_every_format(tiny_db, tmp_path, capsys) -> None:
    text = cli(capsys, "indicators", "compute", "upstream_share", "--db", str(tiny_db),
               "--level", "region", "--format", "csv")
    rows = pl.read_csv(text.encode())
    # X-RA: writing 300 of 300 + 200 → 0.6; X-RB: 0 of 100 → 0
    assert dict(zip(rows["territory_id"], rows["value"], strict=True)) == {"X-RA": 0.6, "X-RB": 0.0}
    data = json.loads(cli(capsys, "indicators", "compute", "total_support", "--db", str(tiny_db),
                          "--level", "country", "--by-year", "--format", "json"))
    assert [(r["year"], r["value"]) for r in data] == [(2020, 400.0), (2021, 200.0)]
    target = tmp_path / "out.parquet"
    cli(capsys, "indicators", "compute", "all", "--db", str(tiny_db), "--format", "parquet",
        "-o", str(target))
    assert set(pl.read_parquet(target)["indicator"]) >= {"total_support", "upstream_share"}
    listing = json.loads(cli(capsys, "indicators", "list", "--lang", "en", "--format", "json"))
    assert {"id": "upstream_share", "theme": "Amounts and distribution",
            "title": "Upstream share (writing and development)", "unit": "share (0 to 1)",
            "data": "awards"} in listing
    assert len(listing) == len(catalogue())
    assert "Σ montant (écriture, développement)" in cli(capsys, "indicators", "describe",
                                                        "upstream_share")


def test_cli_change_and_rank(tiny_db, capsys) -> None:
    data = json.loads(cli(capsys, "indicators", "compute", "total_support", "--db", str(tiny_db),
                          "--level", "country", "--change", "--format", "json"))
    assert [(r["year"], r["change"]) for r in data] == [(2020, None), (2021, -200.0)]
    data = json.loads(cli(capsys, "indicators", "compute", "total_support", "--db", str(tiny_db),
                          "--level", "region", "--rank", "--format", "json"))
    assert [(r["territory_id"], r["rank"]) for r in data] == [("X-RA", 1), ("X-RB", 2)]
