"""Does every specific in a drafted letter come from the seller's case?

A model that writes a plausible invoice number, an extra corrective action or a
rounder percentage produces a letter that can get an account banned for good:
Amazon may call the supplier or ask for the document. So after every LLM reply
(restored from placeholders) this module lists each specific that does not
trace to the case — ASINs, order IDs, e-mails, dates, numbers, percentages,
times, reference numbers, company/supplier names, documents claimed as attached,
and corrective actions or preventive measures the seller never reported.
Amazon's metric targets (data/metrics.yaml) count as grounded. The list is what
the re-ask loop sends back, and what the run log records.

It is deliberately lexical and cheap: it can miss a paraphrased invention, but
it never needs a model, and every miss it reports names the exact text. Dates
and e-mails are found with the checks' own extractors (`checks.extract`), so
the re-ask loop and `appealagent check` agree on what counts as one. It runs even
with --no-check: grounding is part of drafting, not an optional review.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from appealagent.catalog.datafiles import load_yaml
from appealagent.facts.extract import DateRef, date_keys
from appealagent.facts.extract import dates as extract_dates
from appealagent.facts.extract import emails as extract_emails
from appealagent.model.case import Case
from appealagent.model.draft import AppealDraft
from appealagent.redact import PLACEHOLDER_RE

ORDER_RE = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
ASIN_TOKEN_RE = re.compile(r"\bB0[0-9A-Z]{8}\b")
REFERENCE_RE = re.compile(r"(?<![\w-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9/-]{3,}(?<!-)(?![\w-])")
TIME_RE = re.compile(r"(?<![\d:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?![\d:])")
NUMBER_RE = re.compile(r"(?<![A-Za-z0-9_.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th)?(?![0-9])")
TODO_RE = re.compile(r"\[TO COMPLETE:[^\]]*\]")
WORD_RE = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Ungrounded:
    """One specific in the draft that the case does not support."""

    kind: str
    value: str
    where: str

    LABELS = {
        "asin": "ASIN",
        "order_id": "order ID",
        "email": "e-mail address",
        "date": "date",
        "number": "number",
        "time": "time",
        "reference": "reference number",
        "supplier": "company or supplier name",
        "document": "document",
        "action": "corrective action",
        "measure": "preventive measure",
        "placeholder": "placeholder",
    }

    def message(self) -> str:
        label = self.LABELS.get(self.kind, self.kind)
        if self.kind == "action":
            return f"{self.where}: this corrective action is not one the seller reported in case_data.corrective_actions: {self.value!r}"
        if self.kind == "measure":
            return f"{self.where}: this preventive measure is not one the seller reported in case_data.preventive_measures: {self.value!r}"
        if self.kind == "placeholder":
            return f"{self.where}: placeholder {self.value} does not exist in case_data; do not make up placeholders"
        return f"{self.where}: {label} {self.value!r} does not appear in case_data; use only the case's facts or write [TO COMPLETE: …]"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "where": self.where}


@cache
def _rules() -> dict[str, Any]:
    return load_yaml("grounding/rules.yaml")


def _num_key(text: str) -> float | None:
    text = re.sub(r"(?:st|nd|rd|th)$", "", text).replace(",", "")
    try:
        return round(float(text), 4)
    except ValueError:
        return None


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(_rules()["stopwords"])


def _stems(text: str) -> set[str]:
    stop = _stopwords()
    n = _rules()["content_word_min_length"]
    return {w[:5] for w in WORD_RE.findall(text.lower()) if len(w) >= n and w not in stop}


def _dates_in(text: str) -> tuple[list[tuple[str, DateRef]], str]:
    """Each written date (the checks' own extractor, so both agree on what a date is), and the text with them blanked."""
    refs = extract_dates(text)
    if not refs:
        return [], text
    chars = list(text)
    for d in refs:
        chars[d.start : d.end] = " " * (d.end - d.start)
    return [(text[d.start : d.end], d) for d in refs], "".join(chars)


class CaseFacts:
    """Every specific the case supports, indexed for quick look-ups."""

    def __init__(self, case: Case) -> None:
        data = case.model_dump(mode="json", exclude_none=True)
        self.text = "\n".join(_strings(data))
        self.lower = self.text.lower()
        no_notice = dict(data)
        no_notice.pop("notification", None)
        self.doc_text = "\n".join(_strings(no_notice)).lower()
        self.asins = set(ASIN_TOKEN_RE.findall(self.text))
        self.orders = set(ORDER_RE.findall(self.text))
        self.emails = {e.lower() for _, _, e in extract_emails(self.text)}
        self.full_dates, self.day_months = date_keys(self.text)
        self.day_months |= {(m, d) for _, m, d in self.full_dates}
        self.times = {(int(m.group("h")), m.group("m")) for m in TIME_RE.finditer(self.text)}
        self.numbers: set[float] = set()
        for token in NUMBER_RE.findall(self.text):
            key = _num_key(token)
            if key is not None:
                self.numbers.add(key)
        for y, m, d in self.full_dates:
            self.numbers.update({float(y), float(m), float(d)})
        words = _rules()["number_words"]
        for w in WORD_RE.findall(self.lower):
            if w in words:
                self.numbers.add(float(words[w]))
        self.numbers.update(_metric_numbers())
        self.references = {r.replace("-", "").lower() for r in REFERENCE_RE.findall(self.text)}
        self.words = set(WORD_RE.findall(self.lower))
        self.actions = _reported(case.corrective_actions) + [o.resolution for o in case.orders if o.resolution]
        self.untranslated_actions = sum(1 for a in case.corrective_actions if a.english() is None)
        self.measures = _reported(case.preventive_measures)
        self.untranslated_measures = sum(1 for m in case.preventive_measures if m.english() is None)

    def date_ok(self, d: DateRef) -> bool:
        if d.year is not None:
            return (d.year, d.month, d.day) in self.full_dates or (d.alt is not None and (d.year, *d.alt) in self.full_dates)
        return (d.month, d.day) in self.day_months


def _reported(items: list[Any]) -> list[str]:
    texts = []
    for it in items:
        english = it.english()
        if english:
            texts.append(english)
    return texts


@cache
def _metric_numbers() -> frozenset[float]:
    """Amazon's targets and windows from metrics.yaml, which a letter may always state."""
    nums: set[float] = set()
    for info in load_yaml("metrics.yaml")["metrics"].values():
        for key in ("target", "window_days", "target_text", "window"):
            for token in NUMBER_RE.findall(json.dumps(info.get(key), ensure_ascii=False)):
                k = _num_key(token)
                if k is not None:
                    nums.add(k)
    return frozenset(nums)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [json.dumps(value)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


@cache
def _company_re() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(_rules()["company_suffixes"], key=len, reverse=True))
    return re.compile(r"((?:[A-Z][\w&'.-]*\s+){1,6})(?:" + suffixes + r")(?![\w])")


@cache
def _supplier_cue_re() -> re.Pattern[str]:
    cues = "|".join(_rules()["supplier_cues"])
    return re.compile(r"\b(?:" + cues + r"),?\s+(?:called\s+|named\s+)?((?:[A-Z][\w&'-]+(?:\s+|$)){1,5})")


@cache
def _name_filters() -> tuple[frozenset[str], frozenset[str]]:
    stop = frozenset(_rules()["name_stopwords"])
    suffix_words = frozenset(w.lower().strip(".,") for s in _rules()["company_suffixes"] for w in s.split())
    return stop, suffix_words


def _name_words(name: str) -> list[str]:
    stop, suffix_words = _name_filters()
    words = [w.lower().strip(".,'") for w in name.split()]
    return [w for w in words if w and w not in stop and w not in suffix_words]


def _check_text(text: str, where: str, facts: CaseFacts, out: list[Ungrounded]) -> None:
    def flag(kind: str, value: str) -> None:
        out.append(Ungrounded(kind, value.strip(), where))

    text = TODO_RE.sub(" ", text)
    for m in PLACEHOLDER_RE.finditer(text):
        flag("placeholder", m.group(0))
    text = PLACEHOLDER_RE.sub(" ", text)
    for start, end, email in list(extract_emails(text)):
        if email.lower() not in facts.emails:
            flag("email", email)
        text = text[:start] + " " * (end - start) + text[end:]
    for order in ORDER_RE.findall(text):
        if order not in facts.orders:
            flag("order_id", order)
    text = ORDER_RE.sub(" ", text)
    for asin in ASIN_TOKEN_RE.findall(text):
        if asin not in facts.asins:
            flag("asin", asin)
    text = ASIN_TOKEN_RE.sub(" ", text)
    dates, text = _dates_in(text)
    for raw, ref in dates:
        if not facts.date_ok(ref):
            flag("date", raw)
    for ref in REFERENCE_RE.findall(text):
        if ref.replace("-", "").lower() not in facts.references and ref.lower() not in facts.lower:
            flag("reference", ref)
    text = REFERENCE_RE.sub(" ", text)
    for m in TIME_RE.finditer(text):
        if (int(m.group("h")), m.group("m")) not in facts.times:
            flag("time", m.group(0))
    text = TIME_RE.sub(" ", text)
    for token in NUMBER_RE.findall(text):
        key = _num_key(token)
        if key is not None and key not in facts.numbers:
            flag("number", token)
    for pattern, group in ((_company_re(), 0), (_supplier_cue_re(), 1)):
        for m in pattern.finditer(text):
            words = _name_words(m.group(group))
            if words and not all(w in facts.words for w in words):
                flag("supplier", m.group(group))


def _check_documents(text: str, where: str, facts: CaseFacts, out: list[Ungrounded]) -> None:
    rules = _rules()
    cues = rules["attach_cues"]
    for sentence in re.split(r"(?<=[.;:!?])\s+|\n+", TODO_RE.sub(" ", text)):
        low = sentence.lower()
        if not any(c in low for c in cues):
            continue
        for kind, phrases in rules["document_phrases"].items():
            for phrase in phrases:
                if re.search(r"\b" + re.escape(phrase) + r"\b", low):
                    known = kind.replace("_", " ") in facts.doc_text or any(
                        re.search(r"\b" + re.escape(p) + r"\b", facts.doc_text) for p in phrases
                    )
                    if not known:
                        out.append(Ungrounded("document", phrase, where))
                    break


def _matches(item: str, reported: list[str]) -> bool:
    words = _stems(item)
    threshold = _rules()["action_match_threshold"]
    for text in reported:
        target = _stems(text)
        if target and len(target & words) / len(target) >= threshold:
            return True
    return False


def _check_items(items: list[str], section: str, kind: str, reported: list[str], untranslated: int, out: list[Ungrounded]) -> None:
    spare = untranslated  # items that may be translations of answers only given in Chinese
    for i, item in enumerate(items):
        if not TODO_RE.sub("", item).strip(" .;:-"):
            continue  # a marker only: the seller is told to complete it
        if _matches(item, reported):
            continue
        if spare > 0:
            spare -= 1
            continue
        out.append(Ungrounded(kind, item if len(item) <= 160 else item[:157] + "…", f"{section}[{i}]"))


def sections(draft: AppealDraft) -> list[tuple[str, str]]:
    """(where, text) for every paragraph of the draft."""
    out = [("opening", draft.opening)]
    for name in ("root_causes", "corrective_actions", "preventive_measures"):
        out.extend((f"{name}[{i}]", t) for i, t in enumerate(getattr(draft, name)))
    out.append(("closing", draft.closing))
    return out


def find_ungrounded(draft: AppealDraft, case: Case, facts: CaseFacts | None = None) -> list[Ungrounded]:
    """Every specific in the draft that the case does not support, in reading order."""
    facts = facts or CaseFacts(case)
    out: list[Ungrounded] = []
    for where, text in sections(draft):
        _check_text(text, where, facts, out)
        _check_documents(text, where, facts, out)
    _check_items(draft.corrective_actions, "corrective_actions", "action", facts.actions, facts.untranslated_actions, out)
    _check_items(draft.preventive_measures, "preventive_measures", "measure", facts.measures, facts.untranslated_measures, out)
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for u in out:
        key = (u.kind, u.value, u.where)
        if key not in seen:
            seen.add(key)
            unique.append(u)
    return unique
