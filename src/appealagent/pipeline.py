"""One call from a Case to a drafted, rendered, checked letter: the flow every command shares.

engine (by name, from the registry) → render → readiness (checks) → fallback → run log.
Commands call `draft_case` (or `adraft_case` in a batch); evals call the same
function, so what is graded is what a seller gets. The pipeline never asks which
engine ran: `auto` is the registry's policy, and when the chosen engine fails
under it the fallback's letter is used with a visible warning, so a seller always
gets a letter.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Coroutine
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from appealagent.checks.model import CheckReport
from appealagent.checks.readiness import Verdict, verdict
from appealagent.corpus.store import Letter
from appealagent.engines.base import EngineContext, EngineRun
from appealagent.engines.explain import LANGUAGES as EXPLAIN_LANGUAGES
from appealagent.engines.explain import explain_letter
from appealagent.engines.readiness import run_checks
from appealagent.engines.registry import Choice, choose, engine_names, get_engine, llm_engine_for
from appealagent.errors import EngineError, InputError
from appealagent.letters.render import Format, render_letter
from appealagent.llm.client import CallStats, LLMClient
from appealagent.model.case import Case
from appealagent.model.draft import DraftResult
from appealagent.redact import Redactor
from appealagent.runlog import build_record, write_record
from appealagent.settings import Settings, load_settings

T = TypeVar("T")


@dataclass
class DraftOutcome:
    """Everything one drafting run produced, for the CLI, the run log and the evals."""

    result: DraftResult
    letter: str
    checks: CheckReport | None = None
    warnings: list[str] = field(default_factory=list)
    explanation: str | None = None
    run_id: str | None = None
    run_path: str | None = None

    @property
    def engine(self) -> str:
        return self.result.engine

    @property
    def verdict(self) -> Verdict:
        """The one readiness verdict (checks.readiness): the checks' errors, the case's gaps, markers left."""
        return verdict(self.checks, self.letter, self.result.missing)

    @property
    def ready(self) -> bool:
        """Ready to submit: checked, no gaps in the case and no error-level check finding."""
        return self.verdict.ready


def choose_engine(requested: str, llm_configured: bool) -> str:
    """The engine `requested` means for a case of any kind (auto → llm when configured, else offline)."""
    return choose(requested, llm_configured=llm_configured).engine.name


def validate_request(engine: str, explain: str | None) -> None:
    """Refuse an unknown engine or explanation language before anything runs."""
    if engine not in engine_names():
        get_engine(engine)  # raises the one-line InputError naming the engines
    if explain is not None and explain not in EXPLAIN_LANGUAGES:
        raise InputError(f"--explain: {explain!r} is not supported ({', '.join(EXPLAIN_LANGUAGES)})")


def _run(coro: Coroutine[object, object, T]) -> T:
    """Run a coroutine from sync code, even when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def draft_case(
    case: Case,
    *,
    engine: str = "offline",
    fmt: Format = Format.text,
    check: bool = True,
    settings: Settings | None = None,
    explain: str | None = None,
    case_file: str | None = None,
    log_run: bool = False,
) -> DraftOutcome:
    """Draft, render and check one case with the named engine (or auto)."""
    return _run(adraft_case(case, engine=engine, fmt=fmt, check=check, settings=settings, explain=explain, case_file=case_file, log_run=log_run))


async def adraft_case(
    case: Case,
    *,
    engine: str = "auto",
    fmt: Format = Format.text,
    check: bool = True,
    settings: Settings | None = None,
    explain: str | None = None,
    case_file: str | None = None,
    log_run: bool = False,
    client: LLMClient | None = None,
    executor: Executor | None = None,
    corpus: list[Letter] | None = None,
) -> DraftOutcome:
    """The async form, for batches: `client`, `executor` (a checks pool) and `corpus` may be shared across cases."""
    validate_request(engine, explain)
    settings = settings or load_settings()
    choice = choose(engine, llm_configured=settings.llm_configured, kind=case.letter_kind)
    if explain and not choice.engine.needs_llm:
        raise InputError(f"--explain {explain} needs the LLM engine: set OPENAI_API_KEY or --base-url and use --engine llm")
    ctx = EngineContext(
        settings, Redactor.for_case(case, enabled=settings.redact), check=check, client=client, executor=executor, corpus=corpus,
    )
    started = time.monotonic()
    if choice.fallback is not None and choice.engine.needs_llm and settings.budget > 0:
        # auto: the LLM gets `budget` seconds for this case (every request, wait and re-ask), then the fallback writes it.
        ctx.trace.stats = CallStats(deadline=started + settings.budget, budget=settings.budget)
    try:
        outcome = await _draft(case, choice, ctx, fmt=fmt, explain=explain)
    except EngineError as exc:
        ctx.trace.error = str(exc)
        if log_run and settings.runlog:
            path = await _log(None, case, choice, ctx, case_file=case_file, seconds=time.monotonic() - started)
            if ctx.trace.raw_reply is not None and path is not None:
                exc.message = f"{exc.message}; the model's last reply is saved in {path.with_suffix('.reply.txt')}"
        raise
    finally:
        await ctx.aclose()
    if log_run and settings.runlog:
        await _log(outcome, case, choice, ctx, case_file=case_file, seconds=time.monotonic() - started)
    return outcome


async def _draft(case: Case, choice: Choice, ctx: EngineContext, *, fmt: Format, explain: str | None) -> DraftOutcome:
    """The chosen engine's letter, or under auto the fallback's letter with a warning."""
    try:
        outcome = _finish(await choice.engine.draft(case, ctx), case, ctx, fmt)
    except EngineError as exc:
        if choice.fallback is None:
            raise
        ctx.trace.error, ctx.trace.fallback = str(exc), True
        outcome = _finish(await choice.fallback.draft(case, ctx), case, ctx, fmt)
        outcome.warnings.append(f"the {choice.engine.label} failed ({exc.message}); this letter comes from the {choice.fallback.label}")
        outcome.result.meta["fallback_from"] = choice.engine.name
        return outcome
    if explain:
        await _explain(outcome, ctx, fmt)
    return outcome


def _finish(run: EngineRun, case: Case, ctx: EngineContext, fmt: Format) -> DraftOutcome:
    """Render, then check the letter (reusing the engine's own report when it checked exactly this text)."""
    letter = render_letter(run.result, fmt)
    if ctx.trace.rounds:  # why a draft took the requests it took: each reply's outcome and its first problems
        run.result.meta["rounds"] = [{**r.as_dict(), "problems": r.problems[:3]} if r.problems else r.as_dict() for r in ctx.trace.rounds]
    if not ctx.check:
        checks = None
    elif run.checks is not None and fmt == Format.text:
        checks = run.checks
    else:
        checks = run_checks(letter, case)
    return DraftOutcome(result=run.result, letter=letter, checks=checks, warnings=list(ctx.warnings))


async def _explain(outcome: DraftOutcome, ctx: EngineContext, fmt: Format) -> None:
    """Add the Chinese rendering; if that call fails the letter still stands, with a warning."""
    result = outcome.result
    plain = render_letter(result, Format.text) if fmt != Format.text else outcome.letter
    try:
        outcome.explanation, result.meta["explain_prompt"] = await explain_letter(plain, ctx)
    except EngineError as exc:
        outcome.warnings.append(f"the Chinese explanation could not be written ({exc.message})")
    stats = ctx.call_stats()
    result.meta["requests"], result.meta["usage"] = stats.requests, stats.usage


async def _log(outcome: DraftOutcome | None, case: Case, choice: Choice, ctx: EngineContext, *, case_file: str | None, seconds: float) -> Path | None:
    """Save the run (in a thread: the file's fsync would otherwise stall a batch); a failure to save is a warning."""
    record = build_record(
        case, ctx.settings, ctx.trace, outcome, engine=choice.engine.name, tried_llm=choice.engine.needs_llm, case_file=case_file, seconds=seconds,
    )
    try:
        path = await asyncio.to_thread(write_record, record, ctx.settings, ctx.trace.raw_reply)
    except (OSError, InputError) as exc:
        if outcome is not None:
            outcome.warnings.append(f"run log not saved ({exc})")
        return None
    if outcome is not None:
        outcome.run_id, outcome.run_path = record["id"], str(path)
    return path


def dry_run_request(case: Case, settings: Settings, engine: str = "auto") -> dict[str, object] | None:
    """The exact request body the LLM engine would send for this case (after redaction); sends nothing."""
    return llm_engine_for(engine).preview(case, settings)
