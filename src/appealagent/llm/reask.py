"""Ask → validate → re-ask with the exact problems, a bounded number of times (instructor's pattern).

Every model reply this project uses goes through `ask`: drafting, the Chinese
explanation, intake's second opinion and the eval judge. The caller gives a
validator that turns the reply into a typed value or raises `Invalid` with lines
the model can act on; the loop sends those lines back (at most `reasks` times),
asks again with more room when a reply is cut off by the token limit, and stops at
a refusal. The conversation stays bounded: each re-ask carries the original
prompt plus only the latest reply and its problems, never every earlier reply, and
that reply is trimmed (head and tail kept) and the problems capped so the re-ask
fits the same `prompt_chars` budget as the first request — a model that rambles
for 200 KB does not make every later request larger.
Kept as one small function instead of an instructor dependency (whose pins would
hold openai back).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from appealagent.catalog import patterns
from appealagent.errors import EngineError
from appealagent.llm.client import CallStats, LLMClient, Reply
from appealagent.llm.prompts import load_prompt
from appealagent.llm.request import Body, Message

log = logging.getLogger(__name__)
T = TypeVar("T")

LENGTH_RETRIES = 2  # a cut-off reply is asked again with twice the room, at most this often
MIN_REPLY_EXCERPT = 1500  # characters of the previous reply a re-ask always keeps, even over budget
MAX_PROBLEMS = 15  # problems listed in one re-ask; the rest are counted
MAX_PROBLEM_CHARS = 400
CUT_MARK = "\n[… {n} characters of the previous reply cut …]\n"


class Invalid(EngineError):
    """A validator's verdict on one reply: it cannot be used, for these reasons (lines the model can act on)."""

    def __init__(self, problems: list[str], message: str | None = None) -> None:
        super().__init__(message or "; ".join(problems) or "the reply cannot be used")
        self.problems = problems or [self.message]


class AskFailed(EngineError):
    """No usable reply: cut off even with more room, refused, or still invalid after the re-asks."""

    def __init__(self, message: str, *, reason: Literal["truncated", "refused", "invalid"], raw: str | None, problems: list[str]) -> None:
        super().__init__(message)
        self.reason = reason
        self.raw = raw
        self.problems = problems


@dataclass
class Round:
    """One reply as the run log records it."""

    request: int
    finish_reason: str | None
    outcome: str = ""  # ok, rejected, truncated, refused
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"request": self.request, "finish_reason": self.finish_reason, "outcome": self.outcome}
        if self.problems:
            out["problems"] = self.problems
        return out


@dataclass
class Exchange:
    """Everything that happened across the requests of one `ask` (kept when it fails, for the run log)."""

    stats: CallStats = field(default_factory=CallStats)
    rounds: list[Round] = field(default_factory=list)
    raw: str | None = None  # the latest reply's text (or the refusal)
    problems: list[str] = field(default_factory=list)


Validate = Callable[[str | None], Awaitable[T]]
FollowUp = Callable[[Reply, list[str]], list[Message]]


FENCE_RE = patterns.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def unfenced(raw: str | None) -> str:
    """A reply's text without the ```json fence some servers add."""
    text = (raw or "").strip()
    fenced = FENCE_RE.match(text)
    return fenced.group(1) if fenced else text


def reply_json(raw: str | None, expect: str) -> object:
    """A reply parsed as JSON; raises Invalid telling the model what to send instead (`expect`)."""
    try:
        return json.loads(unfenced(raw))
    except json.JSONDecodeError as exc:
        raise Invalid([f"the reply is not valid JSON ({exc.msg}); reply with {expect}"]) from None


def reask_messages(reply: Reply, problems: list[str], *, prompt: str = "reask_reply", tool_name: str | None = None) -> list[Message]:
    """The latest reply and the prompt that lists its problems; a forced tool call is answered as a tool."""
    reask = load_prompt(prompt).render(errors=problems)
    if reply.tool_call_id and tool_name:
        assistant: Message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": reply.tool_call_id, "type": "function", "function": {"name": tool_name, "arguments": reply.content or ""}}],
        }
        return [assistant, {"role": "tool", "tool_call_id": reply.tool_call_id, "content": reask[0]["content"]}]
    return [{"role": "assistant", "content": reply.content or ""}, *reask]


def message_chars(messages: list[Message]) -> int:
    """The size of a conversation as the prompt budget counts it (text, and tool-call arguments)."""
    total = 0
    for m in messages:
        content = m.get("content")
        total += len(content) if isinstance(content, str) else len(json.dumps(content, ensure_ascii=False)) if content else 0
        for call in m.get("tool_calls") or []:
            total += len(str(call.get("function", {}).get("arguments", "")))
    return total


def trim_text(text: str, keep: int) -> str:
    """`text` cut to about `keep` characters: its head and tail with a mark saying how much went."""
    if len(text) <= keep:
        return text
    head = keep * 2 // 3
    tail = max(0, keep - head)
    cut = len(text) - head - tail
    return text[:head] + CUT_MARK.format(n=cut) + (text[-tail:] if tail else "")


def cap_problems(problems: list[str]) -> list[str]:
    """At most MAX_PROBLEMS problems of at most MAX_PROBLEM_CHARS each (a count stands for the rest)."""
    out = [p if len(p) <= MAX_PROBLEM_CHARS else p[: MAX_PROBLEM_CHARS - 1] + "…" for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        out.append(f"… and {len(problems) - MAX_PROBLEMS} more problem(s) of the same kinds")
    return out


def trimmed_reply(reply: Reply, problems: list[str], base: list[Message], budget: int) -> Reply:
    """The reply as a re-ask may quote it: cut so prompt + reply + problems stay within `budget` characters."""
    room = budget - message_chars(base) - sum(len(p) + 4 for p in problems) - 600  # 600: the re-ask prompt's own words
    keep = max(MIN_REPLY_EXCERPT, room)
    content = reply.content or ""
    if len(content) <= keep:
        return reply
    return dataclasses.replace(reply, content=trim_text(content, keep))


def _invalid_message(problems: list[str], reasks: int, first: Invalid) -> str:
    if reasks == 0:
        return first.message
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"the model's reply still failed validation after {reasks} re-ask(s): {problems[0]}{more}"


async def ask(
    client: LLMClient,
    body: Body,
    validate: Validate[T],
    *,
    reasks: int = 0,
    follow_up: FollowUp | None = None,
    exchange: Exchange | None = None,
) -> T:
    """The validated value of the first usable reply; raises AskFailed (or the client's LLMError)."""
    s = client.settings
    ex = exchange if exchange is not None else Exchange()
    follow = follow_up or reask_messages
    body = copy.deepcopy(body)
    base = list(body["messages"])
    reasks_left, length_left = reasks, LENGTH_RETRIES
    while True:
        reply = await client.complete(body, ex.stats)
        ex.raw = reply.content
        rnd = Round(request=ex.stats.requests, finish_reason=reply.finish_reason)
        ex.rounds.append(rnd)
        if reply.finish_reason == "length":
            tokens = int(body.get(s.tokens_field, s.max_tokens))
            rnd.outcome = "truncated"
            if length_left > 0 and tokens < s.max_tokens_limit:
                length_left -= 1
                body[s.tokens_field] = min(s.max_tokens_limit, tokens * 2)
                log.info("reply cut off at %d tokens; asking again with %d", tokens, body[s.tokens_field])
                continue
            ex.problems = [f"the reply was cut off at the token limit ({tokens}); raise max_tokens_limit"]
            raise AskFailed(f"the model's reply was cut off at {tokens} tokens even with more room", reason="truncated", raw=ex.raw, problems=ex.problems)
        if reply.refusal:
            rnd.outcome = "refused"
            ex.raw, ex.problems = reply.refusal, [f"the model refused: {reply.refusal}"]
            raise AskFailed(f"the model refused: {reply.refusal[:200]}", reason="refused", raw=reply.refusal, problems=ex.problems)
        try:
            value = await validate(reply.content)
        except Invalid as exc:
            problems = exc.problems
            rnd.outcome, rnd.problems, ex.problems = "rejected", problems, problems
            if reasks_left <= 0:
                raise AskFailed(_invalid_message(problems, reasks, exc), reason="invalid", raw=ex.raw, problems=problems) from None
            reasks_left -= 1
            log.info("reply rejected (%d problem(s)); re-asking", len(problems))
            # Bounded: the original prompt, then only the latest reply (trimmed to the budget) and what is wrong with it.
            capped = cap_problems(problems)
            body["messages"] = base + follow(trimmed_reply(reply, capped, base, s.prompt_chars), capped)
            continue
        rnd.outcome, ex.problems = "ok", []
        return value
