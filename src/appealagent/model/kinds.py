"""The one list of letter kinds: which are appeals, which the engines draft, and each kind's headings and framing.

Everything that asks "is this an appeal?" or "what are this letter's headings?" asks
here, so the text, Markdown, JSON and Word renderings, the engines and the checks
cannot disagree. The wording itself is data (`data/wording/kinds.yaml`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from appealagent.catalog.datafiles import load_yaml
from appealagent.model.enums import LetterKind

DEFAULT_KIND = LetterKind.account_appeal


@cache
def _table() -> dict[str, dict[str, Any]]:
    return dict(load_yaml("wording/kinds.yaml"))


def _key(kind: LetterKind | str) -> str:
    return kind.value if isinstance(kind, LetterKind) else str(kind)


@cache
def appeal_kinds() -> frozenset[LetterKind]:
    """The kinds that answer Amazon's three questions (root cause, actions taken, measures)."""
    return frozenset(LetterKind(k) for k, v in _table().items() if v.get("appeal"))


@cache
def drafted_kinds() -> frozenset[LetterKind]:
    """The kinds the drafting engines write (the others exist as corpus templates only)."""
    return frozenset(LetterKind(k) for k, v in _table().items() if v.get("drafted", True))


@cache
def kind_group(name: str) -> tuple[LetterKind, ...]:
    """The kinds in a rule scope of data/checks/rules.yaml ("all", or a name in each kind's `groups`)."""
    if name == "all":
        return tuple(LetterKind)
    found = tuple(LetterKind(k) for k, v in _table().items() if name in v.get("groups", ()))
    if not found:
        raise KeyError(f"no letter kind is in the group {name!r} (data/wording/kinds.yaml groups)")
    return found


def audience(kind: LetterKind | str) -> str:
    """Who reads the letter: amazon, rights_owner, supplier or buyer."""
    return str(_table().get(_key(kind), {}).get("audience", "amazon"))


def llm_mode(kind: LetterKind | str) -> str | None:
    """The LLM drafting mode that writes this kind ("author" or "editor"), None when only the offline engine does."""
    entry = _table().get(_key(kind), {})
    mode = entry.get("llm") if entry.get("drafted", True) else None
    return str(mode) if mode else None


def needs(kind: LetterKind | str) -> tuple[str, ...]:
    """The case fields a complete letter of this kind needs beyond the store and marketplace (kinds.yaml `needs`)."""
    return tuple(str(n) for n in _table().get(_key(kind), {}).get("needs", ()))


def is_appeal(kind: LetterKind | str) -> bool:
    return _key(kind) in {k.value for k in appeal_kinds()}


def is_drafted(kind: LetterKind | str) -> bool:
    return _key(kind) in {k.value for k in drafted_kinds()}


def wording(kind: LetterKind | str) -> dict[str, Any] | None:
    """Greeting, headings and framing of a drafted kind (None for a kind no engine drafts)."""
    return _table().get(_key(kind)) if is_drafted(kind) else None


def headings(kind: LetterKind | str) -> tuple[str, str, str]:
    """The three section headings a letter of this kind is rendered with (an appeal's for undrafted kinds)."""
    found = wording(kind) or _table()[DEFAULT_KIND.value]
    first, second, third = found["headings"]
    return str(first), str(second), str(third)


def suggested_kinds(violation_type: str | None) -> tuple[LetterKind, ...]:
    """The letters that go with an appeal of this violation type (kinds.yaml `suggested_for`)."""
    if not violation_type:
        return ()
    return tuple(LetterKind(k) for k, v in _table().items() if violation_type in v.get("suggested_for", ()))


def label(kind: LetterKind | str, lang: str = "en") -> str:
    """How people are told the kind's name (kinds.yaml `label`), else its value."""
    found = _table().get(_key(kind), {}).get("label") or {}
    return str(found.get(lang) or found.get("en") or _key(kind))


APPEAL_SLOTS = ("root_causes", "corrective_actions", "preventive_measures")


def parts(kind: LetterKind | str) -> tuple[tuple[str, str, bool], ...]:
    """(slot, heading, required) for each numbered part a letter of this kind can have, in order.

    A slot of "none" is no part; a part not in `required_parts` is left out when the case has
    nothing for it (kinds.yaml). A kind with no slots (appeals, claims, feedback reports) has the
    appeal's three. A buyer message has no parts at all.
    """
    entry = wording(kind) or _table()[DEFAULT_KIND.value]
    slots = tuple(str(s) for s in entry.get("slots", APPEAL_SLOTS))
    required = {str(s) for s in entry.get("required_parts", slots)}
    return tuple((slot, heading, slot in required) for slot, heading in zip(slots, headings(kind), strict=True) if slot != "none")
