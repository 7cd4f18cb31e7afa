"""LLM-as-judge: a rubric score for live runs only (`appealagent eval --engine llm --live --judge`).

The rubric (prompts/judge.j2) restates what Amazon and reviewers ask of a plan of
action. A judge is a model too, so its score is a second opinion next to the
deterministic scorers, never a replacement; it never runs in CI, where there is
no model, and recorded replies are never judged.
"""

from __future__ import annotations

import asyncio
import json

from appealagent.evals.dataset import Sample
from appealagent.evals.scorers import Output, Score, ScoreFn
from appealagent.llm.client import LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import AskFailed, Exchange, Invalid, ask
from appealagent.llm.request import chat_body, json_object_output
from appealagent.redact import Redactor
from appealagent.settings import Settings

CRITERIA = ("three_parts", "specificity", "faithfulness", "tone", "completeness")
MAX_TOKENS = 600
REASKS = 1  # a verdict that is not the JSON asked for is sent back once; then the case has no judge score


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


async def _verdict(raw: str | None) -> Score:
    score = parse_verdict(raw)
    if score.value is None:
        raise Invalid([f"{score.explanation}; reply with one JSON object giving every criterion a whole number from 1 to 5"])
    return score


def make_judge(settings: Settings) -> ScoreFn:
    """A scorer that asks the configured model to grade each letter with the rubric."""
    prompt = load_prompt("judge")

    async def grade(sample: Sample, output: Output) -> Score:
        # The judge is a third-party model too: it sees the same placeholders the drafting model saw.
        r = Redactor.for_case(sample.case, enabled=settings.redact)
        case_json = r.redact_obj(sample.case.model_dump(mode="json", exclude_none=True))
        messages = prompt.render(case_json=case_json, letter=r.redact_text(output.letter), reference=r.redact_text(sample.reference))
        body = chat_body(settings, messages, max_tokens=MAX_TOKENS, output=json_object_output())
        exchange = Exchange()
        async with LLMClient(settings) as client:
            try:
                return await ask(client, body, _verdict, reasks=REASKS, exchange=exchange)
            except AskFailed:
                return parse_verdict(exchange.raw)  # the last reply's own reason for having no score

    def judge(sample: Sample, output: Output) -> Score:
        return asyncio.run(grade(sample, output))

    return judge
