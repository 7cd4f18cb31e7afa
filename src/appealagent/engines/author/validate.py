"""What is wrong with an author reply, as lines the model can act on.

A reply must be an `AppealDraft` (pydantic validates it); once the redacted
values are restored, every specific must be grounded in the case, an English
letter must not slip into Chinese, each of the three answers must be there, and
the rendered letter must pass the error-level checks. Rules that the offline
letter of the same case already fails point at gaps in the case, not at the
model, so they never trigger a re-ask — except what only a writer can put in a
letter (blame, criticism, demands, an obeyed injection, an invented claim: the
`MODEL_RULES` categories), which the offline letter never pastes, so it is
always sent back. Whether the accepted letter is ready is not decided here but
by the one verdict (checks.readiness), like every other letter.
"""

from __future__ import annotations

from pydantic import ValidationError

from appealagent.checks.model import CheckReport, Finding
from appealagent.engines.author.mask import placeholder_re
from appealagent.engines.author.request import LANGUAGE_NAMES
from appealagent.engines.base import EngineContext
from appealagent.engines.offline import draft_offline
from appealagent.engines.readiness import acheck, error_findings
from appealagent.facts.grounding import CaseFacts, find_ungrounded, sections
from appealagent.letters.render import render_letter
from appealagent.llm.reask import Invalid, unfenced
from appealagent.model.case import Case, Language, has_cjk
from appealagent.model.draft import AppealDraft, DraftResult
from appealagent.redact import Redactor

# Rule categories and ids a model's wording alone can trigger: never excused by the offline baseline.
MODEL_RULES = frozenset({"tone", "boilerplate.off_topic", "grounding.invented_claim", "tense.impossible_date", "tense.future_in_actions"})


def parse_draft(raw: str | None) -> AppealDraft:
    """Validate a reply as an AppealDraft (tolerating a ```json fence some servers add)."""
    if raw is None:
        raise ValueError("the reply was empty")
    return AppealDraft.model_validate_json(unfenced(raw))


def restored_draft(raw: str | None, redactor: Redactor) -> AppealDraft:
    """A reply as an AppealDraft with the private values put back; raises Invalid with lines the model can act on."""
    try:
        parsed = parse_draft(raw)
    except ValidationError as exc:
        raise Invalid(validation_problems(exc)) from None
    except ValueError as exc:
        raise Invalid([str(exc)]) from None
    return AppealDraft.model_validate(redactor.restore_obj(parsed.model_dump()))


def validation_problems(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False)[:8]:
        loc = ".".join(str(p) for p in err["loc"]) or "(reply)"
        if err["type"] == "json_invalid":
            problems.append(f"the reply is not valid JSON ({err['msg']}); reply with one JSON object with the five fields")
        else:
            problems.append(f"{loc}: {err['msg']}")
    return problems


def offline_letter(case: Case) -> str | None:
    """The offline engine's letter for this case, the yardstick for what the case itself lacks."""
    try:
        return render_letter(draft_offline(case))
    except Exception:  # e.g. a letter kind the offline engine does not draft
        return None


def cjk_names(case: Case) -> list[str]:
    """Names the letter may quote as they are, even in Chinese (a store or company name, a product title)."""
    owner = case.notification.rights_owner
    names = [case.seller.store_name, case.seller.legal_name, case.seller.contact_name, *(a.title for a in case.asins)]
    names += [owner.name, owner.brand] if owner else []
    names += [d.issuer for d in case.evidence]
    return sorted({n for n in names if n and has_cjk(n)}, key=len, reverse=True)


class DraftValidator:
    """Turns one reply into a usable draft or raises Invalid; remembers what the run log needs."""

    def __init__(self, case: Case, ctx: EngineContext) -> None:
        self.case = case
        self.ctx = ctx
        self.facts = CaseFacts(case)
        self.report: CheckReport | None = None  # the checks' report on the accepted draft (text format)
        self.ungrounded: list[dict[str, str]] = []
        self._baseline: set[str] | None = None

    async def __call__(self, raw: str | None) -> AppealDraft:
        self.ungrounded, self.report = [], None
        draft = restored_draft(raw, self.ctx.redactor)
        problems = await self.problems(draft)
        if problems:
            raise Invalid(problems)
        return draft

    async def problems(self, draft: AppealDraft) -> list[str]:
        """Everything wrong with a restored draft."""
        case = self.case
        ungrounded = find_ungrounded(draft, case, self.facts)
        self.ungrounded = [u.as_dict() for u in ungrounded]
        problems = [u.message() for u in ungrounded]
        if case.letter_language not in (Language.zh, Language.ja):
            language = LANGUAGE_NAMES.get(case.letter_language, "English")
            names = cjk_names(case)
            for where, text in sections(draft):
                for name in names:
                    text = text.replace(name, " ")
                if has_cjk(text):
                    problems.append(f"{where}: contains Chinese characters; the whole letter must be in {language}")
        for where, text in sections(draft):
            for placeholder in sorted(set(placeholder_re().findall(text))):
                problems.append(f"{where}: '{placeholder}' is a placeholder from a reference letter; use the case's own fact or a [TO COMPLETE: …] marker")
        for name in ("root_causes", "corrective_actions", "preventive_measures"):
            if not getattr(draft, name):
                problems.append(f"{name}: empty; give at least one item (or a [TO COMPLETE: …] marker)")
        if self.ctx.check and not problems:
            letter = render_letter(DraftResult(draft=draft, engine="llm", letter_kind=case.letter_kind.value))
            self.report = await acheck(letter, case, self.ctx.executor)
            errors = error_findings(self.report)
            baseline = await self._baseline_rules() if errors else set()
            problems += [_problem(f) for f in errors if f.rule_id not in baseline or _model_rule(f.rule_id)]
        return problems

    async def _baseline_rules(self) -> set[str]:
        if self._baseline is None:
            letter = offline_letter(self.case)
            self._baseline = {f.rule_id for f in error_findings(await acheck(letter, self.case, self.ctx.executor))} if letter else set()
        return self._baseline


def _model_rule(rule_id: str) -> bool:
    return rule_id in MODEL_RULES or rule_id.split(".", 1)[0] in MODEL_RULES


def _problem(f: Finding) -> str:
    """A check error as a line the model can act on: the rule, what it found, the words, the fix."""
    quote = f" in {f.excerpt!r}" if f.excerpt else ""
    return f"check {f.rule_id}: {f.message}{quote}; fix: {f.fix}"
