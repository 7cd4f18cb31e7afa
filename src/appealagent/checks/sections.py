"""Finding the parts of a letter: opening, root cause, corrective actions, preventive measures, closing.

Sellers write every shape: corpus headings (`### Root cause`), the offline engine's plain
headings, numbered questions copied from the appeal form, "Root cause: …" inline
labels, or no headings at all. Headings win when present; paragraph cues (what a
paragraph talks about) fill the gaps. The result keeps spans, so findings can say where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.document import Span, count_words, iter_lines, paragraphs, sentences

PARTS = ("root_cause", "corrective_actions", "preventive_measures")
KEYS = ("opening", *PARTS, "closing", "message")
ORDER = {key: i for i, key in enumerate(("opening", *PARTS, "closing"))}
LABELS = {
    "opening": "opening",
    "root_cause": "root cause",
    "corrective_actions": "corrective actions",
    "preventive_measures": "preventive measures",
    "closing": "closing",
    "message": "message",
}

_MARKERS_RE = patterns.compile(
    r"^[\s#>*_]*(?:(?:\(?\d{1,2}[.)]|\(?[ivx]{1,4}[.)]|\(?[a-d][.)]|(?:step|part|section|question|q)\s*\d{1,2}\s*[:.)\-–—]?|(?:question|q)\s*[:.)\-–—])\s*)?[\s*_]*",
    re.IGNORECASE,
)
_TRAIL_RE = patterns.compile(r"[\s*_:：?？.\-–—]+$")
_BULLET_RE = patterns.compile(r"[ \t]*(?:[-*•·▪‣◦]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])[ \t]+", re.IGNORECASE)
_LONG_UNIT_WORDS = 150
_LEAD_IN_WORDS = 12  # a short unbulleted line right before a bulleted list introduces it


@dataclass
class Block:
    kind: str  # "heading" or "para"
    start: int
    end: int
    label: str | None = None


@dataclass
class Section:
    """One contiguous run of a part; `heading` is the span of its heading line, if it had one."""

    key: str
    start: int
    end: int
    heading: Span | None = None
    via: str = "heading"  # heading | cue


@dataclass
class Layout:
    sections: list[Section] = field(default_factory=list)
    headings: list[tuple[Span, str]] = field(default_factory=list)  # every heading/title line and its label
    mode: str = "none"  # heading | cue | none
    part_heading_order: list[str] = field(default_factory=list)
    empty_parts: list[tuple[str, Span]] = field(default_factory=list)

    def keys(self) -> list[str]:
        seen: list[str] = []
        for s in self.sections:
            if s.key not in seen:
                seen.append(s.key)
        return seen

    def spans(self, key: str) -> list[Span]:
        return [(s.start, s.end) for s in self.sections if s.key == key]

    def section_at(self, offset: int) -> str | None:
        for s in self.sections:
            if s.start <= offset < max(s.end, s.start + 1):
                return s.key
        for (hs, he), label in self.headings:
            if hs <= offset < he and label in KEYS:
                return label
        return None


# --------------------------------------------------------------------------- compiled data


@cache
def _heading_patterns() -> list[tuple[str, re.Pattern[str]]]:
    raw = data.load("structure")["headings"]
    return [(label, patterns.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)) for label, pats in raw.items()]


@cache
def _inline_re() -> re.Pattern[str]:
    raw = data.load("structure")["inline"]
    branches = [f"(?P<{label}>{'|'.join(f'(?:{p})' for p in pats)})" for label, pats in raw.items()]
    return patterns.compile(
        r"[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(?:\(?\d{1,2}[.)][ \t]*|step[ \t]*\d{1,2}[:.)]?[ \t]*)?(?:\*\*|__)?[ \t]*(?:"
        + "|".join(branches)
        + r")[ \t]*(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?[ \t]*(?=\S)",
        re.IGNORECASE,
    )


@cache
def _title_re() -> re.Pattern[str]:
    return data.alternation(data.load("structure")["title"])


@cache
def _cue_res() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    cues = data.load("structure")["cues"]
    return {part: (data.alternation(cues[part]["strong"]), data.alternation(cues[part]["weak"])) for part in PARTS}


@cache
def _closing_re() -> re.Pattern[str]:
    return data.alternation(data.load("structure")["cues"]["closing_start"])


@cache
def _greeting_re() -> re.Pattern[str]:
    return data.alternation(data.load("structure")["cues"]["greeting"])


# --------------------------------------------------------------------------- headings


def normalise_heading(line: str) -> str:
    s = _MARKERS_RE.sub("", line, count=1)
    s = _TRAIL_RE.sub("", s).replace("’", "'")
    return " ".join(s.split()).lower()


def heading_label(line: str, *, after_blank: bool) -> str | None:
    """The part a whole line names, or None when the line is body text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 110:
        return None
    marked = stripped.startswith(("#", "**", "__"))
    if not marked:
        if not after_blank:
            return None  # a wrapped line inside a paragraph
        body = _MARKERS_RE.sub("", stripped, count=1).strip()
        if body.endswith((".", ",", ";")) and len(body.split()) > 6:
            return None  # a sentence
        if not body[:1].isupper():
            return None  # headings start with a capital
    text = normalise_heading(stripped)
    if not text or len(text.split()) > 14:
        return None
    for label, pattern in _heading_patterns():
        if pattern.fullmatch(text):
            return "plan" if label == "combined" else label
    return None


def _blocks(text: str, start: int, stop: int) -> tuple[list[Block], list[tuple[Span, str]]]:
    """Split the text into heading blocks and paragraph blocks (paragraphs trimmed)."""
    blocks: list[Block] = []
    headings: list[tuple[Span, str]] = []
    para: list[int] = []  # [start, end]
    prev_blank = True
    first_content = True

    def flush() -> None:
        if para:
            s, e = para
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                blocks.append(Block("para", s, e))
            para.clear()

    inline = _inline_re()
    title = _title_re()
    for ls, le in iter_lines(text, start, stop):
        line = text[ls:le]
        if not line.strip():
            flush()
            prev_blank = True
            continue
        label = heading_label(line, after_blank=prev_blank)
        if label == "plan" and first_content:
            label = "title"  # "Plan of Action for …" at the top names the letter
        if label is None and first_content and not para and title.fullmatch(normalise_heading(line) or "x") and len(line.split()) <= 14 and not line.rstrip().endswith((".", ",")):
            label = "title"
        if label is not None:
            flush()
            blocks.append(Block("heading", ls, le, label))
            headings.append(((ls, le), label))
            prev_blank = True  # a heading is followed by body text even without a blank line
            first_content = False
            continue
        m = inline.match(text, ls, le)
        if m:
            flush()
            found = next(k for k, v in m.groupdict().items() if v is not None)
            if found == "plan" and first_content:
                found = "title"
            blocks.append(Block("heading", ls, m.end(), found))
            headings.append(((ls, m.end()), found))
            para[:] = [m.end(), le]
            prev_blank = False
            first_content = False
            continue
        if para:
            para[1] = le
        else:
            para[:] = [ls, le]
        prev_blank = False
        first_content = False
    flush()
    return blocks, headings


# --------------------------------------------------------------------------- cues


def cue_scores(text: str, start: int, end: int) -> dict[str, int]:
    scores: dict[str, int] = {}
    for part, (strong, weak) in _cue_res().items():
        scores[part] = 3 * sum(1 for _ in strong.finditer(text, start, end)) + sum(1 for _ in weak.finditer(text, start, end))
    return scores


def _best_part(text: str, span: Span) -> str | None:
    scores = cue_scores(text, *span)
    best = max(PARTS, key=lambda p: (scores[p], -PARTS.index(p)))
    return best if scores[best] >= 3 else None


@cache
def _closing_request_re() -> re.Pattern[str]:
    return data.alternation(data.load("structure")["cues"]["closing_request"])


def is_closing_like(text: str, span: Span) -> bool:
    """Starts like a sign-off or request, or is a prose paragraph asking for the review."""
    if _closing_re().match(text, span[0], span[1]):
        return True
    return not _BULLET_RE.match(text, span[0], span[1]) and bool(_closing_request_re().search(text, span[0], span[1]))


def _is_signature_like(text: str, span: Span) -> bool:
    """Short lines such as a name, a role, a store name or an e-mail — a sign-off block."""
    lines = [text[s:e].strip() for s, e in iter_lines(text, *span) if text[s:e].strip()]
    if not lines or len(lines) > 6:
        return False
    for line in lines:
        if _BULLET_RE.match(line) or len(line.split()) > 10:
            return False
        if "@" in line:
            continue
        if line.endswith(":") or line.endswith(".") and len(line.split()) > 4:
            return False  # a sentence, not "Prism Case Co." or "Harbourline Ltd."
    return True


# --------------------------------------------------------------------------- layout


def locate_sections(text: str, start: int = 0, stop: int | None = None) -> Layout:
    """Find the parts of the letter in text[start:stop]."""
    stop = len(text) if stop is None else stop
    blocks, headings = _blocks(text, start, stop)
    layout = Layout(headings=headings)
    paras = [b for b in blocks if b.kind == "para"]
    if not paras and not headings:
        return layout
    part_headings = [b for b in blocks if b.kind == "heading" and b.label in PARTS]
    labelled: list[tuple[Block, str, Span | None, str]] = []  # (para, key, heading span, via)
    if part_headings or any(b.kind == "heading" and b.label in ("message", "closing", "opening", "plan") for b in blocks):
        layout.mode = "heading"
        labelled = _label_by_headings(text, blocks, layout)
    else:
        layout.mode = "cue"
        labelled = _label_by_cues(text, paras)
    labelled = _split_closing(text, labelled)
    layout.sections = _merge(labelled)
    return layout


def _label_by_headings(text: str, blocks: list[Block], layout: Layout) -> list[tuple[Block, str, Span | None, str]]:
    current = "opening"
    current_heading: Span | None = None
    out: list[tuple[Block, str, Span | None, str]] = []
    pending: tuple[str, Span] | None = None  # a part heading with no paragraph yet
    for b in blocks:
        if b.kind == "heading":
            if b.label == "issue":
                continue  # "Issue 2: Undelivered orders" names a topic; the part headings under it follow
            if pending is not None:
                layout.empty_parts.append(pending)
            if b.label in PARTS:
                layout.part_heading_order.append(b.label)
            if b.label == "title":
                continue
            current = b.label or current
            current_heading = (b.start, b.end)
            pending = (current, current_heading) if current in PARTS else None
            continue
        pending = None
        out.append((b, current, current_heading, "heading"))
    if pending is not None:
        layout.empty_parts.append(pending)
    # Paragraphs (or list items) under a "Plan of action" heading are corrective until the first preventive cue.
    seen_preventive = False
    fixed: list[tuple[Block, str, Span | None, str]] = []
    for b, key, h, via in out:
        if key != "plan":
            fixed.append((b, key, h, via))
            continue
        for s, e in _list_units(text, (b.start, b.end)):
            part = _best_part(text, (s, e))
            if part == "preventive_measures" or seen_preventive:
                seen_preventive = True
                fixed.append((Block("para", s, e), "preventive_measures", h, "cue"))
            else:
                fixed.append((Block("para", s, e), "corrective_actions", h, "cue"))
    return _fill_missing(text, fixed)


def _list_units(text: str, span: Span) -> list[Span]:
    """A paragraph as its list items (each bullet line starts one); prose stays one unit."""
    units: list[list[int]] = []
    for ls, le in iter_lines(text, *span):
        if not text[ls:le].strip():
            continue
        if units and not _BULLET_RE.match(text, ls, le):
            units[-1][1] = le
        else:
            units.append([ls, le])
    return [(s, e) for s, e in units] or [span]


def _fill_missing(text: str, items: list[tuple[Block, str, Span | None, str]]) -> list[tuple[Block, str, Span | None, str]]:
    """A part without a heading may hide at the end of its neighbour: split there by cues."""
    present = {key for _, key, _, _ in items}
    # (missing part, the part whose paragraphs may contain it)
    for missing, host in (("preventive_measures", "corrective_actions"), ("corrective_actions", "root_cause"), ("root_cause", "opening")):
        if missing in present or host not in present:
            continue
        idx = [i for i, (_, key, _, _) in enumerate(items) if key == host]
        # never take the host's first paragraph: it is what the heading introduced
        for j, i in enumerate(idx):
            if j == 0:
                continue
            b = items[i][0]
            if _best_part(text, (b.start, b.end)) == missing:
                for k in idx[j:]:
                    items[k] = (items[k][0], missing, None, "cue")
                present.add(missing)
                break
        if missing not in present and missing == "preventive_measures":
            items = _split_list(text, items, idx, missing)
            present = {key for _, key, _, _ in items}
    return items


def _split_list(text: str, items: list[tuple[Block, str, Span | None, str]], idx: list[int], missing: str) -> list[tuple[Block, str, Span | None, str]]:
    """One bulleted list under "Actions taken" that ends with ongoing measures: split it at the first such item."""
    for j, i in enumerate(idx):
        b, key, h, _ = items[i]
        units = _list_units(text, (b.start, b.end))
        for u, (s, e) in enumerate(units):
            if (j == 0 and u == 0) or _best_part(text, (s, e)) != missing:
                continue
            head = [(Block("para", b.start, units[u - 1][1]), key, h, "heading")] if u > 0 else []
            tail = [(Block("para", s, b.end), missing, None, "cue")]
            after = set(idx[j + 1 :])
            rest = [(it[0], missing, None, "cue") if k in after else it for k, it in enumerate(items) if k > i]
            return items[:i] + head + tail + rest
    return items


def _units(text: str, paras: list[Block]) -> list[Block]:
    """Paragraphs, with very long ones cut into sentences so a one-block letter still splits."""
    out: list[Block] = []
    for b in paras:
        if count_words(text[b.start : b.end]) > _LONG_UNIT_WORDS:
            out.extend(Block("para", s, e) for s, e in sentences(text, b.start, b.end))
        else:
            out.append(b)
    return out


def _label_by_cues(text: str, paras: list[Block]) -> list[tuple[Block, str, Span | None, str]]:
    units = _units(text, paras)
    out: list[tuple[Block, str, Span | None, str]] = []
    current = "opening"
    greeting = _greeting_re()
    fixed_opening = 1
    for i, b in enumerate(units):
        if i == 0:
            out.append((b, "opening", None, "cue"))
            continue
        if i == 1 and greeting.fullmatch(text, units[0].start, units[0].end) and "root cause" not in text[b.start : b.end].lower():
            fixed_opening = 2
            out.append((b, "opening", None, "cue"))
            continue
        part = _best_part(text, (b.start, b.end))
        if part is not None and ORDER[part] > ORDER[current]:
            current = part
        out.append((b, current, None, "cue"))
    return _weak_fill(text, out, fixed_opening)


def _weak_fill(text: str, items: list[tuple[Block, str, Span | None, str]], fixed_opening: int) -> list[tuple[Block, str, Span | None, str]]:
    """With no headings, a part no paragraph strongly claims may still be there, named by weaker cues."""
    present = {key for _, key, _, _ in items}
    for missing, host in (("root_cause", "opening"), ("corrective_actions", "root_cause"), ("preventive_measures", "corrective_actions")):
        if missing in present or host not in present:
            continue
        idx = [i for i, (_, key, _, _) in enumerate(items) if key == host]
        skip = fixed_opening if host == "opening" else 1
        for i in idx[skip:]:
            b = items[i][0]
            if cue_scores(text, b.start, b.end)[missing] >= 1 and not is_closing_like(text, (b.start, b.end)):
                for k in [j for j in idx if j >= i]:
                    items[k] = (items[k][0], missing, None, "cue")
                present.add(missing)
                break
    return items


def _split_closing(text: str, items: list[tuple[Block, str, Span | None, str]]) -> list[tuple[Block, str, Span | None, str]]:
    """Trailing thank-you / request / sign-off paragraphs of the last part are the closing."""
    if not items or any(key == "closing" for _, key, _, _ in items):
        return items
    last_key = items[-1][1]
    if last_key in ("message", "opening"):
        return items
    i = len(items) - 1
    start_at: int | None = None
    while i > 0 and items[i][1] == last_key:
        b = items[i][0]
        span = (b.start, b.end)
        if is_closing_like(text, span):
            start_at = i
        elif not _is_signature_like(text, span):
            break
        i -= 1
    if start_at is None:
        return items
    first_of_part = next(j for j, it in enumerate(items) if it[1] == last_key)
    if start_at <= first_of_part and last_key in PARTS:
        return items  # never empty a part to make a closing
    return [(b, "closing", None, "cue") if j >= start_at else (b, k, h, v) for j, (b, k, h, v) in enumerate(items)]


def _merge(items: list[tuple[Block, str, Span | None, str]]) -> list[Section]:
    sections: list[Section] = []
    for b, key, heading, via in items:
        if sections and sections[-1].key == key and sections[-1].heading == heading:
            sections[-1].end = b.end
        else:
            sections.append(Section(key, b.start, b.end, heading, via))
    return sections


def split_sections(text: str) -> dict[str, str]:
    """Section key -> its text (without headings): opening, root_cause, corrective_actions, preventive_measures, closing (and message)."""
    layout = locate_sections(text)
    out: dict[str, str] = {}
    for s in layout.sections:
        chunk = text[s.start : s.end].strip()
        out[s.key] = f"{out[s.key]}\n\n{chunk}" if s.key in out else chunk
    return out


def items(text: str, span: Span) -> list[Span]:
    """The items of a part: bullet or numbered lines start an item, blank lines end one; intro lines ending in ':' are skipped."""
    out: list[Span] = []
    lead_ins: set[int] = set()
    for ps, pe in paragraphs(text, *span):
        current: list[int] | None = None
        first = len(out)
        for ls, le in iter_lines(text, ps, pe):
            line = text[ls:le]
            if not line.strip():
                continue
            if _BULLET_RE.match(line) or current is None:
                if current is not None:
                    out.append((current[0], current[1]))
                current = [ls, le]
            else:
                current[1] = le
        if current is not None:
            out.append((current[0], current[1]))
        # "A: Three controls now run every day." then a bulleted list: the first line introduces the list
        if len(out) - first >= 2 and not _BULLET_RE.match(text, *out[first]) and _BULLET_RE.match(text, *out[first + 1]):
            if count_words(text[out[first][0] : out[first][1]]) <= _LEAD_IN_WORDS:
                lead_ins.add(first)
    return [(s, e) for i, (s, e) in enumerate(out) if i not in lead_ins and not _is_intro(text[s:e])]


def _is_intro(item: str) -> bool:
    stripped = item.strip()
    return stripped.endswith((":", "：")) and len(stripped.split()) <= 25


def explicit_list(text: str, span: Span) -> list[Span]:
    """Only the bullet/numbered items of a part (empty when the part is prose)."""
    return [(s, e) for s, e in items(text, span) if _BULLET_RE.match(text, s, e)]
