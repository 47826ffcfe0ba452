"""The catalogue's feeds: an iCalendar file of its dated events and an Atom feed of its entries.

**Calendar** (RFC 5545, written by the `icalendar` library): one all-day event per dated event
of a scheme — its deadlines, commission sessions, openings, closings and results
(`scheme_dates`), and its published opening and closing dates (`opens_at`, `closes_at`) when no
dates row already says them. Each event's UID is stable across builds (the entry's id, the
kind and the day), its URL the scheme's page, its DTSTAMP the import time of the source that
gave it (the feed does not change when nothing changed).

**Atom** (RFC 4287, written with `xml.etree.ElementTree`): one entry per scheme, `updated` the
latest of the scheme's published last update (`updated_at`) and the import times of its
sources, newest first; ids are tag: URIs of the entry's id, stable across builds.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from icalendar import Calendar, Event

from cineatlas.queries.schemes import Scheme
from cineatlas.store import vocabularies as vocab
from cineatlas.version import __version__

ATOM = "http://www.w3.org/2005/Atom"
#: The tag: URIs' authority and date (RFC 4151): fixed, so that ids never change.
TAG = "tag:cineatlas,2026:schemes/"
#: The oldest time a feed says when nothing dates it.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_TITLES = {"fr": ("Dispositifs d'aide — cineatlas", "Calendrier des dispositifs — cineatlas"),
           "en": ("Support schemes — cineatlas", "Support schemes' calendar — cineatlas")}


def events(entry: Scheme) -> list[dict[str, Any]]:
    """Every dated event of a scheme: its dates rows, then its opening and closing dates when
    no row of that kind says that day. Each: kind, date, title, url, source_id."""
    out = [{"kind": d["kind"], "date": _day(d["date"]), "title": d.get("title"),
            "url": d.get("url"), "source_id": d.get("source_id")} for d in entry.dates]
    said = {(e["kind"], e["date"]) for e in out}
    for field, kind in (("opens_at", "opening"), ("closes_at", "closing")):
        value = entry.get(field)
        if value is not None and (kind, _day(value)) not in said:
            source = next(iter(entry.field_sources.get(field, [])), {})
            out.append({"kind": kind, "date": _day(value), "title": None, "url": None,
                        "source_id": source.get("source_id")})
    return sorted(out, key=lambda e: (e["date"], e["kind"]))


def calendar(entries: Iterable[Scheme], *, base_url: str, stamps: Mapping[str, dt.datetime],
             lang: str = "fr", name: str | None = None) -> bytes:
    """The iCalendar file of `entries`' dated events (see the module's docstring); `base_url`
    is the atlas' address (the events link the scheme pages), `stamps` the sources' import
    times."""
    cal = Calendar()
    cal.add("prodid", f"-//cineatlas//schemes {__version__}//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name or _TITLES[lang][1])
    for entry in entries:
        page = f"{base_url.rstrip('/')}/schemes/{entry.id}"
        for item in events(entry):
            kind = vocab.label(vocab.SCHEME_DATE_KINDS, item["kind"], lang)
            event = Event()
            event.add("uid", f"{entry.id}.{item['kind']}.{item['date']:%Y%m%d}@cineatlas")
            event.add("dtstamp", _utc(stamps.get(item["source_id"] or "")))
            event.add("dtstart", item["date"])
            event.add("dtend", item["date"] + dt.timedelta(days=1))
            event.add("summary", f"{kind} — {entry.name}")
            lines = [item["title"], entry.funder_name, item["url"] and f"→ {item['url']}"]
            event.add("description", "\n".join(line for line in lines if line))
            event.add("url", page)
            event.add("transp", "TRANSPARENT")
            event.add("categories", [kind])
            cal.add_component(event)
    return cal.to_ical()


def atom(entries: Iterable[Scheme], *, base_url: str, stamps: Mapping[str, dt.datetime],
         lang: str = "fr") -> bytes:
    """The Atom feed of `entries`, the most recently changed first (module's docstring)."""
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    dated = sorted(((updated(e, stamps), e) for e in entries),
                   key=lambda pair: (pair[0], pair[1].id), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    _text(feed, "id", TAG + "feed")
    _text(feed, "title", _TITLES[lang][0])
    _text(feed, "updated", _iso(max((u for u, _ in dated), default=EPOCH)))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "cineatlas")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}/schemes/feed.atom",
                                            "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}/schemes",
                                            "type": "text/html"})
    _text(feed, "generator", "cineatlas", {"version": __version__})
    for when, entry in dated:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", TAG + entry.id)
        _text(item, "title", entry.name)
        _text(item, "updated", _iso(when))
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                "href": f"{base}/schemes/{entry.id}"})
        if entry.url:
            ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "related", "href": entry.url})
        _text(item, "summary", summary(entry, lang))
        for level in filter(None, [entry.level]):
            ET.SubElement(item, f"{{{ATOM}}}category", {
                "term": level, "label": vocab.label(vocab.FUNDER_LEVELS, level, lang)})
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def updated(entry: Scheme, stamps: Mapping[str, dt.datetime]) -> dt.datetime:
    """When an entry last changed: the latest of its published `updated_at` and its sources'
    import times (UTC)."""
    times = [_utc(stamps[s]) for s in entry.sources if s in stamps]
    if entry.get("updated_at") is not None:
        times.append(_utc(entry.get("updated_at")))
    return max(times, default=EPOCH)


def summary(entry: Scheme, lang: str) -> str:
    """One line: its promise when published, then its funder and level."""
    parts = [entry.get("promise")]
    if entry.funder_name:
        parts.append(("Financeur\u202f: " if lang == "fr" else "Funder: ") + entry.funder_name)
    if entry.level:
        parts.append(("Échelon\u202f: " if lang == "fr" else "Level: ")
                     + vocab.label(vocab.FUNDER_LEVELS, entry.level, lang))
    return ". ".join(p for p in parts if p) + "."


def _text(parent: ET.Element, tag: str, text: str,
          attributes: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes or {})
    element.text = text
    return element


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _utc(value: dt.datetime | None) -> dt.datetime:
    """A store time (naive, UTC) as an aware UTC time; the epoch when unknown."""
    if value is None:
        return EPOCH
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
