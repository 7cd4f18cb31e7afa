"""What a text is (a notice, a newsletter, a buyer message…) and which violation types it is about, scored by weighted phrases.

The phrases and weights are data (data/intake/violations.yaml, signals.yaml) and the thresholds
are in settings.yaml, so a new wording Amazon starts to use is one line of YAML. Quoted metrics
confirm or weaken their own type: a metric above target is evidence, one within target is not.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from appealagent.intake.data import IGNORECASE as _I
from appealagent.intake.data import alternation, rule_file, settings
from appealagent.intake.extract.ids import dedupe
from appealagent.intake.extract.marketplace import latin_share, script_of
from appealagent.intake.extract.metrics import fmt, metric_violation
from appealagent.intake.model import Classification, Found, MetricFound
from appealagent.intake.phrases import PhraseList
from appealagent.model.case import ViolationType, has_cjk


class TypeRule(NamedTuple):
    """One violation type's phrases and how it relates to the others (violations.yaml)."""

    scope: str
    expects: tuple[str, ...]
    subsumes: tuple[ViolationType, ...]
    phrases: PhraseList
    other_needs_metric: bool = False
    fallback: bool = False
    route: str | None = None
    named: re.Pattern[str] | None = None


class Family(NamedTuple):
    """Wording that names a group of types (intellectual property) when no single type is sure."""

    name: str
    rx: re.Pattern[str]
    candidates: tuple[ViolationType, ...]
    message: str


class NotANotice(NamedTuple):
    """A kind of message that is not a notice (newsletter, buyer message…), and what to tell the seller."""

    kind: str
    message: str
    phrases: PhraseList


class ClassifyRules(NamedTuple):
    """violations.yaml and signals.yaml, ready to score."""

    types: dict[ViolationType, TypeRule]
    families: tuple[Family, ...]
    enforcement: PhraseList
    not_a_notice: tuple[NotANotice, ...]
    scope_account: PhraseList
    scope_listing: PhraseList
    status: dict[str, PhraseList]


@functools.cache
def rules() -> ClassifyRules:
    """The classification rules, read once per process (patterns compile on first search)."""
    v = rule_file("violations")
    s = rule_file("signals")
    types = {
        ViolationType(name): TypeRule(
            scope=spec.get("scope", "account"),
            expects=tuple(spec.get("expects") or ()),
            subsumes=tuple(ViolationType(t) for t in spec.get("subsumes") or ()),
            phrases=PhraseList.from_data(spec["phrases"]),
            other_needs_metric=bool(spec.get("other_needs_metric")),
            fallback=bool(spec.get("fallback")),
            route=spec.get("route"),
            named=re.compile(alternation(spec["named"]), _I) if spec.get("named") else None,
        )
        for name, spec in v["types"].items()
    }
    return ClassifyRules(
        types=types,
        families=tuple(
            Family(name, re.compile(f["re"], _I), tuple(ViolationType(c) for c in f["candidates"]), f["message"])
            for name, f in (v.get("families") or {}).items()
        ),
        enforcement=PhraseList.from_data(s["enforcement"]),
        not_a_notice=tuple(NotANotice(k, spec["message"], PhraseList.from_data(spec["phrases"])) for k, spec in s["not_a_notice"].items()),
        scope_account=PhraseList.from_data(s["scope"]["account"]),
        scope_listing=PhraseList.from_data(s["scope"]["listing"]),
        status={name: PhraseList.from_data(items) for name, items in s.get("status", {}).items()},
    )


def score_types(flat: str) -> dict[ViolationType, tuple[float, list[str]]]:
    """Each violation type's confidence and the phrases that gave it."""
    return {vt: rule.phrases.score(flat) for vt, rule in rules().types.items()}


def _not_a_notice(flat: str) -> tuple[NotANotice | None, float, list[str]]:
    best: tuple[NotANotice | None, float, list[str]] = (None, 0.0, [])
    for candidate in rules().not_a_notice:
        score, hits = candidate.phrases.score(flat)
        if score > best[1]:
            best = (candidate, score, hits)
    return best


def message_kind(flat: str, found: Found) -> tuple[str, str | None]:
    """A notice, or something else (newsletter, buyer message, claim, unknown language)?"""
    r = rules()
    st = settings()
    enforcement, _ = r.enforcement.score(flat)
    found["enforcement_score"] = round(enforcement, 3)
    neg, neg_score, neg_hits = _not_a_notice(flat)
    if not has_cjk(flat) and latin_share(flat) < st.min_latin_share:
        return "unknown_language", (
            f"the text is not in a language the rules read (mostly {script_of(flat)} script); "
            "paste the notice as Amazon sent it, in English or the marketplace's language"
        )
    if neg and neg_score >= st.min_not_a_notice and neg_score > enforcement:
        found["not_a_notice_phrases"] = neg_hits
        return neg.kind, neg.message
    if enforcement < st.min_enforcement:
        return "unclassified", (
            "this does not read like a notice from Amazon about your account or listings "
            "(no wording about deactivation, removal, a policy or a plan of action)"
        )
    return "amazon_notice", None


def scope(flat: str, vt: ViolationType | None) -> tuple[bool | None, list[str]]:
    """Account level (True), listing level (False) or unknown, and the phrase that says so."""
    r = rules()
    acc, acc_hits = max(r.scope_account.hits(flat), default=(0.0, ""))
    lst, lst_hits = max(r.scope_listing.hits(flat), default=(0.0, ""))
    if vt is None and max(acc, lst) < 0.8:
        return None, []  # with no violation, only an actual deactivation or removal says the level
    if acc > lst:
        return True, [acc_hits]
    if lst > acc:
        return False, [lst_hits]
    if vt is None:
        return None, []
    return r.types[vt].scope == "account", [h for h in (acc_hits, lst_hits) if h]


def status(flat: str) -> tuple[str | None, str | None]:
    """What the notice did (deactivated, at risk, listings removed…) and the phrase that says so."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    for name, phrases in rules().status.items():
        for weight, matched in phrases.hits(flat):
            if weight > best[0]:
                best = (weight, name, matched)
    return best[1], best[2]


def named_types(values: list[str]) -> list[tuple[ViolationType, str]]:
    """The types a "Complaint type: …" field names, with the value that named each."""
    out: list[tuple[ViolationType, str]] = []
    for vt, rule in rules().types.items():
        value = next((v for v in values if rule.named is not None and rule.named.search(v)), None)
        if value is not None:
            out.append((vt, value))
    return out


def _named_first(ranked: list[Classification], named: list[tuple[ViolationType, str]]) -> list[Classification]:
    """A type the notice names as its complaint type leads, however loud the boilerplate of another."""
    floor = settings().named_confidence
    by_type = {c.violation_type: c for c in ranked}
    lead: list[Classification] = []
    for vt, value in named:
        have = by_type.get(vt)
        phrase = f"complaint type: {value}"
        conf = max(floor, have.confidence if have else 0.0)
        lead.append(Classification(violation_type=vt, confidence=round(conf, 3), phrases=[phrase, *(have.phrases if have else [])]))
    lead.sort(key=lambda c: c.confidence, reverse=True)
    keep = {c.violation_type for c in lead}
    return lead + [c for c in ranked if c.violation_type not in keep]


def _classify(flat: str, metrics: list[MetricFound], named: list[tuple[ViolationType, str]] | None = None) -> list[Classification]:
    """Score every type, let quoted metrics confirm or weaken their type, rank; a named complaint type leads."""
    st = settings()
    scores = {vt: (conf, hits) for vt, (conf, hits) in score_types(flat).items()}
    for metric in metrics:
        vt_name = metric_violation(metric["name"])
        if not vt_name:
            continue
        vt = ViolationType(vt_name)
        conf, hits = scores[vt]
        verdict = metric.get("breach")
        if verdict is True:
            scores[vt] = (1 - (1 - conf) * (1 - st.metric_breach_weight), [*hits, f"{metric['name']} {fmt(metric['value'])} misses its target"])
        elif verdict is False:
            scores[vt] = (conf * st.metric_within_factor, hits)
    ranked = sorted(
        (
            Classification(violation_type=vt, confidence=round(conf, 3), phrases=dedupe(hits))
            for vt, (conf, hits) in scores.items()
            if conf >= st.report_above
        ),
        key=lambda c: c.confidence,
        reverse=True,
    )
    fallback = {vt for vt, rule in rules().types.items() if rule.fallback}
    if any(c.violation_type not in fallback and c.confidence >= st.min_confidence for c in ranked):
        # "other" gives way to any specific type that is sure enough, whatever its own score.
        ranked = [c for c in ranked if c.violation_type not in fallback] + [c for c in ranked if c.violation_type in fallback]
    return _named_first(ranked, named) if named else ranked


def _pick(
    classes: list[Classification], metrics: list[MetricFound], cjk_counts: bool = True, named: set[ViolationType] | None = None
) -> tuple[ViolationType | None, list[ViolationType]]:
    """The main type, and further types that are strong, not part of it, (for metric types)
    backed by a quoted metric that misses its target, and — when the notice is not itself in
    Chinese or Japanese — found in the notice's own language, not only in a forum's Chinese
    sidebar or translation. With a named complaint type, only other named types are further ones."""
    r = rules()
    st = settings()
    if not classes or classes[0].confidence < st.min_confidence:
        return None, []
    main = classes[0].violation_type
    subsumed = set(r.types[main].subsumes)
    breached = {metric_violation(m["name"]) for m in metrics if m.get("breach")}
    others = [
        c.violation_type
        for c in classes[1:]
        if c.confidence >= st.min_other
        and c.violation_type not in subsumed
        and not r.types[c.violation_type].fallback
        and (not r.types[c.violation_type].other_needs_metric or c.violation_type.value in breached)
        and (cjk_counts or any(not has_cjk(p) for p in c.phrases))
        and (not named or c.violation_type in named)
    ]
    return main, others


class Verdict(NamedTuple):
    """The outcome of classifying: the message kind, why it is unclassified, and the types."""

    kind: str
    message: str | None
    classifications: list[Classification]
    violation: ViolationType | None
    others: list[ViolationType]


def classify_notice(flat: str, kind: str, metrics: list[MetricFound], found: Found, complaint_types: list[str] | None = None) -> Verdict:
    """The violation types of a notice; when none is sure, say what the notice is about.

    `complaint_types`: the values of the notice's "Complaint type:" fields, which decide the
    type when they name one."""
    st = settings()
    if kind == "unclassified":
        return Verdict(kind, None, [c for c in _classify(flat, metrics) if c.confidence >= st.min_confidence], None, [])
    if kind != "amazon_notice":
        return Verdict(kind, None, [], None, [])
    named = named_types(complaint_types or [])
    classifications = _classify(flat, metrics, named)
    violation, others = _pick(classifications, metrics, cjk_counts=found.get("language") in ("zh", "ja"), named={vt for vt, _ in named})
    if violation is not None:
        return Verdict(kind, None, classifications, violation, others)
    message = "the rules could not tell which violation this notice is about"
    judged = [m["breach"] for m in metrics if m.get("breach") is not None]
    if judged and not any(judged):
        found["all_metrics_within_target"] = True
        return Verdict("unclassified", "every metric the notice quotes meets its target: this reads like a status summary, not a warning", classifications, None, [])
    for family in rules().families:
        if family.rx.search(flat):
            found["family"] = family.name
            found["candidates"] = [c.value for c in family.candidates]
            message = family.message
            break
    return Verdict("unclassified", message, classifications, None, [])
