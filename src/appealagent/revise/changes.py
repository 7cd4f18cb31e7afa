"""What changed between the last letter sent and the next one, part by part, and whether the next one is the same letter again.

Amazon rejects a resubmitted letter (DOMAIN.md §4, §6: a near-duplicate of a rejected letter is
an error), and a reply that asked for more detail on a part is answered only when that part
says more. So the report compares each part (checks.sections.split_sections) by sentence —
added, removed, kept — with a word-level similarity, and `refusals` names every asked part that
did not change and a whole letter that is (nearly) one already sent.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field

from appealagent.catalog import patterns
from appealagent.checks.sections import LABELS, PARTS, split_sections

NEAR_SAME = 0.97  # word-level similarity at or above which two whole letters are "the same letter" (a few words edited)
_SENT_RE = patterns.compile(r"(?<=[.!?])\s+|\n+")
_DOC_RE = patterns.compile(r"attach|enclos|invoice|document|statement|licen[cs]e|letter of authori|retraction|receipt|utility bill|evidence|screenshot", re.IGNORECASE)
ASK_PARTS = {"root_cause": "root_cause", "corrective_actions": "corrective_actions", "preventive_measures": "preventive_measures", "documents": "documents"}


@dataclass
class PartChange:
    """One part of the letter, before and after."""

    part: str
    status: str  # added | changed | unchanged | removed | absent
    similarity: float
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    asked: bool = False


@dataclass
class ChangeReport:
    """The change report against the last letter sent, and why the new letter may not be sent."""

    against: str | None
    similarity: float
    parts: list[PartChange]
    refusals: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _sentences(text: str) -> list[str]:
    return [s.strip(" -*•\t") for s in _SENT_RE.split(text) if s.strip(" -*•\t")]


def similarity(a: str, b: str) -> float:
    """Word-level similarity of two texts (1.0 = the same words in the same order)."""
    wa, wb = a.lower().split(), b.lower().split()
    if not wa and not wb:
        return 1.0
    return round(difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio(), 3)


def _docs(text: str) -> str:
    return "\n".join(s for s in _sentences(text) if _DOC_RE.search(s))


def _part(part: str, old: str, new: str, asked: bool) -> PartChange:
    if not old.strip() and not new.strip():
        status = "absent"
    elif not old.strip():
        status = "added"
    elif not new.strip():
        status = "removed"
    else:
        status = "unchanged" if similarity(old, new) >= 1.0 else "changed"
    old_s, new_s = _sentences(old), _sentences(new)
    return PartChange(
        part=part,
        status=status,
        similarity=similarity(old, new),
        added=[s for s in new_s if s not in old_s],
        removed=[s for s in old_s if s not in new_s],
        asked=asked,
    )


def compare(old_letter: str, new_letter: str, asks: list[str], *, against: str | None = None) -> ChangeReport:
    """The part-by-part change report of `new_letter` against `old_letter`."""
    old_parts, new_parts = split_sections(old_letter), split_sections(new_letter)
    parts = [_part(p, old_parts.get(p, ""), new_parts.get(p, ""), p in asks) for p in PARTS]
    parts.append(_part("documents", _docs(old_letter), _docs(new_letter), "documents" in asks))
    report = ChangeReport(against=against, similarity=similarity(old_letter, new_letter), parts=parts)
    for pc in parts:
        if pc.asked and not pc.added:
            label = LABELS.get(pc.part, pc.part.replace("_", " "))
            report.refusals.append(f"the {label} part says nothing new (similarity {pc.similarity:.0%}), but Amazon's reply asked for more there")
    return report


def same_as_sent(new_letter: str, sent: list[tuple[str, str]]) -> str | None:
    """Why `new_letter` is a letter already sent (same or near-same text), naming which; None when it is not."""
    for label, text in sent:
        sim = similarity(text, new_letter)
        if sim >= NEAR_SAME:
            how = "the same text" if sim >= 1.0 else f"{sim:.0%} the same words"
            return f"the new letter is {how} as the letter sent {label}; Amazon does not reconsider a letter it has already rejected"
    return None
