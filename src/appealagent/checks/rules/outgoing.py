"""Letters to a rights owner or a supplier: no unmade admission, no legal posturing, the request itself.

A retraction request can be forwarded to Amazon, so admitting an infringement the seller
never admitted (in the case) hurts the appeal it is meant to help; threats make a rights
owner less, not more, willing to retract. A supplier request that omits what Amazon
accepts brings back documents Amazon rejects. Phrase lists: data/checks/outgoing.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.registry import rule


def _case_admits(ctx: CheckContext) -> bool:
    """Whether the seller's own answers (root causes, context) already admit it."""
    if ctx.case is None:
        return False
    said = " ".join(rc.english() or "" for rc in ctx.case.root_causes) + " " + (ctx.case.context or "")
    return bool(data.regex("outgoing", "admission").search(said))


@rule("outgoing.unmade_admission")
def unmade_admission(ctx: CheckContext) -> Iterator[Hit]:
    if _case_admits(ctx):
        return
    for m in data.regex("outgoing", "admission").finditer(ctx.body):
        yield hit(m.start(), m.end(), text=m.group())


@rule("outgoing.legal_posturing")
def legal_posturing(ctx: CheckContext) -> Iterator[Hit]:
    for m in data.regex("outgoing", "posturing").finditer(ctx.body):
        yield hit(m.start(), m.end(), text=m.group())


@rule("outgoing.no_retraction_request")
def no_retraction_request(ctx: CheckContext) -> Iterator[Hit]:
    if not data.regex("outgoing", "retraction_request").search(ctx.body):
        yield hit()


@rule("outgoing.no_complaint_id")
def no_complaint_id(ctx: CheckContext) -> Iterator[Hit]:
    wanted = list(ctx.case.notification.complaint_ids) if ctx.case is not None else []
    if wanted:
        for complaint in wanted:
            if complaint not in ctx.body:
                yield hit(complaint=complaint)
    elif not patterns.compile(data.load("outgoing")["complaint_id"]).search(ctx.body):
        yield hit(complaint="the complaint ID")


@rule("outgoing.supplier_requirements")
def supplier_requirements(ctx: CheckContext) -> Iterator[Hit]:
    for label, pattern in data.load("outgoing")["supplier_requirements"].items():
        if not patterns.compile(pattern, re.IGNORECASE).search(ctx.body):
            yield hit(what=label)
