"""The letter as a Word document, for sellers and agencies who edit and archive appeals in Word.

python-docx is an optional extra (`pip install "appealagent[docx]"`): the text and
Markdown formats need nothing, so a missing library is a one-line error here, not
a dependency for everyone.
"""

from __future__ import annotations

import io
from pathlib import Path

from appealagent.errors import InputError
from appealagent.files import atomic_write_bytes
from appealagent.model.draft import DraftResult
from appealagent.model.kinds import headings


def docx_bytes(result: DraftResult, explanation: str | None = None) -> bytes:
    """The same sections and headings as the text letter, as a .docx file's bytes."""
    try:
        import docx
    except ImportError:
        raise InputError('--format docx needs python-docx: pip install "appealagent[docx]"') from None
    document = docx.Document()
    draft = result.draft
    for para in draft.opening.split("\n\n"):
        document.add_paragraph(para.strip())
    for heading, items in zip(headings(result.letter_kind), (draft.root_causes, draft.corrective_actions, draft.preventive_measures), strict=True):
        document.add_heading(heading, level=2)
        for item in items:
            document.add_paragraph(item, style="List Number")
    for para in draft.closing.split("\n\n"):
        lines = para.strip().split("\n")
        p = document.add_paragraph(lines[0])
        for line in lines[1:]:
            p.add_run().add_break()
            p.add_run(line)
    if explanation:
        document.add_page_break()
        document.add_heading("中文说明 (Chinese explanation, not for submission)", level=2)
        for para in explanation.split("\n\n"):
            document.add_paragraph(para.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(result: DraftResult, path: Path, *, force: bool = False, explanation: str | None = None) -> Path:
    return atomic_write_bytes(path, docx_bytes(result, explanation), force=force)


def docx_text(path: Path) -> str:
    """The text of a Word letter (an agency's .docx), paragraph by paragraph, for the checks."""
    try:
        import docx
    except ImportError:
        raise InputError(f'{path}: reading .docx needs python-docx: pip install "appealagent[docx]", or save the letter as .txt') from None
    if not path.is_file():
        raise InputError(f"{path}: no such letter")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken or non-docx file
        raise InputError(f"{path}: not a readable .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    for para in document.paragraphs:
        style = (para.style.name or "") if para.style is not None else ""
        number = "1. " if style.startswith("List Number") else "- " if style.startswith("List Bullet") else ""
        lines.append(number + para.text if para.text.strip() else "")
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    # Each Word paragraph is a paragraph of the letter: a blank line between them keeps
    # headings and list items apart, as in a text letter.
    return "\n\n".join(line for line in lines if line).strip() + "\n"
