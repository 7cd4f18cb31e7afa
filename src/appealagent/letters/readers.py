"""Reading a letter back as text: plain text, Markdown, a Word file, or stdin.

The checks and the user's corpus read letters a seller or an agency wrote, in
whatever format they keep them. Reading lives here, next to the writers, so
`files` stays generic file I/O and never reaches into the letter formats.
"""

from __future__ import annotations

from pathlib import Path

from appealagent.errors import InputError
from appealagent.files import read_text


def read_letter(path: str | Path) -> str:
    """A letter as text: plain text or Markdown, a Word file (.docx), or stdin for '-'."""
    if str(path).lower().endswith(".docx"):
        return docx_text(Path(path))
    return read_text(path, what="letter")


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
