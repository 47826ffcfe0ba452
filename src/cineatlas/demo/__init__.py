"""The demo atlas: real territories, fictitious French funding data, and any real files.

    summary = build_demo("atlas.duckdb", real_files={"telefilm": Path("contributions.csv")})
    render_summary(summary, console)

The fictitious data (source 'demo:fictitious-france', every row flagged fictitious) is
generated from a seed: the same seed always gives the same store. See docs/demo.md.
"""

from cineatlas.demo.build import build_demo
from cineatlas.demo.fictitious import generate_france
from cineatlas.demo.render import render_summary
from cineatlas.demo.world import SOURCE_ID, read_geography

__all__ = ["SOURCE_ID", "build_demo", "generate_france", "read_geography", "render_summary"]
