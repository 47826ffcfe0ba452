"""The indicator catalogue: one declaration per indicator, registered by id.

A declaration says what an indicator means (titles, definition, formula, unit, caveats),
what it needs (its subject table and the fields that must be known) and how it is computed
(a function building an Ibis expression from a `Query`). The methodology pages in
docs/indicators/ are generated from these declarations.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cineatlas.errors import AtlasError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from cineatlas.indicators.query import Query

#: Subjects an indicator can be computed on, and the cut filters that apply to each.
SUBJECT_FILTERS: dict[str, tuple[str, ...]] = {
    "awards": ("territory", "year", "funder", "scheme", "stage", "format", "genre"),
    "conventions": ("territory", "year", "axis", "basis"),
    "commissions": ("territory", "year", "funder", "scheme"),
    "sessions": ("territory", "year", "funder", "scheme"),
    "applications": ("territory", "year", "funder", "scheme"),
    "venues": ("territory",),
    "festivals": ("territory",),
    "publication": ("territory", "year"),
    "films": ("territory", "year", "genre", "budget_class", "film_rank"),
}

#: Units, with their French and English labels.
UNITS: dict[str, tuple[str, str]] = {
    "money_per_inhabitant": ("montant par habitant", "amount per inhabitant"),
    "money": ("montant", "amount"),
    "share": ("part (0 à 1)", "share (0 to 1)"),
    "ratio": ("ratio", "ratio"),
    "index": ("indice", "index"),
    "count": ("nombre", "count"),
    "per_100k": ("pour 100 000 habitants", "per 100,000 inhabitants"),
    "status": ("statut (1 publié, 0 non publié, vide : non couvert)",
               "status (1 published, 0 not published, empty: not covered)"),
}

#: Modules holding the declarations, imported on first use of the catalogue.
DEFINITION_MODULES = (
    "support",
    "beneficiaries",
    "equity",
    "works",
    "cofinancing",
    "governance",
    "commissions",
    "funders",
    "publication",
    "access",
    "films",
    "efficacy",
)


class UnknownIndicator(AtlasError):
    """An indicator id that is not in the catalogue."""


@dataclass(frozen=True)
class Indicator:
    """The declaration of one indicator."""

    id: str
    title_fr: str
    title_en: str
    definition_fr: str
    definition_en: str
    formula: str
    unit: str
    subject: str
    compute: Callable[[Query], ir.Table]
    #: fields of the subject that must be known for a row to count ("coverage")
    needs: tuple[str, ...] = ()
    caveats_fr: tuple[str, ...] = ()
    caveats_en: tuple[str, ...] = ()
    #: extra output columns, with their meaning (French, English)
    extras: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: what the `category` column holds, when the indicator has one
    category: tuple[str, str] | None = None
    #: True when the result is a whole-territory figure over its sub-territories
    over_subterritories: bool = False
    #: group of the catalogue (for listings and docs)
    theme: str = "support"
    #: a SQL query on the store listing the rows behind the figures, for a reader to check them
    #: (shown on the method page)
    check: str | None = None
    #: territory levels that have results, when not every level does (the agreed films name
    #: no place: `country` only); other levels give no row
    levels: tuple[str, ...] = ()
    #: True for a sum or a count (per inhabitant too): a territory that the sources cover and
    #: where nothing is counted gets the value 0, ranked with the others, not a missing row
    #: (indicators/reach.py says which territories a source covers)
    additive: bool = False
    #: the value the indicator is judged against, when it has one (the co-financing rule's 0.5):
    #: maps diverge around it and the method page states it
    target: float | None = None
    #: what the target means (French, English), shown with it
    target_label: tuple[str, str] | None = None

    @property
    def filters(self) -> tuple[str, ...]:
        return SUBJECT_FILTERS[self.subject]

    def title(self, lang: str = "fr") -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def definition(self, lang: str = "fr") -> str:
        return self.definition_fr if lang == "fr" else self.definition_en


_REGISTRY: dict[str, Indicator] = {}
_loaded = False


def indicator(
    **declaration,
) -> Callable[[Callable[[Query], ir.Table]], Callable[[Query], ir.Table]]:
    """Decorator registering the decorated compute function as one indicator."""

    def register(compute: Callable[[Query], ir.Table]) -> Callable[[Query], ir.Table]:
        item = Indicator(compute=compute, **declaration)
        if item.subject not in SUBJECT_FILTERS:
            raise ValueError(f"{item.id}: unknown subject {item.subject!r}")
        if item.unit not in UNITS:
            raise ValueError(f"{item.id}: unknown unit {item.unit!r}")
        if item.id in _REGISTRY and _REGISTRY[item.id].compute is not compute:
            raise ValueError(f"indicator {item.id!r} is declared twice")
        _REGISTRY[item.id] = item
        return compute

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in DEFINITION_MODULES:
            importlib.import_module(f"cineatlas.indicators.definitions.{name}")
        _loaded = True


def catalogue() -> list[Indicator]:
    """Every declared indicator, in catalogue order (theme, then declaration order)."""
    _load()
    themes = {theme: i for i, theme in enumerate(THEMES)}
    return sorted(_REGISTRY.values(), key=lambda item: themes.get(item.theme, len(themes)))


def get(indicator_id: str) -> Indicator:
    """The declaration of `indicator_id`; a clear error listing the ids when unknown."""
    _load()
    try:
        return _REGISTRY[indicator_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownIndicator(
            f"No indicator {indicator_id!r}. Known indicators: {known}. "
            "`cineatlas indicators list` describes them."
        ) from None


#: Themes of the catalogue, in display order, with French and English titles.
THEMES: dict[str, tuple[str, str]] = {
    "support": ("Montants et répartition", "Amounts and distribution"),
    "beneficiaries": ("Bénéficiaires et territoires", "Beneficiaries and territories"),
    "equity": ("Équité territoriale", "Territorial equity"),
    "works": ("Œuvres : parité, émergence, diversité", "Works: parity, emergence, diversity"),
    "cofinancing": ("Conventions État–CNC–Région", "State–CNC–Region conventions"),
    "governance": ("Commissions et demandes", "Commissions and applications"),
    "publication": ("Transparence : données publiées", "Transparency: published data"),
    "access": ("Accès au cinéma", "Access to cinema"),
    "films": ("Films agréés par le CNC", "Films agreed by the CNC"),
    "efficacy": ("Efficacité des dispositifs", "Efficacy of support programmes"),
}
