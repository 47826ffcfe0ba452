"""Small hand-made stores for indicator tests: a few territories, awards and the rest.

    store = tiny_store(tmp_path, awards=[award("a1", 100_00, "FR-C01001", stage="writing")])

Territories default to TERRITORIES: country X with regions XA and XB, departments XA1, XA2
and XB1, and communes (populations in the table) so that sums are easy to do by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from cineatlas.indicators import Cut, Engine, compute
from cineatlas.store import Store

# territory_id, level, parent_id, population, density_class, overseas, metropolis_id
TERRITORIES = [
    ("X", "country", None, 1000, None, False, None),
    ("X-RA", "region", "X", 600, None, False, "X-MET"),
    ("X-RB", "region", "X", 400, None, True, None),
    ("X-DA1", "department", "X-RA", 500, None, False, "X-MET"),
    ("X-DA2", "department", "X-RA", 100, None, False, None),
    ("X-DB1", "department", "X-RB", 400, None, True, None),
    ("X-CA1a", "commune", "X-DA1", 400, "dense", False, "X-MET"),
    ("X-CA1b", "commune", "X-DA1", 100, "rural", False, "X-MET"),
    ("X-CA2a", "commune", "X-DA2", 100, "rural", False, None),
    ("X-CB1a", "commune", "X-DB1", 300, "intermediate", True, None),
    ("X-CB1b", "commune", "X-DB1", 100, "remote_rural", True, None),
    ("X-MET", "metropolis", "X", 500, None, False, "X-MET"),
]


def territory_rows() -> list[dict[str, Any]]:
    rows = []
    for tid, level, parent, pop, density, overseas, metro in TERRITORIES:
        region = next((t for t in (tid, parent) if t and t.startswith("X-R")), None)
        rows.append({"territory_id": tid, "level": level, "code": tid, "name": f"Terr {tid}",
                     "name_key": tid.lower(), "country_code": "XX", "parent_id": parent,
                     "region_id": region, "metropolis_id": metro, "population": pop,
                     "density_class": density, "overseas": overseas, "source_id": "test"})
    return rows


def award(award_id: str, amount_minor: int | None, territory: str | None,
          **fields: Any) -> dict[str, Any]:
    """An award row; `fields` set any other awards column (fiscal_year defaults to 2020, the
    sector to cinema and audiovisual)."""
    return {"award_id": award_id, "amount_minor": amount_minor,
            "beneficiary_territory_id": territory, "currency": "EUR", "fiscal_year": 2020,
            "sector": "cinema-audiovisual", "source_id": "test", **fields}


def tiny_store(path: Path, *, territories: list[dict[str, Any]] | None = None,
               **tables: list[dict]) -> Store:
    """A new store at path/'tiny.duckdb' holding the given rows (source_id 'test' by default)."""
    store = Store(Path(path) / "tiny.duckdb")
    store.insert("territories",
                 pl.DataFrame(territories or territory_rows(), infer_schema_length=None))
    for table, rows in tables.items():
        rows = [{"source_id": "test", **row} for row in rows]
        store.insert(table, pl.DataFrame(rows, infer_schema_length=None))
    return store


def both(store: Store, indicator_id: str, cut: Cut | None = None) -> pl.DataFrame:
    """The indicator on DuckDB, after checking that DataFusion gives the same frame."""
    on_duckdb = compute(Engine.duckdb(store), indicator_id, cut)
    on_datafusion = compute(Engine.datafusion(store), indicator_id, cut)
    assert_frame_equal(on_duckdb, on_datafusion, check_exact=False, rel_tol=1e-9)
    return on_duckdb


def values(frame: pl.DataFrame, *, by: str = "territory_id") -> dict[Any, float | None]:
    """{territory (or `by`) : value} of a result frame with one row per key."""
    return dict(zip(frame[by].to_list(), frame["value"].to_list(), strict=True))
