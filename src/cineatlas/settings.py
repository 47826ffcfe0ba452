"""Settings, each declared once: name, environment variable, default, help."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "cineatlas"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    help: str

    def get(self) -> str | None:
        value = os.environ.get(self.env)
        return value or None


DB = Setting("db", "CINEATLAS_DB", "Path of the DuckDB store file.")
CACHE = Setting("cache", "CINEATLAS_CACHE", "Directory for downloads and derived outlines.")
OFFLINE = Setting("offline", "CINEATLAS_OFFLINE", "Set to 1 to never use the network.")
OPT_OUT = Setting("opt_out", "CINEATLAS_OPT_OUT",
                  "The opt-out file: people not to be listed in any output (docs/directory.md).")

SETTINGS = (DB, CACHE, OFFLINE, OPT_OUT)


def default_db_path() -> Path:
    """CINEATLAS_DB, else `atlas.duckdb` in the user's data directory."""
    value = DB.get()
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir(APP)) / "atlas.duckdb"


def default_opt_out_path() -> Path:
    """CINEATLAS_OPT_OUT, else `opt-out.toml` in the user's data directory (read when it
    exists)."""
    value = OPT_OUT.get()
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir(APP)) / "opt-out.toml"


def cache_dir() -> Path:
    """CINEATLAS_CACHE, else the user's cache directory. Created on demand."""
    value = CACHE.get()
    path = Path(value).expanduser() if value else Path(platformdirs.user_cache_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline() -> bool:
    return (OFFLINE.get() or "").lower() in {"1", "true", "yes"}
