"""Who decides and how the money is shared, for the fictitious funders: commissions and their
members, State–CNC–Region conventions, and application statistics.

Consistent with the awards: a convention's 'actual' Region amount for the writing, production
and diffusion axes is the sum of that Region's fictitious awards of the year, and
`applications_awarded` is the number of awards of the scheme and year.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cineatlas.demo import catalogue as cat
from cineatlas.demo import names
from cineatlas.demo.world import SOURCE_ID, Funder, Geography, entity_id, rng_for
from cineatlas.text import name_key

#: Commission mandates: members are drawn for a mandate and sit every year of it.
MANDATES = ((2019, 2021), (2022, 2024))
OTHER_PARTNERS = "Départements et communes partenaires (fictif)"


# -- commissions ---------------------------------------------------------------------------


def commissions(funders: list[Funder],
                seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(people, commissions, commission_members) for every funder, scheme and year."""
    people, commission_rows, members = [], [], []
    for funder in funders:
        pool = _member_pool(funder, seed)
        people.append(pool)
        for spec in funder.schemes:
            previous: np.ndarray | None = None
            for start, end in MANDATES:
                rng = rng_for(seed, "commission", funder.funder_id, spec.key, str(start))
                seats = _seats(rng, funder, spec.stage, pool, previous)
                previous = seats["index"]
                for year in range(start, end + 1):
                    cid = entity_id("commission", f"{funder.funder_id}|{spec.key}|{year}")
                    commission_rows.append({
                        "commission_id": cid, "funder_id": funder.funder_id,
                        "scheme_id": funder.scheme_id(spec),
                        "name": f"{spec.commission} {year} — {spec.name}, {funder.name}",
                        "year": year})
                    members.append(seats["frame"].with_columns(pl.lit(cid).alias("commission_id")))
    used = pl.concat(members)
    people_frame = (pl.concat(people).filter(pl.col("person_id").is_in(used["person_id"].implode()))
                    .select("person_id", "full_name", "name_key", "gender"))
    member_frame = used.select("commission_id", "person_id", "role", "profession",
                               "is_elected_official", "gender")
    return people_frame, pl.DataFrame(commission_rows), member_frame


def _member_pool(funder: Funder, seed: int) -> pl.DataFrame:
    """The people a funder draws its commissions from, each with one profession."""
    rng = rng_for(seed, "people", funder.funder_id)
    n = 260 if funder.level == "national" else round(50 + 70 * funder.size)
    full, gender = names.people(rng, n)
    professions = list(cat.PROFESSIONS)
    weights = np.asarray(list(cat.PROFESSIONS.values()))
    profession = np.asarray(professions, dtype=object)[
        rng.choice(len(professions), size=n, p=weights / weights.sum())]
    order = rng.permutation(n)  # a few civil servants; elected officials in the Regions
    civil = max(2, round(0.06 * n))
    elected = max(2, round(0.1 * n)) if funder.level == "regional" else 0
    profession[order[:civil]] = "civil_servant"
    profession[order[civil:civil + elected]] = "elected_official"
    keys = [f"{funder.funder_id}|{name_key(x)}" for x in full]
    return pl.DataFrame({
        "person_id": [entity_id("person", k) for k in keys],
        "full_name": full,
        "name_key": [name_key(x) for x in full],
        "gender": gender,
        "profession": profession.tolist(),
    }).unique("person_id", keep="first", maintain_order=True)


def _seats(rng: np.random.Generator, funder: Funder, stage: str, pool: pl.DataFrame,
           previous: np.ndarray | None) -> dict:
    """Draw a commission for one mandate: professionals, elected officials and an observer."""
    profession = pool["profession"].to_numpy()
    pros = np.flatnonzero((profession != "civil_servant") & (profession != "elected_official"))
    size = int(rng.integers(12, 19) if funder.level == "national" else rng.integers(7, 13))
    chosen = rng.choice(pros, size=size, replace=False)
    if previous is not None:  # about a third sit again
        stay = [p for p in previous if profession[p] not in ("civil_servant", "elected_official")]
        stay = rng.choice(stay, size=min(len(stay), size // 3), replace=False) if stay else []
        chosen = np.concatenate([stay, [c for c in chosen if c not in set(stay)]])[:size]
    observers = rng.choice(np.flatnonzero(profession == "civil_servant"), size=1)
    elected = np.flatnonzero(profession == "elected_official")
    elected = rng.choice(elected, size=min(len(elected), int(rng.integers(1, 3))), replace=False) \
        if funder.level == "regional" and len(elected) else np.array([], dtype=int)
    index = np.concatenate([chosen, elected, observers]).astype(int)
    roles = ["chair"] + (["vice_chair"] if size >= 9 else []) + ["member"] * len(chosen)
    roles = roles[:len(chosen)]
    if stage == "writing":
        roles = [r if r != "member" or i % 3 else "reader" for i, r in enumerate(roles)]
    if len(elected) and rng.random() < 0.5:  # the Region's vice-president chairs
        roles[0] = "member"
        roles += ["chair"] + ["member"] * (len(elected) - 1)
    else:
        roles += ["member"] * len(elected)
    roles += ["observer"]
    seated = pool[index.tolist()]
    gender = seated["gender"].to_numpy().astype(object)
    gender[rng.random(len(index)) < 0.03] = None  # not published
    return {"index": index, "frame": seated.select(
        "person_id", "profession",
        pl.Series("role", roles),
        (pl.col("profession") == "elected_official").alias("is_elected_official"),
        pl.Series("gender", gender.tolist(), dtype=pl.Utf8),
    )}


# -- conventions ---------------------------------------------------------------------------


def conventions(geo: Geography, funders: list[Funder], awards: pl.DataFrame,
                seed: int) -> pl.DataFrame:
    """State–CNC–Region conventions: one row per Region, period, year, axis and basis."""
    actual = (
        awards.filter(pl.col("funder_id").is_in(
            [f.funder_id for f in funders if f.level == "regional"]))
        .with_columns(pl.col("stage").replace_strict(cat.STAGE_AXIS).alias("axis"))
        .group_by("funder_id", "fiscal_year", "axis").agg(pl.col("amount_minor").sum())
    )
    spent = {(f, y, a): int(v) for f, y, a, v in actual.iter_rows()}
    population = dict(zip(geo.regions["territory_id"], geo.regions["population"], strict=True))
    rows = []
    for funder in funders:
        if funder.level != "regional":
            continue
        region = funder.territory_id
        traits = rng_for(seed, "convention", region)
        has = {"heritage": traits.random() < 0.55, "other": traits.random() < 0.3,
               "partners": traits.random() < 0.5}
        generous = traits.random() < 0.2  # a few Regions get more than 1 € of CNC for 2 €
        pop = max(population.get(region) or 0, 200_000)
        for start, end in cat.CONVENTION_PERIODS:
            rng = rng_for(seed, "convention", region, str(start))
            ratio = rng.uniform(0.52, 0.68) if generous else rng.uniform(0.32, 0.5)
            cid = f"{SOURCE_ID}/convention/{region}/{start}-{end}"
            committed_last: dict[str, int] = {}
            for year in range(start, end + 1):
                for axis in cat.AXES:
                    if axis in ("heritage", "other") and not has[axis]:
                        continue
                    amounts = _axis_amounts(rng, funder, axis, year, pop, spent, committed_last)
                    for basis, region_amount in amounts.items():
                        rows.append(_convention_row(rng, cid, region, start, end, year, axis, basis,
                                                    region_amount, ratio, has["partners"]))
    return pl.DataFrame(rows, schema=CONVENTION_SCHEMA)


CONVENTION_SCHEMA = {
    "convention_id": pl.Utf8, "region_id": pl.Utf8, "period_start": pl.Int32,
    "period_end": pl.Int32, "year": pl.Int32, "axis": pl.Utf8, "basis": pl.Utf8,
    "region_amount_minor": pl.Int64, "cnc_amount_minor": pl.Int64,
    "state_amount_minor": pl.Int64, "other_amount_minor": pl.Int64, "other_partners": pl.Utf8,
    "currency": pl.Utf8,
}


def _thousands(euros: float) -> int:
    """Cents of an amount rounded to 1,000 €."""
    return int(round(euros / 1000)) * 1000 * 100


def _axis_amounts(rng: np.random.Generator, funder: Funder, axis: str, year: int, pop: int,
                  spent: dict, committed_last: dict[str, int]) -> dict[str, int]:
    """{basis: Region amount in cents}: 'actual' up to the last year of awards, 'committed'."""
    last_year = cat.YEARS[-1]
    if axis in ("writing_development", "creation_production", "diffusion"):
        actual = spent.get((funder.funder_id, year, axis), 0) if year <= last_year else None
        base = actual if actual else _thousands(rng.uniform(10_000, 40_000))
    else:
        per_head = {"image_education": (0.02, 0.06), "heritage": (0.005, 0.02),
                    "other": (0.003, 0.012)}[axis]
        base = _thousands(pop * rng.uniform(*per_head))
        actual = int(base * rng.uniform(0.88, 1.0)) // 100 * 100 if year <= last_year else None
    if year > last_year:  # a convention year not yet carried out: committed only
        committed = _thousands(committed_last.get(axis, base) / 100 * rng.uniform(1.0, 1.05))
    else:
        committed = max(_thousands(base / 100 * rng.uniform(1.0, 1.15)), actual or 0)
    committed_last[axis] = committed
    return {"committed": committed} | ({"actual": actual} if actual is not None else {})


def _convention_row(rng: np.random.Generator, cid: str, region: str, start: int, end: int,
                    year: int, axis: str, basis: str, region_amount: int, ratio: float,
                    partners: bool) -> dict:
    share = {"writing_development": ratio, "creation_production": ratio,
             "diffusion": ratio * rng.uniform(0.3, 0.6),
             "image_education": rng.uniform(0.25, 0.5)}.get(axis)
    state = {"image_education": rng.uniform(0.4, 0.9), "heritage": rng.uniform(0.3, 0.7)}.get(axis)
    other = rng.uniform(0.1, 0.4) if partners and axis in ("diffusion", "image_education") else None

    def part(x: float | None) -> int | None:
        return None if x is None else int(round(region_amount * x / 100)) * 100

    return {
        "convention_id": cid, "region_id": region, "period_start": start, "period_end": end,
        "year": year, "axis": axis, "basis": basis, "region_amount_minor": region_amount,
        "cnc_amount_minor": part(share), "state_amount_minor": part(state),
        "other_amount_minor": part(other), "other_partners": OTHER_PARTNERS if other else None,
        "currency": "EUR",
    }


# -- application statistics ----------------------------------------------------------------


def application_stats(funders: list[Funder], awards: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Applications received and awarded per scheme and year, for the funders that publish them."""
    counts = awards.group_by("scheme_id", "fiscal_year").len()
    awarded = {(s, y): int(n) for s, y, n in counts.iter_rows()}
    rows = []
    for funder in funders:
        if not funder.publishes_stats:
            continue
        for spec in funder.schemes:
            scheme_id = funder.scheme_id(spec)
            for year in cat.YEARS:
                rng = rng_for(seed, "applications", scheme_id, str(year))
                won = awarded.get((scheme_id, year), 0)
                lost = won * (1 / spec.award_rate - 1) * rng.uniform(0.85, 1.15)
                received = won + (int(round(lost)) if won else int(rng.integers(0, 3)))
                rows.append({"funder_id": funder.funder_id, "scheme_id": scheme_id, "year": year,
                             "applications_received": received, "applications_awarded": won})
    return pl.DataFrame(rows, schema={"funder_id": pl.Utf8, "scheme_id": pl.Utf8,
                                      "year": pl.Int32, "applications_received": pl.Int64,
                                      "applications_awarded": pl.Int64})
