"""Run logs: one JSON file per draft under `<data dir>/runs/`, built here and listed by `appealagent history`.

A seller or agency needs to know later which engine, model, prompt version and
example letters produced a letter, how many requests it took and what it cost
in tokens, and what the checks said — especially after Amazon rejects it. The
key is never recorded: records carry the server's host only, and every record is
scrubbed of the settings' secrets (URL credentials included) before it is written.
Records and saved replies hold buyer details, so they are written 0600 in a 0700
folder: other users of the machine cannot read them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from appealagent import paths
from appealagent.checks.model import CheckReport
from appealagent.engines.base import Trace
from appealagent.errors import InputError
from appealagent.files import atomic_write
from appealagent.model.case import Case
from appealagent.model.draft import DraftResult
from appealagent.settings import Settings, mask_url_credentials

# A run record is JSON read back by `history` and by people: its values are as varied as the run.
Record = dict[str, Any]


class Drafted(Protocol):
    """What the record reads from a finished draft (pipeline.DraftOutcome has all of it)."""

    @property
    def result(self) -> DraftResult: ...
    @property
    def letter(self) -> str: ...
    @property
    def checks(self) -> CheckReport | None: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def explanation(self) -> str | None: ...
    @property
    def ready(self) -> bool: ...


def runs_dir() -> Path:
    return paths.user_data_dir() / "runs"


def case_hash(case_json: str) -> str:
    return hashlib.sha256(case_json.encode("utf-8")).hexdigest()


def new_run_id(case_sha: str) -> str:
    """Sortable by time, unique across parallel batch jobs: 20261120T101500-1a2b3c4d-9f8e."""
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    return f"{now}-{case_sha[:8]}-{secrets.token_hex(2)}"


def _checks_record(checks: CheckReport | None) -> Record | None:
    if checks is None:
        return None
    findings = [{"rule_id": f.rule_id, "severity": f.severity, "message": f.message} for f in checks.findings]
    return {"errors": checks.errors, "warnings": checks.warnings, "findings": findings}


def build_record(
    case: Case,
    settings: Settings,
    trace: Trace,
    outcome: Drafted | None,
    *,
    engine: str,
    tried_llm: bool,
    case_file: str | None,
    seconds: float,
) -> Record:
    """The run record: which case, engine, model and prompt, what happened on the way, and the letter."""
    sha = case_hash(case.model_dump_json())
    record: Record = {
        "id": new_run_id(sha),
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "case_id": case.case_id,
        "case_file": case_file,
        "case_sha256": sha,
        "violation_type": case.violation_type.value if case.violation_type else None,
        "engine": outcome.result.engine if outcome is not None else engine,
        "model": settings.model if tried_llm else None,
        "base_url_host": settings.host if tried_llm else None,
        "seconds": round(seconds, 3),
    }
    record.update(trace.record())
    if outcome is None:
        record.update(ready=False, letter=None)
        return record
    record.update(
        ready=outcome.ready,
        checks=_checks_record(outcome.checks),
        missing=outcome.result.missing,
        notes=outcome.result.notes,
        warnings=outcome.warnings,
        letter=outcome.letter,
        explanation=outcome.explanation,
    )
    return record


def write_record(record: Record, settings: Settings, raw_reply: str | None = None) -> Path:
    """Save a record (scrubbed of the settings' secrets); raises OSError or InputError when it cannot."""
    return save_run(record, secret_values=settings.secrets(), raw_reply=raw_reply)


def _scrub(text: str, secret_values: list[str]) -> str:
    text = mask_url_credentials(text)
    for value in secret_values:
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


def save_run(record: Record, *, secret_values: Sequence[str] = (), raw_reply: str | None = None) -> Path:
    """Write the record (and the model's raw reply beside it, when a draft failed); return the record's path."""
    folder = runs_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _private_folder(folder)
    run_id = record["id"]
    if raw_reply is not None:
        reply_path = folder / f"{run_id}.reply.txt"
        atomic_write(reply_path, _scrub(raw_reply, list(secret_values)), force=True, private=True)
        record["raw_reply_file"] = str(reply_path)
    text = _scrub(json.dumps(record, indent=2, ensure_ascii=False, default=str), list(secret_values))
    path = folder / f"{run_id}.json"
    atomic_write(path, text + "\n", force=True, private=True)
    return path


def _private_folder(folder: Path) -> None:
    """Make the runs folder 0700 (an older version left it 0755); a folder we cannot chmod is left as it is."""
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:
        pass


def _records() -> list[Path]:
    folder = runs_dir()
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.json")), key=lambda p: p.name, reverse=True)


def list_runs(limit: int = 20) -> list[Record]:
    """The newest runs first; a damaged file is listed as such rather than hiding the others."""
    out = []
    for path in _records()[: max(0, limit)]:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            out.append({"id": path.stem, "damaged": True})
    return out


def load_run(run_id: str) -> Record:
    """A run by its id or a unique prefix of it (the `history` listing shows ids)."""
    run_id = run_id.strip()
    if not run_id or os.sep in run_id or "/" in run_id:
        raise InputError(f"{run_id!r}: not a run id (see `appealagent history`)")
    matches = [p for p in _records() if p.stem == run_id] or [p for p in _records() if p.stem.startswith(run_id)]
    if not matches:
        raise InputError(f"{run_id}: no such run (see `appealagent history`)")
    if len(matches) > 1:
        raise InputError(f"{run_id}: matches {len(matches)} runs; give more of the id")
    try:
        return json.loads(matches[0].read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{matches[0]}: damaged run log ({exc})") from None
