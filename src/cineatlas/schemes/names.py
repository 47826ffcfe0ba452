"""What a scheme's published name says, read by documented word rules (rule `name`).

A scheme's name often says its stage ("aide à l'écriture"), the works it takes ("films de
court métrage"), their genre ("documentaire : …"), who applies ("distributeurs") or the rank
of the work ("premier film"). Each table below is one field: (code, words, why) — `words` is a
regular expression searched in the name's key (`text.name_key`: lower case, no accents,
punctuation as spaces), French and English. A rule is written only where the words say the
thing without doubt; a word that does not clearly say it (création, cinéma, œuvres
audiovisuelles, après réalisation, new media…) yields nothing: the field stays unknown,
never guessed. Every rule that matches adds its code: a name may say several stages.

docs/schemes-catalogue-sources.md lists the tables and the names they were checked on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cineatlas.text import name_key

#: (code, words, why): one rule of a field's table.
Rule = tuple[str, str, str]

#: The stages (STAGES' codes) a scheme supports.
STAGE_WORDS: tuple[Rule, ...] = (
    ("writing", r"\b(?:re|co)?ecriture\b|\bscenario\b|\b(?:screen)?writing\b",
     "écriture, réécriture, coécriture, scénario; writing, screenwriting"),
    ("development", r"\b(?:co)?developpement\b(?! de l emploi)|\bdevelopment\b|\bpreparation\b",
     "développement (not « développement de l'emploi »), codéveloppement, préparation (the "
     "CNC's aide à la préparation comes before production); development"),
    ("production", r"\b(?:co)?production\b|\btournage\b|\bavant realisation\b",
     "production, coproduction (singular: the act; « des coproductions » names the works), "
     "tournage, avant réalisation (given to make the work); production"),
    ("post_production", r"\bpost ?production\b", "postproduction; post-production"),
    ("distribution", r"\bdistribution\b|\bdiffusion\b|\bedition en video\b|\bvideo physique\b"
     r"|(?<!international )\bmarketing\b",
     "distribution, diffusion, édition en vidéo (physique); distribution, marketing (not "
     "international marketing)"),
    ("promotion", r"\bpromotion\b|\binternational marketing\b|\bexport\b",
     "promotion; international marketing, export"),
    ("operation", r"\bexploitation\b|\bfonctionnement\b",
     "exploitation (running cinemas), fonctionnement (a structure's running costs)"),
)

#: The formats (FORMATS' codes) of the works a scheme takes.
FORMAT_WORDS: tuple[Rule, ...] = (
    ("short", r"\bcourts? metrages?\b|\bcourte duree\b|\bshort films?\b",
     "court(s) métrage(s), de courte durée; short film"),
    ("feature", r"\blongs? metrages?\b|\blongue duree\b|\bfeature films?\b",
     "long(s) métrage(s), de longue durée (the CNC's words for feature films); feature film"),
    ("series", r"\bseries?\b", "série(s); series"),
    ("tv_film", r"\btelefilms?\b|\btv movies?\b", "téléfilm; TV movie"),
    ("web", r"\bsur internet\b|\bweb\b", "sur Internet, web"),
    ("game", r"\bjeux? video\b|\bvideo games?\b", "jeu vidéo; video game"),
)

#: The genres (GENRES' codes) of the works a scheme takes.
GENRE_WORDS: tuple[Rule, ...] = (
    ("documentary", r"\bdocumentaires?\b|\bdocumentar(?:y|ies)\b", "documentaire; documentary"),
    ("animation", r"\banimation\b|\banimated\b", "animation; animated"),
    ("fiction", r"\bfictions?\b", "fiction"),
    ("experimental", r"\bexperimental\b", "expérimental; experimental"),
)

#: Who may apply (APPLICANTS' codes).
APPLICANT_WORDS: tuple[Rule, ...] = (
    ("author", r"\bauteurs?\b|\bscenaristes?\b|\bscreenwriters?\b",
     "auteur(s), scénariste(s); screenwriter"),
    ("director", r"\brealisat(?:eur|rice)s?\b|\bdirectors?\b",
     "réalisateur(s), réalisatrice(s); director (not « réalisation », the making)"),
    ("producer", r"\bproducteurs?\b|\bproducers?\b", "producteur(s); producer"),
    ("distributor", r"\bdistributeurs?\b|\bdistributors?\b", "distributeur(s); distributor"),
    ("exhibitor", r"\baux salles\b|\bprogrammation en salles\b|\bexploitation\b"
     r"|\bexploitants?\b|\bexhibitors?\b",
     "aux salles, programmation en salles, exploitation, exploitant(s); exhibitor (not « en "
     "salles » alone: « distribution de films en salles » is for distributors; not « cinémas »: "
     "« aide aux cinémas du monde » is a fund for films)"),
    ("video_creator", r"\bcreat(?:eur|rice)s? (?:de )?videos?\b",
     "créateur(s) vidéo, créatrices de vidéos"),
    ("festival", r"\bfestivals?\b", "festival(s)"),
    ("association", r"\bassociations?\b", "association(s)"),
    ("publisher", r"\bediteurs?\b|\bpublishers?\b", "éditeur(s); publisher"),
    ("broadcaster", r"\bdiffuseurs?\b|\bbroadcasters?\b", "diffuseur(s); broadcaster"),
    ("technician", r"\btechniciens?\b|\btechniciennes?\b", "technicien(ne)s"),
    ("local_body", r"\bcollectivites?\b", "collectivité(s)"),
)

#: The rank of the works a scheme takes (WORK_RANKS' codes).
WORK_RANK_WORDS: tuple[Rule, ...] = (
    ("first", r"\bpremiers? (?:et (?:deuxiemes?|seconds?) )?(?:films?|longs? metrages?|oeuvres?)\b"
     r"|\b1er film\b"
     r"|\bpremieres? oeuvres?\b|\bfirst (?:features?|films?)\b",
     "premier(s) film(s) (also « premiers et deuxièmes films »), premier long métrage, première "
     "œuvre; first feature, first film"),
    ("second", r"\b(?:deuxiemes?|seconds?) (?:films?|longs? metrages?|oeuvres?)\b"
     r"|\bsecond (?:features?|films?)\b",
     "deuxième film, second long métrage, deuxième œuvre; second feature, second film"),
)

#: Field (a list column of `schemes`) -> its table.
TABLES: dict[str, tuple[Rule, ...]] = {
    "stages": STAGE_WORDS, "formats": FORMAT_WORDS, "genres": GENRE_WORDS,
    "applicants": APPLICANT_WORDS, "work_ranks": WORK_RANK_WORDS,
}
#: The fields read from a name, in the order of `schemes`' columns.
FIELDS: tuple[str, ...] = tuple(TABLES)

_COMPILED = {field: tuple((code, re.compile(words)) for code, words, _ in rules)
             for field, rules in TABLES.items()}


@lru_cache(maxsize=4096)
def read(name: str | None) -> dict[str, tuple[str, ...]]:
    """The fields a published name says, each with its codes in table order; a field the
    name says nothing about is absent (unknown). 'aide avant réalisation à la production de
    films de court métrage' -> {'stages': ('production',), 'formats': ('short',)}."""
    key = name_key(name)
    found: dict[str, tuple[str, ...]] = {}
    for field, rules in _COMPILED.items():
        codes = tuple(code for code, words in rules if words.search(key))
        if codes:
            found[field] = codes
    return found
