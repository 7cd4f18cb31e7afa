"""Periods a notice sets — the deadline to respond, how long funds are held, when FBA inventory must go.

Every 'N days/hours' is found first; the sentence around it decides what it is for
(data/intake/deadlines.yaml), so a document window ('dated within the last 90 days') or
Amazon's own review time is never taken for the seller's deadline.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from appealagent.catalog import patterns
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.decode import NoticeText
from appealagent.intake.extract.dates import find_dates
from appealagent.intake.model import DateHit, Period, Periods

_UNITS = (
    ("business_day", r"business|working|工作日|営業日"),
    ("hour", r"hour|stunden|heures|horas|\bore\b|時間|小时"),
    ("week", r"week"),
    ("month", r"month"),
    ("day", r"."),
)
_LEAD_RX = patterns.compile(r"(?:within|in the next|in|after|for up to|up to|for|of)\s+$", _I)


class _DeadlineRules(NamedTuple):
    number_words: dict[str, int]
    duration: re.Pattern[str]
    window_before: re.Pattern[str]
    window_after: re.Pattern[str]
    review: re.Pattern[str]
    inventory: re.Pattern[str]
    funds: re.Pattern[str]
    respond: re.Pattern[str]
    by_date: re.Pattern[str]
    units: tuple[tuple[str, re.Pattern[str]], ...]


@functools.cache
def _deadline_rules() -> _DeadlineRules:
    """data/intake/deadlines.yaml, compiled once."""
    d = rule_file("deadlines")
    numbers = "|".join(sorted(map(re.escape, d["number_words"]), key=len, reverse=True))
    return _DeadlineRules(
        number_words={k: int(v) for k, v in d["number_words"].items()},
        duration=re.compile(d["duration"].replace("{numbers}", numbers), _I),
        window_before=re.compile(d["window_before"], _I),
        window_after=re.compile(d["window_after"], _I),
        review=re.compile(d["review"], _I),
        inventory=re.compile(d["inventory"], _I),
        funds=re.compile(d["funds"], _I),
        respond=re.compile(d["respond"], _I),
        by_date=re.compile(d["by_date"], _I),
        units=tuple((name, re.compile(rx, _I)) for name, rx in _UNITS),
    )


def _unit(raw: str) -> str:
    return next(name for name, rx in _deadline_rules().units if rx.search(raw))


def find_periods(text: NoticeText) -> Periods:
    """Every 'N days/hours' sorted into respond / funds / inventory by the sentence around it."""
    d = _deadline_rules()
    out = Periods()
    flat = text.flat
    for m in d.duration.finditer(flat):
        if d.window_before.search(flat[max(0, m.start() - 25) : m.start()]) or d.window_after.search(flat[m.end() : m.end() + 20]):
            continue
        sentence = text.sentence(m.start())
        if d.review.search(sentence):
            continue
        raw_n = m.group("n").lower()
        n = int(raw_n) if raw_n.isdigit() else d.number_words[raw_n]
        unit = _unit(m.group("unit") or m.group("cjk"))
        lead = _LEAD_RX.search(flat[max(0, m.start() - 16) : m.start()])
        phrase = (lead.group(0) if lead else "") + m.group(0)
        item = Period(n=n, unit=unit, text=phrase.strip(), sentence=sentence[:300])
        if d.inventory.search(sentence):
            out.inventory.append(item)
        elif d.funds.search(sentence):
            out.funds.append(item)
        elif d.respond.search(sentence):
            out.respond.append(item)
    return out


def find_dated_deadline(text: NoticeText, order: str | None) -> DateHit | None:
    """A deadline written as a date: 'submit … by November 20, 2026'."""
    d = _deadline_rules()
    for m in d.by_date.finditer(text.flat):
        sentence = text.sentence(m.start())
        if not d.respond.search(sentence) or d.review.search(sentence):
            continue
        dates = find_dates(text.flat[m.end() : m.end() + 40], order)
        if dates and dates[0].start == 0:
            hit = dates[0]
            return DateHit(hit.date, m.start(), m.end() + hit.end, text.flat[m.start() : m.end() + hit.end].strip(), hit.ambiguous)
    return None
