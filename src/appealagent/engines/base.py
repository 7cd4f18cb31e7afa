"""The engine seam: the `Engine` protocol, the context an engine drafts in, and what it hands back.

The pipeline knows engines only through this module: it picks one by name from
the registry, calls `draft(case, ctx)`, renders, checks, falls back and logs.
Whatever an engine learns on the way (prompt, retrieved letters, requests, token
usage, re-ask rounds) goes into `ctx.trace` as it happens, so a run that fails
half-way still leaves a complete run-log record.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Protocol

from appealagent.checks.model import CheckReport
from appealagent.corpus.store import Letter
from appealagent.llm.client import CallStats, LLMClient
from appealagent.llm.reask import Round
from appealagent.llm.request import Body
from appealagent.model.case import Case, LetterKind
from appealagent.model.draft import DraftResult, PromptInfo
from appealagent.redact import Redactor
from appealagent.settings import Settings


@dataclass
class Trace:
    """How one letter was drafted, as the run log records it; filled while the engine works."""

    prompt: PromptInfo | None = None
    retrieved: list[str] = field(default_factory=list)
    input_chars: int = 0
    trimmed: list[str] = field(default_factory=list)
    stats: CallStats | None = None  # set once the first request is about to go out
    rounds: list[Round] = field(default_factory=list)
    ungrounded: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    raw_reply: str | None = None  # the model's last reply when it was rejected, saved beside the record
    error: str | None = None
    fallback: bool = False
    style: str | None = None  # the LLM engine's style (editor, author)

    def record(self) -> dict[str, object]:
        """The run-log keys this trace knows (none for an engine that sends nothing)."""
        out: dict[str, object] = {}
        if self.prompt is not None:
            out.update(prompt=self.prompt, retrieved=self.retrieved, input_chars=self.input_chars, trimmed=self.trimmed)
        if self.style is not None:
            out["style"] = self.style
        if self.stats is not None:
            out.update(
                attempts=[a.as_dict() for a in self.stats.attempts],
                requests=self.stats.requests,
                usage=self.stats.usage,
                rounds=[r.as_dict() for r in self.rounds],
                ungrounded=self.ungrounded,
                problems=self.problems,
            )
        if self.error is not None:
            out["error"] = self.error
        if self.fallback:
            out["fallback"] = True
        return out


@dataclass
class EngineContext:
    """What an engine drafts with: settings, the shared LLM client and checks pool, the corpus, a trace.

    One context per case. A batch passes its shared `client`, `executor` and
    `corpus`; a single draft leaves them unset, and the client is opened on first
    use (`llm()`) and closed by `aclose()`.
    """

    settings: Settings
    redactor: Redactor
    check: bool = True
    client: LLMClient | None = None
    executor: Executor | None = None
    corpus: list[Letter] | None = None
    trace: Trace = field(default_factory=Trace)
    warnings: list[str] = field(default_factory=list)
    _owns_client: bool = False

    def llm(self) -> LLMClient:
        """The LLM client for this case (raises LLMError when no key is configured)."""
        if self.client is None:
            self.client = LLMClient(self.settings)
            self._owns_client = True
        return self.client

    def call_stats(self) -> CallStats:
        """The requests and token usage of this case, shared by every call made for it."""
        if self.trace.stats is None:
            self.trace.stats = CallStats()
        return self.trace.stats

    async def aclose(self) -> None:
        if self._owns_client and self.client is not None:
            await self.client.aclose()
        self.client, self._owns_client = None, False


@dataclass
class EngineRun:
    """An engine's draft, plus the checks' report on its text rendering when the engine already ran them."""

    result: DraftResult
    checks: CheckReport | None = None


class Engine(Protocol):
    """A way to turn a Case into a draft; registered by `name` in engines/registry.py."""

    name: str  # what --engine takes
    label: str  # how messages name it: "the LLM engine failed …"
    needs_llm: bool  # sends the case to a model (needs a configured server; can add --explain)

    def supports(self, kind: LetterKind) -> bool:
        """Whether this engine drafts letters of this kind (auto skips an engine that does not)."""
        ...

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        """Draft one case; raise EngineError when no usable draft came out (ctx.trace says how far it got)."""
        ...

    def preview(self, case: Case, settings: Settings) -> Body | None:
        """The exact request this engine would send for the case (--dry-run), or None if it sends nothing."""
        ...
