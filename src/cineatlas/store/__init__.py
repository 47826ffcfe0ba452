"""The atlas store: one DuckDB file, schema versioned by numbered SQL migrations.

Writes happen inside `Store.transaction()`: an import is all or nothing. Every data table
carries `source_id`, so a source's rows can be replaced as a whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from cineatlas.errors import StoreError
from cineatlas.settings import default_db_path
from cineatlas.store.opening import damaged, is_write_failure, opening_error, write_error

MIGRATIONS = files("cineatlas.store") / "migrations"

#: Tables holding rows owned by a source, in the order rows are deleted.
SOURCE_TABLES = (
    "award_people",
    "work_financing",
    "work_countries",
    "work_credits",
    "film_approvals",
    "commission_members",
    "commissions",
    "application_stats",
    "conventions",
    "awards",
    "scheme_field_sources",
    "scheme_documents",
    "scheme_dates",
    "scheme_bodies",
    "schemes",
    "works",
    "people",
    "organisations",
    "venues",
    "festivals",
    "territory_outlines",
    "territory_aliases",
    "territories",
    "quarantine",
    "import_problems",
)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with the package, in order."""
    found = []
    for entry in MIGRATIONS.iterdir():
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(version), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """A cineatlas store. `Store(path)` opens (creating and migrating) the DuckDB file.

    `read_only=True` opens an existing store for queries only.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 config: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(
                f"No store at {self.path}. Build one with `cineatlas demo --db {self.path}` "
                f"or import a file with `cineatlas import SOURCE FILE --db {self.path}`."
            )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only,
                                      config=dict(config or {}))
        except duckdb.Error as exc:
            raise opening_error(self.path, exc) from None
        if read_only:
            self._check_schema()
        else:
            self.migrate()
        self._in_transaction = False

    def _check_schema(self) -> None:
        """A store opened read-only must be a cineatlas store whose catalogue can be read."""
        try:
            found = self.scalar("SELECT count(*) FROM duckdb_tables() "
                                "WHERE schema_name = 'main' AND table_name = 'schema_migrations'")
        except duckdb.Error as exc:
            self.con.close()
            raise damaged(self.path, exc) from None
        if not found:
            self.con.close()
            raise StoreError(
                f"{self.path} is a DuckDB file but not a cineatlas store (it has no "
                "schema_migrations table). Point --db at a store built by `cineatlas demo` or "
                "`cineatlas import`.")
        have, need = self.schema_version, migrations()[-1][0]
        if have != need:
            self.con.close()
            if have > need:
                raise StoreError(
                    f"{self.path} has schema version {have}, written by a newer cineatlas than "
                    f"this one (which reads version {need}). Upgrade cineatlas, or point --db at "
                    "another store.")
            raise StoreError(
                f"{self.path} has schema version {have}; this cineatlas reads version {need}. "
                f"Upgrade the store once (it adds tables and columns and keeps every row): "
                f"`cineatlas upgrade --db {self.path}`.")

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction. Returns the versions applied."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {row[0] for row in
                self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, now()::TIMESTAMP)", [version, name]
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(version)
        return applied

    @property
    def schema_version(self) -> int:
        version = self.scalar("SELECT max(version) FROM schema_migrations")
        return int(version) if version is not None else 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements inside succeed together or leave the store as it was."""
        if self._in_transaction:
            yield self
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self._rollback()
                if is_write_failure(exc):  # disk full, file-size limit: nothing was committed
                    raise write_error(self.path, exc) from None
                raise
        finally:
            self._in_transaction = False

    def _rollback(self) -> None:
        """Roll back if the connection still can (after a fatal error DuckDB already has)."""
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    # -- writing -----------------------------------------------------------------------

    def insert(
        self, table: str, frame: pl.DataFrame | pa.Table, *, ignore_duplicates: bool = False
    ) -> int:
        """Insert a frame's rows by column name. Returns the number of rows given."""
        arrow = frame.to_arrow() if isinstance(frame, pl.DataFrame) else frame
        if arrow.num_rows == 0:
            return 0
        verb = "INSERT OR IGNORE INTO" if ignore_duplicates else "INSERT INTO"
        self.con.register("__cineatlas_frame", arrow)
        try:
            self.con.execute(f"{verb} {table} BY NAME SELECT * FROM __cineatlas_frame")
        finally:  # after a failed insert the transaction refuses this: the insert's error shows
            with contextlib.suppress(duckdb.TransactionException):
                self.con.unregister("__cineatlas_frame")
        return arrow.num_rows

    def update(self, table: str, frame: pl.DataFrame, key: str) -> int:
        """Set the frame's other columns on the rows whose `key` matches. Returns the number
        of rows given."""
        if frame.height == 0:
            return 0
        sets = ", ".join(f"{c} = f.{c}" for c in frame.columns if c != key)
        self.con.register("__cineatlas_frame", frame.to_arrow())
        try:
            self.con.execute(f"UPDATE {table} SET {sets} FROM __cineatlas_frame f "
                             f"WHERE {table}.{key} = f.{key}")
        finally:
            self.con.unregister("__cineatlas_frame")
        return frame.height

    def delete_source(self, source_id: str) -> None:
        """Remove every row owned by a source, and the source itself."""
        for table in SOURCE_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
        self.con.execute("DELETE FROM sources WHERE source_id = ?", [source_id])

    def record_source(self, record: Mapping[str, Any]) -> None:
        """Insert the `sources` row of an import (JSON fields given as Python objects)."""
        row = dict(record)
        for key in ("options", "report"):
            if key in row and not isinstance(row[key], str | None):
                row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.con.execute(f"INSERT INTO sources ({columns}) VALUES ({marks})", list(row.values()))

    # -- reading -----------------------------------------------------------------------

    def source(self, source_id: str) -> dict[str, Any] | None:
        """The `sources` row of a source, or None."""
        cursor = self.con.execute("SELECT * FROM sources WHERE source_id = ?", [source_id])
        rows = cursor.fetchall()  # DuckDB 2: a result must be fully fetched before the next query
        if not rows:
            return None
        names = [d[0] for d in cursor.description]
        return dict(zip(names, rows[0], strict=True))

    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """Run a query and return a Polars frame."""
        return self.con.sql(sql, params=params or None).pl()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def count(self, table: str, where: str = "TRUE", params: list[Any] | None = None) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params))

    def tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def checksum(self) -> str:
        """An md5 over every row of every table, independent of physical row order."""
        parts = []
        for table in self.tables():
            digest = self.scalar(
                f"SELECT md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) "
                f"FROM (SELECT CAST(t AS VARCHAR) AS r FROM {table} t)"
            )
            parts.append(f"{table}:{digest}")
        return hashlib.md5("\n".join(parts).encode()).hexdigest()
