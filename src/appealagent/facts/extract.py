"""Facts a letter states, pulled out with positions: percentages, dates, document numbers, e-mails.

Grounding compares these with the case; hygiene uses the e-mails and links. Each
extractor is a single left-to-right scan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

PERCENT_RE = re.compile(r"(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s?(?:%|％|percent\b|per cent\b)", re.IGNORECASE)

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_M = r"(?P<m>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_DMY_RE = re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD})?(?: of)? {_M}(?:,? (?P<y>\d{{4}}))?\b")
_MDY_RE = re.compile(rf"\b{_M} (?P<d>\d{{1,2}}){_ORD}(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD})?(?:,? (?P<y>\d{{4}}))?\b")
_ISO_RE = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])")
_NUM_RE = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})(?![\d/.])")

_REF_PREFIX_RE = re.compile(r"\b(?:INV|PI|PO|CI|SO|DN|GRN)[-_/#]?[A-Z0-9]*\d[A-Z0-9/_-]*")
_REF_AFTER_RE = re.compile(
    r"(?i:\b(?:invoices?|receipts?|purchase orders?|certificates?|registration|licen[cs]es?|reference|ref\.)"
    r"[ \t]+(?:(?:no\.?|nos\.?|number|numbers|num\.?|#|id)[ \t]*)?[:#]?[ \t]*)"
    r"(?P<ref>[A-Z0-9][A-Z0-9/_.-]{2,30}[A-Z0-9])"
)
_EMAIL_LOCAL = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EMAIL_DOMAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


@dataclass(frozen=True)
class DateRef:
    start: int
    end: int
    year: int | None
    month: int
    day: int
    alt: tuple[int, int] | None = None  # (month, day) when a numeric date reads both ways


def parse_number(raw: str) -> float | None:
    raw = raw.replace(",", ".") if raw.count(",") == 1 and len(raw.split(",")[1]) <= 2 else raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        return None


def percentages(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, float, str]]:
    """(start, end, value, raw) for every 'N%', 'N percent' in the text."""
    for m in PERCENT_RE.finditer(text, start, len(text) if end is None else end):
        value = parse_number(m.group(1))
        if value is not None:
            yield m.start(), m.end(), value, m.group(1)


def _month(name: str) -> int:
    return _MONTH_NAMES[name[:3].lower()]


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
    """Every written date: 12 March 2026, March 12, 2026, 2026-03-12, 12/03/2026, 1–14 March 2026."""
    found: list[DateRef] = []
    for regex in (_DMY_RE, _MDY_RE):
        for m in regex.finditer(text):
            month = _month(m.group("m"))
            year = int(m.group("y")) if m.group("y") else None
            for key in ("d", "d2"):
                if m.group(key) is None:
                    continue
                day = int(m.group(key))
                if _valid(year, month, day):
                    found.append(DateRef(m.start(), m.end(), year, month, day))
    for m in _ISO_RE.finditer(text):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if _valid(y, mo, d):
            found.append(DateRef(m.start(), m.end(), y, mo, d))
    for m in _NUM_RE.finditer(text):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        day_first = _valid(y, b, a)
        month_first = _valid(y, a, b)
        if day_first:
            found.append(DateRef(m.start(), m.end(), y, b, a, (a, b) if month_first else None))
        elif month_first:
            found.append(DateRef(m.start(), m.end(), y, a, b))
    found.sort(key=lambda d: (d.start, d.end))
    return found


def date_keys(text: str) -> tuple[set[tuple[int, int, int]], set[tuple[int, int]]]:
    """(year, month, day) and (month, day) sets of the dates written in a text (for grounding)."""
    full: set[tuple[int, int, int]] = set()
    partial: set[tuple[int, int]] = set()
    for d in dates(text):
        partial.add((d.month, d.day))
        if d.year is not None:
            full.add((d.year, d.month, d.day))
        if d.alt is not None:
            partial.add(d.alt)
            if d.year is not None:
                full.add((d.year, *d.alt))
    return full, partial


def references(text: str) -> Iterator[tuple[int, int, str]]:
    """Document numbers: INV-2026-0412, 'invoice no. 88231', 'registration number UK00003456789'."""
    seen: list[tuple[int, int]] = []
    for m in _REF_PREFIX_RE.finditer(text):
        ref = m.group().rstrip("-/_")
        seen.append((m.start(), m.start() + len(ref)))
        yield m.start(), m.start() + len(ref), ref
    for m in _REF_AFTER_RE.finditer(text):
        ref = m.group("ref").rstrip(".-/")
        s = m.start("ref")
        e = s + len(ref)
        if any(s < pe and ps < e for ps, pe in seen):
            continue
        if not any(c.isdigit() for c in ref) or len(ref) < 4:
            continue
        if re.fullmatch(r"(?:19|20)\d\d", ref) or re.fullmatch(r"B0[0-9A-Z]{8}", ref) or re.fullmatch(r"\d{3}-\d{7}-\d{7}", ref):
            continue
        if _ISO_RE.fullmatch(ref) or _NUM_RE.fullmatch(ref):
            continue
        yield s, e, ref


def emails(text: str) -> Iterator[tuple[int, int, str]]:
    """E-mail addresses, found by expanding around each '@' (linear, unlike a greedy regex)."""
    pos = text.find("@")
    n = len(text)
    last_end = -1
    while pos != -1:
        s = pos
        while s > 0 and s > last_end and pos - s < 64 and text[s - 1] in _EMAIL_LOCAL:
            s -= 1
        e = pos + 1
        while e < n and e - pos < 254 and text[e] in _EMAIL_DOMAIN:
            e += 1
        while e > pos + 1 and text[e - 1] in ".-":
            e -= 1
        while s < pos and text[s] == ".":
            s += 1
        domain = text[pos + 1 : e]
        if s < pos and "." in domain and not domain.startswith(".") and len(domain.rsplit(".", 1)[1]) >= 2 and domain.rsplit(".", 1)[1].isalpha():
            yield s, e, text[s:e]
            last_end = e
        pos = text.find("@", max(pos + 1, e))
