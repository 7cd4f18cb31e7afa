"""The `Case`: everything a seller knows about one suspension or complaint.

This module is the single source of truth for the shape of a case. Intake,
the interview, the drafting engines, the checks and the evals all read and
write this model, so it holds data and validation only — no behaviour that
belongs to a later step. Every field is optional enough that a partial case
(prefilled from a notice, or a paused interview) still loads; `missing_for_draft`
says what a letter still needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from appealagent.catalog import patterns
from appealagent.facts.ids import ASIN_FIELD_RE, ORDER_ID_FIELD_RE
from appealagent.model.enums import (
    AppealRoute,
    EvidenceKind,
    Language,
    LetterKind,
    Marketplace,
    MetricName,
    NoticeStatus,
    ViolationType,
)
from appealagent.model.kinds import is_appeal, needs

SCHEMA_VERSION = 1

ASIN_RE = ASIN_FIELD_RE
ORDER_ID_RE = ORDER_ID_FIELD_RE
EMAIL_RE = patterns.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CJK_RE = patterns.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str | None) -> bool:
    """True when text holds Chinese/Japanese characters an English letter must not carry."""
    return bool(text and CJK_RE.search(text))


MARKETPLACE_DOMAINS: dict[Marketplace, str] = {
    Marketplace.US: "amazon.com",
    Marketplace.CA: "amazon.ca",
    Marketplace.MX: "amazon.com.mx",
    Marketplace.BR: "amazon.com.br",
    Marketplace.UK: "amazon.co.uk",
    Marketplace.IE: "amazon.ie",
    Marketplace.DE: "amazon.de",
    Marketplace.FR: "amazon.fr",
    Marketplace.IT: "amazon.it",
    Marketplace.ES: "amazon.es",
    Marketplace.NL: "amazon.nl",
    Marketplace.SE: "amazon.se",
    Marketplace.PL: "amazon.pl",
    Marketplace.BE: "amazon.com.be",
    Marketplace.TR: "amazon.com.tr",
    Marketplace.JP: "amazon.co.jp",
    Marketplace.AU: "amazon.com.au",
    Marketplace.IN: "amazon.in",
    Marketplace.AE: "amazon.ae",
    Marketplace.SA: "amazon.sa",
    Marketplace.SG: "amazon.sg",
    Marketplace.EG: "amazon.eg",
}


def _not_future(value: dt.date | None) -> dt.date | None:
    if value is not None and value > dt.date.today():
        raise ValueError(f"date {value.isoformat()} is in the future")
    return value


PastDate = Annotated[dt.date, AfterValidator(_not_future)]
Text = Annotated[str, Field(min_length=1, max_length=20000)]


class _Model(BaseModel):
    # defer_build: the validators are built on a model's first use, not when the module is
    # imported, so commands that never validate a case (and `--help`) do not pay for them.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False, defer_build=True)


class Seller(_Model):
    legal_name: str | None = None
    store_name: str | None = None
    login_email: str | None = Field(default=None, description="The Seller Central login e-mail, so the team can find the account.")
    merchant_token: str | None = None
    contact_name: str | None = None

    @field_validator("login_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_RE.match(value):
            raise ValueError("must be an e-mail address like seller@example.com")
        return value


class RightsOwner(_Model):
    name: str | None = None
    email: str | None = None
    brand: str | None = None
    ip_reference: str | None = Field(default=None, description="Trademark/copyright/patent registration number cited.")
    contact_name: str | None = Field(default=None, description="The person a retraction request is addressed to.")
    contacted_on: PastDate | None = Field(default=None, description="When the seller first asked for a retraction (a follow-up cites it).")


class Supplier(_Model):
    """Who sold the seller the goods: a supplier document request is addressed to them."""

    name: str | None = None
    contact_name: str | None = None
    email: str | None = None
    address: str | None = None
    website: str | None = None
    contacted_on: PastDate | None = Field(default=None, description="When the seller last asked the supplier for documents.")


class Buyer(_Model):
    """The customer a buyer message answers (through Amazon's Buyer-Seller Messaging only)."""

    name: str | None = Field(default=None, description="The buyer's name as Amazon shows it, for the greeting.")


class Notification(_Model):
    date: PastDate | None = None
    subject: str | None = None
    text: str | None = Field(default=None, description="The notice as the seller received it.")
    deadline: dt.date | None = None
    deadline_text: str | None = Field(default=None, description="The deadline as worded, e.g. 'within 17 days'.")
    account_level: bool | None = Field(default=None, description="True for account deactivation, False for a listing-level action.")
    status: NoticeStatus | None = Field(default=None, description="What the notice did: deactivated, at_risk, warning, listings_removed…")
    complaint_ids: list[str] = Field(default_factory=list)
    rights_owner: RightsOwner | None = None
    policies: list[str] = Field(default_factory=list, description="Policy names and BSA sections cited.")
    requested_documents: list[str] = Field(default_factory=list, description="What Amazon asked for, as worded.")
    funds_hold_days: int | None = Field(default=None, ge=0, le=365)


class Metric(_Model):
    name: MetricName
    value: float = Field(description="The seller's figure, in percent (0–100); the rating uses 0–1000.")
    target: str | None = Field(default=None, description="Amazon's target as stated, e.g. 'under 1%'. Defaults from data when empty.")
    window_days: int | None = Field(default=None, ge=1, le=365)
    period_start: PastDate | None = None
    period_end: PastDate | None = None
    defects: int | None = Field(default=None, ge=0, description="Count of defective orders, claims, late shipments…")
    orders: int | None = Field(default=None, ge=0, description="Orders in the window.")

    @model_validator(mode="after")
    def _range(self) -> Metric:
        upper = 1000 if self.name == MetricName.account_health_rating else 100
        if not 0 <= self.value <= upper:
            raise ValueError(f"value: must be between 0 and {upper}")
        if self.defects is not None and self.orders is not None and self.defects > self.orders:
            raise ValueError("defects: cannot be more than orders")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError("period_start: must be before period_end")
        return self


class Asin(_Model):
    asin: str
    title: str | None = None
    note: str | None = None

    @field_validator("asin")
    @classmethod
    def _asin(cls, value: str) -> str:
        value = value.strip().upper()
        if not ASIN_RE.match(value):
            raise ValueError("must be a 10-character ASIN such as B07XYZ1234 (or a 10-digit ISBN)")
        return value


class Order(_Model):
    order_id: str
    asin: str | None = None
    date: PastDate | None = None
    issue: str | None = Field(default=None, description="What went wrong with this order (claim, late, cancelled…).")
    resolution: str | None = None

    @field_validator("order_id")
    @classmethod
    def _order_id(cls, value: str) -> str:
        value = value.strip()
        if not ORDER_ID_RE.match(value):
            raise ValueError("must be an Amazon order ID of the form 123-1234567-1234567")
        return value


class _Translatable(_Model):
    """A free-text answer; `text_en` is an English version when `text` is in another language."""

    text: Text
    text_en: str | None = None

    def english(self) -> str | None:
        """The text usable in an English letter, or None when only a non-English version exists."""
        if self.text_en:
            return self.text_en
        return None if has_cjk(self.text) else self.text


class RootCause(_Translatable):
    id: str | None = Field(default=None, description="A short id that actions and measures refer to, e.g. 'rc1'.")
    detail: str | None = Field(default=None, description="What exactly went wrong, with numbers and dates.")
    detail_en: str | None = None


class CorrectiveAction(_Translatable):
    done_on: PastDate | None = None
    who: str | None = None
    addresses: list[str] = Field(default_factory=list, description="Ids of the root causes this fixes.")
    evidence: list[str] = Field(default_factory=list, description="Ids or names of evidence documents that show it.")


class PreventiveMeasure(_Translatable):
    owner: str | None = Field(default=None, description="Who does it (role or name).")
    frequency: str | None = Field(default=None, description="How often, e.g. 'daily at 15:00', 'every Monday'.")
    starts_on: dt.date | None = None
    addresses: list[str] = Field(default_factory=list)


class EvidenceDocument(_Model):
    id: str | None = None
    kind: EvidenceKind
    date: PastDate | None = None
    issuer: str | None = None
    description: str | None = None
    file: str | None = None
    covers_asins: list[str] = Field(default_factory=list)
    reference: str | None = Field(default=None, description="Invoice number, registration number…")


class Case(_Model):
    """One seller's case, from the notice to the facts the letter is built from."""

    schema_version: Literal[1] = 1  # SCHEMA_VERSION
    case_id: str | None = None
    marketplace: Marketplace | None = None
    letter_kind: LetterKind = LetterKind.account_appeal
    violation_type: ViolationType | None = None
    other_violations: list[ViolationType] = Field(default_factory=list)
    topic: str | None = Field(default=None, description="Sub-type, e.g. 'weekend_dispatch', 'new_account', 'unpaid_order_reminder'.")
    route: AppealRoute = AppealRoute.plan_of_action
    new_account: bool | None = None
    seller: Seller = Field(default_factory=lambda: Seller())
    notification: Notification = Field(default_factory=lambda: Notification())
    metrics: list[Metric] = Field(default_factory=list)
    asins: list[Asin] = Field(default_factory=list)
    orders: list[Order] = Field(default_factory=list)
    root_causes: list[RootCause] = Field(default_factory=list)
    corrective_actions: list[CorrectiveAction] = Field(default_factory=list)
    preventive_measures: list[PreventiveMeasure] = Field(default_factory=list)
    evidence: list[EvidenceDocument] = Field(default_factory=list)
    supplier: Supplier | None = None
    buyer: Buyer | None = None
    related_account: str | None = Field(default=None, description="The related account and its reinstatement, for related-account cases.")
    context: str | None = Field(default=None, description="Anything else the seller wants the drafter to know.")
    letter_language: Language = Language.en
    explanation_language: Language | None = None

    @model_validator(mode="after")
    def _references(self) -> Case:
        known = {rc.id for rc in self.root_causes if rc.id}
        refs: list[tuple[str, list[str]]] = [(f"corrective_actions[{i}]", a.addresses) for i, a in enumerate(self.corrective_actions)]
        refs += [(f"preventive_measures[{i}]", m.addresses) for i, m in enumerate(self.preventive_measures)]
        for label, addresses in refs:
            for ref in addresses:
                if ref not in known:
                    raise ValueError(f"{label}.addresses: unknown root cause id {ref!r}")
        return self

    @property
    def domain(self) -> str | None:
        return MARKETPLACE_DOMAINS.get(self.marketplace) if self.marketplace else None


def missing_for_draft(case: Case) -> list[str]:
    """What a complete letter of this kind still needs, as field paths a seller can fill in."""
    missing: list[str] = []
    appeal = is_appeal(case.letter_kind)
    if case.violation_type is None and appeal:
        missing.append("violation_type")
    if case.marketplace is None:
        missing.append("marketplace")
    if not case.seller.store_name:
        missing.append("seller.store_name")
    if appeal and case.route == AppealRoute.plan_of_action:
        if not case.root_causes:
            missing.append("root_causes")
        if not case.corrective_actions:
            missing.append("corrective_actions")
        if not case.preventive_measures:
            missing.append("preventive_measures")
        if case.letter_kind == LetterKind.account_appeal and not case.seller.login_email:
            missing.append("seller.login_email")
    if case.letter_kind in {LetterKind.claim_response, LetterKind.feedback_abuse_report}:
        if not case.orders:
            missing.append("orders")
        if not case.root_causes:
            missing.append("root_causes")
    missing.extend(path for path in needs(case.letter_kind) if path not in missing and not _value_at(case, path))
    return missing


def _value_at(case: Case, path: str) -> object:
    """The value at a dotted path such as "notification.rights_owner.name" (None when a step is missing)."""
    node: object = case
    for step in path.split("."):
        node = getattr(node, step, None)
        if node is None:
            return None
    return node
