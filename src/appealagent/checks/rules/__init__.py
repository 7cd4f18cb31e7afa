"""Rule functions by category; `load_rules()` joins them to the catalogue (data/checks/rules.yaml).

Importing this package imports every rule module, whose `@rule` decorators fill the
registry (a dict insert each: no data is read and no regex compiled until a rule runs).
"""

from __future__ import annotations

from functools import cache

from appealagent.checks.model import Rule
from appealagent.checks.registry import RuleFunc, join, load_catalogue, registered
from appealagent.checks.rules import boilerplate, buyer, evidence, facts, grounding, hygiene, length, outgoing, specificity, structure, tense, tone

MODULES = (boilerplate, buyer, evidence, facts, grounding, hygiene, length, outgoing, specificity, structure, tense, tone)


@cache
def load_rules() -> tuple[dict[str, Rule], dict[str, RuleFunc]]:
    """The catalogue and its functions, one to one (read once per process)."""
    return join(load_catalogue(), registered())
