"""Specificity: stock phrases with no facts, measures with no owner or rhythm, vague causes, empty parts."""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.document import count_words, excerpt
from appealagent.checks.match import has_frequency, has_owner, is_concrete
from appealagent.checks.registry import rule
from appealagent.checks.sections import LABELS, PARTS, items

MIN_ITEM_WORDS = 6


def measure_items(ctx: CheckContext) -> list[tuple[int, int]]:
    """Items of the preventive-measures part worth judging (not intros or one-word lines)."""
    out = []
    for span in ctx.part_spans("preventive_measures"):
        for s, e in items(ctx.body, span):
            if count_words(ctx.body[s:e]) >= MIN_ITEM_WORDS:
                out.append((s, e))
    return out


@rule("specificity.generic_action")
def generic_action(ctx: CheckContext) -> Iterator[Hit]:
    regex = data.regex("specificity", "generic")
    for s, e in ctx.sentences_in(ctx.scope(*PARTS)):
        m = regex.search(ctx.body, s, e)
        if m is None:
            continue
        # the stock phrase itself does not count as detail ("monitor our Account Health more closely")
        rest = ctx.body[s : m.start()] + " " * (m.end() - m.start()) + ctx.body[m.end() : e]
        if not is_concrete(rest, strict=True):
            yield hit(m.start(), m.end(), text=excerpt(ctx.body, s, e))


@rule("specificity.measure_no_owner")
def measure_no_owner(ctx: CheckContext) -> Iterator[Hit]:
    for s, e in measure_items(ctx):
        if not has_owner(ctx.body, s, e):
            yield hit(s, e, text=excerpt(ctx.body, s, e, 80))


@rule("specificity.measure_no_frequency")
def measure_no_frequency(ctx: CheckContext) -> Iterator[Hit]:
    for s, e in measure_items(ctx):
        if not has_frequency(ctx.body, s, e):
            yield hit(s, e, text=excerpt(ctx.body, s, e, 80))


@rule("specificity.vague_root_cause")
def vague_root_cause(ctx: CheckContext) -> Iterator[Hit]:
    spans = ctx.part_spans("root_cause")
    if not spans:
        return
    regex = data.regex("specificity", "vague_cause")
    part_is_concrete = any(is_concrete(ctx.body, s, e, strict=True) for s, e in spans)
    for s, e in ctx.sentences_in(spans):
        m = regex.search(ctx.body, s, e)
        if m and (not part_is_concrete or not is_concrete(ctx.body, s, e, strict=True)):
            yield hit(m.start(), m.end(), text=excerpt(ctx.body, s, e))


@rule("specificity.no_concrete_detail")
def no_concrete_detail(ctx: CheckContext) -> Iterator[Hit]:
    for part in PARTS:
        spans = ctx.part_spans(part)
        if not spans:
            continue
        if not any(is_concrete(ctx.body, s, e) for s, e in spans):
            s, e = spans[0]
            yield hit(s, min(e, s + 100), section=part, part=LABELS[part])


def genericity(ctx: CheckContext) -> tuple[float, int, tuple[int, int] | None]:
    """The share of root-cause and corrective-action statements with no concrete detail, their number,
    and the first generic one (the letter-level measure DOMAIN §6 calls a generic letter)."""
    cfg = data.load("specificity")["generic_letter"]
    statements = [
        (s, e)
        for part in ("root_cause", "corrective_actions")
        for s, e in ctx.sentences_in(ctx.part_spans(part))
        if count_words(ctx.body[s:e]) >= int(cfg["min_words"])
    ]
    vague = [(s, e) for s, e in statements if not is_concrete(ctx.body, s, e, strict=True)]
    share = len(vague) / len(statements) if statements else 0.0
    return share, len(statements), (vague[0] if vague else None)


@rule("specificity.generic_letter")
def generic_letter(ctx: CheckContext) -> Iterator[Hit]:
    cfg = data.load("specificity")["generic_letter"]
    share, n, first = genericity(ctx)
    if n >= int(cfg["min_statements"]) and share > float(cfg["max_share"]) and first is not None:
        s, e = first
        yield hit(s, e, share=round(100 * share), limit=round(100 * float(cfg["max_share"])), count=n, text=excerpt(ctx.body, s, e))
