"""Shared fixtures: the real public files beside the project, and a store holding the
reference territories, built once per test session and copied by the tests that need it."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from network import NetworkGuard
from scheme_stores import handmade, real_schemes  # noqa: F401 (fixtures for every test module)

from cineatlas import Store

# In CI the properties run on a fixed sequence of examples, so that a run is repeatable and a
# submission is judged on what its author ran; locally they explore anew each time (and keep
# the failures they find in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

SHARED_DATA = Path(__file__).parents[1] / "../shared/data"


def find_shared_data(relpath: str) -> Path:
    """Path of a real public file in ../shared/data. Missing: the test fails when CI=true
    (CI always has the files), and is skipped elsewhere."""
    path = (SHARED_DATA / relpath).resolve()
    if not path.is_file():
        message = f"{relpath} is missing from {SHARED_DATA.resolve()} (the real public data files)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def decoded(data: bytes) -> str:
    """Text of a published file, each line decoded as UTF-8 (a byte-order mark dropped), else as
    Windows-1252: some files mix them."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    text = []
    for line in lines:
        try:
            text.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            text.append(line.decode("cp1252"))
    return "\n".join(text)


@pytest.fixture(scope="session")
def shared_data() -> Callable[[str], Path]:
    """The `find_shared_data` helper, as a fixture."""
    return find_shared_data


@pytest.fixture(scope="session")
def territory_cache(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cache directory for derived outlines, kept between test runs in pytest's cache
    (a fresh folder when the cache plugin is off)."""
    cache = getattr(request.config, "cache", None)
    if cache is None:
        return tmp_path_factory.mktemp("cineatlas-cache")
    return Path(cache.mkdir("cineatlas-cache"))


@pytest.fixture(scope="session")
def territories_store(tmp_path_factory: pytest.TempPathFactory,
                      territory_cache: Path) -> Path:
    """Path of a store file holding the reference territories (France and Canada, built from
    the shipped data as a user's first run builds them). Copy it before writing to it."""
    path = tmp_path_factory.mktemp("territories") / "atlas.duckdb"
    with pytest.MonkeyPatch.context() as patch, Store(path) as store:
        patch.setenv("CINEATLAS_CACHE", str(territory_cache))
        from cineatlas.territories import ensure_territories

        ensure_territories(store)
    return path


@pytest.fixture
def store(territories_store: Path, tmp_path: Path) -> Iterator[Store]:
    """A writable copy of the reference-territories store."""
    copy = tmp_path / "atlas.duckdb"
    shutil.copy(territories_store, copy)
    with Store(copy) as opened:
        yield opened


@pytest.fixture(scope="session")
def demo_atlas(territories_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a demo store (seed 2024, built offline once per session) plus the real Telefilm,
    CNC cinemas and festivals files. Read it only."""
    from cineatlas.build import build_demo

    real = {"telefilm": find_shared_data("telefilm/telefilm-contributions-2009-2018.csv"),
            "cnc-cinemas": find_shared_data("cnc/etablissements-cinematographiques-2022.csv"),
            "festivals": find_shared_data("festivals/festivals-global-festivals-_-pl.csv")}
    db = tmp_path_factory.mktemp("demo-atlas") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CINEATLAS_OFFLINE", "1")
        patch.setenv("CINEATLAS_CACHE", str(db.parent / "cache"))
        build_demo(db, real_files=real)
    return db


@dataclass(frozen=True)
class BuiltAtlas:
    """A store built by `build_atlas`, with what the build said and how long it took."""

    db: Path
    summary: dict[str, Any]
    seconds: float
    #: connections the build attempted beyond this machine (none, offline)
    network_attempts: list[object]


def _build_offline(db: Path, **options: Any) -> BuiltAtlas:
    from cineatlas.build import build_atlas

    guard = NetworkGuard()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CINEATLAS_OFFLINE", "1")
        patch.setenv("CINEATLAS_CACHE", str(db.parent / "cache"))
        guard.install(patch)
        started = time.perf_counter()
        summary = build_atlas(db, **options)
    return BuiltAtlas(db, summary, time.perf_counter() - started, guard.attempts)


@pytest.fixture(scope="session")
def real_atlas(territories_store: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltAtlas:
    """The default atlas (`cineatlas atlas`): the reference territories and every shipped
    dataset through its importer, built once per session offline (network refused) with an
    empty cache. Read it only; copy it to write."""
    db = tmp_path_factory.mktemp("real-atlas") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    return _build_offline(db)


@pytest.fixture(scope="session")
def real_fictitious_atlas(real_atlas: BuiltAtlas,
                          tmp_path_factory: pytest.TempPathFactory) -> BuiltAtlas:
    """The default atlas with the fictitious data asked for (`cineatlas atlas --fictitious`).
    Read it only."""
    db = tmp_path_factory.mktemp("real-fictitious-atlas") / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    return _build_offline(db, fictitious=True)


#: A hostile award title: markup and a spreadsheet formula. Pages must show it as text and
#: CSV downloads must neutralise it.
HOSTILE_TITLE = '<script>alert(1)</script> =HYPERLINK("http://x","clic")'
FORMULA_TITLE = '=HYPERLINK("http://x","clic")'


@pytest.fixture(scope="session")
def web_atlas(demo_atlas: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo atlas plus two awards with hostile titles (HOSTILE_TITLE, FORMULA_TITLE) to a
    real beneficiary in Lyon, for the web tests. Read it only."""
    db = tmp_path_factory.mktemp("web-atlas") / "atlas.duckdb"
    shutil.copy(demo_atlas, db)
    with Store(db) as store:
        for award_id, title in [("hostile", HOSTILE_TITLE), ("hostile-formula", FORMULA_TITLE)]:
            store.con.execute(
                "INSERT INTO awards (award_id, source_id, funder_id, scheme_id, beneficiary_id, "
                "project_title, fiscal_year, amount_minor, currency, stage, "
                "beneficiary_territory_id, beneficiary_country_code, sector, fictitious) "
                "SELECT ?, source_id, funder_id, scheme_id, beneficiary_id, ?, 2021, 123400, "
                "'EUR', 'writing', beneficiary_territory_id, 'FR', sector, TRUE FROM awards WHERE "
                "fictitious AND beneficiary_territory_id = 'FR-C69123' ORDER BY award_id LIMIT 1",
                [award_id, title])
        assert store.count("awards", "award_id LIKE 'hostile%'") == 2
    return db


# -- the browser tests' fixtures (helpers in browsing.py) ----------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (one per test module)."""
    from browsing import CHROMIUM_ARGS, chromium
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser, request: pytest.FixtureRequest):
    """A fresh page (French, no cookie) that records console errors, page errors and dialogs
    in `page.problems`. Its width is the module's DESKTOP (1280 when it has none); console
    errors containing one of the module's IGNORED_CONSOLE texts are not recorded."""
    width = getattr(request.module, "DESKTOP", 1280)
    ignored = getattr(request.module, "IGNORED_CONSOLE", ())
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    # A first view computes the indicators of a level cold (seconds on a quiet machine, more on
    # a shared one): these tests check what pages show, not how fast (benchmarks/web.py does).
    opened.set_default_navigation_timeout(120_000)
    opened.problems = []
    opened.on("console", lambda m: opened.problems.append(m.text)
              if m.type == "error" and not any(t in m.text for t in ignored) else None)
    opened.on("pageerror", lambda e: opened.problems.append(str(e)))
    opened.on("dialog", lambda d: (opened.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield opened
    context.close()


@pytest.fixture(scope="module")
def real_server(real_atlas: BuiltAtlas):
    """The default atlas (real public data only), served."""
    from browsing import serving

    with serving(real_atlas.db) as url:
        yield url


@pytest.fixture(scope="module")
def fictitious_server(real_fictitious_atlas: BuiltAtlas):
    """The default atlas built with --fictitious, served."""
    from browsing import serving

    with serving(real_fictitious_atlas.db) as url:
        yield url
