"""Benchmark `appealagent intake` over tests/data/notices: per-field accuracy and speed.

Prints plain `name: value unit` lines. Accuracy is per field over the notices whose
expectations name that field (fields left out are held to their empty value, as in the tests);
speed is the median in-process time per notice and the wall time of one CLI run.

    python bench/bench_intake.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

# The fields and their empty values are the tests' own, so the bench scores what the tests hold.
from tests.test_intake import EMPTY as FIELDS
from tests.test_intake import NOTICES, TODAY

from appealagent.intake.assemble import parse_notice, summary


def _norm(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _same(field: str, got: object, want: object) -> bool:
    if field == "documents":
        return sorted(got) == sorted(want)  # type: ignore[arg-type]
    if field == "metrics":
        pairs = [(m["name"], m["value"]) for m in got]  # type: ignore[union-attr]
        return pairs == [(m["name"], m["value"]) for m in want]  # type: ignore[union-attr]
    return got == want


def _encodings_agree() -> int:
    """How many re-encoded copies of a Chinese notice read exactly like the UTF-8 file (through files.decode_text)."""
    from appealagent.files import decode_text

    text = (NOTICES / "89_odr_chinese_date_passed.txt").read_text(encoding="utf-8")
    want = parse_notice(text, today=TODAY).model_dump()
    return sum(parse_notice(decode_text(text.encode(enc), name=enc), today=TODAY).model_dump() == want for enc in ("utf-16", "utf-16-le", "gbk"))


def main() -> None:
    expected = yaml.safe_load((NOTICES / "expected.yaml").read_text(encoding="utf-8"))
    # Rules load and compile on first use, so the first notice carries that cost.
    t0 = time.perf_counter()
    parse_notice((NOTICES / sorted(expected)[0]).read_text(encoding="utf-8"), today=TODAY)
    first = time.perf_counter() - t0
    hits = {f: 0 for f in FIELDS}
    times = []
    misses: list[str] = []
    for name, want in sorted(expected.items()):
        text = (NOTICES / name).read_text(encoding="utf-8")
        t = time.perf_counter()
        got = summary(parse_notice(text, today=TODAY))
        times.append(time.perf_counter() - t)
        for field, empty in FIELDS.items():
            w = _norm(want.get(field, empty))
            if _same(field, got[field], w):
                hits[field] += 1
            else:
                misses.append(f"{name}: {field}: got {got[field]!r}, want {w!r}")
    n = len(expected)
    # Fields checked only where a notice's expectations name them (as in the tests).
    named = {f: [(nm, w) for nm, w in expected.items() if f in w] for f in ("route", "deadline_status", "store_name")}
    named_hits = {f: sum(summary(parse_notice((NOTICES / nm).read_text(encoding="utf-8"), today=TODAY))[f] == w[f] for nm, w in rows) for f, rows in named.items()}
    phishing = [nm for nm, w in expected.items() if w.get("phishing")]
    flagged = {nm for nm in expected if summary(parse_notice((NOTICES / nm).read_text(encoding="utf-8"), today=TODAY))["phishing"]}
    print(f"intake_notices: {n} notices")
    for field, count in hits.items():
        print(f"intake_accuracy_{field}: {100 * count / n:.1f} %")
    print(f"intake_accuracy_all_fields: {100 * sum(hits.values()) / (n * len(FIELDS)):.1f} %")
    for f, rows in named.items():
        print(f"intake_accuracy_{f}_where_given: {100 * named_hits[f] / max(1, len(rows)):.1f} % of {len(rows)}")
    print(f"intake_phishing_caught: {len(flagged & set(phishing))} of {len(phishing)}")
    print(f"intake_phishing_false_alarms: {len(flagged - set(phishing))} of {n - len(phishing)} genuine or other texts")
    print(f"intake_encodings_same_result: {_encodings_agree()} of 3 (UTF-16, UTF-16 without BOM, GBK copies of a Chinese notice)")
    print(f"intake_first_notice_with_rules_load: {1000 * first:.1f} ms")
    print(f"intake_median_per_notice: {1000 * statistics.median(times):.2f} ms")
    print(f"intake_max_per_notice: {1000 * max(times):.2f} ms")
    exe = shutil.which("appealagent", path=str(Path(sys.executable).parent)) or shutil.which("appealagent")
    if exe:
        notice = NOTICES / sorted(expected)[0]
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([exe, "intake", str(notice)], capture_output=True, check=False, env={**os.environ, "NO_COLOR": "1"})
            runs.append(time.perf_counter() - t)
        print(f"intake_cli_wall: {1000 * statistics.median(runs):.0f} ms")
    for line in misses:
        print(f"# miss {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
