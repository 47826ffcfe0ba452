"""A status indicator (published or not) reads as words on maps and tables, never as a zero,
and is neither ranked nor compared to a median."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from cineatlas import Store
from cineatlas.web import create_app


@pytest.fixture(scope="module")
def client(real_atlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as test_client:
        yield test_client


def _row(page: str, territory_id: str) -> str:
    found = re.search(rf'<tr data-territory="{territory_id}">(.*?)</tr>', page, re.S)
    assert found, territory_id
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_publication_map_says_published_not_published_and_not_covered(client,
                                                                        real_atlas) -> None:
    # Independently: Loire-Atlantique's Département publishes award lists in the store and no
    # application figures; no source covers the Ain's Département.
    with Store(real_atlas.db, read_only=True) as store:
        given = store.count("awards a JOIN organisations o ON o.organisation_id = a.funder_id",
                            "o.governed_territory_id = 'FR-D44' AND o.funder_level = "
                            "'departmental'")
        applications = store.count("application_stats")
        ain = store.count("organisations", "governed_territory_id = 'FR-D01'")
    assert given > 0 and applications == 0 and ain == 0
    awards = client.get("/", params={"indicator": "published_data", "level": "department",
                                     "category": "departmental:awards"}).text
    applications_map = client.get("/", params={
        "indicator": "published_data", "level": "department",
        "category": "departmental:applications"}).text
    assert "publié" in _row(awards, "FR-D44").split("non")[0]
    row = _row(applications_map, "FR-D44")
    assert "non publié dans les sources de la base" in row
    assert not re.search(r"\b0,0+\b", row) and "1/3" not in row  # no zero, no rank
    assert "non couvert par les sources de la base" in _row(applications_map, "FR-D01")
    legend = re.search(r'<ul class="legend">(.*?)</ul>', applications_map, re.S).group(1)
    assert "publié" in legend and "non publié" in legend and "0,0" not in legend


def test_a_status_is_not_ranked_nor_compared_to_a_median() -> None:
    import polars as pl

    from cineatlas.indicators import compare

    frame = pl.DataFrame({
        "indicator": ["published_data"] * 2 + ["total_support"] * 2,
        "territory_id": ["FR-D44", "FR-D49"] * 2, "year": [None] * 4,
        "category": ["departmental:awards"] * 2 + [None] * 2, "currency": [None] * 4,
        "unit": ["status", "status", "money", "money"], "value": [1.0, 0.0, 5.0, 3.0]},
        schema_overrides={"year": pl.Int32, "category": pl.String, "currency": pl.String})
    ranked = compare.rank(frame)
    status = ranked.filter(pl.col("unit") == "status")
    assert status["rank"].null_count() == 2 and status["median"].null_count() == 2
    assert status["vs_median"].null_count() == 2
    money = ranked.filter(pl.col("unit") == "money").sort("territory_id")
    assert money["rank"].to_list() == [1, 2] and money["median"].to_list() == [4.0, 4.0]
