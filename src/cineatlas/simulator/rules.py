"""The rules, one pure function each, on arrays of cents (Regions × axes) or lists (Regions).

Every function returns exact integer cents; the engine records what each one changes as a
step of the explanation. The order and the arithmetic are documented in docs/simulator.md.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from cineatlas.simulator.money import largest_remainder
from cineatlas.simulator.population import RegionFacts
from cineatlas.simulator.scenario import Solidarity


def times(cents: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """cents × num ÷ den rounded down, element-wise, exactly in int64: with cents = q × den + r,
    it is q × num + (r × num) ÷ den, whose terms stay below cents × ratio and den × num (see
    money.MAX_CENTS and MAX_RATIO), where cents × num itself could overflow."""
    q, r = np.divmod(cents, den)
    return q * num + r * num // den


def effort_basis(rule: str, commitment: np.ndarray, actual: np.ndarray,
                 known: np.ndarray) -> np.ndarray:
    """The Region's money the CNC follows: its commitment; its actual spending where known
    ('actual'); or the lower of both where the actual is known ('lower')."""
    if rule == "actual":
        return np.where(known, actual, commitment)
    if rule == "lower":
        return np.where(known, np.minimum(actual, commitment), commitment)
    return commitment


def bound(claim: np.ndarray, limit: np.ndarray, applies: np.ndarray) -> np.ndarray:
    """The change that brings each claim down to its limit where one applies (≤ 0)."""
    return np.where(applies, np.minimum(claim, limit) - claim, 0)


def pro_rata(envelope: int, claims: np.ndarray) -> np.ndarray:
    """Claims cut in proportion so that they add up to `envelope` (largest remainder); claims
    that fit are returned whole."""
    flat = [int(c) for c in claims.ravel()]
    if sum(flat) <= envelope:
        return claims.copy()
    return np.array(largest_remainder(envelope, flat), dtype=np.int64).reshape(claims.shape)


def by_priority(envelope: int, claims: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Axes served whole in order of priority (1 first); the first level that does not fit
    shares what is left pro rata; later levels get nothing."""
    out = np.zeros_like(claims)
    left = envelope
    for level in np.unique(priority):
        columns = priority == level
        served = pro_rata(left, claims[:, columns])
        out[:, columns] = served
        left -= int(served.sum())
    return out


def eligible(facts: RegionFacts | None, rule: Solidarity) -> bool | None:
    """Whether a Region may receive the solidarity reserve (None: its facts are unknown)."""
    if facts is None:
        return None
    if rule.overseas and facts.overseas:
        return True
    share = facts.class_share(rule.classes)
    if share is not None and share >= rule.min_share:
        return True
    if share is None or (rule.overseas and facts.overseas is None):
        return None
    return False


def key_weight(facts: RegionFacts | None, rule: Solidarity) -> int:
    """A Region's weight in the reserve's distribution key (0 when unknown)."""
    if rule.key == "equal":
        return 1
    if facts is None or facts.population is None:
        return 0
    if rule.key == "population":
        return facts.population
    if rule.overseas and facts.overseas:
        return facts.population
    return facts.class_people(rule.classes) or 0


def median(values: list[Fraction]) -> Fraction | None:
    """The median (mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def catch_up_needs(cnc: list[int], population: list[int | None], chosen: list[bool]
                   ) -> tuple[Fraction | None, list[int]]:
    """(median CNC cents per inhabitant over the Regions of known population, and for each
    chosen Region of known population the cents that bring it up to that median, rounded
    down; 0 for the others)."""
    known = [Fraction(c, p) for c, p in zip(cnc, population, strict=True) if p]
    target = median(known)
    if target is None:
        return None, [0] * len(cnc)
    needs = []
    for c, p, ok in zip(cnc, population, chosen, strict=True):
        gap = math.floor(target * p) - c if ok and p else 0
        needs.append(max(0, gap))
    return target, needs


def split_reserve(reserve: int, needs: list[int], weights: list[int], chosen: list[bool],
                  catch_up: bool) -> tuple[list[int], list[int]]:
    """The reserve split among the chosen Regions: (catch-up parts, key parts).

    With catch-up, needs are met first (pro rata to need, never beyond it, when the reserve
    is short); what is left, or the whole reserve without catch-up, goes by the key weights
    (equal parts when every chosen weight is 0). Nothing goes to a Region not chosen."""
    n = len(needs)
    catch = [0] * n
    if catch_up and any(needs):
        total = sum(needs)
        catch = needs[:] if total <= reserve else largest_remainder(reserve, needs)
    rest = reserve - sum(catch)
    index = [i for i in range(n) if chosen[i]]
    key = [0] * n
    if rest and index:
        for i, part in zip(index, largest_remainder(rest, [weights[i] for i in index]),
                           strict=True):
            key[i] = part
    return catch, key
