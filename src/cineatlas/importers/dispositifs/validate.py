"""Validating rows of a file in the standard with Frictionless, against the shipped schema,
and turning each error it finds into the pipeline's row problem (row, field, what to do).

Every frictionless error is an error (the row is quarantined) except what the standard itself
tolerates, which loads the row with a warning:

- an `id` that is not a UUID: the standard asks for "the identifier defined by the original
  publisher" (its own extension's example of one is `DSP000123`);
- a date without a time (`2025-10-15`) or written day first (`15/10/2025`): read as that day at
  00:00 — ISO 8601 allows a date alone, frictionless' datetime does not;
- a text longer than its maxLength (promesse, description): kept whole.

Duplicate ids are checked over the whole file by the importer (frictionless' `unique` check
sees one batch); `url_source`'s pattern, which the schema declares outside its constraints, is
checked by the importer too.
"""

from __future__ import annotations

from functools import cache

from frictionless import Resource, Schema

from cineatlas.problems import ERROR, WARNING, Problem, problem_type
from cineatlas.schemes.standard import DATETIME_FIELDS, descriptor, fields

problem_type("not-a-uuid", "Identifier is not a UUID",
             "The standard's `id` is a UUID; the publisher's own identifier is kept as written. "
             "Use a UUID if you make the identifiers (e.g. from a UUID generator).")
problem_type("date-without-time", "Date without a time",
             "The standard writes dates and times (2025-10-15T00:00:00Z); the date was read at "
             "00:00.")
problem_type("standard-error", "Not as the standard says",
             "Correct the value as the message says (schéma des dispositifs d'aides).")

#: What to do, by field, when a required value is missing or malformed.
_FIX = {
    "id": "Give the scheme's identifier (a UUID, or the publisher's own).",
    "titre": "Give the scheme's short title.",
    "description": "Give the description, as published (up to 5,000 characters).",
    "eligibilite": "Give the eligibility criteria, one per line.",
    "types_aides": "Give the aid types separated by pipes, e.g. financement|accompagnement.",
    "porteurs": "Give the bodies, e.g. [{\"nom\": \"Région Nouvelle-Aquitaine\", \"siren\": "
                "\"200053759\", \"roles\": [\"financeur\"]}].",
    "cibles": "Use professionnels, particuliers, associations or secteur public, separated by "
              "pipes (professionnels|associations).",
    "eligibilite_geographique": "Write COG codes separated by pipes: REG-75|DEP-33|COM-33063, "
                                "PAYS-99100 for the whole of France.",
    "eligibilite_geographique_exclusions": "Write COG codes separated by pipes: "
                                           "REG-84|DEP-01|COM-83141.",
    "date_mise_a_jour": "Give the date of the last update in ISO 8601: 2025-10-15T15:00:00Z.",
    "ciblage_secteur_activite": "Give the sectors separated by pipes (or 'tous secteurs "
                                "d'activité').",
    "eligibilite_categorie_taille_entreprise": "Use MIC, PME, ETI or GE, separated by pipes.",
    "ciblage_naf": "Write NAF codes (J, 59, 59.1, 59.11, 59.11A) separated by pipes.",
    "ciblage_naf_exclusions": "Write NAF codes (J, 59, 59.1, 59.11, 59.11A) separated by pipes.",
}
_DATE_FIX = "Write it in ISO 8601: 2025-10-15T15:00:00Z (or 2025-10-15T17:00:00+02:00)."


@cache
def _schema(name: str) -> Schema:
    return Schema.from_descriptor(descriptor(name))


def frictionless_errors(name: str, rows: list[list[str]]) -> list[dict]:
    """Frictionless' errors for `rows` (cells in the order of `fields(name)`), as descriptors
    with `rowNumber` 2 for the first row."""
    resource = Resource(data=[fields(name), *rows], schema=_schema(name))
    report = resource.validate()
    return [error.to_descriptor() for error in report.tasks[0].errors]


def row_problem(error: dict, row: int, where: str, read_date: str | None) -> Problem | None:
    """The pipeline's problem for one frictionless error on `row` (`where`: how messages name
    the row, e.g. 'Row 5' or '$.data[3]'); `read_date`: what the importer read from a
    datetime cell (None when it could not), for the tolerated spellings. None for the errors
    the importer checks itself (unique)."""
    kind, field, cell = error.get("type"), error.get("fieldName"), error.get("cell")
    note = error.get("note", "")
    fix = _FIX.get(field or "", "")
    if kind == "unique-error":
        return None
    if kind == "constraint-error" and note.startswith('constraint "required"'):
        return Problem(row, field, "required", ERROR,
                       f"{where}: {field} is required by the standard and is empty. {fix}", cell)
    if kind == "constraint-error" and 'constraint "maxLength"' in note:
        return Problem(row, field, "max-length", WARNING,
                       f"{where}: {field} is longer than the standard's maximum ({note}); it "
                       "was kept whole. Shorten it.", (cell or "")[:80])
    if kind == "constraint-error" and 'constraint "pattern"' in note:
        return Problem(row, field, "pattern", ERROR,
                       f"{where}: {field} {cell!r} is not written as the standard says. {fix}",
                       cell)
    if kind == "type-error" and field == "id":
        return Problem(row, field, "not-a-uuid", WARNING,
                       f"{where}: id {cell!r} is not a UUID as the standard asks; it was kept as "
                       "the publisher's identifier (the export writes a UUID derived from it).",
                       cell)
    if kind == "type-error" and field in DATETIME_FIELDS:
        if read_date is not None:
            code = "non-iso-date" if "/" in (cell or "") else "date-without-time"
            return Problem(row, field, code, WARNING,
                           f"{where}: {field} {cell!r} is not a date and time in ISO 8601; it "
                           f"was read as {read_date}. {_DATE_FIX}", cell)
        return Problem(row, field, "invalid-date", ERROR,
                       f"{where}: {field} {cell!r} is not a date. {_DATE_FIX}", cell)
    if kind == "type-error":
        return Problem(row, field, "invalid-integer", ERROR,
                       f"{where}: {field} {cell!r} is not a whole number. Write digits only, "
                       "e.g. 10.", cell)
    return Problem(row, field, "standard-error", ERROR,
                   f"{where}: {field or 'the row'}: {error.get('message', note)}", cell)
