"""Documents a notice asks for (invoices, a plan of action, an ID…) with the window each must be dated in, and the policies it cites.

A document merely named ('packing slips that identify the supplier') is not a request: the
sentence, or the line that introduced its list, must ask for it (data/intake/documents.yaml).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.ids import dedupe
from appealagent.intake.model import DocumentFound

# What may stand between two alternatives of one list: "or", "/", ", receipts, or " — not "and",
# which joins separate requests ("a passport and a bank statement issued within 180 days").
_LIST_GAP = patterns.compile(r"\s*(?:,\s*(?:[\w-]+ ?){1,4})*,?\s*(?:or|/)\s*(?:an? )?\s*", _I)
_CJK_LIST_GAP = patterns.compile(r"\s*(?:或者|或|、|/)\s*")
_NO_WINDOW = ("plan_of_action", "retraction", "counter_notice")


class _DocumentSpec(NamedTuple):
    key: str
    label: str
    evidence_kind: str | None
    rx: re.Pattern[str]


class _DocumentRules(NamedTuple):
    refused: re.Pattern[str]
    window: re.Pattern[str]
    window_before: re.Pattern[str] | None
    request: re.Pattern[str]
    documents: tuple[_DocumentSpec, ...]


class _PolicyRules(NamedTuple):
    bsa_name: str
    bsa: re.Pattern[str]
    bsa_bare: re.Pattern[str]
    policies: tuple[tuple[str, re.Pattern[str]], ...]


@functools.cache
def _document_rules() -> _DocumentRules:
    """data/intake/documents.yaml, compiled once."""
    docs = rule_file("documents")
    return _DocumentRules(
        refused=re.compile(docs["refused"], _I),
        window=re.compile(docs["window"], _I),
        window_before=re.compile(docs["window_before"], _I) if docs.get("window_before") else None,
        request=re.compile(docs["request"], _I),
        documents=tuple(
            _DocumentSpec(key, spec["label"], spec["evidence_kind"], re.compile(spec["re"], _I)) for key, spec in docs["documents"].items()
        ),
    )


@functools.cache
def _policy_rules() -> _PolicyRules:
    """data/intake/policies.yaml, compiled once."""
    pol = rule_file("policies")
    return _PolicyRules(
        bsa_name=pol["bsa"]["name"],
        bsa=re.compile(pol["bsa"]["re"], _I),
        bsa_bare=re.compile(pol["bsa"]["bare"], _I),
        policies=tuple((p["name"], re.compile(p["re"], _I)) for p in pol["policies"]),
    )


def _months_to_days(n: int) -> int:
    return {12: 365, 6: 180, 3: 90}.get(n, n * 30)


def _doc_window(s: str) -> int | None:
    m = _document_rules().window.search(s)
    if not m:
        return None
    groups = [g for g in m.groups() if g]
    n = int(groups[0])
    unit = groups[1].lower() if len(groups) > 1 else "days"
    if unit.startswith("month"):
        return _months_to_days(n)
    if unit.startswith("year"):
        return 365 * n
    return n


def find_documents(text: NoticeText) -> list[DocumentFound]:
    """What the notice asks for, with the time window it sets for each, in the data's order.

    A window ('dated within the last 365 days') belongs to the document named before it in
    the same sentence, or to both of a pair ('credit card or bank statement, issued …').
    """
    dc = _document_rules()
    mentions: list[tuple[int, int, str]] = []
    for spec in dc.documents:
        for m in spec.rx.finditer(text.flat):
            sentence = text.sentence(m.start())
            if dc.refused.search(sentence) and not re.search(r"(?:provide|submit|send|include|upload)[^.]{0,80}" + re.escape(m.group(0)), sentence, _I):
                continue
            if spec.key != "plan_of_action" and not (dc.request.search(sentence) or dc.request.search(text.intro(m.start()))):
                continue  # named, but not asked for ("packing slips and invoices that identify…")
            mentions.append((m.start(), m.end(), spec.key))
    mentions.sort()
    windows: dict[int, int | None] = {}
    ahead: set[int] = set()  # windows read before their document ("过去 180 天内的银行对账单")
    for i, (start, end, key) in enumerate(mentions):
        s_end = text.sentence_span(start)[1]
        nxt = next((ms for ms, _, k in mentions[i + 1 :] if ms >= end and k != key), s_end)
        windows[i] = _doc_window(text.flat[end : min(nxt, s_end)])
        if windows[i] is None and dc.window_before is not None:  # "过去 365 天内…的发票"
            s_start = text.sentence_span(start)[0]
            prev = max([me for _, me, k in mentions[:i] if me <= start] + [s_start])
            wb = dc.window_before.search(text.flat[prev:start])
            if wb:
                n, unit = int(wb.group(1)), wb.group(2)
                windows[i] = _months_to_days(n) if unit in ("个月", "か月", "ヶ月") else n
                ahead.add(i)
    for i in range(len(mentions) - 2, -1, -1):  # "credit card or bank statement, issued in the last 180 days"
        gap = text.flat[mentions[i][1] : mentions[i + 1][0]]
        if windows[i] is None and _LIST_GAP.fullmatch(gap):  # "Invoices, receipts, or letters of authorization dated …"
            windows[i] = windows[i + 1]
    for i in range(len(mentions) - 1):  # "过去 180 天内的银行对账单或信用卡账单": forward, too
        gap = text.flat[mentions[i][1] : mentions[i + 1][0]]
        if i in ahead and windows[i + 1] is None and _CJK_LIST_GAP.fullmatch(gap):
            windows[i + 1] = windows[i]
            ahead.add(i + 1)
    out: list[DocumentFound] = []
    for spec in dc.documents:
        idx = [i for i, (_, _, k) in enumerate(mentions) if k == spec.key]
        if not idx:
            continue
        window = next((windows[i] for i in idx if windows[i]), None)
        first = mentions[idx[0]]
        entry = DocumentFound(key=spec.key, label=spec.label, evidence_kind=spec.evidence_kind, phrase=text.flat[first[0] : first[1]])
        if window and spec.key not in _NO_WINDOW:
            entry["window_days"] = window
        out.append(entry)
    return out


def document_label(doc: DocumentFound) -> str:
    """How the case lists a requested document: its label and, if set, its window."""
    if doc.get("window_days"):
        return f"{doc['label']} (dated within the last {doc['window_days']} days)"
    return doc["label"]


def find_policies(text: NoticeText) -> list[str]:
    """The policies the notice cites (the BSA with its section, named policy pages)."""
    pl = _policy_rules()
    found: list[str] = []
    for m in pl.bsa.finditer(text.flat):
        found.append(f"{pl.bsa_name}, Section {m.group(1) or m.group(2)}")
    if not found and pl.bsa_bare.search(text.flat):
        found.append(pl.bsa_name)
    for name, rx in pl.policies:
        if rx.search(text.flat):
            found.append(name)
    return dedupe(found)
