"""Tense: corrective actions are done (past), preventive measures continue (present or future)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.document import excerpt
from appealagent.checks.match import has_frequency
from appealagent.checks.registry import rule
from appealagent.checks.rules.specificity import measure_items
from appealagent.checks.sections import items
from appealagent.facts.dates import dates


@cache
def _ok_before() -> re.Pattern[str]:
    return patterns.compile(data.load("specificity")["future_ok_before"], re.IGNORECASE)


@rule("tense.future_in_actions")
def future_in_actions(ctx: CheckContext) -> Iterator[Hit]:
    spans = ctx.part_spans("corrective_actions")
    regex = data.regex("specificity", "future")
    ok_before = _ok_before()
    for s, e in ctx.sentences_in(spans):
        for m in regex.finditer(ctx.body, s, e):
            if ok_before.search(ctx.body, max(s, m.start() - 40), m.start()):
                continue
            yield hit(m.start(), m.end(), text=excerpt(ctx.body, s, e))
            break


@cache
def _completed_re() -> re.Pattern[str]:
    return patterns.compile(data.load("specificity")["completed"], re.IGNORECASE)


@rule("tense.no_completed_action")
def no_completed_action(ctx: CheckContext) -> Iterator[Hit]:
    spans = ctx.part_spans("corrective_actions")
    if not spans:
        return
    if not any(_has_completed(ctx.body, s, e) for s, e in ctx.sentences_in(spans)):
        s, e = spans[0]
        yield hit(s, min(e, s + 100), section="corrective_actions")


def _has_completed(text: str, start: int, end: int) -> bool:
    """A past verb not governed by an intention: "we refunded" counts; "we will refund the affected
    buyers", "the affected listings will be updated" do not ("affected" after a determiner is an adjective)."""
    for m in _completed_re().finditer(text, start, end):
        before = text[max(start, m.start() - 30) : m.start()]
        if _INTENTION_RE.search(text, start, m.start()) or _PASSIVE_FUTURE_RE.search(before):
            continue
        if m.group().lower().endswith("ed") and " " not in m.group() and _DETERMINER_RE.search(before):
            continue
        return True
    return False


_INTENTION_RE = patterns.compile(r"\b(?:will|shall|won[’']t|going to|plan(?:s|ning)? to|intend(?:s)? to|aim(?:s)? to|hope(?:s)? to)\b|[’']ll\b", re.IGNORECASE)
# The seller's own intention ("we will", "I plan to"), not a thing's future ("the item will be back in stock").
_OUR_INTENTION_RE = patterns.compile(r"\b(?:we|i)\s+(?:\w+ly\s+)?(?:will|shall|are going to|am going to|plan to|intend to|aim to|hope to)\b|\b(?:we|i)[’']ll\b", re.IGNORECASE)
_PASSIVE_FUTURE_RE = patterns.compile(r"\b(?:will|shall|going to|plan to|intend to|need to|must)\s+(?:\w+ly\s+)?(?:be|have been)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_DETERMINER_RE = patterns.compile(r"\b(?:the|a|an|all|any|every|each|these|those|this|that|our|their|its|his|her|your|some|no|other|more)\s+(?:\d[\d,]*\s+)?$", re.IGNORECASE)


@rule("tense.past_in_measures")
def past_in_measures(ctx: CheckContext) -> Iterator[Hit]:
    cfg = data.load("specificity")
    past = patterns.compile(cfg["past_verb"], re.IGNORECASE)
    ongoing = patterns.compile(cfg["ongoing"], re.IGNORECASE)
    for s, e in measure_items(ctx):
        if past.search(ctx.body, s, e) and not ongoing.search(ctx.body, s, e) and not has_frequency(ctx.body, s, e):
            yield hit(s, e, text=excerpt(ctx.body, s, e, 80))


@cache
def _stamp_re() -> re.Pattern[str]:
    return re.compile(r"\b(?:completed|done|finished|implemented|carried out)(?: on| by|:)\s", re.IGNORECASE)


_ON_RE = patterns.compile(r"(?:^|\b(?:on|completed|done|finished|since))\s*:?\s*$", re.IGNORECASE)


@rule("tense.impossible_date")
def impossible_date(ctx: CheckContext) -> Iterator[Hit]:
    """A corrective action dated after today, or an intention stamped as completed on a date."""
    today = dt.date.today()
    for s, e in [it for span in ctx.part_spans("corrective_actions") for it in items(ctx.body, span)]:
        for d in dates(ctx.body[s:e]):
            before = ctx.body[max(s, s + d.start - 16) : s + d.start]
            # "On 3 January 2027 we shipped…", "completed on …": the day an action was done, not a validity date
            if d.year is not None and dt.date(d.year, d.month, d.day) > today and _ON_RE.search(before):
                yield hit(s + d.start, s + d.end, text=excerpt(ctx.body, s, e), why="is later than today")
                break
        else:
            if _stamp_re().search(ctx.body, s, e) and _OUR_INTENTION_RE.search(ctx.body, s, e):
                yield hit(s, e, text=excerpt(ctx.body, s, e), why="stamps an intention as completed")
