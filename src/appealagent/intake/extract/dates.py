"""Dates in a notice's text (2026-11-03, November 3, 2026, 3. November 2026, 03/11/2026) and date arithmetic.

A numeric date like 03/11/2026 is read by the marketplace's order; with no marketplace it is
reported as ambiguous rather than guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from typing import NamedTuple

from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import rule_file
from appealagent.intake.model import DateHit


class _DateRules(NamedTuple):
    months: dict[str, int]
    patterns: dict[str, re.Pattern[str]]


@functools.cache
def _date_rules() -> _DateRules:
    """Month names (data/intake/dates.yaml) and the four date shapes, compiled once."""
    months_data = rule_file("dates")["months"]
    months = {name.lower(): int(num) for num, names in months_data.items() for name in names}
    month_alt = "|".join(sorted((re.escape(n) for n in months), key=len, reverse=True))
    mon = rf"(?<![^\W\d_])(?P<mon>{month_alt})(?![^\W\d_])\.?"
    patterns = {
        "ymd": re.compile(r"(?<![\d.])(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?![\d])"),
        "mdy": re.compile(mon + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)", _I),
        "dmy": re.compile(r"(?<![\d.])(?P<d>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?" + mon + r",?\s+(?:de\s+)?(?P<y>\d{4})(?!\d)", _I),
        "num": re.compile(r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d]|[./-]\d)"),
    }
    return _DateRules(months, patterns)


def _mkdate(y: int, m: int, d: int) -> dt.date | None:
    if y < 100:
        y += 2000
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(s: str, order: str | None) -> list[DateHit]:
    """Every date in `s`; `order` ('MDY', 'DMY', 'YMD' or None) settles 03/11/2026.

    With no order an ambiguous numeric date comes back with date=None and ambiguous=True,
    so the caller can say so instead of picking one reading.
    """
    r = _date_rules()
    hits: list[DateHit] = []
    for kind, rx in r.patterns.items():
        for m in rx.finditer(s):
            g = m.groupdict()
            date: dt.date | None
            ambiguous = False
            if kind in ("mdy", "dmy"):
                date = _mkdate(int(g["y"]), r.months[g["mon"].lower().rstrip(".")], int(g["d"]))
            elif kind == "ymd":
                date = _mkdate(int(g["y"]), int(g["m"]), int(g["d"]))
            else:
                a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
                if g["sep"] == "." or a > 12:
                    date = _mkdate(y, b, a)
                elif b > 12 or a == b or order == "MDY":
                    date = _mkdate(y, a, b)
                elif order in ("DMY", "YMD"):
                    date = _mkdate(y, b, a)
                else:
                    date, ambiguous = None, True
            if date is None and not ambiguous:
                continue
            hits.append(DateHit(date, m.start(), m.end(), m.group(0), ambiguous))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[DateHit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def add_period(date: dt.date, n: int, unit: str) -> dt.date:
    """`date` plus n units (hour, day, business_day, week, month), as a deadline counts them."""
    if unit == "hour":
        return date + dt.timedelta(days=math.ceil(n / 24))
    if unit == "week":
        return date + dt.timedelta(weeks=n)
    if unit == "business_day":
        d = date
        while n > 0:
            d += dt.timedelta(days=1)
            if d.weekday() < 5:
                n -= 1
        return d
    if unit == "month":
        month = date.month - 1 + n
        year, month = date.year + month // 12, month % 12 + 1
        return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))
    return date + dt.timedelta(days=n)
