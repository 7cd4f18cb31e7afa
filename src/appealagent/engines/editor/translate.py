"""The seller's Chinese answers put into English before the editor sees the letter, each one checked.

In the live runs a 1.5B model asked to translate and edit in one go dropped a time
or a number in every Chinese-only case, and the whole section fell back to the
offline wording, Chinese included. Translating the answers alone first is a task
such a model gets right. Every translation is accepted only if it keeps each number,
date, time, percentage and ID of the Chinese answer, adds none, leaves no Chinese
and makes up no placeholder; answers that fail are asked once more, alone. The
accepted translations become the case's `text_en` / `detail_en`, so the offline
letter (the editor's source and the fallback of any section) is English; an answer
that still fails stays in Chinese for the editor to translate in place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from appealagent.catalog import patterns
from appealagent.engines.author.request import LANGUAGE_NAMES
from appealagent.engines.editor.request import faithful_temperature
from appealagent.engines.editor.source import ChineseAnswer
from appealagent.facts.dates import months, time_key, zh_dates_in_english
from appealagent.facts.numbers import number_key, word_numbers
from appealagent.facts.scan import Fact, scan
from appealagent.llm.client import LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.reask import AskFailed, Exchange, Invalid, ask, reply_json
from appealagent.llm.request import Body, chat_body, structured_output
from appealagent.model.case import Case, Language, has_cjk
from appealagent.redact import Redactor, leftover_placeholders
from appealagent.settings import Settings

TOOL_NAME = "submit_translations"
ROUNDS = 2  # all answers, then the ones that failed, alone; what still fails is translated in place by the edit
_WHERE_RE = patterns.compile(r"^(root_causes|corrective_actions|preventive_measures)\[(\d+)\](\.detail)?$")


@dataclass
class Translated:
    """The case with the accepted translations filled in, and what happened to each Chinese answer."""

    case: Case
    done: list[str] = field(default_factory=list)  # where, e.g. "root_causes[0].detail"
    failed: dict[str, list[str]] = field(default_factory=dict)  # where → its last problems
    left: list[ChineseAnswer] = field(default_factory=list)  # still only in Chinese


def translates(case: Case) -> bool:
    """Whether Chinese answers are translated first: a letter in Chinese or Japanese quotes them as they are."""
    return case.letter_language not in (Language.zh, Language.ja)


def translation_note(done: list[str]) -> str:
    """The letter's note naming the answers the model translated, for the seller to read over."""
    return (
        f"The model translated your Chinese answers ({', '.join(done)}) into English, keeping every number, date and ID; "
        "read the English over before you send the letter."
    )


def _fact_key(fact: Fact) -> tuple[str, object]:
    if fact.kind == "time":
        return ("time", time_key(fact.text))
    if fact.kind in ("asin", "order_id", "email", "reference"):
        return (fact.kind, fact.text.upper())
    return (fact.kind, fact.text)


def _loose_numbers(facts: list[Fact], text: str) -> set[float]:
    """Every number a text states in any form: digits, number words, a date's parts, a time's hour (both clocks)."""
    out = {number_key(v) for v in word_numbers(text)} | {float(m) for m in months(text)}  # "2026年3月" is "March 2026"
    for f in facts:
        if f.date is not None:
            out |= {float(v) for v in (f.date.year, f.date.month, f.date.day) if v is not None}
            out |= {float(n) for n in re.findall(r"\d+", f.text)}  # the end of a range: "6–9 March 2026"
        elif f.kind == "time":
            hour = time_key(f.text)[0]
            out |= {float(hour), float(hour % 12 or 12)}
        elif f.value is not None:
            out.add(number_key(f.value))
    return out


def _parts(fact: Fact) -> set[float] | None:
    """The numbers a fact is made of, when it can be said in other words; None for IDs and e-mails, kept as written."""
    if fact.date is not None:
        return {float(v) for v in (fact.date.year, fact.date.month, fact.date.day) if v is not None}
    if fact.kind == "time":
        hour = time_key(fact.text)[0]
        return {float(hour)} if time_key(fact.text)[1] != "00" else {float(hour), float(hour % 12 or 12)}
    if fact.value is not None:
        return {number_key(fact.value)}
    return None


def _agrees(fact: Fact, keys: set[tuple[str, object]], numbers: set[float]) -> bool:
    if _fact_key(fact) in keys:
        return True
    parts = _parts(fact)
    if parts is None:
        return False
    if fact.kind == "time":  # an hour said another way: 15:00 / 3 pm / 下午3点
        return bool(parts & numbers)
    return parts <= numbers


def translation_problems(chinese: str, english: str) -> list[str]:
    """Why an English translation of a Chinese answer cannot stand in for it (empty when it can)."""
    if not english.strip():
        return ["the translation is empty"]
    problems: list[str] = []
    if has_cjk(english):
        problems.append("it still contains Chinese characters; write everything in English (names in pinyin)")
    zh_facts, _ = scan(chinese)
    en_facts, _ = scan(english)
    zh_keys, en_keys = {_fact_key(f) for f in zh_facts}, {_fact_key(f) for f in en_facts}
    zh_numbers, en_numbers = _loose_numbers(zh_facts, chinese), _loose_numbers(en_facts, english)
    for f in zh_facts:
        if not _agrees(f, en_keys, en_numbers):
            problems.append(f"'{f.text}' from the Chinese answer is missing; keep it exactly")
    for f in en_facts:
        if not _agrees(f, zh_keys, zh_numbers):
            problems.append(f"'{f.text}' is not in the Chinese answer; remove it")
    return problems


def apply(case: Case, where: str, english: str) -> None:
    """Put an accepted translation where the answer is: an item's `text_en` or a root cause's `detail_en`."""
    m = _WHERE_RE.match(where)
    if m is None:
        raise ValueError(f"not an answer's place: {where}")
    item = getattr(case, m.group(1))[int(m.group(2))]
    if m.group(3):
        item.detail_en = english
    else:
        item.text_en = english


def _schema(keys: list[str]) -> Body:
    return {"type": "object", "properties": {k: {"type": "string"} for k in keys}, "required": keys, "additionalProperties": False}


def _output(settings: Settings, keys: list[str]) -> Body:
    return structured_output(settings, name="translations", tool=TOOL_NAME, description="Submit the English translation of each answer.", schema=_schema(keys))


def case_names(case: Case) -> list[str]:
    """The case's own names in Latin letters (seller, brand, rights owner, document issuers): how the translation writes them."""
    owner = case.notification.rights_owner
    names = [case.seller.legal_name, case.seller.store_name, *(d.issuer for d in case.evidence)]
    names += [owner.name, owner.brand] if owner else []
    return sorted({n for n in names if n and not has_cjk(n)})


def build_request(case: Case, settings: Settings, redactor: Redactor, answers: dict[str, str], problems: dict[str, list[str]] | None = None) -> Body:
    """One request for these answers (key → Chinese text, redacted before it is rendered), with what was wrong last time."""
    payload = {k: zh_dates_in_english(redactor.redact_text(v)) for k, v in answers.items()}
    # Each answer's numbers and IDs, listed: a small model keeps what it is shown it must keep.
    keep = {k: list(dict.fromkeys(f.text for f in scan(v)[0])) for k, v in payload.items()}
    messages = load_prompt("translate_answers").render(
        answers_json=json.dumps(payload, ensure_ascii=False, indent=1),
        keep={k: v for k, v in keep.items() if v},
        names=case_names(case),
        problems={k: [redactor.redact_text(p) for p in v] for k, v in (problems or {}).items()},
        letter_language=LANGUAGE_NAMES.get(case.letter_language, "English"),
        output_mode=settings.output_mode,
    )
    # Room for the English, which runs about twice the Chinese's characters, in tokens a little less.
    room = max(256, min(settings.max_tokens, 64 + 2 * sum(len(v) for v in payload.values())))
    return chat_body(settings, messages, max_tokens=room, temperature=faithful_temperature(settings), output=_output(settings, list(payload)))


def _parse(raw: str | None, keys: list[str]) -> dict[str, str]:
    data = reply_json(raw, f"one JSON object with the keys {', '.join(keys)}")
    if not isinstance(data, dict):
        raise Invalid([f"reply with one JSON object with the keys {', '.join(keys)}"])
    return {k: " ".join(v.split()) for k, v in data.items() if k in keys and isinstance(v, str)}


async def translate_answers(
    case: Case, chinese: list[ChineseAnswer], client: LLMClient, settings: Settings, redactor: Redactor, exchange: Exchange
) -> Translated:
    """The case with as many of its Chinese-only answers translated as the model gets right in two rounds."""
    out = Translated(case=case.model_copy(deep=True))
    pending = {f"a{i + 1}": a for i, a in enumerate(chinese)}
    for _ in range(ROUNDS if settings.reasks > 0 else 1):
        if not pending:
            break
        keys = list(pending)
        last = {k: out.failed[a.where] for k, a in pending.items() if a.where in out.failed}
        body = build_request(case, settings, redactor, {k: a.text for k, a in pending.items()}, last)

        async def parse(raw: str | None, keys: list[str] = keys) -> dict[str, str]:
            return _parse(raw, keys)

        try:
            replies = await ask(client, body, parse, reasks=0, exchange=exchange)
        except AskFailed:
            continue
        for key in keys:
            answer = pending[key]
            english = redactor.restore_text(replies.get(key, ""))
            problems = translation_problems(answer.text, english)
            made_up = leftover_placeholders(english)
            problems += [f"'{p}' is a placeholder the answer does not have; copy only the ones it has" for p in made_up]
            if problems:
                out.failed[answer.where] = problems
                continue
            apply(out.case, answer.where, english)
            out.done.append(answer.where)
            out.failed.pop(answer.where, None)
            del pending[key]
        failed_now = [f"{a.where}: {p}" for a in pending.values() for p in out.failed.get(a.where, [])[:1]]
        if failed_now and exchange.rounds:  # the run log and meta say which answers were not accepted
            exchange.rounds[-1].outcome = "translations not accepted"
            exchange.rounds[-1].problems = failed_now
    out.left = list(pending.values())
    return out
