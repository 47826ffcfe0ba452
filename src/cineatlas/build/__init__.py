"""Building the atlas into one store: the reference territories, the open datasets shipped
with cineatlas (each through its importer; `--download` refreshes them from their
publishers), the user's own files and, only on request, the fictitious French data.

    summary = build_atlas("atlas.duckdb")                   # real public data only
    summary = build_atlas("atlas.duckdb", fictitious=True)  # plus the flagged fictitious data
    summary = build_demo("demo.duckdb")                     # territories + fictitious data only
    render_summary(summary, console)

Building again changes nothing when nothing changed (every import is idempotent). See
docs/atlas.md.
"""

from cineatlas.build.atlas import build_atlas, build_demo
from cineatlas.build.render import render_summary

__all__ = ["build_atlas", "build_demo", "render_summary"]
