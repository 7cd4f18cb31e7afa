"""Ask → validate → re-ask with the exact problems, a bounded number of times (instructor's pattern).

Every model reply this project uses goes through `ask`: drafting, the Chinese
explanation, intake's second opinion and the eval judge. The caller gives a
validator that turns the reply into a typed value or raises `Invalid` with lines
the model can act on; the loop sends those lines back (at most `reasks` times),
asks again with more room when a reply is cut off by the token limit, and stops at
a refusal. The conversation stays bounded: each re-ask carries the original
prompt plus only the latest reply and its problems, never every earlier reply.
Kept as one small function instead of an instructor dependency (whose pins would
hold openai back).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from appealagent.errors import EngineError
from appealagent.llm.client import CallStats, LLMClient, Reply
from appealagent.llm.prompts import load_prompt
from appealagent.llm.request import Body, Message

log = logging.getLogger(__name__)
T = TypeVar("T")

LENGTH_RETRIES = 2  # a cut-off reply is asked again with twice the room, at most this often


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
            # Bounded: the original prompt, then only the latest reply and what is wrong with it.
            body["messages"] = base + follow(reply, problems)
            continue
        rnd.outcome, ex.problems = "ok", []
        return value
