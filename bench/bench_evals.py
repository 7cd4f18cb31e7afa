"""The offline eval: overall scores (mean ± standard error) and time per case.

Prints plain `name: value unit` lines. Draft time is the offline engine alone; score
time is all scorers together (checks and retrieval included), per case.

Run: .venv/bin/python bench/bench_evals.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from appealagent.evals.dataset import load_dataset
from appealagent.evals.runner import offline_solver, run_eval
from appealagent.evals.scorers import SCORERS, score_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="Runs to time (the best is reported).")
    args = parser.parse_args()

    t0 = time.perf_counter()
    samples = load_dataset()
    load_s = time.perf_counter() - t0
    solver = offline_solver()
    walls, drafts, scores = [], [], []
    run = None
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        run = run_eval(samples, solver, engine="offline", origin="offline")
        walls.append(time.perf_counter() - t)
        drafts.append(sum(r.seconds for r in run.results))
    # Scoring cost on its own, per case, on the outputs of the last run.
    from appealagent.evals.scorers import Output

    for r in run.results:
        sample = next(s for s in samples if s.id == r.id)
        t = time.perf_counter()
        score_all(sample, Output(letter=r.letter or "", engine="offline"))
        scores.append(time.perf_counter() - t)

    n = len(samples)
    print(f"eval_cases: {n} cases")
    print(f"eval_dataset_load: {load_s * 1000:.1f} ms")
    print(f"eval_offline_total: {min(walls):.3f} s")
    print(f"eval_offline_per_case: {min(walls) / n * 1000:.1f} ms")
    print(f"eval_offline_draft_per_case: {min(drafts) / n * 1000:.2f} ms")
    print(f"eval_score_per_case_median: {statistics.median(scores) * 1000:.1f} ms")
    print(f"eval_score_per_case_max: {max(scores) * 1000:.1f} ms")
    for name, agg in run.overall().items():
        if agg.mean is None:
            continue
        unit = "count" if SCORERS[name].fmt == "count" else "score"
        print(f"eval_{name}_mean: {agg.mean:.3f} {unit}")
        print(f"eval_{name}_stderr: {agg.stderr:.3f} {unit}")

if __name__ == "__main__":
    main()
