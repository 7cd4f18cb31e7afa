"""Where an offline draft's time goes, stage by stage, in fresh processes (median of 7).

`bench_startup.py` times the whole command against the pydantic yardstick; this one
splits it so a regression can be traced: importing the CLI, validating the case,
drafting, rendering, and running the checks (the first run of each pays its imports
and caches, as a seller's one-shot command does).

Run: python bench/bench_draft.py   (prints `name: value unit` lines)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"
RUNS = 7

# One fresh interpreter per run: the stages' first-use costs are what a command pays.
STAGES = r"""
import json, sys, time
t = [time.perf_counter()]
import appealagent.cli
t.append(time.perf_counter())
from appealagent.model.case import Case
case = Case.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
t.append(time.perf_counter())
from appealagent.engines.offline import draft_offline
result = draft_offline(case)
t.append(time.perf_counter())
from appealagent.letters.render import render_letter
letter = render_letter(result)
t.append(time.perf_counter())
from appealagent.checks import run_checks
run_checks(letter, case=case)
t.append(time.perf_counter())
print(json.dumps([b - a for a, b in zip(t, t[1:])]))
"""
NAMES = ["import the CLI (typer, commands)", "validate the case (pydantic)", "draft offline", "render (jinja2)", "checks"]


def main() -> None:
    runs = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", STAGES, str(CASE)], check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    for i, name in enumerate(NAMES):
        print(f"draft stage {name}: {statistics.median(r[i] for r in runs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
