"""Scenario files: the shipped ones, and reading a .toml or .yaml file into a Scenario."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

import yaml

from cineatlas.simulator.reading import scenario_from_dict
from cineatlas.simulator.scenario import Scenario, ScenarioError

SCENARIOS = files("cineatlas.simulator") / "scenarios"


def shipped_scenarios() -> dict[str, str]:
    """Scenarios shipped with cineatlas: name → path."""
    return {Path(p.name).stem: str(p) for p in SCENARIOS.iterdir()
            if p.name.endswith((".toml", ".yaml", ".yml"))}


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (.toml, .yaml or .yml), or a shipped scenario by its
    name ('conventions-2026-2028'). Raises ScenarioError naming the file and each bad field."""
    path = Path(path)
    if not path.is_file():
        shipped = shipped_scenarios()
        if str(path) in shipped:
            path = Path(shipped[str(path)])
        else:
            raise ScenarioError(path, [("(file)", "no such file. Give a scenario file (.toml or "
                                        f".yaml) or a shipped scenario: {', '.join(shipped)}.")])
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise ScenarioError(path, [("(file)", f"unknown file type {path.suffix!r}: name it "
                                    "*.toml or *.yaml.")])
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(path, [("(file)", f"cannot be read ({exc.strerror}). Check its "
                                    "permissions.")]) from None
    try:
        if suffix == ".toml":
            data = tomllib.loads(text.decode("utf-8"))
        else:
            data = yaml.safe_load(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, [("(file)", f"not UTF-8 text ({exc.reason} at byte "
                                    f"{exc.start}). Save it as UTF-8.")]) from None
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(path, [("(syntax)", f"{exc}. Fix the syntax at that place.")]) from None
    return scenario_from_dict(data, file=path)
