"""Building the atlas into one store: territories, shipped datasets, the user's files and, on
request only, the fictitious French data."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from cineatlas.build import files
from cineatlas.build.files import Downloads, Planned
from cineatlas.build.steps import Steps
from cineatlas.build.summary import summarise
from cineatlas.datasets import Dataset
from cineatlas.datasets import get as get_dataset
from cineatlas.demo.source import FICTITIOUS_NOTE, load_fictitious, remove_fictitious
from cineatlas.demo.world import SOURCE_ID
from cineatlas.errors import AtlasError
from cineatlas.ingest import import_file
from cineatlas.problems import ImportReport
from cineatlas.store import Store

#: A user's files: {importer: path}, or (importer, path) pairs (several files per importer).
UserFiles = Mapping[str, str | Path] | Iterable[tuple[str, str | Path]]


def build_atlas(
    db: str | Path | None = None,
    *,
    datasets: Iterable[str] | None = None,
    fictitious: bool = False,
    seed: int = 2024,
    real_files: UserFiles | None = None,
    download: bool = False,
    progress: Any = None,
) -> dict[str, Any]:
    """Build (or bring up to date) the atlas in the store `db`; return a JSON-able summary.

    - the reference territories, when the store lacks them;
    - every shipped open dataset (`cineatlas.datasets` read by an importer), or those of
      `datasets` (ids; `()` for none), through its importer. `download=True` first fetches each
      publisher's current file into the cache (a failure is a note); an earlier download in the
      cache is preferred to the shipped copy; a file that cannot be imported is set aside and
      the shipped copy used;
    - the user's `real_files`, each as its own source (a file that is a shipped dataset's
      original replaces the shipped copy);
    - `fictitious=True`: the generated French data (source 'demo:fictitious-france', every row
      flagged fictitious); without it, that source is removed if an earlier build left it.

    Imports are idempotent: a file already imported is not read again. A shipped dataset that
    cannot be imported is listed under `failures` (the rest is built); a user's file that
    cannot be imported raises its importer's error. `progress` is a Rich Progress (or None).
    """
    return _build(db, _selected(datasets), fictitious=fictitious, seed=seed,
                  user=_pairs(real_files), download=download, progress=progress,
                  first_views=True)


def build_demo(
    db: str | Path | None = None,
    *,
    real_files: UserFiles | None = None,
    download: bool | Collection[str] = False,
    seed: int = 2024,
    progress: Any = None,
) -> dict[str, Any]:
    """A store of the fictitious French data alone: the territories, the generated data for
    `seed`, and any `real_files` ({importer: path}). `download=True` also fetches each
    importer's publisher file (its `url`) into the cache and imports it (a collection of
    importer names: only those); nothing is fetched when CINEATLAS_OFFLINE is set, and a
    failed download is a note. The shipped datasets are not imported: that is
    `build_atlas(fictitious=True)`."""
    return _build(db, [], fictitious=True, seed=seed, user=_pairs(real_files),
                  importer_downloads=download, progress=progress)


def _build(db: str | Path | None, selected: list[Dataset], *, fictitious: bool, seed: int,
           user: list[tuple[str, str | Path]], download: bool = False,
           importer_downloads: bool | Collection[str] = False,
           progress: Any = None, first_views: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    steps = Steps(progress)
    notes: list[str] = []
    reports: dict[str, ImportReport] = {}
    failures: list[dict[str, Any]] = []
    mine = [files.user_plan(name, Path(path)) for name, path in user]
    used: list[Planned] = []
    with Store(db) as store:
        territories = _territories(store, progress)
        downloads = Downloads(download, steps, notes)
        steps.plan(len(selected) + len(mine) + (1 if fictitious else 0))
        for plan in _dataset_plans(selected, mine, downloads, notes):
            done = _import_dataset(store, plan, steps, downloads, failures)
            if done is not None:
                reports[done[0].source_id] = done[0]
                used.append(done[1])
        for plan in mine:
            reports[plan.source_id] = _import(store, plan, steps)
            used.append(plan)
        origins = {plan.source_id: plan.origin for plan in used}
        _fictitious(store, fictitious, seed, steps, reports, origins, notes)
        if importer_downloads:
            _importer_downloads(store, importer_downloads, {n for n, _ in user}, steps, reports,
                                origins, notes)
        _resolve(store, steps, reports)
        if first_views:
            _first_views(store, steps)
        summary = summarise(store, reports, origins, notes, time.perf_counter() - started)
    for source in summary["sources"]:
        if source["source_id"] in territories["built"]:
            source["status"] = "loaded"
    return summary | {"territories": territories, "failures": failures,
                      "fictitious": fictitious, "seed": seed if fictitious else None,
                      "fictitious_source": SOURCE_ID if fictitious else None,
                      "datasets": _datasets(summary, used, failures, selected)}


# -- steps ---------------------------------------------------------------------------------


def _pairs(real_files: UserFiles | None) -> list[tuple[str, str | Path]]:
    if real_files is None:
        return []
    if isinstance(real_files, Mapping):
        return sorted(real_files.items())
    return list(real_files)


def _selected(ids: Iterable[str] | None) -> list[Dataset]:
    shipped = files.importable()
    if ids is None:
        return shipped
    chosen = [get_dataset(i) for i in ids]  # an unknown id: an error naming the shipped ones
    unread = [d.id for d in chosen if d not in shipped]
    if unread:
        raise AtlasError(f"No importer reads the shipped datasets {unread}: they are reference "
                         "data for the territories.")
    return chosen


def _dataset_plans(selected: list[Dataset], mine: list[Planned], downloads: Downloads,
                   notes: list[str]) -> list[Planned]:
    """The file to import for each selected dataset, but those the user's files replace."""
    plans = []
    for item in selected:
        source_id = files.dataset_source_id(item)
        replaced = next((p for p in mine if p.source_id == source_id), None)
        if replaced is not None:
            notes.append(f"{item.id}: your file {replaced.path} replaces the shipped copy")
        else:
            plans.append(downloads.plan(item))
    downloads.finish()
    return plans


def _importer_downloads(store: Store, wanted: bool | Collection[str], given: set[str],
                        steps: Steps, reports: dict[str, ImportReport],
                        origins: dict[str, str], notes: list[str]) -> None:
    """The demo's `--download`: the importers' publisher files, each its own source; a file
    that cannot be imported is a note."""
    names = None if wanted is True else set(wanted)  # type: ignore[arg-type]
    for plan in files.importer_downloads(names, given, steps, notes):
        try:
            reports[plan.source_id] = _import(store, plan, steps)
            origins[plan.source_id] = plan.origin
        except AtlasError as exc:
            notes.append(f"{plan.importer}: the downloaded file {plan.path} could not be "
                         f"imported: {exc}")


def _first_views(store: Store, steps: Steps) -> None:
    """The figures of the atlas' first pages, computed now and kept in the store
    (indicators/cache.py), so that a server starting on it shows them at once."""
    from cineatlas.indicators import cache, registry
    from cineatlas.web.views import SERIES, first_views, map_levels

    levels = map_levels(store)
    # the comparison's first view: every indicator at the first map level
    compared = [(item.id, levels[0]) for item in registry.catalogue()] if levels else []
    steps.plan(1)
    with steps.step("Computing the first pages' figures"):
        cache.refresh(store, [*first_views(levels), *compared],
                      [(i, level) for level in [*levels, "country"] for i in SERIES])


def _resolve(store: Store, steps: Steps, reports: dict[str, ImportReport]) -> None:
    """Entity resolution once for the whole build (not after each file): when an import
    changed the store, or `entity_members` does not cover every record."""
    from cineatlas.resolve import is_current, resolve

    changed = any(r.status != "unchanged" for r in reports.values())
    if changed or not is_current(store):
        steps.plan(1)
        with steps.step("Resolving companies, works and people across sources"):
            resolve(store)


def _territories(store: Store, progress: Any) -> dict[str, Any]:
    from cineatlas.territories import ensure_territories

    built = ensure_territories(store, progress=progress)
    return {"built": list(built.get("built", [])), "seconds": dict(built.get("seconds", {}))}


def _import(store: Store, plan: Planned, steps: Steps) -> ImportReport:
    label = plan.dataset.title if plan.dataset else f"{plan.path.name} ({plan.importer})"
    about = None
    if plan.dataset is not None:
        about = {"title": plan.dataset.title, "publisher": plan.dataset.publisher,
                 "licence": plan.dataset.licence, "url": plan.dataset.url}
    with steps.step(f"Importing {label}") as update:
        return import_file(plan.importer, plan.path, store=store, source_id=plan.source_id,
                           options=plan.options, about=about, progress=update, resolve=False)


def _import_dataset(store: Store, plan: Planned, steps: Steps, downloads: Downloads,
                    failures: list[dict[str, Any]]) -> tuple[ImportReport, Planned] | None:
    """A shipped dataset's import, and the file that fed it: a refused download falls back to
    the shipped copy; a refused shipped copy is a failure of the build (listed, the rest goes
    on)."""
    try:
        return _import(store, plan, steps), plan
    except AtlasError as exc:
        if plan.origin != files.SHIPPED and plan.dataset is not None:
            downloads.reject(plan, exc)
            steps.plan(1)  # the shipped copy's import
            return _import_dataset(store, downloads.shipped(plan.dataset), steps, downloads,
                                   failures)
        failures.append({"dataset": plan.dataset.id if plan.dataset else None,
                         "source_id": plan.source_id, "importer": plan.importer,
                         "file": str(plan.path), "origin": plan.origin, "message": str(exc),
                         "previous_import_kept": store.source(plan.source_id) is not None})
        return None


def _fictitious(store: Store, wanted: bool, seed: int, steps: Steps,
                reports: dict[str, ImportReport], origins: dict[str, str],
                notes: list[str]) -> None:
    if wanted:
        with steps.step("Generating and loading the fictitious French data"):
            report = load_fictitious(store, seed)
        reports[report.source_id] = report
        origins[report.source_id] = files.GENERATED
        notes.insert(0, FICTITIOUS_NOTE)
        return
    removed = remove_fictitious(store)
    if removed:
        notes.append(f"removed the fictitious data ({SOURCE_ID}, {removed:,} awards) that an "
                     "earlier build had added: the atlas holds real data only (add it again "
                     "with --fictitious)")


def _datasets(summary: dict[str, Any], plans: list[Planned], failures: list[dict[str, Any]],
              selected: list[Dataset]) -> list[dict[str, Any]]:
    """Each shipped dataset of the build: where it came from, what it gave."""
    by_source = {s["source_id"]: s for s in summary["sources"]}
    planned = {plan.dataset.id: plan for plan in plans if plan.dataset is not None}
    failed = {f["dataset"]: f for f in failures}
    rows = []
    for item in selected:
        source_id = files.dataset_source_id(item)
        source = by_source.get(source_id, {})
        plan = planned.get(item.id)
        rows.append({
            "id": item.id, "title": item.title, "publisher": item.publisher,
            "licence": item.licence, "published": item.published, "retrieved": item.retrieved,
            "source_id": source_id,
            "origin": source.get("origin") or (plan.origin if plan else files.USER),
            "file": str(plan.path) if plan else None,
            "status": "failed" if item.id in failed else source.get("status", "absent"),
            "rows_read": source.get("rows_read"), "rows_loaded": source.get("rows_loaded"),
            "rows_quarantined": source.get("rows_quarantined"),
            "error": failed[item.id]["message"] if item.id in failed else None,
        })
    return rows
