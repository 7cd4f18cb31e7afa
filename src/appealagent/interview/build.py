"""From answers to a case: each answer applied by its type's strategy, then judged by the Case model itself.

Every answer is parsed by its type but judged by the Case model: the candidate case is
validated whole and the model's own message is traced back, through the paths each
answer wrote, to the answer that caused it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from pydantic import ValidationError

from appealagent.catalog import patterns
from appealagent.interview.answer_types import strategy_for
from appealagent.interview.paths import CaseData
from appealagent.interview.schema import Answer
from appealagent.interview.steps import CaseDraft, Reason, Step
from appealagent.model.case import Case

FIELD_MESSAGE_RE = patterns.compile(r"^([a-z_]+): (.+)$")


def build(base: CaseData, answers: Mapping[str, Answer], steps: Iterable[Step], lang: str) -> CaseDraft:
    """The case data these answers make on top of `base`, in the order of `steps` (the plan for these answers)."""
    draft = CaseDraft(data=copy.deepcopy(base), answers=answers, lang=lang)
    for step in steps:
        if step.key in answers and step.kind == "question":
            strategy_for(step.q).apply(draft, step, answers[step.key])
    return draft


def path_str(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a case path: ("root_causes", 0, "text") → root_causes[0].text."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _remove(data: CaseData, loc: tuple[int | str, ...]) -> None:
    cur: object = data
    for part in loc[:-1]:
        cur = cur[part]  # type: ignore[index]
    last = loc[-1]
    if isinstance(cur, list) and isinstance(last, int):
        cur.pop(last)
    elif isinstance(cur, dict):
        cur.pop(last, None)


def finalize(data: CaseData) -> tuple[Case, list[str]]:
    """A valid Case from built data, dropping (and naming) any piece the model refuses, so a partial case always loads."""
    data = copy.deepcopy(data)
    dropped: list[str] = []
    for _ in range(200):
        try:
            return Case.model_validate(data), dropped
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = tuple(err["loc"])
            target = loc[:-1] if err["type"] == "missing" else loc
            if not target:
                raise
            _remove(data, target)
            dropped.append(path_str(target))
    raise RuntimeError("could not make the case valid")  # pragma: no cover


def refusals(draft: CaseDraft, key: str, value: Answer) -> list[Reason]:
    """Why the Case model refuses answer `key` in this draft (empty when it is accepted)."""
    try:
        Case.model_validate(draft.data)
        return []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    mine = draft.provenance.get(key, [])
    reasons: list[Reason] = []
    for err in errors:
        if err["type"] == "missing":
            continue
        loc = tuple(err["loc"])
        raw = path_str(loc)
        msg = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        path = raw
        m = FIELD_MESSAGE_RE.match(msg)
        if m and loc and isinstance(loc[-1], int):  # a model validator on a list element names its field
            path, msg = f"{raw}.{m.group(1)}", m.group(2)
        inside = any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in mine)
        around = bool(raw) and raw.endswith("]") and any(p.startswith(raw + ".") or p == raw for p in mine)
        if not (inside or around):
            continue
        given = err.get("input")
        element = str(given) if isinstance(value, list) and given is not None and not isinstance(given, (dict, list)) else None
        reason = Reason(message=msg, element=element)
        if reason not in reasons:
            reasons.append(reason)
    return reasons
