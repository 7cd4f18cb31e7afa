"""Showing a check report to people (grouped by letter section) and to scripts (JSON)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from typing import Any

from appealagent.checks.model import CheckReport, Finding, Rule
from appealagent.checks.sections import LABELS
from appealagent.model.enums import LetterKind

_SECTION_TITLES = {
    "opening": "Opening",
    "root_cause": "Root cause",
    "corrective_actions": "Corrective actions taken",
    "preventive_measures": "Preventive measures",
    "closing": "Closing",
    "message": "Message",
    None: "Whole letter and case",
}
_SEVERITY_WORD = {"error": "error", "warning": "warning", "info": "note"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_report(report: CheckReport, source: str | None = None, *, width: int = 100) -> str:
    """A readable report: one block per letter section, each finding with line:col, rule, text and fix."""
    lines: list[str] = []
    what = report.kind.value.replace("_", " ")
    head = f"Checked {source}: " if source else "Checked: "
    vt = f", {report.violation_type.replace('_', ' ')}" if report.violation_type else ""
    lines.append(f"{head}{what} ({report.kind_source}){vt}, {report.words} words{', with case' if report.case_used else ', no case (grounding and evidence rules skipped)'}")
    if report.sections_found:
        lines.append("Parts found: " + ", ".join(LABELS.get(s, s) for s in report.sections_found))
    groups: dict[str | None, list[Finding]] = {}
    for f in report.findings:
        key = f.section if f.line is not None else None
        groups.setdefault(key, []).append(f)
    order = [k for k in _SECTION_TITLES if k in groups] + [k for k in groups if k not in _SECTION_TITLES]
    indent = " " * 8
    for key in order:
        lines.append("")
        lines.append(_SECTION_TITLES.get(key, str(key)))
        for f in groups[key]:
            where = f"{f.line}:{f.col}" if f.line is not None else "-"
            lines.append(f"  {where:<7} {_SEVERITY_WORD[f.severity]:<7} {f.rule_id}  {f.message}")
            if f.excerpt:
                lines.append(f"{indent}› {f.excerpt}")
            lines.extend(textwrap.wrap(f"fix: {f.fix}", width=width, initial_indent=indent, subsequent_indent=indent + "     "))
    lines.append("")
    counts = f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}, {_plural(report.infos, 'note')}"
    if report.errors:
        lines.append(f"Result: {counts}. Not ready to submit: fix the errors first.")
    elif report.warnings:
        lines.append(f"Result: {counts}. No errors; the warnings are worth a look before you submit.")
    else:
        lines.append(f"Result: {counts}. No problems found by the checks; still read every fact once more.")
    return "\n".join(lines)


def report_dict(report: CheckReport, source: str | None = None, *, ready: bool | None = None) -> dict[str, Any]:
    data = report.model_dump(mode="json")
    data["source"] = source
    if ready is not None:
        data["ready"] = ready
    return data


def report_json(report: CheckReport, source: str | None = None, *, ready: bool | None = None) -> str:
    return json.dumps(report_dict(report, source, ready=ready), indent=2, ensure_ascii=False)


def format_catalogue(rules: Iterable[Rule], *, width: int = 100) -> str:
    """The catalogue for people: id, severity, kinds, what it catches and why."""
    lines: list[str] = []
    category = None
    for r in rules:
        if r.category != category:
            category = r.category
            lines.append("")
            lines.append(category.upper())
        kinds = "all kinds" if len(r.kinds) == len(LetterKind) else ", ".join(k.value for k in r.kinds)
        case = "; needs --case" if r.needs_case else ""
        lines.append(f"  {r.id}  [{r.severity}]  ({kinds}{case})")
        lines.extend(textwrap.wrap(r.rationale, width=width, initial_indent="      ", subsequent_indent="      "))
        lines.extend(textwrap.wrap(f"fix: {r.fix}", width=width, initial_indent="      ", subsequent_indent="           "))
    return "\n".join(lines).lstrip("\n")


def catalogue_json(rules: Iterable[Rule]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in rules], indent=2, ensure_ascii=False)
