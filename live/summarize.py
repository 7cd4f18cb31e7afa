"""Write the live report: the scores and the drafting cost of each style side by side, from live/run.sh's per-case results.

Usage: python live/summarize.py RESULTS_DIR  (prints Markdown). RESULTS_DIR holds
<style>/<case>.json, each the `appealagent eval --json` output of one case. The
figures are the eval report's own (appealagent.evals.costs and the scorers'
values), pooled over the cases of each style.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from appealagent.evals.costs import cost_lines, drafting_costs
from appealagent.evals.runner import CaseResult, EvalRun
from appealagent.evals.scorers import Score

SCORES = ("structure", "fact_recall", "grounding_errors", "forbidden_found", "check_errors", "check_warnings", "rouge_l", "length_ratio")


def load_run(style_dir: Path) -> EvalRun:
    """The per-case results of one style as one EvalRun, so the report's own cost figures apply."""
    run = EvalRun(engine=f"llm-live-{style_dir.name}", origin="live", cases_dir=str(style_dir), scorer_names=list(SCORES))
    for path in sorted(style_dir.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []):
            if case["id"] != path.stem:
                continue  # each file is one case's run; anything else in it is not part of the subset's count
            scores = {name: Score(value=s.get("value"), details=s.get("details", [])) for name, s in case.get("scores", {}).items()}
            run.results.append(CaseResult(case["id"], scores, case["seconds"], "live", error=case.get("error"), meta=case.get("meta", {})))
    return run


def _mean(run: EvalRun, name: str) -> str:
    xs = [v for r in run.results if not r.error and (v := r.value(name)) is not None]
    return f"{statistics.fmean(xs):.2f}" if xs else "–"


def summary(results: Path) -> str:
    runs = [load_run(d) for d in sorted(p for p in results.iterdir() if p.is_dir())]
    runs = [r for r in runs if r.results]
    lines = ["# Live run: the LLM engine on a real local model", ""]
    if not runs:
        return "\n".join([*lines, "No results yet."]) + "\n"
    header = "| figure | " + " | ".join(r.engine for r in runs) + " |"
    lines += ["## Drafting cost", "", header, "|---|" + "---:|" * len(runs)]
    cols = [cost_lines(drafting_costs(r)) for r in runs]
    for i, (label, _) in enumerate(cols[0]):
        lines.append(f"| {label} | " + " | ".join(c[i][1] for c in cols) + " |")
    lines += ["", "## Scores (mean over the drafted cases)", "", header, "|---|" + "---:|" * len(runs)]
    for name in SCORES:
        lines.append(f"| {name} | " + " | ".join(_mean(r, name) for r in runs) + " |")
    lines += ["", "## Per case", ""]
    for r in runs:
        lines += [f"### {r.engine}", "", "| case | by model | kept offline | requests | in / out tokens | seconds | grounding | check errors | fact recall |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]
        for c in r.results:
            if c.error:
                lines.append(f"| {c.id} | failed: {c.error[:80]} | | | | {c.seconds:.0f} | | | |")
                continue
            m, u = c.meta, c.meta.get("usage") or {}
            forbidden = c.scores.get("forbidden_found")
            untranslated = forbidden is not None and any("[TO COMPLETE" in d for d in forbidden.details)
            by_model = "yes" if not m.get("kept_offline") and not m.get("fallback_from") and not untranslated else "no"
            lines.append(
                f"| {c.id} | {by_model} | {', '.join(m.get('kept_offline') or []) or '–'} | {m.get('requests', '–')} | "
                f"{u.get('prompt_tokens', 0)} / {u.get('completion_tokens', 0)} | {c.seconds:.0f} | {c.value('grounding_errors')} | "
                f"{c.value('check_errors')} | {c.value('fact_recall')} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python live/summarize.py RESULTS_DIR")
    sys.stdout.write(summary(Path(sys.argv[1])))
