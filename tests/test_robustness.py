"""Robustness: malformed CSV files thrown at every registered importer (Hypothesis), and one
readable example per kind of damage.

Each file starts from a valid header (the importer's real column labels, read from the real
files in ../shared/data; the shipped example mapping for `generic`) and valid-looking rows (real
rows; hand-made ones for `generic`), then is damaged: encodings (UTF-8 with and without BOM,
Windows-1252, Latin-1, UTF-16, a line in another encoding), delimiters, line endings, a cut last
line, rows with too few or too many cells, stray and unclosed quotes, huge fields, embedded
newlines, empty files, header only, blank lines, negative or absurd amounts, impossible dates,
control characters, e-mail addresses and phone numbers in text cells, arbitrary text.

Whatever the file, an import ends in one of two ways (see `check_import`):

- one file-level error naming the file (`FileError`; for the generic importer also the
  `MappingError` docs/importers/generic.md documents for a file lacking a mapped column), and
  the store is unchanged; or
- a report with rows_read = rows_loaded + rows_quarantined where every record the reader
  found is exactly one row of the importer's table (loaded) or one `quarantine` row with its
  reasons, every non-blank line after the header belongs to a record (no lost row), and no
  e-mail address nor injected phone number is stored anywhere for the source.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cineatlas import FileError, Store, import_file
from cineatlas.errors import MappingError
from cineatlas.importers import generic, get, names
from cineatlas.ingest import ImportReport
from cineatlas.privacy import EMAIL
from cineatlas.reading import LINE, ROW
from cineatlas.reading.encoding import MIXED
from cineatlas.reading.table import MAX_CELL
from cineatlas.territories.geocode import Geocoder

EXAMPLE_MAPPING = Path(generic.__file__).parent / "mappings" / "example-region.toml"

# -- what the files are damaged with ----------------------------------------------------------

ABSURD_AMOUNTS = (
    "-5", "1e30", "12,34,56", "€€", "NaN", "-1 000,00", "inf", "99999999999999999999999",
    "0", "-0", "1.2.3", "(500)", "5 €", "12.345.678,90", "٣٤٥", "--5", "1,5e3", "$", " ",
    "9" * 40,
)
IMPOSSIBLE_DATES = (
    "31/02/2020", "2020-13-45", "0000-00-00", "29/02/2021", "2020-02-30", "32/01/2020",
    "00/00/0000", "9999-12-31", "31/12/99999", "2020/13/01", "45000", "2016-01-01 00:00:00",
    "-2020-01-01", "hier",
)
EMAILS = ("jean.dupont@example.org", "contact@films-du-clain.fr", "a.b+c@sub.example.co.uk")
#: Phone numbers as people write them (with separators: identifiers never look like these).
PHONES = ("05 49 00 00 00", "+33 6 12 34 56 78", "(514) 555-1234", "514-555-1234")
#: Contact data as cells hold it: after a space, a tab, a line break (in a quoted cell).
CONTACTS = (*EMAILS, *PHONES, f"\t{EMAILS[0]}", f"Contact :\n{EMAILS[1]}", f"\t{PHONES[0]}")
CONTROLS = ("\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u200b",
            "\ufeff", "\t", "\x00")
NEWLINES = ("\n", "\r\n", "\r", "\n\n")
HUGE = "Lorem ipsum " + "x" * (MAX_CELL + 1)


# -- the importers: header, valid-looking rows, column roles -----------------------------------

@dataclass
class Spec:
    """One importer and the file it reads: header, valid-looking rows, column roles."""

    importer: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    delimiter: str
    target: str                       # the table a loaded row is one row of
    text: tuple[str, ...]             # free-text columns
    amounts: tuple[str, ...]          # amounts and counts
    dates: tuple[str, ...]            # dates and years
    options: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Spec({self.importer!r})"


#: importer -> (real file, other real files whose rows serve as seeds, delimiter, target table,
#: text, amount and date columns).
REAL: dict[str, tuple[str, tuple[str, ...], str, str, tuple[str, ...], tuple[str, ...],
                      tuple[str, ...]]] = {
    "telefilm": (
        "telefilm/telefilm-contributions-2009-2018.csv", (), ",", "awards",
        ("Recipient Name", "Title", "City", "Genre", "Purpose", "Comments"),
        ("Final Value", "Original Value"), ("Date", "Period"),
    ),
    "cnc-cinemas": (
        "cnc/etablissements-cinematographiques-2022.csv", (), ";", "venues",
        ("nom", "adresse", "commune", "programmateur", "unité urbaine"),
        ("écrans", "fauteuils", "séances", "entrées 2022", "entrées 2021", "semaines d'activité"),
        ("entrées 2022", "code INSEE"),
    ),
    "festivals": (
        "festivals/festivals-global-festivals-_-pl.csv", (), ";", "festivals",
        ("nom_du_festival", "commune_principale_de_deroulement", "site_internet_du_festival",
         "sous_categorie_cinema_et_audiovisuel", "adresse_e_mail"),
        ("annee_de_creation_du_festival", "code_postal_de_la_commune_principale_de_deroulement",
         "geocodage_xy"),
        ("annee_de_creation_du_festival", "periode_principale_de_deroulement_du_festival"),
    ),
    "scdl": (
        "scdl/exemple_valide.csv", ("scdl/exemple_invalide_erreurs_cellules.csv",), ",", "awards",
        ("nomAttribuant", "nomBeneficiaire", "objet", "referenceDecision"),
        ("montant", "pourcentageSubvention"), ("dateConvention", "datesPeriodeVersement"),
    ),
}
#: Rows taken from each real file (spread over the file).
SEEDS = 40

#: The generic importer: the list the shipped example mapping describes (fictitious rows).
GENERIC_HEADER = (
    "Bénéficiaire", "SIRET", "Commune", "Code postal", "Titre du projet", "Réalisation", "Genre",
    "Format", "Dispositif", "Date de la commission", "Montant attribué", "Premier film", "Contact",
)
GENERIC_ROWS = (
    ("Les Films du Clain", "53807938300017", "Poitiers", "86000", "La Rivière", "Anne Martin",
     "Fiction", "Long métrage", "Aide à la production de longs métrages", "15/03/2023",
     "150 000,00", "Oui", "anne.martin@example.org"),
    ("Tournesol Productions", "", "La Rochelle", "17000", "Les Marais",
     "Paul Durand et Léa Petit", "Documentaire de création", "Série documentaire",
     "Aide au développement", "15/03/2023", "12 500,50", "Non", "05 49 00 00 00"),
    ("Atelier Nord", "", "Niort", "79000", "Nuit blanche", "Zoé Roy", "Film d'animation", "CM",
     "Aide à la production de courts métrages", "2023-06-20", "30 000", "1er film", ""),
    ("", "", "", "", "TOTAL", "", "", "", "", "", "192 500,50", "", ""),
)


def read_real(path: Path, delimiter: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader)
        return header, list(reader)


class Specs(dict[str, Spec]):
    """The specs by importer (shown briefly in Hypothesis' reports)."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Specs({', '.join(self)})")


#: Importers that read no CSV, with the test module that damages their files instead.
NOT_CSV = {"cnc-films-agrees": "tests/test_importer_cnc_films_agrees.py",
           "cnc-commissions": "tests/test_importer_cnc_commissions.py",
           "cnc-schemes": "tests/test_importer_cnc_schemes.py",
           # schemes have no amount column (which the damage recipes need): damaged cells of
           # a file in the standard are tested there, with the same property
           "dispositifs": "tests/test_importer_dispositifs.py",
           "scheme-catalogue": "tests/test_scheme_catalogue_format.py"}


@pytest.fixture(scope="module")
def specs(shared_data) -> Specs:
    """Every registered importer's spec, from the real files."""
    out = Specs()
    for importer, (relpath, others, delimiter, target, text, amounts, dates) in REAL.items():
        header, rows = read_real(shared_data(relpath), delimiter)
        for other in others:
            other_header, other_rows = read_real(shared_data(other), delimiter)
            rows += [[dict(zip(other_header, r, strict=False)).get(label, "") for label in header]
                     for r in other_rows]
        step = max(1, len(rows) // SEEDS)
        seeds = tuple(tuple(r) for r in rows[::step] if len(r) == len(header))
        for label in (*text, *amounts, *dates):
            assert label in header, (importer, label)
        out[importer] = Spec(importer, tuple(header), seeds, delimiter, target, text, amounts,
                             dates)
    mapping = generic.load_mapping(EXAMPLE_MAPPING)
    assert set(mapping.columns.values()) | set(mapping.options["private_columns"]) <= set(
        GENERIC_HEADER)
    out["generic"] = Spec(
        "generic", GENERIC_HEADER, GENERIC_ROWS, mapping.options["delimiter"], "awards",
        ("Bénéficiaire", "Titre du projet", "Réalisation", "Commune", "Contact"),
        ("Montant attribué",), ("Date de la commission",), {"mapping": str(EXAMPLE_MAPPING)},
    )
    # every importer cineatlas ships (test modules may register toys of their own)
    shipped = sorted(e.name for e in entry_points(group="cineatlas.importers")
                     if e.name not in NOT_CSV)
    assert sorted(out) == shipped, "a shipped importer has no robustness spec"
    for spec in out.values():
        importer = get(spec.importer)(**spec.options)
        assert spec.target in importer.tables
        assert spec.rows
    return out


# -- building a damaged file -------------------------------------------------------------------

#: A change to a row: ('set', column, value), ('append', column, text), ('huge', column),
#: ('drop', n) last cells, ('extra', n) cells, ('blank',) every cell empty, ('stray-quote', pos)
#: a '"' inserted in the written line, ('open-quote', column) a cell opening a quote it never
#: closes, ('raw-delimiter', column) a delimiter written unquoted in a cell.
Change = tuple[Any, ...]


@dataclass(frozen=True)
class Recipe:
    """How to write one file; the same recipes serve the examples and the Hypothesis runs."""

    #: rows | empty (0 bytes) | blank (whitespace only) | bom-only | header-only
    shape: str = "rows"
    #: a codec, or 'mixed': UTF-8 with its last line in Windows-1252
    encoding: str = "utf-8"
    delimiter: str | None = None      # None: the importer's
    newline: str = "\n"
    rows: tuple[tuple[int, tuple[Change, ...]], ...] = ((0, ()), (1, ()))
    #: undamaged rows written before and after `rows` (64 or more: the reader's vectorised path)
    bulk: int = 0
    tail: int = 0
    #: a blank line after these rows (0: the header): empty after even ones, spaces after odd ones
    blank_after: frozenset[int] = frozenset()
    truncate: int | None = None       # characters cut from the end of the last line
    final_newline: bool = True


def quote(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def render(spec: Spec, seed: int, changes: tuple[Change, ...], delimiter: str) -> str:
    cells = list(spec.rows[seed % len(spec.rows)])
    raw: dict[int, str] = {}
    stray: list[int] = []

    def at(label: str) -> int | None:
        i = spec.header.index(label)
        return i if i < len(cells) else None

    for change in changes:
        kind = change[0]
        if kind in ("set", "append", "huge", "open-quote", "raw-delimiter"):
            i = at(change[1])
            if i is None:
                continue
            if kind == "set":
                cells[i] = change[2]
            elif kind == "append":
                cells[i] = f"{cells[i]} {change[2]}"
            elif kind == "huge":
                cells[i] = HUGE
            elif kind == "open-quote":
                raw[i] = '"' + cells[i]
            else:
                raw[i] = f"{cells[i]}{delimiter}{cells[i] or 'suite'}"
        elif kind == "drop":
            del cells[max(1, len(cells) - change[1]):]
        elif kind == "extra":
            cells += ["en trop"] * change[1]
        elif kind == "blank":
            cells = [""] * len(cells)
        elif kind == "stray-quote":
            stray.append(change[1])
    line = delimiter.join(raw.get(i, quote(c, delimiter)) for i, c in enumerate(cells))
    for position in stray:
        position %= len(line) + 1
        line = line[:position] + '"' + line[position:]
    return line


def build(spec: Spec, recipe: Recipe) -> bytes:
    """The file's bytes."""
    encoding = "utf-8" if recipe.encoding == "mixed" else recipe.encoding
    if recipe.shape == "empty":
        return b""
    if recipe.shape == "blank":
        return " \n\t\r\n  \n".encode(encoding)
    if recipe.shape == "bom-only":
        return codecs.BOM_UTF16_LE if encoding == "utf-16" else codecs.BOM_UTF8
    delimiter = recipe.delimiter or spec.delimiter
    lines = [delimiter.join(quote(c, delimiter) for c in spec.header)]
    if 0 in recipe.blank_after:
        lines.append("")
    rows = () if recipe.shape == "header-only" else (
        *((seed, ()) for seed in range(recipe.bulk)), *recipe.rows,
        *((seed, ()) for seed in range(recipe.tail)))
    for n, (seed, changes) in enumerate(rows, start=1):
        lines.append(render(spec, seed, changes, delimiter))
        if n in recipe.blank_after:
            lines.append("   " if n % 2 else "")
    if recipe.truncate and lines[-1]:
        lines[-1] = lines[-1][:-min(recipe.truncate, len(lines[-1]) - 1) or None]
    ending = recipe.newline if recipe.final_newline and not recipe.truncate else ""
    if recipe.encoding != "mixed":
        return (recipe.newline.join(lines) + ending).encode(encoding, errors="replace")
    head = (recipe.newline.join(lines[:-1]) + recipe.newline).encode("utf-8")
    return head + (lines[-1] + ending).encode("cp1252", errors="replace")


# -- the property -------------------------------------------------------------------------------

_source_ids = itertools.count(1)
#: Seconds an import of one generated file may take (the slowest take about one second).
IMPORT_TIMEOUT = 10


class ImportTimeout(AssertionError):
    """An import ran longer than IMPORT_TIMEOUT: a hang is a failure, not a wait."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (where SIGALRM exists, in the main thread)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() != threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise ImportTimeout(f"the import took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def table_counts(store: Store) -> dict[str, int]:
    return {table: store.count(table) for table in store.tables()}


def reader_records(spec: Spec, path: Path) -> tuple[str, str, list[tuple[int, int]]]:
    """(encoding, delimiter, records) as the importer's reader sees the file: one
    (first line, last line) per record, well formed or not."""
    table = get(spec.importer)(**spec.options).open(path)
    records: list[tuple[int, int]] = []
    for batch in table.batches():
        records += zip(batch.frame[ROW].to_list(), batch.frame[LINE].to_list(), strict=True)
        records += [(problem.row, line) for problem, line, _ in batch.malformed]
    assert table.encoding is not None and table.delimiter is not None
    return table.encoding, table.delimiter, records


def uncovered_lines(path: Path, encoding: str, delimiter: str,
                    records: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Non-blank lines after the header that belong to no record: lost rows."""
    text = path.read_bytes().decode(encoding, errors="replace")
    lines = re.split(r"\r\n|\r|\n", text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header_end = len(lines)
    for cells in reader:
        if cells and any(c.strip() for c in cells):
            header_end = reader.line_num
            break
    covered = {n for first, last in records for n in range(first, last + 1)}
    return [(n, line[:120]) for n, line in enumerate(lines, start=1)
            if n > header_end and line.strip() and n not in covered]


def text_columns(store: Store) -> dict[str, list[str]]:
    """Text columns (VARCHAR, VARCHAR[], JSON) of every table holding rows of a source."""
    rows = store.frame(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").rows()
    by_table: dict[str, list[str]] = {}
    with_source = {t for t, c, _ in rows if c == "source_id"}
    for table, column, data_type in rows:
        if table in with_source and data_type in ("VARCHAR", "VARCHAR[]", "JSON"):
            by_table.setdefault(table, []).append(column)
    return by_table


def emails_in(text: str) -> list[str]:
    """E-mail addresses in a text, searched around each '@' (the pattern is quadratic on a
    huge cell without one)."""
    found = []
    for at in (m.start() for m in re.finditer("@", text)):
        window = text[max(0, at - 256):at + 256]
        found += [m.group(0) for m in re.finditer(EMAIL, window)]
    return found


def contact_data(store: Store, source_id: str) -> dict[str, list[str]]:
    """E-mail addresses and injected phone numbers stored for a source, by table.column."""
    found: dict[str, list[str]] = {}
    for table, columns in text_columns(store).items():
        select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
        for row in store.con.execute(f'SELECT {select} FROM "{table}" WHERE source_id = ?',
                                     [source_id]).fetchall():
            for column, value in zip(columns, row, strict=True):
                for text in stored_texts(value):
                    hits = emails_in(text) + [p for p in PHONES if p in text]
                    if hits:
                        found.setdefault(f"{table}.{column}", []).extend(hits)
    return found


def stored_texts(value: str | None) -> list[str]:
    """The texts a stored value holds: each string of a JSON document (the quarantine's content,
    reasons and the stored report are JSON: their escapes, like \\u001f, are not text), else
    the value itself."""
    if not value:
        return []
    try:
        document = json.loads(value)
    except ValueError:
        return [value]
    texts: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, list):
            for element in item:
                walk(element)
        elif isinstance(item, dict):
            for key, element in item.items():
                texts.append(key)
                walk(element)

    walk(document)
    return texts


@dataclass
class Outcome:
    report: ImportReport | None = None
    error: Exception | None = None
    records: list[tuple[int, int]] = field(default_factory=list)
    quarantined: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def codes(self, row: int | None = None) -> set[str]:
        assert self.report is not None, self.error
        return {p.code for p in self.report.problems if row is None or p.row == row}


def check_import(store: Store, spec: Spec, path: Path) -> Outcome:
    """Import the file and check the outcome is a file-level error or every row accounted for."""
    source_id = f"{spec.importer}:robustness-{next(_source_ids)}"
    before = table_counts(store)
    try:
        with time_limit(IMPORT_TIMEOUT):
            report = import_file(spec.importer, path, store=store, source_id=source_id,
                                 options=spec.options)
    except (FileError, MappingError) as exc:
        if isinstance(exc, MappingError):  # documented for a list lacking a mapped column
            assert spec.importer == "generic", f"MappingError from {spec.importer}: {exc}"
            assert "not in" in str(exc), exc
        else:
            assert exc.problem and exc.fix, exc
        assert path.name in str(exc), f"the error does not name the file: {exc}"
        assert store.source(source_id) is None
        assert table_counts(store) == before, "a failed import changed the store"
        return Outcome(error=exc)
    except BaseException as exc:
        # A Rust panic in Polars is a BaseException, which Hypothesis would not shrink.
        if type(exc).__name__ == "PanicException":
            raise AssertionError(f"Polars panicked: {exc}") from exc
        raise
    try:
        return _check_report(store, spec, path, source_id, report, before)
    finally:
        with store.transaction():
            store.delete_source(source_id)


def _check_report(store: Store, spec: Spec, path: Path, source_id: str, report: ImportReport,
                  before: dict[str, int]) -> Outcome:
    assert report.status == "loaded", report.status
    assert report.rows_read == report.rows_loaded + report.rows_quarantined, report.as_dict()
    source = store.source(source_id)
    assert source is not None
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (
        report.rows_read, report.rows_loaded, report.rows_quarantined)

    # The reader's records: every non-blank line after the header is in one, none is counted
    # twice, and the report counts them all.
    encoding, delimiter, records = reader_records(spec, path)
    assert encoding == report.encoding
    lost = uncovered_lines(path, encoding, delimiter, records)
    assert not lost, f"lines read into no row (lost): {lost}"
    rows = [first for first, _ in records]
    assert len(set(rows)) == len(rows), f"two records share a row number: {sorted(rows)}"
    assert len(rows) == report.rows_read, (sorted(rows), report.as_dict(with_problems=False))

    # Each record is one loaded row of the target table or one quarantined row, not both.
    loaded = store.frame(f"SELECT row_number FROM {spec.target} WHERE source_id = ?",
                         [source_id])["row_number"].to_list()
    quarantine = store.frame("SELECT row_number, reasons FROM quarantine WHERE source_id = ?",
                             [source_id])
    quarantined = {row: json.loads(reasons) for row, reasons in quarantine.rows()}
    assert len(loaded) == len(set(loaded)) == report.rows_loaded, (sorted(loaded), report)
    assert quarantine.height == len(quarantined) == report.rows_quarantined
    assert not set(loaded) & set(quarantined), "a row is both loaded and quarantined"
    stored = set(loaded) | set(quarantined)
    assert stored == set(rows), (
        f"rows read but neither loaded nor quarantined: {sorted(set(rows) - stored)}; "
        f"stored rows the reader did not find: {sorted(stored - set(rows))}")
    for row, reasons in quarantined.items():
        assert reasons, f"quarantined row {row} has no reason"
        assert any(r["severity"] == "error" for r in reasons), (row, reasons)
        assert all(r["code"] and r["message"] for r in reasons), (row, reasons)

    # No other source was touched; no contact data was stored.
    owned = text_columns(store)  # every table with a source_id column
    counts = table_counts(store)
    for table, n in counts.items():
        if table == "entity_members":  # derived: resolution rewrites it after every import
            assert n == counts["organisations"] + counts["works"] + counts["people"], (
                "entity_members: every record has one row")
            continue
        own = store.count(table, "source_id = ?", [source_id]) if table in owned else 0
        assert n - own == before[table], f"{table}: rows of other sources changed"
    leaks = contact_data(store, source_id)
    assert not leaks, f"contact data stored: {leaks}"
    return Outcome(report=report, records=records, quarantined=quarantined)


# -- the store ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def robust_store(territories_store: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Store]:
    """One writable copy of the reference store for the whole module; each import uses its own
    source id and is deleted after its checks. The geocoder of this store is built once (the
    reference territories do not change here; building it takes most of a small import)."""
    path = tmp_path_factory.mktemp("robustness") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    with Store(path) as store, pytest.MonkeyPatch.context() as patch:
        geocoder = Geocoder.from_store(store)
        build_geocoder = Geocoder.from_store.__func__  # type: ignore[attr-defined]
        patch.setattr(Geocoder, "from_store", classmethod(
            lambda cls, s: geocoder if s is store else build_geocoder(cls, s)))
        yield store


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- Hypothesis ---------------------------------------------------------------------------------

def changes(spec: Spec) -> st.SearchStrategy[Change]:
    text, any_column = st.sampled_from(spec.text), st.sampled_from(spec.header)
    return st.one_of(
        st.tuples(st.just("set"), st.sampled_from(spec.amounts), st.sampled_from(ABSURD_AMOUNTS)),
        st.tuples(st.just("set"), st.sampled_from(spec.dates), st.sampled_from(IMPOSSIBLE_DATES)),
        st.tuples(st.just("append"), text, st.sampled_from(CONTACTS)),
        st.tuples(st.just("append"), text, st.sampled_from(CONTROLS)),
        st.tuples(st.just("append"), text, st.sampled_from(NEWLINES).map(lambda n: f"a{n}b")),
        st.tuples(st.just("set"), any_column, st.just("") | st.text(max_size=12)),
        st.tuples(st.just("huge"), text),
        st.tuples(st.just("drop"), st.integers(1, 3)),
        st.tuples(st.just("extra"), st.integers(1, 2)),
        st.tuples(st.just("blank")),
        st.tuples(st.just("stray-quote"), st.integers(0, 2000)),
        st.tuples(st.just("open-quote"), any_column),
        st.tuples(st.just("raw-delimiter"), text),
    )


@st.composite
def recipes(draw: st.DrawFn, spec: Spec) -> Recipe:
    shape = draw(st.sampled_from(["rows"] * 20 + ["header-only", "empty", "blank", "bom-only"]))
    rows = tuple(draw(st.lists(
        st.tuples(st.integers(0, len(spec.rows) - 1), st.lists(changes(spec), max_size=3)
                  .map(tuple)), min_size=1, max_size=6)))
    return Recipe(
        shape=shape,
        encoding=draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "cp1252", "latin-1",
                                                       "utf-16", "mixed"])),
        delimiter=draw(st.sampled_from([None] * 6 + [",", ";", "\t", "|"])),
        newline=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        rows=rows,
        bulk=draw(st.sampled_from([0, 0, 0, 70, 150])),
        tail=draw(st.sampled_from([0, 0, 0, 70])),
        blank_after=draw(st.frozensets(st.integers(0, len(rows)), max_size=2)),
        truncate=draw(st.none() | st.none() | st.integers(1, 300)),
        final_newline=draw(st.booleans()),
    )


#: Examples per importer; CINEATLAS_ROBUSTNESS_EXAMPLES=1000 for a longer hunt.
EXAMPLES = int(os.environ.get("CINEATLAS_ROBUSTNESS_EXAMPLES", "30"))
ROBUSTNESS = settings(
    max_examples=EXAMPLES, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)


@pytest.mark.slow
@pytest.mark.parametrize("importer", ["telefilm", "cnc-cinemas", "festivals", "scdl", "generic"])
@ROBUSTNESS
@given(data=st.data())
def test_malformed_files_are_loaded_quarantined_or_refused(
        importer: str, data: st.DataObject, specs: dict[str, Spec], robust_store: Store,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    spec = specs[importer]
    recipe = data.draw(recipes(spec), label="recipe")
    path = write(tmp_path_factory.getbasetemp(), f"damaged-{importer}.csv", build(spec, recipe))
    outcome = check_import(robust_store, spec, path)
    if outcome.error is not None:
        event(f"refused: {getattr(outcome.error, 'code', type(outcome.error).__name__)}")
    else:
        assert outcome.report is not None
        event(f"loaded, {'some' if outcome.report.rows_quarantined else 'no'} row quarantined")


def test_every_registered_importer_is_covered(specs: dict[str, Spec]) -> None:
    shipped = {e.name for e in entry_points(group="cineatlas.importers")}
    assert sorted(specs) == sorted(shipped - set(NOT_CSV)) and shipped <= set(names())
    for module in NOT_CSV.values():
        assert (Path(__file__).parents[1] / module).is_file()


# -- readable examples, one per kind of damage ---------------------------------------------------

def examples(spec: Spec) -> dict[str, Recipe]:
    text, amount, date = spec.text[0], spec.amounts[0], spec.dates[0]
    one = (1, ())
    #: non-ASCII text, so that the encoding can be told
    accents = ((0, ()), (1, (("append", text, "Société « été » Île-de-France"),)))
    return {
        "empty file": Recipe(shape="empty"),
        "whitespace only": Recipe(shape="blank"),
        "byte-order mark only": Recipe(shape="bom-only", encoding="utf-8-sig"),
        "header only": Recipe(shape="header-only"),
        "header only, no final newline": Recipe(shape="header-only", final_newline=False),
        "blank lines": Recipe(blank_after=frozenset({0, 2})),
        "line of spaces": Recipe(blank_after=frozenset({1})),
        "no final newline": Recipe(final_newline=False),
        "truncated last line": Recipe(truncate=7),
        "fewer cells": Recipe(rows=((0, (("drop", 2),)), one)),
        "more cells": Recipe(rows=((0, (("extra", 1),)), one)),
        "stray quote": Recipe(rows=((0, (("stray-quote", 9),)), one, (2, ()))),
        "unclosed quote in the last row": Recipe(rows=((0, ()), (1, (("open-quote", text),)))),
        "unclosed quote mid-file": Recipe(rows=((0, (("open-quote", text),)), one, (2, ()))),
        "unquoted delimiter in a cell": Recipe(rows=((0, (("raw-delimiter", text),)), one)),
        "huge field": Recipe(rows=((0, (("huge", text),)), one)),
        "embedded newlines": Recipe(rows=((0, (("append", text, "a\nb\r\nc"),)), one)),
        "blank row": Recipe(rows=((0, (("blank",),)), one)),
        "negative amount": Recipe(rows=((0, (("set", amount, "-5"),)), one)),
        "absurd amounts": Recipe(rows=tuple(
            (i, (("set", amount, v),)) for i, v in enumerate(("1e30", "12,34,56", "€€", "NaN")))),
        "impossible dates": Recipe(rows=tuple(
            (i, (("set", date, v),)) for i, v in enumerate(("31/02/2020", "2020-13-45",
                                                            "0000-00-00")))),
        "control characters": Recipe(rows=((0, (("append", text, "\x01\x07\x1b\x7f\x0c"),)), one)),
        "e-mail and phone in text": Recipe(rows=(
            (0, (("append", text, EMAILS[0]),)), (1, (("append", text, PHONES[0]),)))),
        "Windows-1252": Recipe(encoding="cp1252", rows=accents),
        "Latin-1": Recipe(encoding="latin-1", rows=accents),
        "UTF-8 with BOM": Recipe(encoding="utf-8-sig", rows=accents),
        "UTF-16": Recipe(encoding="utf-16", rows=accents),
        "one line in Windows-1252": Recipe(encoding="mixed", rows=accents),
        "CRLF": Recipe(newline="\r\n"),
        "CR only": Recipe(newline="\r"),
        "tab delimiter": Recipe(delimiter="\t"),
        "comma or semicolon": Recipe(delimiter=";" if spec.delimiter == "," else ","),
        # the reader's vectorised path for the first rows, the csv module for the last ones
        "many rows, then damaged ones": Recipe(bulk=150, rows=(
            (0, (("set", date, "31/02/2020"),)), (0, (("set", date, "31/02/2020"),)))),
    }


CATEGORIES = list(examples(Spec("x", ("a",), (("1",),), ",", "t", ("a",), ("a",), ("a",))))
EMPTY = {"empty file", "whitespace only", "byte-order mark only"}
#: Categories whose file has exactly two data rows, both counted whatever their content.
TWO_ROWS = {"blank lines", "no final newline", "truncated last line", "fewer cells", "more cells",
            "huge field", "embedded newlines", "blank row", "negative amount",
            "control characters", "e-mail and phone in text", "Windows-1252", "Latin-1",
            "UTF-8 with BOM", "UTF-16", "one line in Windows-1252", "CRLF", "CR only"}
ENCODINGS = {"Windows-1252": "cp1252", "UTF-8 with BOM": "utf-8-sig", "UTF-16": "utf-16"}


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("importer", ["telefilm", "cnc-cinemas", "festivals", "scdl", "generic"])
def test_damaged_file(importer: str, category: str, specs: dict[str, Spec],
                      robust_store: Store, tmp_path: Path) -> None:
    spec = specs[importer]
    recipe = examples(spec)[category]
    path = write(tmp_path, f"{category.replace(' ', '-')}.csv", build(spec, recipe))
    outcome = check_import(robust_store, spec, path)
    if category in EMPTY:
        assert isinstance(outcome.error, FileError) and outcome.error.code == "empty-file"
        return
    if category.startswith("header only"):  # no data row: refused, never an emptied source
        assert isinstance(outcome.error, FileError) and outcome.error.code == "no-data-row"
        return
    if importer == "generic" and category in ("tab delimiter", "comma or semicolon"):
        # the mapping says ';': the list's columns are not found, and the message says which
        assert isinstance(outcome.error, MappingError), outcome
        return
    assert outcome.error is None, outcome.error
    report = outcome.report
    assert report is not None
    if category in TWO_ROWS:
        assert report.rows_read == 2, report.as_dict()
    if category in ("fewer cells", "more cells"):
        assert "wrong-field-count" in outcome.codes(2)
        assert 2 in outcome.quarantined
    if category == "line of spaces":  # a record with no value: quarantined, not dropped
        assert report.rows_read == 3 and "blank-row" in outcome.codes(3)
    if category == "blank row":
        assert "blank-row" in outcome.codes(2) and 2 in outcome.quarantined
    if category == "huge field":
        assert "too-long" in outcome.codes(2)
    if category == "unclosed quote in the last row":  # the quote runs to the end of the file
        assert report.rows_read == 2 and 3 in outcome.quarantined
    if category == "unclosed quote mid-file":  # ... and swallows the next rows: read again
        assert "unclosed-quote" in outcome.codes(2) and 2 in outcome.quarantined
        assert report.rows_read == 3
    if category in ENCODINGS:
        assert report.encoding == ENCODINGS[category]
    if category == "one line in Windows-1252":
        # UTF-8 kept, the one Windows-1252 line decoded as such (see
        # test_one_windows_1252_line_does_not_garble_the_utf8_lines), with a warning
        # (cp1252 when the UTF-8 lines happen to hold no accent: nothing tells them apart)
        assert report.encoding in (MIXED, "cp1252") and "decoded-as" in outcome.codes()
    if category == "Latin-1":
        assert report.encoding in ("cp1252", "latin-1") and "decoded-as" in outcome.codes()
    if category in ("absurd amounts",):
        assert report.rows_read == 4
    if category == "impossible dates":
        assert report.rows_read == 3
    if category == "many rows, then damaged ones":
        assert report.rows_read == 152


# -- bugs Hypothesis found (regressions), contact data in problem texts, a known bug ------------

def test_polars_format_on_a_filtered_merged_batch(specs: dict[str, Spec], robust_store: Store,
                                                  tmp_path: Path) -> None:
    """Found by Hypothesis: 150 plain rows (read by Polars) then two rows whose period is not
    one (read by the csv module) made the festivals import crash with a Rust panic
    ('assertion failed: i < self.len()' in pl.format): the batch's merged columns had an empty
    chunk. The reader now hands importers one chunk per column."""
    spec = specs["festivals"]
    damaged = (0, (("set", "periode_principale_de_deroulement_du_festival", "31/02/2020"),))
    path = write(tmp_path, "festivals.csv", build(spec, Recipe(bulk=150, rows=(damaged,) * 2)))
    outcome = check_import(robust_store, spec, path)
    assert outcome.report is not None and outcome.report.rows_read == 152
    assert "unknown-value" in outcome.codes(152)


@pytest.mark.parametrize("importer", ["telefilm", "cnc-cinemas", "festivals", "scdl", "generic"])
def test_problem_texts_keep_no_contact_data(importer: str, specs: dict[str, Spec],
                                            robust_store: Store, tmp_path: Path) -> None:
    """Problems quote cells (an amount that is not one, the start of a cell cut for its size):
    what they quote is scrubbed in the quarantine's reasons and the stored report too."""
    spec = specs[importer]
    recipe = Recipe(rows=(
        (0, (("set", spec.amounts[0], EMAILS[0]),)),
        (1, (("set", spec.text[0], f"{EMAILS[1]} {PHONES[0]} {HUGE}"),)),  # too-long quotes it
    ))
    path = write(tmp_path, "contacts.csv", build(spec, recipe))
    source_id = f"{importer}:contacts"
    report = import_file(importer, path, store=robust_store, source_id=source_id,
                         options=spec.options)
    try:
        assert "too-long" in {p.code for p in report.problems}
        assert contact_data(robust_store, source_id) == {}
        assert not emails_in(json.dumps(report.as_dict(), ensure_ascii=False))
    finally:
        with robust_store.transaction():
            robust_store.delete_source(source_id)


@pytest.mark.parametrize("importer", ["telefilm", "cnc-cinemas", "festivals", "scdl", "generic"])
def test_a_malformed_row_with_an_email_after_a_tab_is_quarantined(
        importer: str, specs: dict[str, Spec], robust_store: Store, tmp_path: Path) -> None:
    """Found by Hypothesis: the JSON text of a malformed row's content was scrubbed as text, so
    an e-mail after an escape ('\\t', '\\n') took the escape's letter with it, the content was
    no longer JSON, and the import crashed inserting it into quarantine."""
    spec = specs[importer]
    recipe = Recipe(rows=((0, (("append", spec.text[0], f"\t{EMAILS[0]}"), ("extra", 1))),))
    path = write(tmp_path, "tab-email.csv", build(spec, recipe))
    outcome = check_import(robust_store, spec, path)
    assert outcome.quarantined.keys() == {2}


def test_a_malformed_row_with_a_huge_cell_is_quarantined_in_time(
        specs: dict[str, Spec], robust_store: Store, tmp_path: Path) -> None:
    """Found by Hypothesis: a malformed row's cells were scrubbed with Python's re, which
    backtracks on the e-mail pattern: quadratic on a long run of letters (16,000 characters:
    6 s; 100,000: minutes), so a row with a wrong number of cells and a huge cell hung the
    import."""
    spec = specs["telefilm"]
    recipe = Recipe(rows=((0, (("huge", "Title"), ("extra", 1))),))
    path = write(tmp_path, "huge-malformed.csv", build(spec, recipe))
    outcome = check_import(robust_store, spec, path)
    assert outcome.quarantined.keys() == {2}


def test_scdl_publisher_keeps_no_contact_data(specs: dict[str, Spec], robust_store: Store,
                                              tmp_path: Path) -> None:
    """Found by Hypothesis: an SCDL source's publisher is its funders' names (nomAttribuant),
    which were recorded in sources.publisher unscrubbed."""
    spec = specs["scdl"]
    recipe = Recipe(rows=((0, (("append", "nomAttribuant", f"{EMAILS[0]} {PHONES[0]}"),)),))
    path = write(tmp_path, "publisher.csv", build(spec, recipe))
    source_id = "scdl:publisher"
    import_file("scdl", path, store=robust_store, source_id=source_id)
    try:
        publisher = robust_store.source(source_id)["publisher"]  # type: ignore[index]
        assert EMAILS[0] not in publisher and PHONES[0] not in publisher, publisher
    finally:
        with robust_store.transaction():
            robust_store.delete_source(source_id)


def test_one_windows_1252_line_does_not_garble_the_utf8_lines(
        specs: dict[str, Spec], robust_store: Store, tmp_path: Path) -> None:
    spec = specs["telefilm"]
    title = "Société « été » Île-de-France"
    recipe = Recipe(encoding="mixed", rows=(
        (0, (("set", "Title", title),)), (1, (("set", "Title", title),))))
    path = write(tmp_path, "mixed.csv", build(spec, recipe))
    source_id = "telefilm:mixed"
    import_file("telefilm", path, store=robust_store, source_id=source_id)
    try:
        titles = robust_store.frame(
            "SELECT project_title FROM awards WHERE source_id = ? ORDER BY row_number",
            [source_id])["project_title"].to_list()
        assert titles == [title, title]
    finally:
        with robust_store.transaction():
            robust_store.delete_source(source_id)
