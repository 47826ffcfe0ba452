"""Progress of a build on a Rich Progress: one bar for the whole build, one for each step."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

#: Called with (done, total or None): rows imported, bytes downloaded…
Update = Callable[..., None]


class Steps:
    """Tasks on a Rich Progress, or nothing when there is none.

    `plan(n)` sets how many steps the build has (the overall bar); each `step(description)`
    shows its own bar while it runs and advances the overall one when it ends.
    """

    def __init__(self, progress: Any, title: str = "Building the atlas") -> None:
        self.progress = progress
        self.title = title
        self.overall: Any = None
        self.total = 0

    def plan(self, steps: int) -> None:
        """`steps` more steps to come (the overall bar grows)."""
        if self.progress is None:
            return
        self.total += steps
        if self.overall is None:
            self.overall = self.progress.add_task(self.title, total=self.total)
        else:
            self.progress.update(self.overall, total=self.total)

    @contextlib.contextmanager
    def step(self, description: str, *, counts: bool = True) -> Iterator[Update]:
        """A step with its own bar; `counts=False` for work inside a step (a download) that
        does not advance the overall bar."""
        if self.progress is None:
            yield lambda done, total=None: None
            return
        task = self.progress.add_task(description, total=None)

        def update(done: int, total: int | None = None) -> None:
            self.progress.update(task, completed=done, total=total)

        try:
            yield update
        finally:
            self.progress.update(task, total=1, completed=1)
            self.progress.remove_task(task)
            if counts and self.overall is not None:
                self.progress.advance(self.overall)
