"""A faithful Chinese rendering of the final letter, for a seller more at ease in Chinese (--explain zh).

It is a step after drafting, not part of any engine: whichever LLM engine wrote
the letter, the seller checks the same rendering of the same final text. The
letter goes out redacted with the run's own redactor and comes back restored.
"""

from __future__ import annotations

from appealagent.engines.base import EngineContext
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import Exchange, Invalid, ask
from appealagent.llm.request import chat_body
from appealagent.model.draft import PromptInfo

LANGUAGES = ("zh",)
REASKS = 0  # an empty rendering is reported as a warning; the letter stands without it


async def _not_empty(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise Invalid(["the reply was empty"], "the model returned an empty Chinese explanation")
    return text


async def explain_letter(letter: str, ctx: EngineContext) -> tuple[str, PromptInfo]:
    """The Chinese rendering of `letter` (plain text) and the prompt that asked for it."""
    s = ctx.settings
    prompt = load_prompt("explain_zh")
    body = chat_body(s, prompt.render(letter=ctx.redactor.redact_text(letter)), temperature=s.temperature)
    exchange = Exchange(stats=ctx.call_stats())
    text = await ask(ctx.llm(), body, _not_empty, reasks=REASKS, exchange=exchange)
    return ctx.redactor.restore_text(text), prompt.info
