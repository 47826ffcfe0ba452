"""Etalab's *schéma des dispositifs d'aides* (v0.2.0): the two schemas shipped with cineatlas,
their fields and how each maps to the catalogue's columns.

    descriptor(BASE)          # the Table Schema, as a dict (the shipped copy, README.md here)
    fields(PROFESSIONALS)     # the field names, in the standard's order

The `dispositifs` importer validates files against these schemas; the writer
(`cineatlas.schemes.standard.writer`) writes the catalogue back in them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from cineatlas.schemes.model import STANDARD

VERSION = "v0.2.0"
BASE = "dispositif-aide"
PROFESSIONALS = "dispositif-aide-professionnels"
SCHEMAS = (BASE, PROFESSIONALS)
PUBLISHER = "Etalab (DINUM)"
LICENCE = "Licence Ouverte / Open Licence 2.0 (etalab-2.0)"
HOMEPAGE = "https://github.com/etalab/schema-dispositif-aide"

#: The standard's list fields: values separated by pipes (valeur1|valeur2).
LIST_FIELDS = frozenset({
    "types_aides", "programmes_parents", "cibles", "eligibilite_geographique",
    "eligibilite_geographique_exclusions", "eligibilite_categorie_taille_entreprise",
    "eligibilite_forme_juridique", "eligibilite_forme_juridique_exclusions",
    "ciblage_secteur_activite", "ciblage_naf", "ciblage_naf_exclusions",
})
DATETIME_FIELDS = frozenset({"date_ouverture", "date_cloture", "date_mise_a_jour"})
INTEGER_FIELDS = frozenset({"eligibilite_effectif_minimal", "eligibilite_effectif_maximal",
                            "eligibilite_annees_existence_minimal"})

#: The professionnels extension's fields and the columns of `schemes` that hold them
#: (migration 0009); `base_juridique` becomes `scheme_documents` of kind official_text.
PROFESSIONAL_COLUMNS: dict[str, str | None] = {
    "base_juridique": None,
    "eligibilite_effectif_minimal": "min_employees",
    "eligibilite_effectif_maximal": "max_employees",
    "eligibilite_categorie_taille_entreprise": "company_sizes",
    "eligibilite_annees_existence_minimal": "min_years_in_existence",
    "eligibilite_forme_juridique": "legal_forms",
    "eligibilite_forme_juridique_exclusions": "legal_form_exclusions",
    "ciblage_secteur_activite": "activity_sectors",
    "ciblage_naf": "naf_codes",
    "ciblage_naf_exclusions": "naf_exclusions",
    "chainage_paiement": "payment_of",
}
#: Every field of both schemas -> our column (None: written from several, see the writer).
COLUMNS: dict[str, str | None] = {**STANDARD, **PROFESSIONAL_COLUMNS}

#: A COG code as the standard writes them (REG-75, DEP-33, COM-33063, PAYS-99100).
COG_CODE = re.compile(r"^[A-Z]+-\d+$")
#: A UUID, as the standard's `id` format asks.
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def schema_file(name: str) -> Any:
    """The shipped schema file of `name` (BASE or PROFESSIONALS), as an importlib resource."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}: {', '.join(SCHEMAS)}")
    return files(__name__) / f"schema-{name}.json"


@cache
def _descriptor_text(name: str) -> str:
    return schema_file(name).read_text(encoding="utf-8")


def descriptor(name: str) -> dict[str, Any]:
    """The Table Schema of `name`, as a fresh dict."""
    return json.loads(_descriptor_text(name))


def fields(name: str) -> list[str]:
    """The field names of `name`, in the standard's order."""
    return [f["name"] for f in descriptor(name)["fields"]]


def required(name: str) -> list[str]:
    """The fields `name` requires, in the standard's order."""
    return [f["name"] for f in descriptor(name)["fields"]
            if f.get("constraints", {}).get("required")]


def extension_fields() -> list[str]:
    """The fields of the professionnels extension that the base schema does not have."""
    base = set(fields(BASE))
    return [f for f in fields(PROFESSIONALS) if f not in base]


def split_list(text: str | None) -> list[str] | None:
    """A pipe-separated cell as a list of its values (trimmed, empty values dropped); None
    when it holds no value (unknown, never an empty list)."""
    if text is None:
        return None
    items = [item.strip() for item in text.split("|")]
    items = [item for item in items if item]
    return items or None


def join_list(items: list[str] | None) -> str:
    """A list as the standard writes it (valeur1|valeur2); '' for None."""
    return "|".join(items) if items else ""
