"""Readable names for the store's codes (stages, formats, levels...), marked for translation:
`N_` marks a string for extraction; templates translate it with `_()` at render time."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    return message


LEVELS = {
    "country": N_("Country"), "region": N_("Region"), "department": N_("Department"),
    "commune": N_("Commune"), "metropolis": N_("Metropolitan area"),
    "province": N_("Province or territory"), "qc_region": N_("Québec administrative region"),
    "municipality": N_("Municipality"), "state": N_("State"),
}
STAGES = {
    "writing": N_("Writing"), "development": N_("Development"), "production": N_("Production"),
    "post_production": N_("Post-production"), "distribution": N_("Distribution"),
    "promotion": N_("Promotion"), "operation": N_("Operation (structures)"),
}
FORMATS = {
    "feature": N_("Feature film"), "short": N_("Short film"), "series": N_("Series"),
    "tv_film": N_("TV film"), "web": N_("Web creation"), "game": N_("Video game"),
    "other": N_("Other"),
}
GENRES = {
    "fiction": N_("Fiction"), "documentary": N_("Documentary"), "animation": N_("Animation"),
    "experimental": N_("Experimental"), "other": N_("Other"),
}
AE_LABELS = {
    "RD": N_("Research and discovery"), "JP": N_("Young audiences"),
    "PR": N_("Heritage and repertoire"),
}
DENSITY = {
    "dense": N_("Dense"), "intermediate": N_("Intermediate density"), "rural": N_("Rural"),
    "remote_rural": N_("Remote rural"),
}
#: The simulator's equity measures: measure, what it is computed on, fragile category.
EQUITY = {"gini": N_("Gini index"), "theil": N_("Theil index"),
          "fragile_share": N_("Share going to fragile territories")}
EQUITY_OF = {"cnc": N_("CNC money per inhabitant"),
             "total_public": N_("public money per inhabitant")}
FRAGILE = {"overseas": N_("overseas"), "solidarity_eligible": N_("eligible for solidarity")}
#: Award facets of the explorer, with their titles.
FACETS = {
    "funder": N_("Funder"), "funder_level": N_("Funder's level"), "scheme": N_("Scheme"),
    "year": N_("Year"), "stage": N_("Stage"), "format": N_("Format"), "genre": N_("Genre"),
    "territory": N_("Territory"), "funder_territory": N_("Funder governing"),
    "beneficiary": N_("Beneficiary"), "sector": N_("Sector"),
    "work_rank": N_("First or second work"), "currency": N_("Currency"),
    "amount_min": N_("Amount at least"), "amount_max": N_("Amount at most"),
}
#: The awards explorer's sort orders (queries.awards.SORTS; `-`: descending).
SORTS = {"-id": N_("Identifier, descending"), "id": N_("Identifier"),
         "-amount": N_("Amount, largest first"), "amount": N_("Amount, smallest first"),
         "-date": N_("Date, latest first"), "date": N_("Date, earliest first"),
         "-title": N_("Title, Z to A"), "title": N_("Title, A to Z")}
#: Whether an award went to its director's first, second or a later work.
WORK_RANKS = {"first": N_("First work"), "second": N_("Second work"),
              "later": N_("Third work or later")}
#: A public funder's level of government (vocabularies.FUNDER_LEVELS), as a facet value.
FUNDER_LEVELS = {
    "european": N_("European"), "national": N_("National"), "provincial": N_("Provincial"),
    "regional": N_("Regional"), "departmental": N_("Departmental"),
    "metropolitan": N_("Metropolitan"), "intercommunal": N_("Intercommunal"),
    "communal": N_("Communal"), "other": N_("Other"),
}
#: The body of a level governing a territory, named before the territory ("The Region").
OWN_BODIES = {
    "national": N_("The State and its national bodies"), "provincial": N_("The province"),
    "regional": N_("The Region"), "departmental": N_("The Département"),
    "communal": N_("The commune"),
}
#: The bodies of a level governing territories within another ("Départements").
BODIES_WITHIN = {
    "european": N_("European bodies"), "national": N_("National bodies"),
    "provincial": N_("Provinces"), "regional": N_("Regions"),
    "departmental": N_("Départements"), "metropolitan": N_("Metropolises"),
    "intercommunal": N_("Intercommunal bodies"), "communal": N_("Communes"),
    "other": N_("Other public bodies"),
}
#: What a year of a funder's series is (given.year_basis).
YEAR_BASIS = {
    "fiscal": N_("fiscal year, as the funder publishes it"),
    "calendar": N_("calendar year of the decision or convention"),
    "mixed": N_("fiscal year where published, else calendar year"),
}
#: The publication statuses (store.vocabularies.PUBLICATION_STATUSES) as a profile says them.
PUBLICATION = {
    "published": N_("published"),
    "not_published": N_("not published in the sources cineatlas holds"),
    "not_covered": N_("not published in the sources cineatlas holds"),
}
#: Labels of each award facet's values (facets without an entry show the stored name).
VALUES = {"stage": STAGES, "format": FORMATS, "genre": GENRES,
          "funder_level": FUNDER_LEVELS, "work_rank": WORK_RANKS}
BREAKDOWNS = {"stage": N_("By stage"), "format": N_("By format"), "genre": N_("By genre"),
              "funder": N_("By funder")}


def value_label(facet: str, value: object, _) -> str:
    """A facet value as the reader sees it, translated by `_` when it is one of our codes
    (stored names, such as a funder's, are shown as they are); 'Unknown' for NULL."""
    if value is None:
        return _("Unknown")
    known = VALUES.get(facet, {}).get(str(value))
    return _(known) if known else str(value)

#: How an amount in another currency than the territory's is introduced ("also 58 000 $CA
#: from Canadian funders"): the funders paying in that currency.
OTHER_CURRENCIES = {"CAD": N_("from Canadian funders"), "EUR": N_("from funders paying in euros")}
OTHER_CURRENCY = N_("in another currency")


def other_currency(currency: str | None) -> str:
    """Who pays in `currency`, for a figure shown apart in another currency (untranslated)."""
    return OTHER_CURRENCIES.get(currency or "", OTHER_CURRENCY)

# -- issue 12: entities ---------------------------------------------------------------------
#: A festival's main period (importers.festivals.PERIODS) in words, as the Panorama des
#: festivals defines its periods (it publishes the period, not the festival's dates).
FESTIVAL_PERIODS = {
    "pre_season": N_("before the summer season, between 1 January and 20 June"),
    "season": N_("during the summer season, between 21 June and 5 September"),
    "post_season": N_("after the summer season, between 6 September and 31 December"),
    "variable": N_("at different times of the year (several months published)"),
    "other": N_("at a period the source does not state clearly"),
}
#: The same periods, short, for a filter.
FESTIVAL_PERIODS_SHORT = {
    "pre_season": N_("Before the season (1 January – 20 June)"),
    "season": N_("Summer season (21 June – 5 September)"),
    "post_season": N_("After the season (6 September – 31 December)"),
    "variable": N_("Different times of the year"), "other": N_("Period unclear"),
}
#: A festival's territorial scope (importers.festivals.SCOPES).
FESTIVAL_SCOPES = {
    "municipal": N_("Municipal"), "intercommunal": N_("Intercommunal"),
    "departmental": N_("Departmental"), "interdepartmental": N_("Interdepartmental"),
    "regional": N_("Regional"), "interregional": N_("Interregional"),
    "cross_border": N_("Cross-border"), "national": N_("National"),
    "international": N_("International"), "other": N_("Other"),
}
