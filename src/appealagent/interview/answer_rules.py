"""The letter checks' rules applied to each interview answer as it is typed (issue 12).

An answer that the checks would flag once it is in the letter — blame, criticism of Amazon,
a demand, an instruction to an AI, an "already done" action written as a plan, a vague root
cause, a document kind Amazon does not accept — is refused on the spot with the reason in the
interview's language, so the interview cannot end in a letter that is "not ready" for a reason
the seller could have fixed while typing. The judging is `checks.answers` (the same phrase lists
as the letter rules); the wording is data/checks/answers.yaml `reasons`. `flow.Interview.check`
is the one caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from appealagent.catalog import patterns
from appealagent.checks import data
from appealagent.checks.answers import Role, screen, unaccepted_document
from appealagent.interview.steps import CaseDraft, Reason

_ROLES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile(r"^root_causes\[\d+\]\.(?:text|text_en|detail|detail_en)$"), "cause"),
    (re.compile(r"^corrective_actions\[\d+\]\.(?:text|text_en)$"), "action"),
    (re.compile(r"^preventive_measures\[\d+\]\.(?:text|text_en)$"), "measure"),
)
_EVIDENCE_KIND = patterns.compile(r"^evidence\[\d+\]\.kind$")
_STEP = patterns.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _at(data: object, path: str) -> object:
    """The value at a concrete case path ('root_causes[1].detail'), or None."""
    node = data
    for m in _STEP.finditer(path):
        if m.group(1) is not None:
            node = node.get(m.group(1)) if isinstance(node, dict) else None
        else:
            i = int(m.group(2))
            node = node[i] if isinstance(node, list) and i < len(node) else None
        if node is None:
            return None
    return node


def _strings(path: str, value: object) -> Iterator[tuple[str, object]]:
    """(concrete path, value) for a path and every field under it (an answer may write a whole list element)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(f"{path}.{k}", v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(f"{path}[{i}]", v)
    else:
        yield path, value


def _role(path: str) -> Role:
    for regex, role in _ROLES:
        if regex.match(path):
            return role
    return "text"


def _worded(rule_id: str, quote: str, lang: str) -> Reason:
    table = data.load("answers")["reasons"]
    text = table.get(rule_id, {}).get(lang) or table.get(rule_id, {}).get("en") or rule_id
    return Reason(message=text.format(quote=quote.strip()))


def answer_reasons(draft: CaseDraft, key: str, lang: str) -> list[Reason]:
    """Why the letter rules refuse what answer `key` wrote into the case (empty when nothing trips them)."""
    out: list[Reason] = []
    for top in draft.provenance.get(key, []):
        for path, value in _strings(top, _at(draft.data, top)):
            if not isinstance(value, str) or not value.strip():
                continue
            if _EVIDENCE_KIND.match(path):
                why = unaccepted_document(value)
                flags = [("evidence.unaccepted_kind", why)] if why else []
            elif path.endswith((".date", ".done_on", ".starts_on", ".id", ".kind", ".file", ".reference")):
                continue
            else:
                flags = [(f.rule_id, f.quote) for f in screen(value, _role(path))]
            for rule_id, quote in flags:
                reason = _worded(rule_id, quote, lang)
                if reason not in out:
                    out.append(reason)
    return out
