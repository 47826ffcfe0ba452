"""Personal contact data is never stored: e-mail addresses and phone numbers are removed from
every text cell on its way into the store (tables and quarantine alike)."""

from __future__ import annotations

import polars as pl

EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
#: French (0X XX XX XX XX, +33 X ...) and North American ((514) 555-1234, 514-555-1234) numbers.
PHONE = (
    r"(\+33\s?|0033\s?|\b0)[1-9]([\s.\-]?\d{2}){4}\b"
    r"|(\+1[\s.\-]?)?\(?\b\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}\b"
)
EMAIL_MARK = "[e-mail removed]"
PHONE_MARK = "[phone removed]"

#: Columns that hold identifiers or codes, never free text: left untouched.
IDENTIFIER_COLUMNS = frozenset({
    "siren", "siret", "rna", "code", "reference", "currency", "sha256", "row_number",
})


def scrub(expr: pl.Expr) -> pl.Expr:
    """Remove e-mail addresses and phone numbers from a text expression."""
    return expr.str.replace_all(EMAIL, EMAIL_MARK).str.replace_all(PHONE, PHONE_MARK)


def scrub_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Scrub every text column of a frame except identifiers (ids, codes, hashes)."""
    targets = [
        name for name, dtype in frame.schema.items()
        if dtype == pl.Utf8 and not name.endswith("_id") and name not in IDENTIFIER_COLUMNS
    ]
    lists = [name for name, dtype in frame.schema.items() if dtype == pl.List(pl.Utf8)]
    if not targets and not lists:
        return frame
    return frame.with_columns(
        *(scrub(pl.col(name)) for name in targets),
        *(pl.col(name).list.eval(scrub(pl.element())) for name in lists),
    )
