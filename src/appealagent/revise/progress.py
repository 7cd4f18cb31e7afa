"""The revise interview's memory: the answers so far, saved beside the case after every answer so Ctrl-C loses nothing.

`appealagent revise CASE.json --reply REPLY.txt` keeps them in CASE.json.revise.progress
(owner-only, like the case history: the answers are the seller's private business) and
`--resume` continues from them. The file names the reply and the case it belongs to by
their hashes, so answers given to one reply are never replayed against another reply or
against a case edited since; both are refused with a one-line error that says what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from appealagent.errors import InputError, OutputExistsError
from appealagent.files import atomic_write, read_text
from appealagent.interview.progress import Progress

FORMAT: Final = "appealagent-revise-progress"
VERSION: Final = 1


class ReviseProgress(BaseModel):
    """What an interrupted revise interview leaves beside the case."""

    model_config = ConfigDict(defer_build=True)

    format: Literal["appealagent-revise-progress"] = FORMAT
    version: int = VERSION
    reply_sha256: str
    case_sha256: str
    progress: Progress


def sha256_text(text: str) -> str:
    """The hash a reply is known by (whitespace at either end does not count)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def case_file_sha256(case_path: Path) -> str:
    return hashlib.sha256(case_path.read_bytes()).hexdigest()


def revise_progress_path(case_path: Path) -> Path:
    """CASE.json.revise.progress, beside the case it revises."""
    return case_path.with_name(case_path.name + ".revise.progress")


def save_progress(case_path: Path, reply_text: str, progress: Progress) -> Path:
    """Write the answers so far atomically, readable and writable by the owner only (0600)."""
    path = revise_progress_path(case_path)
    saved = ReviseProgress(reply_sha256=sha256_text(reply_text), case_sha256=case_file_sha256(case_path), progress=progress)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # atomic_write keeps this mode
    return atomic_write(path, saved.model_dump_json(indent=2) + "\n", force=True)


def load_progress(case_path: Path, reply_text: str, reply_source: str) -> Progress:
    """The saved answers for this case and this reply, or a one-line InputError saying why they cannot be used."""
    path = revise_progress_path(case_path)
    if not path.exists():
        raise InputError(f"{path}: no saved revise answers to resume; run without --resume")
    try:
        saved = ReviseProgress.model_validate(json.loads(read_text(path, what="revise progress file")))
    except (ValueError, ValidationError):
        raise InputError(f"{path}: not an appealagent revise progress file; move it away and run without --resume") from None
    if saved.reply_sha256 != sha256_text(reply_text):
        raise InputError(f"{path}: the saved answers belong to another reply than {reply_source}; give that reply, or start over with --force (without --resume)")
    if saved.case_sha256 != case_file_sha256(case_path):
        raise InputError(f"{path}: {case_path} was edited after these answers were saved; start over with --force (without --resume)")
    return saved.progress


def refuse_stale(case_path: Path, force: bool) -> None:
    """Starting afresh over saved answers needs --force: they would be replaced."""
    path = revise_progress_path(case_path)
    if path.exists() and not force:
        raise OutputExistsError(f"{path}: answers saved by an interrupted revise; continue with --resume, or use --force to start over")


def discard_progress(case_path: Path) -> None:
    """The interview's answers are in the revised case (or the letter was refused): the progress file has done its job."""
    revise_progress_path(case_path).unlink(missing_ok=True)
