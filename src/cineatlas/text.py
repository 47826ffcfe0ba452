"""Text normalisation shared by importers, territories and search: keys, slugs, stable ids.

Keys and slugs are made from the text with its contact data removed (`cineatlas.contacts`):
'Prod jean.dupont@orange.fr' keys as 'prod e mail removed', never 'prod jean dupont orange fr',
and so does every id hashed from a key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

from cineatlas.contacts import scrub_text

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


#: Ligatures that Unicode does not decompose, written out ('Cœur' is searched as 'coeur').
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
#: The marks `fold` drops (Polars' regex): combining marks of a canonical class other than 0,
#: which is every mark but the grapheme joiner U+034F, of the scripts a name is written in.
_MARKS = r"[\p{Mn}&&[^\x{34F}]]+"


def fold(text: str) -> str:
    """Lower case, accents removed, ligatures expanded: 'Œuvre Montréal' -> 'oeuvre montreal'.
    The one text fold of search and matching; `fold_expr` is the same for a Polars column."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold_expr(text: pl.Expr) -> pl.Expr:
    """`fold` of a Polars text column (the award search index, facet value search)."""
    for ligature, letters in LIGATURES.items():
        text = text.str.replace_all(ligature, letters, literal=True)
    return text.str.normalize("NFKD").str.replace_all(_MARKS, "").str.to_lowercase()


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


# -- companies ------------------------------------------------------------------------------

#: Legal forms a company's name may carry before or after it (folded, initials joined:
#: 'S.A.R.L.' is 'sarl'): left out of `company_key`.
LEGAL_FORMS = frozenset({
    "sa", "sas", "sasu", "sarl", "eurl", "snc", "sca", "scs", "scop", "sem", "gie", "sprl", "srl",
    "spa", "gmbh", "ag", "bv", "nv", "ltd", "limited", "llc", "inc", "plc",
})
#: Leading French articles ('LES FILMS DU LOSANGE' = 'FILMS DU LOSANGE'), and an article put
#: after the name in parentheses ('FILMS DU LOSANGE (LES)').
_ARTICLES = frozenset({"le", "la", "les", "l"})
_INVERTED_ARTICLE = re.compile(r"\(\s*(?:les?|la|l\s*')\s*\)")
#: Trailing partnership words: 'AGAT FILMS ET CIE' = 'AGAT FILMS & CIE' = 'AGAT FILMS'.
_PARTNERS = (("et", "cie"), ("et", "compagnie"), ("et", "co"))
#: Plural and singular of the generic words of company names, read as one.
_SINGULAR = {"films": "film", "productions": "production", "prods": "prod",
             "pictures": "picture", "studios": "studio", "images": "image",
             "editions": "edition", "medias": "media", "entertainments": "entertainment"}
#: Generic words: a key is never made of these alone ('THE FILM', 'FILMS INC' and 'L FILMS'
#: stay three companies rather than becoming 'film').
_GENERIC = frozenset({"film", "production", "prod", "picture", "studio", "image", "media",
                      "edition", "cinema", "distribution", "international", "entertainment",
                      "the", "et", "cie", "compagnie", "co", "groupe", "group"})


def company_key(name: str | None) -> str:
    """A key recognising one company across spellings: `name_key` words with '&' read as
    'et', initials joined ('L.F.P.' = 'LFP'), generic words in the singular ('PRODUCTIONS' =
    'PRODUCTION'), leading French articles, legal forms (SARL, SAS, SA…) and a trailing
    'ET CIE' left out, then the words joined without spaces ('SUPERSONIC GLIDE' =
    'SUPERSONICGLIDE'). When only generic words would remain, the name keeps its articles and
    legal forms. Numbered companies ('GAUMONT IMAGES 2', 'HERODIADE V') keep their number:
    they are different companies. '' for empty input.

    >>> company_key("LES FILMS DU LOSANGE") == company_key("Films du Losange (Les) SARL")
    True
    """
    if not name:
        return ""
    text = _INVERTED_ARTICLE.sub("", fold(name)).replace("&", " et ")
    words = _join_initials(name_key(text).split())
    words = [_SINGULAR.get(w, w) for w in words]
    core = _strip_forms(words)
    if not core or all(w in _GENERIC for w in core):
        core = words
    return "".join(core)


def _join_initials(words: list[str]) -> list[str]:
    """Runs of single letters as one word: ['s', 'a', 'r', 'l'] -> ['sarl']; a lone letter
    stays ('l atelier' keeps its article)."""
    out: list[str] = []
    run = ""
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            out.append(run)
            run = ""
        if word:
            out.append(word)
    return out


def _strip_forms(words: list[str]) -> list[str]:
    while words:
        if words[-1] in LEGAL_FORMS:
            words = words[:-1]
        elif tuple(words[-2:]) in _PARTNERS:
            words = words[:-2]
        elif words[-1] in ("cie", "compagnie") and len(words) > 1:
            words = words[:-1]
        elif words[0] in LEGAL_FORMS or words[0] in _ARTICLES:
            words = words[1:]
        else:
            break
    return words
