"""Canonical values of the generic importer's vocabulary fields, the usual published labels
that mean them, and currency signs."""

from __future__ import annotations

import re
from typing import Any

from cineatlas.store.vocabularies import FUNDER_LEVELS as _FUNDER_LEVELS
from cineatlas.text import name_key

STAGES = (
    "writing", "development", "production", "post_production", "distribution", "promotion",
    "operation",
)
FORMATS = ("feature", "short", "series", "tv_film", "web", "game", "other")
GENRES = ("fiction", "documentary", "animation", "experimental", "other")
AID_TYPES = (
    "grant", "repayable_advance", "investment", "loan", "contribution", "in_kind", "mixed", "other",
)
GENDERS = ("female", "male", "mixed", "other")
#: A public funder's level of government (the store's vocabulary).
FUNDER_LEVELS = tuple(_FUNDER_LEVELS)

#: The usual published labels of each vocabulary (compared ignoring case, accents and
#: punctuation). A mapping file's own `values` come first.
DEFAULT_LABELS: dict[str, dict[str, Any]] = {
    "stage": {
        "écriture": "writing", "aide à l'écriture": "writing", "scénario": "writing",
        "développement": "development", "aide au développement": "development",
        "production": "production", "aide à la production": "production",
        "post-production": "post_production", "postproduction": "post_production",
        "distribution": "distribution", "diffusion": "distribution", "promotion": "promotion",
        "fonctionnement": "operation", "operation": "operation",
    },
    "format": {
        "long métrage": "feature", "long-métrage": "feature", "LM": "feature",
        "feature film": "feature", "film de long métrage": "feature", "court métrage": "short",
        "court-métrage": "short", "CM": "short", "short film": "short",
        "film de court métrage": "short", "série": "series", "série TV": "series",
        "série télévisée": "series", "séries": "series", "téléfilm": "tv_film",
        "unitaire": "tv_film", "TV movie": "tv_film", "tv film": "tv_film", "série web": "web",
        "websérie": "web", "web-série": "web", "webserie": "web", "jeu vidéo": "game",
        "video game": "game", "autre": "other",
    },
    "genre": {
        "documentaire": "documentary", "doc": "documentary", "anim": "animation",
        "expérimental": "experimental", "autre": "other",
    },
    "aid_type": {
        "subvention": "grant", "aide": "grant", "aide en numéraire": "grant",
        "avance remboursable": "repayable_advance", "avance sur recettes": "repayable_advance",
        "prêt": "loan", "investissement": "investment", "aide en nature": "in_kind",
        "in kind": "in_kind", "mixte": "mixed", "autre": "other",
    },
    "director_gender": {
        "f": "female", "femme": "female", "femmes": "female", "woman": "female", "women": "female",
        "réalisatrice": "female", "réalisatrices": "female", "h": "male", "m": "male",
        "homme": "male", "hommes": "male", "man": "male", "men": "male", "réalisateur": "male",
        "réalisateurs": "male", "mixte": "mixed", "f/h": "mixed", "h/f": "mixed",
        "femme et homme": "mixed", "homme et femme": "mixed", "femmes et hommes": "mixed",
        "autre": "other", "non binaire": "other", "non-binaire": "other",
    },
    "funder_level": {
        "Union européenne": "european", "Europe": "european", "UE": "european",
        "État": "national", "nationale": "national", "province": "provincial",
        "provinciale": "provincial", "région": "regional", "régional": "regional",
        "régionale": "regional", "conseil régional": "regional", "département": "departmental",
        "départemental": "departmental", "départementale": "departmental",
        "conseil départemental": "departmental", "métropole": "metropolitan",
        "intercommunalité": "intercommunal", "EPCI": "intercommunal",
        "communauté de communes": "intercommunal", "communauté d'agglomération": "intercommunal",
        "communauté urbaine": "intercommunal", "commune": "communal", "ville": "communal",
        "municipalité": "communal", "municipal": "communal", "autre": "other",
    },
    "boolean": {
        "oui": True, "o": True, "yes": True, "y": True, "true": True, "vrai": True, "1": True,
        "x": True, "non": False, "n": False, "no": False, "false": False, "faux": False, "0": False,
    },
}

CURRENCY_SIGNS = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$ ca": "CAD", "$ca": "CAD",
    "ca$": "CAD", "can$": "CAD", "c$": "CAD", "dollar canadien": "CAD", "dollars canadiens": "CAD",
    "canadian dollars": "CAD", "us$": "USD", "$ us": "USD", "£": "GBP", "livre sterling": "GBP",
    "franc suisse": "CHF", "francs suisses": "CHF",
}


def currency_code(text: str | None) -> str | None:
    """'€', 'EUR', 'euros' -> 'EUR'; '$ CA' -> 'CAD'; any three letters -> upper case."""
    if not text:
        return None
    key = " ".join(text.strip().lower().split())
    if key in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[key]
    folded = name_key(text)
    if folded in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[folded]
    return text.strip().upper() if re.fullmatch(r"[A-Za-z]{3}", text.strip()) else None
