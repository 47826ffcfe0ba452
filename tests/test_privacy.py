"""Privacy: e-mail addresses and phone numbers are never stored nor republished.

The patterns (cineatlas.privacy) against written variants of e-mails and phones, and against
the numbers that must survive them (amounts, dates, SIRET, INSEE and postal codes), by example
and by property; then an import whose rejected and flagged rows quote contact data: no table,
no quarantine reason, no stored or printed import report may hold any of it.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from contact_data import (
    KEPT_VALUES,
    TEMPLATES,
    Contact,
    contacts,
    email_contacts,
    leaked,
    phone_contacts,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from cineatlas import Store, import_file
from cineatlas.parsing import RowParser, values
from cineatlas.privacy import EMAIL_MARK, PHONE_MARK, scrub, scrub_text
from cineatlas.problems import PROBLEM_TYPES
from cineatlas.text import name_key, slug


def scrubbed(texts: list[str]) -> list[str]:
    """Polars and Python must agree: check both, return Polars' answer."""
    out = pl.DataFrame({"t": texts}, schema={"t": pl.Utf8}).select(scrub(pl.col("t")))["t"]
    assert out.to_list() == [scrub_text(t) for t in texts]
    return out.to_list()


# -- by example ------------------------------------------------------------------------------

EMAILS = [
    "jean.dupont@orange.fr", "name @ domain.fr", "name@ domain.fr", "name[at]domain.fr",
    "name(at)domain.fr", "name [at] domain.fr", "name {at} domain.fr", "NAME@DOMAIN.FR",
    "Jean.Dupont(AT)Orange.FR", "name[at]domain[dot]fr", "name (at) domain (dot) co (dot) uk",
    "prenom.nom+festival@sous-domaine.exemple.org", "name＠domain.fr", "jean@orange",
    # spelt out with words
    "sophie AT studio DOT fr", "sophie at studio dot fr", "sophie arobase studio point fr",
    "jean dot dupont at orange dot fr", "jean point dupont arobase orange point fr",
    "Sophie At Studio.Fr", "contact@studio dot com", "sophie [at] studio dot qc dot ca",
]
PHONES = [
    "01 23 45 67 89", "01.23.45.67.89", "01-23-45-67-89", "0123456789", "06 12 34 56 78",
    "+33 1 23 45 67 89", "+33 (0)1 23 45 67 89", "+33 01 23 45 67 89", "+33123456789",
    "0033 1 23 45 67 89", "+33.1.23.45.67.89", "0 800 123 456",
    "(514) 555-1234", "(514)555-1234", "514-555-1234", "514.555.1234", "514 555 1234",
    "+1 514 555 1234", "+1-514-555-1234", "1-800-555-1234",
    # bare digit runs, irregular grouping, other countries
    "5145551234", "15145551234", "0612345678", "06 12 34 56 7 8", "06-12-34-56-78",
    "06.12.34.5.6.78", "+44 20 7946 0958", "+44 (0) 20 7946 0958", "+49 (0)30 1234567",
    "+32-2-123-45-67", "+352 123 456 789", "+41.22.123.45.67", "+ 44 20 7946 0958",
]
KEPT = [
    # amounts
    "1 234 567,89", "15 000,00 €", "150 000", "2,820,000.00", "1234567.00", "12 500,50",
    "1 234 567 890", "1.234.567,89", "-35 386,00", "0,50", "1 000 000 000", "100 000,00",
    "1234567", "2345678901.00", "521333.9999999999", "1536196.0000000002", "5145551234,50",
    "+2 000 000", "195000.00", "99257.00",
    # dates and periods
    "2012-06-01", "01/06/2012", "01.06.2012", "01-06-2012", "2009-2010", "2012-06-01 12:30:00",
    "1905-06-27 00:00:00", "20120601", "01.06.2012 12:30", "01-06-2012 10:30", "01 06 2012",
    "2012-06-01 2013-06-01", "01 06 2012 12:30", "01/06/2012-30/06/2012", "2017-2018",
    "2017-18", "FY2017", "2009-2010 2010-2011",
    # SIRET, SIREN, RNA, INSEE and postal codes
    "12345678901234", "01234567800012", "123 456 789 00012", "538 079 380 00017", "123456789",
    "123 456 789", "W123456789", "75108", "2A004", "2B033", "97411", "75008", "01400",
    "00123456789012", "001 234 567 89012", "H2X 1Y4", "visa 123456", "Visa n° 98765",
    # positions, years, counts
    "9217-5959 Québec inc.", "10346764 Canada Inc.", "101221105 Saskatchewan Ltd.",
    "48.8566, 2.3522", "45.50884,-73.58781", "46.6180197037,3.14884278466",
    "49.0803858577,2.15488070885", "1998", "De 2000 à 2009", "4.0", "6 298",
]


@pytest.mark.parametrize("email", EMAILS)
def test_email_variants_are_removed(email: str) -> None:
    assert scrubbed([email, f"Contact : {email}, merci."]) == [
        EMAIL_MARK, f"Contact : {EMAIL_MARK}, merci."]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_formats_are_removed(phone: str) -> None:
    assert scrubbed([phone, f"Tél. {phone} (bureau)"]) == [
        PHONE_MARK, f"Tél. {PHONE_MARK} (bureau)"]


@pytest.mark.parametrize("text", KEPT)
def test_numbers_that_are_not_phones_are_kept(text: str) -> None:
    assert scrubbed([text, f"Montant : {text} ; voir le dossier."]) == [
        text, f"Montant : {text} ; voir le dossier."]


def test_words_around_at_signs_are_kept() -> None:
    assert scrubbed(["Suivez-nous @festival", "rendez-vous @ 20h", "a@b.fr. Merci"]) == [
        "Suivez-nous @festival", "rendez-vous @ 20h", f"{EMAIL_MARK}. Merci"]


def test_problem_messages_survive_scrubbing() -> None:
    """The hints and titles quoted by every problem message are left as they are."""
    for kind in PROBLEM_TYPES.values():
        assert scrub_text(kind.hint) == kind.hint, kind.code
        assert scrub_text(kind.title) == kind.title, kind.code


# -- by property ------------------------------------------------------------------------------

@settings(max_examples=500, deadline=None)
@given(st.lists(KEPT_VALUES, min_size=1, max_size=5))
def test_amounts_dates_and_identifiers_are_never_altered(values: list[str]) -> None:
    sentences = [f"{v} ;" for v in values] + [" / ".join(values), f"Montant : {values[0]}.",
                                               f"Prod {values[0]} Inc."]
    assert scrubbed(values + sentences) == values + sentences
    # and a matching key keeps their digits
    assert [name_key(v) for v in values] == [independent_key(v) for v in values]


@settings(max_examples=500, deadline=None)
@given(email_contacts(), st.sampled_from(TEMPLATES))
def test_generated_emails_are_always_removed(email: Contact, template: str) -> None:
    assert scrubbed([template.format(email.text)]) == [template.format(EMAIL_MARK)]


@settings(max_examples=500, deadline=None)
@given(phone_contacts(), st.sampled_from(TEMPLATES))
def test_generated_phones_are_always_removed(phone: Contact, template: str) -> None:
    assert scrubbed([template.format(phone.text)]) == [template.format(PHONE_MARK)]


@settings(max_examples=500, deadline=None)
@given(contacts(), st.sampled_from(TEMPLATES))
def test_matching_keys_and_slugs_are_made_from_the_scrubbed_text(contact: Contact,
                                                                 template: str) -> None:
    """'Prod jean.dupont@orange.fr' keys as the scrubbed text does, never as
    'prod jean dupont orange fr': no key or slug keeps the contact, whatever its spelling."""
    text = template.format(contact.text)
    mark = EMAIL_MARK if contact.kind == "email" else PHONE_MARK
    assert name_key(text) == independent_key(template.format(mark))
    assert slug(text) == independent_key(template.format(mark)).replace(" ", "-")
    assert leaked(contact, name_key(text)) == leaked(contact, slug(text)) == []


def independent_key(text: str) -> str:
    """name_key as it was before contacts were removed: folded, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


# -- end to end: an import whose bad rows quote contact data ------------------------------------

TELEFILM_HEADER = ("Period,Quarter,Recipient Name,City,Province,Country,Title,Language,Genre,Date,"
                   "Final Value,Original Value,Type,Purpose,Comments").split(",")
TELEFILM_ROW = {"Period": "2012-2013", "Quarter": "P1", "Recipient Name": "Films A Inc.",
                "City": "Toronto", "Province": "Ontario", "Country": "Canada",
                "Title": "Un film", "Language": "English", "Genre": "Drama",
                "Date": "2012-06-01", "Final Value": "1000.00", "Original Value": "1000.00",
                "Type": "Investment", "Purpose": "Production Program", "Comments": ""}
CONTACT_ROWS = [
    # row 2: rejected (amount), its cells and its reason quote an e-mail, a phone in the title
    {"Final Value": "jean.dupont@orange.fr", "Title": "Appeler le 01 23 45 67 89"},
    # row 3: rejected (no beneficiary), obfuscated e-mail and a Montréal number elsewhere
    {"Recipient Name": "", "Title": "marie [at] free.fr", "City": "Montréal (514) 555-1234"},
    # row 4: loaded with warnings quoting contact data
    {"Date": "JEAN@X.FR", "Genre": "voir Bob(at)Mail.ca", "Type": "+33 1 23 45 67 89"},
    # row 5: loaded; the beneficiary's name carries an address
    {"Recipient Name": "Films B Inc. <contact @ films-b.ca>", "Comments": "call +1 514 555 1234"},
    # row 6: rejected: a phone number where the amount should be
    {"Final Value": "514-555-1234", "Original Value": "01.23.45.67.89"},
]
#: Contact data as written above: none of it may be found anywhere.
SECRETS = ("jean.dupont", "orange.fr", "marie [at]", "free.fr", "jean@x", "bob(at)", "mail.ca",
           "films-b.ca", "45 67 89", "45.67.89", "555-1234", "555 1234", "+33 1 23")
#: Anything that looks like an at sign, written any way (independent of privacy.EMAIL).
AT_SIGN = r"(?i)@|＠|[\[\(\{<]\s*at\s*[\]\)\}>]"


def contact_file(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TELEFILM_HEADER)
        for cells in CONTACT_ROWS:
            writer.writerow([{**TELEFILM_ROW, **cells}[c] for c in TELEFILM_HEADER])
    return path


def leaks(text: str) -> list[str]:
    found = [s for s in SECRETS if s.lower() in text.lower()]
    bare = text.replace(EMAIL_MARK, "")
    return found + re.findall(AT_SIGN, bare)


def store_leaks(store: Store) -> dict[str, list[str]]:
    """Contact data found in any text column (VARCHAR, VARCHAR[], JSON) of any table."""
    columns = store.frame(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]', 'JSON') "
        "ORDER BY ALL").rows()
    assert {t for t, _, _ in columns} >= {"sources", "quarantine", "awards", "organisations"}
    found = {}
    for table, name, data_type in columns:
        text = {"VARCHAR": f'"{name}"', "JSON": f'CAST("{name}" AS VARCHAR)',
                "VARCHAR[]": f"array_to_string(\"{name}\", ' | ')"}[data_type]
        cells = store.frame(f'SELECT {text} AS t FROM "{table}" WHERE {text} IS NOT NULL')["t"]
        hits = [hit for cell in cells.to_list() for hit in leaks(cell)]
        if hits:
            found[f"{table}.{name}"] = sorted(set(hits))
    return found


def test_no_contact_data_anywhere_after_an_import(store: Store, tmp_path: Path) -> None:
    path = contact_file(tmp_path / "contacts.csv")
    report = import_file("telefilm", path, store=store)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 2, 3)
    assert store.count("quarantine") == 3 and store.count("awards") == 2
    assert store_leaks(store) == {}
    # the report (returned, and stored in sources) still says what was wrong, contact removed
    dump = json.dumps(report.as_dict(), ensure_ascii=False)
    assert leaks(dump) == []
    values = {(p.row, p.field): p.value for p in report.problems}
    assert values[(2, "Final Value")] == EMAIL_MARK
    assert values[(6, "Final Value")] == PHONE_MARK
    assert values[(4, "Type")] == PHONE_MARK
    reasons = json.loads(store.scalar("SELECT reasons FROM quarantine WHERE row_number = 2"))
    assert [(r["code"], r["value"]) for r in reasons] == [("invalid-amount", EMAIL_MARK)]
    assert EMAIL_MARK in reasons[0]["message"]
    content = json.loads(store.scalar("SELECT content FROM quarantine WHERE row_number = 3"))
    assert (content["Title"], content["City"]) == (EMAIL_MARK, f"Montréal {PHONE_MARK}")
    assert "Comments" not in content
    # importing it again: the 'unchanged' report comes from the store, as clean
    again = import_file("telefilm", path, store=store)
    assert again.status == "unchanged"
    assert leaks(json.dumps(again.as_dict(), ensure_ascii=False)) == []


def test_an_old_stored_report_is_scrubbed_when_shown_again(store: Store, tmp_path: Path) -> None:
    """A store written before problems were scrubbed: the report of an unchanged re-import is
    scrubbed on its way out."""
    path = contact_file(tmp_path / "contacts.csv")
    import_file("telefilm", path, store=store)
    query = "SELECT report FROM sources WHERE source_id = 'telefilm:contacts'"
    stored = json.loads(store.scalar(query))
    stored["problems"][0]["value"] = "jean.dupont@orange.fr"
    stored["problems"][0]["message"] += " (jean.dupont@orange.fr, 01 23 45 67 89)"
    store.con.execute("UPDATE sources SET report = ? WHERE source_id = 'telefilm:contacts'",
                      [json.dumps(stored)])
    again = import_file("telefilm", path, store=store)
    assert again.status == "unchanged"
    assert leaks(json.dumps(again.as_dict(), ensure_ascii=False)) == []


def test_the_printed_json_report_holds_no_contact_data(territories_store: Path,
                                                      tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    shutil.copy(territories_store, db)
    path = contact_file(tmp_path / "contacts.csv")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cineatlas"), "import", "telefilm", str(path),
         "--db", str(db), "--json"],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rows_quarantined"] == 3 and report["problems"]
    assert leaks(done.stdout) == [] and leaks(done.stderr) == []


def test_malformed_rows_are_scrubbed_inside_their_json() -> None:
    """A malformed row is kept as JSON; scrubbing its text must not break the JSON escapes."""
    import json

    from cineatlas.privacy import scrub_json

    raw = json.dumps({"cells": ["Films\tA", "contact@films.fr", "01 23 45 67 89", '"quoted"']})
    assert json.loads(scrub_json(raw)) == {
        "cells": ["Films\tA", "[e-mail removed]", "[phone removed]", '"quoted"']}


@settings(max_examples=300, deadline=None)
@given(phone_contacts())
def test_a_phone_number_is_never_read_as_an_amount(phone: Contact) -> None:
    """'06 12 34 56 78' in an amount cell is an invalid amount, not 6,123,456.78: its digits are
    stored nowhere, not even as a number (amounts themselves: tests/test_parsing.py)."""
    p = RowParser(pl.DataFrame({"_row": [2], "c": [phone.text]}))
    p.add("amount", "c", values.money(p.raw("c")))
    p.add("number", "c", values.number(p.raw("c")))
    typed, problems = p.finish()
    assert typed.select("amount", "number").row(0) == (None, None)
    assert sorted(problems["code"].to_list()) == ["invalid-amount", "invalid-number"]
