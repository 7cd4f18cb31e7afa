"""The checks' data files: valid regexes, a consistent catalogue, and Amazon's targets as DOMAIN.md states them."""

from __future__ import annotations

import re

import pytest
import yaml

from appealagent import paths
from appealagent.catalog.metrics import catalogue as metric_catalogue
from appealagent.checks import RULES
from appealagent.checks import data as check_data
from appealagent.model.case import LetterKind, MetricName, ViolationType

CHECK_FILES = sorted((paths.package_data_dir() / "checks").glob("*.yaml"))


def _strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.name for p in CHECK_FILES])
def test_every_pattern_compiles(path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for text in _strings(data):
        if "\\" in text or "(?" in text:
            re.compile(text)


def test_catalogue_entries_are_complete() -> None:
    assert len(RULES) >= 55
    for rule in RULES.values():
        assert rule.id.startswith(rule.category + ".")
        assert rule.message and rule.fix and rule.rationale
        assert rule.kinds and all(isinstance(k, LetterKind) for k in rule.kinds)
    assert RULES["hygiene.placeholder"].severity == "error"
    assert RULES["buyer.feedback_request"].kinds == (LetterKind.buyer_message,)


def test_metric_targets_match_amazon() -> None:
    metrics = metric_catalogue()
    assert set(metrics) == {m.value for m in MetricName}
    expected = {"order_defect_rate": ("<", 1), "late_shipment_rate": ("<", 4), "pre_fulfillment_cancel_rate": ("<", 2.5), "valid_tracking_rate": (">", 95), "on_time_delivery_rate": (">=", 90), "buyer_message_response_rate": (">=", 90)}
    for name, (comparator, target) in expected.items():
        entry = metrics[name]
        assert (entry.comparator, entry.target) == (comparator, target)
        assert entry.label and entry.aliases and entry.notice_patterns and entry.window_days and entry.source
    assert check_data.amazon_targets() == {1.0, 4.0, 2.5, 95.0, 90.0}
    assert check_data.metrics()["late_shipment_rate"]["target_text"] == "under 4%"


def test_type_keys_in_data_are_real_violation_types() -> None:
    types = {t.value for t in ViolationType}
    facts = check_data.load("facts")
    assert set(facts["required_statements"]) <= types
    assert set(facts["type_inference"]) <= types
    assert all(set(p["types"]) <= types for p in facts["policies"])
    assert set(check_data.load("evidence")["required"]) <= types
    for m in metric_catalogue().values():
        assert set(m.violation_types) <= types
