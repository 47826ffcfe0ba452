"""The scenario: what a State–CNC–Region convention round is assumed to be (frozen dataclasses).

A scenario holds the period, the national envelope, the rules (matching ratio or fixed amount
per axis, caps, freeze, adjustment to real effort, enhanced partnership, solidarity reserve,
what happens when claims exceed the envelope) and each Region's figures per axis. Amounts are
integer cents over the whole period. Files are read by `files.py` and `reading.py`, written by
`writing.py`; the format is documented in docs/simulator.md and by the shipped example
`scenarios/conventions-2026-2028.toml`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from cineatlas.errors import AtlasError
from cineatlas.indicators.definitions.cofinancing import TARGET_RATIO
from cineatlas.simulator import money

#: Axes of the conventions, as in the store's `conventions.axis` (docs/data-model.md).
AXES = ("writing_development", "creation_production", "diffusion", "image_education",
        "heritage", "other")
AXIS_LABELS = {
    "writing_development": "writing and development",
    "creation_production": "creation and production",
    "diffusion": "diffusion",
    "image_education": "image education",
    "heritage": "heritage",
    "other": "other partners (Departments, cities…)",
}
#: The pseudo-axis carrying a Region's share of the solidarity reserve in the outputs.
SOLIDARITY_AXIS = "solidarity"
#: How a Region's effort is measured: its commitment, its actual spending (when known), or the
#: lower of both.
EFFORT_RULES = ("commitment", "actual", "lower")
#: What happens when the claims exceed the envelope left for the conventions.
OVERFLOW_RULES = ("pro_rata", "priority")
#: Distribution keys of the solidarity reserve.
SOLIDARITY_KEYS = ("fragile_population", "population", "equal")
#: Density classes of communes (docs/territories.md).
DENSITY_CLASSES = ("dense", "intermediate", "rural", "remote_rural")
#: The "1 € from the CNC for 2 € from the Region" rule (the catalogue's target ratio).
ONE_FOR_TWO = Fraction(TARGET_RATIO).limit_denominator(money.MAX_DENOMINATOR)


class ScenarioError(AtlasError):
    """A scenario file (or a change to a scenario) is invalid. `problems` lists every
    (field, message) found; the message names the file, each field and what to do."""

    def __init__(self, file: object, problems: Iterable[tuple[str, str]]) -> None:
        self.file = str(file) if file is not None else "<scenario>"
        self.problems = list(problems)
        if len(self.problems) == 1:
            field_path, message = self.problems[0]
            text = f"{self.file}: {field_path}: {message}"
        else:
            lines = "\n".join(f"  - {f}: {m}" for f, m in self.problems)
            text = f"{self.file}: {len(self.problems)} problems\n{lines}"
        super().__init__(text)


@dataclass(frozen=True)
class AxisRule:
    """How the CNC contributes on one axis: `matching` (the Region's effort × `ratio`) or
    `fixed` (`amount` per Region); `cap` bounds each Region's contribution; `priority` orders
    the axes when the envelope is short and the overflow rule is `priority` (1 first)."""

    axis: str
    kind: str = "matching"
    ratio: Fraction | None = ONE_FOR_TWO
    amount: int | None = None
    cap: int | None = None
    priority: int = 1


@dataclass(frozen=True)
class Line:
    """One Region's figures on one axis (cents): its `commitment` (for the axis `other`: the
    other partners'), its `actual` spending and the CNC's `previous` contribution when known,
    and optional per-Region overrides of the axis' fixed `amount` and `cap`."""

    commitment: int
    actual: int | None = None
    previous: int | None = None
    amount: int | None = None
    cap: int | None = None


@dataclass(frozen=True)
class RegionInput:
    """A Region of the scenario (a `territories` id such as 'FR-R84') and its lines per axis."""

    region_id: str
    name: str | None = None
    lines: tuple[tuple[str, Line], ...] = ()

    def line(self, axis: str) -> Line | None:
        return dict(self.lines).get(axis)


@dataclass(frozen=True)
class Partnership:
    """The enhanced partnership: Regions that opt in get `ratios` (axis → CNC per Region euro)
    instead of the axis' ratio, on matching axes."""

    regions: tuple[str, ...] = ()
    ratios: tuple[tuple[str, Fraction], ...] = ()


@dataclass(frozen=True)
class Solidarity:
    """The solidarity reserve: `share` of the national envelope, for eligible Regions
    (overseas when `overseas`, or with at least `min_share` of their population in communes of
    the density `classes`), split by catch-up towards the median CNC support per inhabitant
    (`catch_up`) and then by `key`."""

    share: Fraction = Fraction(0)
    overseas: bool = True
    classes: tuple[str, ...] = ("rural", "remote_rural")
    min_share: Fraction = Fraction(1, 2)
    key: str = "fragile_population"
    catch_up: bool = True


@dataclass(frozen=True)
class Provenance:
    """Where the figures of one table of the file come from: a `source` cited, and whether
    they are `illustrative` (assumed; every figure without a source is)."""

    table: str
    source: str | None = None
    illustrative: bool = True


@dataclass(frozen=True)
class Scenario:
    """A whole scenario. Build one with `load_scenario(path)` or `Scenario.from_dict(data)`;
    change its main parameters with `with_overrides(...)`."""

    id: str
    title: str
    national_envelope: int
    axes: tuple[AxisRule, ...]
    regions: tuple[RegionInput, ...]
    period: tuple[int, int] = (2026, 2028)
    description: str = ""
    currency: str = "EUR"
    reference_ratio: Fraction = ONE_FOR_TWO
    effort: str = "actual"
    freeze: bool = False
    overflow: str = "pro_rata"
    partnership: Partnership = field(default_factory=Partnership)
    solidarity: Solidarity = field(default_factory=Solidarity)
    provenance: tuple[Provenance, ...] = ()
    overrides: tuple[tuple[str, str], ...] = ()
    path: str | None = None

    # -- reading ------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: object = None) -> Scenario:
        """Validate a mapping in the file format (docs/simulator.md); raises ScenarioError."""
        from cineatlas.simulator.reading import scenario_from_dict
        return scenario_from_dict(data, file=file)

    def to_dict(self) -> dict[str, Any]:
        """The scenario in the file format (euros, "1:2" ratios): `from_dict` reads it back."""
        from cineatlas.simulator.writing import scenario_to_dict
        return scenario_to_dict(self)

    # -- facts about it -----------------------------------------------------------------

    @property
    def illustrative(self) -> bool:
        """True when any figure is illustrative (assumed, or set without a source)."""
        return any(p.illustrative for p in self.provenance) or not self.provenance

    @property
    def illustrative_tables(self) -> tuple[str, ...]:
        """Tables of the file whose figures are illustrative ('envelope', 'regions.FR-R84'…)."""
        return tuple(p.table for p in self.provenance if p.illustrative)

    @property
    def region_ids(self) -> tuple[str, ...]:
        return tuple(r.region_id for r in self.regions)

    @property
    def axis_ids(self) -> tuple[str, ...]:
        return tuple(a.axis for a in self.axes)

    def rule(self, axis: str) -> AxisRule:
        for rule in self.axes:
            if rule.axis == axis:
                return rule
        raise ScenarioError(self.path, [(f"axes.{axis}", f"the scenario has no axis {axis!r} "
                                         f"(it has {', '.join(self.axis_ids)}).")])

    # -- changing it --------------------------------------------------------------------

    def with_overrides(self, *, national_envelope: int | None = None,
                       ratios: Mapping[str, object] | None = None,
                       solidarity_share: object = None, freeze: bool | None = None,
                       overflow: str | None = None,
                       partnership_regions: Iterable[str] | None = None) -> Scenario:
        """A copy with the main parameters changed (what the web form edits).

        `national_envelope` in cents; `ratios` axis → "1:2" (or a Fraction of CNC euros per
        Region euro) for matching axes; `solidarity_share` between 0 and 1; `freeze` on/off;
        `overflow` 'pro_rata' or 'priority'; `partnership_regions` the opt-in Regions. The
        changed figures are marked illustrative (set by the user, no source). Raises
        ScenarioError naming the parameter when a value is invalid."""
        from cineatlas.simulator.overrides import apply_overrides
        return apply_overrides(self, national_envelope=national_envelope, ratios=ratios,
                               solidarity_share=solidarity_share, freeze=freeze,
                               overflow=overflow, partnership_regions=partnership_regions)

    def replace(self, **changes: Any) -> Scenario:
        """dataclasses.replace, for code that builds scenarios directly."""
        return dataclasses.replace(self, **changes)


#: The main parameters, as the web form and `--sweep` name them: (name, kind, what it is).
PARAMETERS = (
    ("national_envelope", "euros", "national envelope over the period"),
    ("ratio.AXIS", "region euros per CNC euro", "matching ratio of a matching axis: 2 = 1:2"),
    ("solidarity_share", "share", "share of the national envelope reserved for solidarity"),
    ("freeze", "boolean", "freeze every contribution at its previous level"),
    ("overflow", "pro_rata | priority", "rule when claims exceed the envelope"),
    ("partnership_regions", "Region ids", "Regions opting in to the enhanced partnership"),
)
