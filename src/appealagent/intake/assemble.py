"""Read a notice end to end and assemble the partial `Case` and the `IntakeResult` (the intake's entry point).

The flow of `parse_notice`: decode the text → read mail headers → decide what kind of message
it is → weigh the marketplace (it decides how 03/11/2026 reads) → extract metrics, IDs, dates,
deadlines, documents, policies → classify → assemble a `Case`, validating each value on its own
so one bad value is reported under `rejected` instead of sinking the rest. Pure: text in,
`IntakeResult` out; it never raises for odd text, only for a huge one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from appealagent.errors import InputError
from appealagent.facts.emails import email_key, emails
from appealagent.intake.classify import classify_notice, message_kind, rules, scope, status
from appealagent.intake.data import settings
from appealagent.intake.decode import NoticeText, prepare
from appealagent.intake.extract.dates import add_period, find_dates
from appealagent.intake.extract.deadlines import find_dated_deadline, find_periods
from appealagent.intake.extract.documents import document_label, find_documents, find_policies
from appealagent.intake.extract.ids import asin_on_line, find_asin_details, find_asins, find_complaint_ids, find_order_ids, labelled
from appealagent.intake.extract.marketplace import date_order, detect_language, detect_marketplace
from appealagent.intake.extract.metrics import breach, find_metrics, fmt
from appealagent.intake.extract.owner import find_rights_owner
from appealagent.intake.extract.seller import find_seller_details
from appealagent.intake.headers import Header, find_headers, find_notice_date, main_header
from appealagent.intake.labels import extraction
from appealagent.intake.model import DocumentFound, Found, IntakeResult, MetricFound, PhishingReport
from appealagent.intake.phishing import check_phishing, phishing_rules
from appealagent.intake.reply import reply_kind
from appealagent.model.case import (
    Asin,
    Case,
    Language,
    LetterKind,
    Metric,
    MetricName,
    Notification,
    Order,
    RightsOwner,
    Seller,
    ViolationType,
    has_cjk,
)

M = TypeVar("M", bound=BaseModel)

_FUNDS_UNIT_DAYS = {"day": 1, "business_day": 1, "week": 7, "month": 30, "hour": 0}
_METRIC_FIELDS = ("value", "target", "window_days", "period_start", "period_end", "defects", "orders")
_EXPECT_LABELS = {
    "metrics": "metrics (value and target)",
    "asins": "ASINs",
    "order_ids": "order IDs",
    "complaint_ids": "complaint IDs",
    "rights_owner": "rights owner",
}


def _validate_dropping(model: type[M], data: dict[str, Any], prefix: str, rejected: list[str]) -> M:
    """Validate, dropping each field that fails (and saying why) until the rest validates."""
    data = dict(data)
    for _ in range(len(data) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            dropped = False
            for err in exc.errors(include_url=False):
                key = err["loc"][0] if err["loc"] else None
                if key in data:
                    msg = err["msg"].removeprefix("Value error, ")
                    rejected.append(f"{prefix}{key}: {data[key]!s:.80} — {msg}")
                    del data[key]
                    dropped = True
            if not dropped:
                raise
    return model.model_validate({})


def _try_item(model: type[M], data: dict[str, Any], label: str, rejected: list[str]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors(include_url=False))
        rejected.append(f"{label}: {msg}")
        return None


@dataclass
class _Reading:
    """What one run has read so far; the steps of `parse_notice` fill it in."""

    tx: NoticeText
    today: dt.date
    found: Found = field(default_factory=lambda: Found())
    rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)


def _notice_date(rd: _Reading, headers: list[Header], order: str | None) -> dt.date | None:
    hit, source, problems = find_notice_date(rd.tx, headers, order)
    rd.rejected.extend(problems)
    if not (hit and hit.date):
        return None
    if hit.date > rd.today:
        rd.rejected.append(f"notification.date: {hit.date.isoformat()} — is after today ({rd.today.isoformat()})")
        return None
    rd.found["notice_date"] = hit.date.isoformat()
    if source:
        rd.found["notice_date_source"] = source
    return hit.date


def _deadlines(rd: _Reading, notice_date: dt.date | None, order: str | None) -> tuple[dt.date | None, str | None, int | None]:
    """Deadline to respond (as worded and as a date), funds hold, inventory removal."""
    periods = find_periods(rd.tx)
    dated = find_dated_deadline(rd.tx, order)
    deadline: dt.date | None = None
    deadline_text: str | None = None
    if periods.respond:
        first = periods.respond[0]
        deadline_text = first.text
        if notice_date:
            deadline = add_period(notice_date, first.n, first.unit)
    if dated and dated.date:
        deadline = dated.date
        deadline_text = deadline_text or dated.raw
    if deadline_text:
        rd.found["deadline_text"] = deadline_text
    if deadline:
        rd.found["deadline"] = deadline.isoformat()
        left = (deadline - rd.today).days
        rd.found["deadline_days_left"] = left
        rd.found["deadline_status"] = "passed" if left < 0 else "close" if left <= settings().deadline_close_days else "open"
    funds_days: int | None = None
    if periods.funds:
        f0 = periods.funds[0]
        funds_days = f0.n * _FUNDS_UNIT_DAYS[f0.unit] or None
        if funds_days:
            rd.found["funds_hold_days"] = funds_days
    if periods.inventory:
        i0 = periods.inventory[0]
        rd.found["inventory_removal_text"] = i0.text
        if i0.unit == "day":
            rd.found["inventory_removal_days"] = i0.n
        if notice_date:
            rd.found["inventory_removal_deadline"] = add_period(notice_date, i0.n, i0.unit).isoformat()
    return deadline, deadline_text, funds_days


def _case_items(rd: _Reading, asins: list[str], order_ids: list[str], metrics: list[MetricFound]) -> tuple[list[Asin], list[Order], list[Metric]]:
    """ASINs, orders and metrics, each validated on its own so one bad value is only rejected."""
    details = find_asin_details(rd.tx.lines + rd.tx.records, asins)
    case_asins = [a for asin in asins if (a := _try_item(Asin, {"asin": asin, **details.get(asin, {})}, f"asins: {asin}", rd.rejected))]
    case_orders = []
    for oid in order_ids:
        line = next((ln for ln in rd.tx.lines if oid in ln), "")
        asin = asin_on_line(line)
        if item := _try_item(Order, {"order_id": oid, "asin": asin if asin in asins else None}, f"orders: {oid}", rd.rejected):
            case_orders.append(item)
    case_metrics = []
    for metric in metrics:
        fields: dict[str, Any] = {k: metric.get(k) for k in _METRIC_FIELDS if metric.get(k) is not None}
        fields["name"] = MetricName(metric["name"])
        if m := _try_item(Metric, fields, f"metrics: {metric['name']} {fmt(metric['value'])}", rd.rejected):
            case_metrics.append(m)
    return case_asins, case_orders, case_metrics


def _route(violation: ViolationType | None) -> str | None:
    """The appeal route a notice of this type offers, when the rules fix one (in_error for BSA section 3)."""
    return rules().types[violation].route if violation is not None else None


def parse_notice(text: str, today: dt.date | None = None) -> IntakeResult:
    """Read one Amazon notice into a partial Case; never raises for odd text, only for huge text.

    `today` decides which dates are in the future (a notice cannot be dated after today).
    """
    st = settings()
    if len(text) > st.max_chars:
        raise InputError(
            f"the text is {len(text) / 1_000_000:.1f} million characters; an Amazon notice is a few thousand — paste only the notice"
        )
    stripped = text.strip()
    if not stripped:
        return IntakeResult(case=Case.model_validate({}), notice_kind="empty", message="the notice is empty", not_found=["violation type"])

    rd = _Reading(tx=prepare(text), today=today or dt.date.today())
    flat, found = rd.tx.flat, rd.found
    headers = find_headers(rd.tx.lines)
    main = main_header(headers)
    sender = main.sender if main else None
    language = detect_language(flat)
    found["language"] = language
    if sender:
        found["sender"] = sender
    x = extraction()
    if x.forward.search("\n".join(rd.tx.lines)) or len(headers) > 1:
        found["forwarded"] = True
    if has_cjk(flat):
        found["contains_chinese" if language != "ja" else "contains_japanese"] = True

    kind, message = message_kind(flat, found)
    check = check_phishing(text, flat, main.fields.get("from") if main else None)
    rules_ph = phishing_rules()
    phishing = PhishingReport(
        suspected=check.suspected,
        score=check.score,
        signs=check.signs,
        signs_zh=check.signs_zh,
        advice=rules_ph.advice if check.suspected else None,
        advice_zh=rules_ph.advice_zh if check.suspected else None,
    )
    # The marketplace comes first: it decides how 03/11/2026 is read.
    marketplace, signals = detect_marketplace(flat, sender, language)
    if signals:
        found["marketplace_signals"] = signals
    order = date_order(marketplace)
    metrics = find_metrics(rd.tx, [(h.start, h.end) for h in find_dates(flat, order)], order)
    for metric in metrics:
        metric["breach"] = breach(metric)
    verdict = classify_notice(flat, kind, metrics, found, labelled(rd.tx.label_lines, "infringement_type"))
    kind, violation, others, classifications = verdict.kind, verdict.violation, verdict.others, verdict.classifications
    message = message or verdict.message
    is_notice = kind in ("amazon_notice", "unclassified")
    account_level, scope_phrases = scope(flat, violation) if is_notice else (None, [])
    notice_status, status_phrase = status(flat) if is_notice else (None, None)

    asins, masked_asins = find_asins(rd.tx)
    order_ids, masked_orders = find_order_ids(rd.tx)
    complaint_ids, masked_complaints = find_complaint_ids(rd.tx)
    rd.masked.extend(masked_asins + masked_orders + masked_complaints)
    header_emails = {h.sender for h in headers if h.sender} | {email_key(em.text) for h in headers for em in emails(h.fields.get("to", ""))}
    owner, owner_notes, masked_refs = find_rights_owner(rd.tx, header_emails)
    rd.masked.extend(masked_refs)
    rd.notes.extend(owner_notes)

    notice_date = _notice_date(rd, headers, order)
    # Deadlines and requests only from a text with enforcement wording: "within 60 days" in an
    # FBA shipment report or a stranded-inventory e-mail is not a deadline to appeal.
    asks = kind == "amazon_notice" or (is_notice and found["enforcement_score"] >= st.min_enforcement)
    deadline, deadline_text, funds_days = _deadlines(rd, notice_date, order) if asks else (None, None, None)
    documents = find_documents(rd.tx) if asks else []
    policies = find_policies(rd.tx) if asks else []
    seller_details = find_seller_details(rd.tx, main, is_notice)
    if seller_details.store_name:
        rd.notes.append("seller.store_name: taken from the greeting of the notice")
    if seller_details.recipient_email:
        found["recipient_email"] = seller_details.recipient_email
    store_name, token, subject = seller_details.store_name, seller_details.merchant_token, seller_details.subject
    case_asins, case_orders, case_metrics = _case_items(rd, asins, order_ids, metrics)

    rights_owner = _validate_dropping(RightsOwner, dict(owner), "notification.rights_owner.", rd.rejected) if owner else None
    notification = _validate_dropping(
        Notification,
        {
            "date": notice_date,
            "subject": subject,
            "text": stripped,
            "deadline": deadline,
            "deadline_text": deadline_text,
            "account_level": account_level,
            "status": notice_status,
            "complaint_ids": complaint_ids,
            "rights_owner": rights_owner,
            "policies": policies,
            "requested_documents": [document_label(doc) for doc in documents],
            "funds_hold_days": funds_days,
        },
        "notification.",
        rd.rejected,
    )
    seller = _validate_dropping(Seller, {"store_name": store_name, "merchant_token": token}, "seller.", rd.rejected)
    case = _validate_dropping(
        Case,
        {
            "marketplace": marketplace,
            "letter_kind": LetterKind.listing_appeal if account_level is False else LetterKind.account_appeal,
            "violation_type": violation,
            "other_violations": others,
            "seller": seller,
            "notification": notification,
            "metrics": case_metrics,
            "asins": case_asins,
            "orders": case_orders,
            "explanation_language": Language.zh if has_cjk(flat) and language != "ja" else None,
            **({"route": route} if (route := _route(violation)) else {}),
        },
        "",
        rd.rejected,
    )

    report: dict[str, object] = {
        "violation_type": violation.value if violation else None,
        "violation_phrases": classifications[0].phrases if violation else None,
        "other_violations": [o.value for o in others],
        "account_level": account_level,
        "account_level_phrases": scope_phrases,
        "status": notice_status,
        "status_phrase": status_phrase,
        "marketplace": marketplace.value if marketplace else None,
        "subject": subject,
        "store_name": store_name,
        "merchant_token": token,
        "asins": [a.asin for a in case_asins],
        "order_ids": [o.order_id for o in case_orders],
        "complaint_ids": complaint_ids,
        "rights_owner": owner,
        "metrics": metrics,
        "documents": documents,
        "policies": policies,
        "notes": rd.notes,
    }
    found.update({k: v for k, v in report.items() if v not in (None, [], {})})  # type: ignore[typeddict-item]
    if reply := reply_kind(rd.tx):  # Amazon's answer to an appeal is not a new notice (intake/reply.py)
        kind, message = reply
    return IntakeResult(
        phishing=phishing,
        case=case,
        classifications=classifications,
        found=found,
        not_found=_not_found(case, violation, documents, deadline_text) if is_notice else ["violation type"],
        masked=rd.masked,
        rejected=rd.rejected,
        notice_kind=kind,
        message=message if kind != "amazon_notice" else None,
    )


def _not_found(case: Case, violation: ViolationType | None, documents: list[DocumentFound], deadline_text: str | None) -> list[str]:
    """What a notice of this type usually names but this one did not (or the rules missed)."""
    missing: list[str] = []
    n = case.notification
    if violation is None:
        missing.append("violation type")
    if case.marketplace is None:
        missing.append("marketplace")
    if n.date is None:
        missing.append("notice date")
    if n.account_level is None:
        missing.append("account or listing level")
    if not deadline_text:
        missing.append("deadline to respond")
    elif n.deadline is None:
        missing.append("deadline date (the notice date is unknown)")
    if not documents:
        missing.append("documents requested")
    have = {
        "metrics": bool(case.metrics),
        "asins": bool(case.asins),
        "order_ids": bool(case.orders),
        "complaint_ids": bool(n.complaint_ids),
        "rights_owner": bool(n.rights_owner and (n.rights_owner.name or n.rights_owner.email)),
    }
    if violation is not None:
        for key in rules().types[violation].expects:
            if not have.get(key, True):
                missing.append(_EXPECT_LABELS[key])
    return missing


def needs_llm_assist(result: IntakeResult) -> bool:
    """True when the rules are unsure and a configured LLM may help read the notice.

    Not for texts the rules recognised as something else (a newsletter, a buyer message) or
    could not read at all; only for notices whose type is missing, weak, or close to another.
    The call itself lives with the LLM code; intake only says when it is worth asking. A text
    that looks like phishing is not worth a model's reading: the seller should check Seller Central.
    """
    if result.llm_assisted or result.phishing.suspected or result.notice_kind not in ("amazon_notice", "unclassified"):
        return False
    st = settings()
    if result.case.violation_type is None:
        # Only a text that reads like a notice (enforcement wording) whose type is unclear.
        return result.found.get("enforcement_score", 0) >= st.min_enforcement and not result.found.get("all_metrics_within_target")
    top = result.classifications[0].confidence
    if top < st.llm_assist_below:
        return True
    accepted = {result.case.violation_type, *result.case.other_violations}
    runner = next((c for c in result.classifications[1:] if c.violation_type not in accepted), None)
    return bool(runner and top - runner.confidence < st.llm_assist_margin)


def summary(result: IntakeResult) -> dict[str, object]:
    """The facts a reviewer checks first, flattened to plain values (tests, bench, prefill)."""
    case = result.case
    n = case.notification
    owner = n.rights_owner
    docs = result.found.get("documents", [])
    return {
        "phishing": result.phishing.suspected,
        "kind": result.notice_kind,
        "violation_type": case.violation_type.value if case.violation_type else None,
        "other_violations": [v.value for v in case.other_violations],
        "marketplace": case.marketplace.value if case.marketplace else None,
        "account_level": n.account_level,
        "asins": [a.asin for a in case.asins],
        "order_ids": [o.order_id for o in case.orders],
        "complaint_ids": list(n.complaint_ids),
        "masked": list(result.masked),
        "metrics": [m.model_dump(mode="json", exclude_none=True) for m in case.metrics],
        "notice_date": n.date.isoformat() if n.date else None,
        "deadline": n.deadline.isoformat() if n.deadline else None,
        "deadline_text": n.deadline_text,
        "deadline_status": result.found.get("deadline_status"),
        "route": case.route.value,
        "funds_hold_days": n.funds_hold_days,
        "inventory_removal_days": result.found.get("inventory_removal_days"),
        "documents": [d["key"] for d in docs],
        "document_windows": {d["key"]: d["window_days"] for d in docs if d.get("window_days")},
        "policies": list(n.policies),
        "rights_owner": owner.model_dump(exclude_none=True) if owner else None,
        "store_name": case.seller.store_name,
        "subject": n.subject,
    }
