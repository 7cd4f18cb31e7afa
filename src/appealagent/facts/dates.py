"""Dates and clock times written in text, and the keys they are compared by.

Forms: "8 Sept 2026", "8th of September", "Sept. 8, 2026", "2026-09-08", "2026/09/08",
"08/09/2026" (both readings kept when both are valid), and ranges ("1–14 March 2026",
"September 8–10, 2026"), each day of a range a date of its own. A date without a
year is compared by month and day only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from appealagent.catalog import patterns
from appealagent.facts.found import Found

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_M = (
    r"(?P<m>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DAYS = rf"(?P<d>\d{{1,2}}){_ORD}(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD})?"
DMY_RE = patterns.compile(rf"\b{_DAYS}(?: of)? {_M}(?:,? (?P<y>\d{{4}}))?\b")
MDY_RE = patterns.compile(rf"\b{_M} {_DAYS}(?:,? (?P<y>\d{{4}}))?\b")
YMD_RE = patterns.compile(r"(?<![\d-])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d-])")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
# 2026年3月6日, 3月6日, 2026年3月6日至9日, 3月30日至4月2日, 2026年3月
ZH_DATE_RE = patterns.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"(?:\s*(?:至|到|~|-|–|—)\s*(?:(?P<m2>\d{1,2})\s*月\s*)?(?P<d2>\d{1,2})\s*[日号])?"
    r"|(?P<ym_y>\d{4})\s*年\s*(?P<ym_m>\d{1,2})\s*月(?!\s*\d)"
)


MONTH_RE = patterns.compile(rf"\b{_M}(?![A-Za-z])")
NUMERIC_RE = patterns.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})(?![\d/]|\.\d)")
# 09:00, 16.30, and the 12-hour forms a model writes for them: "3 pm", "3:30 PM", "9 a.m.".
TIME_RE = patterns.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])"
    r"(?:[:.](?P<m>[0-5]\d)(?![\d:])(?:\s?(?P<ampm>(?i:[ap]\.?m\.?))(?![A-Za-z]))?"
    r"|\s?(?P<ampm2>(?i:[ap]\.?m\.?))(?![A-Za-z]))"
)

FullKey = tuple[int, int, int]  # (year, month, day)
DayKey = tuple[int, int]  # (month, day)


@dataclass(frozen=True)
class DateRef:
    """One date written in a text; `alt` is (month, day) when a numeric date reads both ways."""

    start: int
    end: int
    year: int | None
    month: int
    day: int
    alt: tuple[int, int] | None = None


def _valid(year: int | None, month: int, day: int) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    if year is None:
        return True
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1990 <= year <= 2100


def dates(text: str) -> list[DateRef]:
    """Every written date, sorted by position (a range gives one DateRef per end day)."""
    found: list[DateRef] = []
    for regex in (DMY_RE, MDY_RE):
        for m in regex.finditer(text):
            month = _MONTHS[m.group("m")[:3].lower()]
            year = int(m.group("y")) if m.group("y") else None
            for key in ("d", "d2"):
                if m.group(key) is not None and _valid(year, month, int(m.group(key))):
                    found.append(DateRef(m.start(), m.end(), year, month, int(m.group(key))))
    for m in YMD_RE.finditer(text):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if _valid(y, mo, d):
            found.append(DateRef(m.start(), m.end(), y, mo, d))
    for m in ZH_DATE_RE.finditer(text):  # 2026年3月23日, 3月23日至27日: a seller's Chinese answers are facts too
        if m.group("d") is None:
            continue
        year = int(m.group("y")) if m.group("y") else None
        month = int(m.group("m"))
        ends = [(month, int(m.group("d")))] + ([(int(m.group("m2") or month), int(m.group("d2")))] if m.group("d2") else [])
        found.extend(DateRef(m.start(), m.end(), year, mo, d) for mo, d in ends if _valid(year, mo, d))
    for m in NUMERIC_RE.finditer(text):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        day_first, month_first = _valid(y, b, a), _valid(y, a, b)
        if day_first:
            found.append(DateRef(m.start(), m.end(), y, b, a, (a, b) if month_first and a != b else None))
        elif month_first:
            found.append(DateRef(m.start(), m.end(), y, a, b))
    found.sort(key=lambda d: (d.start, d.end))
    return found


def is_date(text: str) -> bool:
    """True when the whole text is one numeric date (2026-09-08, 08/09/2026)."""
    return bool(YMD_RE.fullmatch(text) or NUMERIC_RE.fullmatch(text))


@dataclass
class DateIndex:
    """The dates a text supports: full (year, month, day) keys and (month, day) keys."""

    full: set[FullKey] = field(default_factory=set)
    partial: set[DayKey] = field(default_factory=set)

    @classmethod
    def of(cls, text: str) -> DateIndex:
        index = cls()
        index.add(dates(text))
        return index

    def add(self, refs: Iterable[DateRef]) -> None:
        for d in refs:
            self.partial.add((d.month, d.day))
            if d.year is not None:
                self.full.add((d.year, d.month, d.day))
            if d.alt is not None:
                self.partial.add(d.alt)
                if d.year is not None:
                    self.full.add((d.year, *d.alt))

    def add_date(self, when: dt.date) -> None:
        self.full.add((when.year, when.month, when.day))
        self.partial.add((when.month, when.day))

    def supports(self, d: DateRef) -> bool:
        """A dated reference needs the same day in the same year (either reading); an undated one the same day."""
        if d.year is not None:
            return (d.year, d.month, d.day) in self.full or (d.alt is not None and (d.year, *d.alt) in self.full)
        return (d.month, d.day) in self.partial or (d.alt is not None and d.alt in self.partial)

    def mentions(self, when: dt.date) -> bool:
        """True when the text names this calendar day (with its year, or without one)."""
        return (when.year, when.month, when.day) in self.full or (when.month, when.day) in self.partial


def _zh_date_english(m: re.Match[str]) -> str:
    if m.group("ym_y"):
        month = int(m.group("ym_m"))
        return f"{_MONTH_NAMES[month - 1]} {m.group('ym_y')}" if 1 <= month <= 12 else m.group(0)
    month, day = int(m.group("m")), int(m.group("d"))
    if not 1 <= month <= 12:
        return m.group(0)
    year = f" {m.group('y')}" if m.group("y") else ""
    if m.group("d2") is None:
        return f"{day} {_MONTH_NAMES[month - 1]}{year}"
    month2 = int(m.group("m2") or month)
    if not 1 <= month2 <= 12:
        return m.group(0)
    if month2 == month:
        return f"{day}–{int(m.group('d2'))} {_MONTH_NAMES[month - 1]}{year}"
    return f"{day} {_MONTH_NAMES[month - 1]} – {int(m.group('d2'))} {_MONTH_NAMES[month2 - 1]}{year}"


def zh_dates_in_english(text: str) -> str:
    """Chinese dates written the English way, in place ("2026年3月6日至9日" -> "6–9 March 2026"): a model copies them whole."""
    return ZH_DATE_RE.sub(_zh_date_english, text)


def months(text: str) -> set[int]:
    """The months a text names in words, with or without a day ("since March 2026" -> {3})."""
    return {_MONTHS[m.group("m")[:3].lower()] for m in MONTH_RE.finditer(text)}


def times(text: str) -> Iterator[Found]:
    """Clock times: 09:00, 16.30, 3 pm, 3:30 PM."""
    for m in TIME_RE.finditer(text):
        yield Found(m.start(), m.end(), m.group())


def time_key(raw: str) -> tuple[int, str]:
    """(hour on the 24-hour clock, minutes) so "9:00", "09:00" and "9 am" compare equal, and "3 pm" with "15:00"."""
    m = TIME_RE.fullmatch(raw.strip())
    if m is None:
        raise ValueError(f"not a time: {raw!r}")
    hour, minutes = int(m.group("h")), m.group("m") or "00"
    ampm = (m.group("ampm") or m.group("ampm2") or "").lower()
    if ampm and hour <= 12:
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    return hour, minutes
