"""How questions reach a person or a script: the `Prompt` shown, and the askers that answer it.

The flow only talks to an `Asker` (a terminal in the CLI, a script in the tests, an
answers file for batch use), so the whole interview is testable without a terminal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from appealagent.errors import InputError


@dataclass
class Prompt:
    """One question as shown: the asker needs nothing else to render it or to look its answer up."""

    key: str
    text: str
    type: str
    lang: str
    help: str | None = None
    options: list[str] = field(default_factory=list)
    hint: str = ""
    required: bool = True
    default_label: str | None = None
    multiline: bool = False


class Asker(Protocol):
    """Terminal, script or answers file. `interactive` askers are re-asked after a bad answer.

    `say` takes plain text or a rich renderable (the review table)."""

    interactive: bool

    def ask(self, question: Prompt, default: str | None) -> str: ...

    def say(self, text: object) -> None: ...


class Translator(Protocol):
    """Turns one Chinese answer into English for the seller to confirm; raises an AppealAgentError when it cannot.

    The interview's only link to a model: `interview.translate.LLMTranslator` is the real one."""

    name: str

    def translate(self, text: str) -> str: ...


class ScriptExhausted(AssertionError):
    """A scripted asker ran out of answers: in a test, better a failure than a hang."""


class ScriptedAsker:
    """Answers from a list (in order) or a dict (question key → answer, or a list of answers for re-asks).

    A key missing from a dict means Enter (the default) where a default exists or the
    question is optional; otherwise it is a test failure.
    """

    interactive = True

    def __init__(self, answers: list[str] | dict[str, str | list[str]]) -> None:
        self._list = list(answers) if isinstance(answers, list) else None
        self._dict = {k: (list(v) if isinstance(v, list) else [v]) for k, v in answers.items()} if isinstance(answers, dict) else {}
        self.prompts: list[Prompt] = []
        self.said: list[str] = []

    def ask(self, question: Prompt, default: str | None) -> str:
        self.prompts.append(question)
        if self._list is not None:
            if not self._list:
                raise ScriptExhausted(f"no scripted answer left for {question.key}")
            return self._list.pop(0)
        if sum(1 for p in self.prompts if p.key == question.key) > 20:
            raise ScriptExhausted(f"{question.key} asked more than 20 times: the scripted answer is never accepted")
        queue = self._dict.get(question.key)
        if queue:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        if default is not None or not question.required:
            return ""
        raise ScriptExhausted(f"no scripted answer for {question.key}")

    def say(self, text: object) -> None:
        self.said.append(plain(text))

    def keys(self) -> list[str]:
        return [p.key for p in self.prompts]


AnswerFileValue = str | int | float | bool | dt.date | list["AnswerFileValue"] | None
"""What YAML or JSON may give for one answer."""


class AnswersFileAsker:
    """Answers from a YAML/JSON mapping (question key → answer); never re-asks, never waits."""

    interactive = False

    def __init__(self, answers: dict[str, AnswerFileValue], source: str) -> None:
        self.answers = answers
        self.source = source
        self.said: list[str] = []

    def ask(self, question: Prompt, default: str | None) -> str:
        if question.key in self.answers:
            return answer_text(self.answers[question.key], multiline=question.multiline)
        if default is not None or not question.required:
            return ""
        raise InputError(f"{self.source}: no answer for question {question.key!r} ({question.text.splitlines()[0]})")

    def say(self, text: object) -> None:
        self.said.append(plain(text))


def plain(text: object) -> str:
    """Text as a script sees it: a rich renderable (the review table) printed without colour."""
    if isinstance(text, str):
        return text
    import io

    from rich.console import Console

    console = Console(width=160, record=True, file=io.StringIO(), color_system=None)
    console.print(text)
    return console.export_text()


def answer_text(value: AnswerFileValue, *, multiline: bool = False) -> str:
    """An answers-file value (YAML may give lists, numbers, booleans, dates) as the text a person would type."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return ("\n" if multiline else ",").join(answer_text(v) for v in value)
    return str(value)
