"""Turn a pasted notice into clean text: encodings, HTML remnants, quote marks, wrapped lines, sentences.

Sellers paste what their mail client shows: quoted-printable, HTML, '>' quote marks, hard-wrapped
lines, non-breaking spaces. Every later rule reads the one `NoticeText` made here — the lines
(for labels and headers) and one flat, sentence-indexed string (for phrases) — so none of them
has to cope with the paste.
"""

from __future__ import annotations

import bisect
import html
import quopri
from dataclasses import dataclass, field

from appealagent.catalog import patterns
from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.labels import extraction
from appealagent.intake.tables import table_records

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f\u3000"}  # tabs stay: they separate table cells
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"', ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2212"): "-"}
BULLET_RX = patterns.compile(r"^\s*(?:[-*•·▪◦–—]+|\d{1,2}[.)]|\(?[a-z][.)])\s+")
_LABEL_LINE_RX = patterns.compile(r"^\s*[*_]*[^\s:：][^:：]{0,40}[:：](?:\s|$)")
_SENT_SPLIT_RX = patterns.compile(r"(?<=[.!?])\s+(?=[^\s])|(?<=[。！？])\s*(?=[^\s])")
_ENTITY_RX = patterns.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,5}|#[xX][0-9A-Fa-f]{2,4});")
_QP_SOFT_BREAK_RX = patterns.compile(r"=\n")
_QP_ESCAPE_RX = patterns.compile(r"=[0-9A-F]{2}")
_HTML_TAG_RX = patterns.compile(r"</?(?:html|body|div|p|br|table|tr|td|span|li|ul)\b[^>]*>", _I)
_SCRIPT_RX = patterns.compile(r"(?is)<(script|style)\b.*?</\1>")
_BLOCK_END_RX = patterns.compile(r"(?i)<br\s*/?>|</(?:p|div|tr|li|h\d|table)>")
_CELL_END_RX = patterns.compile(r"(?i)</t[dh]>")
_COMMENT_RX = patterns.compile(r"(?s)<!--.*?-->")
_ANY_TAG_RX = patterns.compile(r"</?[A-Za-z][^<>]*>")
_BR_RX = patterns.compile(r"(?i)<br\s*/?>")
_INLINE_TAG_RX = patterns.compile(r"(?i)</?(?:b|i|u|em|strong|span|font)(?:\s[^<>]*)?>")
_QUOTE_MARK_RX = patterns.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_SPLIT_NUMBER_RX = patterns.compile(r"(\d)-\n[ \t]*(\d)")
_SPLIT_WORD_RX = patterns.compile(r"([A-Za-z])-\n[ \t]*([a-z])")
_LABEL_KEY_RX = patterns.compile(r"[:：]")
_SPACE_RUN_RX = patterns.compile(r"\s+")


@dataclass
class NoticeText:
    """The notice in the shapes the rules need: lines for labels, flat text for phrases."""

    lines: list[str]
    flat: str
    starts: list[int]  # start offset of each sentence in `flat`
    ends: list[int]
    intros: list[str] = field(default_factory=list)  # for list items: the line that introduced the list
    records: list[str] = field(default_factory=list)  # 'Label: value' lines rebuilt from tables

    @property
    def label_lines(self) -> list[str]:
        """The lines plus the table cells as 'Label: value' lines, for labelled fields."""
        return self.lines + self.records

    def sentence(self, pos: int) -> str:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.flat[self.starts[i] : self.ends[i]]

    def intro(self, pos: int) -> str:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.intros[i] if i < len(self.intros) else ""

    def sentence_span(self, pos: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.starts[i], self.ends[i]


def decode_transfer_encodings(text: str) -> str:
    """Undo quoted-printable and HTML that some mail clients leave in a paste."""
    if len(_QP_SOFT_BREAK_RX.findall(text)) >= 2 and len(_QP_ESCAPE_RX.findall(text)) >= 1:
        try:
            text = quopri.decodestring(text.encode("utf-8")).decode("utf-8", errors="replace")
        except ValueError:
            pass
    if len(_HTML_TAG_RX.findall(text)) >= 3:
        text = _SCRIPT_RX.sub(" ", text)
        text = _BLOCK_END_RX.sub("\n", text)
        text = _CELL_END_RX.sub("\t", text)
        text = _COMMENT_RX.sub("", text)
        text = html.unescape(_ANY_TAG_RX.sub("", text))  # not '< 1% … >' in a table
    else:
        # A paste with a few remnants: <br> line breaks, <b> tags, &nbsp; and &amp; entities.
        text = _BR_RX.sub("\n", text)
        text = _INLINE_TAG_RX.sub("", text)
        if _ENTITY_RX.search(text):
            text = html.unescape(text)
    return text


def normalise(text: str) -> str:
    """The notice as plain lines: one newline style, no zero-width characters, no quote marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = decode_transfer_encodings(text)
    text = text.translate(_ZERO_WIDTH).translate(_SPACES).translate(_QUOTES)
    text = _QUOTE_MARK_RX.sub("", text)
    text = _SPLIT_NUMBER_RX.sub(r"\1-\2", text)  # order IDs split at a hyphen
    text = _SPLIT_WORD_RX.sub(r"\1-\2", text)  # pre-\nfulfilment
    return text


def _is_record_line(line: str) -> bool:
    """'ASIN: B0…', 'Complaint ID: …', 'From: …' — a line of its own, not part of a wrapped
    sentence (while 'Please note: you must submit…' wrapped over two lines stays one)."""
    m = _LABEL_LINE_RX.match(line)
    if not m:
        return False
    x = extraction()
    if x.any_label.match(line) or x.header.match(line):
        return True
    key = _LABEL_KEY_RX.split(line, maxsplit=1)[0]
    return len(line) <= 48 and len(key.split()) <= 4


def _units(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs; keep bullets, labels and headings apart."""
    units: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            units.append(" ".join(current))
            current.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            close()
            continue
        record = _is_record_line(line)
        if BULLET_RX.match(line) or record:
            close()
        current.append(line)
        if line.endswith((":", "?", "：", "？")) or record:
            close()
    close()
    return units


def prepare(text: str) -> NoticeText:
    """Normalise and index the notice once; every rule reads this."""
    norm = normalise(text)
    lines = norm.split("\n")
    flat_parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    intros: list[str] = []
    pos = 0
    intro = ""
    after_intro = False
    for unit in _units(lines):
        unit = _SPACE_RUN_RX.sub(" ", unit).strip()
        if not (after_intro or BULLET_RX.match(unit)):
            intro = ""
        for sent in _SENT_SPLIT_RX.split(unit):
            if not sent:
                continue
            starts.append(pos)
            ends.append(pos + len(sent))
            intros.append(intro)
            flat_parts.append(sent)
            pos += len(sent) + 1
        after_intro = unit.endswith((":", "："))
        if after_intro:
            intro = unit
    flat = " ".join(flat_parts)
    if not starts:
        starts, ends = [0], [0]
    return NoticeText(lines=lines, flat=flat, starts=starts, ends=ends, intros=intros, records=table_records(lines))
