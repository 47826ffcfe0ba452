"""Text normalisation shared by importers, territories and search: keys, slugs, stable ids.

Keys and slugs are made from the text with its contact data removed (`cineatlas.contacts`):
'Prod jean.dupont@orange.fr' keys as 'prod e mail removed', never 'prod jean dupont orange fr',
and so does every id hashed from a key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from cineatlas.contacts import scrub_text

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents removed, ligatures expanded: 'Œuvre Montréal' -> 'oeuvre montreal'."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_key(text: str | None) -> str:
    """A matching key: folded, contact data removed, punctuation as single spaces, trimmed.
    '' for empty input."""
    if not text:
        return ""
    return _NON_ALNUM.sub(" ", scrub_text(fold(text)) or "").strip()


def slug(text: str) -> str:
    """A URL/identifier-safe slug, contact data removed: 'Île-de-France 2024' ->
    'ile-de-france-2024'."""
    return _NON_ALNUM.sub("-", scrub_text(fold(text)) or "").strip("-")


def clean(text: str | None) -> str | None:
    """Collapse inner whitespace and strip; None for empty strings."""
    if text is None:
        return None
    text = _SPACES.sub(" ", text).strip()
    return text or None


def short_hash(text: str, length: int = 12) -> str:
    """A stable short hexadecimal digest of `text` (sha1), for deterministic ids."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]
