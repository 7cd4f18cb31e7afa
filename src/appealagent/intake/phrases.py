"""Weighted phrase lists (violations.yaml, signals.yaml): which phrases a text contains, and their noisy-OR score.

A list is data — regex sources and weights — until it is first searched; then its patterns are
compiled once per process (functools.cache) and reused by every notice after.
"""

from __future__ import annotations

import functools
import re

from appealagent.intake.data import IGNORECASE


class PhraseList:
    """Case-insensitive phrase patterns with a weight each (0–1)."""

    __slots__ = ("patterns", "weights")

    def __init__(self, patterns: tuple[str, ...], weights: tuple[float, ...]) -> None:
        self.patterns = patterns
        self.weights = weights

    @classmethod
    def from_data(cls, items: list[dict[str, object]]) -> PhraseList:
        """From the data files' `[{re: …, w: …}, …]` form."""
        return cls(tuple(str(p["re"]) for p in items), tuple(float(str(p["w"])) for p in items))

    def __len__(self) -> int:
        return len(self.patterns)

    def hits(self, text: str) -> list[tuple[float, str]]:
        """(weight, matched text) of each phrase found in `text`, in the list's order; each phrase once."""
        out: list[tuple[float, str]] = []
        for rx, weight in zip(_compiled(self.patterns), self.weights, strict=True):
            m = rx.search(text)
            if m:
                out.append((weight, m.group(0)))
        return out

    def score(self, text: str) -> tuple[float, list[str]]:
        """Noisy-OR of the weights of the distinct phrases found, and the text they matched."""
        miss = 1.0
        texts: list[str] = []
        for weight, matched in self.hits(text):
            miss *= 1.0 - weight
            texts.append(matched)
        return 1.0 - miss, texts


@functools.cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, IGNORECASE) for p in patterns)
