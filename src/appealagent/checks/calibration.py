"""Calibrating the catalogue: known-good letters must pass, known-bad letters must be caught.

Good letters are the few-shot corpus and the eval reference letters (with their case
when one sits beside them), plus a folder of letters in the many styles real sellers and
agencies write (tests/data/good_letters/: `NAME.txt` or `NAME.md`, with `NAME.json` as its
case when the letter needs one, e.g. an in-error appeal, and an optional `NAME.yaml` with
`allow: [rule ids]` for warnings a careful reviewer would agree with). Bad letters live in
tests/data/bad_letters/: each `NAME.txt` or `NAME.md` has a sidecar `NAME.yaml` naming the
rules that must fire, and optionally a case file, a kind and a folder of example letters
for the overlap rule. The test-suite and bench/bench_checks.py both use this module, so
the figures and the tests agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from appealagent import paths
from appealagent.catalog.loader import parse_yaml
from appealagent.checks.model import CheckReport
from appealagent.checks.readiness import verdict
from appealagent.checks.runner import registry, run_checks
from appealagent.errors import AppealAgentError
from appealagent.files import load_model, read_text
from appealagent.model.case import Case, LetterKind

LETTER_SUFFIXES = (".txt", ".md")


@dataclass
class Sample:
    path: Path
    text: str
    case: Case | None = None
    kind: LetterKind | None = None
    expect: list[str] = field(default_factory=list)
    corpus: list[Any] | None = None
    note: str = ""
    allow: list[str] = field(default_factory=list)


@dataclass
class Result:
    sample: Sample
    report: CheckReport
    seconds: float

    @property
    def fired(self) -> set[str]:
        return self.report.rule_ids()

    @property
    def missed(self) -> list[str]:
        return [r for r in self.sample.expect if r not in self.fired]


def good_samples() -> list[Sample]:
    """Every corpus letter and every eval reference letter (with its case.json when present)."""
    out: list[Sample] = []
    fewshot = paths.fewshot_dir()
    if fewshot.is_dir():
        for p in sorted(fewshot.glob("*.md")):
            if p.name.lower() == "readme.md":
                continue
            out.append(Sample(p, read_text(p, what="letter")))
    evals = paths.evals_dir()
    if evals.is_dir():
        for p in sorted(evals.glob("**/reference*.md")) + sorted(evals.glob("**/reference*.txt")):
            case_file = p.parent / "case.json"
            case = None
            note = ""
            if case_file.exists():
                try:
                    case = load_model(Case, case_file, what="case")
                except AppealAgentError as exc:  # checked without its case; the eval suite reports the case
                    note = f"case not loaded: {exc}"
            out.append(Sample(p, read_text(p, what="letter"), case=case, note=note))
    return out


def good_folder_samples(folder: Path) -> list[Sample]:
    """The good letters of a folder, each with its `NAME.json` case and `NAME.yaml` allowances when present."""
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    for p in sorted(folder.iterdir()):
        if p.suffix not in LETTER_SUFFIXES or p.name.lower() == "readme.md":
            continue
        case_file = p.with_suffix(".json")
        case = load_model(Case, case_file, what="case") if case_file.exists() else None
        sidecar = p.with_suffix(".yaml")
        meta: dict[str, Any] = parse_yaml(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
        kind = LetterKind(meta["kind"]) if meta.get("kind") else None
        out.append(Sample(p, read_text(p, what="letter"), case=case, kind=kind, note=str(meta.get("note", "")), allow=list(meta.get("allow", []))))
    return out


def _folder_corpus(folder: Path) -> list[Any]:
    return [
        SimpleNamespace(id=p.stem, english=read_text(p, what="letter"), path=p, violation_type=None, sections={})
        for p in sorted(folder.iterdir())
        if p.suffix in LETTER_SUFFIXES
    ]


def bad_samples(folder: Path) -> list[Sample]:
    """The bad letters of a folder, each with its sidecar's expectations."""
    out: list[Sample] = []
    for p in sorted(folder.iterdir()):
        if p.suffix not in LETTER_SUFFIXES:
            continue
        sidecar = p.with_suffix(".yaml")
        meta: dict[str, Any] = parse_yaml(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
        case = load_model(Case, folder / meta["case"], what="case") if meta.get("case") else None
        kind = LetterKind(meta["kind"]) if meta.get("kind") else None
        corpus = _folder_corpus(folder / meta["corpus"]) if meta.get("corpus") else None
        out.append(Sample(p, read_text(p, what="letter"), case=case, kind=kind, expect=list(meta.get("expect", [])), corpus=corpus, note=str(meta.get("note", ""))))
    return out


def check_sample(sample: Sample) -> Result:
    start = time.perf_counter()
    report = run_checks(sample.text, case=sample.case, kind=sample.kind, source=sample.path, corpus=sample.corpus)
    return Result(sample, report, time.perf_counter() - start)


@dataclass
class Calibration:
    good: list[Result]
    bad: list[Result]
    styles: list[Result] = field(default_factory=list)  # the good-letter folder, also counted in `good`

    @property
    def false_positives(self) -> list[tuple[Path, str, str]]:
        """Error-level findings on known-good letters: (file, rule, message)."""
        return [(r.sample.path, f.rule_id, f.message) for r in self.good for f in r.report.findings if f.severity == "error"]

    @property
    def expected(self) -> int:
        return sum(len(r.sample.expect) for r in self.bad)

    @property
    def hits(self) -> int:
        return self.expected - len(self.misses)

    @property
    def misses(self) -> list[tuple[Path, str]]:
        return [(r.sample.path, rule) for r in self.bad for rule in r.missed]

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def flawed(self) -> list[Result]:
        """Bad letters with a flaw DOMAIN §6 counts as an error: each must be "not ready"."""
        catalogue = registry()[0]
        return [r for r in self.bad if any(rule in catalogue and catalogue[rule].severity == "error" for rule in r.sample.expect)]

    @property
    def flawed_ready(self) -> list[Path]:
        """Flawed letters the one verdict would still call ready (must be none)."""
        return [r.sample.path for r in self.flawed if verdict(r.report, r.sample.text).ready]

    @property
    def precision(self) -> float:
        denominator = self.hits + len(self.false_positives)
        return self.hits / denominator if denominator else 1.0


def unexpected_warnings(result: Result) -> list[str]:
    """Warnings on a good letter that its sidecar does not allow: "rule at line: message (excerpt)"."""
    return [f"{f.rule_id} at {f.line}:{f.col}: {f.message} ({f.excerpt})" for f in result.report.findings if f.severity == "warning" and f.rule_id not in result.sample.allow]


def calibrate(bad_folder: Path, good_folder: Path | None = None) -> Calibration:
    styles = [check_sample(s) for s in good_folder_samples(good_folder)] if good_folder is not None else []
    return Calibration(good=[check_sample(s) for s in good_samples()] + styles, bad=[check_sample(s) for s in bad_samples(bad_folder)], styles=styles)
