"""Structure: the three parts present, non-empty, in order, and every root cause answered."""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.registry import rule
from appealagent.checks.sections import LABELS, PARTS, explicit_list
from appealagent.model.case import AppealRoute

QUESTIONS = {
    "root_cause": ("Root cause", "what caused the problem"),
    "corrective_actions": ("Corrective actions taken", "what you have already done to fix it"),
    "preventive_measures": ("Preventive measures", "what now stops it from happening again"),
}


@rule("structure.missing_part")
def missing_part(ctx: CheckContext) -> Iterator[Hit]:
    if ctx.route == AppealRoute.in_error:
        return  # an in-error appeal shows documents; it does not own a cause
    present = set(ctx.layout.keys())
    empty = {key for key, _ in ctx.layout.empty_parts}
    for part in PARTS:
        if part not in present and part not in empty:
            heading, question = QUESTIONS[part]
            yield hit(part=LABELS[part], heading=heading, question=question)


@rule("structure.empty_part")
def empty_part(ctx: CheckContext) -> Iterator[Hit]:
    present = set(ctx.layout.keys())
    for key, (s, e) in ctx.layout.empty_parts:
        if key not in present:
            yield hit(s, e, section=key, part=LABELS[key])


@rule("structure.order")
def order(ctx: CheckContext) -> Iterator[Hit]:
    if ctx.layout.mode != "heading":
        return
    firsts: list[str] = []
    for label in ctx.layout.part_heading_order:
        if label not in firsts:
            firsts.append(label)
    expected = [p for p in PARTS if p in firsts]
    if firsts != expected:
        heading = next(((s, e) for (s, e), label in ctx.layout.headings if label == firsts[0]), None)
        found = " → ".join(LABELS[p] for p in firsts)
        if heading:
            yield hit(heading[0], heading[1], found=found)
        else:
            yield hit(found=found)


@rule("structure.unanswered_root_cause")
def unanswered_root_cause(ctx: CheckContext) -> Iterator[Hit]:
    case = ctx.case
    if case is not None and case.root_causes:
        uses_links = any(a.addresses for a in case.corrective_actions) or any(m.addresses for m in case.preventive_measures)
        if uses_links:
            for _i, rc in enumerate(case.root_causes, 1):
                if not rc.id:
                    continue
                acted = any(rc.id in a.addresses for a in case.corrective_actions)
                prevented = any(rc.id in m.addresses for m in case.preventive_measures)
                missing = [w for w, ok in (("corrective action", acted), ("preventive measure", prevented)) if not ok]
                if missing:
                    yield hit(detail=f"Root cause {rc.id} in the case has no {' and no '.join(missing)} that addresses it")
        rc_spans = ctx.part_spans("root_cause")
        listed = [it for sp in rc_spans for it in explicit_list(ctx.body, sp)]
        if listed and len(listed) < len(case.root_causes):
            s, e = rc_spans[0]
            yield hit(s, min(e, s + 80), detail=f"The case lists {len(case.root_causes)} root causes; the letter's root cause part has {len(listed)} items")
    # Without links in a case: numbered root causes against fewer numbered actions or measures.
    rc_items = [it for sp in ctx.part_spans("root_cause") for it in explicit_list(ctx.body, sp)]
    if len(rc_items) < 2:
        return
    for part in ("corrective_actions", "preventive_measures"):
        spans = ctx.part_spans(part)
        items = [it for sp in spans for it in explicit_list(ctx.body, sp)]
        if items and len(items) < len(rc_items):
            s, e = spans[0]
            yield hit(s, min(e, s + 80), section=part, detail=f"{len(rc_items)} numbered root causes but only {len(items)} {LABELS[part]}; some root cause may be left unanswered")
