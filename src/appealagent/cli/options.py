"""The closed choices of the command-line options (engine, format, languages…) as Enums, parsed once.

Each command takes such an option as text and turns it into its Enum with `choice`
before doing anything else, so the rest of the command (and what it calls) only ever
sees a valid member, never a string to compare. `choice` reports a wrong value as
one line on stderr and exit code 2 like every other bad input, rather than click's
multi-line usage error. Only the standard library is imported here: `--help` and
option parsing stay cheap.

Where they are meant to be used: `draft --engine` (DraftEngine), `draft --format`
(OutputFormat), `draft --explain` (ExplainLanguage), `draft --mode` (OutputMode),
`interview --lang` (InterviewLanguage), `eval --engine` (EvalEngine).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar, overload

from appealagent.errors import InputError

E = TypeVar("E", bound=StrEnum)


class DraftEngine(StrEnum):
    """Which engine drafts: auto picks llm when a model is configured, else offline."""

    auto = "auto"
    offline = "offline"
    llm = "llm"


class EvalEngine(StrEnum):
    """The engine an eval run drafts with (llm replays recordings unless --live)."""

    offline = "offline"
    llm = "llm"


class OutputFormat(StrEnum):
    """How `draft` writes the letter; docx needs -o and the docx extra."""

    text = "text"
    markdown = "markdown"
    json = "json"
    docx = "docx"


class ExplainLanguage(StrEnum):
    """Languages of the faithful explanation printed after the letter (not for submission)."""

    zh = "zh"


class InterviewLanguage(StrEnum):
    """Languages the interview asks its questions in."""

    en = "en"
    zh = "zh"


class OutputMode(StrEnum):
    """How the LLM is asked for structured output (settings.OutputMode names the same three)."""

    json_schema = "json_schema"
    tools = "tools"
    json_object = "json_object"


def metavar(enum: type[StrEnum]) -> str:
    """`[offline|llm]`: the choices as the help shows them."""
    return "[" + "|".join(member.value for member in enum) + "]"


@overload
def choice(enum: type[E], value: str, option: str) -> E: ...
@overload
def choice(enum: type[E], value: None, option: str) -> None: ...
def choice(enum: type[E], value: str | None, option: str) -> E | None:
    """The member named by an option's value (case-insensitive), or a one-line InputError naming the choices."""
    if value is None:
        return None
    for member in enum:
        if member.value == value.strip().lower():
            return member
    raise InputError(f"{option}: {value!r} is not one of {', '.join(m.value for m in enum)}")
