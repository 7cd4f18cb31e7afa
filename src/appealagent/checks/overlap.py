"""Word n-gram overlap between a letter and example letters (the "copied template" signal).

The example letters come indexed (`corpus.index`): each is a set of stable n-gram
hashes, so a check hashes only the letter being checked, once, and intersects sets.
"""

from __future__ import annotations

from collections.abc import Sequence

from appealagent.checks.document import Span
from appealagent.corpus.index import IndexedLetter, gram_keys, gram_set, tokens


def overlap_share(text: str, other: str, n: int = 8) -> float:
    """Share of the text's distinct word n-grams that also occur in `other` (0 when too short)."""
    mine = gram_set(text, n)
    if not mine:
        return 0.0
    return len(mine & gram_set(other, n)) / len(mine)


def best_overlap(text: str, letters: Sequence[IndexedLetter], n: int = 8) -> tuple[float, IndexedLetter, Span | None] | None:
    """The example letter sharing the most n-grams with `text`: (share, letter, span of the first shared n-gram)."""
    matches = tokens(text)
    keys = gram_keys([m.group().lower() for m in matches], n)
    if not keys:
        return None
    mine = frozenset(keys)
    best: tuple[float, IndexedLetter] | None = None
    for letter in letters:
        share = len(mine & letter.grams) / len(mine)
        if best is None or share > best[0]:
            best = (share, letter)
    if best is None:
        return None
    theirs = best[1].grams
    span: Span | None = None
    for i, key in enumerate(keys):
        if key in theirs:
            span = (matches[i].start(), matches[i + n - 1].end())
            break
    return best[0], best[1], span
