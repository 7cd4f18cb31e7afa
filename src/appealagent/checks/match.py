"""Small text helpers shared by the rules: masked search, sentence lookup, concrete detail."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext
from appealagent.checks.document import Span
from appealagent.facts.ids import ASIN_RE, ORDER_ID_RE

_MONTHS_DAYS = (
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Mondays?|Tuesdays?|Wednesdays?|Thursdays?|Fridays?|Saturdays?|Sundays?|weekends?|weekdays?)\b"
)
ASIN_TEXT_RE = ASIN_RE  # the facts layer's patterns, under the names the rules already use
ORDER_TEXT_RE = ORDER_ID_RE


def blank(text: str, regex: re.Pattern[str]) -> str:
    """The text with every match of `regex` replaced by spaces (offsets unchanged)."""
    return regex.sub(lambda m: " " * len(m.group()), text)


def search(text: str, regex: re.Pattern[str], spans: list[Span] | None = None) -> Iterator[re.Match[str]]:
    for s, e in spans if spans is not None else [(0, len(text))]:
        yield from regex.finditer(text, s, e)


def sentence_of(ctx: CheckContext, offset: int) -> Span:
    """The sentence of the letter containing `offset` (or a short window around it)."""
    spans = ctx.sentence_spans
    starts = ctx.memo.get("sentence_starts")
    if starts is None:
        starts = ctx.memo["sentence_starts"] = [s for s, _ in spans]
    i = bisect.bisect_right(starts, offset) - 1
    if 0 <= i < len(spans) and spans[i][0] <= offset < spans[i][1] + 1:
        return spans[i]
    return max(0, offset - 80), min(len(ctx.body), offset + 80)


@cache
def concrete_re(strict: bool = False) -> re.Pattern[str]:
    """Numbers, IDs, roles, tools, frequencies; `strict` leaves out generic words like "team" or "system"."""
    spec = data.load("specificity")
    parts = [r"\d", ASIN_RE.pattern] + list(spec["roles"]) + list(spec["tools"]) + list(spec["frequency"])
    if not strict:
        parts += list(spec["roles_generic"]) + list(spec["tools_generic"])
    return patterns.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@cache
def _months_days_re() -> re.Pattern[str]:
    return patterns.compile(_MONTHS_DAYS)


def is_concrete(text: str, start: int = 0, end: int | None = None, *, strict: bool = False) -> bool:
    """True when the text holds a number, a date, an ID, a role, a tool or a frequency."""
    end = len(text) if end is None else end
    return bool(concrete_re(strict).search(text, start, end) or _months_days_re().search(text, start, end))


@cache
def owner_re() -> re.Pattern[str]:
    spec = data.load("specificity")
    pats = [*spec["roles"], *spec["roles_generic"], *spec["tools"], *spec["tools_generic"]]
    return patterns.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)


_NAME_RE = patterns.compile(r"\b[A-Z][a-z]{1,15} [A-Z][a-z]{1,15}\b")
_I_RE = patterns.compile(r"\bI\b")
# "…and Sofia drop-tests 3 planters": a first name mid-sentence as the subject of a present-tense verb
_FIRST_NAME_RE = patterns.compile(r"(?<=[a-z,] )(?!(?:Amazon|Seller|Central|Account|Health|Brand|Registry|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][a-z]{2,15} (?:now |also |then )?(?:[a-z]+-)?[a-z]{2,}s\b")


def has_owner(text: str, start: int, end: int) -> bool:
    """A role, a tool that runs it, or a person's name."""
    return bool(
        owner_re().search(text, start, end)
        or _NAME_RE.search(text, start, end)
        or _I_RE.search(text, start, end)
        or _FIRST_NAME_RE.search(text, start, end)
    )


def has_frequency(text: str, start: int, end: int) -> bool:
    return bool(data.regex("specificity", "frequency").search(text, start, end))


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"


def in_quotation(text: str, pos: int) -> bool:
    """True when `pos` sits inside double quotes on its line: a quoted card, message or listing, not the seller's own words."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    if any(q in before for q in _OPEN_QUOTES):
        return sum(before.count(q) for q in _OPEN_QUOTES) > sum(before.count(q) for q in _CLOSE_QUOTES)
    return before.count('"') % 2 == 1
