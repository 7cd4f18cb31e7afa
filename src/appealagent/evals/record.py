"""Write the replayed LLM reply for eval cases from their reference letters.

There is no model here, so a case's recording is written by hand: the reference
letter itself, split into the five AppealDraft fields, with the private values the
model never sees replaced by the placeholders of the redacted prompt. This tool
does that split and substitution so a case writer does not have to; the result is
still a hand-written reply (`"origin": "hand-written"`), and it is checked like
any other by replaying it through the LLM engine.

    python -m appealagent.evals.record                 # every case with no recording yet
    python -m appealagent.evals.record 17 18 --force   # these cases, overwriting

A recording is an author-style reply (the replay runs the author style). Cases of a letter
kind the author style does not write (`AuthorEngine.supports()`, from kinds.yaml `llm`: the
appeals) get no recording; the editor style, which drafts every kind, is tested through the
stub instead. They are named and skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from appealagent.catalog import patterns
from appealagent.engines.author.engine import AuthorEngine
from appealagent.errors import AppealAgentError, InputError
from appealagent.evals.dataset import Sample, load_dataset, resolve_cases_dir
from appealagent.evals.replay import recordings_dir_for
from appealagent.evals.scorers import heading_part
from appealagent.model.draft import AppealDraft
from appealagent.redact import Redactor

NOTE = (
    "Written by hand as the reply a model should give to the redacted prompt (private values as "
    "<ORDER_n>/<EMAIL_n>/<PHONE_n>/<ADDRESS_n> placeholders). It tests the pipeline - prompts, parsing, "
    "redaction, grounding, rendering - and says nothing about any model's quality."
)
_ITEM = patterns.compile(r"^\d+\.\s+")
FIELDS = {"root_cause": "root_causes", "corrective_actions": "corrective_actions", "preventive_measures": "preventive_measures"}


def draft_from_reference(reference: str) -> dict[str, Any]:
    """The reference's opening, numbered items per part, and closing (what follows the last measure)."""
    parts: dict[str, list[str]] = {"opening": [], "closing": [], **{f: [] for f in FIELDS.values()}}
    current = "opening"
    for para in (p.strip() for p in re.split(r"\n\s*\n", reference)):
        if not para:
            continue
        part = heading_part(para)
        if part is not None:
            current = FIELDS[part]
            continue
        if current == "preventive_measures" and parts[current] and not _ITEM.match(para):
            current = "closing"
        if current in FIELDS.values():
            parts[current].append(_ITEM.sub("", para))
        else:
            parts[current].append(para)
    draft = {
        "opening": "\n\n".join(parts["opening"]),
        "root_causes": parts["root_causes"],
        "corrective_actions": parts["corrective_actions"],
        "preventive_measures": parts["preventive_measures"],
        "closing": "\n\n".join(parts["closing"]),
    }
    AppealDraft.model_validate(draft)
    if not all(draft[f] for f in FIELDS.values()):
        raise InputError("the reference letter needs the three headings, each followed by numbered items")
    return draft


def placeholders(sample: Sample) -> dict[str, str]:
    """value → placeholder, exactly as the LLM engine redacts the case before sending it."""
    r = Redactor.for_case(sample.case)
    r.redact_obj(sample.case.model_dump(mode="json", exclude_none=True, exclude_defaults=False))
    # Buyer-name placeholders are left as values: restoring them is the identity, and the
    # pattern also matches policy names ("Customer Service Performance"), which reads oddly.
    return {value: token for value, token in r.forward.items() if not token.startswith("<BUYER_")}


def recording_for(sample: Sample) -> dict[str, Any]:
    draft = draft_from_reference(sample.reference)
    swaps = sorted(placeholders(sample).items(), key=lambda kv: len(kv[0]), reverse=True)

    def redact(text: str) -> str:
        for value, token in swaps:
            text = text.replace(value, token)
        return text

    reply = {k: [redact(x) for x in v] if isinstance(v, list) else redact(v) for k, v in draft.items()}
    return {"origin": "hand-written", "case": sample.id, "note": NOTE, "reply": reply}


def write_recordings(cases: Path | None, ids: list[str], force: bool) -> list[Path]:
    cases_dir = resolve_cases_dir(cases)
    folder = recordings_dir_for(cases_dir)
    written = []
    author = AuthorEngine()
    for sample in load_dataset(cases, ids or None):
        if not author.supports(sample.case.letter_kind):
            if ids:
                print(f"{sample.id}: skipped, the author style does not write {sample.case.letter_kind.value} letters (recordings are author replies)", file=sys.stderr)
            continue
        path = folder / f"{sample.id}.json"
        if path.exists() and not force:
            if ids:
                print(f"{path}: exists (use --force to overwrite)", file=sys.stderr)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        try:
            data = recording_for(sample)
        except InputError as exc:
            raise InputError(f"{sample.path / 'reference.md'}: {exc}") from None
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appealagent.evals.record", description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="Case id prefixes (default: every case with no recording).")
    parser.add_argument("--cases", type=Path, default=None, help="Folder of case folders (default: the shipped evals).")
    parser.add_argument("--force", action="store_true", help="Overwrite existing recordings.")
    args = parser.parse_args(argv)
    try:
        written = write_recordings(args.cases, args.ids, args.force)
    except AppealAgentError as exc:
        print(f"appealagent: error: {exc}", file=sys.stderr)
        return exc.exit_code
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("no recording written (every case has one; --force to rewrite)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
