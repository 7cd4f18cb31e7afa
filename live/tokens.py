"""Count the prompt tokens each style sends, with the live model's own tokenizer (no generation).

Usage: python live/tokens.py BASE_URL [STYLE_DIR]  (BASE_URL as in $APPEALAGENT_LIVE_DIR/server.url;
STYLE_DIR a folder prepared by live/prepare.py, default $APPEALAGENT_LIVE_DIR/evalset-editor).
For each case: the editor's request, the author's request with masked reference letters (today's
author style), and the author's request with the reference letters as they are (the design the
issue measured at about 4,400 tokens), each rendered with the model's chat template by the server
(/apply-template) and counted by it (/tokenize). Prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import urllib.request
from pathlib import Path
from typing import Any

from appealagent.engines.author import request as author_request
from appealagent.engines.editor.engine import EditorEngine
from appealagent.engines.styles import LLMEngine
from appealagent.model.case import Case
from appealagent.settings import load_settings


def _post(base: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(base + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        out: dict[str, Any] = json.loads(r.read())
        return out


def count(base: str, body: dict[str, Any]) -> int:
    prompt = _post(base, "/apply-template", {"messages": body["messages"]})["prompt"]
    return len(_post(base, "/tokenize", {"content": prompt})["tokens"])


def main(argv: list[str]) -> None:
    base = argv[0].removesuffix("/v1")
    live_dir = Path(os.environ.get("APPEALAGENT_LIVE_DIR", Path.home() / ".cache" / "appealagent-live"))
    cases = Path(argv[1]) if len(argv) > 1 else live_dir / "evalset-editor"
    engine = LLMEngine()
    rows = []
    for case_dir in sorted((cases / "cases").iterdir()):
        case = Case.model_validate_json((case_dir / "case.json").read_text(encoding="utf-8"))
        editor = count(base, EditorEngine().preview(case, load_settings(style="editor", base_url=argv[0])) or {})
        author_settings = load_settings(style="author", base_url=argv[0])
        masked = count(base, engine.preview(case, author_settings) or {})
        real_mask = author_request.mask_letter
        author_request.mask_letter = lambda text: text  # the reference letters as they are: the old design
        try:
            unmasked = count(base, engine.preview(case, author_settings) or {})
        finally:
            author_request.mask_letter = real_mask
        rows.append((case_dir.name, editor, masked, unmasked))
    print("| case | editor | author, masked letters | author, letters as they are | editor / unmasked author |")
    print("|---|---:|---:|---:|---:|")
    for name, e, m, u in rows:
        print(f"| {name} | {e} | {m} | {u} | {e / u:.2f} |")
    med = [statistics.median(col) for col in zip(*[r[1:] for r in rows], strict=True)]
    print(f"| median | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | {med[0] / med[2]:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python live/tokens.py BASE_URL [STYLE_DIR]")
    main(sys.argv[1:])
