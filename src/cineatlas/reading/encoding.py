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
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: Bytes Windows-1252 leaves undefined: a file holding them is Latin-1, not CP1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
#: Whitespace, byte-order marks and UTF-16's NUL halves: a file of only these is empty.
_BLANK_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes told us."""

    sha256: str
    size: int
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252, latin-1 or MIXED

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
    has_utf8_sequence = False
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
    elif has_utf8_sequence:
        encoding = MIXED
    else:
        encoding = "latin-1" if undefined_cp1252 else "cp1252"
    return FileFacts(sha256=digest.hexdigest(), size=size, encoding=encoding)


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
