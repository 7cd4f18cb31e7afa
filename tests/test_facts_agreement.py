"""The LLM loop's grounding and `appealagent check` agree on every fact of a letter, kind by kind.

The same case and the same sentence go to both: `find_ungrounded` (the re-ask loop)
and `run_checks(..., case=...)` (its grounding.* findings). A fact written the way the
case writes it, or another way of writing the same fact, is accepted by both; an
invented one is flagged by both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appealagent.checks import run_checks
from appealagent.engines.offline import draft_offline
from appealagent.facts.grounding import find_ungrounded
from appealagent.model.case import Case

BAD = Path(__file__).parent / "data" / "bad_letters"

# The LLM loop's kind of fact -> the checks' rule for the same fact.
RULE = {
    "asin": "grounding.unknown_asin",
    "order_id": "grounding.unknown_order",
    "email": "grounding.unknown_email",
    "date": "grounding.unknown_date",
    "number": "grounding.unknown_number",
    "percentage": "grounding.unknown_percentage",
    "reference": "grounding.unknown_reference",
}
UNKNOWN_RULES = set(RULE.values())

CONTEXT = (
    "Supplier invoice INV 2291 covers the 1,150 lanterns restocked after the audit of 8 Sept 2026. "
    "Purchase order PO-7781 went to the factory. Returns for the lantern ran at 2.35% last quarter. "
    "Our warehouse contact is dispatch@brightwell-outdoor.example.com."
)


def _case() -> Case:
    data: dict[str, Any] = json.loads((BAD / "cases" / "lsr_us.json").read_text(encoding="utf-8"))
    data["context"] = CONTEXT
    return Case.model_validate(data)


CASE = _case()

LETTER = """Dear Seller Performance Team,

On 4 May 2026 the selling privileges of Brightwell Outdoor Supply were deactivated because our Late Shipment Rate reached 6.8% between 1 April 2026 and 30 April 2026, against Amazon's target of under 4%: 34 of our 500 orders shipped after their ship-by date, mostly for B0DK3M7Q2A and B0DK4N8R5B, for example order 112-4471902-3385016 and order 114-2093381-7740215.

Root cause

1. No weekend dispatch. Nobody packed orders between Friday 16:00 and Monday morning. {sentence}

Corrective actions taken

1. On 4 May 2026 our warehouse supervisor shipped all 6 outstanding orders and confirmed each shipment in Seller Central.

Preventive measures

1. A packer works every Saturday from 09:00 to 13:00. Owner: warehouse supervisor.

We ask you to review this plan of action and reinstate our selling privileges.

Seller Central login e-mail: ops@brightwell-outdoor.example.com
"""

# (kind, sentence with a fact the case supports, the same sentence with an invented one, the invented value)
CASES = [
    ("asin", "The lantern B0DK3M7Q2A sold out.", "The lantern B0DK3M7Q2Z sold out.", "B0DK3M7Q2Z"),
    ("order_id", "Order 114-2093381-7740215 was late.", "Order 114-2093381-7740299 was late.", "114-2093381-7740299"),
    ("email", "We wrote from Dispatch@Brightwell-Outdoor.example.com.", "We wrote from packing@brightwell-outdoor.example.com.", "packing@brightwell-outdoor.example.com"),
    ("date", "The audit took place on 2026-09-08.", "The audit took place on 2026-09-18.", "2026-09-18"),
    ("date", "The audit took place on Sept. 8, 2026.", "The audit took place on Sept. 9, 2026.", "Sept. 9, 2026"),
    ("date", "The audit took place on 8 September.", "The audit took place on 28 September.", "28 September"),
    ("date", "The audit took place on 08/09/2026.", "The audit took place on 18/09/2026.", "18/09/2026"),
    ("number", "We restocked 1150 lanterns.", "We restocked 1,250 lanterns.", "1,250"),
    ("number", "We restocked one thousand, i.e. 1,150.0 lanterns.", "We restocked 1,151 lanterns.", "1,151"),
    ("percentage", "Returns ran at 2.35% last quarter.", "Returns ran at 2.45% last quarter.", "2.45"),
    ("percentage", "Returns ran at about 2.4 percent.", "Returns ran at about 2.6 percent.", "2.6"),
    ("percentage", "The rate was 6.80% in April.", "The rate was 6.9% in April.", "6.9"),
    ("reference", "Invoice INV-2291 is attached.", "Invoice INV-2292 is attached.", "INV-2292"),
    ("reference", "Invoice inv 2291 and PO 7781 are attached.", "Invoice INV 2291 and PO 7782 are attached.", "PO 7782"),
]


def _llm(sentence: str) -> set[tuple[str, str]]:
    draft = draft_offline(CASE).draft
    draft.root_causes[0] += " " + sentence
    return {(u.kind, u.value) for u in find_ungrounded(draft, CASE) if u.where == "root_causes[0]" and u.kind in RULE}


def _checks(sentence: str) -> set[tuple[str, str]]:
    report = run_checks(LETTER.format(sentence=sentence), case=CASE, corpus=())
    return {(f.rule_id, f.excerpt or "") for f in report.findings if f.rule_id in UNKNOWN_RULES}


def test_the_letter_without_the_sentence_is_grounded_for_both() -> None:
    assert _checks("") == set()
    assert _llm("") == set()


@pytest.mark.parametrize(("kind", "grounded", "invented", "value"), CASES, ids=[f"{c[0]}:{c[3]}" for c in CASES])
def test_both_accept_the_grounded_variant(kind: str, grounded: str, invented: str, value: str) -> None:
    assert _llm(grounded) == set()
    assert _checks(grounded) == set()


@pytest.mark.parametrize(("kind", "grounded", "invented", "value"), CASES, ids=[f"{c[0]}:{c[3]}" for c in CASES])
def test_both_flag_the_invented_variant(kind: str, grounded: str, invented: str, value: str) -> None:
    llm_kind = "number" if kind == "percentage" else kind  # the re-ask message calls a percentage's figure a number
    assert _llm(invented) == {(llm_kind, value)}
    findings = _checks(invented)
    assert {rule for rule, _ in findings} == {RULE[kind]}
    assert all(value in excerpt for _, excerpt in findings), findings


def test_the_reported_mismatch_inv_2291_is_gone() -> None:
    """The issue's example: the case says "INV 2291", the draft "INV-2291"."""
    assert _llm("Invoice INV-2291 is attached.") == set() == _checks("Invoice INV-2291 is attached.")
