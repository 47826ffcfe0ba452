"""The scheme pages: the catalogue (/schemes), the finder (/schemes/find), one scheme
(/schemes/{id}), and the feeds: calendars (.ics: the whole catalogue, one scheme, a finder
query) and the Atom feed of schemes added or changed.

Reads go through the catalogue (`queries.schemes`), `queries.scheme_pages` and the finder
(`schemes.finder`, shared with the API: `schemes_api`). A field nobody published reads
"not published", never "no"; every field shows its sources and the rule by which its value
was read. Page strings live in the templates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from cineatlas.queries import scheme_outcomes
from cineatlas.queries import scheme_pages as reads
from cineatlas.queries.schemes import LEVEL_ORDER, Scheme
from cineatlas.schemes import feeds
from cineatlas.schemes.finder import (
    CRITERIA,
    STATUSES,
    AmbiguousTerritory,
    ProfileError,
    TerritoryNotFound,
    next_date,
    select,
)
from cineatlas.schemes.geography import territory_of
from cineatlas.schemes.model import CATALOGUE_FIELDS, Field
from cineatlas.store import vocabularies as vocab
from cineatlas.web.api import atlas
from cineatlas.web.errors import Message, excerpt
from cineatlas.web.pages import Context, render
from cineatlas.web.schemes_api import find_for, geocoder, schemes_catalogue

router = APIRouter(include_in_schema=False)

Code = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]*$")]
Codes = Annotated[list[str] | None, Query(max_length=5)]
Text = Annotated[str | None, Query(max_length=120)]
Flag = Annotated[str | None, Query(pattern=r"^(true|false|on|1|0)?$")]
SchemeId = Annotated[str, Query(max_length=120)]
#: The vocabulary of each list field's codes (the others are shown as published).
FIELD_VOCABULARIES = {"stages": vocab.STAGES, "formats": vocab.FORMATS, "genres": vocab.GENRES,
                      "applicants": vocab.APPLICANTS, "work_ranks": vocab.WORK_RANKS,
                      "targets": vocab.SCHEME_TARGETS}
#: The fields shown in the catalogue's table, after the name, funder and level.
LIST_FIELDS = ("stages", "formats", "applicants")
#: Fields in their own sections of a scheme's page, not in its table of fields.
OWN_SECTIONS = {"bodies", "dates", "documents"}
ICS = "text/calendar; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


def _on(value: str | None) -> bool:
    return value in ("true", "on", "1")


def _check(value: str | None, vocabulary: dict[str, Any], name: str) -> str | None:
    """A form's code, refused (400) when the vocabulary does not know it."""
    if value and value not in vocabulary:
        raise HTTPException(400, Message("Unknown value %(value)s of %(name)s.",
                                         value=excerpt(value), name=name))
    return value or None


def _date(value: Any, lang: str) -> str:
    day = value.date() if isinstance(value, dt.datetime) else value
    return format_date(day, format="long", locale=lang)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class Shown:
    """How a page shows the catalogue's values in its language."""

    def __init__(self, request: Request) -> None:
        self.lang = Context(request).lang
        self.rows = geocoder(request).rows

    def codes(self, name: str, values: list[str] | None) -> list[str]:
        """A list field's values as labels (codes of no vocabulary as published)."""
        vocabulary = FIELD_VOCABULARIES.get(name)
        if name in ("geographic_eligibility", "geographic_exclusions"):
            return [self.place(v) for v in values or []]
        return [vocab.label(vocabulary, v, self.lang) if vocabulary else v for v in values or []]

    def place(self, code: str) -> str:
        tid = territory_of(code)
        row = self.rows.get(tid) if tid else None
        return f"{row.name} ({code})" if row and row.name else code

    def value(self, entry: Scheme, f: Field, fmt: Any) -> str | None:
        """A field's value in words, None when not published."""
        value = entry.get(f.name)
        if value is None:
            return None
        if f.kind == "list":
            return ", ".join(self.codes(f.name, value))
        if f.kind == "amount":
            return fmt.money(value, entry.get("currency"))
        if f.kind == "datetime":
            return _date(value, self.lang)
        return str(value)

    def level(self, code: str | None) -> str | None:
        return vocab.label(vocab.FUNDER_LEVELS, code, self.lang) if code else None


def _field_rows(entry: Scheme, shown: Shown, fmt: Any) -> list[dict[str, Any]]:
    """Every catalogue field of a scheme: label, value (None: not published), sources with
    the rule of each in words."""
    rows = []
    for f in CATALOGUE_FIELDS:
        if f.name in OWN_SECTIONS or f.name == "currency" or (
                f.extension and entry.get(f.name) is None):
            continue
        sources = [s | {"rule_label": vocab.label(vocab.SCHEME_FIELD_RULES, s.get("rule"),
                                                  shown.lang) if s.get("rule") else None}
                   for s in entry.field_sources.get(f.name, [])]
        rows.append({"name": f.name, "label": f.fr if shown.lang == "fr" else f.en,
                     "value": shown.value(entry, f, fmt), "sources": sources,
                     "source_ids": sorted({s["source_id"] for s in sources})})
    return rows


# -- the catalogue ------------------------------------------------------------------------


@router.get("/schemes", response_class=HTMLResponse)
def schemes(request: Request, level: Code = None, funder: Text = None, stage: Code = None,
            format: Code = None) -> HTMLResponse:  # noqa: A002
    level = _check(level, vocab.FUNDER_LEVELS, "level")
    stage = _check(stage, vocab.STAGES, "stage")
    work_format = _check(format, vocab.FORMATS, "format")
    entries = schemes_catalogue(request).entries
    funders = sorted({(e.funder_ids[0], e.funder_name or e.funder_ids[0]) for e in entries
                      if e.funder_ids}, key=lambda pair: pair[1].casefold())
    chosen = select(entries, funders=[funder] if funder else [], levels=[level] if level else [],
                    stage=stage, work_format=work_format)
    today = dt.date.today()
    shown = Shown(request)
    rows = [{"entry": e, "level": shown.level(e.level),
             "fields": {name: shown.codes(name, e.get(name)) or None for name in LIST_FIELDS},
             "next": next_date(e, today)} for e in chosen]
    levels = sorted({e.level for e in entries if e.level},
                    key=lambda v: LEVEL_ORDER.index(v) if v in LEVEL_ORDER else 99)
    form = {"level": level, "funder": funder, "stage": stage, "format": work_format}
    return render(request, "schemes.html", rows=rows, total=len(rows), all_total=len(entries),
                  funders=funders, levels=levels, form=form, shown=shown)


# -- the finder ---------------------------------------------------------------------------


def _finder_params(role: list[str] | None, territory: str | None, stage: str | None,
                   format: str | None, genre: str | None,  # noqa: A002
                   work: str | None) -> dict[str, Any]:
    roles = [r for r in role or [] if r]
    for r in roles:
        _check(r, vocab.APPLICANTS, "role")
    return {"roles": roles, "territory": (territory or "").strip() or None,
            "stage": _check(stage, vocab.STAGES, "stage"),
            "work_format": _check(format, vocab.FORMATS, "format"),
            "genre": _check(genre, vocab.GENRES, "genre"),
            "first_work": work == "first", "second_work": work == "second"}


@router.get("/schemes/find", response_class=HTMLResponse)
def schemes_find(request: Request, role: Codes = None, territory: Text = None,
                 stage: Code = None, format: Code = None, genre: Code = None,  # noqa: A002
                 work: Annotated[str | None, Query(pattern=r"^(first|second)?$")] = None,
                 all: Flag = None) -> HTMLResponse:  # noqa: A002
    params = _finder_params(role, territory, stage, format, genre, work)
    asked = any(params[k] for k in ("roles", "territory", "stage", "work_format", "genre",
                                    "first_work", "second_work"))
    matches, profile, problem, candidates = [], None, None, []
    if asked:
        try:
            profile, matches = find_for(request, **params, include_excluded=_on(all))
        except AmbiguousTerritory as exc:
            problem, candidates = "ambiguous", exc.candidates
        except TerritoryNotFound:
            problem = "unknown"
        except ProfileError as exc:
            raise HTTPException(400, str(exc)) from None
    form = {"role": params["roles"], "territory": params["territory"], "stage": stage or None,
            "format": format or None, "genre": genre or None, "work": work or None,
            "all": "true" if _on(all) else None}
    shown = Shown(request)
    return render(request, "schemes_find.html", asked=asked, matches=matches, profile=profile,
                  problem=problem, candidates=candidates, form=form, shown=shown,
                  criteria=CRITERIA, statuses=STATUSES, date_kinds=vocab.SCHEME_DATE_KINDS,
                  eligible=sum(m.eligible for m in matches),
                  applicants=vocab.APPLICANTS, stages=vocab.STAGES, formats=vocab.FORMATS,
                  genres=vocab.GENRES)


@router.get("/schemes/find/calendar.ics")
def schemes_find_calendar(request: Request, role: Codes = None, territory: Text = None,
                          stage: Code = None, format: Code = None,  # noqa: A002
                          genre: Code = None,
                          work: Annotated[str | None, Query(pattern=r"^(first|second)?$")] = None,
                          lang: Annotated[str, Query(pattern=r"^(fr|en)$")] = "fr") -> Response:
    """The calendar of the schemes a finder query answers (eligible ones only)."""
    params = _finder_params(role, territory, stage, format, genre, work)
    try:
        _, matches = find_for(request, **params)
    except TerritoryNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except ProfileError as exc:
        raise HTTPException(400, str(exc)) from None
    return _calendar(request, [m.scheme for m in matches if m.eligible], lang, "schemes-find")


# -- feeds --------------------------------------------------------------------------------


def _calendar(request: Request, entries: list[Scheme], lang: str, name: str) -> Response:
    body = feeds.calendar(entries, base_url=_base(request),
                          stamps=reads.source_times(atlas(request)), lang=lang)
    return Response(body, media_type=ICS,
                    headers={"Content-Disposition": f'inline; filename="{name}.ics"'})


@router.get("/schemes/calendar.ics")
def schemes_calendar(request: Request,
                     lang: Annotated[str, Query(pattern=r"^(fr|en)$")] = "fr") -> Response:
    """Every dated event of the catalogue: deadlines, sessions, openings, closings."""
    return _calendar(request, schemes_catalogue(request).entries, lang, "schemes")


@router.get("/schemes/feed.atom")
def schemes_feed(request: Request,
                 lang: Annotated[str, Query(pattern=r"^(fr|en)$")] = "fr") -> Response:
    """The schemes added or changed, the latest first (Atom)."""
    body = feeds.atom(schemes_catalogue(request).entries, base_url=_base(request),
                      stamps=reads.source_times(atlas(request)), lang=lang)
    return Response(body, media_type=ATOM)


# -- one scheme ---------------------------------------------------------------------------


def _entry(request: Request, scheme_id: str) -> tuple[Any, Scheme]:
    cat = schemes_catalogue(request)
    entry = cat.get(scheme_id)
    if entry is None:
        raise HTTPException(404, Message("No scheme %(id)s.", id=excerpt(scheme_id)))
    return cat, entry


@router.get("/schemes/{scheme_id}/calendar.ics")
def scheme_calendar(request: Request, scheme_id: str,
                    lang: Annotated[str, Query(pattern=r"^(fr|en)$")] = "fr") -> Response:
    _, entry = _entry(request, scheme_id[:120])
    return _calendar(request, [entry], lang, entry.id)


@router.get("/schemes/{scheme_id}", response_class=HTMLResponse)
def scheme(request: Request, scheme_id: str) -> HTMLResponse:
    cat, entry = _entry(request, scheme_id[:120])
    ctx = Context(request)
    shown = Shown(request)
    a = atlas(request)
    children = [e for e in cat.entries if e.parent_id == entry.id]
    dates = [d | {"label": vocab.label(vocab.SCHEME_DATE_KINDS, d["kind"], ctx.lang),
                  "shown": _date(d["date"], ctx.lang)} for d in feeds.events(entry)]
    bodies = [b | {"role_label": vocab.label(vocab.SCHEME_BODY_ROLES, b["role"], ctx.lang)}
              for b in entry.bodies]
    documents = [d | {"kind_label": vocab.label(vocab.SCHEME_DOCUMENT_KINDS, d["kind"],
                                                ctx.lang)} for d in entry.documents]
    sessions = reads.commissions(a, entry.scheme_ids)
    for session in sessions:
        session["shown"] = _date(session["session_date"], ctx.lang) \
            if session.get("session_date") else None
        for member in session["members"]:
            member["role_label"] = vocab.label(reads.MEMBER_ROLES, member["role"], ctx.lang) \
                if member.get("role") else None
            member["profession_label"] = vocab.label(reads.PROFESSIONS, member["profession"],
                                                     ctx.lang) if member.get("profession") \
                else None
    awards = reads.award_count(a, entry.scheme_ids)
    return render(request, "scheme.html", entry=entry, fields=_field_rows(entry, shown,
                                                                          ctx.fmt),
                  level=shown.level(entry.level), parent=cat.get(entry.parent_id or ""),
                  children=children, dates=dates, bodies=bodies, documents=documents,
                  sessions=sessions, awards=awards, today=dt.date.today(),
                  table_sources=_table_sources(entry),
                  observed=scheme_outcomes.observed(a, entry, cat))


def _table_sources(entry: Scheme) -> dict[str, list[str]]:
    """The sources of the bodies, dates and documents sections."""
    out = {}
    for name in OWN_SECTIONS:
        out[name] = sorted({s["source_id"] for s in entry.field_sources.get(name, [])}
                           | {r["source_id"] for r in getattr(entry, name) if r.get("source_id")})
    return out
