"""The reading options (delimiter, encoding, sheet): checked before a file is read, with a
message naming the option, the value given and what is accepted."""

from __future__ import annotations

import codecs
from pathlib import Path

from cineatlas.errors import FileError

#: Delimiters given by name (the command line cannot easily hold a tab).
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
#: What a delimiter may not be: the quote, a line break, a NUL or a space (cells are trimmed).
_BAD_DELIMITERS = '"\r\n\x00 '
#: Options that apply to CSV files only, and to spreadsheets only.
CSV_OPTIONS = ("delimiter", "encoding")
SPREADSHEET_OPTIONS = ("sheet",)
_ACCEPTED_DELIMITERS = "one character, such as , ; | or a name: comma, semicolon, tab, pipe"
_ACCEPTED_ENCODINGS = "a text encoding such as utf-8, utf-8-sig, cp1252, latin-1, utf-16, utf-16-le"


def _refuse(path: Path, option: str, value: object, why: str, accepted: str) -> FileError:
    return FileError(path, f"cannot be read with --option {option}={value!s}: {why}",
                     f"Accepted: {accepted}; or leave the option out to let cineatlas detect it.",
                     code="bad-option")


def check_delimiter(path: Path, value: object) -> str | None:
    """The delimiter a CSV reader uses for the option's value (None: detect it)."""
    if value is None:
        return None
    text = str(value)
    text = DELIMITER_NAMES.get(text.strip().lower(), text)
    if len(text) != 1:
        why = "it is empty" if not text else f"it has {len(text)} characters"
        raise _refuse(path, "delimiter", repr(text), why, _ACCEPTED_DELIMITERS)
    if text in _BAD_DELIMITERS:
        raise _refuse(path, "delimiter", repr(text), "a quote, a space or a line break cannot "
                      "separate cells", _ACCEPTED_DELIMITERS)
    return text


def check_encoding(path: Path, value: object) -> str | None:
    """The Python codec name for the option's value (None: detect it)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        raise _refuse(path, "encoding", "''", "it is empty", _ACCEPTED_ENCODINGS)
    try:
        info = codecs.lookup(text)
    except LookupError:
        raise _refuse(path, "encoding", text, "no such encoding", _ACCEPTED_ENCODINGS) from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13...
        raise _refuse(path, "encoding", text, "it is not a text encoding", _ACCEPTED_ENCODINGS)
    return text


def check_applies(path: Path, *, spreadsheet: bool, delimiter: object, encoding: object,
                  sheet: object) -> None:
    """Refuse an option that does not apply to the file's type (it would be ignored)."""
    given = {"delimiter": delimiter, "encoding": encoding, "sheet": sheet}
    wrong = [name for name in (CSV_OPTIONS if spreadsheet else SPREADSHEET_OPTIONS)
             if given[name] is not None]
    if not wrong:
        return
    kind, other = ("a spreadsheet", "CSV files") if spreadsheet else ("a CSV file", "spreadsheets")
    names = ", ".join(f"--option {name}" for name in wrong)
    raise FileError(path, f"is {kind}: {names} applies to {other} only and would be ignored",
                    f"Remove {names} (options for {kind}: "
                    f"{', '.join(SPREADSHEET_OPTIONS if spreadsheet else CSV_OPTIONS)}).",
                    code="bad-option")
