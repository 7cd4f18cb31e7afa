"""A case's memory: each letter sent and each reply from Amazon, kept beside the case file as CASE.history.json.

Most sellers send two or three letters before they are reinstated or give up (DOMAIN.md §8);
the next letter must answer exactly what the last reply asked and must differ from what was
already sent, so both are remembered: each letter with its text, date, engine and the hash of
the case it was drafted from (`runlog.case_hash`), each reply with Amazon's text and what the
rules read from it, and the outcome. The file is written atomically and readable only by its
owner (0600): it holds the seller's letters and Amazon's messages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.catalog import patterns
from appealagent.errors import InputError
from appealagent.files import atomic_write, format_validation_error, read_text

HISTORY_FORMAT: Final = "appealagent-case-history"
_REV_RE = patterns.compile(r"\.rev\d+$")
Reading = dict[str, object]  # a reply as intake.reply.ReplyReading.to_json() gives it


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    at: dt.datetime = Field(description="When appealagent recorded it (UTC).")


class LetterEntry(_Entry):
    """A letter sent to Amazon (or drafted to be sent): its text and what it was drafted from."""

    type: Literal["letter"] = "letter"
    sent_on: dt.date
    text: str
    engine: str | None = Field(default=None, description="offline, llm, or null for a letter the seller wrote.")
    case_sha256: str | None = None
    sections: dict[str, str] = Field(default_factory=dict, description="The letter's parts (checks.sections.split_sections).")
    source: str = Field(default="revise", description="revise (drafted by `revise`), given (--last-letter), run:<id> (a draft's run log).")
    file: str | None = None


class ReplyEntry(_Entry):
    """A reply from Amazon as received, and what the rules read from it."""

    type: Literal["reply"] = "reply"
    received_on: dt.date | None = None
    text: str
    reply: Reading = Field(default_factory=dict)
    file: str | None = None


class OutcomeEntry(_Entry):
    """Where the case stands after a reply: reinstated, denied, or a note the seller added."""

    type: Literal["outcome"] = "outcome"
    outcome: str
    note: str | None = None


Entry = Annotated[LetterEntry | ReplyEntry | OutcomeEntry, Field(discriminator="type")]


class CaseHistory(BaseModel):
    """Every letter and reply of one case, oldest first."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    format: Literal["appealagent-case-history"] = HISTORY_FORMAT
    version: Literal[1] = 1
    case_file: str | None = None
    entries: list[Entry] = Field(default_factory=list)

    def letters(self) -> list[LetterEntry]:
        return [e for e in self.entries if isinstance(e, LetterEntry)]

    def replies(self) -> list[ReplyEntry]:
        return [e for e in self.entries if isinstance(e, ReplyEntry)]

    def last_letter(self) -> LetterEntry | None:
        letters = self.letters()
        return letters[-1] if letters else None

    def outcome(self) -> str | None:
        """The latest outcome or reply's outcome; None while a letter sent after it awaits an answer."""
        for e in reversed(self.entries):
            if isinstance(e, LetterEntry):
                return None  # a letter sent after the last reply: waiting for Amazon
            if isinstance(e, OutcomeEntry):
                return e.outcome
            if isinstance(e, ReplyEntry) and e.reply.get("outcome"):
                return str(e.reply["outcome"])
        return None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def history_path(case_path: Path) -> Path:
    """CASE.json → CASE.history.json, beside it; a revised case (CASE.rev2.json) shares its case's history."""
    return case_path.with_name(_REV_RE.sub("", case_path.stem) + ".history.json")


def load_history(case_path: Path) -> CaseHistory:
    """The case's history, or an empty one when none was kept yet; a damaged file is a one-line error."""
    path = history_path(case_path)
    if not path.exists():
        return CaseHistory(case_file=case_path.name)
    text = read_text(path, what="case history")
    try:
        return CaseHistory.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, source=str(path)).splitlines()[0]) from None


def save_history(case_path: Path, history: CaseHistory) -> Path:
    """Write the history atomically, readable and writable by its owner only (0600)."""
    path = history_path(case_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # atomic_write keeps this mode
    else:
        os.chmod(path, 0o600)
    return atomic_write(path, history.model_dump_json(indent=2) + "\n", force=True)


def timeline(history: CaseHistory) -> list[dict[str, object]]:
    """One row per entry, oldest first: what `appealagent history CASE.json` lists."""
    rows: list[dict[str, object]] = []
    for i, e in enumerate(history.entries, start=1):
        row: dict[str, object] = {"n": i, "type": e.type, "at": e.at.isoformat()}
        if isinstance(e, LetterEntry):
            row.update(date=e.sent_on.isoformat(), engine=e.engine, case_sha256=e.case_sha256, source=e.source,
                       words=len(e.text.split()), summary=e.text.strip().splitlines()[0][:80] if e.text.strip() else "")
        elif isinstance(e, ReplyEntry):
            asks = e.reply.get("asks") or []
            row.update(date=e.received_on.isoformat() if e.received_on else None, outcome=e.reply.get("outcome"),
                       asks=list(asks) if isinstance(asks, list) else [], summary=str(e.reply.get("message") or ""))
        else:
            row.update(date=e.at.date().isoformat(), outcome=e.outcome, summary=e.note or "")
        rows.append(row)
    return rows
