"""The sources behind a page's figures: numbered notes, cited next to each figure.

A figure (a row of results or of awards, with `fictitious` and `sources`) cites its sources as
[1], [2]…, numbered in the order the page first cites them; the page lists them at its end,
each linked to its entry on /sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class SourceNotes:
    """The sources cited on one page, in the order of their first citation."""

    def __init__(self, known: dict[str, dict[str, Any]]) -> None:
        self.known = known
        self.cited: list[str] = []

    def refs(self, sources: Iterable[str] | None) -> list[tuple[int, str]]:
        """(number, source id) of each of `sources`, numbering those cited for the first time."""
        out = []
        for source_id in sources or ():
            if source_id not in self.cited:
                self.cited.append(source_id)
            out.append((self.cited.index(source_id) + 1, source_id))
        return out

    def title(self, source_id: str) -> str:
        return (self.known.get(source_id) or {}).get("title") or source_id

    def items(self) -> list[dict[str, Any]]:
        """The cited sources, numbered: n, source_id, title, publisher, fictitious."""
        return [{"title": None, "publisher": None, "fictitious": False}
                | (self.known.get(source_id) or {}) | {"n": n, "source_id": source_id}
                for n, source_id in enumerate(self.cited, start=1)]
