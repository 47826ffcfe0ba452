"""What a person sees when a command fails: one message and an exit code, never a traceback.

- AtlasError (an error cineatlas raises on purpose): its own message, exit code 1.
- A DuckDB error reading or writing the store (damaged file, disk full): what happened and
  what to do, exit code 1.
- A file that cannot be read or written (missing folder, permissions, full disk): exit code 1.
- Ctrl+C: one line, exit code 130.
- Anything else is a bug: one line, the details written to a log file, exit code 2.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path

import duckdb
import platformdirs
from rich.text import Text

from cineatlas.cli.output import errors, visible
from cineatlas.errors import AtlasError
from cineatlas.settings import APP
from cineatlas.version import __version__

INTERRUPTED = 130
INTERNAL = 2

#: DuckDB errors that come from the store file or the disk, not from cineatlas' own code.
STORE_IO = (duckdb.IOException, duckdb.FatalException)


def report(message: str) -> None:
    """Print `message` on stderr after a red 'Error:', as plain text (never markup)."""
    errors.print(Text.assemble(("Error: ", "red"), visible(message)), highlight=False,
                 soft_wrap=True)


def one_line(exc: BaseException) -> str:
    """The exception's type and the first line of its message."""
    first = next((line for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def store_io_message(exc: duckdb.Error) -> str:
    return (f"cineatlas could not read or write the store: {one_line(exc)}. Nothing was changed "
            "by this command. If the disk is full, free some space and run it again; if the "
            "store file was cut short or overwritten, restore it from a copy or rebuild it "
            "(`cineatlas demo`, then your imports).")


def file_message(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return (f"{exc.strerror or one_line(exc)}{where}. Check the path, its permissions and the "
            "free disk space, then run the command again.")


def log_path() -> Path:
    """Where the details of an internal error are written: the user's log directory."""
    return Path(platformdirs.user_log_dir(APP)) / "errors.log"


def write_log(exc: BaseException) -> Path | None:
    """Append the full traceback of `exc` to the log; its path, or None if nothing could be
    written (then the traceback goes nowhere: the person still gets one line)."""
    entry = (f"--- {dt.datetime.now().isoformat(timespec='seconds')} cineatlas {__version__}\n"
             f"command: {' '.join(sys.argv)}\n"
             + "".join(traceback.format_exception(exc)))
    for path in (log_path(), Path(tempfile.gettempdir()) / f"{APP}-errors.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(entry)
        except OSError:
            continue
        return path
    return None


def internal_error(exc: BaseException) -> str:
    path = write_log(exc)
    where = f"details written to {path}" if path else "no log could be written"
    return f"cineatlas hit an internal error: {one_line(exc)}; {where}; please report it."


def interrupted(exc: SystemExit) -> bool:
    """Whether Typer turned a Ctrl+C into this exit (it raises Exit(130) from the interrupt)."""
    context = exc.__context__
    return exc.code == INTERRUPTED and isinstance(getattr(context, "__cause__", None),
                                                  KeyboardInterrupt)


def say_interrupted() -> None:
    report("interrupted (Ctrl+C). An import stopped before its end leaves the store as it was.")


def run(app) -> None:
    """Run the Typer `app` as the `cineatlas` command, with the exits described above."""
    try:
        app()  # standalone: usage errors and typer.Exit become exit codes
    except SystemExit as exc:
        if interrupted(exc):
            say_interrupted()
        raise
    except KeyboardInterrupt:
        say_interrupted()
        sys.exit(INTERRUPTED)
    except AtlasError as exc:
        report(str(exc))
        sys.exit(1)
    except STORE_IO as exc:
        report(store_io_message(exc))
        sys.exit(1)
    except OSError as exc:
        report(file_message(exc))
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 — the last guard: a bug becomes one line and a log
        report(internal_error(exc))
        sys.exit(INTERNAL)
