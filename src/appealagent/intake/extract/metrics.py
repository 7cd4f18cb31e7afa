"""Metrics a notice quotes (Order Defect Rate 1.8% against a target under 1%), with window, period and counts.

The metrics and the rules for reading their figures come from the one metrics catalogue
(`catalog.metrics.intake_metrics`, data/metrics.yaml); numbers are read by `facts.numbers`,
so "1,150" is 1150 and "6,8" is 6.8 here as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, cast

from appealagent.catalog import patterns
from appealagent.catalog.metrics import intake_metrics
from appealagent.facts.numbers import parse_number
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.dates import find_dates
from appealagent.intake.model import MetricFound

_PLAIN_NUMBER_RX = patterns.compile(r"(?<![\d.,])(\d{1,4})(?![\d.,]*\d)(?!\s?%)")
_TARGET_NUMBER_RX = patterns.compile(r"\d+(?:\.\d+)?")


@functools.cache
def metric_rules() -> dict[str, Any]:
    """The catalogue's intake view with its patterns compiled, once per process."""
    m = intake_metrics()
    metrics: dict[str, Any] = dict(m)
    metrics["alias_rx"] = [
        (name, re.compile(alias, _I)) for name, spec in m["metrics"].items() for alias in spec["aliases"]
    ]
    for key in ("percent", "window", "period", "period_joiner", "counts"):
        metrics[key + "_rx"] = re.compile(m[key], _I)
    metrics["target_before_rx"] = re.compile(r"(?:" + m["target_words"] + r")[^\d]{0,14}$", _I)
    metrics["comparator_rx"] = re.compile(r"(" + m["comparators"] + r")[^\d]{0,6}$", _I)
    metrics["target_after_rx"] = re.compile(r"\s*(" + m["target_after"] + r")\b", _I)
    metrics["counts_owner_rx"] = [(re.compile(o["re"], _I), o["metric"]) for o in m.get("counts_owner") or []]
    return metrics


def metric_violation(name: str) -> str | None:
    """The violation type a metric belongs to (order_defect_rate → order_defect_rate), if any."""
    violation: str | None = metric_rules()["metrics"][name].get("violation")
    return violation


def metric_label(name: str) -> str:
    """The metric's display name from the data ('Order Defect Rate')."""
    spec = metric_rules()["metrics"].get(name, {})
    label: str = spec.get("label", name.replace("_", " "))
    return label


def _number(s: str) -> float:
    value = parse_number(s)
    if value is None:  # the percent pattern only captures digits with one separator
        raise ValueError(f"not a number: {s!r}")
    return value


def fmt(value: float) -> str:
    """A metric value as the notice would write it (1.8, not 1.800000)."""
    return f"{value:g}"


def find_metrics(text: NoticeText, date_spans: list[tuple[int, int]], order: str | None) -> list[MetricFound]:
    """Each metric the notice quotes with its value, stated target, window and counts."""
    m = metric_rules()
    flat = text.flat
    hits = sorted({(mm.start(), mm.end(), name) for name, rx in m["alias_rx"] for mm in rx.finditer(flat)})
    found: dict[str, dict[str, Any]] = {}
    for i, (start, end, name) in enumerate(hits):
        if name in found:
            continue
        spec = m["metrics"][name]
        nxt = next((h[0] for h in hits[i + 1 :] if h[2] != name and h[0] >= end), len(flat))
        window = flat[end : min(nxt, end + m["reach"])]
        value, target, used = _value_and_target(window, end, spec.get("percent", True), date_spans)
        if value is None:
            continue
        sent_start, _ = text.sentence_span(start)
        region = flat[sent_start : min(nxt, end + m["reach"])]
        entry: dict[str, Any] = {"name": name, "value": value, "phrase": flat[start : end + used].strip()}
        if target:
            entry["target"] = target
        wm = m["window_rx"].search(region)
        if wm:
            entry["window_days"] = int(next(g for g in wm.groups() if g))
        period = _find_period(region, order)
        if period:
            entry["period_start"], entry["period_end"] = period
            entry.setdefault("window_days", (period[1] - period[0]).days + 1)
        elif (last := _period_end(region, order)) is not None:
            entry["period_end"] = last
            if entry.get("window_days"):
                entry["period_start"] = last - dt.timedelta(days=entry["window_days"] - 1)
        cm = m["counts_rx"].search(region)
        if cm:
            entry["defects"] = int(cm.group(1).replace(",", ""))
            entry["orders"] = int(cm.group(2).replace(",", ""))
            entry["_counts_at"] = sent_start + cm.start()
        found[name] = entry
    _assign_owned_counts(flat, found)
    return [cast(MetricFound, entry) for entry in found.values()]


def _assign_owned_counts(flat: str, found: dict[str, dict[str, Any]]) -> None:
    """'Orders with defects: 14 of 449 orders' under a table belongs to the ODR, not to the
    row (chargebacks) it happens to follow: counts whose own words name a metric go there."""
    m = metric_rules()
    for cm in m["counts_rx"].finditer(flat):
        before = flat[max(0, cm.start() - int(m.get("counts_before", 60))) : cm.start()]
        owner = next((metric for rx, metric in m["counts_owner_rx"] if rx.search(before)), None)
        if owner not in found:
            continue
        for name, entry in found.items():
            if name != owner and entry.get("_counts_at") == cm.start():
                for key in ("defects", "orders", "_counts_at"):
                    entry.pop(key, None)
        target = found[owner]
        if "defects" not in target:
            target["defects"] = int(cm.group(1).replace(",", ""))
            target["orders"] = int(cm.group(2).replace(",", ""))
    for entry in found.values():
        entry.pop("_counts_at", None)


def _find_period(region: str, order: str | None) -> tuple[dt.date, dt.date] | None:
    """'between September 4, 2026 and November 2, 2026' / 'from 2026-09-04 to 2026-11-02'."""
    m = metric_rules()
    for lead in m["period_rx"].finditer(region):
        dates = find_dates(region[lead.end() : lead.end() + 90], order)
        if len(dates) < 2 or dates[0].start != 0 or not (dates[0].date and dates[1].date):
            continue
        gap = region[lead.end() + dates[0].end : lead.end() + dates[1].start]
        if m["period_joiner_rx"].fullmatch(gap) and dates[0].date <= dates[1].date:
            return dates[0].date, dates[1].date
    return None


@functools.cache
def _period_end_rx() -> re.Pattern[str]:
    return re.compile(rule_file("dates")["period_end_lead"], _I)


def _period_end(region: str, order: str | None) -> dt.date | None:
    """'the 30-day period ending November 7, 2026' / 'ending 15/11/2026': the period's last day."""
    for lead in _period_end_rx().finditer(region):
        dates = find_dates(region[lead.end() : lead.end() + 40], order)
        if dates and dates[0].start == 0 and dates[0].date:
            return dates[0].date
    return None


def _value_and_target(window: str, offset: int, percent: bool, date_spans: list[tuple[int, int]]) -> tuple[float | None, str | None, int]:
    """The first plain number is the value; one led by 'target/under/above…' (or followed by
    'or higher') is the target. Also returns how far into the window they were read."""
    m = metric_rules()
    if percent:
        numbers = [(mm.start(), mm.end(), _number(mm.group(1))) for mm in m["percent_rx"].finditer(window)]
    else:
        numbers = [
            (mm.start(), mm.end(), float(mm.group(1)))
            for mm in _PLAIN_NUMBER_RX.finditer(window)
            if not any(a <= offset + mm.start() < b for a, b in date_spans)
        ]
    value: float | None = None
    target: str | None = None
    used = 0
    prev = 0
    unit = "%" if percent else ""
    for start, end, number in numbers:
        before = window[max(prev, start - 40) : start]
        prev = end
        after = m["target_after_rx"].match(window[end:])
        if m["target_before_rx"].search(before) or after:
            if target is None:
                comp = m["comparator_rx"].search(before)
                if comp:
                    target = f"{comp.group(1).lower()} {fmt(number)}{unit}"
                elif after:
                    target = f"{fmt(number)}{unit} {after.group(1).lower()}"
                    end += after.end()
                else:
                    target = f"{fmt(number)}{unit}"
                used = max(used, end)
        elif value is None:
            value = number
            used = max(used, end)
        if value is not None and target is not None:
            break
    return value, target, used


def breach(metric: MetricFound) -> bool | None:
    """Whether the value misses the target (stated, else Amazon's usual one from the data)."""
    spec = metric_rules()["metrics"][metric["name"]]
    limit = spec.get("target")
    stated = metric.get("target")
    if stated:
        nm = _TARGET_NUMBER_RX.search(stated)
        limit = float(nm.group(0)) if nm else limit
    if limit is None:
        return None
    return bool(metric["value"] > limit if spec["direction"] == "max" else metric["value"] < limit)
