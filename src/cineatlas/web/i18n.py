"""The atlas' two languages: French first, English on request.

Page strings are written in English in the templates and code (`_("...")`) and translated
by the French catalogue `locale/fr/LC_MESSAGES/messages.po`, compiled in memory at start-up
(no binary .mo file in the repository). Numbers, money and dates are formatted by Babel
for the page's locale.
"""

from __future__ import annotations

import gettext
import io
import math
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent
from babel.support import Translations

from cineatlas.store.vocabularies import PUBLICATION_STATUSES, label, status_of
from cineatlas.text import fold

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALE_DIR = Path(__file__).parent / "locale"


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Translations for `lang` (English is the source language: no catalogue)."""
    if lang == "en":
        return gettext.NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def choose(query: str | None, cookie: str | None) -> str:
    """The page language: ?lang= first, then the cookie, else French."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def name_key(name: str | None) -> str:
    """Sort key of a name as a reader expects it: accents, ligatures and case aside ('Île'
    with 'I', 'Œuilly' with 'Oe' rather than after 'Z'): the text fold of search."""
    return fold(name or "").casefold()


class Formats:
    """Number, money and share formatting for one locale; unknown values read '—'."""

    MISSING = "—"

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang)
        # the locale's own percent pattern ('#,##0 %' in French, '#,##0%' in English), one decimal
        self._percent = self.locale.percent_formats[None].pattern.replace("0%", "0.0%").replace(
            "0\u00a0%", "0.0\u00a0%").replace("0\u202f%", "0.0\u202f%")

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if not _known(value):
            return self.MISSING
        return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                              locale=self.locale)

    def decimal(self, value: float | None) -> str:
        """A value of any size with about three significant digits."""
        if not _known(value):
            return self.MISSING
        magnitude = abs(value)
        digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2 if magnitude >= 0.1 else 3
        return self.number(value, digits)

    def compact(self, value: float | None) -> str:
        if not _known(value):
            return self.MISSING
        return format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def money(self, minor: int | None, currency: str | None, digits: int = 0) -> str:
        """An amount in minor units (cents), e.g. '1 234 €' / '€1,234'."""
        if minor is None or currency is None:
            return self.MISSING
        pattern = None if digits else "¤#,##0" if self.lang == "en" else "#,##0 ¤"
        return format_currency(minor / 100, currency, format=pattern, locale=self.locale,
                               currency_digits=bool(digits))

    def share(self, value: float | None) -> str:
        if not _known(value):
            return self.MISSING
        return format_percent(value, format=self._percent, locale=self.locale)

    def value(self, value: float | None, unit: str, currency: str | None = None) -> str:
        """An indicator value in its unit (a status in words: never a zero)."""
        if unit == "status":
            return label(PUBLICATION_STATUSES, status_of(value), self.lang)
        if unit == "share":
            return self.share(value)
        if unit in ("money", "money_per_inhabitant") and currency and _known(value):
            if unit == "money":
                return self.money(round(value * 100), currency)
            return format_currency(value, currency, locale=self.locale)
        return self.decimal(value)


def _known(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


# -- catalogue maintenance (`python -m cineatlas.web.i18n`) ------------------------------

#: Where page strings live: templates (Jinja2 extractor) and the Python modules of the pages.
SOURCES = [("templates/**.html", "jinja2"), ("pages.py", "python"), ("labels.py", "python"),
           ("errors.py", "python"), ("simulation.py", "python"), ("downloads.py", "python"),
           ("entity_pages.py", "python"), ("scheme_pages.py", "python"), ("directory.py", "python")]
#: The territory reports' templates (cineatlas.reports), translated by the same catalogue.
REPORTS = Path(__file__).parents[1] / "reports"


def extract() -> dict[str | tuple[str, str], list[tuple[str, int]]]:
    """Every page string: msgid (a plural's (singular, plural)) → [(file, line)]."""
    from babel.messages.extract import extract_from_dir

    method_map = [(pattern, "jinja2.ext:babel_extract" if kind == "jinja2" else "python")
                  for pattern, kind in SOURCES]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                     "lstrip_blocks": "True"}}
    keywords = {"_": None, "N_": None, "gettext": None, "Message": None, "ngettext": (1, 2)}
    found: dict[str, list[tuple[str, int]]] = {}
    for folder, prefix, methods in ((Path(__file__).parent, "", method_map),
                                    (REPORTS, "../reports/", method_map[:1])):
        for filename, line, message, _comments, _context in extract_from_dir(
                folder, methods, options, keywords=keywords):
            key = message if isinstance(message, str) else tuple(message[:2])  # a plural's pair
            if all(isinstance(part, str) for part in (key if isinstance(key, tuple) else (key,))):
                found.setdefault(key, []).append((prefix + filename, line))
    return found


def update(lang: str = "fr") -> tuple[int, int]:
    """Rewrite `lang`'s catalogue with every page string, keeping known translations and
    dropping strings no page uses. Returns (strings, untranslated)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = catalogue_path(lang)
    with path.open("rb") as po:
        old = read_po(po, locale=lang)
    catalog = Catalog(locale=lang, project="cineatlas", version="", charset="utf-8", fuzzy=False,
                      copyright_holder="cineatlas developers", msgid_bugs_address="",
                      last_translator="cineatlas developers", language_team="cineatlas")
    for message, places in sorted(extract().items(), key=lambda item: str(item[0])):
        known = old.get(message[0] if isinstance(message, tuple) else message)
        empty = ("",) * 2 if isinstance(message, tuple) else ""  # a plural's forms
        catalog.add(message, known.string if known else empty, locations=places)
    with path.open("wb") as po:
        write_po(po, catalog, width=100, omit_header=False, sort_output=True)
    messages = [m for m in catalog if m.id]
    return len(messages), sum(1 for m in messages if not m.string)


if __name__ == "__main__":
    total, missing = update()
    print(f"{catalogue_path('fr')}: {total} strings, {missing} to translate")  # noqa: T201
