"""A small hand-made scheme catalogue for the finder, pages, feeds and CLI tests.

Written into a store that holds the reference territories (the `store` fixture): two
sources, six funders (the CNC, two Régions, a Département, the SODEC, a foundation whose
territory nobody published), nine schemes with their catalogue fields, the source of each
field, dates relative to `today`, bodies, documents, a commission session with members and
an award.
Every value below is written here by hand; the tests state what they expect from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cineatlas import Store
from cineatlas.queries.schemes import catalogue_id
from cineatlas.text import name_key

CATALOGUE_SOURCE = "test:catalogue"
CNC_SOURCE = "test:cnc-list"
IMPORTED = {CATALOGUE_SOURCE: dt.datetime(2026, 3, 1, 9, 0), CNC_SOURCE: dt.datetime(2026, 2, 1)}

FUNDERS = [
    # organisation_id, name, funder_level, governed_territory_id
    ("org:cnc", "Centre national du cinéma et de l'image animée", "national", "FR"),
    ("org:na", "Région Nouvelle-Aquitaine", "regional", "FR-R75"),
    ("org:idf", "Région Île-de-France", "regional", "FR-R11"),
    ("org:gironde", "Département de la Gironde", "departmental", "FR-D33"),
    ("org:sodec", "SODEC", "provincial", "CA-QC"),
    ("org:fondation", "Fondation Lumière d'essai", None, None),
]

#: key -> (funder, name, level, catalogue fields, (field -> rule) when not 'published')
SCHEMES: dict[str, tuple[str, str, str | None, dict[str, Any], dict[str, str]]] = {
    "cnc-ecriture": ("org:cnc", "Fonds d'aide à l'écriture de courts métrages", "national",
                     {"applicants": ["author", "director"], "stages": ["writing"],
                      "formats": ["short"]}, {"stages": "name", "formats": "name"}),
    "na-ecriture": ("org:na", "Aide à l'écriture et au développement", "regional",
                    {"applicants": ["author"], "stages": ["writing", "development"],
                     "formats": ["short", "feature"], "work_ranks": ["first", "second"],
                     "geographic_eligibility": ["REG-75"],
                     "promise": "Soutenir l'écriture des auteurs de la Région",
                     "amount_max_minor": 500000, "currency": "EUR",
                     "updated_at": dt.datetime(2026, 4, 2, 10, 0)}, {}),
    "na-production": ("org:na", "Aide à la production de courts métrages", "regional",
                      {"applicants": ["producer"], "stages": ["production"],
                       "formats": ["short"], "geographic_eligibility": ["REG-75"]}, {}),
    "idf-ecriture": ("org:idf", "Aide à l'écriture de scénario", "regional",
                     {"applicants": ["author"], "stages": ["writing"],
                      "geographic_eligibility": ["REG-11"]}, {}),
    "gironde-bourse": ("org:gironde", "Bourse d'écriture de la Gironde", "departmental",
                       {"applicants": ["author", "director"], "stages": ["writing"],
                        "geographic_eligibility": ["DEP-33"]}, {}),
    "na-ancien": ("org:na", "Appel à projets courts 2025", "regional",
                  {"applicants": ["author"], "stages": ["writing"], "formats": ["short"],
                   "geographic_eligibility": ["REG-75"]}, {}),
    "sodec-ecriture": ("org:sodec", "Aide à la scénarisation", "provincial",
                       {"applicants": ["author"], "stages": ["writing"],
                        "geographic_eligibility": ["CA-QC"]}, {}),
    "fondation": ("org:fondation", "Fonds sans critères publiés", None, {}, {}),
    "na-exclus": ("org:na", "Aide aux auteurs hors Gironde", "regional",
                  {"applicants": ["author"], "stages": ["writing"],
                   "geographic_eligibility": ["REG-75"], "geographic_exclusions": ["DEP-33"]},
                  {}),
}


def scheme_id(key: str) -> str:
    return f"scheme:{key}"


def entry_id(key: str) -> str:
    """The catalogue entry id of a scheme (queries.schemes.catalogue_id of its keys)."""
    funder, name, *_ = SCHEMES[key]
    funder_name = next(f[1] for f in FUNDERS if f[0] == funder)
    return catalogue_id(name_key(funder_name), name_key(name))


def dates(today: dt.date) -> dict[str, list[tuple[str, dt.date, str]]]:
    """Each scheme's dated events (kind, date, title), relative to `today`."""
    day = dt.timedelta(days=1)
    return {
        "cnc-ecriture": [("deadline", today + 40 * day, "Dépôt des dossiers"),
                         ("session", today + 80 * day, "Commission plénière"),
                         ("session", today - 100 * day, "Commission précédente")],
        "na-ecriture": [("deadline", today + 20 * day, "Session 2 — dépôt"),
                        ("results", today + 60 * day, "Résultats de la session 2")],
        "na-production": [("deadline", today + 10 * day, "Dépôt production")],
        "idf-ecriture": [("deadline", today + 5 * day, "Dépôt")],
        "sodec-ecriture": [("session", today + 30 * day, "Comité d'évaluation")],
    }


def add_catalogue(store: Store, today: dt.date) -> None:
    """Write the catalogue above into `store` (which holds the reference territories)."""
    con = store.con
    for source, imported in IMPORTED.items():
        store.record_source({
            "source_id": source, "importer": "test", "title": f"Test {source}",
            "imported_at": imported, "rows_read": 1, "rows_loaded": 1, "rows_quarantined": 0,
            "publisher": "cineatlas tests", "licence": "Licence Ouverte 2.0",
            "url": "https://example.org/" + source.split(":")[1]})
    for org, name, level, governed in FUNDERS:
        con.execute("INSERT INTO organisations (organisation_id, name, name_key, kind, "
                    "is_funder, funder_level, governed_territory_id, source_id) VALUES "
                    "(?, ?, ?, 'public_body', TRUE, ?, ?, ?)",
                    [org, name, name_key(name), level, governed, CATALOGUE_SOURCE])
    calendar = dates(today)
    for key, (funder, name, level, fields, rules) in SCHEMES.items():
        sid = scheme_id(key)
        source = CNC_SOURCE if funder == "org:cnc" else CATALOGUE_SOURCE
        columns = ["scheme_id", "funder_id", "name", "name_key", "level", "url", "source_id",
                   *fields]
        values = [sid, funder, name, name_key(name), level,
                  f"https://example.org/schemes/{key}", source, *fields.values()]
        con.execute(f"INSERT INTO schemes ({', '.join(columns)}) VALUES "
                    f"({', '.join('?' for _ in columns)})", values)
        for field in fields:
            con.execute("INSERT INTO scheme_field_sources VALUES (?, ?, ?, ?, ?, FALSE)",
                        [sid, field, source, f"$.{key}.{field}", rules.get(field, "published")])
        for kind, day, title in calendar.get(key, []):
            con.execute("INSERT INTO scheme_dates (scheme_id, kind, date, title, url, source_id) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [sid, kind, day, title, f"https://example.org/calendar/{key}", source])
        if calendar.get(key):
            con.execute("INSERT INTO scheme_field_sources VALUES (?, 'dates', ?, NULL, "
                        "'published', FALSE)", [sid, source])
    # a scheme that closed a month ago
    con.execute("UPDATE schemes SET closes_at = ? WHERE scheme_id = ?",
                [dt.datetime.combine(today - dt.timedelta(days=30), dt.time()),
                 scheme_id("na-ancien")])
    con.execute("INSERT INTO scheme_field_sources VALUES (?, 'closes_at', ?, NULL, "
                "'published', FALSE)", [scheme_id("na-ancien"), CATALOGUE_SOURCE])
    # bodies, documents, a commission session and its members for the NA writing scheme
    na = scheme_id("na-ecriture")
    con.execute("INSERT INTO scheme_bodies (scheme_id, name, role, organisation_id, source_id) "
                "VALUES (?, 'Région Nouvelle-Aquitaine', 'financeur', 'org:na', ?), "
                "(?, 'ALCA Nouvelle-Aquitaine', 'instructeur', NULL, ?)",
                [na, CATALOGUE_SOURCE, na, CATALOGUE_SOURCE])
    con.execute("INSERT INTO scheme_documents (scheme_id, kind, title, url, published_from, "
                "source_id) VALUES (?, 'rules', 'Règlement d''intervention 2026', "
                "'https://example.org/reglement.pdf', NULL, ?), (?, 'award_list', "
                "'Aides attribuées', 'https://example.org/aides', 2019, ?)",
                [na, CATALOGUE_SOURCE, na, CATALOGUE_SOURCE])
    for field in ("bodies", "documents"):
        con.execute("INSERT INTO scheme_field_sources VALUES (?, ?, ?, NULL, 'published', "
                    "FALSE)", [na, field, CATALOGUE_SOURCE])
    con.execute("INSERT INTO awards (award_id, source_id, funder_id, scheme_id, project_title, "
                "fiscal_year, amount_minor, currency, stage, sector) VALUES ('award:na-1', ?, "
                "'org:na', ?, 'Un court en Gironde', 2025, 450000, 'EUR', 'writing', "
                "'cinema-audiovisual')", [CATALOGUE_SOURCE, na])
    con.execute("UPDATE schemes SET parent_scheme_id = ? WHERE scheme_id = ?",
                [na, scheme_id("na-exclus")])
    con.execute("INSERT INTO commissions (commission_id, funder_id, scheme_id, name, year, "
                "session_date, source_id) VALUES ('com:na-1', 'org:na', ?, "
                "'Comité écriture', 2026, ?, ?)", [na, today - dt.timedelta(days=50),
                                                   CATALOGUE_SOURCE])
    for person, full_name, role, profession in [
            ("p:1", "Camille Martin", "chair", "director"),
            ("p:2", "Samir Benali", "member", "producer")]:
        con.execute("INSERT INTO people (person_id, full_name, name_key, source_id) "
                    "VALUES (?, ?, ?, ?)", [person, full_name, name_key(full_name),
                                            CATALOGUE_SOURCE])
        con.execute("INSERT INTO commission_members (commission_id, person_id, role, "
                    "profession, source_id) VALUES ('com:na-1', ?, ?, ?, ?)",
                    [person, role, profession, CATALOGUE_SOURCE])


#: Dated events written by add_catalogue, all kinds (the calendar holds each).
def dated_events(today: dt.date) -> int:
    return sum(len(v) for v in dates(today).values()) + 1  # + the closing of na-ancien
