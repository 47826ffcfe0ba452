"""Read-only SQL on the store, for users and scripts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from cineatlas.errors import StoreError
from cineatlas.settings import default_db_path


def read_only_query(sql: str, *, db: str | Path | None = None) -> pl.DataFrame:
    """Run one query on a store opened read-only, with no access to files or the network."""
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        raise StoreError(f"No store at {path}. Build one with `cineatlas demo` or `cineatlas import`.")
    con = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
    try:
        relation = con.sql(sql)
        if relation is None:
            raise StoreError("The statement returns no rows: `cineatlas sql` runs queries such as SELECT.")
        return relation.pl()
    except duckdb.Error as exc:
        raise StoreError(f"The query failed: {exc}".strip()) from exc
    finally:
        con.close()
