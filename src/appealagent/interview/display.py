"""What the seller sees: prompts with their hints, refusals, evidence notes and the review table, in their language.

The flow decides what happens next and hands this layer facts (a step, its default,
the reasons an answer was refused); this layer words them from _common.yaml and sends
them through the asker. Rich is only needed for the review table.
"""

from __future__ import annotations

from collections.abc import Mapping

from appealagent.interview.answer_types import strategy_for
from appealagent.interview.askers import Asker, Prompt
from appealagent.interview.english import EnglishGap
from appealagent.interview.evidence import EvidenceGaps
from appealagent.interview.loading import options_for
from appealagent.interview.schema import Answer, Question
from appealagent.interview.steps import Reason, Step
from appealagent.interview.wording import error_text, label, translate_reason, ui

ITEM_LABEL_MAX = 80
REVIEW_TEXT_MAX = 60


class Display:
    """Words and shows the interview in one language through one asker."""

    def __init__(self, asker: Asker, lang: str) -> None:
        self.asker = asker
        self.lang = lang

    # ---- questions ---------------------------------------------------------------------------

    def prompt(self, step: Step, default: str | None, answers: Mapping[str, Answer], *, translated_by: str | None = None) -> Prompt:
        """The question as shown: its text (with the item or the answer to translate), options and hints."""
        q, lang = step.q, self.lang
        strategy = strategy_for(q)
        text = q.label(lang)
        if step.item is not None:
            item = step.item.label(lang)
            text = text.replace("{item}", item if len(item) <= ITEM_LABEL_MAX else item[: ITEM_LABEL_MAX - 3] + "…")
        if step.kind == "translate":
            text = ui("translate_confirm", lang, model=translated_by) if translated_by else text
            text = f"{text}\n  “{self.original(step, answers)}”"
            if translated_by and default:
                text += f"\n  → {default}"
        hint_key = strategy.hint_key(q)
        hints = [ui(hint_key, lang)] if hint_key else []
        default_label = strategy.default_label(q, default, lang) if default is not None else None
        if step.kind == "translate":
            hints = [ui("hint_default", lang, default=ui("word_accept", lang)), ui("hint_clear", lang)] if default else [ui("translate_later", lang)]
        elif default_label is not None:
            hints.append(ui("hint_default", lang, default=default_label))
            if not q.required or step.kind != "question":
                hints.append(ui("hint_clear", lang))
        elif not q.required or step.kind != "question":
            hints.append(ui("hint_optional", lang))
        return Prompt(
            key=step.key,
            text=text,
            type=q.type,
            lang=lang,
            help=q.help.get(lang) if q.help else None,
            options=[o.label(lang) for o in options_for(q)],
            hint="; ".join(hints),
            required=q.required and step.kind == "question",
            default_label=default_label,
            multiline=strategy.multiline,
        )

    def ask(self, step: Step, default: str | None, answers: Mapping[str, Answer], *, translated_by: str | None = None) -> str:
        return self.asker.ask(self.prompt(step, default, answers, translated_by=translated_by), default)

    @staticmethod
    def original(step: Step, answers: Mapping[str, Answer]) -> str:
        """The Chinese answer a translate step asks the English of."""
        if step.item is not None and step.key == f"{step.item.checklist}.{step.item.key}.en":  # the seller's own checklist entry
            return step.item.text
        value = answers.get(step.parent.key) if step.parent is not None else None
        return str(value) if value is not None else ""

    def translation_failed(self, reason: str) -> None:
        self.asker.say(ui("translate_failed", self.lang, reason=reason))

    def dropped(self, what: str) -> str:
        return ui("dropped", self.lang, what=what)

    def note(self, q: Question) -> None:
        self.asker.say(q.label(self.lang))

    def reason_text(self, reasons: list[Reason]) -> str:
        """Refusal reasons worded and joined, each once."""
        texts: list[str] = []
        for r in reasons:
            if r.key is not None:
                text = error_text(r.key, self.lang, **dict(r.params))
            else:
                text = translate_reason(r.message, self.lang)
                if r.element is not None:
                    text = error_text("bad_element", self.lang, value=r.element, reason=text)
            if text not in texts:
                texts.append(text)
        return "; ".join(texts)

    def refused(self, reasons: list[Reason]) -> None:
        self.asker.say(ui("not_accepted", self.lang, reason=self.reason_text(reasons)))

    def type_changed(self) -> None:
        self.asker.say(ui("type_changed", self.lang))

    # ---- evidence ----------------------------------------------------------------------------

    def evidence_notes(self, gaps: EvidenceGaps | None) -> list[str]:
        """What the evidence lacks, one note per line of advice."""
        if not gaps:
            return []
        lang = self.lang
        notes: list[str] = []
        if gaps.missing:
            notes.append(ui("evidence_missing", lang, missing="; ".join(n.zh if lang == "zh" else n.en for n in gaps.missing)))
        for doc in gaps.old:
            kind = label("evidence_kind", doc.kind, lang) or doc.kind
            notes.append(ui("evidence_old", lang, kind=kind, date=doc.date.isoformat(), days=doc.days))
        return notes

    def evidence(self, gaps: EvidenceGaps | None) -> None:
        notes = self.evidence_notes(gaps)
        self.asker.say("\n".join(notes) if notes else ui("evidence_ok", self.lang))

    # ---- review ------------------------------------------------------------------------------

    def format(self, step: Step, value: Answer) -> str:
        """An answer as the review screen shows it."""
        if value is None or value == []:
            return ui("none", self.lang)
        return strategy_for(step.q).format(step.q, value, self.lang)

    def missing_text(self, missing: list[str]) -> str:
        """What a draft still needs, in plain words."""
        return "; ".join(label("case_field", m, self.lang) or m for m in missing)

    def english_text(self, gaps: list[EnglishGap]) -> str:
        """The answers still only in Chinese, named as the seller knows them, each with its start."""
        items = []
        for g in gaps:
            name = (label("english_field", g.field, self.lang) or g.path).format(n=g.n)
            start = g.text if len(g.text) <= 24 else g.text[:23] + "…"
            items.append(f"{name}(“{start}”)" if self.lang == "zh" else f"{name} (“{start}”)")
        return "; ".join(items)

    def review(self, answered: list[Step], answers: Mapping[str, Answer], missing: list[str], gaps: EvidenceGaps | None,
               english: list[EnglishGap] | None = None) -> str:
        """Show every answer, what the case still lacks, and ask which answer to change (Enter: none)."""
        from rich.table import Table

        lang = self.lang
        table = Table(title=ui("review_title", lang), show_lines=False, expand=False)
        table.add_column("#", justify="right")
        table.add_column("id")
        table.add_column("question" if lang == "en" else "问题", overflow="fold", max_width=50)
        table.add_column("answer" if lang == "en" else "答案", overflow="fold", max_width=70)
        for n, step in enumerate(answered, start=1):
            text = self.prompt(step, None, answers).text.splitlines()[0]
            short = text if len(text) <= REVIEW_TEXT_MAX else text[: REVIEW_TEXT_MAX - 3] + "…"
            table.add_row(str(n), step.key, short, self.format(step, answers[step.key]))
        self.asker.say(table)
        if missing:
            self.asker.say(ui("review_missing", lang, missing=self.missing_text(missing)))
        if english:
            self.asker.say(ui("english_missing", lang, items=self.english_text(english)))
        if not missing and not english:
            self.asker.say(ui("review_complete", lang))
        for note in self.evidence_notes(gaps):
            self.asker.say(note)
        prompt = Prompt(key="review", text=ui("review_prompt", lang), type="text", lang=lang, required=False)
        return self.asker.ask(prompt, None)

    def bad_review_number(self, raw: str) -> None:
        self.asker.say(ui("review_bad_number", self.lang, n=raw))
