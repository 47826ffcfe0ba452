"""The awards explorer's query parameters, validated, as the query layer's `AwardFilters`
(the page, the JSON API and the CSV read the same parameters)."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated

from fastapi import Query
from pydantic import Field

from cineatlas.queries.awards import FACETS, SORTS, AwardFilters, parse_sort
from cineatlas.queries.common import DEFAULT_SECTOR, FunderLevel, Sector

#: At most this many values of one facet (OR) in a request.
MAX_VALUES = 50
Values = Annotated[list[Annotated[str, Field(max_length=200)]] | None,
                   Query(max_length=MAX_VALUES)]
Currencies = Annotated[list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] | None,
                       Query(max_length=MAX_VALUES)]
Years = Annotated[list[Annotated[int, Field(ge=1900, le=2100)]] | None,
                  Query(max_length=MAX_VALUES)]
#: The award facets, as a path parameter (queries.awards.FACETS).
FacetName = Enum("FacetName", {name: name for name in FACETS}, type=str)
#: A director's first, second or later work (awards.first_work, second_work).
WorkRank = Enum("WorkRank", {v: v for v in ("first", "second", "later")}, type=str)
#: The explorer's sort orders: a key of queries.awards.SORTS, `-` first for descending.
Sort = Enum("Sort", {k: k for key in SORTS for k in (key, f"-{key}")}, type=str)
SortParam = Annotated[Sort, Query(description="amount, date, title or id; a leading - sorts "
                                              "in descending order (-amount). Ties: by id.")]
DEFAULT_SORT = Sort("id")
SectorParam = Annotated[Sector, Query(
    description="Sector of the awards: cinema-audiovisual (the default), other, or all.")]
Amount = Annotated[str | None, Query(pattern=r"^\d{1,12}([.,]\d{1,2})?$", description=(
    "In currency units: 1000, 1000.50 or 1000,50."))]


def award_filters(
    q: Annotated[str | None, Query(max_length=200, description=(
        "Words of the title, beneficiary, funder or scheme (accents, ligatures and case "
        "aside: 'coeur' finds 'Cœur').")) ] = None,
    funder: Values = None, funder_level: Annotated[list[FunderLevel] | None, Query(
        max_length=MAX_VALUES, description="Level of government of the funder "
        "(organisations.funder_level).")] = None,
    scheme: Values = None, year: Years = None, stage: Values = None, format: Values = None,
    genre: Values = None, work_rank: Annotated[list[WorkRank] | None, Query(
        max_length=MAX_VALUES, description="The director's first, second or later work "
        "(awards.first_work, second_work).")] = None,
    beneficiary: Values = None, territory: Annotated[list[
        Annotated[str, Field(max_length=40)]] | None, Query(
        max_length=MAX_VALUES, description="The beneficiary is placed in this territory or "
        "in one within it.")] = None,
    currency: Currencies = None,
    funder_territory: Annotated[str | None, Query(
        max_length=40, description="A territory: the funder governs it or a territory within "
                                   "it (organisations.governed_territory_id).")] = None,
    amount_min: Amount = None, amount_max: Amount = None,
    sector: SectorParam = DEFAULT_SECTOR,
) -> AwardFilters:
    """Every facet takes several values (`funder=a&funder=b`: either); facets combine (and)."""
    # a minimum above the maximum finds nothing (the page's hint says which to remove)
    low, high = _amount(amount_min), _amount(amount_max)

    def values(given: list | None) -> tuple:
        out = [v.value if isinstance(v, Enum) else v for v in given or ()]
        return tuple(dict.fromkeys(out))  # each value once, in the order given

    return AwardFilters(
        q=q or None, funder=values(funder), funder_level=values(funder_level),
        scheme=values(scheme), year=values(year), stage=values(stage), format=values(format),
        genre=values(genre), work_rank=values(work_rank), beneficiary=values(beneficiary),
        territory=values(territory), currency=values(currency),
        funder_territory=funder_territory or None, amount_min=low, amount_max=high,
        sector=sector)


def _amount(text: str | None) -> Decimal | None:
    """An amount parameter (validated by its pattern) as a decimal; None when not given."""
    return None if not text else Decimal(text.replace(",", "."))


def sort_value(sort: Sort | str | None) -> str:
    """A sort parameter as text (checked against SORTS)."""
    text = sort.value if isinstance(sort, Enum) else (sort or "id")
    parse_sort(text)
    return text
