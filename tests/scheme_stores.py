"""Stores for the tests of what schemes fund, the levels table and the transparency cards.

`real_schemes`: the real CNC Talent commissions and Telefilm files imported into a copy of the
reference store (once per session). `handmade`: a small catalogue written here, every value
chosen by hand so that the expected figures can be written in the tests:

- Région Nouvelle-Aquitaine (FR-R75) runs *Aide à l'écriture* (stage writing, published;
  eligibility published; an award list published from 2015; a session with four members;
  application figures for 2020) with five EUR contracts — one amended (its first row is
  superseded) — and one CAD award;
- Département de la Gironde (FR-D33) runs *Fonds Gironde* (no stage: production observed in
  its two awards);
- the CNC (national, France) runs *Aide au programme* (no stage, no award) and *Écrire un
  court* (stage writing, read from its name);
- Région Occitanie (FR-R76) runs *Aide Occitanie* (development), which reaches elsewhere;
- a body of no known territory runs *Fonds sans territoire* (reach unknown).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cineatlas import Store, import_file

TALENT = "cnc/cnc-talent-commissions-2017-2024.json"
TELEFILM = "telefilm/telefilm-contributions-2009-2018.csv"
SRC = "hand:schemes"


@pytest.fixture(scope="session")
def real_schemes(shared_data, territories_store, tmp_path_factory) -> Path:
    """Path of a store holding the real CNC Talent and Telefilm files. Read it only."""
    path = tmp_path_factory.mktemp("schemes-real") / "atlas.duckdb"
    shutil.copy(territories_store, path)
    with Store(path) as store:
        import_file("cnc-commissions", shared_data(TALENT), store=store)
        import_file("telefilm", shared_data(TELEFILM), store=store)
    return path


ORGS = [  # id, name, funder_level, governed territory
    ("o/na", "Région Nouvelle-Aquitaine", "regional", "FR-R75"),
    ("o/gironde", "Département de la Gironde", "departmental", "FR-D33"),
    ("o/cnc", "CNC", "national", "FR"),
    ("o/occitanie", "Région Occitanie", "regional", "FR-R76"),
    ("o/nowhere", "Fonds privé", None, None),
]
SCHEMES = [  # id, funder, name, level, stage, stages
    ("s/ecriture", "o/na", "Aide à l'écriture", "regional", None, ["writing"]),
    ("s/gironde", "o/gironde", "Fonds Gironde", "departmental", None, None),
    ("s/programme", "o/cnc", "Aide au programme", "national", None, None),
    ("s/court", "o/cnc", "Écrire un court", "national", None, ["writing"]),
    ("s/occitanie", "o/occitanie", "Aide Occitanie", "regional", "development", None),
    ("s/nowhere", "o/nowhere", "Fonds sans territoire", None, None, None),
]
#: id, scheme, amount (cents), currency, year, first_work, beneficiary place, superseded_by
AWARDS = [
    ("a1", "s/ecriture", 100_000, "EUR", 2020, True, "FR-C33063", None),     # Bordeaux
    ("a2", "s/ecriture", 200_000, "EUR", 2020, False, "FR-C75056", None),    # Paris
    ("a3", "s/ecriture", 400_000, "EUR", 2021, None, "FR", None),            # France only
    ("a4", "s/ecriture", None, "EUR", 2021, True, None, None),               # amount unknown
    ("a5-first", "s/ecriture", 999_900, "EUR", 2021, True, "FR-C33063", "a5"),  # amended
    ("a5", "s/ecriture", 300_000, "EUR", 2022, True, "FR-C33063", None),
    ("a6", "s/ecriture", 50_000, "CAD", 2022, False, "CA-QC", None),
    ("g1", "s/gironde", 700_000, "EUR", 2019, None, "FR-C33063", None),
    ("g2", "s/gironde", 800_000, "EUR", 2019, None, "FR-C33063", None),
]


@pytest.fixture
def handmade(store: Store) -> Store:
    """The reference store plus the hand-made catalogue above."""
    con = store.con
    for oid, name, level, governed in ORGS:
        con.execute("INSERT INTO organisations (organisation_id, name, name_key, kind, "
                    "is_funder, funder_level, governed_territory_id, source_id) VALUES "
                    "(?, ?, lower(?), 'public_body', TRUE, ?, ?, ?)",
                    [oid, name, name, level, governed, SRC])
    for sid, funder, name, level, stage, stages in SCHEMES:
        con.execute("INSERT INTO schemes (scheme_id, funder_id, name, name_key, level, stage, "
                    "stages, source_id) VALUES (?, ?, ?, lower(?), ?, ?, ?, ?)",
                    [sid, funder, name, name, level, stage, stages, SRC])
    con.execute("INSERT INTO scheme_field_sources VALUES ('s/ecriture', 'stages', ?, 'p. 1', "
                "'published', FALSE), ('s/court', 'stages', ?, NULL, 'name', FALSE), "
                "('s/ecriture', 'eligibility', ?, 'p. 2', 'published', FALSE)", [SRC] * 3)
    con.execute("UPDATE schemes SET eligibility = 'Auteurs résidant en Nouvelle-Aquitaine' "
                "WHERE scheme_id = 's/ecriture'")
    con.execute("INSERT INTO scheme_documents VALUES ('s/ecriture', 'award_list', "
                "'Aides attribuées', 'https://example.org/aides', 2015, ?, FALSE)", [SRC])
    for aid, scheme, amount, currency, year, first, place, superseded in AWARDS:
        funder = next(s[1] for s in SCHEMES if s[0] == scheme)
        con.execute("INSERT INTO awards (award_id, source_id, funder_id, scheme_id, "
                    "amount_minor, currency, fiscal_year, first_work, stage, format, "
                    "beneficiary_territory_id, superseded_by, sector, commission_id) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'cinema-audiovisual', ?)",
                    [aid, SRC, funder, scheme, amount, currency, year, first,
                     "writing" if scheme == "s/ecriture" and aid != "a3" else
                     ("production" if scheme == "s/gironde" else None),
                     "short" if aid in ("a1", "a2", "a5") else None, place, superseded,
                     "c/1" if aid in ("a1", "a2") else None])
    con.execute("INSERT INTO commissions (commission_id, funder_id, scheme_id, name, year, "
                "session_date, url, source_id) VALUES ('c/1', 'o/na', 's/ecriture', "
                "'Commission écriture', 2020, '2020-03-12', 'https://example.org/c1', ?), "
                "('c/2', 'o/na', 's/ecriture', 'Commission écriture', 2021, NULL, NULL, ?)",
                [SRC, SRC])
    for person, role, gender, elected in [("p1", "chair", "female", False),
                                          ("p2", "member", "male", True),
                                          ("p3", "member", None, None),
                                          ("p4", "reader", "female", False)]:
        con.execute("INSERT INTO commission_members (commission_id, person_id, role, gender, "
                    "is_elected_official, source_id) VALUES ('c/1', ?, ?, ?, ?, ?)",
                    [person, role, gender, elected, SRC])
    con.execute("INSERT INTO application_stats VALUES ('o/na', 's/ecriture', 2020, 10, 3, ?, "
                "FALSE), ('o/na', 's/ecriture', 2021, NULL, 2, ?, FALSE)", [SRC, SRC])
    return store
