"""A configured LLM's second opinion on a notice the intake rules could not classify with confidence.

The rules stay in charge: the model is asked only when `needs_llm_assist` says the
rules are unsure, it must pick from the closed list of violation types, and every
phrase it quotes must really be in the notice. What it says is recorded as its
suggestion (`llm_assisted`, a classification marked `source: llm`), so the seller
sees that it came from a model and confirms it in the interview.
"""

from __future__ import annotations

import asyncio
import json
import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.catalog import patterns
from appealagent.intake.model import Classification, IntakeResult
from appealagent.llm.client import LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import Invalid, ask
from appealagent.llm.request import Body, chat_body, json_object_output, json_schema_output
from appealagent.model.case import ViolationType
from appealagent.redact import Redactor
from appealagent.settings import Settings

_SPACE = patterns.compile(r"\s+")
_JSON_OBJECT = patterns.compile(r"\{.*\}", re.S)
MAX_TOKENS = 400
# One reply only: the rules' reading already stands, and a second opinion that needs
# correcting is not worth a second request; a bad reply is reported and dropped.
REASKS = 0


class IntakeSuggestion(BaseModel):
    """The model's reply, validated: a type from the closed list and its quoted evidence."""

    model_config = ConfigDict(extra="ignore")

    violation_type: ViolationType | None
    confidence: float = Field(ge=0, le=1)
    phrases: list[str] = Field(default_factory=list)
    account_level: bool | None = None


def _schema() -> Body:
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
    notice = result.case.notification.text or ""
    text = Redactor(enabled=redact).redact_text(notice)
    candidates = ", ".join(f"{c.violation_type.value} {c.confidence:.2f}" for c in result.classifications[:5]) or "none"
    return load_prompt("intake_assist").render(notice=text, violation_types=[t.value for t in ViolationType], candidates=candidates)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def parse_suggestion(raw: str | None, notice: str) -> IntakeSuggestion:
    """Validate the reply and keep only quotes that are really in the notice (raises Invalid, an EngineError)."""
    match = _JSON_OBJECT.search(raw or "")
    if not match:
        raise Invalid(["the reply is not a JSON object; reply with one JSON object only"], "the model's intake suggestion was not JSON")
    try:
        suggestion = IntakeSuggestion.model_validate(json.loads(match.group(0)))
    except (json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise Invalid([first], f"the model's intake suggestion was invalid: {first}") from None
    haystack = _norm(notice)
    suggestion.phrases = [p for p in suggestion.phrases if p.strip() and _norm(p) in haystack]
    if suggestion.violation_type is not None and not suggestion.phrases:
        raise Invalid(
            ["phrases: none of the quotes is in the notice word for word; quote the notice exactly"],
            "the model quoted nothing from the notice to support its suggestion; it was discarded",
        )
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


async def _ask(result: IntakeResult, settings: Settings) -> IntakeSuggestion:
    notice = result.case.notification.text or ""
    output = json_schema_output("intake_suggestion", _schema()) if settings.output_mode == "json_schema" else json_object_output()
    temperature = 0.0 if settings.temperature is not None else None
    body = chat_body(settings, build_messages(result, settings.redact), max_tokens=MAX_TOKENS, temperature=temperature, output=output)

    async def validate(raw: str | None) -> IntakeSuggestion:
        return parse_suggestion(raw, notice)

    async with LLMClient(settings) as client:
        return await ask(client, body, validate, reasks=REASKS)


def assist(result: IntakeResult, settings: Settings) -> IntakeResult:
    """Ask the configured LLM and fold its checked suggestion into the result."""
    suggestion = asyncio.run(_ask(result, settings))
    return apply_suggestion(result, suggestion, settings.model)
