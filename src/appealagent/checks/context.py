"""What every rule reads: the letter, its parts, the case (if any), the kind and the type.

Built once per check run; expensive views (parts, sentences, the case's facts) are
computed on first use and shared by all rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.document import Document, Span, count_words, sentences
from appealagent.checks.sections import PARTS, Layout, locate_sections
from appealagent.corpus.index import IndexedLetter, corpus_index, index_letters
from appealagent.model.case import AppealRoute, Case, LetterKind, ViolationType


@dataclass
class Hit:
    """A rule's raw result: where (offsets into the checked text) and what to fill into its message."""

    start: int | None = None
    end: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    section: str | None = None


def hit(start: int | None = None, end: int | None = None, *, severity: str | None = None, section: str | None = None, **params: Any) -> Hit:
    return Hit(start, end, params, severity, section)


class CheckContext:
    """The letter and everything known about it, for the rules."""

    def __init__(
        self,
        doc: Document,
        *,
        case: Case | None = None,
        kind: LetterKind | None = None,
        source: str | Path | None = None,
        corpus: Sequence[Any] | None = None,
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.case = case
        self.source = str(source) if source is not None else None
        self._corpus = corpus
        self.memo: dict[str, Any] = {}  # per-run scratch space shared by rules
        self.kind, self.kind_source = self._resolve_kind(kind)
        self.violation_type, self.violation_source = self._resolve_type()

    # ------------------------------------------------------------------ kind and type

    def _resolve_kind(self, kind: LetterKind | None) -> tuple[LetterKind, str]:
        if kind is not None:
            return LetterKind(kind), "option"
        if self.case is not None:
            return self.case.letter_kind, "case"
        meta_kind = self.doc.meta.get("kind")
        if isinstance(meta_kind, str):
            try:
                return LetterKind(meta_kind), "front matter"
            except ValueError:
                pass
        inferred = infer_kind(self.text, self.layout)
        return inferred, ("inferred" if inferred != LetterKind.account_appeal else "default")

    def _resolve_type(self) -> tuple[ViolationType | None, str | None]:
        if self.case is not None and self.case.violation_type is not None:
            return self.case.violation_type, "case"
        meta_type = self.doc.meta.get("violation_type")
        if isinstance(meta_type, str):
            try:
                return ViolationType(meta_type), "front matter"
            except ValueError:
                pass
        inferred = infer_violation_type(self.text)
        return (inferred, "inferred") if inferred is not None else (None, None)

    @property
    def route(self) -> AppealRoute | None:
        return self.case.route if self.case is not None else None

    # ------------------------------------------------------------------ text views

    @cached_property
    def layout(self) -> Layout:
        return locate_sections(self.text)

    @cached_property
    def body(self) -> str:
        """The text with heading lines blanked out (same length, so offsets hold)."""
        if not self.layout.headings:
            return self.text
        chars = list(self.text)
        for (s, e), _ in self.layout.headings:
            for i in range(s, e):
                if chars[i] not in "\n":
                    chars[i] = " "
        return "".join(chars)

    @cached_property
    def words(self) -> int:
        """Words of the letter (set by the runner to the full count when only a prefix is checked)."""
        return count_words(self.body)

    @cached_property
    def sentence_spans(self) -> list[Span]:
        return sentences(self.body)

    def part_spans(self, key: str) -> list[Span]:
        return self.layout.spans(key)

    def part_text(self, key: str) -> str:
        return "\n\n".join(self.body[s:e] for s, e in self.part_spans(key))

    @cached_property
    def has_parts(self) -> bool:
        return any(self.part_spans(p) for p in PARTS)

    def scope(self, *keys: str) -> list[Span]:
        """Spans of the given parts; the whole letter when the letter has none of the three parts."""
        spans = [sp for k in keys for sp in self.part_spans(k)]
        if spans:
            return sorted(spans)
        if not self.has_parts and any(k in PARTS for k in keys):
            return [(0, len(self.text))]
        return []

    def sentences_in(self, spans: list[Span]) -> list[Span]:
        out: list[Span] = []
        for s, e in spans:
            out.extend(sentences(self.body, s, e))
        return out

    def section_at(self, offset: int) -> str | None:
        return self.layout.section_at(offset)

    # ------------------------------------------------------------------ case facts

    @cached_property
    def case_strings(self) -> list[str]:
        """Every string value of the case (dates as ISO text), for grounding."""
        if self.case is None:
            return []
        out: list[str] = []
        _walk(self.case.model_dump(mode="json"), out)
        return out

    @cached_property
    def case_text(self) -> str:
        return "\n".join(self.case_strings)

    # ------------------------------------------------------------------ corpus

    def example_letters(self, n: int) -> Sequence[IndexedLetter]:
        """The example letters as n-gram sets: the corpus given to the run, else the indexed built-in and user corpus."""
        key = f"examples_{n}"
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = index_letters(self._corpus, n) if self._corpus is not None else default_examples(n)
        return found


def _walk(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _walk(value, out)
    elif isinstance(node, list):
        for value in node:
            _walk(value, out)
    elif isinstance(node, str):
        out.append(node)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out.append(str(node))


def default_examples(n: int) -> Sequence[IndexedLetter]:
    """The built-in and user corpus, indexed (cached on disk); a broken corpus just disables the overlap rule."""
    try:
        return corpus_index(n)
    except Exception:  # a broken corpus is reported by `corpus validate`, not by the checks
        return ()


# --------------------------------------------------------------------------- inference


_BUYER_RE = patterns.compile(
    r"\b(?:dear (?:valued )?(?:customer|buyer|shopper)|your (?:order|purchase|parcel|package|item|return|refund)|thank you for (?:your (?:order|purchase)|shopping|choosing))\b",
    re.IGNORECASE,
)
_AMAZON_ADDRESS_RE = patterns.compile(r"\b(?:seller performance|performance team|amazon team|dear amazon|account health|plan of action)\b", re.IGNORECASE)
_REPORT_RE = patterns.compile(r"\bfeedback abuse report\b", re.IGNORECASE)


def infer_kind(text: str, layout: Layout) -> LetterKind:
    """A short letter with no three parts addressed to a buyer is a buyer message; else an appeal."""
    parts = sum(1 for p in PARTS if layout.spans(p) and any(s.via == "heading" for s in layout.sections if s.key == p))
    head = text[:600]
    if _REPORT_RE.search(head):
        return LetterKind.feedback_abuse_report
    if parts < 2 and count_words(text) <= 350 and _BUYER_RE.search(text) and not _AMAZON_ADDRESS_RE.search(text):
        return LetterKind.buyer_message
    return LetterKind.account_appeal


def infer_violation_type(text: str) -> ViolationType | None:
    """The type named in the first 800 characters, when exactly one type is named there."""
    rules = data.load("facts")["type_inference"]
    head = text[:800]
    found = {t for t in rules if data.regex("facts", "type_inference", t).search(head)}
    if len(found) == 1:
        return ViolationType(found.pop())
    return None
