"""Read Amazon's reply to an appeal: is it one, what did it decide, and what does it ask for (rules in data/intake/replies.yaml).

A reply is not a new notice (DOMAIN.md §8): the next letter answers exactly what the reply
asks, so the reading names the outcome (`more_information`, `denied`, `reinstated`), the parts of
the plan it says are missing or thin, the documents as worded, where to send them, the things
to consider, the metric and question it names, and any window it states. Sentences a seller or
forum poster added around the reply (Chinese commentary, "what do we do now?") are not Amazon's
and are left out. Pure: text in, `ReplyReading` out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from appealagent.facts.emails import emails
from appealagent.intake.data import IGNORECASE, rule_file
from appealagent.intake.decode import NoticeText, prepare
from appealagent.intake.extract.deadlines import find_periods
from appealagent.intake.extract.documents import find_documents
from appealagent.intake.phrases import PhraseList
from appealagent.model.case import has_cjk

OUTCOMES = ("more_information", "denied", "reinstated")
PARTS = ("root_cause", "corrective_actions", "preventive_measures", "documents")
_STRONG_DECISION = 0.85  # a decision phrase this strong, with any appeal wording, makes a text a reply (forum quotes)


class _Rules(NamedTuple):
    """replies.yaml, ready to score."""

    min_reply: float
    min_outcome: float
    min_margin: float
    reply: PhraseList
    outcomes: dict[str, PhraseList]
    acknowledgement: PhraseList
    acknowledgement_message: str
    asks: dict[str, re.Pattern[str]]
    request: re.Pattern[str]
    satisfied: re.Pattern[str]
    contrast: re.Pattern[str]
    consider: re.Pattern[str]
    question_headings: re.Pattern[str]
    send_to: re.Pattern[str]
    still_applies: re.Pattern[str]
    keep_doing: re.Pattern[str]
    metrics: dict[str, re.Pattern[str]]
    messages: dict[str, str]


@functools.cache
def rules() -> _Rules:
    """The reply rules, read and compiled once per process (never at import)."""
    r = rule_file("replies")

    def rx(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, IGNORECASE)

    return _Rules(
        min_reply=float(r["min_reply"]),
        min_outcome=float(r["min_outcome"]),
        min_margin=float(r["min_margin"]),
        reply=PhraseList.from_data(r["reply"]),
        outcomes={name: PhraseList.from_data(r["outcomes"][name]) for name in OUTCOMES},
        acknowledgement=PhraseList.from_data(r["acknowledgement"]["phrases"]),
        acknowledgement_message=str(r["acknowledgement"]["message"]),
        asks={part: rx("|".join(f"(?:{p})" for p in r["asks"][part])) for part in PARTS},
        request=rx(r["request"]),
        satisfied=rx(r["satisfied"]),
        contrast=rx(r["contrast"]),
        consider=rx(r["consider"]),
        question_headings=rx(r["question_headings"]),
        send_to=rx(r["send_to"]),
        still_applies=rx(r["still_applies"]),
        keep_doing=rx(r["keep_doing"]),
        metrics={name: rx(p) for name, p in r["metrics"].items()},
        messages=dict(r["message"]),
    )


@dataclass
class DocumentAsk:
    """A document the reply names: its key in documents.yaml, its label and the sentence as worded."""

    key: str
    label: str
    evidence_kind: str | None
    as_worded: str
    window_days: int | None = None


@dataclass
class ReplyReading:
    """What the rules read from a reply (or why the text is not one)."""

    is_reply: bool = False
    outcome: str | None = None
    confidence: float = 0.0
    unsure: bool = False
    acknowledgement: bool = False
    asks: list[str] = field(default_factory=list)
    documents: list[DocumentAsk] = field(default_factory=list)
    send_to: str | None = None
    consider: list[str] = field(default_factory=list)
    metric: str | None = None
    question: str | None = None
    windows: list[str] = field(default_factory=list)
    still_applies: list[str] = field(default_factory=list)
    keep_doing: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    message: str | None = None
    llm_suggestion: dict[str, object] | None = None  # a configured LLM's second opinion when the rules were unsure (intake/reply_assist.py)

    def to_json(self) -> dict[str, object]:
        """The `reply` object of `intake --json` and of the case history."""
        return asdict(self)


def _sentences(tx: NoticeText) -> list[tuple[str, str]]:
    """Each sentence with the line that introduced its list ('' when none)."""
    return [(tx.flat[s:e], tx.intros[i] if i < len(tx.intros) else "") for i, (s, e) in enumerate(zip(tx.starts, tx.ends, strict=True))]


def _amazon(sentence: str) -> bool:
    """A sentence that can be Amazon's: English (commentary around a Chinese repost is not)."""
    return bool(sentence.strip()) and not has_cjk(sentence)


def _asked_clause(sentence: str, intro: str, r: _Rules) -> str | None:
    """The part of a sentence that asks for something, or None when it asks nothing."""
    clause = sentence
    if r.satisfied.search(sentence):
        parts = r.contrast.split(sentence)
        if len(parts) < 2:
            return None  # "your plan explains the root cause" — praise, not an ask
        clause = parts[-1]
    return clause if r.request.search(clause) or r.request.search(intro) else None


def _read_asks(sents: list[tuple[str, str]], r: _Rules) -> tuple[list[str], list[str]]:
    """The parts the reply asks about, and the things it asks the seller to consider."""
    asks: list[str] = []
    consider: list[str] = []
    for sentence, intro in sents:
        if not _amazon(sentence):
            continue
        if intro and r.consider.search(intro):
            consider.append(sentence.lstrip("-–—*•· ").strip())
            continue
        if r.consider.search(sentence) and sentence.rstrip().endswith((":", "：")):
            continue
        clause = _asked_clause(sentence, intro, r)
        if clause is None:
            continue
        for part in PARTS:
            if part not in asks and r.asks[part].search(clause):
                asks.append(part)
    return [p for p in PARTS if p in asks], consider


def _question(sents: list[tuple[str, str]], r: _Rules) -> str | None:
    """The question Amazon itself asks (not its standard headings, not a poster's)."""
    for sentence, intro in sents:
        s = sentence.strip()
        if s.endswith("?") and _amazon(s) and not r.consider.search(intro) and not r.question_headings.search(s):
            return s.lstrip("-–—*•· ")
    return None


def _send_to(sents: list[tuple[str, str]], r: _Rules) -> str | None:
    for sentence, _intro in sents:
        if _amazon(sentence) and r.send_to.search(sentence) and not re.match(r"\s*(?:from|to|cc|reply-to)\s*:", sentence, IGNORECASE):
            for found in emails(sentence):
                return found.text.lower()
    return None


def _metric(sents: list[tuple[str, str]], r: _Rules) -> str | None:
    for sentence, _intro in sents:
        if not _amazon(sentence):
            continue
        for name, rx in r.metrics.items():
            if rx.search(sentence):
                return name
    return None


def _documents(tx: NoticeText) -> list[DocumentAsk]:
    out: list[DocumentAsk] = []
    for d in find_documents(tx):
        if d["key"] == "plan_of_action":
            continue
        out.append(DocumentAsk(key=d["key"], label=d["label"], evidence_kind=d["evidence_kind"], as_worded=d["phrase"], window_days=d.get("window_days")))
    return out


def _outcome(flat: str, r: _Rules) -> tuple[str | None, float, float, list[str]]:
    """The best outcome, its score, the runner-up's score, and the phrases that decided it."""
    scored = sorted(((name, *r.outcomes[name].score(flat)) for name in OUTCOMES), key=lambda t: -t[1])
    best, runner = scored[0], scored[1]
    if best[1] < r.min_outcome:
        return None, best[1], runner[1], []
    return best[0], best[1], runner[1], best[2]


def outcome_scores(text: str | NoticeText) -> dict[str, float]:
    """Each outcome's score on this text, best first: the candidates a second opinion chooses between."""
    r = rules()
    flat = (text if isinstance(text, NoticeText) else prepare(text)).flat
    return dict(sorted(((name, round(r.outcomes[name].score(flat)[0], 3)) for name in OUTCOMES), key=lambda t: -t[1]))


def read_reply(text: str | NoticeText, *, outcome_from: str | None = None) -> ReplyReading:
    """Read a text as Amazon's reply to an appeal; `is_reply` is False for anything else.

    `outcome_from` reads a text the rules already took for a reply as that outcome instead (a
    second opinion that broke the rules' near tie): asks, windows and the rest follow it."""
    r = rules()
    tx = text if isinstance(text, NoticeText) else prepare(text)
    flat = tx.flat
    reply_score, reply_phrases = r.reply.score(flat)
    outcome, score, runner, phrases = _outcome(flat, r)
    # A forum post quoting "we have reinstated your selling privileges" names the appeal only in
    # passing; a notice that says "will remain deactivated until…" names no appeal at all.
    decisive = outcome is not None and score >= _STRONG_DECISION and outcome != "more_information" and reply_score > 0
    if outcome is None or not (reply_score >= r.min_reply or decisive):
        ack, ack_phrases = r.acknowledgement.score(flat)
        if ack >= r.min_outcome and reply_score >= r.min_reply / 2:
            return ReplyReading(acknowledgement=True, phrases=ack_phrases, message=r.acknowledgement_message, confidence=round(ack, 3))
        return ReplyReading()
    if outcome_from in OUTCOMES and outcome_from != outcome:
        best = score
        score, phrases = r.outcomes[outcome_from].score(flat)
        outcome, runner = outcome_from, best  # still unsure: the rules preferred another outcome
    sents = _sentences(tx)
    reading = ReplyReading(
        is_reply=True,
        outcome=outcome,
        confidence=round(score, 3),
        unsure=score - runner < r.min_margin,
        phrases=list(dict.fromkeys(reply_phrases + phrases)),
    )
    if outcome != "reinstated":
        periods = find_periods(tx)
        reading.windows = [p.text for p in periods.respond + periods.funds + periods.inventory if _amazon(p.sentence)]
    if outcome == "more_information":
        reading.asks, reading.consider = _read_asks(sents, r)
        reading.documents = _documents(tx)
        if reading.documents and "documents" not in reading.asks:
            reading.asks.append("documents")
        reading.send_to = _send_to(sents, r)
        reading.metric = _metric(sents, r)
        reading.question = _question(sents, r)
    elif outcome == "denied":
        reading.still_applies = [s.strip() for s, _ in sents if _amazon(s) and r.still_applies.search(s) and not r.outcomes["denied"].score(s)[0] >= 0.8]
    else:
        reading.keep_doing = [s.strip() for s, _ in sents if _amazon(s) and r.keep_doing.search(s)]
    reading.message = r.messages[outcome].format(asks=", ".join(reading.asks) or "no part named")
    return reading


def reply_kind(text: NoticeText) -> tuple[str, str] | None:
    """The intake's hook: ("appeal_reply" or "appeal_acknowledgement", what to tell the seller), or None for a notice."""
    reading = read_reply(text)
    if reading.is_reply and reading.message:
        return "appeal_reply", reading.message + "; to write the next letter run `appealagent revise CASE.json --reply REPLY.txt`"
    if reading.acknowledgement and reading.message:
        return "appeal_acknowledgement", reading.message
    return None
