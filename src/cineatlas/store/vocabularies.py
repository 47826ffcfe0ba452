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


#: schemes.level: the level of government of the scheme's funder (FUNDER_LEVELS' codes).
SCHEME_LEVELS = FUNDER_LEVELS
#: schemes.applicants: who may apply to a scheme.
APPLICANTS: dict[str, tuple[str, str]] = {
    "author": ("Auteur ou autrice", "Author"),
    "director": ("Réalisateur ou réalisatrice", "Director"),
    "producer": ("Société de production", "Producer"),
    "distributor": ("Distributeur", "Distributor"),
    "exhibitor": ("Exploitant de salle", "Exhibitor"),
    "festival": ("Festival", "Festival"),
    "association": ("Association", "Association"),
    "technician": ("Technicien ou technicienne", "Technician"),
    "company": ("Entreprise", "Company"),
    "broadcaster": ("Diffuseur", "Broadcaster"),
    "publisher": ("Éditeur", "Publisher"),
    "video_creator": ("Créateur ou créatrice vidéo", "Video creator"),
    "local_body": ("Collectivité ou organisme public", "Local authority or public body"),
    "other": ("Autre", "Other"),
}
#: schemes.targets: the standard's `cibles` (Etalab, dispositif-aide), as it writes them.
SCHEME_TARGETS: dict[str, tuple[str, str]] = {
    "professionnels": ("Professionnels", "Businesses and professionals"),
    "particuliers": ("Particuliers", "Individuals"),
    "associations": ("Associations", "Associations"),
    "secteur public": ("Secteur public", "Public sector"),
}
#: scheme_bodies.role: what a body does for a scheme (the standard's roles; others are kept
#: as written and shown as written).
SCHEME_BODY_ROLES: dict[str, tuple[str, str]] = {
    "financeur": ("Financeur", "Funder"), "instructeur": ("Instructeur", "Assessor"),
    "porteur": ("Porteur", "Owner"), "animateur": ("Animateur", "Coordinator"),
    "partenaire": ("Partenaire", "Partner"), "distributeur": ("Distributeur", "Distributor"),
}
#: scheme_dates.kind: the dated events of a scheme.
SCHEME_DATE_KINDS: dict[str, tuple[str, str]] = {
    "deadline": ("Date limite de dépôt", "Application deadline"),
    "session": ("Commission", "Commission session"),
    "opening": ("Ouverture", "Opening"), "closing": ("Clôture", "Closing"),
    "results": ("Publication des résultats", "Results published"),
}
#: scheme_documents.kind: documents about a scheme.
SCHEME_DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "official_text": ("Texte officiel", "Official text"),
    "rules": ("Règlement", "Rules"),
    "award_list": ("Liste des aides attribuées", "List of awards"),
    "minutes": ("Procès-verbal de commission", "Commission minutes"),
    "application_figures": ("Chiffres des demandes", "Application figures"),
}
#: scheme_field_sources.rule: how a catalogue field's value was read from its source.
SCHEME_FIELD_RULES: dict[str, tuple[str, str]] = {
    "published": ("Publié tel quel", "Published as such"),
    "name": ("Lu dans le nom publié du dispositif", "Read from the scheme's published name"),
    "funder": ("Déduit du financeur", "From the funder"),
    "decisions": ("Observé dans les décisions publiées", "Observed in the published decisions"),
}

#: territories.level: the levels of the reference territories.
LEVELS: dict[str, tuple[str, str]] = {
    "country": ("Pays", "Country"), "region": ("Région", "Region"),
    "department": ("Département", "Department"), "commune": ("Commune", "Commune"),
    "metropolis": ("Métropole", "Metropolitan area"),
    "province": ("Province ou territoire", "Province or territory"),
    "qc_region": ("Région administrative du Québec", "Québec administrative region"),
    "municipality": ("Municipalité", "Municipality"), "state": ("État", "State"),
}
#: territories.density_class: INSEE's density grid, in four classes.
DENSITY: dict[str, tuple[str, str]] = {
    "dense": ("Dense", "Dense"), "intermediate": ("Densité intermédiaire", "Intermediate density"),
    "rural": ("Rural", "Rural"), "remote_rural": ("Rural isolé", "Remote rural"),
}
#: awards.stage: the stage of a work's life an award supports.
STAGES: dict[str, tuple[str, str]] = {
    "writing": ("Écriture", "Writing"), "development": ("Développement", "Development"),
    "production": ("Production", "Production"), "post_production": ("Postproduction",
                                                                     "Post-production"),
    "distribution": ("Distribution", "Distribution"), "promotion": ("Promotion", "Promotion"),
    "operation": ("Fonctionnement (structures)", "Operation (structures)"),
}
#: works.format.
FORMATS: dict[str, tuple[str, str]] = {
    "feature": ("Long métrage", "Feature film"), "short": ("Court métrage", "Short film"),
    "series": ("Série", "Series"), "tv_film": ("Téléfilm", "TV film"),
    "web": ("Création web", "Web creation"), "game": ("Jeu vidéo", "Video game"),
    "other": ("Autre", "Other"),
}
#: Whether an award went to its director's first, second or a later work (the explorer's
#: `work_rank` facet, from awards.first_work and awards.second_work).
WORK_RANKS: dict[str, tuple[str, str]] = {
    "first": ("Premier film", "First work"), "second": ("Deuxième film", "Second work"),
    "later": ("Troisième film ou suivant", "Third work or later"),
}
#: works.genre.
GENRES: dict[str, tuple[str, str]] = {
    "fiction": ("Fiction", "Fiction"), "documentary": ("Documentaire", "Documentary"),
    "animation": ("Animation", "Animation"), "experimental": ("Expérimental", "Experimental"),
    "other": ("Autre", "Other"),
}
#: venues.ae_labels: the CNC's Art et Essai labels.
AE_LABELS: dict[str, tuple[str, str]] = {
    "RD": ("Recherche et découverte", "Research and discovery"),
    "JP": ("Jeune public", "Young audiences"), "PR": ("Patrimoine et répertoire",
                                                      "Heritage and repertoire"),
}
#: organisations.kind: what kind of body a funder or beneficiary is.
ORGANISATION_KINDS: dict[str, tuple[str, str]] = {
    "company": ("Entreprise", "Company"), "association": ("Association", "Association"),
    "public_body": ("Organisme public", "Public body"), "individual": ("Personne", "Individual"),
}
#: festivals.period: when in the year a festival takes place (the Panorama's periods).
FESTIVAL_PERIODS: dict[str, tuple[str, str]] = {
    "pre_season": ("Avant-saison (1er janvier – 20 juin)",
                   "Before the season (1 January – 20 June)"),
    "season": ("Saison (21 juin – 5 septembre)", "Summer season (21 June – 5 September)"),
    "post_season": ("Après-saison (6 septembre – 31 décembre)",
                    "After the season (6 September – 31 December)"),
    "variable": ("Périodes diverses", "Different times of the year"),
    "other": ("Période imprécise", "Period unclear"),
}
#: festivals.scope: the reach a festival claims.
FESTIVAL_SCOPES: dict[str, tuple[str, str]] = {
    "international": ("International", "International"), "national": ("National", "National"),
    "cross_border": ("Transfrontalier", "Cross-border"),
    "interregional": ("Interrégional", "Interregional"), "regional": ("Régional", "Regional"),
    "interdepartmental": ("Interdépartemental", "Interdepartmental"),
    "departmental": ("Départemental", "Departmental"),
    "intercommunal": ("Intercommunal", "Intercommunal"), "municipal": ("Communal", "Municipal"),
    "other": ("Autre", "Other"),
}
#: The simulator's axes of a convention (simulator.scenario.AXES).
AXES: dict[str, tuple[str, str]] = {
    "writing_development": ("Écriture et développement", "Writing and development"),
    "creation_production": ("Création et production", "Creation and production"),
    "diffusion": ("Diffusion", "Diffusion"), "image_education": ("Éducation à l'image",
                                                                 "Image education"),
    "heritage": ("Patrimoine", "Heritage"),
    "other": ("Autres partenaires (Départements, villes…)",
              "Other partners (Departments, cities…)"),
    "solidarity": ("Solidarité", "Solidarity"),
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


#: What an indicator is computed on (registry.Indicator.subject).
INDICATOR_SUBJECTS: dict[str, tuple[str, str]] = {
    "applications": ("candidatures", "applications"), "awards": ("aides attribuées", "awards"),
    "commissions": ("commissions", "commissions"), "conventions": ("conventions", "conventions"),
    "festivals": ("festivals", "festivals"), "films": ("films agréés", "agreed films"),
    "publication": ("publication des données", "publication of the data"),
    "sessions": ("sessions de commission", "commission sessions"),
    "venues": ("établissements cinématographiques", "cinemas"),
}
#: The data an indicator needs (registry.Indicator.needs): fields of its rows.
INDICATOR_FIELDS: dict[str, tuple[str, str]] = {
    "advance_on_receipts": ("avance sur recettes", "advance on receipts"),
    "after_first": ("avance après réalisation", "advance after completion"),
    "amount_minor": ("montant", "amount"),
    "applications_awarded": ("candidatures retenues", "applications awarded"),
    "applications_received": ("candidatures reçues", "applications received"),
    "art_et_essai": ("classement Art et Essai", "Art et Essai classification"),
    "beneficiary_id": ("bénéficiaire", "beneficiary"),
    "beneficiary_in_funder_territory": ("bénéficiaire dans le territoire du financeur",
                                        "beneficiary in the funder's territory"),
    "beneficiary_in_metropolis": ("bénéficiaire dans la métropole",
                                  "beneficiary in the metropolis"),
    "beneficiary_local": ("bénéficiaire établi dans le territoire (l'une de ses fiches)",
                          "beneficiary established in the territory (any of its records)"),
    "beneficiary_overseas": ("bénéficiaire outre-mer", "beneficiary overseas"),
    "beneficiary_rural": ("bénéficiaire en commune rurale", "beneficiary in a rural commune"),
    "beneficiary_sub_subterritory_id": ("territoire du bénéficiaire (deux niveaux plus bas)",
                                        "beneficiary's territory (two levels down)"),
    "beneficiary_subterritory_id": ("territoire du bénéficiaire (un niveau plus bas)",
                                    "beneficiary's territory (one level down)"),
    "budget": ("devis du film", "film budget"),
    "cnc_amount_minor": ("montant du CNC", "CNC amount"),
    "coproduction": ("coproduction", "co-production"),
    "credits_published": ("génériques publiés", "credits published"),
    "director_gender": ("genre déclaré des réalisateurs", "directors' declared gender"),
    "first_work": ("premier film", "first work"), "format": ("format", "format"),
    "funder_level": ("échelon du financeur", "funder's level"),
    "gender": ("genre déclaré", "declared gender"), "genre": ("genre de l'œuvre", "genre"),
    "has_chair": ("présidence de commission", "commission chair"),
    "is_elected_official": ("élu", "elected official"), "itinerant": ("itinérant", "itinerant"),
    "parity_bonus": ("bonus parité", "parity bonus"), "producers": ("producteurs", "producers"),
    "profession": ("profession", "profession"), "rank": ("rang du film", "film rank"),
    "region_amount_minor": ("montant de la Région", "Region amount"),
    "regional_aid": ("aide régionale", "regional aid"), "screens": ("écrans", "screens"),
    "seats": ("fauteuils", "seats"), "second_work": ("deuxième film", "second work"),
    "stage": ("étape", "stage"),
}
#: The filters an indicator takes (registry.Indicator.filters).
INDICATOR_FILTERS: dict[str, tuple[str, str]] = {
    "axis": ("axe", "axis"), "basis": ("base de calcul", "basis"),
    "budget_class": ("tranche de devis", "budget class"), "film_rank": ("rang du film",
                                                                         "film rank"),
    "format": ("format", "format"), "funder": ("financeur", "funder"), "genre": ("genre", "genre"),
    "scheme": ("dispositif", "scheme"), "stage": ("étape", "stage"),
    "territory": ("territoire", "territory"), "year": ("année", "year"),
}

#: Each coded column of the store, with its vocabulary (tests check every stored value has both
#: labels). A column holding a list (venues.ae_labels) is listed by its elements.
COLUMNS: dict[tuple[str, str], dict] = {
    ("territories", "level"): LEVELS, ("territories", "density_class"): DENSITY,
    ("awards", "stage"): STAGES, ("awards", "sector"): SECTORS, ("works", "format"): FORMATS,
    ("works", "genre"): GENRES, ("venues", "ae_labels"): AE_LABELS,
    ("organisations", "kind"): ORGANISATION_KINDS,
    ("organisations", "funder_level"): FUNDER_LEVELS,
    ("festivals", "period"): FESTIVAL_PERIODS, ("festivals", "scope"): FESTIVAL_SCOPES,
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
