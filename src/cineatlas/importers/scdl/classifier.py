"""Which lines of a subsidies file are cinema and audiovisual (`awards.sector`), and the rule
that decided (`awards.sector_rule`).

A local authority's file holds every sector; a line is **cinema and audiovisual** when it is
about moving images — cinemas and film clubs, film festivals, film and television production
and distribution, cinémathèques, film education (*éducation à l'image*), local television,
video. Radio, photography, the press, digital culture and the performing arts are other
sectors. The rules, tried in this order (the first that holds decides):

- `object-words`: the object (`objet`) uses the vocabulary of cinema and audiovisual work;
- `beneficiary-words`: the beneficiary's name does (`CINEMA LE HUBLOT`, `GHOST MOVIES`);
- `scheme-words`: the scheme (`dispositif`, `dispositifAide`) does;
- `cinema-festival`: the object or the beneficiary names a festival of the Ministry of
  Culture's Panorama whose discipline is cinema (`festivals.is_cinema`), of the funder's région
  (every word of the festival's name but 'festival', articles and prepositions: `PREMIERS PLANS`,
  `F3C FESTIVAL TROIS CONTINENTS`), or the beneficiary is the organisation named in the
  address of such a festival's website, held in the funder's département (`MIRE`, which runs
  *Prisme*: `www.mire-exp.org`; never a public body), when the festivals are in the store;
- `cnc-cinema`: the object names a cinema of the CNC's list (`venues`) and the commune it is
  in (in the object, or as the beneficiary itself), when the cinemas are in the store. The
  cinema's name must say more than its commune, be borne by no other cinema in France, and not
  be a parish's (Saint-…, Notre-Dame, Jeanne-d'Arc: schools, clubs and halls bear them too).
  Beneficiaries' names are not matched with cinemas' names: on the real files that finds
  schools and clubs of the same parish or commune far more often than cinemas;
- `same-beneficiary` (over the whole file): a line with no object, whose beneficiary (same
  SIREN) is recognised as cinema and audiovisual by its name on another line;
- otherwise `other`, rule `no-evidence`.

The vocabulary is matched on whole words with accents and case ignored; words that are cinema's
only in some phrases are matched in those (`image animée`, `éducation à l'image`, `art et
essai`), and phrases where a cinema word means something else are removed first (`film
plastique`, `sortie au cinéma`, `fonds documentaire`, `da camera`). Measured precision and recall
on a hand-labelled sample: docs/importers/scdl.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL
from cineatlas.text import fold

if TYPE_CHECKING:
    from cineatlas.store import Store

OTHER = "other"
#: sector_rule values the SCDL classifier writes, with what each means.
RULES: dict[str, str] = {
    "object-words": "the object uses the vocabulary of cinema and audiovisual work",
    "beneficiary-words": "the beneficiary's name uses the vocabulary of cinema and audiovisual "
                         "work",
    "scheme-words": "the scheme's name uses the vocabulary of cinema and audiovisual work",
    "cinema-festival": "the object or the beneficiary names a cinema festival of the Panorama "
                       "des festivals in the funder's région, or the beneficiary is the "
                       "organisation named in the address of that festival's website",
    "cnc-cinema": "the object names a CNC cinema and its commune (or the beneficiary is that "
                  "commune)",
    "same-beneficiary": "no object; the same beneficiary (SIREN) is a cinema and audiovisual "
                        "organisation by its name on another line of the file",
    "no-evidence": "nothing in the line says cinema or audiovisual",
}

#: Words that are cinema and audiovisual work by themselves.
WORDS = frozenset({
    "cinema", "cinemas", "cine", "cineclub", "cineclubs", "cinematheque", "cinematheques",
    "cinematographe", "cinematographique", "cinematographiques", "cinematographie",
    "cinephile", "cinephiles", "cinephilie", "cineaste", "cineastes", "cinemobile",
    "film", "films", "filmique", "filmiques", "filmer", "filme", "filmee", "filmes",
    "tournage", "tournages", "audiovisuel", "audiovisuelle", "audiovisuels", "audiovisuelles",
    "televisuel", "televisuelle", "television", "televisions", "telefilm", "telefilms",
    "webtv", "tv", "video", "videos", "videaste", "videastes", "documentaire", "documentaires",
    "doc", "docs",
    "movie", "movies", "pictures", "realisateur", "realisateurs", "realisatrice",
    "realisatrices", "scenariste", "scenaristes",
})
#: Phrases that are cinema and audiovisual work (whole words, folded).
PHRASES = (
    "image animee", "images animees", "education a l image", "education aux images",
    "education a l image", "art et essai", "septieme art", "salle obscure", "salles obscures",
    "grand ecran", "petit ecran", "audio visuel", "audio visuelle", "court metrage",
    "courts metrages", "long metrage", "longs metrages", "moyen metrage", "moyens metrages",
)
#: Phrases where a cinema word means something else: removed before matching.
NOT_CINEMA = re.compile(
    r"\bfilms? (?:plastiques?|alimentaires?|etirables?|agricoles?|de paillage|protecteurs?|"
    r"solaires?|adhesifs?|polyethylenes?|biodegradables?|de protection)\b"
    r"|\b(?:sorties?|places?|billets?|tickets?|cheques?|entrees?) (?:au |de |du )?cinemas?\b"
    r"|\b(?:fonds|ressources?|bases?|centres?|recherches?|veilles?|gestion|politiques?|"
    r"portails?|espaces?) documentaires?\b"
    r"|\b(?:centres?|services?|cellules?|fonds|espaces?|pole) (?:de |d )?docs?\b"
    r"|\bda camera\b|\bvideo ?(?:protection|surveillance)\b"
)
_TOKEN = re.compile(r"[a-z0-9]+")
#: Words made with 'ciné' (Cinéphare, Bulciné), except the words that merely contain it.
_NOT_CINE = re.compile(r"^cine(?:rai|tiq|matiq)|(?:racin|piscin|medecin|officin|glycin|vaccin|"
                       r"fascin|calcin|hallucin|coccin|sarracin)")
#: Words of a name that do not identify a festival or a cinema.
_GENERIC = frozenset({
    "festival", "festivals", "international", "internationale", "de", "du", "des", "d", "la",
    "le", "les", "l", "et", "en", "a", "au", "aux", "the", "of", "salle", "espace", "cinema",
    "cine", "association", "assoc", "ass",
})
_NUMBERS = {"un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6",
            "sept": "7", "huit": "8", "neuf": "9", "dix": "10"}


@lru_cache(maxsize=65536)
def tokens(text: str | None) -> tuple[str, ...]:
    """The folded words of a text, numbers written in letters as digits, the phrases where a
    cinema word means something else removed."""
    words = " ".join(_TOKEN.findall(fold(text or "")))
    return tuple(_NUMBERS.get(w, w) for w in NOT_CINEMA.sub(" ", words).split())


#: 'télé' is television, except before these words (téléassistance written in two words…).
_NOT_TELEVISION = frozenset({
    "assistance", "alarme", "alarmes", "surveillance", "travail", "medecine", "sante", "soin",
    "soins", "consultation", "consultations", "formation", "declaration", "declarations",
    "procedure", "procedures", "service", "services", "transmission", "gestion", "secours",
    "achat", "vente", "enseignement", "conseil", "paiement", "reglement", "releve",
})


@lru_cache(maxsize=65536)
def cinema_terms(text: str | None) -> tuple[str, ...]:
    """The words and phrases of cinema and audiovisual work in `text` (none: not about it)."""
    words = tokens(text)
    found = [w for w in words if w in WORDS or _made_with_cine(w)]
    found += [f"tele {after}" for word, after in zip(words, words[1:], strict=False)
              if word == "tele" and after not in _NOT_TELEVISION]
    joined = f" {' '.join(words)} "
    found += [phrase for phrase in PHRASES if f" {phrase} " in joined]
    return tuple(dict.fromkeys(found))


def _made_with_cine(word: str) -> bool:
    return ("cine" in word and len(word) > 5 and (word.startswith("cine") or word.endswith("cine"))
            and not _NOT_CINE.search(word))


@dataclass(frozen=True)
class Named:
    """A festival or a cinema: its name, the words that identify it, where it is."""

    name: str
    words: frozenset[str]
    commune: str | None  # territory id
    commune_words: frozenset[str]
    region: str | None
    #: the organiser's name as its website's address writes it ('mire' in www.mire-exp.org)
    organisers: frozenset[str] = frozenset()
    website: str | None = None
    department: str | None = None  # territory id


@dataclass(frozen=True)
class Decision:
    sector: str
    rule: str
    evidence: str | None = None


class SectorClassifier:
    """Classifies SCDL lines (see the module's doc). `festivals` and `venues` are those of the
    store (`from_store`), empty when not loaded."""

    def __init__(self, festivals: list[Named], venues: list[Named]) -> None:
        self.festivals = festivals
        self.venues = venues
        self._by_word: dict[str, list[Named]] = defaultdict(list)
        self._by_organiser: dict[str, list[Named]] = defaultdict(list)
        for festival in festivals:
            self._by_word[min(festival.words, key=len)].append(festival)
            for organiser in festival.organisers:
                self._by_organiser[organiser].append(festival)
        self._venues_by_word: dict[str, list[Named]] = defaultdict(list)
        for venue in venues:
            for word in venue.words:
                self._venues_by_word[word].append(venue)

    @classmethod
    def from_store(cls, store: Store) -> SectorClassifier:
        festivals = store.frame(_FESTIVALS).rows()
        venues = store.frame(_VENUES).rows()
        named_festivals = [_named(*row) for row in festivals]
        venue_list = [_named(*row, without_place=True) for row in venues]
        # A cinema's name borne by several cinemas in France (Jeanne d'Arc, Cinéville, Le Club)
        # identifies none of them.
        counts: dict[frozenset[str], int] = defaultdict(int)
        for venue in venue_list:
            counts[venue.words] += 1
        unique = [v for v in venue_list if counts[v.words] == 1 and len("".join(v.words)) >= 5
                  and not PARISH.match(" ".join(tokens(v.name)))]
        return cls([f for f in named_festivals if f.words], unique)

    @property
    def knows_places(self) -> bool:
        """Whether festivals or cinemas are known (else only the words rules can hold)."""
        return bool(self.festivals or self.venues)

    def classify(self, objet: str | None, beneficiary: str | None, scheme: str | None,
                 region: str | None = None, beneficiary_commune: str | None = None,
                 *, department: str | None = None, public_body: bool = False) -> Decision:
        """The sector of one line. `region` (the funder's) limits the festivals considered,
        `department` (the funder's, when it governs one or lies in one) the festivals whose
        organiser is recognised by their website; `beneficiary_commune` is the beneficiary's
        territory when it is a commune; `public_body`: the beneficiary is one (then never a
        festival's organiser)."""
        return (self.by_words(objet, beneficiary, scheme)
                or self.by_places(objet, beneficiary, region, beneficiary_commune,
                                  department=department, public_body=public_body))

    @staticmethod
    def by_words(objet: str | None, beneficiary: str | None,
                 scheme: str | None) -> Decision | None:
        """The words rules (`object-words`, `beneficiary-words`, `scheme-words`), or None."""
        for rule, text in (("object-words", objet), ("beneficiary-words", beneficiary),
                           ("scheme-words", scheme)):
            terms = cinema_terms(text)
            if terms:
                return Decision(CINEMA_AUDIOVISUAL, rule, ", ".join(terms))
        return None

    def by_places(self, objet: str | None, beneficiary: str | None, region: str | None = None,
                  beneficiary_commune: str | None = None, *, department: str | None = None,
                  public_body: bool = False) -> Decision:
        """The festival and cinema rules, else `no-evidence`."""
        words = set(tokens(objet)) | set(tokens(beneficiary))
        festival = self._festival(words, region)
        if festival is not None:
            return Decision(CINEMA_AUDIOVISUAL, "cinema-festival", festival.name)
        festival = None if public_body else self._organised(beneficiary, region, department)
        if festival is not None:
            return Decision(CINEMA_AUDIOVISUAL, "cinema-festival",
                            f"{festival.name} ({festival.website})")
        venue = self._venue(set(tokens(objet)), beneficiary_commune)
        if venue is not None:
            return Decision(CINEMA_AUDIOVISUAL, "cnc-cinema", venue.name)
        return Decision(OTHER, "no-evidence")

    def _festival(self, words: set[str], region: str | None) -> Named | None:
        for word in words:
            for festival in self._by_word.get(word, ()):
                if (festival.words <= words and (region is None or festival.region == region)
                        and (len(festival.words) >= 2 or "festival" in words)):
                    return festival
        return None

    def _organised(self, beneficiary: str | None, region: str | None,
                   department: str | None) -> Named | None:
        """The festival whose website's address names the beneficiary, in the funder's
        département (when the funder governs one or lies in one), else in its région: an
        address names its organiser less surely than a festival's name names the festival
        (`lentracte-sable.fr`, a cinema of Sablé, is not every association L'Entr'acte)."""
        for key in sorted(name_keys(beneficiary)):
            for festival in self._by_organiser.get(key, ()):
                if ((department is None or festival.department == department)
                        and (region is None or festival.region == region)):
                    return festival
        return None

    def _venue(self, words: set[str], beneficiary_commune: str | None) -> Named | None:
        for word in words:
            for venue in self._venues_by_word.get(word, ()):
                same_commune = (
                    (venue.commune is not None and venue.commune == beneficiary_commune)
                    or (bool(venue.commune_words) and venue.commune_words <= words)
                )
                if venue.words <= words and same_commune:
                    return venue
        return None


#: Names of parishes, which cinemas share with schools, clubs and halls.
PARISH = re.compile(r"^(?:(?:salle|cinema|cine|espace) )?(?:st|ste|saint|sainte|notre dame|"
                    r"jeanne d arc|jeanne arc|sacre coeur)\b")


def _named(name: str, commune: str | None, commune_name: str | None, region: str | None,
           website: str | None = None, department: str | None = None, *,
           without_place: bool = False) -> Named:
    """A festival or a cinema: the words of its name that identify it (for a cinema, not
    those of its commune's name, which any body of the commune may bear); for a festival, its
    organiser's name as its website's address writes it."""
    place = frozenset(w for w in tokens(commune_name) if w not in _GENERIC)
    words = frozenset(w for w in tokens(name) if w not in _GENERIC)
    return Named(name, words - place if without_place else words, commune, place, region,
                 organisers(website, name, commune_name), website, department)


#: Legal forms and articles, left out of a beneficiary's name to compare it with an address.
_LEGAL_FORMS = frozenset({"association", "asso", "assoc", "ass"})
_ARTICLES = frozenset({"la", "le", "les", "l", "de", "du", "des", "d"})


def name_keys(name: str | None) -> frozenset[str]:
    """A beneficiary's name as a web address would write it: its words joined, with and
    without legal forms and articles ('ASSOCIATION LA BOITE CARREE' ->
    'associationlaboitecarree', 'laboitecarree', 'boitecarree')."""
    words = _TOKEN.findall(fold(name or ""))
    named = [w for w in words if w not in _LEGAL_FORMS]
    keys = ("".join(words), "".join(named), "".join(w for w in named if w not in _ARTICLES))
    return frozenset(k for k in keys if k)


#: Hosts where a site's own name is the leftmost label (festival.wordpress.com)…
_SUBDOMAIN_HOSTS = ("wordpress.com", "wixsite.com", "free.fr", "jimdofree.com", "jimdo.com",
                    "blogspot.com", "blogspot.fr", "weebly.com", "over-blog.com",
                    "e-monsite.com", "canalblog.com", "webnode.fr", "github.io")
#: …or the first part of the path (facebook.com/mire.exp); other shared hosts name nobody.
_PATH_HOSTS = ("facebook.com", "instagram.com", "twitter.com", "x.com", "helloasso.com")
_NOBODY_HOSTS = ("leguidedesfestivals.com", "google.com", "linktr.ee", "youtube.com")
_SECOND_LEVEL = ("asso.fr", "gouv.fr", "com.fr", "co.uk", "org.uk")
_NOT_A_NAME = frozenset({"festival", "festivals", "film", "films", "cinema", "cine", "asso",
                         "association", "site", "officiel", "accueil", "home", "index", "www",
                         "pages", "profile", "groups", "events", "associations", "people",
                         "view", "fr", "com", "org"})


def organisers(website: str | None, name: str, commune_name: str | None) -> frozenset[str]:
    """The organiser's name as a festival's website address writes it — each part of the
    site's own name (split on '-', '_', '.'), and the parts joined — when it is not the
    festival's name or its commune's, which the other rules match: 'www.mire-exp.org' ->
    {'mire', 'mireexp'} for Prisme; 'premiersplans.org' -> {} for Premiers Plans; public
    bodies' sites (a city's, a département's) name a public body, which the caller leaves
    aside. Parts shorter than four letters, numbers and words such as 'festival' or 'cinéma'
    name nobody, and the parts are joined only when none of them is such a word
    ('festival-labaule.com' -> {})."""
    address = re.sub(r"^[a-z]+://", "", fold(website or "").strip())
    host, _, path = address.partition("/")
    host = host.split(":")[0].removeprefix("www.")
    if not host or any(host == h or host.endswith(f".{h}") for h in _NOBODY_HOSTS):
        return frozenset()
    if any(host == h or host.endswith(f".{h}") for h in _PATH_HOSTS):
        segments = [p for p in re.split(r"[/?#]", path) if p and p not in _NOT_A_NAME]
        own = segments[0] if segments else ""
    elif any(host.endswith(f".{h}") for h in _SUBDOMAIN_HOSTS):
        own = host.split(".")[0]
    else:
        labels = host.split(".")
        depth = 3 if any(host.endswith(f".{s}") for s in _SECOND_LEVEL) else 2
        own = labels[-depth] if len(labels) >= depth else ""
    festival = "".join(_TOKEN.findall(fold(name)))
    commune = "".join(_TOKEN.findall(fold(commune_name or "")))

    def names_nobody(part: str) -> bool:
        return (part in _NOT_A_NAME or part in WORDS or part in festival
                or bool(commune) and part in commune)

    parts = [p for p in re.split(r"[-_.]", own) if p]
    keys = {p for p in parts if len(p) >= 4 and not p.isdigit() and not names_nobody(p)}
    if len(parts) > 1 and not any(names_nobody(p) for p in parts if not p.isdigit()):
        keys.add("".join(parts))
    return frozenset(keys)


_FESTIVALS = """
    SELECT f.name, f.territory_id, t.name, t.region_id, f.website,
           CASE WHEN t.level = 'commune' THEN t.parent_id END
    FROM festivals f LEFT JOIN territories t ON t.territory_id = f.territory_id
    WHERE f.is_cinema AND NOT f.fictitious
    ORDER BY f.name, f.festival_id
"""
_VENUES = """
    SELECT v.name, v.territory_id, t.name, t.region_id
    FROM venues v LEFT JOIN territories t ON t.territory_id = v.territory_id
    WHERE NOT v.fictitious
"""
