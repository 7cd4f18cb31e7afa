"""The LLM author engine: prompt → reply → validate → re-ask, until a draft passes or the re-asks run out.

What comes out is a draft that passed the validator (schema, grounding, language,
error-level checks), or a `DraftRejected` carrying the model's last reply so the
seller can see what it wrote. Everything on the way goes into `ctx.trace`.
"""

from __future__ import annotations

from appealagent.engines.author.request import TOOL_NAME, build_request
from appealagent.engines.author.validate import DraftValidator
from appealagent.engines.base import EngineContext, EngineRun
from appealagent.engines.examples import retrieve_letters
from appealagent.engines.offline import draft_offline
from appealagent.errors import EngineError, InputError
from appealagent.llm.client import Reply
from appealagent.llm.reask import AskFailed, Exchange, ask, reask_messages
from appealagent.llm.request import Body, Message
from appealagent.model.case import Case, LetterKind, missing_for_draft
from appealagent.model.draft import DraftMeta, DraftResult
from appealagent.model.kinds import llm_mode
from appealagent.redact import Redactor
from appealagent.settings import Settings


class DraftRejected(EngineError):
    """The model never produced a usable draft; `raw` is its last reply, `problems` why it failed."""

    def __init__(self, message: str, *, raw: str | None, problems: list[str]) -> None:
        super().__init__(message)
        self.raw = raw
        self.problems = problems


def offline_notes(case: Case) -> list[str]:
    """The offline engine's notes about gaps in the case, minus its hints to use the LLM."""
    try:
        return [n for n in draft_offline(case).notes if "--engine llm" not in n]
    except InputError:
        return []


def _rejected(exc: AskFailed, reasks: int, redactor: Redactor) -> DraftRejected:
    raw = redactor.restore_text(exc.raw) if exc.raw is not None else None
    if exc.reason == "refused":
        message = f"the model refused to draft: {(exc.raw or '')[:200]}"
    elif exc.reason == "invalid":
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        message = f"the model's draft still failed validation after {reasks} re-ask(s): {exc.problems[0]}{more}"
    else:
        message = exc.message
    return DraftRejected(message, raw=raw, problems=exc.problems)


class AuthorEngine:
    """The model writes the whole letter from the case (`--engine llm`)."""

    name = "llm"
    label = "LLM engine"
    needs_llm = True

    def supports(self, kind: LetterKind) -> bool:
        return llm_mode(kind) == "author"  # data/wording/kinds.yaml `llm`: the author prompt writes the appeals; `editor` kinds are the editor mode's

    def preview(self, case: Case, settings: Settings) -> Body | None:
        letters, _ = retrieve_letters(case, settings.examples)
        return build_request(case, settings, Redactor.for_case(case, enabled=settings.redact), letters).body

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        if not self.supports(case.letter_kind):
            raise InputError(
                f"letter_kind: the LLM author mode writes account and listing appeals, not {case.letter_kind.value}; "
                "draft it with --engine offline (or --engine auto, which falls back to it)"
            )
        s, trace = ctx.settings, ctx.trace
        letters, warnings = retrieve_letters(case, s.examples, ctx.corpus)
        ctx.warnings.extend(warnings)
        client = ctx.llm()
        build = build_request(case, s, ctx.redactor, letters)
        trace.prompt, trace.retrieved, trace.input_chars, trace.trimmed = build.prompt.info, build.letter_ids, build.input_chars, build.trimmed
        validator = DraftValidator(case, ctx)
        exchange = Exchange(stats=ctx.call_stats(), rounds=trace.rounds)

        def follow_up(reply: Reply, problems: list[str]) -> list[Message]:
            # The problems quote restored values; they go out redacted like everything else.
            return reask_messages(reply, [ctx.redactor.redact_text(p) for p in problems], prompt="reask", tool_name=TOOL_NAME)

        try:
            draft = await ask(client, build.body, validator, reasks=s.reasks, follow_up=follow_up, exchange=exchange)
        except AskFailed as exc:
            rejected = _rejected(exc, s.reasks, ctx.redactor)
            trace.raw_reply = rejected.raw
            raise rejected from None
        finally:  # the last round's problems, kept for the run log even when a request failed
            trace.problems, trace.ungrounded = exchange.problems, validator.ungrounded
        stats = exchange.stats
        meta = DraftMeta(
            model=s.model, base_url_host=s.host, output_mode=s.output_mode, prompt=build.prompt.info, retrieved=build.letter_ids,
            requests=stats.requests, usage=stats.usage, input_chars=build.input_chars, redacted=s.redact, style="author",
        )
        result = DraftResult(draft=draft, engine=self.name, letter_kind=case.letter_kind.value, notes=offline_notes(case), missing=missing_for_draft(case), meta=meta)
        return EngineRun(result=result, checks=validator.report)
