"""The finder on a small hand-made catalogue (tests/scheme_data.py): the expected lists, their
order and the reasons are written out here, from the catalogue's values, not from the code."""

from __future__ import annotations

import datetime as dt

import pytest
from scheme_data import add_catalogue, entry_id

from cineatlas.queries.schemes import catalogue
from cineatlas.schemes import finder
from cineatlas.schemes.finder import (
    AmbiguousTerritory,
    Profile,
    ProfileError,
    TerritoryNotFound,
    find,
    profile_from,
    resolve_territory,
)
from cineatlas.territories.geocode import Geocoder

TODAY = dt.date(2026, 5, 4)


@pytest.fixture(scope="module")
def setup(territories_store, tmp_path_factory):
    import shutil

    from cineatlas import Store

    db = tmp_path_factory.mktemp("finder") / "atlas.duckdb"
    shutil.copy(territories_store, db)
    with Store(db) as store:
        add_catalogue(store, TODAY)
        yield catalogue(store), Geocoder.from_store(store)


def _profile(geocoder, territory: str, **more) -> Profile:
    return profile_from(geocoder, territory=territory, **more)


def _writer_director(geocoder, territory: str) -> Profile:
    return profile_from(geocoder, roles=["author", "director"], territory=territory,
                        stage="writing", format="short", first_work=True)


def _statuses(match) -> dict[str, str]:
    return {r.criterion: r.status for r in match.reasons}


@pytest.mark.parametrize("territory", ["FR-R75", "Nouvelle-Aquitaine", "REG-75"])
def test_a_first_time_writer_director_in_nouvelle_aquitaine(setup, territory) -> None:
    """The Région's writing scheme (deadline in 20 days), the CNC's (deadline in 40 days),
    then without a known date the Région's scheme that excludes Gironde (unknown: the person
    may live there; a regional scheme before a departmental one), the Gironde's bursary (open
    in part of the Région only, format not published) and the foundation's scheme (nothing
    published); not the production scheme, nor Île-de-France's, nor the closed call, nor the
    SODEC's."""
    cat, geocoder = setup
    matches = find(cat, _writer_director(geocoder, territory), geocoder=geocoder, today=TODAY)
    assert [m.scheme.id for m in matches] == [
        entry_id("na-ecriture"), entry_id("cnc-ecriture"), entry_id("na-exclus"),
        entry_id("gironde-bourse"), entry_id("fondation")]
    na, cnc, outside_gironde, gironde, foundation = matches
    assert _statuses(na) == {"territory": "met", "role": "met", "stage": "met", "format": "met",
                             "work_rank": "met", "dates": "unknown"}
    assert na.next_date["date"] == TODAY + dt.timedelta(days=20)
    assert na.reasons[0].en == ("open in Nouvelle-Aquitaine (published geographic "
                                "eligibility), where Nouvelle-Aquitaine lies")
    assert na.reasons[1].en == "author, among: author"
    assert na.reasons[4].en == "first work, among: first work, second work"
    assert _statuses(cnc) == {"territory": "met", "role": "met", "stage": "met", "format": "met",
                              "work_rank": "unknown", "dates": "unknown"}
    assert cnc.reasons[0].weak and cnc.reasons[0].basis == "funder"
    assert cnc.reasons[0].en.startswith(
        "read from the funder: national scheme of Centre national du cinéma et de l'image "
        "animée, which covers France")
    assert cnc.reasons[0].fr.startswith(
        "lu dans le financeur\u202f: dispositif national de «\u202fCentre national du cinéma "
        "et de l'image animée\u202f», qui couvre France")
    assert cnc.reasons[2].en == ("writing, among: writing (read from the scheme's published "
                                 "name)")
    assert cnc.reasons[4].en == ("the scheme does not publish this criterion (first or second "
                                 "works): check with the funder")
    assert cnc.next_date["date"] == TODAY + dt.timedelta(days=40)  # not the past session
    # no known date: more criteria met first
    assert outside_gironde.next_date is None and gironde.next_date is None
    assert _statuses(outside_gironde)["territory"] == "unknown"  # unless in Gironde
    assert outside_gironde.reasons[0].en == ("open in Nouvelle-Aquitaine except Gironde, part "
                                             "of Nouvelle-Aquitaine: check")
    assert _statuses(gironde) == {"territory": "unknown", "role": "met", "stage": "met",
                                  "format": "unknown", "work_rank": "unknown",
                                  "dates": "unknown"}
    assert gironde.reasons[0].en == ("open in part of Nouvelle-Aquitaine only (Gironde): "
                                     "check")
    assert set(_statuses(foundation).values()) == {"unknown"}
    assert all(m.eligible for m in matches)


def test_in_bordeaux_the_gironde_bursary_is_met_and_the_scheme_excluding_gironde_is_out(
        setup) -> None:
    cat, geocoder = setup
    for territory in ("Bordeaux", "33000", "33063", "COM-33063"):
        matches = find(cat, _writer_director(geocoder, territory), geocoder=geocoder,
                       today=TODAY)
        assert [m.scheme.id for m in matches] == [
            entry_id("na-ecriture"), entry_id("cnc-ecriture"), entry_id("gironde-bourse"),
            entry_id("fondation")], territory
        assert matches[2].reasons[0].en == ("open in Gironde (published geographic "
                                            "eligibility), where Bordeaux lies")


def test_excluded_schemes_are_listed_on_demand_with_their_reason(setup) -> None:
    cat, geocoder = setup
    matches = find(cat, _writer_director(geocoder, "Bordeaux"), geocoder=geocoder, today=TODAY,
                   include_excluded=True)
    out = {m.scheme.id: m for m in matches if not m.eligible}
    assert set(out) == {entry_id(k) for k in ("na-production", "idf-ecriture", "na-ancien",
                                              "sodec-ecriture", "na-exclus")}
    assert [m.eligible for m in matches] == [True] * 4 + [False] * 5  # excluded ones last
    production = _statuses(out[entry_id("na-production")])
    assert production["role"] == "not_met" and production["stage"] == "not_met"
    assert out[entry_id("na-production")].reasons[2].en == (
        "writing is not among them; the scheme publishes: production")
    assert out[entry_id("idf-ecriture")].reasons[0].en == (
        "open in Île-de-France only (published geographic eligibility), not in Bordeaux")
    assert out[entry_id("na-exclus")].reasons[0].en == (
        "Bordeaux lies in a territory the scheme excludes: Gironde")
    closed = out[entry_id("na-ancien")]
    day = (TODAY - dt.timedelta(days=30)).isoformat()
    assert _statuses(closed)["dates"] == "not_met"
    assert closed.reasons[-1].en == f"closed since {day}"


def test_a_closed_scheme_is_kept_when_asked(setup) -> None:
    cat, geocoder = setup
    matches = find(cat, _writer_director(geocoder, "FR-R75"), geocoder=geocoder, today=TODAY,
                   include_closed=True)
    assert entry_id("na-ancien") in [m.scheme.id for m in matches]


def test_a_quebec_profile_gets_no_french_scheme(setup) -> None:
    cat, geocoder = setup
    profile = profile_from(geocoder, roles=["author"], territory="Montérégie", stage="writing")
    matches = find(cat, profile, geocoder=geocoder, today=TODAY)
    assert [m.scheme.id for m in matches] == [entry_id("sodec-ecriture"), entry_id("fondation")]
    assert matches[0].reasons[0].en == ("open in Québec (published geographic eligibility), "
                                        "where Montérégie lies")
    everything = find(cat, profile, geocoder=geocoder, today=TODAY, include_excluded=True)
    cnc = next(m for m in everything if m.scheme.id == entry_id("cnc-ecriture"))
    assert cnc.reasons[0].status == "not_met" and cnc.reasons[0].weak
    assert cnc.reasons[0].en == "open in France only (read from the funder), not in Montérégie"


def test_unknown_is_never_not_eligible(setup) -> None:
    """Every scheme whose only reasons are met or unknown is answered; a criterion the scheme
    does not publish is said unknown, whatever the person asks."""
    cat, geocoder = setup
    profile = profile_from(geocoder, roles=["exhibitor"], territory="FR-R75",
                           stage="distribution", format="series", genre="animation",
                           second_work=True)
    matches = find(cat, profile, geocoder=geocoder, today=TODAY)
    assert [m.scheme.id for m in matches] == [entry_id("fondation")]
    foundation = matches[0]
    assert [r.criterion for r in foundation.reasons] == [
        "territory", "role", "stage", "format", "genre", "work_rank", "dates"]
    assert foundation.reasons[0].en == ("the scheme does not publish where it applies and its "
                                        "funder's territory is not known")
    assert foundation.reasons[3].fr == ("le dispositif ne publie pas ce critère "
                                        "(format)\u202f: à vérifier auprès du financeur")


def test_a_profile_without_criteria_gets_every_open_scheme(setup) -> None:
    cat, geocoder = setup
    matches = find(cat, Profile(), geocoder=geocoder, today=TODAY)
    assert len(matches) == 8  # nine schemes, one closed
    # deadline order first: IdF (5 days), NA production (10), NA writing (20), SODEC (30), CNC
    assert [m.scheme.id for m in matches[:5]] == [
        entry_id(k) for k in ("idf-ecriture", "na-production", "na-ecriture", "sodec-ecriture",
                              "cnc-ecriture")]


def test_territories_are_resolved_or_the_candidates_listed(setup) -> None:
    _, geocoder = setup
    assert resolve_territory(geocoder, "Gironde").territory_id == "FR-D33"
    assert resolve_territory(geocoder, "33").territory_id == "FR-D33"
    assert resolve_territory(geocoder, "CA-QC-R06").chain == ("CA-QC-R06", "CA-QC", "CA")
    assert resolve_territory(geocoder, "Bordeaux").chain == ("FR-C33063", "FR-D33", "FR-R75",
                                                             "FR")
    with pytest.raises(AmbiguousTerritory) as ambiguous:
        resolve_territory(geocoder, "Paris")
    assert [c.territory_id for c in ambiguous.value.candidates] == ["FR-D75", "FR-C75056"]
    assert "Paris (Department, Île-de-France, FR-D75)" in str(ambiguous.value)
    with pytest.raises(AmbiguousTerritory) as quebec:
        resolve_territory(geocoder, "Québec")
    assert {c.territory_id for c in quebec.value.candidates} == {"CA-QC", "CA-QC-M23027"}
    with pytest.raises(TerritoryNotFound, match="No territory of the atlas is named or coded "
                                                "'Atlantide'"):
        resolve_territory(geocoder, "Atlantide")


def test_profile_codes_are_checked(setup) -> None:
    _, geocoder = setup
    with pytest.raises(ProfileError, match="Unknown stage 'ecriture': give one of writing"):
        profile_from(geocoder, stage="ecriture")
    with pytest.raises(ProfileError, match="Unknown role 'writer'"):
        profile_from(geocoder, roles=["writer"])
    with pytest.raises(ProfileError, match="first work or second work, not both"):
        profile_from(geocoder, first_work=True, second_work=True)


def test_the_observed_hook_fills_each_match(setup) -> None:
    cat, geocoder = setup
    seen = []

    def observed(scheme, profile):
        seen.append(scheme.id)
        return {"awards": len(scheme.name)}

    matches = find(cat, _writer_director(geocoder, "FR-R75"), geocoder=geocoder, today=TODAY,
                   observed=observed)
    assert [m.observed for m in matches] == [{"awards": len(m.scheme.name)} for m in matches]
    assert sorted(seen) == sorted(m.scheme.id for m in matches)  # not for the left-out ones
    assert find(cat, Profile(), today=TODAY)[0].observed is None


def test_reasons_are_said_in_words_in_both_languages(setup) -> None:
    cat, geocoder = setup
    match = find(cat, _writer_director(geocoder, "FR-R75"), geocoder=geocoder, today=TODAY)[0]
    assert match.reasons[1].label("en") == "Who may apply: met — author, among: author"
    assert match.reasons[1].label("fr") == ("Qui peut déposer\u202f: rempli — auteur ou "
                                            "autrice, parmi\u202f: auteur ou autrice")
    assert match.reasons[-1].label("en") == ("Dates: not published — opening and closing dates "
                                             "not published")
    as_json = match.as_dict()
    assert as_json["met"] == 5 and as_json["unknown"] == 1 and as_json["eligible"] is True
    assert as_json["next_date"]["kind"] == "deadline"
    assert finder.STATUSES.keys() == {"met", "unknown", "not_met"}
