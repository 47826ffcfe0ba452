"""Reading one row of a file in the standard into a `SchemeRecord`: lists split on pipes, dates
parsed, `porteurs` and `base_juridique` read (strict JSON or the standard's JavaScript-like
spelling), COG codes checked against the reference territories. Frictionless checks types and
constraints (`validate`); this module reads the values and checks what it cannot."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from cineatlas.importers.scheme_records import SchemeDocument, SchemeRecord, cog_problem
from cineatlas.problems import ERROR, WARNING, Problem, problem_type
from cineatlas.schemes.standard import (
    COLUMNS,
    DATETIME_FIELDS,
    INTEGER_FIELDS,
    LIST_FIELDS,
    split_list,
)
from cineatlas.schemes.standard.objects import ObjectsError, parse_bodies, parse_legal_texts
from cineatlas.store.vocabularies import SCHEME_BODY_ROLES

problem_type("invalid-porteurs", "Bodies (porteurs) cannot be read",
             'Write the bodies as a list: [{"nom": "Région Nouvelle-Aquitaine", "siren": '
             '"200053759", "roles": ["financeur"]}] (the standard\'s spelling with bare keys and '
             "single quotes is read too).")
problem_type("invalid-legal-texts", "Legal texts (base_juridique) cannot be read",
             'Write them as a list: [{"libelle": "Arrêté n° 123456", "lien": "https://…"}].')
problem_type("unknown-role", "Role not in the standard's list",
             "The role is kept as written; the standard's roles are financeur, instructeur, "
             "porteur, animateur, partenaire and distributeur.")
problem_type("invalid-siren", "Not a SIREN",
             "A SIREN is 9 digits; the body was loaded without it. Check it on "
             "annuaire-entreprises.data.gouv.fr.")
problem_type("duplicate-id", "Identifier given twice",
             "Two rows have the same id: give each scheme its own identifier (the first row was "
             "loaded).")
problem_type("invalid-url", "Not a web address",
             "url_source must start with http:// or https://; the scheme was loaded without it.")
problem_type("json-list", "A list written as JSON",
             "The standard writes lists as valeur1|valeur2; the list was read as such.")

_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$")


def read_datetime(text: str) -> dt.datetime | None:
    """An ISO 8601 date and time (an offset converted to UTC), a date alone or a day-first
    date (at 00:00); None when it is none of these."""
    text = text.strip()
    found = _DAY_FIRST.match(text)
    try:
        if found:
            day, month, year = map(int, found.groups())
            return dt.datetime(year, month, day)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def json_list(text: str) -> str | None:
    """A cell holding a JSON list of texts (as JSON files write lists), as valeur1|valeur2."""
    if not text.startswith("["):
        return None
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(items, list) and all(isinstance(i, str) for i in items):
        return "|".join(i.strip() for i in items)
    return None


@dataclass
class RowReading:
    """What a row gave: the record (None when it cannot be one) and its problems."""

    record: SchemeRecord | None
    problems: list[Problem] = field(default_factory=list)


def read_row(cells: dict[str, str], row: int, where: str, locator: str,
             territories: set[str]) -> RowReading:
    """A row's cells (field -> text, '' when empty) as a scheme. Problems that frictionless
    finds are not repeated here; a row without an id or a title is no record."""
    problems: list[Problem] = []
    values: dict[str, object] = {}
    sources: dict[str, str] = {}

    def keep(name: str, value: object) -> None:
        column = COLUMNS.get(name)
        if value is not None and column is not None:
            values[column] = value
            sources[column] = locator

    for name, text in cells.items():
        text = text.strip()
        if not text or name in ("porteurs", "base_juridique", "id", "titre", "url_source"):
            continue
        if name in LIST_FIELDS:
            keep(name, split_list(text))
        elif name in DATETIME_FIELDS:
            keep(name, read_datetime(text))
        elif name in INTEGER_FIELDS:
            keep(name, int(text) if re.fullmatch(r"[+-]?\d+", text) else None)
        else:
            keep(name, text)
    url = cells.get("url_source", "").strip()
    if url and _URL.match(url):
        values["url"] = url
        sources["url"] = locator
    elif url:
        problems.append(Problem(row, "url_source", "invalid-url", WARNING,
                                f"{where}: url_source {url[:80]!r} is not a web address "
                                "(http:// or https://); the scheme was loaded without it.", url))
    for name in ("eligibilite_geographique", "eligibilite_geographique_exclusions"):
        for code in split_list(cells.get(name)) or []:
            why = cog_problem(code, territories) if territories else None
            if re.fullmatch(r"[A-Z]+-\d+", code) and why:
                problems.append(Problem(row, name, "unknown-territory", WARNING,
                                        f"{where}: {name}: {why}. The code is kept as written; "
                                        "check it in INSEE's COG.", code))
    reference, name = cells.get("id", "").strip(), cells.get("titre", "").strip()
    record = SchemeRecord(row=row, reference=reference, name=name, values=values,
                          sources=sources)
    if reference:
        sources["reference"] = locator
    if name:
        sources["name"] = locator
    problems += _bodies(cells.get("porteurs", ""), record, row, where, locator)
    problems += _legal_texts(cells.get("base_juridique", ""), record, row, where, locator)
    return RowReading(record if reference and name else None, problems)


def _bodies(text: str, record: SchemeRecord, row: int, where: str,
            locator: str) -> list[Problem]:
    text = text.strip()
    if not text:
        return []  # frictionless reports the missing required value
    try:
        bodies = parse_bodies(text)
    except ObjectsError as exc:
        return [Problem(row, "porteurs", "invalid-porteurs", ERROR,
                        f"{where}: porteurs cannot be read as a list of bodies: {exc}. Write "
                        'it as [{"nom": "…", "siren": "123456789", "roles": ["financeur"]}].',
                        text[:200])]
    if not bodies:
        return [Problem(row, "porteurs", "required", ERROR,
                        f"{where}: porteurs lists no body; the standard requires at least one "
                        "(with its roles).", text)]
    problems = []
    for body in bodies:
        if body.siren_written:
            problems.append(Problem(row, "porteurs", "invalid-siren", WARNING,
                                    f"{where}: porteurs: the SIREN of {body.name} "
                                    f"({body.siren_written!r}) is not 9 digits; the body was "
                                    "loaded without it.", body.siren_written))
        for role in body.roles:
            if role not in SCHEME_BODY_ROLES:
                problems.append(Problem(row, "porteurs", "unknown-role", WARNING,
                                        f"{where}: porteurs: the role {role!r} of {body.name} is "
                                        "not one of the standard's roles "
                                        f"({', '.join(SCHEME_BODY_ROLES)}); kept as written.",
                                        role))
    record.bodies = bodies
    record.sources["bodies"] = locator
    return problems


def _legal_texts(text: str, record: SchemeRecord, row: int, where: str,
                 locator: str) -> list[Problem]:
    text = text.strip()
    if not text:
        return []
    try:
        texts = parse_legal_texts(text)
    except ObjectsError as exc:
        return [Problem(row, "base_juridique", "invalid-legal-texts", ERROR,
                        f"{where}: base_juridique cannot be read as a list of texts: {exc}. "
                        'Write it as [{"libelle": "Arrêté n° 123456", "lien": "https://…"}].',
                        text[:200])]
    if texts:
        record.documents = [SchemeDocument("official_text", t.title, t.url) for t in texts]
        record.sources["documents"] = locator
    return []
