"""Where rule functions register under their catalogue id, and the catalogue (data/checks/rules.yaml) is read.

A rule function takes the `CheckContext` and yields `Hit`s; the runner turns hits into
findings with the catalogue's message, fix and severity. This module imports none of
the rules (they import it, for the `@rule` decorator), so there is no registry ↔ rules
cycle: `checks.rules.load_rules()` imports every rule module and joins the two here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit
from appealagent.checks.model import Rule
from appealagent.model.case import LetterKind
from appealagent.model.kinds import kind_group

RuleFunc = Callable[[CheckContext], Iterable[Hit]]

_FUNCS: dict[str, RuleFunc] = {}


def rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under its catalogue id (a dict insert: nothing else runs at import)."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in _FUNCS:
            raise RuntimeError(f"rule {rule_id} registered twice")
        _FUNCS[rule_id] = func
        return func

    return register


def registered() -> dict[str, RuleFunc]:
    """The rule functions registered so far (every one once `checks.rules` is imported)."""
    return dict(_FUNCS)


def _kinds(value: str | list[str]) -> tuple[LetterKind, ...]:
    """A rule's scope: a group of data/wording/kinds.yaml (the one list of kinds), or a list of kinds."""
    return kind_group(value) if isinstance(value, str) else tuple(LetterKind(n) for n in value)


def load_catalogue() -> dict[str, Rule]:
    """The catalogue entries of data/checks/rules.yaml, by rule id."""
    raw = data.load("rules")
    out: dict[str, Rule] = {}
    for entry in raw["rules"]:
        entry = dict(entry)
        entry["kinds"] = _kinds(entry["kinds"])
        entry["category"] = entry.get("category") or entry["id"].split(".", 1)[0]
        r = Rule(**entry)
        if r.id in out:
            raise RuntimeError(f"rules.yaml: {r.id} listed twice")
        out[r.id] = r
    return out


def join(catalogue: dict[str, Rule], funcs: dict[str, RuleFunc]) -> tuple[dict[str, Rule], dict[str, RuleFunc]]:
    """Catalogue and functions, checked one to one: a rule without a function (or the reverse) is a bug."""
    missing = sorted(set(catalogue) - set(funcs))
    extra = sorted(set(funcs) - set(catalogue))
    if missing or extra:
        raise RuntimeError(f"rule catalogue and functions differ: no function for {missing}, no catalogue entry for {extra}")
    return catalogue, funcs
