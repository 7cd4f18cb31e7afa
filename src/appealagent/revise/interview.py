"""The revise interview: only the questions Amazon's reply asks, asked through the ordinary interview flow.

`ReviseInterview` is the flow of interview/flow.py (asking, parsing, re-asking, translations,
saving, the Case model's judgement) with two things of its own: the plan is made from the
reply (one round of questions per element of the part it names, per document, per thing to
consider) instead of a violation type's question set, and answers are written onto the case
the last letter was drafted from — added to what it said, never replacing it. A `push` question
refuses, once, an answer with no concrete detail: that vagueness is what the reply complained of.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

from appealagent.checks.match import is_concrete
from appealagent.interview.answer_types import strategy_for
from appealagent.interview.askers import Asker
from appealagent.interview.flow import Interview, SaveHook
from appealagent.interview.paths import list_model
from appealagent.interview.progress import Progress
from appealagent.interview.schema import Answer
from appealagent.interview.steps import CaseDraft, ItemRef, Reason, Step
from appealagent.model.case import has_cjk
from appealagent.revise.questions import ReviseEntry, load_revise

_ID_PREFIX = {"root_causes": "rc", "evidence": "ev"}
_KEY_PREFIX = {"root_cause": "rc", "corrective_actions": "ca", "preventive_measures": "pm"}


@dataclass
class Round:
    """The questions asked about one element: an existing one (`index`), or one the answers create."""

    ref: ItemRef
    entries: list[ReviseEntry]
    list_name: str
    index: int | None = None
    evidence_kind: str | None = None


def _label(elem: Mapping[str, object], lang: str) -> str:
    text = elem.get("text_en") if lang == "en" else None
    text = text or elem.get("text") or elem.get("description") or ""
    return str(text)


def _join(old: object, new: str) -> str:
    old_s = str(old or "").strip()
    if not old_s:
        return new
    return f"{old_s}{'' if old_s.endswith(('.', '。', '!', '?')) else '.'} {new}"


def plan_rounds(base: Mapping[str, object], reply: Mapping[str, object], lang: str) -> list[Round]:
    """The rounds of questions this reply calls for, in the reply's order of parts."""
    spec = load_revise()
    rounds: list[Round] = []
    raw_asks = reply.get("asks")
    asks = [a for a in raw_asks if isinstance(a, str)] if isinstance(raw_asks, list) else []
    for ask in asks:
        block = spec.asks.get(ask)
        if block is None:
            continue
        elements = base.get(block.each) or []
        for i, elem in enumerate(elements if isinstance(elements, list) else []):
            entries = [e for e in block.item if not (e.only_missing and elem.get(e.question.fills or "") not in (None, "", []))]
            rounds.append(Round(ItemRef(ask, f"{_KEY_PREFIX[ask]}{i + 1}", block.each, text=_label(elem, lang)), entries, block.each, i))
        rounds.append(Round(ItemRef(ask, "new", block.each), block.new, block.each))
    docs = reply.get("documents") or []
    for j, doc in enumerate(docs if isinstance(docs, list) else []):
        label = str(doc.get("label") or doc.get("key"))
        if doc.get("window_days"):
            label += f" (dated within the last {doc['window_days']} days)"
        rounds.append(Round(ItemRef("documents", f"doc{j + 1}", "evidence", text=label), spec.documents, "evidence",
                            evidence_kind=str(doc.get("evidence_kind") or "other")))
    consider = reply.get("consider") or []
    for k, item in enumerate(consider if isinstance(consider, list) else []):
        rounds.append(Round(ItemRef("consider", f"c{k + 1}", "corrective_actions", text=str(item)), spec.consider, "corrective_actions"))
    return rounds


class ReviseInterview(Interview):
    """The interview flow over the reply's rounds instead of a violation type's question set."""

    def __init__(self, asker: Asker, progress: Progress, reply: Mapping[str, object], *, save: SaveHook | None = None) -> None:
        super().__init__(asker, progress, save=save)
        self.reply = reply
        self.rounds = plan_rounds(progress.base, reply, progress.lang)
        self._by_ref = {(r.ref.checklist, r.ref.key): r for r in self.rounds}
        self._pushed: dict[str, Answer] = {}

    # ---- planning: the reply's rounds ---------------------------------------------------------
    def plan(self, answers: Mapping[str, Answer] | None = None) -> list[Step]:
        answers = self.p.answers if answers is None else answers
        steps: list[Step] = []
        for rnd in self.rounds:
            for entry in rnd.entries:
                q = entry.question
                self._expand(q, f"{rnd.ref.checklist}.{rnd.ref.key}.{q.id}", rnd.ref, steps, answers, "type")
        return steps

    def _entry(self, step: Step) -> ReviseEntry | None:
        if step.item is None:
            return None
        rnd = self._by_ref.get((step.item.checklist, step.item.key))
        return next((e for e in rnd.entries if e.question is step.q), None) if rnd else None

    # ---- building: answers onto the last letter's case ----------------------------------------
    def build(self, answers: Mapping[str, Answer] | None = None) -> CaseDraft:
        answers = self.p.answers if answers is None else answers
        draft = CaseDraft(data=copy.deepcopy(self.p.base), answers=answers, lang=self.lang)
        for step in self.plan(answers):
            if step.key in answers and step.kind == "question" and step.item is not None:
                self._apply(draft, step, answers[step.key])
        return draft

    def _element(self, draft: CaseDraft, rnd: Round, step: Step, value: Answer) -> int | None:
        """The index of the element this answer writes to, creating a new one on its first answer."""
        if rnd.index is not None:
            return rnd.index
        where = draft.items.get((rnd.ref.checklist, rnd.ref.key))
        if where is not None:
            return where[1]
        lst = draft.data.setdefault(rnd.list_name, [])
        if rnd.evidence_kind is not None:
            if step.q.id != "have" or value is not True:
                return None
            elem: dict[str, object] = {"kind": rnd.evidence_kind, "description": rnd.ref.text}
        elif value in (None, "", []):
            return None
        else:
            elem = {}
        prefix = _ID_PREFIX.get(rnd.list_name)
        if prefix:
            taken = {e.get("id") for e in lst if isinstance(e, dict)}
            n = len(lst) + 1
            while f"{prefix}{n}" in taken:
                n += 1
            elem["id"] = f"{prefix}{n}"
        lst.append(elem)
        draft.items[(rnd.ref.checklist, rnd.ref.key)] = (rnd.list_name, len(lst) - 1)
        return len(lst) - 1

    def _apply(self, draft: CaseDraft, step: Step, value: Answer) -> None:
        assert step.item is not None
        rnd = self._by_ref.get((step.item.checklist, step.item.key))
        if rnd is None:
            return
        idx = self._element(draft, rnd, step, value)
        if idx is None:
            return
        paths = draft.wrote(step.key)
        q = step.q
        if not q.fills or value in (None, "", []):
            paths.append(f"{rnd.list_name}[{idx}]")
            return
        elem = draft.data[rnd.list_name][idx]
        field = q.fills
        stored = strategy_for(q).stored(q, value, list_model(rnd.list_name))
        tr = draft.translation(step.key)
        twin = f"{field}_en" if f"{field}_en" in list_model(rnd.list_name).model_fields else None
        entry = self._entry(step)
        if entry is not None and entry.append and isinstance(stored, str) and elem.get(field):
            old = elem.get(field)
            old_en = elem.get(twin) if twin else None
            if old_en is None and not has_cjk(str(old)):
                old_en = old
            elem[field] = _join(old, stored)
            if twin and (tr or has_cjk(stored)) and old_en is not None:
                elem[twin] = _join(old_en, tr) if tr else old_en
        else:
            elem[field] = stored
            if twin and tr:
                elem[twin] = tr
        paths.append(f"{rnd.list_name}[{idx}].{field}")

    # ---- checking: push for the detail reviewers want -----------------------------------------
    def check(self, step: Step, value: Answer) -> list[Reason]:
        reasons = super().check(step, value)
        entry = self._entry(step)
        if reasons or entry is None or not entry.push or not isinstance(value, str) or not value.strip() or is_concrete(value):
            return reasons
        message = load_revise().push.get(self.lang)
        if not self.asker.interactive:
            note = f"{step.key}: {load_revise().push.en.split(':')[0]}"
            if note not in self.warnings:
                self.warnings.append(note)
            return []
        if self._pushed.get(step.key) == value:
            return []  # typed again: the seller keeps it
        self._pushed[step.key] = value
        return [Reason(message=message)]

    def intro(self) -> None:
        """The loop explained, and Amazon's own question, before the first question."""
        spec = load_revise()
        self.asker.say(spec.intro.get(self.lang))
        question = self.reply.get("question")
        if isinstance(question, str) and question:
            self.asker.say(spec.amazon_question.get(self.lang).replace("{item}", question))
