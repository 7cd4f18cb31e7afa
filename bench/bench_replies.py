"""Benchmark reading Amazon's replies to an appeal over tests/data/replies: per-field accuracy and speed.

Prints plain `name: value unit` lines. Accuracy is per field over every reply (fields left out
of expected.yaml are held to their empty value, as in tests/test_reply.py); `outcome_and_asks`
is the share with both right (issue 13 asks for at least 95%).

    python bench/bench_replies.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

# The fields, their empty values and the summary are the tests' own, so the bench scores what the tests hold.
from tests.test_reply import EMPTY, EXPECTED, REPLIES, summary

from appealagent.intake.reply import read_reply


def main() -> None:
    hits = {f: 0 for f in EMPTY}
    both = 0
    times = []
    misses: list[str] = []
    for name, want in sorted(EXPECTED.items()):
        text = (REPLIES / name).read_text(encoding="utf-8")
        t = time.perf_counter()
        got = summary(read_reply(text))
        times.append(time.perf_counter() - t)
        want = {**EMPTY, **(want or {})}
        for f in EMPTY:
            if got[f] == want[f]:
                hits[f] += 1
            else:
                misses.append(f"{name}: {f} {got[f]!r} != {want[f]!r}")
        both += got["outcome"] == want["outcome"] and got["asks"] == want["asks"]
    n = len(EXPECTED)
    print(f"replies: {n}")
    for f, h in hits.items():
        print(f"accuracy_{f}: {100 * h / n:.1f} %")
    print(f"outcome_and_asks: {100 * both / n:.1f} %")
    print(f"median_read: {1000 * statistics.median(times):.2f} ms")
    for miss in misses:
        print(f"miss: {miss}")


if __name__ == "__main__":
    main()
