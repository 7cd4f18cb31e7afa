"""The Case model: what loads, what is refused, and the messages a seller reads."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from appealagent.files import format_validation_error
from appealagent.model.case import Case, Metric, Order, missing_for_draft

from .conftest import EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_loads(path):
    case = Case.model_validate_json(path.read_text(encoding="utf-8"))
    assert case.schema_version == 1
    assert case.violation_type is not None
    assert missing_for_draft(case) == []


def test_at_least_six_examples_cover_the_named_situations():
    types = {json.loads(p.read_text())["violation_type"] for p in EXAMPLES}
    assert {"late_shipment_rate", "order_defect_rate", "trademark", "inauthentic", "payments_self_purchase", "pre_fulfillment_cancel_rate"} <= types
    assert any("\u4e00" <= ch <= "\u9fff" for p in EXAMPLES for ch in p.read_text(encoding="utf-8"))


def test_partial_case_loads_and_reports_what_is_missing():
    case = Case.model_validate({"violation_type": "late_shipment_rate"})
    assert missing_for_draft(case) == [
        "marketplace", "seller.store_name", "root_causes", "corrective_actions", "preventive_measures", "seller.login_email",
    ]


def _error(data: dict) -> str:
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    return format_validation_error(info.value, source="case.json")


def test_percentage_out_of_range_names_the_field():
    msg = _error({"metrics": [{"name": "order_defect_rate", "value": 140}]})
    assert msg == "case.json: metrics[0].value: must be between 0 and 100"


def test_rating_uses_its_own_scale():
    assert Metric(name="account_health_rating", value=180).value == 180


@pytest.mark.parametrize("bad", ["B0123", "b0cK7TQ2M", "X0CK7TQ2M4", "B0CK7TQ2M4X"])
def test_bad_asin_refused(bad):
    assert "asins[0].asin: must be a 10-character ASIN" in _error({"asins": [{"asin": bad}]})


def test_asin_normalised_to_upper_case():
    assert Case.model_validate({"asins": [{"asin": " b0ck7tq2m4 "}]}).asins[0].asin == "B0CK7TQ2M4"


@pytest.mark.parametrize("bad", ["112-483920-7745213", "1124839201774521", "112-4839201-774521a"])
def test_bad_order_id_refused(bad):
    assert "orders[0].order_id: must be an Amazon order ID" in _error({"orders": [{"order_id": bad}]})


def test_order_id_form():
    assert Order(order_id="112-4839201-7745213").order_id == "112-4839201-7745213"


def test_future_date_refused():
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert "notification.date: date" in _error({"notification": {"date": future}})


def test_unknown_field_and_enum_are_named():
    assert "sellr: unknown field" in _error({"sellr": {}})
    msg = _error({"violation_type": "late_shipping"})
    assert msg.startswith("case.json: violation_type: 'late_shipping' is not one of")


def test_references_to_unknown_root_causes_refused():
    msg = _error({"root_causes": [{"id": "rc1", "text": "x"}], "corrective_actions": [{"text": "y", "addresses": ["rc9"]}]})
    assert "corrective_actions[0].addresses: unknown root cause id 'rc9'" in msg


def test_schema_version_is_checked():
    assert "schema_version" in _error({"schema_version": 99})


def test_json_schema_is_valid_json_schema():
    schema = Case.model_json_schema()
    assert schema["type"] == "object"
    assert "violation_type" in schema["properties"]
    json.dumps(schema)
