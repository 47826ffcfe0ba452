"""The published methodology: docs/indicators/ pages generated from the declarations.

`cineatlas indicators docs` rewrites the pages; a test checks the committed pages equal what
the declarations generate, so the method cannot drift from the code.
"""

from __future__ import annotations

from pathlib import Path

from cineatlas.indicators.cut import DEFAULT_MIN_COVERAGE, LEVELS
from cineatlas.indicators.registry import THEMES, UNITS, Indicator, catalogue

FILTER_LABELS = {
    "territory": "territoire (niveau et codes) / territory (level and codes)",
    "year": "année ou période / year or period",
    "funder": "financeur / funder",
    "scheme": "dispositif / scheme",
    "stage": "étape (écriture, développement, production…) / stage",
    "format": "format (long métrage, court métrage, série…) / format",
    "genre": "genre (fiction, documentaire, animation…) / genre",
    "axis": "axe de la convention / convention axis",
    "basis": "engagé ou réalisé / committed or actual",
    "budget_class": "tranche de devis (moins de 1 M€, 1–4, 4–7, 7–15, 15 M€ et plus) / budget "
                    "class",
    "film_rank": "rang du film dans l'œuvre de sa réalisation (1er, 2e, 3e et suivants) / "
                 "film's rank in its director's work",
}


def pages() -> dict[str, str]:
    """{file name: markdown} for the index and one page per indicator."""
    items = catalogue()
    out = {"README.md": _index(items)}
    for item in items:
        out[f"{item.id}.md"] = _page(item)
    return out


def write(directory: Path) -> list[Path]:
    """Write the pages into `directory` (stale indicator pages are removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for old in directory.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    written = []
    for name, text in wanted.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _index(items: list[Indicator]) -> str:
    lines = [
        "# Indicateurs partagés — méthode / Shared indicators — method",
        "",
        "_Generated from the declarations in `src/cineatlas/indicators/definitions/` by "
        "`cineatlas indicators docs`: do not edit by hand._",
        "",
        "Chaque indicateur a une définition, une formule et des limites publiées ; chacun se "
        "recalcule avec `cineatlas indicators compute ID`. Every indicator has a published "
        "definition, formula and caveats, and can be recomputed by anyone.",
        "",
        "## Règles communes / Common rules",
        "",
        "- **Territoire / territory**: results are given for every territory of one level "
        f"({', '.join(f'`{level}`' for level in LEVELS)}). An award belongs to the territory "
        "where its beneficiary is based (its registered office), and to every territory above it. "
        "What a funder does (its commissions, its application figures, its awards by level, what "
        "it publishes) belongs to the funder's territory: the one it governs (the CNC: France, a "
        "Région: its region), else where it is based; each page says which. "
        "The CNC's agreed films name no place: their indicators are for France as a whole "
        "(`country`, FR), and give no row at other levels.",
        "- **Inconnu n'est pas zéro / unknown is not zero**: a row whose needed fields are unknown "
        "is left out of the computation, and counted in the coverage.",
        "- **Zéro n'est pas inconnu / zero is not unknown**: a sum or a count (total support, "
        "support per inhabitant, cinemas, festivals) is 0 for a territory that the sources "
        "cover and where nothing is counted, and it is ranked with the others; a territory that "
        "no source covers has no value. For awards, a source covers a territory that lies in "
        "its funder's territory (the CNC: France; Telefilm: Canada; a Département: its "
        "département) at a level where the source places its beneficiaries (at least "
        f"{DEFAULT_MIN_COVERAGE:.0%} of its rows placed at that level or below): a zero rests "
        "on those sources (`sources`), with `n` = 0. Shares, ratios and indices of a territory "
        "with no row stay empty (0 ÷ 0 is not 0).",
        "- **Couverture / coverage**: each result gives `n` (rows in the cut), `covered` (rows "
        "whose needed fields are known), `coverage` (covered ÷ n) and, for money, "
        "`money_coverage` (the share of the money those rows hold). A result is flagged "
        f"`low_coverage` when either share is below {DEFAULT_MIN_COVERAGE:.0%} (changeable per "
        "computation): it should not be used to conclude.",
        "- **Provenance / provenance**: each result says what it rests on: `sources` (the ids of "
        "the sources of the rows counted in `n`, sorted) and `fictitious` (TRUE when any of those "
        "rows is fictitious demo data, FALSE when none is). An index over sub-territories (Gini, "
        "Theil) covers every row of every sub-territory; a change covers both years; `--rank` "
        "adds `median_fictitious` when the median it compares with rests on fictitious rows. "
        "Never quote a fictitious result as a real figure.",
        "- **Monnaie / money**: amounts are summed exactly in cents and never added across "
        "currencies: a territory with awards in euros and in Canadian dollars gets one row per "
        "currency.",
        "- **Chaque contrat une fois / each contract once**: when a funder re-discloses an "
        "amended contract as a new row (Telefilm), the contract counts once, at its final value: "
        "the rows a later amendment superseded are left out (docs/data-model.md, *Amendments*). "
        "`--include-superseded` counts every signed value instead.",
        "- **Évolution / change over time**: every indicator computed by year can be read as a "
        "year-on-year change (`--change`) or over a period (`--period-change`); a missing year "
        "gives no change rather than a change over two years.",
        "- **Comparaison / comparison**: `--rank` ranks territories and compares each to the "
        "median of the territories of its country at the same level.",
        "",
    ]
    for theme, (fr, en) in THEMES.items():
        members = [item for item in items if item.theme == theme]
        if not members:
            continue
        lines += [f"## {fr} / {en}", "", "| id | indicateur | indicator | unit |",
                  "|---|---|---|---|"]
        lines += [f"| [`{i.id}`]({i.id}.md) | {i.title_fr} | {i.title_en} | {UNITS[i.unit][1]} |"
                  for i in members]
        lines.append("")
    return "\n".join(lines)


def _page(item: Indicator) -> str:
    fr_unit, en_unit = UNITS[item.unit]
    lines = [
        f"# {item.title_fr}",
        "",
        f"_{item.title_en}_ — `{item.id}`",
        "",
        "_Generated from the declaration: do not edit by hand._",
        "",
        "## Définition",
        "",
        item.definition_fr,
        "",
        "## Definition",
        "",
        item.definition_en,
        "",
        "## Formule / Formula",
        "",
        f"    {item.formula}",
        "",
        f"- Unité / unit: {fr_unit} / {en_unit} (`{item.unit}`)",
        f"- Données / data: `{item.subject}`"
        + (f"; champs nécessaires / needed fields: {', '.join(f'`{n}`' for n in item.needs)}"
           if item.needs else ""),
        f"- Filtres / filters: {'; '.join(FILTER_LABELS[f] for f in item.filters)}",
    ]
    if item.levels:
        lines.append(f"- Niveaux / levels: {', '.join(f'`{level}`' for level in item.levels)} "
                     "(les autres niveaux n'ont pas de ligne / other levels give no row)")
    if item.additive:
        lines.append("- Zéro / zero: 0 pour un territoire couvert par les sources sans aucune "
                     "ligne, classé avec les autres ; pas de valeur là où aucune source ne couvre "
                     "/ 0 for a territory the sources cover with no row, ranked with the others; "
                     "no value where no source covers")
    if item.target is not None:
        label = f" ({item.target_label[0]} / {item.target_label[1]})" if item.target_label else ""
        lines.append(f"- Cible / target: {item.target:g}{label}; les cartes divergent autour de "
                     "la cible / maps diverge around the target")
    if item.over_subterritories:
        lines.append("- Calculé sur les sous-territoires (enfants directs) de chaque territoire / "
                     "computed over the sub-territories (direct children) of each territory")
    if item.category:
        lines.append(f"- Colonne `category` : {item.category[0]} / {item.category[1]}")
    if item.extras:
        lines += ["", "## Colonnes supplémentaires / Extra columns", ""]
        lines += [f"- `{name}`: {fr} / {en}" for name, (fr, en) in item.extras.items()]
    if item.caveats_fr or item.caveats_en:
        lines += ["", "## Limites", ""] + [f"- {c}" for c in item.caveats_fr]
        lines += ["", "## Caveats", ""] + [f"- {c}" for c in item.caveats_en]
    if item.check:
        lines += ["", "## Vérifier / Check", "",
                  "Les lignes sur lesquelles reposent les chiffres, à relire dans la base "
                  "(`cineatlas sql`, DuckDB) / the rows behind the figures, to read in the "
                  "store:", "", "```sql", item.check, "```"]
    lines += ["", "## Recalculer / Recompute", "", "```",
              f"cineatlas indicators compute {item.id} --level {(item.levels or ('region',))[0]}"
              f"{' --by-year' if item.levels else ''} --format csv", "```", ""]
    return "\n".join(lines)
