"""List question types: ASINs, order IDs (comma-separated) and free entries one per line."""

from __future__ import annotations

from appealagent.catalog import patterns
from appealagent.interview.answer_types.base import QuestionType, norm, split_items
from appealagent.interview.schema import Answer, Question

LINES_RE = patterns.compile(r"[\n;;]")

class AsinListType(QuestionType):
    """ASINs separated by commas or spaces, upper-cased."""

    def parse(self, q: Question, raw: str) -> Answer:
        return [p.upper() for p in split_items(raw)]


class OrderListType(QuestionType):
    """Order IDs separated by commas or spaces."""

    def parse(self, q: Question, raw: str) -> Answer:
        return split_items(raw)


class ListType(QuestionType):
    """Entries one per line (or separated by ;)."""

    multiline = True
    hint = "hint_list"

    def parse(self, q: Question, raw: str) -> Answer:
        lines = [norm(line) for line in LINES_RE.split(raw)]
        return [line for line in lines if line]

    def to_text(self, q: Question, value: Answer) -> str:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return super().to_text(q, value)

    def default_label(self, q: Question, default: str, lang: str) -> str:
        return "; ".join(default.splitlines())
