"""Weighted phrase lists (violations.yaml, signals.yaml): which phrases a text contains, and their noisy-OR score.

A notice contains a handful of the ~370 phrases, and compiling a regex costs far more than
searching with it, so each phrase is compiled only when the text could contain it: a phrase
that must contain a plain word ('order defect rate', '\\bappeal\\w*') is first looked up as
that word in the case-folded text (a group of alternatives gives several words), and only a
phrase whose word is there (or that has no such word) is compiled — once per process — and
searched. The look-up never says "absent" for a phrase the regex would find (tests/test_intake.py
checks the case-folding against `re.IGNORECASE` over every Unicode character, and the hits
against searching every phrase), so scores are exactly those of searching every phrase. One
alternation per list would not do: Python's `re` reports one alternative per position, so
overlapping phrases ('order defect rate', 'defect rate') would hide each other.
"""

from __future__ import annotations

import functools
import re

from appealagent.intake.data import IGNORECASE

# Characters that `re.IGNORECASE` matches to an ASCII letter but whose lower() is not it
# (long s, dotless i, capital I with dot, Kelvin sign): folded so a substring test agrees.
FOLD_FIXES = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i", "\u212a": "k"})
_STOP = set("\\()[].?*+{}|^$")
_OPTIONAL_AFTER = ("?", "*", "{")


def fold(text: str) -> str:
    """`text` case-folded the way the gate compares it (see FOLD_FIXES)."""
    return text.translate(FOLD_FIXES).lower()


def _plain(ch: str) -> bool:
    """A character that `re.IGNORECASE` matches only to itself or its ASCII case partners."""
    if ch.isascii():
        return ch.isalnum() or ch in " -'"
    return ch.lower() == ch.upper() and not ch.isspace()  # uncased: CJK, kana


def _branches(pattern: str) -> list[str] | None:
    """The pattern split at its top-level '|'; None when its brackets are too odd to split safely."""
    out: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                return None
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth or in_class:
        return None
    out.append(pattern[start:])
    return out


def _close(pattern: str, i: int) -> int | None:
    """Index of the ')' closing the group opened at `i` (None if there is none)."""
    depth = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _branch_words(branch: str) -> tuple[str, ...] | None:
    """Words one of which any match of `branch` (no top-level '|') must contain."""
    i = 0
    while True:
        while branch.startswith("\\b", i):
            i += 2
        if not branch.startswith("(", i):
            break
        close = _close(branch, i)
        if close is None:
            return None
        inner = branch[i + 1 : close]
        after = branch[close + 1 : close + 2]
        if inner.startswith(("?<!", "?<=", "?=", "?!")):
            if after in ("?", "*", "+", "{"):
                return None
            i = close + 1  # a zero-width look-around: the rest must still match
            continue
        if after in ("?", "*"):
            i = close + 2 + (branch[close + 2 : close + 3] == "?")  # an optional group: skip it
            continue
        if after == "{":
            return None
        for prefix in ("?:", "?-i:", "?i:"):
            if inner.startswith(prefix):
                inner = inner[len(prefix) :]
                break
        else:
            if inner.startswith("?P<"):
                inner = inner[inner.index(">") + 1 :]
            elif inner.startswith("?"):
                return None
        return required_words(inner)  # a group that must match: one of its alternatives' words
    j = i
    while j < len(branch) and branch[j] not in _STOP and _plain(branch[j]):
        j += 1
    if j < len(branch) and branch[j] in _OPTIONAL_AFTER:
        j -= 1  # 'defects?': the last letter may be absent
    word = branch[i:j]
    return (fold(word),) if word else None


def required_words(pattern: str) -> tuple[str, ...] | None:
    """Words of which the text must contain one (folded) for `pattern` to match; None if unknown."""
    branches = _branches(pattern)
    if branches is None:
        return None
    words: list[str] = []
    for branch in branches:
        found = _branch_words(branch)
        if found is None:
            return None
        words.extend(found)
    return tuple(dict.fromkeys(words))


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, IGNORECASE)


@functools.lru_cache(maxsize=4)
def _folded(text: str) -> str:
    return fold(text)


class PhraseList:
    """Case-insensitive phrase patterns with a weight each (0–1)."""

    __slots__ = ("gates", "patterns", "weights")

    def __init__(self, patterns: tuple[str, ...], weights: tuple[float, ...]) -> None:
        self.patterns = patterns
        self.weights = weights
        self.gates = tuple(required_words(p) for p in patterns)

    @classmethod
    def from_data(cls, items: list[dict[str, object]]) -> PhraseList:
        """From the data files' `[{re: …, w: …}, …]` form."""
        return cls(tuple(str(p["re"]) for p in items), tuple(float(str(p["w"])) for p in items))

    def __len__(self) -> int:
        return len(self.patterns)

    def hits(self, text: str) -> list[tuple[float, str]]:
        """(weight, matched text) of each phrase found in `text`, in the list's order; each phrase once."""
        folded = _folded(text)
        out: list[tuple[float, str]] = []
        for pattern, weight, gate in zip(self.patterns, self.weights, self.gates, strict=True):
            if gate is not None and not any(word in folded for word in gate):
                continue
            m = _compiled(pattern).search(text)
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
