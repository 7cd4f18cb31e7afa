"""One seller answer judged by the letter checks' own rules, before it reaches a letter.

The offline engine pastes the seller's answers into the letter, and the interview takes them
one at a time; both ask this module, so an answer the checks would flag in the letter (blame,
criticism of Amazon, a demand, an injected instruction, an intention given as a completed action,
a vague root cause, a document kind Amazon does not accept) is caught where it is typed, with
the catalogue's rule id — and never pasted. Lists live in data/checks/answers.yaml and the
phrase lists the letter rules use (tone.yaml, specificity.yaml, evidence.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from appealagent.checks import data
from appealagent.checks.document import count_words
from appealagent.checks.match import is_concrete
from appealagent.checks.runner import registry
from appealagent.model.case import has_cjk

Role = Literal["cause", "action", "measure", "text"]


@dataclass(frozen=True)
class Flag:
    """Why an answer cannot go into a letter: the letter rule it would trip and the words that trip it."""

    rule_id: str
    quote: str

    def label(self) -> str:
        """The catalogue's message for the rule, without the quote (safe to leave in a letter's marker)."""
        rule = registry()[0].get(self.rule_id)
        message = rule.message.split("{")[0].strip(" :;") if rule else ""
        return message or self.rule_id

    def reason(self) -> str:
        """The message with the words that trip it, for the notes (the interview words it itself)."""
        return f"{self.label()} (\"{self.quote}\")"


@cache
def _names(key: str) -> tuple[str, ...]:
    """A list of data/checks/answers.yaml, as strings."""
    return tuple(str(v) for v in data.load("answers")[key])


def _tone_flags(text: str) -> list[Flag]:
    tone = data.load("tone")
    out = []
    for name in _names("tone_everywhere"):
        if "patterns" not in tone.get(name, {}):
            continue
        m = data.regex("tone", name, "patterns").search(text)
        if m:
            out.append(Flag(f"tone.{name}", m.group(0)))
    return out


def screen(text: str, role: Role) -> list[Flag]:
    """The letter rules this answer would trip where it goes (empty: it may be pasted as it is)."""
    if not text or not text.strip() or has_cjk(text):
        return []  # the rules read English; a Chinese answer is judged by its English version (text_en)
    flags = _tone_flags(text)
    if role == "action":
        m = data.regex("specificity", "future").search(text)
        if m:
            flags.append(Flag("tense.future_in_actions", m.group(0)))
    if role == "cause" and not is_concrete(text, strict=True):
        m = data.regex("specificity", "vague_cause").search(text)
        if m:
            flags.append(Flag("specificity.vague_root_cause", m.group(0)))
        elif count_words(text) < int(data.load("answers")["cause_min_words"]):
            flags.append(Flag("specificity.vague_root_cause", text.strip()))
    return flags


def unaccepted_document(kind: str) -> str | None:
    """Why Amazon does not accept this evidence kind as proof, or None when it does."""
    why = data.load("evidence")["unaccepted"].get(kind)
    return str(why) if why else None


def is_self_reference(who: str) -> bool:
    """'me', 'we', '我': the seller themself, which a letter in the first person plural never spells out."""
    return who.strip().lower() in _names("self_references")
