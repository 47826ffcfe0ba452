"""Each line's sector (`awards.sector`, `awards.sector_rule`) as the classifier decides it,
the rule applied over the whole file (`same-beneficiary`) and the report's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from cineatlas.importers.public_bodies import PublicBody, recognise
from cineatlas.importers.scdl.classifier import OTHER, SectorClassifier, cinema_terms
from cineatlas.parsing import map_unique
from cineatlas.privacy import scrub_text
from cineatlas.store.vocabularies import CINEMA_AUDIOVISUAL

if TYPE_CHECKING:
    from cineatlas.store import Store
    from cineatlas.territories.geocode import Geocoder


def sectors(
    rows: pl.DataFrame, classifier: SectorClassifier, geocoder: Geocoder,
    known: dict[tuple[str, str | None], PublicBody | None],
) -> pl.DataFrame:
    """Each row's sector, the rule that decided and its evidence (`classifier`): the words
    rules once per distinct object, beneficiary's name and scheme; the festival and cinema
    rules, for the rows no word decided, once per distinct object, beneficiary and funder."""
    terms = {
        rule: map_unique(rows[column], lambda text: ", ".join(cinema_terms(text)) or None,
                         pl.Utf8)
        for rule, column in WORD_RULES.items()
    }
    rule, evidence = pl.lit(None, dtype=pl.Utf8), pl.lit(None, dtype=pl.Utf8)
    for name in reversed(WORD_RULES):  # the first rule that holds decides
        found = pl.lit(terms[name])
        rule = pl.when(found.is_not_null()).then(pl.lit(name)).otherwise(rule)
        evidence = pl.when(found.is_not_null()).then(found).otherwise(evidence)
    rows = rows.with_columns(
        pl.when(rule.is_not_null()).then(pl.lit(CINEMA_AUDIOVISUAL)).alias("sector"),
        rule.alias("sector_rule"), evidence.alias("sector_evidence"),
    )
    undecided = rows.filter(pl.col("sector").is_null())
    if undecided.is_empty() or not classifier.knows_places:
        return rows.with_columns(pl.col("sector").fill_null(OTHER),
                                 pl.col("sector_rule").fill_null("no-evidence"))
    places = ["objet", "nomBeneficiaire", "idBeneficiaire_siren", "governed_territory_id"]
    found, departments = [], {}
    for objet, name, siren, governed in undecided.select(places).unique().iter_rows():
        if (name, siren) not in known:
            known[(name, siren)] = recognise(name, siren, geocoder)
        body = known[(name, siren)]
        commune = body.territory_id if body is not None and body.level == "communal" else None
        region = geocoder.region_of(governed) if governed else None
        if governed not in departments:
            departments[governed] = _department(governed, geocoder)
        d = classifier.by_places(objet, name, region, commune, department=departments[governed],
                                 public_body=body is not None)
        found.append((objet, name, siren, governed, d.sector, d.rule, d.evidence))
    by_place = pl.DataFrame(found, orient="row",
                            schema={**dict.fromkeys(places, pl.Utf8), **_DECISION})
    placed = rows.join(by_place, on=places, how="left", nulls_equal=True,
                       maintain_order="left", suffix="_place")
    return placed.with_columns(
        pl.coalesce(name, f"{name}_place").alias(name) for name in _DECISION
    ).drop([f"{name}_place" for name in _DECISION])


def _department(territory_id: str | None, geocoder: Geocoder) -> str | None:
    """The département a funder governs or lies in (None for a région, a country…)."""
    if not territory_id:
        return None
    chain = [territory_id, *geocoder.ancestors(territory_id)]
    return next((t for t in chain if (row := geocoder.rows.get(t)) is not None
                 and row.level == "department"), None)


_DECISION = {"sector": pl.Utf8, "sector_rule": pl.Utf8, "sector_evidence": pl.Utf8}
#: The words rules, in the order they are tried, and the column each reads.
WORD_RULES = {"object-words": "objet", "beneficiary-words": "nomBeneficiaire",
              "scheme-words": "scheme"}


#: Lines without an object whose beneficiary (same SIREN) is a cinema and audiovisual
#: organisation by its name (or a festival's, a cinema's) on another line of the source.
SAME_BENEFICIARY = f"""
    SELECT a.award_id, '{CINEMA_AUDIOVISUAL}' AS sector, 'same-beneficiary' AS sector_rule
    FROM awards a JOIN organisations b ON b.organisation_id = a.beneficiary_id
    WHERE a.source_id = ? AND a.sector = 'other' AND coalesce(trim(a.project_title), '') = ''
      AND b.siren IN (
        SELECT o.siren FROM awards c JOIN organisations o ON o.organisation_id = c.beneficiary_id
        WHERE c.source_id = ? AND o.source_id = ? AND o.siren IS NOT NULL
          AND c.sector_rule IN ('beneficiary-words', 'cinema-festival', 'cnc-cinema'))
"""


def sector_figures(store: Store, source_id: str, examples: list[tuple[int, str, str, str]],
                   same: pl.DataFrame) -> dict[str, Any]:
    """The report's figures: cinema and audiovisual lines, their total, by rule, examples."""
    counts = store.frame(
        "SELECT count(*) AS n, coalesce(sum(amount_minor), 0)::BIGINT AS total FROM awards "
        "WHERE source_id = ? AND sector = ?", [source_id, CINEMA_AUDIOVISUAL]).row(0)
    by_rule = store.frame(
        "SELECT sector_rule, count(*) AS n FROM awards WHERE source_id = ? AND sector = ? "
        "GROUP BY ALL ORDER BY n DESC, sector_rule", [source_id, CINEMA_AUDIOVISUAL]).rows()
    # names are cells: contact data in them is never shown (the report is stored)
    shown = [scrub_text(f"row {row} {name} ({rule}: {evidence})") or ""
             for row, name, rule, evidence in examples]
    shown += [f"row {award_id.rsplit('/', 1)[-1]} (same-beneficiary)"
              for award_id in same["award_id"].head(1)]
    return {
        "cinema_audiovisual_lines": counts[0],
        "cinema_audiovisual_minor": counts[1],
        "cinema_audiovisual_by_rule": ", ".join(f"{rule} {n:,}" for rule, n in by_rule) or "none",
        "cinema_audiovisual_examples": "; ".join(shown[:6]) or "none",
    }
