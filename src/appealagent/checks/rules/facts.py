"""Facts of the field: Amazon's metric targets, policies that fit the notice, statements a type requires."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from appealagent.catalog import patterns
from appealagent.catalog.metrics import catalogue as metric_catalogue
from appealagent.checks import data
from appealagent.checks.context import CheckContext, Hit, hit
from appealagent.checks.match import sentence_of
from appealagent.checks.registry import rule
from appealagent.facts.numbers import parse_number
from appealagent.model.case import ViolationType

_NUM = r"(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|percent\b|per cent\b)"
_CMP = r"(?:(?:less|lower|fewer|more|greater|higher) than|below|under|above|over|at least|at most|no more than|not more than|not exceed(?:ing)?|of|at|<|>|≤|≥|<=|>=|=)"


@cache
def _target_res() -> tuple[re.Pattern[str], ...]:
    """How letters state a target next to a number (compiled on the first check, not at import).

    "Amazon's target of under 4%", "the 1% threshold", "target: < 2.5%", "Amazon requires … below 1%".
    """
    return (
        patterns.compile(
            r"\b(?:amazon[''’]?s?|the|its|a|their|your|required|performance|policy|maximum|minimum|official|stated|standard)\s+"
            r"(?:[a-z-]+\s+){0,3}?(?:target|threshold|standard|requirement|limit|benchmark|maximum|minimum)s?\s*"
            r"(?:(?:of|is|at|was|being|for|:)\s*){0,2}(?:" + _CMP + r"\s*)?(?:" + _CMP + r"\s*)?" + _NUM,
            re.IGNORECASE,
        ),
        patterns.compile(r"(?<![\d.,])" + _NUM + r"\s+(?:target|threshold|requirement|limit|benchmark|maximum|minimum)\b", re.IGNORECASE),
        patterns.compile(r"\b(?:target|threshold)\s*[(:]\s*" + _CMP + r"?\s*" + _NUM, re.IGNORECASE),
        patterns.compile(r"\bamazon\s+(?:requires?|expects?|asks? for|allows?|sets?)\s+(?:[a-z-]+\s+){0,6}?" + _CMP + r"\s*" + _NUM, re.IGNORECASE),
        # "above the required 2%", "Amazon's maximum of 2%", "the maximum ODR allowed is 2%"
        patterns.compile(
            r"\b(?:the|amazon[''’]?s?|its)\s+(?:required|maximum|minimum|allowed|acceptable|permitted|mandatory|highest allowed|lowest allowed)\s+"
            r"(?:[a-z-]+\s+){0,3}?(?:(?:allowed|permitted|accepted|acceptable)\s+)?(?:(?:of|is|at|was|:)\s*){0,2}(?:" + _CMP + r"\s*)?" + _NUM,
            re.IGNORECASE,
        ),
        # "the ODR must be below 2%", "the late shipment rate has to stay under 10%" (not "our … must")
        patterns.compile(
            r"(?:\b(?:our|my)\s+(?:[a-z-]+\s+){0,3}?)?\b(?:rate|ODR|LSR|VTR|OTDR)\s+(?:must|should|needs? to|has to|is required to|is supposed to)\s+"
            r"(?:be\s+|stay\s+|remain\s+|be kept\s+|not exceed\s+|not be (?:more|higher) than\s+)?(?:" + _CMP + r"\s*)?" + _NUM,
            re.IGNORECASE,
        ),
    )


_OWN_RE = patterns.compile(r"\b(?:our|own|internal|personal|team[''’]s|in-house|stricter|tighter)\b", re.IGNORECASE)


@cache
def _alias_res() -> list[tuple[str, re.Pattern[str]]]:
    """Per metric: its spelled-out names (any case) and its abbreviations (capitals only: "ODR", not "odr")."""
    out = []
    for name, meta in metric_catalogue().items():
        aliases = [re.escape(a) for a in meta.aliases]
        words = [a for a in aliases if not a.isupper()]
        upper = [a for a in aliases if a.isupper()]
        if words:
            out.append((name, patterns.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)))
        if upper:
            out.append((name, patterns.compile(r"\b(?:" + "|".join(upper) + r")\b")))
    return out


def _metric_near(ctx: CheckContext, pos: int) -> str | None:
    """The metric the sentence (or the one before) names, nearest before `pos`, else after it."""
    s, e = sentence_of(ctx, pos)
    before: list[tuple[int, str]] = []
    after: list[tuple[int, str]] = []
    for name, regex in _alias_res():
        for m in regex.finditer(ctx.body, s, e):
            (before if m.start() < pos else after).append((m.start(), name))
    if before:
        return max(before)[1]
    if after:
        return min(after)[1]
    if s > 0:
        ps, pe = sentence_of(ctx, max(0, s - 2))
        if pe <= s:
            found = [(m.start(), name) for name, regex in _alias_res() for m in regex.finditer(ctx.body, ps, pe)]
            if found:
                return max(found)[1]
    vt = ctx.violation_type
    if vt is not None and ctx.violation_source != "inferred":
        for name, meta in metric_catalogue().items():
            if vt.value in meta.violation_types and meta.target is not None:
                return name
    return None


@rule("facts.wrong_target")
def wrong_target(ctx: CheckContext) -> Iterator[Hit]:
    metrics = metric_catalogue()
    seen: set[int] = set()
    for regex in _target_res():
        for m in regex.finditer(ctx.body):
            num_start = next(m.start(g) for g in range(1, (m.lastindex or 0) + 1) if m.group(g) is not None)
            if num_start in seen:
                continue
            seen.add(num_start)
            if _OWN_RE.search(ctx.body, m.start(), num_start):
                continue  # "the rate above our internal target of 2%": the seller's own goal
            raw = next(g for g in m.groups() if g is not None)
            value = parse_number(raw)
            name = _metric_near(ctx, num_start)
            if value is None or name is None:
                continue
            meta = metrics[name]
            if meta.target is None or not meta.is_percent:
                continue
            if abs(meta.target - value) > 1e-9:
                yield hit(m.start(), m.end(), label=meta.label, stated=f"{raw}%", target=meta.target_text, source=meta.source)


@rule("facts.policy_mismatch")
def policy_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    vt = ctx.violation_type
    if vt is None or ctx.violation_source == "inferred" or vt == ViolationType.other:
        return
    for policy in data.load("facts")["policies"]:
        if vt.value in policy["types"]:
            continue
        for m in patterns.compile(policy["pattern"], re.IGNORECASE).finditer(ctx.body):
            yield hit(m.start(), m.end(), policy=policy["name"], vtype=vt.value.replace("_", " "))


@rule("facts.missing_required_statement")
def missing_required_statement(ctx: CheckContext) -> Iterator[Hit]:
    vt = ctx.violation_type
    if vt is None:
        return
    needs = data.load("facts")["required_statements"].get(vt.value, [])
    severity = "warning" if ctx.violation_source == "inferred" else None
    for need in needs:
        regex = data.alternation(need["patterns"])
        if regex.search(ctx.body):
            continue
        statement = need["statement"]
        not_enough = need.get("not_enough")
        if not_enough:
            regex_ne = patterns.compile(not_enough, re.IGNORECASE)
            m = next((x for sp in ctx.scope("corrective_actions") for x in regex_ne.finditer(ctx.body, *sp)), None)
            if m:
                yield hit(m.start(), m.end(), severity=severity, vtype=vt.value.replace("_", " "), statement=statement, fix=need["fix"])
                continue
        yield hit(severity=severity, vtype=vt.value.replace("_", " "), statement=statement, fix=need["fix"])
