"""The question plan: which questions a case is asked, checked against the Case model, and the keys an answers file may use.

The face of the question data for the flow, the CLI and the tests: the file schema
(`schema`) and the loaded sets (`loading`) are re-exported here, and every set is
checked question by question through its type's strategy, so a typo in a data file
fails the test suite instead of silently dropping a seller's answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict

from pydantic import BaseModel

from appealagent.interview.answer_types import REGISTRY, strategy_for
from appealagent.interview.loading import item_questions, load_common, load_set, options_for, set_for, set_index, set_names
from appealagent.interview.paths import field_info, list_model
from appealagent.interview.schema import Bi, Common, FollowUp, Option, Question, QuestionDataError, QuestionSet
from appealagent.interview.steps import Section
from appealagent.interview.wording import ui
from appealagent.model.case import Case, LetterKind, ViolationType
from appealagent.model.kinds import is_appeal, suggested_kinds
from appealagent.model.kinds import label as kind_label

__all__ = [
    "AnswerKey", "Bi", "Common", "FollowUp", "Option", "Question", "QuestionDataError", "QuestionSet",
    "answer_keys", "check_question", "item_questions", "load_common", "load_set", "options_for",
    "questions_for", "set_for", "set_index", "set_names", "suggestions", "validate_all", "validate_flow",
]


def suggestions(case: Case, case_path: str, lang: str = "en") -> list[str]:
    """The other letters this case can draft, each as a line with its command (an IP case: the retraction request).

    One case serves every letter of a suspension: `draft --kind KIND CASE.json` drafts it,
    so the seller answers the rights owner's, the supplier's and Amazon's questions once.
    """
    if not is_appeal(case.letter_kind):
        return []
    vtype = case.violation_type.value if case.violation_type else None
    kinds = list(suggested_kinds(vtype))
    owner = case.notification.rights_owner
    if LetterKind.retraction_request in kinds and owner is not None and owner.contacted_on is not None:
        kinds.append(LetterKind.retraction_follow_up)  # already asked once: the follow-up is the next letter
    return [ui("also_draft", lang, letter=kind_label(k, lang), command=f"appealagent draft {case_path} --kind {k.value} -o {k.value}.txt")
            for k in kinds]


def questions_for(violation_type: str | None) -> list[tuple[Section, list[Question]]]:
    """The top-level questions for a violation type, by section: the common start, the type's own, the common end."""
    common = load_common()
    return [("start", common.start), ("type", set_for(violation_type).questions), ("end", common.end)]


def _walk(questions: list[Question], ctx: str | None) -> Iterator[tuple[Question, str | None]]:
    """Every question with the list field its `fills` is relative to (None = Case)."""
    for q in questions:
        yield q, ctx
        for fu in q.follow_ups:
            yield from _walk(fu.ask, ctx)
        if q.fills and q.type in REGISTRY and strategy_for(q).collects_items:
            yield from _walk(item_questions(q), q.fills)


def check_question(q: Question, ctx: str | None) -> list[str]:
    """Problems with one question: its type, fills path, option sets and follow-up triggers."""
    try:
        strategy = strategy_for(q)
        root: type[BaseModel] = list_model(ctx) if ctx else Case
        problems = strategy.check(q, root)
        for opt in options_for(q):
            for path in opt.sets:
                field_info(path, Case)
    except QuestionDataError as exc:
        return [str(exc) if str(exc).startswith(f"{q.id}:") else f"{q.id}: {exc}"]
    for fu in q.follow_ups:
        for w in fu.when if isinstance(fu.when, list) else [fu.when]:
            problem = strategy.check_when(q, w)
            if problem:
                problems.append(problem)
    if q.mode == "append" and (not ctx or q.fills != "text"):
        problems.append(f"{q.id}: mode append only works on an item's text")
    return problems


def validate_flow(qs: QuestionSet) -> list[str]:
    """Everything wrong with the whole flow for one set: paths, duplicate ids, options, item configs."""
    common = load_common()
    problems: list[str] = []
    seen: set[str] = set()
    for section in (common.start, qs.questions, common.end):
        for q in section:
            if q.id in seen:
                problems.append(f"{qs.id}: duplicate question id {q.id!r}")
            seen.add(q.id)
    for q, ctx in _walk(common.start + qs.questions + common.end, None):
        problems.extend(f"{qs.id}: {p}" for p in check_question(q, ctx))
    return problems


def validate_all() -> list[str]:
    """Problems across every shipped set (the test suite asserts this is empty)."""
    problems: list[str] = []
    try:
        load_common()
        index = set_index()
    except QuestionDataError as exc:
        return [str(exc)]
    for name in set_names():
        try:
            problems.extend(validate_flow(load_set(name)))
        except QuestionDataError as exc:
            problems.append(str(exc))
    if "generic" not in set_names():
        problems.append("no generic.yaml fallback set")
    for vt in ViolationType:
        if vt.value not in index and vt != ViolationType.other and "generic" not in set_names():
            problems.append(f"{vt.value}: no question set and no generic fallback")
    return problems


class AnswerKey(TypedDict):
    """One key an answers file may hold (`--list-questions`)."""

    key: str
    type: str
    required: bool
    text: str
    options: list[str]
    asked_when: str | None


def answer_keys(violation_type: str | None, lang: str = "en") -> list[AnswerKey]:
    """Every key an answers file may hold for this type, in asking order, for people scripting interviews.

    Follow-ups are listed under the question that triggers them; per-item questions of a
    checklist as `<checklist>.<option>.<question>` for each option, and `<checklist>.own`
    for the seller's own items (their per-item keys are `<checklist>.own1.<question>`…).
    """
    rows: list[AnswerKey] = []

    def add(q: Question, key: str, when: str | None) -> None:
        rows.append(AnswerKey(key=key, type=q.type, required=q.required, text=q.label(lang),
                              options=[o.value for o in options_for(q)], asked_when=when))
        for fu in q.follow_ups:
            prefix = key.rsplit(".", 1)[0] + "." if "." in key else ""
            for sub in fu.ask:
                add(sub, prefix + sub.id, f"{key} = {fu.when}")
        if strategy_for(q).collects_items:
            if q.other:
                rows.append(AnswerKey(key=f"{key}.own", type="list", required=False, text="your own items (a list)", options=[], asked_when=None))
            for option in options_for(q):
                for sub in item_questions(q):
                    add(sub, f"{key}.{option.value}.{sub.id}", f"{key} includes {option.value}")

    for _section, questions in questions_for(violation_type):
        for q in questions:
            add(q, q.id, None)
    return rows
