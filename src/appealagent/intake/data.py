"""The intake rule files (data/intake/*.yaml), each parsed once per process, and the reading thresholds.

Every intake module reads its own rule file through `rule_file` and compiles what it needs
in its own `functools.cache`d function, so a run compiles only the rules it uses and nothing
is parsed or compiled at import time.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from appealagent.catalog.datafiles import load_yaml

IGNORECASE = re.IGNORECASE


def rule_file(name: str) -> Any:
    """`data/intake/<name>.yaml`, parsed once (the loader caches)."""
    return load_yaml(f"intake/{name}.yaml")


def alternation(patterns: list[str]) -> str:
    """One non-capturing group matching any of `patterns` (label lists → one regex)."""
    return "(?:" + "|".join(patterns) + ")"


class Settings(NamedTuple):
    """Thresholds for reading a notice (data/intake/settings.yaml); see the file for each one's meaning."""

    min_confidence: float
    min_other: float
    report_above: float
    min_enforcement: float
    min_not_a_notice: float
    metric_breach_weight: float
    metric_within_factor: float
    llm_assist_below: float
    llm_assist_margin: float
    max_chars: int
    min_latin_share: float
    named_confidence: float
    deadline_close_days: int


@functools.cache
def settings() -> Settings:
    """The thresholds, read once."""
    return Settings(**rule_file("settings"))
