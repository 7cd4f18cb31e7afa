"""The letters around the appeal (retraction requests, supplier requests, buyer messages) framed from data.

Each such kind's opening and closing are templates in data/wording/kinds.yaml (buyer
messages: one per situation in data/wording/buyer_messages.yaml) over a fixed vocabulary
of the case's facts (`FACTS`). Nothing here invents a fact: a sentence whose fact is
unknown is left out, or — when the kind cannot do without it — kept with a visible
`[TO COMPLETE: …]` marker and a note, exactly as the offline engine marks other gaps.
Only the vocabulary and the part writers are Python; which sentences a letter has is data.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from functools import cache
from typing import Any

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml, type_wording
from appealagent.checks import data as check_data
from appealagent.errors import InputError
from appealagent.model.case import Case, EvidenceDocument, EvidenceKind, has_cjk

Facts = dict[str, str | None]
_FIELD_RE = patterns.compile(r"\{(\w+)\}")


def fmt_date(value: Any) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


def join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _english(text: str | None) -> str | None:
    return text.strip().rstrip(".") if text and text.strip() and not has_cjk(text) else None


def _first(case: Case, kind: EvidenceKind) -> EvidenceDocument | None:
    return next((d for d in case.evidence if d.kind == kind), None)


def _asin_list(case: Case) -> str | None:
    if not case.asins:
        return None
    named = [f"{a.asin} ({t})" if (t := _english(a.title)) else a.asin for a in case.asins]
    return ("ASIN " if len(named) == 1 else "ASINs ") + join_and(named)


def _product(case: Case) -> str | None:
    """The ordered item's title (the order's ASIN, else the first ASIN), else its ASIN."""
    order = case.orders[0] if case.orders else None
    asin = next((a for a in case.asins if order and a.asin == order.asin), case.asins[0] if case.asins else None)
    if asin is None:
        return f"item {order.asin}" if order and order.asin else None
    title = _english(asin.title)
    return f"{title} (ASIN {asin.asin})" if title else f"item {asin.asin}"


def _sources(case: Case) -> str | None:
    invoices = [d for d in case.evidence if d.kind == EvidenceKind.invoice and d.issuer]
    if not invoices:
        return None
    issuers = list(dict.fromkeys(d.issuer for d in invoices if d.issuer))
    refs = [d.reference for d in invoices if d.reference]
    return join_and(issuers) + (f" (invoice{'s' if len(refs) > 1 else ''} {join_and(refs)})" if refs else "")


def _store_intro(case: Case) -> str | None:
    store = case.seller.store_name
    if not store:
        return None
    legal = case.seller.legal_name
    who = f"{legal}, the seller behind the Amazon store {store}" if legal and legal != store else f"the Amazon store {store}"
    return who + (f" on {case.domain}" if case.domain else "")


def _alternative(case: Case) -> str | None:
    ordered = case.orders[0].asin if case.orders else None
    other = next((a for a in case.asins if a.asin != ordered and (ordered or a is not case.asins[0])), None)
    if other is None:
        return None
    title = _english(other.title)
    return f"{title} (ASIN {other.asin})" if title else f"item with ASIN {other.asin}"


def _own_trademark(case: Case) -> str | None:
    doc = _first(case, EvidenceKind.trademark_registration)
    if doc is None:
        return None
    name = _english(doc.description) or "registration"
    return name + (f" (registration {doc.reference})" if doc.reference else "")


def _sentence_of(text: str | None) -> str | None:
    text = _english(text)
    return (text[0].upper() + text[1:] + ".") if text else None


FACTS: dict[str, Callable[[Case], str | None]] = {
    "store_intro": _store_intro,
    "store": lambda c: c.seller.store_name,
    "domain": lambda c: c.domain,
    "signer": lambda c: c.seller.contact_name or c.seller.legal_name or c.seller.store_name,
    "notice_date": lambda c: fmt_date(c.notification.date) if c.notification.date else None,
    # "by 6 November 2026" for a date; a deadline only given as words ("within 17 days") is written as given.
    "deadline": lambda c: f"by {fmt_date(c.notification.deadline)}" if c.notification.deadline else _english(c.notification.deadline_text),
    "complaint_ids": lambda c: join_and(c.notification.complaint_ids) if c.notification.complaint_ids else None,
    "asin_list": _asin_list,
    "asin_subject": lambda c: _asin_list(c) or "the products concerned",
    "owner_name": lambda c: (o.name or o.brand) if (o := c.notification.rights_owner) else None,
    "owner_contact": lambda c: (o.contact_name or o.name) if (o := c.notification.rights_owner) else None,
    "brand": lambda c: (o.brand or o.name) if (o := c.notification.rights_owner) else None,
    "ip_reference": lambda c: f"registration {o.ip_reference}" if (o := c.notification.rights_owner) and o.ip_reference else None,
    "contacted_on": lambda c: fmt_date(o.contacted_on) if (o := c.notification.rights_owner) and o.contacted_on else None,
    "sources": _sources,
    "supplier_name": lambda c: c.supplier.name if c.supplier else None,
    "supplier_contact": lambda c: (c.supplier.contact_name or c.supplier.name) if c.supplier else None,
    "issue": lambda c: type_wording(c.violation_type.value)["issue"] if c.violation_type else None,
    "requested_documents": lambda c: "; ".join(d for d in c.notification.requested_documents if not has_cjk(d)).rstrip(".") or None,
    "buyer_name": lambda c: c.buyer.name if c.buyer and c.buyer.name else None,
    "order_id": lambda c: c.orders[0].order_id if c.orders else None,
    "product": _product,
    "alternative": _alternative,
    "own_trademark": _own_trademark,
    "resolution": lambda c: _sentence_of(c.orders[0].resolution) if c.orders else None,
    "order_issue": lambda c: _sentence_of(c.orders[0].issue) if c.orders else None,
    "tracking_number": lambda c: d.reference if (d := _first(c, EvidenceKind.tracking_record)) else None,
    "carrier": lambda c: d.issuer if (d := _first(c, EvidenceKind.tracking_record)) else None,
    "tracking_date": lambda c: fmt_date(d.date) if (d := _first(c, EvidenceKind.tracking_record)) and d.date else None,
}


def facts_of(case: Case) -> Facts:
    """Every fact of the vocabulary for this case (None where the case does not say)."""
    return {name: get(case) for name, get in FACTS.items()}


def fields(template: str) -> list[str]:
    """The {facts} a template uses (the tests check each is in the vocabulary)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill(entry: str | dict[str, str], facts: Facts, notes: list[str]) -> str | None:
    """One sentence: None when an optional sentence lacks a fact; a marker where a required one does."""
    required = isinstance(entry, dict)
    template = entry["text"] if isinstance(entry, dict) else entry
    missing = [f for f in fields(template) if not facts.get(f)]
    if missing and not required:
        return None
    if missing and isinstance(entry, dict):
        notes.append(f"the letter needs {entry['todo']}: add it to the case and draft again.")
    values = {name: facts.get(name) or f"[TO COMPLETE: {entry['todo'] if isinstance(entry, dict) else name}]" for name in fields(template)}
    return _FIELD_RE.sub(lambda m: values[m.group(1)], template)


def paragraphs(spec: list[list[str | dict[str, str]]], facts: Facts, notes: list[str]) -> list[str]:
    """The paragraphs of a template, each a run of sentences; an empty paragraph is left out."""
    out = []
    for para in spec:
        sentences = [s for s in (fill(e, facts, notes) for e in para) if s]
        if sentences:
            out.append(" ".join(sentences))
    return out


def greeting(kind: dict[str, Any], facts: Facts) -> str:
    template = str(kind.get("greeting", ""))
    if all(facts.get(f) for f in fields(template)):
        return template.format(**{f: facts[f] for f in fields(template)})
    return str(kind.get("greeting_fallback", template))


@cache
def buyer_topics() -> dict[str, dict[str, Any]]:
    """The buyer-message situations (data/wording/buyer_messages.yaml), by topic."""
    return dict(load_yaml("wording/buyer_messages.yaml"))


def topic_spec(case: Case) -> dict[str, Any]:
    """A buyer message's situation; an unknown topic is a one-line input error naming the choices."""
    topics = buyer_topics()
    spec = topics.get(case.topic or "")
    if spec is None:
        raise InputError(f"topic: a buyer message needs one of {', '.join(topics)} (got {case.topic!r})")
    return spec


def evidence_window() -> int:
    """The invoice window in days (data/checks/evidence.yaml: the one definition the checks also use)."""
    return int(check_data.load("evidence")["windows"]["invoice"])


@cache
def _supplier_table() -> dict[str, dict[str, list[str]]]:
    return dict(load_yaml("wording/supplier_documents.yaml"))


def supplier_documents(case: Case) -> dict[str, list[str]]:
    """What to ask the supplier for, and why, for the case's violation type (the default list otherwise)."""
    table = _supplier_table()
    return table.get(case.violation_type.value if case.violation_type else "", table["default"])


def supplier_part(case: Case, part: str, notes: list[str]) -> list[str]:
    """The `need` or `why` items of a supplier request, filled with the case's facts."""
    facts = dict(facts_of(case), window=str(evidence_window()))
    out = []
    for template in supplier_documents(case)[part]:
        if "{notice_date}" in template and not facts.get("notice_date"):
            template = template.replace(" of {notice_date}", "")
        if "{brand}" in template and not facts.get("brand"):
            template = template.replace("{brand}", "the brand")
        sentence = fill(template, facts, notes)
        if sentence:
            out.append(sentence)
    return out


def products_part(case: Case) -> list[str]:
    """One line per ASIN, with its title and the orders that name it."""
    lines = []
    for a in case.asins:
        title = _english(a.title)
        orders = [o.order_id for o in case.orders if o.asin == a.asin]
        lines.append(f"{a.asin}" + (f": {title}" if title else "") + (f" (orders {join_and(orders)})" if orders else "") + ".")
    return lines
