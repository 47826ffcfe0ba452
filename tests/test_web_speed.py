"""A fast first view (issue 12): a page computes the indicators it shows and no other, each
kept apart so that another page reuses it, with the same figures as the whole catalogue ranked
at once; answers compressed; static files cached and revalidated; Vega only on chart pages; the
France profile summarised, its counts still those of the store. Timings are measured by
benchmarks/firstview.py, never asserted here."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from conftest import BuiltAtlas
from fastapi.testclient import TestClient
from polars.testing import assert_frame_equal

from cineatlas import Store
from cineatlas.indicators import Cut, Engine, compare, registry
from cineatlas.indicators.compute import compute_all
from cineatlas.web import create_app
from cineatlas.web.concurrency import Busy, Gate, Limits
from cineatlas.web.views import HOME_INDICATORS, KEY_FIGURES

STATIC = Path(__file__).resolve().parents[1] / "src" / "cineatlas" / "web" / "static"
VEGA = "/static/vendor/vega-6.4.0.min.js"


@pytest.fixture(scope="module")
def app(web_atlas):
    application = create_app(web_atlas)
    with TestClient(application, raise_server_exceptions=False) as test_client:
        yield application, test_client


@pytest.fixture
def computed(app, monkeypatch):
    """Each computation the pages ask the workers for, as (function name, indicator ids):
    a spy on `Workers.run`, the one way from the pages to the workers."""
    application, _ = app
    workers_ = application.state.atlas.workers
    real = workers_.run
    calls: list[tuple[str, tuple[str, ...]]] = []

    def spy(function, *args):
        ids = (args[0],) if isinstance(args[0], str) else tuple(args[0]) \
            if isinstance(args[0], list) else ()
        calls.append((function.__name__, ids))
        return real(function, *args)

    monkeypatch.setattr(workers_, "run", spy)
    return calls


def _ids(calls: list[tuple[str, tuple[str, ...]]]) -> set[str]:
    return {i for _, ids in calls for i in ids}


def test_the_home_map_computes_only_its_indicator(app, computed) -> None:
    _, client = app
    assert client.get("/", params={"indicator": "cinemas_per_100k",
                                   "level": "department"}).status_code == 200
    assert computed == [("indicator", ("cinemas_per_100k",))]
    # the default map tries the home indicators, in order, and nothing else
    computed.clear()
    assert client.get("/", params={"level": "region"}).status_code == 200
    assert computed and {name for name, _ in computed} == {"indicator"}
    assert _ids(computed) <= set(HOME_INDICATORS)
    # asked again: kept, nothing computed
    computed.clear()
    client.get("/", params={"level": "region"})
    client.get("/", params={"indicator": "cinemas_per_100k", "level": "department"})
    assert computed == []


def test_a_profile_computes_its_key_figures_and_compare_its_theme(app, computed) -> None:
    _, client = app
    assert client.get("/territory/FR-D69").status_code == 200
    assert {name for name, _ in computed} <= {"indicator", "indicators", "values"}
    assert _ids(computed) - {"total_support"} <= set(KEY_FIGURES)  # total_support: the series
    computed.clear()
    access = {i.id for i in registry.catalogue() if i.theme == "access"}
    assert client.get("/compare", params={"level": "province", "theme": "access"}).status_code \
        == 200
    assert _ids(computed) == access
    # a map of one of them at that level reuses it
    computed.clear()
    client.get("/", params={"indicator": "screens_per_100k", "level": "province"})
    assert computed == []


def test_figures_per_indicator_equal_the_whole_catalogue_ranked_at_once(app, web_atlas) -> None:
    """The memo's frames, stacked, are the frame `compute_all` then `compare.rank` gave for the
    whole catalogue (values, ranks, medians, coverage and provenance columns alike)."""
    application, _ = app
    mine = application.state.views.results("region")
    with Store(web_atlas, read_only=True) as store:
        whole = compare.rank(compute_all(Engine.duckdb(store), Cut(level="region")))
    keys = ["indicator", "territory_id", "year", "category", "currency"]
    assert set(mine.columns) == set(whole.columns)
    assert_frame_equal(mine.select(whole.columns).sort(keys, nulls_last=True),
                       whole.sort(keys, nulls_last=True))
    assert whole.height > 100  # the comparison compares something


def test_an_indicator_outside_its_levels_is_not_run_and_gives_no_row(app) -> None:
    application, _ = app
    item = next(i for i in registry.catalogue() if i.levels and "region" not in i.levels)
    frame = application.state.views.indicator(item.id, "region")
    assert frame.height == 0 and frame.schema["territory_id"] == pl.String
    assert frame.schema["value"] == pl.Float64 and "rank" in frame.columns


# --- compression and caching -----------------------------------------------------------------


def test_answers_are_compressed_when_asked(app) -> None:
    _, client = app
    for path in ("/sources", "/compare.csv?level=region", "/api/v1/territories?per_page=50"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in plain.headers, path
        assert packed.headers["content-encoding"] == "gzip", path
        assert "Accept-Encoding" in packed.headers["vary"]
        assert packed.content == plain.content, path  # httpx decompressed it
        assert int(packed.headers["content-length"]) < len(plain.content) / 2, path
        assert packed.headers.get("content-disposition") == plain.headers.get(
            "content-disposition")
    # HEAD answers the headers of the compressed GET, without a body
    head = client.head("/sources", headers={"Accept-Encoding": "gzip"})
    get = client.get("/sources", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-encoding"] == "gzip"
    assert head.headers["content-length"] == get.headers["content-length"]


def test_small_answers_are_not_compressed(app) -> None:
    _, client = app
    small = client.get("/api/v1/territories/FR", headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < 1024 and "content-encoding" not in small.headers


def test_static_files_carry_their_version_and_answer_304(app) -> None:
    _, client = app
    page = client.get("/simulator").text
    for name in ("atlas.css", "atlas.js", "vendor/vega-6.4.0.min.js"):
        digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        url = f"/static/{name}?v={digest}"
        assert url in page, name
        first = client.get(url)
        assert first.status_code == 200
        assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert first.headers["etag"] and first.headers["last-modified"]
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["cache-control"] == first.headers["cache-control"]
        since = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert since.status_code == 304
    unversioned = client.get("/static/atlas.css")
    assert unversioned.headers["cache-control"] == "no-cache"  # revalidated each time
    assert client.get("/static/nope.css").status_code == 404


def test_vega_loads_only_on_pages_with_charts(app) -> None:
    _, client = app
    for path in ("/sources", "/", "/compare", "/awards", "/indicators"):
        assert VEGA not in client.get(path).text, path
    for path in ("/simulator", "/territory/FR-R84"):
        page = client.get(path).text
        assert 'class="vega"' in page and VEGA in page, path


# --- the France profile, summarised --------------------------------------------------------


class _Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.elements += 1

    def handle_startendtag(self, tag, attrs) -> None:
        self.elements += 1


def _elements(html: str) -> int:
    counter = _Counter()
    counter.feed(html)
    return counter.elements


def _within(territory_id: str) -> str:
    """SQL of the ids of `territory_id` and every territory under it, walking parent_id."""
    return ("WITH RECURSIVE inside(id) AS (SELECT territory_id FROM territories WHERE "
            f"territory_id = '{territory_id}' UNION SELECT t.territory_id FROM territories t "
            "JOIN inside ON t.parent_id = inside.id) SELECT id FROM inside")


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture(scope="module")
def real(real_atlas: BuiltAtlas):
    with TestClient(create_app(real_atlas.db), raise_server_exceptions=False) as client, \
            Store(real_atlas.db, read_only=True) as store:
        yield client, lambda q: store.con.execute(q).fetchall()


def test_the_france_profile_is_summarised_and_its_counts_are_the_stores(real) -> None:
    client, sql = real
    page = client.get("/territory/FR", headers={"Accept-Encoding": "identity"}).text
    assert len(page.encode()) < 150_000
    assert _elements(page) < 4_000
    ((venues,),) = sql(f"SELECT count(*) FROM venues WHERE territory_id IN ({_within('FR')})")
    ((ae,),) = sql(f"SELECT count(*) FROM venues WHERE art_et_essai AND territory_id IN "
                   f"({_within('FR')})")
    ((festivals,),) = sql(f"SELECT count(*) FROM festivals WHERE is_cinema AND territory_id IN "
                          f"({_within('FR')})")
    assert venues > 1000 and festivals > 100  # the real files: France's cinemas, festivals
    figure = re.search(r'<p id="places-count"><span class="figure">(.*?)</span>', page).group(1)
    assert [_number(n) for n in re.findall(r"\d[\d\s\u202f\xa0]*", figure)] == [
        venues, ae, festivals]
    summary = re.search(r"<summary>Cinémas \(([^)]*)\)</summary>", page).group(1)
    assert _number(summary) == venues
    # the lists show their first rows, and link to the full list pages
    assert len(re.findall(r"<tr>", page.split('id="venues"')[1].split("</table>")[0])) <= 21
    assert 'href="/cinemas?territory=FR"' in page and 'href="/festivals?territory=FR"' in page
    # instead of 2,700 points, the places of each region, each count the store's
    assert 'id="places-map"' not in page
    row = re.search(r'<tr><th scope="row"><a href="/territory/FR-R84">.*?</tr>', page).group(0)
    cells = [_number(c) for c in re.findall(r'data-value="(\d+)"', row)]
    ((r_venues, r_ae),) = sql(f"SELECT count(*), count(*) FILTER (WHERE art_et_essai) FROM "
                              f"venues WHERE territory_id IN ({_within('FR-R84')})")
    ((r_festivals,),) = sql(f"SELECT count(*) FROM festivals WHERE is_cinema AND territory_id "
                            f"IN ({_within('FR-R84')})")
    assert cells == [r_venues, r_ae, r_festivals]
    # the territories listed divide France (the Paris metropolis, which overlaps, aside)
    table = page.split('id="place-counts"')[1].split("</table>")[0]
    assert "FR-MET-PARIS" not in table
    counts = [[int(v) for v in re.findall(r'data-value="(\d+)"', r)]
              for r in re.findall(r'<tr><th scope="row">.*?</tr>', table, re.S)]
    assert len(counts) == 18  # the regions
    assert [sum(c[i] for c in counts) for i in range(3)] == [venues, ae, festivals]


def test_every_profile_is_bounded(real) -> None:
    client, sql = real
    for (territory_id,) in sql("SELECT territory_id FROM territories WHERE level IN "
                               "('country', 'region', 'province') AND country_code IN "
                               "('FR', 'CA') ORDER BY territory_id"):
        page = client.get(f"/territory/{territory_id}").content
        assert len(page) < 150_000, territory_id
        assert _elements(page.decode()) < 4_000, territory_id


def test_a_page_is_compressed_to_a_fraction(real) -> None:
    client, _ = real
    packed = client.get("/territory/FR", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    raw = client.get("/territory/FR", headers={"Accept-Encoding": "identity"}).content
    assert packed.content == raw  # httpx decompressed it
    assert int(packed.headers["content-length"]) < len(raw) / 4


# --- background work never delays a page ---------------------------------------------------


def test_background_work_enters_only_when_no_request_waits() -> None:
    gate = Gate(Limits(cold_workers=1, cold_queue=2, cold_wait=5))
    with gate.enter_if_idle():  # free: background work may enter
        with pytest.raises(Busy):  # one place, taken: background work does not wait for it
            with gate.enter_if_idle():
                pass
    inside, waiting, done, released = (threading.Event() for _ in range(4))

    def request() -> None:
        with gate.enter():
            inside.set()
            done.wait(5)

    def second_request() -> None:
        waiting.set()
        with gate.enter():
            released.wait(5)

    first = threading.Thread(target=request)
    first.start()
    inside.wait(5)
    second = threading.Thread(target=second_request)
    second.start()
    waiting.wait(5)
    time.sleep(0.1)  # the second request now waits for the place
    done.set()
    first.join(5)
    # the first request left: the second one waits for the place, or holds it; either way
    # background work stays out
    with pytest.raises(Busy):
        with gate.enter_if_idle():
            pass
    released.set()
    second.join(5)
    with gate.enter_if_idle():  # nobody waits any more
        pass


def test_a_served_atlas_computes_the_first_pages_figures_in_the_background(web_atlas) -> None:
    application = create_app(web_atlas, warm=True)
    with TestClient(application) as client:
        views = application.state.views
        wanted = views.first_views()
        assert ("support_per_inhabitant", "region") in wanted
        assert ("cinemas_per_100k", "country") in wanted
        deadline = time.monotonic() + 300
        while not all(views._memo.holds(("indicator", i, lv, None)) for i, lv in wanted):
            assert time.monotonic() < deadline, "the figures of the first pages were not computed"
            time.sleep(0.5)
        calls: list[str] = []
        real = application.state.atlas.workers.run
        application.state.atlas.workers.run = lambda f, *a, **k: calls.append(f.__name__) or \
            real(f, *a, **k)
        assert client.get("/", params={"level": "department"}).status_code == 200
        assert client.get("/territory/FR-R84").status_code == 200
        # the map and the key figures were there; only the profile's series by year computed
        assert calls == ["values"]
