"""Identifiers in a notice: ASINs, order IDs, complaint IDs and the titles beside ASINs; masked ones apart.

Real order IDs come from the shared facts layer (`facts.ids`), so intake reads an ID exactly as
the case, the checks and redaction do; complaint IDs compare by `facts.references.reference_key`.
What only a notice has stays here: masked IDs (B0XXXXXXXX, 111-*******-*******), ISBN-10 book
ASINs when labelled "ASIN", and B0 ASINs written flush against CJK text ("商品B0D4HQK72M"),
where `facts.ids.ASIN_RE`'s `\b` sees no boundary.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import TypeVar

from appealagent.catalog import patterns
from appealagent.facts.ids import asins as facts_asins
from appealagent.facts.ids import order_ids
from appealagent.facts.references import reference_key
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.decode import NoticeText
from appealagent.intake.labels import extraction, is_masked
from appealagent.intake.tables import cells

T = TypeVar("T", bound=Hashable)

_ASIN_SHAPE_RX = patterns.compile(r"B0[A-Z0-9]{8}")
_DIGITS_RX = patterns.compile(r"\d{6,15}")
_LABEL_START_RX = patterns.compile(r"^[\w ]{2,30}[:：]\s")
_NOTE_RX = patterns.compile(r"^[\w ]{2,30}[:：]\s*\S")
_WORDS_RX = patterns.compile(r"[^\W\d_]{2,}")
_WORD_CHAR_RX = patterns.compile(r"\w")


def dedupe(values: list[T]) -> list[T]:
    """The values in order, each once."""
    seen: set[T] = set()
    out: list[T] = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def labelled(lines: list[str], key: str) -> list[str]:
    """Values of 'Label: value' lines for one field, cut at the next known label on the line."""
    x = extraction()
    values = []
    for line in lines:
        m = x.label[key].match(line)
        if not m:
            continue
        value = m.group("v")
        nxt = x.any_label.search(value)
        if nxt:
            value = value[: nxt.start()]
        value = value.strip(" \t-–|,;")
        if value:
            values.append(value)
    return values


def find_asins(text: NoticeText) -> tuple[list[str], list[str]]:
    """Real ASINs in order of appearance, and masked ones (B0XXXXXXXX) kept apart."""
    x = extraction()
    asins: list[str] = []
    masked: list[str] = []
    for f in facts_asins(text.flat):
        if is_masked(f.text):
            masked.append(f.text)
        else:
            asins.append(f.text)
    # What facts.ids does not see in running text: an ASIN flush against CJK ('商品B0D4HQK72M'),
    # where its \b finds no boundary, or written in lower case.
    for m in x.asin.finditer(text.flat):
        if not is_masked(m.group(0)):
            asins.append(m.group(0).upper())
    for m in x.asin_isbn_labelled.finditer(text.flat):
        asins.append(m.group(1).upper())
    for m in x.asin_masked.finditer(text.flat):
        if is_masked(m.group(0)):
            masked.append(m.group(0))
    return dedupe(asins), dedupe(masked)


def find_order_ids(text: NoticeText) -> tuple[list[str], list[str]]:
    """Order IDs (111-1234567-1234567) in order of appearance, and masked ones apart."""
    x = extraction()
    orders = [f.text for f in order_ids(text.flat)]
    masked = [m.group(0) for m in x.order_id_masked.finditer(text.flat) if is_masked(m.group(0))]
    return dedupe(orders), dedupe(masked)


def find_complaint_ids(text: NoticeText) -> tuple[list[str], list[str]]:
    """Complaint IDs from 'Complaint ID: …' lines, table cells and sentences; masked ones apart."""
    x = extraction()
    rx = x.value["complaint_id"]
    ids: list[str] = []
    masked: list[str] = []
    seen: set[str] = set()

    def add(value: str) -> None:
        key = reference_key(value)
        if key not in seen:
            seen.add(key)
            ids.append(value)

    for value in labelled(text.label_lines, "complaint_id"):
        for m in rx.finditer(value):
            if is_masked(m.group(1)):
                masked.append(m.group(1))
            else:
                add(m.group(1))
    for m in x.complaint_inline.finditer(text.flat):
        for value in _DIGITS_RX.findall(m.group(1)):
            add(value)
    return ids, dedupe(masked)


def _looks_like_title(value: str) -> bool:
    """A product title, not 'Complaint count: 3', 'order 111-…' or another label's value."""
    x = extraction()
    if x.any_label.match(value) or _LABEL_START_RX.match(value):
        return False
    if x.order_id.search(value) or x.order_id_masked.search(value):
        return False
    return len(_WORDS_RX.findall(value)) >= 2


def find_asin_details(lines: list[str], asins: list[str]) -> dict[str, dict[str, str]]:
    """Title (or a note such as 'Complaint count: 3') written next to an ASIN, or a 'Title:'
    line right after it."""
    details: dict[str, dict[str, str]] = {}
    wanted = set(asins)
    x = extraction()
    after_asin = re.compile(r"\s*[-–|,:)]*\s*(?:" + x.title_labels + r"\s*[:：]\s*)?(?P<t>[^\s].{2,150}?)\s*$", _I)
    for i, line in enumerate(lines):
        found = [a for a in _ASIN_SHAPE_RX.findall(line) if a in wanted]
        if len(found) != 1:
            continue
        asin = found[0]
        if len([c for c in cells(line) if _WORD_CHAR_RX.search(c)]) >= 3:
            continue  # a table row: read from its 'ASIN: …' / 'Title: …' records instead
        rest = line[line.index(asin) + len(asin) :]
        m = after_asin.match(rest)
        if m and _looks_like_title(m.group("t")):
            details[asin] = {"title": m.group("t")}
            continue
        if m and _NOTE_RX.match(m.group("t")) and not x.any_label.match(m.group("t")):
            details[asin] = {"note": m.group("t")}
            continue
        for nxt in lines[i + 1 : i + 3]:
            t = x.label["title"].match(nxt)
            if t and t.group("v"):
                details[asin] = {"title": t.group("v")[:150]}
                break
            if nxt.strip() and _ASIN_SHAPE_RX.search(nxt):
                break
    return details


def asin_on_line(line: str) -> str | None:
    """The first ASIN-shaped value on a line (to tie an order to its ASIN)."""
    m = _ASIN_SHAPE_RX.search(line)
    return m.group(0) if m else None
