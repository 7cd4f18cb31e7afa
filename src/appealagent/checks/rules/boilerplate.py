"""Boilerplate: a letter copied from an example or from the well-worn templates reviewers know."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.overlap import best_overlap
from appealagent.checks.registry import rule
from appealagent.corpus.index import IndexedLetter


def _is_same_letter(ctx: CheckContext, letter: IndexedLetter) -> bool:
    """A corpus letter is never flagged against itself (same id in the front matter, or same file)."""
    own_id = ctx.doc.meta.get("id")
    if own_id and letter.id == own_id:
        return True
    if ctx.source and letter.path is not None:
        try:
            return Path(ctx.source).resolve() == letter.path.resolve()
        except OSError:
            return False
    return False


@rule("boilerplate.corpus_overlap")
def corpus_overlap(ctx: CheckContext) -> Iterator[Hit]:
    cfg = data.load("boilerplate")
    if ctx.words < int(cfg["min_words"]):
        return
    n = int(cfg["ngram"])
    others = [letter for letter in ctx.example_letters(n) if not _is_same_letter(ctx, letter)]
    if not others:
        return
    result = best_overlap(ctx.body, others, n=n)
    if result is None:
        return
    share, letter, span = result
    if share >= float(cfg["warn_share"]):
        start, end = span if span else (None, None)
        yield hit(start, end, share=round(100 * share), letter=letter.id)


@rule("boilerplate.stock_phrase")
def stock_phrase(ctx: CheckContext) -> Iterator[Hit]:
    for m in data.regex("boilerplate", "stock_phrases").finditer(ctx.body):
        yield hit(m.start(), m.end(), text=m.group())


@rule("boilerplate.off_topic")
def off_topic(ctx: CheckContext) -> Iterator[Hit]:
    """A paragraph from another notice type's template (anti-counterfeit text in a verification appeal)."""
    vtype = ctx.violation_type
    if vtype is None:
        return
    case_text = ctx.case_text.lower() if ctx.case is not None else ""
    for topic in data.load("boilerplate")["off_topic"]:
        if vtype.value in topic["on_topic_for"]:
            continue
        regex = data.alternation(topic["phrases"])
        for m in regex.finditer(ctx.body):
            if m.group().lower() in case_text:
                continue  # the seller's own notice or answers use it: not template residue
            yield hit(m.start(), m.end(), text=m.group(), topic=topic["topic"], vtype=vtype.value.replace("_", " "))
            break
