"""Tone: what reviewers read as blame, denial, pleading, flattery, threats or chat-bot residue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import blank, in_quotation, sentence_of
from appealagent.checks.registry import rule
from appealagent.model.case import AppealRoute


def _phrases(ctx: CheckContext, name: str, spans: list[tuple[int, int]] | None = None) -> Iterator[Hit]:
    """Hits for every phrase of tone.yaml[name].patterns (after its mask, if any)."""
    text = _masked(ctx, name)
    regex = data.regex("tone", name, "patterns")
    for s, e in spans if spans is not None else [(0, len(text))]:
        for m in regex.finditer(text, s, e):
            yield hit(m.start(), m.end(), text=ctx.body[m.start() : m.end()])


def _masked(ctx: CheckContext, name: str) -> str:
    mask = data.load("tone")[name].get("mask")
    if not mask:
        return ctx.body
    return blank(ctx.body, data.regex("tone", name, "mask"))


@rule("tone.blame")
def blame(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "blame")


@rule("tone.denial")
def denial(ctx: CheckContext) -> Iterator[Hit]:
    if ctx.route == AppealRoute.in_error:
        return
    yield from _phrases(ctx, "denial")


@rule("tone.ignorance")
def ignorance(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "ignorance")


@rule("tone.pleading")
def pleading(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "pleading")


@rule("tone.excessive_apology")
def excessive_apology(ctx: CheckContext) -> Iterator[Hit]:
    cfg = data.load("tone")["apology"]
    limit = int(cfg["max"].get(ctx.kind.value, cfg["max"]["default"]))
    not_after = patterns.compile(cfg["not_after"], re.IGNORECASE)
    found = [m for m in patterns.compile(cfg["pattern"], re.IGNORECASE).finditer(ctx.body) if not not_after.search(ctx.body, max(0, m.start() - 20), m.start())]
    if len(found) > limit:
        m = found[limit]
        yield hit(m.start(), m.end(), count=len(found))


@rule("tone.criticism_of_amazon")
def criticism_of_amazon(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "criticism_of_amazon")


@rule("tone.flattery")
def flattery(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "flattery")


@cache
def _lawyer_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = data.load("tone")["threat"]
    return (patterns.compile(cfg["lawyer"], re.IGNORECASE), patterns.compile(cfg["lawyer_threat"], re.IGNORECASE), patterns.compile(cfg["lawyer_ok"], re.IGNORECASE))


@rule("tone.threat")
def threat(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "threat")
    lawyer, threat_word, ok_word = _lawyer_res()
    for m in lawyer.finditer(ctx.body):
        s, e = sentence_of(ctx, m.start())
        if threat_word.search(ctx.body, s, e) and not ok_word.search(ctx.body, s, e):
            yield hit(s, e, text=ctx.body[s:e])


@rule("tone.perfection")
def perfection(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "perfection")


@rule("tone.escalation")
def escalation(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "escalation")


@rule("tone.question")
def question(ctx: CheckContext) -> Iterator[Hit]:
    body = ctx.body
    for s, e in ctx.sentence_spans:
        end = e
        while end > s and body[end - 1] in " \t\"'”’)":
            end -= 1
        if end > s and body[end - 1] in "?？" and not in_quotation(body, end - 1):
            yield hit(s, e, text=body[s:e])
    yield from _phrases(ctx, "question")


@rule("tone.support_case")
def support_case(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "support_case")
    cfg = data.load("tone")["support_case"]
    said = patterns.compile(cfg["said"], re.IGNORECASE)
    context = patterns.compile(cfg["said_context"], re.IGNORECASE)
    for m in said.finditer(ctx.body):
        s, e = sentence_of(ctx, m.start())
        if context.search(ctx.body, s, e):
            yield hit(m.start(), m.end(), text=m.group())


@rule("tone.business_history")
def business_history(ctx: CheckContext) -> Iterator[Hit]:
    spans = ctx.part_spans("opening")
    if not spans and not ctx.layout.sections:
        spans = [(0, min(len(ctx.body), 800))]
    yield from _phrases(ctx, "business_history", spans)


@rule("tone.ai_leak")
def ai_leak(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "ai_leak")


@rule("tone.demand")
def demand(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "demand")


@rule("tone.injection")
def injection(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "injection")


@rule("tone.self_incrimination")
def self_incrimination(ctx: CheckContext) -> Iterator[Hit]:
    yield from _phrases(ctx, "self_incrimination")
