"""Length: the letter within the words reviewers read, each part within the form's limit."""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.registry import rule
from appealagent.checks.sections import LABELS, PARTS


def _limits(ctx: CheckContext) -> dict:
    return data.load("length")["words"][ctx.kind.value]


def _n(count: int) -> str:
    return f"{count} word" if count == 1 else f"{count} words"


def _kindlabel(ctx: CheckContext) -> str:
    return ctx.kind.value.replace("_", " ")


@rule("length.too_long")
def too_long(ctx: CheckContext) -> Iterator[Hit]:
    lim = _limits(ctx)
    if lim["warn_above"] < ctx.words <= lim["error_above"]:
        yield hit(words=_n(ctx.words), limit=lim["warn_above"], kindlabel=_kindlabel(ctx))


@rule("length.far_too_long")
def far_too_long(ctx: CheckContext) -> Iterator[Hit]:
    lim = _limits(ctx)
    if ctx.words > lim["error_above"]:
        yield hit(words=_n(ctx.words), limit=lim["error_above"], kindlabel=_kindlabel(ctx))


@rule("length.too_short")
def too_short(ctx: CheckContext) -> Iterator[Hit]:
    lim = _limits(ctx)
    if ctx.words < lim["warn_below"]:
        yield hit(words=_n(ctx.words), limit=lim["warn_below"], kindlabel=_kindlabel(ctx))


@rule("length.part_limit")
def part_limit(ctx: CheckContext) -> Iterator[Hit]:
    limits = data.load("length").get("form_char_limits") or {}
    for part in PARTS:
        limit = limits.get(part)
        if not limit:
            continue
        text = ctx.part_text(part).strip()
        if len(text) > int(limit):
            s, e = ctx.part_spans(part)[0]
            yield hit(s, min(e, s + 80), section=part, part=LABELS[part], chars=len(text), limit=limit)


@rule("length.truncated")
def truncated(ctx: CheckContext) -> Iterator[Hit]:
    at = ctx.memo.get("truncated_at")
    if at is not None:
        yield hit(chars=f"{at:,}", total=f"{len(ctx.doc.original):,}")
