"""A cut: which territories, years and awards an indicator is computed on."""

from __future__ import annotations

from dataclasses import dataclass

from cineatlas.errors import AtlasError
from cineatlas.store.vocabularies import BUDGET_CLASSES, CINEMA_AUDIOVISUAL, FILM_RANKS, SECTORS

#: Territory levels an indicator can be computed at.
LEVELS = ("country", "region", "department", "commune", "province", "qc_region",
          "municipality", "metropolis")
#: Coverage below this share (of rows or of money) flags a result as not conclusive.
DEFAULT_MIN_COVERAGE = 0.7


class CutError(AtlasError):
    """A cut that cannot be computed (unknown level, empty year range, ...)."""


@dataclass(frozen=True)
class Cut:
    """Where and on what an indicator is computed.

    `level` is the territory level of the result rows; `territories` restricts them to some
    territory ids (at that level). `years` is an inclusive (first, last) range; `by_year`
    gives one row per year instead of one for the whole range. The other filters keep
    awards (or conventions) whose field is one of the values given. `sectors` keeps awards of
    those sectors: cinema and audiovisual lines by default; () keeps every sector (the files of
    local authorities hold them all), unclassified awards included. `budget_classes` and
    `film_ranks` keep agreed films of those budget classes (vocabularies.BUDGET_CLASSES) and
    ranks (1 first film, 2 second, 3 third or later); `genres` applies to them too.
    """

    level: str = "region"
    territories: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    by_year: bool = False
    funders: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    sectors: tuple[str, ...] = (CINEMA_AUDIOVISUAL,)
    axes: tuple[str, ...] = ()
    budget_classes: tuple[str, ...] = ()
    film_ranks: tuple[int, ...] = ()
    basis: str | None = None
    min_coverage: float = DEFAULT_MIN_COVERAGE
    #: Count every signed value: an amended contract's earlier rows too (docs/data-model.md,
    #: "Amendments"). By default each contract counts once, at its final value.
    include_superseded: bool = False

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise CutError(f"Unknown territory level {self.level!r}. "
                           f"Use one of: {', '.join(LEVELS)}.")
        if self.years is not None and self.years[0] > self.years[1]:
            raise CutError(f"The year range {self.years[0]}–{self.years[1]} is empty: "
                           "give the first year first.")
        if not 0 <= self.min_coverage <= 1:
            raise CutError(f"min_coverage must be between 0 and 1, not {self.min_coverage}.")
        unknown = sorted(set(self.sectors) - set(SECTORS))
        if unknown:
            raise CutError(f"Unknown sector {unknown[0]!r}. Use one of: {', '.join(SECTORS)} "
                           "(or no sector filter for every sector).")
        unknown = sorted(set(self.budget_classes) - set(BUDGET_CLASSES))
        if unknown:
            raise CutError(f"Unknown budget class {unknown[0]!r}. Use one of: "
                           f"{', '.join(BUDGET_CLASSES)}.")
        unknown = sorted(set(self.film_ranks) - set(FILM_RANKS))
        if unknown:
            raise CutError(f"Unknown film rank {unknown[0]!r}. Use 1 (first film), 2 (second) "
                           "or 3 (third or later).")
        if self.basis not in (None, "committed", "actual"):
            raise CutError(f"basis must be 'committed' or 'actual', not {self.basis!r}.")

    @property
    def period(self) -> str | None:
        """The year range as a label ('2019-2024'), None when all years are taken."""
        if self.years is None:
            return None
        first, last = self.years
        return str(first) if first == last else f"{first}-{last}"
