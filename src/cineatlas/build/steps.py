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

    def plan(self, steps: int) -> None:
        if self.progress is None:
            return
        if self.overall is None:
            self.overall = self.progress.add_task(self.title, total=steps)
        else:
            self.progress.update(self.overall, total=steps)

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[Update]:
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
            if self.overall is not None:
                self.progress.advance(self.overall)
