"""Errors raised by cineatlas. Every one derives from AtlasError and is written for its reader."""

from __future__ import annotations


class AtlasError(Exception):
    """Root of every error cineatlas raises on purpose."""


class FileError(AtlasError):
    """A whole input file cannot be imported (encoding, delimiter, header, empty...).

    The message names the file, the problem and the fix; the store is left unchanged.
    """

    def __init__(self, path: object, problem: str, fix: str, *, code: str = "bad-file") -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        self.code = code
        super().__init__(f"{self.path}: {problem}. {fix}")


class StoreError(AtlasError):
    """The store cannot be opened, migrated or queried as asked."""


class QueryLimitError(StoreError):
    """A query went past its time or memory limit, or a limit was given wrongly."""


class UnknownImporter(AtlasError):
    """No importer is registered under the given name."""


class MappingError(AtlasError):
    """A mapping file for the generic importer is invalid."""
