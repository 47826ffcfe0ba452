"""The package exports — `datapackage`, `parquet`, `sqlite` — on the real default atlas.

Checked independently of the exporters: the awards' counts and sums per currency against
plain SQL on the store (the cut's territory walked down `parent_id` by a recursive query, not
through the exporters' `territory_closure`), the files read back with the csv module, PyArrow
and sqlite3, the Data Package validated by frictionless (its Python API, and its command
once), the SQLite file opened by Datasette's own client (full-text search, facets, licences),
and the round trip: the package's awards re-imported with the generic importer in one command
give the same counts and sums per currency.
"""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import frictionless
import pyarrow.parquet as pq
import pytest
from cli_process import cineatlas, output
from conftest import BuiltAtlas

from cineatlas import Store, exports, optout
from cineatlas.exports.base import Cut, prepare
from cineatlas.exports.sqlite import metadata_path
from cineatlas.exports.tables import TABLES
from cineatlas.ingest import import_file
from cineatlas.text import fold

QUEBEC = Cut(territory=("CA-QC",), years=(2015, 2016))
EVERYTHING = Cut(sector="all")
#: The awards of a cut in plain SQL: final values, the sector, the years, and the beneficiary
#: placed in the territory or below it (walked down parent_id).
CUT_SQL = """
WITH RECURSIVE within(territory_id) AS (
    SELECT unnest(?::VARCHAR[])
    UNION SELECT t.territory_id FROM territories t JOIN within w ON t.parent_id = w.territory_id)
SELECT award_id, currency, amount_minor, fictitious, source_id, beneficiary_id, funder_id,
       work_id, scheme_id, beneficiary_territory_id
FROM awards
WHERE superseded_by IS NULL AND (? OR sector = 'cinema-audiovisual')
  AND (? OR beneficiary_territory_id IN (SELECT territory_id FROM within))
  AND (? OR coalesce(fiscal_year, year(decision_date)) BETWEEN ? AND ?)
"""


def expected(store: Store, cut: Cut) -> list[tuple]:
    first, last = cut.years or (0, 0)
    return store.con.execute(CUT_SQL, [list(cut.territory), cut.sector == "all",
                                       not cut.territory, cut.years is None, first, last]
                             ).fetchall()


def totals(rows) -> dict[str, tuple[int, int]]:
    """(count, sum of known amounts) per currency of (currency, amount) pairs."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for currency, amount in rows:
        out[currency][0] += 1
        out[currency][1] += amount or 0
    return {c: (n, s) for c, (n, s) in out.items()}


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def store(real_atlas: BuiltAtlas, tmp_path_factory: pytest.TempPathFactory):
    """The real atlas, read-only, with no opt-out list in force."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CINEATLAS_OPT_OUT", str(tmp_path_factory.mktemp("none") / "none.toml"))
        optout.use(None)
        with Store(real_atlas.db, read_only=True) as opened:
            prepare(opened)
            yield opened


@pytest.fixture(scope="module")
def written(store: Store, tmp_path_factory: pytest.TempPathFactory):
    """Each format's export of each cut, written once: (format, cut name) -> (path, report)."""
    out = {}
    root = tmp_path_factory.mktemp("exports")
    for fmt in ("datapackage", "parquet", "sqlite"):
        exporter = exports.get(fmt)()
        for name, cut in (("quebec", QUEBEC), ("all", EVERYTHING)):
            path = root / name / (f"{fmt}.sqlite" if fmt == "sqlite" else fmt)
            out[fmt, name] = (path, exporter.write(store, cut, path))
    return out


def test_the_formats_are_registered() -> None:
    assert {"datapackage", "parquet", "sqlite"} <= set(exports.names())
    assert exports.get("datapackage").folder and exports.get("parquet").folder
    assert not exports.get("sqlite").folder


# -- datapackage ------------------------------------------------------------------------------


@pytest.mark.parametrize("cut_name", ["quebec", "all"])
def test_the_data_package_is_valid_and_holds_the_cut(store, written, cut_name) -> None:
    path, report = written["datapackage", cut_name]
    cut = QUEBEC if cut_name == "quebec" else EVERYTHING
    validated = frictionless.validate(path / "datapackage.json")
    assert validated.valid, validated.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert {task.name for task in validated.tasks} == {t.name for t in TABLES}
    rows = csv_rows(path / "awards.csv")
    truth = expected(store, cut)
    assert len(truth) > (300 if cut_name == "quebec" else 20_000)  # a real cut, not an empty one
    assert {r["award_id"] for r in rows} == {t[0] for t in truth}
    assert totals((r["currency"], int(r["amount_minor"]) if r["amount_minor"] else None)
                  for r in rows) == totals((t[1], t[2]) for t in truth)
    if cut_name == "quebec":
        assert {r["currency"] for r in rows} == {"CAD"}
    # unknown is empty, a published zero is 0, money is never a decimal
    assert all(r["amount_minor"] == "" or r["amount_minor"].lstrip("-").isdigit() for r in rows)
    unknown = sum(1 for t in truth if t[2] is None)
    assert sum(1 for r in rows if r["amount_minor"] == "") == unknown
    assert sum(1 for r in rows if r["amount_minor"] == "0") == sum(1 for t in truth if t[2] == 0)
    assert report.written["awards"] == len(truth)


def test_the_descriptor_carries_keys_licences_sources_cut_and_coverage(store, written) -> None:
    path, _ = written["datapackage", "quebec"]
    descriptor = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["cut"] == QUEBEC.describe()
    assert descriptor["fictitious"] is False
    resources = {r["name"]: r for r in descriptor["resources"]}
    awards = resources["awards"]
    assert awards["schema"]["primaryKey"] == ["award_id"]
    keys = {k["fields"][0]: k["reference"] for k in awards["schema"]["foreignKeys"]}
    assert keys["beneficiary_id"] == {"resource": "organisations", "fields": ["organisation_id"]}
    assert keys["source_id"] == {"resource": "sources", "fields": ["source_id"]}
    territory_keys = {k["fields"][0]: k["reference"]
                      for k in resources["territories"]["schema"]["foreignKeys"]}
    assert territory_keys["parent_id"] == {"fields": ["territory_id"]}  # the table itself
    fields = {f["name"]: f for f in awards["schema"]["fields"]}
    assert fields["amount_minor"]["type"] == "integer"
    assert fields["currency"]["constraints"] == {"required": True, "pattern": "^[A-Z]{3}$"}
    assert all(f["description"] for r in resources.values() for f in r["schema"]["fields"])
    for resource in resources.values():
        rows = csv_rows(path / resource["path"])
        assert resource["rows"] == len(rows)
        assert all(r["fictitious"] == "false" for r in rows)
        # each resource names the sources of its rows, with their licences
        ids = {r["source_id"] for r in rows}
        if resource["name"] != "sources":
            assert {s["id"] for s in resource["sources"]} == ids
        assert resource["licenses"] and all("name" in x or "path" in x
                                            for x in resource["licenses"])
    telefilm = store.con.execute("SELECT licence FROM sources WHERE importer = 'telefilm'"
                                 ).fetchall()[0][0]
    assert {"title": telefilm, "name": "OGL-Canada-2.0",
            "path": "https://open.canada.ca/en/open-government-licence-canada"} in (
        resources["awards"]["licenses"])
    # coverage per source: counted with plain SQL
    truth = expected(store, QUEBEC)
    coverage = {c["source_id"]: c for c in descriptor["coverage"]}
    assert {s: c["awards"] for s, c in coverage.items()} == dict(Counter(t[4] for t in truth))
    assert sum(c["amount_unknown"] for c in coverage.values()) == sum(
        1 for t in truth if t[2] is None)


def test_organisations_and_works_carry_their_resolved_entity(store, written) -> None:
    path, _ = written["datapackage", "all"]
    entity = dict(store.con.execute(
        "SELECT o.organisation_id, coalesce(m.entity_id, o.organisation_id) FROM organisations o "
        "LEFT JOIN entity_members m ON m.kind = 'organisation' "
        "AND m.member_id = o.organisation_id").fetchall())
    organisations = csv_rows(path / "organisations.csv")
    assert {r["organisation_id"]: r["entity_id"] for r in organisations} == {
        r["organisation_id"]: entity[r["organisation_id"]] for r in organisations}
    # the organisations are those the awards name (funders, beneficiaries) and the schemes' funders
    truth = expected(store, EVERYTHING)
    named = {t[5] for t in truth} | {t[6] for t in truth}
    scheme_funders = {r["funder_id"] for r in csv_rows(path / "schemes.csv")}
    assert {r["organisation_id"] for r in organisations} == (named | scheme_funders) - {None}
    merged = sum(1 for r in organisations if r["entity_id"] != r["organisation_id"])
    assert merged > 0  # resolution did merge records of the real data
    works = csv_rows(path / "works.csv")
    assert {r["work_id"] for r in works} == {t[7] for t in truth} - {None}
    work_entity = dict(store.con.execute(
        "SELECT w.work_id, coalesce(m.entity_id, w.work_id) FROM works w LEFT JOIN "
        "entity_members m ON m.kind = 'work' AND m.member_id = w.work_id").fetchall())
    assert all(work_entity[r["work_id"]] == r["entity_id"] for r in works)


def test_the_territories_are_those_named_and_every_one_above(store, written) -> None:
    """Walked up parent_id, plus the metropolitan areas (the Montréal CMA)."""
    path, _ = written["datapackage", "quebec"]
    truth = expected(store, QUEBEC)
    named = {t[9] for t in truth} | {
        r[f] for r in csv_rows(path / "organisations.csv")
        for f in ("territory_id", "governed_territory_id")}
    above = {r[0] for r in store.con.execute(
        "WITH RECURSIVE up(id) AS (SELECT unnest(?::VARCHAR[]) UNION SELECT t.parent_id "
        "FROM territories t JOIN up ON t.territory_id = up.id WHERE t.parent_id IS NOT NULL) "
        "SELECT id FROM up UNION SELECT t.metropolis_id FROM territories t JOIN up "
        "ON t.territory_id = up.id WHERE t.metropolis_id IS NOT NULL",
        [sorted(named - {""})]).fetchall()}
    assert {r["territory_id"] for r in csv_rows(path / "territories.csv")} == above
    assert {"CA", "CA-QC", "CA-QC-CMA462"} <= above


def test_the_data_package_validates_with_the_frictionless_command(written) -> None:
    path, _ = written["datapackage", "all"]
    command = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(command), "validate", "--json", str(path / "datapackage.json")],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert json.loads(done.stdout)["valid"] is True


def test_a_broken_package_fails_validation(written, tmp_path) -> None:
    """The validator is not a rubber stamp: a funder missing from organisations.csv and a
    decimal amount are found."""
    copy = tmp_path / "broken"
    shutil.copytree(written["datapackage", "quebec"][0], copy)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rows = csv_rows(copy / "awards.csv")
    rows[0]["funder_id"] = "nobody"
    rows[1]["amount_minor"] = "12.5"
    with (copy / "awards.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    validated = frictionless.validate(copy / "datapackage.json")
    assert not validated.valid
    kinds = {e[0] for e in validated.flatten(["type"])}
    assert {"foreign-key", "type-error"} <= kinds


def test_the_round_trip_gives_the_same_awards(store, written, tmp_path) -> None:
    """One command re-imports the package's awards with the generic importer and its shipped
    mapping: the same count and sum per currency as plain SQL on the store."""
    path, _ = written["datapackage", "all"]
    db = tmp_path / "again.duckdb"
    done = cineatlas(tmp_path, "import", "generic", str(path / "awards.csv"), "--mapping",
                     str(path / "mapping.toml"), "--db", str(db), "--json", timeout=600)
    assert done.returncode == 0, output(done)[-3000:]
    report = json.loads(done.stdout)
    truth = expected(store, EVERYTHING)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (
        len(truth), len(truth), 0)
    with Store(db, read_only=True) as again:
        loaded = again.con.execute("SELECT currency, amount_minor FROM awards").fetchall()
        known = again.con.execute("SELECT count(amount_minor) FROM awards").fetchall()[0][0]
    assert totals(loaded) == totals((t[1], t[2]) for t in truth)
    assert known == sum(1 for t in truth if t[2] is not None)  # unknown stays unknown


def test_the_generic_importer_reads_amounts_in_minor_units(store, tmp_path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("beneficiary,amount\nA,123450\nB,\nC,0\nD,99.5\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[options]\namounts = "minor"\ndecimal = "."\n[columns]\n'
                       'beneficiary = "beneficiary"\namount = "amount"\n'
                       '[constants]\ncurrency = "EUR"\nfunder = "F"\n', encoding="utf-8")
    db = tmp_path / "m.duckdb"
    report = import_file("generic", listing, db=db, options={"mapping": str(mapping)})
    assert report.rows_loaded == 4
    with Store(db, read_only=True) as s:
        amounts = dict(s.con.execute("SELECT o.name, a.amount_minor FROM awards a JOIN "
                                     "organisations o ON o.organisation_id = a.beneficiary_id"
                                     ).fetchall())
    assert amounts == {"A": 123450, "B": None, "C": 0, "D": 100}  # a fraction of a cent: rounded
    assert "sub-unit-amount" in {p["code"] for p in report.as_dict()["problems"]}
    mapping.write_text(mapping.read_text().replace('"minor"', '"cents"'), encoding="utf-8")
    with pytest.raises(Exception, match=r"options\.amounts: 'cents' is not 'units' or 'minor'"):
        import_file("generic", listing, db=db, options={"mapping": str(mapping)})


# -- parquet ----------------------------------------------------------------------------------


def test_parquet_files_hold_the_tables_with_their_metadata(store, written) -> None:
    path, report = written["parquet", "all"]
    assert sorted(p.name for p in path.iterdir()) == sorted(f"{t.name}.parquet" for t in TABLES)
    awards = pq.read_table(path / "awards.parquet")
    truth = expected(store, EVERYTHING)
    assert totals(zip(awards["currency"].to_pylist(), awards["amount_minor"].to_pylist(),
                      strict=True)) == totals((t[1], t[2]) for t in truth)
    assert str(awards.schema.field("amount_minor").type) == "int64"
    assert not awards.schema.field("award_id").nullable
    per_source = Counter(awards["source_id"].to_pylist())
    assert per_source == Counter(t[4] for t in truth)
    plain = dict(store.con.execute("SELECT source_id, licence FROM sources").fetchall())
    for table in TABLES:
        data = pq.read_table(path / f"{table.name}.parquet")
        assert data.num_rows == report.written[table.name]
        meta = {k.decode(): json.loads(v) for k, v in data.schema.metadata.items()
                if k.startswith(b"cineatlas.")}
        assert meta["cineatlas.table"] == table.name
        assert meta["cineatlas.cut"] == EVERYTHING.describe()
        assert meta["cineatlas.fictitious"] is False
        assert meta["cineatlas.schema"]["primaryKey"] == [table.key]
        ids = set(data["source_id"].to_pylist())
        if table.name != "sources":
            assert {s["source_id"] for s in meta["cineatlas.sources"]} == ids
        assert {s["source_id"]: s["licence"] for s in meta["cineatlas.sources"]} == {
            s: plain[s] for s in {s["source_id"] for s in meta["cineatlas.sources"]}}
        assert meta["cineatlas.licenses"]
        for column in table.columns:
            field = data.schema.field(column.name)
            assert field.metadata[b"description"].decode() == column.description
    territories = pq.read_table(path / "territories.parquet")
    population = dict(store.con.execute("SELECT territory_id, population FROM territories "
                                        "WHERE territory_id IN ('CA-QC', 'FR')").fetchall())
    rows = {r["territory_id"]: r["population"] for r in territories.to_pylist()}
    assert {k: rows[k] for k in population if k in rows} == {
        k: v for k, v in population.items() if k in rows}


def test_parquet_of_a_cut_equals_its_data_package(written) -> None:
    parquet, _ = written["parquet", "quebec"]
    package, _ = written["datapackage", "quebec"]
    for table in TABLES:
        data = pq.read_table(parquet / f"{table.name}.parquet")
        rows = csv_rows(package / f"{table.name}.csv")
        assert data.num_rows == len(rows)
        assert data[table.key].to_pylist() == [r[table.key] for r in rows]


# -- sqlite -----------------------------------------------------------------------------------


def _datasette(path: Path, *urls: str) -> list:
    from datasette.app import Datasette

    metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    datasette = Datasette([str(path)], metadata=metadata)

    async def get_all() -> list:
        return [await datasette.client.get(url) for url in urls]

    return asyncio.run(get_all())


def test_the_sqlite_file_opens_in_datasette_with_search_and_facets(store, written) -> None:
    path, _ = written["sqlite", "all"]
    db = path.stem
    searched = store.con.execute(
        "SELECT count(*) FILTER (WHERE regexp_matches(text, '(^|[^a-z0-9])cinema([^a-z0-9]|$)')),"
        " count(*) FILTER (WHERE regexp_matches(text, '(^|[^a-z0-9])festival([^a-z0-9]|$)'))"
        " FROM (SELECT strip_accents(lower(concat_ws(' ', a.project_title, b.name, f.name, "
        "s.name))) AS text FROM awards a LEFT JOIN organisations b ON b.organisation_id = "
        "a.beneficiary_id LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
        "LEFT JOIN schemes s ON s.scheme_id = a.scheme_id WHERE a.superseded_by IS NULL)"
    ).fetchall()[0]
    assert all(n > 50 for n in searched)
    stages = dict(store.con.execute(
        "SELECT stage, count(*) FROM awards WHERE superseded_by IS NULL AND stage IS NOT NULL "
        "GROUP BY ALL").fetchall())
    cinema, festival, facets, page, organisation = _datasette(
        path, f"/{db}/awards.json?_search=cinema&_size=1",
        f"/{db}/awards.json?_search=festival&_size=1",
        f"/{db}/awards.json?_facet=stage&_size=0", f"/{db}/awards?_search=cin%C3%A9ma",
        f"/{db}/organisations")
    assert cinema.status_code == festival.status_code == facets.status_code == 200
    # full-text search (accents folded: 'cinema' finds Cinéma) counts what plain SQL counts
    assert cinema.json()["filtered_table_rows_count"] == searched[0]
    assert festival.json()["filtered_table_rows_count"] == searched[1]
    counted = {r["value"]: r["count"] for r in facets.json()["facet_results"]["stage"]["results"]}
    assert counted == stages
    assert page.status_code == 200
    assert f"{searched[0]:,} rows" in page.text  # the page of a search says its count
    assert "Open Government Licence" in page.text  # the awards' licences and sources shown
    assert organisation.status_code == 200 and "Data license" in organisation.text


def test_the_sqlite_file_has_keys_indexes_and_its_metadata(store, written) -> None:
    path, report = written["sqlite", "quebec"]
    con = sqlite3.connect(path)
    try:
        truth = expected(store, QUEBEC)
        got = con.execute("SELECT currency, amount_minor FROM awards").fetchall()
        assert totals(got) == totals((t[1], t[2]) for t in truth)
        keys = {r[3]: (r[2], r[4]) for r in con.execute("PRAGMA foreign_key_list(awards)")}
        assert keys["funder_id"] == ("organisations", "organisation_id")
        assert keys["beneficiary_region_id"] == ("territories", "territory_id")
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        indexed = {con.execute(f"PRAGMA index_info({r[1]})").fetchone()[2]
                   for r in con.execute("PRAGMA index_list(awards)") if r[3] == "c"}
        assert {"funder", "year", "stage", "beneficiary_region_id", "currency"} <= indexed
        pk = [r[1] for r in con.execute("PRAGMA table_info(awards)") if r[5]]
        assert pk == ["award_id"]
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'awards_fts'").fetchone()[0]
        assert "fts5" in sql and 'content="awards"' in sql
        meta = {k: json.loads(v) for k, v in con.execute("SELECT * FROM export_metadata")}
        assert meta["cut"] == QUEBEC.describe() and meta["fictitious"] is False
        assert con.execute("SELECT count(*) FROM export_columns").fetchone()[0] == sum(
            len(t.columns) for t in TABLES)
        for table in TABLES:
            n = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            assert n == report.written[table.name]
    finally:
        con.close()
    metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    tables = metadata["databases"][path.stem]["tables"]
    assert tables["awards"]["facets"] == ["funder", "year", "stage", "beneficiary_region_id",
                                          "currency"]
    assert tables["awards"]["license_url"] == (
        "https://open.canada.ca/en/open-government-licence-canada")


# -- what every format shares -----------------------------------------------------------------


def test_a_listed_person_is_named_in_no_export(real_atlas, tmp_path, monkeypatch) -> None:
    """Opt-out: a person published as a beneficiary (Telefilm's 'Rainville, Line') is named in
    no table of any format once listed; her award stays, with its amount."""
    listed = tmp_path / "opt-out.toml"
    listed.write_text('people = ["Line Rainville"]\n', encoding="utf-8")
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(listed))
    optout.use(None)
    cut = Cut(territory=("CA-QC",))
    with Store(real_atlas.db, read_only=True) as store:
        prepare(store)
        org, amount = store.con.execute(
            "SELECT o.organisation_id, a.amount_minor FROM organisations o JOIN awards a "
            "ON a.beneficiary_id = o.organisation_id WHERE o.name = 'Rainville, Line' "
            "AND o.kind = 'individual'").fetchall()[0]
        texts = {}
        for fmt in ("datapackage", "parquet", "sqlite"):
            out = tmp_path / (f"{fmt}.sqlite" if fmt == "sqlite" else fmt)
            exports.get(fmt)().write(store, cut, out)
            texts[fmt] = out
    package = texts["datapackage"]
    folded = " ".join(fold(p.read_text(encoding="utf-8")) for p in package.iterdir())
    folded += fold(json.dumps([pq.read_table(p).to_pylist() for p in texts["parquet"].iterdir()],
                              default=str))
    con = sqlite3.connect(texts["sqlite"])
    folded += fold(" ".join(con.iterdump()))
    con.close()
    assert "rainville" not in folded
    (row,) = [r for r in csv_rows(package / "organisations.csv") if r["organisation_id"] == org]
    assert (row["name"], row["city"]) == (optout.WITHHELD, "")
    (award,) = [r for r in csv_rows(package / "awards.csv") if r["beneficiary_id"] == org]
    assert (award["beneficiary"], int(award["amount_minor"])) == (optout.WITHHELD, amount)
    # emptied, the list gives her name back (so that the test can fail)
    listed.write_text("people = []\n", encoding="utf-8")
    optout.use(None)
    with Store(real_atlas.db, read_only=True) as store:
        prepare(store)
        exports.get("datapackage")().write(store, cut, tmp_path / "again")
    assert "Rainville, Line" in (tmp_path / "again" / "organisations.csv").read_text("utf-8")
    optout.use(None)


def test_fictitious_rows_are_flagged_in_every_format(real_atlas, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CINEATLAS_OPT_OUT", str(tmp_path / "none.toml"))
    optout.use(None)
    db = tmp_path / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    with Store(db) as store:
        (award_id,) = store.con.execute(
            "SELECT min(award_id) FROM awards WHERE superseded_by IS NULL AND "
            "beneficiary_territory_id LIKE 'CA-QC%' AND fiscal_year = 2015").fetchall()[0]
        store.con.execute("UPDATE awards SET fictitious = TRUE WHERE award_id = ?", [award_id])
    out = {}
    with Store(db, read_only=True) as store:
        prepare(store)
        for fmt in ("datapackage", "parquet", "sqlite"):
            path = tmp_path / (f"{fmt}.sqlite" if fmt == "sqlite" else fmt)
            assert exports.get(fmt)().write(store, QUEBEC, path).fictitious
            out[fmt] = path
    descriptor = json.loads((out["datapackage"] / "datapackage.json").read_text("utf-8"))
    assert descriptor["fictitious"] is True and "FICTITIOUS" in descriptor["description"]
    flagged = {r["award_id"] for r in csv_rows(out["datapackage"] / "awards.csv")
               if r["fictitious"] == "true"}
    assert flagged == {award_id}
    assert frictionless.validate(out["datapackage"] / "datapackage.json").valid
    awards = pq.read_table(out["parquet"] / "awards.parquet")
    assert awards.schema.metadata[b"cineatlas.fictitious"] == b"true"
    organisations = pq.read_table(out["parquet"] / "organisations.parquet")
    assert organisations.schema.metadata[b"cineatlas.package_fictitious"] == b"true"
    con = sqlite3.connect(out["sqlite"])
    assert con.execute("SELECT award_id FROM awards WHERE fictitious = 1").fetchall() == [
        (award_id,)]
    assert con.execute("SELECT value FROM export_metadata WHERE key = 'fictitious'"
                       ).fetchone() == ("true",)
    con.close()


def test_the_export_command_writes_each_format(real_atlas, tmp_path) -> None:
    for fmt, target, more in (("datapackage", "dp", ["--indicators"]), ("parquet", "pq", []),
                              ("sqlite", "x.sqlite", [])):
        done = cineatlas(tmp_path, "export", fmt, "-o", str(tmp_path / target), "--territory",
                         "CA-QC", "--years", "2015-2016", "--db", str(real_atlas.db), "--json",
                         *more)
        assert done.returncode == 0, output(done)
        written = json.loads(done.stdout)["written"]
        assert written["awards"] > 300
        assert ("indicators" in written) == bool(more)
    # a folder holding other files is refused, never emptied
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    done = cineatlas(tmp_path, "export", "datapackage", "-o", str(tmp_path / "mine"),
                     "--db", str(real_atlas.db))
    assert done.returncode != 0 and "holds other files (notes.txt)" in output(done)
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_indicator_results_of_a_cut_in_every_format(store, tmp_path) -> None:
    """`--indicators`: the catalogue computed for the cut's territory, in each format; the
    total support equals the plain SQL sum of the cut's known amounts, in exact cents."""
    cut = Cut(territory=("CA-QC",), years=(2015, 2016), indicators=True)
    out = {fmt: tmp_path / (f"{fmt}.sqlite" if fmt == "sqlite" else fmt)
           for fmt in ("datapackage", "parquet", "sqlite")}
    reports = {fmt: exports.get(fmt)().write(store, cut, path) for fmt, path in out.items()}
    truth = expected(store, QUEBEC)
    total = sum(t[2] for t in truth if t[2] is not None)
    validated = frictionless.validate(out["datapackage"] / "datapackage.json")
    assert validated.valid, validated.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    rows = {r["result_id"]: r for r in csv_rows(out["datapackage"] / "indicators.csv")}
    support = rows["total_support/CA-QC//CAD"]
    assert (support["level"], support["period"], int(support["value_minor"])) == (
        "province", "2015-2016", total)
    assert support["sources"] == "telefilm:telefilm-contributions-2009-2018"
    assert len({r["indicator"] for r in rows.values()}) >= 10
    assert all(r["fictitious"] == "false" for r in rows.values())
    parquet = pq.read_table(out["parquet"] / "indicators.parquet")
    assert sorted(parquet["result_id"].to_pylist()) == sorted(rows)
    con = sqlite3.connect(out["sqlite"])
    assert con.execute("SELECT value_minor FROM indicators WHERE result_id = ?",
                       ["total_support/CA-QC//CAD"]).fetchall() == [(total,)]
    con.close()
    assert all(r.written["indicators"] == len(rows) for r in reports.values())
    # without the flag, no indicators file (an earlier export's is removed)
    exports.get("datapackage")().write(store, QUEBEC, out["datapackage"])
    assert not (out["datapackage"] / "indicators.csv").exists()
