"""Precision and recall of the check catalogue, and its speed.

Good letters (fewshot/, every evals/**/reference*.md with its case.json, and the style set
tests/data/good_letters/ with its NAME.json cases) must have no error-level finding: each one
is a false positive. Bad letters (tests/data/bad_letters/) name in a sidecar the rules that
must fire: each one that does not is a miss. Warnings on good letters are reported apart
(the style set separately, since it stands in for real sellers' letters we do not have).

    precision = expected rules fired / (expected rules fired + errors on good letters)
    recall    = expected rules fired / expected rules

The readiness figures use the one verdict (checks.readiness): a flawed letter is a bad letter whose
flaw DOMAIN §6 counts as an error; each must be "not ready", each good letter "ready" (0 errors).
    readiness_precision = flawed letters not ready / (flawed letters not ready + good letters not ready)
    readiness_recall    = flawed letters not ready / flawed letters
The genericity share (specificity.generic_letter) is printed for both sides of its threshold.

Run: python bench/bench_checks.py   (prints `name: value unit` lines)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from appealagent.checks import RULES, data, run_checks
from appealagent.checks.calibration import Result, calibrate
from appealagent.checks.context import CheckContext
from appealagent.checks.document import parse_document
from appealagent.checks.rules.specificity import genericity


def _ms(values: list[float]) -> tuple[float, float]:
    return (1000 * statistics.mean(values), 1000 * max(values)) if values else (0.0, 0.0)


def _offline_drafts() -> tuple[int, int] | None:
    """Offline drafts of the eval cases: how many pass with no error (a [TO COMPLETE] marker is one)."""
    try:
        from appealagent.engines.offline import draft_offline
        from appealagent.files import load_model
        from appealagent.letters.render import render_letter
        from appealagent.model.case import Case
    except ImportError:
        return None
    cases = sorted((ROOT / "evals").glob("**/case.json"))
    clean = 0
    for path in cases:
        case = load_model(Case, path, what="case")
        report = run_checks(render_letter(draft_offline(case)), case=case)
        clean += report.ok
    return clean, len(cases)


def _genericity(result: Result) -> float:
    s = result.sample
    ctx = CheckContext(parse_document(s.text), case=s.case, kind=s.kind, source=s.path, corpus=())
    return genericity(ctx)[0]


def _threshold() -> float:
    return float(data.load("specificity")["generic_letter"]["max_share"])


def main() -> int:
    cal = calibrate(ROOT / "tests" / "data" / "bad_letters", ROOT / "tests" / "data" / "good_letters")
    print(f"checks_rules: {len(RULES)} rules")
    print(f"checks_good_letters: {len(cal.good)} letters")
    print(f"checks_bad_letters: {len(cal.bad)} letters")
    print(f"checks_expected_findings: {cal.expected} rules")
    print(f"checks_precision: {cal.precision:.3f} ratio")
    print(f"checks_recall: {cal.recall:.3f} ratio")
    print(f"checks_false_positives: {len(cal.false_positives)} errors on good letters")
    print(f"checks_misses: {len(cal.misses)} expected rules not fired")
    flawed_caught = len(cal.flawed) - len(cal.flawed_ready)
    good_not_ready = sum(1 for r in cal.good if r.report.errors)
    print(f"readiness_flawed_letters: {len(cal.flawed)} letters")
    print(f"readiness_flawed_not_ready: {flawed_caught} letters")
    print(f"readiness_good_not_ready: {good_not_ready} letters")
    print(f"readiness_precision: {flawed_caught / max(1, flawed_caught + good_not_ready):.3f} ratio")
    print(f"readiness_recall: {flawed_caught / max(1, len(cal.flawed)):.3f} ratio")
    good_share = max((_genericity(r) for r in cal.good), default=0.0)
    generic = [_genericity(r) for r in cal.bad if "specificity.generic_letter" in r.sample.expect]
    print(f"readiness_genericity_good_max: {good_share:.2f} share (threshold {_threshold():.2f})")
    print(f"readiness_genericity_generic_min: {min(generic, default=0.0):.2f} share")
    warnings = [sum(1 for f in r.report.findings if f.severity == 'warning') for r in cal.good]
    print(f"checks_good_warnings: {sum(warnings)} warnings on good letters")
    style_errors = sum(r.report.errors for r in cal.styles)
    style_warnings = sum(r.report.warnings for r in cal.styles)
    print(f"checks_style_letters: {len(cal.styles)} letters")
    print(f"checks_style_errors: {style_errors} errors on style letters")
    print(f"checks_style_warnings: {style_warnings} warnings on style letters")
    mean, worst = _ms([r.seconds for r in cal.good + cal.bad])
    print(f"checks_time_per_letter: {mean:.1f} ms")
    print(f"checks_time_per_letter_max: {worst:.1f} ms")
    base = (ROOT / "tests" / "data" / "bad_letters" / "22_late_shipment_no_outstanding.txt").read_text(encoding="utf-8")
    big = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    start = time.perf_counter()
    run_checks(big, corpus=())
    print(f"checks_time_1mb_letter: {time.perf_counter() - start:.2f} s")
    drafts = _offline_drafts()
    if drafts is not None:
        clean, total = drafts
        print(f"checks_offline_drafts_without_errors: {clean}/{total} eval cases")
    for path, rule, message in cal.false_positives:
        print(f"# false positive: {path.relative_to(ROOT)}: {rule}: {message}", file=sys.stderr)
    for r in cal.good:
        for f in r.report.findings:
            if f.severity == "warning":
                print(f"# warning on a good letter: {r.sample.path.relative_to(ROOT)}: {f.rule_id}: {f.message} ({f.excerpt})", file=sys.stderr)
    for path, rule in cal.misses:
        print(f"# miss: {path.relative_to(ROOT)}: {rule}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
