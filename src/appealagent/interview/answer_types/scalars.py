"""Single-value question types: text, e-mail, date, percentage, whole number, yes/no, and the note that asks nothing."""

from __future__ import annotations

import re

from appealagent.interview.answer_types.base import QuestionType, norm, parse_date, parse_yes_no
from appealagent.interview.schema import Answer, Question
from appealagent.interview.steps import AnswerError, CaseDraft, Step
from appealagent.interview.wording import ui
from appealagent.model.case import has_cjk


class TextType(QuestionType):
    """Free text; `english_only` refuses Chinese for what enters the English letter as typed."""

    offers_english = True

    def parse(self, q: Question, raw: str) -> Answer:
        text = raw.strip()
        if q.english_only and has_cjk(text):
            raise AnswerError("english_only")
        return text


class EmailType(TextType):
    """An e-mail address (the Case model checks its form)."""

    offers_english = False


class DateType(QuestionType):
    hint = "hint_date"

    def parse(self, q: Question, raw: str) -> Answer:
        try:
            return parse_date(raw)
        except ValueError:
            raise AnswerError("not_date", value=raw.strip()) from None


class PercentageType(QuestionType):
    """A percentage: '7.8', '7,8 %'."""

    def parse(self, q: Question, raw: str) -> Answer:
        num = norm(raw).rstrip("%").strip()
        if re.fullmatch(r"-?\d+,\d+", num):
            num = num.replace(",", ".")
        try:
            return float(num)
        except ValueError:
            raise AnswerError("not_number", value=raw.strip()) from None


class NumberType(QuestionType):
    """A whole number ('1,200' allowed)."""

    def parse(self, q: Question, raw: str) -> Answer:
        num = norm(raw).replace(",", "")
        if not re.fullmatch(r"-?\d+", num):
            raise AnswerError("not_whole_number", value=raw.strip())
        return int(num)


class YesNoType(QuestionType):
    hint = "hint_yes_no"

    def parse(self, q: Question, raw: str) -> Answer:
        answer = parse_yes_no(raw)
        if answer is None:
            raise AnswerError("yes_no")
        return answer

    def default_label(self, q: Question, default: str, lang: str) -> str:
        return ui("word_yes" if default == "yes" else "word_no", lang)

    def check_when(self, q: Question, when: bool | str) -> str | None:
        return None if isinstance(when, bool) else f"{q.id}: follow-up when {when!r} must be true or false"


class NoteType(QuestionType):
    """Advice shown at its place in the flow; nothing is asked or stored in the case."""

    asked = False

    def apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        draft.wrote(step.key)
