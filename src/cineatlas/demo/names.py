"""Invented names for the fictitious demo data: companies, people, places and titles.

Every proper noun is assembled from syllables, so no name is taken from a real company,
person or film; first names are common French first names (they identify no one on their
own). All functions take a NumPy Generator and are deterministic for a given generator state.
"""

from __future__ import annotations

import numpy as np

_ONSETS = ("b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cl", "gr",
           "pr", "tr", "ch", "j", "z", "qu")
_VOWELS = ("a", "e", "i", "o", "u", "é", "ou", "au", "ai", "eu")
_CODAS = ("", "", "", "", "n", "r", "l", "s", "x", "m")

FEMALE_FIRST_NAMES = (
    "Agnès", "Alice", "Amandine", "Anaïs", "Anne", "Aurélie", "Camille", "Carole", "Céline",
    "Chloé", "Claire", "Clémence", "Delphine", "Élodie", "Émilie", "Fatou", "Hélène", "Inès",
    "Isabelle", "Jeanne", "Julie", "Karima", "Laure", "Léa", "Leïla", "Lucie", "Manon", "Marie",
    "Mathilde", "Nadia", "Nathalie", "Océane", "Pauline", "Rose", "Sandrine", "Sarah", "Sophie",
    "Valérie", "Yasmina", "Zoé",
)
MALE_FIRST_NAMES = (
    "Adrien", "Alain", "Antoine", "Arthur", "Bastien", "Benoît", "Bruno", "Christophe", "Damien",
    "David", "Éric", "Étienne", "Fabrice", "François", "Guillaume", "Hugo", "Jérôme", "Julien",
    "Karim", "Laurent", "Louis", "Lucas", "Marc", "Mathieu", "Maxime", "Mehdi", "Nicolas",
    "Olivier", "Omar", "Pascal", "Patrick", "Paul", "Philippe", "Pierre", "Romain", "Samuel",
    "Sébastien", "Thomas", "Vincent", "Yann",
)

_NOUNS = (
    ("nuit", "f"), ("été", "m"), ("rivière", "f"), ("maison", "f"), ("silence", "m"),
    ("frontière", "f"), ("voyage", "m"), ("mémoire", "f"), ("forêt", "f"), ("hiver", "m"),
    ("port", "m"), ("lumière", "f"), ("jardin", "m"), ("chemin", "m"), ("île", "f"),
    ("promesse", "f"), ("retour", "m"), ("colline", "f"), ("orage", "m"), ("rive", "f"),
)
_ADJECTIVES = {
    "m": ("dernier", "long", "grand", "petit", "lointain", "secret", "blanc", "froid", "doux"),
    "f": ("dernière", "longue", "grande", "petite", "lointaine", "secrète", "blanche", "froide",
          "douce"),
}
_PLURALS = ("enfants", "fantômes", "oiseaux", "veilleurs", "sœurs", "frères", "marées",
            "voisins", "étoiles", "lions")

PRODUCER_PATTERNS = ("Les Films du {W}", "{W} Productions", "{W} Films", "Studio {W}",
                     "Les Productions {W}", "Atelier {W}", "{W} Pictures", "Compagnie {W}")
DISTRIBUTOR_PATTERNS = ("{W} Distribution", "Les Films {W} Distribution", "{W} Diffusion")
STUDIO_PATTERNS = ("{W} Games", "Studio {W} Interactive", "{W} Lab", "{W} Numérique")
FESTIVAL_PATTERNS = ("Festival du film de {W}", "Rencontres cinématographiques de {W}",
                     "Festival du court métrage de {W}", "Les Écrans de {W}",
                     "Festival {W} du documentaire", "Ciné-{W} festival")
CINEMA_PATTERNS = ("Cinéma Le {W}", "Ciné {W}", "Cinéma {W}", "Le {W} cinéma",
                   "Cinéma municipal {W}")


def words(rng: np.random.Generator, n: int, syllables: tuple[int, int] = (2, 3)) -> list[str]:
    """`n` invented capitalised words of 2 to 3 syllables ('Braulimo', 'Tézou')."""
    counts = rng.integers(syllables[0], syllables[1] + 1, size=n)
    onsets = rng.integers(len(_ONSETS), size=(n, syllables[1]))
    vowels = rng.integers(len(_VOWELS), size=(n, syllables[1]))
    codas = rng.integers(len(_CODAS), size=n)
    out = []
    for i in range(n):
        k = int(counts[i])
        word = "".join(_ONSETS[onsets[i, j]] + _VOWELS[vowels[i, j]] for j in range(k))
        out.append((word + _CODAS[codas[i]]).capitalize())
    return out


def patterned(rng: np.random.Generator, n: int, patterns: tuple[str, ...]) -> list[str]:
    """`n` names made of a pattern and an invented word: 'Les Films du Trauvémi'."""
    which = rng.integers(len(patterns), size=n)
    return [patterns[p].format(W=w) for p, w in zip(which, words(rng, n), strict=True)]


def people(rng: np.random.Generator, n: int,
           female_share: float = 0.5) -> tuple[list[str], list[str]]:
    """`n` invented people: (full names, genders 'female'/'male'). Surnames are invented."""
    female = rng.random(n) < female_share
    f_idx = rng.integers(len(FEMALE_FIRST_NAMES), size=n)
    m_idx = rng.integers(len(MALE_FIRST_NAMES), size=n)
    surnames = words(rng, n)
    names = [
        f"{FEMALE_FIRST_NAMES[fi] if is_f else MALE_FIRST_NAMES[mi]} {s}"
        for is_f, fi, mi, s in zip(female, f_idx, m_idx, surnames, strict=True)
    ]
    return names, ["female" if is_f else "male" for is_f in female]


def titles(rng: np.random.Generator, n: int) -> list[str]:
    """`n` invented work titles, most of them holding an invented proper noun."""
    kind = rng.integers(7, size=n)
    noun = rng.integers(len(_NOUNS), size=n)
    adj = rng.integers(len(_ADJECTIVES["m"]), size=n)
    plural = rng.integers(len(_PLURALS), size=n)
    first = rng.integers(len(FEMALE_FIRST_NAMES), size=n)
    place = words(rng, n)
    out = []
    for i in range(n):
        word, gender = _NOUNS[noun[i]]
        article = "L'" if word[0] in "aeiouéèêîôh" else ("La " if gender == "f" else "Le ")
        k = kind[i]
        if k == 0:
            out.append(place[i])
        elif k == 1:
            out.append(f"Les {_PLURALS[plural[i]]} de {place[i]}")
        elif k == 2:
            out.append(f"{article}{word} de {place[i]}")
        elif k == 3:
            out.append(f"{FEMALE_FIRST_NAMES[first[i]]} à {place[i]}")
        elif k == 4:
            out.append(f"{article}{word} {_ADJECTIVES[gender][adj[i]]} de {place[i]}")
        elif k == 5:
            out.append(f"{FEMALE_FIRST_NAMES[first[i]]} et les {_PLURALS[plural[i]]}")
        else:
            out.append(f"Après {article.lower()}{word} à {place[i]}")
    return out
