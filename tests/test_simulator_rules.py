"""The simulator's rules, one hand-computed case each: three Regions, two axes.

The base case (amounts in euros, over the period):

    Region  population  rural share  overseas   writing_development   image_education
    R-A          1,000          0.6     no       commitment 1,000        commitment 300
    R-B          2,000          0.2     no       commitment 3,000        commitment 500
    R-C          1,000          0.0     yes      commitment   600.01     commitment 100

writing_development is matching 1:2; image_education is fixed, 100 € per Region. The national
envelope is 10,000 € and there is no solidarity reserve unless a test adds one.
"""

from __future__ import annotations

import copy
from typing import Any

import polars as pl
import pytest

from cineatlas.simulator import RegionFacts, Scenario, simulate

FACTS = {
    "R-A": RegionFacts("R-A", "A", 1000, False, (("dense", 400), ("rural", 600)), 1000),
    "R-B": RegionFacts("R-B", "B", 2000, False, (("dense", 1600), ("rural", 400)), 2000),
    "R-C": RegionFacts("R-C", "C", 1000, True, (("dense", 1000),), 1000),
}

BASE: dict[str, Any] = {
    "scenario": {"id": "case", "period": [2026, 2028]},
    "envelope": {"national": 10_000},
    "rules": {"effort": "actual", "freeze": False, "overflow": "pro_rata"},
    "axes": {"writing_development": {"kind": "matching", "ratio": "1:2", "priority": 1},
             "image_education": {"kind": "fixed", "amount": 100, "priority": 2}},
    "regions": {
        "R-A": {"writing_development": {"commitment": 1000}, "image_education": 300},
        "R-B": {"writing_development": {"commitment": 3000}, "image_education": 500},
        "R-C": {"writing_development": {"commitment": 600.01}, "image_education": 100},
    },
}


def scenario(**changes: Any) -> Scenario:
    """The base case with `changes` merged in (nested dicts merge, other values replace)."""
    data = copy.deepcopy(BASE)

    def merge(into: dict, new: dict) -> None:
        for key, value in new.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value
    merge(data, changes)
    return Scenario.from_dict(data)


def cnc(result, region: str, axis: str) -> int:
    """CNC cents on one line."""
    row = result.lines.filter((pl.col("region_id") == region) & (pl.col("axis") == axis))
    return row["cnc_cents"].item()


def step(result, region: str, axis: str, name: str) -> int:
    row = result.explanation.filter((pl.col("region_id") == region) & (pl.col("axis") == axis)
                                    & (pl.col("step") == name))
    return row["amount_cents"].item()


def assert_explained(result) -> None:
    """The explanation's steps add up to every line's contribution, to the cent."""
    sums = result.explanation.group_by("region_id", "axis").agg(pl.col("amount_cents").sum())
    joined = result.lines.join(sums, on=["region_id", "axis"], how="full", coalesce=True)
    assert joined.filter(pl.col("cnc_cents") != pl.col("amount_cents")).height == 0
    assert joined["amount_cents"].null_count() == 0 and joined["cnc_cents"].null_count() == 0
    s = result.summary
    assert s["allocated_cents"] + s["unallocated_cents"] == s["national_envelope_cents"]


def test_matching_and_fixed_base() -> None:
    r = simulate(scenario(), facts=FACTS)
    # matching 1:2, rounded down: A 1,000 / 2 = 500 €; B 3,000 / 2 = 1,500 €;
    # C 600.01 / 2 = 300.005 € → 30,000.5 cents → 30,000 cents (300.00 €)
    assert [cnc(r, x, "writing_development") for x in FACTS] == [500_00, 1500_00, 300_00]
    # fixed: 100 € each, whatever the commitment
    assert [cnc(r, x, "image_education") for x in FACTS] == [100_00] * 3
    # claims 2,600 € within 10,000 €: 7,400 € stay unallocated
    assert (r.summary["binding"], r.summary["unallocated_cents"]) == (False, 7400_00)
    # effective ratio of R-A's writing line: 500 / 1,000 = 0.5, i.e. exactly the 1:2 rule
    a = r.lines.filter((pl.col("region_id") == "R-A") & (pl.col("axis") == "writing_development"))
    assert (a["effective_ratio"].item(), a["ratio_vs_reference"].item()) == (0.5, 1.0)
    # image education of R-A: reference 300 / 2 = 150 €, CNC 100 € → 50 € missing
    ie = r.lines.filter((pl.col("region_id") == "R-A") & (pl.col("axis") == "image_education"))
    assert (ie["missing_cents"].item(), ie["excess_cents"].item()) == (50_00, 0)
    # total public money 300 + 100 = 400 €; per inhabitant 400 / 1,000 = 0.40 €
    assert (ie["total_public_cents"].item(), ie["total_public_per_inhabitant"].item()) == (
        400_00, pytest.approx(0.4))
    assert_explained(r)


def test_effort_follows_actual_spending_or_the_lower() -> None:
    regions = {"R-A": {"writing_development": {"commitment": 1000, "actual": 800}},
               "R-B": {"writing_development": {"commitment": 3000, "actual": 3500}}}
    r = simulate(scenario(regions=regions), facts=FACTS)
    # actual: A 800 / 2 = 400 € (effort step 400 − 500 = −100 €); B 3,500 / 2 = 1,750 € (+250 €);
    # C has no actual: commitment kept, 300 €
    assert [cnc(r, x, "writing_development") for x in FACTS] == [400_00, 1750_00, 300_00]
    assert (step(r, "R-A", "writing_development", "effort"),
            step(r, "R-B", "writing_development", "effort")) == (-100_00, 250_00)
    lower = simulate(scenario(regions=regions, rules={"effort": "lower"}), facts=FACTS)
    # lower of both: A min(1,000, 800) / 2 = 400 €; B min(3,000, 3,500) / 2 = 1,500 €
    assert [cnc(lower, x, "writing_development") for x in FACTS] == [400_00, 1500_00, 300_00]
    signed = simulate(scenario(regions=regions, rules={"effort": "commitment"}), facts=FACTS)
    assert [cnc(signed, x, "writing_development") for x in FACTS] == [500_00, 1500_00, 300_00]
    # fixed axes do not follow effort
    assert cnc(r, "R-A", "image_education") == 100_00
    assert_explained(r)


def test_enhanced_partnership_for_opt_in_regions() -> None:
    r = simulate(scenario(partnership={"regions": ["R-A"],
                                       "ratio": {"writing_development": "1:1"}}), facts=FACTS)
    # R-A opts in: 1,000 × 1/1 = 1,000 € instead of 500 € (partnership step +500 €)
    assert [cnc(r, x, "writing_development") for x in FACTS] == [1000_00, 1500_00, 300_00]
    assert step(r, "R-A", "writing_development", "partnership") == 500_00
    assert step(r, "R-B", "writing_development", "partnership") == 0
    assert r.regions.filter(pl.col("region_id") == "R-A")["partnership"].item() is True
    assert_explained(r)


def test_partnership_follows_the_effort_and_steps_add_up() -> None:
    r = simulate(scenario(regions={"R-A": {"writing_development": {"commitment": 1000,
                                                                   "actual": 800}}},
                          partnership={"regions": ["R-A"],
                                       "ratio": {"writing_development": "1:1"}}), facts=FACTS)
    # R-A: base 1,000 / 2 = 500 €; effort: actual 800 / 2 = 400 € (−100 €); partnership:
    # 800 × 1/1 = 800 € (+400 €); 500 − 100 + 400 = 800 €
    assert [step(r, "R-A", "writing_development", s) for s in ("base", "effort", "partnership")
            ] == [500_00, -100_00, 400_00]
    assert cnc(r, "R-A", "writing_development") == 800_00
    assert_explained(r)


def test_fixed_amount_overridden_by_a_line() -> None:
    r = simulate(scenario(regions={"R-C": {"image_education": {"commitment": 100,
                                                               "amount": 250}}}), facts=FACTS)
    # the axis gives 100 € per Region; R-C's line says 250 €, whatever its commitment (100 €)
    assert [cnc(r, x, "image_education") for x in FACTS] == [100_00, 100_00, 250_00]
    # its effective ratio is 250 / 100 = 2.5, i.e. 5 times the 1:2 rule: 250 − 50 = 200 € in
    # excess of the reference 100 / 2 = 50 €
    c = r.lines.filter((pl.col("region_id") == "R-C") & (pl.col("axis") == "image_education"))
    assert (c["effective_ratio"].item(), c["ratio_vs_reference"].item(),
            c["excess_cents"].item()) == (2.5, 5.0, 200_00)
    assert_explained(r)


def test_caps_per_axis_and_per_line() -> None:
    r = simulate(scenario(axes={"writing_development": {"cap": 1000}},
                          regions={"R-C": {"writing_development": {"commitment": 600.01,
                                                                   "cap": 250}}}), facts=FACTS)
    # axis cap 1,000 €: B 1,500 → 1,000 (cap step −500 €); A 500 unchanged;
    # C's own cap 250 €: 300 → 250 (−50 €)
    assert [cnc(r, x, "writing_development") for x in FACTS] == [500_00, 1000_00, 250_00]
    assert step(r, "R-B", "writing_development", "cap") == -500_00
    assert step(r, "R-C", "writing_development", "cap") == -50_00
    assert_explained(r)


def test_freeze_at_previous_level() -> None:
    previous = {"R-A": {"writing_development": {"commitment": 1000, "previous": 450},
                        "image_education": {"commitment": 300, "previous": 80}},
                "R-B": {"writing_development": {"commitment": 3000, "previous": 2000},
                        "image_education": {"commitment": 500, "previous": 80}},
                "R-C": {"writing_development": {"commitment": 600.01, "previous": 100},
                        "image_education": {"commitment": 100, "previous": 80}}}
    r = simulate(scenario(regions=previous, rules={"freeze": True}), facts=FACTS)
    # A: min(500, 450) = 450 €; B: min(1,500, 2,000) = 1,500 €; C: min(300, 100) = 100 €;
    # image education: min(100, 80) = 80 € each
    assert [cnc(r, x, "writing_development") for x in FACTS] == [450_00, 1500_00, 100_00]
    assert [cnc(r, x, "image_education") for x in FACTS] == [80_00] * 3
    assert step(r, "R-C", "writing_development", "freeze") == -200_00
    off = simulate(scenario(regions=previous), facts=FACTS)
    assert cnc(off, "R-C", "writing_development") == 300_00
    assert_explained(r)


def test_pro_rata_when_claims_exceed_the_envelope() -> None:
    r = simulate(scenario(envelope={"national": 1500}), facts=FACTS)
    # claims: A 500 + 100, B 1,500 + 100, C 300 + 100 = 2,600 € > 1,500 €: each × 15/26.
    # In cents, floor and remainder (×26): A-wd 50,000 × 15 / 26 = 28,846 r 4;
    # A-ie 10,000 × 15 / 26 = 5,769 r 6 (same for B-ie, C-ie); B-wd 150,000 × 15 / 26 =
    # 86,538 r 12; C-wd 30,000 × 15 / 26 = 17,307 r 18. Floors add up to 149,998: the 2 cents
    # left go to the largest remainders, C-wd (18) and B-wd (12).
    assert [cnc(r, x, "writing_development") for x in FACTS] == [28_846, 86_539, 17_308]
    assert [cnc(r, x, "image_education") for x in FACTS] == [5_769] * 3
    assert (r.summary["binding"], r.summary["allocated_cents"],
            r.summary["unallocated_cents"]) == (True, 1500_00, 0)
    # B's writing line is short of its claim by 150,000 − 86,539 = 63,461 cents
    b = r.lines.filter((pl.col("region_id") == "R-B") & (pl.col("axis") == "writing_development"))
    assert b["shortfall_cents"].item() == 63_461
    assert_explained(r)


def test_priority_order_when_claims_exceed_the_envelope() -> None:
    r = simulate(scenario(envelope={"national": 2450}, rules={"overflow": "priority"}),
                 facts=FACTS)
    # priority 1, writing: 500 + 1,500 + 300 = 2,300 € fit whole; 150 € are left for
    # priority 2, image education, whose claims (300 €) are cut pro rata: 50 € each
    assert [cnc(r, x, "writing_development") for x in FACTS] == [500_00, 1500_00, 300_00]
    assert [cnc(r, x, "image_education") for x in FACTS] == [50_00] * 3
    assert r.summary["unallocated_cents"] == 0
    assert_explained(r)


def test_priority_first_level_short_later_levels_nothing() -> None:
    r = simulate(scenario(envelope={"national": 2000}, rules={"overflow": "priority"}),
                 facts=FACTS)
    # priority 1, writing: claims 2,300 € > 2,000 €: cut × 20/23. In cents, floor and
    # remainder (×23): A 50,000 × 20 / 23 = 43,478 r 6; B 150,000 × 20 / 23 = 130,434 r 18;
    # C 30,000 × 20 / 23 = 26,086 r 22. Floors add up to 199,998: the 2 cents left go to C (22)
    # and B (18). Priority 2, image education: nothing is left, 0 each.
    assert [cnc(r, x, "writing_development") for x in FACTS] == [43_478, 130_435, 26_087]
    assert [cnc(r, x, "image_education") for x in FACTS] == [0, 0, 0]
    assert step(r, "R-A", "image_education", "envelope") == -100_00
    assert (r.summary["allocated_cents"], r.summary["unallocated_cents"]) == (2000_00, 0)
    assert_explained(r)


SOLIDARITY = {"share": 0.1, "overseas": True, "classes": ["rural", "remote_rural"],
              "min_share": 0.5, "key": "fragile_population", "catch_up": True}


def test_solidarity_catch_up_then_key() -> None:
    r = simulate(scenario(solidarity=SOLIDARITY), facts=FACTS)
    # reserve 10% of 10,000 € = 1,000 €; eligible: R-A (rural 60% ≥ 50%), R-C (overseas);
    # not R-B (rural 20%). CNC before solidarity: A 600 € / 1,000 inh. = 0.60 €; B 1,600 € /
    # 2,000 = 0.80 €; C 400 € / 1,000 = 0.40 €. Median 0.60 €.
    # catch-up needs: A 0.60 × 1,000 − 600 = 0; C 0.60 × 1,000 − 400 = 200 € → C gets 200 €.
    # The 800 € left go by the key, fragile population: A 600 (its rural people), C 1,000
    # (overseas: all): A 800 × 600 / 1,600 = 300 €, C 800 × 1,000 / 1,600 = 500 €.
    solidarity = dict(zip(r.regions["region_id"], r.regions["solidarity_cents"], strict=True))
    assert solidarity == {"R-A": 300_00, "R-B": 0, "R-C": 700_00}
    assert step(r, "R-C", "solidarity", "solidarity_catch_up") == 200_00
    assert step(r, "R-C", "solidarity", "solidarity_key") == 500_00
    # totals: A 900 €, B 1,600 €, C 1,100 €; allocated 3,600 €, unallocated 6,400 €
    assert r.regions["cnc_cents"].to_list() == [900_00, 1600_00, 1100_00]
    assert (r.summary["allocated_cents"], r.summary["unallocated_cents"]) == (3600_00, 6400_00)
    assert r.summary["median_cnc_per_inhabitant"] == pytest.approx(0.6)
    assert_explained(r)


def test_solidarity_catch_up_short_reserve_and_other_keys() -> None:
    short = simulate(scenario(solidarity={**SOLIDARITY, "share": 0.01}), facts=FACTS)
    # reserve 1% of 10,000 € = 100 € < C's need of 200 €: all of it to C, nothing by the key
    assert short.regions["solidarity_cents"].to_list() == [0, 0, 100_00]
    by_key = simulate(scenario(solidarity={**SOLIDARITY, "catch_up": False, "key": "equal"}),
                      facts=FACTS)
    # no catch-up, equal key: 1,000 € / 2 eligible Regions = 500 € each
    assert by_key.regions["solidarity_cents"].to_list() == [500_00, 0, 500_00]
    assert_explained(by_key)


def test_solidarity_eligibility() -> None:
    def eligible(**rule: Any) -> list[bool | None]:
        r = simulate(scenario(solidarity={**SOLIDARITY, **rule}), facts=FACTS)
        return r.regions["solidarity_eligible"].to_list()
    # rural share (rural + remote_rural) of A 600 / 1,000 = 0.6, B 400 / 2,000 = 0.2, C 0;
    # C is overseas. min_share 0.5: A (0.6 ≥ 0.5) and C (overseas); not B (0.2)
    assert eligible() == [True, False, True]
    # overseas not counted: C (0 rural) is out
    assert eligible(overseas=False) == [True, False, False]
    # min_share 0.2: B (0.2 ≥ 0.2) is in
    assert eligible(min_share=0.2) == [True, True, True]
    # only "dense" counts as fragile, min_share 0.5: A 400 / 1,000 = 0.4 out,
    # B 1,600 / 2,000 = 0.8 in, C overseas in
    assert eligible(classes=["dense"]) == [False, True, True]


def test_solidarity_keys_without_catch_up() -> None:
    def parts(key: str) -> list[int]:
        r = simulate(scenario(solidarity={**SOLIDARITY, "min_share": 0.2, "catch_up": False,
                                          "key": key}), facts=FACTS)
        assert_explained(r)
        return r.regions["solidarity_cents"].to_list()
    # reserve 1,000 € = 100,000 cents; all three eligible (min_share 0.2)
    # population 1,000 / 2,000 / 1,000: 250 €, 500 €, 250 €
    assert parts("population") == [250_00, 500_00, 250_00]
    # fragile population: A 600 rural, B 400 rural, C 1,000 (overseas: all), of 2,000:
    # 1,000 × 600 / 2,000 = 300 €, 200 €, 500 €
    assert parts("fragile_population") == [300_00, 200_00, 500_00]
    # equal: 100,000 / 3 = 33,333 r 1 each; the cent left goes to the earliest tie, A
    assert parts("equal") == [33_334, 33_333, 33_333]


def test_solidarity_without_eligible_region_stays_in_the_envelope() -> None:
    strict = {**SOLIDARITY, "overseas": False, "min_share": 0.9}
    r = simulate(scenario(solidarity=strict, envelope={"national": 1500}), facts=FACTS)
    # nobody eligible: no reserve, the whole 1,500 € go to the conventions (pro rata as above)
    assert r.summary["solidarity_reserve_cents"] == 0
    assert r.summary["conventions_allocated_cents"] == 1500_00
    assert any("no Region is eligible" in note for note in r.notes)


def test_unknown_population_is_unknown_not_zero() -> None:
    facts = {**FACTS, "R-B": RegionFacts("R-B", "B", None)}
    r = simulate(scenario(solidarity=SOLIDARITY), facts=facts)
    b = r.regions.filter(pl.col("region_id") == "R-B")
    assert b["population"].item() is None and b["cnc_per_inhabitant"].item() is None
    assert b["solidarity_eligible"].item() is None
    # the equity measures leave R-B out instead of counting it as 0 inhabitants
    gini = r.equity.filter((pl.col("measure") == "gini") & (pl.col("of") == "cnc"))
    assert gini["value"].item() is not None
    assert any("population unknown for R-B" in note for note in r.notes)


def test_a_region_unknown_to_the_population_data_is_an_error() -> None:
    with pytest.raises(Exception, match=r"regions\.R-A: no such Region"):
        simulate(scenario(), facts={"R-B": FACTS["R-B"], "R-C": FACTS["R-C"]})


def test_population_as_a_plain_mapping() -> None:
    r = simulate(scenario(), population={"R-A": 1000, "R-B": 2000, "R-C": None})
    assert r.regions["cnc_per_inhabitant"].to_list() == [pytest.approx(0.6),
                                                         pytest.approx(0.8), None]
