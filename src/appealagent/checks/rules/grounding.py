"""Grounding (with a case): the case's facts are in the letter, and the letter adds none of its own."""

from __future__ import annotations

from collections.abc import Iterator

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.registry import rule
from appealagent.checks.rules.evidence import issuer_mentioned
from appealagent.checks.sections import PARTS
from appealagent.facts.case_facts import CaseFacts
from appealagent.facts.dates import DateIndex
from appealagent.facts.grounding import unsupported_claims
from appealagent.facts.numbers import percentages, same_at_precision
from appealagent.facts.scan import Fact, FactKind, scan
from appealagent.model.case import EvidenceKind, MetricName

MAX_ORDERS_TO_NAME = 10
SUPPLY_KINDS = {EvidenceKind.invoice, EvidenceKind.letter_of_authorization, EvidenceKind.license, EvidenceKind.supplier_contact, EvidenceKind.import_document}


def case_facts(ctx: CheckContext) -> CaseFacts:
    """The case's facts, built once per check run (the same `CaseFacts` the LLM loop's grounding asks)."""
    facts = ctx.memo.get("case_facts")
    if facts is None:
        assert ctx.case is not None
        facts = ctx.memo["case_facts"] = CaseFacts(ctx.case)
    return facts


def letter_facts(ctx: CheckContext) -> list[Fact]:
    """The letter's facts as `facts.scan` reads them, once per check run."""
    found = ctx.memo.get("letter_facts")
    if found is None:
        found = ctx.memo["letter_facts"] = scan(ctx.body)[0]
    return found


def unsupported(ctx: CheckContext, kind: FactKind) -> Iterator[Fact]:
    facts = case_facts(ctx)
    for fact in letter_facts(ctx):
        if fact.kind == kind and not facts.supports(fact):
            yield fact


@rule("grounding.missing_asin")
def missing_asin(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    for a in ctx.case.asins:
        if a.asin not in ctx.text:
            yield hit(asin=a.asin)


@rule("grounding.missing_order")
def missing_order(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    if len(ctx.case.orders) > MAX_ORDERS_TO_NAME:
        return
    for o in ctx.case.orders:
        if o.order_id not in ctx.text:
            yield hit(order=o.order_id)


@rule("grounding.missing_metric")
def missing_metric(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    catalogue = data.metrics()
    stated = [(v, raw) for _, _, v, raw in percentages(ctx.body)]
    for m in ctx.case.metrics:
        meta = catalogue.get(m.name.value, {})
        if meta.get("unit") != "%" or m.name == MetricName.account_health_rating:
            continue
        if not any(same_at_precision(v, raw, {float(m.value)}) for v, raw in stated):
            yield hit(label=meta.get("label", m.name.value), value=f"{m.value:g}", target=meta.get("target_text") or "see Account Health")


@rule("grounding.missing_date")
def missing_date(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    when = ctx.case.notification.date
    if when is None:
        return
    if not DateIndex.of(ctx.body).mentions(when):
        yield hit(date=f"{when.day} {when.strftime('%B')} {when.year}")


@rule("grounding.missing_supplier")
def missing_supplier(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    seen: set[str] = set()
    for doc in ctx.case.evidence:
        if doc.kind not in SUPPLY_KINDS or not doc.issuer or doc.issuer in seen:
            continue
        seen.add(doc.issuer)
        own = {n for n in (ctx.case.seller.legal_name, ctx.case.seller.store_name) if n}
        if doc.issuer in own:
            continue
        if not issuer_mentioned(doc.issuer, ctx.body):
            yield hit(name=doc.issuer)


@rule("grounding.unknown_asin")
def unknown_asin(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "asin"):
        yield hit(f.start, f.end, asin=f.text)


@rule("grounding.unknown_order")
def unknown_order(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "order_id"):
        yield hit(f.start, f.end, order=f.text)


@rule("grounding.unknown_percentage")
def unknown_percentage(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "percentage"):
        yield hit(f.start, f.end, value=f.text)


@rule("grounding.unknown_date")
def unknown_date(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "date"):
        yield hit(f.start, f.end, date=f.text)


@rule("grounding.unknown_reference")
def unknown_reference(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "reference"):
        yield hit(f.start, f.end, ref=f.text)


@rule("grounding.unknown_email")
def unknown_email(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "email"):
        yield hit(f.start, f.end, email=f.text)


@rule("grounding.unknown_number")
def unknown_number(ctx: CheckContext) -> Iterator[Hit]:
    for f in unsupported(ctx, "number"):
        yield hit(f.start, f.end, value=f.text)


@rule("grounding.invented_claim")
def invented_claim(ctx: CheckContext) -> Iterator[Hit]:
    """A claim with no number the case does not support (the same test as the LLM loop's `find_ungrounded`)."""
    facts = case_facts(ctx)
    for s, e in ctx.sentences_in(ctx.scope(*PARTS)):
        for claim, m in unsupported_claims(ctx.body[s:e], facts.text):
            yield hit(s + m.start(), s + m.end(), claim=claim.name, text=m.group(0))
