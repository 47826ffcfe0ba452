"""Engines: an Ibis backend holding the store's tables, plus the territory hierarchy.

Indicators are Ibis expressions: the same expression runs on the embedded DuckDB store
(`Engine.duckdb`) or on any other Ibis backend the tables are loaded into
(`Engine.datafusion`, in process, used by the tests to check that both agree).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import datafusion
import ibis
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa

from cineatlas.store import Store

#: Store tables the indicators read.
TABLES = ("awards", "award_people", "territories", "territory_aliases", "organisations", "people",
          "works",
          "schemes", "commissions", "commission_members", "conventions", "application_stats",
          "venues", "festivals", "film_approvals", "work_credits", "work_financing",
          "entity_members")


class Engine:
    """An Ibis backend with the store's tables, and the store's territory hierarchy."""

    def __init__(self, backend: ibis.BaseBackend, territories: pl.DataFrame, name: str,
                 load: Callable[[str, pa.Table], None]) -> None:
        self.backend = backend
        self.name = name
        self._territories = territories
        self._load = load

    @classmethod
    def duckdb(cls, store: Store) -> Engine:
        """Compute on the store itself (DuckDB, no copy)."""
        backend = ibis.duckdb.from_connection(store.con)
        return cls(backend, store.frame(_TERRITORIES_SQL), "duckdb", store.con.register)

    @classmethod
    def datafusion(cls, store: Store) -> Engine:
        """Copy the store's tables into an in-process DataFusion backend."""
        # the efficacy indicators follow entities through many joins: a deeper SQL parser
        # than DataFusion's default (50 levels of nesting)
        config = datafusion.SessionConfig().set("datafusion.sql_parser.recursion_limit", "500")
        backend = ibis.datafusion.connect(datafusion.SessionContext(config))
        for table in TABLES:
            backend.create_table(table, store.con.sql(f"SELECT * FROM {table}").arrow())
        return cls(backend, store.frame(_TERRITORIES_SQL), "datafusion",
                   lambda name, arrow: backend.create_table(name, arrow, overwrite=True))

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    @cached_property
    def closure(self) -> pl.DataFrame:
        """(territory_id, ancestor_id, ancestor_level) for every territory and each of its
        ancestors, itself included. Paris arrondissements reach their department and region
        through their parents, never twice."""
        edges = self._territories.select("territory_id", "parent_id")
        levels = self._territories.select(pl.col("territory_id").alias("ancestor_id"),
                                          pl.col("level").alias("ancestor_level"))
        step = edges.select("territory_id", pl.col("territory_id").alias("ancestor_id"))
        found = [step]
        for _ in range(10):
            step = (step.join(edges, left_on="ancestor_id", right_on="territory_id")
                    .select("territory_id", pl.col("parent_id").alias("ancestor_id"))
                    .drop_nulls())
            if step.is_empty():
                break
            found.append(step)
        metropolis = self._territories.filter(pl.col("metropolis_id").is_not_null()).select(
            "territory_id", pl.col("metropolis_id").alias("ancestor_id"))
        return (pl.concat([*found, metropolis]).unique().join(levels, on="ancestor_id")
                .sort("territory_id", "ancestor_id"))

    @cached_property
    def closure_table(self) -> ir.Table:
        return self._memtable("territory_closure", self.closure)

    def _memtable(self, name: str, frame: pl.DataFrame) -> ir.Table:
        """Load a derived frame into the backend as table `name` (a view of the Arrow data in
        DuckDB, so that a read-only store works)."""
        self._load(name, frame.to_arrow())
        return self.backend.table(name)

    @property
    def territories(self) -> pl.DataFrame:
        return self._territories

    def execute(self, expr: ir.Table) -> pl.DataFrame:
        return pl.from_arrow(self.backend.to_pyarrow(expr))


_TERRITORIES_SQL = """
    SELECT territory_id, level, code, name, country_code, parent_id, region_id, metropolis_id,
           population, density_class, overseas
    FROM territories
"""
