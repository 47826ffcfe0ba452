"""What a page calls the store's codes, in its language (`Labels`).

The store's vocabularies (levels, stages, formats, genres, Art et Essai labels, density
classes, funder levels, organisation kinds, festival periods and scopes, sectors, simulator
axes) are declared once, with their French and English labels, in `store.vocabularies`;
`Labels(lang)` resolves them for a page. The page phrases below (facet titles, bodies, year
bases...) are catalogue entries: `N_` marks them for extraction and templates translate them
with `_()` at render time (`_()` leaves an already resolved label as it is).
"""

from __future__ import annotations

from cineatlas.store import vocabularies as vocab


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional marker name)
    return message


#: The name every output gives a beneficiary withheld at a person's request (the opt-out list:
#: `optout.WITHHELD`, the same text), which a French page prints in French (pages.py).
WITHHELD = N_("Withheld at the person's request")
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
#: When a festival is held (festivals.period, as the Panorama defines its periods), in a
#: sentence ("Held mainly %(when)s.").
FESTIVAL_WHEN = {
    "pre_season": N_("before the summer season, between 1 January and 20 June"),
    "season": N_("during the summer season, between 21 June and 5 September"),
    "post_season": N_("after the summer season, between 6 September and 31 December"),
    "variable": N_("at different times of the year (several months published)"),
    "other": N_("at a period the source does not state clearly"),
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
#: The publication statuses (store.vocabularies.PUBLICATION_STATUSES) as a profile says them:
#: a level no source covers is, for a reader, one whose data is not published either.
PUBLICATION = {
    "published": N_("published"),
    "not_published": N_("not published in the sources cineatlas holds"),
    "not_covered": N_("not published in the sources cineatlas holds"),
}
BREAKDOWNS = {"stage": N_("By stage"), "format": N_("By format"), "genre": N_("By genre"),
              "funder": N_("By funder")}


#: How an amount in another currency than the territory's is introduced ("also 58 000 $CA
#: from Canadian funders"): the funders paying in that currency.
OTHER_CURRENCIES = {"CAD": N_("from Canadian funders"), "EUR": N_("from funders paying in euros")}
OTHER_CURRENCY = N_("in another currency")


def other_currency(currency: str | None) -> str:
    """Who pays in `currency`, for a figure shown apart in another currency (untranslated)."""
    return OTHER_CURRENCIES.get(currency or "", OTHER_CURRENCY)


#: The store's vocabularies a page labels, by the name templates use.
VOCABULARIES = {
    "LEVELS": vocab.LEVELS, "STAGES": vocab.STAGES, "FORMATS": vocab.FORMATS,
    "GENRES": vocab.GENRES, "AE_LABELS": vocab.AE_LABELS, "DENSITY": vocab.DENSITY,
    "FUNDER_LEVELS": vocab.FUNDER_LEVELS, "KINDS": vocab.ORGANISATION_KINDS,
    "PERIODS": vocab.FESTIVAL_PERIODS, "SCOPES": vocab.FESTIVAL_SCOPES,
    "SECTORS": vocab.SECTORS, "AXES": vocab.AXES, "SUBJECTS": vocab.INDICATOR_SUBJECTS,
    "FIELDS": vocab.INDICATOR_FIELDS, "FILTERS": vocab.INDICATOR_FILTERS,
    "WORK_RANKS": vocab.WORK_RANKS,
}
#: The award facets whose values are codes of a vocabulary.
FACET_VOCABULARIES = {"stage": "STAGES", "format": "FORMATS", "genre": "GENRES",
                      "funder_level": "FUNDER_LEVELS", "sector": "SECTORS",
                      "work_rank": "WORK_RANKS"}


class Labels:
    """The labels of one page language: each vocabulary of VOCABULARIES as a dict code → label
    (an attribute of the same name), the page phrases of this module as they are."""

    FACETS, OWN_BODIES, BODIES_WITHIN, YEAR_BASIS = FACETS, OWN_BODIES, BODIES_WITHIN, YEAR_BASIS
    EQUITY, EQUITY_OF, FRAGILE, BREAKDOWNS = EQUITY, EQUITY_OF, FRAGILE, BREAKDOWNS
    PUBLICATION, SORTS, FESTIVAL_WHEN = PUBLICATION, SORTS, FESTIVAL_WHEN

    def __init__(self, lang: str) -> None:
        self.lang = lang
        for name, vocabulary in VOCABULARIES.items():
            setattr(self, name, {code: vocab.label(vocabulary, code, lang)
                                 for code in vocabulary})

    def value_label(self, facet: str, value: object, _=None) -> str:
        """A facet value as the reader sees it: a code's label in the page's language (stored
        names, such as a funder's, are shown as they are); 'Unknown' (translated by `_`) for
        NULL."""
        if value is None:
            return _("Unknown") if _ else ("Inconnu" if self.lang == "fr" else "Unknown")
        vocabulary = FACET_VOCABULARIES.get(facet)
        return getattr(self, vocabulary).get(str(value), str(value)) if vocabulary else str(value)

    @staticmethod
    def other_currency(currency: str | None) -> str:
        return other_currency(currency)
