"""Grounding (with a case): the case's facts are in the letter, and the letter adds none of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import ASIN_TEXT_RE, ORDER_TEXT_RE
from appealagent.checks.registry import rule
from appealagent.checks.rules.evidence import issuer_mentioned
from appealagent.facts.extract import date_keys, dates, percentages, references
from appealagent.model.case import EvidenceKind, MetricName

MAX_ORDERS_TO_NAME = 10
SUPPLY_KINDS = {EvidenceKind.invoice, EvidenceKind.letter_of_authorization, EvidenceKind.license, EvidenceKind.supplier_contact, EvidenceKind.import_document}


class _Facts:
    """The case's grounded values, computed once per context."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx

    @cached_property
    def case_upper(self) -> str:
        return self.ctx.case_text.upper()

    @cached_property
    def percents(self) -> set[float]:
        values = {0.0, 100.0} | data.amazon_targets()
        values |= {v for _, _, v, _ in percentages(self.ctx.case_text)}
        case = self.ctx.case
        assert case is not None
        for m in case.metrics:
            values.add(float(m.value))
            if m.defects is not None and m.orders:
                values.add(100.0 * m.defects / m.orders)
        return values

    @cached_property
    def dates(self) -> tuple[set[tuple[int, int, int]], set[tuple[int, int]]]:
        full, partial = date_keys(self.ctx.case_text)
        for _y, mo, d in list(full):
            partial.add((mo, d))
        return full, partial


def _facts(ctx: CheckContext) -> _Facts:
    if "grounding" not in ctx.memo:
        ctx.memo["grounding"] = _Facts(ctx)
    return ctx.memo["grounding"]


def percent_grounded(value: float, raw: str, known: set[float]) -> bool:
    decimals = len(raw.replace(",", ".").split(".")[1]) if ("." in raw or "," in raw) else 0
    return any(abs(k - value) < 1e-09 or round(k, decimals) == round(value, decimals) for k in known)


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
        if not any(percent_grounded(v, raw, {float(m.value)}) for v, raw in stated):
            yield hit(label=meta.get("label", m.name.value), value=f"{m.value:g}", target=meta.get("target_text") or "see Account Health")


@rule("grounding.missing_date")
def missing_date(ctx: CheckContext) -> Iterator[Hit]:
    assert ctx.case is not None
    when = ctx.case.notification.date
    if when is None:
        return
    full, partial = date_keys(ctx.body)
    if (when.year, when.month, when.day) not in full and (when.month, when.day) not in partial:
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
    facts = _facts(ctx)
    for m in ASIN_TEXT_RE.finditer(ctx.body):
        if m.group() not in facts.case_upper:
            yield hit(m.start(), m.end(), asin=m.group())


@rule("grounding.unknown_order")
def unknown_order(ctx: CheckContext) -> Iterator[Hit]:
    for m in ORDER_TEXT_RE.finditer(ctx.body):
        if m.group() not in ctx.case_text:
            yield hit(m.start(), m.end(), order=m.group())


@rule("grounding.unknown_percentage")
def unknown_percentage(ctx: CheckContext) -> Iterator[Hit]:
    known = _facts(ctx).percents
    for s, e, value, raw in percentages(ctx.body):
        if not percent_grounded(value, raw, known):
            yield hit(s, e, value=ctx.body[s:e])


@rule("grounding.unknown_date")
def unknown_date(ctx: CheckContext) -> Iterator[Hit]:
    full, partial = _facts(ctx).dates
    for d in dates(ctx.body):
        if d.year is not None:
            ok = (d.year, d.month, d.day) in full or (d.alt is not None and (d.year, *d.alt) in full)
        else:
            ok = (d.month, d.day) in partial
        if not ok:
            yield hit(d.start, d.end, date=ctx.body[d.start : d.end])


_SEP_RE = re.compile(r"[\s/_.-]")


@rule("grounding.unknown_reference")
def unknown_reference(ctx: CheckContext) -> Iterator[Hit]:
    facts = _facts(ctx)
    squashed = _SEP_RE.sub("", facts.case_upper)
    for s, e, ref in references(ctx.body):
        up = ref.upper()
        if up in facts.case_upper or _SEP_RE.sub("", up) in squashed:
            continue
        yield hit(s, e, ref=ref)
