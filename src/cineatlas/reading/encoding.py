"""Find a file's text encoding while hashing it, in one streaming pass."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cineatlas.errors import FileError

CHUNK = 1 << 20
#: Codec for a UTF-8 file with some Windows-1252 lines (a file edited by two tools): each
#: sequence that is not UTF-8 is decoded as Windows-1252, the rest as UTF-8.
MIXED = "cineatlas-utf8-cp1252"
#: A multi-byte UTF-8 sequence (an accented letter, a «, an €…): proof that a file is UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]"
                            rb"|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
#: Bytes Windows-1252 leaves undefined: a file holding them is Latin-1, not CP1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
#: C0 control bytes other than NUL, tab, LF, CR (and ESC, in terminal colour codes).
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
#: Whitespace, byte-order marks and UTF-16's NUL halves: a file of only these is empty.
_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


#: NUL bytes in a UTF-8 text file are "stray" (removed from the cells with a warning, see
#: reading.cleaning) when there are at most this many, or one per STRAY_NUL_RATIO bytes, and
#: no other control byte (as binary data has); more mean a binary file or UTF-16 without a
#: byte-order mark, and the file is refused.
STRAY_NULS = 10
STRAY_NUL_RATIO = 1000


@dataclass(frozen=True)
class Nuls:
    """Where a file holds NUL bytes: how many, the first one's byte offset (from 0) and line
    (from 1), and the byte order when they look like UTF-16's halves (every other byte)."""

    count: int = 0
    offset: int | None = None
    line: int | None = None
    utf16: str | None = None  # 'utf-16-le' | 'utf-16-be' | None
    other_controls: bool = False  # the file also holds C0 controls other than tab, CR, LF


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes told us."""

    sha256: str
    size: int
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252, latin-1 or MIXED
    nuls: Nuls = Nuls()

    @property
    def is_utf8(self) -> bool:
        return self.encoding in {"utf-8", "utf-8-sig", "utf-16"}

    @property
    def stray_nuls(self) -> bool:
        """The file is UTF-8 text with a few NUL bytes (removed from cells, with a warning)."""
        return (0 < self.nuls.count <= max(STRAY_NULS, self.size // STRAY_NUL_RATIO)
                and self.nuls.utf16 is None and not self.nuls.other_controls
                and self.encoding in {"utf-8", "utf-8-sig"})


def inspect_file(path: Path) -> FileFacts:
    """Hash the file, decide its encoding and find its NUL bytes, or raise FileError for an
    empty file. Whether NULs refuse the file is for the reader to say (`refuse_nuls`)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    nul_count, nul_offset, nul_line, newlines = 0, None, None, 0
    undefined_cp1252 = False
    size = 0
    first = b""
    has_content = False
    has_utf8_sequence = False
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileError(path, f"cannot be read ({exc.strerror})",
                        "Check the path and its permissions.", code="unreadable") from exc
    with handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk
            if nul_offset is None:
                at = chunk.find(b"\x00")
                if at < 0:
                    newlines += chunk.count(b"\n")
                else:
                    nul_offset, nul_line = size + at, newlines + chunk.count(b"\n", 0, at) + 1
            nul_count += chunk.count(b"\x00") if nul_offset is not None else 0
            size += len(chunk)
            digest.update(chunk)
            has_content = has_content or bool(chunk.strip(_BLANK_BYTES))
            if utf8_ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            has_utf8_sequence = has_utf8_sequence or bool(_UTF8_SEQUENCE.search(chunk))
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
    nuls = Nuls(nul_count, nul_offset, nul_line, _utf16_order(first) if nul_count else None,
                nul_count > 0 and _has_control_bytes(path))
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif utf8_ok:
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    elif has_utf8_sequence:
        encoding = MIXED
    else:
        encoding = "latin-1" if undefined_cp1252 else "cp1252"
    return FileFacts(sha256=digest.hexdigest(), size=size, encoding=encoding, nuls=nuls)


def _has_control_bytes(path: Path) -> bool:
    """Whether the file holds C0 control bytes other than NUL, tab, LF, CR and ESC (read
    again: only for a file with NULs)."""
    with path.open("rb") as handle:
        return any(_CONTROL_BYTES.search(chunk) for chunk in iter(lambda: handle.read(CHUNK), b""))


def _utf16_order(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when a third or more of the bytes are NULs, nearly all on
    one parity (ASCII text in UTF-16), else None."""
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd + even < len(head) / 3:
        return None
    if odd >= 9 * even:
        return "utf-16-le"
    if even >= 9 * odd:
        return "utf-16-be"
    return None


def refuse_nuls(path: Path, facts: FileFacts) -> None:
    """Raise FileError for a file whose NUL bytes are not stray (see FileFacts.stray_nuls):
    where the first one is, how many there are, and what to do."""
    nuls = facts.nuls
    if not nuls.count or facts.stray_nuls or facts.encoding == "utf-16":
        return
    where = (f"{nuls.count:,} NUL byte{'s' if nuls.count > 1 else ''}, the first on line "
             f"{nuls.line:,} at byte {nuls.offset:,}")
    if nuls.utf16:
        raise FileError(
            path, f"looks like {nuls.utf16.upper()} text without a byte-order mark ({where})",
            f"Give its encoding with --option encoding={nuls.utf16}, or save it as CSV UTF-8.",
            code="binary-file")
    raise FileError(
        path, f"is not a text file: it holds {where}",
        "If it is a table, save it as CSV UTF-8 (in a spreadsheet: 'CSV UTF-8') or pass the "
        ".xlsx file; if those bytes are stray, delete them "
        "(e.g. tr -d '\\000' < in.csv > out.csv).",
        code="binary-file")


def _decode_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    text = error.object[error.start:error.end].decode("cp1252", errors="replace")
    return text, error.end


def _mixed_codec(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") != MIXED.replace("-", "_"):
        return None
    utf8 = codecs.lookup("utf-8")

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return codecs.utf_8_decode(data, "cineatlas-cp1252", True)

    class Decoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
            return codecs.utf_8_decode(data, "cineatlas-cp1252", final)

    return codecs.CodecInfo(name=MIXED, encode=utf8.encode, decode=decode,
                            incrementalencoder=utf8.incrementalencoder, incrementaldecoder=Decoder,
                            streamreader=utf8.streamreader, streamwriter=utf8.streamwriter)


codecs.register_error("cineatlas-cp1252", _decode_as_cp1252)
codecs.register(_mixed_codec)
