"""Places in French public files, as the importers of those files read them.

Lists of cinemas (CNC), of festivals (Ministère de la Culture) and of awards (the generic
importer) locate each row in a commune: by its INSEE code (`insee_code`: a code read as a
number gets its leading zero back), else by its name within a département or postal code
(`locate`, which also settles a code and a name that disagree); they check positions against
France's boxes, overseas included (`coordinates`); they flag identifiers that several rows
share (`duplicate_references`). The problem types these helpers report are declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from cineatlas.importers import place_evidence
from cineatlas.importers.base import ImportContext
from cineatlas.parsing import map_unique, problem_rows
from cineatlas.parsing.values import NULL_TEXT, Parsed, Stages, blank
from cineatlas.problems import WARNING, Severity, empty_problems, problem_type
from cineatlas.reading import ROW

if TYPE_CHECKING:
    from cineatlas.territories.geocode import Geocoder

problem_type("territory-by-name", "Commune found by its name, not by its code",
             "The code is missing or unknown, or designates another commune than the commune "
             "named (and its postal code); the commune was found from its name: correct the code.")
problem_type("former-commune-code", "Code of a former commune",
             "The commune has merged into another since; the row was linked to the commune it "
             "joined. Use the current INSEE code.")
problem_type("code-name-mismatch", "Code and commune name disagree",
             "The INSEE code is that of another commune of the département than the one named; "
             "nothing else confirming the name, the row was linked to the code's commune: check "
             "both.")
problem_type("padded-code", "Code lost its leading zero",
             "The code was read with its leading zero restored (01053, not 1053): keep codes as "
             "text, not numbers, in the spreadsheet.")
problem_type("coordinates-outside-france", "Position outside France",
             "The point is neither in metropolitan France nor overseas: check the latitude and "
             "longitude (decimal degrees, WGS 84). The position was left empty.")
problem_type("swapped-coordinates", "Latitude and longitude swapped",
             "The point only falls in France with latitude and longitude exchanged; it was read "
             "that way round. Write the latitude first.")
problem_type("incomplete-coordinates", "Half a position",
             "Give both the latitude and the longitude (decimal degrees); the position was "
             "left empty.")
problem_type("territory-not-in-reference", "Place outside the reference communes",
             "The place is in an overseas collectivity (French Polynesia, New Caledonia…) whose "
             "communes are not among the reference territories; the row is linked to the "
             "collectivity as a whole when the reference has it, else loaded without a territory.")
problem_type("duplicate-reference", "Identifier used by several rows",
             "Each row should have its own identifier; all rows were loaded, but they may "
             "describe the same place or event twice.")

#: Where a point may lie: (lat_min, lat_max, lon_min, lon_max) of metropolitan France with
#: Corsica, the overseas départements and the overseas collectivities (generous boxes).
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "metropolitan France": (41.2, 51.2, -5.3, 9.7),
    "Guadeloupe, Saint-Martin, Saint-Barthélemy": (15.8, 18.2, -63.2, -60.9),
    "Martinique": (14.3, 15.0, -61.3, -60.7),
    "Guyane": (2.0, 6.0, -54.7, -51.5),
    "La Réunion": (-21.5, -20.8, 55.1, 56.0),
    "Mayotte": (-13.1, -12.5, 44.9, 45.4),
    "Saint-Pierre-et-Miquelon": (46.7, 47.2, -56.5, -56.0),
    "Polynésie française": (-28.0, -7.0, -155.0, -134.0),
    "Nouvelle-Calédonie": (-23.0, -19.0, 163.0, 169.0),
    "Wallis-et-Futuna": (-14.5, -13.0, -178.3, -176.0),
}


def column(frame: pl.DataFrame, name: str | None) -> pl.Expr:
    """A frame column by name, or an all-null text column when absent."""
    return pl.col(name) if name is not None and name in frame.columns else NULL_TEXT


def coordinates(lat_raw: pl.Expr, lon_raw: pl.Expr) -> tuple[Parsed, pl.Expr]:
    """Latitude and longitude in decimal degrees, checked to lie in France (overseas included).

    Returns the latitude (a Parsed carrying the problems of the pair) and the longitude
    expression. A point outside France, or with one coordinate only, is left empty (warning);
    a pair that only falls in France when exchanged is exchanged (warning).
    """
    st = Stages()
    lat_text, lon_text = st.then(lat_raw.str.strip_chars(), lon_raw.str.strip_chars())
    lat, lon = st.then(_degrees(lat_text), _degrees(lon_text))
    has_lat, has_lon = ~blank(lat_text), ~blank(lon_text)
    numeric = lat.is_not_null() & lon.is_not_null()
    inside, swapped = st.then(_in_france(lat, lon), _in_france(lon, lat))
    ok, flip = st.then(numeric & inside, numeric & ~inside & swapped)
    code = (pl.when(~has_lat & ~has_lon).then(NULL_TEXT)
            .when(has_lat != has_lon).then(pl.lit("incomplete-coordinates"))
            .when(~numeric).then(pl.lit("invalid-number"))
            .when(ok).then(NULL_TEXT)
            .when(flip).then(pl.lit("swapped-coordinates"))
            .otherwise(pl.lit("coordinates-outside-france")))
    null = pl.lit(None, dtype=pl.Float64)
    latitude = pl.when(ok).then(lat).when(flip).then(lon).otherwise(null)
    longitude = pl.when(ok).then(lon).when(flip).then(lat).otherwise(null)
    severities = {"incomplete-coordinates": WARNING, "invalid-number": WARNING,
                  "swapped-coordinates": WARNING, "coordinates-outside-france": WARNING}
    return Parsed(latitude, code, severities, st.stages), longitude


def duplicate_references(raw: pl.DataFrame, reference: str | None, seen: set[str]) -> pl.DataFrame:
    """A `duplicate-reference` warning for every row whose identifier another row of the file
    has (`seen`: the identifiers of the earlier batches, updated)."""
    if reference is None:
        return empty_problems()
    refs = raw.select(pl.col(ROW).alias("row"),
                      pl.col(reference).str.replace_all(r"\s", "").alias("value")
                      ).filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
    earlier = pl.Series(sorted(seen), dtype=pl.Utf8).implode()
    dup = refs.filter(pl.col("value").is_duplicated() | pl.col("value").is_in(earlier))
    seen.update(refs.get_column("value").to_list())
    return problem_rows(dup.with_columns(pl.lit("duplicate-reference").alias("code")),
                        reference, {"duplicate-reference": WARNING})


def _degrees(text: pl.Expr) -> pl.Expr:
    value = text.str.replace(r"^\+", "").cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(pl.lit(None, dtype=pl.Float64))


def _in_france(lat: pl.Expr, lon: pl.Expr) -> pl.Expr:
    return pl.any_horizontal([
        lat.is_between(lat_min, lat_max) & lon.is_between(lon_min, lon_max)
        for lat_min, lat_max, lon_min, lon_max in FRANCE_BOXES.values()
    ]).fill_null(False)


def insee_code(raw: pl.Expr) -> Parsed:
    """A French commune code as text: '1053' and '1053.0' (a code read as a number) become
    '01053' with a `padded-code` warning; spreadsheet errors ('#N/A') are empty."""
    st = Stages()
    text = st.then(raw.str.strip_chars().str.to_uppercase().str.replace(r"\.0+$", ""))
    short = text.str.contains(r"^\d{4}$")
    usable = text.str.contains(r"^(\d{5}|2[AB]\d{3}|\d{4})$")
    value = (pl.when(short).then(pl.lit("0") + text)
             .when(usable).then(text).otherwise(NULL_TEXT))
    code = (pl.when(blank(text) | text.str.starts_with("#")).then(NULL_TEXT)
            .when(short).then(pl.lit("padded-code"))
            .when(~usable).then(pl.lit("pattern")).otherwise(NULL_TEXT))
    return Parsed(value, code, {"padded-code": WARNING, "pattern": WARNING}, st.stages)


def lookup(keys: pl.Series, find: Callable[[str], str | None]) -> pl.Series:
    """Resolve each distinct non-empty key once (keys repeat: communes, names)."""
    return map_unique(keys, lambda k: find(k) if k else None, pl.Utf8)


def evaluate(frame: pl.DataFrame, parsed: Parsed) -> pl.DataFrame:
    """Evaluate a Parsed now (value, code), for values needed before RowParser.finish()."""
    for stage in parsed.stages:
        frame = frame.with_columns(stage)
    return frame.select(parsed.value.alias("value"), parsed.code.alias("code"))


#: Problems a place can have, all warnings: the row loads, without a territory if need be.
PLACE_SEVERITIES: dict[str, Severity] = {
    "padded-code": WARNING, "pattern": WARNING, "territory-by-name": WARNING,
    "former-commune-code": WARNING, "code-name-mismatch": WARNING,
    "unknown-territory": WARNING, "territory-not-in-reference": WARNING}

#: Arrondissement code prefixes of Paris, Lyon, Marseille -> the city's territory.
_PLM = (("FR-C751", "FR-C75056"), ("FR-C6938", "FR-C69123"), ("FR-C132", "FR-C13055"))


def locate(ctx: ImportContext, rows: pl.Series, code: pl.DataFrame, names: pl.Series,
           fallback: pl.Series, find: Callable[[str], str | None], shown: pl.Series,
           field: str, *, confirm: Callable[[str], str | None] | None = None,
           outside: pl.Series | None = None,
           areas: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The commune of each row, and its problems.

    `code` is `insee_code` evaluated (value, code); `names` the published commune names;
    `fallback` the keys `find` resolves when the code does not (name and département, postal
    code and name…); `shown` the text quoted in problems, under `field`; `confirm` resolves
    a `fallback` key to the commune another published field designates (the postal code),
    asked only where the code and the name disagree; `outside`, for
    rows in places whose communes the reference territories do not cover, the place's
    ISO 3166 code: such a row is linked to that territory when the reference has it.

    The code wins, unless its commune differs from the one its name designates (looked up in
    the code's département) and the code is a former commune's, or the other field agrees
    with the name: then the name wins. With `areas` (columns postcode, department, region),
    a code kept whose département or région the other fields contradict is weighed against
    them (`place_evidence`): the commune most fields designate is kept, with a warning giving
    the evidence. Returns a frame (territory, code_territory: the commune of the code when
    another won, else null) and the problems.
    """
    geocoder = ctx.geocoder
    codes = code.get_column("value")
    by_code = lookup(codes, geocoder.commune)
    department = map_unique(by_code, lambda t: getattr(geocoder.rows.get(t), "parent_id", None),
                            pl.Utf8)
    keys = pl.select(pl.when(names.is_not_null() & department.is_not_null()).then(
        pl.concat_str([names.str.strip_chars(), pl.lit("|"), department]))).to_series()
    named = lookup(keys, find_within(geocoder))
    n = len(rows)
    outside = outside if outside is not None else pl.repeat(None, n, dtype=pl.Utf8, eager=True)
    known = {iso: iso if iso in geocoder.rows else "" for iso in outside.drop_nulls().unique()}
    frame = pl.DataFrame({
        "row": rows, "code_value": codes, "problem": code.get_column("code"), "by_code": by_code,
        "named": named, "value": shown,
        "outside": outside.replace_strict(known, default=None, return_dtype=pl.Utf8)})
    frame = frame.with_columns(
        (pl.col("by_code") != pl.lit("FR-C") + pl.col("code_value")).alias("former"),
        (_city(pl.col("named")) != _city(pl.col("by_code"))).fill_null(False).alias("differs"))
    confirmed = pl.Series("confirm", [None] * n, dtype=pl.Utf8)
    ask = frame.get_column("differs") & fallback.is_not_null()
    if confirm is not None and ask.any():
        confirmed = confirmed.scatter(ask.arg_true(), lookup(fallback.filter(ask), confirm))
    frame = frame.with_columns(confirmed).with_columns(
        (_city(pl.col("confirm")) == _city(pl.col("named"))).fill_null(False).alias("confirmed"))
    overridden = pl.col("differs") & (pl.col("former") | pl.col("confirmed"))
    frame = frame.with_columns(
        overridden.alias("overridden"),
        pl.when(overridden & pl.col("confirmed")).then(pl.col("confirm"))
        .when(overridden).then(pl.col("named")).otherwise(pl.col("by_code")).alias("territory"))
    evidence = None
    if areas is not None:
        kept = (frame.get_column("territory") == frame.get_column("by_code")).fill_null(False)
        evidence = place_evidence.settle(
            geocoder, frame.select(pl.when(kept).then(pl.col("by_code"))).to_series(), names,
            areas, find, fallback)
        frame = frame.with_columns(
            evidence.get_column("territory").is_not_null().alias("weighed"),
            pl.coalesce(evidence.get_column("territory"), pl.col("territory"))
            .alias("territory"))
    need = frame.get_column("territory").is_null() & fallback.is_not_null()
    found = pl.Series("found", [None] * n, dtype=pl.Utf8)
    if need.any():
        found = found.scatter(need.arg_true(), lookup(fallback.filter(need), find))
    frame = frame.with_columns(
        found.is_not_null().alias("by_fallback"),
        pl.coalesce("territory", found, pl.when(pl.col("outside") != "").then("outside"))
        .alias("territory"))
    missing = pl.col("territory").is_null()
    in_collectivity = pl.col("outside").is_not_null() & (
        missing | (pl.col("territory") == pl.col("outside")))
    problems = frame.select(
        "row", "value",
        pl.when(in_collectivity).then(pl.lit("territory-not-in-reference"))
        .when(missing & (pl.col("problem") == "pattern")).then(pl.lit("pattern"))
        .when(missing).then(pl.lit("unknown-territory"))
        .when(pl.col("by_fallback") | pl.col("overridden")).then(pl.lit("territory-by-name"))
        .when(pl.col("former")).then(pl.lit("former-commune-code"))
        .when(pl.col("differs")).then(pl.lit("code-name-mismatch"))
        .otherwise(pl.col("problem")).alias("code"),
    ).filter(pl.col("code").is_not_null())
    weighed = pl.col("weighed") if "weighed" in frame.columns else pl.lit(False)
    places = frame.select("territory", pl.when(pl.col("overridden") | weighed)
                          .then(pl.col("by_code")).alias("code_territory"))
    found = problem_rows(problems.select("row", "code", "value"), field, PLACE_SEVERITIES)
    if evidence is not None:
        disagree = frame.select("row", "value").with_columns(
            evidence.get_column("detail").alias("detail"),
            pl.lit("code-region-mismatch").alias("code")).filter(pl.col("detail").is_not_null())
        found = pl.concat([found, problem_rows(disagree, field, place_evidence.SEVERITIES)])
    return places, found


def _city(territory: pl.Expr) -> pl.Expr:
    """A commune's territory, with the arrondissements of Paris, Lyon, Marseille as the city."""
    out = territory
    for prefix, city in _PLM:
        out = pl.when(territory.str.starts_with(prefix)).then(pl.lit(city)).otherwise(out)
    return out


def find_within(geocoder: Geocoder) -> Callable[[str], str | None]:
    """Resolve 'name|department id' keys: the commune of that name in that département."""
    def find(key: str) -> str | None:
        name, _, within = key.partition("|")
        return geocoder.city(name, country="FR", within=within or None)
    return find
