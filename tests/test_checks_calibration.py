"""Calibration: no error on any known-good letter; every bad letter caught by the rule meant for it.

The good letters include tests/data/good_letters/, written in the styles real sellers and agencies
use (numbered or question headings, Q&A, no headings, tables, per-issue parts); those are also held
to no warning beyond what their sidecar allows, so a new false alarm shows up here first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from appealagent.checks import RULES, overlap_share, run_checks
from appealagent.checks.calibration import bad_samples, check_sample, good_folder_samples, good_samples, unexpected_warnings
from appealagent.model.case import AppealRoute

BAD = Path(__file__).parent / "data" / "bad_letters"
STYLES_DIR = Path(__file__).parent / "data" / "good_letters"
STYLES = good_folder_samples(STYLES_DIR)
GOOD = good_samples() + STYLES
BADS = bad_samples(BAD)
try:  # load the built-in corpus once (each test has its own APPEALAGENT_HOME, which defeats its cache)
    from appealagent.corpus.store import load_corpus

    CORPUS = tuple(load_corpus(include_user=False))
except ImportError:
    CORPUS = ()
for _s in [*GOOD, *BADS]:
    if _s.corpus is None:
        _s.corpus = list(CORPUS)


def test_there_are_enough_samples() -> None:
    assert len(BADS) >= 20
    assert all(s.expect for s in BADS), "every bad letter names the rules it must trigger"
    assert len(GOOD) >= 1
    assert len(STYLES) >= 16
    assert any(s.case is not None and s.case.route == AppealRoute.in_error for s in STYLES), "an in-error letter is checked with its case"


@pytest.mark.parametrize("sample", GOOD, ids=[str(s.path.relative_to(s.path.parents[1])) for s in GOOD])
def test_good_letter_has_no_error(sample) -> None:
    result = check_sample(sample)
    errors = [f"{f.rule_id} at {f.line}:{f.col}: {f.message} ({f.excerpt})" for f in result.report.findings if f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("sample", STYLES, ids=[s.path.name for s in STYLES])
def test_good_style_letter_has_no_unexpected_warning(sample) -> None:
    result = check_sample(sample)
    assert result.report.errors == 0
    assert unexpected_warnings(result) == []
    # every style is read as a full plan (an in-error appeal may leave out prevention)
    parts = {"root_cause", "corrective_actions"} | ({"preventive_measures"} if sample.case is None or sample.case.route != AppealRoute.in_error else set())
    assert parts <= set(result.report.sections_found)


def test_in_error_letter_is_judged_by_its_route() -> None:
    """The same in-error letter, read as a plan of action, may be told it denies the notice; with its case it may not."""
    sample = next(s for s in STYLES if s.case is not None and s.case.route == AppealRoute.in_error)
    as_plan = sample.case.model_copy(update={"route": AppealRoute.plan_of_action})
    denial = "We did nothing wrong, and the complaint was clearly false."
    text = sample.text.replace("We ask you to review", f"{denial} We ask you to review")
    assert text != sample.text
    assert "tone.denial" in run_checks(text, case=as_plan, corpus=()).rule_ids()
    assert "tone.denial" not in run_checks(text, case=sample.case, corpus=()).rule_ids()


@pytest.mark.parametrize("sample", BADS, ids=[s.path.name for s in BADS])
def test_bad_letter_is_caught(sample) -> None:
    unknown = [r for r in sample.expect if r not in RULES]
    assert unknown == [], f"sidecar names rules that do not exist: {unknown}"
    result = check_sample(sample)
    assert result.missed == [], f"{sample.path.name}: expected {result.missed} to fire; fired {sorted(result.fired)}"


def test_every_rule_but_the_form_limit_is_exercised_by_a_bad_letter() -> None:
    covered = {r for s in BADS for r in s.expect}
    # too_long sits between two thresholds; part_limit needs a form limit; truncated needs 200,000 characters
    assert set(RULES) - covered <= {"length.part_limit", "length.too_long", "length.truncated"}


def test_overlap_share_on_texts() -> None:
    a = " ".join(f"word{i}" for i in range(100))
    assert overlap_share(a, a) == 1.0
    assert overlap_share(a, "nothing in common at all here") == 0.0
    half = " ".join(f"word{i}" for i in range(50)) + " " + " ".join(f"other{i}" for i in range(50))
    assert 0.4 < overlap_share(a, half) < 0.5
    assert overlap_share("too short", "too short") == 0.0
    assert overlap_share(a.upper(), a) == 1.0  # case does not matter


def test_every_flawed_letter_is_not_ready_and_every_good_letter_is() -> None:
    """The one verdict (checks.readiness) on the calibration sets: DOMAIN §6's errors are never "ready"."""
    from appealagent.checks.calibration import Calibration
    from appealagent.checks.readiness import verdict

    cal = Calibration(good=[], bad=[check_sample(s) for s in BADS])
    assert len(cal.flawed) >= 30
    assert cal.flawed_ready == []
    ready_good = [s.path.name for s in STYLES if not verdict(check_sample(s).report, s.text).ready]
    assert ready_good == []

