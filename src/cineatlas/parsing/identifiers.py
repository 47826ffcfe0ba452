"""French company identifiers (SIRET, SIREN), checked with their checksums, vectorised."""

from __future__ import annotations

import polars as pl

from cineatlas.parsing.values import NULL_TEXT, Stages


def _luhn(digits: pl.Expr, length: int) -> pl.Expr:
    """Luhn checksum of a string of `length` digits (vectorised)."""
    total: pl.Expr = pl.lit(0, dtype=pl.Int32)
    for i in range(length):
        d = digits.str.slice(i, 1).cast(pl.Int32, strict=False)
        if (length - 1 - i) % 2 == 1:
            d = pl.when(d >= 5).then(d * 2 - 9).otherwise(d * 2)
        total = total + d
    return (total % 10) == 0


def _digit_sum(digits: pl.Expr, length: int) -> pl.Expr:
    return pl.sum_horizontal(
        [digits.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(length)]
    )


def siret_parts(raw: pl.Expr, st: Stages) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(siret, siren, written as a SIRET) from the text of an identifier.

    Spaces, a spreadsheet's trailing '.0' and the apostrophes or quotes a spreadsheet leaves
    around a number kept as text (`'22490001900015`, `224 900 019 000 15'`) are ignored. The
    SIRET is kept when it has 14 digits and a right checksum (Luhn; La Poste's SIRETs, SIREN
    356000000, have a digit sum divisible by 5); the SIREN (9 digits, Luhn) is kept from a
    valid SIRET, from the first 9 digits of a SIRET with a wrong NIC, or from a 9-digit value.
    """
    norm = st.then(raw.str.replace_all(r"[\s\u00a0\u202f]", "").str.strip_chars("'’\"")
                   .str.replace(r"\.0+$", ""))
    is14, is9 = st.then(norm.str.contains(r"^\d{14}$"), norm.str.contains(r"^\d{9}$"))
    head = norm.str.slice(0, 9)
    siret_ok = is14 & pl.when(head == "356000000").then(_digit_sum(norm, 14) % 5 == 0).otherwise(
        _luhn(norm, 14)
    )
    siren_ok = (is14 | is9) & _luhn(head, 9)
    siret, siren = st.then(
        pl.when(siret_ok).then(norm).otherwise(NULL_TEXT),
        pl.when(siren_ok).then(head).otherwise(NULL_TEXT),
    )
    return siret, siren, siret.is_not_null()
