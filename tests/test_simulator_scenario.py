"""Scenario files: the shipped starting scenario, TOML and YAML alike, round trips, the
overrides the web form uses, and errors that name the file, the field and the fix."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from cineatlas.errors import AtlasError
from cineatlas.simulator import (
    AxisRule,
    Line,
    RegionFacts,
    RegionInput,
    Scenario,
    ScenarioError,
    load_scenario,
    shipped_scenarios,
    simulate,
    starting_scenario,
    sweep,
)

TOML = """
[scenario]
id = "small"
period = [2026, 2028]

[envelope]
national = 1_500.50
source = "a published decision"
illustrative = false

[axes.writing_development]
ratio = "1:2"

[regions.R-A]
writing_development = { commitment = 1000, actual = 800 }
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_starting_scenario_is_public_rules_and_illustrative_figures() -> None:
    s = starting_scenario()
    assert "conventions-2026-2028" in shipped_scenarios()
    assert s.period == (2026, 2028)
    assert len(s.regions) == 18 and all(r.region_id.startswith("FR-R") for r in s.regions)
    # the 1:2 rule is cited where it is public; every other figure is illustrative
    assert s.rule("writing_development").ratio == Fraction(1, 2)
    sourced = {p.table for p in s.provenance if not p.illustrative}
    assert sourced == {"axes.writing_development", "axes.creation_production"}
    assert s.illustrative and "envelope" in s.illustrative_tables
    assert all(f"regions.{r}" in s.illustrative_tables for r in s.region_ids)
    # the freeze can be switched on: every line has its previous level
    assert s.with_overrides(freeze=True).freeze is True


def test_toml_and_yaml_read_alike_and_round_trip(tmp_path) -> None:
    from_toml = load_scenario(write(tmp_path, TOML))
    assert from_toml.national_envelope == 1500_50
    line = from_toml.regions[0].line("writing_development")
    assert (line.commitment, line.actual, line.previous) == (1000_00, 800_00, None)
    data = from_toml.to_dict()
    from_yaml = load_scenario(write(tmp_path, yaml.safe_dump(data, allow_unicode=True),
                                    "s.yaml"))
    assert from_yaml.replace(path=None) == from_toml.replace(path=None)
    # the sourced envelope is not illustrative, the Region's figures (no source) are
    assert from_toml.illustrative_tables == ("regions.R-A",)
    shipped = starting_scenario()
    assert Scenario.from_dict(shipped.to_dict()) == shipped.replace(path=None)


def test_overrides_change_the_main_parameters_and_mark_them() -> None:
    s = starting_scenario()
    changed = s.with_overrides(national_envelope=90_000_000_00,
                               ratios={"writing_development": "1:1"}, solidarity_share=0.1,
                               freeze=True, overflow="priority", partnership_regions=["FR-R53"])
    assert changed.national_envelope == 90_000_000_00
    assert changed.rule("writing_development").ratio == Fraction(1)
    assert (changed.solidarity.share, changed.freeze, changed.overflow) == (
        Fraction(1, 10), True, "priority")
    assert changed.partnership.regions == ("FR-R53",)
    # a ratio set by the user is no longer the cited public rule
    assert "axes.writing_development" in changed.illustrative_tables
    assert dict(changed.overrides)["ratio.writing_development"] == "1:1"
    assert s.national_envelope != changed.national_envelope  # the original is unchanged
    again = Scenario.from_dict(changed.to_dict())
    assert again.overrides == changed.overrides


def test_bad_overrides_name_the_parameter() -> None:
    s = starting_scenario()
    with pytest.raises(ScenarioError) as info:
        s.with_overrides(ratios={"image_education": "1:2", "diffusion": "two"},
                         overflow="random", partnership_regions=["FR-R99"],
                         solidarity_share=2)
    fields = {f for f, _ in info.value.problems}
    assert fields == {"ratio.image_education", "ratio.diffusion", "overflow",
                      "partnership_regions", "solidarity_share"}


def test_every_problem_is_reported_with_file_and_field(tmp_path) -> None:
    path = write(tmp_path, """
[scenario]
id = "bad"
period = [2028, 2026]

[envelope]
national = -5

[rules]
overflw = "pro_rata"
freeze = "yes"

[axes.writing_developement]
ratio = "1:2"

[axes.image_education]
kind = "fixed"

[regions.R-A]
image_education = { commitment = 10.001 }
""")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert isinstance(error, AtlasError)
    message = str(error)
    assert message.startswith(f"{path}: ")
    fields = dict(error.problems)
    assert set(fields) == {"scenario.period", "envelope.national", "rules.overflw",
                           "rules.freeze", "axes.writing_developement",
                           "regions.R-A.image_education.commitment",
                           "regions.R-A.image_education.amount"}
    assert "[first year, last year]" in fields["scenario.period"]
    assert "is negative" in fields["envelope.national"]
    assert "did you mean 'writing_development'?" in fields["axes.writing_developement"]
    assert "did you mean 'overflow'?" in fields["rules.overflw"]
    assert "more than two decimals" in fields["regions.R-A.image_education.commitment"]
    assert "set axes.image_education.amount" in fields["regions.R-A.image_education.amount"]
    for field in fields:
        assert f"  - {field}: " in message


def test_freeze_needs_previous_levels(tmp_path) -> None:
    path = write(tmp_path, TOML.replace('ratio = "1:2"', 'ratio = "1:2"\n\n[rules]\nfreeze = true'))
    with pytest.raises(ScenarioError, match=r"regions\.R-A\.writing_development\.previous: "
                                            r"missing: the freeze is on"):
        load_scenario(path)


def test_unreadable_files(tmp_path) -> None:
    with pytest.raises(ScenarioError, match=r"no-such\.toml: \(file\): no such file.*"
                                            r"conventions-2026-2028"):
        load_scenario(tmp_path / "no-such.toml")
    with pytest.raises(ScenarioError, match=r"s\.toml: \(syntax\): .*line 2"):
        load_scenario(write(tmp_path, "[scenario]\nid = \n"))
    with pytest.raises(ScenarioError, match=r"s\.txt: \(file\): unknown file type"):
        load_scenario(write(tmp_path, "x", "s.txt"))
    with pytest.raises(ScenarioError, match=r"\(top\)\.regions: missing"):
        Scenario.from_dict({"scenario": {"id": "x"}, "envelope": {"national": 1},
                            "axes": {"diffusion": {}}})


def test_a_scenario_built_in_code_is_checked_before_it_runs() -> None:
    facts = {"R-A": RegionFacts("R-A", population=1000)}
    fixed = Scenario(id="code", title="code", national_envelope=1000_00,
                     axes=(AxisRule("image_education", kind="fixed", ratio=None),),
                     regions=(RegionInput("R-A", None, (("image_education", Line(300_00)),)),))
    # a fixed line without an amount is not read as 0 €, nor a frozen line without its
    # previous level as "not frozen": both are errors naming the field
    with pytest.raises(ScenarioError) as info:
        simulate(fixed.replace(freeze=True, national_envelope=-1), facts=facts)
    assert {f for f, _ in info.value.problems} == {
        "envelope.national", "regions.R-A.image_education.amount",
        "regions.R-A.image_education.previous"}
    assert "set axes.image_education.amount" in str(info.value)


def test_ratios_are_bounded_and_the_largest_amounts_stay_exact(tmp_path) -> None:
    path = write(tmp_path, TOML.replace('ratio = "1:2"', 'ratio = "1:0.001"'))
    with pytest.raises(ScenarioError, match=r"axes\.writing_development\.ratio: '1:0\.001' gives "
                                            r"more than 100 CNC euros per Region euro"):
        load_scenario(path)
    # 10**14 cents (the largest amount) × 999,899 / 9,999 (just below the largest ratio):
    # the product overflows 64 bits, the engine's result must not
    s = Scenario.from_dict({
        "scenario": {"id": "big"}, "envelope": {"national": 1_000_000_000_000},
        "axes": {"writing_development": {"ratio": "999899:9999"}},
        "regions": {"R-A": {"writing_development": 1_000_000_000_000}}})
    r = simulate(s, facts={"R-A": RegionFacts("R-A", population=1)})
    assert r.lines["claim_cents"][0] == 10**14 * 999_899 // 9_999  # Python's exact integers
    assert r.summary["allocated_cents"] == 10**14  # binding: the whole envelope, to the cent


def test_sweep_values_are_checked() -> None:
    s = Scenario.from_dict({
        "scenario": {"id": "x"}, "envelope": {"national": 1000},
        "axes": {"writing_development": {}}, "regions": {"R-A": {"writing_development": 100}}})
    facts = {"R-A": RegionFacts("R-A", population=1)}
    with pytest.raises(ScenarioError, match=r"national_envelope: 100\.5 is not an envelope in "
                                            r"whole cents"):
        sweep(s, "national_envelope", [100_00, 100.5], facts=facts)
    with pytest.raises(ScenarioError, match=r"ratio\.writing_development: .*more than 100 CNC"):
        sweep(s, "ratio.writing_development", [2, 0.001], facts=facts)
