"""Access to cinema: cinemas, screens and seats per 100,000 inhabitants, Art et Essai cinemas
(and each label), the population living in a commune with an Art et Essai cinema, itinerant
circuits, cinema festivals.

These indicators describe a *stock* (the cinemas active in a year, the festivals of the
Panorama), not a flow of decisions, so they share four rules (`_observed`, `_reach`):

- **One year.** Venues carry the year their figures describe. Unless the cut is by year, only
  the most recent year in the cut is counted, so that two yearly CNC files are never added up.
  Festivals have no year of observation (the Panorama is a snapshot): one row, year NULL.
- **Communes, not arrondissements.** The CNC locates Paris cinemas (and may locate Lyon and
  Marseille ones) by municipal arrondissement. A cinema in an arrondissement counts for its
  city (through the `city_of` alias): at the commune level the result row is Paris, Lyon or
  Marseille, and arrondissements get no row; above it nothing changes (an arrondissement and
  its city have the same department).
- **The reach of the data.** A territory with no cinema has the value 0 only when the data
  cover it: a department is covered when at least one row of the file (any cinema; any
  festival, of any discipline) lies in it. The denominator is the population of the covered
  departments of the territory (for a commune: its own, when its department is covered). The
  CNC's 2022 file lists metropolitan France only: overseas departments and regions get no row
  (not a false 0), and France's figure is per inhabitant of metropolitan France; the extra
  column `covered_population_share` says which part of the territory's population that is.
- **Counted where located.** A cinema or festival counts in the commune of its address;
  venues without a known commune are left out of every territory.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query, count_where
from cineatlas.indicators.registry import indicator

#: Art et Essai labels: Recherche et Découverte, Jeune Public, Patrimoine et Répertoire.
LABELS = ("RD", "JP", "PR")
#: Per 100,000 inhabitants.
PER = 100_000

_COVERED_SHARE = {
    "covered_population_share": (
        "part de la population du territoire dans les départements couverts par les données "
        "(dénominateur ÷ population du territoire)",
        "share of the territory's population living in departments the data cover "
        "(denominator ÷ population of the territory)"),
}

_REACH_FR = ("Le dénominateur est la population des départements du territoire que les données "
             "couvrent (au moins une ligne du fichier) : le fichier CNC 2022 ne couvre que la "
             "France métropolitaine, les départements et régions d'outre-mer n'ont donc pas de "
             "valeur (et non 0) et la France est rapportée à la population de la métropole "
             "(colonne covered_population_share).")
_REACH_EN = ("The denominator is the population of the territory's departments that the data "
             "cover (at least one row of the file): the CNC's 2022 file covers metropolitan "
             "France only, so overseas departments and regions get no value (not 0) and France "
             "is divided by the population of metropolitan France (column "
             "covered_population_share).")
_YEAR_FR = ("Une seule année d'activité : la plus récente de la base (ou du découpage), sauf "
            "calcul par année ; deux fichiers annuels ne s'additionnent jamais.")
_YEAR_EN = ("One year of activity: the most recent in the store (or in the cut), unless computed "
            "by year; two yearly files are never added up.")
_ARRONDISSEMENTS_FR = ("Paris, Lyon et Marseille comptent comme une commune : les cinémas de leurs "
                       "arrondissements municipaux sont comptés dans la ville ; au niveau commune, "
                       "les arrondissements n'ont pas de ligne.")
_ARRONDISSEMENTS_EN = ("Paris, Lyon and Marseille count as one commune each: the cinemas of their "
                       "municipal arrondissements are counted in the city; at the commune level "
                       "arrondissements get no row.")
_ZERO_FR = ("Un territoire couvert sans aucun cinéma vaut 0 ; n'ayant aucune ligne (n = 0), il "
            "est signalé low_coverage.")
_ZERO_EN = ("A covered territory without any cinema has the value 0; having no row (n = 0), it is "
            "flagged low_coverage.")
_ITINERANT_FR = ("Les circuits itinérants comptent comme des établissements, comme dans les "
                 "statistiques du CNC (2 061 établissements en 2022, dont 114 circuits), avec "
                 "leurs écrans et fauteuils déclarés ; ils sont localisés dans la commune de leur "
                 "siège, non dans les communes qu'ils desservent. Leur nombre est donné à part "
                 "(colonne itinerant_circuits, indicateur itinerant_circuits).")
_ITINERANT_EN = ("Itinerant circuits count as establishments, as in the CNC's statistics (2,061 "
                 "establishments in 2022, 114 of them circuits), with their declared screens and "
                 "seats; they are located in the commune of their base, not in the communes they "
                 "serve. Their number is given apart (column itinerant_circuits, indicator "
                 "itinerant_circuits).")
_VENUE_CAVEATS_FR = (_REACH_FR, _YEAR_FR, _ITINERANT_FR, _ARRONDISSEMENTS_FR, _ZERO_FR)
_VENUE_CAVEATS_EN = (_REACH_EN, _YEAR_EN, _ITINERANT_EN, _ARRONDISSEMENTS_EN, _ZERO_EN)
_POPULATION_FR = "Population légale la plus récente de la base (INSEE, population municipale)."
_POPULATION_EN = "Latest legal population in the store (INSEE, population municipale)."


# -- shared machinery ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Observed:
    """The subject's rows for one observation, before (`rows`) and after (`placed`, the
    query's base) placing them in the cut's units; both have `commune_id`."""

    rows: ir.Table
    placed: ir.Table


def _year_keys(q: Query) -> list[str]:
    return ["year"] if q.cut.by_year else []


def _arrondissements(q: Query) -> ir.Table:
    """(arrondissement, city): the municipal arrondissements and their city."""
    a = q.table("territory_aliases")
    return a.filter(a.kind == "city_of").select(arrondissement=a.territory_id, city=a.alias_key)


def _observed(q: Query, table: str) -> _Observed:
    """`table`'s rows of one observation year (see the module docstring), each with
    `commune_id` (an arrondissement's city, else its own territory), placed in the cut's units.
    The placed rows become the query's base, so that coverage counts them."""
    t = q.table(table)
    if "year" in t.columns:
        t = q.years(t)
        if q.cut.by_year:
            t = t.filter(t.year.notnull())
        else:
            latest = t.year.max()
            t = t.filter((t.year == latest) | latest.isnull())
    else:
        # no year of observation: one row per unit, year NULL; nothing by year
        t = t.mutate(year=ibis.null("int32"))
        if q.cut.by_year:
            t = t.filter(ibis.literal(False))
    t = t.rename(site_id="territory_id")
    cities = _arrondissements(q)
    t = t.left_join(cities, t.site_id == cities.arrondissement)
    rows = t.mutate(commune_id=ibis.coalesce(t.city, t.site_id)).drop("arrondissement", "city")
    return _Observed(rows, q.rebase(q.place(rows, "commune_id")))


def _reach(q: Query, observed: _Observed) -> ir.Table:
    """(keys, denominator, population): every unit of the cut the data cover, with the
    population of its covered departments (`denominator`) and its whole population."""
    yk = _year_keys(q)
    rows = observed.rows
    departments = q.at_level("department")
    covered = rows.inner_join(departments, rows.commune_id == departments.territory_id)
    covered = covered.select(*yk, department_id=covered.unit_id).distinct()
    units = q.units.filter(~q.units.unit_id.isin(_arrondissements(q).arrondissement))
    if q.cut.level == "commune":
        # a commune is covered when its department is; its population is its own
        of = departments.rename(commune_id="territory_id", department_id="unit_id")
        reach = units.inner_join(of, units.unit_id == of.commune_id)
        reach = reach.inner_join(covered, "department_id")
        reach = reach.select("unit_id", *yk, denominator=reach.population)
    else:
        # a unit above the departments: the sum of its covered departments' populations
        above = q.at_level()
        pops = q.table("territories").select(department_id="territory_id", pop="population")
        reach = covered.inner_join(above, covered.department_id == above.territory_id)
        reach = reach.inner_join(pops, "department_id")
        complete = reach.pop.count() == reach.count()
        reach = reach.group_by(["unit_id", *yk]).aggregate(
            denominator=ibis.ifelse(complete, reach.pop.sum(), ibis.null("int64")))
    whole = units.select("unit_id", population=units.population)
    reach = reach.inner_join(whole, "unit_id")
    return reach.mutate(denominator=reach.denominator.cast("float64"),
                        population=reach.population.cast("float64"))


def _per_100k(q: Query, reach: ir.Table, grouped: ir.Table, numerators: dict[str | None, str],
              extras: tuple[str, ...] = ()) -> ir.Table:
    """`reach` with, for each category (None: no category column), numerator = the count in
    `grouped` (keys + counts; 0 for a covered unit absent from it, NULL kept as unknown) and
    value = numerator × 100,000 ÷ denominator. `extras` are further counts of `grouped`."""
    keys = q.keys
    grouped = grouped.mutate(_present=ibis.literal(True))
    joined = reach.left_join(grouped, keys)

    def count(column: str) -> ir.Value:
        return ibis.ifelse(joined._present.isnull(), 0, joined[column]).cast("int64")

    share = ibis.ifelse(joined.population > 0, joined.denominator / joined.population, ibis.null())
    parts = []
    for category, column in numerators.items():
        numerator = count(column).cast("float64")
        value = ibis.ifelse(joined.denominator > 0, numerator * PER / joined.denominator,
                            ibis.null())
        columns = {"category": ibis.literal(category, "string")} if category is not None else {}
        parts.append(joined.select(
            *keys, **columns, numerator=numerator, denominator=joined.denominator,
            value=value.cast("float64"), covered_population_share=share.cast("float64"),
            **{extra: count(extra) for extra in extras}))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


# -- venues ---------------------------------------------------------------------------------


@indicator(
    id="cinemas_per_100k",
    theme="access",
    title_fr="Établissements cinématographiques pour 100 000 habitants",
    title_en="Cinemas per 100,000 inhabitants",
    definition_fr="Nombre d'établissements cinématographiques actifs dans l'année (salles fixes "
                  "et circuits itinérants, comme les compte le CNC) situés dans le territoire, "
                  "pour 100 000 habitants.",
    definition_en="Number of cinemas active during the year (fixed cinemas and itinerant "
                  "circuits, as the CNC counts establishments) located in the territory, per "
                  "100,000 inhabitants.",
    formula="nombre d'établissements × 100 000 ÷ population (départements couverts)",
    unit="per_100k",
    subject="venues",
    caveats_fr=(*_VENUE_CAVEATS_FR, _POPULATION_FR),
    caveats_en=(*_VENUE_CAVEATS_EN, _POPULATION_EN),
    extras={**_COVERED_SHARE,
            "itinerant_circuits": ("dont circuits itinérants", "of which itinerant circuits")},
)
def cinemas_per_100k(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    rows = observed.placed
    grouped = rows.group_by(q.keys).aggregate(cinemas=rows.count(),
                                              itinerant_circuits=count_where(rows.itinerant))
    return _per_100k(q, _reach(q, observed), grouped, {None: "cinemas"},
                     extras=("itinerant_circuits",))


@indicator(
    id="screens_per_100k",
    theme="access",
    title_fr="Écrans pour 100 000 habitants",
    title_en="Screens per 100,000 inhabitants",
    definition_fr="Nombre d'écrans des établissements actifs dans l'année situés dans le "
                  "territoire, pour 100 000 habitants.",
    definition_en="Number of screens of the cinemas active during the year located in the "
                  "territory, per 100,000 inhabitants.",
    formula="Σ écrans × 100 000 ÷ population (départements couverts)",
    unit="per_100k",
    subject="venues",
    needs=("screens",),
    caveats_fr=(*_VENUE_CAVEATS_FR, _POPULATION_FR,
                "Un établissement au nombre d'écrans inconnu n'est pas compté (couverture)."),
    caveats_en=(*_VENUE_CAVEATS_EN, _POPULATION_EN,
                "A cinema whose number of screens is unknown is left out (coverage)."),
    extras=_COVERED_SHARE,
)
def screens_per_100k(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(screens=rows.screens.sum().cast("int64"))
    return _per_100k(q, _reach(q, observed), grouped, {None: "screens"})


@indicator(
    id="seats_per_100k",
    theme="access",
    title_fr="Fauteuils pour 100 000 habitants",
    title_en="Seats per 100,000 inhabitants",
    definition_fr="Nombre de fauteuils des établissements actifs dans l'année situés dans le "
                  "territoire, pour 100 000 habitants.",
    definition_en="Number of seats of the cinemas active during the year located in the "
                  "territory, per 100,000 inhabitants.",
    formula="Σ fauteuils × 100 000 ÷ population (départements couverts)",
    unit="per_100k",
    subject="venues",
    needs=("seats",),
    caveats_fr=(*_VENUE_CAVEATS_FR, _POPULATION_FR,
                "Un établissement au nombre de fauteuils inconnu n'est pas compté (couverture)."),
    caveats_en=(*_VENUE_CAVEATS_EN, _POPULATION_EN,
                "A cinema whose number of seats is unknown is left out (coverage)."),
    extras=_COVERED_SHARE,
)
def seats_per_100k(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(seats=rows.seats.sum().cast("int64"))
    return _per_100k(q, _reach(q, observed), grouped, {None: "seats"})


@indicator(
    id="art_et_essai_per_100k",
    theme="access",
    title_fr="Cinémas Art et Essai pour 100 000 habitants",
    title_en="Art et Essai cinemas per 100,000 inhabitants",
    definition_fr="Nombre d'établissements classés Art et Essai situés dans le territoire, pour "
                  "100 000 habitants : tous (all), et ceux qui ont chacun des trois labels "
                  "(Recherche et Découverte RD, Jeune Public JP, Patrimoine et Répertoire PR).",
    definition_en="Number of cinemas classified Art et Essai located in the territory, per "
                  "100,000 inhabitants: all of them (all), and those holding each of the three "
                  "labels (Recherche et Découverte RD, Jeune Public JP, Patrimoine et Répertoire "
                  "PR).",
    formula="nombre d'établissements Art et Essai (ayant le label) × 100 000 ÷ population "
            "(départements couverts)",
    unit="per_100k",
    subject="venues",
    needs=("art_et_essai",),
    category=("label Art et Essai : all (tous les établissements classés), RD, JP, PR",
              "Art et Essai label: all (every classified cinema), RD, JP, PR"),
    caveats_fr=(*_VENUE_CAVEATS_FR, _POPULATION_FR,
                "Un label ne compte que pour un établissement classé Art et Essai ; un cinéma "
                "peut avoir plusieurs labels, la somme des labels n'est donc pas le total.",
                "Quand les labels d'un établissement classé sont inconnus (fichier sans colonne "
                "de labels), la valeur de chaque label du territoire est inconnue (NULL), jamais "
                "0."),
    caveats_en=(*_VENUE_CAVEATS_EN, _POPULATION_EN,
                "A label counts only for a cinema classified Art et Essai; a cinema may hold "
                "several labels, so the labels do not add up to the total.",
                "When the labels of a classified cinema are unknown (a file without a labels "
                "column), each label's value for its territory is unknown (NULL), never 0."),
    extras=_COVERED_SHARE,
)
def art_et_essai_per_100k(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    rows = q.covered
    ae = rows.art_et_essai
    counts = {"all": count_where(ae)}
    unknown = count_where(ae & rows.ae_labels.isnull())
    for label in LABELS:
        counts[label] = ibis.ifelse(unknown > 0, ibis.null("int64"),
                                    count_where(ae & rows.ae_labels.contains(label)))
    grouped = rows.group_by(q.keys).aggregate(**counts)
    return _per_100k(q, _reach(q, observed), grouped, {name: name for name in counts})


@indicator(
    id="population_with_art_et_essai_share",
    theme="access",
    title_fr="Part de la population vivant dans une commune dotée d'un cinéma Art et Essai",
    title_en="Share of the population living in a commune with an Art et Essai cinema",
    definition_fr="Part des habitants du territoire dont la commune de résidence compte au moins "
                  "un établissement classé Art et Essai actif dans l'année. Paris, Lyon et "
                  "Marseille sont chacune une commune : un cinéma Art et Essai dans un "
                  "arrondissement compte pour toute la ville, dont la population n'est comptée "
                  "qu'une fois (celle de la ville, jamais en plus celle de ses arrondissements).",
    definition_en="Share of the territory's inhabitants whose commune of residence has at least "
                  "one cinema classified Art et Essai active during the year. Paris, Lyon and "
                  "Marseille are one commune each: an Art et Essai cinema in an arrondissement "
                  "counts for the whole city, whose population is counted once (the city's, "
                  "never also its arrondissements').",
    formula="Σ population des communes ayant ≥ 1 cinéma Art et Essai ÷ Σ population des communes "
            "(départements couverts)",
    unit="share",
    subject="venues",
    needs=("art_et_essai",),
    caveats_fr=(
        "La commune est l'unité de résidence : habiter une commune dotée ne dit rien de la "
        "distance au cinéma (grandes communes, communes voisines d'une ville équipée).",
        "Lecture par commune : un habitant de Paris 16e compte, même si son arrondissement n'a "
        "pas de cinéma Art et Essai, dès qu'un autre arrondissement de Paris en a un (le fichier "
        "CNC 2022 situe Paris par arrondissement, Lyon et Marseille par commune : la lecture "
        "par commune est la seule qui traite les trois villes de la même façon).",
        _REACH_FR, _YEAR_FR,
        "Les circuits itinérants classés comptent pour la commune de leur siège.",
        "Un établissement au classement inconnu ne rend pas sa commune dotée (couverture).",
        "Au niveau commune, la valeur est 0 ou 1 ; une commune couverte sans cinéma (n = 0) est "
        "signalée low_coverage.",
        _POPULATION_FR,
    ),
    caveats_en=(
        "The commune is the unit of residence: living in an equipped commune says nothing of "
        "the distance to the cinema (large communes, communes next to an equipped town).",
        "A reading by commune: a resident of Paris 16e counts, even if the arrondissement has no "
        "Art et Essai cinema, as soon as another arrondissement of Paris has one (the CNC's 2022 "
        "file locates Paris by arrondissement, Lyon and Marseille by commune: reading by commune "
        "is the only way to treat the three cities alike).",
        _REACH_EN, _YEAR_EN,
        "Classified itinerant circuits count for the commune of their base.",
        "A cinema whose classification is unknown does not make its commune equipped "
        "(coverage).",
        "At the commune level the value is 0 or 1; a covered commune without a cinema (n = 0) is "
        "flagged low_coverage.",
        _POPULATION_EN,
    ),
    extras={"communes_with_art_et_essai": ("communes dotées d'au moins un cinéma Art et Essai",
                                           "communes with at least one Art et Essai cinema")},
)
def population_with_art_et_essai_share(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    yk = _year_keys(q)
    rows = observed.rows
    departments = q.at_level("department")
    # covered departments (any cinema), as in _reach
    covered = rows.inner_join(departments, rows.commune_id == departments.territory_id)
    covered = covered.select(*yk, department_id=covered.unit_id).distinct()
    # communes of residence: communes (arrondissements excluded) of the covered departments
    t = q.table("territories")
    communes = t.filter((t.level == "commune")
                        & ~t.territory_id.isin(_arrondissements(q).arrondissement))
    communes = communes.select(commune_id=communes.territory_id, population=communes.population)
    of = departments.rename(commune_id="territory_id", department_id="unit_id")
    communes = communes.inner_join(of, "commune_id").inner_join(covered, "department_id")
    # communes with at least one Art et Essai cinema (classification known and true)
    equipped = rows.filter(rows.art_et_essai)
    equipped = equipped.select(*yk, "commune_id").distinct().mutate(equipped=ibis.literal(True))
    communes = communes.left_join(equipped, ["commune_id", *yk])
    communes = communes.mutate(equipped=communes.equipped.fill_null(False))
    placed = q.place(communes, "commune_id")
    complete = placed.population.count() == placed.count()
    equipped_known = placed.population.count(where=placed.equipped) == count_where(placed.equipped)
    grouped = placed.group_by(q.keys).aggregate(
        numerator=ibis.ifelse(equipped_known, placed.population.sum(where=placed.equipped)
                              .fill_null(0), ibis.null("int64")).cast("float64"),
        denominator=ibis.ifelse(complete, placed.population.sum(),
                                ibis.null("int64")).cast("float64"),
        communes_with_art_et_essai=count_where(placed.equipped),
    )
    if q.cut.level != "commune":
        # the covered départements' populations, as the other access indicators: exact even
        # where a commune's own figure is unknown (communes split since the census, whose
        # inhabitants the département counts once; docs/territories.md)
        reach = _reach(q, observed).select(*q.keys, reached="denominator")
        grouped = grouped.left_join(reach, q.keys)
        grouped = grouped.mutate(denominator=ibis.coalesce(grouped.reached, grouped.denominator)
                                 ).drop("reached")
    return q.share(grouped)


@indicator(
    id="itinerant_circuits",
    theme="access",
    title_fr="Circuits itinérants",
    title_en="Itinerant circuits",
    definition_fr="Nombre de circuits de cinéma itinérant actifs dans l'année dont le siège est "
                  "dans le territoire.",
    definition_en="Number of itinerant cinema circuits active during the year based in the "
                  "territory.",
    formula="nombre d'établissements itinérants",
    unit="count",
    subject="venues",
    needs=("itinerant",),
    caveats_fr=("Un circuit est compté dans la commune de son siège, non dans les communes "
                "qu'il dessert.", _REACH_FR, _YEAR_FR, _ARRONDISSEMENTS_FR, _ZERO_FR),
    caveats_en=("A circuit counts in the commune of its base, not in the communes it serves.",
                _REACH_EN, _YEAR_EN, _ARRONDISSEMENTS_EN, _ZERO_EN),
    extras={"per_100k": ("circuits pour 100 000 habitants (départements couverts)",
                         "circuits per 100,000 inhabitants (covered departments)"),
            "screens": ("écrans des circuits", "screens of the circuits")},
)
def itinerant_circuits(q: Query) -> ir.Table:
    observed = _observed(q, "venues")
    rows = q.covered
    grouped = rows.group_by(q.keys).aggregate(
        circuits=count_where(rows.itinerant),
        screens=rows.screens.sum(where=rows.itinerant).fill_null(0).cast("int64"))
    out = _per_100k(q, _reach(q, observed), grouped, {None: "circuits"}, extras=("screens",))
    return out.mutate(per_100k=out.value, value=out.numerator, denominator=ibis.null("float64"))


# -- festivals ------------------------------------------------------------------------------


@indicator(
    id="cinema_festivals_per_100k",
    theme="access",
    title_fr="Festivals de cinéma pour 100 000 habitants",
    title_en="Cinema festivals per 100,000 inhabitants",
    definition_fr="Nombre de festivals dont la discipline dominante est le cinéma et "
                  "l'audiovisuel, se déroulant principalement dans le territoire, pour 100 000 "
                  "habitants.",
    definition_en="Number of festivals whose main discipline is cinema and audiovisual, held "
                  "mainly in the territory, per 100,000 inhabitants.",
    formula="nombre de festivals de cinéma × 100 000 ÷ population (départements couverts)",
    unit="per_100k",
    subject="festivals",
    caveats_fr=(
        "Source : Panorama des festivals du ministère de la Culture, un recensement sans année "
        "d'observation : les filtres d'année ne s'appliquent pas et un calcul par année ne donne "
        "aucune ligne. Un festival compte pour la commune de son déroulement principal.",
        "Seule la discipline dominante compte : un festival pluridisciplinaire avec du cinéma "
        "n'est pas compté. n est le nombre de festivals de toutes disciplines du territoire.",
        "Le dénominateur est la population des départements où le Panorama recense au moins un "
        "festival ; les collectivités d'outre-mer hors référentiel (Polynésie, "
        "Nouvelle-Calédonie…) n'ont pas de population et pas de valeur.",
        _ARRONDISSEMENTS_FR,
        "Un territoire couvert sans festival de cinéma vaut 0 ; s'il n'a aucun festival "
        "(n = 0), il est signalé low_coverage.",
        _POPULATION_FR,
    ),
    caveats_en=(
        "Source: the Ministry of Culture's Panorama des festivals, a census without a year of "
        "observation: year filters do not apply and a computation by year gives no row. A "
        "festival counts for the commune where it is mainly held.",
        "Only the main discipline counts: a multidisciplinary festival with films is not "
        "counted. n is the number of festivals of every discipline in the territory.",
        "The denominator is the population of the departments where the Panorama lists at least "
        "one festival; overseas collectivities outside the reference (Polynesia, New "
        "Caledonia…) have no population and no value.",
        _ARRONDISSEMENTS_EN,
        "A covered territory without a cinema festival has the value 0; when it has no "
        "festival at all (n = 0), it is flagged low_coverage.",
        _POPULATION_EN,
    ),
    extras=_COVERED_SHARE,
)
def cinema_festivals_per_100k(q: Query) -> ir.Table:
    observed = _observed(q, "festivals")
    rows = observed.placed
    grouped = rows.group_by(q.keys).aggregate(festivals=count_where(rows.is_cinema))
    return _per_100k(q, _reach(q, observed), grouped, {None: "festivals"})
