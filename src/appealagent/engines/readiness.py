"""Readiness: the deterministic checks every draft ends with, run inline or in a worker process.

The pipeline checks the final letter; the LLM author checks each candidate draft
inside its loop, so a letter the checks reject is sent back to the model. In a
large batch the checks (pure-Python regex work that holds the interpreter lock)
move to a worker process so they do not set the pace of the whole batch.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

from appealagent.checks.model import CheckReport
from appealagent.checks.readiness import Verdict, error_findings, verdict
from appealagent.checks.runner import run_checks as _run_checks
from appealagent.model.case import Case

POOL_MIN_CASES = 8  # a batch this large repays starting a checks worker process


def run_checks(letter: str, case: Case) -> CheckReport:
    """The checks on one rendered letter, with the case for the grounding and evidence rules."""
    return _run_checks(letter, case=case)


def checks_in_worker(letter: str, case_json: str) -> CheckReport:
    """run_checks in a worker process (the case travels as JSON, which pickles cheaply)."""
    return run_checks(letter, Case.model_validate_json(case_json))


async def acheck(letter: str, case: Case, executor: Executor | None) -> CheckReport:
    """run_checks inline, or in the executor's worker when a batch has one."""
    if executor is None:
        return run_checks(letter, case)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, checks_in_worker, letter, case.model_dump_json())


__all__ = ["Verdict", "acheck", "checks_in_worker", "checks_pool", "error_findings", "run_checks", "verdict"]


def checks_pool(jobs: int, cases: int, setting: int | None) -> Executor | None:
    """A process pool for the checks in a large batch, or None to run them inline.

    Small batches and single-core machines do not repay the worker's start-up.
    """
    cpus = os.cpu_count() or 1
    workers = setting if setting is not None else (min(jobs, cpus - 1) if jobs > 1 and cases >= POOL_MIN_CASES else 0)
    if workers <= 0:
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the batch, which cancels cleanly; otherwise each prints a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
