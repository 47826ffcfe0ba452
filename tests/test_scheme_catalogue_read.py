"""The catalogue as people read it (queries.schemes) and where a scheme is open
(schemes.geography), on a small catalogue written out here."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cineatlas.queries.schemes import catalogue, catalogue_id
from cineatlas.schemes.geography import cog_of, reach, territory_of
from cineatlas.store import Store

CNC = "CNC (Centre national du cinéma et de l'image animée)"


def _source(store: Store, source_id: str, imported_at: str) -> None:
    store.record_source({"source_id": source_id, "importer": "test", "title": source_id,
                         "imported_at": dt.datetime.fromisoformat(imported_at),
                         "rows_read": 1, "rows_loaded": 1, "rows_quarantined": 0})


def _org(store: Store, org_id: str, name: str, key: str, source_id: str, *,
         level: str | None = None, governs: str | None = None) -> None:
    store.insert("organisations", pl.DataFrame([{
        "organisation_id": org_id, "name": name, "name_key": key, "kind": "public_body",
        "is_funder": True, "funder_level": level, "governed_territory_id": governs,
        "source_id": source_id, "fictitious": False}]))


def _scheme(store: Store, scheme_id: str, name: str, key: str, funder_id: str,
            source_id: str, **values: object) -> None:
    row = {"scheme_id": scheme_id, "funder_id": funder_id, "name": name, "name_key": key,
           "level": "national", "source_id": source_id, "fictitious": False} | values
    store.insert("schemes", pl.DataFrame([row]))


def _field(store: Store, scheme_id: str, field: str, source_id: str, rule: str,
           locator: str) -> None:
    store.insert("scheme_field_sources", pl.DataFrame([{
        "scheme_id": scheme_id, "field": field, "source_id": source_id, "locator": locator,
        "rule": rule, "fictitious": False}]))


@pytest.fixture
def two_sources(store: Store) -> Store:
    """The CNC's list names CNC Talent (stages read from the name); the commission results name
    it too, publish its stage and its sessions; Telefilm's Production Program stands alone."""
    _source(store, "list", "2026-01-01 10:00:00")
    _source(store, "results", "2026-02-01 10:00:00")
    _source(store, "telefilm", "2026-01-15 10:00:00")
    _org(store, "list/org/cnc", CNC, "cnc centre national du cinema et de l image animee",
         "list", level="national", governs="FR")
    _org(store, "results/org/cnc", CNC, "cnc centre national du cinema et de l image animee",
         "results", level="national", governs="FR")
    _org(store, "telefilm/org/t", "Telefilm Canada", "telefilm canada", "telefilm",
         level="national", governs="CA")
    talent = "fonds d aide aux createurs video sur internet cnc talent"
    _scheme(store, "list/scheme/talent", "Fonds d'aide aux créateurs vidéo sur Internet "
            "(CNC Talent)", talent, "list/org/cnc", "list", stages=["production", "writing"],
            applicants=["video_creator"])
    _field(store, "list/scheme/talent", "stages", "list", "name", "$.aids[38]")
    _field(store, "list/scheme/talent", "applicants", "list", "name", "$.aids[38]")
    _scheme(store, "results/scheme/talent", "Fonds d'aide aux créateurs vidéo sur Internet "
            "(CNC Talent)", talent, "results/org/cnc", "results", stages=["production"],
            url="https://www.cnc.fr/talent")
    _field(store, "results/scheme/talent", "stages", "results", "published", "$.commissions")
    store.insert("scheme_dates", pl.DataFrame([
        {"scheme_id": "results/scheme/talent", "kind": "session",
         "date": dt.date(2024, 11, 20), "title": "Commission", "url": None,
         "source_id": "results", "fictitious": False}]))
    _scheme(store, "results/scheme/creation", "Aide à la création", "aide a la creation",
            "results/org/cnc", "results", parent_scheme_id="results/scheme/talent")
    _scheme(store, "telefilm/scheme/prod", "Production Program", "production program",
            "telefilm/org/t", "telefilm", stage="production")
    return store


def test_one_entry_per_scheme_across_sources(two_sources: Store) -> None:
    found = catalogue(two_sources)
    talent_key = "fonds d aide aux createurs video sur internet cnc talent"
    cnc_key = "cnc centre national du cinema et de l image animee"
    talent = found.get(catalogue_id(cnc_key, talent_key))
    assert talent is not None
    assert sorted(talent.scheme_ids) == ["list/scheme/talent", "results/scheme/talent"]
    assert talent.funder_ids == ["list/org/cnc", "results/org/cnc"]
    # a published value wins over one read from the name, whatever the import order
    assert talent.values["stages"] == ["production"]
    assert [s["rule"] for s in talent.field_sources["stages"]] == ["published"]
    assert [s["source_id"] for s in talent.field_sources["stages"]] == ["results"]
    # a field only one source gives keeps that source and its rule
    assert talent.values["applicants"] == ["video_creator"]
    assert talent.field_sources["applicants"][0]["locator"] == "$.aids[38]"
    assert talent.url == "https://www.cnc.fr/talent"
    assert [d["date"] for d in talent.dates] == [dt.date(2024, 11, 20)]
    assert talent.sources == ["list", "results"]
    # unknown stays unknown
    assert "eligibility" not in talent.values and talent.as_dict()["eligibility"] is None
    creation = found.entry_of("results/scheme/creation")
    assert creation is not None and creation.parent_id == talent.id


def test_entries_are_ordered_and_ids_stable(two_sources: Store) -> None:
    first = catalogue(two_sources)
    assert [e.name for e in first.entries] == [
        "Aide à la création", "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)",
        "Production Program"]
    assert [e.id for e in catalogue(two_sources).entries] == [e.id for e in first.entries]
    assert catalogue_id("telefilm canada", "production program").startswith(
        "production-program-")


def test_reach_from_funder_or_published(two_sources: Store) -> None:
    found = catalogue(two_sources)
    prod = found.entry_of("telefilm/scheme/prod")
    assert prod is not None
    assert reach(prod).territories == ("CA",) and reach(prod).basis == "funder"
    prod.values["geographic_eligibility"] = ["REG-75", "DEP-2A", "EPCI-200054781"]
    prod.values["geographic_exclusions"] = ["COM-33063"]
    published = reach(prod)
    assert published.basis == "published"
    assert published.territories == ("FR-R75", "FR-D2A")
    assert published.unmapped == ("EPCI-200054781",)
    assert published.exclusions == ("FR-C33063",)


@pytest.mark.parametrize(("code", "territory"), [
    ("REG-75", "FR-R75"), ("DEP-33", "FR-D33"), ("dep-2b", "FR-D2B"),
    ("COM-33063", "FR-C33063"), ("PAYS-99100", "FR"), ("PAYS-99401", "CA"),
    ("PAYS-99134", None), ("CA-QC-R06", "CA-QC-R06"), ("Bordeaux", None), ("", None)])
def test_territory_of(code: str, territory: str | None) -> None:
    assert territory_of(code) == territory


@pytest.mark.parametrize(("territory", "code"), [
    ("FR", "PAYS-99100"), ("FR-R75", "REG-75"), ("FR-D971", "DEP-971"),
    ("FR-C33063", "COM-33063"), ("FR-D2A", None), ("CA-QC", None), ("CA", "PAYS-99401")])
def test_cog_of(territory: str, code: str | None) -> None:
    assert cog_of(territory) == code


def test_a_document_named_twice_keeps_what_it_says(two_sources: Store) -> None:
    """Two sources list the same award list; one says since when: that one is kept."""
    for source_id, scheme_id, since in (("results", "results/scheme/talent", 2017),
                                        ("list", "list/scheme/talent", None)):
        two_sources.insert("scheme_documents", pl.DataFrame([{
            "scheme_id": scheme_id, "kind": "award_list", "title": "Résultats des commissions",
            "url": "https://www.cnc.fr/resultats", "published_from": since,
            "source_id": source_id, "fictitious": False}]))
    talent = catalogue(two_sources).entry_of("list/scheme/talent")
    assert talent is not None
    assert [(d["title"], d["published_from"]) for d in talent.documents] == [
        ("Résultats des commissions", 2017)]
