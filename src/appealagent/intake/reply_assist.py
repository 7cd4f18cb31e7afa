"""A configured LLM's second opinion on Amazon's reply to an appeal, asked only when the reply rules are unsure.

The rules stay in charge (intake/reply.py). The model is asked only when `needs_reply_assist`
says the reading is unsure — two outcomes scored close, or a request for more information that
names no part of the plan — and answers from closed lists (the three outcomes, the four parts).
Every quote it gives must be in the reply word for word; a quote that is not is dropped, and an
outcome or ask left without one is not used. What it says is kept as its suggestion
(`llm_suggestion`, `source: llm`) beside the rules' reading, and it changes the reading only
where the rules left room: it may break the rules' near tie between two outcomes, and it may
add parts the rules missed (one more round of questions costs less than a letter that ignores
what Amazon asked); it never removes what the rules found.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.catalog import patterns
from appealagent.intake.reply import OUTCOMES, PARTS, ReplyReading, outcome_scores, read_reply, rules
from appealagent.llm.client import LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import Invalid, ask
from appealagent.llm.request import Body, chat_body, json_object_output, json_schema_output
from appealagent.redact import Redactor
from appealagent.settings import Settings

Outcome = Literal["more_information", "denied", "reinstated"]
Part = Literal["root_cause", "corrective_actions", "preventive_measures", "documents"]

_SPACE = patterns.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_JSON_OBJECT = patterns.compile(r"\{.*\}", re.S)
MAX_TOKENS = 500
# One re-ask: a reply read wrongly changes which letter (if any) is written next, so a quote
# that is not in the reply is sent back once with the exact problem before the opinion is dropped.
REASKS = 1


class AskQuote(BaseModel):
    """One part the model says the reply asks for, with the reply's own words for it."""

    model_config = ConfigDict(extra="ignore")

    part: Part
    quote: str


class ReplySuggestion(BaseModel):
    """The model's reading, validated: an outcome and parts from the closed lists, each with its quotes."""

    model_config = ConfigDict(extra="ignore")

    outcome: Outcome | None
    confidence: float = Field(ge=0, le=1)
    phrases: list[str] = Field(default_factory=list)
    asks: list[AskQuote] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list, description="Quotes not found in the reply, dropped.")


def needs_reply_assist(reading: ReplyReading) -> bool:
    """True when the rules took the text for a reply but are unsure what it decided or asks."""
    if not reading.is_reply or reading.llm_suggestion is not None:
        return False
    return reading.unsure or (reading.outcome == "more_information" and not reading.asks)


def candidates(text: str) -> list[str]:
    """The outcomes the rules hesitate between: every one within the rules' margin of the best."""
    scores = outcome_scores(text)
    best = next(iter(scores.values()))
    r = rules()
    return [name for name, score in scores.items() if score >= r.min_outcome and best - score < r.min_margin]


def _schema() -> Body:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["outcome", "confidence", "phrases", "asks"],
        "properties": {
            "outcome": {"anyOf": [{"type": "string", "enum": list(OUTCOMES)}, {"type": "null"}]},
            "confidence": {"type": "number"},
            "phrases": {"type": "array", "items": {"type": "string"}},
            "asks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["part", "quote"],
                    "properties": {"part": {"type": "string", "enum": list(PARTS)}, "quote": {"type": "string"}},
                },
            },
        },
    }


def redacted(text: str, redact: bool = True) -> str:
    """The reply as it would be sent (private values replaced unless redaction is off)."""
    return Redactor(enabled=redact).redact_text(text)


def build_messages(text: str, reading: ReplyReading, redact: bool = True) -> list[dict[str, str]]:
    """Exactly what is sent: the reply (private values replaced), the rules' candidates and the parts they found."""
    scores = outcome_scores(text)
    shown = ", ".join(f"{name} {scores[name]:.2f}" for name in candidates(text)) or "none"
    return load_prompt("reply_assist").render(
        reply=redacted(text, redact), outcomes=list(OUTCOMES), parts=list(PARTS), candidates=shown,
        rules_asks=", ".join(reading.asks) or "none",
    )


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().lower()


def parse_suggestion(raw: str | None, texts: list[str]) -> ReplySuggestion:
    """Validate the reply and keep only quotes found in one of `texts` (the reply, and the reply as sent); raises Invalid."""
    match = _JSON_OBJECT.search(raw or "")
    if not match:
        raise Invalid(["the reply is not a JSON object; reply with one JSON object only"], "the model's reading of the reply was not JSON")
    try:
        suggestion = ReplySuggestion.model_validate(json.loads(match.group(0)))
    except (json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else _first_error(exc)
        raise Invalid([first], f"the model's reading of the reply was invalid: {first}") from None
    haystacks = [_norm(t) for t in texts]

    def found(quote: str) -> bool:
        q = _norm(quote)
        return bool(q) and any(q in h for h in haystacks)

    suggestion.dropped = [p for p in suggestion.phrases if not found(p)] + [a.quote for a in suggestion.asks if not found(a.quote)]
    suggestion.phrases = [p for p in suggestion.phrases if found(p)]
    seen: set[str] = set()
    kept: list[AskQuote] = []
    for a in suggestion.asks:
        if found(a.quote) and a.part not in seen:
            seen.add(a.part)
            kept.append(a)
    suggestion.asks = kept if suggestion.outcome == "more_information" else []
    if suggestion.outcome is not None and not suggestion.phrases:
        problems = [f"phrases: {json.dumps(p, ensure_ascii=False)} is not in the reply word for word" for p in suggestion.dropped[:3]]
        raise Invalid(
            problems or ["phrases: give at least one quote copied word for word from the reply"],
            "the model quoted nothing from the reply to support its reading; its suggestion was discarded",
        )
    return suggestion


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"]) or "reply"
    return f"{where}: {err['msg']}"


def apply_suggestion(text: str, reading: ReplyReading, suggestion: ReplySuggestion, model: str) -> ReplyReading:
    """The reading with the checked suggestion beside it; the outcome follows the model only within the rules' near tie."""
    applied: list[str] = []
    outcome = reading.outcome
    if suggestion.outcome is not None and suggestion.outcome != outcome and suggestion.outcome in candidates(text):
        outcome = suggestion.outcome
        applied.append("outcome")
    updated = read_reply(text, outcome_from=outcome) if "outcome" in applied else dataclasses.replace(reading)
    added: list[str] = []
    if updated.outcome == "more_information" and suggestion.outcome == "more_information":
        added = [a.part for a in suggestion.asks if a.part not in updated.asks]
        if added:
            updated.asks = [p for p in PARTS if p in updated.asks or p in added]
            applied.append("asks")
    if applied and updated.outcome is not None:
        updated.message = rules().messages[updated.outcome].format(asks=", ".join(updated.asks) or "no part named")
    updated.llm_suggestion = {
        **suggestion.model_dump(mode="json"),
        "model": model,
        "source": "llm",
        "applied": applied,
        "added_asks": added,
        "rules_outcome": reading.outcome,
    }
    return updated


async def _ask(text: str, reading: ReplyReading, settings: Settings) -> ReplySuggestion:
    output = json_schema_output("reply_suggestion", _schema()) if settings.output_mode == "json_schema" else json_object_output()
    temperature = 0.0 if settings.temperature is not None else None
    body = chat_body(settings, build_messages(text, reading, settings.redact), max_tokens=MAX_TOKENS, temperature=temperature, output=output)
    sent = redacted(text, settings.redact)

    async def validate(raw: str | None) -> ReplySuggestion:
        return parse_suggestion(raw, [text, sent])

    async with LLMClient(settings) as client:
        return await ask(client, body, validate, reasks=REASKS)


def second_opinion(text: str, reading: ReplyReading, settings: Settings) -> ReplyReading:
    """Ask the configured LLM about an unsure reading and fold its checked suggestion in (raises EngineError)."""
    suggestion = asyncio.run(_ask(text, reading, settings))
    return apply_suggestion(text, reading, suggestion, settings.model)


def describe(reading: ReplyReading) -> list[str]:
    """The suggestion for people: what the model said, its quotes, and what of it was used."""
    s = reading.llm_suggestion
    if not s:
        return []
    asks = s.get("asks")
    asked = ", ".join(str(a.get("part")) for a in asks if isinstance(a, dict)) if isinstance(asks, list) else ""
    head = f"LLM second opinion ({s.get('model')}, its suggestion — check it against the reply): {s.get('outcome') or 'not a reply'}"
    lines = [head + (f"; asks {asked}" if asked else "")]
    phrases = s.get("phrases")
    if isinstance(phrases, list) and phrases:
        lines.append("  quoted: " + "; ".join(f"“{p}”" for p in phrases[:3]))
    applied = s.get("applied")
    if isinstance(applied, list) and applied:
        what = []
        if "outcome" in applied:
            what.append(f"outcome {s.get('rules_outcome')} → {reading.outcome}")
        added = s.get("added_asks")
        if "asks" in applied and isinstance(added, list):
            what.append(f"added asks {', '.join(str(a) for a in added)}")
        lines.append("  used: " + "; ".join(what))
    else:
        lines.append("  used: nothing — the rules' reading stands")
    dropped = s.get("dropped")
    if isinstance(dropped, list) and dropped:
        lines.append(f"  dropped {len(dropped)} quote(s) not found in the reply")
    return lines
