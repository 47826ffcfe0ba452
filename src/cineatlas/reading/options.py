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


class OptionValueError(ValueError):
    """An invalid value for a reading option: why, and what is accepted."""

    def __init__(self, option: str, value: str, why: str, accepted: str) -> None:
        self.option, self.value, self.why, self.accepted = option, value, why, accepted
        super().__init__(f"{option}={value!r}: {why}. Accepted: {accepted}.")

    def file_error(self, path: Path) -> FileError:
        return FileError(path, f"cannot be read with --option {self.option}={self.value!r}: "
                         f"{self.why}", f"Accepted: {self.accepted}; or leave the option out "
                         "to let cineatlas detect it.", code="bad-option")


def parse_delimiter(value: object) -> str:
    """The delimiter character for an option's value (a character or a name)."""
    text = str(value)
    text = DELIMITER_NAMES.get(text.strip().lower(), text)
    if len(text) != 1:
        why = "it is empty" if not text else f"it has {len(text)} characters"
        raise OptionValueError("delimiter", text, why, _ACCEPTED_DELIMITERS)
    if text in _BAD_DELIMITERS:
        raise OptionValueError("delimiter", text, "a quote, a space or a line break cannot "
                               "separate cells", _ACCEPTED_DELIMITERS)
    return text


def parse_encoding(value: object) -> str:
    """The codec name for an option's value: an encoding of text Python knows."""
    text = str(value).strip()
    if not text:
        raise OptionValueError("encoding", text, "it is empty", _ACCEPTED_ENCODINGS)
    try:
        info = codecs.lookup(text)
    except LookupError:
        raise OptionValueError("encoding", text, "no such encoding", _ACCEPTED_ENCODINGS) from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13...
        raise OptionValueError("encoding", text, "it is not a text encoding", _ACCEPTED_ENCODINGS)
    return text


def check_delimiter(path: Path, value: object) -> str | None:
    """The delimiter a CSV reader uses for the option's value (None: detect it)."""
    try:
        return None if value is None else parse_delimiter(value)
    except OptionValueError as exc:
        raise exc.file_error(path) from None


def check_encoding(path: Path, value: object) -> str | None:
    """The Python codec name for the option's value (None: detect it)."""
    try:
        return None if value is None else parse_encoding(value)
    except OptionValueError as exc:
        raise exc.file_error(path) from None


#: The reading options each kind of file takes, and how a message names that kind.
OPTIONS_BY_KIND = {"csv": ("a CSV file", CSV_OPTIONS),
                   "spreadsheet": ("a spreadsheet", SPREADSHEET_OPTIONS),
                   "json": ("a JSON file", ())}


def check_applies(path: Path, *, kind: str, delimiter: object, encoding: object,
                  sheet: object) -> None:
    """Refuse an option that does not apply to the file's kind ('csv', 'spreadsheet' or
    'json'): it would be ignored."""
    given = {"delimiter": delimiter, "encoding": encoding, "sheet": sheet}
    label, accepted = OPTIONS_BY_KIND[kind]
    wrong = [name for name, value in given.items() if value is not None and name not in accepted]
    if not wrong:
        return
    names = ", ".join(f"--option {name}" for name in wrong)
    where = "CSV files" if wrong[0] in CSV_OPTIONS else "spreadsheets"
    takes = (f"options for {label}: {', '.join(accepted)}" if accepted
             else f"{label} takes no reading option")
    raise FileError(path, f"is {label}: {names} applies to {where} only and would be ignored",
                    f"Remove {names} ({takes}).", code="bad-option")
