"""Loading the checks' wording lists and thresholds (YAML under data/checks/ and data/metrics.yaml).

Rules keep their phrases and numbers here so a consultant can tune them without
touching code. Files are read once per process; a broken file is a packaging bug and
raises at once rather than silently disabling a rule.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from appealagent import paths


@cache
def load(name: str) -> dict[str, Any]:
    """One YAML file of data/checks/ (without the .yaml suffix)."""
    from appealagent.catalog.datafiles import load_yaml

    path = paths.package_data_dir() / "checks" / f"{name}.yaml"
    data = load_yaml(f"checks/{name}.yaml")
    if not isinstance(data, dict):
        raise RuntimeError(f"{path}: expected a mapping at the top level")
    return data


@cache
def metrics() -> dict[str, dict[str, Any]]:
    """data/metrics.yaml: metric name -> label, aliases, comparator, target, window, source."""
    from appealagent.catalog.datafiles import load_yaml

    return dict(load_yaml("metrics.yaml")["metrics"])


def alternation(patterns: list[str] | str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One compiled regex matching any of the patterns (each kept in its own group-free branch)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns:
        return re.compile(r"(?!x)x")  # never matches
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@cache
def regex(name: str, *keys: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """The alternation of the pattern list at load(name)[key1][key2]…, compiled once."""
    node: Any = load(name)
    for key in keys:
        node = node[key]
    return alternation(node, 0 if case_sensitive else re.IGNORECASE)


def amazon_targets() -> set[float]:
    """Amazon's own targets in percent (1, 4, 2.5, 95, 90): always grounded in a letter."""
    return {float(m["target"]) for m in metrics().values() if m.get("target") is not None and m.get("unit") == "%"}
