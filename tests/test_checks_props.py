"""Robustness: any text gives a report, never a crash; huge letters finish (linear regexes only)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appealagent.checks import format_report, report_json, run_checks, split_sections
from appealagent.model.case import LetterKind

from .test_checks_rules import BASE, CASE

FRAGMENTS = st.sampled_from(
    [
        "Root cause", "Corrective actions taken", "Preventive measures", "### Root cause", "1. ", "- ", "**", "\n\n", "\n",
        "[Your Name]", "[TO COMPLETE: x]", "B0DK3M7Q2A", "B0ZZ99XY12", "112-4471902-3385016", "6.8%", "under 4%", "target of 5%",
        "4 May 2026", "31/02/2026", "2026-13-40", "INV-2026-", "invoice no. ", "a@b.co", "@", "https://", "www.", "!", "?", "XXX",
        "退款", "，", "i ", "THE THE ", "we will ", "never again", "Bezos", "lawyer will", "---\nid: x\n---\n", "## English\n", "## 中文译文\n",
    ]
)
TEXTS = st.one_of(st.text(max_size=400), st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=60).map("".join))


def _assert_sane(text: str, report) -> None:
    assert report.words >= 0 and report.errors + report.warnings + report.infos == len(report.findings)
    assert not [f for f in report.findings if "internal error" in f.message]
    lines = text.count("\n") + 1
    for f in report.findings:
        if f.line is not None:
            assert 1 <= f.line <= lines and f.col >= 1
    format_report(report)
    report_json(report)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from([None, *LetterKind]), st.booleans())
def test_any_text_gives_a_report(text: str, kind, with_case: bool) -> None:
    report = run_checks(text, case=CASE if with_case else None, kind=kind, corpus=())
    _assert_sane(text, report)
    split_sections(text)


def test_empty_and_blank_text() -> None:
    for text in ("", " ", "\n\n\n", "\ufeff", "---\n---\n"):
        report = run_checks(text, corpus=())
        _assert_sane(text, report)
        assert not report.ok or report.kind == LetterKind.account_appeal


def test_one_megabyte_letter() -> None:
    text = (BASE * (1_000_000 // len(BASE) + 1))[:1_000_000]
    report = run_checks(text, case=CASE, corpus=())
    _assert_sane(text, report)
    assert {"length.far_too_long", "length.truncated"} <= report.rule_ids()


def test_one_megabyte_of_pathological_characters() -> None:
    for unit in ("a@", "[your ", "X", "."):
        text = unit * (100_000 // len(unit))
        _assert_sane(text, run_checks(text, corpus=()))
