"""Why a store cannot be opened or written, told to the person who asked: who holds its lock
and how to stop it, or that the file is damaged and how to recover."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from cineatlas.errors import StoreError

LOCK = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
#: cineatlas commands that write to the store (the others only read it).
WRITERS = {"import", "demo", "territories"}
COMMANDS = WRITERS | {"serve", "sql", "sources", "quarantine", "info", "indicators", "simulate"}


def first_line(exc: BaseException) -> str:
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def command_line(pid: int) -> list[str] | None:
    """The arguments of process `pid` (from /proc, where there is one), or None."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [arg.decode(errors="replace") for arg in raw.split(b"\0") if arg]


def lock_holder(pid: int, program: str) -> str:
    """Who holds the store, and how to stop it."""
    stop = f"stop it with Ctrl+C in its terminal, or with `kill {pid}`"
    args = command_line(pid)
    command = None
    if args and any("cineatlas" in arg for arg in args):
        command = next((arg for arg in args if arg in COMMANDS), "")
    if command == "serve":
        return (f"a cineatlas server (`cineatlas serve`, PID {pid}) has it open. The server "
                f"keeps the store open while it runs: {stop}, then run this command again")
    if command in WRITERS:
        return (f"`cineatlas {command}` (PID {pid}) is writing to it. Wait for it to finish, "
                f"or {stop} (an interrupted import leaves the store as it was)")
    if command is not None:
        label = f"`cineatlas {command}`" if command else "a cineatlas command"
        return f"{label} (PID {pid}) has it open. Wait for it to finish, or {stop}"
    shown = " ".join(" ".join(args).split())[:200] if args else program
    return f"another program has it open ({shown}, PID {pid}). Close it, or {stop}"


def opening_error(path: Path, exc: duckdb.Error) -> StoreError:
    """A StoreError for a failed `duckdb.connect(path)`: lock, permissions or damage."""
    message = str(exc)
    lock = LOCK.search(message)
    if lock:
        holder = lock_holder(int(lock["pid"]), lock["program"])
        return StoreError(f"The store {path} is in use: {holder}.")
    if "Permission denied" in message or "Read-only file system" in message:
        return StoreError(f"The store {path} cannot be opened: {first_line(exc)}. Check the path "
                          "and its permissions.")
    return damaged(path, exc)


def damaged(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"The store {path} cannot be read: it is damaged or not a DuckDB file "
        f"({first_line(exc)}). Restore it from a copy, or move it away and rebuild it with "
        f"`cineatlas demo --db {path}` (then your imports).")


WRITE_FAILURE = re.compile(r"could not write|no space left|file too large|disk quota", re.I)


def is_write_failure(exc: duckdb.Error) -> bool:
    """Whether a failed commit failed to write (rather than, say, on a constraint)."""
    return (isinstance(exc, duckdb.IOException | duckdb.FatalException)
            or bool(WRITE_FAILURE.search(str(exc))))


def write_error(path: Path, exc: duckdb.Error) -> StoreError:
    """A StoreError for a write that failed at commit (disk full, file-size limit…)."""
    return StoreError(
        f"Could not save to the store {path}: {first_line(exc)}. Nothing was written: the store "
        "is as it was before this command. Free some disk space (or raise the file-size limit, "
        "`ulimit -f`) and run the command again.")
