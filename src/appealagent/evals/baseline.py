"""Accepted scores (evals/baseline.json) and the comparison that fails a run when a case gets worse.

The baseline holds, per engine label (offline, llm-replay, llm-live), the accepted
score of every case and the overall means, plus tolerances. A run regresses when
any score moves the wrong way by more than its tolerance; the message names the
case and the score so the person who made the change knows where to look.
Accepting new scores is an explicit act (`--update-baseline`), never automatic.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appealagent.errors import InputError
from appealagent.evals.runner import EvalRun
from appealagent.evals.scorers import SCORERS, format_value
from appealagent.files import load_json

SCHEMA_VERSION = 1
EPSILON = 1e-9


@dataclass
class Regression:
    case: str | None  # None = the overall mean
    scorer: str
    value: float | None
    baseline: float | None
    tolerance: float
    reason: str = ""

    @property
    def message(self) -> str:
        where = f"case {self.case}" if self.case else "overall"
        if self.reason:
            return f"{where}: {self.reason}"
        spec = SCORERS.get(self.scorer)
        v, b = format_value(self.scorer, self.value), format_value(self.scorer, self.baseline)
        if spec is not None and spec.better == "target":
            return f"{where}: {self.scorer} {v} is further from {spec.target:g} than baseline {b} (tolerance {self.tolerance:g})"
        word = "below" if spec is None or spec.better == "higher" else "above"
        return f"{where}: {self.scorer} {v} is {word} baseline {b} by more than its tolerance {self.tolerance:g}"

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "scorer": self.scorer, "value": self.value, "baseline": self.baseline, "tolerance": self.tolerance, "message": self.message}


@dataclass
class Comparison:
    baseline_file: str
    engine: str
    regressions: list[Regression] = field(default_factory=list)
    improved: list[str] = field(default_factory=list)
    new_cases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.regressions

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline_file": self.baseline_file,
            "engine": self.engine,
            "ok": self.ok,
            "regressions": [r.as_dict() for r in self.regressions],
            "improved": self.improved,
            "new_cases": self.new_cases,
            "notes": self.notes,
        }


def load_baseline(path: Path) -> dict[str, Any]:
    """The baseline file, or an empty one when it does not exist yet."""
    if not path.exists():
        return {"schema_version": SCHEMA_VERSION, "engines": {}}
    data = load_json(path, what="baseline file")
    if not isinstance(data, dict) or not isinstance(data.get("engines"), dict):
        raise InputError(f"{path}: not a baseline file (expected an object with 'engines'); see evals/README.md")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{path}: schema_version must be {SCHEMA_VERSION}")
    return data


def _tolerance(section: dict[str, Any], name: str, overall: bool) -> float:
    key = "overall_tolerances" if overall else "tolerances"
    table = section.get(key) or {}
    if name in table:
        return float(table[name])
    spec = SCORERS.get(name)
    if spec is None:
        return 0.0
    return spec.overall_tolerance if overall else spec.tolerance


def worse(name: str, value: float, baseline: float, tolerance: float) -> bool:
    """Whether `value` is worse than `baseline` by more than `tolerance` for this scorer's direction."""
    spec = SCORERS.get(name)
    better = spec.better if spec else "higher"
    if better == "lower":
        return value > baseline + tolerance + EPSILON
    if better == "target":
        target = spec.target if spec and spec.target is not None else 1.0
        return abs(value - target) > abs(baseline - target) + tolerance + EPSILON
    return value < baseline - tolerance - EPSILON


def better_than(name: str, value: float, baseline: float) -> bool:
    spec = SCORERS.get(name)
    better = spec.better if spec else "higher"
    if better == "lower":
        return value < baseline - EPSILON
    if better == "target":
        target = spec.target if spec and spec.target is not None else 1.0
        return abs(value - target) < abs(baseline - target) - EPSILON
    return value > baseline + EPSILON


def compare(run: EvalRun, data: dict[str, Any], baseline_file: str = "") -> Comparison:
    """Every case and overall score of `run` against the accepted scores for its engine."""
    out = Comparison(baseline_file=baseline_file, engine=run.engine)
    section = data.get("engines", {}).get(run.engine)
    if not section:
        out.notes.append(f"no accepted scores for engine {run.engine!r} yet; run with --update-baseline to accept these")
        return out
    cases: dict[str, dict[str, float | None]] = section.get("cases", {})
    for result in run.results:
        accepted = cases.get(result.id)
        if accepted is None:
            out.new_cases.append(result.id)
            continue
        if result.error:
            out.regressions.append(Regression(result.id, "draft", None, None, 0.0, reason=f"drafting failed: {result.error}"))
            continue
        for name, base in accepted.items():
            value = _rounded(result.value(name))
            if base is None or value is None:
                if base is not None and name in result.scores:
                    out.notes.append(f"case {result.id}: {name} not scored this time ({result.scores[name].explanation})")
                continue
            tol = _tolerance(section, name, overall=False)
            if worse(name, value, float(base), tol):
                out.regressions.append(Regression(result.id, name, value, float(base), tol))
            elif better_than(name, value, float(base)):
                out.improved.append(f"case {result.id}: {name} {format_value(name, value)} (baseline {format_value(name, float(base))})")
    ran = {r.id for r in run.results}
    absent = sorted(set(cases) - ran)
    if absent:
        out.notes.append(f"{len(absent)} baseline case(s) not in this run: {', '.join(absent[:5])}{' …' if len(absent) > 5 else ''}")
    if ran == set(cases) and not run.failed:
        accepted_overall: dict[str, float | None] = section.get("overall", {})
        for name, agg in run.overall().items():
            base = accepted_overall.get(name)
            mean = _rounded(agg.mean)
            if base is None or mean is None:
                continue
            tol = _tolerance(section, name, overall=True)
            if worse(name, mean, float(base), tol):
                out.regressions.append(Regression(None, name, mean, float(base), tol))
    elif ran != set(cases):
        out.notes.append("overall means not compared: the run's cases differ from the baseline's")
    return out


def updated(run: EvalRun, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The baseline with this run's scores accepted for its engine (tolerances kept as they were).

    A full run replaces the engine's case list (removed cases drop out); a partial run
    (`--only`, skipped cases) updates its own cases and keeps the others' accepted scores.
    The overall means are those of the accepted case scores.
    """
    if run.failed:
        raise InputError(
            "not updating the baseline: " + "; ".join(f"{r.id} failed ({r.error})" for r in run.failed[:3])
        )
    data = json.loads(json.dumps(data))
    data["schema_version"] = SCHEMA_VERSION
    data.setdefault("note", "Accepted eval scores per engine. Update with `appealagent eval --update-baseline` after reviewing the report; see evals/README.md.")
    engines = data.setdefault("engines", {})
    old = engines.get(run.engine, {})
    cases: dict[str, dict[str, float | None]] = dict(old.get("cases", {})) if partial else {}
    for r in run.results:
        cases[r.id] = {n: _rounded(r.value(n)) for n in run.scorer_names}
    cases = dict(sorted(cases.items()))
    overall: dict[str, float | None] = {}
    for name in run.scorer_names:
        values = [c.get(name) for c in cases.values() if c.get(name) is not None]
        overall[name] = _rounded(sum(values) / len(values)) if values else None  # type: ignore[arg-type]
    engines[run.engine] = {
        "updated": dt.date.today().isoformat(),
        "origin": run.origin,
        "tolerances": old.get("tolerances") or {n: SCORERS[n].tolerance for n in run.scorer_names if n in SCORERS},
        "overall_tolerances": old.get("overall_tolerances") or {n: SCORERS[n].overall_tolerance for n in run.scorer_names if n in SCORERS},
        "overall": overall,
        "cases": cases,
    }
    return data


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
