"""The exporter interface and what every export shares: the cut, the cut's awards and sources,
and the report.

An exporter is one module with one `Exporter` subclass: `write(store, cut, out)` writes the
cut of the store to `out` (a file, or a folder when `folder` is true) and returns an
`ExportReport` — what was written, what could not be expressed in the format and why (never a
silent skip), the sources and their licences, and whether fictitious rows are in it. Every
export carries its sources, licences, coverage and fictitious flags in the format's own way.
Names of people on the opt-out list never reach an export (`optout.organisations_sql` and
`optout.people_cte`, through `cut_awards`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from cineatlas.queries.awards import AWARDS_SELECT, AwardFilters, awards_from
from cineatlas.queries.common import DEFAULT_SECTOR, Sector, sector_value

if TYPE_CHECKING:
    from cineatlas.store import Store


@dataclass(frozen=True)
class Cut:
    """What to export: the awards whose beneficiary is placed in one of `territory` (or
    within it), of a year in `years` (first, last; fiscal year, else decision year), of one
    of the funders, schemes and stages given, in `sector` ('all' for every sector). Empty:
    no filter. `indicators`: with the indicator results of the cut's territories (the
    countries when it names none), for the formats that write them (slower: the catalogue
    is computed)."""

    territory: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    funder: tuple[str, ...] = ()
    scheme: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    sector: Sector | str = DEFAULT_SECTOR
    indicators: bool = False

    def filters(self) -> AwardFilters:
        """The awards explorer's filters for this cut (the same SQL the explorer runs)."""
        years = tuple(range(self.years[0], self.years[1] + 1)) if self.years else ()
        return AwardFilters(territory=self.territory, year=years, funder=self.funder,
                            scheme=self.scheme, stage=self.stage, sector=self.sector)

    def describe(self) -> dict[str, Any]:
        """The cut as plain values, for an export's metadata."""
        return {"territory": list(self.territory),
                "years": list(self.years) if self.years else None,
                "funder": list(self.funder), "scheme": list(self.scheme),
                "stage": list(self.stage), "sector": sector_value(self.sector),
                "indicators": self.indicators}


@dataclass
class ExportReport:
    """What an export wrote: `written` rows per table or resource; `not_expressed` the records
    the format cannot hold, each {"table", "id", "reason"}; `sources` the sources of the rows
    written (source_id, title, publisher, licence, url, fictitious); `fictitious` whether any
    row written is fictitious; `also` the files written besides `path` (a flattened CSV, the
    report of what was not expressed)."""

    format: str
    path: Path
    written: dict[str, int] = field(default_factory=dict)
    not_expressed: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    fictitious: bool = False
    also: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "path": str(self.path),
                "also": [str(p) for p in self.also], "written": self.written,
                "not_expressed": self.not_expressed, "sources": self.sources,
                "fictitious": self.fictitious}


class Exporter:
    """One output format. Subclasses set `name` (the command's FORMAT), `title`, `folder`
    (whether `out` is a folder) and implement `write`."""

    name: ClassVar[str]
    title: ClassVar[str]
    folder: ClassVar[bool] = False

    def write(self, store: Store, cut: Cut, out: Path) -> ExportReport:
        raise NotImplementedError


def prepare(store: Store) -> None:
    """Register what the cut's SQL reads on the store's connection (the territory hierarchy);
    call once before `cut_awards`."""
    from cineatlas.indicators import Engine

    store.con.register("territory_closure", Engine.duckdb(store).closure.to_arrow())


def cut_awards(store: Store, cut: Cut, *, final_only: bool = True) -> pl.DataFrame:
    """The awards of the cut with their funder, scheme and beneficiary names (as outputs name
    them: the opt-out list applied), by award id. `final_only`: each contract once, at its
    final value (an amended award's earlier versions left out)."""
    where, params = cut.filters().where()
    if final_only:
        where = f"({where}) AND a.superseded_by IS NULL"
    return store.con.sql(f"{AWARDS_SELECT}{awards_from(store)} WHERE {where} "
                         "ORDER BY a.award_id", params=params or None).pl()


def cut_sources(store: Store, source_ids: list[str]) -> list[dict[str, Any]]:
    """The sources named, with their title, publisher, licence, url, file digest and import
    date, and whether they are fictitious."""
    if not source_ids:
        return []
    marks = ", ".join("?" * len(source_ids))
    return store.con.sql(
        "SELECT source_id, title, publisher, licence, url, file_name, sha256, "
        "imported_at::VARCHAR AS imported_at, fictitious FROM sources "
        f"WHERE source_id IN ({marks}) ORDER BY source_id", params=source_ids).pl().to_dicts()
