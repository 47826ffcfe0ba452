"""The fictitious French atlas: beneficiaries, works and awards, and the frames of every table.

    frames = generate_france(read_geography(store), seed=2024)

Real geography (the store's Regions and communes), invented everything else: the funders are
the CNC and one fund per Region, all named "(fonds fictif)"; companies, people and titles are
assembled from syllables. The output depends only on the geography and the seed (see
`world.rng_for`), and every collection is walked in a fixed order, so the same seed gives the
same frames, byte for byte.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cineatlas.demo import catalogue as cat
from cineatlas.demo import names
from cineatlas.demo.catalogue import SchemeSpec
from cineatlas.demo.governance import application_stats, commissions, conventions
from cineatlas.demo.world import (
    SOURCE_ID,
    Funder,
    Geography,
    entity_id,
    funders_frame,
    make_funders,
    rng_for,
    schemes_frame,
)
from cineatlas.text import name_key

#: Share of a Region's production awards that co-finance a work the CNC also supports.
COFINANCED_SHARE = 0.3
#: Share of awards whose amount was revised after the decision (original_amount_minor).
REVISED_SHARE = 0.02


def generate_france(geo: Geography, seed: int) -> dict[str, pl.DataFrame]:
    """Every table of the fictitious French atlas, as Polars frames (without provenance)."""
    funders = make_funders(geo, seed)
    pools = make_pools(geo, funders, seed)
    awards = make_awards(funders, pools, seed)
    frames = {
        "organisations": pl.concat([funders_frame(funders), *pools.values()], how="diagonal")
        .drop("popularity", "gender", "pool", "region_id"),
        "schemes": schemes_frame(funders),
        "works": works_frame(awards),
        "awards": awards,
    }
    people, commission_rows, members = commissions(funders, seed)
    frames |= {"people": people, "commissions": commission_rows, "commission_members": members,
               "conventions": conventions(geo, funders, awards, seed),
               "application_stats": application_stats(funders, awards, seed)}
    return frames


# -- beneficiaries -------------------------------------------------------------------------


def make_pools(geo: Geography, funders: list[Funder], seed: int) -> dict[str, pl.DataFrame]:
    """Invented beneficiaries by kind (producers, authors, cinemas…), located in real communes."""
    sizes = {f.territory_id: f.size for f in funders if f.level == "regional"}
    communes = {r: frame for (r,), frame in geo.communes.partition_by(
        "region_id", as_dict=True, maintain_order=True).items()}
    pools: dict[str, pl.DataFrame] = {}
    seen: set[str] = set()
    for pool, (patterns, kinds, base, big, paris, exponent) in cat.POOLS.items():
        parts = []
        for region_id in sorted(sizes):
            rng = rng_for(seed, "pool", pool, region_id)
            factor = paris if region_id == cat.ILE_DE_FRANCE else 1
            n = round((base + big * sizes[region_id]) * factor)
            parts.append(_pool_part(rng, n, pool, patterns, kinds, communes[region_id], exponent))
        frame = pl.concat(parts)
        keep = [k not in seen and not seen.add(k) for k in frame["name_key"].to_list()]  # type: ignore[func-returns-value]
        pools[pool] = frame.filter(pl.Series(keep))
    return pools


def _pool_part(rng: np.random.Generator, n: int, pool: str, patterns: str, kinds: dict[str, float],
               communes: pl.DataFrame, exponent: float) -> pl.DataFrame:
    if patterns == "people":
        full, gender = names.people(rng, n)
    else:
        full, gender = names.patterned(rng, n, getattr(names, patterns)), [None] * n
    kind_names = list(kinds)
    kind = np.asarray(kind_names)[rng.choice(len(kind_names), size=n, p=list(kinds.values()))]
    pop = communes["population"].cast(pl.Float64).to_numpy()
    known = pop[~np.isnan(pop)]
    pop = np.where(np.isnan(pop), np.median(known) if known.size else 1000.0, pop)
    weights = np.maximum(pop, 1.0) ** exponent
    where = rng.choice(len(pop), size=n, p=weights / weights.sum())
    return pl.DataFrame({
        "organisation_id": [entity_id("org", name_key(x)) for x in full],
        "name": full,
        "name_key": [name_key(x) for x in full],
        "kind": kind.tolist(),
        "is_funder": [False] * n,
        "city": communes["name"].gather(where),
        "territory_id": communes["territory_id"].gather(where),
        "country_code": ["FR"] * n,
        "region_id": communes["region_id"].gather(where),
        "popularity": 1.0 / (rng.permutation(n) + 1.0) ** 0.7,  # a few get many awards
        "gender": pl.Series(gender, dtype=pl.Utf8),
        "pool": [pool] * n,
    })


def beneficiary_weights(pool: pl.DataFrame, funder: Funder, stage: str) -> np.ndarray:
    """Probability of each member of a pool being the beneficiary of one of `funder`'s awards."""
    region = pool["region_id"].to_numpy()
    popularity = pool["popularity"].to_numpy()
    paris = region == cat.ILE_DE_FRANCE
    if funder.level == "national":
        share = cat.CNC_PARIS_SHARE[pool["pool"][0]]
        mass = np.where(paris, share / popularity[paris].sum(),
                        (1 - share) / popularity[~paris].sum())
    elif funder.territory_id == cat.ILE_DE_FRANCE:
        mass = np.where(paris, 1.0 / popularity[paris].sum(), 0.0)
    else:
        local = region == funder.territory_id
        share = cat.REGION_PARIS_SHARE[stage]
        mass = (np.where(local, (1 - share) / popularity[local].sum(), 0.0)
                + np.where(paris, share / popularity[paris].sum(), 0.0))
    p = popularity * mass
    return p / p.sum()


# -- awards --------------------------------------------------------------------------------


def make_awards(funders: list[Funder], pools: dict[str, pl.DataFrame], seed: int) -> pl.DataFrame:
    """Every award of every funder, scheme and year; the CNC's first (Regions co-finance its
    works)."""
    columns: dict[str, list] = {c: [] for c in AWARD_SCHEMA}
    arrays = {kind: {c: np.asarray(pool[c].to_list(), dtype=object)
                     for c in ("organisation_id", "territory_id", "name")}
              for kind, pool in pools.items()}
    cofinancing: Cofinancing | None = None
    for funder in funders:
        for spec in funder.schemes:
            weights = beneficiary_weights(pools[spec.beneficiary], funder, spec.stage)
            for year in cat.YEARS:
                rng = rng_for(seed, "awards", funder.funder_id, spec.key, str(year))
                group = _award_group(rng, funder, spec, year, arrays[spec.beneficiary], weights,
                                     cofinancing)
                for column, values in group.items():
                    columns[column].extend(values)
        if funder.level == "national":
            cofinancing = Cofinancing(columns)
    awards = pl.DataFrame(columns, schema=AWARD_SCHEMA)
    number = pl.int_range(1, awards.height + 1).cast(pl.Utf8)
    return awards.select((pl.lit(f"{SOURCE_ID}/") + number).alias("award_id"), pl.all())


class Cofinancing:
    """The CNC's production awards, by (format, genre, year), for Regions to co-finance."""

    def __init__(self, columns: dict[str, list]) -> None:
        self.rows = [tuple(columns[c][i] for c in _WORK_COLUMNS)
                     for i, stage in enumerate(columns["stage"]) if stage == "production"]
        self.index: dict[tuple[str, str, int], list[int]] = {}
        years = [columns["fiscal_year"][i] for i, stage in enumerate(columns["stage"])
                 if stage == "production"]
        for i, (row, year) in enumerate(zip(self.rows, years, strict=True)):
            self.index.setdefault((row[2], row[3], year), []).append(i)

    def candidates(self, spec: SchemeSpec, year: int) -> list[int]:
        return [i for fmt in spec.formats for genre in spec.genres for y in (year - 1, year)
                for i in self.index.get((fmt, genre, y), [])]


def _expected(funder: Funder, spec: SchemeSpec, year: int) -> float:
    factor = cat.YEAR_FACTOR[year]
    if spec.stage == "operation":
        factor *= cat.OPERATION_YEAR_FACTOR.get(year, 1.0)
    return spec.per_year * funder.size * factor


def _award_group(rng: np.random.Generator, funder: Funder, spec: SchemeSpec, year: int,
                 pool: dict[str, np.ndarray], weights: np.ndarray,
                 cofinancing: Cofinancing | None) -> dict[str, list]:
    """The awards of one funder, scheme and year, as columns (lists)."""
    n = int(rng.poisson(_expected(funder, spec, year)))
    if n == 0:
        return {}
    who = rng.choice(len(weights), size=n, p=weights)
    cols: dict[str, list] = {
        "funder_id": [funder.funder_id] * n,
        "scheme_id": [funder.scheme_id(spec)] * n,
        "beneficiary_id": pool["organisation_id"][who].tolist(),
        "beneficiary_territory_id": pool["territory_id"][who].tolist(),
        "stage": [spec.stage] * n,
    }
    if spec.formats:
        cols |= _works(rng, funder, spec, year, n)
        if cofinancing is not None and spec.stage == "production":
            _cofinance(rng, cofinancing.candidates(spec, year), cofinancing.rows, cols)
    else:
        cols["project_title"] = _object_titles(rng, spec, year, pool["name"][who].tolist())
    cols |= _money(rng, funder, spec, year, cols.get("format"), n)
    cols |= {
        "decision_date": _decision_dates(rng, spec, year, n),
        "fiscal_year": [year] * n,
        "currency": ["EUR"] * n,
        "aid_type": [spec.aid_type] * n,
        "aid_type_raw": [spec.aid_type_raw] * n,
        "beneficiary_country_code": ["FR"] * n,
    }
    return {c: cols.get(c, [None] * n) for c in AWARD_SCHEMA}


AWARD_SCHEMA = {
    "funder_id": pl.Utf8, "scheme_id": pl.Utf8, "beneficiary_id": pl.Utf8,
    "beneficiary_territory_id": pl.Utf8, "stage": pl.Utf8, "work_id": pl.Utf8,
    "project_title": pl.Utf8, "format": pl.Utf8, "genre": pl.Utf8, "language": pl.Utf8,
    "director_gender": pl.Utf8, "first_work": pl.Boolean, "second_work": pl.Boolean,
    "amount_minor": pl.Int64, "original_amount_minor": pl.Int64,
    "requested_amount_minor": pl.Int64, "decision_date": pl.Date, "fiscal_year": pl.Int32,
    "currency": pl.Utf8, "aid_type": pl.Utf8, "aid_type_raw": pl.Utf8,
    "beneficiary_country_code": pl.Utf8,
}


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> list[str]:
    keys = list(weights)
    p = np.asarray(list(weights.values()), dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())].tolist()


def _works(rng: np.random.Generator, funder: Funder, spec: SchemeSpec, year: int,
           n: int) -> dict[str, list]:
    """Format, genre, title, language, director's gender, first/second work of new works."""
    formats = _pick(rng, dict(spec.formats), n)
    genres = _pick(rng, dict(spec.genres), n)
    genres = ["other" if f == "game" else g for f, g in zip(formats, genres, strict=True)]
    titles = names.titles(rng, n)
    languages = np.asarray(spec.languages, dtype=object)[rng.integers(len(spec.languages), size=n)]
    serial = rng.integers(0, 2**62, size=n)  # tells apart works that happen to share a title
    work_ids = [entity_id("work", f"{t}|{s}") for t, s in zip(titles, serial, strict=True)]
    first_draw = rng.random(n)
    feature = np.asarray(formats) == "feature"
    first_share = 0.4 if spec.key == "avance-avant" else 0.32
    known = feature & funder.publishes_gender
    return {
        "work_id": work_ids,
        "project_title": titles,
        "format": formats,
        "genre": genres,
        "language": languages.tolist(),
        "director_gender": _director_gender(rng, funder, formats, genres, year),
        "first_work": np.where(known, first_draw < first_share, None).tolist(),
        "second_work": np.where(known, (first_draw >= first_share)
                                & (first_draw < first_share + 0.16), None).tolist(),
    }


def _director_gender(rng: np.random.Generator, funder: Funder, formats: list[str],
                     genres: list[str], year: int) -> list[str | None]:
    n = len(formats)
    female = np.array([cat.DOCUMENTARY_FEMALE if g == "documentary"
                       else cat.DIRECTOR_GENDER.get(f, (0.3, 0.0))[0]
                       for f, g in zip(formats, genres, strict=True)])
    female = female + cat.FEMALE_TREND * (year - cat.YEARS[0])
    mixed = np.array([cat.DIRECTOR_GENDER.get(f, (0.0, 0.06))[1] for f in formats])
    draw = rng.random(n)
    unpublished = rng.random(n) < (0.04 if funder.level == "national" else 0.07)
    gender = np.where(draw < female, "female", np.where(draw < female + mixed, "mixed", "male"))
    hidden = unpublished | (not funder.publishes_gender) | (np.asarray(formats) == "game")
    return np.where(hidden, None, gender.astype(object)).tolist()


_WORK_COLUMNS = ("work_id", "project_title", "format", "genre", "language", "director_gender",
                 "first_work", "second_work", "beneficiary_id", "beneficiary_territory_id")


def _cofinance(rng: np.random.Generator, candidates: list[int], rows: list[tuple],
               cols: dict[str, list]) -> None:
    """Give some of a Region's production awards to works (and producers) the CNC supports."""
    n = len(cols["work_id"])
    k = min(int(rng.binomial(n, COFINANCED_SHARE)), len(candidates))
    if k == 0:
        return
    chosen = rng.choice(len(candidates), size=k, replace=False)
    slots = rng.choice(n, size=k, replace=False)
    for slot, pick in zip(slots, chosen, strict=True):
        for column, value in zip(_WORK_COLUMNS, rows[candidates[pick]], strict=True):
            cols[column][slot] = value


_CINEMA_OBJECTS = ("Modernisation de la salle", "Fonctionnement", "Équipement numérique",
                   "Animation et médiation", "Programmation art et essai")


def _object_titles(rng: np.random.Generator, spec: SchemeSpec, year: int,
                   beneficiaries: list[str]) -> list[str]:
    if spec.stage == "promotion":
        return [f"{b} — édition {year}" for b in beneficiaries]
    emergency = year in cat.OPERATION_YEAR_FACTOR
    objects = np.asarray(_CINEMA_OBJECTS, dtype=object)[rng.integers(len(_CINEMA_OBJECTS),
                                                                      size=len(beneficiaries))]
    urgent = rng.random(len(beneficiaries)) < (0.4 if emergency else 0.0)
    return [f"{'Aide d’urgence' if u else o} — {b}"
            for o, u, b in zip(objects, urgent, beneficiaries, strict=True)]


def _money(rng: np.random.Generator, funder: Funder, spec: SchemeSpec, year: int,
           formats: list[str] | None, n: int) -> dict[str, list]:
    """Amounts in integer cents: log-uniform in the scheme's range, rounded like real decisions."""
    ranges = np.array([spec.amount_range(f) for f in (formats or [None] * n)], dtype=float)
    euros = np.exp(rng.uniform(np.log(ranges[:, 0]), np.log(ranges[:, 1])))
    euros *= funder.amount_factor * (1 + cat.INFLATION) ** (year - cat.YEARS[0])
    amount = np.clip(_round_euros(euros), ranges[:, 0], ranges[:, 1]).astype(np.int64) * 100
    revised = rng.random(n) < REVISED_SHARE
    original = _round_euros(amount / 100 * rng.uniform(1.05, 1.3, size=n)) * 100
    requested = _round_euros(amount / 100 / rng.uniform(0.45, 1.0, size=n)) * 100
    return {
        "amount_minor": amount.tolist(),
        "original_amount_minor": np.where(revised, original, None).tolist(),
        "requested_amount_minor": (requested.tolist() if funder.publishes_requested
                                   else [None] * n),
    }


def _round_euros(euros: np.ndarray) -> np.ndarray:
    """Whole euros rounded to 500 € above 10,000 €, to 100 € below."""
    step = np.where(euros >= 10_000, 500, 100)
    return (np.round(euros / step) * step).astype(np.int64)


def _decision_dates(rng: np.random.Generator, spec: SchemeSpec, year: int, n: int) -> list:
    """Awards are decided in a few sessions a year (never in August)."""
    days = np.concatenate([np.arange(10, 205), np.arange(245, 350)])  # skip August
    sessions = np.sort(rng.choice(days, size=min(spec.sessions, n), replace=False))
    dates = np.datetime64(f"{year}-01-01") + sessions.astype("timedelta64[D]")
    return dates[rng.integers(len(sessions), size=n)].tolist()


def works_frame(awards: pl.DataFrame) -> pl.DataFrame:
    return (
        awards.filter(pl.col("work_id").is_not_null())
        .unique("work_id", keep="first", maintain_order=True)
        .select("work_id", pl.col("project_title").alias("title"),
                pl.col("project_title").map_elements(name_key, return_dtype=pl.Utf8)
                .alias("title_key"),
                "language", "format", "genre")
    )
