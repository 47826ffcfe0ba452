"""Vectorised value parsers: exact money, dates, numbers, booleans, vocabularies."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cineatlas.parsing import RowParser, map_unique, values


def parse(cells: list[str | None], parser, **kwargs) -> tuple[list, list[str | None]]:
    frame = pl.DataFrame({"_row": list(range(2, len(cells) + 2)), "c": cells},
                         schema={"_row": pl.Int64, "c": pl.Utf8})
    p = RowParser(frame)
    p.add("v", "c", parser(p.raw("c"), **kwargs))
    typed, problems = p.finish()
    codes = {row: code for row, code in problems.select("row", "code").rows()}
    return typed["v"].to_list(), [codes.get(r) for r in typed["_row"].to_list()]


@pytest.mark.parametrize(("cell", "decimal", "minor", "code"), [
    ("31872.00", ".", 3187200, None),
    ("1 234,56 €", ".", 123456, "decimal-comma"),      # tolerated decimal comma
    ("1,234.56", ".", 123456, None),                    # comma = thousands
    ("2,820,000.00", ".", 282000000, None),
    ("1 234,56 €", ",", 123456, None),
    ("1.234,56", ",", 123456, None),                    # dot = thousands
    ("12 000", ",", 1200000, None),
    ("1\u202f500\u00a0€", "auto", 150000, None),        # narrow and non-breaking spaces
    ("1.234,5", "auto", 123450, None),
    ("1,234.5", "auto", 123450, None),
    ("1,234", "auto", 123400, "ambiguous-separator"),
    ("-500", ".", -50000, "negative-amount"),
    ("(1 000)", ",", -100000, "negative-amount"),       # accounting negative
    ("12.345", ".", 1235, "sub-unit-amount"),           # 12.345 -> 12.35 (half up)
    ("12.344", ".", 1234, "sub-unit-amount"),
    ("EUR 50", ".", 5000, None),
    ("50 $CAD", ".", 5000, None),
    ("abc", ".", None, "invalid-amount"),
    ("1e5", ".", None, "invalid-amount"),
    ("99999999999999999", ".", None, "amount-too-large"),
    ("", ".", None, None),
    (None, ".", None, None),
])
def test_money_is_exact_minor_units(cell, decimal, minor, code) -> None:
    got, codes = parse([cell], values.money, decimal=decimal)
    assert got == [minor]
    assert codes == [code]


def test_money_zero_can_mean_unknown_and_required_can_fail() -> None:
    assert parse(["0.00", "0"], values.money, decimal=".", zero_is_unknown=True) == (
        [None, None], ["zero-as-unknown", "zero-as-unknown"])
    assert parse(["0.00"], values.money, decimal=".") == ([0], [None])
    assert parse([""], values.money, required=True) == ([None], ["required"])


@given(st.integers(min_value=-10**12, max_value=10**12),
       st.sampled_from(["plain", "fr", "en", "euro"]))
def test_money_round_trips_every_amount(cents: int, style: str) -> None:
    units, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    if style == "plain":
        text, decimal = f"{sign}{units}.{rest:02d}", "."
    elif style == "fr":
        text, decimal = f"{sign}{units:,}".replace(",", "\u00a0") + f",{rest:02d}", ","
    elif style == "en":
        text, decimal = f"{sign}{units:,}.{rest:02d}", "."
    else:
        text, decimal = f"{sign}{units:,}".replace(",", " ") + f",{rest:02d} €", ","
    got, _ = parse([text], values.money, decimal=decimal)
    assert got == [cents]


@pytest.mark.parametrize(("cell", "expected", "code"), [
    ("2009-04-02", dt.date(2009, 4, 2), None),
    ("2021-02-28T10:00:00", dt.date(2021, 2, 28), None),
    ("2021-02-28 00:00:00", dt.date(2021, 2, 28), None),
    ("05/12/2016", dt.date(2016, 12, 5), "non-iso-date"),
    ("05-12-2016", dt.date(2016, 12, 5), "non-iso-date"),
    ("5.12.2016", dt.date(2016, 12, 5), "non-iso-date"),
    ("2021-02-30", None, "invalid-date"),
    ("31/02/2021", None, "invalid-date"),
    ("31/12/1800", None, "implausible-date"),
    ("hier", None, "invalid-date"),
    ("", None, None),
])
def test_dates(cell, expected, code) -> None:
    assert parse([cell], values.date, iso_only_is_standard=True) == ([expected], [code])


def test_integers_numbers_booleans_enums_text() -> None:
    assert parse(["4.0", "1 234", "12", "4.5", "x", "-3"], values.integer, minimum=0) == (
        [4, 1234, 12, None, None, -3],
        [None, None, None, "invalid-integer", "invalid-integer", "out-of-range"])
    assert parse(["0.5", "0,5", "80", "x"], values.number, maximum=1) == (
        [0.5, 0.5, 80.0, None], [None, "decimal-comma", "out-of-range", "invalid-number"])
    assert parse(["oui", "Non", "yes", "peut-être", ""], values.boolean,
                 strict_true=["oui"], strict_false=["non"]) == (
        [True, False, True, None, None],
        [None, None, "non-standard-boolean", "invalid-boolean", None])
    assert parse([" Avance ", "INVESTMENT", "grant?", ""], values.enum,
                 mapping={"avance": "repayable_advance", "investment": "investment"}) == (
        ["repayable_advance", "investment", None, None], [None, None, "enum", None])
    assert parse(["  Les   Films  ", "", "x" * 300], values.text, required=True,
                 max_length=256) == (
        ["Les Films", None, "x" * 300], [None, "required", "max-length"])
    assert parse(["W123456789", "W12", ""], values.pattern, regex=r"^W\d{9}$") == (
        ["W123456789", None, None], [None, "pattern", None])


def test_problem_messages_name_field_value_and_fix() -> None:
    frame = pl.DataFrame({"_row": [7], "Montant": ["douze"]})
    p = RowParser(frame)
    p.add("amount_minor", "Montant", values.money(p.raw("Montant")))
    _, problems = p.finish()
    row = problems.row(0, named=True)
    assert row["row"] == 7 and row["field"] == "Montant" and row["severity"] == "error"
    assert row["message"] == ("Not an amount in column 'Montant': 'douze'. "
                              "Write an amount such as 15000, 15 000,00 € or 15000.00.")


def test_map_unique_calls_once_per_distinct_value() -> None:
    calls: list[str | None] = []

    def upper(value: str | None) -> str:
        calls.append(value)
        return (value or "?").upper()

    out = map_unique(pl.Series("s", ["a", "b", None, "a", "b"]), upper, pl.Utf8)
    assert out.to_list() == ["A", "B", "?", "A", "B"]
    assert sorted(calls, key=str) == [None, "a", "b"]
    # a value mapped to None stays None even when None itself maps to something
    out = map_unique(pl.Series("s", ["x", None]), lambda v: None if v == "x" else "null", pl.Utf8)
    assert out.to_list() == [None, "null"]


# -- written currencies ----------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "minor", "code"), [
    ("195000.00", 19500000, None),
    ("195 000 $", 19500000, None),            # a bare dollar sign is any dollar: CAD fits
    ("CAD 50", 5000, None),
    ("C$ 3", 300, None),
    ("can$ 7.50", 750, None),
    ("1 000 €", None, "currency-mismatch"),
    ("EUR 50", None, "currency-mismatch"),
    ("50 euros", None, "currency-mismatch"),
    ("US$ 20", None, "currency-mismatch"),
    ("£12", None, "currency-mismatch"),
])
def test_an_amount_in_another_currency_is_refused_in_a_cad_source(cell, minor, code) -> None:
    assert parse([cell], values.money, decimal=".", currency="CAD") == ([minor], [code])


def test_a_currency_mismatch_names_row_field_and_both_currencies() -> None:
    frame = pl.DataFrame({"_row": [7, 8], "Final Value": ["1 000 €", "12 $"]})
    p = RowParser(frame)
    p.add("amount", "Final Value", values.money(p.raw("Final Value"), currency="EUR"))
    typed, problems = p.finish()
    assert typed["amount"].to_list() == [100000, None]
    assert problems.select("row", "field", "code", "severity").rows() == [
        (8, "Final Value", "currency-mismatch", "error")]
    assert problems["message"].to_list() == [
        "Amount in another currency in column 'Final Value': '12 $' (written in dollars, where "
        "this source's amounts are in EUR). Amounts are stored exactly in the source's currency, "
        "never converted: correct the amount, or import the rows in that currency as a source "
        "of their own."]


def test_a_currency_column_is_compared_row_by_row() -> None:
    frame = pl.DataFrame({"_row": [2, 3, 4], "a": ["10 €", "10 €", "10 $"],
                          "cur": ["EUR", "CAD", "USD"]})
    p = RowParser(frame)
    p.add("v", "a", values.money(p.raw("a"), currency=pl.col("cur")))
    typed, problems = p.finish()
    assert typed["v"].to_list() == [1000, None, 1000]
    assert problems.select("row", "code").rows() == [(3, "currency-mismatch")]


def test_without_a_currency_a_written_one_is_ignored_as_before() -> None:
    assert parse(["1 000 €"], values.money, decimal=".") == ([100000], [None])


# -- one rule for implausible dates ----------------------------------------------------------


def test_implausible_dates_follow_one_rule_by_kind() -> None:
    year = dt.date.today().year
    cells = ["1894-12-31", "1895-01-01", f"{year + 1}-12-31", f"{year + 2}-01-01",
             f"{year + 5}-12-31", f"{year + 6}-01-01", "2044-05-01", "9999-12-31"]
    event = parse(cells, values.date)
    end = parse(cells, values.date, kind="end")
    assert event[1] == ["implausible-date", None, None, "implausible-date",
                        "implausible-date", "implausible-date",
                        None if year + 1 >= 2044 else "implausible-date", "implausible-date"]
    assert end[1] == ["implausible-date", None, None, None, None, "implausible-date",
                      None if year + 5 >= 2044 else "implausible-date", "implausible-date"]
    assert event[0][1] == dt.date(1895, 1, 1) and event[0][3] is None


def test_an_implausible_date_says_the_range() -> None:
    frame = pl.DataFrame({"_row": [4], "Date": ["2044-05-01"]})
    p = RowParser(frame)
    p.add("d", "Date", values.date(p.raw("Date"), latest=2027))
    _, problems = p.finish()
    assert problems["message"].to_list() == [
        "Implausible date in column 'Date': '2044-05-01' (the year of a date must be between "
        "1895 and 2027). The date is out of the plausible range for this field; check it."]


def test_dates_in_a_given_format_follow_the_same_rule() -> None:
    cells = ["03.2019.15", "01.9999.01", "2019-03-15"]
    assert parse(cells, values.date, formats=("%m.%Y.%d",)) == (
        [dt.date(2019, 3, 15), None, dt.date(2019, 3, 15)], [None, "implausible-date", None])
