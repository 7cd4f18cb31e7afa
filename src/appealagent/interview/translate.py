"""Machine translation of a Chinese answer by the configured LLM, shown to the seller for confirmation.

With a model configured, the interview does not ask a Chinese-speaking seller to
write English: each Chinese free-text answer goes (redacted) through the generic
validate-and-re-ask loop, and the English comes back as the default of the
confirmation question, so the seller accepts it with Enter or types their own.
"""

from __future__ import annotations

import asyncio

from appealagent.interview.askers import Translator
from appealagent.llm.client import LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import Invalid, ask
from appealagent.llm.request import chat_body
from appealagent.model.case import has_cjk
from appealagent.redact import Redactor, leftover_placeholders
from appealagent.settings import Settings

REASKS = 1  # one reply with Chinese left in it is sent back once; then the seller types the English
MAX_TOKENS = 600


__all__ = ["LLMTranslator", "Translator"]


class LLMTranslator:
    """The configured OpenAI-compatible model as the interview's translator."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.model

    def translate(self, text: str) -> str:
        return asyncio.run(self._translate(text))

    async def _translate(self, text: str) -> str:
        s = self.settings
        redactor = Redactor(enabled=s.redact)
        body = chat_body(s, load_prompt("translate_answer").render(text=redactor.redact_text(text)), max_tokens=MAX_TOKENS, temperature=s.temperature)

        async def validate(raw: str | None) -> str:
            out = " ".join((raw or "").split())
            problems = []
            if not out:
                problems.append("the reply was empty; reply with the English translation")
            if has_cjk(out):
                problems.append("the reply still contains Chinese characters; write everything in English (names in pinyin)")
            if problems:
                raise Invalid(problems, "the model's translation " + problems[0].removeprefix("the reply "))
            return out

        async with LLMClient(s) as client:
            english = redactor.restore_text(await ask(client, body, validate, reasks=REASKS))
        made_up = leftover_placeholders(english)
        if made_up:
            raise Invalid([f"unknown placeholders {', '.join(made_up)}"], f"the model's translation has placeholders it made up: {', '.join(made_up)}")
        return english
