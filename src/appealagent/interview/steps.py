"""What the flow, the answer types and the display share: a step of the interview, a ticked item, the case being built.

A `Step` is one question in place (its answer key, the item it is about, the answer it
translates); `CaseDraft` is the plain case data the answers write, with a note of which
case paths each answer wrote so the Case model's refusals can be traced back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from appealagent.interview.paths import CaseData
from appealagent.interview.schema import Answer, Option, Question

StepKind = Literal["question", "own", "translate"]
Section = Literal["start", "type", "end"]


@dataclass(frozen=True)
class ItemRef:
    """A ticked checklist item: one of its options, or one of the seller's own entries (`text`)."""

    checklist: str
    key: str
    fills: str | None = None
    option: Option | None = None
    text: str = ""

    def label(self, lang: str) -> str:
        return self.option.label(lang) if self.option is not None else self.text


@dataclass
class Step:
    """One question in place: `key` is its answer key (`causes.weekend.detail`), `parent` the answer a
    translation or own-items step belongs to."""

    key: str
    q: Question
    kind: StepKind = "question"
    item: ItemRef | None = None
    parent: Step | None = None
    section: Section = "start"


@dataclass
class CaseDraft:
    """The case data the answers build, before the Case model judges it, and where each answer went."""

    data: CaseData
    answers: Mapping[str, Answer]
    lang: str
    provenance: dict[str, list[str]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    items: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    def wrote(self, key: str) -> list[str]:
        """The list of concrete case paths answer `key` wrote (to append to)."""
        return self.provenance.setdefault(key, [])

    def translation(self, key: str) -> str | None:
        """The seller's English version of answer `key`, when they gave one."""
        value = self.answers.get(f"{key}.en")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Reason:
    """Why an answer is refused, before it is worded: an `errors` key with its values, or a Case-model message
    (about list element `element` when the answer was a list)."""

    key: str | None = None
    params: tuple[tuple[str, str | int], ...] = ()
    message: str = ""
    element: str | None = None


class AnswerError(Exception):
    """A typed answer that does not parse; the display words `reason` in the interview language."""

    def __init__(self, key: str, **params: str | int) -> None:
        super().__init__(key)
        self.reason = Reason(key=key, params=tuple(params.items()))
