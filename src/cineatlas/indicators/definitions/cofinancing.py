"""State–CNC–Region conventions: the co-financing ratio against the "1 € for 2 €" rule."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator

#: The rule: 1 € from the CNC for 2 € from the Region, i.e. CNC ÷ Region = 0.5.
TARGET_RATIO = 0.5
#: Basis used when the cut does not choose one.
DEFAULT_BASIS = "committed"
#: Category of the row summing every axis of the cut.
ALL_AXES = "all"


@indicator(
    id="cofinancing_ratio",
    theme="cofinancing",
    title_fr="Ratio de cofinancement CNC / Région (règle « 1 € pour 2 € »)",
    title_en="CNC / Region co-financing ratio (the \"1 € for 2 €\" rule)",
    definition_fr="Sur le périmètre des conventions de coopération État–CNC–Région, montant "
                  "apporté par le CNC pour chaque euro apporté par la Région, comparé à la règle "
                  "« 1 € du CNC pour 2 € de la Région » (ratio cible 0,5), avec les euros qui "
                  "manquent au CNC pour l'atteindre. Une ligne par axe de la convention et une "
                  "ligne 'all' pour tous les axes du découpage ensemble.",
    definition_en="On the scope of the State–CNC–Region cooperation conventions, money put in by "
                  "the CNC for each euro put in by the Region, against the \"1 € from the CNC for "
                  "2 € from the Region\" rule (target ratio 0.5), with the euros the CNC is short "
                  "of it. One row per axis of the convention and one 'all' row for every axis of "
                  "the cut together.",
    formula="ratio = Σ CNC ÷ Σ Région ; manque = max(0, Σ Région × 0,5 − Σ CNC) ; "
            "excédent = max(0, Σ CNC − Σ Région × 0,5) (lignes où les deux montants sont connus)",
    unit="ratio",
    subject="conventions",
    target=TARGET_RATIO,
    target_label=("règle « 1 € du CNC pour 2 € de la Région »",
                  "the \"1 € from the CNC for 2 € from the Region\" rule"),
    needs=("region_amount_minor", "cnc_amount_minor"),
    category=("axe de la convention (writing_development, creation_production, diffusion, "
              "image_education, heritage, other), ou 'all' pour tous les axes du découpage",
              "axis of the convention (writing_development, creation_production, diffusion, "
              "image_education, heritage, other), or 'all' for every axis of the cut"),
    extras={
        "target_ratio": ("ratio cible de la règle (0,5 : 1 € du CNC pour 2 € de la Région)",
                         "target ratio of the rule (0.5: 1 € from the CNC for 2 € from the "
                         "Region)"),
        "missing_cnc": ("euros du CNC manquant pour atteindre la règle : "
                        "max(0, Région × 0,5 − CNC)",
                        "CNC euros missing to reach the rule: max(0, Region × 0.5 − CNC)"),
        "excess_cnc": ("euros du CNC au-delà de la règle : max(0, CNC − Région × 0,5)",
                       "CNC euros beyond the rule: max(0, CNC − Region × 0.5)"),
        "basis": ("base des montants : committed (engagé) ou actual (réalisé)",
                  "basis of the amounts: committed (as signed) or actual (as spent)"),
    },
    caveats_fr=(
        "Base : les montants engagés (committed) par défaut ; choisir « actual » (réalisé) dans "
        "le découpage. Les deux bases ne sont jamais additionnées.",
        "Le territoire est la Région signataire : l'indicateur se calcule au niveau région ou "
        "au-dessus (pays), pas aux niveaux inférieurs.",
        "La ligne 'all' applique la règle à la somme des axes : un excédent sur un axe compense "
        "un manque sur un autre, si bien que les manques par axe ne s'additionnent pas en celui "
        "de la ligne 'all'.",
        "Seul l'apport du CNC compte au numérateur : les crédits de l'État en région (DRAC) et "
        "des autres partenaires (Départements, villes) n'y entrent pas.",
        "Une ligne dont l'apport du CNC ou de la Région n'est pas publié est laissée de côté (et "
        "fait baisser la couverture), jamais comptée pour zéro ; un axe où aucun apport du CNC "
        "n'est connu garde sa ligne, sans valeur et signalée.",
        "La couverture est celle de chaque ligne (axe, ou tous les axes pour 'all'), sur la base "
        "retenue.",
    ),
    caveats_en=(
        "Basis: committed amounts by default; choose 'actual' (as spent) in the cut. The two "
        "bases are never added up.",
        "The territory is the signing Region: the indicator is computed at region level or above "
        "(country), not below.",
        "The 'all' row applies the rule to the sum of the axes: a surplus on one axis makes up "
        "for a shortfall on another, so the per-axis missing amounts do not add up to the 'all' "
        "row's.",
        "Only the CNC's money counts in the numerator: State money in the region (DRAC) and "
        "other partners' (Départements, cities) do not.",
        "A row whose CNC or Region amount is not published is left out (and lowers the "
        "coverage), never counted as zero; an axis where no CNC amount is known keeps its row, "
        "without a value and flagged.",
        "Coverage is that of each row (one axis, or every axis for 'all'), on the chosen basis.",
    ),
)
def cofinancing_ratio(q: Query) -> ir.Table:
    basis = q.cut.basis or DEFAULT_BASIS
    rows = q.base.filter(q.base.basis == basis)
    known = rows.region_amount_minor.notnull() & rows.cnc_amount_minor.notnull()
    rows = rows.mutate(_known=known)
    by_axis = _ratio(rows, [*q.keys, "axis"]).rename(category="axis")
    every_axis = _ratio(rows, q.keys).mutate(category=ibis.literal(ALL_AXES, "string"))
    columns = by_axis.columns
    out = ibis.union(by_axis, every_axis.select(*columns))
    return out.mutate(basis=ibis.literal(basis, "string"))


def _ratio(rows: ir.Table, keys: list[str]) -> ir.Table:
    """Sums of Region and CNC money (integer minor units) on rows where both are known, the
    ratio and the distance to the rule; and this group's own coverage (n, covered, money)."""
    grouped = rows.group_by(keys).aggregate(
        region=rows.region_amount_minor.sum(where=rows._known),
        cnc=rows.cnc_amount_minor.sum(where=rows._known),
        # Coverage of this very row (the engine's is per territory, for every basis and axis).
        n=rows.count().cast("int64"),
        covered=ibis.ifelse(rows._known, 1, 0).sum().cast("int64"),
        money_total=rows.amount.sum(),
        money_covered=rows.amount.sum(where=rows._known).fill_null(0),
    )
    region, cnc = grouped.region, grouped.cnc
    # region × 0.5 − cnc = (region − 2 × cnc) ÷ 2 cents, and max(0, x) = (x + |x|) ÷ 2: exact
    # in integer cents until one final division, and NULL (not 0) when an amount is unknown.
    gap = region - 2 * cnc
    return grouped.mutate(
        value=ibis.ifelse(region > 0, cnc / region, ibis.null()).cast("float64"),
        numerator=(cnc / 100).cast("float64"),
        denominator=(region / 100).cast("float64"),
        target_ratio=ibis.literal(TARGET_RATIO, "float64"),
        missing_cnc=((gap + gap.abs()) / 400).cast("float64"),
        excess_cnc=((gap.abs() - gap) / 400).cast("float64"),
    ).drop("region", "cnc")
