"""The LLM editor engine: the model edits the offline engine's grounded letter; failing sections are re-asked alone.

One request sends the offline letter (with the seller's Chinese answers in place)
and gets the five sections back, edited. Each section is then validated on its
own (validate.py). A section that fails is sent back alone with its problems, at
most `reasks` times; a section that still fails keeps the offline wording and the
letter's notes say so. So one bad section never costs the seller the whole draft:
only a reply that is not a draft at all (after one re-ask) fails the engine, and
under `auto` the offline letter then stands in.
"""

from __future__ import annotations

from appealagent.engines.author.engine import DraftRejected
from appealagent.engines.author.request import TOOL_NAME
from appealagent.engines.author.validate import restored_draft
from appealagent.engines.base import EngineContext, EngineRun
from appealagent.engines.editor.request import SECTION_TOOL, build_edit_request, build_section_request
from appealagent.engines.editor.source import LIST_SECTIONS, SECTIONS, Source, build_source, section_value, with_section
from appealagent.engines.editor.translate import build_request as build_translation_request
from appealagent.engines.editor.translate import translate_answers, translates, translation_note
from appealagent.engines.editor.validate import SectionValidator
from appealagent.errors import InputError
from appealagent.llm.client import LLMClient, Reply
from appealagent.llm.reask import AskFailed, Exchange, Invalid, ask, reask_messages, reply_json
from appealagent.llm.request import Body, Message
from appealagent.model.case import Case, LetterKind, missing_for_draft
from appealagent.model.draft import AppealDraft, DraftMeta, DraftResult
from appealagent.model.kinds import llm_mode
from appealagent.redact import Redactor
from appealagent.settings import Settings

PARSE_REASKS = 1  # a reply that is not a draft at all is sent back once; sections have their own budget


def parse_section(raw: str | None, is_list: bool) -> str | list[str]:
    """The value of a one-section reply ({"items": [...]} or {"text": "..."}); raises Invalid."""
    key = "items" if is_list else "text"
    data = reply_json(raw, f"one JSON object {{\"{key}\": …}}")
    value = data.get(key) if isinstance(data, dict) else None
    if is_list and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    if not is_list and isinstance(value, str) and value.strip():
        return value
    raise Invalid([f"reply with one JSON object {{\"{key}\": {'[strings]' if is_list else 'string'}}}"])


def kept_note(name: str, problems: list[str]) -> str:
    first = problems[0] if problems else "it did not pass validation"
    return f"The {name.replace('_', ' ')} section keeps the offline engine's wording: the model's edit failed validation ({first})."


class EditorEngine:
    """The model edits the offline letter (`--engine llm --style editor`, the default style)."""

    name = "llm"
    label = "LLM engine"
    needs_llm = True

    def supports(self, kind: LetterKind) -> bool:
        # Every kind with an LLM mode in data/wording/kinds.yaml: the editor edits whatever the offline engine drafts.
        return llm_mode(kind) is not None

    def preview(self, case: Case, settings: Settings) -> Body | None:
        """The first request: the Chinese-only answers to translate when there are any (the edit follows, with their English), else the edit."""
        src = build_source(case)
        if src.chinese and translates(case):
            redactor = Redactor.for_case(case, enabled=settings.redact)
            return build_translation_request(case, settings, redactor, {f"a{i + 1}": a.text for i, a in enumerate(src.chinese)})
        return build_edit_request(case, settings, Redactor.for_case(case, enabled=settings.redact), src.source, src.chinese).body

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        if not self.supports(case.letter_kind):
            raise InputError(
                f"letter_kind: the drafting engines write account and listing appeals, not {case.letter_kind.value}; "
                "use a corpus template (`appealagent corpus search`)"
            )
        s, trace = ctx.settings, ctx.trace
        src = build_source(case)
        client = ctx.llm()
        exchange = Exchange(stats=ctx.call_stats(), rounds=trace.rounds)
        translated_note: list[str] = []
        if src.chinese and translates(case):
            translated = await translate_answers(case, src.chinese, client, s, ctx.redactor, exchange)
            if translated.done:
                case = translated.case
                src = build_source(case)
                translated_note.append(translation_note(translated.done))
        req = build_edit_request(case, s, ctx.redactor, src.source, src.chinese)
        trace.prompt, trace.input_chars = req.prompt.info, req.input_chars
        edited = await self._ask_letter(client, req.body, ctx, exchange)
        validator = SectionValidator(case, ctx, src.source)
        draft, kept = await self._settle(case, ctx, client, src, edited, validator, exchange)
        trace.ungrounded = validator.ungrounded
        trace.problems = [p for ps in kept.values() for p in ps]
        # The offline notes, minus "translate it with the LLM" for sections the model did translate.
        notes = [n for n in src.offline.notes if "--engine llm" not in n or any(n.startswith(k) for k in kept)]
        notes += [kept_note(k, v) for k, v in kept.items()] + translated_note
        stats = exchange.stats
        meta = DraftMeta(
            model=s.model, base_url_host=s.host, output_mode=s.output_mode, prompt=req.prompt.info, requests=stats.requests,
            usage=stats.usage, input_chars=req.input_chars, redacted=s.redact, style="editor", kept_offline=list(kept),
        )
        result = DraftResult(draft=draft, engine=self.name, letter_kind=case.letter_kind.value, notes=notes, missing=missing_for_draft(case), meta=meta)
        return EngineRun(result=result, checks=None)

    async def _ask_letter(self, client: LLMClient, body: Body, ctx: EngineContext, exchange: Exchange) -> AppealDraft:
        """The model's edited letter, restored; only a reply that is no draft at all is re-asked here."""
        redactor = ctx.redactor

        async def parse(raw: str | None) -> AppealDraft:
            return restored_draft(raw, redactor)

        def follow_up(reply: Reply, problems: list[str]) -> list[Message]:
            return reask_messages(reply, [redactor.redact_text(p) for p in problems], prompt="reask_reply", tool_name=TOOL_NAME)

        try:
            return await ask(client, body, parse, reasks=min(PARSE_REASKS, ctx.settings.reasks), follow_up=follow_up, exchange=exchange)
        except AskFailed as exc:
            raw = redactor.restore_text(exc.raw) if exc.raw is not None else None
            ctx.trace.raw_reply, ctx.trace.problems = raw, exc.problems
            raise DraftRejected(f"the model's edit is not a usable draft: {exc.problems[0] if exc.problems else exc.message}", raw=raw, problems=exc.problems) from None

    async def _settle(
        self, case: Case, ctx: EngineContext, client: LLMClient, src: Source, edited: AppealDraft, validator: SectionValidator, exchange: Exchange
    ) -> tuple[AppealDraft, dict[str, list[str]]]:
        """The final draft: each failing section re-asked alone, then kept offline if it still fails."""
        draft = edited
        kept: dict[str, list[str]] = {}
        failing = await validator.problems(draft)
        if failing and exchange.rounds:  # the run log and meta say why more requests follow
            exchange.rounds[-1].outcome = "sections sent back"
            exchange.rounds[-1].problems = [p for ps in failing.values() for p in ps]
        for name in SECTIONS:
            if name not in failing:
                continue
            value, problems = await self._reask_section(case, ctx, client, src, draft, name, failing[name], validator, exchange)
            if value is None:
                kept[name] = problems
                draft = with_section(draft, name, section_value(src.offline.draft, name))
            else:
                draft = with_section(draft, name, value)
        # Sections accepted one at a time may still clash once together (a check over the whole letter):
        # those keep the offline wording too, without more requests.
        for _ in SECTIONS:
            model_sections = tuple(n for n in SECTIONS if n not in kept)
            late = await validator.problems(draft, only=model_sections) if model_sections else {}
            if not late:
                break
            for name, problems in late.items():
                kept[name] = problems
                draft = with_section(draft, name, section_value(src.offline.draft, name))
        return draft, kept

    async def _reask_section(
        self, case: Case, ctx: EngineContext, client: LLMClient, src: Source, draft: AppealDraft, name: str,
        problems: list[str], validator: SectionValidator, exchange: Exchange,
    ) -> tuple[str | list[str] | None, list[str]]:
        """The section corrected by the model, or (None, its last problems) once the re-asks are spent."""
        s, redactor = ctx.settings, ctx.redactor
        if s.reasks <= 0:
            return None, problems
        is_list = name in LIST_SECTIONS
        body = build_section_request(case, s, redactor, name, section_value(src.source, name), section_value(draft, name), problems)

        async def validate(raw: str | None) -> str | list[str]:
            value = redactor.restore_obj(parse_section(raw, is_list))
            found = await validator.problems(with_section(draft, name, value), only=(name,))
            if found:
                raise Invalid(found[name])
            return value

        def follow_up(reply: Reply, errors: list[str]) -> list[Message]:
            return reask_messages(reply, [redactor.redact_text(e) for e in errors], prompt="reask_reply", tool_name=SECTION_TOOL)

        try:
            return await ask(client, body, validate, reasks=s.reasks - 1, follow_up=follow_up, exchange=exchange), []
        except AskFailed as exc:
            return None, exc.problems or problems
