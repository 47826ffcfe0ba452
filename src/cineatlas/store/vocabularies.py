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


def label(vocabulary: dict[str, tuple[str, str]], code: str | None, lang: str = "fr") -> str:
    """The label of `code` in `lang` ('fr' or 'en'); the code itself when it is not declared."""
    if code is None:
        return ""
    labels = vocabulary.get(code)
    return code if labels is None else labels[0 if lang == "fr" else 1]
