"""cineatlas: an open atlas of cinema and audiovisual support across territories.

The public Python API:

    from cineatlas import Store, import_file
    report = import_file("telefilm", "contributions.csv", db="atlas.duckdb")
    with Store("atlas.duckdb", read_only=True) as store:
        store.frame("SELECT currency, sum(amount_minor) FROM awards "
                    "WHERE superseded_by IS NULL GROUP BY ALL")  # each contract once
"""

from __future__ import annotations

from cineatlas.errors import AtlasError, FileError, StoreError  # noqa: E402
from cineatlas.ingest import import_file  # noqa: E402
from cineatlas.store import Store  # noqa: E402
from cineatlas.version import __version__  # noqa: E402

__all__ = ["AtlasError", "FileError", "Store", "StoreError", "__version__", "import_file"]
