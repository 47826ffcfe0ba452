"""The levels side by side (queries.scheme_levels): the expected table of a hand-made catalogue
written out here (tests/scheme_stores.py), reach and exclusions case by case, and the real
store's table recomputed with plain SQL."""

from __future__ import annotations

import pytest

from cineatlas import Store
from cineatlas.queries.scheme_levels import MAIN_STAGES, coverage, levels_table
from cineatlas.schemes.geography import Reach


def table(result: dict) -> dict:
    """{stage: {level: [(name, coverage, stage_basis, n_awards)]}}, empty cells left out."""
    return {row["stage"]: {c["level"]: [(s["name"], s["coverage"], s["stage_basis"],
                                         s["n_awards"]) for s in c["schemes"]]
                           for c in row["cells"] if c["schemes"]}
            for row in result["rows"]}


def test_a_region_and_the_levels_above_and_within(handmade) -> None:
    found = levels_table(handmade, "FR-R75")
    assert found["columns"] == ["european", "national", "regional", "departmental", "local"]
    assert table(found) == {
        "writing": {"national": [("Écrire un court", "whole", "name", None)],
                    "regional": [("Aide à l'écriture", "whole", "published", 5)]},
        "development": {},
        "production": {"departmental": [("Fonds Gironde", "part", "decisions", 2)]},
        "distribution": {},
        None: {"national": [("Aide au programme", "whole", None, None)]},
    }
    assert found["blind_spots"] == ["development", "distribution"]
    assert found["overlaps"] == [{"stage": "writing", "levels": ["national", "regional"]}]
    assert [s["name"] for s in found["unknown_reach"]] == ["Fonds sans territoire"]
    assert found["n_schemes"] == 4 and found["sources"] == ["hand:schemes"]
    assert found["territory"]["name"] == "Nouvelle-Aquitaine"


def test_a_departement_and_another_region(handmade) -> None:
    gironde = table(levels_table(handmade, "FR-D33"))
    assert gironde["production"] == {"departmental": [("Fonds Gironde", "whole", "decisions", 2)]}
    assert gironde["writing"]["regional"] == [("Aide à l'écriture", "whole", "published", 5)]
    occitanie = levels_table(handmade, "FR-R76")
    assert table(occitanie)["development"] == {
        "regional": [("Aide Occitanie", "whole", "published", None)]}
    assert "regional" not in table(occitanie)["writing"]  # Nouvelle-Aquitaine's does not reach
    assert occitanie["blind_spots"] == ["production", "distribution"]
    assert levels_table(handmade, "FR-R00") is None


@pytest.mark.parametrize(("reach", "territory", "expected"), [
    (Reach(("FR",), (), "published"), "FR-R75", "whole"),
    (Reach(("FR",), ("FR-D33",), "published"), "FR-R75", "part"),    # excluded within
    (Reach(("FR",), ("FR-D33",), "published"), "FR-D33", None),      # excluded itself
    (Reach(("FR",), ("FR-D33",), "published"), "FR-C33063", None),   # excluded above it
    (Reach(("FR-C33063",), (), "published"), "FR-R75", "part"),      # a commune within
    (Reach(("FR-R76",), (), "funder"), "FR-R75", None),
])
def test_coverage(handmade, reach, territory, expected) -> None:
    from cineatlas.queries.scheme_levels import _ancestors

    above = _ancestors(handmade, [territory, *reach.territories, *reach.exclusions])
    assert coverage(reach, territory, above) == expected


def test_the_real_store(real_schemes) -> None:
    with Store(real_schemes, read_only=True) as store:
        quebec = levels_table(store, "CA-QC")
        expected: dict = {}
        for name, stage in store.frame("SELECT name, stage FROM schemes WHERE source_id LIKE "
                                       "'telefilm:%'").rows():
            expected.setdefault(stage, []).append(name)
        found = {row["stage"]: sorted(s["name"] for c in row["cells"] for s in c["schemes"])
                 for row in quebec["rows"]}
        assert {k: v for k, v in found.items() if v} == {k: sorted(v)
                                                         for k, v in expected.items()}
        assert all(s["coverage"] == "whole" and c["level"] == "national"
                   for row in quebec["rows"] for c in row["cells"] for s in c["schemes"])
        assert quebec["blind_spots"] == [s for s in MAIN_STAGES if s not in expected]
        # France's région: the CNC Talent fund and its volets, stages observed in decisions
        region = levels_table(store, "FR-R52")
        observed = {}
        for name, stage in store.frame(
                "SELECT DISTINCT s.name, a.stage FROM awards a JOIN schemes s USING (scheme_id) "
                "WHERE s.source_id LIKE 'cnc-commissions:%' AND a.superseded_by IS NULL").rows():
            observed.setdefault(name, set()).add(stage)
        rows = {name: {stage for stage in stages if stage} or {None}
                for name, stages in observed.items()}
        found = {}
        for row in region["rows"]:
            for c in row["cells"]:
                for s in c["schemes"]:
                    assert c["level"] == "national" and s["coverage"] == "whole"
                    assert s["stage_basis"] == ("decisions" if row["stage"] else None)
                    found.setdefault(s["name"], set()).add(row["stage"])
        assert found == rows
