"""What each scheme really funds (queries.scheme_outcomes), observed in the published decisions.

On the real files (CNC Talent commissions, Telefilm), every figure is recomputed here from the
file itself (json, csv, Decimal; Telefilm's amended contracts by the independent reading of
tests/telefilm_contracts.py) or with plain SQL written here. On a hand-made catalogue
(tests/scheme_stores.py) the expected figures are written out: unknown first works, two
currencies, a superseded amendment, a scheme with no decision at all.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scheme_stores import TALENT, TELEFILM
from telefilm_contracts import contracts, read

from cineatlas import Store
from cineatlas.queries import schemes
from cineatlas.queries.scheme_outcomes import OBSERVED, observed, observed_for


def quantile(values: list[int], p: Decimal) -> Decimal:
    """Linear interpolation between the sorted values (numpy's default, QUARTILE.INC)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = int(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def entry_named(store: Store, name: str):
    cat = schemes.catalogue(store)
    return next(e for e in cat.entries if e.name == name), cat


@pytest.fixture(scope="module")
def real(real_schemes):
    with Store(real_schemes, read_only=True) as store:
        yield store


# -- the real files ---------------------------------------------------------------------------


FUND = "Fonds d'aide aux créateurs vidéo sur Internet (CNC Talent)"


def test_cnc_talent_awards_by_year_and_amounts_equal_the_file(real, shared_data) -> None:
    doc = json.loads(shared_data(TALENT).read_text(encoding="utf-8"))
    date_of = {c["id"]: c["date"] for c in doc["commissions"]}
    per_year: Counter[int] = Counter()
    money: Counter[int] = Counter()
    for p in doc["projects"]:
        year = int(date_of[p["commissionId"]][:4])
        per_year[year] += 1
        money[year] += int(p["amount"]) * 100
    entry, cat = entry_named(real, FUND)
    found = observed(real, entry, cat)
    assert found["label"] == OBSERVED and found["decisions"] is True
    # the fund counts its volets' awards: all the file's projects
    assert found["n_awards"] == len(doc["projects"]) == 635
    assert {r["year"]: r["n"] for r in found["by_year"]} == dict(per_year)
    assert {r["year"]: r["amount_minor"] for r in found["by_year"]} == dict(money)
    assert (found["years"]["first"], found["years"]["last"]) == (min(per_year), max(per_year))
    (eur,) = found["amounts"]
    amounts = [int(p["amount"]) * 100 for p in doc["projects"]]
    assert eur["currency"] == "EUR" and eur["total_minor"] == sum(amounts) == 14_113_061_00
    assert (eur["min_minor"], eur["max_minor"]) == (min(amounts), max(amounts))
    for key, p in (("q1_minor", "0.25"), ("median_minor", "0.5"), ("q3_minor", "0.75")):
        assert Decimal(str(eur[key])) == quantile(amounts, Decimal(p)), key
    assert found["sources"] == ["cnc-commissions:cnc-talent-commissions-2017-2024"]
    assert found["fictitious"] is False


def test_cnc_talent_sessions_and_composition_equal_the_file(real, shared_data) -> None:
    doc = json.loads(shared_data(TALENT).read_text(encoding="utf-8"))
    entry, cat = entry_named(real, FUND)
    sessions = observed(real, entry, cat)["sessions"]
    assert sorted(s["url"] for s in sessions) == sorted(c["url"] for c in doc["commissions"])
    by_date = {str(s["session_date"]): s for s in sessions}
    for c in doc["commissions"]:
        s = by_date[c["date"]]
        assert s["n_awards"] == len(c["projectIds"])
        seats = real.scalar("SELECT count(*) FROM commission_members WHERE commission_id = ?",
                            [s["commission_id"]])
        if not c["memberIds"] and not c["presidentId"]:
            assert seats == 0 and s["n_members"] is None and s["composition"] is None
            continue
        assert s["n_members"] == seats
        roles = dict(real.frame("SELECT role, count(*) FROM commission_members WHERE "
                                "commission_id = ? GROUP BY role", [s["commission_id"]]).rows())
        assert {r["code"]: r["n"] for r in s["composition"]["by_role"]} == roles
        assert roles.get("chair", 0) == (1 if c["presidentId"] else 0)
        # the file publishes no gender: all 'not published', none inferred
        assert s["composition"]["by_gender"] == [{"code": None, "n": seats}]
    # latest first
    dates = [str(s["session_date"]) for s in sessions]
    assert dates == sorted(dates, reverse=True)


def test_a_volet_counts_its_own_awards(real) -> None:
    entry, cat = entry_named(real, FUND + " — Aide à la chaîne")
    found = observed(real, entry, cat)
    expected = real.scalar("SELECT count(*) FROM awards a JOIN schemes s USING (scheme_id) "
                           "WHERE s.name = ?", [entry.name])
    assert found["n_awards"] == expected > 0 and found["volets"] == []
    assert found["sessions"] == []  # the sessions are the fund's


@pytest.fixture(scope="module")
def production(shared_data) -> list[dict]:
    """The Telefilm file's Production Program contracts, each once at its final value."""
    rows = read(shared_data(TELEFILM))
    _, superseded = contracts(rows)
    return [r for r in rows if r["row"] not in superseded and r["Purpose"] == "Production Program"]


def test_telefilm_production_program_equals_the_file(real, production) -> None:
    entry, cat = entry_named(real, "Production Program")
    found = observed(real, entry, cat)
    assert found["n_awards"] == len(production)
    per_year: Counter[int] = Counter()
    money: defaultdict[int, int] = defaultdict(int)
    for r in production:
        year = int(r["Period"][:4])
        per_year[year] += 1
        money[year] += r["amount"] or 0
    assert {r["year"]: r["n"] for r in found["by_year"]} == dict(per_year)
    assert {r["year"]: r["amount_minor"] for r in found["by_year"]} == dict(money)
    assert {r["year"]: r["fiscal_period"] for r in found["by_year"]} == {
        int(r["Period"][:4]): r["Period"] for r in production}
    known = [r["amount"] for r in production if r["amount"] is not None]
    (cad,) = found["amounts"]
    assert cad["currency"] == "CAD" and cad["n"] == len(production)
    assert cad["n_amount_known"] == len(known) < len(production)  # zero final values: unknown
    assert cad["total_minor"] == sum(known)
    for key, p in (("q1_minor", "0.25"), ("median_minor", "0.5"), ("q3_minor", "0.75")):
        assert Decimal(str(cad[key])) == quantile(known, Decimal(p)), key
    assert (cad["min_minor"], cad["max_minor"]) == (min(known), max(known))


def test_telefilm_stages_formats_places_equal_plain_sql(real) -> None:
    entry, cat = entry_named(real, "Production Program")
    found = observed(real, entry, cat)
    where = ("FROM awards a JOIN schemes s USING (scheme_id) WHERE s.name = 'Production Program' "
             "AND a.superseded_by IS NULL")
    for column, key in (("stage", "stages"), ("format", "formats")):
        expected = dict(real.frame(f"SELECT a.{column}, count(*) {where} GROUP BY 1").rows())
        assert {r["code"]: r["n"] for r in found[key]} == expected
    # territories: the region (province) of each beneficiary's place
    placed = where.replace("WHERE", "LEFT JOIN territories t ON t.territory_id = "
                                    "a.beneficiary_territory_id WHERE")
    expected = dict(real.frame(f"SELECT t.region_id, count(*) {placed} GROUP BY 1").rows())
    assert {r["territory_id"]: r["n"] for r in found["territories"]} == expected
    # outside the metropolis, recounted by walking each place's parents here
    places = {tid: (parent, metro) for tid, parent, metro in real.frame(
        "SELECT territory_id, parent_id, metropolis_id FROM territories").rows()}
    coarse = set()
    for parent, metro in places.values():
        while metro is not None and parent is not None:
            if places[parent][1] is None:
                coarse.add(parent)
            parent = places[parent][0]
    counts: Counter[str] = Counter()
    for (tid,) in real.frame(f"SELECT a.beneficiary_territory_id {where}").rows():
        counts["unplaced" if tid is None or tid not in places else
               "in_metropolis" if places[tid][1] else
               "unknown" if tid in coarse else "outside"] += 1
    m = found["metropolis"]
    assert {p: m[f"n_{p}"] for p in ("in_metropolis", "outside", "unknown", "unplaced")} == {
        p: counts[p] for p in ("in_metropolis", "outside", "unknown", "unplaced")}
    assert m["n_in_metropolis"] > 0 and m["n_outside"] > 0
    assert m["share_outside"] == counts["outside"] / (counts["outside"] + counts["in_metropolis"])


# -- the hand-made catalogue ------------------------------------------------------------------


def test_handmade_figures(handmade) -> None:
    entry, cat = entry_named(handmade, "Aide à l'écriture")
    found = observed(handmade, entry, cat)
    # six contracts: the amended one once, at its final value (a5, not a5-first)
    assert found["n_awards"] == 6
    assert [(r["year"], r["currency"], r["n"], r["n_amount_known"], r["amount_minor"])
            for r in found["by_year"]] == [
        (2020, "EUR", 2, 2, 300_000), (2021, "EUR", 2, 1, 400_000),
        (2022, "CAD", 1, 1, 50_000), (2022, "EUR", 1, 1, 300_000)]
    eur, cad = found["amounts"]  # most awards first; never summed across currencies
    assert {k: eur[k] for k in ("currency", "n", "n_amount_known", "total_minor", "min_minor",
                                "q1_minor", "median_minor", "q3_minor", "max_minor")} == {
        "currency": "EUR", "n": 5, "n_amount_known": 4, "total_minor": 1_000_000,
        "min_minor": 100_000, "q1_minor": 175_000, "median_minor": 250_000,
        "q3_minor": 325_000, "max_minor": 400_000}
    assert (cad["currency"], cad["total_minor"], cad["median_minor"]) == ("CAD", 50_000, 50_000)
    assert [(r["code"], r["n"]) for r in found["stages"]] == [("writing", 5), (None, 1)]
    assert [(r["code"], r["n"]) for r in found["formats"]] == [("short", 3), (None, 3)]
    fw = found["first_works"]
    assert (fw["n_known"], fw["n_first"], fw["n_unknown"], fw["share"]) == (5, 3, 1, 0.6)
    m = found["metropolis"]
    # Bordeaux ×2 outside, Paris in, France and Québec too coarse to tell, one unplaced
    assert (m["n_in_metropolis"], m["n_outside"], m["n_unknown"], m["n_unplaced"]) == (1, 2, 2, 1)
    assert m["share_outside"] == pytest.approx(2 / 3)
    assert m["amount_share_outside"] == {"EUR": pytest.approx(400_000 / 600_000), "CAD": None}
    assert [(r["territory_id"], r["currency"], r["n"], r["amount_minor"])
            for r in found["territories"]] == [
        ("CA-QC", "CAD", 1, 50_000), ("FR-R75", "EUR", 2, 400_000),
        ("FR-R11", "EUR", 1, 200_000), (None, "EUR", 2, 400_000)]
    c1, c2 = found["sessions"]
    assert (c1["commission_id"], str(c1["session_date"]), c1["url"], c1["n_awards"],
            c1["n_members"]) == ("c/1", "2020-03-12", "https://example.org/c1", 2, 4)
    assert c1["composition"] == {
        "by_role": [{"code": "member", "n": 2}, {"code": "chair", "n": 1},
                    {"code": "reader", "n": 1}],
        "by_profession": [{"code": None, "n": 4}],
        "by_gender": [{"code": "female", "n": 2}, {"code": "male", "n": 1},
                      {"code": None, "n": 1}],
        "n_elected_officials": 1, "n_elected_unknown": 1,
        "n_substitutes": 0, "n_substitute_unknown": 4}
    assert (c2["commission_id"], c2["n_members"], c2["composition"], c2["n_awards"]) == (
        "c/2", None, None, 0)
    assert [(r["year"], r["received"], r["awarded"], r["rate"]) for r in found["success"]] == [
        (2020, 10, 3, 0.3), (2021, None, 2, None)]
    assert (found["years"]["first"], found["years"]["last"]) == (2020, 2022)
    assert found["sources"] == ["hand:schemes"] and found["fictitious"] is False


def test_no_decision_is_no_published_decision_not_zeros(handmade) -> None:
    entry, cat = entry_named(handmade, "Aide au programme")
    found = observed(handmade, entry, cat)
    assert found["decisions"] is False
    for key in ("n_awards", "years", "by_year", "amounts", "stages", "formats",
                "first_works", "metropolis", "territories"):
        assert found[key] is None, key
    assert found["sessions"] == [] and found["success"] == []


def test_fictitious_flags_only_the_figures_resting_on_it(handmade) -> None:
    handmade.con.execute("UPDATE awards SET fictitious = TRUE WHERE award_id = 'a6'")
    entry, cat = entry_named(handmade, "Aide à l'écriture")
    found = observed(handmade, entry, cat)
    assert found["fictitious"] is True
    assert {r["currency"]: r["fictitious"] for r in found["amounts"]} == {"EUR": False,
                                                                          "CAD": True}
    assert [r["fictitious"] for r in found["by_year"]] == [False, False, True, False]


def test_observed_for_people_like_them(handmade) -> None:
    entry, cat = entry_named(handmade, "Aide à l'écriture")
    found = observed_for(handmade, entry, stage="writing", format="short", first_work=True,
                         cat=cat)
    assert found["label"] == OBSERVED
    assert found["criteria"] == {"stage": "writing", "format": "short", "first_work": True}
    # a1 and a5 match; a3's stage, a4's and a6's format, a3's first work are unknown
    assert (found["n_awards"], found["n_awards_all"]) == (2, 6)
    assert found["unknown"] == {"stage": 1, "format": 3, "first_work": 1}
    (eur,) = found["amounts"]
    assert (eur["total_minor"], eur["median_minor"]) == (400_000, 200_000)
    none = observed_for(handmade, entry, stage="distribution", cat=cat)
    assert none["decisions"] is False and none["n_awards"] is None
    assert none["n_awards_all"] == 6


CRITERIA = [{}, {"stage": "writing"}, {"stage": "writing", "format": "short", "first_work": True},
            {"first_work": False}, {"stage": "production"}, {"stage": "distribution"}]


def _same(summary: dict, one: dict) -> None:
    """A summary (`summaries`, every scheme at once) says what `observed_for` says."""
    for key in ("decisions", "n_awards", "n_awards_all", "unknown", "criteria", "fictitious"):
        assert summary[key] == one[key], key
    if one["decisions"]:
        assert (summary["years"]["first"], summary["years"]["last"]) == (
            one["years"]["first"], one["years"]["last"])
        assert [(r["currency"], r["n"], r["n_amount_known"], r["total_minor"], r["median_minor"])
                for r in summary["amounts"]] == [
            (r["currency"], r["n"], r["n_amount_known"], r["total_minor"], r["median_minor"])
            for r in one["amounts"]]
    else:
        assert summary["years"] is None and summary["amounts"] is None


@pytest.mark.parametrize("criteria", CRITERIA)
def test_the_finders_summaries_say_what_observed_for_says(handmade, criteria) -> None:
    from cineatlas.queries.scheme_outcomes import summaries

    cat = schemes.catalogue(handmade)
    found = summaries(handmade, cat, **criteria)
    assert set(found) == {e.id for e in cat.entries}
    for entry in cat.entries:
        _same(found[entry.id], observed_for(handmade, entry, cat=cat, **criteria))


def test_the_finders_summaries_on_the_real_files(real) -> None:
    from cineatlas.queries.scheme_outcomes import finder_hook, summaries
    from cineatlas.schemes.finder import Profile

    cat = schemes.catalogue(real)
    found = summaries(real, cat, stage="production", format="feature")
    for entry in cat.entries:
        _same(found[entry.id], observed_for(real, entry, stage="production", format="feature",
                                            cat=cat))
    hook = finder_hook(real, cat, Profile(stage="production", format="feature",
                                          work_rank="first"))
    production = next(e for e in cat.entries if e.name == "Production Program")
    seen = hook(production, None)
    assert seen["criteria"] == {"stage": "production", "format": "feature", "first_work": True}
    assert seen["unknown"] == {"stage": 0, "format": 0, "first_work": seen["n_awards_all"]}
    assert seen["n_awards"] is None  # Telefilm publishes no rank: nothing matches, nothing denied


AMOUNTS = st.lists(st.tuples(st.sampled_from(["EUR", "CAD"]),
                             st.one_of(st.none(), st.integers(0, 10**10)),
                             st.booleans(), st.sampled_from([2019, 2020, None])),
                   min_size=0, max_size=25)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=AMOUNTS)
def test_amounts_per_currency_on_any_awards(handmade, rows) -> None:
    """Any awards (currencies, unknown or zero amounts, superseded rows): each currency's
    count, total, min, quartiles and max equal a Decimal computation over the counted rows."""
    con = handmade.con
    con.execute("DELETE FROM awards WHERE scheme_id = 's/gironde'")
    for i, (currency, amount, superseded, year) in enumerate(rows):
        con.execute("INSERT INTO awards (award_id, source_id, funder_id, scheme_id, "
                    "amount_minor, currency, fiscal_year, superseded_by) VALUES "
                    "(?, 'hand:schemes', 'o/gironde', 's/gironde', ?, ?, ?, ?)",
                    [f"p{i}", amount, currency, year, "x" if superseded else None])
    entry, cat = entry_named(handmade, "Fonds Gironde")
    found = observed(handmade, entry, cat)
    counted = [r for r in rows if not r[2]]
    if not counted:
        assert found["decisions"] is False and found["amounts"] is None
        return
    assert found["n_awards"] == len(counted)
    expected = {}
    for currency in {r[0] for r in counted}:
        mine = [r for r in counted if r[0] == currency]
        known = [r[1] for r in mine if r[1] is not None]
        expected[currency] = {
            "n": len(mine), "n_amount_known": len(known),
            "total_minor": sum(known) if known else None,
            "min_minor": min(known, default=None), "max_minor": max(known, default=None),
            **{key: (quantile(known, Decimal(p)) if known else None)
               for key, p in (("q1_minor", "0.25"), ("median_minor", "0.5"),
                              ("q3_minor", "0.75"))}}
    got = {r["currency"]: {k: (Decimal(str(r[k])) if k.startswith(("q1", "median", "q3"))
                               and r[k] is not None else r[k]) for k in expected[r["currency"]]}
           for r in found["amounts"]}
    assert got == expected
    years = Counter(r[3] for r in counted)
    per_year: Counter = Counter()
    for r in found["by_year"]:
        per_year[r["year"]] += r["n"]
    assert per_year == years
