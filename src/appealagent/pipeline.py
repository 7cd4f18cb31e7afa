"""One call from a Case to a drafted, rendered, checked letter: the flow every command shares.

intake/interview → Case → (retrieval) → engine → render → checks → report.
Commands call `draft_case` (or `adraft_case` in a batch); evals call the same
function, so what is graded is what a seller gets. The offline engine needs
nothing; the LLM engine is used when asked (`llm`) or configured (`auto`), and
under `auto` any LLM failure falls back to the offline letter with a visible
warning, so a seller always gets a letter.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from appealagent.errors import EngineError, InputError
from appealagent.letters.render import Format, render_letter
from appealagent.model.case import Case
from appealagent.model.draft import DraftResult
from appealagent.model.kinds import is_appeal

log = logging.getLogger(__name__)
T = TypeVar("T")

ENGINES = ("offline", "llm", "auto")
EXPLAIN_LANGUAGES = ("zh",)


@dataclass
class DraftOutcome:
    """Everything one drafting run produced, for the CLI, the run log and the evals."""

    result: DraftResult
    letter: str
    checks: Any = None  # a checks.CheckReport once the checks run
    warnings: list[str] = field(default_factory=list)
    explanation: str | None = None
    run_id: str | None = None
    run_path: str | None = None

    @property
    def engine(self) -> str:
        return self.result.engine

    @property
    def ready(self) -> bool:
        """Ready to submit: no gaps in the case and no error-level check finding."""
        if self.result.missing or "[TO COMPLETE" in self.letter:
            return False
        return self.checks is None or getattr(self.checks, "errors", 0) == 0


def choose_engine(requested: str, llm_configured: bool) -> str:
    """auto → llm when an LLM is configured, else offline; the offline engine is the no-key default."""
    if requested == "auto":
        return "llm" if llm_configured else "offline"
    return requested


def run_checks(letter: str, case: Case) -> Any:
    """The deterministic checks every draft ends with (imported lazily: they load wording data)."""
    from appealagent.checks import run_checks as _run_checks

    return _run_checks(letter, case=case)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, even when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _offline_notes(case: Case) -> list[str]:
    """The offline engine's notes about gaps in the case, minus its hints to use the LLM."""
    from appealagent.engines.offline import draft_offline

    try:
        return [n for n in draft_offline(case).notes if "--engine llm" not in n]
    except InputError:
        return []


def validate_request(engine: str, explain: str | None) -> None:
    if engine not in ENGINES:
        raise InputError(f"--engine: unknown engine {engine!r} (offline, llm or auto)")
    if explain is not None and explain not in EXPLAIN_LANGUAGES:
        raise InputError(f"--explain: {explain!r} is not supported (zh)")


def draft_case(
    case: Case,
    *,
    engine: str = "offline",
    fmt: Format = Format.text,
    check: bool = True,
    settings: Any = None,
    explain: str | None = None,
    case_file: str | None = None,
    log_run: bool = False,
) -> DraftOutcome:
    """Draft, render and check one case with the chosen engine (offline, llm, or auto)."""
    validate_request(engine, explain)
    if engine == "offline" and explain is None and not log_run:
        return _offline(case, fmt, check)
    return _run(adraft_case(case, engine=engine, fmt=fmt, check=check, settings=settings, explain=explain, case_file=case_file, log_run=log_run))


def _offline(case: Case, fmt: Format, check: bool) -> DraftOutcome:
    from appealagent.engines.offline import draft_offline

    result = draft_offline(case)
    letter = render_letter(result, fmt)
    checks = run_checks(letter, case) if check else None
    return DraftOutcome(result=result, letter=letter, checks=checks)


async def adraft_case(
    case: Case,
    *,
    engine: str = "auto",
    fmt: Format = Format.text,
    check: bool = True,
    settings: Any = None,
    explain: str | None = None,
    case_file: str | None = None,
    log_run: bool = False,
    client: Any = None,
    executor: Any = None,
    corpus: list[Any] | None = None,
) -> DraftOutcome:
    """The async form, for batches: `client` (an LLMClient), `executor` (a checks pool) and the loaded
    `corpus` may be shared across cases."""
    from appealagent.settings import load_settings

    validate_request(engine, explain)
    settings = settings or load_settings()
    chosen = choose_engine(engine, settings.llm_configured)

    if engine == "auto" and chosen == "llm" and not is_appeal(case.letter_kind):
        chosen = "offline"  # the LLM prompt writes appeals; claim responses and feedback reports are offline letters
    if explain and chosen != "llm":
        raise InputError(f"--explain {explain} needs the LLM engine: set OPENAI_API_KEY or --base-url and use --engine llm")
    started = time.monotonic()
    record: dict[str, Any] = {}
    if chosen == "offline":
        outcome = _offline(case, fmt, check)
    else:
        outcome, record = await _llm(
            case, settings, fmt=fmt, check=check, explain=explain, client=client, executor=executor, corpus=corpus,
            fallback=engine == "auto", log_run=log_run, case_file=case_file, started=started,
        )
    if log_run and settings.runlog:
        # In a thread: the file's fsync would otherwise stall every other case of a batch.
        await asyncio.to_thread(_log, outcome, case, settings, record, case_file=case_file, seconds=time.monotonic() - started)
    return outcome


async def _llm(
    case: Case,
    settings: Any,
    *,
    fmt: Format,
    check: bool,
    explain: str | None,
    client: Any,
    executor: Any,
    corpus: list[Any] | None,
    fallback: bool,
    log_run: bool,
    case_file: str | None,
    started: float,
) -> tuple[DraftOutcome, dict[str, Any]]:
    from appealagent.engines.author import Drafter, DraftRejected, Generation, build_request, retrieve_letters
    from appealagent.llm.client import LLMClient
    from appealagent.model.case import missing_for_draft

    if not is_appeal(case.letter_kind):
        raise InputError(
            f"letter_kind: the drafting engines write account and listing appeals, not {case.letter_kind.value}; "
            "use a corpus template (`appealagent corpus search`)"
        )
    letters, warnings = retrieve_letters(case, settings.examples, corpus)
    own_client = client is None
    record: dict[str, Any] = {}
    gen = None
    try:
        if own_client:
            client = LLMClient(settings)
        drafter = Drafter(case, settings, client, check=check, executor=executor)
        build = build_request(case, settings, drafter.redactor, letters)
        record.update(prompt=build.prompt.info, retrieved=build.letter_ids, input_chars=build.input_chars, trimmed=build.trimmed)
        gen = Generation(build=build)
        await drafter.run(build, gen)
        meta = {
            "model": settings.model,
            "base_url_host": settings.host,
            "output_mode": settings.output_mode,
            "prompt": build.prompt.info,
            "retrieved": build.letter_ids,
            "requests": gen.stats.requests,
            "usage": gen.stats.usage,
            "input_chars": build.input_chars,
            "redacted": settings.redact,
        }
        result = DraftResult(draft=gen.draft, engine="llm", letter_kind=case.letter_kind.value, notes=_offline_notes(case), missing=missing_for_draft(case), meta=meta)
        letter = render_letter(result, fmt)
        if check and gen.checks is not None and fmt == Format.text:
            checks = gen.checks  # the loop already checked exactly this letter
        else:
            checks = run_checks(letter, case) if check else None
        outcome = DraftOutcome(result=result, letter=letter, checks=checks, warnings=warnings)
        if explain:
            await _explain(outcome, result, letter, fmt, settings, client, drafter, gen)
        record.update(_gen_record(gen))
        return outcome, record
    except EngineError as exc:
        if isinstance(exc, DraftRejected):
            gen = exc.generation
        if gen is not None:
            record.update(_gen_record(gen))
        record["error"] = str(exc)
        raw = getattr(exc, "raw", None)
        if not fallback:
            if log_run and settings.runlog:
                path = _log(None, case, settings, record, case_file=case_file, seconds=time.monotonic() - started, raw_reply=raw, engine="llm")
                if raw is not None and path is not None:
                    exc.message = f"{exc.message}; the model's last reply is saved in {path.with_suffix('.reply.txt')}"
            raise
        outcome = _offline(case, fmt, check)
        outcome.warnings = [*warnings, f"the LLM engine failed ({exc.message}); this letter comes from the offline engine"]
        outcome.result.meta["fallback_from"] = "llm"
        record["fallback"] = True
        if raw is not None:
            record["_raw_reply"] = raw
        return outcome, record
    finally:
        if own_client and client is not None:
            await client.aclose()


async def _explain(outcome: DraftOutcome, result: DraftResult, letter: str, fmt: Format, settings: Any, client: Any, drafter: Any, gen: Any) -> None:
    """Add the Chinese rendering; if that call fails the letter still stands, with a warning."""
    from appealagent.engines.author import explain as explain_letter

    plain = render_letter(result, Format.text) if fmt != Format.text else letter
    try:
        outcome.explanation, info = await explain_letter(plain, settings, client, drafter.redactor, gen.stats)
        result.meta["explain_prompt"] = info
    except EngineError as exc:
        outcome.warnings.append(f"the Chinese explanation could not be written ({exc.message})")
    result.meta["requests"] = gen.stats.requests
    result.meta["usage"] = gen.stats.usage


def _gen_record(gen: Any) -> dict[str, Any]:
    return {
        "attempts": [a.as_dict() for a in gen.stats.attempts],
        "requests": gen.stats.requests,
        "usage": gen.stats.usage,
        "rounds": gen.rounds,
        "ungrounded": gen.ungrounded,
        "problems": gen.problems,
    }


def _checks_record(checks: Any) -> dict[str, Any] | None:
    if checks is None:
        return None
    findings = [
        {"rule_id": f.rule_id, "severity": f.severity, "message": f.message}
        for f in getattr(checks, "findings", [])
    ]
    return {"errors": getattr(checks, "errors", 0), "warnings": getattr(checks, "warnings", 0), "findings": findings}


def _log(
    outcome: DraftOutcome | None,
    case: Case,
    settings: Any,
    record: dict[str, Any],
    *,
    case_file: str | None,
    seconds: float,
    raw_reply: str | None = None,
    engine: str | None = None,
) -> Any:
    """Save the run; a failure to save is a warning, never a lost letter."""
    import datetime as dt

    from appealagent.runlog import case_hash, new_run_id, save_run

    sha = case_hash(case.model_dump_json())
    raw_reply = record.pop("_raw_reply", raw_reply)
    used = engine or (outcome.engine if outcome else "llm")
    full: dict[str, Any] = {
        "id": new_run_id(sha),
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "case_id": case.case_id,
        "case_file": case_file,
        "case_sha256": sha,
        "violation_type": case.violation_type.value if case.violation_type else None,
        "engine": used,
        "model": settings.model if used == "llm" or record else None,
        "base_url_host": settings.host if used == "llm" or record else None,
        "seconds": round(seconds, 3),
    }
    full.update(record)
    if outcome is not None:
        full.update(
            ready=outcome.ready,
            checks=_checks_record(outcome.checks),
            missing=outcome.result.missing,
            notes=outcome.result.notes,
            warnings=outcome.warnings,
            letter=outcome.letter,
            explanation=outcome.explanation,
        )
    else:
        full.update(ready=False, letter=None)
    try:
        path = save_run(full, secret_values=settings.secrets(), raw_reply=raw_reply)
    except (OSError, InputError) as exc:
        if outcome is not None:
            outcome.warnings.append(f"run log not saved ({exc})")
        return None
    if outcome is not None:
        outcome.run_id, outcome.run_path = full["id"], str(path)
    return path


def dry_run_request(case: Case, settings: Any) -> dict[str, Any]:
    """The exact request body the LLM engine would send for this case (after redaction); sends nothing."""
    from appealagent.engines.author import build_request, retrieve_letters
    from appealagent.redact import Redactor

    letters, _ = retrieve_letters(case, settings.examples)
    build = build_request(case, settings, Redactor.for_case(case, enabled=settings.redact), letters)
    return build.body
