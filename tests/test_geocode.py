"""The geocoder, on the shared reference store: codes, postal codes, names, provinces."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cineatlas import Store
from cineatlas.territories.geocode import Geocoder, map_unique
from cineatlas.territories.tables import place_key


@pytest.fixture(scope="module")
def geocoder(territories_store: Path) -> Geocoder:
    with Store(territories_store, read_only=True) as store:
        return Geocoder.from_store(store)


@pytest.mark.parametrize(("code", "expected"), [
    ("01001", "FR-C01001"), ("1001", "FR-C01001"), (1001, "FR-C01001"), ("1001.0", "FR-C01001"),
    ("2A004", "FR-C2A004"), ("2a004", "FR-C2A004"), (" 75108 ", "FR-C75108"),
    ("75056", "FR-C75056"), ("69123", "FR-C69123"), ("13055", "FR-C13055"),
    ("69381", "FR-C69381"), ("13216", "FR-C13216"),
    ("85060", "FR-C85194"),   # Château-d'Olonne, merged without a commune déléguée
    ("69152", "FR-C69149"),   # Pierre-Bénite, commune déléguée of Oullins-Pierre-Bénite
    ("99999", None), ("abc", None), ("", None), (None, None), ("987350", None),
])
def test_commune_codes(geocoder: Geocoder, code: object, expected: str | None) -> None:
    assert geocoder.commune(code) == expected


def test_postal_codes(geocoder: Geocoder) -> None:
    assert geocoder.postal_code("75008") == "FR-C75108"
    assert geocoder.postal_code("69001") == "FR-C69381"
    assert geocoder.postal_code("01400") is None                  # several communes
    assert geocoder.postal_code("01400", city="L'Abergement-Clémenciat") == "FR-C01001"
    assert geocoder.postal_code("1400", city="l abergement clemenciat") == "FR-C01001"
    assert geocoder.postal_code("01400", city="Nowhere") is None
    assert geocoder.postal_code("00000") is None


@pytest.mark.parametrize(("name", "kwargs", "expected"), [
    ("Paris", {}, "FR-C75056"),
    ("PARIS ", {}, "FR-C75056"),
    ("Le Havre", {}, "FR-C76351"),
    ("Havre (Le)", {}, "FR-C76351"),
    ("Les Sables-d'Olonne", {}, "FR-C85194"),
    ("Château-d'Olonne", {}, "FR-C85194"),          # former commune
    ("Paris 8e Arrondissement", {}, "FR-C75108"),
    ("Paris 8e", {}, "FR-C75108"),
    ("Saint-Denis", {}, None),                       # Seine-Saint-Denis, La Réunion…
    ("Saint-Denis", {"within": "FR-D93"}, "FR-C93066"),
    ("St Denis", {"within": "FR-R04"}, "FR-C97411"),
    ("Paris", {"within": "FR-R84"}, None),
    ("Montreal", {"country": "CA"}, "CA-QC-M66023"),
    ("Montréal", {"country": "CA"}, "CA-QC-M66023"),
    ("MONTRÉAL  ", {"country": "CA"}, "CA-QC-M66023"),
    ("Montréal (Québec)", {"country": "CA"}, "CA-QC-M66023"),
    ("Montreal, QC", {"country": "CA", "within": "CA-QC"}, "CA-QC-M66023"),
    ("Montreal", {"country": "FR"}, None),
    ("", {}, None), (None, {}, None),
])
def test_city_names(geocoder: Geocoder, name: str | None, kwargs: dict,
                    expected: str | None) -> None:
    assert geocoder.city(name, **kwargs) == expected


def test_saint_abbreviations(geocoder: Geocoder) -> None:
    assert place_key("ST-JEAN-sur-Richelieu ") == "saint jean sur richelieu"
    assert place_key("Ste-Foy") == "sainte foy"
    assert place_key("Sts-Anges") == "saints anges"
    assert place_key("Stes-Maries") == "saintes maries"
    assert place_key("Stanstead") == "stanstead"
    full = geocoder.city("Saint-Jean-sur-Richelieu", country="CA")
    assert full is not None and geocoder.city("St-Jean-sur-Richelieu", country="CA") == full
    assert geocoder.city("Stes-Maries-de-la-Mer") == geocoder.city("Saintes-Maries-de-la-Mer")
    assert geocoder.city("Saintes-Maries-de-la-Mer") == "FR-C13096"


@pytest.mark.parametrize(("text", "expected"), [
    ("Quebec", "CA-QC"), ("Québec", "CA-QC"), ("QC", "CA-QC"), ("Que.", "CA-QC"),
    ("Ontario", "CA-ON"), ("B.C.", "CA-BC"), ("British Columbia", "CA-BC"),
    ("Newfoundland/Labrad.", "CA-NL"), ("Newfoundland and Labrador", "CA-NL"),
    ("North W. Territories", "CA-NT"), ("Northwest Territories", "CA-NT"),
    ("Nunavut", "CA-NU"), ("Prince Edward Island", "CA-PE"),
    ("California", "US-CA"), ("New York", "US-NY"), ("CA", "US-CA"),
    ("France", "FR"), ("Canada", "CA"), ("United States", "US"),
    ("new", None), ("Atlantis", None), ("", None), (None, None),
])
def test_provinces_states_countries(geocoder: Geocoder, text: str | None,
                                    expected: str | None) -> None:
    assert geocoder.province(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ILE-DE-FRANCE", "FR-R11"), ("NOUVELLE AQUITAINE", "FR-R75"),
    ("HAUTS DE FRANCE", "FR-R32"), ("PROVENCE-ALPES-COTE D'AZUR", "FR-R93"),
    ("AUVERGNE-RHONE-ALPES", "FR-R84"), ("CENTRE-VAL DE LOIRE", "FR-R24"),
    ("Rhône-Alpes", "FR-R84"), ("Nord-Pas-de-Calais", "FR-R32"), ("Centre", "FR-R24"),
    ("PACA", "FR-R93"), ("84", "FR-R84"), ("La Réunion", "FR-R04"), ("Neverland", None),
])
def test_french_regions(geocoder: Geocoder, text: str, expected: str | None) -> None:
    assert geocoder.region(text) == expected


def test_departments_and_hierarchy(geocoder: Geocoder) -> None:
    assert geocoder.department("69") == "FR-D69"
    assert geocoder.department("1") == "FR-D01"
    assert geocoder.department("2A") == "FR-D2A"
    assert geocoder.department("Rhône") == "FR-D69"
    assert geocoder.department("976") == "FR-D976"
    assert geocoder.region_of("FR-C75108") == "FR-R11"
    assert geocoder.region_of("FR-D976") == "FR-R06"
    assert geocoder.region_of("CA-QC-M66023") == "CA-QC"
    assert geocoder.region_of("nope") is None
    assert geocoder.qc_region_of("CA-QC-M66023") == "CA-QC-R06"
    assert geocoder.qc_region_of("CA-QC-R06") == "CA-QC-R06"
    assert geocoder.qc_region_of("FR-C75108") is None
    assert geocoder.ancestors("FR-C75108") == ["FR-D75", "FR-R11", "FR", "FR-MET-PARIS"]


def test_map_unique_calls_once_per_distinct_value(geocoder: Geocoder) -> None:
    calls: list[object] = []

    def commune(code: object) -> str | None:
        calls.append(code)
        return geocoder.commune(code)

    series = pl.Series("code", ["75108", "1001", None, "99999"] * 250_000)
    out = map_unique(series, commune)
    assert sorted(calls, key=str) == sorted(["75108", "1001", "99999", None], key=str)
    assert out.len() == 1_000_000 and out.dtype == pl.Utf8
    assert out.head(4).to_list() == ["FR-C75108", "FR-C01001", None, None]
    assert out.null_count() == 500_000


# -- ambiguous abbreviations and codes ---------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # two letters in a province field are a province or state code
    ("NE", "US-NE"), ("ne", "US-NE"), ("Neb.", "US-NE"), ("Nova Scotia", "CA-NS"),
    ("N.S.", "CA-NS"), ("Nouvelle-Écosse", "CA-NS"), ("TN", "US-TN"), ("DE", "US-DE"),
    ("NL", "CA-NL"), ("YT", "CA-YT"), ("Alb.", "CA-AB"), ("Ind.", "US-IN"), ("Ala.", "US-AL"),
    # 'N.-É.' (Nouvelle-Écosse) and 'T.-N.' (Terre-Neuve) fold to 'N.E.' and 'T.N.', Nebraska's
    # and Tennessee's codes spelt out: not aliases, so neither is guessed
    ("N.-É.", None), ("N.E.", None), ("N-E", None), ("T.-N.", None), ("T.N.", None),
    # a country's ISO code is not read in a province field: ordinary words stay unknown
    ("AND", None), ("and", None), ("And", None), ("can", None), ("sur", None), ("per", None),
    ("Andorra", "AD"), ("Canada", "CA"),
])
def test_province_fields_read_codes_only_where_unambiguous(geocoder: Geocoder, text: str,
                                                           expected: str | None) -> None:
    assert geocoder.province(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Canada", "CA"), ("CA", "CA"), ("CAN", "CA"), ("can", "CA"),
    ("United States", "US"), ("USA", "US"), ("U.S.A.", "US"), ("US", "US"), ("U.S.", "US"),
    ("États-Unis", "US"), ("Etats-Unis d'Amérique", "US"), ("United States of America", "US"),
    ("DE", "DE"), ("DEU", "DE"), ("Germany", "DE"), ("Allemagne", "DE"), ("AND", "AD"),
    ("Andorra", "AD"), ("FR", "FR"), ("FRA", "FR"), ("France", "FR"), ("NL", "NL"),
    ("Georgia", "GE"),                     # the country; in a province field, the state
    ("Québec", "CA"), ("California", "US"),  # a province or state named: its country
    ("QC", None), ("Que.", None),          # abbreviations of provinces are not countries
    ("Atlantis", None), ("", None), (None, None),
])
def test_country_fields(geocoder: Geocoder, text: str | None, expected: str | None) -> None:
    assert geocoder.country(text) == expected


def test_no_abbreviation_spells_another_places_code(territories_store: Path) -> None:
    """A province or state alias, its letters run together ('n e' -> 'ne'), is no other
    province's or state's alias or code: 'N.E.' must not be read as Nova Scotia when 'NE' is
    Nebraska."""
    with Store(territories_store, read_only=True) as store:
        aliases = store.frame(
            "SELECT DISTINCT replace(a.alias_key, ' ', '') AS compact, a.territory_id "
            "FROM territory_aliases a JOIN territories t USING (territory_id) "
            "WHERE t.level IN ('province', 'state')")
    clashes = (aliases.group_by("compact").agg(pl.col("territory_id").unique().sort())
               .filter(pl.col("territory_id").list.len() > 1).sort("compact"))
    assert clashes.rows() == []


def test_an_abbreviation_spelling_another_code_is_never_matched() -> None:
    """Even where the reference data still has it (a store built before it was removed), an
    abbreviation whose letters spell another province's or state's code is ignored."""
    territories = pl.DataFrame({
        "territory_id": ["CA", "CA-NS", "US", "US-NE"], "level": ["country", "province",
                                                                  "country", "state"],
        "code": ["CA", "NS", "US", "NE"], "parent_id": [None, "CA", None, "US"],
        "region_id": [None, "CA-NS", None, "US-NE"], "metropolis_id": [None] * 4,
        "country_code": ["CA", "CA", "US", "US"]}, schema_overrides={"metropolis_id": pl.Utf8})
    aliases = pl.DataFrame({
        "alias_key": ["nova scotia", "ns", "n s", "n e", "nebraska", "ne", "canada", "ca", "can"],
        "kind": ["name", "abbreviation", "abbreviation", "abbreviation", "name", "abbreviation",
                 "name", "abbreviation", "abbreviation"],
        "territory_id": ["CA-NS", "CA-NS", "CA-NS", "CA-NS", "US-NE", "US-NE", "CA", "CA", "CA"]})
    geocoder = Geocoder(territories, aliases)
    assert [geocoder.province(t) for t in ("N.S.", "NS", "NE", "N.E.", "N.-É.", "CAN")] == [
        "CA-NS", "CA-NS", "US-NE", None, None, None]
    assert [geocoder.country(t) for t in ("CAN", "CA", "Canada", "Nova Scotia")] == [
        "CA", "CA", "CA", "CA"]
