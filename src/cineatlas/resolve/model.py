"""The probabilistic part: splink's Fellegi–Sunter model on DuckDB, with FIXED m and u
probabilities (documented in docs/resolution.md) — no training, so a run gives the same
pairs and probabilities every time. Blocking keeps the comparisons to records sharing a
distinctive word of their name (organisations) or their title (works)."""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import polars as pl

#: A pair the model gives at least this probability is merged; below, it is not (weak
#: evidence never merges).
THRESHOLD = 0.99


def _level(sql: str, label: str, m: float | None = None, u: float | None = None,
           null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    else:
        level["m_probability"], level["u_probability"] = m, u
    return level


def _comparison(name: str, *levels: dict[str, Any]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_levels": list(levels)}


def _years(close: tuple[float, float], middle: tuple[float, float],
           far: tuple[float, float]) -> dict[str, Any]:
    gap = ("greatest(first_year_l, first_year_r) - least(last_year_l, last_year_r)")
    return _comparison(
        "years",
        _level("first_year_l IS NULL OR first_year_r IS NULL", "unknown", null=True),
        _level(f"{gap} <= 2", "within 2 years", *close),
        _level(f"{gap} <= 6", "within 6 years", *middle),
        _level("ELSE", "far apart", *far),
    )


#: Organisations: compared in blocks of the same first distinctive word.
ORGANISATION_SETTINGS: dict[str, Any] = {
    "link_type": "dedupe_only",
    "unique_id_column_name": "member_id",
    "probability_two_random_records_match": 0.001,
    "blocking_rules_to_generate_predictions": [
        {"blocking_rule": "l.core_first = r.core_first"},
        {"blocking_rule": "l.key_start = r.key_start"},
    ],
    "comparisons": [
        _comparison(
            "core",
            _level("core_l IS NULL OR core_r IS NULL OR core_l = '' OR core_r = ''",
                   "no distinctive word", null=True),
            _level("core_l = core_r", "same distinctive words", 0.85, 0.0002),
            _level("(acronym_l IS NOT NULL AND acronym_l = initials_r) "
                   "OR (acronym_r IS NOT NULL AND acronym_r = initials_l)",
                   "one's acronym is the other's initials", 0.03, 0.000005),
            _level("numbers_l = numbers_r AND least(length(company_key_l), "
                   "length(company_key_r)) >= 10 "
                   "AND damerau_levenshtein(company_key_l, company_key_r) <= 2",
                   "the same name but for a typo", 0.05, 0.0000005),
            _level("numbers_l = numbers_r AND jaro_winkler_similarity(core_l, core_r) >= 0.94",
                   "close spelling", 0.03, 0.002),
            _level("ELSE", "different", 0.07, 0.9977995),
        ),
        _comparison(
            "place",
            _level("city_key_l IS NULL OR city_key_r IS NULL", "unknown", null=True),
            _level("city_key_l = city_key_r", "same city", 0.85, 0.05),
            _level("region_id_l = region_id_r", "same region", 0.10, 0.20),
            _level("ELSE", "elsewhere", 0.05, 0.75),
        ),
        _comparison(
            "country",
            # a French list's company credited on a film co-produced with the other's country
            _level("(list_contains(work_countries_l, country_code_r) AND country_code_r <> "
                   "coalesce(country_code_l, 'FR')) OR (list_contains(work_countries_r, "
                   "country_code_l) AND country_code_l <> coalesce(country_code_r, 'FR'))",
                   "its films are co-produced with the other's country", 0.30, 0.003),
            _level("country_code_l IS NULL OR country_code_r IS NULL", "unknown", null=True),
            _level("country_code_l = country_code_r", "same country", 0.69, 0.418),
            _level("ELSE", "another country", 0.01, 0.579),
        ),
        _years((0.6, 0.3), (0.3, 0.3), (0.1, 0.4)),
        _comparison(
            "works",
            _level("len(titles_l) = 0 OR len(titles_r) = 0", "unknown", null=True),
            _level("list_has_any(titles_l, titles_r)", "a work title in common", 0.30, 0.001),
            _level("ELSE", "no work title in common", 0.70, 0.999),
        ),
    ],
    "retain_intermediate_calculation_columns": True,
}

#: Works: compared in blocks of the same title key.
WORK_SETTINGS: dict[str, Any] = {
    "link_type": "dedupe_only",
    "unique_id_column_name": "member_id",
    # two records of one title: about one pair in five is one work in the real files
    "probability_two_random_records_match": 0.2,
    "blocking_rules_to_generate_predictions": [
        {"blocking_rule": "l.title_key = r.title_key"},
    ],
    "comparisons": [
        _comparison(
            "organisations",
            _level("len(orgs_l) = 0 OR len(orgs_r) = 0", "unknown", null=True),
            _level("list_has_any(orgs_l, orgs_r)", "a company in common", 0.40, 0.002),
            _level("ELSE", "no company in common", 0.60, 0.998),
        ),
        _comparison(
            "people",
            _level("len(people_l) = 0 OR len(people_r) = 0", "unknown", null=True),
            _level("list_has_any(people_l, people_r)", "a person in common", 0.40, 0.001),
            _level("ELSE", "no person in common", 0.60, 0.999),
        ),
        _years((0.8, 0.3), (0.15, 0.3), (0.05, 0.4)),
        _comparison(
            "title",
            # every pair compared has the same title: how rare and long it is tells
            _level("title_records_l IS NULL", "no title", null=True),  # not met in a block
            # (on no other record: one funder does not fund two works of such a title)
            _level("title_records_l <= 2 AND title_letters_l >= 8 "
                   "AND list_has_any(funders_l, funders_r)",
                   "a distinctive title (8 letters or more, on no other record) from one funder",
                   0.30, 0.002),
            _level("title_records_l <= 2 AND title_letters_l >= 8",
                   "a distinctive title (8 letters or more, on no other record)", 0.30, 0.075),
            _level("ELSE", "a short or repeated title", 0.40, 0.923),
        ),
        _comparison(
            "format",
            _level("format_l IS NULL OR format_r IS NULL", "unknown", null=True),
            _level("format_l = format_r", "same format", 0.85, 0.50),
            # a web series is published as 'web' one year and 'series' the next
            _level("list_sort([format_l, format_r]) = ['series', 'web']",
                   "series and web series", 0.07, 0.05),
            _level("ELSE", "another format", 0.08, 0.45),
        ),
        _comparison(
            "funder",
            _level("len(funders_l) = 0 OR len(funders_r) = 0", "unknown", null=True),
            _level("list_has_any(schemes_l, schemes_r)", "a scheme in common", 0.30, 0.05),
            _level("list_has_any(funders_l, funders_r)", "a funder in common", 0.40, 0.35),
            _level("ELSE", "no funder in common", 0.30, 0.60),
        ),
        _comparison(
            "genre",
            _level("genre_l IS NULL OR genre_r IS NULL", "unknown", null=True),
            # publishers classify differently (an animated film is 'fiction' for Telefilm)
            _level("genre_l = genre_r", "same genre", 0.70, 0.40),
            _level("ELSE", "another genre", 0.30, 0.60),
        ),
        _comparison(
            "countries",
            _level("len(countries_l) = 0 OR len(countries_r) = 0", "unknown", null=True),
            _level("list_has_any(abroad_l, countries_r) OR list_has_any(abroad_r, countries_l)",
                   "a co-production country in common (abroad for one funder)", 0.45, 0.002),
            _level("list_has_any(countries_l, countries_r)", "the funders' country in common",
                   0.45, 0.60),
            _level("ELSE", "no country in common", 0.10, 0.395),
        ),
        _comparison(
            "visa",
            _level("visa_l IS NULL OR visa_r IS NULL", "unknown", null=True),
            _level("visa_l = visa_r", "same VISA", 0.99, 0.001),
            _level("ELSE", "another VISA", 0.001, 0.999),
        ),
    ],
    "retain_intermediate_calculation_columns": True,
}

_COLUMNS = {
    "organisation": ["member_id", "core", "core_first", "company_key", "numbers", "key_start",
                     "acronym", "initials", "city_key", "region_id", "country_code",
                     "work_countries", "first_year", "last_year", "titles"],
    "work": ["member_id", "title_key", "title_records", "title_letters", "orgs", "people",
             "first_year", "last_year", "format", "genre", "visa", "countries", "abroad",
             "funders", "schemes"],
}
_SETTINGS = {"organisation": ORGANISATION_SETTINGS, "work": WORK_SETTINGS}

EDGE_SCHEMA = {"left": pl.Utf8, "right": pl.Utf8, "probability": pl.Float64,
               "compared": pl.Utf8}


def predict(kind: str, records: pl.DataFrame) -> pl.DataFrame:
    """The pairs of `records` the model gives at least THRESHOLD: left, right (member ids),
    probability, compared (JSON of each comparison's level)."""
    import json

    settings = _SETTINGS[kind]
    frame = records.select(_COLUMNS[kind])
    blocks = [rule["blocking_rule"].split(".")[1].split()[0]
              for rule in settings["blocking_rules_to_generate_predictions"]]
    # a record alone in every block compares nothing: leave those out before splink sees them
    frame = frame.filter(pl.any_horizontal(
        pl.col(b).is_not_null() & pl.col(b).is_duplicated() for b in blocks))
    if frame.height < 2:
        return pl.DataFrame(schema=EDGE_SCHEMA)
    from splink import DuckDBAPI, Linker  # imported when there is something to compare

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        api = DuckDBAPI(con)
        table = api.register(frame.to_arrow(), dataset_display_name=f"{kind}_records")
        linker = Linker(table, dict(settings), log_level=logging.WARNING)
        predicted = linker.inference.predict(threshold_match_probability=THRESHOLD)
        pairs = predicted.as_pandas_dataframe()
    finally:
        con.close()
    if not len(pairs):
        return pl.DataFrame(schema=EDGE_SCHEMA)
    labels = {c["output_column_name"]: _labels(c) for c in settings["comparisons"]}
    columns = {name: pairs[f"gamma_{name}"].astype(int).map(levels).fillna("unknown").tolist()
               for name, levels in labels.items()}
    names = sorted(columns)
    compared = [json.dumps(dict(zip(names, values, strict=True)))
                for values in zip(*(columns[n] for n in names), strict=True)]
    return pl.DataFrame({
        "left": pairs["member_id_l"].astype(str).tolist(),
        "right": pairs["member_id_r"].astype(str).tolist(),
        "probability": pairs["match_probability"].astype(float).round(6).tolist(),
        "compared": compared,
    }, schema=EDGE_SCHEMA)


def _labels(comparison: dict[str, Any]) -> dict[int, str]:
    """gamma value -> level label: the null level is -1, the others count down to 0."""
    levels = comparison["comparison_levels"]
    out, value = {}, len([lv for lv in levels if not lv.get("is_null_level")]) - 1
    for level in levels:
        if level.get("is_null_level"):
            out[-1] = level["label_for_charts"]
        else:
            out[value] = level["label_for_charts"]
            value -= 1
    return out
