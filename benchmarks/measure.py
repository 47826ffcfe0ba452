"""Running one benchmark contender in a fresh interpreter and measuring it.

    from measure import measured
    result = measured(CODE, [sample, db])   # CODE reads sys.argv[1:], writes JSON to the last

The contender's code gets `args` then the path of a result file, where it writes its JSON
result; whatever it prints goes to stderr and cannot be mistaken for the result. The result
comes back with the subprocess' peak resident memory (`peak_mib`) and CPU time
(`cpu_seconds`, user + system: steadier than wall time on a busy machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def measured(code: str, args: Sequence[str | Path],
             env: Mapping[str, str] | None = None) -> dict:
    """Run `code` with `args` in a fresh interpreter; its JSON result, peak memory and CPU."""
    fd, result_name = tempfile.mkstemp(prefix="cineatlas-bench-", suffix=".json")
    os.close(fd)
    result_path = Path(result_name)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code, *map(str, args), str(result_path)],
            stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(),
            env=None if env is None else {**os.environ, **env},
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        if process.returncode != 0:
            raise SystemExit(f"benchmark subprocess failed with exit code {process.returncode}")
        text = result_path.read_text()
        if not text.strip():
            raise SystemExit("benchmark subprocess exited without writing its result")
        result = json.loads(text)
    finally:
        result_path.unlink(missing_ok=True)
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    # CPU time of the whole subprocess (start-up included): less sensitive than wall time to
    # other jobs on the machine, but it adds up the threads of a parallel query.
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result
