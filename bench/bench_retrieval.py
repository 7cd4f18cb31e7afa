"""Retrieval speed: index build and per-query latency on the real corpus and on 10,000 synthetic letters.

Prints plain `name: value unit` lines. The synthetic letters recombine the real letters'
sections with varied metadata, so vocabulary and lengths stay realistic. It also times
parsing 10,000 letter files from disk, which tells whether an on-disk index cache would pay:
the index build is what such a cache saves; parsing the files is needed either way.

Run: .venv/bin/python bench/bench_retrieval.py [--letters 10000] [--queries 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from appealagent.corpus import retrieval
from appealagent.corpus.store import Letter, load_corpus, load_dir, section_headings
from appealagent.corpus.user import compose
from appealagent.model.case import Case, LetterKind, Marketplace, ViolationType


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def synthetic_letters(real: list[Letter], n: int, rng: random.Random) -> list[Letter]:
    """n letters whose sections are drawn from different real letters, with random metadata."""
    headings = section_headings()
    pools: dict[str, list[str]] = {}
    for letter in real:
        for key, text in letter.sections.items():
            pools.setdefault(key, []).append(text)
    shapes = [list(letter.sections) for letter in real]
    out = []
    for i in range(n):
        shape = rng.choice(shapes)
        sections = {key: rng.choice(pools[key]) for key in shape}
        english = "\n\n".join(f"{headings[key]}\n{text}" for key, text in sections.items())
        out.append(
            Letter(
                id=f"syn-{i:05d}",
                kind=rng.choice(list(LetterKind)),
                violation_type=rng.choice(list(ViolationType)),
                topic=rng.choice([letter.topic for letter in real]),
                marketplace=rng.choice(list(Marketplace)),
                outcome=rng.choice(["reinstated", "model", "unknown"]),
                source="synthetic",
                tags=rng.choice([letter.tags for letter in real]),
                sections=sections,
                english=english,
                chinese=None,
                path=Path(f"/synthetic/syn-{i:05d}.md"),
                origin="user",
            )
        )
    return out


def query_cases(real: list[Letter], n: int, rng: random.Random) -> list[Case]:
    """Cases shaped like real ones: metadata plus a notice and a root cause drawn from letter text."""
    cases = []
    for i in range(n):
        letter = real[i % len(real)]
        other = rng.choice(real)
        first = next(iter(letter.sections.values()))
        cases.append(
            Case.model_validate(
                {
                    "violation_type": letter.violation_type.value,
                    "letter_kind": letter.kind.value,
                    "marketplace": rng.choice(list(Marketplace)).value,
                    "topic": letter.topic,
                    "notification": {"subject": f"Notice about {letter.violation_type.value.replace('_', ' ')}", "text": first[:600]},
                    "root_causes": [{"text": next(iter(other.sections.values()))[:400]}],
                }
            )
        )
    return cases


def time_queries(cases: list[Case], letters: list[Letter]) -> list[float]:
    times = []
    for case in cases:
        start = time.perf_counter()
        retrieval.retrieve(case, k=3, letters=letters)
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"{name}_queries: {len(times)} count")
    print(f"{name}_query_median: {_ms(statistics.median(times))} ms")
    print(f"{name}_query_p95: {_ms(p95)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(20260412)

    start = time.perf_counter()
    import bm25s  # noqa: F401

    print(f"import_bm25s: {_ms(time.perf_counter() - start)} ms")

    start = time.perf_counter()
    real = load_corpus(include_user=False)
    print(f"real_letters: {len(real)} count")
    print(f"real_load_parse: {_ms(time.perf_counter() - start)} ms")
    if not real:
        print("real_corpus: empty; nothing to measure")
        return

    start = time.perf_counter()
    retrieval.build_index(real)
    print(f"real_index_build: {_ms(time.perf_counter() - start)} ms")
    cases = query_cases(real, args.queries, rng)
    report("real", time_queries(cases, real))

    synthetic = synthetic_letters(real, args.letters, rng)
    words = sum(len(letter.english.split()) for letter in synthetic)
    print(f"synthetic_letters: {len(synthetic)} count")
    print(f"synthetic_words: {words} words")
    start = time.perf_counter()
    retrieval.build_index(synthetic)
    print(f"synthetic_index_build: {_ms(time.perf_counter() - start)} ms")
    report("synthetic", time_queries(cases, synthetic))

    # What loading 10,000 user letters from disk costs regardless of any index cache.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for letter in synthetic:
            meta = {
                "id": letter.id,
                "kind": letter.kind.value,
                "violation_type": letter.violation_type.value,
                "topic": letter.topic,
                "marketplace": letter.marketplace.value if letter.marketplace else None,
                "outcome": letter.outcome,
                "source": letter.source,
                "tags": letter.tags,
                "sections": list(letter.sections),
                "language": "en",
            }
            body = "## English\n\n" + "\n\n".join(f"### {section_headings()[k]}\n{t}" for k, t in letter.sections.items())
            (folder / f"{letter.id}.md").write_text(compose(meta, body), encoding="utf-8")
        start = time.perf_counter()
        loaded = load_dir(folder, "user")
        print(f"synthetic_files_parse: {_ms(time.perf_counter() - start)} ms")
        assert len(loaded) == len(synthetic)


if __name__ == "__main__":
    main()
