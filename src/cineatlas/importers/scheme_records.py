"""Schemes described field by field (the `dispositifs` and `scheme-catalogue` importers), as
the rows of the catalogue's tables: `schemes`, the `organisations` of their bodies,
`scheme_bodies`, `scheme_dates`, `scheme_documents` and a `scheme_field_sources` row for every
field a scheme fills (rule `published`; the funder's level, rule `funder`).

A body is a public body with its level of government when its SIREN or its name says so
(`importers.public_bodies`, and "CNC" for the Centre national du cinéma); otherwise its kind and
level stay unknown. The scheme's funder is the body given as funder, else the first body whose
role is `financeur`; its level is the scheme's level when the file does not give one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.importers.public_bodies import PublicBody, epci_kinds, recognise
from cineatlas.schemes.geography import territory_of
from cineatlas.schemes.model import FIELDS
from cineatlas.schemes.standard.objects import Body
from cineatlas.text import name_key

if TYPE_CHECKING:
    from cineatlas.importers.base import ImportContext
    from cineatlas.store import Store
    from cineatlas.territories.geocode import Geocoder

FUNDER_ROLE = "financeur"

#: The catalogue's columns of `schemes` and their types (the model's, the extension's included).
_KIND_TYPES: dict[str, pl.DataType] = {
    "text": pl.Utf8(), "list": pl.List(pl.Utf8), "datetime": pl.Datetime("us"),
    "amount": pl.Int64(), "integer": pl.Int64(),
}
COLUMN_TYPES: dict[str, pl.DataType] = {
    f.name: _KIND_TYPES[f.kind] for f in FIELDS.values()
    if f.kind != "table" and f.name not in ("name", "funder_id", "parent_scheme_id")}


@dataclass(frozen=True)
class SchemeDate:
    kind: str
    date: dt.date
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SchemeDocument:
    kind: str
    title: str
    url: str | None = None
    published_from: int | None = None


@dataclass
class SchemeRecord:
    """One scheme as read from a file: its identifier, name, values by column of `schemes`,
    bodies, dates and documents, and where each filled field comes from (`sources`:
    field -> locator)."""

    row: int
    reference: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    funder: Body | None = None
    parent_reference: str | None = None
    bodies: list[Body] = field(default_factory=list)
    dates: list[SchemeDate] = field(default_factory=list)
    documents: list[SchemeDocument] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def funder_body(self) -> Body | None:
        """The funder given, else the first body whose role is `financeur`."""
        if self.funder is not None:
            return self.funder
        return next((b for b in self.bodies if FUNDER_ROLE in b.roles), None)


# -- the bodies' organisations ------------------------------------------------------------------

_CNC = re.compile(r"^cnc\b")


def public_body(name: str, siren: str | None, geocoder: Geocoder) -> PublicBody | None:
    """What a body's SIREN or name says of its level (`public_bodies.recognise`), and the CNC
    named by its initials ('CNC', 'CNC — Centre national…')."""
    found = recognise(name, siren, geocoder)
    if found is None and _CNC.search(name_key(name)):
        return PublicBody("national", "FR", "name")
    return found


def organisation_key(body: Body) -> str:
    """What a body's organisation id is hashed from: its SIREN, else its name's key."""
    return f"siren:{body.siren}" if body.siren else name_key(body.name)


def _with_sirens(records: list[SchemeRecord]) -> None:
    """Give a body written without its SIREN the SIREN another mention of the same name has
    in the file (one SIREN for that name only): both are one organisation."""
    sirens: dict[str, set[str]] = {}
    for record in records:
        for body in ([record.funder] if record.funder else []) + record.bodies:
            if body.siren:
                sirens.setdefault(name_key(body.name), set()).add(body.siren)

    def complete(body: Body) -> Body:
        known = sirens.get(name_key(body.name), set())
        if body.siren or len(known) != 1:
            return body
        return Body(body.name, next(iter(known)), body.roles)

    for record in records:
        record.funder = complete(record.funder) if record.funder else None
        record.bodies = [complete(b) for b in record.bodies]


def _organisations(records: list[SchemeRecord], ctx: ImportContext,
                   levels: dict[str, PublicBody | None]) -> pl.DataFrame:
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        funder = record.funder_body()
        for body in ([record.funder] if record.funder else []) + record.bodies:
            key = organisation_key(body)
            public = levels[key]
            row = rows.setdefault(key, {
                "key": key, "name": body.name, "name_key": name_key(body.name),
                "kind": "public_body" if public else None, "is_funder": False,
                "siren": body.siren, "country_code": "FR" if body.siren else None,
                "funder_level": public.level if public else None,
                "governed_territory_id": public.territory_id if public else None})
            row["is_funder"] = row["is_funder"] or body is funder or FUNDER_ROLE in body.roles
    frame = pl.DataFrame(list(rows.values()), schema={
        "key": pl.Utf8, "name": pl.Utf8, "name_key": pl.Utf8, "kind": pl.Utf8,
        "is_funder": pl.Boolean, "siren": pl.Utf8, "country_code": pl.Utf8,
        "funder_level": pl.Utf8, "governed_territory_id": pl.Utf8})
    return frame.with_columns(ctx.entity_id("org", frame["key"]).alias("organisation_id"))


# -- the frames ---------------------------------------------------------------------------------

def scheme_id(ctx: ImportContext, reference: str) -> str:
    """A scheme's id: deterministic from the source and the publisher's identifier."""
    return ctx.entity_id("scheme", pl.Series([reference])).item()


def scheme_frames(records: list[SchemeRecord], ctx: ImportContext) -> dict[str, pl.DataFrame]:
    """The rows of every table for `records` (see the module docstring)."""
    _with_sirens(records)
    levels: dict[str, PublicBody | None] = {}
    for record in records:
        for body in ([record.funder] if record.funder else []) + record.bodies:
            key = organisation_key(body)
            if key not in levels:
                levels[key] = public_body(body.name, body.siren, ctx.geocoder)
    organisations = _organisations(records, ctx, levels)
    org_of = dict(zip(organisations["key"], organisations["organisation_id"], strict=True))
    organisations = organisations.drop("key")
    schemes, bodies, dates, documents, sources = [], [], [], [], []
    for record in records:
        sid = scheme_id(ctx, record.reference)
        funder = record.funder_body()
        values = dict(record.values)
        record_sources = dict(record.sources)
        if values.get("level") is None and funder is not None:
            public = levels[organisation_key(funder)]
            if public is not None:
                values["level"] = public.level
                record_sources["level"] = f"funder: {funder.name}"
        schemes.append({
            "scheme_id": sid, "name": record.name, "name_key": name_key(record.name),
            "funder_id": org_of[organisation_key(funder)] if funder else None,
            "parent_scheme_id": (scheme_id(ctx, record.parent_reference)
                                 if record.parent_reference else None),
            "reference": record.reference, **values})
        for body in record.bodies:
            for role in body.roles:
                bodies.append({"scheme_id": sid, "name": body.name, "siren": body.siren,
                               "organisation_id": org_of[organisation_key(body)], "role": role})
        dates.extend({"scheme_id": sid, "kind": d.kind, "date": d.date, "title": d.title,
                      "url": d.url} for d in record.dates)
        documents.extend({"scheme_id": sid, "kind": d.kind, "title": d.title, "url": d.url,
                          "published_from": d.published_from} for d in record.documents)
        sources.extend({"scheme_id": sid, "field": name, "locator": locator,
                        "rule": "funder" if locator.startswith("funder: ") else "published"}
                       for name, locator in record_sources.items())
    scheme_schema = {"scheme_id": pl.Utf8, "name": pl.Utf8, "name_key": pl.Utf8,
                     "funder_id": pl.Utf8, "parent_scheme_id": pl.Utf8, "reference": pl.Utf8,
                     **COLUMN_TYPES}
    frames = {
        "organisations": organisations,
        "schemes": pl.DataFrame(schemes, schema=scheme_schema),
        "scheme_bodies": pl.DataFrame(bodies, schema={
            "scheme_id": pl.Utf8, "name": pl.Utf8, "siren": pl.Utf8, "organisation_id": pl.Utf8,
            "role": pl.Utf8}).unique(["scheme_id", "name", "role"], maintain_order=True),
        "scheme_dates": pl.DataFrame(dates, schema={
            "scheme_id": pl.Utf8, "kind": pl.Utf8, "date": pl.Date, "title": pl.Utf8,
            "url": pl.Utf8}).unique(["scheme_id", "kind", "date"], maintain_order=True),
        "scheme_documents": pl.DataFrame(documents, schema={
            "scheme_id": pl.Utf8, "kind": pl.Utf8, "title": pl.Utf8, "url": pl.Utf8,
            "published_from": pl.Int32}).unique(["scheme_id", "kind", "title"],
                                                maintain_order=True),
        "scheme_field_sources": pl.DataFrame(sources, schema={
            "scheme_id": pl.Utf8, "field": pl.Utf8, "locator": pl.Utf8, "rule": pl.Utf8}),
    }
    return {table: frame for table, frame in frames.items() if frame.height}


# -- geographic codes ---------------------------------------------------------------------------

_KINDS = {"FR-R": "région", "FR-D": "département", "FR-C": "commune"}
COG_KINDS = ("REG", "DEP", "COM", "EPCI", "PAYS")


def cog_problem(code: str, territory_ids: set[str]) -> str | None:
    """Why a geographic code (a COG code as the standard writes it, or a territory id) is not
    a place the reference territories know, or None when it is (or cannot be checked: a
    country the atlas does not cover). Codes are read by `schemes.geography.territory_of`."""
    territory = territory_of(code)
    if territory is not None:
        if territory in territory_ids:
            return None
        what = next((w for prefix, w in _KINDS.items() if territory.startswith(prefix)),
                    "territory")
        return (f"{code} is not a {what} of the reference territories (INSEE's Code officiel "
                "géographique)")
    prefix, _, number = code.partition("-")
    if prefix == "EPCI":
        return None if number in epci_kinds() else (
            f"{code} is not the SIREN of an intercommunal body (EPCI) in INSEE's list")
    if prefix == "PAYS":
        return None if re.fullmatch(r"99\d{3}", number) else (
            f"{code} is not an INSEE country code (99 and three digits: PAYS-99100)")
    return (f"{code}: cineatlas does not know COG codes of kind {prefix} "
            f"({', '.join(COG_KINDS)})")


def territory_ids(store: Store) -> set[str]:
    """The ids of the store's reference territories (empty when it has none)."""
    return set(store.frame("SELECT territory_id FROM territories")["territory_id"])
