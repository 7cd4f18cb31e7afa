"""The closed vocabularies of a case (marketplaces, letter kinds, violation types…) as plain enums.

Kept apart from the pydantic models in `case.py` and free of third-party imports,
so the command line can offer them as option choices (`--kind`, `--type`,
`--marketplace`) and answer `--help` without loading pydantic. `case.py`
re-exports every name, so `from appealagent.model.case import LetterKind` still works.
"""

from __future__ import annotations

from enum import StrEnum


class Marketplace(StrEnum):
    US = "US"
    CA = "CA"
    MX = "MX"
    BR = "BR"
    UK = "UK"
    IE = "IE"
    DE = "DE"
    FR = "FR"
    IT = "IT"
    ES = "ES"
    NL = "NL"
    SE = "SE"
    PL = "PL"
    BE = "BE"
    TR = "TR"
    JP = "JP"
    AU = "AU"
    IN = "IN"
    AE = "AE"
    SA = "SA"
    SG = "SG"
    EG = "EG"


class LetterKind(StrEnum):
    """What is being written, which decides the letter's shape."""

    account_appeal = "account_appeal"
    listing_appeal = "listing_appeal"
    claim_response = "claim_response"
    buyer_message = "buyer_message"
    rights_owner_letter = "rights_owner_letter"
    feedback_abuse_report = "feedback_abuse_report"
    retraction_request = "retraction_request"  # to the rights owner: please retract complaint X with Amazon
    retraction_follow_up = "retraction_follow_up"  # the same request again, after no answer
    supplier_document_request = "supplier_document_request"  # to the supplier: the documents Amazon accepts


class ViolationType(StrEnum):
    late_shipment_rate = "late_shipment_rate"
    order_defect_rate = "order_defect_rate"
    pre_fulfillment_cancel_rate = "pre_fulfillment_cancel_rate"
    valid_tracking_rate = "valid_tracking_rate"
    on_time_delivery = "on_time_delivery"
    related_accounts = "related_accounts"
    payments_self_purchase = "payments_self_purchase"
    trademark = "trademark"
    copyright = "copyright"
    patent = "patent"
    inauthentic = "inauthentic"
    used_sold_as_new = "used_sold_as_new"
    restricted_products = "restricted_products"
    review_manipulation = "review_manipulation"
    identity_verification = "identity_verification"
    failed_account_review = "failed_account_review"
    code_of_conduct = "code_of_conduct"
    false_shipment_confirmation = "false_shipment_confirmation"
    drop_shipping = "drop_shipping"
    fair_pricing = "fair_pricing"
    prohibited_activity = "prohibited_activity"  # BSA section 3: prohibited, deceptive or fraudulent activity (in-error route)
    other = "other"


class Language(StrEnum):
    en = "en"
    zh = "zh"
    de = "de"
    fr = "fr"
    es = "es"
    it = "it"
    ja = "ja"


class AppealRoute(StrEnum):
    """A plan of action admits and fixes; the in-error route argues the notice was wrong."""

    plan_of_action = "plan_of_action"
    in_error = "in_error"


class NoticeStatus(StrEnum):
    """What the notice did to the account, which decides what the letter asks for."""

    deactivated = "deactivated"
    at_risk = "at_risk"
    warning = "warning"
    listings_removed = "listings_removed"
    funds_held = "funds_held"
    verification_requested = "verification_requested"


class MetricName(StrEnum):
    order_defect_rate = "order_defect_rate"
    a_to_z_claim_rate = "a_to_z_claim_rate"
    negative_feedback_rate = "negative_feedback_rate"
    chargeback_rate = "chargeback_rate"
    late_shipment_rate = "late_shipment_rate"
    pre_fulfillment_cancel_rate = "pre_fulfillment_cancel_rate"
    valid_tracking_rate = "valid_tracking_rate"
    on_time_delivery_rate = "on_time_delivery_rate"
    account_health_rating = "account_health_rating"
    buyer_message_response_rate = "buyer_message_response_rate"


class EvidenceKind(StrEnum):
    invoice = "invoice"
    letter_of_authorization = "letter_of_authorization"
    license = "license"
    retraction = "retraction"
    trademark_registration = "trademark_registration"
    supplier_contact = "supplier_contact"
    bank_statement = "bank_statement"
    tracking_record = "tracking_record"
    import_document = "import_document"
    business_license = "business_license"
    utility_bill = "utility_bill"
    identity_document = "identity_document"
    credit_card_statement = "credit_card_statement"
    photo = "photo"
    listing_screenshot = "listing_screenshot"
    sop_document = "sop_document"
    training_record = "training_record"
    test_report = "test_report"
    other = "other"
    # Kinds Amazon does not accept as proof of supply; kept so checks can name them.
    pro_forma_invoice = "pro_forma_invoice"
    retail_receipt = "retail_receipt"
    order_confirmation = "order_confirmation"
    packing_slip = "packing_slip"
    quote = "quote"
