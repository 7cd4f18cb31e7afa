"""What reading a notice produces: typed findings on the way, and the `IntakeResult` at the end.

The steps between the text and the result pass these small types to each other instead of
dictionaries, so a misspelt key is a type error, not a silently missing field. `Found` is the
report of what was read (shown by the CLI and the interview, kept in the result's JSON);
`not_found` says what a notice of this kind usually names but this one did not; `masked` and
`rejected` say what was seen but is unsure or unusable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, NotRequired

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from appealagent.model.case import Case, ViolationType


class MetricFound(TypedDict):
    """One metric as the notice quotes it: value, stated target, window and counts."""

    name: str
    value: float
    phrase: str
    target: NotRequired[str]
    window_days: NotRequired[int]
    period_start: NotRequired[dt.date]
    period_end: NotRequired[dt.date]
    defects: NotRequired[int]
    orders: NotRequired[int]
    breach: NotRequired[bool | None]


class DocumentFound(TypedDict):
    """One document the notice asks for, and the window it must be dated within."""

    key: str
    label: str
    evidence_kind: str | None
    phrase: str
    window_days: NotRequired[int]


class RightsOwnerFound(TypedDict, total=False):
    """The rights owner's details as written in the notice (before validation)."""

    name: str
    email: str
    brand: str
    ip_reference: str


class Found(TypedDict, total=False):
    """What was read from the notice, for the reviewer: values and where they came from."""

    language: str
    sender: str
    forwarded: bool
    contains_chinese: bool
    contains_japanese: bool
    enforcement_score: float
    not_a_notice_phrases: list[str]
    all_metrics_within_target: bool
    family: str
    candidates: list[str]
    marketplace_signals: list[str]
    notice_date: str
    notice_date_source: str
    deadline_text: str
    deadline: str
    deadline_status: str
    deadline_days_left: int
    funds_hold_days: int
    inventory_removal_text: str
    inventory_removal_days: int
    inventory_removal_deadline: str
    recipient_email: str
    violation_type: str
    violation_phrases: list[str]
    other_violations: list[str]
    account_level: bool
    account_level_phrases: list[str]
    status: str
    status_phrase: str
    marketplace: str
    subject: str
    store_name: str
    merchant_token: str
    asins: list[str]
    order_ids: list[str]
    complaint_ids: list[str]
    rights_owner: RightsOwnerFound
    metrics: list[MetricFound]
    documents: list[DocumentFound]
    policies: list[str]
    notes: list[str]
    llm_suggestion: dict[str, object]


if TYPE_CHECKING:
    _FoundField = Found
else:
    # To pydantic the report is a plain dict: the intake itself fills it, so a validator for its
    # forty keys and nested entries would only cost start-up (~30 ms to build at import) and
    # reorder the keys of `--json`. mypy still checks every key against `Found`.
    _FoundField = dict[str, Any]


class Classification(BaseModel):
    """One candidate violation type, how sure the rules are, and the phrases that decided it."""

    model_config = ConfigDict(extra="forbid")

    violation_type: ViolationType
    confidence: float = Field(ge=0, le=1)
    phrases: list[str] = Field(default_factory=list)


class PhishingReport(BaseModel):
    """Whether the text looks like phishing dressed as a notice, the signs found, and what to do."""

    model_config = ConfigDict(extra="forbid")

    suspected: bool = False
    score: float = Field(0.0, ge=0, le=1)
    signs: list[str] = Field(default_factory=list)
    signs_zh: list[str] = Field(default_factory=list)
    advice: str | None = Field(None, description="What to do instead (set when suspected).")
    advice_zh: str | None = None


class IntakeResult(BaseModel):
    """What the rules read from a notice: a partial case plus an account of how it was read."""

    model_config = ConfigDict(extra="forbid")

    phishing: PhishingReport = Field(default_factory=lambda: PhishingReport(suspected=False, score=0.0, signs=[], signs_zh=[], advice=None, advice_zh=None), description="Checked first: this may not be from Amazon.")
    case: Case
    classifications: list[Classification] = Field(default_factory=list)
    found: _FoundField = Field(default_factory=Found)
    not_found: list[str] = Field(default_factory=list)
    masked: list[str] = Field(default_factory=list, description="Masked IDs (B0XXXXXXXX) seen and left out of the case.")
    rejected: list[str] = Field(default_factory=list, description="Values found but unusable, with the reason.")
    llm_assisted: bool = False
    notice_kind: str = Field("amazon_notice", description="amazon_notice, unclassified, newsletter, buyer_message, shipping_confirmation, unknown_language, empty.")
    message: str | None = Field(None, description="Why the notice could not be classified, when it could not.")

    @property
    def classified(self) -> bool:
        return self.case.violation_type is not None


class DateHit(NamedTuple):
    """A date found in a text, where it was, and whether day and month could be swapped."""

    date: dt.date | None
    start: int
    end: int
    raw: str
    ambiguous: bool = False


class Period(NamedTuple):
    """'within 17 days', 'for up to 90 days': a number, its unit and the sentence around it."""

    n: int
    unit: str
    text: str
    sentence: str


@dataclass
class Periods:
    """The periods of a notice sorted by what they are for."""

    respond: list[Period] = field(default_factory=list)
    funds: list[Period] = field(default_factory=list)
    inventory: list[Period] = field(default_factory=list)
