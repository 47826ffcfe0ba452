"""The fictitious world's frame: its source id, keyed random generators, the geography it is
drawn on, and its funders (the CNC and one fund per Region) with their schemes.

Random draws come from NumPy generators keyed by (seed, part, funder, scheme, year): a part
does not depend on the order parts are generated in, nor on Python's salted `hash`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from cineatlas.demo import catalogue as cat
from cineatlas.demo.catalogue import SchemeSpec
from cineatlas.errors import AtlasError
from cineatlas.text import name_key, short_hash

if TYPE_CHECKING:
    from cineatlas.store import Store

SOURCE_ID = "demo:fictitious-france"


def rng_for(seed: int, *keys: str) -> np.random.Generator:
    """A generator for one part of the data, independent of the order parts are generated in."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def entity_id(kind: str, key: str) -> str:
    return f"{SOURCE_ID}/{kind}/{short_hash(key)}"


@dataclass(frozen=True)
class Geography:
    """The reference territories the demo is drawn on (from the store)."""

    regions: pl.DataFrame   # territory_id, name, population (Regions of France)
    communes: pl.DataFrame  # territory_id, name, region_id, population


def read_geography(store: Store) -> Geography:
    """The French Regions and the communes (arrondissements rather than their city) of a store."""
    regions = store.frame(
        "SELECT territory_id, name, population FROM territories "
        "WHERE level = 'region' AND country_code = 'FR' ORDER BY territory_id")
    communes = store.frame(
        "SELECT territory_id, name, region_id, population FROM territories t "
        "WHERE level = 'commune' AND country_code = 'FR' AND region_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM territories c WHERE c.level = 'commune' "
        "                AND c.parent_id = t.territory_id) "
        "ORDER BY territory_id")
    if regions.is_empty() or communes.is_empty():
        raise AtlasError(
            "The store has no French Regions or communes, which the demo is drawn on. "
            "Build the reference territories first: `cineatlas territories --db PATH`.")
    missing = set(regions["territory_id"]) - set(communes["region_id"])
    if missing:
        raise AtlasError(f"The store has no communes for the Regions {sorted(missing)}. "
                         "Rebuild the territories: `cineatlas territories --rebuild --db PATH`.")
    return Geography(regions, communes)


@dataclass(frozen=True)
class Funder:
    """A fictitious funder and its habits."""

    funder_id: str
    name: str
    territory_id: str
    level: str  # national | regional
    size: float  # activity relative to the largest Region (the CNC: 1)
    amount_factor: float
    schemes: tuple[SchemeSpec, ...]
    publishes_gender: bool = True
    publishes_requested: bool = False
    publishes_stats: bool = True

    def scheme_id(self, spec: SchemeSpec) -> str:
        return entity_id("scheme", f"{self.funder_id}|{spec.key}")


def region_sizes(geo: Geography) -> dict[str, float]:
    """Activity of each Region's fund relative to the largest: (population share) ** 0.5."""
    pops = geo.communes.group_by("region_id").agg(pl.col("population").fill_null(0).sum())
    by_region = dict(zip(pops["region_id"].to_list(), pops["population"].to_list(), strict=True))
    own = dict(zip(geo.regions["territory_id"], geo.regions["population"], strict=True))
    population = {r: max(own.get(r) or 0, by_region.get(r) or 0, 150_000) for r in own}
    largest = max(population.values())
    return {r: max((p / largest) ** 0.5, 0.1) for r, p in sorted(population.items())}


def make_funders(geo: Geography, seed: int) -> list[Funder]:
    cnc = Funder(entity_id("org", name_key("CNC (fonds fictif)")), "CNC (fonds fictif)",
                 cat.NATIONAL, "national", 1.0, 1.0, cat.CNC_SCHEMES)
    funders = [cnc]
    sizes = region_sizes(geo)
    for region_id, region_name in geo.regions.select("territory_id", "name").iter_rows():
        rng = rng_for(seed, "funder", region_id)
        size = sizes[region_id]
        keep = rng.random(len(cat.REGION_SCHEMES)) < (0.35 if size < 0.2 else 0.65)
        schemes = tuple(s for s, k in zip(cat.REGION_SCHEMES, keep, strict=True)
                        if not s.optional or k or size > 0.6)
        name = f"Région {region_name} (fonds fictif)"
        funders.append(Funder(
            entity_id("org", name_key(name)), name, region_id, "regional", size,
            float(rng.uniform(0.8, 1.25)), schemes,
            publishes_gender=bool(rng.random() > 0.17),
            publishes_requested=bool(rng.random() < 0.3),
            publishes_stats=bool(rng.random() > 0.17),
        ))
    return funders


def funders_frame(funders: list[Funder]) -> pl.DataFrame:
    return pl.DataFrame({
        "organisation_id": [f.funder_id for f in funders],
        "name": [f.name for f in funders],
        "name_key": [name_key(f.name) for f in funders],
        "kind": ["public_body"] * len(funders),
        "is_funder": [True] * len(funders),
        "territory_id": [f.territory_id for f in funders],
        "country_code": ["FR"] * len(funders),
        # the CNC is national and governs France; each Region's fund, its region
        "funder_level": [f.level for f in funders],
        "governed_territory_id": [f.territory_id for f in funders],
    })


def schemes_frame(funders: list[Funder]) -> pl.DataFrame:
    rows = [
        {"scheme_id": f.scheme_id(s), "funder_id": f.funder_id, "name": s.name,
         "name_key": name_key(s.name), "stage": s.stage, "level": f.level}
        for f in funders for s in f.schemes
    ]
    return pl.DataFrame(rows)
