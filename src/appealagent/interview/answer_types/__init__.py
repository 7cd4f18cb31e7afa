"""Question types, one strategy each: parse what the seller typed, show it back, and write it into the case.

`REGISTRY` maps a question file's `type:` to its strategy, so a new type is one class
and one line there. Everything type-specific lives in this package; the flow, the plan
checks and the display ask the strategy (`strategy_for(q)`) and never test `q.type`.

Parsing only turns text into a value (a date, a number, a list); whether the value is
acceptable is the Case model's judgement, made by the flow on the whole case.
"""

from __future__ import annotations

from appealagent.interview.answer_types.base import QuestionType, norm, parse_date, parse_yes_no, split_items, translatable
from appealagent.interview.answer_types.lists import AsinListType, ListType, OrderListType
from appealagent.interview.answer_types.options import ChecklistType, ChoiceType
from appealagent.interview.answer_types.scalars import DateType, EmailType, NoteType, NumberType, PercentageType, TextType, YesNoType
from appealagent.interview.schema import Question, QuestionDataError

__all__ = ["REGISTRY", "QuestionType", "norm", "parse_date", "parse_yes_no", "split_items", "strategy_for", "translatable"]

REGISTRY: dict[str, QuestionType] = {
    "text": TextType(),
    "email": EmailType(),
    "date": DateType(),
    "percentage": PercentageType(),
    "number": NumberType(),
    "yes_no": YesNoType(),
    "asin_list": AsinListType(),
    "order_list": OrderListType(),
    "list": ListType(),
    "note": NoteType(),
    "choice": ChoiceType(),
    "checklist": ChecklistType(),
}


def strategy_for(q: Question) -> QuestionType:
    """The strategy for a question's type; an unknown type is a bug in the question file."""
    try:
        return REGISTRY[q.type]
    except KeyError:
        raise QuestionDataError(f"{q.id}: unknown question type {q.type!r} (known: {', '.join(REGISTRY)})") from None
