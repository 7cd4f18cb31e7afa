"""Loading the checks' wording lists and thresholds (YAML under data/checks/), and their compiled patterns.

Rules keep their phrases and numbers in data so a consultant can tune them without
touching code. Each file is parsed once per process (through `catalog.datafiles`), each
pattern list compiled once, as one alternation, on the first check that needs it
(never at import). Metric targets come from the one catalogue, `catalog.metrics`.
A broken file is a packaging bug and raises at once rather than silently disabling a rule.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from appealagent.catalog import metrics as metric_catalogue
from appealagent.catalog import patterns as compiled
from appealagent.catalog.datafiles import load_yaml


@cache
def load(name: str) -> dict[str, Any]:
    """One YAML file of data/checks/ (without the .yaml suffix)."""
    data = load_yaml(f"checks/{name}.yaml")
    if not isinstance(data, dict):
        raise RuntimeError(f"data/checks/{name}.yaml: expected a mapping at the top level")
    return data


def metrics() -> dict[str, dict[str, object]]:
    """Amazon's metrics by name as mappings (`meta.get("label")`); new code reads `catalog.metrics.catalogue()`."""
    return {name: dict(metric_catalogue.metric_info(name)) for name in metric_catalogue.catalogue()}


def alternation(patterns: list[str] | str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One compiled regex matching any of the patterns (each kept in its own group-free branch)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns:
        return compiled.compile(r"(?!x)x")  # never matches
    return compiled.compile("|".join(f"(?:{p})" for p in patterns), flags)


@cache
def regex(name: str, *keys: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """The alternation of the pattern list at load(name)[key1][key2]…, compiled once."""
    node: Any = load(name)
    for key in keys:
        node = node[key]
    return alternation(node, 0 if case_sensitive else re.IGNORECASE)


def amazon_targets() -> set[float]:
    """Amazon's own targets in percent (1, 4, 2.5, 95, 90): always grounded in a letter."""
    return set(metric_catalogue.amazon_targets())
