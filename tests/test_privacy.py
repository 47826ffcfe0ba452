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
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cineatlas import Store, import_file
from cineatlas.privacy import EMAIL_MARK, PHONE_MARK, scrub, scrub_text
from cineatlas.problems import PROBLEM_TYPES


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
]
PHONES = [
    "01 23 45 67 89", "01.23.45.67.89", "01-23-45-67-89", "0123456789", "06 12 34 56 78",
    "+33 1 23 45 67 89", "+33 (0)1 23 45 67 89", "+33 01 23 45 67 89", "+33123456789",
    "0033 1 23 45 67 89", "+33.1.23.45.67.89", "0 800 123 456",
    "(514) 555-1234", "(514)555-1234", "514-555-1234", "514.555.1234", "514 555 1234",
    "+1 514 555 1234", "+1-514-555-1234", "1-800-555-1234",
]
KEPT = [
    # amounts
    "1 234 567,89", "15 000,00 €", "150 000", "2,820,000.00", "1234567.00", "12 500,50",
    "1 234 567 890", "1.234.567,89", "-35 386,00", "0,50", "1 000 000 000",
    # dates and periods
    "2012-06-01", "01/06/2012", "01.06.2012", "01-06-2012", "2009-2010", "2012-06-01 12:30:00",
    "1905-06-27 00:00:00", "20120601", "01.06.2012 12:30", "01-06-2012 10:30", "01 06 2012",
    # SIRET, SIREN, RNA, INSEE and postal codes
    "12345678901234", "01234567800012", "123 456 789 00012", "538 079 380 00017", "123456789",
    "123 456 789", "W123456789", "75108", "2A004", "2B033", "97411", "75008", "01400",
    # positions, years, counts
    "48.8566, 2.3522", "45.50884,-73.58781", "1998", "De 2000 à 2009", "4.0", "6 298",
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

def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@st.composite
def amounts(draw: st.DrawFn) -> str:
    units = draw(st.integers(min_value=0, max_value=10**12))
    cents = draw(st.integers(min_value=0, max_value=99))
    style = draw(st.sampled_from(["fr", "fr-nbsp", "en", "plain", "dots", "swiss"]))
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
    else:
        text = f"{digits}.{cents:02d}" if draw(st.booleans()) else digits
    return sign + text


@st.composite
def dates(draw: st.DrawFn) -> str:
    day = draw(st.dates())
    fmt = draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d",
                                "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%d %m %Y", "%Y/%m/%d",
                                "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M"]))
    return day.strftime(fmt)


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    siren = draw(st.text("0123456789", min_size=9, max_size=9))
    nic = draw(st.text("0123456789", min_size=5, max_size=5))
    kind = draw(st.sampled_from(["siret", "siret-spaced", "siren", "siren-spaced", "insee",
                                 "corsica", "postal", "period"]))
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
        year = draw(st.integers(min_value=1900, max_value=2100))
        return f"{year}-{year + 1}"
    return nic  # a 5-digit INSEE or postal code


KEPT_VALUES = st.one_of(amounts(), dates(), identifiers())


@settings(max_examples=400, deadline=None)
@given(st.lists(KEPT_VALUES, min_size=1, max_size=5))
def test_amounts_dates_and_identifiers_are_never_altered(values: list[str]) -> None:
    sentences = [f"{v} ;" for v in values] + [" / ".join(values), f"Montant : {values[0]}."]
    assert scrubbed(values + sentences) == values + sentences


_LOCAL = st.from_regex(r"[a-z0-9]([a-z0-9._+\-]{0,14}[a-z0-9])?", fullmatch=True)
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9\-]{0,10}[a-z0-9])?", fullmatch=True)
_TLD = st.from_regex(r"[a-z]{2,6}", fullmatch=True)


@st.composite
def emails(draw: st.DrawFn) -> str:
    at = draw(st.sampled_from(["@", " @ ", "@ ", " @", "[at]", "(at)", " [at] ", " (at) ",
                               "{at}", "<at>", " (arobase) "]))
    dot = draw(st.sampled_from([".", " [dot] ", "(dot)", "[.]"])) if at != "@" else "."
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    address = draw(_LOCAL) + at + dot.join([*labels, draw(_TLD)])
    case = draw(st.sampled_from([str, str.upper, str.title, lambda s: s]))
    return case(address)


@st.composite
def phones(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["fr", "fr-intl", "na", "na-intl"]))
    if kind.startswith("fr"):
        first = str(draw(st.integers(min_value=1, max_value=9)))
        pairs = [f"{draw(st.integers(min_value=0, max_value=99)):02d}" for _ in range(4)]
        sep = draw(st.sampled_from(["", " ", ".", "-"]))
        if kind == "fr":
            return "0" + first + sep + sep.join(pairs)
        prefix = draw(st.sampled_from(["+33 ", "+33", "0033 ", "+33 (0)", "+33 0"]))
        return prefix + first + sep + sep.join(pairs)
    area = str(draw(st.integers(min_value=200, max_value=999)))
    exchange = str(draw(st.integers(min_value=200, max_value=999)))
    line = f"{draw(st.integers(min_value=0, max_value=9999)):04d}"
    sep = draw(st.sampled_from([" ", "-", "."]))
    body = draw(st.sampled_from([f"({area}) {exchange}-{line}", f"({area}){exchange}-{line}",
                                 f"{area}{sep}{exchange}{sep}{line}"]))
    if kind == "na-intl":
        return draw(st.sampled_from(["+1 ", "+1-", "1-", "+1"])) + body
    return body


@settings(max_examples=400, deadline=None)
@given(emails(), st.sampled_from(["{}", "Contact : {}", "{}, merci", "écrire à {} ou passer"]))
def test_generated_emails_are_always_removed(email: str, template: str) -> None:
    assert scrubbed([template.format(email)]) == [template.format(EMAIL_MARK)]


@settings(max_examples=400, deadline=None)
@given(phones(), st.sampled_from(["{}", "Tél. {}", "{} (bureau)", "appeler le {} ou écrire"]))
def test_generated_phones_are_always_removed(phone: str, template: str) -> None:
    assert scrubbed([template.format(phone)]) == [template.format(PHONE_MARK)]


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
