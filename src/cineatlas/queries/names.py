"""Names beside codes, for downloads: each territory's name by its id."""

from __future__ import annotations

from typing import Any

import polars as pl


def territory_names(reader: Any) -> pl.DataFrame:
    """territory_id, name of every territory (a download joins the names it needs)."""
    return reader.frame("SELECT territory_id, name FROM territories")


def with_territory_name(reader: Any, frame: pl.DataFrame, id_column: str,
                        name_column: str) -> pl.DataFrame:
    """`frame` with `name_column` (the territory's name) right after `id_column`."""
    names = territory_names(reader).rename({"territory_id": id_column, "name": name_column})
    joined = frame.join(names, on=id_column, how="left", maintain_order="left")
    order = list(frame.columns)
    order.insert(order.index(id_column) + 1, name_column)
    return joined.select(order)
