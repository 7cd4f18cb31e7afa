"""The interview flow: which question comes next, skipping, follow-ups, a changed violation type, resume and review.

Pure logic, no wording: every question goes out through the `Display` (which words it
in the seller's language and hands it to an `Asker`), every answer is parsed by its
type's strategy and judged by the Case model on the whole case (`build`). The answers
in `Progress` are the interview's memory: the case is rebuilt from them, so an edit on
the review screen or a `--resume` replays cleanly and follow-ups appear or vanish with
the answers that trigger them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from appealagent.errors import AppealAgentError, InputError
from appealagent.interview.answer_rules import answer_reasons
from appealagent.interview.answer_types import norm, strategy_for, translatable
from appealagent.interview.askers import Asker, Translator
from appealagent.interview.build import build, finalize, refusals
from appealagent.interview.display import Display
from appealagent.interview.english import EnglishGap, english_gaps
from appealagent.interview.evidence import evidence_gaps
from appealagent.interview.loading import item_questions, load_common, options_for, set_for
from appealagent.interview.paths import get_path
from appealagent.interview.plan import questions_for
from appealagent.interview.progress import Progress
from appealagent.interview.schema import Answer, Question, QuestionSet
from appealagent.interview.steps import AnswerError, CaseDraft, ItemRef, Reason, Section, Step
from appealagent.model.case import Case, has_cjk, missing_for_draft

Answers = Mapping[str, Answer]
SaveHook = Callable[[Case, Progress], None]


def _as_answer(value: object) -> Answer:
    """A value already in the case data as an answer would hold it."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _translate_q() -> Question:
    return Question(id="translate", type="text", text=load_common().ui["translate"], required=False, english_only=True)


def _own_q() -> Question:
    return Question(id="own", type="list", text=load_common().ui["own_items"], required=False)


class Interview:
    """Asks the questions of one flow through an Asker and keeps `Progress` up to date."""

    def __init__(self, asker: Asker, progress: Progress, *, save: SaveHook | None = None, translator: Translator | None = None) -> None:
        self.asker = asker
        self.p = progress
        self._save = save
        self.translator = translator
        self.view = Display(asker, progress.lang)
        self.warnings: list[str] = []
        self._later: set[str] = set()
        """English versions the seller left for later in this session (a --resume asks for them again)."""

    @property
    def lang(self) -> str:
        return self.p.lang

    # ---- planning ---------------------------------------------------------------------------

    def violation_type(self, answers: Answers | None = None) -> str | None:
        answers = self.p.answers if answers is None else answers
        value = answers.get("violation_type") or self.p.base.get("violation_type")
        return str(value) if value else None

    def type_set(self, answers: Answers | None = None) -> QuestionSet:
        return set_for(self.violation_type(answers))

    def plan(self, answers: Answers | None = None) -> list[Step]:
        """Every step the answers so far lead to, in asking order."""
        answers = self.p.answers if answers is None else answers
        steps: list[Step] = []
        for section, questions in questions_for(self.violation_type(answers)):
            for q in questions:
                self._expand(q, q.id, None, steps, answers, section)
        return steps

    def _expand(self, q: Question, key: str, item: ItemRef | None, steps: list[Step], answers: Answers, section: Section) -> None:
        step = Step(key=key, q=q, item=item, section=section)
        steps.append(step)
        if self._skipped(step) or key not in answers:
            return
        value = answers[key]
        strategy = strategy_for(q)
        if strategy.offers_english and isinstance(value, str) and has_cjk(value) and translatable(step):
            steps.append(Step(key=f"{key}.en", q=_translate_q(), kind="translate", item=item, parent=step, section=section))
        for fu in q.follow_ups:
            if fu.matches(value):
                for sub in fu.ask:
                    sub_key = f"{item.checklist}.{item.key}.{sub.id}" if item else sub.id
                    self._expand(sub, sub_key, item, steps, answers, section)
        if strategy.collects_items:
            self._expand_items(step, value, steps, answers)

    def _expand_items(self, step: Step, value: Answer, steps: list[Step], answers: Answers) -> None:
        """A checklist: the seller's own items (when allowed), then each ticked item's questions."""
        q, key = step.q, step.key
        own: list[str] = []
        if q.other:
            own_key = f"{key}.own"
            steps.append(Step(key=own_key, q=_own_q(), kind="own", parent=step, section=step.section))
            given = answers.get(own_key)
            own = given if isinstance(given, list) else []
            for i, text in enumerate(own):
                if has_cjk(text) and q.fills != "evidence":
                    steps.append(Step(key=f"{key}.own{i + 1}.en", q=_translate_q(), kind="translate", parent=step, section=step.section,
                                      item=ItemRef(key, f"own{i + 1}", q.fills, text=text)))
            if own_key not in answers:
                return
        ticked = value if isinstance(value, list) else []
        refs = [ItemRef(key, o.value, q.fills, option=o) for o in options_for(q) if o.value in ticked]
        refs += [ItemRef(key, f"own{i + 1}", q.fills, text=text) for i, text in enumerate(own)]
        for ref in refs:
            for sub in item_questions(q):
                self._expand(sub, f"{key}.{ref.key}.{sub.id}", ref, steps, answers, step.section)

    def _skipped(self, step: Step) -> bool:
        """Resuming a hand-made case: questions whose field it already fills are not asked again."""
        if not self.p.skip_filled or step.key in self.p.answers or step.kind != "question" or step.item is not None:
            return False
        q = step.q
        if q.fills:
            return get_path(self.p.base, q.fills) not in (None, [], "")
        paths = [p for o in options_for(q) for p in o.sets]
        return bool(paths) and all(get_path(self.p.base, p) is not None for p in paths)

    def pending(self, *, with_later: bool = False) -> list[Step]:
        """What is still to ask: unanswered questions, and English versions left empty in an earlier session
        (`with_later`: also those left for later in this one, which a --resume asks)."""
        return [s for s in self.plan() if (s.key not in self.p.answers or self._needs_english(s, with_later)) and not self._skipped(s)]

    def _needs_english(self, step: Step, with_later: bool) -> bool:
        return step.kind == "translate" and not self.p.answers.get(step.key) and (with_later or step.key not in self._later)

    def english_gaps(self, case: Case | None = None) -> list[EnglishGap]:
        """What the English letter still lacks because an answer is only in Chinese."""
        return english_gaps(case or self.case())

    # ---- building ---------------------------------------------------------------------------

    def build(self, answers: Answers | None = None) -> CaseDraft:
        """The case data for these answers, and which concrete case paths each answer wrote."""
        answers = self.p.answers if answers is None else answers
        return build(self.p.base, answers, self.plan(answers), self.lang)

    def case(self) -> Case:
        """The case as the answers so far make it (always loadable; refused pieces are dropped and noted)."""
        case, dropped = finalize(self.build().data)
        for d in dropped:
            note = self.view.dropped(d)
            if note not in self.warnings:
                self.warnings.append(note)
        return case

    # ---- answers ----------------------------------------------------------------------------

    def parse(self, step: Step, raw: str) -> Answer:
        """Typed text → a value, or AnswerError naming why not."""
        q = step.q
        strategy = strategy_for(q)
        if raw.strip() in ("", "-"):
            if step.kind == "own":
                return []
            if q.required and step.kind == "question":
                raise AnswerError(strategy.empty_error)
            return None
        return strategy.parse(q, raw)

    def check(self, step: Step, value: Answer) -> list[Reason]:
        """Reasons the Case model refuses this answer (empty when it is accepted)."""
        if step.kind == "own":
            parent = step.parent
            if parent is not None and parent.q.required and not self.p.answers.get(parent.key) and not value:
                return [Reason(key="at_least_one")]
        if step.kind == "translate" or not strategy_for(step.q).asked:
            return []
        draft = self.build({**self.p.answers, step.key: value})
        return refusals(draft, step.key, value) + answer_reasons(draft, step.key, self.lang)

    def default_text(self, step: Step, data: Mapping[str, object] | None = None) -> str | None:
        """What Enter means: the current answer, else the prefilled case value, else the question's default."""
        if step.key in self.p.answers:
            return self.to_text(step, self.p.answers[step.key])
        q = step.q
        strategy = strategy_for(q)
        if step.kind == "question" and step.item is None and not strategy.collects_items:
            case_data = dict(data) if data is not None else self.build().data
            if q.fills:
                value = get_path(case_data, q.fills)
                if value not in (None, [], ""):
                    return self.to_text(step, strategy.prefill(q, _as_answer(value)))
            for opt in options_for(q):
                if opt.sets and all(get_path(case_data, p) == v for p, v in opt.sets.items()):
                    return opt.value
        if q.default is not None:
            return self.to_text(step, q.default)
        return None

    def to_text(self, step: Step, value: Answer) -> str | None:
        """An answer as the seller would type it (None for no answer)."""
        if value is None:
            return None
        return strategy_for(step.q).to_text(step.q, value)

    # ---- asking -----------------------------------------------------------------------------

    def ask_step(self, step: Step) -> Answer:
        """Ask until the answer parses and the Case model accepts it; store it and save."""
        if not strategy_for(step.q).asked:
            self.view.note(step.q)
            self.store(step, True)
            return True
        default = self.default_text(step)
        translated_by = None
        if default is None and step.kind == "translate" and self.translator is not None:
            default = self._machine_translation(step)
            translated_by = self.translator.name if default is not None else None
        while True:
            raw = self.view.ask(step, default, self.p.answers, translated_by=translated_by)
            if raw.strip() == "" and default is not None:
                raw = default
            try:
                value = self.parse(step, raw)
                reasons = self.check(step, value)
            except AnswerError as exc:
                reasons = [exc.reason]
            if not reasons:
                break
            if not self.asker.interactive:
                source = getattr(self.asker, "source", "answers")
                raise InputError(f"{source}: {step.key}: {self.view.reason_text(reasons)}")
            self.view.refused(reasons)
        self.store(step, value)
        if step.q.needs:
            self.view.evidence(evidence_gaps(self.case(), self.type_set()))
        return value

    def _machine_translation(self, step: Step) -> str | None:
        """The configured model's English for the answer this step translates (None when it fails: the seller types it)."""
        assert self.translator is not None
        original = self.view.original(step, self.p.answers)
        if not original:
            return None
        try:
            return self.translator.translate(original)
        except AppealAgentError as exc:
            self.view.translation_failed(str(exc))
            return None

    def store(self, step: Step, value: Answer) -> None:
        """Keep an accepted answer (a new violation type first sets the old type's answers aside) and save."""
        if step.key == "violation_type":
            self._switch_type(value)
        if step.kind == "translate" and not value:
            self._later.add(step.key)
        self.p.answers[step.key] = value
        if step.key in self.p.answered:
            self.p.answered.remove(step.key)
        self.p.answered.append(step.key)
        self.save()

    def _switch_type(self, new: Answer) -> None:
        """A changed violation type sets the old type's answers aside (kept in `stash`) and brings back any earlier ones."""
        old = self.violation_type()
        if old is None or new == old:
            return
        type_keys = {s.key for s in self.plan() if s.section == "type"}
        type_keys |= {k for k in self.p.answers if any(k.startswith(t + ".") for t in type_keys)}
        moved = {k: self.p.answers.pop(k) for k in list(self.p.answers) if k in type_keys}
        if moved:
            self.p.stash[str(old)] = moved
            self.view.type_changed()
        self.p.answers.update(self.p.stash.pop(str(new), {}))

    def save(self) -> None:
        """Note what is still to ask and hand the case and progress to the save hook."""
        self.p.pending = [s.key for s in self.pending(with_later=True)]
        if self._save is not None:
            self._save(self.case(), self.p)

    def run(self) -> Case:
        """Ask every unanswered question the answers lead to, in order."""
        while True:
            todo = self.pending()
            if not todo:
                return self.case()
            self.ask_step(todo[0])

    # ---- evidence and review ----------------------------------------------------------------

    def evidence_gaps(self, case: Case | None = None) -> list[str]:
        """What the type's `needs` lack, and documents older than the window, in the interview language."""
        return self.view.evidence_notes(evidence_gaps(case or self.case(), self.type_set()))

    def answered_steps(self) -> list[Step]:
        """The answered questions in asking order, as the review screen numbers them."""
        return [s for s in self.plan() if s.key in self.p.answers and strategy_for(s.q).asked]

    def review(self) -> Case:
        """Show every answer; the seller edits any by number until they press Enter."""
        while True:
            steps = self.answered_steps()
            case = self.case()
            raw = norm(self.view.review(steps, self.p.answers, missing_for_draft(case), evidence_gaps(case, self.type_set()), english_gaps(case)))
            if not raw:
                self.p.complete = True
                self.save()
                return self.case()
            if not raw.isdigit() or not 1 <= int(raw) <= len(steps):
                self.view.bad_review_number(raw)
                continue
            self.ask_step(steps[int(raw) - 1])
            self.run()
