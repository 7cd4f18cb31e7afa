"""The interview's memory: the answers so far, saved as CASE.json.progress next to the case after every answer.

The answers, not the case, are what an interview remembers: the case is rebuilt from
`Progress.base` (the notice's prefill) plus every answer, so an edit on the review
screen or a `--resume` replays cleanly. Answers that no longer apply are kept, never
deleted, so nothing the seller typed is lost.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.errors import InputError
from appealagent.files import atomic_write, load_model, read_text
from appealagent.interview.paths import CaseData
from appealagent.interview.schema import Answer
from appealagent.model.case import Case

PROGRESS_FORMAT: Final = "appealagent-interview-progress"
PROGRESS_VERSION: Final = 1
Lang = Literal["en", "zh"]


class Progress(BaseModel):
    """The interview's memory, saved next to the case (`CASE.json.progress`) after every answer."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at CLI start-up

    format: Literal["appealagent-interview-progress"] = PROGRESS_FORMAT
    version: int = PROGRESS_VERSION
    lang: Lang = "en"
    skip_filled: bool = Field(default=False, description="Resuming a case without progress: skip questions its fields already answer.")
    base: CaseData = Field(default_factory=dict, description="The case before any answer (the notice's prefill).")
    answers: dict[str, Answer] = Field(default_factory=dict)
    answered: list[str] = Field(default_factory=list, description="Question keys in the order they were answered.")
    pending: list[str] = Field(default_factory=list, description="Questions still to ask, as far as the answers so far show.")
    stash: dict[str, dict[str, Answer]] = Field(default_factory=dict, description="Answers set aside when the violation type changed.")
    complete: bool = False
    case_sha256: str | None = None


def as_lang(lang: str) -> Lang:
    return "zh" if lang == "zh" else "en"


def new_progress(lang: str, base: Case | None = None, *, skip_filled: bool = False) -> Progress:
    """A fresh interview from an empty case, a notice's prefill or a hand-made case."""
    data = (base if base is not None else Case.model_validate({})).model_dump(mode="json", exclude_none=True)
    if lang == "zh" and not data.get("explanation_language"):
        data["explanation_language"] = "zh"
    return Progress(lang=as_lang(lang), base=data, skip_filled=skip_filled)


def progress_path(case_path: Path) -> Path:
    """Where the progress of the interview that writes `case_path` is kept."""
    return case_path.with_name(case_path.name + ".progress")


def save(out: Path, case: Case, progress: Progress) -> None:
    """Write the case and its progress (with the case's hash, so a later hand edit of the case is noticed)."""
    text = case.model_dump_json(indent=2, exclude_none=True) + "\n"
    atomic_write(out, text, force=True, private=True)
    progress.case_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    atomic_write(progress_path(out), progress.model_dump_json(indent=2) + "\n", force=True, private=True)


def resume(case_path: Path, lang: str | None) -> tuple[Progress, bool]:
    """The saved progress when it matches the case file; otherwise a fresh interview over the case as it is.

    The flag says the case was edited after the interview saved it (earlier answers are kept in `stash`)."""
    case = load_model(Case, case_path, what="case file")
    side = progress_path(case_path)
    if not side.exists():
        return new_progress(lang or "en", case, skip_filled=True), False
    try:
        progress = Progress.model_validate(json.loads(read_text(side, what="progress file")))
    except (ValueError, ValidationError):
        raise InputError(f"{side}: not an appealagent interview progress file; move it away to resume from {case_path} alone") from None
    current = hashlib.sha256(case_path.read_bytes()).hexdigest()
    if progress.case_sha256 in (None, current):
        if lang:
            progress.lang = as_lang(lang)
        return progress, False
    fresh = new_progress(lang or progress.lang, case, skip_filled=True)
    fresh.stash["_before_edit"] = progress.answers
    return fresh, True
