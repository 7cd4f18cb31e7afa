"""Deterministic checks for seller letters: a rule catalogue that catches what gets appeals rejected.

Usable on any letter, with or without a case:

    from appealagent.checks import run_checks, format_report
    report = run_checks(text, case=case)        # case optional
    print(format_report(report)); report.ok     # True when no errors

The catalogue (`RULES`) lives in data/checks/rules.yaml; each rule's logic is a small
function in `checks/rules/`, its wording lists in data/checks/*.yaml.
"""

from __future__ import annotations

from appealagent.checks.model import CheckReport, Finding, Rule, Severity
from appealagent.checks.overlap import overlap_share
from appealagent.checks.report import catalogue_json, format_catalogue, format_report, report_dict, report_json
from appealagent.checks.runner import registry, run_checks
from appealagent.checks.sections import split_sections

RULES: dict[str, Rule] = registry()[0]

__all__ = [
    "RULES",
    "CheckReport",
    "Finding",
    "Rule",
    "Severity",
    "catalogue_json",
    "format_catalogue",
    "format_report",
    "overlap_share",
    "report_dict",
    "report_json",
    "run_checks",
    "split_sections",
]
