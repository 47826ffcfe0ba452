"""Publication: for each territory and level of public funder, which data the store holds from
the bodies responsible for it — award lists, commission composition, application figures.

A status, in the catalogue's numeric frame: `value` 1 (published), 0 (not published: the store
holds data of a body of that level for the territory, but none of this kind) or NULL (not
covered: the store holds no source naming a body of that level for the territory, so it cannot
say), with the same reading in the `status` column (`published`, `not_published`,
`not_covered`). Never a zero amount: a territory that publishes nothing shows a status.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cineatlas.indicators.query import Query
from cineatlas.indicators.registry import indicator

#: What a body may publish: the `data` of the publication subject's records.
DATA = {
    "awards": ("listes des aides attribuées", "award lists"),
    "commissions": ("composition des commissions", "commission composition"),
    "applications": ("nombres de demandes et d'aides", "application figures"),
}
#: The funder levels every territory of a level is expected to have a row for, by country:
#: the bodies that govern it or a territory containing it. Bodies of other levels (a
#: metropolis, an intercommunal body, the European Union…) get rows where the store knows one.
EXPECTED = {
    ("FR", "country"): ("national",),
    ("FR", "region"): ("national", "regional"),
    ("FR", "department"): ("national", "regional", "departmental"),
    ("CA", "country"): ("national",),
    ("CA", "province"): ("national", "provincial"),
    ("CA", "qc_region"): ("national", "provincial"),
}


def _key(table: ir.Table, columns: list[str]) -> ir.StringValue:
    """One join key from several columns (NULL-safe): joins on one column only."""
    parts = [table[c].cast("string").fill_null("") for c in columns]
    out = parts[0]
    for part in parts[1:]:
        out = out.concat("|", part)
    return out


def _expected(q: Query) -> ir.Table:
    """(keys…, funder_level): the levels expected for each unit of the cut."""
    rows = [(country, level, funder_level) for (country, level), levels in EXPECTED.items()
            for funder_level in levels]
    expected = ibis.memtable(pa.table({"e_key": [f"{c}|{lv}" for c, lv, _ in rows],
                                       "e_funder_level": [f for _, _, f in rows]}))
    units = q.units
    units = units.mutate(u_key=_key(units, ["country_code", "level"]))
    grid = units.inner_join(expected, units.u_key == expected.e_key).select(
        "unit_id", funder_level="e_funder_level")
    if q.cut.by_year:
        grid = grid.cross_join(q.publication_years())
    return grid.select(*q.keys, "funder_level")


@indicator(
    id="published_data",
    theme="publication",
    title_fr="Données publiées par les financeurs publics du territoire",
    title_en="Data published by the territory's public funders",
    definition_fr="Pour chaque territoire et chaque échelon de financeur public qui en a la "
                  "charge (l'État et le CNC, la Région, le Département ; au Canada, l'État "
                  "fédéral et la province), ce que la base en détient : listes des aides "
                  "attribuées, composition des commissions, nombres de demandes. 1 = publié, "
                  "0 = non publié, vide = non couvert par les sources de la base.",
    definition_en="For each territory and each level of public funder responsible for it (the "
                  "State and the CNC, the Region, the Département; in Canada, the federal State "
                  "and the province), what the store holds of it: award lists, commission "
                  "composition, application figures. 1 = published, 0 = not published, empty = "
                  "not covered by the store's sources.",
    formula="1 si un organisme de l'échelon publie des lignes de ce type ; 0 si la base connaît "
            "un organisme de l'échelon mais aucune ligne de ce type ; vide sinon "
            "(numerator : organismes qui publient ; denominator : organismes connus)",
    unit="status",
    subject="publication",
    category=("échelon:donnée, p. ex. regional:awards (échelon : national, regional, "
              "departmental, provincial… ; donnée : awards, commissions, applications)",
              "level:data, e.g. regional:awards (level: national, regional, departmental, "
              "provincial…; data: awards, commissions, applications)"),
    extras={
        "funder_level": ("échelon du financeur", "the funder's level"),
        "data": ("la donnée : awards (listes des aides), commissions (composition), "
                 "applications (nombres de demandes)",
                 "the data: awards (award lists), commissions (composition), applications "
                 "(application figures)"),
        "status": ("published (publié), not_published (non publié dans les sources de la "
                   "base), not_covered (aucune source de la base ne couvre cet échelon ici)",
                   "published, not_published (not published in the store's sources), "
                   "not_covered (no source of the store covers this level here)"),
        "funder": ("un organisme de l'échelon (le premier par ordre alphabétique)",
                   "a body of that level (the first alphabetically)"),
        "bodies": ("organismes de l'échelon connus de la base pour ce territoire",
                   "bodies of that level the store knows for this territory"),
        "records": ("lignes publiées (aides, sièges, chiffres de demandes)",
                    "records published (awards, seats, application figures)"),
        "first_year": ("première année publiée", "first year published"),
        "last_year": ("dernière année publiée", "last year published"),
    },
    caveats_fr=(
        "Calculé d'après ce que la base contient, non d'après le site de chaque collectivité : "
        "« non publié » veut dire que la base détient des données de cet organisme (une source "
        "le nomme) mais aucune de ce type ; « non couvert » que la base ne connaît aucun "
        "organisme de cet échelon pour ce territoire : elle ne peut rien en dire. Importer un "
        "fichier publié fait passer le statut à « publié ».",
        "Un organisme compte pour les territoires qu'il administre (organisations."
        "governed_territory_id, sinon son siège) et ceux qu'ils contiennent : le CNC pour toute "
        "la France, une Région pour ses départements. Les échelons inférieurs se lisent à leur "
        "niveau (les départements d'une région : --level department).",
        "Un organisme est reconnu à son nom normalisé : le CNC nommé par deux sources compte "
        "une fois (colonne bodies). Un organisme sans échelon connu (organisations.funder_level "
        "vide) ou sans territoire n'est pas compté ; « Une Région (non nommée) » des films "
        "agréés non plus.",
        "Listes des aides : toutes les lignes, tous secteurs (un Département publie ses "
        "subventions de tous secteurs) ; composition : au moins un membre publié ; demandes : "
        "un dispositif-année avec au moins un des deux nombres.",
        "Par année : un statut par année où la base détient une donnée publiée (de n'importe "
        "quel organisme). n compte les organismes et lignes sur lesquels reposent les statuts "
        "du territoire.",
    ),
    caveats_en=(
        "Computed from what the store holds, not from each authority's website: 'not "
        "published' means the store holds data of this body (a source names it) but none of "
        "this kind; 'not covered' that the store knows no body of this level for the "
        "territory: it cannot say. Importing a published file turns the status to "
        "'published'.",
        "A body counts for the territories it governs (organisations.governed_territory_id, "
        "else its seat) and those they contain: the CNC for the whole of France, a Region for "
        "its départements. Lower levels are read at their own level (a region's départements: "
        "--level department).",
        "A body is recognised by its normalised name: the CNC named by two sources counts once "
        "(the bodies column). A body of unknown level (organisations.funder_level empty) or "
        "without a territory is not counted; neither is the agreed films' 'A Region (not "
        "named)'.",
        "Award lists: every row, every sector (a Département publishes its grants of every "
        "sector); composition: at least one member published; applications: a scheme-year "
        "with at least one of the two counts.",
        "By year: one status per year in which the store holds published data (of any body). "
        "n counts the bodies and records the territory's statuses rest on.",
    ),
    check="SELECT o.funder_level, o.name,\n"
          "       coalesce(o.governed_territory_id, o.territory_id) AS territory,\n"
          "       (SELECT count(*) FROM awards a\n"
          "        WHERE a.funder_id = o.organisation_id) AS awards,\n"
          "       (SELECT count(*) FROM commission_members m JOIN commissions c\n"
          "        USING (commission_id) WHERE c.funder_id = o.organisation_id) AS seats,\n"
          "       (SELECT count(*) FROM application_stats s\n"
          "        WHERE s.funder_id = o.organisation_id) AS applications\n"
          "FROM organisations o WHERE o.funder_level IS NOT NULL ORDER BY 1, 2",
)
def published_data(q: Query) -> ir.Table:
    base, keys = q.base, q.keys
    bodies = base.filter(base.data == "body")
    known = bodies.group_by([*keys, "funder_level"]).aggregate(
        bodies=bodies.funder_key.nunique().cast("int64"), funder=bodies.funder_name.min())
    records = base.filter(base.data != "body")
    published = records.group_by([*keys, "funder_level", "data"]).aggregate(
        publishing=records.funder_key.nunique().cast("int64"),
        records=records.count().cast("int64"),
        first_year=records.year.min().cast("int64"), last_year=records.year.max().cast("int64"))
    levels = ibis.union(_expected(q), known.select(*keys, "funder_level"), distinct=True)
    data = ibis.memtable(pa.table({"data": list(DATA)}))
    grid = levels.cross_join(data)
    grid = grid.mutate(level_key=_key(grid, [*keys, "funder_level"]),
                       data_key=_key(grid, [*keys, "funder_level", "data"]))
    known = known.mutate(k_key=_key(known, [*keys, "funder_level"])).drop(*keys, "funder_level")
    published = published.mutate(p_key=_key(published, [*keys, "funder_level", "data"])).drop(
        *keys, "funder_level", "data")
    out = grid.left_join(known, grid.level_key == known.k_key)
    out = out.left_join(published, out.data_key == published.p_key)
    bodies_known = out.bodies.fill_null(0)
    publishing = out.publishing.fill_null(0)
    value = ibis.cases((publishing > 0, 1.0), (bodies_known > 0, 0.0),
                       else_=ibis.null().cast("float64"))
    status = ibis.cases((publishing > 0, "published"), (bodies_known > 0, "not_published"),
                        else_="not_covered")
    covered = bodies_known > 0
    return out.select(
        *keys, category=out.funder_level.concat(":", out.data),
        value=value.cast("float64"),
        numerator=ibis.ifelse(covered, publishing, ibis.null()).cast("float64"),
        denominator=ibis.ifelse(covered, bodies_known, ibis.null()).cast("float64"),
        funder_level=out.funder_level, data=out.data, status=status.cast("string"),
        funder=out.funder, bodies=bodies_known.cast("int64"),
        records=out.records.fill_null(0).cast("int64"),
        first_year=out.first_year, last_year=out.last_year)
