"""What drafting cost per engine and style: letters the model wrote, requests, tokens and seconds per draft.

The scores say how good the letters are; these figures say what they cost and
how often the model's own words made it into the letter. A letter counts as
written by the model when no fallback replaced it and (editor style) no section
kept the offline wording. The figures come from each case's draft meta (requests
and token usage as the server reported them) and the runner's drafting time.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

from appealagent.evals.runner import CaseResult, EvalRun


@dataclass(frozen=True)
class Costs:
    engine: str
    style: str
    drafts: int
    failed: int
    by_model: int | None  # letters with no fallback and no section kept offline (None: no model involved)
    sections_kept_offline: int
    requests_per_draft: float | None
    input_tokens_per_draft: float | None
    input_tokens_median: float | None
    output_tokens_per_draft: float | None
    seconds_per_draft: float | None
    seconds_median: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def written_by_model(result: CaseResult) -> bool:
    """The model's own letter: drafted, no fallback, no section left in the offline wording, no answer left untranslated."""
    meta = result.meta
    untranslated = "[TO COMPLETE: English version" in (result.letter or "")
    return not result.error and not meta.get("fallback_from") and not meta.get("kept_offline") and "requests" in meta and not untranslated


def _mean(xs: list[float]) -> float | None:
    return statistics.fmean(xs) if xs else None


def _median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def drafting_costs(run: EvalRun) -> Costs:
    """The cost figures of one eval run (one engine, one style)."""
    done = [r for r in run.results if not r.error]
    llm = [r for r in done if "requests" in r.meta]
    styles = sorted({str(r.meta.get("style")) for r in llm if r.meta.get("style")})
    requests = [float(r.meta["requests"]) for r in llm]
    usage = [r.meta.get("usage") or {} for r in llm]
    inputs = [float(u.get("prompt_tokens", 0)) for u in usage]
    outputs = [float(u.get("completion_tokens", 0)) for u in usage]
    seconds = [r.seconds for r in done]
    return Costs(
        engine=run.engine,
        style="/".join(styles) if styles else ("–" if not llm else "author"),
        drafts=len(run.results),
        failed=len(run.results) - len(done),
        by_model=sum(1 for r in done if written_by_model(r)) if llm or run.engine.startswith("llm") else None,
        sections_kept_offline=sum(len(r.meta.get("kept_offline") or []) for r in done),
        requests_per_draft=_mean(requests),
        input_tokens_per_draft=_mean(inputs),
        input_tokens_median=_median(inputs),
        output_tokens_per_draft=_mean(outputs),
        seconds_per_draft=_mean(seconds),
        seconds_median=_median(seconds),
    )


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def cost_lines(c: Costs) -> list[tuple[str, str]]:
    """(label, value) rows for the reports."""
    by_model = "–" if c.by_model is None else f"{c.by_model} of {c.drafts}"
    return [
        ("engine / style", f"{c.engine} / {c.style}"),
        ("letters written by the model (no fallback)", by_model),
        ("sections kept in the offline wording", str(c.sections_kept_offline)),
        ("drafts that failed", str(c.failed)),
        ("requests per draft", _num(c.requests_per_draft, 2)),
        ("input tokens per draft (mean / median)", f"{_num(c.input_tokens_per_draft, 0)} / {_num(c.input_tokens_median, 0)}"),
        ("output tokens per draft", _num(c.output_tokens_per_draft, 0)),
        ("seconds per draft (mean / median)", f"{_num(c.seconds_per_draft)} / {_num(c.seconds_median)}"),
    ]
