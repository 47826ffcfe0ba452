"""Telefilm amendments (issue 10, point 4): an amended contract is re-disclosed as a new row;
each contract must count once, at its final value, with every signed value still available.

Figures on the real file are recomputed independently in tests/telefilm_contracts.py (csv
module, a union-find of its own); hand-picked rows were read in the file by eye.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil

import pytest
from cli_runner import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from telefilm_contracts import contracts, naive_amendments, read
from test_importer_telefilm import TELEFILM, write_csv

from cineatlas import Store, import_file
from cineatlas.importers.amendments import Row, amendment_note, link_amendments, named_dates
from cineatlas.indicators import Cut, Engine, compute

SOURCE = "telefilm:telefilm-contributions-2009-2018"


def award_id(row: int, source: str = SOURCE) -> str:
    return f"{source}/{row}"


@pytest.fixture(scope="module")
def file_rows(shared_data) -> list[dict]:
    return read(shared_data(TELEFILM))


@pytest.fixture(scope="module")
def real(shared_data, territories_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("telefilm-amendments") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    store = Store(path)
    report = import_file("telefilm", shared_data(TELEFILM), store=store)
    yield store, report
    store.close()


# -- what a comment says -----------------------------------------------------------------------

@pytest.mark.parametrize(("comment", "on", "expected"), [
    ("Amended contract signed  21-OCT-08", "2009-04-02", ["2008-10-21"]),
    ("Amended contract signed  11-SEPT-07", "2009-04-22", ["2007-09-11"]),
    ("Amended Contract Signed 29-Aug-2017", "2018-02-01", ["2017-08-29"]),
    ("Amended contract signed  21-AUG-98", "2009-06-12", ["1998-08-21"]),  # not 2098
    ("Avenant signé le 3 mars 2010", "2011-01-05", ["2010-03-03"]),
    ("Contrat modifié le 1er juillet 2015 puis le 2 février 2016", "2016-05-01",
     ["2015-07-01", "2016-02-02"]),
    ("Amendment signed October 21, 2008", "2009-01-01", ["2008-10-21"]),
    ("Amended contract signed 2008-10-21", "2009-01-01", ["2008-10-21"]),
    ("Amended contract signed 21/10/2008", "2009-01-01", ["2008-10-21"]),
    ("Amended contract signed 31-FEB-09", "2009-06-01", []),      # no such day: no date
    ("Amended contract signed", "2009-06-01", []),
])
def test_the_dates_an_amendment_names(comment, on, expected) -> None:
    note = amendment_note(comment)
    assert note is not None
    got = named_dates(note, dt.date.fromisoformat(on))
    assert [d.isoformat() for d in got] == expected


@pytest.mark.parametrize("comment", ["", "Festival screening 21-OCT-08", "Call 514-555-1234",
                                     "Jane Doe, producer"])
def test_a_comment_that_is_no_amendment_says_nothing(comment) -> None:
    assert amendment_note(comment) is None


# -- the real file -----------------------------------------------------------------------------

def test_the_issue_count_is_reproduced_independently(file_rows) -> None:
    """The issue's count (1,405) is what the independent reader finds with the issue's rule;
    the stricter rule (an *earlier* row, of the same programme when several contracts were
    signed that day) leaves out the first row of each group signed the same day."""
    assert len(file_rows) == 6658
    naive = naive_amendments(file_rows)
    assert len(naive) == 1405
    amends, _ = contracts(file_rows)
    assert set(amends) <= naive
    assert len(amends) == 1162


def test_amendments_are_linked_as_the_independent_count_says(real, file_rows) -> None:
    store, _ = real
    amends, superseded = contracts(file_rows)
    stored = dict(store.frame("SELECT row_number, amends_award_id FROM awards "
                              "WHERE amends_award_id IS NOT NULL").rows())
    assert stored == {row: award_id(of) for row, of in amends.items()}
    stored = dict(store.frame("SELECT row_number, superseded_by FROM awards "
                              "WHERE superseded_by IS NOT NULL").rows())
    assert stored == {row: award_id(by) for row, by in superseded.items()}
    # every commented row keeps the signing date it names, nothing else of the comment
    named = {r["row"]: dt.date.fromisoformat(r["named"]) for r in file_rows if r["named"]}
    assert dict(store.frame("SELECT row_number, amends_contract_date FROM awards "
                            "WHERE amends_contract_date IS NOT NULL").rows()) == named


def test_hand_picked_contracts(real) -> None:
    store, report = real

    def links(row: int) -> tuple:
        return store.frame("SELECT amends_award_id, superseded_by, amount_minor FROM awards "
                           "WHERE row_number = ?", [row]).row(0)

    # Sept comme Setteur: signed 2009-06-02 (22,900), amended twice; both amendments name the
    # original's date; the last (26,900) is the contract's value
    assert links(97) == (None, award_id(2101), 2_290_000)
    assert links(1133) == (award_id(97), award_id(2101), 2_490_000)
    assert links(2101) == (award_id(97), None, 2_690_000)
    # Carcasses: two contracts signed on 2009-08-19 (international marketing, marketing), each
    # amended: an amendment joins its own programme's contract
    assert links(925) == (award_id(239), None, 1_067_900)
    assert links(948) == (award_id(240), None, 1_074_100)
    # The Ornithology of Ron Spencer: a development contract (29,120) amended under the
    # production programme (its Original Value is 29,120)
    assert links(602)[1] == award_id(1296)
    assert links(1076)[0] == award_id(602)
    # Virtual Life: amends a contract of 21-OCT-08, before the file: counted as itself
    assert links(2) == (None, None, 3_187_200)
    warning = next(p for p in report.problems
                   if p.row == 2 and p.code == "amended-contract-not-found")
    assert (warning.field, warning.severity, warning.value) == ("Comments", "warning", "2008-10-21")


def test_the_report_gives_both_totals(real, file_rows) -> None:
    store, report = real
    _, superseded = contracts(file_rows)
    every = sum(r["amount"] or 0 for r in file_rows)
    once = sum(r["amount"] or 0 for r in file_rows if r["row"] not in superseded)
    assert report.figures["total_every_signed_value_minor"] == every == 128_162_718_175
    assert report.figures["total_each_contract_once_minor"] == once == 95_765_078_075
    assert every - once == 32_397_640_100  # CAD 323,976,401 (25 %) counted twice before
    assert report.figures["rows_superseded"] == len(superseded) == 1162
    stored = json.loads(store.source(SOURCE)["report"])["figures"]
    assert stored == report.figures


def test_the_comment_text_is_stored_nowhere(real) -> None:
    """Only the date is kept: neither the wording nor the published spelling of the date."""
    store, _ = real
    comment = r"(?i)amended contract signed|\d{2}-[a-z]{3,4}-\d{2}"
    for table in store.tables():
        frame = store.frame(f"SELECT * FROM {table}")
        for column in frame.columns:
            if frame[column].dtype == str:
                assert not frame[column].str.contains(comment).any(), (table, column)
    assert not re.search(comment, store.source(SOURCE)["report"])


def test_indicators_count_each_contract_once(real, file_rows) -> None:
    store, _ = real
    _, superseded = contracts(file_rows)
    quebec = [r for r in file_rows if r["Province"] == "Quebec"]
    once = sum(r["amount"] or 0 for r in quebec if r["row"] not in superseded)
    every = sum(r["amount"] or 0 for r in quebec)
    engine = Engine.duckdb(store)
    total = compute(engine, "total_support", Cut(level="province", territories=("CA-QC",)))
    assert total["value"].to_list() == [once / 100]
    assert total["n"].to_list() == [sum(1 for r in quebec if r["row"] not in superseded)]
    signed = compute(engine, "total_support", Cut(level="province", territories=("CA-QC",),
                                                  include_superseded=True))
    assert signed["value"].to_list() == [every / 100]
    assert signed["n"].to_list() == [len(quebec)]


# -- amendments across files; chains and ambiguity on hand-made files --------------------------

def test_a_later_file_amends_a_contract_of_an_earlier_one(real, tmp_path, shared_data) -> None:
    """Mostly Sunny: 195,000 signed 2017-03-23 (2009-2018 file), amended to 99,257 on
    2018-05-03 in the next file (Original Value 195,000). Counted once: 99,257."""
    store, _ = real
    later = write_csv(tmp_path / "telefilm-contributions-2018-2019.csv", {
        "Period": "2018-2019", "Recipient Name": "Mongrel Media Inc.", "Title": "Mostly Sunny",
        "Genre": "Documentary", "Date": "2018-05-03", "Final Value": "99257.00",
        "Original Value": "195000.00", "Type": "Recoupable Advance",
        "Purpose": "Marketing Program", "Comments": "Amended Contract Signed 23-Mar-2017"})
    other = "telefilm:telefilm-contributions-2018-2019"
    try:
        report = import_file("telefilm", later, store=store)
        assert not [p for p in report.problems if p.field == "Comments"]
        sunny = store.frame(
            "SELECT award_id, amount_minor, amends_award_id, superseded_by FROM awards "
            "WHERE project_title = 'Mostly Sunny' ORDER BY decision_date").rows()
        assert sunny == [(award_id(5568), 19_500_000, None, award_id(2, other)),
                         (award_id(2, other), 9_925_700, award_id(5568), None)]
        # re-importing the earlier file keeps the link (links are recomputed over both files)
        import_file("telefilm", shared_data(TELEFILM), store=store, force=True)
        assert store.scalar("SELECT superseded_by FROM awards WHERE award_id = ?",
                            [award_id(5568)]) == award_id(2, other)
    finally:
        with store.transaction():
            store.delete_source(other)
        import_file("telefilm", shared_data(TELEFILM), store=store, force=True)
    assert store.scalar("SELECT superseded_by FROM awards WHERE award_id = ?",
                        [award_id(5568)]) is None


def test_chains_ambiguity_and_missing_dates(store, tmp_path) -> None:
    path = write_csv(
        tmp_path / "chain.csv",
        # a contract amended twice, the second amendment naming the first amendment's date
        {"Title": "A", "Date": "2012-06-01", "Final Value": "100.00"},
        {"Title": "A", "Date": "2013-01-10", "Final Value": "150.00",
         "Comments": "Amended contract signed 01-JUN-12"},
        {"Title": "A", "Date": "2014-02-20", "Final Value": "120.00",
         "Comments": "Amended contract signed 10-JAN-13"},
        # two contracts of one day, same programme and value: which one is amended is unknown
        {"Title": "B", "Date": "2012-07-01", "Final Value": "50.00", "Original Value": "50.00"},
        {"Title": "B", "Date": "2012-07-01", "Final Value": "50.00", "Original Value": "50.00"},
        {"Title": "B", "Date": "2013-07-01", "Final Value": "80.00", "Original Value": "50.00",
         "Comments": "Amended contract signed 01-JUL-12"},
        # the same, told apart by the original value
        {"Title": "C", "Date": "2012-07-01", "Final Value": "60.00", "Original Value": "60.00"},
        {"Title": "C", "Date": "2012-07-01", "Final Value": "70.00", "Original Value": "70.00"},
        {"Title": "C", "Date": "2013-07-01", "Final Value": "90.00", "Original Value": "70.00",
         "Comments": "Avenant signé le 1er juillet 2012"},
        # an amendment without a readable date
        {"Title": "D", "Comments": "Amended contract (date to follow)"},
    )
    report = import_file("telefilm", path, store=store)
    rows = dict(store.frame("SELECT row_number, superseded_by FROM awards").rows())
    source = "telefilm:chain"
    assert rows == {2: f"{source}/4", 3: f"{source}/4", 4: None,
                    5: None, 6: None, 7: None,
                    8: None, 9: f"{source}/10", 10: None, 11: None}
    assert store.scalar("SELECT amends_award_id FROM awards WHERE row_number = 4") == f"{source}/3"
    problems = {(p.row, p.code) for p in report.problems if p.field == "Comments"}
    assert problems == {(7, "ambiguous-amendment"), (11, "amendment-date-not-read")}
    assert report.figures["total_each_contract_once_minor"] == 100 * (
        120 + 50 + 50 + 80 + 60 + 90 + 1000)
    assert report.figures["total_every_signed_value_minor"] == 100 * (
        100 + 150 + 120 + 50 + 50 + 80 + 60 + 70 + 90 + 1000)


def test_the_command_line_gives_both_figures(territories_store, tmp_path, monkeypatch,
                                              capsys) -> None:
    """`cineatlas import` prints both totals; `indicators compute` counts each contract once
    unless `--include-superseded` is given. A contract of 100.00 amended to 150.00, and
    another award of 1,000.00 (the default row): 1,150.00 once, 1,250.00 every signed value."""
    db = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, db)
    path = write_csv(tmp_path / "two.csv",
                     {"Title": "A", "Date": "2012-06-01", "Final Value": "100.00"},
                     {"Title": "A", "Date": "2013-01-10", "Final Value": "150.00",
                      "Comments": "Amended contract signed 01-JUN-12"},
                     {"Title": "B"})
    code, out, _ = run_cli(monkeypatch, capsys, "import", "telefilm", str(path), "--db", str(db))
    assert code == 0
    lines = {" ".join(line.split()) for line in out.splitlines()}
    assert {"rows superseded 1", "total each contract once 1,150.00",
            "total every signed value 1,250.00"} <= lines
    for extra, value in (((), "1150.0"), (("--include-superseded",), "1250.0")):
        code, out, _ = run_cli(monkeypatch, capsys, "indicators", "compute", "total_support",
                               "--level", "province", "--territory", "CA-ON", "--format", "csv",
                               "--db", str(db), *extra)
        assert code == 0
        row = next(csv.DictReader(io.StringIO(out)))
        assert (row["territory_id"], row["value"]) == ("CA-ON", value)


# -- the linking rule, on generated contracts ---------------------------------------------------

@st.composite
def disclosures(draw) -> tuple[list[Row], dict[str, list[str]]]:
    """Contracts of a few recipients and titles, each signed on its own day and amended 0-3
    times (each amendment naming the signing date, or the previous amendment's date), published
    in any order. Returns the rows and, per contract, its award ids in date order."""
    n = draw(st.integers(1, 8))
    keys = draw(st.lists(st.tuples(st.sampled_from("pq"), st.sampled_from("xy")),
                         min_size=n, max_size=n))
    days = iter(draw(st.permutations(range(100)))[:4 * n])  # every date distinct
    rows, expected = [], {}
    for c, (party, title) in enumerate(keys):
        amendments = draw(st.integers(0, 3))
        signed, *later = sorted(dt.date(2010, 1, 1) + dt.timedelta(days=next(days))
                                for _ in range(amendments + 1))
        ids, dates = [f"c{c}/0"], [signed]
        rows.append(Row(ids[0], party, title, "prog", signed, None, 100, 100, (c, 0)))
        for a, on in enumerate(later, start=1):
            named = draw(st.sampled_from([signed, dates[-1]]))
            ids.append(f"c{c}/{a}")
            dates.append(on)
            rows.append(Row(ids[-1], party, title, "prog", on, named, 100, 100 + a, (c, a)))
        expected[f"c{c}"] = ids
    return draw(st.permutations(rows)), expected


@given(disclosures())
@settings(max_examples=200, deadline=None)
def test_each_generated_contract_counts_once_at_its_last_value(generated) -> None:
    rows, expected = generated
    links = {k.award_id: k for k in link_amendments(rows)}
    assert len(links) == len(rows)
    for ids in expected.values():
        last = ids[-1]
        assert links[last].superseded_by is None
        assert all(links[i].superseded_by == last for i in ids[:-1])
        assert links[ids[0]].amends_award_id is None
        assert all(links[i].amends_award_id in ids[:n] for n, i in enumerate(ids) if n)
    assert not [k for k in links.values() if k.problem]
