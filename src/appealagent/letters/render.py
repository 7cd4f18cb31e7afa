"""Case + AppealDraft → the letter as text, Markdown or JSON.

Both engines render through these templates, so the letter's layout is decided
in one place (templates/letter.*.j2) and the checks can rely on its headings.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache

import jinja2

from appealagent.model.draft import DraftResult
from appealagent.model.kinds import headings
from appealagent.paths import templates_dir


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_letter(result: DraftResult, fmt: Format = Format.text) -> str:
    """The letter a seller pastes into Seller Central (text) or reads in an editor (markdown)."""
    name = "letter.md.j2" if fmt == Format.markdown else "letter.txt.j2"
    return _env().get_template(name).render(draft=result.draft, headings=headings(result.letter_kind))


def render_json(result: DraftResult, letter: str, extra: dict[str, object] | None = None) -> str:
    """Sections with the kind's headings, the rendered letter, notes and metadata, for scripts."""
    first, second, third = headings(result.letter_kind)
    payload: dict[str, object] = {
        "engine": result.engine,
        "letter_kind": result.letter_kind,
        "headings": {"root_causes": first, "corrective_actions": second, "preventive_measures": third},
        "sections": result.draft.model_dump(),
        "letter": letter,
        "notes": result.notes,
        "missing": result.missing,
        "meta": result.meta,
    }
    payload.update(extra or {})
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)
