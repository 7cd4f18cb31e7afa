"""Word n-gram overlap between a letter and example letters (the "copied template" signal)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from appealagent.checks.document import Span

_TOKEN_RE = re.compile(r"\w+")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN_RE.finditer(text))


def _keys(tokens: list[str], n: int) -> list[int]:
    return [hash(tuple(tokens[i : i + n])) for i in range(len(tokens) - n + 1)]


@lru_cache(maxsize=512)
def _gram_set(text: str, n: int) -> frozenset[int]:
    words = [m.group().lower() for m in _TOKEN_RE.finditer(text)]
    return frozenset(_keys(words, n))


def overlap_share(text: str, other: str, n: int = 8) -> float:
    """Share of the text's distinct word n-grams that also occur in `other` (0 when too short)."""
    mine = _gram_set(text, n)
    if not mine:
        return 0.0
    return len(mine & _gram_set(other, n)) / len(mine)


def best_overlap(text: str, letters: Iterable[Any], n: int = 8) -> tuple[float, Any, Span | None] | None:
    """The example letter sharing the most n-grams with `text`: (share, letter, span of the first shared n-gram)."""
    matches = _tokens(text)
    words = [m.group().lower() for m in matches]
    keys = _keys(words, n)
    if not keys:
        return None
    mine = frozenset(keys)
    best: tuple[float, Any] | None = None
    for letter in letters:
        other = getattr(letter, "english", letter)
        if not isinstance(other, str) or not other:
            continue
        share = len(mine & _gram_set(other, n)) / len(mine)
        if best is None or share > best[0]:
            best = (share, letter)
    if best is None:
        return None
    theirs = _gram_set(getattr(best[1], "english", best[1]), n)
    span: Span | None = None
    for i, key in enumerate(keys):
        if key in theirs:
            span = (matches[i].start(), matches[i + n - 1].end())
            break
    return best[0], best[1], span
