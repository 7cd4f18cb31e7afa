"""`CaseFacts`: every specific one case supports, built once, answering "does this fact come from the case?".

The LLM loop's grounding and the checks' grounding rules ask the same object, so a
letter the re-ask loop accepts is one `appealagent check` accepts. Amazon's own
metric targets and windows (data/metrics.yaml) count as grounded: a letter may always
state them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Protocol

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.facts.dates import DateIndex, DateRef, time_key, times
from appealagent.facts.emails import email_key, emails
from appealagent.facts.ids import asins, order_ids
from appealagent.facts.numbers import NUMBER_RE, number_key, parse_number, percentages, same_at_precision, word_numbers
from appealagent.facts.references import reference_key, references
from appealagent.facts.scan import Fact
from appealagent.model.case import Case

_WORD_RE = patterns.compile(r"[a-z]+")
_SQUASH_RE = patterns.compile(r"[\s/_.#:-]+")


class _Reported(Protocol):
    def english(self) -> str | None: ...


class CaseFacts:
    """Every specific the case supports, indexed for quick look-ups."""

    def __init__(self, case: Case) -> None:
        data = case.model_dump(mode="json", exclude_none=True)
        self.text = "\n".join(case_strings(data))
        self.lower = self.text.lower()
        no_notice = dict(data)
        no_notice.pop("notification", None)
        self.doc_text = "\n".join(case_strings(no_notice)).lower()
        self.asins = {f.text for f in asins(self.text)} | {a.asin for a in case.asins}
        self.order_ids = {f.text for f in order_ids(self.text)}
        self.emails = {email_key(f.text) for f in emails(self.text)}
        self.dates = DateIndex.of(self.text)
        self.times = {time_key(f.text) for f in times(self.text)}
        self.references = {reference_key(f.text) for f in references(self.text)}
        self.squashed = _SQUASH_RE.sub("", self.text).upper()
        self.numbers = self._numbers()
        self.percents = self._percents(case)
        self.words = set(_WORD_RE.findall(self.lower))
        self.actions = reported(case.corrective_actions) + [o.resolution for o in case.orders if o.resolution]
        self.untranslated_actions = sum(1 for a in case.corrective_actions if a.english() is None)
        self.measures = reported(case.preventive_measures)
        self.untranslated_measures = sum(1 for m in case.preventive_measures if m.english() is None)

    def _numbers(self) -> set[float]:
        out = {number_key(v) for v in (parse_number(t) for t in NUMBER_RE.findall(self.text)) if v is not None}
        out |= {number_key(p.value) for p in percentages(self.text)}
        for y, m, d in self.dates.full:
            out.update({float(y), float(m), float(d)})
        out |= word_numbers(self.lower)
        return out | metric_numbers()

    def _percents(self, case: Case) -> set[float]:
        out = {0.0, 100.0} | amazon_targets() | {p.value for p in percentages(self.text)}
        for m in case.metrics:
            out.add(float(m.value))
            if m.defects is not None and m.orders:
                out.add(100.0 * m.defects / m.orders)
        return out

    # ---- one question per kind of fact ---------------------------------------------------
    def supports_asin(self, asin: str) -> bool:
        return asin.strip().upper() in self.asins

    def supports_order_id(self, order_id: str) -> bool:
        return order_id.strip() in self.order_ids

    def supports_email(self, address: str) -> bool:
        return email_key(address) in self.emails

    def supports_date(self, ref: DateRef) -> bool:
        return self.dates.supports(ref)

    def supports_time(self, raw: str) -> bool:
        return time_key(raw) in self.times

    def supports_number(self, raw: str) -> bool:
        """A number in digits ('1,150', '41', '3rd') the case states, in digits or words, or an Amazon figure."""
        value = parse_number(raw)
        return value is not None and number_key(value) in self.numbers

    def supports_percentage(self, value: float, raw: str) -> bool:
        """A percentage the case, its metrics (or their defect ratio) or Amazon's targets give, at the written precision."""
        return same_at_precision(value, raw, self.percents)

    def supports_reference(self, ref: str) -> bool:
        """A document number the case holds, compared ignoring case, spaces and separators."""
        key = reference_key(ref)
        return key in self.references or key in self.squashed

    def supports(self, fact: Fact) -> bool:
        """The question for `fact`'s kind."""
        if fact.kind == "asin":
            return self.supports_asin(fact.text)
        if fact.kind == "order_id":
            return self.supports_order_id(fact.text)
        if fact.kind == "email":
            return self.supports_email(fact.text)
        if fact.kind == "date":
            return fact.date is not None and self.supports_date(fact.date)
        if fact.kind == "time":
            return self.supports_time(fact.text)
        if fact.kind == "reference":
            return self.supports_reference(fact.text)
        if fact.kind == "percentage":
            return fact.value is not None and self.supports_percentage(fact.value, fact.raw)
        return self.supports_number(fact.raw)

    def unsupported(self, found: Iterable[Fact]) -> list[Fact]:
        return [f for f in found if not self.supports(f)]


def reported(items: Sequence[_Reported]) -> list[str]:
    """The English text of each reported action or measure (those given only in Chinese have none)."""
    return [text for text in (it.english() for it in items) if text]


def case_strings(value: object) -> list[str]:
    """Every string and number in a JSON-like value, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [json.dumps(value)]
    if isinstance(value, list):
        return [s for v in value for s in case_strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in case_strings(v)]
    return []


@cache
def _metrics() -> dict[str, dict[str, object]]:
    return dict(load_yaml("metrics.yaml")["metrics"])


@cache
def metric_numbers() -> frozenset[float]:
    """Amazon's targets and windows from metrics.yaml, which a letter may always state."""
    out: set[float] = set()
    for info in _metrics().values():
        for key in ("target", "window_days", "target_text", "window"):
            for token in NUMBER_RE.findall(json.dumps(info.get(key), ensure_ascii=False)):
                value = parse_number(token)
                if value is not None:
                    out.add(number_key(value))
    return frozenset(out)


@cache
def amazon_targets() -> frozenset[float]:
    """Amazon's own targets in percent (1, 4, 2.5, 95, 90): always grounded."""
    out: set[float] = set()
    for info in _metrics().values():
        target = info.get("target")
        if info.get("unit") == "%" and isinstance(target, (int, float)):
            out.add(float(target))
    return frozenset(out)
