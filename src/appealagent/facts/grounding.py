"""Does every specific in a drafted letter come from the seller's case?

A model that writes a plausible invoice number, an extra corrective action or a
rounder percentage produces a letter that can get an account banned for good:
Amazon may call the supplier or ask for the document. So after every LLM reply
(restored from placeholders) this module lists each specific that does not
trace to the case — ASINs, order IDs, e-mails, dates, numbers, percentages,
times, reference numbers, company/supplier names, documents claimed as attached,
root causes, corrective actions or preventive measures the seller never reported,
and claims with no number in them that the case does not support (a refund, a
certification, a software bug the seller never named: data/grounding/claims.yaml).
Amazon's metric targets (data/metrics.yaml) count as grounded. The list is what
the re-ask loop sends back, and what the run log records.

It is deliberately lexical and cheap: it can miss a paraphrased invention, but
it never needs a model, and every miss it reports names the exact text. Facts
are read by `facts.scan` and judged by `facts.case_facts.CaseFacts`, the same
pair the checks' grounding rules use, so the re-ask loop and `appealagent check`
agree on every ASIN, order ID, e-mail, date, number and reference. It runs even
with --no-check: grounding is part of drafting, not an optional review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml
from appealagent.facts.case_facts import CaseFacts
from appealagent.facts.scan import TODO_RE, Fact, scan
from appealagent.model.case import Case
from appealagent.model.draft import AppealDraft
from appealagent.redact import PLACEHOLDER_RE

__all__ = ["CaseFacts", "Ungrounded", "find_ungrounded", "sections"]

WORD_RE = patterns.compile(r"[a-z]+")
_KIND = {"percentage": "number"}  # the re-ask message calls a percentage's figure a number, as it always has


@dataclass(frozen=True)
class Ungrounded:
    """One specific in the draft that the case does not support."""

    kind: str
    value: str
    where: str

    LABELS = {
        "asin": "ASIN",
        "order_id": "order ID",
        "email": "e-mail address",
        "date": "date",
        "number": "number",
        "time": "time",
        "reference": "reference number",
        "supplier": "company or supplier name",
        "document": "document",
        "action": "corrective action",
        "measure": "preventive measure",
        "cause": "root cause",
        "claim": "claim",
        "placeholder": "placeholder",
    }

    def message(self) -> str:
        label = self.LABELS.get(self.kind, self.kind)
        if self.kind == "action":
            return f"{self.where}: this corrective action is not one the seller reported in case_data.corrective_actions: {self.value!r}"
        if self.kind == "measure":
            return f"{self.where}: this preventive measure is not one the seller reported in case_data.preventive_measures: {self.value!r}"
        if self.kind == "cause":
            return f"{self.where}: this root cause is not one the seller reported in case_data.root_causes: {self.value!r}"
        if self.kind == "claim":
            return f"{self.where}: {self.value} — nothing in case_data says so; this is an invented claim: remove it or write [TO COMPLETE: …]"
        if self.kind == "placeholder":
            return f"{self.where}: placeholder {self.value} does not exist in case_data; do not make up placeholders"
        return f"{self.where}: {label} {self.value!r} does not appear in case_data; use only the case's facts or write [TO COMPLETE: …]"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "where": self.where}


@cache
def _rules() -> dict[str, Any]:
    return load_yaml("grounding/rules.yaml")


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(_rules()["stopwords"])


def _stems(text: str) -> set[str]:
    stop = _stopwords()
    n = _rules()["content_word_min_length"]
    return {w[:5] for w in WORD_RE.findall(text.lower()) if len(w) >= n and w not in stop}


@cache
def _company_re() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(_rules()["company_suffixes"], key=len, reverse=True))
    return patterns.compile(r"((?:[A-Z][\w&'.-]*\s+){1,6})(?:" + suffixes + r")(?![\w])")


@cache
def _supplier_cue_re() -> re.Pattern[str]:
    cues = "|".join(_rules()["supplier_cues"])
    return patterns.compile(r"\b(?:" + cues + r"),?\s+(?:called\s+|named\s+)?((?:[A-Z][\w&'-]+(?:\s+|$)){1,5})")


@cache
def _name_filters() -> tuple[frozenset[str], frozenset[str]]:
    stop = frozenset(_rules()["name_stopwords"])
    suffix_words = frozenset(w.lower().strip(".,") for s in _rules()["company_suffixes"] for w in s.split())
    return stop, suffix_words


def _name_words(name: str) -> list[str]:
    stop, suffix_words = _name_filters()
    words = [w.lower().strip(".,'") for w in name.split()]
    return [w for w in words if w and w not in stop and w not in suffix_words]


def _value(fact: Fact) -> str:
    return fact.raw if fact.kind in ("percentage", "number") else fact.text


def _check_text(text: str, where: str, facts: CaseFacts, out: list[Ungrounded]) -> None:
    def flag(kind: str, value: str) -> None:
        out.append(Ungrounded(kind, value.strip(), where))

    for m in PLACEHOLDER_RE.finditer(TODO_RE.sub(" ", text)):
        flag("placeholder", m.group(0))
    found, rest = scan(text)
    for fact in facts.unsupported(found):
        flag(_KIND.get(fact.kind, fact.kind), _value(fact))
    for pattern, group in ((_company_re(), 0), (_supplier_cue_re(), 1)):
        for m in pattern.finditer(rest):
            words = _name_words(m.group(group))
            if words and not all(w in facts.words for w in words):
                flag("supplier", m.group(group))


def _check_documents(text: str, where: str, facts: CaseFacts, out: list[Ungrounded]) -> None:
    rules = _rules()
    cues = rules["attach_cues"]
    for sentence in re.split(r"(?<=[.;:!?])\s+|\n+", TODO_RE.sub(" ", text)):
        low = sentence.lower()
        if not any(c in low for c in cues):
            continue
        for kind, phrases in rules["document_phrases"].items():
            for phrase in phrases:
                if re.search(r"\b" + re.escape(phrase) + r"\b", low):
                    known = kind.replace("_", " ") in facts.doc_text or any(
                        re.search(r"\b" + re.escape(p) + r"\b", facts.doc_text) for p in phrases
                    )
                    if not known:
                        out.append(Ungrounded("document", phrase, where))
                    break


def _matches(item: str, reported: list[str]) -> bool:
    words = _stems(item)
    threshold = _rules()["action_match_threshold"]
    for text in reported:
        target = _stems(text)
        if target and len(target & words) / len(target) >= threshold:
            return True
    return False


def _check_items(items: list[str], section: str, kind: str, reported: list[str], untranslated: int, out: list[Ungrounded]) -> None:
    spare = untranslated  # items that may be translations of answers only given in Chinese
    for i, item in enumerate(items):
        if not TODO_RE.sub("", item).strip(" .;:-"):
            continue  # a marker only: the seller is told to complete it
        if _matches(item, reported):
            continue
        if spare > 0:
            spare -= 1
            continue
        out.append(Ungrounded(kind, item if len(item) <= 160 else item[:157] + "…", f"{section}[{i}]"))


@dataclass(frozen=True)
class Claim:
    """A kind of claim (a refund, a certification…): the letter's patterns and the case's grounds."""

    name: str
    patterns: re.Pattern[str]
    grounds: re.Pattern[str]


def _alternation(items: list[str]) -> re.Pattern[str]:
    return patterns.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)


@cache
def claims() -> tuple[Claim, ...]:
    """The claim kinds of data/grounding/claims.yaml, compiled once."""
    out = []
    for entry in load_yaml("grounding/claims.yaml")["claims"]:
        grounds = list(entry.get("grounds") or entry["patterns"]) + [re.escape(w) for w in entry.get("zh", [])]
        out.append(Claim(entry["claim"], _alternation(entry["patterns"]), _alternation(grounds)))
    return tuple(out)


def unsupported_claims(text: str, case_text: str) -> list[tuple[Claim, re.Match[str]]]:
    """Each claim kind the text makes and the case text does not support, with its first match.

    Shared by the LLM loop (`find_ungrounded`) and `appealagent check --case` (grounding.invented_claim),
    so both call the same sentence an invention.
    """
    out = []
    clean = TODO_RE.sub(" ", text)
    for claim in claims():
        m = claim.patterns.search(clean)
        if m is not None and not claim.grounds.search(case_text):
            out.append((claim, m))
    return out


def _check_claims(text: str, where: str, facts: CaseFacts, out: list[Ungrounded]) -> None:
    for claim, m in unsupported_claims(text, facts.text):
        out.append(Ungrounded("claim", f"{claim.name} ({m.group(0)!r})", where))


def sections(draft: AppealDraft) -> list[tuple[str, str]]:
    """(where, text) for every paragraph of the draft."""
    out = [("opening", draft.opening)]
    for name in ("root_causes", "corrective_actions", "preventive_measures"):
        out.extend((f"{name}[{i}]", t) for i, t in enumerate(getattr(draft, name)))
    out.append(("closing", draft.closing))
    return out


def find_ungrounded(draft: AppealDraft, case: Case, facts: CaseFacts | None = None) -> list[Ungrounded]:
    """Every specific in the draft that the case does not support, in reading order."""
    facts = facts or CaseFacts(case)
    out: list[Ungrounded] = []
    for where, text in sections(draft):
        _check_text(text, where, facts, out)
        _check_documents(text, where, facts, out)
        _check_claims(text, where, facts, out)
    causes = [t for t in (rc.english() for rc in case.root_causes) if t] + [rc.detail_en or rc.detail or "" for rc in case.root_causes]
    untranslated_causes = sum(1 for rc in case.root_causes if rc.english() is None)
    _check_items(draft.root_causes, "root_causes", "cause", [c for c in causes if c], untranslated_causes, out)
    _check_items(draft.corrective_actions, "corrective_actions", "action", facts.actions, facts.untranslated_actions, out)
    _check_items(draft.preventive_measures, "preventive_measures", "measure", facts.measures, facts.untranslated_measures, out)
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for u in out:
        key = (u.kind, u.value, u.where)
        if key not in seen:
            seen.add(key)
            unique.append(u)
    return unique
