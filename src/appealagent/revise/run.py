"""The revise steps a command runs: read and record the reply, find the last letter, draft the next one and judge it against what was sent.

Each outcome of the reply has its own path (DOMAIN.md §8): more information → the revised case
is drafted through the ordinary pipeline and compared part by part with the last letter, and a
letter that repeats what Amazon asked to change is refused; denied → no letter, only what the
reply itself says still applies; reinstated → the outcome is recorded and the letter that
worked may join the seller's corpus after the checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from appealagent.checks.sections import split_sections
from appealagent.errors import InputError
from appealagent.history import CaseHistory, LetterEntry, OutcomeEntry, ReplyEntry, now
from appealagent.intake.reply import ReplyReading, read_reply
from appealagent.model.case import Case
from appealagent.pipeline import DraftOutcome, draft_case
from appealagent.revise.changes import ChangeReport, compare, same_as_sent
from appealagent.runlog import case_hash, list_runs


@dataclass
class Revision:
    """The next letter and how it compares with what was sent; `refusals` non-empty means it must not be sent."""

    case: Case
    outcome: DraftOutcome
    changes: ChangeReport
    refusals: list[str] = field(default_factory=list)


def read_reply_text(text: str, source: str) -> ReplyReading:
    """The reply's reading; a text that is not Amazon's answer to an appeal is a one-line error."""
    reading = read_reply(text)
    if reading.is_reply:
        return reading
    why = reading.message or "it reads as neither a request for more information, a denial nor a reinstatement"
    raise InputError(f"{source}: not Amazon's reply to an appeal ({why}); a new notice goes to `appealagent intake`")


def record_reply(history: CaseHistory, text: str, reading: ReplyReading, source: str, received_on: dt.date | None = None) -> bool:
    """Add the reply (and, for a decision, the outcome) unless this very reply is already the latest one; True when added."""
    replies = history.replies()
    if replies and replies[-1].text.strip() == text.strip():
        return False
    history.entries.append(ReplyEntry(at=now(), received_on=received_on or dt.date.today(), text=text, reply=reading.to_json(), file=source))
    if reading.outcome in ("denied", "reinstated"):
        history.entries.append(OutcomeEntry(at=now(), outcome=str(reading.outcome)))
    return True


def letter_entry(text: str, *, source: str, engine: str | None, case: Case | None, file: str | None, sent_on: dt.date | None = None) -> LetterEntry:
    """A letter as the history keeps it: text, parts, engine and the hash of the case it came from."""
    return LetterEntry(
        at=now(), sent_on=sent_on or dt.date.today(), text=text, engine=engine,
        case_sha256=case_hash(case.model_dump_json()) if case is not None else None,
        sections=split_sections(text), source=source, file=file,
    )


def find_last_letter(history: CaseHistory, case: Case, given: tuple[str, str] | None) -> LetterEntry | None:
    """The letter Amazon answered: one given now (recorded), else the history's last, else the newest run log of this exact case."""
    if given is not None:
        text, file = given
        last = history.last_letter()
        if last is None or last.text.strip() != text.strip():
            history.entries.append(letter_entry(text, source="given", engine=None, case=case, file=file))
        return history.last_letter()
    last = history.last_letter()
    if last is not None:
        return last
    sha = case_hash(case.model_dump_json())
    for run in list_runs(200):
        if run.get("case_sha256") == sha and run.get("letter"):
            entry = letter_entry(str(run["letter"]), source=f"run:{run.get('id')}", engine=str(run.get("engine") or "") or None, case=case, file=None)
            history.entries.insert(0, entry)
            return entry
    return None


def draft_revision(case: Case, history: CaseHistory, asks: list[str], *, engine: str, case_file: str | None) -> Revision:
    """Draft the revised case and judge the letter against the last one sent and every earlier one."""
    outcome = draft_case(case, engine=engine, case_file=case_file, log_run=True)
    last = history.last_letter()
    if last is None:  # pragma: no cover - the command insists on a last letter first
        raise InputError("no letter recorded for this case")
    changes = compare(last.text, outcome.letter, asks, against=last.sent_on.isoformat())
    refusals = list(changes.refusals)
    same = same_as_sent(outcome.letter, [(f"on {e.sent_on.isoformat()}", e.text) for e in history.letters()])
    if same:
        refusals.insert(0, same)
    return Revision(case=case, outcome=outcome, changes=changes, refusals=refusals)


def revised_case_path(case_path: Path, history: CaseHistory) -> Path:
    """Where the revised case goes by default: CASE.rev2.json for the second letter, and so on."""
    n = len(history.letters()) + 1
    return case_path.with_name(f"{case_path.stem}.rev{n}.json")
