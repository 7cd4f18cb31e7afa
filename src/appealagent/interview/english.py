"""What a case still holds only in Chinese that its English letter needs: one gap per field, for the review and `draft`.

The letter is English, so a free-text answer in Chinese reaches it only through its
English twin (`text_en`, `detail_en`) and a name only in Latin script. The interview's
review, `--resume` and the offline draft of a Chinese case all read the same list, so
none of them can claim a case is complete while any English is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from appealagent.model.case import Case, Language, has_cjk


@dataclass(frozen=True)
class EnglishGap:
    """One field the English letter needs but the case has only in Chinese."""

    path: str
    """The case path to fill, e.g. `root_causes[0].detail_en` (or `seller.store_name`, replaced in Latin script)."""
    field: str
    """The `english_field` label key, e.g. `root_causes.detail`."""
    n: int
    """The item's number in the letter (1-based; 0 for a field of the case itself)."""
    text: str
    """What the seller wrote, in Chinese."""


def english_gaps(case: Case) -> list[EnglishGap]:
    """Every Chinese-only field an English letter would show, in letter order (empty for a letter in another language)."""
    if case.letter_language != Language.en:
        return []
    gaps: list[EnglishGap] = []

    def twin(path: str, field: str, n: int, text: str | None, english: str | None) -> None:
        if text and has_cjk(text) and not english:
            gaps.append(EnglishGap(path=f"{path}_en", field=field, n=n, text=text))

    def latin(path: str, field: str, n: int, text: str | None) -> None:
        if text and has_cjk(text):
            gaps.append(EnglishGap(path=path, field=field, n=n, text=text))

    for i, rc in enumerate(case.root_causes):
        twin(f"root_causes[{i}].text", "root_causes.text", i + 1, rc.text, rc.text_en)
        twin(f"root_causes[{i}].detail", "root_causes.detail", i + 1, rc.detail, rc.detail_en)
    for i, ca in enumerate(case.corrective_actions):
        twin(f"corrective_actions[{i}].text", "corrective_actions.text", i + 1, ca.text, ca.text_en)
        latin(f"corrective_actions[{i}].who", "corrective_actions.who", i + 1, ca.who)
    for i, pm in enumerate(case.preventive_measures):
        twin(f"preventive_measures[{i}].text", "preventive_measures.text", i + 1, pm.text, pm.text_en)
        latin(f"preventive_measures[{i}].owner", "preventive_measures.owner", i + 1, pm.owner)
        latin(f"preventive_measures[{i}].frequency", "preventive_measures.frequency", i + 1, pm.frequency)
    for i, doc in enumerate(case.evidence):
        latin(f"evidence[{i}].issuer", "evidence.issuer", i + 1, doc.issuer)
        latin(f"evidence[{i}].reference", "evidence.reference", i + 1, doc.reference)
    latin("seller.store_name", "seller.store_name", 0, case.seller.store_name)
    latin("seller.contact_name", "seller.contact_name", 0, case.seller.contact_name)
    return gaps
