"""What the seller sees: prompts with their hints, refusals, evidence notes and the review table, in their language.

The flow decides what happens next and hands this layer facts (a step, its default,
the reasons an answer was refused); this layer words them from _common.yaml and sends
them through the asker. Rich is only needed for the review table.
"""

from __future__ import annotations

from collections.abc import Mapping

from appealagent.interview.answer_types import strategy_for
from appealagent.interview.askers import Asker, Prompt
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

    def prompt(self, step: Step, default: str | None, answers: Mapping[str, Answer]) -> Prompt:
        """The question as shown: its text (with the item or the answer to translate), options and hints."""
        q, lang = step.q, self.lang
        strategy = strategy_for(q)
        text = q.label(lang)
        if step.item is not None:
            item = step.item.label(lang)
            text = text.replace("{item}", item if len(item) <= ITEM_LABEL_MAX else item[: ITEM_LABEL_MAX - 3] + "…")
        if step.kind == "translate" and step.parent is not None:
            original = answers.get(step.parent.key)
            if step.item is not None and step.item.key.startswith("own"):
                original = step.item.text
            text = f"{text}\n  “{original}”"
        hint_key = strategy.hint_key(q)
        hints = [ui(hint_key, lang)] if hint_key else []
        default_label = strategy.default_label(q, default, lang) if default is not None else None
        if default_label is not None:
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

    def ask(self, step: Step, default: str | None, answers: Mapping[str, Answer]) -> str:
        return self.asker.ask(self.prompt(step, default, answers), default)

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

    def review(self, answered: list[Step], answers: Mapping[str, Answer], missing: list[str], gaps: EvidenceGaps | None) -> str:
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
        self.asker.say(ui("review_missing", lang, missing=", ".join(missing)) if missing else ui("review_complete", lang))
        for note in self.evidence_notes(gaps):
            self.asker.say(note)
        prompt = Prompt(key="review", text=ui("review_prompt", lang), type="text", lang=lang, required=False)
        return self.asker.ask(prompt, None)

    def bad_review_number(self, raw: str) -> None:
        self.asker.say(ui("review_bad_number", self.lang, n=raw))
