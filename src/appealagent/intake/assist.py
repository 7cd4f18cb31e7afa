"""A configured LLM's second opinion on a notice the intake rules could not classify with confidence.

The rules stay in charge: the model is asked only when `needs_llm_assist` says the
rules are unsure, it must pick from the closed list of violation types, and every
phrase it quotes must really be in the notice. What it says is recorded as its
suggestion (`llm_assisted`, a classification marked `source: llm`), so the seller
sees that it came from a model and confirms it in the interview.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.errors import EngineError
from appealagent.intake.model import Classification, IntakeResult
from appealagent.model.case import ViolationType

_SPACE = re.compile(r"\s+")
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


class IntakeSuggestion(BaseModel):
    """The model's reply, validated: a type from the closed list and its quoted evidence."""

    model_config = ConfigDict(extra="ignore")

    violation_type: ViolationType | None
    confidence: float = Field(ge=0, le=1)
    phrases: list[str] = Field(default_factory=list)
    account_level: bool | None = None


def _schema() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["violation_type", "confidence", "phrases", "account_level"],
        "properties": {
            "violation_type": {"anyOf": [{"type": "string", "enum": [t.value for t in ViolationType]}, {"type": "null"}]},
            "confidence": {"type": "number"},
            "phrases": {"type": "array", "items": {"type": "string"}},
            "account_level": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
        },
    }


def build_messages(result: IntakeResult, redact: bool = True) -> list[dict[str, str]]:
    """Exactly what is sent: the notice (private values replaced) and the rules' candidates."""
    from appealagent.llm.prompts import load_prompt
    from appealagent.redact import Redactor

    notice = result.case.notification.text or ""
    text = Redactor(enabled=redact).redact_text(notice)
    candidates = ", ".join(f"{c.violation_type.value} {c.confidence:.2f}" for c in result.classifications[:5]) or "none"
    return load_prompt("intake_assist").render(notice=text, violation_types=[t.value for t in ViolationType], candidates=candidates)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def parse_suggestion(raw: str | None, notice: str) -> IntakeSuggestion:
    """Validate the reply and keep only quotes that are really in the notice."""
    match = _JSON_OBJECT.search(raw or "")
    if not match:
        raise EngineError("the model's intake suggestion was not JSON")
    try:
        suggestion = IntakeSuggestion.model_validate(json.loads(match.group(0)))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise EngineError(f"the model's intake suggestion was invalid: {str(exc).splitlines()[0]}") from None
    haystack = _norm(notice)
    suggestion.phrases = [p for p in suggestion.phrases if p.strip() and _norm(p) in haystack]
    if suggestion.violation_type is not None and not suggestion.phrases:
        raise EngineError("the model quoted nothing from the notice to support its suggestion; it was discarded")
    return suggestion


def apply_suggestion(result: IntakeResult, suggestion: IntakeSuggestion, model: str) -> IntakeResult:
    """Record the suggestion beside the rules' reading; fill the case only where the rules left a gap."""
    updated = result.model_copy(deep=True)
    updated.llm_assisted = True
    updated.found["llm_suggestion"] = {**suggestion.model_dump(mode="json"), "model": model, "source": "llm"}
    if suggestion.violation_type is None:
        return updated
    rules_type = updated.case.violation_type
    if rules_type is None or rules_type == suggestion.violation_type or _rules_weaker(updated, suggestion):
        updated.case.violation_type = suggestion.violation_type
        if updated.case.notification.account_level is None:
            updated.case.notification.account_level = suggestion.account_level
        others = [c for c in updated.classifications if c.violation_type != suggestion.violation_type]
        updated.classifications = [
            Classification(violation_type=suggestion.violation_type, confidence=suggestion.confidence, phrases=suggestion.phrases),
            *others,
        ]
        updated.not_found = [f for f in updated.not_found if f != "violation type"]
    return updated


def _rules_weaker(result: IntakeResult, suggestion: IntakeSuggestion) -> bool:
    top = result.classifications[0].confidence if result.classifications else 0.0
    return suggestion.confidence > top


async def _ask(result: IntakeResult, settings: Any) -> IntakeSuggestion:
    from appealagent.llm.client import CallStats, LLMClient

    body: dict[str, Any] = {"model": settings.model, "messages": build_messages(result, settings.redact), settings.tokens_field: 400}
    if settings.temperature is not None:
        body["temperature"] = 0
    if settings.output_mode == "json_schema":
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "intake_suggestion", "schema": _schema(), "strict": True}}
    else:
        body["response_format"] = {"type": "json_object"}
    async with LLMClient(settings) as client:
        reply = await client.complete(body, CallStats())
    return parse_suggestion(reply.content, result.case.notification.text or "")


def assist(result: IntakeResult, settings: Any) -> IntakeResult:
    """Ask the configured LLM and fold its checked suggestion into the result."""
    import asyncio

    suggestion = asyncio.run(_ask(result, settings))
    return apply_suggestion(result, suggestion, settings.model)
