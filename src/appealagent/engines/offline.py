"""The offline engine: a complete letter from the case's own facts, with no API key and no network.

It never writes a fact the seller did not give, and never pastes an answer the
checks would flag in the letter (blame, a demand, an injected instruction, an
intention given as a completed action, a vague cause: `checks.answers`): that
answer becomes a visible `[TO COMPLETE: …]` marker with the reason. Where the case lacks something a
reviewer expects, the letter carries a visible `[TO COMPLETE: …]` marker (which
the checks report as an error) and the result's notes say what to add, so an
incomplete letter can never pass for a finished one. Wording that varies by
violation type lives in data/wording/types.yaml; the layout lives in the
jinja2 templates used by `render`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from appealagent.catalog.datafiles import type_wording
from appealagent.catalog.metrics import metric_info
from appealagent.checks.answers import Role, is_self_reference, screen, unaccepted_document
from appealagent.engines import framing
from appealagent.engines.base import EngineContext, EngineRun
from appealagent.errors import InputError
from appealagent.llm.request import Body
from appealagent.model.case import (
    AppealRoute,
    Case,
    CorrectiveAction,
    EvidenceDocument,
    LetterKind,
    PreventiveMeasure,
    RootCause,
    has_cjk,
    missing_for_draft,
)
from appealagent.model.draft import AppealDraft, DraftResult
from appealagent.model.kinds import is_appeal, is_drafted
from appealagent.model.kinds import wording as kind_wording
from appealagent.settings import Settings


def fmt_date(value: dt.date) -> str:
    """'3 March 2026': unambiguous in every marketplace, unlike 03/03/2026."""
    return f"{value.day} {value.strftime('%B %Y')}"


def fmt_number(value: float) -> str:
    return f"{value:g}"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?。" else text + "."


def _todo(what: str) -> str:
    return f"[TO COMPLETE: {what}]"


class _Writer:
    """Collects the notes about gaps while the sections are written."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.notes: list[str] = []

    def english(self, item: RootCause | CorrectiveAction | PreventiveMeasure, path: str, role: Role = "text") -> str:
        text = item.english()
        if text is None:
            self.notes.append(
                f"{path}.text is not in English: add {path}.text_en, or draft with --engine llm to translate it."
            )
            return _todo(f"English version of {path}.text")
        return self.safe(text, f"{path}.text", role)

    def safe(self, text: str, path: str, role: Role = "text") -> str:
        """The answer as a sentence, or a marker with the reason when the checks would flag it in the letter."""
        flags = screen(text, role)
        if not flags:
            return _sentence(text)
        reasons = "; ".join(f.reason() for f in flags)
        self.notes.append(f"{path} was not put in the letter: {reasons}. Rewrite it in the case and draft again.")
        return _todo(f"rewrite {path}: {flags[0].label().lower()}")

    def detail(self, rc: RootCause, path: str) -> str:
        if rc.detail_en:
            return self.safe(rc.detail_en, f"{path}.detail", "cause")
        if rc.detail and not has_cjk(rc.detail):
            return self.safe(rc.detail, f"{path}.detail", "cause")
        if rc.detail:
            self.notes.append(f"{path}.detail is not in English: add {path}.detail_en, or draft with --engine llm.")
            return _todo(f"English version of {path}.detail")
        return ""


def metric_sentence(case: Case) -> list[str]:
    """Each metric against Amazon's target, in the reviewer's own terms."""
    sentences = []
    for m in case.metrics:
        info = metric_info(m.name.value)
        value = f"{fmt_number(m.value)}{info['unit']}"
        counts = f" ({m.defects} of {m.orders} orders)" if m.defects is not None and m.orders is not None else ""
        if m.period_start and m.period_end:
            window = f" between {fmt_date(m.period_start)} and {fmt_date(m.period_end)}"
        elif m.window_days:
            window = f" over the {m.window_days}-day window"
        else:
            window = ""
        target = m.target or info["target_text"]
        sentences.append(f"Our {info['label']} was {value}{counts}{window}, against Amazon's target of {target}.")
    return sentences


NOTICE_EFFECTS = {
    "deactivated": " and led to the deactivation of our selling account",
    "at_risk": " and placed our account at risk of deactivation",
    "listings_removed": " and led to the removal of the listings concerned",
    "funds_held": " and led to a hold on the funds in our account",
}


def _request(case: Case) -> str:
    """What the letter asks for follows from what the notice did, not from guesses."""
    status = case.notification.status.value if case.notification.status else None
    if status == "deactivated" or (status is None and case.letter_kind == LetterKind.account_appeal and case.notification.account_level):
        return "reinstate our selling privileges"
    if status == "listings_removed" or (status is None and case.letter_kind == LetterKind.listing_appeal):
        return "reinstate the affected listings"
    return "accept it as our response to the notification"


def _orders_listed(case: Case) -> str:
    return _join([o.order_id + (f" ({o.issue})" if o.issue and not has_cjk(o.issue) else "") for o in case.orders]) if case.orders else _todo("order ID")


def _asin_sentence(case: Case) -> list[str]:
    if not case.asins:
        return []
    listed = "; ".join(f"{a.asin} ({a.title})" if a.title else a.asin for a in case.asins)
    return [f"The ASINs concerned are {listed}." if len(case.asins) > 1 else f"The ASIN concerned is {listed}."]


def _other_opening(case: Case, parts: list[str]) -> str:
    """Claim responses and feedback reports: the order comes first, then the plan of the letter."""
    kind = kind_wording(case.letter_kind) or {}
    store = parts[:1] if case.seller.store_name else []
    body = [*store, kind["orders_intro"].format(orders=_orders_listed(case))]
    if case.notification.date:
        body.append(kind["dated"].format(date=fmt_date(case.notification.date)))
    body.extend(_asin_sentence(case))
    body.append(kind["plan"])
    return f"{kind['greeting']}\n\n" + " ".join(body)


def _opening(case: Case, w: _Writer) -> str:
    wording = type_wording(case.violation_type.value if case.violation_type else None)
    n = case.notification
    when = f" of {fmt_date(n.date)}" if n.date else ""
    parts = []
    if case.seller.store_name:
        parts.append(f"We are writing about our store {case.seller.store_name}" + (f" on {case.domain}." if case.domain else "."))
    effect = NOTICE_EFFECTS.get(n.status.value if n.status else "", "")
    parts.append(f"Your notification{when} concerned {wording['issue']}{effect}.")
    others = [type_wording(v.value)["issue"] for v in case.other_violations if v != case.violation_type]
    if others:
        parts.append(f"It also concerned {_join(others)}; this plan answers each of them.")
    if n.complaint_ids:
        parts.append(f"The notification cites complaint {', '.join(n.complaint_ids)}.")
    owner = n.rights_owner
    if owner and (owner.name or owner.brand):
        who = owner.name or owner.brand
        ref = f" (registration {owner.ip_reference})" if owner.ip_reference else ""
        parts.append(f"The complaint was made by {who}{ref}.")
    parts.extend(metric_sentence(case))
    parts.extend(_asin_sentence(case))
    if case.orders:
        listed = "; ".join(o.order_id + (f" ({o.issue})" if o.issue and not has_cjk(o.issue) else "") for o in case.orders)
        parts.append(f"The orders concerned are {listed}." if len(case.orders) > 1 else f"The order concerned is {listed}.")
    if not is_appeal(case.letter_kind):
        return _other_opening(case, parts)
    if case.related_account and not has_cjk(case.related_account):
        parts.append(f"The related account concerned is {_end(case.related_account.rstrip())}")
    if case.route == AppealRoute.in_error:
        parts.append(wording["in_error"])
    else:
        parts.append(wording["responsibility"])
        parts.append(
            "Below we set out the root cause, the corrective actions we have already completed, "
            "and the measures now in place to prevent a recurrence."
        )
    return f"{(kind_wording(case.letter_kind) or {})['greeting']}\n\n" + " ".join(parts)


def _targets(items: Sequence[CorrectiveAction | PreventiveMeasure], rc_id: str | None) -> bool:
    """Whether any item answers root cause `rc_id` (items with no `addresses` answer all causes)."""
    return any(not it.addresses or (rc_id is not None and rc_id in it.addresses) for it in items)


def _root_causes(case: Case, w: _Writer) -> list[str]:
    if not case.root_causes:
        w.notes.append("root_causes is empty: add what exactly went wrong (who, what, when, how many).")
        return [_todo("the root cause: what exactly went wrong, with dates and numbers")]
    paras = []
    for i, rc in enumerate(case.root_causes):
        path = f"root_causes[{i}]"
        text = w.english(rc, path, "cause")
        detail = w.detail(rc, path)
        paras.append(f"{text} {detail}".strip())
    return paras


def _action_text(a: CorrectiveAction, w: _Writer, path: str, evidence_names: dict[str, str]) -> str:
    text = w.english(a, path, "action")
    who = a.who if a.who and not is_self_reference(a.who) and not screen(a.who, "text") else None
    done = "Completed" + (f" on {fmt_date(a.done_on)}" if a.done_on else "") + (f" by {who}" if who else "")
    if done != "Completed":
        text += f" {done}."
    if a.evidence:
        text += " Evidence: " + _end("; ".join(evidence_names.get(e, e) for e in a.evidence))
    return text


EVIDENCE_LABELS = {
    "sop_document": "SOP document",
    "letter_of_authorization": "letter of authorisation",
    "pro_forma_invoice": "pro-forma invoice",
}


def evidence_label(doc: EvidenceDocument) -> str:
    """'invoice INV-2291 from Lianfa Trading dated 2 May 2026': how a document is named in the letter."""
    label = EVIDENCE_LABELS.get(doc.kind.value, doc.kind.value.replace("_", " "))
    if doc.description and not has_cjk(doc.description):
        label = doc.description if doc.kind.value == "other" else f"{doc.description} ({label})"
    if doc.reference:
        label += f" {doc.reference}"
    if doc.issuer:
        label += f" from {doc.issuer}"
    if doc.date:
        label += f" dated {fmt_date(doc.date)}"
    return label


def short_evidence_label(doc: EvidenceDocument) -> str:
    """The name a corrective action cites; the closing lists each document in full once."""
    if doc.description and not has_cjk(doc.description):
        return doc.description + (f" ({doc.reference})" if doc.reference and doc.reference not in doc.description else "")
    return evidence_label(doc)


def _evidence_names(case: Case) -> dict[str, str]:
    return {doc.id: short_evidence_label(doc) for doc in case.evidence if doc.id}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _end(text: str) -> str:
    """Close a sentence without doubling a full stop that ends a name like 'Co., Ltd.'."""
    return text if text.endswith(".") else text + "."


def _corrective(case: Case, w: _Writer) -> list[str]:
    names = _evidence_names(case)
    items = [_action_text(a, w, f"corrective_actions[{i}]", names) for i, a in enumerate(case.corrective_actions)]
    resolved = [(o.order_id, o.resolution) for o in case.orders if o.resolution and not has_cjk(o.resolution)]
    if resolved:
        items.append("For each affected order: " + "; ".join(f"{order_id}: {resolution.rstrip('.')}" for order_id, resolution in resolved) + ".")
    if not items and "corrective_actions" not in _required_parts(case):
        return []
    if not items:
        w.notes.append("corrective_actions is empty: add what you have already done, with the date and who did it.")
        return [_todo("corrective actions already taken, with dates")]
    for i, rc in enumerate(case.root_causes):
        if not _targets(case.corrective_actions, rc.id):
            w.notes.append(f"root_causes[{i}] ({rc.id}) has no corrective action addressing it.")
            items.append(_todo(f"a corrective action for root cause {rc.id}"))
    return items


def _owner_and_frequency(owner: str | None, frequency: str | None) -> str:
    """' Owner: warehouse lead, daily at 15:00.': the rhythm joins the owner's sentence, never as an
    interview label ("Frequency: whenever…")."""
    if frequency and not frequency.startswith("[TO COMPLETE"):
        frequency = frequency[0].lower() + frequency[1:]
    if owner and frequency:
        return f" Owner: {owner}, {frequency}."
    if owner:
        return f" Owner: {owner}."
    if frequency:
        return f" {frequency[0].upper() + frequency[1:]}."
    return ""


def _preventive(case: Case, w: _Writer) -> list[str]:
    items = []
    for i, m in enumerate(case.preventive_measures):
        path = f"preventive_measures[{i}]"
        text = w.english(m, path, "measure")
        owner = w.safe(m.owner, f"{path}.owner").rstrip(".") if m.owner else None
        frequency = w.safe(m.frequency, f"{path}.frequency").rstrip(".") if m.frequency else None
        text += _owner_and_frequency(owner, frequency)
        if not m.owner:
            w.notes.append(f"{path}.owner is empty: say who is responsible for this measure.")
        if not m.frequency:
            w.notes.append(f"{path}.frequency is empty: say how often it happens.")
        if m.starts_on:
            text += f" In place since {fmt_date(m.starts_on)}."
        items.append(text)
    if not items and "preventive_measures" not in _required_parts(case):
        return []
    if not items:
        w.notes.append("preventive_measures is empty: add what now prevents a recurrence, with an owner and a frequency.")
        return [_todo("preventive measures, each with an owner and a frequency")]
    for i, rc in enumerate(case.root_causes):
        if not _targets(case.preventive_measures, rc.id):
            w.notes.append(f"root_causes[{i}] ({rc.id}) has no preventive measure addressing it.")
            items.append(_todo(f"a preventive measure for root cause {rc.id}"))
    return items


def _closing(case: Case, w: _Writer) -> str:
    parts = []
    accepted = [d for d in case.evidence if unaccepted_document(d.kind.value) is None]
    for i, d in enumerate(case.evidence):
        why = unaccepted_document(d.kind.value)
        if why:  # never offered as proof in the letter (nor its interview label), only named to the seller
            w.notes.append(f"evidence[{i}] is not listed in the letter: {why}; attach the document Amazon accepts instead.")
    if accepted:
        parts.append("We have attached the following documents: " + _end("; ".join(evidence_label(d) for d in accepted)))
    kind = kind_wording(case.letter_kind) or {}
    parts.append(kind.get("request") or f"We respectfully ask you to review this plan of action and {_request(case)}.")
    store = case.seller.store_name or _todo("store name")
    login = case.seller.login_email
    sign = [f"Store name: {store}"]
    if login:
        sign.append(f"Seller Central login e-mail: {login}")
    elif case.letter_kind == LetterKind.account_appeal:
        w.notes.append("seller.login_email is empty: the team uses it to find your account.")
        sign.append(f"Seller Central login e-mail: {_todo('login e-mail')}")
    signer = case.seller.contact_name or case.seller.legal_name or case.seller.store_name
    text = " ".join(parts) + "\n\n" + "\n".join(sign)
    if signer:
        text += f"\n\nSincerely,\n{signer}"
    return text


def _required_parts(case: Case) -> list[str]:
    return (kind_wording(case.letter_kind) or {}).get("required_parts", [])


def _required_notes(case: Case) -> list[str]:
    wording = type_wording(case.violation_type.value if case.violation_type else None)
    said = " ".join((a.text_en or a.text).lower() for a in case.corrective_actions)
    said += " " + " ".join((o.resolution or "").lower() for o in case.orders)
    return [req["note"] for req in wording.get("required", []) if not any(k in said for k in req["keywords"])]


SLOT_WRITERS: dict[str, Callable[[Case, _Writer], list[str]]] = {
    "root_causes": lambda case, w: _root_causes(case, w) if case.root_causes or "root_causes" in _required_parts(case) else [],
    "corrective_actions": lambda case, w: _corrective(case, w),
    "preventive_measures": lambda case, w: _preventive(case, w),
    "documents_needed": lambda case, w: framing.supplier_part(case, "need", w.notes),
    "documents_why": lambda case, w: framing.supplier_part(case, "why", w.notes),
    "products": lambda case, w: framing.products_part(case),
    "none": lambda case, w: [],
}


def _framed_closing(case: Case, kind: dict[str, Any], facts: framing.Facts, w: _Writer) -> str:
    body = framing.paragraphs(kind.get("closing", []), facts, w.notes)
    signer = facts.get("signer")
    store = case.seller.store_name or _todo("store name")
    sign = f"Kind regards,\n{signer or store}" + (f"\n{store}" if signer and signer != store else "")
    return "\n\n".join([*body, sign])


def draft_framed(case: Case) -> DraftResult:
    """A letter to a rights owner, a supplier or a buyer: its paragraphs and parts come from kinds.yaml."""
    kind = kind_wording(case.letter_kind) or {}
    w = _Writer(case)
    facts = framing.facts_of(case)
    opening_spec = kind.get("opening", [])
    greeting = framing.greeting(kind, facts)
    if case.letter_kind == LetterKind.buyer_message:
        topic = framing.topic_spec(case)
        opening_spec = topic["paragraphs"]
        greeting = topic.get("greeting") or greeting
    opening = "\n\n".join([greeting, *framing.paragraphs(opening_spec, facts, w.notes)])
    slots = [SLOT_WRITERS[name](case, w) for name in kind.get("slots", ["none"] * 3)]
    first, second, third = slots
    draft = AppealDraft(opening=opening, root_causes=first, corrective_actions=second, preventive_measures=third,
                        closing=_framed_closing(case, kind, facts, w))
    return DraftResult(draft=draft, engine="offline", letter_kind=case.letter_kind.value, notes=w.notes, missing=missing_for_draft(case))


def draft_offline(case: Case) -> DraftResult:
    """Build the letter from the case alone; gaps become visible markers and notes."""
    if kind_wording(case.letter_kind) is None:
        raise InputError(
            f"letter_kind: {case.letter_kind.value} is not drafted by any engine; start from a corpus template "
            f"(`appealagent corpus search --kind {case.letter_kind.value} …`)"
        )
    if "slots" in (kind_wording(case.letter_kind) or {}):
        return draft_framed(case)
    w = _Writer(case)
    draft = AppealDraft(
        opening=_opening(case, w),
        root_causes=_root_causes(case, w),
        corrective_actions=_corrective(case, w),
        preventive_measures=_preventive(case, w),
        closing=_closing(case, w),
    )
    if case.route == AppealRoute.plan_of_action and is_appeal(case.letter_kind):
        w.notes.extend(_required_notes(case))
    return DraftResult(draft=draft, engine="offline", letter_kind=case.letter_kind.value, notes=w.notes, missing=missing_for_draft(case))


class OfflineEngine:
    """The offline engine behind the engine protocol (`--engine offline`; the fallback under auto)."""

    name = "offline"
    label = "offline engine"
    needs_llm = False

    def supports(self, kind: LetterKind) -> bool:
        return is_drafted(kind)

    def preview(self, case: Case, settings: Settings) -> Body | None:
        return None  # nothing is sent anywhere

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        return EngineRun(result=draft_offline(case))
