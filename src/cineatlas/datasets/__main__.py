"""For maintainers: `python -m cineatlas.datasets prepare ID ORIGINAL` writes the shipped copy
of a dataset declared in manifest.toml from the publisher's file, and prints the values to
write in its entry (sha256, content_sha256, size_bytes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cineatlas import datasets


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "prepare":
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    values = datasets.prepare(argv[1], Path(argv[2]))
    for key, value in values.items():
        print(f"{key} = {json.dumps(value)}")  # noqa: T201  (TOML takes JSON's strings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
