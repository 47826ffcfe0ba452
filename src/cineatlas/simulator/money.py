"""Exact money for the simulator: euros read into integer cents, ratios as fractions, and the
one rounding rule (largest remainder) that splits an amount to the cent.

Every amount is an `int` of cents. A ratio "1:2" (1 € from the CNC for 2 € from the Region) is
the fraction 1/2 of CNC euros per Region euro; a claim is the Region's money times that
fraction, rounded down to the cent (the CNC never owes a fraction of a cent more than the rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

#: Amounts above this (one thousand billion euros) are refused as typing errors.
MAX_CENTS = 10**14
#: Largest denominator kept for ratios and shares (1:2.3456 is kept; finer is rounded).
MAX_DENOMINATOR = 10_000
#: Ratios above this (100 € from the CNC per Region euro) are refused as typing errors. With
#: MAX_CENTS, a line's claim stays below 10**16 cents, so the engine's int64 sums are exact.
MAX_RATIO = 100


def euros_to_cents(value: object) -> int:
    """Cents of an amount in euros given as an int, a float or a decimal string ("1234.56").

    Raises ValueError (with the reason) for anything else, for negative amounts, for more than
    two decimals and for amounts above MAX_CENTS."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("expected an amount in euros (a number)")
    try:
        amount = Decimal(str(value).replace("_", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if amount < 0:
        raise ValueError(f"{value!r} is negative")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{value!r} has more than two decimals (amounts are exact to the cent)")
    if cents > MAX_CENTS:
        raise ValueError(f"{value!r} is above {MAX_CENTS // 100:,} €")
    return int(cents)


def cents_to_euros_text(cents: int | None) -> str:
    """'1,234,567.89 €' (unknown: '—')."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}.{part:02d} €"


def parse_ratio(value: object) -> Fraction:
    """CNC euros per Region euro from "1:2" (→ 1/2), "1:1.5" (→ 2/3) or a Fraction.

    Raises ValueError for anything else, for a zero Region side, for negative sides and for
    ratios above MAX_RATIO."""
    if isinstance(value, Fraction):
        ratio = value
    elif isinstance(value, str) and value.count(":") == 1:
        cnc, region = (part.strip() for part in value.split(":"))
        try:
            cnc_d, region_d = Decimal(cnc), Decimal(region)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a ratio like \"1:2\"") from None
        if not (cnc_d.is_finite() and region_d.is_finite()) or cnc_d < 0 or region_d <= 0:
            raise ValueError(f"{value!r}: both sides must be numbers, the Region's above 0")
        ratio = Fraction(cnc_d) / Fraction(region_d)
    else:
        raise ValueError(f"{value!r} is not a ratio like \"1:2\" (CNC euros : Region euros)")
    if ratio < 0:
        raise ValueError(f"{value!r} is negative")
    if ratio > MAX_RATIO:
        raise ValueError(f"{value!r} gives more than {MAX_RATIO} CNC euros per Region euro")
    return ratio.limit_denominator(MAX_DENOMINATOR)


def ratio_text(ratio: Fraction) -> str:
    """"1:2" for 1/2, "1:1.5" for 2/3 (rounded to 4 decimals when not exact)."""
    if ratio == 0:
        return "0:1"
    region = Fraction(1) / ratio
    if region.denominator == 1:
        return f"1:{region.numerator}"
    text = f"{float(region):.4f}".rstrip("0").rstrip(".")
    exact = Fraction(Decimal(text)) == region
    return f"1:{text}" if exact else f"{ratio.numerator}:{ratio.denominator}"


def parse_share(value: object) -> Fraction:
    """A share between 0 and 1 (0.05 → 1/20) from a number or a decimal string."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | Fraction):
        raise ValueError("expected a share between 0 and 1 (a number)")
    try:
        share = value if isinstance(value, Fraction) else Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not 0 <= share <= 1:
        raise ValueError(f"{value!r} is not between 0 and 1")
    return share.limit_denominator(10**6)


def times(cents: int, fraction: Fraction) -> int:
    """cents × fraction, rounded down to the cent."""
    return cents * fraction.numerator // fraction.denominator


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents in proportion to non-negative integer `weights`, exactly.

    Each part is first rounded down; the cents left over go one by one to the largest
    remainders (ties: the earlier item). The parts add up to `total`; when `total` is at most
    the sum of the weights, no part exceeds its weight. All weights zero: equal parts."""
    if total < 0:
        raise ValueError("cannot split a negative amount")
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("cannot split a positive amount between nobody")
        return []
    weights = [int(w) for w in weights]
    whole = sum(weights)
    if whole == 0:
        weights, whole = [1] * n, n
    parts, remainders = [], []
    for w in weights:
        q, r = divmod(total * w, whole)
        parts.append(q)
        remainders.append(r)
    left = total - sum(parts)
    if left:
        order = sorted(range(n), key=lambda i: (-remainders[i], i))
        for i in order[:left]:
            parts[i] += 1
    return parts
