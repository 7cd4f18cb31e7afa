"""The eval runner: dataset → solver (one drafting engine) → scorers → results with aggregates.

Solvers are small functions `Sample -> Output` that call the same public entry
point a seller's command calls (`pipeline.draft_case`), so what is graded is
what a seller gets. The runner knows nothing about how a letter is written or
scored: it pairs samples with solvers and scorers, times each case, and keeps
going when one case fails (the failure is recorded and counts as a regression).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appealagent.errors import AppealAgentError
from appealagent.evals.dataset import Sample
from appealagent.evals.scorers import DEFAULT_SCORERS, Output, Score, ScoreFn, score_all
from appealagent.pipeline import draft_case
from appealagent.settings import Settings

Solver = Callable[[Sample], Output]

ORIGIN_NOTES = {
    "offline": "Letters drafted by the offline engine from each case's facts.",
    "hand-written": (
        "LLM engine run against hand-written recorded replies (evals/recordings/, origin: hand-written) "
        "served by a local stub server. It tests the pipeline (prompts, parsing, redaction, grounding, "
        "rendering) and says nothing about any model's quality."
    ),
    "live": "LLM engine run against a live model (the drafting cost table names the style: editor or author).",
}


@dataclass
class CaseResult:
    id: str
    scores: dict[str, Score]
    seconds: float  # drafting only (the engine's cost, as the drafting-cost figures report it)
    origin: str = ""
    error: str | None = None
    total_seconds: float = 0.0  # drafting and grading: what the case cost the run
    letter: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> float | None:
        score = self.scores.get(name)
        return score.value if score is not None else None

    def as_dict(self, with_letter: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "origin": self.origin,
            "seconds": round(self.seconds, 4),
            "total_seconds": round(self.total_seconds, 4),
            "error": self.error,
            "scores": {name: s.as_dict() for name, s in self.scores.items()},
        }
        if self.meta:
            data["meta"] = self.meta
        if with_letter:
            data["letter"] = self.letter
        return data


@dataclass
class Aggregate:
    mean: float | None
    stderr: float | None
    n: int

    def as_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "stderr": self.stderr, "n": self.n}


def aggregate(values: list[float | None]) -> Aggregate:
    """Mean and standard error of the mean over the values that apply (None = not applicable)."""
    xs = [v for v in values if v is not None]
    if not xs:
        return Aggregate(None, None, 0)
    mean = sum(xs) / len(xs)
    if len(xs) < 2:
        return Aggregate(mean, 0.0, len(xs))
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)
    return Aggregate(mean, math.sqrt(var / len(xs)), len(xs))


@dataclass
class EvalRun:
    engine: str  # baseline key: offline, llm-replay, llm-live
    origin: str
    cases_dir: str
    scorer_names: list[str]
    results: list[CaseResult] = field(default_factory=list)
    started: str = ""
    seconds: float = 0.0

    @property
    def origin_note(self) -> str:
        return ORIGIN_NOTES.get(self.origin, "")

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.error]

    def overall(self) -> dict[str, Aggregate]:
        return {name: aggregate([r.value(name) for r in self.results if not r.error]) for name in self.scorer_names}

    def as_dict(self, with_letters: bool = False) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "origin": self.origin,
            "origin_note": self.origin_note,
            "cases_dir": self.cases_dir,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "scorers": self.scorer_names,
            "overall": {name: agg.as_dict() for name, agg in self.overall().items()},
            "cases": [r.as_dict(with_letters) for r in self.results],
        }


def run_eval(
    samples: list[Sample],
    solver: Solver,
    *,
    engine: str,
    origin: str,
    cases_dir: Path | str = "",
    scorers: tuple[str, ...] | list[str] = DEFAULT_SCORERS,
    extra: dict[str, ScoreFn] | None = None,
    on_case: Callable[[Sample, CaseResult], None] | None = None,
) -> EvalRun:
    """Draft every sample with `solver` and grade it with every scorer."""
    names = list(scorers) + list(extra or {})
    run = EvalRun(engine=engine, origin=origin, cases_dir=str(cases_dir), scorer_names=names, started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    t_run = time.perf_counter()
    for sample in samples:
        t0 = time.perf_counter()
        try:
            output = solver(sample)
        except AppealAgentError as exc:
            result = CaseResult(sample.id, {}, time.perf_counter() - t0, origin, error=f"{type(exc).__name__}: {exc}")
        else:
            seconds = time.perf_counter() - t0  # drafting time; scoring is the grader's cost
            scores = score_all(sample, output, scorers, extra)
            result = CaseResult(sample.id, scores, seconds, output.origin or origin, letter=output.letter, meta=output.meta)
        result.total_seconds = time.perf_counter() - t0
        run.results.append(result)
        if on_case is not None:
            on_case(sample, result)
    run.seconds = time.perf_counter() - t_run
    return run


# ---- solvers --------------------------------------------------------------------------------


def offline_solver() -> Solver:
    """The offline engine through the seller's own entry point."""

    def solve(sample: Sample) -> Output:
        outcome = draft_case(sample.case, engine="offline", check=False)
        result = outcome.result
        return Output(letter=outcome.letter, engine="offline", origin="offline", meta={"notes": list(result.notes), "missing": list(result.missing)})

    return solve


def llm_solver(settings: Settings, *, origin: str, before: Callable[[Sample], None] | None = None) -> Solver:
    """The LLM engine through `pipeline.draft_case(case, engine="llm", settings=…)`.

    `before` runs ahead of each case (the replay server uses it to pick the recording).
    """

    def solve(sample: Sample) -> Output:
        if before is not None:
            before(sample)
        # check=True as for a seller: the engine re-asks when its draft fails an error-level check.
        outcome = draft_case(sample.case, engine="llm", settings=settings, check=True)
        result = outcome.result
        meta: dict[str, Any] = {"notes": list(result.notes), "missing": list(result.missing)}
        draft_meta = result.meta
        for key in ("requests", "prompt", "model", "usage", "style", "kept_offline", "fallback_from", "rounds"):
            if key in draft_meta:
                meta[key] = draft_meta[key]
        return Output(letter=outcome.letter, engine="llm", origin=origin, meta=meta)

    return solve
