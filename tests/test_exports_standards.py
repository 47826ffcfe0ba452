"""`cineatlas export scdl` and `cineatlas export 360giving` on the real default atlas and a cut.

Each file is checked by the standard's reference validator: `frictionless validate` against
SCDL's Table Schema (run as a subprocess, as French portals run it), `jsonschema` against
360Giving's package and grant schemas (the flattened CSV read back into grants by the titles
the schema gives, independently of the exporter's column table, and validated too). Counts
and sums per currency are recomputed with plain SQL on the store from the standards' own
rules; every award of the cut that is not written is in the report with its reasons.
Hand-made awards on a copy of the atlas: a funder without a SIRET, a fictitious award, an
object too long, cents, and a person withheld at their request (docs/directory.md).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import BuiltAtlas, find_shared_data
from hypothesis import given
from hypothesis import strategies as st

from cineatlas import Store, optout
from cineatlas.exports import Cut
from cineatlas.exports.base import prepare
from cineatlas.exports.giving360 import Giving360Exporter, amount
from cineatlas.exports.scdl import ScdlExporter
from cineatlas.samples import luhn_complete

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
CINEATLAS = Path(sys.executable).parent / "cineatlas"
GRANT_SCHEMA = "standards/360giving/360-giving-schema.json"
PACKAGE_SCHEMA = "standards/360giving/360-giving-package-schema.json"
#: The package schema refers to the grant schema by this address (1.4.2; the grant schema's
#: own $id says 1.4.3).
GRANT_REF = ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
             "360-giving-schema.json")

# -- the standards' rules in plain SQL (awards a, funder f, beneficiary b, work w) -----------

JOINS = ("FROM awards a LEFT JOIN organisations f ON f.organisation_id = a.funder_id "
         "LEFT JOIN organisations b ON b.organisation_id = a.beneficiary_id "
         "LEFT JOIN works w ON w.work_id = a.work_id ")
TITLE = "trim(coalesce(a.project_title, w.title, ''))"
SCDL_OK = (
    "NOT a.fictitious AND a.currency = 'EUR' AND a.amount_minor IS NOT NULL "
    "AND coalesce(a.aid_type, '') NOT IN ('repayable_advance', 'loan', 'investment') "
    "AND trim(coalesce(f.name, '')) <> '' AND regexp_full_match(coalesce(f.siret, ''), '\\d{14}') "
    "AND a.decision_date IS NOT NULL AND trim(coalesce(b.name, '')) <> '' "
    "AND (regexp_full_match(coalesce(b.siret, ''), '\\d{14}') "
    "OR regexp_full_match(coalesce(b.rna, ''), 'W\\d{9}')) "
    f"AND {TITLE} <> ''")
G360_OK = ("NOT a.fictitious AND a.amount_minor IS NOT NULL AND a.decision_date IS NOT NULL "
           f"AND {TITLE} <> '' AND trim(coalesce(f.name, '')) <> '' "
           "AND trim(coalesce(b.name, '')) <> ''")


def cut_sql(sector: str = "cinema-audiovisual", region: str | None = None,
            years: tuple[int, int] | None = None) -> str:
    """The cut's awards: each contract once (final value), of the sector, placed in the
    region (a recursive walk down `territories.parent_id`), of the years."""
    parts = ["a.superseded_by IS NULL"]
    if sector != "all":
        parts.append(f"a.sector = '{sector}'")
    if region:
        parts.append("a.beneficiary_territory_id IN (WITH RECURSIVE down(id) AS ("
                     f"SELECT '{region}' UNION ALL SELECT t.territory_id FROM territories t "
                     "JOIN down ON t.parent_id = down.id) SELECT id FROM down)")
    if years:
        parts.append(f"coalesce(a.fiscal_year, year(a.decision_date)) BETWEEN {years[0]} "
                     f"AND {years[1]}")
    return " AND ".join(parts)


def sql_totals(store: Store, where: str) -> dict[str, tuple[int, Decimal]]:
    """{currency: (awards, amount)} of the awards matching `where`."""
    rows = store.con.execute(f"SELECT a.currency, count(*), sum(a.amount_minor) {JOINS} "
                             f"WHERE {where} GROUP BY 1").fetchall()
    return {c: (n, Decimal(s or 0) / 100) for c, n, s in rows}


def sql_ids(store: Store, where: str) -> set[str]:
    return {r[0] for r in store.con.execute(f"SELECT a.award_id {JOINS} WHERE {where}")
            .fetchall()}


# -- the validators --------------------------------------------------------------------------

def frictionless(path: Path) -> dict:
    """`frictionless validate --json --schema schema.json FILE` (--trusted: absolute paths)."""
    assert FRICTIONLESS.exists(), f"frictionless should be installed next to {sys.executable}"
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", "--trusted", "--schema",
                           str(find_shared_data("scdl/schema.json")), str(path)],
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    assert len(report["tasks"]) == 1, done.stderr
    return report["tasks"][0]


def _date_time(value: object) -> bool:
    """RFC 3339 date-time (jsonschema checks the format only with an optional package)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc and " " not in value)


def validators() -> tuple[Any, Any]:
    """(the package's validator, the grant's), Draft 2020-12 with date-time and uri checked."""
    import referencing
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing.jsonschema import DRAFT202012

    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_date_time)
    checker.checks("uri")(_uri)
    grant = json.loads(find_shared_data(GRANT_SCHEMA).read_text(encoding="utf-8"))
    package = json.loads(find_shared_data(PACKAGE_SCHEMA).read_text(encoding="utf-8"))
    resource = DRAFT202012.create_resource(grant)
    registry = referencing.Registry().with_resources([(grant["$id"], resource),
                                                      (GRANT_REF, resource)])
    return (Draft202012Validator(package, registry=registry, format_checker=checker),
            Draft202012Validator(grant, registry=registry, format_checker=checker))


def schema_titles() -> dict[str, tuple[str | int, ...]]:
    """Every flattened column title the grant schema gives (titles joined by ':', an array
    of objects rolled up to its one item) and the path it stands for."""
    schema = json.loads(find_shared_data(GRANT_SCHEMA).read_text(encoding="utf-8"))
    defs = schema["$defs"]
    found: dict[str, tuple[str | int, ...]] = {}

    def walk(props: dict, titles: tuple[str, ...], path: tuple[str | int, ...]) -> None:
        for key, spec in props.items():
            ref = spec.get("$ref") or (spec.get("items") or {}).get("$ref", "")
            target = defs.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/$defs/") else None
            title = spec.get("title") or (target or {}).get("title")
            step: tuple[str | int, ...] = (key, 0) if spec.get("type") == "array" else (key,)
            if target is not None and "properties" in target:
                walk(target["properties"], (*titles, title or key), path + step)
            elif title:
                found[":".join((*titles, title))] = path + (key,)

    walk(schema["properties"], (), ())
    return found


def unflatten(path: Path) -> list[dict[str, Any]]:
    """The grants of a flattened 360Giving CSV, by the schema's titles."""
    titles = schema_titles()
    grants = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            item: dict[str, Any] = {}
            for title, value in row.items():
                assert title in titles, f"{title!r} is no column title of the 360Giving schema"
                if value == "":
                    continue
                steps = titles[title]
                node: Any = item
                for step, after in zip(steps, steps[1:], strict=False):
                    if isinstance(after, int):
                        node = node.setdefault(step, [{}])[0]
                    elif not isinstance(step, int):
                        node = node.setdefault(step, {})
                key = steps[-1]
                node[key] = Decimal(value) if key == "amountAwarded" else value
            grants.append(item)
    return grants


def json_amounts(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def csv_totals(path: Path) -> dict[str, tuple[int, Decimal]]:
    """{currency: (rows, Σ montant)} of an SCDL file (all in euros)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"EUR": (len(rows), sum((Decimal(r["montant"]) for r in rows), Decimal(0)))} \
        if rows else {}


def grant_totals(grants: list[dict[str, Any]]) -> dict[str, tuple[int, Decimal]]:
    out: dict[str, tuple[int, Decimal]] = {}
    for g in grants:
        n, total = out.get(g["currency"], (0, Decimal(0)))
        out[g["currency"]] = (n + 1, total + Decimal(g["amountAwarded"]))
    return out


def report_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(f"{path.stem}.report.json").read_text(encoding="utf-8"))


def export(exporter: Any, db: Path, cut: Cut, out: Path) -> Any:
    with Store(db, read_only=True) as store:
        prepare(store)
        return exporter.write(store, cut, out)


# -- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(real_atlas: BuiltAtlas):
    with Store(real_atlas.db, read_only=True) as opened:
        yield opened


#: Hand-made awards on a copy of the atlas (all cinema and audiovisual, euros, with a date).
WITHHELD_NAME = "Jeanne Exemplaire"
PERSON_SIRET = luhn_complete("9990000010001")
BENEFICIARY_SIRET = luhn_complete("9990000020001")
LONG_TITLE = "Un film " + "très " * 70


@pytest.fixture(scope="module")
def hand_made(real_atlas: BuiltAtlas, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("standards") / "atlas.duckdb"
    shutil.copy(real_atlas.db, db)
    with Store(db) as s:
        funder = s.con.execute("SELECT organisation_id FROM organisations WHERE siret = "
                               "'22490001900015' LIMIT 1").fetchone()[0]
        source = s.con.execute("SELECT source_id FROM awards WHERE funder_id = ? LIMIT 1",
                               [funder]).fetchone()[0]
        orgs = [("hand/funder", "Commune de Nulle-Part", None, True, "public_body"),
                ("hand/studio", "Studio Exemple", BENEFICIARY_SIRET, False, "company"),
                ("hand/person", WITHHELD_NAME, PERSON_SIRET, False, None)]
        for oid, name, siret, is_funder, kind in orgs:
            s.con.execute("INSERT INTO organisations (organisation_id, name, name_key, kind, "
                          "is_funder, siret, siren, country_code, source_id) VALUES "
                          "(?, ?, lower(?), ?, ?, ?, ?, 'FR', ?)",
                          [oid, name, name, kind, is_funder, siret, siret and siret[:9], source])
        awards = [("hand/no-siret", "hand/funder", "hand/studio", "Un court", 500000, False),
                  ("hand/fictitious", funder, "hand/studio", "Un faux", 100000, True),
                  ("hand/long", funder, "hand/studio", LONG_TITLE, 123456, False),
                  ("hand/person", funder, "hand/person", "Un portrait", 250050, False)]
        for aid, fid, bid, title, minor, fictitious in awards:
            s.con.execute("INSERT INTO awards (award_id, source_id, funder_id, beneficiary_id, "
                          "project_title, decision_date, fiscal_year, amount_minor, currency, "
                          "aid_type, sector, fictitious) VALUES (?, ?, ?, ?, ?, DATE "
                          "'2021-03-04', 2021, ?, 'EUR', 'grant', 'cinema-audiovisual', ?)",
                          [aid, source, fid, bid, title, minor, fictitious])
    return db


@pytest.fixture
def listing(tmp_path):
    """An opt-out list naming the hand-made person, in force for the test only."""
    path = tmp_path / "opt-out.toml"
    path.write_text(f'people = ["{WITHHELD_NAME.upper()}"]\n', encoding="utf-8")
    optout.use(path)
    yield path
    optout.use(None)


# -- SCDL ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cut", "where"), [
    (Cut(), cut_sql()),
    (Cut(sector="all"), cut_sql("all")),
    (Cut(territory=("FR",), years=(2017, 2019), sector="all"),
     cut_sql("all", "FR", (2017, 2019))),
], ids=["default", "every-sector", "france-2017-2019"])
def test_scdl_is_valid_and_every_award_is_accounted_for(store, real_atlas, tmp_path, cut,
                                                        where) -> None:
    out = tmp_path / "subventions.csv"
    report = export(ScdlExporter(), real_atlas.db, cut, out)
    assert report.written["subventions"] > 0
    task = frictionless(out)
    assert task["valid"] is True and task["stats"]["errors"] == 0, task["errors"][:3]
    written = csv_totals(out)
    assert written == sql_totals(store, f"{where} AND {SCDL_OK}")
    assert report.written == {"subventions": written.get("EUR", (0, 0))[0]}
    # every other award of the cut is in the report, once, with its reasons
    left = {item["id"]: item for item in report.not_expressed}
    assert len(left) == len(report.not_expressed)
    assert set(left) == sql_ids(store, f"{where} AND NOT ({SCDL_OK})")
    assert all(item["reason"] and item["codes"] for item in left.values())
    codes = Counter(code for item in left.values() for code in item["codes"])
    assert codes["not-euros"] == sql_totals(store, f"{where} AND a.currency <> 'EUR'") \
        .get("CAD", (0, 0))[0]
    assert report_of(out)["not_expressed"] == report.not_expressed
    assert report.fictitious is False


def test_scdl_on_the_whole_store_says_why_each_award_is_left_out(store, real_atlas,
                                                                 tmp_path) -> None:
    out = tmp_path / "all.csv"
    report = export(ScdlExporter(), real_atlas.db, Cut(sector="all"), out)
    body = report_of(out)
    by_id = {item["id"]: item for item in report.not_expressed}
    # Telefilm's awards are in Canadian dollars; the CNC's have no SIRET for the CNC;
    # Loire-Atlantique's are dated by their year only and identify associations by SIREN
    telefilm = sql_ids(store, f"{cut_sql('all')} AND a.source_id LIKE 'telefilm:%'")
    assert telefilm and all("not-euros" in by_id[i]["codes"] for i in telefilm)
    cnc = sql_ids(store, f"{cut_sql('all')} AND a.source_id LIKE 'cnc-commissions:%'")
    assert cnc and all("no-funder-siret" in by_id[i]["codes"] for i in cnc)
    loire = sql_ids(store, f"{cut_sql('all')} AND a.source_id LIKE 'scdl:loire-atlantique%'")
    assert loire and all({"no-date", "no-beneficiary-id"} <= set(by_id[i]["codes"])
                         for i in loire)
    sample = by_id[min(loire)]
    assert re.search(r"only the year \d{4} \(dateConvention is required\)", sample["reason"])
    assert re.search(r"only its SIREN \d{9}", sample["reason"])
    # the report's totals: the cut's (plain SQL) and what was written (read from the CSV)
    cut_totals = sql_totals(store, cut_sql("all"))
    assert {c: (t["awards"], Decimal(t["amount"])) for c, t in body["cut_totals"].items()} \
        == cut_totals
    assert {c: (t["awards"], Decimal(t["amount"])) for c, t in body["written_totals"].items()} \
        == csv_totals(out)
    assert body["not_written"] == len(report.not_expressed) == sum(
        n for n, _ in cut_totals.values()) - report.written["subventions"]
    # the sources and licences the CSV has no column for: those of the rows written
    assert {s["source_id"] for s in body["sources"]} == {
        "scdl:maine-et-loire-conventions", "scdl:vendee-conventions-2018"}
    assert all(s["licence"] for s in body["sources"])


def test_scdl_hand_made_awards(hand_made, tmp_path, listing) -> None:
    optout.use(None)
    out = tmp_path / "s.csv"
    report = export(ScdlExporter(), hand_made, Cut(), out)
    assert frictionless(out)["valid"] is True
    by_id = {item["id"]: item for item in report.not_expressed}
    assert by_id["hand/no-siret"]["codes"] == ["no-funder-siret"]
    assert "idAttribuant" in by_id["hand/no-siret"]["reason"]
    assert by_id["hand/fictitious"]["codes"] == ["fictitious"]
    with out.open(encoding="utf-8", newline="") as handle:
        rows = {r["objet"][:8]: r for r in csv.DictReader(handle)}
    long = rows[LONG_TITLE[:8]]
    assert len(long["objet"]) == 256 and long["objet"].endswith("…")
    assert long["montant"] == "1234.56" and long["idBeneficiaire"] == BENEFICIARY_SIRET
    assert [n["id"] for n in report_of(out)["notes"]] == ["hand/long"]
    assert report_of(out)["cut"]["sector"] == "cinema-audiovisual"
    person = rows["Un portr"]
    assert (person["nomBeneficiaire"], person["idBeneficiaire"], person["montant"]) == (
        WITHHELD_NAME, PERSON_SIRET, "2500.50")
    # listed: the person is withheld — no name, no SIRET, the award in the report
    optout.use(listing)
    report = export(ScdlExporter(), hand_made, Cut(), out)
    assert "hand/person" in {i["id"] for i in report.not_expressed}
    assert [i["codes"] for i in report.not_expressed if i["id"] == "hand/person"] == [
        ["beneficiary-withheld"]]
    for path in (out, out.with_name("s.report.json")):
        text = path.read_text(encoding="utf-8")
        assert WITHHELD_NAME.lower() not in text.lower() and PERSON_SIRET not in text


# -- 360Giving ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("cut", "where"), [
    (Cut(sector="all"), cut_sql("all")),
    (Cut(territory=("CA-QC",), years=(2012, 2015)), cut_sql(region="CA-QC", years=(2012, 2015))),
], ids=["every-sector", "quebec-2012-2015"])
def test_360giving_is_valid_and_every_award_is_accounted_for(store, real_atlas, tmp_path, cut,
                                                             where) -> None:
    out = tmp_path / "grants.json"
    report = export(Giving360Exporter(), real_atlas.db, cut, out)
    package_validator, grant_validator = validators()
    data = json_amounts(out)
    errors = [e.message for e in package_validator.iter_errors(json.loads(out.read_text()))]
    assert errors == []
    assert all(grant_validator.is_valid(g) for g in json.loads(out.read_text())["grants"])
    grants = data["grants"]
    # counts and sums per currency: plain SQL with 360Giving's required fields
    assert grant_totals(grants) == sql_totals(store, f"{where} AND {G360_OK}")
    assert report.written == {"grants": len(grants)}
    assert {item["id"] for item in report.not_expressed} == sql_ids(
        store, f"{where} AND NOT ({G360_OK})")
    ids = [g["id"] for g in grants]
    assert len(set(ids)) == len(ids) and all(i.startswith("360G-cineatlas-") for i in ids)
    # the flattened CSV holds the same grants, under the schema's own titles
    flat = unflatten(out.with_suffix(".csv"))
    assert [grant_validator.is_valid(json.loads(json.dumps(g, default=float))) for g in flat] \
        == [True] * len(grants)
    assert flat == [{k: v for k, v in g.items()} for g in grants]


def test_360giving_identifiers_and_individuals(store, real_atlas, tmp_path) -> None:
    out = tmp_path / "grants.json"
    export(Giving360Exporter(), real_atlas.db, Cut(sector="all"), out)
    grants = json.loads(out.read_text(encoding="utf-8"))["grants"]
    assert {g["currency"] for g in grants} == {"EUR", "CAD"}
    # organisations with a SIREN: FR-RCS-<SIREN>; the others a generated identifier
    sirens = dict(store.con.execute(
        "SELECT name, siren FROM organisations WHERE siren IS NOT NULL").fetchall())
    recipients = [g["recipientOrganization"][0] for g in grants if "recipientOrganization" in g]
    assert any(r["id"].startswith("FR-RCS-") for r in recipients)
    for r in recipients:
        if r["name"] in sirens:
            assert r["id"] == f"FR-RCS-{sirens[r['name']]}"
        else:
            assert r["id"].startswith("360G-cineatlas-org-")
    funders = {g["fundingOrganization"][0]["name"]: g["fundingOrganization"][0]["id"]
               for g in grants}
    assert funders["Département de Maine-et-Loire"] == "FR-RCS-224900019"
    assert funders["Telefilm Canada"].startswith("360G-cineatlas-")
    # individuals: 360Giving's generic name, an identifier that refers to no record
    people = [g["recipientIndividual"] for g in grants if "recipientIndividual" in g]
    expected = store.con.execute(
        f"SELECT count(*) {JOINS} WHERE {cut_sql('all')} AND {G360_OK} "
        "AND b.kind = 'individual'").fetchone()[0]
    assert len(people) == expected > 0
    assert {p["name"] for p in people} == {"Individual Recipient"}
    assert all(re.fullmatch(r"360G-cineatlas-IND-\d{5}", p["id"]) for p in people)
    # no individual's name: neither as a recipient, nor anywhere in the files (the names that
    # are also a title or another organisation's name apart, e.g. a channel's name)
    individuals = {n for (n,) in store.con.execute(
        "SELECT name FROM organisations WHERE kind = 'individual'").fetchall()}
    assert individuals and not individuals & {r["name"] for r in recipients}
    others = {n for (n,) in store.con.execute(
        "SELECT name FROM organisations WHERE kind IS DISTINCT FROM 'individual'").fetchall()}
    titles = [t for (t,) in store.con.execute(
        "SELECT project_title FROM awards WHERE project_title IS NOT NULL UNION "
        "SELECT title FROM works").fetchall()]
    names = [n for n in sorted(individuals - others) if len(n) > 10
             and not any(n in title for title in titles)][:60]
    text = out.read_text(encoding="utf-8") + out.with_suffix(".csv").read_text(encoding="utf-8")
    assert names and not [n for n in names if n in text]


def test_360giving_hand_made_awards(hand_made, tmp_path, listing) -> None:
    optout.use(None)
    out = tmp_path / "g.json"
    report = export(Giving360Exporter(), hand_made, Cut(), out)
    grants = {g["id"]: g for g in json_amounts(out)["grants"]}
    # no SIRET for the funder: 360Giving holds it, with a generated identifier
    no_siret = grants["360G-cineatlas-hand_no-siret"]
    assert no_siret["fundingOrganization"] == [{"id": "360G-cineatlas-hand_funder",
                                                "name": "Commune de Nulle-Part"}]
    assert no_siret["recipientOrganization"][0]["id"] == f"FR-RCS-{BENEFICIARY_SIRET[:9]}"
    assert grants["360G-cineatlas-hand_long"]["amountAwarded"] == Decimal("1234.56")
    assert [i["codes"] for i in report.not_expressed if i["id"] == "hand/fictitious"] == [
        ["fictitious"]]
    person = grants["360G-cineatlas-hand_person"]
    assert person["recipientOrganization"][0]["name"] == WITHHELD_NAME
    # listed: the person is an individual recipient, named nowhere
    optout.use(listing)
    export(Giving360Exporter(), hand_made, Cut(), out)
    person = {g["id"]: g for g in json_amounts(out)["grants"]}["360G-cineatlas-hand_person"]
    assert person["recipientIndividual"]["name"] == "Individual Recipient"
    assert "recipientOrganization" not in person
    for path in (out, out.with_suffix(".csv"), out.with_name("g.report.json")):
        text = path.read_text(encoding="utf-8")
        assert WITHHELD_NAME.lower() not in text.lower() and PERSON_SIRET[:9] not in text


def test_360giving_without_any_grant_writes_the_report_and_says_so(real_atlas,
                                                                    tmp_path) -> None:
    from cineatlas.errors import AtlasError

    out = tmp_path / "none.json"
    # Loire-Atlantique's awards carry a year, not a date: none can be a 360Giving grant
    with Store(real_atlas.db, read_only=True) as s:
        funder = s.con.execute("SELECT organisation_id FROM organisations WHERE siret = "
                               "'22440002800011'").fetchone()[0]
    with pytest.raises(AtlasError, match=r"none\.report\.json"):
        export(Giving360Exporter(), real_atlas.db, Cut(funder=(funder,), sector="all"), out)
    assert not out.exists() and report_of(out)["not_written"] > 18_000


# -- the command -------------------------------------------------------------------------------

def test_the_command_writes_both_formats(real_atlas, tmp_path) -> None:
    for name, out in (("scdl", tmp_path / "s.csv"), ("360giving", tmp_path / "g.json")):
        done = subprocess.run([str(CINEATLAS), "export", name, "-o", str(out), "--db",
                               str(real_atlas.db), "--territory", "FR", "--years", "2017-2019",
                               "--sector", "all", "--json"],
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        body = json.loads(done.stdout)
        assert body["format"] == name and body["fictitious"] is False
        assert out.exists() and len(body["not_expressed"]) == report_of(out)["not_written"]
        beside = [out.with_name(f"{out.stem}.report.json")]
        if name == "360giving":
            beside.insert(0, out.with_suffix(".csv"))
        assert body["also"] == [str(p) for p in beside] and all(p.exists() for p in beside)
    # without --json: where the report of what was not written is
    done = subprocess.run([str(CINEATLAS), "export", "scdl", "-o", str(tmp_path / "s.csv"),
                           "--db", str(real_atlas.db), "--territory", "FR", "--sector", "all"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    assert f"reason in {tmp_path / 's.report.json'}" in done.stdout


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_amounts_are_written_exactly_from_cents(minor: int) -> None:
    written = json.loads(json.dumps({"amountAwarded": amount(minor)}), parse_float=Decimal)
    assert Decimal(written["amountAwarded"]) == Decimal(minor) / 100


def test_360giving_asks_for_a_json_path(real_atlas, tmp_path) -> None:
    from cineatlas.errors import AtlasError

    with pytest.raises(AtlasError, match=r"give a path ending in \.json"):
        export(Giving360Exporter(), real_atlas.db, Cut(), tmp_path / "grants.xlsx")
