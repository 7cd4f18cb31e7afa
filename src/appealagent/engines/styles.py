"""`--engine llm` and its two styles: editor (the default) edits the offline letter; author writes it anew.

The style is a setting (`--style`, env APPEALAGENT_STYLE, config key `style`), so
one engine name covers both and the run log, the draft's meta and the eval report
say which style wrote a letter. Editor suits small and local models: the facts and
structure come from the offline engine, the model only makes the letter read well
and translates the seller's Chinese. Author suits strong models: it writes the
whole letter from the case, with reference letters whose specifics are masked.
"""

from __future__ import annotations

from appealagent.engines.author.engine import AuthorEngine
from appealagent.engines.base import EngineContext, EngineRun
from appealagent.engines.editor.engine import EditorEngine
from appealagent.llm.request import Body
from appealagent.model.case import Case, LetterKind
from appealagent.model.kinds import label as kind_label
from appealagent.settings import Settings

STYLES = ("editor", "author")


class LLMEngine:
    """The LLM engine: picks the editor or the author by `settings.style` for each draft."""

    name = "llm"
    label = "LLM engine"
    needs_llm = True

    def __init__(self) -> None:
        self.editor = EditorEngine()
        self.author = AuthorEngine()

    def _style(self, settings: Settings, kind: LetterKind) -> EditorEngine | AuthorEngine:
        """The author when asked for and it writes this kind (the appeals); else the editor, which edits any drafted kind."""
        return self.author if settings.style == "author" and self.author.supports(kind) else self.editor

    def supports(self, kind: LetterKind) -> bool:
        return self.editor.supports(kind) or self.author.supports(kind)

    def preview(self, case: Case, settings: Settings) -> Body | None:
        return self._style(settings, case.letter_kind).preview(case, settings)

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        style = self._style(ctx.settings, case.letter_kind)
        ctx.trace.style = "author" if style is self.author else "editor"
        if ctx.settings.style == "author" and style is self.editor:
            label = kind_label(case.letter_kind)
            ctx.warnings.append(f"the author style writes appeals only: this {label} was edited from the offline letter (editor style)")
        return await style.draft(case, ctx)
