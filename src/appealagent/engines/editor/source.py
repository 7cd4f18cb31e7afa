"""The letter an editor edits: the offline engine's sections, with the seller's Chinese answers in place.

The offline engine writes a `[TO COMPLETE: English version of …]` marker where a
seller's answer is only in Chinese. For the editor that answer is the text to
translate, so the source letter is drafted from a copy of the case whose English
fields carry the Chinese text: the model sees the seller's own words where they
belong and translates them in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from appealagent.engines.offline import draft_offline
from appealagent.model.case import Case, has_cjk
from appealagent.model.draft import AppealDraft, DraftResult

SECTIONS = ("opening", "root_causes", "corrective_actions", "preventive_measures", "closing")
LIST_SECTIONS = ("root_causes", "corrective_actions", "preventive_measures")


@dataclass(frozen=True)
class ChineseAnswer:
    """One answer the seller gave only in Chinese, and where the source letter shows it."""

    where: str
    text: str


@dataclass(frozen=True)
class Source:
    """The offline letter as a seller would get it, and the one the model edits."""

    offline: DraftResult  # the plain offline draft: a section that fails keeps this wording
    source: AppealDraft  # the same letter with Chinese answers in place of their markers
    chinese: list[ChineseAnswer]


def _inline_chinese(case: Case) -> tuple[Case, list[ChineseAnswer]]:
    copy = case.model_copy(deep=True)
    found: list[ChineseAnswer] = []
    for name in LIST_SECTIONS:
        for i, item in enumerate(getattr(copy, name)):
            if item.english() is None and item.text:
                item.text_en = item.text
                found.append(ChineseAnswer(f"{name}[{i}]", item.text))
    for i, rc in enumerate(copy.root_causes):
        if rc.detail and not rc.detail_en and has_cjk(rc.detail):
            rc.detail_en = rc.detail
            found.append(ChineseAnswer(f"root_causes[{i}].detail", rc.detail))
    return copy, found


def build_source(case: Case) -> Source:
    """The offline draft and the editor's source letter for this case (raises InputError for undrafted kinds)."""
    offline = draft_offline(case)
    inlined, chinese = _inline_chinese(case)
    if not chinese:
        return Source(offline=offline, source=offline.draft, chinese=[])
    return Source(offline=offline, source=draft_offline(inlined).draft, chinese=chinese)


def section_value(draft: AppealDraft, name: str) -> str | list[str]:
    value: str | list[str] = getattr(draft, name)
    return list(value) if isinstance(value, list) else value


def with_section(draft: AppealDraft, name: str, value: str | list[str]) -> AppealDraft:
    """A copy of the draft with one section replaced."""
    return draft.model_copy(update={name: value})
