"""The rule registry: catalogue entries (data/checks/rules.yaml) joined to their functions.

A rule function takes the `CheckContext` and yields `Hit`s; the runner turns hits into
findings with the catalogue's message, fix and severity. Keeping the metadata in data
means the catalogue (`appealagent check --rules`) and the behaviour cannot drift apart:
a rule without a function, or a function without an entry, fails at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit
from appealagent.checks.model import Rule
from appealagent.model.case import LetterKind

RuleFunc = Callable[[CheckContext], Iterable[Hit]]

_FUNCS: dict[str, RuleFunc] = {}


def rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under its catalogue id."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in _FUNCS:
            raise RuntimeError(f"rule {rule_id} registered twice")
        _FUNCS[rule_id] = func
        return func

    return register


def _kinds(value: str | list[str], groups: dict[str, list[str]]) -> tuple[LetterKind, ...]:
    names = groups[value] if isinstance(value, str) else value
    return tuple(LetterKind(n) for n in names)


def load_catalogue() -> dict[str, Rule]:
    raw = data.load("rules")
    groups = raw["kind_groups"]
    out: dict[str, Rule] = {}
    for entry in raw["rules"]:
        entry = dict(entry)
        entry["kinds"] = _kinds(entry["kinds"], groups)
        entry["category"] = entry.get("category") or entry["id"].split(".", 1)[0]
        r = Rule(**entry)
        if r.id in out:
            raise RuntimeError(f"rules.yaml: {r.id} listed twice")
        out[r.id] = r
    return out


def build_registry() -> tuple[dict[str, Rule], dict[str, RuleFunc]]:
    """Import every rule module, then check catalogue and functions match one to one."""
    from appealagent.checks import rules as _rules  # noqa: F401  (registers the functions)

    catalogue = load_catalogue()
    missing = sorted(set(catalogue) - set(_FUNCS))
    extra = sorted(set(_FUNCS) - set(catalogue))
    if missing or extra:
        raise RuntimeError(f"rule catalogue and functions differ: no function for {missing}, no catalogue entry for {extra}")
    return catalogue, dict(_FUNCS)
