"""Hypothesis strategies for the privacy tests: contact data written many ways (always to be
removed), and the numbers that must survive (amounts, dates, identifiers). Each contact comes
with the pieces that must never be found again (`Contact.secrets`), worked out from how it was
generated, independently of cineatlas' patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

#: Top-level domains used when an address is spelt out with words (the patterns require one).
SPELT_TLDS = ("fr", "com", "ca", "org", "net", "qc", "be", "ch", "info", "eu")


@dataclass(frozen=True)
class Contact:
    text: str
    kind: str  # "email" or "phone"
    #: Letters or digits of the contact that no stored text may contain again.
    secrets: tuple[str, ...]


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


# -- what must be kept ---------------------------------------------------------------------------

@st.composite
def amounts(draw: st.DrawFn) -> str:
    """Amounts as they are written. Bare digits (no separator, no decimals) stay below a billion:
    a bare run of 10 phone-shaped digits is read as a phone number (documented)."""
    units = draw(st.integers(min_value=0, max_value=10**12))
    cents = draw(st.integers(min_value=0, max_value=99))
    style = draw(st.sampled_from(["fr", "fr-nbsp", "en", "plain", "bare", "dots", "swiss",
                                  "float"]))
    sign = draw(st.sampled_from(["", "-"]))
    digits = str(units)
    if style == "fr":
        text = f"{_group(digits, ' ')},{cents:02d}"
    elif style == "fr-nbsp":
        text = f"{_group(digits, chr(0x202F))},{cents:02d} €"
    elif style == "en":
        text = f"{_group(digits, ',')}.{cents:02d}"
    elif style == "dots":
        text = f"{_group(digits, '.')},{cents:02d}"
    elif style == "swiss":
        text = _group(digits, "'")
    elif style == "plain":
        text = f"{digits}{draw(st.sampled_from(['.', ',']))}{cents:02d}"
    elif style == "float":  # a spreadsheet's binary float noise: '521333.9999999999'
        text = f"{digits}.{draw(st.text('0123456789', min_size=3, max_size=17))}"
    else:
        text = str(units % 10**9)
    return sign + text


@st.composite
def dates(draw: st.DrawFn) -> str:
    day = draw(st.datetimes())
    fmt = draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d",
                                "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%d %m %Y", "%Y/%m/%d",
                                "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M",
                                "%d %m %Y %H:%M", "%d.%m.%Y %H.%M", "%Y-%m-%d %Y-%m-%d",
                                "%d/%m/%Y-%d/%m/%Y", "%H:%M:%S"]))
    return day.strftime(fmt)


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    siren = draw(st.text("0123456789", min_size=9, max_size=9))
    nic = draw(st.text("0123456789", min_size=5, max_size=5))
    kind = draw(st.sampled_from(["siret", "siret-spaced", "siren", "siren-spaced", "insee",
                                 "corsica", "postal", "period", "fiscal", "visa", "rna", "year"]))
    year = draw(st.integers(min_value=1900, max_value=2100))
    if kind == "siret":
        return siren + nic
    if kind == "siret-spaced":
        return f"{siren[:3]} {siren[3:6]} {siren[6:]} {nic}"
    if kind == "siren":
        return siren
    if kind == "siren-spaced":
        return f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    if kind == "corsica":
        return draw(st.sampled_from(["2A", "2B"])) + nic[:3]
    if kind == "period":
        return f"{year}-{year + 1}"
    if kind == "fiscal":
        return draw(st.sampled_from([f"{year}-{(year + 1) % 100:02d}", f"FY{year}",
                                     f"exercice {year}", f"{year}/{year + 1}"]))
    if kind == "visa":  # a CNC visa number: 5 or 6 digits
        return str(draw(st.integers(min_value=10_000, max_value=999_999)))
    if kind == "rna":
        return "W" + siren
    if kind == "year":
        return str(year)
    return nic  # a 5-digit INSEE or postal code


@st.composite
def positions(draw: st.DrawFn) -> str:
    """Latitude and longitude as files write them ('46.6180197037,3.14884278466')."""
    def coordinate(limit: int) -> str:
        whole = draw(st.integers(min_value=-limit, max_value=limit))
        fraction = draw(st.text("0123456789", min_size=1, max_size=12))
        return f"{whole}.{fraction}"
    sep = draw(st.sampled_from([",", ", ", " "]))
    return coordinate(90) + sep + coordinate(180)


KEPT_VALUES = st.one_of(amounts(), dates(), identifiers(), positions())


# -- what must be removed --------------------------------------------------------------------------

#: Letters rare in French and English words, so that a secret found in a store is a leak, not a
#: word of the surrounding text.
_RARE = "jkqwxyz"
_LOCAL = st.from_regex(r"[a-z0-9]([a-z0-9._+\-]{0,14}[a-z0-9])?", fullmatch=True)
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9\-]{0,10}[a-z0-9])?", fullmatch=True)
_TLD = st.from_regex(r"[a-z]{2,6}", fullmatch=True)
_RARE_WORD = st.text(_RARE, min_size=4, max_size=8)


def _secrets_of_address(local: str, labels: list[str]) -> tuple[str, ...]:
    """The local part's and the domain's words of 4 characters or more."""
    words = re.findall(r"[a-z0-9]{4,}", " ".join([local, *labels]).lower())
    return tuple(dict.fromkeys(words))


@st.composite
def email_contacts(draw: st.DrawFn, rare: bool = False) -> Contact:
    """An e-mail address written one of many ways. `rare`: words made of rare letters (for
    searching a whole store for them)."""
    word, label = (_RARE_WORD, _RARE_WORD) if rare else (_LOCAL, _LABEL)
    style = draw(st.sampled_from(["symbol", "bracketed", "words"]))
    if style == "words":  # 'sophie AT studio DOT fr', 'jean point dupont arobase x point fr'
        at = draw(st.sampled_from([" at ", " AT ", " At ", " arobase ", " AROBASE "]))
        dots = st.sampled_from([" dot ", " DOT ", " point ", " POINT ", ".", " [dot] "])
        tld = draw(st.sampled_from(SPELT_TLDS))
        local_words = draw(st.lists(_RARE_WORD if rare else st.from_regex(
            r"[a-z0-9]{1,10}", fullmatch=True), min_size=1, max_size=2))
        local = draw(dots).join(local_words)
    else:
        if style == "symbol":
            at = draw(st.sampled_from(["@", " @ ", "@ ", " @", "＠"]))
        else:
            at = draw(st.sampled_from(["[at]", "(at)", " [at] ", " (at) ", "{at}", "<at>",
                                       " (arobase) ", "[@]"]))
        dots = st.sampled_from([".", " [dot] ", "(dot)", "[.]", " (point) "])
        tld = draw(_TLD)
        local = draw(word)
    labels = draw(st.lists(label, min_size=1, max_size=3))
    address = local
    address += at + labels[0]
    for part in [*labels[1:], tld]:
        address += draw(dots) + part
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
    return Contact(case(address), "email", _secrets_of_address(local, labels))


@st.composite
def phone_contacts(draw: st.DrawFn) -> Contact:
    """A French, North American or other international number written one of many ways; its
    secret is its subscriber number without separators (the digits after the area code)."""
    kind = draw(st.sampled_from(["fr", "fr-intl", "fr-split", "na", "na-intl", "na-bare",
                                 "intl"]))
    if kind.startswith("fr"):
        first = str(draw(st.integers(min_value=1, max_value=9)))
        pairs = [f"{draw(st.integers(min_value=0, max_value=99)):02d}" for _ in range(4)]
        sep = draw(st.sampled_from(["", " ", ".", "-"] if kind != "fr-split" else [" ", ".", "-"]))
        if kind == "fr-split":  # '06 12 34 56 7 8': some pairs written as two digits
            split = draw(st.lists(st.booleans(), min_size=4, max_size=4))
            body = "".join(sep + (f"{p[0]}{sep}{p[1]}" if cut else p)
                           for p, cut in zip(pairs, split, strict=True))
            return Contact("0" + first + body, "phone", ("".join(pairs),))
        if kind == "fr":
            return Contact("0" + first + sep + sep.join(pairs), "phone", ("".join(pairs),))
        prefix = draw(st.sampled_from(["+33 ", "+33", "0033 ", "+33 (0)", "+33 0"]))
        return Contact(prefix + first + sep + sep.join(pairs), "phone", ("".join(pairs),))
    if kind == "intl":  # '+44 20 7946 0958', '+49 (0)30 1234567', '+32-2-123-45-67'
        code = str(draw(st.sampled_from([32, 34, 39, 41, 44, 49, 52, 55, 61, 81, 212, 225, 352])))
        digits = draw(st.text("0123456789", min_size=8, max_size=11))
        sep = draw(st.sampled_from([" ", ".", "-", ""]))
        cuts = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=len(digits) - 1),
                                        max_size=4))))
        groups = [digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
        trunk = draw(st.sampled_from(["", " (0)"]))
        plus = draw(st.sampled_from(["+", "+ "]))
        return Contact(f"{plus}{code}{trunk}{sep or ' '}{sep.join(groups)}", "phone",
                       (digits[-8:],))
    area = str(draw(st.integers(min_value=200, max_value=999)))
    exchange = str(draw(st.integers(min_value=200, max_value=999)))
    line = f"{draw(st.integers(min_value=0, max_value=9999)):04d}"
    if kind == "na-bare":  # '5145551234', '15145551234'
        return Contact(draw(st.sampled_from(["", "1"])) + area + exchange + line, "phone",
                       (area + exchange + line,))
    sep = draw(st.sampled_from([" ", "-", "."]))
    body = draw(st.sampled_from([f"({area}) {exchange}-{line}", f"({area}){exchange}-{line}",
                                 f"{area}{sep}{exchange}{sep}{line}"]))
    if kind == "na-intl":
        body = draw(st.sampled_from(["+1 ", "+1-", "1-", "+1"])) + body
    return Contact(body, "phone", (area + exchange + line,))


def contacts(rare: bool = False) -> st.SearchStrategy[Contact]:
    return st.one_of(email_contacts(rare=rare), phone_contacts())


#: Texts with a contact inside, as cells hold them.
TEMPLATES = ("{}", "Contact : {}", "{}, merci", "écrire à {} ou passer", "Tél. {}",
             "{} (bureau)", "appeler le {} ou écrire", "Prod {}", "Films ({}) Inc.")


def collapse(text: str) -> str:
    """A text in lower case without the separators a number or a key may be written with."""
    return re.sub(r"[\s.\-()+/]", "", text.lower())


def leaked(contact: Contact, text: str) -> list[str]:
    """The secrets of `contact` found in `text` (any case, separators ignored)."""
    return [s for s in contact.secrets if s in collapse(text)]
