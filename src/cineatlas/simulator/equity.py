"""Equity across Regions, by the catalogue's definitions (indicators/definitions/equity.py),
on (money, population) pairs of Regions of known, non-zero population.

- Gini (`gini_support_per_inhabitant`): population-weighted, by the Lorenz curve,
  G = 1 − Σ_i (p_i ÷ P)(L_{i−1} + L_i), Regions sorted by money per inhabitant (then by id);
  None when no money at all.
- Theil (`theil_support_per_inhabitant`): T = Σ_k s_k ln(s_k ÷ p_k), s = share of the money,
  p = share of the population, Regions without money weighing only through P (s ln s = 0);
  None when no money. Over Regions it is the catalogue's between-Regions part.
- Fragile share (`fragile_share`, at Region grain): the share of the money going to the
  overseas Regions, or to the Regions eligible for solidarity, against their population share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _known(money: Sequence[int], population: Sequence[int | None],
           ids: Sequence[str] | None) -> tuple[list[tuple[str, int, int]], int, int] | None:
    """(rows (id, money, population) of the Regions of known, non-zero population, total
    money, total population); None when there is no money at all."""
    ids = ids if ids is not None else [f"{i:06d}" for i in range(len(money))]
    rows = [(i, int(x), int(p)) for i, x, p in zip(ids, money, population, strict=True)
            if p is not None and p > 0]
    total_x = sum(x for _, x, _ in rows)
    return (rows, total_x, sum(p for _, _, p in rows)) if total_x > 0 else None


def gini(money: Sequence[int], population: Sequence[int | None],
         ids: Sequence[str] | None = None) -> float | None:
    """Population-weighted Gini of money per inhabitant (catalogue definition)."""
    known = _known(money, population, ids)
    if known is None:
        return None
    rows, total_x, total_p = known
    rows.sort(key=lambda r: (r[1] / r[2], r[0]))
    area, cum = 0.0, 0.0
    for _, x, p in rows:
        cum += x
        area += p * (2 * cum - x)
    return 1 - area / (total_p * total_x)


def theil(money: Sequence[int], population: Sequence[int | None],
          ids: Sequence[str] | None = None) -> float | None:
    """Theil index of money against population (catalogue definition)."""
    known = _known(money, population, ids)
    if known is None:
        return None
    rows, total_x, total_p = known
    return sum((x / total_x) * math.log((x * total_p) / (total_x * p))
               for _, x, p in rows if x > 0)


def group_share(money: Sequence[int], population: Sequence[int | None],
                member: Sequence[bool | None]) -> tuple[float | None, float | None, float | None]:
    """(share of the money, share of the population, ratio of both) of the member Regions,
    over the Regions whose membership and population are known."""
    rows = [(int(x), int(p), bool(m)) for x, p, m in zip(money, population, member, strict=True)
            if p and m is not None]
    total_x = sum(x for x, _, _ in rows)
    total_p = sum(p for _, p, _ in rows)
    if not rows or total_p == 0:
        return None, None, None
    pop_share = sum(p for _, p, m in rows if m) / total_p
    if total_x == 0:
        return None, pop_share, None
    money_share = sum(x for x, _, m in rows if m) / total_x
    return money_share, pop_share, (money_share / pop_share if pop_share else None)
