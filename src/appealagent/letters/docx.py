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
        if not items:  # as in the text letter: no heading over an empty section
            continue
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
    """Write the .docx letter without ever leaving half a file (refuses to overwrite unless forced)."""
    return atomic_write_bytes(path, docx_bytes(result, explanation), force=force)
