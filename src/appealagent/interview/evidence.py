"""What evidence a case still lacks for its violation type, as facts the display words for the seller.

A question set's evidence checklist lists `needs`: one of several document kinds, some
no older than a number of days before the notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from appealagent.interview.schema import Need, QuestionSet
from appealagent.model.case import Case


@dataclass(frozen=True)
class OldDocument:
    """A document of a needed kind dated more than `days` before the notice."""

    kind: str
    date: dt.date
    days: int


@dataclass
class EvidenceGaps:
    missing: list[Need] = field(default_factory=list)
    old: list[OldDocument] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.old)


def evidence_gaps(case: Case, qset: QuestionSet) -> EvidenceGaps | None:
    """The type's needs the case's documents do not meet; None when the set states no needs."""
    q = next((q for q in qset.questions if q.needs), None)
    if q is None:
        return None
    held = {e.kind for e in case.evidence}
    gaps = EvidenceGaps(missing=[n for n in q.needs if not held & set(n.any_of)])
    notice = case.notification.date
    for need in q.needs:
        if need.max_age_days and notice:
            for doc in case.evidence:
                if doc.kind in need.any_of and doc.date and (notice - doc.date).days > need.max_age_days:
                    gaps.old.append(OldDocument(kind=doc.kind.value, date=doc.date, days=need.max_age_days))
    return gaps
