"""Adding a user's own letter (one that won reinstatement) to their corpus.

Users have plain letters, not our file format, so a letter without front matter is
wrapped: section headings written in plain words ("Root cause:", "**Corrective
actions**") become `### ` headings, and a letter with none becomes one `message`
section. The result is checked with the same parser as the built-in letters before
anything is written, and written atomically, so a bad letter leaves the user's
corpus exactly as it was. The installed package is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from appealagent import paths
from appealagent.catalog import patterns
from appealagent.catalog.datafiles import parse_front_matter
from appealagent.checks.readiness import error_findings
from appealagent.checks.runner import run_checks
from appealagent.corpus.store import PART_RE, SECTION_RE, Letter, check_text, corpus_format, letter_files, section_headings
from appealagent.errors import InputError
from appealagent.files import atomic_write
from appealagent.letters.readers import read_letter
from appealagent.model.case import LetterKind

FIELD_ORDER = ["id", "kind", "violation_type", "topic", "marketplace", "outcome", "source", "tags", "sections", "language", "translation"]
_PLAIN_HEADING_RE = patterns.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:(?:\d{1,2}|[ivx]{1,4}|[a-c])[.)]\s+)?(?P<name>[A-Za-z][A-Za-z' -]{2,60}?)\s*:?\s*(?:\*\*|__)?\s*:?\s*$",
    re.IGNORECASE,
)


def slug(text: str) -> str:
    """A corpus id from a file name: lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    try:
        post = parse_front_matter(text)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{source}: front matter: not valid YAML ({detail})") from None
    if not isinstance(post.metadata, dict):
        raise InputError(f"{source}: front matter: must be YAML fields (key: value)")
    return dict(post.metadata), post.content


def _plain_heading(line: str, names: dict[str, str]) -> str | None:
    m = _PLAIN_HEADING_RE.match(line)
    if not m:
        return None
    return names.get(" ".join(m.group("name").lower().split()))


def wrap_plain(body: str) -> str:
    """Turn a plain letter into '### ' sections; without recognisable headings it is one Message."""
    headings = section_headings()
    names = {name: key for key, words in corpus_format()["plain_headings"].items() for name in words}
    sections: list[tuple[str, list[str]]] = [("opening", [])]
    for line in body.strip().splitlines():
        key = _plain_heading(line, names)
        if key == "opening" and len(sections) == 1:
            continue  # an explicit "Opening" label: the text so far already belongs to the opening
        if key and key not in {k for k, _ in sections}:
            sections.append((key, []))
        else:
            sections[-1][1].append(line)
    found = [(k, "\n".join(lines).strip()) for k, lines in sections]
    if len(found) == 1:
        return f"### {headings['message']}\n{body.strip()}\n"
    if not found[0][1]:
        found = found[1:]
    found = _split_closing(found)
    return "\n\n".join(f"### {headings[key]}\n{text}" for key, text in found) + "\n"


def _split_closing(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Move a trailing sign-off ("Thank you for reviewing…") out of the last section into a closing."""
    if any(key == "closing" for key, _ in found) or found[-1][0] == "opening":
        return found
    starts = tuple(corpus_format()["closing_starts"])
    key, text = found[-1]
    paragraphs = re.split(r"\n\s*\n", text)
    for i, para in enumerate(paragraphs[1:], 1):
        if para.strip().lower().startswith(starts):
            kept = "\n\n".join(paragraphs[:i]).strip()
            closing = "\n\n".join(paragraphs[i:]).strip()
            return [*found[:-1], (key, kept), ("closing", closing)]
    return found


def _normalise_body(body: str) -> str:
    """Make sure the English part sits under '## English' and has '### ' sections."""
    parts = corpus_format()["parts"]
    lines = body.strip().splitlines()
    has_parts = any(PART_RE.match(line) for line in lines)
    has_sections = any(SECTION_RE.match(line) for line in lines)
    if not has_parts:
        english = body if has_sections else wrap_plain(body)
        return f"## {parts['english']}\n\n{english.strip()}\n"
    first = next(i for i, line in enumerate(lines) if PART_RE.match(line))
    preamble = "\n".join(lines[:first]).strip()
    if preamble:
        english = preamble if has_sections else wrap_plain(preamble)
        return f"## {parts['english']}\n\n{english.strip()}\n\n" + "\n".join(lines[first:]).strip() + "\n"
    return body.strip() + "\n"


def _declared_sections(body: str) -> list[str]:
    """Section keys in the order of the English part's '### ' headings."""
    by_heading = {h.lower(): key for key, h in section_headings().items()}
    zh = corpus_format()["parts"]["chinese"].lower()
    keys: list[str] = []
    for line in body.splitlines():
        part = PART_RE.match(line)
        if part and part.group(1).lower() == zh:
            break
        m = SECTION_RE.match(line)
        if m:
            key = by_heading.get(m.group(1).lower().rstrip(":").strip())
            if key and key not in keys:
                keys.append(key)
    return keys


def compose(meta: dict[str, Any], body: str) -> str:
    """The letter file: front matter in the documented field order, then the body."""
    ordered = {k: meta[k] for k in FIELD_ORDER if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    return f"---\n{head}---\n\n{body.strip()}\n"


def prepare(text: str, source_name: str, overrides: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Front matter (completed by the flags, which win) and body of a user's letter."""
    meta, body = _split_front_matter(text, source_name)
    meta.update({k: v for k, v in overrides.items() if v is not None and v != []})
    body = _normalise_body(body)
    meta.setdefault("kind", "account_appeal")
    if not meta.get("id"):
        meta["id"] = slug(Path(source_name).stem)
    meta.setdefault("source", f"user letter {Path(source_name).name}")
    meta.setdefault("language", "en")
    if not meta.get("sections"):
        meta["sections"] = _declared_sections(body)
    zh = corpus_format()["parts"]["chinese"].lower()
    if "translation" not in meta and any((m := PART_RE.match(line)) and m.group(1).lower() == zh for line in body.splitlines()):
        meta["translation"] = "zh"
    return meta, body


def existing_letter(letter_id: str) -> Path | None:
    """Where a letter with this id already lives (the user's corpus first), if anywhere."""
    for folder in (paths.user_corpus_dir(), paths.fewshot_dir()):
        for path in letter_files(folder):
            if path.stem == letter_id:
                return path
    return None


def _refuse_unready(body: str, meta: dict[str, Any], source_name: str, force: bool) -> None:
    """A letter the checks find errors in is not an example to copy: refused unless --force (issue 12)."""
    kind = str(meta.get("kind") or "")
    vtype = meta.get("violation_type")
    report = run_checks(body, kind=LetterKind(kind) if kind in LetterKind.__members__ else None, corpus=())
    errors = error_findings(report)
    if errors and not force:
        listed = "; ".join(f"{f.rule_id} ({f.excerpt or f.message})" for f in errors[:3])
        more = f" and {len(errors) - 3} more" if len(errors) > 3 else ""
        raise InputError(
            f"{source_name}: the checks find {len(errors)} error(s) in this letter: {listed}{more}; "
            f"a letter with errors would be copied by the drafting engine — fix it (appealagent check {source_name}"
            + (f" shows each finding; its type is {vtype}" if vtype else " shows each finding")
            + ") or add it anyway with --force"
        )


def add_letter(file: str | Path, *, force: bool = False, **overrides: Any) -> Letter:
    """Validate a user's letter and store it in their corpus; nothing is written when any check fails.

    `overrides` are front matter fields (violation_type, outcome, kind, marketplace, id, topic,
    tags, source) that complete or replace the file's own.
    """
    text = read_letter(file)
    source_name = "stdin.md" if str(file) == "-" else str(file)
    meta, body = prepare(text, source_name, overrides)
    for key in ("violation_type", "outcome"):
        if not meta.get(key):
            flag = "--type" if key == "violation_type" else "--outcome"
            raise InputError(f"{source_name}: {key}: missing; give it with {flag}")
    letter_id = meta["id"]
    if not isinstance(letter_id, str) or not letter_id:
        raise InputError(f"{source_name}: id: cannot make an id from the file name; give one with --id")
    dest = paths.user_corpus_dir() / f"{letter_id}.md"
    content = compose(meta, body)
    letter, problems = check_text(dest, content, "user")
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{source_name}: {first.field}: {first.message}{more}")
    _refuse_unready(body, meta, source_name, force)
    clash = existing_letter(letter_id)
    if clash is not None and not force:
        where = "your corpus" if clash.parent == paths.user_corpus_dir() else "the built-in corpus"
        raise InputError(f"{source_name}: id: {letter_id!r} already exists in {where} ({clash}); use --force to replace it or --id to choose another")
    atomic_write(dest, content, force=force)
    assert letter is not None
    return letter
