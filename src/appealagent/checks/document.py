"""The letter as text with positions: the part to check, lines, paragraphs, sentences, words.

A corpus-format file (front matter + `## English` + `## 中文译文`) is checked on its
English part only, but positions are reported in the file as given, so a seller can
jump to the line. Everything here is a single pass over the text (no backtracking
regexes), because the checks must stay fast on a 1 MB paste.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import yaml

from appealagent.catalog import patterns
from appealagent.catalog.loader import parse_yaml

Span = tuple[int, int]

_PART_RE = patterns.compile(r"##(?!#)[ \t]*(.*?)[ \t]*$")  # used with match(text, pos, endpos): anchored at pos
_WORD_RE = patterns.compile(r"\w+(?:['’]\w+)*")
_SENT_END_RE = patterns.compile(r"[.!?]+(?=[\s\"'”’)\]]|$)|\n")
# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "eg", "ie", "no", "nos", "co", "ltd", "inc", "mr", "ms", "mrs", "dr", "st", "vs", "etc", "approx", "reg", "art", "sec", "fig", "dept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "p.o"]
)


@dataclass
class Document:
    """The text given (`original`) and the letter part the checks read (`text`, at `base`)."""

    original: str
    text: str
    base: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.original.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the original text of an offset into `text`."""
        absolute = min(max(offset, 0) + self.base, len(self.original))
        line = bisect.bisect_right(self._line_starts, absolute) - 1
        return line + 1, absolute - self._line_starts[line] + 1


def parse_document(original: str) -> Document:
    """Find the part to check: the `## English` part of a corpus-format file, else everything."""
    meta: dict[str, Any] = {}
    body_start = 0
    stripped = original.lstrip("\ufeff")
    lead = len(original) - len(stripped)
    if stripped.startswith("---"):
        first_nl = stripped.find("\n")
        if first_nl != -1 and stripped[:first_nl].strip() == "---":
            end = _find_line(stripped, "---", first_nl + 1)
            if end is not None:
                meta = _load_meta(stripped[first_nl + 1 : end[0]])
                if meta:
                    body_start = lead + end[1]
    part = _english_part(original, body_start)
    if part is None:
        return Document(original=original, text=original[body_start:], base=body_start, meta=meta)
    start, stop = part
    return Document(original=original, text=original[start:stop], base=start, meta=meta)


def _find_line(text: str, wanted: str, start: int) -> Span | None:
    """The span (line start, after its newline) of the next line equal to `wanted`."""
    pos = start
    while pos <= len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl == -1 else nl
        if text[pos:line_end].strip() == wanted:
            return pos, (line_end + 1 if nl != -1 else line_end)
        if nl == -1:
            return None
        pos = nl + 1
    return None


def _load_meta(block: str) -> dict[str, Any]:
    try:
        data = parse_yaml(block)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _english_part(text: str, start: int) -> Span | None:
    """Span of the text under a `## English` heading, up to the next `## ` heading."""
    begin: int | None = None
    for line_start, line_end in iter_lines(text, start):
        m = _PART_RE.match(text, line_start, line_end)
        if not m:
            continue
        if begin is None:
            if m.group(1).strip().lower() == "english":
                begin = min(line_end + 1, len(text))
        else:
            return begin, line_start
    return (begin, len(text)) if begin is not None else None


def iter_lines(text: str, start: int = 0, stop: int | None = None) -> list[Span]:
    """(start, end) of each line between start and stop; end excludes the newline and a CR."""
    stop = len(text) if stop is None else stop
    out: list[Span] = []
    pos = start
    while pos <= stop:
        nl = text.find("\n", pos, stop)
        end = stop if nl == -1 else nl
        e = end - 1 if end > pos and text[end - 1] == "\r" else end
        out.append((pos, e))
        if nl == -1:
            break
        pos = nl + 1
    return out


def paragraphs(text: str, start: int = 0, stop: int | None = None) -> list[Span]:
    """Blank-line separated blocks, trimmed of surrounding whitespace."""
    out: list[Span] = []
    para_start: int | None = None
    para_end = 0
    for ls, le in iter_lines(text, start, stop):
        if text[ls:le].strip():
            if para_start is None:
                para_start = ls
            para_end = le
        elif para_start is not None:
            out.append((para_start, para_end))
            para_start = None
    if para_start is not None:
        out.append((para_start, para_end))
    return [_trim(text, s, e) for s, e in out]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str, start: int = 0, stop: int | None = None) -> list[Span]:
    """Sentence spans: split at . ! ? followed by space or end, and at every line break."""
    stop = len(text) if stop is None else stop
    out: list[Span] = []
    sent_start = start
    for m in _SENT_END_RE.finditer(text, start, stop):
        if m.group() != "\n" and m.group().startswith(".") and len(m.group()) == 1 and _is_abbreviation(text, m.start()):
            continue
        end = m.end() if m.group() != "\n" else m.start()
        s, e = _trim(text, sent_start, end)
        if e > s:
            out.append((s, e))
        sent_start = m.end()
    s, e = _trim(text, sent_start, stop)
    if e > s:
        out.append((s, e))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` ends an abbreviation (e.g., Co., No.) or a decimal/initial."""
    i = dot
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "."):
        i -= 1
        if dot - i > 12:
            return False
    word = text[i:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()


def words(text: str, start: int = 0, stop: int | None = None) -> list[Span]:
    stop = len(text) if stop is None else stop
    return [m.span() for m in _WORD_RE.finditer(text, start, stop)]


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD_RE.finditer(text))


def excerpt(text: str, start: int, end: int, limit: int = 100) -> str:
    """The matched text on one line, shortened in the middle when long."""
    snippet = " ".join(text[start:end].split())
    if len(snippet) > limit:
        half = (limit - 1) // 2
        snippet = snippet[:half].rstrip() + "…" + snippet[-half:].lstrip()
    return snippet
