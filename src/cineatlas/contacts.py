"""The patterns of contact data (e-mail addresses, phone numbers) and the scrubbing of texts.

The patterns are written for Polars (Rust `regex`, linear time) and stay valid for Python's
`re`: no look-around, no back-reference. `scrub` runs them in Polars with ASCII word
boundaries (see `_ascii_boundaries`). This module imports nothing from cineatlas, so that
`cineatlas.text` can make every matching key from scrubbed text (see `cineatlas.privacy` for
the pipeline's use and what is detected).
"""

from __future__ import annotations

import re

import polars as pl

_LOCAL = r"[a-z0-9._%+\-]+"
_LABEL = r"[a-z0-9\-]+"
_OPEN, _CLOSE = r"\s*[\[\(\{<]\s*", r"\s*[\]\)\}>]\s*"
#: '@' with or without spaces, or spelt out in brackets: [at], (at), {at}, <at>, (arobase).
_AT = rf"(?:\s*[@＠]\s*|{_OPEN}(?:at|@|arobase){_CLOSE})"
#: '.', ' . ', or spelt out in brackets: [dot], (dot), (point), [.].
_DOT = rf"(?:\.| \. |{_OPEN}(?:dot|point|\.){_CLOSE})"
#: 'at' / 'arobase' and 'dot' / 'point' spelt out as words between spaces, any case.
_WORD_AT = r"\s+(?:at|arobase)\s+"
_WORD_DOT = r"\s+(?:dot|point)\s+"
_ANY_DOT = rf"(?:{_DOT}|{_WORD_DOT})"
#: A local part, with its dots possibly spelt out ('jean dot dupont', 'jean[dot]dupont').
_LOCALS = rf"{_LOCAL}(?:{_ANY_DOT}{_LOCAL})*"
#: Top-level domains an address spelt out with words must end with ('sophie at studio dot fr'):
#: the words alone ('arrived at a point where') are too common to be read as an address.
_TLDS = ("fr|com|ca|qc|org|net|info|biz|eu|be|ch|lu|mc|de|uk|us|es|it|io|co|tv|me|fm|re|gp|mq|"
         "gf|yt|pf|nc|quebec|paris|bzh|corsica|gouv|edu|gc")

#: An e-mail address, written with a real at sign (dots real or spelt out), with 'at' spelt
#: out as a word (ending with a common top-level domain), or a bare 'name@host' (an address
#: cut short is still one).
EMAIL = (rf"(?i:{_LOCALS}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[a-z]{{2,}}"
         rf"|{_LOCALS}(?:{_AT}|{_WORD_AT}){_LABEL}(?:{_ANY_DOT}{_LABEL})*{_ANY_DOT}(?:{_TLDS})\b"
         rf"|{_LOCALS}[@＠]{_LABEL})")

#: The eight digits after a French '0X': in pairs with one separator throughout (none, space,
#: dot or hyphen), a pair possibly split in two ('06 12 34 56 7 8'). A date keeps neither its
#: separator (01.06.2012 12:30) nor pairs (01 06 2012), so it is not one.
_FR_PAIRS = (r"(?:(?:\d{2}){4}|(?:\s\d{2}|\s\d\s\d){4}|(?:\.\d{2}|\.\d\.\d){4}"
             r"|(?:-\d{2}|-\d-\d){4})")
_FR_NATIONAL = rf"\b0[1-9]{_FR_PAIRS}\b"
_FR_INTERNATIONAL = rf"(?:\+|\b00)\s?33[\s.\-]?(?:\(0\)\s?|0)?[1-9]{_FR_PAIRS}\b"
#: Freephone and other 08 numbers written 0 800 123 456.
_FR_SPECIAL = r"\b0\s8\d{2}\s\d{3}\s\d{3}\b"
#: Any international number: '+', a country code, then 9 to 15 digits in all, in any grouping
#: (spaces, dots, hyphens, a bracketed group: '+44 20 7946 0958', '+49 (0)30 12345').
#: An amount with a sign ('+2 000 000') has fewer digits. ('0044…' is not read: a SIRET may
#: start with 00.)
_INTERNATIONAL = r"\+\s?[1-9](?:[\s.\-]?(?:\(\d{1,4}\)|\d)){8,14}\b"
#: North American numbers: 3-3-4 digits with separators (an amount is grouped by three), or
#: any grouping after +1.
_NORTH_AMERICAN = (r"(?:\+1[\s.\-]?(?:\(\d{3}\)\s?|\d{3}[\s.\-]?)\d{3}[\s.\-]?\d{4}"
                   r"|(?:\b1[\s.\-])?(?:\(\d{3}\)\s?|\b\d{3}[\s.\-])\d{3}[\s.\-]\d{4})\b")
#: A bare run of 10 digits shaped like a North American number (area code and exchange start
#: with 2-9; 11 digits with a leading 1). Not when decimals follow ('2345678901.00' is an
#: amount) nor when it is the fraction of a number ('3.1488427846' is a position): see `scrub`.
_NORTH_AMERICAN_BARE = r"\b1?[2-9]\d{2}[2-9]\d{6}\b"
#: A phone number, French, international or North American.
PHONE = "|".join((_FR_INTERNATIONAL, _INTERNATIONAL, _FR_NATIONAL, _FR_SPECIAL, _NORTH_AMERICAN,
                  _NORTH_AMERICAN_BARE))

EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"

#: Numbers a bare run of digits must not be read in, guarded before the phone patterns run and
#: unguarded after (the patterns cannot look around): 10 or 11 digits with decimals
#: ('2345678901.00'), a fraction of 10 digits or more ('46.6180197037', '-3.14884278466'), and
#: a 3-digit fraction followed by a space and a number ('0.000 100.0000'),
#: unless written after '+', a dot or a hyphen (then part of a phone number). The guard, '_'
#: around a letter no text of ours holds (U+A67F), joins the digits to their neighbour as a
#: word would.
_GUARD = "_\ua67f_"
_LEAD = r"(^|[^+\d\s.\-]|[^+.\-]\s|(?:^|[,;\s])-)"
_GUARDS = ((rf"{_LEAD}(\d{{10,11}})([.,]\d)", f"${{1}}${{2}}{_GUARD}${{3}}"),
           (rf"{_LEAD}(\d+[.,])(\d{{10}})", f"${{1}}${{2}}{_GUARD}${{3}}"),
           # the fraction of a number whose whole part the first guard took
           (rf"({_GUARD}[.,])(\d{{10}})", f"${{1}}{_GUARD}${{2}}"),
           # a 3-digit fraction before a space and a number ('0.000 100.0000': two coordinates)
           # would start a 3-3-4 North American number
           (r"(\d[.,])(\d{3}\s\d)", f"${{1}}{_GUARD}${{2}}"))

#: A text that may hold contact data: an at sign, 'at'/'arobase' as a word, or 9 digits or
#: more (as every phone pattern needs). Texts without any skip the regex engine.
_MAYBE_EMAIL = re.compile(r"[@＠]|(?i:\b(?:at|arobase)\b)")
_DIGIT = re.compile(r"\d")


def _ascii_boundaries(pattern: str) -> str:
    """The pattern with ASCII word boundaries: Polars' engine then keeps to its fast automaton
    (a Unicode boundary makes it three to five times slower), and a letter such as 'é' next to
    a number ends it as a space would."""
    return pattern.replace(r"\b", r"(?-u:\b)")


_EMAIL_RS, _PHONE_RS = _ascii_boundaries(EMAIL), _ascii_boundaries(PHONE)


def scrub(expr: pl.Expr) -> pl.Expr:
    """Remove e-mail addresses and phone numbers from a text expression."""
    expr = expr.str.replace_all(_EMAIL_RS, EMAIL_MARK)
    # twice: a match takes the character before a number, so of two numbers separated by one
    # space ('0.0000000000 0.0100000000') the first pass guards only the first
    for pattern, guarded in (*_GUARDS, *_GUARDS):
        expr = expr.str.replace_all(pattern, guarded)
    return (expr.str.replace_all(_PHONE_RS, PHONE_MARK)
            .str.replace_all(_GUARD, "", literal=True))


def scrub_texts(texts: list[str | None]) -> list[str | None]:
    """`scrub` for Python strings, all at once. Polars' regex engine runs in linear time (Python's
    `re` backtracks on these patterns: minutes on a 100,000-character cell)."""
    if not texts:
        return []
    return pl.select(scrub(pl.Series(texts, dtype=pl.String))).to_series().to_list()


def may_hold_contact(text: str) -> bool:
    """False when `text` certainly holds no contact data (a quick test, before the patterns)."""
    return bool(_MAYBE_EMAIL.search(text)) or len(_DIGIT.findall(text)) >= 9


def scrub_text(text: str | None) -> str | None:
    """`scrub` for one Python string."""
    if not text or not may_hold_contact(text):
        return text
    return scrub_texts([text])[0]
