"""The revise interview's questions (data/questions/_revise.yaml): the file's schema, loaded once and checked against the Case.

The questions themselves use the ordinary question schema (interview/schema.py) so the ordinary
answer types parse, show and word them; what revise adds per question — push for a concrete
detail, append to what the last letter said, ask only when the field is missing — sits beside
each question, not inside it.
"""

from __future__ import annotations

import functools

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.catalog.datafiles import load_yaml
from appealagent.interview.plan import check_question
from appealagent.interview.schema import Bi, Question, QuestionDataError

REVISE_FILE = "questions/_revise.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ReviseEntry(_Strict):
    """One revise question and how its answer enters the case."""

    question: Question
    push: bool = Field(default=False, description="The answer must carry a concrete detail (number, date, ID, role, tool).")
    append: bool = Field(default=False, description="Add the answer to the field instead of replacing it.")
    only_missing: bool = Field(default=False, description="Ask only when the element lacks the field.")


class AskBlock(_Strict):
    """The questions for one part Amazon asked about: per element of the last letter, and one new element."""

    each: str
    item: list[ReviseEntry] = Field(default_factory=list)
    new: list[ReviseEntry] = Field(default_factory=list)


class ReviseFile(_Strict):
    """_revise.yaml."""

    id: str
    intro: Bi
    amazon_question: Bi
    push: Bi
    asks: dict[str, AskBlock]
    documents: list[ReviseEntry]
    consider: list[ReviseEntry]
    messages: dict[str, Bi] = Field(default_factory=dict, description="What `revise` tells the seller, by outcome.")


def message(key: str, lang: str, **values: object) -> str:
    """One of revise's messages in the seller's language, with {placeholders} filled."""
    text = load_revise().messages[key].get(lang)
    return text.format(**values) if values else text


@functools.cache
def load_revise() -> ReviseFile:
    """The revise questions, validated once per process."""
    try:
        return ReviseFile.model_validate(load_yaml(REVISE_FILE))
    except ValidationError as exc:
        raise QuestionDataError(f"{REVISE_FILE}: {exc}") from None


def _walk(entries: list[ReviseEntry]) -> list[Question]:
    out: list[Question] = []
    for e in entries:
        out.append(e.question)
        for fu in e.question.follow_ups:
            out.extend(fu.ask)
    return out


def validate_revise() -> list[str]:
    """Every problem in the revise file: types, fills paths against the element model, the three parts covered."""
    spec = load_revise()
    problems: list[str] = []
    for part in ("root_cause", "corrective_actions", "preventive_measures"):
        if part not in spec.asks:
            problems.append(f"{REVISE_FILE}: no questions for {part}")
    groups: list[tuple[str, list[ReviseEntry]]] = [(b.each, b.item + b.new) for b in spec.asks.values()]
    groups += [("evidence", spec.documents), ("corrective_actions", spec.consider)]
    for ctx, entries in groups:
        for q in _walk(entries):
            problems.extend(f"{REVISE_FILE}: {p}" for p in check_question(q, ctx))
        for e in entries:
            if e.append and not e.question.fills:
                problems.append(f"{REVISE_FILE}: {e.question.id}: append needs fills")
    return problems
