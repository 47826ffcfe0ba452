"""The fictitious French data: real territories, invented funders, schemes, beneficiaries,
works, awards, commissions, conventions and application statistics, all flagged.

    frames = generate_france(read_geography(store), seed=2024)
    load_fictitious(store, seed=2024)     # the source 'demo:fictitious-france'

The same seed always gives the same data. Added to the atlas only on request
(`cineatlas atlas --fictitious`; `cineatlas demo` builds a store of it alone): see
`cineatlas.build` and docs/demo.md.
"""

from __future__ import annotations

from typing import Any

from cineatlas.demo.fictitious import generate_france
from cineatlas.demo.source import load_fictitious, remove_fictitious
from cineatlas.demo.world import SOURCE_ID, read_geography

__all__ = ["SOURCE_ID", "generate_france", "load_fictitious", "read_geography",
           "remove_fictitious"]


def __getattr__(name: str) -> Any:
    """`build_demo` and `render_summary` moved to `cineatlas.build`; still importable here."""
    if name in ("build_demo", "render_summary"):
        import cineatlas.build

        return getattr(cineatlas.build, name)
    raise AttributeError(f"module 'cineatlas.demo' has no attribute {name!r}")
