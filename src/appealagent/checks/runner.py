"""Running the catalogue on one letter: rules → hits → findings → report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from appealagent.checks.context import CheckContext, Hit
from appealagent.checks.document import count_words, excerpt, parse_document
from appealagent.checks.model import SEVERITY_ORDER, CheckReport, Finding, Rule
from appealagent.checks.registry import RuleFunc
from appealagent.checks.rules import load_rules
from appealagent.checks.sections import ORDER
from appealagent.model.case import Case, LetterKind

MAX_FINDINGS_PER_RULE = 20
# A letter is at most a few thousand words; beyond this the rules read only the beginning
# (the length rules still count every word) so a pasted megabyte still answers in seconds.
MAX_CHECKED_CHARS = 200_000


def registry() -> tuple[dict[str, Rule], dict[str, RuleFunc]]:
    """The rule catalogue and its functions (loaded on first use, then cached)."""
    return load_rules()


class _Fill(dict):
    """str.format_map helper: unknown placeholders stay visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def run_checks(
    text: str,
    case: Case | None = None,
    kind: LetterKind | None = None,
    *,
    source: str | Path | None = None,
    corpus: Sequence[Any] | None = None,
    only: Sequence[str] | None = None,
) -> CheckReport:
    """Check a letter (plain text, markdown or a corpus-format file) and return every finding.

    `case` enables grounding and evidence rules; `kind` overrides the letter kind (else the
    case's, the front matter's, or inferred). `source` is the file the text came from (so a
    corpus letter is not compared with itself); `corpus` replaces the built-in example letters
    for the overlap rule; `only` restricts the run to some rule ids.
    """
    catalogue, funcs = registry()
    doc = parse_document(text)
    full_words = None
    if len(doc.text) > MAX_CHECKED_CHARS:
        cut = doc.text.rfind("\n", 0, MAX_CHECKED_CHARS)
        cut = cut if cut > MAX_CHECKED_CHARS // 2 else MAX_CHECKED_CHARS
        full_words = count_words(doc.text)
        doc = replace(doc, text=doc.text[:cut])
    ctx = CheckContext(doc, case=case, kind=kind, source=source, corpus=corpus)
    if full_words is not None:
        ctx.words = full_words
        ctx.memo["truncated_at"] = len(doc.text)
    findings: list[Finding] = []
    run = 0
    for rule in catalogue.values():
        if only is not None and rule.id not in only:
            continue
        if not rule.applies_to(ctx.kind) or (rule.needs_case and case is None):
            continue
        run += 1
        findings.extend(_run_rule(rule, funcs[rule.id], ctx))
    findings.sort(key=lambda f: (ORDER.get(f.section or "", 99) if f.line is not None else 100, f.line or 0, f.col or 0, SEVERITY_ORDER[f.severity], f.rule_id))
    return CheckReport(
        findings=findings,
        kind=ctx.kind,
        kind_source=ctx.kind_source,
        violation_type=ctx.violation_type.value if ctx.violation_type else None,
        sections_found=ctx.layout.keys(),
        words=ctx.words,
        case_used=case is not None,
        rules_run=run,
    )


def _run_rule(rule: Rule, func: RuleFunc, ctx: CheckContext) -> list[Finding]:
    hits: list[Hit] = []
    extra = 0
    spans: set[tuple[int | None, int | None]] = set()
    try:
        for h in func(ctx):
            key = (h.start, h.end) if h.start is not None else (None, hash(tuple(sorted(map(str, h.params.items())))))
            if key in spans:
                continue
            spans.add(key)
            if len(hits) < MAX_FINDINGS_PER_RULE:
                hits.append(h)
            else:
                extra += 1
                if extra > 10_000:
                    break
    except Exception as exc:  # a rule bug must not cost the seller the other findings
        if os.environ.get("APPEALAGENT_DEBUG"):
            raise
        return [Finding(rule_id=rule.id, severity="warning", message=f"internal error in this rule ({type(exc).__name__}: {exc}); please report it", fix="Run with APPEALAGENT_DEBUG=1 to see the traceback.", section=None, line=None, col=None)]
    out = [_finding(rule, h, ctx) for h in hits]
    if extra and out:
        last = out[-1]
        out[-1] = last.model_copy(update={"message": f"{last.message} (and {extra} more like this)"})
    return out


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    """A short hit with the words around it, on one line: '…planned. i checked the rota…'."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    s = max(line_start, start - width)
    e = min(line_end, end + width)
    while s > line_start and not text[s - 1].isspace() and start - s < width + 15:
        s -= 1
    while e < line_end and not text[e].isspace() and e - end < width + 15:
        e += 1
    out = " ".join(text[s:e].split())
    return ("…" if s > line_start else "") + out + ("…" if e < line_end else "")


def _finding(rule: Rule, h: Hit, ctx: CheckContext) -> Finding:
    params = _Fill({k: v for k, v in h.params.items()})
    text = params.get("text")
    if isinstance(text, str):
        params["text"] = excerpt(text, 0, len(text), 90)
    line = col = None
    snippet = None
    section = h.section
    if h.start is not None:
        end = h.end if h.end is not None else h.start
        line, col = ctx.doc.position(h.start)
        snippet = excerpt(ctx.text, h.start, max(end, h.start))
        if end - h.start < 12:  # "!", "i", "XXX": show the words around it
            snippet = _context(ctx.text, h.start, end)
        section = section or ctx.section_at(h.start)
    return Finding(
        rule_id=rule.id,
        severity=h.severity or rule.severity,  # type: ignore[arg-type]
        message=rule.message.format_map(params),
        fix=rule.fix.format_map(params),
        section=section,
        excerpt=snippet or None,
        line=line,
        col=col,
    )
