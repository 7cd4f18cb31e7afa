"""One left-to-right reading of a text into its facts, each span claimed by exactly one kind.

Both the LLM loop's grounding and the checks' grounding rules read a letter through
`scan`, so they see the same ASINs, order IDs, e-mails, dates, references,
percentages, times and numbers. Kinds are taken in a fixed order and each one's
spans are blanked before the next looks: the digits of an order ID are not numbers,
the year of a date is not a reference. "[TO COMPLETE: …]" markers and placeholders
hold no facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from appealagent.catalog import patterns
from appealagent.facts.dates import DateRef, dates, times
from appealagent.facts.emails import emails
from appealagent.facts.found import Found
from appealagent.facts.ids import asins, order_ids
from appealagent.facts.numbers import numbers, percentages
from appealagent.facts.references import references
from appealagent.redact import PLACEHOLDER_RE

FactKind = Literal["email", "order_id", "asin", "date", "reference", "percentage", "time", "number"]
TODO_RE = patterns.compile(r"\[TO COMPLETE:[^\]]*\]")


@dataclass(frozen=True)
class Fact:
    """A fact as written: its kind, span and text; `raw` is the number without its % sign, `value` its value."""

    kind: FactKind
    start: int
    end: int
    text: str
    raw: str = ""
    value: float | None = None
    date: DateRef | None = None


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (same length, so offsets hold)."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _found(kind: FactKind, finder: Callable[[str], Iterable[Found]]) -> Callable[[str], list[Fact]]:
    return lambda text: [Fact(kind, f.start, f.end, f.text, f.text) for f in finder(text)]


def _dates(text: str) -> list[Fact]:
    return [Fact("date", d.start, d.end, text[d.start : d.end], date=d) for d in dates(text)]


def _percentages(text: str) -> list[Fact]:
    return [Fact("percentage", p.start, p.end, text[p.start : p.end], p.raw, p.value) for p in percentages(text)]


def _numbers(text: str) -> list[Fact]:
    return [Fact("number", n.start, n.end, n.raw, n.raw, n.value) for n in numbers(text)]


_ORDER: tuple[Callable[[str], list[Fact]], ...] = (
    _found("email", emails),
    _found("order_id", order_ids),
    _found("asin", asins),
    _dates,
    _found("reference", references),
    _percentages,
    _found("time", times),
    _numbers,
)


def without_markers(text: str) -> str:
    """The text with "[TO COMPLETE: …]" markers and placeholders blanked."""
    spans = [m.span() for m in TODO_RE.finditer(text)] + [m.span() for m in PLACEHOLDER_RE.finditer(text)]
    return blank(text, spans) if spans else text


def scan(text: str) -> tuple[list[Fact], str]:
    """Every fact in the text in reading order, and the text with all of them blanked (for name and wording checks)."""
    rest = without_markers(text)
    out: list[Fact] = []
    for finder in _ORDER:
        found = finder(rest)
        if found:
            out.extend(found)
            rest = blank(rest, ((f.start, f.end) for f in found))
    out.sort(key=lambda f: (f.start, f.end))
    return out, rest
