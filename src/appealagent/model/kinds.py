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
    return frozenset(LetterKind(k) for k in _table())


def is_appeal(kind: LetterKind | str) -> bool:
    return _key(kind) in {k.value for k in appeal_kinds()}


def is_drafted(kind: LetterKind | str) -> bool:
    return _key(kind) in _table()


def wording(kind: LetterKind | str) -> dict[str, Any] | None:
    """Greeting, headings and framing of a drafted kind (None for a kind no engine drafts)."""
    return _table().get(_key(kind))


def headings(kind: LetterKind | str) -> tuple[str, str, str]:
    """The three section headings a letter of this kind is rendered with (an appeal's for undrafted kinds)."""
    found = wording(kind) or _table()[DEFAULT_KIND.value]
    first, second, third = found["headings"]
    return str(first), str(second), str(third)
