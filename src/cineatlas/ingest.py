"""The import pipeline: file -> importer -> store, every row accounted for, all or nothing.

    report = import_file("telefilm", "contributions.csv", db="atlas.duckdb")

Importing the same file twice changes nothing (status 'unchanged'); importing a corrected
file under the same source id replaces that source's rows. A bad row is quarantined with its
reasons; a bad file raises FileError and the store is left as it was. A file with no data row
is a bad file unless `allow_empty=True`: it never silently empties a source. Every problem
found is kept row by row in `import_problems`; the report holds complete counts and a sample.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas.errors import AtlasError, FileError
from cineatlas.importers import ImportContext, Importer, get
from cineatlas.privacy import scrub, scrub_frame, scrub_json, scrub_problems, scrub_text
from cineatlas.problems import ERROR, ImportReport, Problem, problems_frame
from cineatlas.reading import LINE, ROW, RawBatch, RawTable
from cineatlas.reading.csvfile import delimiter_name
from cineatlas.store import SOURCE_TABLES, Store
from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL, SOURCE_RULE
from cineatlas.text import slug
from cineatlas.version import __version__

#: Called with the number of rows processed so far (for progress bars).
Progress = Callable[[int], None]


def default_source_id(importer: str, path: Path) -> str:
    """'<importer>:<slug of the file name without extension>'."""
    return f"{importer}:{slug(path.stem) or 'file'}"


def canonical_options(options: Mapping[str, Any]) -> str:
    return json.dumps(dict(options), sort_keys=True, ensure_ascii=False, default=str)


def recorded_options(importer: Importer, options: Mapping[str, Any]) -> str:
    """The options as `sources.options` records them, and as a re-import compares them to
    decide 'unchanged': the options given, plus under 'input_sha256' the digests of the other
    files the importer reads (its optional `fingerprint()`: the generic importer's mapping
    file). Editing a mapping file is thus a change even though its path is the same."""
    fingerprint = getattr(importer, "fingerprint", None)
    inputs = fingerprint() if callable(fingerprint) else {}
    return canonical_options({**options, "input_sha256": inputs} if inputs else options)


def import_file(
    importer: str | Importer,
    path: str | Path,
    *,
    store: Store | None = None,
    db: str | Path | None = None,
    source_id: str | None = None,
    options: Mapping[str, Any] | None = None,
    fictitious: bool = False,
    force: bool = False,
    allow_empty: bool = False,
    about: Mapping[str, str | None] | None = None,
    progress: Progress | None = None,
    resolve: bool = True,
) -> ImportReport:
    """Import one file with the named importer. See the module docstring.

    Entity resolution (`cineatlas.resolve`) runs after the rows are loaded, in the same
    transaction, so `entity_members` always covers every record; `resolve=False` leaves it to
    the caller (a build importing several files resolves once, at the end).

    A file with no data row (a header alone, or only blank lines and rows of empty cells)
    raises FileError, the store unchanged, unless `allow_empty` lets it empty the source.
    `about` gives the source's title, publisher, licence and url when the caller knows them
    better than the file does (a shipped dataset's manifest entry); they override the
    importer's.
    """
    path = Path(path)
    options = dict(options or {})
    if isinstance(importer, str):
        importer = get(importer)(**options)
    source_id = source_id or default_source_id(importer.name, path)
    own_store = store is None
    store = store or Store(db)
    try:
        table = importer.open(path)  # FileError for a bad file: nothing written yet
        previous = store.source(source_id)
        if (
            not force
            and previous is not None
            and previous["sha256"] == table.sha256
            and previous["options"] == recorded_options(importer, options)
            and previous["cineatlas_version"] == __version__
        ):
            if resolve:
                _resolve_if_stale(store)
            return _unchanged(previous, importer.name, path)
        columns, header_problems = importer.resolve_columns(table)
        ctx = ImportContext(source_id=source_id, store=store, options=options,
                            columns=columns, fictitious=fictitious)
        report = ImportReport(source_id=source_id, importer=importer.name, file=str(path),
                              encoding=table.encoding, delimiter=delimiter_name(table.delimiter),
                              sha256=table.sha256)
        with store.transaction():
            store.delete_source(source_id)
            _record_problems(store, report,
                             scrub_problems(problems_frame([*table.notes, *header_problems])))
            importer.begin(ctx)
            blank_rows = 0
            for batch in table.batches():
                _load_batch(store, importer, ctx, batch, report)
                blank_rows += sum(1 for p, _, _ in batch.malformed if p.code == "blank-row")
                if progress:
                    progress(report.rows_read)
            if report.rows_read == blank_rows and not allow_empty:
                raise _no_data_row(path, source_id, blank_rows, previous)
            report.notices.extend(_emptied_notices(report, path, blank_rows, previous))
            write_frames(store, importer.finish(ctx), source_id, fictitious)
            _record_problems(store, report, scrub_problems(problems_frame(ctx.problems)))
            report.figures = dict(ctx.figures)
            report.status = "replaced" if previous is not None else "loaded"
            report.tables = _table_counts(store, source_id)
            store.record_source(_source_record(importer, table, path, source_id, options,
                                               fictitious, report, about))
            if resolve:
                _resolve(store)
        return report
    finally:
        if own_store:
            store.close()


def _resolve(store: Store) -> None:
    from cineatlas.resolve import resolve

    resolve(store)


def _resolve_if_stale(store: Store) -> None:
    from cineatlas.resolve import is_current

    if not is_current(store):
        _resolve(store)


def load_frames(
    store: Store,
    source_id: str,
    importer: str,
    frames: Mapping[str, pl.DataFrame],
    *,
    title: str,
    publisher: str | None = None,
    licence: str | None = None,
    url: str | None = None,
    fictitious: bool = False,
    options: Mapping[str, Any] | None = None,
) -> ImportReport:
    """Load generated frames (not read from a file) as one source, all or nothing.

    The source's sha256 is a digest of the frames' content: loading identical frames again
    changes nothing (status 'unchanged'); different frames replace the source's rows.
    """
    digest = _frames_digest(frames)
    options = dict(options or {})
    previous = store.source(source_id)
    if (previous is not None and previous["sha256"] == digest
            and previous["options"] == canonical_options(options)
            and previous["cineatlas_version"] == __version__):
        return _unchanged(previous, importer, Path(source_id))
    rows = sum(f.height for f in frames.values())  # rows generated, all tables
    report = ImportReport(source_id=source_id, importer=importer, file=source_id, sha256=digest,
                          rows_read=rows, rows_loaded=rows)
    with store.transaction():
        store.delete_source(source_id)
        write_frames(store, frames, source_id, fictitious)
        report.status = "replaced" if previous is not None else "loaded"
        report.tables = _table_counts(store, source_id)
        store.record_source({
            "source_id": source_id, "importer": importer, "title": title, "file_name": None,
            "sha256": digest, "size_bytes": None, "options": canonical_options(options),
            "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
            "cineatlas_version": __version__, "rows_read": rows, "rows_loaded": rows,
            "rows_quarantined": 0, "publisher": publisher, "licence": licence, "url": url,
            "fictitious": fictitious, "report": report.as_dict(),
        })
    return report


def _frames_digest(frames: Mapping[str, pl.DataFrame]) -> str:
    digest = hashlib.sha256()
    for name in sorted(frames):
        digest.update(name.encode())
        digest.update(frames[name].hash_rows(seed=0).sort().to_numpy().tobytes())
        digest.update(",".join(frames[name].columns).encode())
    return digest.hexdigest()


def _no_data_row(path: Path, source_id: str, blank_rows: int,
                 previous: Mapping[str, Any] | None) -> FileError:
    blank = f" ({blank_rows:,} row{_s(blank_rows)} of empty cells)" if blank_rows else ""
    empty_it = "import it again with --allow-empty (allow_empty=True in Python)"
    if previous is None:
        fix = (f"Nothing was imported. Check that this is the right file; to record source "
               f"{source_id} as empty, {empty_it}.")
    else:
        kept = previous["rows_loaded"]
        fix = (f"Nothing was changed: source {source_id} keeps the {kept:,} row{_s(kept)} of its "
               f"previous import. If the source really has no row now, {empty_it}.")
    return FileError(path, f"has a header but no data row{blank}", fix, code="no-data-row")


def _emptied_notices(report: ImportReport, path: Path, blank_rows: int,
                     previous: Mapping[str, Any] | None) -> list[str]:
    """The loud warning of an import that leaves its source with no row."""
    if report.rows_loaded:
        return []
    had = previous["rows_loaded"] if previous is not None else 0
    before = f" The previous import had {had:,} row{_s(had)} loaded." if had else ""
    sid = report.source_id
    if report.rows_read == blank_rows:
        return [f"{path.name} has no data row: source {sid} now holds no row "
                f"(allowed by --allow-empty).{before}"]
    return [f"No row of {path.name} was loaded ({report.rows_quarantined:,} quarantined): source "
            f"{sid} now holds no row.{before} See why: cineatlas quarantine --source {sid}"]


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _record_problems(store: Store, report: ImportReport, problems: pl.DataFrame) -> None:
    """Count (scrubbed) problems into the report, and keep every one in `import_problems`."""
    report.add(problems)
    if problems.height:
        store.insert("import_problems", problems.select(
            pl.lit(report.source_id).alias("source_id"), pl.col("row").alias("row_number"),
            "field", "code", "severity", "message", "value"))


def _load_batch(store: Store, importer: Importer, ctx: ImportContext, batch: RawBatch,
                report: ImportReport) -> None:
    facts = importer.private_facts(batch.frame, ctx) if batch.frame.height else []
    raw = batch.frame.drop([ctx.columns[c] for c in importer.private_columns if c in ctx.columns])
    typed, problems = (importer.parse(raw.with_columns(facts), ctx) if raw.height
                       else (raw.select(ROW), problems_frame([])))
    malformed = problems_frame([p for p, _, _ in batch.malformed])
    problems = pl.concat([problems_frame(batch.notes), problems, malformed], how="vertical_relaxed")
    # Problems quote cells: scrubbed before they reach the report and the quarantine's reasons.
    problems = scrub_problems(problems)
    _record_problems(store, report, problems)
    bad_rows = problems.filter(pl.col("severity") == ERROR).get_column("row").unique()
    good = typed.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    report.rows_read += batch.rows
    report.rows_loaded += good.height
    report.rows_quarantined += batch.rows - good.height
    if good.height:
        write_frames(store, importer.emit(good, ctx), ctx.source_id, ctx.fictitious,
                     sector=importer.sector)
    quarantine = _quarantine_rows(raw, problems, bad_rows, batch, ctx.source_id)
    if quarantine.height:
        store.insert("quarantine", quarantine)


def _quarantine_rows(raw: pl.DataFrame, problems: pl.DataFrame, bad_rows: pl.Series,
                     batch: RawBatch, source_id: str) -> pl.DataFrame:
    """One row per rejected input row: its original cells and every problem found in it."""
    reasons = (
        problems.filter(pl.col("row").is_in(bad_rows.implode()))
        .group_by("row")
        .agg(pl.struct("field", "code", "severity", "message", "value").alias("reasons"))
        .select(pl.col("row"), pl.concat_str(
            pl.lit("["),
            pl.col("reasons").list.eval(pl.element().struct.json_encode()).list.join(","),
            pl.lit("]")).alias("reasons"))
    )
    cells = [c for c in raw.columns if c not in (ROW, LINE)]
    content = raw.filter(pl.col(ROW).is_in(bad_rows.implode())).select(
        pl.col(ROW).alias("row"), pl.col(LINE).alias("line_number"),
        pl.struct([scrub(pl.col(c)).alias(c) for c in cells]).struct.json_encode().alias("content")
        if cells
        else pl.lit("{}").alias("content"),
    )
    malformed = pl.DataFrame(
        {"row": [p.row for p, _, _ in batch.malformed],
         "line_number": [line for _, line, _ in batch.malformed],
         "content": [scrub_json(c) for _, _, c in batch.malformed]},
        schema={"row": pl.Int64, "line_number": pl.Int64, "content": pl.Utf8},
    )
    rows = pl.concat([content, malformed])
    return rows.join(reasons, on="row", how="left").select(
        pl.lit(source_id).alias("source_id"), pl.col("row").alias("row_number"),
        "line_number", "content", pl.col("reasons").fill_null("[]"),
    ).unique(subset="row_number", keep="first")


def write_frames(store: Store,
                 frames: Mapping[str, pl.DataFrame] | Iterable[tuple[str, pl.DataFrame]],
                 source_id: str, fictitious: bool,
                 sector: str | None = CINEMA_AUDIOVISUAL) -> None:
    """Insert frames into their tables with provenance columns, privacy scrubbed.

    Awards that do not say their sector get `sector` (the importer's: its whole source is
    cinema and audiovisual) with the rule 'source'; an importer whose files hold every sector
    (SCDL) classifies its rows itself.

    Entity tables (organisations, people, works, schemes...) are keyed by deterministic ids:
    a row already inserted by an earlier batch is ignored.
    """
    items = frames.items() if isinstance(frames, Mapping) else frames
    for table, frame in items:
        if table not in SOURCE_TABLES:
            raise AtlasError(f"Importers may not write to table {table!r}.")
        if frame.height == 0:
            continue
        frame = scrub_frame(frame).with_columns(
            pl.lit(source_id).alias("source_id"), pl.lit(fictitious).alias("fictitious"),
        ) if table not in ("quarantine",) else frame
        if table in ("territory_aliases", "territory_outlines"):
            frame = frame.drop("fictitious")
        if table == "awards" and "sector" not in frame.columns and sector is not None:
            frame = frame.with_columns(pl.lit(sector).alias("sector"),
                                       pl.lit(SOURCE_RULE).alias("sector_rule"))
        store.insert(table, frame, ignore_duplicates=table in _ENTITY_TABLES)


_ENTITY_TABLES = frozenset({"organisations", "people", "works", "schemes", "commissions",
                            "commission_members", "award_people",
                            "scheme_bodies", "scheme_dates", "scheme_documents",
                            "scheme_field_sources", "territory_aliases"})


def _table_counts(store: Store, source_id: str) -> dict[str, int]:
    counts = {}
    for table in SOURCE_TABLES:
        if table == "import_problems":  # the report counts them itself
            continue
        n = store.count(table, "source_id = ?", [source_id])
        if n:
            counts[table] = n
    return counts


def _source_record(importer: Importer, table: RawTable, path: Path, source_id: str,
                   options: Mapping[str, Any], fictitious: bool, report: ImportReport,
                   about: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    meta = {**importer.source_metadata(path), **{k: v for k, v in (about or {}).items() if v}}
    return {
        "source_id": source_id,
        "importer": importer.name,
        # titles and publishers come from the file's cells (an SCDL publisher is its funders)
        "title": scrub_text(meta.get("title")),
        "file_name": scrub_text(path.name),  # a file's name is text too
        "sha256": table.sha256,
        "size_bytes": table.size,
        "options": recorded_options(importer, options),
        "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "cineatlas_version": __version__,
        "encoding": table.encoding,
        "delimiter": delimiter_name(table.delimiter),
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_quarantined": report.rows_quarantined,
        "publisher": scrub_text(meta.get("publisher")),
        "licence": meta.get("licence"),
        "url": meta.get("url"),
        "fictitious": fictitious,
        "report": {**report.as_dict(with_problems=True), "file": scrub_text(report.file)},
    }


def _unchanged(previous: dict[str, Any], importer: str, path: Path) -> ImportReport:
    stored = json.loads(previous["report"]) if previous.get("report") else {}
    report = ImportReport(source_id=previous["source_id"], importer=importer, file=str(path),
                          status="unchanged", rows_read=previous["rows_read"],
                          rows_loaded=previous["rows_loaded"],
                          rows_quarantined=previous["rows_quarantined"],
                          encoding=previous["encoding"], delimiter=previous["delimiter"],
                          sha256=previous["sha256"], tables=stored.get("tables", {}),
                          figures=stored.get("figures", {}))
    for item in stored.get("problems", []):  # a store written before problems were scrubbed
        item = {**item, "message": scrub_text(item.get("message")),
                "value": scrub_text(item.get("value"))}
        report.problems.append(Problem(**item))
    for item in stored.get("problem_summary", []):
        key = (item["code"], item["field"], item["severity"])
        report.problem_counts[key] = item["count"]
        report.examples[key] = list(item.get("example_rows", []))
    report.notices.extend(scrub_text(n) for n in stored.get("notices", []))
    return report
