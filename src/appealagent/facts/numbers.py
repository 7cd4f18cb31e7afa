"""Numbers and percentages written in text, read one way: "1,150" is 1150, "6,8 %" is 6.8, "two" is 2.

A percentage is compared at the precision it is written with, so "7%" agrees with a
case's 6.8 while "7.4%" does not. Number words come from data/grounding/rules.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml

PERCENT_RE = patterns.compile(r"(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s?(?:%|％|percent\b|per cent\b)", re.IGNORECASE)
NUMBER_RE = patterns.compile(r"(?<![A-Za-z0-9_.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?(?![0-9])")
_ORDINAL_RE = patterns.compile(r"(?:st|nd|rd|th)$")
_WORD_RE = patterns.compile(r"[a-z]+")
_LIST_MARKER_RE = patterns.compile(r"[ \t]*\d{1,2}[.)](?:[ \t]|$)")
_PLACES = 4


class Number(NamedTuple):
    """A number or percentage as written (`raw` without the % sign) and its value; unpacks as (start, end, value, raw)."""

    start: int
    end: int
    value: float
    raw: str


def parse_number(raw: str) -> float | None:
    """'1,150' -> 1150, '6,8' -> 6.8 (one comma and at most two decimals is a decimal comma), '12th' -> 12."""
    raw = _ORDINAL_RE.sub("", raw.strip())
    if raw.count(",") == 1 and len(raw.split(",")[1]) <= 2:
        raw = raw.replace(",", ".")
    else:
        raw = raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def number_key(value: float) -> float:
    """The form numbers are compared in (float noise rounded away)."""
    return round(value, _PLACES)


def decimals(raw: str) -> int:
    """How many decimals a number is written with ('6.80' -> 2, '7' -> 0)."""
    raw = raw.replace(",", ".")
    return len(raw.split(".")[1]) if raw.count(".") == 1 else 0


def percentages(text: str, start: int = 0, end: int | None = None) -> Iterator[Number]:
    """Every 'N%', 'N %', 'N percent' in text[start:end]."""
    for m in PERCENT_RE.finditer(text, start, len(text) if end is None else end):
        value = parse_number(m.group(1))
        if value is not None:
            yield Number(m.start(), m.end(), value, m.group(1))


def _list_marker(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and bool(_LIST_MARKER_RE.match(text, line_start))


def numbers(text: str) -> Iterator[Number]:
    """Every number written in digits ('1,150', '12.5', '3rd'); list markers at a line's start ('1.', '2)') are not numbers."""
    for m in NUMBER_RE.finditer(text):
        value = parse_number(m.group())
        if value is None or _list_marker(text, m.start()):
            continue
        yield Number(m.start(), m.end(), value, m.group())


@cache
def _number_words() -> dict[str, float]:
    words: dict[str, int | float] = load_yaml("grounding/rules.yaml")["number_words"]
    return {w: float(v) for w, v in words.items()}


def word_numbers(text: str) -> set[float]:
    """Values of the number words in a text ('two packers' -> {2.0}, '两名' -> {2.0})."""
    table = _number_words()
    found = {table[w] for w in _WORD_RE.findall(text.lower()) if w in table}
    zh = _zh_number_words()
    return found | {zh[c] for c in text if c in zh}


@cache
def _zh_number_words() -> dict[str, float]:
    words: dict[str, int | float] = load_yaml("grounding/rules.yaml").get("zh_number_words", {})
    return {w: float(v) for w, v in words.items()}


def same_at_precision(value: float, raw: str, known: Iterable[float]) -> bool:
    """True when a known value equals `value` exactly or when rounded to the decimals `raw` is written with."""
    places = decimals(raw)
    return any(abs(k - value) < 1e-9 or round(k, places) == round(value, places) for k in known)
