"""Vocabularies of the store's coded columns, declared once, with French and English labels.

Importers write these codes, indicators filter on them and pages label them from here.
"""

from __future__ import annotations

#: awards.sector: whether an award is a cinema and audiovisual line. Files of local
#: authorities hold every sector; the sources of cinema funders are cinema as a whole.
CINEMA_AUDIOVISUAL = "cinema-audiovisual"
SECTORS: dict[str, tuple[str, str]] = {
    CINEMA_AUDIOVISUAL: ("Cinéma et audiovisuel", "Cinema and audiovisual"),
    "other": ("Autres secteurs", "Other sectors"),
}

#: awards.sector_rule: what decided an award's sector. 'source' means the whole source is a
#: cinema and audiovisual funder's list; the SCDL classifier adds its own rules
#: (docs/importers/scdl.md, "Cinema and audiovisual lines").
SOURCE_RULE = "source"

#: organisations.funder_level: the level of government of a public funder.
FUNDER_LEVELS: dict[str, tuple[str, str]] = {
    "european": ("Europe", "Europe"),
    "national": ("État et établissements nationaux", "National"),
    "provincial": ("Province", "Province"),
    "regional": ("Région", "Region"),
    "departmental": ("Département", "Département"),
    "metropolitan": ("Métropole", "Metropolis"),
    "intercommunal": ("Intercommunalité", "Intercommunal body"),
    "communal": ("Commune", "Municipality"),
    "other": ("Autre", "Other"),
}


#: Budget classes of agreed films (film_approvals.budget_minor, in euros), the CNC's own:
#: code -> (French, English) labels. Bounds in BUDGET_CLASS_BOUNDS.
BUDGET_CLASSES: dict[str, tuple[str, str]] = {
    "under-1m": ("moins de 1 M€", "under €1M"),
    "1m-4m": ("de 1 à moins de 4 M€", "€1M to under €4M"),
    "4m-7m": ("de 4 à moins de 7 M€", "€4M to under €7M"),
    "7m-15m": ("de 7 à moins de 15 M€", "€7M to under €15M"),
    "15m-plus": ("15 M€ et plus", "€15M and over"),
}
#: Each budget class's bounds in euro cents: lower included, upper excluded (None: no bound).
BUDGET_CLASS_BOUNDS: dict[str, tuple[int, int | None]] = {
    "under-1m": (0, 1_000_000_00),
    "1m-4m": (1_000_000_00, 4_000_000_00),
    "4m-7m": (4_000_000_00, 7_000_000_00),
    "7m-15m": (7_000_000_00, 15_000_000_00),
    "15m-plus": (15_000_000_00, None),
}
#: film_approvals.rank: a film's rank in its director's work (the lowest of its directors').
FILM_RANKS: dict[int, tuple[str, str]] = {
    1: ("premier film", "first film"),
    2: ("deuxième film", "second film"),
    3: ("troisième film et suivants", "third film or later"),
}


#: The statuses of the publication indicator (`published_data`, unit 'status'): its value is 1
#: (published), 0 (not published: the store knows a body of that level but holds none of that
#: data from it) or NULL (not covered: no source of the store covers that level there).
PUBLICATION_STATUSES: dict[str, tuple[str, str]] = {
    "published": ("publié", "published"),
    "not_published": ("non publié dans les sources de la base",
                      "not published in the sources cineatlas holds"),
    "not_covered": ("non couvert par les sources de la base", "not covered by cineatlas' sources"),
}


def status_of(value: float | None) -> str:
    """The publication status a value of unit 'status' stands for."""
    if value is None or value != value:  # NULL or NaN: no source covers it
        return "not_covered"
    return "published" if value >= 1 else "not_published"


def label(vocabulary: dict[str, tuple[str, str]], code: str | None, lang: str = "fr") -> str:
    """The label of `code` in `lang` ('fr' or 'en'); the code itself when it is not declared."""
    if code is None:
        return ""
    labels = vocabulary.get(code)
    return code if labels is None else labels[0 if lang == "fr" else 1]
