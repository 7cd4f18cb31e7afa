"""The question files' schema: what a question, an option and a question set may say, checked when loaded.

Question flows are data so that a consultant can add a cause, reword a question or
translate it without touching the flow. These pydantic models refuse unknown keys and
half-translated text at load time; what a question `type` means lives in
`answer_types` (one strategy per type), and which Case paths exist is checked by `plan`.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from appealagent.catalog import patterns
from appealagent.model.case import EvidenceKind, MetricName, ViolationType

ID_RE = patterns.compile(r"^[a-z][a-z0-9_]*$")

Scalar: TypeAlias = str | int | float | bool
"""A value a data file writes into the case (an option's `sets`, a list answer's `extra`)."""

Answer: TypeAlias = str | int | float | bool | list[str] | None
"""One parsed answer, as kept in the progress file: text, a number, yes/no, a list, or nothing."""


class QuestionDataError(Exception):
    """A broken question file: a bug in shipped data, so it is raised, not shown as a user input error."""


class _Strict(BaseModel):
    # defer_build: the validators are built on first use, not when `appealagent --help` imports the CLI
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class Bi(_Strict):
    """A text in English and Chinese; both are required so no seller meets a half-translated question."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Option(_Strict):
    """One choice of a choice or checklist question."""

    value: str
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    kind: EvidenceKind | None = Field(default=None, description="For evidence checklists: the EvidenceKind (default: value).")
    sets: dict[str, Scalar] = Field(default_factory=dict, description="Case paths this choice sets, e.g. {route: in_error}.")

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Need(_Strict):
    """Evidence a violation type needs: one of `any_of` kinds, optionally no older than `max_age_days` before the notice."""

    any_of: list[EvidenceKind] = Field(min_length=1)
    en: str
    zh: str
    max_age_days: int | None = Field(default=None, ge=1)


class FollowUp(_Strict):
    """Questions asked only when the answer matches `when`."""

    when: bool | str | list[str] = Field(description="The answer (yes/no, an option value, or any of several) that triggers `ask`.")
    ask: list[Question] = Field(min_length=1)

    def matches(self, value: Answer) -> bool:
        whens = self.when if isinstance(self.when, list) else [self.when]
        if isinstance(value, list):
            return any(w in value for w in whens)
        return any(w == value for w in whens)


class Question(_Strict):
    """One question: its `type` names the strategy in `answer_types.REGISTRY` that parses, shows and applies it."""

    id: str
    type: str
    text: Bi
    help: Bi | None = None
    fills: str | None = Field(default=None, description="Case path the answer goes to (relative to the item for item questions).")
    required: bool = True
    default: Answer = None
    options: list[Option] = Field(default_factory=list)
    options_from: str | None = Field(
        default=None, description="A shared option list from _common.yaml option_lists, or an enum: violation_type, marketplace, language.")
    other: bool = Field(default=False, description="choice: a typed answer is allowed; checklist: the seller may add items in their own words.")
    english_only: bool = Field(default=False, description="The answer enters the English letter as typed, so Chinese characters are refused.")
    mode: Literal["set", "append"] = Field(default="set", description="append: add the answer to the item's text (specifics of an action).")
    extra: dict[str, Scalar] = Field(default_factory=dict, description="Fields set on each element a list answer creates.")
    each: list[Question] | None = Field(default=None, description="Questions asked for every ticked item (default: _common items for the filled list).")
    needs: list[Need] = Field(default_factory=list)
    example: Bi | None = Field(default=None, description="Checklist: a worked example for this violation type, shown as {example} in its item questions' help.")
    follow_ups: list[FollowUp] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("must be lower-case letters, digits and underscores, starting with a letter")
        return value

    @model_validator(mode="after")
    def _unique_options(self) -> Question:
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError(f"{self.id}: duplicate option values")
        return self

    def label(self, lang: str) -> str:
        return self.text.get(lang)


class QuestionSet(_Strict):
    """The questions of one violation type (or several), asked between the common start and end."""

    id: str
    violation_types: list[ViolationType] = Field(default_factory=list)
    extends: str | None = None
    metric: MetricName | None = Field(default=None, description="Fills {metric} and {metric_label} in an extended performance set.")
    questions: list[Question] = Field(default_factory=list)


class ItemConfig(_Strict):
    """How a checklist answer becomes list elements of one Case field."""

    id_prefix: str | None = None
    questions: list[Question] = Field(default_factory=list)


class ValidationRule(_Strict):
    """A Case-model message pattern and its Chinese wording ({0} the whole match, {1}… the groups)."""

    match: str
    zh: str


class Common(_Strict):
    """_common.yaml: the shared questions, option lists, labels and the interview's own wording."""

    start: list[Question]
    end: list[Question]
    items: dict[str, ItemConfig]
    option_lists: dict[str, list[Option]] = Field(default_factory=dict)
    labels: dict[str, dict[str, Bi]] = Field(default_factory=dict)
    ui: dict[str, Bi] = Field(default_factory=dict)
    errors: dict[str, Bi] = Field(default_factory=dict)
    words: dict[Literal["yes", "no", "none"], list[str]] = Field(default_factory=dict, description="What a seller may type for yes, no, none.")
    validation_zh: list[ValidationRule] = Field(default_factory=list, description="Regex → Chinese for the Case model's messages.")


FollowUp.model_rebuild()
Question.model_rebuild()
ItemConfig.model_rebuild()
Common.model_rebuild()
QuestionSet.model_rebuild()
