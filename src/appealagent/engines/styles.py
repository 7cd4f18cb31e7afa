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
from appealagent.model.kinds import is_appeal
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

    def _style(self, settings: Settings) -> EditorEngine | AuthorEngine:
        return self.author if settings.style == "author" else self.editor

    def supports(self, kind: LetterKind) -> bool:
        return is_appeal(kind)

    def preview(self, case: Case, settings: Settings) -> Body | None:
        return self._style(settings).preview(case, settings)

    async def draft(self, case: Case, ctx: EngineContext) -> EngineRun:
        ctx.trace.style = ctx.settings.style
        return await self._style(ctx.settings).draft(case, ctx)
