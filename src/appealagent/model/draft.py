"""The `AppealDraft`: the letter as sections, before rendering.

Both engines (offline and LLM) produce this shape and the same jinja2 templates
render it, so a letter looks the same whoever wrote it. Kept flat (strings and
lists of strings) so it doubles as a strict JSON schema for LLM output.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict  # pydantic needs typing_extensions' TypedDict before Python 3.12


class PromptInfo(TypedDict):
    """Which prompt file wrote a draft: id, version and the sha256 of its text."""

    id: str
    version: str
    sha256: str


class DraftMeta(TypedDict, total=False):
    """How a draft was made, shown in --format json as "meta"; an engine sets only the keys it knows.

    A TypedDict rather than a model so the JSON keeps exactly the keys that were set
    (an offline letter's meta is `{}`).
    """

    model: str
    base_url_host: str
    output_mode: str
    prompt: PromptInfo
    retrieved: list[str]
    requests: int
    usage: dict[str, int]
    input_chars: int
    redacted: bool
    explain_prompt: PromptInfo
    fallback_from: str
    style: str  # how the LLM engine drafted: editor or author
    kept_offline: list[str]  # editor style: sections that kept the offline wording
    rounds: list[dict[str, object]]  # each reply: request number, finish reason, outcome, its first problems


class AppealDraft(BaseModel):
    """The three answers Amazon asks for, framed by an opening and a closing."""

    model_config = ConfigDict(extra="forbid")

    opening: str = Field(description="Greeting and one-paragraph summary: the notice, the metric against its target, responsibility.")
    root_causes: list[str] = Field(description="One paragraph per root cause: what exactly went wrong, with numbers, dates, ASINs.")
    corrective_actions: list[str] = Field(description="Actions already completed, past tense, each with date, who and evidence.")
    preventive_measures: list[str] = Field(description="Ongoing measures, each with an owner and a frequency.")
    closing: str = Field(description="Calm request for review, with the store name and login e-mail.")


class DraftResult(BaseModel):
    """A draft plus what the seller must know about it (not part of the letter)."""

    draft: AppealDraft
    engine: str
    letter_kind: str = Field("account_appeal", description="Decides the headings the letter is rendered with.")
    notes: list[str] = Field(default_factory=list, description="Gaps and warnings for the seller, shown beside the letter.")
    missing: list[str] = Field(default_factory=list, description="Case fields a complete letter still needs.")
    meta: DraftMeta = Field(default_factory=lambda: DraftMeta())
