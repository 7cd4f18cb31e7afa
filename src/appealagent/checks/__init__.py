"""Deterministic checks for seller letters: a rule catalogue that catches what gets appeals rejected.

Usable on any letter, with or without a case:

    from appealagent.checks import run_checks, format_report
    report = run_checks(text, case=case)        # case optional
    print(format_report(report)); report.ok     # True when no errors

The catalogue (`rules()`, also `RULES`) lives in data/checks/rules.yaml; each rule's logic
is a small function in `checks/rules/`, its wording lists in data/checks/*.yaml. Importing
this package reads no data and compiles no pattern: that happens on the first check.
"""

from __future__ import annotations

from appealagent.checks.model import CheckReport, Finding, Rule, Severity
from appealagent.checks.overlap import overlap_share
from appealagent.checks.report import catalogue_json, format_catalogue, format_report, report_dict, report_json
from appealagent.checks.runner import registry, run_checks
from appealagent.checks.sections import split_sections


def rules() -> dict[str, Rule]:
    """The rule catalogue by id (read on first use)."""
    return registry()[0]


def __getattr__(name: str) -> dict[str, Rule]:
    """`RULES` stays importable without reading the catalogue at import (PEP 562)."""
    if name == "RULES":
        return rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "rules",
    "run_checks",
    "split_sections",
]
