"""Find a file's text encoding while hashing it, in one streaming pass."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cineatlas.errors import FileError

CHUNK = 1 << 20
#: Bytes Windows-1252 leaves undefined: a file holding them is Latin-1, not CP1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
#: Whitespace, byte-order marks and UTF-16's NUL halves: a file of only these is empty.
_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes told us."""

    sha256: str
    size: int
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252 or latin-1

    @property
    def is_utf8(self) -> bool:
        return self.encoding in {"utf-8", "utf-8-sig", "utf-16"}


def inspect_file(path: Path) -> FileFacts:
    """Hash the file and decide its encoding, or raise FileError for a binary or empty file."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    has_nul = False
    undefined_cp1252 = False
    size = 0
    first = b""
    has_content = False
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileError(path, f"cannot be read ({exc.strerror})", "Check the path and its permissions.",
                        code="unreadable") from exc
    with handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk[:4]
            size += len(chunk)
            digest.update(chunk)
            has_nul = has_nul or b"\x00" in chunk
            has_content = has_content or bool(chunk.strip(_BLANK_BYTES))
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok and not undefined_cp1252:
                undefined_cp1252 = any(b in _CP1252_UNDEFINED for b in chunk)
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if not has_content:
        raise FileError(path, "is empty", "Export the table again with its header row and data.",
                        code="empty-file")
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif has_nul:
        raise FileError(
            path,
            "is not a text file (it holds NUL bytes: binary, or UTF-16 without a byte-order mark)",
            "Save it as CSV in UTF-8 (in a spreadsheet: 'CSV UTF-8'), or pass an .xlsx file.",
            code="binary-file",
        )
    elif utf8_ok:
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    else:
        encoding = "latin-1" if undefined_cp1252 else "cp1252"
    return FileFacts(sha256=digest.hexdigest(), size=size, encoding=encoding)
