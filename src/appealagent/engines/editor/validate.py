"""What is wrong with each edited section, as lines the model can act on.

An edit is judged against the case and against the letter it edits. Against the
case: the shared grounding (`facts.grounding.find_ungrounded`: every specific and
every action or measure must trace back to what the seller reported), no Chinese
left in a letter in another language, and the error-level checks (rules the
offline letter already fails are gaps in the case, not the model's doing).
Against the source: every ID, date, number, e-mail and `[TO COMPLETE: …]` marker
of a section is still in it, a list section still has items, no new bracketed
placeholder appears, and the closing keeps its "Store name:"-style lines. Each
problem is filed under the section it sits in, so a failing section can be sent
back alone.
"""

from __future__ import annotations

import re

from appealagent.catalog import patterns
from appealagent.checks.model import CheckReport
from appealagent.engines.author.request import LANGUAGE_NAMES
from appealagent.engines.author.validate import cjk_names, offline_letter
from appealagent.engines.base import EngineContext
from appealagent.engines.editor.source import LIST_SECTIONS, SECTIONS
from appealagent.engines.readiness import acheck, error_findings
from appealagent.facts.dates import time_key
from appealagent.facts.emails import email_key
from appealagent.facts.grounding import CaseFacts, find_ungrounded
from appealagent.facts.numbers import number_key, parse_number
from appealagent.facts.references import reference_key
from appealagent.facts.scan import TODO_RE, Fact, scan
from appealagent.letters.render import render_letter
from appealagent.model.case import Case, Language, has_cjk
from appealagent.model.draft import AppealDraft, DraftResult

BRACKET_RE = patterns.compile(r"\[[^\]\n]{1,60}\]")
LABEL_LINE_RE = patterns.compile(r"^[A-Z][A-Za-z -]{2,40}:\s*\S.*$", re.M)
CHECK_SECTION = {"root_cause": "root_causes"}  # a finding's section name → the draft's field

Problems = dict[str, list[str]]


def _fact_key(fact: Fact) -> tuple[str, object]:
    """The value of a fact, so '3 March 2026' and '2026-03-03', or '1,150' and '1150', are the same."""
    if fact.kind == "date" and fact.date is not None:
        return ("date", (fact.date.year, fact.date.month, fact.date.day))
    if fact.kind == "asin":
        return ("asin", fact.text.upper())
    if fact.kind == "email":
        return ("email", email_key(fact.text))
    if fact.kind == "time":
        return ("time", time_key(fact.text))
    if fact.kind == "reference":
        return ("reference", reference_key(fact.text))
    if fact.kind == "percentage":
        return ("percentage", fact.value)
    if fact.kind == "number":
        value = parse_number(fact.raw)
        return ("number", number_key(value) if value is not None else fact.raw)
    return (fact.kind, fact.text.strip())


def _text(value: str | list[str]) -> str:
    return "\n".join(value) if isinstance(value, list) else value


def dropped_facts(original: str, edited: str) -> list[str]:
    """Specifics of the original section missing from its edit (a year inside a kept date counts as kept)."""
    found_edit, _ = scan(edited)
    kept = {_fact_key(f) for f in found_edit}
    for f in found_edit:
        if f.date is not None:
            kept.update({("number", number_key(float(v))) for v in (f.date.year, f.date.day) if v is not None})
    out: list[str] = []
    found_orig, _ = scan(original)
    for f in found_orig:
        if _fact_key(f) not in kept and f.text not in out:
            out.append(f.text)
    return out


def source_problems(name: str, original: str | list[str], edited: str | list[str]) -> list[str]:
    """What the edit of one section lost or added compared with the letter it edits."""
    problems: list[str] = []
    orig_text, edit_text = _text(original), _text(edited)
    if name in LIST_SECTIONS and original and not edited:
        problems.append(f"{name}: empty; keep one item per item of the original")
    for value in dropped_facts(orig_text, edit_text):
        problems.append(f"{name}: '{value}' from the original is missing; keep every ID, date and number exactly")
    for marker in TODO_RE.findall(orig_text):
        if marker not in edit_text:
            problems.append(f"{name}: the marker '{marker}' must stay exactly as it is")
    known = set(BRACKET_RE.findall(orig_text))
    for bracket in BRACKET_RE.findall(TODO_RE.sub(" ", edit_text)):
        if bracket not in known:
            problems.append(f"{name}: '{bracket}' is a placeholder the original does not have; remove it")
    if name == "closing":
        for line in LABEL_LINE_RE.findall(orig_text):
            if line.strip() not in edit_text:
                problems.append(f"closing: keep the line '{line.strip()}' exactly")
    return problems


def _section_of(where: str) -> str:
    return where.split("[", 1)[0].split(".", 1)[0]


class SectionValidator:
    """Problems per section of an edited draft; remembers the ungrounded specifics and the checks' report."""

    def __init__(self, case: Case, ctx: EngineContext, source: AppealDraft) -> None:
        self.case = case
        self.ctx = ctx
        self.source = source
        self.facts = CaseFacts(case)
        self.names = cjk_names(case)
        self.ungrounded: list[dict[str, str]] = []
        self.report: CheckReport | None = None
        self._baseline: set[str] | None = None
        # What the offline letter itself states is grounded by construction (the case's facts, or the
        # kind's fixed wording such as Amazon's document rules in a supplier request): an edit that
        # keeps it is no invention, whatever the lexical grounding makes of it.
        self._offline_specifics = {(u.kind, u.value.lower()) for u in find_ungrounded(source, case, self.facts)}

    async def problems(self, draft: AppealDraft, only: tuple[str, ...] = SECTIONS) -> Problems:
        """Every problem of the sections in `only`, by section (sections with none are left out)."""
        out: Problems = {}
        ungrounded = [u for u in find_ungrounded(draft, self.case, self.facts) if (u.kind, u.value.lower()) not in self._offline_specifics]
        self.ungrounded = [u.as_dict() for u in ungrounded]
        for u in ungrounded:
            out.setdefault(_section_of(u.where), []).append(u.message())
        for name in SECTIONS:
            out.setdefault(name, []).extend(source_problems(name, getattr(self.source, name), getattr(draft, name)))
        if self.case.letter_language not in (Language.zh, Language.ja):
            language = LANGUAGE_NAMES.get(self.case.letter_language, "English")
            for name in SECTIONS:
                text = _text(getattr(draft, name))
                for n in self.names:
                    text = text.replace(n, " ")
                if has_cjk(text):
                    out[name].append(f"{name}: contains Chinese characters; translate it into {language}")
        out = {k: v for k, v in out.items() if v and k in only}
        if self.ctx.check and not out:
            await self._check(draft, only, out)
        return out

    async def _check(self, draft: AppealDraft, only: tuple[str, ...], out: Problems) -> None:
        letter = render_letter(DraftResult(draft=draft, engine="llm", letter_kind=self.case.letter_kind.value))
        self.report = await acheck(letter, self.case, self.ctx.executor)
        errors = error_findings(self.report)
        if not errors:
            return
        baseline = await self._baseline_rules()
        for f in errors:
            section = CHECK_SECTION.get(f.section or "", f.section or "")
            if f.rule_id not in baseline and section in only:
                out.setdefault(section, []).append(f"check {f.rule_id}: {f.message}")

    async def _baseline_rules(self) -> set[str]:
        if self._baseline is None:
            letter = offline_letter(self.case)
            self._baseline = {f.rule_id for f in error_findings(await acheck(letter, self.case, self.ctx.executor))} if letter else set()
        return self._baseline
