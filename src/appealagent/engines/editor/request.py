"""The editor's requests: the whole letter to edit, and one failing section sent back alone.

Everything that leaves the machine is redacted first (order IDs, e-mails, phones,
addresses, buyer names → `<ORDER_1>`…), as in author mode. The letter goes as
JSON with its five sections, so the reply has the same shape (an AppealDraft);
the seller's Chinese answers are listed beside it as the source of the
translation. No reference letters and no whole case: the offline letter already
holds every fact the case gives, which keeps the prompt a fraction of author mode's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from appealagent.engines.author.request import LANGUAGE_NAMES, TOOL_NAME, output_schema, schema_json
from appealagent.engines.editor.source import LIST_SECTIONS, ChineseAnswer
from appealagent.llm.prompts import Prompt, load_prompt
from appealagent.llm.request import Body, chat_body, structured_output
from appealagent.model.case import Case
from appealagent.model.draft import AppealDraft
from appealagent.redact import Redactor
from appealagent.settings import Settings

SECTION_TOOL = "submit_section"


def faithful_temperature(settings: Settings) -> float | None:
    """The temperature of the editor's requests: 0, since an edit or a translation that must keep every fact
    is no place for sampling (a sampled edit dropped a fact more often on the live model); None when the
    provider takes no temperature at all (`temperature = "none"`)."""
    return 0.0 if settings.temperature is not None else None


@dataclass
class EditRequest:
    body: Body
    prompt: Prompt
    input_chars: int


def _letter_output(settings: Settings) -> Body:
    return structured_output(settings, name="appeal_draft", tool=TOOL_NAME, description="Submit the edited Plan of Action, section by section.", schema=output_schema())


def section_schema(is_list: bool) -> Body:
    """The reply schema of a one-section re-ask: {"items": [str]} or {"text": str}."""
    key, value = ("items", {"type": "array", "items": {"type": "string"}}) if is_list else ("text", {"type": "string"})
    return {"type": "object", "properties": {key: value}, "required": [key], "additionalProperties": False}


def _section_output(settings: Settings, is_list: bool) -> Body:
    return structured_output(settings, name="section", tool=SECTION_TOOL, description="Submit the corrected section.", schema=section_schema(is_list))


def build_edit_request(case: Case, settings: Settings, redactor: Redactor, source: AppealDraft, chinese: list[ChineseAnswer]) -> EditRequest:
    """The whole-letter request: the source letter's sections (redacted) and the Chinese answers."""
    prompt = load_prompt("edit_letter")
    letter: dict[str, Any] = redactor.redact_obj(source.model_dump())
    answers = [{"where": a.where, "text": redactor.redact_text(a.text)} for a in chinese]
    messages = prompt.render(
        letter_json=letter,
        answers=answers,
        letter_language=LANGUAGE_NAMES.get(case.letter_language, "English"),
        output_mode=settings.output_mode,
        output_schema=schema_json(),
    )
    body = chat_body(settings, messages, temperature=faithful_temperature(settings), output=_letter_output(settings))
    return EditRequest(body=body, prompt=prompt, input_chars=sum(len(m["content"]) for m in messages))


def build_section_request(
    case: Case, settings: Settings, redactor: Redactor, name: str, original: str | list[str], edited: str | list[str], errors: list[str]
) -> Body:
    """One failing section alone: its original wording, the rejected edit and the problems (all redacted)."""
    is_list = name in LIST_SECTIONS
    messages = load_prompt("edit_section").render(
        section=name,
        original=redactor.redact_obj(original),
        edited=redactor.redact_obj(edited),
        errors=[redactor.redact_text(e) for e in errors],
        letter_language=LANGUAGE_NAMES.get(case.letter_language, "English"),
        is_list=is_list,
    )
    # A section is short: a quarter of the letter's room is plenty, and a cut-off reply gets more.
    return chat_body(settings, messages, max_tokens=max(256, settings.max_tokens // 2), temperature=faithful_temperature(settings), output=_section_output(settings, is_list))
