"""Draft many cases at once: bounded concurrency, one failure never stops the rest, a summary at the end.

An agency drafting 100 cases waits on the LLM server, not the CPU, so the cases
run as asyncio tasks sharing one `AsyncOpenAI` connection pool, with at most
`jobs` requests at the server at a time (a semaphore in the client) and twice as
many cases in progress, so local work overlaps the waiting. Each case's letter is written as soon as it is ready,
so an interrupted batch keeps what it finished, and a re-run skips cases whose
output already exists unless --force. Ctrl-C cancels the cases still running: each
is marked `interrupted` in the caller's `items` list (so the summary can say what
was written and what was not). When the server is down, the client's circuit
breaker opens after a few cases in a row; under `auto` the rest are drafted
offline at once, and under `--engine llm` they are not attempted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from appealagent.corpus.store import Letter
from appealagent.engines.examples import load_pool
from appealagent.engines.readiness import checks_pool
from appealagent.engines.registry import choose
from appealagent.errors import EXIT_INTERRUPTED, AppealAgentError, EngineError, InputError
from appealagent.files import atomic_write, load_model
from appealagent.letters.render import Format
from appealagent.llm.client import LLMClient
from appealagent.model.case import Case
from appealagent.pipeline import DraftOutcome, adraft_case
from appealagent.settings import Settings

EXTENSIONS = {Format.text: ".txt", Format.markdown: ".md", Format.json: ".json"}


@dataclass
class BatchItem:
    """One case's line in the summary table."""

    case_file: str
    status: str = "pending"  # ready, not_ready, failed, skipped, interrupted (pending: never started)
    engine: str = ""
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    output: str = ""
    message: str = ""
    exit_code: int = 0

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def output_path(case_file: Path, out_dir: Path, fmt: Format) -> Path:
    return out_dir / (case_file.stem + EXTENSIONS[fmt])


def check_names(case_files: list[Path]) -> None:
    """Two inputs with the same file name would write the same output: refuse before starting."""
    seen: dict[str, Path] = {}
    for p in case_files:
        if p.stem in seen and seen[p.stem] != p:
            raise InputError(f"{p}: has the same name as {seen[p.stem]}; both would write {p.stem}.*; rename one")
        seen[p.stem] = p


async def run_batch(
    case_files: list[Path],
    *,
    out_dir: Path,
    fmt: Format,
    engine: str,
    settings: Settings,
    jobs: int,
    force: bool = False,
    check: bool = True,
    explain: str | None = None,
    render_output: Callable[[DraftOutcome, Path], str],
    on_done: Callable[[BatchItem], None] | None = None,
    items: list[BatchItem] | None = None,
) -> list[BatchItem]:
    """Draft every case into out_dir; returns one item per case in input order.

    Pass an empty `items` list to see the items as they change (it is filled in place),
    e.g. to report on a batch that Ctrl-C cut short.
    """
    check_names(case_files)
    if items is None:
        items = []
    items[:] = [BatchItem(case_file=str(p)) for p in case_files]
    # `jobs` bounds the requests at the server (inside the client); twice as many cases may be
    # in progress, so one case's local work (prompt, grounding, checks) overlaps others' requests.
    jobs = max(1, jobs)
    sem = asyncio.Semaphore(2 * jobs if jobs > 1 else 1)
    client: LLMClient | None = None
    executor: Executor | None = None
    corpus: list[Letter] | None = None
    choice = choose(engine, llm_configured=settings.llm_configured)
    if choice.engine.needs_llm:
        try:
            client = LLMClient(settings, max_in_flight=jobs)
        except EngineError:
            if choice.fallback is None:
                raise
            client = None  # auto: every case falls back with a warning
        if client is not None and check:
            executor = checks_pool(jobs, len(case_files), settings.check_workers)
        if client is not None:
            corpus = load_pool()

    async def one(path: Path, item: BatchItem) -> None:
        out = output_path(path, out_dir, fmt)
        item.output = str(out)
        if out.exists() and not force:
            item.status, item.message = "skipped", "already drafted (use --force to redo)"
            if on_done:
                on_done(item)
            return
        async with sem:
            started = time.monotonic()
            if client is not None and client.breaker_open and choice.fallback is None:
                item.status, item.exit_code, item.output = "failed", 3, ""
                item.message = f"not attempted: {settings.host} was unreachable for {client.unreachable_streak} case(s) in a row (use --engine auto to draft the rest offline)"
                if on_done:
                    on_done(item)
                return
            try:
                case = load_model(Case, path, what="case file")
                outcome = await adraft_case(
                    case, engine=engine, fmt=fmt if fmt != Format.json else Format.text, check=check,
                    settings=settings, explain=explain, case_file=str(path), log_run=True, client=client, executor=executor, corpus=corpus,
                )
                text = render_output(outcome, path)
                # Writing (and its fsync) runs in a thread so the other cases' requests keep moving. A Ctrl-C that
                # comes while a letter is being written lets the write finish, and the summary counts that letter.
                writing = asyncio.ensure_future(asyncio.to_thread(_write_outputs, out, text, outcome.explanation if fmt != Format.json else None))
                try:
                    await asyncio.shield(writing)
                except asyncio.CancelledError:
                    await writing
                    _record(item, outcome)
                    item.seconds = round(time.monotonic() - started, 2)
                    raise
                _record(item, outcome)
            except asyncio.CancelledError:
                if item.status == "pending":  # Ctrl-C before this case's letter was written
                    item.status, item.message, item.exit_code, item.output = "interrupted", "interrupted before its letter was written", EXIT_INTERRUPTED, ""
                    item.seconds = round(time.monotonic() - started, 2)
                raise
            except AppealAgentError as exc:
                item.status, item.message, item.exit_code, item.output = "failed", str(exc), exc.exit_code, ""
            except Exception as exc:  # a bug in one case must not lose the other 99
                item.status, item.message, item.exit_code, item.output = "failed", f"internal error: {type(exc).__name__}: {exc}", 70, ""
            item.seconds = round(time.monotonic() - started, 2)
        if on_done:
            on_done(item)

    tasks = [asyncio.ensure_future(one(p, it)) for p, it in zip(case_files, items, strict=True)]
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        # Ctrl-C: gather has cancelled the cases but stops waiting at the first; wait for every one to settle
        # (a letter being written is finished and counted), or asyncio.run would cancel them a second time.
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        if client is not None:
            await client.aclose()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
    return items


def _write_outputs(out: Path, text: str, explanation: str | None) -> None:
    """The letter (and its Chinese explanation), each written atomically."""
    atomic_write(out, text if text.endswith("\n") else text + "\n", force=True)
    if explanation:
        atomic_write(out.with_name(out.stem + ".zh.txt"), explanation.rstrip() + "\n", force=True)


def _record(item: BatchItem, outcome: DraftOutcome) -> None:
    """A written letter's line in the summary: engine, findings, ready or not."""
    item.engine = outcome.engine
    checks = outcome.checks
    item.errors = checks.errors if checks is not None else 0
    item.warnings = checks.warnings if checks is not None else 0
    item.status = "ready" if outcome.ready else "not_ready"
    item.message = "; ".join(outcome.warnings)
    item.exit_code = 0 if outcome.ready else 1


def exit_code(items: list[BatchItem]) -> int:
    """130 when interrupted, 3 when any case failed, else 1 when any is not ready, else 0 (skipped cases count as done)."""
    if any(i.status in {"interrupted", "pending"} for i in items):
        return EXIT_INTERRUPTED
    if any(i.status == "failed" for i in items):
        return 3
    if any(i.status == "not_ready" for i in items):
        return 1
    return 0
