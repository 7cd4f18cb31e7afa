"""Every rendering of a letter (text, Markdown, JSON, Word) carries its kind's headings, and reads back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.errors import InputError
from appealagent.letters.docx import docx_bytes
from appealagent.letters.readers import read_letter
from appealagent.letters.render import Format, render_json, render_letter
from appealagent.model.case import Case, LetterKind
from appealagent.model.draft import DraftResult
from appealagent.model.kinds import headings

from .conftest import EXAMPLES

APPEAL_HEADINGS = ("Root cause", "Corrective actions taken", "Preventive measures")
# The non-appeal examples and the first heading their letter must open its sections with.
NON_APPEALS = {
    "claim_response_item_not_received_uk": (LetterKind.claim_response, "What happened"),
    "feedback_abuse_report_product_review_us": (LetterKind.feedback_abuse_report, "Why the feedback falls outside the feedback guidelines"),
}
KIND_EXAMPLES = [p for p in EXAMPLES if p.stem in NON_APPEALS or p.stem == "late_shipment_us"]
FORMATS = ["text", "markdown", "json", "docx"]
runner = CliRunner()


def _draft(path: Path) -> DraftResult:
    return draft_offline(Case.model_validate_json(path.read_text(encoding="utf-8")))


def _expected(result: DraftResult) -> list[str]:
    """The kind's headings over the sections that have items (an empty section has no heading)."""
    sections = (result.draft.root_causes, result.draft.corrective_actions, result.draft.preventive_measures)
    return [h for h, items in zip(headings(result.letter_kind), sections, strict=True) if items]


def _docx_headings(data: bytes, tmp_path: Path) -> list[str]:
    docx = pytest.importorskip("docx")
    path = tmp_path / "letter.docx"
    path.write_bytes(data)
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style is not None and (p.style.name or "").startswith("Heading")]


def _headings_in(fmt: str, result: DraftResult, tmp_path: Path) -> list[str]:
    """The section headings as the reader of that format sees them."""
    if fmt == "docx":
        return _docx_headings(docx_bytes(result), tmp_path)
    if fmt == "json":
        payload = json.loads(render_json(result, render_letter(result)))
        shown = payload["headings"]
        return [shown[name] for name in ("root_causes", "corrective_actions", "preventive_measures") if payload["sections"][name]]
    letter = render_letter(result, Format(fmt))
    lines = letter.splitlines()
    if fmt == "markdown":
        return [line[3:] for line in lines if line.startswith("## ")]
    every = set(headings(result.letter_kind)) | set(APPEAL_HEADINGS)
    return [line for line in lines if line in every]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", KIND_EXAMPLES, ids=lambda p: p.stem)
def test_every_format_carries_the_kind_headings(path: Path, fmt: str, tmp_path: Path) -> None:
    result = _draft(path)
    found = _headings_in(fmt, result, tmp_path)
    assert found == _expected(result)
    if path.stem in NON_APPEALS:
        kind, first = NON_APPEALS[path.stem]
        assert result.letter_kind == kind.value
        assert found[0] == first
        assert not set(found) & set(APPEAL_HEADINGS), f"{fmt} letter of a {kind.value} carries appeal headings: {found}"
    else:
        assert found == list(APPEAL_HEADINGS)


@pytest.mark.parametrize("stem", sorted(NON_APPEALS))
def test_drafted_docx_of_a_non_appeal_carries_its_headings_and_reads_back(stem: str, tmp_path: Path) -> None:
    pytest.importorskip("docx")
    case = next(p for p in EXAMPLES if p.stem == stem)
    out = tmp_path / "letter.docx"
    drafted = runner.invoke(app, ["draft", "--engine", "offline", str(case), "--format", "docx", "-o", str(out)])
    assert drafted.exit_code in (0, 1), drafted.output
    _, first = NON_APPEALS[stem]
    found = _docx_headings(out.read_bytes(), tmp_path)
    assert found[0] == first
    assert found == _expected(_draft(case))
    assert not set(found) & set(APPEAL_HEADINGS)
    text = read_letter(out)
    assert text.startswith(_draft(case).draft.opening.split("\n")[0])
    for heading in found:
        assert f"\n\n{heading}\n\n" in text


def test_read_letter_reads_text_and_refuses_a_missing_docx(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear Seller Performance Team,\n", encoding="utf-8")
    assert read_letter(letter) == "Dear Seller Performance Team,\n"
    pytest.importorskip("docx")
    with pytest.raises(InputError, match="no such letter"):
        read_letter(tmp_path / "missing.docx")
