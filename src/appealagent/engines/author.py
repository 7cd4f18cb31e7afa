"""Case → `AppealDraft` through an LLM: prompt, constrained reply, validation, bounded re-asks.

The pattern is instructor's, kept in one small loop instead of a dependency:
ask for the draft in a schema-constrained format, validate the reply with
pydantic, restore the redacted private values, check that every specific is
grounded in the case and that the rendered letter passes the error-level checks;
when something is wrong, send the exact problems back (at most `reasks` times).
A reply cut off by the token limit is asked again with more room. What comes out
is a draft that passed, or a `DraftRejected` carrying the last raw reply so the
seller can see what the model wrote.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import ValidationError

from appealagent.errors import EngineError
from appealagent.facts.grounding import CaseFacts, find_ungrounded, sections
from appealagent.llm.client import CallStats, LLMClient, Reply
from appealagent.llm.prompts import Prompt, load_prompt
from appealagent.model.case import Case, Language, has_cjk, missing_for_draft
from appealagent.model.draft import AppealDraft
from appealagent.pipeline import run_checks
from appealagent.redact import Redactor
from appealagent.settings import Settings

log = logging.getLogger(__name__)

TOOL_NAME = "submit_appeal_draft"
LANGUAGE_NAMES = {
    Language.en: "English",
    Language.zh: "Simplified Chinese",
    Language.de: "German",
    Language.fr: "French",
    Language.es: "Spanish",
    Language.it: "Italian",
    Language.ja: "Japanese",
}
# Free-text fields trimmed first when a case is larger than the prompt budget.
TRIMMABLE = (("notification", "text"), ("context",))
MIN_LETTER_CHARS = 600
POOL_MIN_CASES = 8  # a batch this large repays starting a checks worker process
LETTER_OVERHEAD = 80  # the <letter id=… violation_type=…> tags around each example
FENCE_RE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


class DraftRejected(EngineError):
    """The model never produced a usable draft; `raw` is its last reply, `problems` why it failed."""

    def __init__(self, message: str, *, raw: str | None, problems: list[str], generation: Generation) -> None:
        super().__init__(message)
        self.raw = raw
        self.problems = problems
        self.generation = generation


@dataclass
class PromptBuild:
    """A ready request body plus what the run log records about how it was built."""

    body: dict[str, Any]
    prompt: Prompt
    letter_ids: list[str]
    input_chars: int
    trimmed: list[str] = field(default_factory=list)


@dataclass
class Generation:
    """The outcome of the loop: the draft (when it passed) and everything that happened on the way."""

    draft: AppealDraft | None = None
    raw: str | None = None
    stats: CallStats = field(default_factory=CallStats)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    ungrounded: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    build: PromptBuild | None = None
    checks: Any = None  # the checks' report on the accepted draft (text format)


@cache
def _schema_json() -> str:
    schema = AppealDraft.model_json_schema()
    schema["additionalProperties"] = False
    schema["required"] = list(schema["properties"])
    return json.dumps(schema, ensure_ascii=False)


def output_schema() -> dict[str, Any]:
    """AppealDraft's JSON Schema in the strict form OpenAI's structured outputs accept (a fresh copy)."""
    return json.loads(_schema_json())


def _response_format(settings: Settings) -> dict[str, Any]:
    mode = settings.output_mode
    if mode == "tools":
        return {
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": TOOL_NAME,
                        "description": "Submit the drafted Plan of Action, section by section.",
                        "parameters": output_schema(),
                        "strict": True,
                    },
                }
            ],
            "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
        }
    if mode == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "appeal_draft", "schema": output_schema(), "strict": True},
        }
    }


def _letter_text(letter: Any) -> str:
    english = getattr(letter, "english", "")
    return english() if callable(english) else str(english or "")


def load_pool() -> list[Any] | None:
    """The corpus loaded once for a batch, so each case's retrieval skips re-reading the folders."""
    try:
        from appealagent.corpus.store import load_corpus

        return load_corpus()
    except Exception:  # retrieve_letters reports the problem per case
        return None


def retrieve_letters(case: Case, k: int, pool: list[Any] | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """The k closest corpus letters (English parts) and any warning; no corpus means no examples."""
    if k <= 0:
        return [], []
    try:
        from appealagent.corpus.retrieval import retrieve
    except ImportError:  # retrieval ships with the corpus; a build without it drafts without examples
        return [], []
    try:
        hits = retrieve(case, k, letters=pool) if pool is not None else retrieve(case, k)
    except Exception as exc:  # a broken user corpus must not stop drafting
        return [], [f"corpus letters not used ({type(exc).__name__}: {exc})"]
    letters = []
    for hit in hits:
        letter = hit.letter
        vt = getattr(letter, "violation_type", None)
        letters.append({
            "id": str(letter.id),
            "violation_type": str(getattr(vt, "value", vt)),
            "text": _letter_text(letter),
            "origin": str(getattr(letter, "origin", "user")),
        })
    return letters, []


def _metric_targets(case: Case) -> list[dict[str, str]]:
    from appealagent.catalog.datafiles import metric_info

    out = []
    for m in case.metrics:
        try:
            info = metric_info(m.name.value)
        except KeyError:
            continue
        out.append({"label": str(info.get("label", m.name.value)), "target_text": str(info.get("target_text", "")), "source": str(info.get("source", "Seller Central help"))})
    return out


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 12)].rstrip() + " […trimmed]"


def _prune(value: Any) -> Any:
    """Drop empty lists and objects: they cost prompt characters and say nothing."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {}, None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def build_request(case: Case, settings: Settings, redactor: Redactor, letters: list[dict[str, str]]) -> PromptBuild:
    """The exact chat.completions body for this case, within the character budget, after redaction."""
    prompt = load_prompt("draft_appeal")
    case_json = redactor.redact_obj(_prune(case.model_dump(mode="json", exclude_none=True)))
    # The built-in letters are fictional models shipped with the package; the user's own letters may hold
    # real buyers' details, so only those go through redaction.
    letters = [
        {"id": letter["id"], "violation_type": letter["violation_type"],
         "text": letter["text"] if letter.get("origin") == "builtin" else redactor.redact_text(letter["text"])}
        for letter in letters
    ]
    inputs: dict[str, Any] = {
        "case_json": case_json,
        "letters": [],
        "metric_targets": _metric_targets(case),
        "letter_language": LANGUAGE_NAMES.get(case.letter_language, "English"),
        "output_mode": settings.output_mode,
        "output_schema": _schema_json(),
        "missing": missing_for_draft(case),
    }
    budget = settings.prompt_chars
    trimmed: list[str] = []

    def size() -> int:
        return sum(len(m["content"]) for m in prompt.render(**inputs))

    # The case always goes in whole, except very long free text; then letters while they fit.
    base = size()
    for path in TRIMMABLE:
        if base <= budget:
            break
        holder = case_json
        for key in path[:-1]:
            holder = holder.get(key) or {}
        value = holder.get(path[-1]) if isinstance(holder, dict) else None
        if isinstance(value, str) and len(value) > 2000:
            holder[path[-1]] = _trim(value, max(2000, len(value) - (base - budget)))
            trimmed.append(".".join(path))
            base = size()
    used: list[dict[str, str]] = []
    total = base
    for letter in letters:
        room = budget - total - LETTER_OVERHEAD
        if room < MIN_LETTER_CHARS:
            break
        text = _trim(letter["text"], room)
        used.append(dict(letter, text=text))
        total += len(text) + LETTER_OVERHEAD
    inputs["letters"] = used
    messages = prompt.render(**inputs)
    body: dict[str, Any] = {"model": settings.model, "messages": messages}
    body.update(_response_format(settings))
    body[settings.tokens_field] = settings.max_tokens
    if settings.temperature is not None:
        body["temperature"] = settings.temperature
    return PromptBuild(
        body=body,
        prompt=prompt,
        letter_ids=[letter["id"] for letter in used],
        input_chars=sum(len(m["content"]) for m in messages),
        trimmed=trimmed,
    )


def parse_draft(raw: str | None) -> AppealDraft:
    """Validate a reply as an AppealDraft (tolerating a ```json fence some servers add)."""
    if raw is None:
        raise ValueError("the reply was empty")
    text = raw.strip()
    fenced = FENCE_RE.match(text)
    if fenced:
        text = fenced.group(1)
    return AppealDraft.model_validate_json(text)


def _validation_problems(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False)[:8]:
        loc = ".".join(str(p) for p in err["loc"]) or "(reply)"
        if err["type"] == "json_invalid":
            problems.append(f"the reply is not valid JSON ({err['msg']}); reply with one JSON object with the five fields")
        else:
            problems.append(f"{loc}: {err['msg']}")
    return problems


def _count(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple)) else int(value or 0)


def checks_in_worker(letter: str, case_json: str) -> Any:
    """run_checks in a worker process (the case travels as JSON, which pickles cheaply)."""
    return run_checks(letter, Case.model_validate_json(case_json))


def checks_pool(jobs: int, cases: int, setting: int | None) -> Any:
    """A process pool for the checks in a large batch, or None to run them inline.

    The checks are pure-Python regex work that holds the interpreter lock, so in a
    batch they, not the server, would set the pace once many requests are in
    flight; a worker process on another core takes them off the event loop. Small
    batches and single-core machines do not repay the worker's start-up.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    cpus = os.cpu_count() or 1
    workers = setting if setting is not None else (min(jobs, cpus - 1) if jobs > 1 and cases >= POOL_MIN_CASES else 0)
    if workers <= 0:
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def error_findings(report: Any) -> list[Any]:
    return [f for f in getattr(report, "findings", []) if getattr(f, "severity", "") == "error"]


def offline_letter(case: Case) -> str | None:
    """The offline engine's letter for this case, the yardstick for what the case itself lacks."""
    from appealagent.engines.offline import draft_offline
    from appealagent.letters.render import render_letter

    try:
        return render_letter(draft_offline(case))
    except Exception:  # e.g. a letter kind the offline engine does not draft
        return None


class Drafter:
    """Runs the prompt → reply → validate → re-ask loop for one case."""

    def __init__(self, case: Case, settings: Settings, client: LLMClient, *, check: bool = True, executor: Any = None) -> None:
        self.case = case
        self.executor = executor
        self.settings = settings
        self.client = client
        self.check = check
        self.redactor = Redactor.for_case(case, enabled=settings.redact)
        self.facts = CaseFacts(case)
        self.report: Any = None  # the checks' report on the last draft, reused for the final letter
        self._baseline: set[str] | None = None

    def _cjk_names(self) -> list[str]:
        """Names the letter may quote as they are, even in Chinese (a store or company name, a product title)."""
        c = self.case
        owner = c.notification.rights_owner
        names = [c.seller.store_name, c.seller.legal_name, c.seller.contact_name, *(a.title for a in c.asins)]
        names += [owner.name, owner.brand] if owner else []
        names += [d.issuer for d in c.evidence]
        return sorted({n for n in names if n and has_cjk(n)}, key=len, reverse=True)

    async def _run_checks(self, letter: str) -> Any:
        if self.executor is None:
            return run_checks(letter, self.case)
        import asyncio

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, checks_in_worker, letter, self.case.model_dump_json())

    async def problems(self, draft: AppealDraft) -> tuple[list[str], list[dict[str, str]]]:
        """Everything wrong with a restored draft, as lines the model can act on."""
        from appealagent.letters.render import render_letter
        from appealagent.model.draft import DraftResult

        problems: list[str] = []
        ungrounded = find_ungrounded(draft, self.case, self.facts)
        problems.extend(u.message() for u in ungrounded)
        if self.case.letter_language not in (Language.zh, Language.ja):
            language = LANGUAGE_NAMES.get(self.case.letter_language, "English")
            names = self._cjk_names()
            for where, text in sections(draft):
                for name in names:
                    text = text.replace(name, " ")
                if has_cjk(text):
                    problems.append(f"{where}: contains Chinese characters; the whole letter must be in {language}")
        for name in ("root_causes", "corrective_actions", "preventive_measures"):
            if not getattr(draft, name):
                problems.append(f"{name}: empty; give at least one item (or a [TO COMPLETE: …] marker)")
        self.report = None
        if self.check and not problems:
            letter = render_letter(DraftResult(draft=draft, engine="llm", letter_kind=self.case.letter_kind.value))
            self.report = await self._run_checks(letter)
            errors = error_findings(self.report)
            if errors and self._baseline is None:
                # Rules the offline letter of this case already fails point at gaps in the case, not at the
                # model: re-asking cannot fix a fact the seller has not given, so they never trigger a re-ask.
                baseline = offline_letter(self.case)
                self._baseline = {f.rule_id for f in error_findings(await self._run_checks(baseline))} if baseline else set()
            for f in errors:
                if f.rule_id not in (self._baseline or set()):
                    problems.append(f"check {f.rule_id}: {f.message}")
        return problems, [u.as_dict() for u in ungrounded]

    def _reask_messages(self, reply: Reply, problems: list[str]) -> list[dict[str, Any]]:
        reask = load_prompt("reask").render(errors=[self.redactor.redact_text(p) for p in problems])
        if reply.tool_call_id:
            assistant = {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": reply.tool_call_id, "type": "function", "function": {"name": TOOL_NAME, "arguments": reply.content or ""}}],
            }
            return [assistant, {"role": "tool", "tool_call_id": reply.tool_call_id, "content": reask[0]["content"]}]
        return [{"role": "assistant", "content": reply.content or ""}, *reask]

    async def run(self, build: PromptBuild, gen: Generation | None = None) -> Generation:
        """Ask until a draft passes; `gen` (when given) collects attempts and usage even if a request fails."""
        s = self.settings
        gen = gen if gen is not None else Generation(build=build)
        body = json.loads(json.dumps(build.body))
        reasks_left = s.reasks
        length_retries_left = 2
        while True:
            reply = await self.client.complete(body, gen.stats)
            gen.raw = self.redactor.restore_text(reply.content or "") if reply.content is not None else None
            round_info: dict[str, Any] = {"request": gen.stats.requests, "finish_reason": reply.finish_reason}
            gen.rounds.append(round_info)
            if reply.finish_reason == "length":
                tokens = body.get(s.tokens_field, s.max_tokens)
                round_info["outcome"] = "truncated"
                if length_retries_left > 0 and tokens < s.max_tokens_limit:
                    length_retries_left -= 1
                    body[s.tokens_field] = min(s.max_tokens_limit, tokens * 2)
                    log.info("reply cut off at %d tokens; asking again with %d", tokens, body[s.tokens_field])
                    continue
                gen.problems = [f"the reply was cut off at the token limit ({tokens}); raise max_tokens_limit"]
                raise DraftRejected(f"the model's reply was cut off at {tokens} tokens even with more room", raw=gen.raw, problems=gen.problems, generation=gen)
            if reply.refusal:
                gen.problems = [f"the model refused: {reply.refusal}"]
                round_info["outcome"] = "refused"
                raise DraftRejected(f"the model refused to draft: {reply.refusal[:200]}", raw=reply.refusal, problems=gen.problems, generation=gen)
            try:
                draft = parse_draft(reply.content)
            except ValidationError as exc:
                problems, ungrounded = _validation_problems(exc), []
            except ValueError as exc:
                problems, ungrounded = [str(exc)], []
            else:
                draft = AppealDraft.model_validate(self.redactor.restore_obj(draft.model_dump()))
                problems, ungrounded = await self.problems(draft)
                if not problems:
                    round_info["outcome"] = "ok"
                    gen.draft, gen.ungrounded, gen.problems, gen.checks = draft, [], [], self.report
                    return gen
            round_info["outcome"] = "rejected"
            round_info["problems"] = problems
            gen.problems, gen.ungrounded = problems, ungrounded
            if reasks_left <= 0:
                raise DraftRejected(
                    f"the model's draft still failed validation after {s.reasks} re-ask(s): {problems[0]}"
                    + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                    raw=gen.raw,
                    problems=problems,
                    generation=gen,
                )
            reasks_left -= 1
            log.info("draft rejected (%d problem(s)); re-asking", len(problems))
            body["messages"] = body["messages"] + self._reask_messages(reply, problems)


async def explain(letter: str, settings: Settings, client: LLMClient, redactor: Redactor, stats: CallStats) -> tuple[str, dict[str, str]]:
    """A faithful Chinese rendering of the final letter (redacted going out, restored coming back)."""
    prompt = load_prompt("explain_zh")
    body: dict[str, Any] = {"model": settings.model, "messages": prompt.render(letter=redactor.redact_text(letter))}
    body[settings.tokens_field] = settings.max_tokens
    if settings.temperature is not None:
        body["temperature"] = settings.temperature
    for _ in range(3):
        reply = await client.complete(body, stats)
        if reply.finish_reason != "length" or body[settings.tokens_field] >= settings.max_tokens_limit:
            break
        body[settings.tokens_field] = min(settings.max_tokens_limit, body[settings.tokens_field] * 2)
    text = (reply.content or "").strip()
    if not text:
        raise EngineError("the model returned an empty Chinese explanation")
    return redactor.restore_text(text), prompt.info
