"""Shared indicators: a declared catalogue, computed with one portable (Ibis) layer.

    from cineatlas.indicators import Cut, Engine, compute
    frame = compute(Engine.duckdb(store), "support_per_inhabitant", Cut(level="region"))
"""

from cineatlas.indicators.compute import COLUMNS, compute, compute_all
from cineatlas.indicators.cut import Cut, CutError
from cineatlas.indicators.engine import Engine
from cineatlas.indicators.registry import Indicator, catalogue, get, indicator

__all__ = ["COLUMNS", "Cut", "CutError", "Engine", "Indicator", "catalogue", "compute",
           "compute_all", "get", "indicator"]
