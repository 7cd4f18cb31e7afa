"""The author's request: the case, example letters and metric targets, within a character budget.

The case always goes in whole, except very long free text, which is trimmed
first; then example letters while they fit, each masked (mask.py): their
specifics become typed placeholders, so a model learns their shape and cannot copy
their facts. Private values are redacted before anything is rendered into the
prompt; the user's own example letters are redacted too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from appealagent.catalog.datafiles import metric_info
from appealagent.engines.author.mask import mask_letter
from appealagent.engines.examples import ExampleLetter
from appealagent.llm.prompts import Prompt, load_prompt
from appealagent.llm.request import Body, chat_body, structured_output
from appealagent.model.case import Case, Language, missing_for_draft
from appealagent.model.draft import AppealDraft
from appealagent.redact import Redactor
from appealagent.settings import Settings

TOOL_NAME = "submit_appeal_draft"
LANGUAGE_NAMES = {
    Language.en: "English",
    Language.zh: "Simplified Chinese",
    Language.de: "German",
    Language.fr: "French",
    Language.es: "Spanish",
    Language.it: "Italian",
    Language.ja: "Japanese",
}
# Free-text fields trimmed first when a case is larger than the prompt budget.
TRIMMABLE = (("notification", "text"), ("context",))
MIN_LETTER_CHARS = 600
LETTER_OVERHEAD = 80  # the <letter id=… violation_type=…> tags around each example


@dataclass
class PromptBuild:
    """A ready request body plus what the run log records about how it was built."""

    body: Body
    prompt: Prompt
    letter_ids: list[str]
    input_chars: int
    trimmed: list[str] = field(default_factory=list)


@cache
def schema_json() -> str:
    schema = AppealDraft.model_json_schema()
    schema["additionalProperties"] = False
    schema["required"] = list(schema["properties"])
    return json.dumps(schema, ensure_ascii=False)


def output_schema() -> Body:
    """AppealDraft's JSON Schema in the strict form OpenAI's structured outputs accept (a fresh copy)."""
    schema: Body = json.loads(schema_json())
    return schema


def _output(settings: Settings) -> Body:
    return structured_output(settings, name="appeal_draft", tool=TOOL_NAME, description="Submit the drafted Plan of Action, section by section.", schema=output_schema())


def _metric_targets(case: Case) -> list[dict[str, str]]:
    out = []
    for m in case.metrics:
        try:
            info = metric_info(m.name.value)
        except KeyError:
            continue
        out.append({"label": str(info.get("label", m.name.value)), "target_text": str(info.get("target_text", "")), "source": str(info.get("source", "Seller Central help"))})
    return out


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 12)].rstrip() + " […trimmed]"


def _prune(value: Any) -> Any:
    """Drop empty lists and objects: they cost prompt characters and say nothing."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {}, None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def build_request(case: Case, settings: Settings, redactor: Redactor, letters: list[ExampleLetter]) -> PromptBuild:
    """The exact chat.completions body for this case, within the character budget, after redaction."""
    prompt = load_prompt("draft_appeal")
    case_json = redactor.redact_obj(_prune(case.model_dump(mode="json", exclude_none=True)))
    # The built-in letters are fictional models shipped with the package; the user's own letters may hold
    # real buyers' details, so only those go through redaction.
    # Every reference letter is masked (another seller's names, IDs, dates and numbers → [NAME], [ASIN], [DATE]…)
    # so its shape can be learnt and its facts cannot be copied; the user's own letters are redacted as well.
    letters = [
        ExampleLetter(id=letter["id"], violation_type=letter["violation_type"],
                      text=mask_letter(letter["text"] if letter.get("origin") == "builtin" else redactor.redact_text(letter["text"])))
        for letter in letters
    ]
    inputs: dict[str, Any] = {
        "case_json": case_json,
        "letters": [],
        "metric_targets": _metric_targets(case),
        "letter_language": LANGUAGE_NAMES.get(case.letter_language, "English"),
        "output_mode": settings.output_mode,
        "output_schema": schema_json(),
        "missing": missing_for_draft(case),
    }
    budget = settings.prompt_chars
    trimmed: list[str] = []

    def size() -> int:
        return sum(len(m["content"]) for m in prompt.render(**inputs))

    base = size()
    for path in TRIMMABLE:
        if base <= budget:
            break
        holder = case_json
        for key in path[:-1]:
            holder = holder.get(key) or {}
        value = holder.get(path[-1]) if isinstance(holder, dict) else None
        if isinstance(value, str) and len(value) > 2000:
            holder[path[-1]] = _trim(value, max(2000, len(value) - (base - budget)))
            trimmed.append(".".join(path))
            base = size()
    used: list[ExampleLetter] = []
    total = base
    for letter in letters:
        room = budget - total - LETTER_OVERHEAD
        if room < MIN_LETTER_CHARS:
            break
        text = _trim(letter["text"], room)
        used.append(ExampleLetter(id=letter["id"], violation_type=letter["violation_type"], text=text))
        total += len(text) + LETTER_OVERHEAD
    inputs["letters"] = used
    messages = prompt.render(**inputs)
    body = chat_body(settings, messages, temperature=settings.temperature, output=_output(settings))
    return PromptBuild(
        body=body,
        prompt=prompt,
        letter_ids=[letter["id"] for letter in used],
        input_chars=sum(len(m["content"]) for m in messages),
        trimmed=trimmed,
    )
