"""The fields of a scheme: ours, the standard's name for each, and which need a source.

A scheme is described with the fields of Etalab's *schéma des dispositifs d'aides* (v0.2.0)
plus what cinema needs. The **base** fields (name, funder, level, url, parent, default stage)
every importer writes with the row: their source is the row's `source_id`. Every **catalogue**
field a row fills needs a `scheme_field_sources` row saying where its value comes from and by
which rule; a field nobody published stays NULL (unknown), and a list is NULL, never empty.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of a scheme: its column, the standard's field (None: cinema only), its kind
    (text | list | datetime | amount | integer | table), its labels, and `extension` when it
    belongs to the standard's "professionnels" extension (shown only when known)."""

    name: str
    standard: str | None
    kind: str
    fr: str
    en: str
    extension: bool = False


#: Written with the row by every importer; their source is the row's source.
BASE_FIELDS: tuple[Field, ...] = (
    Field("name", "titre", "text", "Nom", "Name"),
    Field("funder_id", None, "text", "Financeur", "Funder"),
    Field("level", None, "text", "Échelon", "Level"),
    Field("url", "url_source", "text", "Page du dispositif", "Scheme's page"),
    Field("parent_scheme_id", None, "text", "Fonds parent", "Parent fund"),
    Field("stage", None, "text", "Étape (par défaut)", "Stage (default)"),
)

#: The catalogue fields: each non-empty value needs its source (scheme_field_sources).
CATALOGUE_FIELDS: tuple[Field, ...] = (
    Field("reference", "id", "text", "Identifiant du porteur", "Publisher's identifier"),
    Field("promise", "promesse", "text", "Promesse", "Promise"),
    Field("description", "description", "text", "Description", "Description"),
    Field("eligibility", "eligibilite", "text", "Critères d'éligibilité", "Eligibility"),
    Field("criteria", None, "text", "Critères de sélection", "Selection criteria"),
    Field("aid_types", "types_aides", "list", "Types d'aides", "Aid types"),
    Field("targets", "cibles", "list", "Bénéficiaires", "Targets"),
    Field("parent_programmes", "programmes_parents", "list", "Programmes parents",
          "Parent programmes"),
    Field("geographic_eligibility", "eligibilite_geographique", "list",
          "Couverture géographique", "Geographic eligibility"),
    Field("geographic_exclusions", "eligibilite_geographique_exclusions", "list",
          "Exclusions géographiques", "Geographic exclusions"),
    Field("territorial_condition", None, "text", "Condition territoriale",
          "Territorial condition"),
    Field("opens_at", "date_ouverture", "datetime", "Ouverture", "Opens"),
    Field("closes_at", "date_cloture", "datetime", "Clôture", "Closes"),
    Field("updated_at", "date_mise_a_jour", "datetime", "Dernière mise à jour", "Last updated"),
    Field("stages", None, "list", "Étapes", "Stages"),
    Field("formats", None, "list", "Formats", "Formats"),
    Field("genres", None, "list", "Genres", "Genres"),
    Field("applicants", None, "list", "Qui peut déposer", "Who may apply"),
    Field("work_ranks", None, "list", "Premières ou deuxièmes œuvres", "First or second works"),
    Field("amount_min_minor", None, "amount", "Montant minimum", "Minimum amount"),
    Field("amount_max_minor", None, "amount", "Montant maximum", "Maximum amount"),
    Field("amount_typical_minor", None, "amount", "Montant habituel", "Typical amount"),
    Field("currency", None, "text", "Devise", "Currency"),
    Field("commission_name", None, "text", "Commission", "Commission"),
    # The "professionnels" extension (migration 0009): conditions on companies.
    Field("min_employees", "eligibilite_effectif_minimal", "integer", "Effectif minimum",
          "Minimum staff", True),
    Field("max_employees", "eligibilite_effectif_maximal", "integer", "Effectif maximum",
          "Maximum staff", True),
    Field("company_sizes", "eligibilite_categorie_taille_entreprise", "list",
          "Tailles d'entreprise", "Company sizes", True),
    Field("min_years_in_existence", "eligibilite_annees_existence_minimal", "integer",
          "Années d'existence minimum", "Minimum years in existence", True),
    Field("legal_forms", "eligibilite_forme_juridique", "list", "Formes juridiques",
          "Legal forms", True),
    Field("legal_form_exclusions", "eligibilite_forme_juridique_exclusions", "list",
          "Formes juridiques exclues", "Legal forms excluded", True),
    Field("activity_sectors", "ciblage_secteur_activite", "list", "Secteurs d'activité",
          "Activity sectors", True),
    Field("naf_codes", "ciblage_naf", "list", "Codes NAF", "NAF codes", True),
    Field("naf_exclusions", "ciblage_naf_exclusions", "list", "Codes NAF exclus",
          "NAF codes excluded", True),
    Field("payment_of", "chainage_paiement", "text", "Demande de paiement de",
          "Payment request of", True),
    # Rows of their own tables; their source is each row's source_id.
    Field("bodies", "porteurs", "table", "Porteurs", "Bodies"),
    Field("dates", None, "table", "Calendrier", "Calendar"),
    Field("documents", None, "table", "Textes et listes publiés", "Published texts and lists"),
)

FIELDS: dict[str, Field] = {f.name: f for f in (*BASE_FIELDS, *CATALOGUE_FIELDS)}
#: The catalogue fields held in `schemes`' own columns.
COLUMNS: tuple[str, ...] = tuple(f.name for f in CATALOGUE_FIELDS if f.kind != "table")
#: The standard's fields, in the standard's order, with ours (None: written from several).
STANDARD: dict[str, str | None] = {
    "id": "reference", "titre": "name", "promesse": "promise", "description": "description",
    "eligibilite": "eligibility", "types_aides": "aid_types", "porteurs": "bodies",
    "programmes_parents": "parent_programmes", "url_source": "url", "cibles": "targets",
    "eligibilite_geographique": "geographic_eligibility",
    "eligibilite_geographique_exclusions": "geographic_exclusions",
    "date_ouverture": "opens_at", "date_cloture": "closes_at", "date_mise_a_jour": "updated_at",
}
