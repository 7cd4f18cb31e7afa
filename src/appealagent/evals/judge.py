"""LLM-as-judge: a rubric score for live runs only (`appealagent eval --engine llm --live --judge`).

The rubric (prompts/judge.j2) restates what Amazon and reviewers ask of a plan of
action. A judge is a model too, so its score is a second opinion next to the
deterministic scorers, never a replacement; it never runs in CI, where there is
no model, and recorded replies are never judged.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from appealagent.evals.dataset import Sample
from appealagent.evals.scorers import Output, Score, ScoreFn

CRITERIA = ("three_parts", "specificity", "faithfulness", "tone", "completeness")


def parse_verdict(text: str | None) -> Score:
    """The judge's JSON reply as a 0–1 score (mean of the 1–5 criteria, rescaled)."""
    if not text:
        return Score(None, "the judge sent an empty reply")
    body = text.strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return Score(None, "the judge's reply is not JSON", [body[:200]])
    marks: dict[str, int] = {}
    for name in CRITERIA:
        value = data.get(name) if isinstance(data, dict) else None
        if not isinstance(value, (int, float)) or not 1 <= value <= 5:
            return Score(None, f"the judge gave no valid {name} score", [body[:200]])
        marks[name] = int(round(value))
    mean = sum(marks.values()) / len(marks)
    details = [f"{k}: {v}/5" for k, v in marks.items()]
    if isinstance(data.get("comments"), str) and data["comments"].strip():
        details.append(f"judge: {data['comments'].strip()}")
    return Score((mean - 1) / 4, f"rubric mean {mean:.1f}/5", details)


def make_judge(settings: Any) -> ScoreFn:
    """A scorer that asks the configured model to grade each letter with the rubric."""
    from appealagent.llm.client import CallStats, LLMClient
    from appealagent.llm.prompts import load_prompt
    from appealagent.redact import Redactor

    prompt = load_prompt("judge")

    async def ask(sample: Sample, output: Output) -> Score:
        # The judge is a third-party model too: it sees the same placeholders the drafting model saw.
        r = Redactor.for_case(sample.case, enabled=settings.redact)
        case_json = r.redact_obj(sample.case.model_dump(mode="json", exclude_none=True))
        messages = prompt.render(case_json=case_json, letter=r.redact_text(output.letter), reference=r.redact_text(sample.reference))
        body: dict[str, Any] = {"model": settings.model, "messages": messages, "response_format": {"type": "json_object"}}
        body[settings.tokens_field] = 600
        async with LLMClient(settings) as client:
            reply = await client.complete(body, CallStats())
        return parse_verdict(reply.content)

    def judge(sample: Sample, output: Output) -> Score:
        return asyncio.run(ask(sample, output))

    return judge
