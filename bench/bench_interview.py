"""Interview figures: how fast an answer is judged and saved, and how many questions each type asks.

A seller waits on every answer, so the time from Enter to the next question matters more than
start-up; both are printed. Nothing here is asserted.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from appealagent.interview import plan as qs
from appealagent.interview.askers import ScriptedAsker
from appealagent.interview.flow import Interview
from appealagent.interview.progress import new_progress
from appealagent.model.case import ViolationType
from test_interview import LSR

RUNS = 5


def per_answer_ms() -> tuple[float, int]:
    """Median ms per answer over a whole scripted interview, with a save (model dump) after each answer."""
    times = []
    answers = 0
    for _ in range(RUNS):
        asker = ScriptedAsker(dict(LSR))
        iv = Interview(asker, new_progress("en"), save=lambda case, p: (case.model_dump_json(), p.model_dump_json()))
        start = time.perf_counter()
        iv.run()
        elapsed = time.perf_counter() - start
        answers = len(asker.prompts)
        times.append(elapsed / answers * 1000)
    return statistics.median(times), answers


def process_seconds() -> float:
    """Median wall time of a whole `interview --answers` process (start-up, intake-free, every save to disk)."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "answers.yaml"
        answers.write_text(yaml.safe_dump(LSR), encoding="utf-8")
        for i in range(RUNS):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "appealagent", "interview", "--answers", str(answers), "-o", str(Path(tmp) / f"c{i}.json")],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    qs.load_common()
    for name in qs.set_names():
        qs.load_set(name)
    print(f"question_sets_load: {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"question_sets: {len(qs.set_names())} files")
    covered = sum(1 for vt in ViolationType if vt.value in qs.set_index())
    print(f"violation_types_with_own_set: {covered} of {len(ViolationType)}")
    for name in qs.set_names():
        qset = qs.load_set(name)
        options = sum(len(qs.options_for(q)) for q in qset.questions)
        print(f"set_{name}: {len(qset.questions)} questions, {options} options")
    ms, answers = per_answer_ms()
    print(f"answer_judged_and_saved: {ms:.2f} ms (median over a {answers}-answer interview)")
    print(f"interview_answers_file_process: {process_seconds():.2f} s")


if __name__ == "__main__":
    main()
