"""Territory reports: a document to take to a meeting — two to four A4 pages, French by
default (English on request), as PDF (typeset by WeasyPrint) or HTML.

    from cineatlas.reports import make_report, opened
    with opened("atlas.duckdb") as views:
        pdf = make_report(views, "FR-R52", format="pdf", peers=["FR-R53"], years=(2015, 2018))

Data flow: the report is an output. It reads the web's read layer (`web.views.Views`: the
profile's figures, the ranked results, the findings) and the convention simulator; it computes
no figure of its own. Method: docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cineatlas.reports.content import ReportData, ReportError, gather

FORMATS = ("pdf", "html")
LANGUAGES = ("fr", "en")


def make_report(views, territory_id: str, *, format: str = "pdf", lang: str = "fr",
                peers: list[str] | None = None, years: tuple[int, int] | None = None,
                simulation: bool = True) -> bytes:
    """The report of `territory_id` as PDF or HTML (UTF-8) bytes. `peers`: territory ids of
    the same level (default: every territory of its level in its country); `years`: the
    inclusive range its figures cover (default: every year); `simulation`: for a French
    Region, the convention simulator's scenarios in a section of their own. Raises
    ReportError (an AtlasError) for an unknown territory, a peer of another level, a bad
    format or language."""
    from cineatlas.reports import render
    from cineatlas.reports.simulation import region_scenarios

    if format not in FORMATS:
        raise ReportError(f"Unknown report format {format!r}: use one of {', '.join(FORMATS)}.")
    if lang not in LANGUAGES:
        raise ReportError(f"Unknown report language {lang!r}: use fr or en.")
    data = gather(views, territory_id, peers=peers, years=years, lang=lang)
    if simulation and data.level == "region" and data.place["country_code"] == "FR":
        data.simulation = region_scenarios(views, territory_id)
    document = render.html(data, views)
    return render.pdf(document) if format == "pdf" else document.encode("utf-8")


@contextmanager
def opened(db: str | Path | None) -> Iterator:
    """The web's read layer (`Views`) over the store `db`, opened read-only, for reports made
    outside a server (the command line); closed on exit."""
    from cineatlas.store import Store
    from cineatlas.web.api import Atlas
    from cineatlas.web.concurrency import Limits
    from cineatlas.web.views import Views

    with Store(db, read_only=True) as store:
        # a report waits for its figures: no 10-second limit as for a person's page
        atlas = Atlas(store, Limits(cold_workers=1, cold_wait=3600))
        try:
            yield Views(atlas)
        finally:
            atlas.close()


__all__ = ["FORMATS", "LANGUAGES", "ReportData", "ReportError", "gather", "make_report",
           "opened"]
