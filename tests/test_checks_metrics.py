"""The one metrics catalogue (catalog/metrics.py over data/metrics.yaml): every reader sees the same figures."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from appealagent.catalog import metrics
from appealagent.catalog.datafiles import load_yaml, metric_info
from appealagent.model.case import MetricName, ViolationType


def test_one_catalogue_named_by_metric_name() -> None:
    assert list(metrics.catalogue()) == [m.value for m in MetricName]
    assert not (load_yaml("metrics.yaml").keys() - {"metrics", "notice_reading"})


def test_intake_view_comes_from_the_same_entries() -> None:
    view = metrics.intake_metrics()
    assert set(view["metrics"]) == set(metrics.catalogue())
    for name, entry in view["metrics"].items():
        m = metrics.metric(name)
        assert entry["label"] == m.label and entry["target"] == m.target and entry["aliases"] == list(m.notice_patterns)
        assert entry["direction"] == m.direction and entry["percent"] == (m.unit == "%")
        for pattern in entry["aliases"]:
            re.compile(pattern, re.IGNORECASE)
    # the drift of issue 11: buyer-message target None in one file, 90 in the other
    assert view["metrics"]["buyer_message_response_rate"]["target"] == metrics.metric("buyer_message_response_rate").target == 90
    # a breach supports the cited type only where Amazon sets a target
    assert view["metrics"]["late_shipment_rate"]["violation"] == "late_shipment_rate"
    assert view["metrics"]["a_to_z_claim_rate"]["violation"] is None
    assert view["metrics"]["account_health_rating"]["percent"] is False
    assert all(ViolationType(e["violation"]) for e in view["metrics"].values() if e["violation"])
    assert view["reach"] > 0 and re.compile(view["percent"]).search("is 10.5%")


def test_the_old_intake_file_name_is_gone_and_intake_reads_the_catalogue() -> None:
    from appealagent.intake.extract.metrics import metric_rules

    with pytest.raises(FileNotFoundError):
        load_yaml("intake/metrics.yaml")
    assert metric_rules()["metrics"] == metrics.intake_metrics()["metrics"]


def test_drafting_wording_and_grounding_figures() -> None:
    info = metric_info("late_shipment_rate")
    assert (info["label"], info["unit"], info["target_text"]) == ("Late Shipment Rate", "%", "under 4%")
    texts = metrics.figure_texts()
    assert "4" in texts and "under 4%" in texts and "10 and 30 days" in texts and "180" in texts
    assert metrics.amazon_targets() == {1.0, 4.0, 2.5, 95.0, 90.0}


def test_a_contradictory_entry_is_refused() -> None:
    good = metrics.metric("late_shipment_rate").model_dump()
    with pytest.raises(ValidationError):
        metrics.Metric(**{**good, "comparator": ">"})  # a defect rate that must stay above its target
    with pytest.raises(ValidationError):
        metrics.Metric(**{**good, "target": None})  # a comparator with nothing to compare
